"""Search in a real browser: the theme's search box answered by Pagefind on the built fixture site.

Types into the header's search box as a reader would, finds the story (stories listed
first), and checks that the words of hidden records (a hidden fact card, a hidden story)
find nothing. Skips like test_browser_site when Chromium or Playwright is absent.
"""
from __future__ import annotations

import time

import pytest
import yaml

from tests import site_helpers as h
from tests.browser_helpers import ARGS, CHROMIUM, mkdocs_build, need_browser, served

pytestmark = pytest.mark.browser

# words that appear only in hidden records of the fixture (and in no other card)
HIDDEN_STORY_WORDS = "Quokka marmalade"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    need_browser()
    project = tmp_path_factory.mktemp("search")
    h.make_project(project)
    hidden = h.story() | {"id": "s-hidden", "hidden": True, "title": f"{HIDDEN_STORY_WORDS} summit"}
    (project / "content" / "stories" / "s-hidden.yml").write_text(yaml.safe_dump(hidden), encoding="utf-8")
    mkdocs_build(project / "mkdocs.yml", project)
    assert (project / "site" / "pagefind" / "shards.json").exists()
    with served(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def search(page, query: str) -> None:
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "")
    page.type("input.md-search__input", query)
    page.wait_for_function("q => document.querySelector('[data-digest-search-result]').dataset.answered === q",
                           arg=query)


def test_typing_a_query_finds_the_story_first_with_date_and_outlets(page, base_url):
    page.goto(base_url + "about/")
    start = time.perf_counter()
    search(page, "mediate")
    first = page.locator(".md-search-result__list a.md-search-result__link").first
    first.wait_for()
    elapsed = time.perf_counter() - start
    assert first.get_attribute("href").rstrip("/").endswith("stories/s-mediation")
    text = first.inner_text()
    assert "Russia offers to mediate between US and North Korea" in text
    assert "2017-12-18" in text and "Daily Planet" in text and "The Evening Wire" in text
    assert page.locator(".md-search-result__list mark").count() >= 1      # an excerpt with the words marked
    groups = page.locator(".digest-search-group").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert groups[0] == "story" and groups == sorted(groups, key=["story", "entity", "article"].index)
    print(f"first results {elapsed * 1000:.0f} ms after typing began")
    first.click()
    page.wait_for_url("**/stories/s-mediation/")


@pytest.mark.parametrize("query", ["editor hid", HIDDEN_STORY_WORDS])
def test_words_of_hidden_records_find_nothing(page, base_url, query):
    page.goto(base_url)
    search(page, query)
    assert page.locator(".md-search-result__list a").count() == 0
    assert page.locator(".md-search-result__meta").inner_text() == "No matching pages"
    # while a visible card's words still do
    search(page, "Kremlin")
    assert page.locator(".md-search-result__list a").count() >= 1


def _pagefind_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if "/pagefind/" in r.url else None)
    return urls


def test_search_runtime_loads_when_the_page_is_idle_so_the_first_query_finds_it_ready(page, base_url):
    urls = _pagefind_requests(page)
    page.goto(base_url + "about/")
    deadline = time.monotonic() + 10
    while not any(u.endswith(".pf_meta") for u in urls) and time.monotonic() < deadline:
        page.wait_for_timeout(50)                      # no click, no focus: the page only idles
    assert any(u.endswith("/pagefind.js") for u in urls) and any(u.endswith(".pf_meta") for u in urls)
    assert not any("/index/" in u or "/fragment/" in u for u in urls)   # no query yet: no index chunk
    search(page, "mediate")
    assert page.locator(".md-search-result__list a").count() >= 1


def test_a_reader_saving_data_loads_the_search_runtime_only_on_reaching_for_the_box(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script("Object.defineProperty(navigator, 'connection',"
                            " { value: { saveData: true, effectiveType: '4g' }, configurable: true })")
    page = context.new_page()
    try:
        urls = _pagefind_requests(page)
        page.goto(base_url + "about/")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert urls == []
        search(page, "mediate")
        assert any(u.endswith("/pagefind.js") for u in urls)
        assert page.locator(".md-search-result__list a").count() >= 1
    finally:
        context.close()
