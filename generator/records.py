"""Plain typed records that flow between the pipeline stages.

Every record that ends up in `content/` has `to_dict()` giving the YAML mapping in
the documented key order, and `from_dict()` reading it back. These field names are
a contract with editors, the site and the tests (see README "Content format").
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    # Exact-type checks first: this runs for every value of every record written.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [_plain(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


class _Record:
    """Mixin: dict conversion in declared field order."""

    def to_dict(self) -> dict:
        names = _FIELD_NAMES.get(type(self))
        if names is None:  # dataclasses.fields() is slow enough to matter at 50,000 records
            names = _FIELD_NAMES[type(self)] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        return {name: _plain(getattr(self, name)) for name in names}

    @classmethod
    def from_dict(cls, data: dict):
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in known})


# ---------------------------------------------------------------- reading
@dataclass
class RawArticle(_Record):
    """One article as read from an input file, before cleaning."""

    source_file: str               # path of the input file, relative to the project when possible
    text: str                      # raw text (for HTML: the body trafilatura extracted)
    format: str = "txt"            # txt | html | jsonl
    line: int | None = None        # line number inside a .jsonl file
    id: str | None = None          # id given by the input (jsonl)
    title: str | None = None       # headline given by the input (jsonl, html metadata)
    url: str | None = None
    outlet: str | None = None
    published: str | None = None   # as given by the input, ISO when possible
    content_hash: str = ""         # sha256 of everything above that affects the output


# ---------------------------------------------------------------- articles
@dataclass
class Removed(_Record):
    line: str
    reason: str                    # furniture | pattern:<name> | recurring | shape | repeated | ...


@dataclass
class DateMention(_Record):
    text: str                      # verbatim: article.text[start:end] == text
    value: str                     # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    start: int
    end: int


@dataclass
class Article(_Record):
    id: str
    source_file: str
    outlet: str | None
    headline: str | None
    published: str | None          # ISO date or datetime
    published_inferred: bool
    dateline: str | None
    byline: str | None
    credits: list[str]
    text: str                      # cleaned body, paragraphs separated by one blank line
    removed: list[Removed] = field(default_factory=list)
    url: str | None = None
    story: str | None = None
    dates: list[DateMention] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> "Article":
        data = dict(data)
        data["removed"] = [Removed.from_dict(r) for r in data.get("removed") or []]
        data["dates"] = [DateMention.from_dict(d) for d in data.get("dates") or []]
        data.setdefault("credits", [])
        return super().from_dict(data)


# ---------------------------------------------------------------- NLP analysis
@dataclass
class Mention(_Record):
    """A named-entity mention found by spaCy: text == article.text[start:end]."""

    text: str
    label: str                     # spaCy label: PERSON, ORG, GPE, LOC, NORP, ...
    start: int
    end: int


@dataclass
class QuoteMention(_Record):
    """A direct quote inside one article. text == article.text[start:end] (no quote marks)."""

    text: str
    start: int
    end: int
    speaker_name: str | None       # as written in the article, None when unknown
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None         # said, told, added, according to, ...


@dataclass
class Analysis(_Record):
    """Everything the per-article NLP stage learns; cached by content hash.

    Offsets all point into the cleaned `Article.text`.
    """

    article_id: str
    sentences: list[tuple[int, int]]
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[QuoteMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    # Subjects that lean on an earlier sentence: (start, end, kind) of a personal
    # pronoun ("he", "they", "we"; kind is the pronoun) or a definite noun phrase with no
    # name in it ("the network"; kind "definite") that is some clause's subject and has
    # no antecedent before it in its sentence. Read by the stand-alone check of card texts.
    references: list[tuple[int, int, str]] = field(default_factory=list)
    # Who did what to whom: (start, end, role) of predicates and their doers and
    # objects, lower case inside a background clause (see `nlp.analyze.frames`). Read by
    # the same-fact check of a card's supports.
    frames: list[tuple[int, int, str]] = field(default_factory=list)
    # Names in the headline (offsets into the headline as parsed: an all-capitals one
    # recased), found only for a text that names nothing but its dateline's place (a
    # figure-table brief). Read by the shared-name guard of grouping.
    headline_mentions: list[Mention] = field(default_factory=list)
    # Dates (start, end) inside a clause that states background to its sentence's fact
    # ("..., who did the hike in 2003", "when she died in 2009, ...": see
    # `nlp.analyze.background_dates`): they date no card. None for an analysis made
    # before they were recorded.
    background_dates: list[tuple[int, int]] | None = None


# ---------------------------------------------------------------- stories
@dataclass
class SourceRef(_Record):
    article: str
    excerpt: str                   # invariant: articles[article].text[start:end] == excerpt
    start: int
    end: int


@dataclass
class Fact(_Record):
    id: str
    text: str
    kind: str                      # event | statement | figure | background
    sources: list[SourceRef]
    entities: list[str] = field(default_factory=list)
    date: str | None = None
    # Sentences of other outlets that state this fact with other figures ("$2.5bn" vs
    # "$2.9 billion"): shown as "outlets differ", never counted as support.
    differs: list[SourceRef] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = super().to_dict()
        if not data["differs"]:
            del data["differs"]  # the usual case: story files stay as they were
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Fact":
        data = dict(data)
        data["sources"] = [SourceRef.from_dict(s) for s in data.get("sources") or []]
        data["differs"] = [SourceRef.from_dict(s) for s in data.get("differs") or []]
        return super().from_dict(data)


@dataclass
class Quote(_Record):
    id: str
    speaker: str | None            # entity id
    speaker_name: str | None
    text: str                      # verbatim, no quote marks
    sources: list[SourceRef]
    entities: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> "Quote":
        data = dict(data)
        data["sources"] = [SourceRef.from_dict(s) for s in data.get("sources") or []]
        return super().from_dict(data)


# Summary and timeline items reference fact cards by id and hold no copy of their text:
# every page, feed and search record shows the card's current text (an editor's fix to
# a card reaches them all), and an item whose cards are all hidden is not shown.
@dataclass
class SummaryItem(_Record):
    facts: list[str]


@dataclass
class TimelineItem(_Record):
    date: str
    facts: list[str]


@dataclass
class Story(_Record):
    id: str
    title: str
    date: str | None               # first publication among its articles
    articles: list[str]
    outlets: list[str]
    single_source: bool
    summary: list[SummaryItem]
    facts: list[Fact]
    quotes: list[Quote] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> "Story":
        data = dict(data)
        data["summary"] = [SummaryItem.from_dict(s) for s in data.get("summary") or []]
        data["facts"] = [Fact.from_dict(f) for f in data.get("facts") or []]
        data["quotes"] = [Quote.from_dict(q) for q in data.get("quotes") or []]
        data["timeline"] = [TimelineItem.from_dict(t) for t in data.get("timeline") or []]
        return super().from_dict(data)

    def cited(self, item: SummaryItem | TimelineItem) -> list[Fact]:
        """The fact cards a summary or timeline item shows, in its order: those the story
        has (a reader that drops hidden cards first gets only the visible ones)."""
        by_id = {f.id: f for f in self.facts}
        return [by_id[fid] for fid in item.facts if fid in by_id]

    def summary_sentences(self) -> list[str]:
        """The summary as read: each item's first shown card's text."""
        return [cards[0].text for cards in map(self.cited, self.summary) if cards]


@dataclass
class Entity(_Record):
    id: str
    name: str
    kind: str                      # person | org | place | other
    aliases: list[str]
    stories: list[str]
