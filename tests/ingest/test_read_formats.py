"""Read stage: each input format gives RawArticle records with the right fields."""
import gzip
import json
from pathlib import Path

import pytest

from generator.ingest.read import content_hash, read_inputs, strip_site
from generator.errors import Problem
from generator.records import RawArticle

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Harbour Bridge Reopens After Repairs</title>
<meta property="og:title" content="Harbour Bridge Reopens After Repairs">
<meta property="og:site_name" content="Example Tribune">
<meta property="og:url" content="https://www.example-tribune.com/news/bridge-reopens">
<meta property="article:published_time" content="2021-03-04T09:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour Bridge Reopens After Repairs</h1>
<p>The harbour bridge reopened to traffic on Thursday after eight months of repairs to its steel deck, the city council said.</p>
<p>Engineers replaced more than two hundred corroded beams and repainted the entire structure, according to the council's chief engineer.</p>
<p>Commuters had faced detours of up to forty minutes while the bridge was closed, and local businesses reported a drop in trade.</p>
</article>
<footer><p>Copyright 2021 Example Tribune. All rights reserved.</p></footer>
</body></html>"""


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_txt_is_read_as_utf8_and_source_file_is_relative_with_posix_slashes(tmp_path):
    sub = tmp_path / "inbox" / "deep"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text("Caf\u00e9 owners said business was “good”.\n", encoding="utf-8")
    raw = only(read_inputs([tmp_path / "inbox"], root=tmp_path))
    assert isinstance(raw, RawArticle)
    assert raw.source_file == "inbox/deep/a.txt"
    assert raw.format == "txt"
    assert raw.text.startswith("Caf\u00e9 owners") and "“good”" in raw.text


def test_source_file_outside_root_keeps_the_given_path(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Some text here.", encoding="utf-8")
    raw = only(read_inputs([f], root=tmp_path / "elsewhere"))
    assert raw.source_file == f.as_posix()


def test_utf8_bom_is_dropped(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbfMinisters met on Monday.")
    raw = only(read_inputs([f], root=tmp_path))
    assert raw.text == "Ministers met on Monday."


def test_utf16_with_bom_is_decoded(tmp_path):
    f = tmp_path / "wide.txt"
    f.write_bytes("Ministers met in Zürich.".encode("utf-16"))
    raw = only(read_inputs([f], root=tmp_path))
    assert raw.text == "Ministers met in Zürich."


def test_directory_is_read_recursively_sorted_and_skips_other_and_hidden_files(tmp_path):
    for name in ["b.txt", "a/z.txt", "a/c.txt", ".hidden/x.txt", "notes.md", ".d.txt"]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Text of {name}.", encoding="utf-8")
    got = [r.source_file for r in read_inputs([tmp_path], root=tmp_path)]
    assert got == ["a/c.txt", "a/z.txt", "b.txt"]


def test_html_body_and_metadata_come_from_trafilatura(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    raw = only(read_inputs([f], root=tmp_path))
    assert isinstance(raw, RawArticle), raw
    assert raw.format == "html"
    assert "eight months of repairs" in raw.text
    assert "Home" not in raw.text.split("\n")
    assert raw.title == "Harbour Bridge Reopens After Repairs"
    assert raw.outlet == "Example Tribune"
    assert raw.url == "https://www.example-tribune.com/news/bridge-reopens"
    assert raw.published == "2021-03-04"


def test_htm_and_html_gz_read_like_html(tmp_path):
    (tmp_path / "a.htm").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    got = list(read_inputs([tmp_path], root=tmp_path))
    assert [r.source_file for r in got] == ["a.htm", "b.html.gz"]
    assert all(isinstance(r, RawArticle) and "corroded beams" in r.text for r in got)
    assert got[0].text == got[1].text


def test_jsonl_lines_become_articles_with_their_fields(tmp_path):
    f = tmp_path / "bulk.jsonl"
    lines = [
        {"id": "A-1", "text": "First article text.", "title": "First", "url": "https://x.org/1",
         "outlet": "X News", "published": "2020-01-02"},
        {"text": "Second article text."},
    ]
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    got = list(read_inputs([f], root=tmp_path))
    assert len(got) == 2
    a, b = got
    assert (a.id, a.title, a.url, a.outlet, a.published, a.line, a.format) == (
        "A-1", "First", "https://x.org/1", "X News", "2020-01-02", 1, "jsonl")
    assert a.text == "First article text."
    assert (b.id, b.title, b.line) == (None, None, 2)


def test_content_hash_is_stable_and_follows_every_field(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Same text.", encoding="utf-8")
    first = only(read_inputs([f], root=tmp_path))
    again = only(read_inputs([f], root=tmp_path))
    assert len(first.content_hash) == 64 and first.content_hash == again.content_hash
    assert first.content_hash == content_hash(first)
    changed = RawArticle(**{**first.to_dict(), "title": "A title"})
    assert content_hash(changed) != first.content_hash
    f.write_text("Other text.", encoding="utf-8")
    assert only(read_inputs([f], root=tmp_path)).content_hash != first.content_hash


def test_the_sample_corpus_reads_without_problems():
    root = Path(__file__).resolve().parents[2]
    got = list(read_inputs([root / "content" / "inbox"], root=root))
    assert len(got) == 5
    assert not [g for g in got if isinstance(g, Problem)]
    assert all(g.source_file.startswith("content/inbox/") for g in got)


def test_html_title_loses_the_site_name_and_no_date_is_guessed_from_text(tmp_path):
    page = (PAGE.replace("<title>Harbour Bridge Reopens After Repairs</title>",
                         "<title>Harbour Bridge Reopens After Repairs | Example Tribune</title>")
            .replace('<meta property="og:title" content="Harbour Bridge Reopens After Repairs">', "")
            .replace('<meta property="article:published_time" content="2021-03-04T09:30:00Z">', "")
            .replace("<p>Commuters", "<p>The work began on 12 July 2020 and cost millions. Commuters"))
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    raw = only(read_inputs([f], root=tmp_path))
    assert raw.title == "Harbour Bridge Reopens After Repairs"
    assert raw.published is None


@pytest.mark.parametrize("title, site, expected", [
    ("Best gadgets of 2019 | ZDNet", "ZDNet", "Best gadgets of 2019"),
    ("ZDNet - Best gadgets of 2019", "zdnet", "Best gadgets of 2019"),
    ("Left - right talks resume", "ZDNet", "Left - right talks resume"),
    (None, "ZDNet", None),
])
def test_strip_site(title, site, expected):
    assert strip_site(title, site) == expected
