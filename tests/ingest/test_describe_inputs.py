"""Read + describe end to end for each input format (fixtures written to tmp_path)."""
import gzip
import json

from generator.ingest.describe import prepare_articles
from generator.ingest.read import read_inputs
from generator.records import Article

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Harbour Bridge Reopens After Repairs | Example Tribune</title>
<meta property="og:site_name" content="Example Tribune">
<meta property="og:url" content="https://www.example-tribune.com/news/bridge-reopens">
<meta property="article:published_time" content="2021-03-04T09:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour Bridge Reopens After Repairs</h1>
<p>By Jane Roe</p>
<p>SYDNEY (Example Tribune) - The harbour bridge reopened to traffic on Thursday after eight months of repairs to its steel deck, the city council said.</p>
<p>Advertisement</p>
<p>Engineers replaced more than two hundred corroded beams and repainted the entire structure, according to the council's chief engineer.</p>
<h2>Detours ended</h2>
<p>Commuters had faced detours of up to forty minutes while the bridge was closed, and local businesses reported a drop in trade.</p>
<p>Sign up for our daily newsletter</p>
</article>
<footer><p>Copyright 2021 Example Tribune. All rights reserved.</p></footer>
</body></html>"""


def prepare(tmp_path):
    return list(prepare_articles(list(read_inputs([tmp_path], root=tmp_path))))


def test_html_page_end_to_end(tmp_path):
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (a,) = prepare(tmp_path)
    assert isinstance(a, Article), a
    assert a.headline == "Harbour Bridge Reopens After Repairs"
    assert a.outlet == "example-tribune"
    assert a.published == "2021-03-04" and not a.published_inferred
    assert a.url == "https://www.example-tribune.com/news/bridge-reopens"
    assert a.dateline == "SYDNEY"
    assert a.byline == "Jane Roe"
    assert a.id == "example-tribune-harbour-bridge-reopens-after-repairs"
    assert a.source_file == "page.html.gz"
    for furniture in ["Advertisement", "newsletter", "Harbour Bridge Reopens", "Home", "Copyright", "By Jane"]:
        assert furniture not in a.text, furniture
    assert a.text.startswith("SYDNEY (Example Tribune) - The harbour bridge reopened")
    assert "Detours ended" in a.text  # a subheading inside an extracted page is body
    assert a.text.endswith("reported a drop in trade.")


def test_jsonl_end_to_end_input_fields_win(tmp_path):
    rows = [
        {"id": "Wire/2021-0042", "title": "Bridge Reopens", "outlet": "Example Wire", "published": "2021-03-04",
         "url": "https://wire.example.org/0042",
         "text": "SYDNEY (Other Agency) - The bridge reopened on Thursday, officials said.\n\nShare this"},
        {"text": "BERLIN (dpa) - The city council approved the new budget on Tuesday evening."},
    ]
    (tmp_path / "bulk.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    a, b = prepare(tmp_path)
    assert (a.id, a.headline, a.outlet, a.published, a.url) == (
        "wire-2021-0042", "Bridge Reopens", "example-wire", "2021-03-04", "https://wire.example.org/0042")
    assert a.text == "SYDNEY (Other Agency) - The bridge reopened on Thursday, officials said."
    assert (b.outlet, b.dateline, b.headline, b.published) == ("dpa", "BERLIN", None, None)
    assert b.id.startswith("dpa-the-city-council-approved")
    assert (a.source_file, b.source_file) == ("bulk.jsonl", "bulk.jsonl")


def test_same_input_gives_byte_identical_records(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Talks End In Agreement\n\nOfficials agreed on Monday.", encoding="utf-8")
    first = [a.to_dict() for a in prepare(tmp_path)]
    assert [a.to_dict() for a in prepare(tmp_path)] == first
