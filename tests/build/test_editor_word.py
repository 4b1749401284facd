"""The editor's word reaches every page, and every YAML mistake is caught where it was made.

Each test edits a copy of the committed sample (content/, its snapshot and the build
cache warmed once) and drives the real CLI (`python -m generator build|check`) and the
real `mkdocs build --strict`, as an editor following the README would.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.content.yamlio import round_trip_yaml
from generator.site.urls import fact_anchor, quote_anchor
from tests import site_helpers as h
from tests.site.test_site_build import pagefind_records

ROOT = h.ROOT
ENV = h.MKDOCS_ENV


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    if not any((ROOT / "content/stories").glob("*.yml")):
        pytest.fail("content/stories is empty: run `python -m generator build` and commit the content")
    base = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", base / "content", ignore=shutil.ignore_patterns(".lock", ".staging"))
    shutil.copy(ROOT / "site_config.yml", base / "site_config.yml")   # its cache: base/.cache
    cfg = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("custom_dir: theme", f"custom_dir: {ROOT / 'theme'}")
    cfg = cfg.replace("  - theme\n", f"  - {ROOT / 'theme'}\n")
    (base / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    run = generator(base, "build")
    assert run.returncode == 0 and " 0 files written" in run.stdout, run.stdout + run.stderr
    return base


@pytest.fixture()
def project(template, tmp_path) -> Path:
    shutil.copytree(template, tmp_path / "p")
    return tmp_path / "p"


def generator(project: Path, command: str, *args: str) -> subprocess.CompletedProcess:
    extra = ["--quiet", "--jobs", "1"] if command == "build" else []
    return subprocess.run([sys.executable, "-m", "generator", "--config", str(project / "site_config.yml"),
                           command, *extra, *args], cwd=project, env=ENV, capture_output=True, text=True,
                          timeout=600)


def mkdocs(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml")],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=600)


def story_path(project: Path) -> Path:
    [path] = sorted((project / "content/stories").glob("*.yml"))
    return path


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def edit(path: Path, change) -> None:
    """An editor's change through a round trip (comments and layout kept, as by hand)."""
    y = round_trip_yaml()
    data = y.load(path.read_text(encoding="utf-8"))
    change(data)
    buf = io.StringIO()
    y.dump(data, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")


def card(data, cid: str):
    return next(c for c in data["facts"] if c["id"] == cid)


def position(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def site_text(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*"))
            if p.suffix in (".html", ".xml", ".json")}


def spans(html: str, cls: str) -> list[str]:
    return re.findall(rf'class="{cls}">([^<]*)<', html)


def jsonld(html: str) -> dict:
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(raw)


def unescape(s: str) -> str:
    import html
    return html.unescape(s)


# ---------------------------------------------------------------- the editor's word
def test_edited_card_text_reaches_every_page_feed_and_jsonld(project):
    path = story_path(project)
    data = load(path)
    cid = data["summary"][0]["facts"][0]                     # the card the summary leads with
    old = card(data, cid)["text"]
    new = "Russia says it would mediate between Washington and Pyongyang if both asked (editor's wording)."

    def fix(d):
        c = card(d, cid)
        c["text"] = new
        c["notes"] = {"checked-by": "AB", "hiden": "not a typo under notes"}   # editors' own keys
        c["x-reviewed"] = True
        c["comment"] = "compared with the Kremlin transcript"
    edit(path, fix)

    check = generator(project, "check")
    assert check.returncode == 0 and re.fullmatch(r"checked \d+ files: no problems\n", check.stdout), check
    run = generator(project, "build")
    assert run.returncode == 0, run.stderr
    kept = card(load(path), cid)
    assert kept["text"] == new and kept["comment"] and kept["x-reviewed"] is True and kept["notes"]["checked-by"]
    site = mkdocs(project)
    assert site.returncode == 0, site.stderr

    pages = site_text(project / "site")
    sid = data["id"]
    story = pages[f"stories/{sid}/index.html"]
    assert unescape(spans(story, "digest-key-point__text")[0]) == new                   # key points
    assert new in map(unescape, spans(story, "digest-fact__text"))                      # the card
    assert old not in map(unescape, spans(story, "digest-key-point__text") + spans(story, "digest-fact__text")
                          + spans(story, "digest-timeline__text"))
    assert jsonld(story)["description"].startswith(new) and old not in jsonld(story)["description"]
    feed = json.loads(pages["feed.json"])
    assert feed["items"][0]["content_text"].startswith(new)
    # The timeline lists only cards whose own text states their date: this card's page
    # list includes the timeline page when the card is on the story's timeline.
    on_timeline = any(cid in item["facts"] for item in data.get("timeline") or [])
    for name in ("index.html", "feed.xml", "feed.json", "stories/index.html") + (
            ("timeline/index.html",) if on_timeline else ()):
        assert new in unescape(pages[name]).replace("\\", ""), name
        # The old text is an article's verbatim sentence: it stays on that article's page
        # and in the citations, but these pages show only cards' texts.
        assert old not in unescape(pages[name]).replace("\\", ""), name


def test_hidden_card_quote_story_and_entity_are_on_no_page_feed_or_search_record(project):
    path = story_path(project)
    data = load(path)
    cid = data["summary"][0]["facts"][0]
    marker = "Zyxwv hidden card text"
    qid = data["quotes"][0]["id"]
    eid = sorted(p.stem for p in (project / "content/entities").glob("*.yml"))[0]

    def hide(d):
        c = card(d, cid)
        c["text"] = marker + "."               # a text found nowhere else, to look for
        c["hidden"] = True
        d["quotes"][0]["hidden"] = True
    edit(path, hide)
    edit(project / f"content/entities/{eid}.yml", lambda d: d.__setitem__("hidden", True))
    assert generator(project, "build").returncode == 0
    assert card(load(path), cid)["hidden"] is True
    assert mkdocs(project).returncode == 0

    pages = site_text(project / "site")
    for name, text in pages.items():
        assert marker not in text, name
        assert f'id="{fact_anchor(cid)}"' not in text and f"#{fact_anchor(cid)}" not in text, name
        assert f'id="{quote_anchor(qid)}"' not in text and f"#{quote_anchor(qid)}" not in text, name
        assert f"entities/{eid}/" not in text, name                    # sitemap, search, links
    records = pagefind_records(project / "site")   # the search index (Pagefind), decoded
    assert records and not any(marker in r["content"] or f"/entities/{eid}/" == r["url"] for r in records)
    # The first key point was the hidden card's: the key points now start with the next
    # (topped up to 4 from the other cards when fewer remain).
    story = pages[f"stories/{data['id']}/index.html"]
    assert len(spans(story, "digest-key-point__text")) == max(len(data["summary"]) - 1, 4)

    # A hidden story: no page, no feed item, no sitemap entry, no search record.
    edit(path, lambda d: d.__setitem__("hidden", True))
    assert generator(project, "build").returncode == 0
    assert mkdocs(project).returncode == 0
    pages = site_text(project / "site")
    assert f"stories/{data['id']}/index.html" not in pages
    for name, text in pages.items():       # (an article page keeps its own headline)
        assert data["id"] not in text, name
    assert json.loads(pages["feed.json"])["items"] == []
    assert not any(r["url"] == f"/stories/{data['id']}/" for r in pagefind_records(project / "site"))


# ---------------------------------------------------------------- typos
TYPOS = {  # typo: (the key it misspells, how to make it in the sample story)
    "hiden": ("hidden", lambda text, cid: text.replace(f"- id: {cid}\n", f"- id: {cid}\n  hiden: true\n", 1)),
    "qoutes": ("quotes", lambda text, cid: text.replace("\nquotes:\n", "\nqoutes:\n", 1)),
    "txet": ("text", lambda text, cid: _in_card(text, cid, "  text: ", "  txet: ")),
    "kidn": ("kind", lambda text, cid: _in_card(text, cid, "  kind: ", "  kidn: ")),
}


def _in_card(text: str, cid: str, old: str, new: str) -> str:
    at = text.index(old, text.index(f"- id: {cid}\n"))
    return text[:at] + new + text[at + len(old):]


def make_typo(project: Path, typo: str, cid: str) -> tuple[Path, str, tuple[int, int]]:
    path = story_path(project)
    text = TYPOS[typo][1](path.read_text(encoding="utf-8"), cid)
    path.write_text(text, encoding="utf-8")
    return path, text, position(text, f"{typo}:")


@pytest.mark.parametrize("typo", sorted(TYPOS))
def test_a_typo_is_one_error_at_its_own_line_and_column_from_check(project, typo):
    cid = load(story_path(project))["facts"][1]["id"]
    path, _, (line, col) = make_typo(project, typo, cid)
    run = generator(project, "check")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith(f"{path.relative_to(project)}:{line}:{col}: ")   # as the editor would type it
    assert lines[0].endswith(f"unknown key '{typo}' (did you mean '{TYPOS[typo][0]}'?)")


def test_typos_fail_the_strict_site_build_and_the_build_changes_nothing(project):
    facts = load(story_path(project))["facts"]
    where = {}
    for n, typo in enumerate(sorted(TYPOS)):            # each on its own card
        path, text, where[typo] = make_typo(project, typo, facts[n + 1]["id"])
    where = {typo: position(text, f"{typo}:") for typo in TYPOS}   # positions in the final text
    snapshot = project / "content/.snapshot/stories" / path.name
    before, snap_before = path.read_bytes(), snapshot.read_bytes()

    site = mkdocs(project)
    assert site.returncode != 0
    shown = path.relative_to(project)
    for typo, (line, col) in where.items():
        assert re.search(rf"WARNING .*{re.escape(str(shown))}:{line}:{col}: .*unknown key '{typo}' "
                         rf"\(did you mean '{TYPOS[typo][0]}'\?\)", site.stderr), site.stderr

    run = generator(project, "build")
    assert run.returncode == 1
    for typo, (line, col) in where.items():
        assert f"{shown}:{line}:{col}: " in run.stderr and f"unknown key '{typo}'" in run.stderr, run.stderr
    assert "not merged" in run.stderr
    assert path.read_bytes() == before and snapshot.read_bytes() == snap_before


# ---------------------------------------------------------------- one cause, one message; exits
def test_a_syntax_error_is_one_message_and_stops_the_build(project):
    path = story_path(project)
    text = path.read_text(encoding="utf-8")
    at = text.index("  - article: ", text.index("\nfacts:"))
    broken = text[:at] + "  - article  " + text[at + len("  - article: "):]
    path.write_text(broken, encoding="utf-8")

    run = generator(project, "check")
    assert run.returncode == 1
    [line] = run.stdout.splitlines()              # not one more per article naming this story
    shown = re.escape(str(path.relative_to(project)))
    assert re.match(rf"{shown}:\d+:\d+: YAML syntax error: ", line), line
    assert "1 problem in 1 file" in run.stderr

    build = generator(project, "build")
    assert build.returncode == 1
    assert re.search(rf"{shown}:\d+:\d+: YAML syntax error: .*not merged", build.stderr), build.stderr
    assert path.read_text(encoding="utf-8") == broken


def test_check_on_a_missing_directory_exits_2_with_one_line(project):
    run = generator(project, "check", "--content", str(project / "no-such-dir"))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.splitlines() == [f"error: {project / 'no-such-dir'}: no such content directory"]


def test_a_clean_check_prints_one_summary_line(project):
    files = sum(len(list((project / "content" / k).glob("*.yml"))) for k in ("articles", "stories", "entities"))
    run = generator(project, "check")
    assert run.returncode == 0 and run.stdout == f"checked {files} files: no problems\n" and run.stderr == ""
