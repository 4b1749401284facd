"""Sentence filtering: which of an article's sentences may stand on a fact card.

An article's sentences (from the analyze stage) become reading units (a quoted remark
the splitter cut in several sentences is one unit, so its card names the speaker),
and only complete, clean units are kept: no teaser, caption, menu or cut-off line.
Each kept `Sentence` carries what alignment compares: its overlap signals (entities,
numbers, dates) and its weighted core terms (see `generator.nlp.terms`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.config import ExtractSettings
from generator.nlp.datelines import dateline_end
from generator.nlp.terms import (FRAMING, OPEN_QUOTES, background_terms, core_terms, mention_term, name_terms,
                                 normalise, surname_term, words)
from generator.records import Analysis, Article
from generator.stories.group import number_tokens


@dataclass
class Sentence:
    article: int            # index into the story's members
    start: int
    end: int
    text: str
    position: float         # 0 = first sentence of its article, 1 = last
    signals: frozenset[str]
    core: dict[str, float] = field(default_factory=dict)  # term -> weight factor (1 or attribution)
    names: frozenset[str] = frozenset()  # core terms that name who/where (people, bodies, places, roles)
    fragment: bool = False  # a piece of a longer quote: its quote marks do not balance
    background: frozenset[str] = frozenset()  # core terms only stated in a relative clause
    # Who takes part, as core terms: people named (their surname), the people named in
    # the attribution and whom they told ("X told Y"), and the speakers the quote stage
    # found for the quotes in it (a "..., he added" sentence has its speaker from the one
    # before).
    persons: frozenset[str] = frozenset()
    attributed: frozenset[str] = frozenset()
    speakers: frozenset[str] = frozenset()
    bodies: frozenset[str] = frozenset()  # organisations named (last word of the name)


_END = re.compile(r"[.!?][\"'\u201d\u2019\u00bb)\]]*$")
JUNK = re.compile(r"https?://|www\.|\bskip to\b|\bcookies?\b|\bnewsletter\b|\bsubscribe\b|"
                   r"\bad ?block|\bclick here\b|\ball rights reserved\b|\u00a9|\bcomments?\b:|"
                   r"\bread more\b|\bshare (?:this|on)\b|\bfollow us\b|\bsign up\b", re.I)
# Wire-photo captions ("FILE - This 2013 photo released by ...", "(AP Photo/...)"): the
# picture's description, not the story's facts.
CAPTION = re.compile(r"\bFILE\s+[-\u2013\u2014]\s|\bAP Photo\b|\b(?:photo|image|picture)s?\s+(?:released|provided|"
                      r"taken|distributed)\s+by\b|"
                      # "..., speaks to the media in Belfast, Thursday, May 1, 2014." (a caption's dateline)
                      r",\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{1,2},?\s+"
                      r"(?:19|20)\d\d\W*$")
# "... told Reuters", "told The Daily Post": whom the speaker told is part of the claim.
_TOLD = re.compile(r"\btold\s+(?:[Tt]he\s+)?([A-Z][\w&.'\u2019-]*(?:\s+[A-Z][\w&.'\u2019-]*)*)")
# Dangling openers: the sentence leans on one before it.
_DANGLING = re.compile(r"^(?:he|she|they|it|this|that|these|those|his|her|their|its|but|and|also|"
                       r"however|meanwhile|still|yet|so|then|there)\b", re.I)
# A quote closed by a pronoun attribution ('..., he added.') is a fragment of a longer report.
_PRONOUN_ATTRIBUTION = re.compile(r"[\"\u201d'\u2019]\s*,?\s*(?:he|she|they|it)\s+\w+\s*\.?$", re.I)


def is_fragment(text: str) -> bool:
    """A piece of a longer quote: a quote mark opens or closes with no partner in it."""
    return text.count("\"") % 2 == 1 or text.count("\u201c") != text.count("\u201d")


def is_clean_sentence(text: str, settings: ExtractSettings) -> bool:
    """A complete sentence fit to stand on a card: no teaser, caption, menu or fragment."""
    n = len(words(text))
    if n < settings.min_words or n > settings.max_words:
        return False
    if not _END.search(text):
        return False  # headlines, captions and cut-off lines have no final stop
    first = text.lstrip(OPEN_QUOTES)[:1]
    if not (first.isupper() or first.isdigit()):
        return False  # starts mid-sentence
    if JUNK.search(text) or CAPTION.search(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text)


def clarity(text: str) -> float:
    """Higher is clearer: complete, self-contained, a comfortable length."""
    score = 1.0
    n = len(words(text))
    if _DANGLING.match(text.lstrip(OPEN_QUOTES)):
        score -= 0.5
    if _PRONOUN_ATTRIBUTION.search(text):
        score -= 0.5
    if FRAMING.match(text):
        score -= 0.3  # "The move comes as ...": its subject points back to an earlier report
    if text[:1] in OPEN_QUOTES:
        score -= 0.2  # opens with a quote: the speaker comes late or not at all
    if is_fragment(text):
        score -= 0.4  # unbalanced quote marks: a piece of a longer quote
    if n < 12:
        score -= 0.3 * (12 - n) / 12
    elif n > 40:
        score -= 0.3 * min(1.0, (n - 40) / 20)
    return score


def _opens_quote(piece: str) -> bool:
    """A quote opens in `piece` and does not close in it."""
    if piece.count("\u201c") > piece.count("\u201d"):
        return True
    if piece.count("\"") % 2:
        i = piece.rfind("\"")
        return i == 0 or not piece[i - 1].isalnum() and piece[i - 1] not in ".,!?;:"
    return False


def _close_quote(text: str, start: int, end: int) -> int:
    """Take in a closing quote mark the sentence splitter left outside ('... "obvious.' + '"')."""
    piece = text[start:end]
    if end < len(text) and text[end] in "\"\u201d\u2019" and (
            piece.count("\"") % 2 == 1 or piece.count("\u201c") > piece.count("\u201d")):
        return end + 1
    return end


def quote_units(text: str, spans: list[tuple[int, int]], max_words: int,
                limit: int = 3) -> list[tuple[int, tuple[int, int]]]:
    """(index of first sentence, span) of each reading unit of an article.

    A quoted remark of several sentences is one unit ('"You can't ... will. It is
    impossible," the minister told reporters.'): cut at the splitter's sentence ends, its pieces
    are fragments, one lacking its speaker, the other its opening. Up to `limit`
    sentences of one paragraph join while a quote stays open; a unit that never
    closes, or grows past `max_words`, falls back to single sentences."""
    out: list[tuple[int, tuple[int, int]]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        end = _close_quote(text, start, end)
        j = i
        while _opens_quote(text[start:end]) and j + 1 < len(spans) and j + 1 - i < limit:
            nxt_start, nxt_end = spans[j + 1]
            if "\n\n" in text[end:nxt_start]:
                break
            j += 1
            end = _close_quote(text, start, nxt_end)
        if j > i and not _opens_quote(text[start:end]) and len(words(text[start:end])) <= max_words:
            out.append((i, (start, end)))
            i = j + 1
            continue
        out.append((i, (start, _close_quote(text, *spans[i]))))
        i += 1
    return out


def _after_dateline(text: str, start: int, end: int) -> int:
    """The start of a sentence without the dateline or wire prefix that opens it
    ("CITY (Agency) - The council voted..." -> "The council voted..."): a card shows the
    sentence, not the byline furniture, and the trimmed span is still verbatim at its
    own offsets. Kept whole when what follows would not open a sentence."""
    cut = dateline_end(text[start:end])
    if not cut:
        return start
    rest = text[start + cut:end].lstrip(OPEN_QUOTES)[:1]
    return start + cut if rest.isupper() or rest.isdigit() else start


def _named(mentions, core: dict[str, float], labels: tuple[str, ...]) -> frozenset[str]:
    """Core terms of the mentions with these labels: a place as the gazetteer names it
    ("g:russia" for "Moscow"), else the last word of the name."""
    out = set()
    for _a, _b, name, label in mentions:
        if label in labels:
            term = mention_term(name)
            out.add(term if term.startswith("g:") else surname_term(name))
    return frozenset(t for t in out if t in core)


def story_sentences(members: list[tuple[Article, Analysis]], settings: ExtractSettings) -> list[Sentence]:
    out: list[Sentence] = []
    for ai, (article, analysis) in enumerate(members):
        spans = analysis.sentences
        seen: set[str] = set()
        for si, (start, end) in quote_units(article.text, spans, settings.max_words):
            start = _after_dateline(article.text, start, end)
            text = article.text[start:end]
            key = normalise(text)
            # A scrape often repeats a paragraph; cite it once per article.
            if key in seen or not is_clean_sentence(text, settings):
                continue
            seen.add(key)
            if len(seen) > settings.max_sentences_per_article:
                break
            signals = frozenset(
                mention_term(m.text) for m in analysis.mentions if start <= m.start and m.end <= end
            ) | frozenset(number_tokens(text)) | frozenset(
                "d:" + d.value for d in analysis.dates if start <= d.start and d.end <= end)
            mentions = [(m.start - start, m.end - start, m.text, m.label) for m in analysis.mentions
                        if start <= m.start and m.end <= end]
            dates = [(d.start - start, d.end - start, d.value) for d in analysis.dates
                     if start <= d.start and d.end <= end]
            core = core_terms(text, mentions, dates, settings.attribution_weight)
            persons = frozenset(t for _a, _b, name, label in mentions if label == "PERSON"
                                for t in [surname_term(name)] if t in core)
            attributed = frozenset(t for _a, _b, name, label in mentions if label == "PERSON"
                                   for t in [surname_term(name)] if core.get(t, 1.0) < 1.0)
            attributed |= frozenset(surname_term(m.group(1)) for m in _TOLD.finditer(text))
            speakers = frozenset(surname_term(q.speaker_name) for q in analysis.quotes
                                 if q.speaker_name and q.start < end and start < q.end)
            out.append(Sentence(ai, start, end, text, si / max(1, len(spans) - 1), signals, core,
                                name_terms(text, mentions) & core.keys(), is_fragment(text),
                                background_terms(text, core), persons, attributed, speakers,
                                _named(mentions, core, ("ORG",))))
    return out

