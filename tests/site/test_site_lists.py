"""The pages that list the whole corpus (stories, timeline, entities, a large outlet's
articles) split by date or initial once they are long: every row is on exactly one page,
a new story re-renders the page of its own date (and the list's index), not the others,
and a dirty build after it equals a full build."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.config import SiteSettings
from generator.site import load
from generator.site.urls import page_url
from generator.site.pages import PageMemo, Renderer, date_levels, name_levels, split_list, template_env
from tests import site_helpers as h

ROWS = 4   # list_rows for these tests: the fixture's handful of stories must split


def dated(dates: list[str]) -> list[tuple[tuple[str, ...], str]]:
    return [(date_levels(d), f"r{n}") for n, d in enumerate(dates)]


def test_a_short_list_is_one_page_and_a_long_one_splits_by_month_then_day():
    assert split_list(dated(["2017-01-02", "2017-01-03"]), 4, True) == ({"": ["r0", "r1"]}, None)
    # 6 rows on 2017-03-0x (over 4: a page per day), 2 in February, 1 undated
    dates = [f"2017-03-0{d}" for d in (1, 1, 2, 2, 3, 3)] + ["2017-02-10", "2017-02-11", "someday"]
    pages, parts = split_list(dated(dates), 4, True)
    assert [(p[0], p[1]) for p in parts] == [("2010s", 8), ("undated", 1)]   # undated rows last
    months = parts[0][2]   # one year in the decade: no page for it, its months
    assert [(p[0], p[1]) for p in months] == [("2017-03", 6), ("2017-02", 2)]   # newest first
    assert [c[0] for c in months[0][2]] == ["2017-03-03", "2017-03-02", "2017-03-01"]
    assert pages["2017-03-02"] == ["r2", "r3"] and pages["2017-02"] == ["r6", "r7"]
    rows = sorted(r for ids in pages.values() for r in ids)
    assert rows == sorted(f"r{n}" for n in range(len(dates)))              # each row on one page


def test_a_new_row_changes_only_the_page_of_its_date():
    dates = [f"2017-03-{d:02d}" for d in range(1, 11) for _ in range(3)]   # 30 rows, 3 a day
    before, _ = split_list(dated(dates), 20, True)
    after, _ = split_list(dated(dates + ["2017-03-05"]), 20, True)
    assert before.keys() == after.keys()
    assert [p for p in after if after[p] != before[p]] == ["2017-03-05"]


def test_small_parts_side_by_side_share_a_page_within_the_limit():
    # 40 days of one row each, limit 10: no page of one row, none over 10
    dates = [f"2017-{m:02d}-{d:02d}" for m in (1, 2) for d in range(1, 21)]
    pages, parts = split_list(dated(dates), 10, True)
    assert all(1 < len(ids) <= 10 for ids in pages.values())
    assert sorted(r for ids in pages.values() for r in ids) == sorted(f"r{n}" for n in range(40))
    assert all("--" in p for p in pages)   # each named by its first and last day


def test_rows_dated_to_the_year_only_go_by_the_date_that_reported_them():
    assert date_levels("1987-03-02") == ("1980s", "1987", "1987-03", "1987-03-02")
    assert date_levels("1986", "1987-03-05") == ("1980s", "1986", "1986-reported-1987-03",
                                                 "1986-reported-1987-03-05")
    assert name_levels("Chevron") == ("c", "ch") and name_levels("C&W") == ("c", "c-")
    assert name_levels("3M") == ("other", "other") and name_levels("Öko") == ("other", "other")


def write_stories(content: Path, n: int) -> Path:
    """n copies of the fixture story, each dated by write_many, its timeline event too."""
    h.write_content(content)
    h.write_many(content, n)
    for path in (content / "stories").glob("s-0*.yml"):
        s = yaml.safe_load(path.read_text(encoding="utf-8"))
        for t in s["timeline"]:
            t["date"] = s["date"]
        path.write_text(yaml.safe_dump(s, sort_keys=False), encoding="utf-8")
        for aid in s["articles"]:
            card = content / "articles" / f"{aid}.yml"
            a = yaml.safe_load(card.read_text(encoding="utf-8"))
            a["published"] = s["date"]
            card.write_text(yaml.safe_dump(a, sort_keys=False), encoding="utf-8")
    for n, name in enumerate(["Alpha Bank", "Acme Corp", "Beta Group", "Baltic Fund", "Zeta Ltd", "3M"]):
        e = {"id": f"e-extra-{n}", "name": name, "kind": "org", "aliases": [], "stories": [f"s-{n:05d}"]}
        (content / "entities" / f"{e['id']}.yml").write_text(yaml.safe_dump(e), encoding="utf-8")
    return content


def add_story(content: Path, sid: str, date: str) -> None:
    """A re-run that grouped a new article into a new story of its own date."""
    s = yaml.safe_load((content / "stories" / "s-00000.yml").read_text(encoding="utf-8"))
    s.update(id=sid, title="A story the re-run added", date=date, articles=["a-one-00000"])
    for card in s["facts"] + s["quotes"]:
        card["sources"] = [x for x in card["sources"] if x["article"] == "a-one-00000"]
    (content / "stories" / f"{sid}.yml").write_text(yaml.safe_dump(s, sort_keys=False), encoding="utf-8")


def render(content: Path, memo=None, env=None) -> tuple[dict[str, str], Renderer]:
    r = Renderer(load.load_site(content), SiteSettings(list_rows=ROWS), env=env, memo=memo)
    return {p.src_uri: p.markdown for p in r.all_pages()}, r


def targets(md: str) -> list[str]:
    """The pages and anchors a page links to, as paths from the site root (a part page sits
    a level deeper than its list's index), without the links between a list's pages."""
    out = [re.sub(r"^(\.\./)+", "", x) for x in re.findall(r'href="([^"]+)"', md)]
    return sorted(x for x in out if x not in ("stories/", "timeline/", "entities/")
                  and not x.startswith(("stories/by-date/", "timeline/", "entities/by-name/")))


def test_every_story_timeline_event_and_entity_is_on_one_page_of_its_list(tmp_path):
    content = write_stories(tmp_path / "content", 14)
    pages, _ = render(content)
    whole = {p.src_uri: p.markdown for p in Renderer(load.load_site(content)).all_pages()}   # 300 rows a page
    for index, prefix in (("stories/index.md", "stories/by-date/"), ("timeline.md", "timeline/"),
                          ("entities/index.md", "entities/by-name/")):
        parts = sorted(u for u in pages if u.startswith(prefix))
        assert len(parts) > 1, index
        assert not any(u.startswith(prefix) for u in whole), index
        # the index links to each part, and no longer lists the rows itself
        linked = set(re.findall(r'href="([^"]+)"', pages[index]))
        assert {"../" * page_url(index).count("/") + page_url(u) for u in parts} == linked, index
        # the rows of the parts, together, are the whole list's
        assert sorted(x for u in parts for x in targets(pages[u])) == targets(whole[index]), index
        assert all(f"{INDEX[index]}: " in pages[u] for u in parts)   # each part's title names its list
        # each part links to the next one in the index's order, and back
        url_of = {page_url(u): u for u in parts}
        order = [url_of[re.sub(r"^(\.\./)+", "", x)] for x in re.findall(r'href="([^"]+)"', pages[index])]
        for a, b in zip(order, order[1:]):
            assert re.search(rf'href="[./]*{page_url(b)}" rel="next"', pages[a]), (a, b)
            assert re.search(rf'href="[./]*{page_url(a)}" rel="prev"', pages[b]), (a, b)
        assert 'rel="prev"' not in pages[order[0]] and 'rel="next"' not in pages[order[-1]]
    # an outlet with more articles than list_rows: its page counts them, its parts list them
    outlet = "outlets/daily-planet.md"
    parts = sorted(u for u in pages if u.startswith("outlets/daily-planet/"))
    arts = lambda md: sorted(x for x in targets(md) if x.startswith("articles/"))  # noqa: E731
    listed = arts(whole[outlet].split("## Articles")[1])
    assert len(parts) > 1 and f"{len(listed)} articles" in pages[outlet] and "## Stories it covers" not in pages[outlet]
    assert sorted(x for u in parts for x in arts(pages[u])) == listed


INDEX = {"stories/index.md": "Stories", "timeline.md": "Timeline", "entities/index.md": "Entities"}


def test_a_new_story_regathers_the_part_of_its_date_not_the_other_parts(tmp_path):
    content = write_stories(tmp_path / "content", 14)
    memo, env = PageMemo(), template_env()
    first, _ = render(content, memo, env)
    add_story(content, "s-new", "2017-01-20")   # a month with a page of its own
    got, r = render(content, memo, env)
    fresh, _ = render(content)
    assert got == fresh
    for prefix in ("stories/by-date/", "timeline/"):
        parts = {u for u in got if u.startswith(prefix)}
        assert len(parts) > 1
        assert {u for u in r.gathered if u in parts} == {u for u in parts if "s-new/" in got[u]}, prefix
    # entity parts: only those listing an entity of the new story (its count changed)
    named = {u for u in got if u.startswith("entities/by-name/")
             and any(f"/{e}/" in got[u] or "s-new/" in got[u] for e in ("e-peskov", "e-russia"))}
    assert {u for u in r.gathered if u.startswith("entities/by-name/")} <= named
    assert {"stories/index.md", "timeline.md"} <= set(r.gathered)   # their counts


def test_dirty_build_after_a_new_story_equals_a_full_build_with_split_lists(tmp_path, monkeypatch):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from tests.site.test_site_build import broken_links
    from tests.site.test_site_incremental import assert_same_pages

    for name, value in h.MKDOCS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DIGEST_REPO_URL", raising=False)
    monkeypatch.delenv("DIGEST_EDIT_URI", raising=False)
    h.make_project(tmp_path)
    (tmp_path / "site_config.yml").write_text(f"site:\n  title: Fixture Digest\n  list_rows: {ROWS}\n",
                                              encoding="utf-8")
    content = h.write_many(tmp_path / "content", 14)

    def run(site: Path, dirty: bool, cache: str = ".cache/site-pages"):
        config = load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(site))
        plugin = config.plugins["digest"]
        plugin.config.search_index = False
        plugin.config.pages_cache = cache
        config.plugins.on_startup(command="build", dirty=dirty)
        mkdocs_build(config, dirty=dirty)
        config.plugins.on_shutdown()
        return plugin

    site = tmp_path / "site"
    run(site, dirty=False)
    checked, broken = broken_links(site)
    assert broken == [] and checked > 500
    assert (site / "timeline" / "index.html").is_file() and list((site / "stories" / "by-date").iterdir())
    # a story in a quiet month (it moves the bounds of the pages of quiet months), then
    # one in a month with a page of its own
    for sid, date in (("s-new", "2017-05-20"), ("s-new-2", "2017-01-20")):
        add_story(content, sid, date)
        plugin = run(site, dirty=True)
        rendered = set(plugin.lazy.rendered)
        full = tmp_path / f"full-{sid}"
        run(full, dirty=False, cache=".cache/full-pages")
        assert_same_pages(site, full)
        assert broken_links(site)[1] == [], sid
    parts = {u for u in plugin.lazy.jobs if u.startswith("stories/by-date/")}
    assert rendered & parts == {"stories/by-date/2017-01.md"} and len(parts) > 2
