"""The built digest in a real browser: Playwright driving Debian's Chromium
(never downloaded; see tests/browser_helpers.py for when these tests skip)."""
from __future__ import annotations

import pytest

from tests import site_helpers as h
from tests.browser_helpers import ARGS, CHROMIUM, mkdocs_build, need_browser, served

pytestmark = pytest.mark.browser

ARTIFACTS = h.ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    need_browser()
    project = tmp_path_factory.mktemp("browser")
    h.make_project(project)
    mkdocs_build(project / "mkdocs.yml", project)
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
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    pg = context.new_page()
    yield pg
    context.close()


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""")


def test_home_story_citation_lands_on_highlighted_passage(page, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    page.click("a.digest-story-item__title")
    page.wait_for_url("**/stories/s-mediation/")
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)
    # the fact cards are folded: the key point's marker [2] opens "All facts" at card [2]
    assert not page.locator("#fact-f2").is_visible()
    page.locator('.digest-key-point a.digest-marker[href="#fact-f2"]').first.click()
    page.wait_for_function("document.querySelector('#all-facts').open")
    # the citation of the statement fact (card [2]) points into the middle of a long article page
    link = page.locator("#fact-f2 a.digest-citation__link").first
    href = link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    excerpt = page.locator("#fact-f2 .digest-citation__excerpt").first.inner_text()
    link.click()
    page.wait_for_url(f"**/articles/a-one/#{anchor}")
    page.wait_for_function("id => document.querySelector('mark.digest-cite--active') !== null", arg=anchor)
    marks = page.locator(f'mark.digest-cite[data-cites~="{anchor}"]')
    assert marks.count() >= 1
    first = f'mark.digest-cite[data-cites~="{anchor}"]'
    assert in_viewport(page, first)
    assert "digest-cite--active" in (marks.first.get_attribute("class") or "")
    bg = page.eval_on_selector(first, "el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    # the highlighted words are the cited excerpt
    text = "".join(marks.all_inner_texts())
    assert text == excerpt
    # passages not targeted are highlighted too, but not as the active one
    assert page.locator("mark.digest-cite:not(.digest-cite--active)").count() >= 1


def test_search_for_entity_name_finds_its_page(page, base_url):
    page.goto(base_url)
    result = page.locator('.md-search-result__item a[href*="entities/e-peskov/"]').first
    # the index loads in a web worker; on a busy machine the first query can come before it
    for attempt in range(6):
        page.fill("input.md-search__input", "")
        page.type("input.md-search__input", "Peskov")
        try:
            result.wait_for(timeout=10000)
            break
        except Exception:
            if attempt == 5:
                raise
    result.click()
    page.wait_for_url("**/entities/e-peskov/**")
    assert page.locator("h1.digest-title").inner_text() == "Dmitry Peskov"


def test_dark_mode_toggles(page, base_url):
    page.goto(base_url + "stories/s-mediation/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"{scheme} === 'slate'")
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.screenshot(path=str(ARTIFACTS / "story-dark.png"))
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"{scheme} === 'default'")
    assert bg != page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_script_in_article_never_runs(page, base_url):
    page.goto(base_url + "articles/a-xss/")
    assert page.evaluate("window.__pwned === undefined")
    assert "<script>window.__pwned = 1</script>" in page.locator(".digest-text").inner_text()
    assert "<script>" in page.locator("h1.digest-title").inner_text()


def story_url(base_url: str) -> str:
    return base_url + "stories/s-mediation/"


def test_key_points_come_first_and_the_detail_is_folded(page, base_url):
    page.goto(story_url(base_url))
    headings = page.locator("article h2").all_inner_texts()
    assert headings[0].startswith("Key points")
    first_point = page.locator(".digest-key-point").first.bounding_box()
    # every folded section sits below the key points and starts closed
    for fold in page.locator("details.digest-fold").all():
        assert fold.get_attribute("open") is None
        assert fold.bounding_box()["y"] > first_point["y"]
    assert page.locator(".digest-fact").first.is_hidden()
    # each key point carries its "k of n" count and a marker
    assert page.locator(".digest-key-point__count").first.inner_text().endswith("outlets")


def test_link_into_a_fold_opens_it_on_load_and_on_hash_change(page, base_url):
    # straight to a quote folded under "Other quotes"
    page.goto(story_url(base_url) + "#quote-q1")
    page.wait_for_function("document.querySelector('#all-quotes').open")
    assert in_viewport(page, "#quote-q1")
    assert page.evaluate("document.querySelector('#all-facts').open") is False
    # then, on the same page, a change of hash to a fact card (the coverage matrix links)
    page.evaluate("location.hash = '#fact-f3'")
    page.wait_for_function("document.querySelector('#all-facts').open")
    page.wait_for_function("""() => { const r = document.querySelector('#fact-f3').getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight; }""")


def test_outlet_display_name_from_outlets_file_on_story_page(page, base_url):
    page.goto(story_url(base_url))
    # content/outlets.yml names the slug "Wire Service" "The Evening Wire"
    chips = page.locator(".digest-story-outlets").inner_text()
    assert "The Evening Wire" in chips
    source = page.locator(".digest-source", has_text="The Evening Wire")
    assert source.locator("a.digest-source__outlet").get_attribute("href") == h.OUTLETS["Wire Service"]["url"]
    # the original address of each article is offered, and no input file path is shown
    assert source.locator("a.digest-source__original").get_attribute("href").startswith("https://news.example/")
    page.goto(base_url + "articles/a-two/")
    assert "content/inbox" not in page.locator("article").inner_text()


def test_no_placeholder_link_on_any_page(page, base_url):
    pages = ["", "stories/", "stories/s-mediation/", "articles/a-one/", "entities/e-peskov/", "outlets/",
             "about/", "timeline/"]
    for path in pages:
        page.goto(base_url + path)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert hrefs, path
        assert not [x for x in hrefs if "example.org" in x], path
        # no repository is configured in the fixture: no edit pencil, no repository link
        assert page.locator('a[rel="edit"], .md-source').count() == 0, path


# ---------------------------------------------------------------- the sample story as readers see it
@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    """The repository's own content (the bundled sample), built as `make site` builds it."""
    need_browser()
    stories = sorted((h.ROOT / "content" / "stories").glob("*.yml"))
    if not stories:
        pytest.skip("no sample story in content/stories (run python -m generator build)")
    out = tmp_path_factory.mktemp("sample") / "site"
    mkdocs_build(h.ROOT / "mkdocs.yml", h.ROOT, "-d", str(out))
    with served(out) as url:
        yield f"{url}stories/{stories[0].stem}/"


def test_sample_story_fits_a_few_screens_and_key_points_open_the_phone_screen(browser, sample_url):
    ARTIFACTS.mkdir(exist_ok=True)
    desktop = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="light")
    pg = desktop.new_page()
    pg.goto(sample_url)
    height = pg.evaluate("document.documentElement.scrollHeight")
    pg.screenshot(path=str(ARTIFACTS / "sample-story-desktop.png"), full_page=True)
    desktop.close()
    # all folds closed: the target is at most 4,000 px (it was 20,982)
    assert height <= 4000, height
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True, color_scheme="light")
    pg = phone.new_page()
    pg.goto(sample_url)
    pg.screenshot(path=str(ARTIFACTS / "sample-story-phone.png"))
    seen = pg.evaluate("""() => [...document.querySelectorAll('.digest-key-point')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.bottom <= innerHeight; }).length""")
    phone.close()
    print(f"sample story page: {height} px at 1,400 px wide; {seen} key points in the first phone screen")
    assert seen >= 2, seen
