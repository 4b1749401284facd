"""Issue 16, items 1-4 and 6-8: hostile input and hostile edits, driven through the CLI.

Black-box probes: each runs `python -m generator build/check` or `mkdocs build` in a
subprocess (bounded time and memory, no network) on a copy of the sample project,
and asserts what the issue demands: one clear line naming the file and the problem,
the rest of the batch completes, nothing written outside the content directory,
nothing lost. A probe marked xfail(strict) documents a behaviour not fixed yet; it
fails as soon as the behaviour is fixed, and the fix then removes the marker.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.probe_helpers import (DW_ARTICLE, DW_INPUT, STORY, article_lines, built,  # noqa: F401
                                 built_sample, jsonl, lines_naming, no_traceback)

CORE = ("articles", "stories", "entities")


def core_files(project) -> dict[str, bytes]:
    return {k: v for k, v in project.content_files().items() if k.split("/")[0] in CORE}


def set_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- 1
def test_01_editor_story_id_cannot_write_outside_content(built):
    story_file = built.file("stories", STORY)
    # every member names it, so the grouping's id vote would pick it
    for article_file in sorted((built.content / "articles").glob("*.yml")):
        set_line(article_file, f"\nstory: {STORY}\n", "\nstory: ../../PWNED_story\n")
    tree, before = built.tree(), core_files(built)

    r = built.build()

    no_traceback(r)
    assert r.returncode not in (0, None), r
    assert built.tree() == tree, f"written outside the content directory:\n{r}"
    assert not [p for p in built.base.rglob("*PWNED*")], r
    # an invalid id from an editor is an error that changes nothing
    assert core_files(built) == before, r
    assert story_file.exists()
    named = [line for line in r.lines("err") if "PWNED" in line or "story" in line]
    assert named and any(f"{DW_ARTICLE}.yml" in line for line in named), r
    assert len(r.lines("err")) <= 6, r   # one line per edited article at most


# ---------------------------------------------------------------- 2
def bomb(depth: int = 10, width: int = 9) -> str:
    """Billion laughs in one flow sequence: a few hundred bytes, width**depth leaves."""
    items = ["&a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, depth):
        items.append(f"&a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "[" + ", ".join(items) + "]"


def plant_bomb(project, where: str) -> Path:
    path = project.file("stories", STORY)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if where == "facts":
        data["facts"][0]["entities"] = "__BOMB__"
    else:
        data["notes"] = "__BOMB__"          # an editor's own key
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**9)
    assert text.count("__BOMB__") == 1
    path.write_text(text.replace("__BOMB__", bomb()), encoding="utf-8")
    assert path.stat().st_size < 64 * 1024
    return path


def assert_bomb_contained(project, path: Path) -> None:
    name = f"{STORY}.yml"
    planted = path.read_bytes()
    tree = project.tree()
    # check and the site plugin never load spaCy: they run in well under 512 MB
    check = project.check(timeout=15, memory=768 << 20)
    no_traceback(check)
    assert check.returncode == 1 and lines_naming(check, name), check
    site = project.mkdocs("--strict", timeout=20, memory=768 << 20)
    no_traceback(site)
    assert site.returncode not in (0, None) and lines_naming(site, name), site
    build = project.build(timeout=60)
    no_traceback(build)
    # the build keeps an editor's unreadable file as it is and says so (a conflict)
    assert build.returncode in (0, 1) and len(lines_naming(build, name)) == 1, build
    # the batch completed and the editor's file is kept as it is
    assert path.read_bytes() == planted
    assert project.tree() == tree
    assert len(project.records("articles")) == 5


def test_02_alias_bomb_in_a_card_is_one_line_under_a_memory_cap(built):
    assert_bomb_contained(built, plant_bomb(built, "facts"))


def test_02_alias_bomb_under_an_editor_key_is_one_line_under_a_memory_cap(built):
    assert_bomb_contained(built, plant_bomb(built, "notes"))


# ---------------------------------------------------------------- 3
@pytest.mark.slow
def test_03_long_one_line_text_builds_in_bounded_time(built):
    sentence = ("Officials met on Monday, December 18, and again two weeks later in Geneva, where the "
                "envoy said \"talks will resume next month\" before the summer of 2018. ")
    text = (sentence * (200_000 // len(sentence) + 1))[:200_000]
    (built.content / "inbox" / "zz_long.txt").write_text(text, encoding="utf-8")

    # ~20 s when linear (spaCy's own pass is most of it); quadratic stages took > 140 s
    r = built.build(timeout=90)

    no_traceback(r)
    assert r.returncode == 0, r
    long = [a for a in built.records("articles").values() if a["source_file"].endswith("zz_long.txt")]
    assert len(long) == 1 and len(long[0]["text"]) > 150_000
    assert len(built.records("articles")) == 6


# ---------------------------------------------------------------- 4
def test_04_symlinked_input_is_refused_with_one_line(built):
    secret = built.base / "outer" / "secret.txt"
    secret.write_text("Secret host name zqxj-marker-7781 of this machine.\n\n"
                      + article_lines(8, "marker"), encoding="utf-8")
    (built.content / "inbox" / "zz_outside.txt").symlink_to(secret)
    tree = built.tree()

    r = built.build()

    no_traceback(r)
    assert r.returncode == 1, r
    named = lines_naming(r, "zz_outside.txt")
    assert len(named) == 1 and re.search(r"link", named[0], re.I), r
    for rel, data in built.content_files().items():
        assert b"zqxj-marker" not in data, f"{rel} holds the symlink target's text"
    assert len(built.records("articles")) == 5
    assert built.tree() == tree


# ---------------------------------------------------------------- 6
XSS = "<svg onload=alert(1)>"
BAD_URL = "javascript:alert(document.domain)"


@pytest.fixture(scope="module")
def hostile_site(built_sample, tmp_path_factory):
    """The sample with a control character and markup in a summary, a javascript: URL
    edited into an article and one arriving in a JSON line; built, then rendered."""
    from tests.probe_helpers import copy_project

    project = copy_project(built_sample, tmp_path_factory.mktemp("probe-feeds"))
    (project.content / "inbox" / "zz_hostile.jsonl").write_text(jsonl([{
        "id": "hostile-one", "title": f"Harbour bridge {XSS} repairs", "url": "JavaScript:alert(2)",
        "outlet": "localpaper", "published": "2017-12-20",
        "text": article_lines(10, "harbourton") + " \x0e The mayor said repairs start soon."}]),
        encoding="utf-8")
    build = project.build()
    no_traceback(build)
    assert build.returncode == 0, build
    story = project.file("stories", STORY)
    data = yaml.safe_load(story.read_text(encoding="utf-8"))
    # the summary's first sentence: its own text, or the text of the card it cites
    injected = f" Control \x0e char and {XSS} markup."
    item = data["summary"][0]
    if "text" in item:
        item["text"] += injected
    refs = {r for key in ("facts", "fact", "cards", "card")
            for r in ([item[key]] if isinstance(item.get(key), str) else item.get(key) or [])}
    for card in (data.get("facts") or []) + (data.get("quotes") or []):
        if card.get("id") in refs:
            card["text"] += injected
    data["title"] += " <b>bold</b>"
    story.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    article = project.file("articles", DW_ARTICLE)
    data = yaml.safe_load(article.read_text(encoding="utf-8"))
    data["url"] = BAD_URL
    article.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    site = project.mkdocs(timeout=120)
    no_traceback(site)
    assert site.returncode == 0, site
    return project.root / "site"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def live_markup(html: str) -> list:
    p = Tags()
    p.feed(html)
    return [(t, a) for t, a in p.tags if t in ("svg", "script", "img", "iframe", "b")
            or any(k.startswith("on") for k, _ in a)]


def test_06_feed_xml_is_well_formed_with_control_characters(hostile_site):
    ET.parse(hostile_site / "feed.xml")
    json.loads((hostile_site / "feed.json").read_text(encoding="utf-8"))


def test_06_feed_descriptions_hold_no_live_markup(hostile_site):
    raw = (hostile_site / "feed.xml").read_text(encoding="utf-8")
    raw = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", raw)  # judge the markup even if item 6a is open
    items = ET.fromstring(raw).findall("./channel/item")
    assert items
    for item in items:
        description = item.findtext("description") or ""
        assert not live_markup(description), description


def test_06_no_javascript_url_is_published(hostile_site):
    def strings(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)
        elif isinstance(node, str):
            yield node

    def bad(s: str) -> bool:
        return re.sub(r"[\x00-\x20]", "", s).lower().startswith("javascript:")

    found = 0
    for page in hostile_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            found += 1
            assert not [s for s in strings(json.loads(block)) if bad(s)], page
        hrefs = re.findall(r'\bhref\s*=\s*["\']?([^"\'\s>]+)', html, re.I)
        assert not [h for h in hrefs if bad(h)], page
    assert found
    feed = json.loads((hostile_site / "feed.json").read_text(encoding="utf-8"))
    assert not [s for s in strings(feed) if bad(s)]


# ---------------------------------------------------------------- 7
def test_07_id_collision_is_reported_and_takes_nothing_over(built):
    dw_before = built.records("articles")[DW_ARTICLE]
    # "000.jsonl" sorts before every sample file, so it is read first
    (built.content / "inbox" / "000.jsonl").write_text(jsonl([{
        "id": DW_ARTICLE, "title": "Harbour bridge repairs approved", "url": "https://local.example/bridge",
        "outlet": "localpaper", "published": "2017-12-20", "text": article_lines(12, "harbourton")}]),
        encoding="utf-8")

    r = built.build()

    no_traceback(r)
    articles = built.records("articles")
    by_source = {a["source_file"]: a for a in articles.values()}
    genuine = by_source[DW_INPUT]
    intruder = [a for a in articles.values() if "000.jsonl" in a["source_file"]]
    assert len(intruder) == 1 and len(articles) == 6, sorted(articles)
    assert genuine["id"] == DW_ARTICLE and genuine["url"] == dw_before["url"]
    assert intruder[0]["id"] != DW_ARTICLE
    assert DW_ARTICLE in built.records("stories")[STORY]["articles"]
    assert intruder[0]["id"] not in built.records("stories")[STORY]["articles"]
    both = lines_naming(r, "000.jsonl", Path(DW_INPUT).name)
    assert len(both) == 1, r


# ---------------------------------------------------------------- 8
def test_08_duplicate_key_is_a_check_error_at_its_line(built):
    path = built.file("stories", STORY)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("title:") and lines[2].startswith("date:")
    lines.insert(3, "title: A second title\n")      # line 4, column 1
    path.write_text("".join(lines), encoding="utf-8")

    r = built.check(timeout=60)

    no_traceback(r)
    assert r.returncode == 1, r
    hits = [line for line in r.lines("out") + r.lines("err")
            if re.search(rf"stories/{re.escape(STORY)}\.yml:4:\d+:", line) and "duplicate" in line.lower()]
    assert len(hits) == 1, r
