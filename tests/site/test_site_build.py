"""Builds the fixture digest with the real `mkdocs build` and checks the built site."""
from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from generator.site.search import read_records
from tests import site_helpers as h

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = h.MKDOCS_ENV


def mkdocs_build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*MKDOCS, "build", "-f", str(project / "mkdocs.yml"), *extra],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("digest")
    h.make_project(project)
    run = mkdocs_build(project, "--strict")
    assert run.returncode == 0, run.stderr
    return project / "site"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical", "alternate")
                                   and a[key].startswith("http")):
                self.links.append(a[key])


def scan(site: Path) -> dict[str, Links]:
    out = {}
    for path in site.rglob("*.html"):
        p = Links()
        p.feed(path.read_text(encoding="utf-8"))
        out[path.relative_to(site).as_posix()] = p
    return out


def resolve(page: str, href: str) -> tuple[str | None, str]:
    """(site-relative file, fragment) an internal href points at; None when it leaves the site."""
    parts = urlsplit(href)
    if not parts.path:
        return page, unquote(parts.fragment)
    path = unquote(parts.path)
    # absolute paths (the 404 page) are relative to the site root: site_url's path is "/"
    target = posixpath.normpath(path.lstrip("/") if path.startswith("/") else
                                posixpath.join(posixpath.dirname(page), path))
    if target.startswith(".."):
        return None, ""
    if parts.path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target, unquote(parts.fragment)


def broken_links(site: Path) -> tuple[int, list[str]]:
    pages = scan(site)
    checked, broken = 0, []
    for page, parsed in pages.items():
        for href in parsed.links:
            if urlsplit(href).scheme or href.startswith("//"):
                continue
            checked += 1
            target, frag = resolve(page, href)
            if target and (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target is None or not (site / target).is_file():
                broken.append(f"{page}: {href} -> {target} missing")
            elif frag and target.endswith(".html") and frag not in pages[target].ids:
                broken.append(f"{page}: {href} -> #{frag} not in {target}")
    return checked, broken


def test_link_walker_catches_missing_pages_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="/a/">ok</a><a href="a/#there">ok</a><a href="#top">x</a>'
                                         '<a href="b/">no</a><a href="a/#nowhere">no</a><a href="../../x">no</a>')
    (tmp_path / "a" / "index.html").write_text('<p id="there">x</p><a href="../">ok</a>')
    checked, broken = broken_links(tmp_path)
    assert checked == 7 and len(broken) == 4


def test_every_internal_link_and_anchor_resolves(built):
    checked, broken = broken_links(built)
    assert not broken, "\n".join(broken[:30])
    assert checked > 200  # the walk really saw the site's links
    story = scan(built)["stories/s-mediation/index.html"]
    assert any(re.search(r"articles/a-one/#c-\d+-\d+$", link) for link in story.links)


def test_pages_exist_and_navigation_stays_small(built):
    for page in ["index.html", "stories/s-mediation/index.html", "articles/a-xss/index.html",
                 "entities/e-peskov/index.html", "outlets/daily-planet/index.html", "timeline/index.html",
                 "stories/index.html", "entities/index.html", "outlets/index.html", "about/index.html"]:
        assert (built / page).exists(), page
    assert not (built / "inbox").exists() and not (built / "pages").exists()
    home = (built / "index.html").read_text(encoding="utf-8")
    nav = home.split('md-sidebar--primary', 1)[1].split('md-sidebar--secondary', 1)[0]
    links = re.findall(r'<a href="([^"#]+)" class="md-nav__link', nav)
    assert "stories/" in links and len(set(links)) <= 8
    assert not any(l.startswith(("articles/", "entities/e-", "stories/s-")) for l in links)


def test_home_lists_latest_story_with_outlets(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "Russia offers to mediate between US and North Korea" in home
    # the summary shows its cards' texts
    assert "Russia is willing to act as a mediator between the United States and North Korea" in home
    # display names from content/outlets.yml; slugs the file does not name stay as they are
    for outlet in ("Daily Planet", "The Evening Wire", "Free Press"):
        assert outlet in home


def test_site_title_and_description_come_from_site_config_only(built):
    # the fixture's site_config.yml sets the title; the description is the default
    from generator.config import SiteSettings
    home = (built / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>[^<]*Fixture Digest</title>", home)
    assert f'name="description" content="{SiteSettings().description}"' in home
    assert "set from site_config" not in home  # mkdocs.yml's placeholder never shows
    rss = ET.fromstring((built / "feed.xml").read_text(encoding="utf-8"))
    assert rss.findtext("channel/title") == "Fixture Digest"


def test_script_in_article_text_is_shown_as_text_not_run(built):
    html = (built / "articles/a-xss/index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and '<img src=x onerror="window.__pwned' not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    for page in built.rglob("*.html"):
        assert "window.__pwned = 1</script>" not in page.read_text(encoding="utf-8"), page


def test_no_repository_configured_means_no_repository_or_edit_link(built):
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="edit"' not in html and 'class="md-source"' not in html, page
        assert "example.org" not in html, page


def test_edit_this_card_points_at_the_yaml_when_a_repository_is_set(tmp_path):
    h.make_project(tmp_path)
    run = subprocess.run([*MKDOCS, "build", "-f", str(tmp_path / "mkdocs.yml")], cwd=tmp_path,
                         env={**ENV, "DIGEST_REPO_URL": "https://git.example/digest/"},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    built = tmp_path / "site"
    html = (built / "stories/s-mediation/index.html").read_text(encoding="utf-8")
    edit = re.search(r'<a href="([^"]+)"[^>]*rel="edit"', html).group(1)
    assert edit == "https://git.example/digest/edit/main/content/stories/s-mediation.yml"
    assert 'class="md-source"' in html
    html = (built / "articles/a-one/index.html").read_text(encoding="utf-8")
    assert re.search(r'href="[^"]+/content/articles/a-one\.yml"[^>]*rel="edit"', html)


def test_feeds_sitemap_and_jsonld(built):
    rss = ET.fromstring((built / "feed.xml").read_text(encoding="utf-8"))
    assert [i.findtext("title") for i in rss.findall("channel/item")] == \
        ["Russia offers to mediate between US and North Korea"]
    feed = json.loads((built / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) == 1
    item_path = urlsplit(feed["items"][0]["url"]).path.lstrip("/")
    assert (built / item_path / "index.html").exists()
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "stories/s-mediation/" in sitemap
    html = (built / "stories/s-mediation/index.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1))
    assert ld["@type"] == "NewsArticle" and len(ld["citation"]) == 3
    # outlets by the display names of content/outlets.yml in the feeds and the JSON-LD
    assert "The Evening Wire" in feed["items"][0]["tags"] and "Wire Service" not in feed["items"][0]["tags"]
    assert "The Evening Wire" in [i.text for i in rss.iter("category")]
    assert {c["publisher"]["name"] for c in ld["citation"]} == {"Daily Planet", "The Evening Wire", "Free Press"}


def pagefind_records(site: Path) -> list[dict]:
    """The live records of the search index: every bundle's fragments but the superseded."""
    return read_records(site)


def test_search_index_has_stories_entities_and_articles_only(built):
    listing = json.loads((built / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    pages = sum(json.loads((built / "pagefind" / b / "pagefind-entry.json").read_text(encoding="utf-8"))
                ["languages"]["en"]["page_count"] for b in listing["bundles"])
    records = pagefind_records(built)
    assert pages == len(records) and listing["superseded"] == []
    kinds = {r["url"]: r["filters"]["kind"] for r in records}
    expected = {f"/{folder}/{p.stem}/": [kind] for folder, kind in
                (("stories", "story"), ("entities", "entity"), ("articles", "article"))
                for p in (built.parent / "content" / folder).glob("*.yml") if p.stem != "e-north-korea"}
    assert kinds == expected  # index pages (home, lists, outlets) and hand-written pages are not indexed
    by_url = {r["url"]: r for r in records}
    story = by_url["/stories/s-mediation/"]
    assert story["meta"]["title"] == "Russia offers to mediate between US and North Korea"
    assert story["meta"]["date"] == "2017-12-18"
    assert story["meta"]["outlets"] == "Daily Planet · The Evening Wire · Free Press"
    assert "We are ready to help" in story["content"]
    assert by_url["/entities/e-peskov/"]["meta"]["title"] == "Dmitry Peskov"
    assert by_url["/articles/a-one/"]["meta"]["outlets"] == "Daily Planet"
    assert not any("@context" in r["content"] for r in records)  # JSON-LD stays out of search
    assert not any("hid this card" in r["content"] for r in records)  # hidden cards are never indexed
    assert not (built / "search" / "search_index.json").exists()  # no whole-site index to download
    # readable results: an outlet's name never runs into the excerpt it cites
    story_text = " ".join(r["content"] for r in records if r["url"].startswith("/stories/"))
    assert "The Evening Wire" in story_text
    glued = re.findall(r"(?:Daily Planet|The Evening Wire|Free Press)[\w\"“]", story_text)
    assert not glued, glued


def test_malformed_card_warns_with_file_and_line_and_fails_strict(tmp_path):
    project = tmp_path
    h.make_project(project)
    bad = project / "content" / "stories" / "broken.yml"
    bad.write_text("id: broken\ntitle: Fine\narticles: [a-one\noutlets: []\n", encoding="utf-8")
    run = mkdocs_build(project)
    assert run.returncode == 0, run.stderr
    warnings = [l for l in run.stderr.splitlines() if l.startswith("WARNING") and "broken.yml" in l]
    assert warnings and re.search(r"content/stories/broken\.yml:\d+", warnings[0])
    assert (project / "site/stories/s-mediation/index.html").exists()
    assert not (project / "site/stories/broken").exists()
    strict = mkdocs_build(project, "--strict")
    assert strict.returncode != 0
    assert "broken.yml" in strict.stderr


def test_card_that_breaks_the_schema_is_skipped(tmp_path):
    project = tmp_path
    h.make_project(project)
    path = project / "content" / "entities" / "e-russia.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["stories"] = "not a list"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    run = mkdocs_build(project)
    assert run.returncode == 0, run.stderr
    assert re.search(r"WARNING.*content/entities/e-russia\.yml:\d+", run.stderr)
    assert not (project / "site/entities/e-russia").exists()
    # the story still links to the other entities, and no longer to the skipped one
    story = (project / "site/stories/s-mediation/index.html").read_text(encoding="utf-8")
    assert "entities/e-peskov/" in story and "entities/e-russia/" not in story
