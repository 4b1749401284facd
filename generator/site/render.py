"""Digest site pages: records -> page Markdown, with no MkDocs import.

`load_site()` reads the YAML cards (through `generator.content.loader.load_record`), `build_index()`
precomputes every cross-reference once per build (so each page is rendered in time
proportional to its own size, never by walking all pages), and `render_pages()`
returns one `PageOut` per page. The MkDocs adapter (`generator.site.mkdocs_plugin`) only
turns these into MkDocs files, so another renderer could draw the same pages.

Article text, headlines, quotes and names are untrusted: they only ever reach a page
through Jinja autoescaping or `markupsafe.escape`, inside raw HTML blocks, so Markdown
never interprets them. Fixed section headings are the only Markdown we write.
The components (fact card, quote, citation, coverage bar, coverage matrix, timeline)
are Jinja partials in `theme/partials/digest/`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from markupsafe import Markup, escape

from generator.config import SiteSettings
from generator.errors import Problem
from generator.records import Article, Entity, Fact, Quote, Story

THEME_DIR = Path(__file__).resolve().parents[2] / "theme"
KINDS = (("article", "articles", Article), ("story", "stories", Story), ("entity", "entities", Entity))
# Ids become URL path segments and file names: anything else is refused, not mangled.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")




@dataclass
class SiteData:
    articles: dict[str, Article] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> yaml path
    problems: list[Problem] = field(default_factory=list)


@dataclass
class PageOut:
    src_uri: str                  # e.g. "stories/<id>.md"
    title: str
    markdown: str
    source: str | None = None     # the YAML card the page comes from (for "Edit this card")
    head: str = ""                # extra HTML for <head> (JSON-LD), kept out of the search index


# ---------------------------------------------------------------- loading
def _drop_hidden(data: dict) -> dict:
    """Cards inside a record flagged `hidden: true` never reach the site."""
    data = dict(data)
    for key in ("facts", "quotes", "summary", "timeline", "removed", "dates"):
        if isinstance(data.get(key), list):
            data[key] = [x for x in data[key] if not (isinstance(x, dict) and x.get("hidden") is True)]
    return data


def load_site(content: Path, load_record: Callable[[Path, str], tuple[Any, list]] | None = None,
              rel_to: Path | None = None) -> SiteData:
    """Read content/{articles,stories,entities}/*.yml; bad cards become Problems and are skipped."""
    if load_record is None:
        from generator.content.loader import load_record as _lr
        load_record = _lr
    site = SiteData()
    for kind, folder, cls in KINDS:
        for path in sorted((Path(content) / folder).glob("*.yml")):
            shown = str(path.relative_to(rel_to)) if rel_to and path.is_relative_to(rel_to) else str(path)
            data, problems = load_record(path, kind)
            for p in problems:
                site.problems.append(Problem(shown, f"{p.message} (card skipped)", p.line or 1))
            if data is None or problems:
                continue
            if data.get("hidden") is True:
                continue
            rid = str(data.get("id"))
            if not ID_RE.match(rid):
                site.problems.append(Problem(shown, f"id {rid!r} is not usable in a URL (card skipped)", 1))
                continue
            try:
                record = cls.from_dict(_drop_hidden(data))
                _check_types(record)
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                site.problems.append(Problem(shown, f"not a valid {kind}: {exc} (card skipped)", 1))
                continue
            target = getattr(site, folder)
            if rid in target:
                site.problems.append(Problem(shown, f"duplicate {kind} id {rid!r} (card skipped)", 1))
                continue
            target[rid] = record
            site.sources[(kind, rid)] = shown
    return site


def _check_types(record: Any) -> None:
    """The fields the pages read must have the right shape; a wrong one skips the card."""
    if isinstance(record, Article):
        if not isinstance(record.text, str):
            raise TypeError("text must be a string")
    elif isinstance(record, Story):
        if not isinstance(record.title, str) or not isinstance(record.articles, list):
            raise TypeError("title must be a string and articles a list")
        for f in record.facts:
            for s in f.sources:
                if not (isinstance(s.start, int) and isinstance(s.end, int)):
                    raise TypeError(f"fact {f.id}: source offsets must be integers")
    elif isinstance(record, Entity):
        if not isinstance(record.name, str):
            raise TypeError("name must be a string")


# ---------------------------------------------------------------- URLs
def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:80] or "x"


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown file (relative to the site root)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relurl(from_url: str, to_url: str, anchor: str | None = None) -> str:
    """Relative link between two site URLs (as produced by page_url; "" is the site root).

    Climbs to the root and back down: not always the shortest link, but correct and
    computed without path normalisation (this runs for every link of every page).
    """
    out = "../" * from_url.count("/") + to_url
    return (out or "./") + (f"#{anchor}" if anchor else "")


def cite_anchor(start: int, end: int) -> str:
    return f"c-{start}-{end}"


def fact_anchor(fact_id: str) -> str:
    return f"fact-{slug(fact_id)}"


def quote_anchor(quote_id: str) -> str:
    return f"quote-{slug(quote_id)}"


def safe_title(text: str) -> str:
    """A title for the theme's <title>/header, which print it without escaping: no markup survives."""
    return " ".join(str(text).split()).replace("&", "\uff06").replace("<", "\u2039").replace(">", "\u203a")


# json.dumps escapes C0 controls itself; these it leaves raw and YAML would refuse or fold
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _printable(text: str) -> str:
    """Drop characters YAML front matter cannot carry (C1 controls, line/paragraph separators)."""
    return _NOT_YAML.sub(" ", text)


# ---------------------------------------------------------------- index
@dataclass
class Passage:
    start: int
    end: int
    anchor: str


@dataclass
class Index:
    """Every cross-reference, computed once per build."""

    outlet_slug: dict[str, str] = field(default_factory=dict)
    outlet_articles: dict[str, list[str]] = field(default_factory=dict)
    outlet_stories: dict[str, list[str]] = field(default_factory=dict)
    article_passages: dict[str, list[Passage]] = field(default_factory=dict)
    article_facts: dict[str, list[tuple[str, Fact]]] = field(default_factory=dict)
    article_quotes: dict[str, list[tuple[str, Quote]]] = field(default_factory=dict)
    article_story: dict[str, str] = field(default_factory=dict)
    entity_stories: dict[str, list[str]] = field(default_factory=dict)
    entity_facts: dict[str, list[tuple[str, Fact]]] = field(default_factory=dict)
    entity_quotes: dict[str, list[tuple[str, Quote]]] = field(default_factory=dict)
    bad_sources: set[tuple[str, int, int]] = field(default_factory=set)


UNKNOWN = "unknown:"


def outlet_of(site: SiteData, article_id: str) -> str:
    """The outlet label of an article; one without an outlet is its own 'unknown:<id>'
    (the label the story stage lists in Story.outlets), so it never merges with others."""
    a = site.articles.get(article_id)
    return a.outlet if a and a.outlet else f"{UNKNOWN}{article_id}"


def outlet_name(label: str) -> str:
    return "Unknown outlet" if str(label).startswith(UNKNOWN) else str(label)


def build_index(site: SiteData) -> Index:
    ix = Index()
    names = sorted({outlet_of(site, a) for a in site.articles} |
                   {o for s in site.stories.values() for o in s.outlets if isinstance(o, str)})
    used: set[str] = set()
    for name in names:
        s, n = slug(name), 2
        while s in used:
            s, n = f"{slug(name)}-{n}", n + 1
        used.add(s)
        ix.outlet_slug[name] = s
    for aid in sorted(site.articles):
        ix.outlet_articles.setdefault(outlet_of(site, aid), []).append(aid)

    seen_passages: dict[str, set[tuple[int, int]]] = {}

    def add_passage(story: Story, src, ok_msg: str) -> bool:
        art = site.articles.get(src.article)
        if art is None:
            return False
        if not (0 <= src.start < src.end <= len(art.text)) or art.text[src.start:src.end] != src.excerpt:
            if (src.article, src.start, src.end) not in ix.bad_sources:
                ix.bad_sources.add((src.article, src.start, src.end))
                site.problems.append(Problem(site.sources.get(("story", story.id), story.id),
                                             f"{ok_msg}: excerpt does not match {src.article}"
                                             f"[{src.start}:{src.end}] (citation not linked)", 1))
            return False
        key = (src.start, src.end)
        seen = seen_passages.setdefault(src.article, set())
        if key not in seen:
            seen.add(key)
            ix.article_passages.setdefault(src.article, []).append(
                Passage(src.start, src.end, cite_anchor(src.start, src.end)))
        return True

    for sid in sorted(site.stories):
        story = site.stories[sid]
        for o in story.outlets:
            ix.outlet_stories.setdefault(o, []).append(sid)
        for aid in story.articles:
            ix.article_story.setdefault(aid, sid)
        for f in story.facts:
            for src in f.sources:
                if add_passage(story, src, f"fact {f.id}"):
                    ix.article_facts.setdefault(src.article, []).append((sid, f))
            for e in dict.fromkeys(f.entities):
                ix.entity_facts.setdefault(e, []).append((sid, f))
                _add_once(ix.entity_stories, e, sid)
        for q in story.quotes:
            for src in q.sources:
                if add_passage(story, src, f"quote {q.id}"):
                    ix.article_quotes.setdefault(src.article, []).append((sid, q))
            for e in dict.fromkeys([*([q.speaker] if q.speaker else []), *q.entities]):
                ix.entity_quotes.setdefault(e, []).append((sid, q))
                _add_once(ix.entity_stories, e, sid)
    for eid, ent in site.entities.items():
        for sid in ent.stories:
            if sid in site.stories:
                _add_once(ix.entity_stories, eid, sid)
    for aid, art in site.articles.items():
        if art.story and art.story in site.stories:
            ix.article_story.setdefault(aid, art.story)
    return ix


def _add_once(d: dict[str, list[str]], key: str, value: str) -> None:
    lst = d.setdefault(key, [])
    if value not in lst:
        lst.append(value)


# ---------------------------------------------------------------- components
def template_env(theme_dir: Path | str = THEME_DIR) -> jinja2.Environment:
    """The partials, autoescaped. One per build: templates are read once (no mtime checks),
    and a `mkdocs serve` rebuild after a theme edit gets a fresh one."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(theme_dir) / "partials" / "digest")),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def component(name: str, theme_dir: Path | str = THEME_DIR, env: jinja2.Environment | None = None,
              **ctx: Any) -> Markup:
    """Render one partial (autoescaped) as a single block with no blank lines,
    so Markdown keeps it as one raw HTML block."""
    html = (env or template_env(theme_dir)).get_template(f"{name}.html").render(**ctx)
    return Markup("\n".join(line for line in html.splitlines() if line.strip()))


def highlight_text(text: str, passages: Iterable[Passage]) -> Markup:
    """Article text as <p> paragraphs with every cited passage wrapped in <mark>.

    Passages may overlap or nest: the text is cut at every passage boundary and each
    piece lists all the passages covering it (data-cites), so any one passage can be
    highlighted as a whole. An empty anchor with the passage's id sits where it starts.
    """
    passages = sorted(passages, key=lambda p: (p.start, -p.end))
    # paragraph breaks are cuts too, so no <mark> ever spans two <p>
    breaks = [(m.start(), m.end()) for m in re.finditer(r"\n\s*\n", text)]
    cuts = {0, len(text)}
    for p in passages:
        cuts.update((p.start, p.end))
    for s, e in breaks:
        cuts.update((s, e))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    starts: dict[int, list[str]] = {}
    for p in passages:
        starts.setdefault(p.start, []).append(p.anchor)
    paras: list[list[str]] = [[]]
    pending: list[str] = []
    bi = 0
    for a, b in zip(points, points[1:]):
        pending += starts.get(a, [])
        while bi < len(breaks) and breaks[bi][1] <= a:
            bi += 1
        if bi < len(breaks) and breaks[bi][0] <= a and b <= breaks[bi][1]:
            if paras[-1]:
                paras.append([])
            continue
        out = paras[-1]
        out += [f'<span class="digest-anchor" id="{escape(x)}"></span>' for x in pending]
        pending = []
        covering = [p.anchor for p in passages if p.start <= a and b <= p.end]
        piece = str(escape(text[a:b]))
        if covering:
            out.append(f'<mark class="digest-cite" data-cites="{escape(" ".join(covering))}">{piece}</mark>')
        else:
            out.append(piece)
    paras[-1] += [f'<span class="digest-anchor" id="{escape(x)}"></span>' for x in pending]
    return Markup("\n".join(f"<p>{''.join(p)}</p>" for p in paras if p))


# ---------------------------------------------------------------- pages
class Renderer:
    def __init__(self, site: SiteData, settings: SiteSettings | None = None, *,
                 directory_urls: bool = True, theme_dir: Path | str = THEME_DIR):
        self.site, self.settings = site, settings or SiteSettings()
        self.directory_urls, self.theme_dir = directory_urls, theme_dir
        self.ix = build_index(site)
        self.env = template_env(theme_dir)
        self.here = ""

    # links, relative to the page being rendered
    def url(self, src_uri: str, anchor: str | None = None) -> str:
        return relurl(self.here, page_url(src_uri, self.directory_urls), anchor)

    def story_link(self, sid: str, anchor: str | None = None) -> str:
        return self.url(f"stories/{sid}.md", anchor)

    def article_link(self, aid: str, anchor: str | None = None) -> str | None:
        return self.url(f"articles/{aid}.md", anchor) if aid in self.site.articles else None

    def entity_link(self, eid: str | None) -> str | None:
        return self.url(f"entities/{eid}.md") if eid and eid in self.site.entities else None

    def outlet_link(self, name: str) -> str | None:
        s = self.ix.outlet_slug.get(name)
        return self.url(f"outlets/{s}.md") if s else None

    def c(self, name: str, **ctx: Any) -> Markup:
        return component(name, self.theme_dir, self.env, **ctx)

    def _page(self, src_uri: str, title: str, parts: list[str], source: str | None = None,
              head: str = "") -> PageOut:
        meta = {"title": safe_title(title)}
        if head:
            meta["digest_head"] = head
        # JSON strings are valid YAML scalars, so front matter needs no YAML dumper
        front = "".join(f"{k}: {json.dumps(_printable(v), ensure_ascii=False)}\n" for k, v in meta.items())
        body = f'<h1 class="digest-title">{escape(title)}</h1>\n\n' + "\n\n".join(p for p in parts if p)
        return PageOut(src_uri, title, f"---\n{front}---\n\n{body}\n", source, head)

    def _start(self, src_uri: str) -> None:
        self.here = page_url(src_uri, self.directory_urls)

    # -- helpers that build template context
    def citation(self, src, number: int | None = None) -> dict:
        ok = (src.article, src.start, src.end) not in self.ix.bad_sources and src.article in self.site.articles
        return {
            "href": self.article_link(src.article, cite_anchor(src.start, src.end)) if ok else None,
            "outlet": outlet_name(outlet_of(self.site, src.article)),
            "excerpt": src.excerpt,
            "number": number,
        }

    def fact_ctx(self, story: Story, n: int, fact: Fact) -> dict:
        outlets = list(dict.fromkeys(outlet_of(self.site, s.article) for s in fact.sources))
        total = max(len(story.outlets), len(outlets), 1)
        return {
            "anchor": fact_anchor(fact.id), "number": n, "text": fact.text, "kind": fact.kind,
            "date": fact.date, "k": len(outlets), "n": total,
            "outlets": [{"name": outlet_name(o), "href": self.outlet_link(o)} for o in outlets],
            "single": len(outlets) == 1, "labels": set(outlets),
            "citations": [self.citation(s) for s in fact.sources],
            "entities": [{"name": self.site.entities[e].name, "href": self.entity_link(e)}
                         for e in fact.entities if e in self.site.entities],
        }

    def quote_ctx(self, quote: Quote, story_id: str | None = None) -> dict:
        speaker = quote.speaker_name or (self.site.entities[quote.speaker].name
                                         if quote.speaker in self.site.entities else None)
        return {
            "anchor": quote_anchor(quote.id), "text": quote.text, "speaker": speaker or "Unknown speaker",
            "speaker_href": self.entity_link(quote.speaker),
            "citations": [self.citation(s) for s in quote.sources],
            "story_href": self.story_link(story_id, quote_anchor(quote.id)) if story_id else None,
            "story_title": self.site.stories[story_id].title if story_id in self.site.stories else None,
        }

    def story_item(self, sid: str) -> dict:
        s = self.site.stories[sid]
        return {
            "href": self.story_link(sid), "title": s.title, "date": s.date,
            "summary": " ".join(item.text for item in s.summary),
            "outlets": [{"name": outlet_name(o), "href": self.outlet_link(o)} for o in s.outlets],
            "single": s.single_source,
        }

    def stories_sorted(self, ids: Iterable[str] | None = None) -> list[str]:
        ids = list(self.site.stories if ids is None else ids)
        return sorted((i for i in ids if i in self.site.stories),
                      key=lambda i: (self.site.stories[i].date or "", i), reverse=True)

    # -- the pages
    def home(self) -> PageOut:
        self._start("index.md")
        ids = self.stories_sorted()[: self.settings.home_limit]
        parts = [f'<p class="digest-lede">{escape(self.settings.description)}</p>',
                 "## Latest stories",
                 self.c("story_list", stories=[self.story_item(i) for i in ids],
                        empty="No stories yet: run `python -m generator build`."),
                 f'<p><a href="{self.url("stories/index.md")}">All stories</a> · '
                 f'<a href="{self.url("timeline.md")}">Timeline</a> · '
                 f'<a href="{relurl(self.here, "feed.xml")}">RSS</a> · '
                 f'<a href="{relurl(self.here, "feed.json")}">JSON Feed</a></p>']
        return self._page("index.md", self.settings.title, parts)

    def story(self, sid: str) -> PageOut:
        src = f"stories/{sid}.md"
        self._start(src)
        s = self.site.stories[sid]
        numbers = {f.id: n for n, f in enumerate(s.facts, 1)}
        facts = [self.fact_ctx(s, n, f) for n, f in enumerate(s.facts, 1)]
        summary = [{"text": item.text,
                    "markers": [{"n": numbers[f], "href": f"#{fact_anchor(f)}"} for f in item.facts if f in numbers]}
                   for item in s.summary]
        outlets = list(s.outlets) or list(dict.fromkeys(outlet_of(self.site, a) for a in s.articles))
        matrix = {
            "outlets": [{"name": outlet_name(o), "href": self.outlet_link(o)} for o in outlets],
            "rows": [{"anchor": fc["anchor"], "number": fc["number"], "text": fc["text"], "single": fc["single"],
                      "k": fc["k"], "cells": [o in fc["labels"] for o in outlets]}
                     for fc in facts],
        }
        timeline = [{"date": t.date, "text": t.text,
                     "facts": [{"n": numbers[f], "href": f"#{fact_anchor(f)}"} for f in t.facts if f in numbers]}
                    for t in s.timeline]
        articles = [{"href": self.article_link(a), "headline": (self.site.articles[a].headline or a)
                     if a in self.site.articles else a, "outlet": outlet_name(outlet_of(self.site, a)),
                     "published": self.site.articles[a].published if a in self.site.articles else None}
                    for a in s.articles]
        meta = (f'<p class="digest-meta">{escape(s.date or "undated")} · {len(outlets)} outlet'
                f'{"s" if len(outlets) != 1 else ""} · {len(s.articles)} article{"s" if len(s.articles) != 1 else ""}'
                + (' · <span class="digest-badge digest-badge--single">single source</span>' if s.single_source else "")
                + "</p>")
        parts = [meta, "## Summary", self.c("summary", items=summary),
                 "## Facts", "\n".join(self.c("fact_card", f=fc) for fc in facts) or "<p>No facts.</p>"]
        if s.quotes:
            parts += ["## Quotes", "\n".join(self.c("quote", q=self.quote_ctx(q)) for q in s.quotes)]
        if timeline:
            parts += ["## Timeline", self.c("timeline", items=timeline)]
        parts += ["## Coverage", self.c("coverage_matrix", m=matrix),
                  "## Sources", self.c("article_list", articles=articles)]
        return self._page(src, s.title, parts, self.site.sources.get(("story", sid)), head=self.jsonld(s))

    def jsonld(self, s: Story) -> str:
        from generator.site.feeds import news_article_jsonld, script_tag
        return script_tag(news_article_jsonld(s, self.site.articles))

    def article(self, aid: str) -> PageOut:
        src = f"articles/{aid}.md"
        self._start(src)
        a = self.site.articles[aid]
        sid = self.ix.article_story.get(aid)
        meta = {
            "outlet": a.outlet, "outlet_href": self.outlet_link(outlet_of(self.site, aid)),
            "published": a.published, "inferred": a.published_inferred, "dateline": a.dateline,
            "byline": a.byline, "credits": a.credits, "url": a.url, "source_file": a.source_file,
            "story_href": self.story_link(sid) if sid else None,
            "story_title": self.site.stories[sid].title if sid else None,
        }
        facts = [{"href": self.story_link(s, fact_anchor(f.id)), "text": f.text,
                  "story": self.site.stories[s].title,
                  "anchors": [{"href": f"#{cite_anchor(x.start, x.end)}"} for x in f.sources
                              if x.article == aid and (aid, x.start, x.end) not in self.ix.bad_sources]}
                 for s, f in self.ix.article_facts.get(aid, [])]
        quotes = [self.quote_ctx(q, s) for s, q in self.ix.article_quotes.get(aid, [])]
        parts = [self.c("article_meta", m=meta), "## Text",
                 f'<div class="digest-text">\n{highlight_text(a.text, self.ix.article_passages.get(aid, []))}\n</div>']
        if a.removed:
            parts.append(self.c("removed", items=a.removed))
        if a.dates:
            parts += ["## Dates mentioned", self.c("dates", dates=a.dates)]
        parts += ["## Facts this article supports",
                  self.c("supported_facts", facts=facts, empty="No fact cites this article.")]
        if quotes:
            parts += ["## Quotes cited from it", "\n".join(self.c("quote", q=q) for q in quotes)]
        return self._page(src, a.headline or aid, parts, self.site.sources.get(("article", aid)))

    def entity(self, eid: str) -> PageOut:
        src = f"entities/{eid}.md"
        self._start(src)
        e = self.site.entities[eid]
        stories = [self.story_item(s) for s in self.stories_sorted(self.ix.entity_stories.get(eid, []))]
        facts = [{"href": self.story_link(s, fact_anchor(f.id)), "text": f.text,
                  "story": self.site.stories[s].title, "anchors": []}
                 for s, f in self.ix.entity_facts.get(eid, [])]
        quotes = [self.quote_ctx(q, s) for s, q in self.ix.entity_quotes.get(eid, [])]
        meta = f'<p class="digest-meta">{escape(e.kind)}' + (
            f' · also written {escape(", ".join(e.aliases))}' if e.aliases else "") + "</p>"
        parts = [meta, "## Stories", self.c("story_list", stories=stories, empty="No story names it."),
                 "## Facts", self.c("supported_facts", facts=facts, empty="No fact names it.")]
        if quotes:
            parts += ["## Quotes", "\n".join(self.c("quote", q=q) for q in quotes)]
        return self._page(src, e.name, parts, self.site.sources.get(("entity", eid)))

    def outlet(self, name: str) -> PageOut:
        src = f"outlets/{self.ix.outlet_slug[name]}.md"
        self._start(src)
        stories = [self.story_item(s) for s in self.stories_sorted(self.ix.outlet_stories.get(name, []))]
        arts = [{"href": self.article_link(a), "headline": self.site.articles[a].headline or a,
                 "outlet": outlet_name(name), "published": self.site.articles[a].published}
                for a in sorted(self.ix.outlet_articles.get(name, []),
                                key=lambda a: self.site.articles[a].published or "", reverse=True)]
        parts = ["## Stories it covers", self.c("story_list", stories=stories, empty="None."),
                 "## Articles", self.c("article_list", articles=arts)]
        title = outlet_name(name) + (f" ({name[len(UNKNOWN):]})" if name.startswith(UNKNOWN) else "")
        return self._page(src, title, parts)

    def stories_index(self) -> PageOut:
        self._start("stories/index.md")
        items = [self.story_item(i) for i in self.stories_sorted()]
        return self._page("stories/index.md", "Stories",
                          [self.c("story_list", stories=items, empty="No stories yet.")])

    def entities_index(self) -> PageOut:
        self._start("entities/index.md")
        groups: dict[str, list[dict]] = {}
        for eid in sorted(self.site.entities, key=lambda e: self.site.entities[e].name.lower()):
            e = self.site.entities[eid]
            groups.setdefault(e.kind, []).append({"href": self.entity_link(eid), "name": e.name,
                                                  "count": len(self.ix.entity_stories.get(eid, []))})
        return self._page("entities/index.md", "Entities",
                          [self.c("entity_index", groups=sorted(groups.items()))])

    def outlets_index(self) -> PageOut:
        self._start("outlets/index.md")
        items = [{"href": self.outlet_link(o), "name": outlet_name(o), "stories": len(self.ix.outlet_stories.get(o, [])),
                  "articles": len(self.ix.outlet_articles.get(o, []))} for o in self.ix.outlet_slug]
        return self._page("outlets/index.md", "Outlets", [self.c("outlet_index", outlets=items)])

    def timeline_page(self) -> PageOut:
        self._start("timeline.md")
        items = []
        for sid, s in self.site.stories.items():
            numbers = {f.id: n for n, f in enumerate(s.facts, 1)}
            for t in s.timeline:
                items.append({"date": t.date, "text": t.text, "story": s.title, "story_href": self.story_link(sid),
                              "facts": [{"n": numbers[f], "href": self.story_link(sid, fact_anchor(f))}
                                        for f in t.facts if f in numbers]})
        items.sort(key=lambda x: (str(x["date"]), x["story"]))
        return self._page("timeline.md", "Timeline", [self.c("timeline", items=items)])

    def all_pages(self) -> list[PageOut]:
        pages = [self.home(), self.stories_index(), self.entities_index(), self.outlets_index(),
                 self.timeline_page()]
        jobs = ([(self.story, "story", s) for s in sorted(self.site.stories)]
                + [(self.article, "article", a) for a in sorted(self.site.articles)]
                + [(self.entity, "entity", e) for e in sorted(self.site.entities)])
        for fn, kind, rid in jobs:
            # a card the schema let through with an odd value must not stop `mkdocs serve`
            try:
                pages.append(fn(rid))
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                self.site.problems.append(Problem(self.site.sources.get((kind, rid), rid),
                                                  f"cannot render this {kind}: {exc!r} (page skipped)", 1))
        pages += [self.outlet(o) for o in self.ix.outlet_slug]
        return pages


def render_pages(site: SiteData, settings: SiteSettings | None = None, *, directory_urls: bool = True,
                 theme_dir: Path | str = THEME_DIR) -> list[PageOut]:
    """Every page of the digest, in a stable order."""
    return Renderer(site, settings, directory_urls=directory_urls, theme_dir=theme_dir).all_pages()
