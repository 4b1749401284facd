"""Digest pages: records -> page Markdown, with no MkDocs import.

`build_index()` precomputes every cross-reference once per build (so each page is
rendered in time proportional to its own size, never by walking all pages). For each
page kind, `Renderer` gathers the plain data its template needs (links already made
relative to the page, outlet names, passages to highlight) and renders the kind's
template, `theme/partials/digest/pages/<kind>.html`; the components (fact card, quote,
citation, coverage bar and matrix, timeline...) are the partials next to it.
`render_pages()` returns one `PageOut` per page; the MkDocs adapter
(`generator.site.mkdocs_plugin`) only turns these into MkDocs files, so another
renderer could draw the same pages.

Article text, headlines, quotes and names are untrusted: all HTML is written by the
templates, with autoescaping on, and Python hands them only plain values, so Markdown
never interprets them either (they sit inside raw HTML blocks). Fixed section headings
are the only Markdown the templates write.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from generator.config import SiteSettings
from generator.records import Fact, Quote, Story
from generator.nlp.dates import parse_published
from generator.site.feeds import news_article_jsonld, script_tag
from generator.errors import Problem
from generator.site.load import SiteData
from generator.site.names import StoryPeople, role_in, spelled_out
from generator.ids import is_unknown_outlet, outlet_key, unknown_outlet_article
from generator.site.urls import cite_anchor, fact_anchor, page_url, quote_anchor, relurl, slug

FOLDER = {"story": "stories", "article": "articles", "entity": "entities"}
THEME_DIR = Path(__file__).resolve().parents[2] / "theme"


@dataclass
class PageOut:
    src_uri: str                  # e.g. "stories/<id>.md"
    title: str
    markdown: str
    source: str | None = None     # the YAML card the page comes from (for "Edit this card")
    head: str = ""                # extra HTML for <head> (JSON-LD), kept out of the search index
    meta: dict = field(default_factory=dict)   # the front matter's values (title, digest_head), as read back
    search: dict | None = None    # kind/date/outlets for the search index; None: not indexed

    html: str = ""                # the body as HTML, made without a Markdown pass (see body_html)
    toc: list[dict] = field(default_factory=list)   # its headings, as Python-Markdown `toc` tokens


_HEADING = re.compile(r"^(#{2,6}) (.+?)\s*$", re.M)


def body_html(body: str, env: jinja2.Environment) -> tuple[str, list[dict]]:
    """A page body as the HTML that Python-Markdown (with `toc`) makes of it, and its table
    of contents as `toc` tokens.

    The templates write only raw HTML blocks and fixed `##` section headings (plain words),
    so a Markdown pass over the whole page (most of it our own escaped HTML) is not needed:
    each heading becomes the `heading` partial with the id the toc extension would give
    (its slugify, `_1` for a repeat), and every HTML block is passed through as is."""
    from markdown.extensions.toc import slugify, unique   # the ids must be the ones toc made

    used: set[str] = set()
    tokens: list[dict] = []
    stack: list[dict] = []
    tpl = env.get_template("heading.html")

    def heading(m: re.Match) -> str:
        level, text = len(m.group(1)), m.group(2)
        hid = unique(slugify(text, "-"), used)
        token = {"level": level, "id": hid, "name": text, "html": text, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
        return tpl.render(level=level, id=hid, text=text)

    return _HEADING.sub(heading, body).strip(), tokens


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
    speakers: set[str] = field(default_factory=set)      # entities that speak in a shown quote
    bad_sources: set[tuple[str, int, int]] = field(default_factory=set)
    # The lists of the whole corpus, split into pages (see split_list): (list, part) -> the
    # rows of that page, and list -> its parts with their counts (None: one page, part "").
    # A list is "stories", "timeline", "entities" or ("outlet", label) for a large outlet.
    lists: dict[tuple, list] = field(default_factory=dict)
    list_parts: dict[Any, tuple | None] = field(default_factory=dict)
    list_around: dict[tuple, tuple] = field(default_factory=dict)   # (list, part) -> (part before, part after)


# An entity gets a page of its own when it helps a reader: it appears in at least this many
# stories (the page gathers them), it speaks in a quote (the page gathers what it said), or an
# editor asks for one (`page: true` on its card). Any other entity is named in one story
# only, and its mentions link to that story: at 2,010 Reuters articles this leaves
# (see README, "Site at archive scale") a fraction of the 5,808 entity pages.
ENTITY_PAGE_MIN_STORIES = 2


def entity_pages(site: SiteData, ix: Index) -> set[str]:
    """The entities that get a page (ENTITY_PAGE_MIN_STORIES, speakers, `page: true`)."""
    return {eid for eid in site.entities
            if len(ix.entity_stories.get(eid, [])) >= ENTITY_PAGE_MIN_STORIES
            or eid in ix.speakers or eid in site.page_requested}


def outlet_of(site: SiteData, article_id: str) -> str:
    """The outlet label of an article; one without an outlet is its own 'unknown:<id>'
    (the label the story stage lists in Story.outlets), so it never merges with others."""
    a = site.articles.get(article_id)
    return outlet_key(a.outlet if a else None, article_id)


# Only web addresses become links: a javascript: or file: URL in a card is shown as text.
_HTTP = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_WORD = re.compile(r"\w+")
KEY_POINTS_MAX = 7
# Who said what: statements of at least this many words (a scare quote such as "act of
# war" is not a statement), at most this many on the story page; the rest are folded.
QUOTE_MIN_WORDS, QUOTE_MAX = 6, 5


def outlet_names(site: SiteData) -> dict[str, str]:
    """slug -> display name, from content/outlets.yml."""
    return {k: v["name"] for k, v in site.outlets.items() if v.get("name")}


# ---------------------------------------------------------------- lists split into pages
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
UNDATED = "undated"


def date_levels(date: Any, reported: Any = None) -> tuple[str, str, str, str]:
    """The parts a dated row falls in, outermost first: its decade ("1980s"), year
    ("1987"), month ("1987-03") and day ("1987-03-02"), so a list splits only where it is
    long (a few events of the 1900s share a page, a busy month gets a page per day). A row
    dated less precisely (a timeline event "in 1986") is placed, below its own precision,
    by the date of the story that reported it: "1986-reported-1987-03", then
    "1986-reported-1987-03-02"."""
    m = _DATE.match(str(date or ""))
    if not m:
        return (UNDATED,) * 4
    y, mo, d = m.groups()
    if d and not mo:
        d = None
    levels = [f"{y[:3]}0s", y] + ([f"{y}-{mo}"] if mo else []) + ([f"{y}-{mo}-{d}"] if d else [])
    if len(levels) < 4:
        r = _DATE.match(str(reported or ""))
        got = [x for x in (r.groups() if r else ()) if x]
        by = [f"{got[0]}-{got[1]}", "-".join(got[:3])] if len(got) >= 2 else [UNDATED, UNDATED]
        levels += [f"{levels[-1]}-reported-{x}" for x in by[len(levels) - 2:]]
    return tuple(levels)


def name_levels(name: str) -> tuple[str, str]:
    """An entity's parts: its name's initial ("c"; "other" for a digit, a sign or a
    letter outside a-z), then its first two letters ("ch"; "c-" for "C&W")."""
    n = name.strip().lower()
    if not n or not ("a" <= n[0] <= "z"):
        return "other", "other"
    return n[0], n[:2] if len(n) > 1 and "a" <= n[1] <= "z" else f"{n[0]}-"


def part_label(part: str) -> str:
    """A part as readers see it: "1987-03", "1986, reported 1987-03-02", "C", "Ch",
    "Other"."""
    if "--" in part:
        return " to ".join(part_label(x) for x in part.split("--"))
    if "-reported-" in part:
        first, day = part.split("-reported-")
        return f"{first}, reported {day}"
    if part == "other":
        return "Other (digits, signs, accents)"
    return part.capitalize()


def split_list(rows: list[tuple[tuple[str, ...], Any]], limit: int, newest_first: bool
               ) -> tuple[dict[str, list], tuple | None]:
    """A list cut into pages a reader can use and that a new row changes one of.

    `rows`: (its parts, outermost first, e.g. month then day; row id), in the order a page
    shows them. A list of at most `limit` rows stays one page (part ""); a longer one gets a
    page per first part, and a part still over `limit` one page per its next part. Parts
    follow from each row's own date or name, never from its position, so adding a row
    changes the page of its part only (and the counts of the list's index page).

    Parts of fewer than a tenth of `limit` rows next to each other share a page, named by
    its first and last part ("1987-03-28--1987-03-21"), up to `limit` rows: a short
    page per quiet day or rare initial would make hundreds of pages of a few rows. A row
    can then move such a page's bounds, and change the pages next to it.

    Returns (part -> its row ids, the parts as nested (part, count, children or None)).
    """
    if len(rows) <= limit:
        return {"": [rid for _, rid in rows]}, None
    pages: dict[str, list] = {}
    small = max(2, limit // 10)

    def order(part: str):
        # dates newest first, rows dated only to the year (or month) after that year's
        # months (days), undated rows last; names in alphabetical order
        return (part != UNDATED, part.replace("-reported-", "-!")) if newest_first else (part == "other", part)

    def go(rows, depth):
        groups: dict[str, list] = {}
        for row in rows:
            groups.setdefault(row[0][depth], []).append(row)
        if len(groups) == 1 and depth + 1 < len(rows[0][0]):   # one decade, one year: no page for it
            return go(rows, depth + 1)
        out: list[tuple] = []
        run: list[tuple[str, list]] = []

        def flush():
            if len(run) == 1:
                part, g = run[0]
                pages[part] = [rid for _, _, rid in g]
                out.append((part, len(g), None))
            elif run:
                part = f"{run[0][0]}--{run[-1][0]}"
                g = sorted((r for _, g in run for r in g), key=lambda r: r[1])   # the list's own order
                pages[part] = [rid for _, _, rid in g]
                out.append((part, len(g), None))
            run.clear()

        for part in sorted(groups, key=order, reverse=newest_first):
            g = groups[part]
            if len(g) > limit and depth + 1 < len(g[0][0]):
                flush()
                out.append((part, len(g), go(g, depth + 1)))
            elif len(g) < small:
                if sum(len(x) for _, x in run) + len(g) > limit:
                    flush()
                run.append((part, g))
            else:
                flush()
                run.append((part, g))
                flush()
        flush()
        return tuple(out)

    return pages, go([(levels, pos, rid) for pos, (levels, rid) in enumerate(rows)], 0)


def _stories_newest(site: SiteData, ids: Iterable[str]) -> list[str]:
    return sorted((i for i in ids if i in site.stories),
                  key=lambda i: (site.stories[i].date or "", i), reverse=True)


def _index_lists(site: SiteData, ix: Index, limit: int) -> None:
    def put(name, rows, newest_first=True):
        pages, parts = split_list(rows, limit, newest_first)
        ix.list_parts[name] = parts
        for part, ids in pages.items():
            ix.lists[(name, part)] = ids
        # a part page links to its neighbours (in the index's order): kept apart from the
        # rows, so a new row re-renders its own page only, and a new part its neighbours too
        order = [p for p in pages if p]
        for n, part in enumerate(order):
            ix.list_around[(name, part)] = (order[n - 1] if n else None, order[n + 1] if n + 1 < len(order) else None)

    stories = site.stories
    put("stories", [(date_levels(stories[s].date), s) for s in _stories_newest(site, stories)])
    items = []
    for sid, s in stories.items():
        for i, t in enumerate(s.timeline):
            if s.cited(t):
                items.append(((str(t.date), s.title), date_levels(t.date, s.date), (sid, i)))
    items.sort(key=lambda x: x[0])
    put("timeline", [(levels, rid) for _, levels, rid in items])
    names = sorted(site.entities, key=lambda e: site.entities[e].name.lower())
    put("entities", [(name_levels(site.entities[e].name), e) for e in names], newest_first=False)
    for o, aids in ix.outlet_articles.items():
        if len(aids) > limit:   # a smaller outlet's page lists its stories and articles itself
            arts = sorted(aids, key=lambda a: site.articles[a].published or "", reverse=True)
            put(("outlet", o), [(date_levels(site.articles[a].published), a) for a in arts])


def build_index(site: SiteData, list_rows: int = 300) -> Index:
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
    seen_es: dict[str, set[str]] = {}    # entity_stories as sets, for _add_once

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
            for src in f.differs:  # anchored in the article too, so the link lands on it
                add_passage(story, src, f"fact {f.id} (outlets differ)")
            for e in dict.fromkeys(f.entities):
                ix.entity_facts.setdefault(e, []).append((sid, f))
                _add_once(ix.entity_stories, e, sid, seen_es)
        for q in story.quotes:
            for src in q.sources:
                if add_passage(story, src, f"quote {q.id}"):
                    ix.article_quotes.setdefault(src.article, []).append((sid, q))
            if q.speaker:
                ix.speakers.add(q.speaker)
            for e in dict.fromkeys([*([q.speaker] if q.speaker else []), *q.entities]):
                ix.entity_quotes.setdefault(e, []).append((sid, q))
                _add_once(ix.entity_stories, e, sid, seen_es)
    for eid, ent in site.entities.items():
        for sid in ent.stories:
            if sid in site.stories:
                _add_once(ix.entity_stories, eid, sid, seen_es)
    for aid, art in site.articles.items():
        if art.story and art.story in site.stories:
            ix.article_story.setdefault(aid, art.story)
    _index_lists(site, ix, list_rows)
    return ix


def _count(kind: str, n: int, one: str, many: str) -> str:
    return f"{kind} · {n} {one if n == 1 else many}"


def _add_once(d: dict[str, list[str]], key: str, value: str, seen: dict[str, set[str]]) -> None:
    # `seen` mirrors `d` as sets: an entity named in thousands of stories (a country) made
    # a scan of its list per mention quadratic at the full archive
    have = seen.setdefault(key, set())
    if value not in have:
        have.add(value)
        d.setdefault(key, []).append(value)


# ---------------------------------------------------------------- templates
def html_block(html: str) -> Markup:
    """Rendered HTML as one raw HTML block for Markdown: a blank line would end the block
    (and let Markdown read the rest), so lines holding only whitespace are dropped."""
    return Markup("\n".join(line for line in html.splitlines() if line.strip()))


def template_env(theme_dir: Path | str = THEME_DIR) -> jinja2.Environment:
    """The page templates and partials, autoescaped. One per build: templates are read once
    (no mtime checks), and a `mkdocs serve` rebuild after a theme edit gets a fresh one.

    Templates call `partial(name, **values)` to render the partial `<name>.html` with only
    those values, as one raw HTML block (see html_block)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(theme_dir) / "partials" / "digest")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False)

    def partial(name: str, **ctx: Any) -> Markup:
        return html_block(env.get_template(f"{name}.html").render(**ctx))

    env.globals["partial"] = partial
    return env


def text_paragraphs(text: str, passages: Iterable[Passage]) -> list[list[dict]]:
    """Article text cut into paragraphs of pieces, for the article template to mark up.

    Passages may overlap or nest: the text is cut at every passage boundary and each
    piece lists all the passages covering it (`cites`, space-separated; "" for none), so
    any one passage can be highlighted as a whole. `{"anchor": id}` items stand where a
    passage starts (an empty element with the passage's id). Paragraph breaks are cuts
    too, so no highlighted piece ever spans two paragraphs.
    """
    passages = sorted(passages, key=lambda p: (p.start, -p.end))
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
    paras: list[list[dict]] = [[]]
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
        out += [{"anchor": x} for x in pending]
        pending = []
        covering = [p.anchor for p in passages if p.start <= a and b <= p.end]
        out.append({"text": text[a:b], "cites": " ".join(covering)})
    paras[-1] += [{"anchor": x} for x in pending]
    return [p for p in paras if p]


def highlight_text(text: str, passages: Iterable[Passage], env: jinja2.Environment | None = None) -> Markup:
    """Article text as <p> paragraphs with every cited passage wrapped in <mark>
    (the `article_text` partial over text_paragraphs)."""
    html = (env or template_env()).get_template("article_text.html").render(
        paragraphs=text_paragraphs(text, passages))
    return Markup(html)


# ---------------------------------------------------------------- reads of a page
class _Sentinel:
    """A unique marker that pickles by name, so reads kept on disk between builds
    (generator.site.build_state) load back as the same object."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __reduce__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return self.name


_MISSING = _Sentinel("_MISSING")
_ALL = _Sentinel("_ALL")   # the key of a read of a whole mapping (iterated, or its length)
_IN = _Sentinel("_IN")     # (_IN, key): a test of the key's presence in a mapping, not of its value


class _Tracked:
    """A mapping or set of the site or index as one page reads it: every key looked up,
    and whether the whole was iterated, is noted in `reads` (name, key) -> value, so a
    later build can tell whether this page would read the same values (`_still_valid`)."""

    __slots__ = ("raw", "name", "reads", "view")

    def __init__(self, raw, name: str, reads: dict, view: dict | None = None):
        """`view`: what pages read of each value (key -> a plain value), noted instead of
        the value itself, so a change to a part no page shows does not count as a change."""
        self.raw, self.name, self.reads, self.view = raw, name, reads, view

    def _note(self, key, value):
        if self.view is not None:
            self.reads.setdefault((self.name, key), self.view.get(key, _MISSING))
        else:
            self.reads.setdefault((self.name, key), value)
        return value

    def __getitem__(self, key):
        value = self.raw.get(key, _MISSING)
        self._note(key, value)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key, default=None):
        value = self._note(key, self.raw.get(key, _MISSING))
        return default if value is _MISSING else value

    def __contains__(self, key) -> bool:
        if isinstance(self.raw, (set, frozenset)):
            return self._note(key, key in self.raw)
        # presence only: a page that tests whether a story exists (to link to it) need not
        # be gathered again when that story's title changes
        present = key in self.raw
        self.reads.setdefault((self.name, (_IN, key)), present)   # a view has no presence entries
        return present

    def _whole(self):
        self.reads.setdefault((self.name, _ALL), self.raw if self.view is None else self.view)
        return self.raw

    def __iter__(self):
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self):
        return self._whole().keys()

    def values(self):
        return self._whole().values()

    def items(self):
        return self._whole().items()


_SITE_READ = ("articles", "stories", "entities", "sources", "outlets", "hidden")
_INDEX_READ = ("outlet_slug", "outlet_articles", "outlet_stories", "article_passages", "article_facts",
               "article_quotes", "article_story", "entity_stories", "entity_facts", "entity_quotes",
               "speakers", "bad_sources", "lists", "list_parts", "list_around")


def _still_valid(reads: dict, raw: dict) -> bool:
    """Would a page that made `reads` read the same values now? (Records are shared
    between builds while their file is unchanged, so most checks are identity.)"""
    for (name, key), old in reads.items():
        src = raw[name]
        if key is _ALL:
            now = src
        elif isinstance(src, (set, frozenset)):
            now = key in src
        elif type(key) is tuple and len(key) == 2 and key[0] is _IN:
            now = key[1] in src
        else:
            now = src.get(key, _MISSING)
        if now is not old and (now is _MISSING or old is _MISSING or now != old):
            return False
    return True


class PageMemo(dict):
    """The `memo` of Renderer (src_uri -> (template inputs, PageOut, reads)) with a reverse
    index: (name, key) of each read -> the pages that made it. With it a build finds the
    pages to gather again from what changed in the site and index since the last build
    (`stale`), instead of checking every page's reads: at the full archive (29,600 pages)
    that check alone cost more than the rest of a one-card rebuild."""

    def __init__(self) -> None:
        super().__init__()
        self.readers: dict[tuple, set[str]] = {}
        self.last_raw: dict | None = None
        self.pending: set[str] = set()    # deferred by the last build: gathered again by the next

    def __setitem__(self, src_uri: str, entry: tuple) -> None:
        old = self.get(src_uri)
        if old is not None and old[2] is not entry[2]:
            self._forget(src_uri, old[2])
        if old is None or old[2] is not entry[2]:
            for read in entry[2]:
                self.readers.setdefault(read, set()).add(src_uri)
        super().__setitem__(src_uri, entry)

    def __delitem__(self, src_uri: str) -> None:
        self._forget(src_uri, self[src_uri][2])
        super().__delitem__(src_uri)

    def pop(self, src_uri: str, *default):
        if src_uri in self:
            entry = self[src_uri]
            del self[src_uri]
            return entry
        return default[0] if default else super().pop(src_uri)

    def _forget(self, src_uri: str, reads: dict) -> None:
        for read in reads:
            pages = self.readers.get(read)
            if pages is not None:
                pages.discard(src_uri)
                if not pages:
                    del self.readers[read]

    def stale(self, raw: dict) -> set[str] | None:
        """The pages that read something that changed since the last build (None: no
        last build, every page is gathered). The build that completes calls `done(raw)`."""
        last = self.last_raw
        if last is None or last.keys() != raw.keys():
            return None
        out: set[str] = set(self.pending)
        readers = self.readers
        for name, now in raw.items():
            old = last[name]
            if old is now:
                continue
            changed = _changed_keys(old, now)
            if not changed:
                continue
            out |= readers.get((name, _ALL), set())
            for key, presence in changed:
                out |= readers.get((name, key), set())
                if presence:
                    out |= readers.get((name, (_IN, key)), set())
        return out

    def done(self, raw: dict, deferred: Iterable[str] = ()) -> None:
        self.last_raw = dict(raw)
        self.pending = set(deferred)


def _changed_keys(old, now) -> list[tuple[Any, bool]]:
    """(key, whether its presence changed) for each key whose value differs (see _still_valid)."""
    if isinstance(now, (set, frozenset)):
        return [(k, True) for k in old ^ now]
    out = []
    for k, v in now.items():
        o = old.get(k, _MISSING)
        if o is not v and (o is _MISSING or o != v):
            out.append((k, o is _MISSING))
    out += [(k, True) for k in old.keys() - now.keys()]
    return out


# for the state kept between `mkdocs build` processes (generator.site.build_state)
ALL_READ, IN_READ, changed_keys = _ALL, _IN, _changed_keys


# ---------------------------------------------------------------- pages
class Renderer:
    def __init__(self, site: SiteData, settings: SiteSettings | None = None, *,
                 directory_urls: bool = True, theme_dir: Path | str = THEME_DIR,
                 env: jinja2.Environment | None = None, memo: dict | None = None,
                 index: Index | None = None):
        """`memo` (src_uri -> (template inputs, PageOut, reads), kept by the caller between
        builds with the same templates, settings and directory_urls) reuses a page none of
        whose reads of the site and index changed (see _Tracked) without gathering its
        inputs, and skips rendering a page whose template inputs equal those of its last
        rendering: after one card changes, only the pages that show something of it are
        gathered (`gathered`) and rendered (`rendered`) again."""
        self.site, self.settings = site, settings or SiteSettings()
        self.directory_urls, self.theme_dir = directory_urls, theme_dir
        self.ix = index if index is not None else build_index(site, self.settings.list_rows)   # `index`: this site's, built before
        self.index = self.ix
        self.entity_pages = entity_pages(site, self.ix)
        self.env = env or template_env(theme_dir)
        self.memo = memo
        self.rendered: list[str] = []
        self.gathered: list[str] = []   # pages whose inputs were gathered (the others: nothing they read changed)
        self.deferred: list[str] = []   # pages left as they were for now (all_pages' `defer`)
        self.stale: set[str] | None = None   # with a PageMemo: the pages to gather again
        self.here = ""
        self.reads: dict = {}
        # the site and index as read untracked (page_jobs lists the pages from them)
        self.raw = {**{n: getattr(site, n) for n in _SITE_READ}, **{n: getattr(self.ix, n) for n in _INDEX_READ},
                    "entity_pages": self.entity_pages}
        if memo is not None:
            # Each page's reads of the site and index are noted (see _Tracked): a page
            # none of whose reads changed is taken from `memo` without gathering its inputs.
            self.site = copy.copy(site)
            self.ix = copy.copy(self.ix)
            # Pages show an entity's name, kind and aliases, never its card's list of stories
            # (the index gives those): a re-run that adds a story to a widely cited entity
            # (a country, a central bank) changes its card, not the pages that only name it.
            views = {"entities": {eid: (e.name, e.kind, tuple(e.aliases or ()))
                                  for eid, e in site.entities.items()}}
            self.raw.update(views)
            for n in _SITE_READ:
                setattr(self.site, n, _Tracked(getattr(site, n), n, self.reads, views.get(n)))
            for n in _INDEX_READ:
                setattr(self.ix, n, _Tracked(self.raw[n], n, self.reads))
            self.entity_pages = _Tracked(self.entity_pages, "entity_pages", self.reads)

    # links, relative to the page being rendered
    def url(self, src_uri: str, anchor: str | None = None) -> str:
        return relurl(self.here, page_url(src_uri, self.directory_urls), anchor)

    def story_link(self, sid: str, anchor: str | None = None) -> str:
        return self.url(f"stories/{sid}.md", anchor)

    def article_link(self, aid: str, anchor: str | None = None) -> str | None:
        return self.url(f"articles/{aid}.md", anchor) if aid in self.site.articles else None

    def entity_link(self, eid: str | None) -> str | None:
        """The entity's page; for an entity without one (see entity_pages), the story it
        appears in (none when that is the page being rendered)."""
        if not eid or eid not in self.site.entities:
            return None
        if eid in self.entity_pages:
            return self.url(f"entities/{eid}.md")
        sids = [s for s in self.ix.entity_stories.get(eid, []) if s in self.site.stories]
        if not sids or page_url(f"stories/{sids[0]}.md", self.directory_urls) == self.here:
            return None
        return self.story_link(sids[0])

    def outlet_link(self, name: str) -> str | None:
        s = self.ix.outlet_slug.get(name)
        return self.url(f"outlets/{s}.md") if s else None

    def _start(self, src_uri: str) -> None:
        self.here = page_url(src_uri, self.directory_urls)
        self.reads.clear()
        self.gathered.append(src_uri)

    def _unchanged(self, src_uri: str) -> PageOut | None:
        """The page made by an earlier build, when nothing it read has changed since."""
        last = self.memo.get(src_uri) if self.memo is not None else None
        if last is None:
            return None
        if isinstance(self.memo, PageMemo):     # what changed since the last build is known
            return last[1] if self.stale is not None and src_uri not in self.stale else None
        return last[1] if _still_valid(last[2], self.raw) else None

    def _deferred(self, src_uri: str) -> PageOut | None:
        last = self.memo.get(src_uri) if isinstance(self.memo, PageMemo) else None
        if last is None:
            return None
        self.deferred.append(src_uri)
        return last[1]

    def _page(self, kind: str, src_uri: str, title: str, ctx: dict, source: str | None = None,
              head: str = "", search: dict | None = None) -> PageOut:
        """Render pages/<kind>.html (which heads the page with its title) under YAML front matter."""
        inputs = (kind, title, ctx, source, head, search)
        if self.memo is not None:
            last = self.memo.get(src_uri)
            if last is not None and last[0] == inputs:
                self.memo[src_uri] = (inputs, last[1], dict(self.reads))
                return last[1]
        self.rendered.append(src_uri)
        meta = {"title": _printable(safe_title(title))}
        if head:
            meta["digest_head"] = _printable(head)
        # JSON strings are valid YAML scalars, so front matter needs no YAML dumper
        front = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
        body = self.env.get_template(f"pages/{kind}.html").render(title=title, **ctx)
        if search is not None:
            search = {"kind": kind, **{k: v for k, v in search.items() if v}}
        html, toc = body_html(body, self.env)
        out = PageOut(src_uri, title, f"---\n{front}---\n\n{body}", source, head,
                      meta=meta, search=search, html=html, toc=toc)
        if self.memo is not None:
            self.memo[src_uri] = (inputs, out, dict(self.reads))
        return out

    # -- outlets as readers see them
    def outlet_ctx(self, label: str) -> dict:
        """An outlet label (slug, or the unknown-outlet label of an article) as shown to readers: the display
        name from content/outlets.yml (else the slug), its home page (http/https only) and
        our outlet page. An article with no known outlet is an unnamed source, shown by
        its headline."""
        label = str(label)
        if is_unknown_outlet(label):
            aid = unknown_outlet_article(label)
            art = self.site.articles.get(aid)
            if ("article", aid) in self.site.hidden:   # its id is made of its headline's words
                return {"name": "Withdrawn source", "unnamed": True, "home": None, "href": None}
            return {"name": (art.headline if art and art.headline else aid), "unnamed": True,
                    "home": None, "href": self.outlet_link(label)}
        entry = self.site.outlets.get(label) or {}
        home = entry.get("url")
        return {"name": entry.get("name") or label, "unnamed": False,
                "home": home if isinstance(home, str) and _HTTP.match(home) else None,
                "href": self.outlet_link(label)}

    def outlet_name(self, label: str) -> str:
        return self.outlet_ctx(label)["name"]

    @staticmethod
    def source_noun(labels: Iterable[str]) -> str:
        """'outlets', or 'sources' when one of them is unnamed: a count never claims
        outlets we cannot name."""
        return "sources" if any(is_unknown_outlet(o) for o in labels) else "outlets"

    # -- context of the components
    def citation(self, src, number: int | None = None) -> dict:
        ok = (src.article, src.start, src.end) not in self.ix.bad_sources and src.article in self.site.articles
        outlet = self.outlet_ctx(outlet_of(self.site, src.article))
        return {
            "href": self.article_link(src.article, cite_anchor(src.start, src.end)) if ok else None,
            "outlet": outlet["name"], "unnamed": outlet["unnamed"],
            # a hidden article's words stay off the site (and out of search), quoted or not
            "excerpt": "" if ("article", src.article) in self.site.hidden else src.excerpt,
            "number": number,
        }

    def fact_ctx(self, story: Story, n: int, fact: Fact) -> dict:
        outlets = list(dict.fromkeys(outlet_of(self.site, s.article) for s in fact.sources))
        total = max(len(story.outlets), len(outlets), 1)
        return {
            "anchor": fact_anchor(fact.id), "number": n, "text": fact.text, "kind": fact.kind,
            "date": fact.date, "k": len(outlets), "n": total,
            "noun": self.source_noun([*story.outlets, *outlets]),
            "outlets": [self.outlet_ctx(o) for o in outlets],
            "single": len(outlets) == 1, "labels": set(outlets),
            "citations": [self.citation(s) for s in fact.sources],
            "differs": [self.citation(s) for s in fact.differs],
            "entities": [{"name": self.site.entities[e].name, "href": self.entity_link(e)}
                         for e in fact.entities if e in self.site.entities],
        }

    def story_people(self, story: Story) -> list:
        """The entities a story's cards and quotes name (people among them)."""
        named = [e for f in story.facts for e in f.entities] + [q.speaker for q in story.quotes if q.speaker]
        return [self.site.entities[e] for e in dict.fromkeys(named) if e in self.site.entities]

    def names_ctx(self, people: StoryPeople, fact: Fact, text: str) -> list[dict]:
        """The `people` of the story that `text` (a card's text as shown) names by surname
        alone, with the full name an article the card cites gives them
        (`names.bare_names`) and what a cited article says they are (`names.role_in`),
        then the acronyms it uses that a cited article spells out (`names.spelled_out`)."""
        def sources():
            for src in fact.sources:
                if src.article in self.site.articles and ("article", src.article) not in self.site.hidden:
                    yield self.site.articles[src.article].text

        cited = list(sources())
        return [{"short": short, "name": full, "href": self.entity_link(person.id), "role": role_in(full, cited)}
                for short, full, person in people.bare_names(text, cited)] + [
            {"short": acronym, "name": long_form, "href": None, "role": None} for acronym, long_form in spelled_out(text, cited)]

    def speaker_of(self, quote: Quote) -> str | None:
        return quote.speaker_name or (self.site.entities[quote.speaker].name
                                      if quote.speaker in self.site.entities else None)

    def quote_ctx(self, quote: Quote, story_id: str | None = None) -> dict:
        speaker = self.speaker_of(quote)
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
            "summary": " ".join(s.summary_sentences()),
            "outlets": [self.outlet_ctx(o) for o in s.outlets],
            "noun": self.source_noun(s.outlets),
            "single": s.single_source,
        }

    def stories_sorted(self, ids: Iterable[str] | None = None) -> list[str]:
        ids = list(self.site.stories if ids is None else ids)
        return sorted((i for i in ids if i in self.site.stories),
                      key=lambda i: (self.site.stories[i].date or "", i), reverse=True)

    def notable_quotes(self, s: Story, shown: Iterable[str] = ()) -> tuple[list[Quote], list[Quote]]:
        """(the quotes that matter, the rest): full statements by a named speaker, at
        least QUOTE_MIN_WORDS words (a scare quote of a few words is not a statement) and
        opening with a capital (one opening in lower case is the tail of a sentence the
        reporter began: "..., calling it 'the only way to end the dispute'"), most outlets
        first, at most QUOTE_MAX; story order among equals. A quote whose words a key
        point already shows (`shown`) is not repeated. Each speaker's first quote goes
        before anyone's second: the section says who said what, and a story's most
        quoted voice would otherwise fill it (on the Multi-News dev build 194 of the 417
        quotes shown repeated a speaker, in 55 stories where others had spoken); among
        first quotes, named speakers go before described ones."""
        shown_words = [" ".join(_WORD.findall(t.lower())) for t in shown]
        ranked = []
        for i, q in enumerate(s.quotes):
            first = next((ch for ch in q.text if ch.isalnum()), "")
            said = " ".join(_WORD.findall(q.text.lower()))
            if (self.speaker_of(q) and len(_WORD.findall(q.text)) >= QUOTE_MIN_WORDS
                    and not first.islower() and not any(said in t for t in shown_words)):
                outlets = {outlet_of(self.site, src.article) for src in q.sources}
                ranked.append((-len(outlets), i, q))
        ranked.sort(key=lambda x: x[:2])
        voices: set[str] = set()
        order = []
        for n, (_, _, q) in enumerate(ranked):
            name = self.speaker_of(q) or ""
            # one voice per surname: "Hardy" and "Aimee Hardy" (one of them no entity)
            voice = name.lower().split()[-1] if name.split() else ""
            # a named voice ("Jane Roe", "the Kremlin") before one the reporter describes
            # ("a spokesman", "the statement"; sometimes no speaker at all, "the good news came")
            order.append((voice in voices, not name[:1].isupper(), n))
            voices.add(voice)
        picked = [n for *_, n in sorted(order)[:QUOTE_MAX]]
        chosen = [ranked[n][2] for n in sorted(picked)]
        ids = {q.id for q in chosen}
        return chosen, [q for q in s.quotes if q.id not in ids]

    # -- the pages
    def home(self) -> PageOut:
        self._start("index.md")
        ids = self.stories_sorted()[: self.settings.home_limit]
        return self._page("home", "index.md", self.settings.title, {
            "description": self.settings.description,
            "stories": [self.story_item(i) for i in ids],
            "stories_href": self.url("stories/index.md"), "timeline_href": self.url("timeline.md"),
            "rss_href": relurl(self.here, "feed.xml"), "json_feed_href": relurl(self.here, "feed.json"),
        })

    def story(self, sid: str) -> PageOut:
        src = f"stories/{sid}.md"
        self._start(src)
        s = self.site.stories[sid]
        numbers = {f.id: n for n, f in enumerate(s.facts, 1)}
        facts = [self.fact_ctx(s, n, f) for n, f in enumerate(s.facts, 1)]
        ctx_of = {f.id: fc for f, fc in zip(s.facts, facts)}
        people = StoryPeople(self.story_people(s))
        for f, fc in zip(s.facts, facts):
            fc["names"] = self.names_ctx(people, f, f.text)

        def markers(fids: Iterable[str]) -> list[dict]:
            return [{"n": numbers[f], "href": f"#{fact_anchor(f)}"} for f in fids if f in numbers]

        # Key points: the summary's cards in order, each its first visible card's current
        # text (hidden cards were dropped on loading) with its citation markers and its
        # "k of n". A short summary is not topped up: the generator picks key points only
        # among cards that read on their own, and any other card would break that.
        points, shown = [], set()
        for item in s.summary:
            cards = [f.id for f in s.cited(item)]
            if cards and cards[0] not in shown:
                shown.add(cards[0])
                fc = ctx_of[cards[0]]
                points.append({"text": fc["text"], "markers": markers(cards), "k": fc["k"], "n": fc["n"],
                               "noun": fc["noun"], "single": fc["single"], "names": fc["names"]})
        points = points[:KEY_POINTS_MAX]

        outlets = list(s.outlets) or list(dict.fromkeys(outlet_of(self.site, a) for a in s.articles))
        noun = self.source_noun(outlets)
        matrix = {
            "outlets": [self.outlet_ctx(o) for o in outlets],
            "rows": [{"anchor": fc["anchor"], "number": fc["number"], "text": fc["text"], "single": fc["single"],
                      "k": fc["k"], "cells": [o in fc["labels"] for o in outlets]}
                     for fc in facts],
        }
        timeline = [{"date": t.date, "text": cards[0].text, "facts": markers(f.id for f in cards),
                     "names": ctx_of[cards[0].id]["names"], "expected": self.reported_before(t.date, cards)}
                    for t, cards in ((t, s.cited(t)) for t in s.timeline) if cards]
        notable, other = self.notable_quotes(s, [p["text"] for p in points])
        return self._page("story", src, s.title, {
            "date": s.date, "outlet_count": len(outlets), "noun": noun, "article_count": len(s.articles),
            "outlets": [self.outlet_ctx(o) for o in outlets],
            "single": s.single_source, "key_points": points, "facts": facts,
            "quotes": [self.quote_ctx(q) for q in notable],
            "other_quotes": [self.quote_ctx(q) for q in other], "timeline": timeline,
            "matrix": matrix,
            "articles": [self.source_item(a) for a in s.articles if ("article", a) not in self.site.hidden],
        }, self.site.sources.get(("story", sid)), head=script_tag(news_article_jsonld(s, self.site.articles, outlet_names(self.site))),
            search={"date": s.date, "outlets": " · ".join(self.outlet_name(o) for o in outlets)})

    def source_item(self, aid: str) -> dict:
        """One article in a source list: outlet, headline (our page), original address,
        date and byline."""
        a = self.site.articles.get(aid)
        outlet = self.outlet_ctx(outlet_of(self.site, aid))
        url = a.url if a and isinstance(a.url, str) and _HTTP.match(a.url) else None
        return {"href": self.article_link(aid), "headline": (a.headline or aid) if a else aid,
                "outlet": outlet, "published": a.published if a else None,
                "byline": a.byline if a else None, "url": url}

    def article(self, aid: str) -> PageOut:
        src = f"articles/{aid}.md"
        self._start(src)
        a = self.site.articles[aid]
        sid = self.ix.article_story.get(aid)
        # No input file path here: readers get the original address; editors find
        # source_file in the article's YAML.
        meta = {
            "outlet": self.outlet_ctx(outlet_of(self.site, aid)),
            "published": a.published, "inferred": a.published_inferred, "dateline": a.dateline,
            "byline": a.byline, "credits": a.credits,
            "url": a.url if isinstance(a.url, str) and _HTTP.match(a.url) else None,
            "story_href": self.story_link(sid) if sid else None,
            "story_title": self.site.stories[sid].title if sid else None,
        }
        facts = [{"href": self.story_link(s, fact_anchor(f.id)), "text": f.text,
                  "story": self.site.stories[s].title,
                  "anchors": [{"href": f"#{cite_anchor(x.start, x.end)}"} for x in f.sources
                              if x.article == aid and (aid, x.start, x.end) not in self.ix.bad_sources]}
                 for s, f in self.ix.article_facts.get(aid, [])]
        return self._page("article", src, a.headline or aid, {
            "meta": meta, "paragraphs": text_paragraphs(a.text, self.ix.article_passages.get(aid, [])),
            "removed": a.removed, "dates": a.dates, "facts": facts,
            "quotes": [self.quote_ctx(q, s) for s, q in self.ix.article_quotes.get(aid, [])],
        }, self.site.sources.get(("article", aid)),
            search={"date": (a.published or "")[:10], "outlets": self.outlet_name(outlet_of(self.site, aid))})

    def entity(self, eid: str) -> PageOut:
        src = f"entities/{eid}.md"
        self._start(src)
        e = self.site.entities[eid]
        facts = [{"href": self.story_link(s, fact_anchor(f.id)), "text": f.text,
                  "story": self.site.stories[s].title, "anchors": []}
                 for s, f in self.ix.entity_facts.get(eid, [])]
        return self._page("entity", src, e.name, {
            "kind": e.kind, "aliases": ", ".join(e.aliases) if e.aliases else None,
            "stories": [self.story_item(s) for s in self.stories_sorted(self.ix.entity_stories.get(eid, []))],
            "facts": facts, "quotes": [self.quote_ctx(q, s) for s, q in self.ix.entity_quotes.get(eid, [])],
        }, self.site.sources.get(("entity", eid)), search={"about": _count(e.kind, len(self.ix.entity_stories.get(eid, [])), "story", "stories")})

    def outlet(self, name: str) -> PageOut:
        src = f"outlets/{self.ix.outlet_slug[name]}.md"
        self._start(src)
        outlet = self.outlet_ctx(name)
        title = f"Unnamed source: {outlet['name']}" if outlet["unnamed"] else outlet["name"]
        parts = self.ix.list_parts.get(("outlet", name))
        if parts is not None:   # too many to list: its articles by date, on pages of their own
            return self._page("outlet", src, title, {
                "outlet": outlet, "story_count": len(self.ix.outlet_stories.get(name, [])),
                "article_count": sum(p[1] for p in parts), "stories_href": self.url("stories/index.md"),
                "parts": self.parts_ctx(("outlet", name), parts)})
        stories = [self.story_item(s) for s in self.stories_sorted(self.ix.outlet_stories.get(name, []))]
        arts = [self.source_item(a) for a in sorted(self.ix.outlet_articles.get(name, []),
                                                    key=lambda a: self.site.articles[a].published or "",
                                                    reverse=True)]
        return self._page("outlet", src, title, {"stories": stories, "articles": arts, "outlet": outlet})

    # -- the lists of the whole corpus: one page, or an index of parts (see split_list)
    def part_uri(self, name, part: str) -> str:
        return _part_uri(name, part, self.ix.outlet_slug)

    def parts_ctx(self, name, parts: tuple) -> list[dict]:
        """The parts of a split list as nested links with their counts."""
        def row(part, count, children):
            return {"label": part_label(part), "count": count,
                    "href": None if children else self.url(self.part_uri(name, part)),
                    "children": [row(*c) for c in children or ()]}
        return [row(*p) for p in parts]

    def reported_before(self, date_value: Any, cards: list[Fact]) -> str | None:
        """The latest publication day of the articles `cards` cite when a timeline date
        comes after it: the line reports a plan, a schedule or a forecast ("... plans to
        expand its fleet by 1995", "the payment date is March 30, 1990"), so the page says
        the date was expected, and when that was reported, instead of placing it among
        the things that happened. Compared at the date's own precision, with two days'
        slack for time zones and datelines (as the date stage allows); None when no cited
        article has a publication date or the date is not after it."""
        days = [str(self.site.articles[src.article].published)[:10] for f in cards for src in f.sources
                if src.article in self.site.articles and self.site.articles[src.article].published]
        m = _DATE.match(str(date_value or ""))
        if not days or not m:
            return None
        last = max(days)
        pub = parse_published(last)
        if pub is None:
            return None
        y, mo, d = (int(x) if x else None for x in m.groups())
        if d and mo:
            try:
                ahead = dt.date(y, mo, d) > pub + dt.timedelta(days=2)
            except ValueError:
                return None
        else:
            ahead = (y, mo or 0) > (pub.year, pub.month if mo else 0)
        return last if ahead else None

    def timeline_item(self, sid: str, i: int) -> dict:
        s = self.site.stories[sid]
        t = s.timeline[i]
        cards = s.cited(t)
        numbers = {f.id: n for n, f in enumerate(s.facts, 1)}
        return {"date": t.date, "text": cards[0].text, "story": s.title, "story_href": self.story_link(sid),
                "expected": self.reported_before(t.date, cards),
                "facts": [{"n": numbers[f.id], "href": self.story_link(sid, fact_anchor(f.id))} for f in cards]}

    def entity_groups(self, ids: Iterable[str]) -> list:
        groups: dict[str, list[dict]] = {}
        for eid in ids:
            e = self.site.entities[eid]
            groups.setdefault(e.kind, []).append({"href": self.entity_link(eid), "name": e.name,
                                                  "count": len(self.ix.entity_stories.get(eid, []))})
        return sorted(groups.items())

    def _rows(self, name, ids: list) -> dict:
        """A page's rows of list `name` (the template's context)."""
        if name == "stories":
            return {"stories": [self.story_item(i) for i in ids]}
        if name == "timeline":
            return {"items": [self.timeline_item(sid, i) for sid, i in ids]}
        if name == "entities":
            return {"groups": self.entity_groups(ids)}
        return {"articles": [self.source_item(a) for a in ids]}

    def _list_index(self, name: str, src: str) -> PageOut:
        self._start(src)
        parts = self.ix.list_parts.get(name)
        ctx = {"parts": None, **self._rows(name, [])}
        if parts is None:
            ctx.update(self._rows(name, self.ix.lists.get((name, ""), [])))
        else:
            ctx["parts"] = self.parts_ctx(name, parts)
        return self._page(LIST_KIND[name], src, INDEX_TITLES[src], ctx)

    def stories_index(self) -> PageOut:
        return self._list_index("stories", "stories/index.md")

    def entities_index(self) -> PageOut:
        return self._list_index("entities", "entities/index.md")

    def timeline_page(self) -> PageOut:
        return self._list_index("timeline", "timeline.md")

    def list_part(self, rid: tuple) -> PageOut:
        """One page of a split list: only its own rows are read, so a new story re-renders
        the page of its date (and the list's index, for the counts), not the others."""
        name, part = rid
        src = self.part_uri(name, part)
        self._start(src)
        if isinstance(name, tuple):
            outlet = self.outlet_ctx(name[1])
            up, title = f"outlets/{self.ix.outlet_slug[name[1]]}.md", f"{outlet['name']}: {part_label(part)}"
        else:
            up = {"stories": "stories/index.md", "timeline": "timeline.md", "entities": "entities/index.md"}[name]
            title = f"{INDEX_TITLES[up]}: {part_label(part)}"
        before, after = self.ix.list_around[(name, part)]
        dates = name != "entities"
        ctx = {"what": name if isinstance(name, str) else "outlet", "up_href": self.url(up),
               "up": "All dates" if dates else "All names",
               "around": [{"rel": rel, "label": f"{word}: {part_label(p)}", "href": self.url(self.part_uri(name, p))}
                          for rel, word, p in (("prev", "Newer" if dates else "Previous", before),
                                               ("next", "Older" if dates else "Next", after)) if p],
               **self._rows(name, self.ix.lists[(name, part)])}
        return self._page("part", src, title, ctx)

    def outlets_index(self) -> PageOut:
        self._start("outlets/index.md")
        items = [{"href": self.outlet_link(o), "name": self.outlet_name(o),
                  "unnamed": self.outlet_ctx(o)["unnamed"], "stories": len(self.ix.outlet_stories.get(o, [])),
                  "articles": len(self.ix.outlet_articles.get(o, []))} for o in self.ix.outlet_slug]
        return self._page("outlets", "outlets/index.md", "Outlets", {"outlets": items})

    def all_pages(self, defer=None) -> list[PageOut]:
        """Every page. With a PageMemo, `defer(src_uri)` true for a page that must be
        gathered again lets it be given as it was for now (listed in `deferred`); the next
        build gathers it again whatever changes (`mkdocs serve` shows an edited card's own
        pages first, then the corpus-wide lists)."""
        self.stale = self.memo.stale(self.raw) if isinstance(self.memo, PageMemo) else None
        pages = []
        for kind, rid, src in page_jobs(self):
            if self.memo is not None:
                out = self._unchanged(src)
                if out is None and defer is not None and self.stale is not None and defer(src):
                    out = self._deferred(src)
                if out is not None:
                    pages.append(out)
                    continue
            # a card the schema let through with an odd value must not stop `mkdocs serve`
            try:
                pages.append(render_job(self, kind, rid))
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                if self.memo is not None:   # gathered again next build, whatever changes
                    self.memo.pop(src, None)
                self.site.problems.append(Problem(self.raw["sources"].get((kind, rid), rid),
                                                  f"cannot render this {kind}: {exc!r} (page skipped)", 1))
        if isinstance(self.memo, PageMemo):
            self.memo.done(self.raw, self.deferred)
        return pages


# ---------------------------------------------------------------- one page at a time
INDEX_TITLES = {"stories/index.md": "Stories", "entities/index.md": "Entities", "outlets/index.md": "Outlets",
                "timeline.md": "Timeline"}
LIST_KIND = {"stories": "stories", "timeline": "timeline", "entities": "entities"}   # list -> its index's template


def _part_uri(name, part: str, outlet_slug) -> str:
    """The page of one part of a split list: stories/by-date/1987-03.md, timeline/1987-03.md,
    entities/by-name/c.md, outlets/<outlet>/1987-03.md (no record id holds a "/", so none
    of these is a record's page)."""
    if isinstance(name, tuple):
        return f"outlets/{outlet_slug[name[1]]}/{part}.md"
    return {"stories": "stories/by-date/", "timeline": "timeline/", "entities": "entities/by-name/"}[name] + f"{part}.md"


def page_jobs(r: "Renderer") -> list[tuple[str, str, str]]:
    """(kind, record id, src_uri) of every page, in all_pages' order, without rendering any:
    a build that renders each page only when MkDocs writes it (see mkdocs_plugin) lists
    them first. `r` tracks reads (made with a `memo`); this reads the untracked data."""
    ix = r.raw["outlet_slug"]
    jobs = [("home", "index.md", "index.md")] + [("index", u, u) for u in INDEX_TITLES]
    jobs += [("story", s, f"stories/{s}.md") for s in sorted(r.raw["stories"])]
    jobs += [("article", a, f"articles/{a}.md") for a in sorted(r.raw["articles"])]
    jobs += [("entity", e, f"entities/{e}.md") for e in sorted(r.raw["entity_pages"])]
    jobs += [("outlet", o, f"outlets/{ix[o]}.md") for o in ix]
    lists = r.raw["lists"]
    # the parts in the order of the list's index (lists keys are made in that order)
    jobs += [("part", key, _part_uri(key[0], key[1], ix)) for key in lists if key[1] != ""]
    return jobs


def page_title(r: "Renderer", kind: str, rid: str) -> str:
    """The front matter title the page of (kind, rid) gets (`PageOut.meta["title"]`),
    without rendering it."""
    if kind == "home":
        title = r.settings.title
    elif kind == "index":
        title = INDEX_TITLES[rid]
    elif kind == "story":
        title = r.raw["stories"][rid].title
    elif kind == "article":
        a = r.raw["articles"][rid]
        title = a.headline or rid
    elif kind == "entity":
        title = r.raw["entities"][rid][0]   # the view: (name, kind, aliases)
    elif kind == "part":
        name, part = rid
        if isinstance(name, tuple):
            title = f"{r.outlet_ctx(name[1])['name']}: {part_label(part)}"
        else:
            up = {"stories": "stories/index.md", "timeline": "timeline.md", "entities": "entities/index.md"}[name]
            title = f"{INDEX_TITLES[up]}: {part_label(part)}"
    else:
        outlet = r.outlet_ctx(rid)
        title = f"Unnamed source: {outlet['name']}" if outlet["unnamed"] else outlet["name"]
    return _printable(safe_title(title))


def render_job(r: "Renderer", kind: str, rid: str) -> PageOut:
    """The page of one job of page_jobs (exceptions as all_pages catches them propagate)."""
    if kind == "home":
        return r.home()
    if kind == "index":
        return {"stories/index.md": r.stories_index, "entities/index.md": r.entities_index,
                "outlets/index.md": r.outlets_index, "timeline.md": r.timeline_page}[rid]()
    return {"story": r.story, "article": r.article, "entity": r.entity, "outlet": r.outlet,
            "part": r.list_part}[kind](rid)


def render_pages(site: SiteData, settings: SiteSettings | None = None, *, directory_urls: bool = True,
                 theme_dir: Path | str = THEME_DIR) -> list[PageOut]:
    """Every page of the digest, in a stable order."""
    return Renderer(site, settings, directory_urls=directory_urls, theme_dir=theme_dir).all_pages()
