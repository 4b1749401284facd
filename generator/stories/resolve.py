"""Resolve stage: quotes, entities and dates for one story (issue 4).

Works from the per-article `Analysis` only (no spaCy here):

- entities: the story's NER mentions and quote speakers, merged by
  `generator.nlp.entities` rules; fact cards and quotes list the ids of the entities
  mentioned inside their source excerpts. Before that, each mention is read in its
  article: an outlet credited in a dateline or credit line is furniture and dropped,
  an outlet's name elsewhere is an organisation whatever spaCy said, and a person's
  name spaCy cut short ("Chol" of "Ri Pyong Chol") is grown over the capitalised
  given names before it.
- quotes: the articles' QuoteMentions grouped into one `Quote` per remark. Two
  mentions are the same remark when their words match after normalising quote marks,
  case and white space, or when one (of at least six words) is contained in the
  other. Each outlet is cited with its own verbatim excerpt; the card text is the
  longest of them. A different translation has different words: a separate quote.
  The id is `q-` + 8 hex of a hash of the card text (stable across runs).
- dates: a fact card gets the most precise date mentioned inside its excerpts, not
  counting a dateline's date nor one in a photo caption, a credit line or the title of
  a work ("the novel 1984"); the story gets a timeline, oldest first, of the cards
  whose own text states their date (the line shown is the card text).

Story fields made by the extract stage are kept as they are; only `quotes`,
`timeline` and the facts' `entities`/`date` are filled in.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace

from generator.config import ResolveSettings
from generator.nlp import dates, lexicon
from generator.nlp.entities import TITLE_WORDS, EntityIndex, key, merge_all
from generator.records import (Analysis, Article, DateMention, Entity, Fact, Mention, Quote, QuoteMention,
                               SourceRef, Story, TimelineItem)
from generator.stories.extract.sentences import page_matter




_QUOTE_MARKS = str.maketrans({c: "" for c in "\"“”„«»‘’'`"})


def normalise_quote(text: str) -> str:
    t = text.translate(_QUOTE_MARKS).lower()
    t = re.sub(r"[^\w\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def quote_id(text: str) -> str:
    return "q-" + hashlib.sha1(normalise_quote(text).encode("utf-8")).hexdigest()[:8]


# A speaker name ending in an institution's head noun is an organisation.
_ORG_LABEL_HEADS = lexicon.word_set("org_heads", "label")


def _speaker_label(name: str) -> str:
    last = name.split()[-1].lower() if name.split() else ""
    return "ORG" if last in _ORG_LABEL_HEADS else "PERSON"


# Words that can open a sentence in capitals but never start a person's name.
_NOT_NAME_WORDS = lexicon.words("not_name_words")
# A given name: "Pyong", "Jean-Pierre", "Jong-un"; not "Liberty-based".
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:-(?:[A-Z][a-z]+|[a-z]{1,3}))?")


def person_span(article: Article, m: Mention, taken: list[tuple[int, int]] = ()) -> tuple[int, int]:
    """The PERSON mention's span grown leftwards over the capitalised given names spaCy
    cut off ("Ri Pyong Chol" tagged as just "Chol"): at most three plain name words on
    the same line, no function, title or calendar word, none inside another mention.
    Only a one-word mention is grown: a name spaCy found whole is left as it is."""
    start = m.start
    if " " in m.text.strip():
        return start, m.end  # spaCy found a full name: only a lone fragment is grown
    for _ in range(3):
        word = re.search(r"(\S+) $", article.text[max(0, start - 30):start])
        if not word or not _NAME_WORD.fullmatch(word.group(1)):
            break
        w_start = start - len(word.group(0))
        low = word.group(1).lower()
        if low in _NOT_NAME_WORDS or low in TITLE_WORDS or any(a < start and w_start < b for a, b in taken):
            break
        # A word the article also writes in lower case is a common word ("Analyst",
        # "Both" opening a sentence), not a given name.
        if re.search(rf"(?<![\w-]){re.escape(low)}(?![\w-])", article.text):
            break
        start = w_start
    return start, m.end


def _outlet_keys(members: list[tuple[Article, Analysis]]) -> set[str]:
    keys = set()
    for article, _ in members:
        for name in [article.outlet, *article.credits]:
            if name:
                keys.add(key(name))
    return keys


def _is_credit(article: Article, m: Mention, outlets: set[str]) -> bool:
    """An outlet credited in a dateline or credit line ("Lima, Dec 27 (Agency)",
    "OSLO (agency)-", "(Wire Service) –", "(AFP, dpa)") is page furniture, not something
    the story mentions."""
    text = article.text
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end < 0 else line_end
    if key(m.text) in outlets and line_end - line_start < 80:
        return True  # a credit line of its own
    opened, closed = text.rfind("(", line_start, m.start), text.find(")", m.end, line_end)
    if opened < 0 or closed < 0 or text.rfind(")", line_start, m.start) > opened:
        return False
    inside, before = text[opened + 1:closed], text[line_start:opened].strip(" ,")
    if len(inside) > 40 or not re.fullmatch(r"[\w .&/,-]+", inside):
        return False
    # Only a dateline's shape before it (nothing, a place in capitals, or a date) and
    # the story running on after it: a line holding only "(Some Company Inc)" is content.
    dateline = not before or before.isupper() or (len(before) < 40 and before[-1:].isdigit())
    runs_on = bool(text[closed + 1:line_end].strip(" -–—:"))
    return (dateline and runs_on) or key(m.text) in outlets


def mention_names(article: Article, analysis: Analysis,
                  outlets: set[str]) -> list[tuple[Mention, str, str]]:
    """(mention, name, label) for every mention that names something: credits dropped,
    an outlet's name labelled an organisation, cut-off person names made whole."""
    spans = [(m.start, m.end) for m in analysis.mentions]
    out = []
    # A dateline the cleaner left at the text's start ("GAZA/JERUSALEM Israel's cabinet
    # ..."): a name the tagger ran across its end ("JERUSALEM Israel", a "person") is
    # its error, neither the place nor the name after it.
    lead = len(article.dateline) if article.dateline and article.text.startswith(article.dateline) else 0
    for m in analysis.mentions:
        if _is_credit(article, m, outlets) or m.start < lead < m.end:
            continue
        name, label = m.text, m.label
        if key(name) in outlets:
            label = "ORG"
        elif article.dateline and key(name) in (key(article.dateline), key(article.dateline.split(",")[0])):
            label = "GPE"  # the dateline names the place the story was filed from
        elif label == "PERSON" and article.text[m.start:m.end] == m.text:
            start, _ = person_span(article, m, spans)
            name = article.text[start:m.end]
        out.append((m, name, label))
    return out


def _known_label(analysis: Analysis, q: QuoteMention) -> str | None:
    """The NER label of the speaker's own span, when spaCy tagged it."""
    if q.speaker_start is None:
        return None
    for m in analysis.mentions:
        if m.start <= q.speaker_start and q.speaker_end <= m.end and \
                m.text.lower().removeprefix("the ").strip() == q.speaker_name.lower().strip():
            return m.label
    return None


def build_entities(story_id: str | None, members: list[tuple[Article, Analysis]]) -> tuple[EntityIndex, list[Entity]]:
    index = EntityIndex()
    outlets = _outlet_keys(members)
    for article, analysis in members:
        index.note_text(article.text)
        index.named[article.id] = mention_names(article, analysis, outlets)
        for _, name, label in index.named[article.id]:
            index.add(name, label)
        for q in analysis.quotes:
            if q.speaker_name:
                index.add(q.speaker_name, _known_label(analysis, q) or _speaker_label(q.speaker_name))
    return index, index.build(story_id)


def _entities_in(index: EntityIndex, article: Article, analysis: Analysis, start: int, end: int) -> list[str]:
    ids = []
    named = index.named.get(article.id)
    if named is None:
        named = index.named[article.id] = mention_names(article, analysis, set())
    for m, name, label in named:
        if start <= m.start and m.end <= end:
            eid = index.id_of(name, label)
            if eid and eid not in ids:
                ids.append(eid)
    return ids


def _same_remark(a: str, b: str, min_words: int) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short.split()) >= min_words and f" {short} " in f" {long_} "


def members_order(members: list[tuple[Article, Analysis]], article_id: str) -> int:
    for n, (a, _) in enumerate(members):
        if a.id == article_id:
            return n
    return len(members)


def group_quotes(members: list[tuple[Article, Analysis]], index: EntityIndex,
                 settings: ResolveSettings) -> list[Quote]:
    groups: list[list[tuple[Article, Analysis, QuoteMention, str]]] = []
    for article, analysis in members:
        for q in analysis.quotes:
            if article.text[q.start:q.end] != q.text:
                continue  # never cite words that are not in the article as written
            norm = normalise_quote(q.text)
            if not norm:
                continue
            for g in groups:
                if any(_same_remark(norm, other[3], settings.min_contained_words) for other in g):
                    g.append((article, analysis, q, norm))
                    break
            else:
                groups.append([(article, analysis, q, norm)])

    quotes = []
    for g in groups:
        card = max(g, key=lambda m: (len(m[3]), -members_order(members, m[0].id), -m[2].start))
        speakers = Counter()
        names: dict[str, str] = {}
        for article, analysis, q, _ in g:
            if q.speaker_name:
                eid = index.id_of(q.speaker_name, _known_label(analysis, q) or _speaker_label(q.speaker_name))
                k = eid or q.speaker_name
                speakers[k] += 1
                # The fullest name used for this speaker is the one shown.
                if len(q.speaker_name) > len(names.get(k, "")):
                    names[k] = q.speaker_name
        speaker = speaker_name = None
        if speakers:
            best = sorted(speakers, key=lambda k: (-speakers[k], k not in index.ids(), k))[0]
            speaker = best if best in index.ids() else None
            speaker_name = index.name_of(best) or names[best]
        sources, seen, ents = [], set(), []
        for article, analysis, q, _ in g:
            if (article.id, q.start) in seen:
                continue
            seen.add((article.id, q.start))
            sources.append(SourceRef(article=article.id, excerpt=q.text, start=q.start, end=q.end))
            for eid in _entities_in(index, article, analysis, q.start, q.end):
                if eid not in ents:
                    ents.append(eid)
        sources.sort(key=lambda s: (members_order(members, s.article), s.start))
        quotes.append(Quote(id=quote_id(card[2].text), speaker=speaker, speaker_name=speaker_name,
                            text=card[2].text, sources=sources, entities=sorted(ents)))
    quotes.sort(key=lambda q: (members_order(members, q.sources[0].article), q.sources[0].start))
    # Two different remarks cannot share an id: make a clash unique, deterministically.
    seen_ids: Counter = Counter()
    for q in quotes:
        seen_ids[q.id] += 1
        if seen_ids[q.id] > 1:
            q.id = f"{q.id}-{seen_ids[q.id]}"
    return quotes


_DATELINE_AFTER = re.compile(r"^\s*(\(|[-–—]\s|\s*$)")
_PRECISION = {10: 3, 7: 2, 4: 1}


def _is_dateline(article: Article, d: DateMention) -> bool:
    """'Lima, Dec 27 (Agency)', 'Publish Date: ...': the article's own date, not an event's."""
    line_start = article.text.rfind("\n", 0, d.start) + 1
    before = article.text[line_start:d.start]
    after = article.text[d.end:d.end + 4]
    if re.search(r"(date|updated|published|posted)\b\W*$", before, re.I):
        return True
    return len(before) < 40 and bool(_DATELINE_AFTER.match(after)) and not re.search(r"\b(on|in|since|by)\s*$", before)


DatesOf = dict[str, list[DateMention]]


def story_dates(article: Article, analysis: Analysis) -> list[DateMention]:
    """The article's date mentions that can date a fact: not its dateline's, nor one in
    a photo caption, a credit line or the title of a work (`dates.not_story_spans`),
    nor one naming another thing or bounding a period ("the 2012 conviction", "between
    2010 and 2016": `dates.is_event_date`), nor one in a clause that states background
    to its sentence's fact (`Analysis.background_dates`)."""
    spans = dates.not_story_spans(article.text, analysis.sentences, analysis.mentions)
    background = set(map(tuple, getattr(analysis, "background_dates", None) or ()))
    return [d for d in dates.story_dates(analysis.dates or article.dates, spans, article.text)
            if not _is_dateline(article, d) and (d.start, d.end) not in background]


def _dates_of(by_article: dict[str, tuple[Article, Analysis]], dates_of: DatesOf | None,
              article_id: str) -> list[DateMention]:
    if dates_of is None:
        dates_of = {}
    if article_id not in dates_of:
        article, analysis = by_article[article_id]
        dates_of[article_id] = story_dates(article, analysis)
    return dates_of[article_id]


def fact_dates(fact: Fact, by_article: dict[str, tuple[Article, Analysis]],
               dates_of: DatesOf | None = None) -> list[tuple[str, SourceRef]]:
    """Distinct event dates inside a fact's excerpts, most precise first, each with
    the source that states it; a month or year already covered by a day is dropped."""
    found: dict[str, tuple[tuple, SourceRef]] = {}
    for n, src in enumerate(fact.sources):
        if src.article not in by_article:
            continue
        for d in _dates_of(by_article, dates_of, src.article):
            if src.start <= d.start and d.end <= src.end:
                rank = (-_PRECISION.get(len(d.value), 0), n, d.start)
                if d.value not in found or rank < found[d.value][0]:
                    found[d.value] = (rank, src)
    values = [v for v in found if not any(o != v and o.startswith(v) for o in found)]
    values.sort(key=lambda v: found[v][0])
    return [(v, found[v][1]) for v in values]


def fact_date(fact: Fact, by_article: dict[str, tuple[Article, Analysis]],
              dates_of: DatesOf | None = None) -> str | None:
    found = fact_dates(fact, by_article, dates_of)
    return found[0][0] if found else None


def _text_span(fact: Fact) -> tuple[SourceRef, int, int] | None:
    """Where the card's own text stands: (source, start, end) of fact.text inside the
    first excerpt holding it (the card text is one of its excerpts, or a trimmed span
    of one)."""
    for src in fact.sources:
        i = src.excerpt.find(fact.text) if fact.text else -1
        if i >= 0:
            return src, src.start + i, src.start + i + len(fact.text)
    return None


def text_date(fact: Fact, by_article: dict[str, tuple[Article, Analysis]],
              dates_of: DatesOf | None = None) -> str | None:
    """The date the card's own text states, as `fact_dates` ranks them, or None when the
    text states none (the date is only in another outlet's excerpt, or nowhere)."""
    span = _text_span(fact)
    if span is None or span[0].article not in by_article:
        return None
    src, start, end = span
    inside = [d for d in _dates_of(by_article, dates_of, src.article) if start <= d.start and d.end <= end]
    if not inside:
        return None
    only = replace(fact, sources=[SourceRef(src.article, src.excerpt, src.start, src.end)])
    values = [v for v, _ in fact_dates(only, by_article, {src.article: inside})]
    return values[0] if values else None


def build_timeline(facts: list[Fact], by_article: dict[str, tuple[Article, Analysis]],
                   dates_of: DatesOf | None = None) -> list[TimelineItem]:
    """One item per fact, oldest first, citing the cards by id; the site shows the first
    card's current text, so an item is only made for a card whose own text states the
    date (its most precise one: the other dates in a sentence are other events it
    mentions, "...sanctions on Friday, after the November 29 test", and listing the
    card under each would show one line on several dates).

    A card whose text states no date joins the item of another card at the same date
    whose text is the sentence that dates it (one outlet's sentence cited by two
    cards): one item citing both, not a repeated line. Two cards with the same text
    are one fact: the first dated one places it, the other joins it.
    """
    dates_of = {} if dates_of is None else dates_of
    # A photo caption or page furniture by its wording (a contributor's line "Jane Roe
    # reports for Channel 9 at 5 on Saturday, Aug. 11, 2018") is no event of the story:
    # its date is the picture's or the broadcast's.
    facts = [f for f in facts if not page_matter(f.text)]
    items: dict[tuple[str, str], tuple[int, TimelineItem]] = {}
    by_text: dict[str, tuple[str, str]] = {}
    pending: list[Fact] = []
    for n, fact in enumerate(facts):
        value = text_date(fact, by_article, dates_of)
        if value is None:
            pending.append(fact)
            continue
        k = by_text.get(fact.text, (value, fact.text))
        if k in items:
            if fact.id not in items[k][1].facts:
                items[k][1].facts.append(fact.id)
        else:
            items[k] = (n, TimelineItem(date=value, facts=[fact.id]))
            by_text[fact.text] = k
    for fact in pending:
        for value, src in fact_dates(fact, by_article, dates_of)[:1]:
            k = by_text.get(src.excerpt)
            if k is not None and k[0] == value and fact.id not in items[k][1].facts:
                items[k][1].facts.append(fact.id)
    return [item for _, (_, item) in sorted(items.items(), key=lambda kv: (kv[0][0], kv[1][0]))]


def resolve_story(story: Story, members: list[tuple[Article, Analysis]],
                  settings: ResolveSettings | None = None) -> tuple[Story, list[Entity]]:
    """Adds quotes, entity ids on facts/quotes, fact dates and the timeline."""
    settings = settings or ResolveSettings()
    index, entities = build_entities(story.id, members)
    by_article = {a.id: (a, an) for a, an in members}
    dates_of: DatesOf = {}

    facts = []
    for fact in story.facts:
        ents = list(fact.entities)
        for src in fact.sources:
            pair = by_article.get(src.article)
            if pair:
                for eid in _entities_in(index, pair[0], pair[1], src.start, src.end):
                    if eid not in ents:
                        ents.append(eid)
        date = fact.date
        if date is None and settings.date_facts:
            # The date the card's own text states first: what a reader sees beside it.
            date = text_date(fact, by_article, dates_of) or fact_date(fact, by_article, dates_of)
        facts.append(replace(fact, entities=sorted(ents), date=date))

    quotes = group_quotes(members, index, settings)
    timeline = list(story.timeline)
    if not timeline and settings.date_facts:
        timeline = build_timeline(facts, by_article, dates_of)
    return replace(story, facts=facts, quotes=quotes, timeline=timeline), entities


def merge_entities(per_story: list[list[Entity]]) -> list[Entity]:
    """One Entity per id across all stories (aliases and stories united)."""
    return merge_all(per_story)
