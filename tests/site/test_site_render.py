"""Render and feed functions, tested without MkDocs."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import yaml

from generator.site import feeds, load, urls
from generator.site import pages as site_pages
from generator.records import Story
from tests import site_helpers as h


@pytest.fixture()
def site(tmp_path):
    h.write_content(tmp_path / "content")
    return load.load_site(tmp_path / "content", rel_to=tmp_path)


@pytest.fixture()
def pages(site):
    return {p.src_uri: p for p in site_pages.render_pages(site)}


class _Parse(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.hrefs, self.text = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Parse:
    p = _Parse()
    p.feed(html)
    return p


# ---------------------------------------------------------------- highlighting
def test_overlapping_passages_each_keep_their_anchor_and_full_extent():
    text = "alpha beta gamma delta\n\nepsilon zeta"
    ps = [site_pages.Passage(0, 16, "c-0-16"), site_pages.Passage(6, 22, "c-6-22"),
          site_pages.Passage(24, 31, "c-24-31")]
    html = str(site_pages.highlight_text(text, ps))
    parsed = parse(html)
    assert {"c-0-16", "c-6-22", "c-24-31"} <= parsed.ids
    # the words covered by each passage, joined back from its <mark> pieces, are exactly the passage
    for p in ps:
        pieces = re.findall(r'<mark class="digest-cite" data-cites="([^"]*)">([^<]*)</mark>', html)
        covered = "".join(t for cites, t in pieces if p.anchor in cites.split())
        assert covered == text[p.start:p.end]
    assert html.count("<p>") == 2  # paragraphs stay paragraphs; no mark spans the break


def test_highlight_escapes_markup_in_article_text():
    text = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    html = str(site_pages.highlight_text(text, [site_pages.Passage(0, 8, "c-0-8")]))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_passage_across_a_paragraph_break_is_split_into_marks_in_both_paragraphs():
    text = "one two\n\nthree four"
    html = str(site_pages.highlight_text(text, [site_pages.Passage(4, 14, "c-4-14")]))
    paras = html.split("\n")
    assert len(paras) == 2 and all("digest-cite" in p for p in paras)


# ---------------------------------------------------------------- links
@pytest.mark.parametrize("src,expected", [
    ("index.md", ""), ("stories/index.md", "stories/"), ("stories/x.md", "stories/x/"), ("about.md", "about/")])
def test_page_url_directory_urls(src, expected):
    assert urls.page_url(src) == expected


def test_relurl_between_pages():
    assert urls.relurl("stories/x/", "articles/y/", "c-1-2") == "../../articles/y/#c-1-2"
    assert urls.relurl("", "stories/x/") == "stories/x/"
    assert urls.relurl("stories/x/", "") == "../../"
    assert urls.relurl("stories/x.html", "articles/y.html") == "../articles/y.html"


# ---------------------------------------------------------------- loading
def test_hidden_cards_and_stories_stay_off_the_site(tmp_path):
    content = h.write_content(tmp_path / "content")
    hidden = h.story() | {"id": "s-hidden", "hidden": True, "title": "Hidden story"}
    import yaml
    (content / "stories" / "s-hidden.yml").write_text(yaml.safe_dump(hidden), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    assert "s-hidden" not in site.stories
    assert "f-hidden" not in {f.id for f in site.stories["s-mediation"].facts}
    allmd = "".join(p.markdown for p in site_pages.render_pages(site))
    assert "An editor hid this card." not in allmd and "Hidden story" not in allmd


def test_bad_yaml_is_a_problem_with_file_and_line_and_is_skipped(tmp_path):
    content = h.write_content(tmp_path / "content")
    (content / "entities" / "broken.yml").write_text("id: broken\nname: [unclosed\nkind: person\n", encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    assert "broken" not in site.entities and "e-peskov" in site.entities
    [problem] = site.problems
    assert str(problem).startswith("content/entities/broken.yml:")
    assert int(str(problem).split(":")[1]) >= 2


def test_negative_offset_skips_that_citation_and_keeps_the_story(tmp_path):
    content = h.write_content(tmp_path / "content")
    import yaml
    data = h.story()
    data["facts"][0]["sources"][0]["start"] = -5
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    [problem] = site.problems
    assert str(problem).startswith("content/stories/s-mediation.yml:") and "citation skipped" in str(problem)
    fact = {f.id: f for f in site.stories["s-mediation"].facts}["f1"]
    assert [s.article for s in fact.sources] == ["a-two"]
    assert "stories/s-mediation.md" in {p.src_uri for p in site_pages.render_pages(site)}


def test_citation_whose_excerpt_does_not_match_is_reported_and_not_linked(tmp_path):
    content = h.write_content(tmp_path / "content")
    import yaml
    data = h.story()
    data["facts"][2]["sources"][0]["start"] += 3  # offsets no longer give the excerpt
    data["summary"].append({"facts": ["f3"]})   # key point [3] says what q-point says
    # a plain copy: one source object used twice would be written as a YAML alias, which content refuses
    data = json.loads(json.dumps(data))
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    pages = {p.src_uri: p for p in site_pages.render_pages(site)}
    assert any("does not match a-xss" in str(p) for p in site.problems)
    src = data["facts"][2]["sources"][0]
    assert f"c-{src['start']}-{src['end']}" not in pages["stories/s-mediation.md"].markdown


# ---------------------------------------------------------------- pages
def test_story_page_links_every_key_point_and_citation(pages, site):
    md = pages["stories/s-mediation.md"].markdown
    story = site.stories["s-mediation"]
    p = parse(md)
    # key points: the summary's cards in order (an item citing only a hidden card, as the
    # fixture's third does, is not shown), never topped up with other cards (those may not
    # read on their own), each with markers pointing at a fact card on the page
    points = re.findall(r'digest-key-point__text">([^<]*)</span>((?:<a class="digest-marker"[^>]*>[^<]*</a>)*)', md)
    shown = [story.cited(i)[0].text for i in story.summary if story.cited(i)]
    assert len(shown) == 2 and [t for t, _ in points[:len(shown)]] == shown
    assert len(points) == len(shown) < len(story.facts) and all(m for _, m in points)
    for href in re.findall(r'class="digest-marker" href="#([^"]+)"', md):
        assert href in p.ids
    # each citation goes to the exact passage anchor on the article page
    for fact in story.facts:
        for s in fact.sources:
            assert f"../../articles/{s.article}/#c-{s.start}-{s.end}" in p.hrefs
    assert "2 of 3 outlets" in md and "1 of 3 outlets" in md
    assert md.count("digest-matrix__row--single") == 2


def test_article_page_anchors_every_cited_passage(pages, site):
    ix = site_pages.build_index(site)
    md = pages["articles/a-one.md"].markdown
    ids = parse(md).ids
    for passage in ix.article_passages["a-one"]:
        assert passage.anchor in ids
    assert "<details" in md and "Share this article on Facebook" in md
    assert "&lt;b&gt;Subscribe&lt;/b&gt;" in md  # removed lines are escaped too


def test_untrusted_text_is_escaped_in_every_page(pages):
    for page in pages.values():
        body = page.markdown.split("---\n", 2)[2]
        assert "<script>window" not in body and "<img src=x" not in body, page.src_uri
        assert "<" not in page.title or page.src_uri.startswith("articles/")
        front = page.markdown.split("---\n", 2)[1]
        title_line = next(line for line in front.splitlines() if line.startswith("title:"))
        assert "<" not in title_line and ">" not in title_line  # the theme prints titles raw
    assert "&lt;script&gt;window.__pwned" in pages["articles/a-xss.md"].markdown


def test_entity_page_lists_its_stories_facts_and_quotes(pages):
    md = pages["entities/e-peskov.md"].markdown
    assert "Russia offers to mediate between US and North Korea" in md
    assert "The Kremlin spokesman said Moscow offered to mediate." in md
    assert "We are ready to help," in md
    assert "e-peskov" not in parse(pages["entities/e-russia.md"].markdown).hrefs


def test_entity_pages_only_for_several_stories_a_speaker_or_an_editor_request(tmp_path):
    content = h.write_content(tmp_path / "content")
    pages = {p.src_uri: p for p in site_pages.render_pages(load.load_site(content))}
    # a speaker, and an entity whose card says `page: true`; North Korea is in one story only
    assert {u for u in pages if u.startswith("entities/") and u != "entities/index.md"} == {
        "entities/e-peskov.md", "entities/e-russia.md"}
    index = parse(pages["entities/index.md"].markdown).hrefs
    assert "../stories/s-mediation/" in index and "../entities/e-peskov/" in index  # its mention leads to its story
    # in a second story it gets a page of its own
    other = h.story() | {"id": "s-other", "title": "Another story"}
    (content / "stories" / "s-other.yml").write_text(yaml.safe_dump(other), encoding="utf-8")
    pages = {p.src_uri for p in site_pages.render_pages(load.load_site(content))}
    assert "entities/e-north-korea.md" in pages


def test_every_page_except_indexes_names_its_card_for_editing(pages):
    assert pages["stories/s-mediation.md"].source == "content/stories/s-mediation.yml"
    assert pages["articles/a-one.md"].source == "content/articles/a-one.yml"
    assert pages["entities/e-russia.md"].source == "content/entities/e-russia.yml"


def test_outlet_slugs_do_not_collide():
    site = load.SiteData()
    from generator.records import Article
    for i, outlet in enumerate(["A.B", "A B", "a-b"]):
        site.articles[f"x{i}"] = Article(f"x{i}", "f", outlet, "h", None, False, None, None, [], "t")
    ix = site_pages.build_index(site)
    assert len(set(ix.outlet_slug.values())) == 3


# ---------------------------------------------------------------- feeds
def test_rss_is_valid_xml_with_escaped_titles(site):
    s = site.stories["s-mediation"]
    s2 = Story.from_dict(h.story() | {"id": "s2", "title": "A <b>bold</b> & odd title", "date": "2017-12-20"})
    xml = feeds.rss(feeds.newest([s, s2], 10), title="T", description="D", site_url="https://x.test/",
                    story_path=lambda st: f"stories/{st.id}/")
    root = ET.fromstring(xml)
    items = root.findall("channel/item")
    assert [i.findtext("title") for i in items] == ["A <b>bold</b> & odd title", s.title]
    assert items[1].findtext("link") == "https://x.test/stories/s-mediation/"
    assert "Mon, 18 Dec 2017" in items[1].findtext("pubDate")


def test_rss_drops_characters_xml_forbids_and_descriptions_hold_no_live_markup(site):
    data = h.story() | {"id": "s3", "title": "Shift\x0eout title", "date": "2017-12-21"}
    data["facts"][0] = data["facts"][0] | {"text": "Ready\x0e to act <svg onload=alert(1)> & more"}
    xml = feeds.rss([Story.from_dict(data)], title="T", description="D", site_url="https://x.test/",
                    story_path=lambda st: f"stories/{st.id}/")
    [item] = ET.fromstring(xml).findall("channel/item")          # parses: no forbidden character left
    assert item.findtext("title") == "Shiftout title"
    description = item.findtext("description")                   # the HTML a feed reader renders
    assert "<svg" not in description and "&lt;svg onload=alert(1)&gt;" in description
    assert "&amp; more" in description


def test_jsonld_publishes_only_web_urls(site):
    from dataclasses import replace
    articles = dict(site.articles)
    articles["a-one"] = replace(articles["a-one"], url=" JavaScript:alert(1)")
    articles["a-two"] = replace(articles["a-two"], url="https://news.example/a-two")
    data = feeds.news_article_jsonld(site.stories["s-mediation"], articles)
    urls = {c["headline"]: c.get("url") for c in data["citation"]}
    assert urls[articles["a-one"].headline] is None
    assert urls[articles["a-two"].headline] == "https://news.example/a-two"


def test_json_feed_1_1(site):
    data = json.loads(feeds.json_feed(list(site.stories.values()), title="T", description="D",
                                      site_url="https://x.test", story_path=lambda st: f"stories/{st.id}/"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    [item] = data["items"]
    assert item["url"] == "https://x.test/stories/s-mediation/" and item["date_published"].startswith("2017-12-18")
    assert item["content_text"].startswith("Russia is willing to act as a mediator")   # card f1's text


def test_jsonld_cites_each_article_and_cannot_close_its_script(site):
    data = feeds.news_article_jsonld(site.stories["s-mediation"], site.articles)
    assert data["@type"] == "NewsArticle"
    assert {c["headline"] for c in data["citation"]} == {a.headline for a in site.articles.values()}
    tag = feeds.script_tag(data)
    assert tag.count("<") == 2 and tag.count("</script>") == 1
    assert json.loads(tag[len('<script type="application/ld+json">'):-len("</script>")]) == data


def test_article_without_outlet_fills_its_own_matrix_column(tmp_path):
    import yaml
    content = h.write_content(tmp_path / "content")
    art = yaml.safe_load((content / "articles" / "a-xss.yml").read_text(encoding="utf-8"))
    art["outlet"] = None
    (content / "articles" / "a-xss.yml").write_text(yaml.safe_dump(art), encoding="utf-8")
    data = h.story()
    data["outlets"] = ["Daily Planet", "Wire Service", "unknown:a-xss"]
    data["summary"].append({"facts": ["f3"]})   # key point [3] says what q-point says
    # a plain copy: one source object used twice would be written as a YAML alias, which content refuses
    data = json.loads(json.dumps(data))
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    md = {p.src_uri: p for p in site_pages.render_pages(site)}["stories/s-mediation.md"].markdown
    row = next(line for line in md.splitlines() if 'href="#fact-f3"' in line and "<tr" in line)
    cells = re.findall(r'<td class="(digest-matrix__\w+)"', row)
    assert cells == ["digest-matrix__no", "digest-matrix__no", "digest-matrix__yes"]
    # shown by its headline as an unnamed source; the counts say "sources", not "outlets"
    text = "".join(parse(md).text)
    assert "unnamed: Headline with" in text and "unknown:a-xss" not in text
    assert "1 of 3 sources" in text and "of 3 outlets" not in text


def test_hidden_article_leaves_no_link_behind(tmp_path):
    import yaml
    content = h.write_content(tmp_path / "content")
    art = yaml.safe_load((content / "articles" / "a-two.yml").read_text(encoding="utf-8"))
    (content / "articles" / "a-two.yml").write_text(yaml.safe_dump(art | {"hidden": True}), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    pages = site_pages.render_pages(site)
    assert "articles/a-two.md" not in {p.src_uri for p in pages}
    assert not any("articles/a-two/" in href for p in pages for href in parse(p.markdown).hrefs)
    # nor its words: not its id or headline in the story's sources, not its text as a citation excerpt
    assert not any("a-two" in p.markdown or art["headline"] in p.markdown for p in pages)
    story = next(p for p in pages if p.src_uri == "stories/s-mediation.md").markdown
    excerpts = re.findall(r'class="digest-citation__excerpt">([^<]*)<', story)
    cited_from_a_two = h.story()["facts"][0]["sources"][1]["excerpt"]
    assert excerpts and cited_from_a_two not in excerpts


def test_site_modules_other_than_the_plugin_do_not_depend_on_mkdocs():
    import ast
    for module in (load, urls, site_pages, feeds):
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(name.split(".")[0] in ("mkdocs", "material") for name in names), module.__name__


def test_page_html_is_written_by_templates_only():
    """Python hands the templates plain values: no HTML tag in any string of the site modules
    (docstrings aside), so escaping is decided in one place, the autoescaping templates."""
    import ast
    for module in (load, urls, site_pages):
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not re.search(r"</?[a-z]", node.value), (module.__name__, node.value)


def test_article_page_lists_dates_as_written_and_resolved(pages):
    md = pages["articles/a-one.md"].markdown
    assert re.search(r'<q>Monday</q> → <time datetime="2017-12-18">2017-12-18</time>', md)


def test_a_card_that_cannot_be_rendered_is_reported_not_fatal(site):
    site.entities["e-russia"].aliases = 42  # passes loading, breaks rendering
    pages = {p.src_uri for p in site_pages.render_pages(site)}
    assert "entities/e-russia.md" not in pages and "entities/e-peskov.md" in pages
    assert any("content/entities/e-russia.yml" in str(p) and "page skipped" in str(p) for p in site.problems)


def test_outlets_differ_is_shown_on_the_card_escaped_and_linked(tmp_path):
    import yaml
    content = h.write_content(tmp_path / "content")
    data = h.story()
    # Another outlet's version of card f3, with its own (untrusted) text.
    data["facts"][2]["differs"] = [h.source("a-xss", h.TEXT_A, f"A reader comment was pasted here: {h.XSS}")]
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    pages = {p.src_uri: p for p in site_pages.render_pages(site)}
    md = pages["stories/s-mediation.md"].markdown
    src = data["facts"][2]["differs"][0]
    assert "Outlets differ" in md and md.count("Outlets differ") == 1
    assert f"../../articles/a-xss/#c-{src['start']}-{src['end']}" in parse(md).hrefs
    assert "<script>window.__pwned" not in md
    # the differing passage is anchored on its article page, so the link lands on it
    assert f'id="c-{src["start"]}-{src["end"]}"' in pages["articles/a-xss.md"].markdown
    # and it is no support: the card still counts one outlet
    assert "1 of 3 outlets" in md


def _pages_with_story(tmp_path, data) -> dict:
    """The rendered pages of the fixture site with its story replaced by `data`."""
    import yaml
    content = tmp_path / "content"
    if not (content / "stories").is_dir():
        h.write_content(content)
    # a plain copy: one source object used twice would be written as a YAML alias, which content refuses
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(json.loads(json.dumps(data))), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    return {p.src_uri: p for p in site_pages.render_pages(site)}


def _quotes_shown(pages) -> tuple[list[str], list[str]]:
    """(ids of the quotes in Who said what, ids of those folded below) on the story page."""
    head, folded = pages["stories/s-mediation.md"].markdown.split('id="all-facts"', 1)
    ids = r'<figure class="digest-quote" id="quote-([^"]+)"'
    return re.findall(ids, head), re.findall(ids, folded)


def test_who_said_what_keeps_full_statements_by_named_speakers_most_cited_first(tmp_path):
    data = h.story()
    one, two = h.source("a-one", h.TEXT_A, "We are ready to help,"), h.source("a-two", h.TEXT_B, "We are ready to help,")

    def quote(qid, text, speaker="Dmitry Peskov", sources=(one,)):
        return {"id": qid, "speaker": None, "speaker_name": speaker, "text": text, "sources": list(sources),
                "entities": []}
    data["quotes"] = [
        quote("q-once", "The talks will resume in the spring at the earliest."),
        quote("q-twice", "Both sides must want it before anyone can mediate.", sources=(one, two)),
        quote("q-short", "act of war."),                                        # a scare quote
        quote("q-nobody", "Nobody can say who will sit at the table first.", speaker=None),
        quote("q-tail", "the only way to end the dispute between the two states"),  # a reporter's sentence
        quote("q-point", "Officials in Washington did not comment."),           # key point [3] says it
    ]
    data["summary"].append({"facts": ["f3"]})   # key point [3] says what q-point says
    shown, others = _quotes_shown(_pages_with_story(tmp_path, data))
    assert shown == ["q-twice", "q-once"]
    assert sorted(others) == ["q-nobody", "q-point", "q-short", "q-tail"]


def test_who_said_what_gives_each_speaker_a_turn_before_anyone_speaks_twice(tmp_path):
    data = h.story()
    one, two = h.source("a-one", h.TEXT_A, "We are ready to help,"), h.source("a-two", h.TEXT_B, "We are ready to help,")

    def quote(qid, speaker, sources=(one,)):
        return {"id": qid, "speaker": None, "speaker_name": speaker, "sources": list(sources), "entities": [],
                "text": f"This is statement {qid} and it runs for more than six words."}
    # one voice quoted six times by two outlets, two others once by one outlet
    data["quotes"] = [quote(f"q-roe{n}", "Jane Roe", (one, two)) for n in range(6)] + [
        quote("q-doe", "John Doe"), quote("q-poe", "Ann Poe")]
    shown, folded = _quotes_shown(_pages_with_story(tmp_path, data))
    # every voice, then the most cited one's next quotes, shown most cited first
    assert shown == ["q-roe0", "q-roe1", "q-roe2", "q-doe", "q-poe"]
    assert {"q-roe3", "q-roe4", "q-roe5"} <= set(folded)

    # a voice the reporter only describes comes after the named ones, however cited
    data["quotes"] = [quote("q-desc", "spokesman", (one, two))] + [
        quote(f"q-{n}", name) for n, name in enumerate(["Jane Roe", "John Doe", "Ann Poe", "Al Moe", "Bo Zoe"])]
    shown, folded = _quotes_shown(_pages_with_story(tmp_path, data))
    assert shown == [f"q-{n}" for n in range(5)] and "q-desc" in folded


def test_a_timeline_date_after_the_reports_is_shown_as_expected(tmp_path):
    data = h.story()
    # the articles are of 2017-12-18: a date in 2018 or ten days on is a plan, not an event
    data["facts"][1]["date"] = "2018"
    data["facts"][2]["date"] = "2017-12-28"
    data["timeline"] = [{"date": "2017-12-18", "facts": ["f1"]}, {"date": "2017-12-20", "facts": ["f1"]},
                        {"date": "2017-12-28", "facts": ["f3"]}, {"date": "2018", "facts": ["f2"]}]
    pages = _pages_with_story(tmp_path, data)
    for md in (pages["stories/s-mediation.md"].markdown, pages["timeline.md"].markdown):
        items = re.findall(r'<li class="digest-timeline__item">(.*?)</li>', md, re.S)
        labelled = ["expected, as reported on 2017-12-18" in x for x in items]
        # the day of the reports and two days after it (time zones, datelines) are events
        assert labelled == [False, False, True, True]
