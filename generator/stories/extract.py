"""Extract stage: one story's articles -> fact cards, summary, title (issue 3).

Every article's sentences (from the analyze stage) are filtered to complete, clean
sentences, then aligned across articles: two sentences state the same fact when
their TF-IDF cosine (fitted on this story's sentences) plus their overlap in named
entities and numbers clears a threshold. Groups form greedily from the strongest
pair down, average-link guarded, with at most one sentence per article per group.
A pair must also share weighted core content (story-IDF content words, acronyms,
numbers, dates; the "X said" attribution counts little), so shared names or reporting
words alone never align. A second pass lets each card cite, from every article it
does not cite yet, the sentence covering most of its core (or of one member's core)
through specific terms: a long sentence often states several facts. Cards that support
each other merge, as does a card that two of another card's sentences back; a
one-sentence card whose sentence another card already cites is dropped. Each group is
one fact card whose text is its clearest aligned sentence (a clear supporting sentence
when the aligned ones are all fragments) and whose sources cite every member and
supporting sentence verbatim with offsets into the cleaned article text.

Precision of citations: a card cites only passages that state its fact. Shared names
(people, bodies, places, the role words "leader", "President" that stand for them)
never suffice: an aligned pair must also share enough of what happened (content words,
numbers, dates; `content_shared`), and a supporting sentence must share a specific
content term. A piece of a longer quote (unbalanced quote marks) needs more overlap;
the occasion of a remark ("Commenting on the talks, ...", "..., when asked if ...") counts
as attribution. A sentence cited on several cards stays on the card it covers best
(its own card when it is a card's text) and on the others only when it covers enough
of them; a card's relative clauses ("sanctions which were imposed after ...") count half
in that coverage, since they are background to its fact.

Paraphrase across names and words: a country is one term however it is named (name,
demonym, capital or seat of government: "Moscow", "the Kremlin", "Russia"), a few news
near-synonyms share a term ("fresh"/"new", "offered to"/"ready to"), and a framing
clause ("The move comes as ...") counts like an attribution. A quoted remark the
splitter cut into several sentences is one unit, so its card names the speaker.

Nothing is rewritten: card text, summary sentences and (usually) the title are
verbatim sentences or headlines of the articles.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from generator.config import ExtractSettings
from generator.stories.group import StoryGroup, publication_day, signal_tokens
from generator.records import Analysis, Article, Fact, SourceRef, Story, SummaryItem




# ---------------------------------------------------------------- sentences
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


_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_OPEN_QUOTES = "\"'\u201c\u2018\u00ab"
_END = re.compile(r"[.!?][\"'\u201d\u2019\u00bb)\]]*$")
_JUNK = re.compile(r"https?://|www\.|\bskip to\b|\bcookies?\b|\bnewsletter\b|\bsubscribe\b|"
                   r"\bad ?block|\bclick here\b|\ball rights reserved\b|\u00a9|\bcomments?\b:|"
                   r"\bread more\b|\bshare (?:this|on)\b|\bfollow us\b|\bsign up\b", re.I)
# Wire-photo captions ("FILE - This 2013 photo released by ...", "(AP Photo/...)"): the
# picture's description, not the story's facts.
_CAPTION = re.compile(r"\bFILE\s+[-\u2013\u2014]\s|\bAP Photo\b|\b(?:photo|image|picture)s?\s+(?:released|provided|"
                      r"taken|distributed)\s+by\b|"
                      # "..., speaks to the media in Belfast, Thursday, May 1, 2014." (a caption's dateline)
                      r",\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{1,2},?\s+"
                      r"(?:19|20)\d\d\W*$")
# Dangling openers: the sentence leans on one before it.
_DANGLING = re.compile(r"^(?:he|she|they|it|this|that|these|those|his|her|their|its|but|and|also|"
                       r"however|meanwhile|still|yet|so|then|there)\b", re.I)
# A quote closed by a pronoun attribution ('..., he added.') is a fragment of a longer report.
_PRONOUN_ATTRIBUTION = re.compile(r"[\"\u201d'\u2019]\s*,?\s*(?:he|she|they|it)\s+\w+\s*\.?$", re.I)
_REPORTING = re.compile(r"\b(?:said|says|say|told|tells|stated|states|added|adds|announced|announces|"
                        r"according to|claimed|claims|stressed|urged|warned|warns|noted|argued|insisted|"
                        r"denied|declared|confirmed|reported|called on|called for|quoted)\b", re.I)
_QUOTED = re.compile(r"[\"\u201c][^\"\u201d]{12,}[\"\u201d]")
_FIGURE = re.compile(r"\d\s?%|\bper ?cent\b|\bpercent\b|[$\u20ac\u00a3\u00a5]\s?\d|\d[\d,.]*\s*(?:million|billion|"
                     r"trillion|bn|thousand|barrels|tonnes|tons|km|miles|dollars|euros|people|troops)\b", re.I)
_PAST = re.compile(r"\b(?:\w{3,}ed|was|were|had|made|took|gave|held|met|won|lost|began|fired|sent|"
                   r"struck|killed|hit|set|left|came|went|told|said|led|ran|fell|rose|spoke|brought)\b", re.I)
_TIME_CUE = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
                       r"tonight|last (?:week|month|year)|earlier (?:this|in)|january|february|march|april|"
                       r"may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|"
                       r"aug|sept?|oct|nov|dec)\b|\b(?:19|20)\d\d\b", re.I)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_clean_sentence(text: str, settings: ExtractSettings) -> bool:
    """A complete sentence fit to stand on a card: no teaser, caption, menu or fragment."""
    n = len(words(text))
    if n < settings.min_words or n > settings.max_words:
        return False
    if not _END.search(text):
        return False  # headlines, captions and cut-off lines have no final stop
    first = text.lstrip(_OPEN_QUOTES)[:1]
    if not (first.isupper() or first.isdigit()):
        return False  # starts mid-sentence
    if _JUNK.search(text) or _CAPTION.search(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text)


def clarity(text: str) -> float:
    """Higher is clearer: complete, self-contained, a comfortable length."""
    score = 1.0
    n = len(words(text))
    if _DANGLING.match(text.lstrip(_OPEN_QUOTES)):
        score -= 0.5
    if _PRONOUN_ATTRIBUTION.search(text):
        score -= 0.5
    if _FRAMING.match(text):
        score -= 0.3  # "The move comes as ...": its subject points back to an earlier report
    if text[:1] in _OPEN_QUOTES:
        score -= 0.2  # opens with a quote: the speaker comes late or not at all
    if (text.count("\"") % 2) or (text.count("\u201c") != text.count("\u201d")):
        score -= 0.4  # unbalanced quote marks: a piece of a longer quote
    if n < 12:
        score -= 0.3 * (12 - n) / 12
    elif n > 40:
        score -= 0.3 * min(1.0, (n - 40) / 20)
    return score


def story_sentences(members: list[tuple[Article, Analysis]], settings: ExtractSettings) -> list[Sentence]:
    out: list[Sentence] = []
    for ai, (article, analysis) in enumerate(members):
        spans = analysis.sentences
        seen: set[str] = set()
        for si, (start, end) in quote_units(article.text, spans, settings.max_words):
            text = article.text[start:end]
            key = normalise(text)
            # A scrape often repeats a paragraph; cite it once per article.
            if key in seen or not is_clean_sentence(text, settings):
                continue
            seen.add(key)
            if len(seen) > settings.max_sentences_per_article:
                break
            signals = frozenset(
                _mention_signal(m.text) for m in analysis.mentions if start <= m.start and m.end <= end
            ) | frozenset(signal_tokens(_Snippet(text), None)) | frozenset(
                "d:" + d.value for d in analysis.dates if start <= d.start and d.end <= end)
            mentions = [(m.start - start, m.end - start, m.text, m.label) for m in analysis.mentions
                        if start <= m.start and m.end <= end]
            dates = [(d.start - start, d.end - start, d.value) for d in analysis.dates
                     if start <= d.start and d.end <= end]
            core = core_terms(text, mentions, dates, settings.attribution_weight)
            out.append(Sentence(ai, start, end, text, si / max(1, len(spans) - 1), signals, core,
                                name_terms(text, mentions) & core.keys(), is_fragment(text),
                                background_terms(text, core)))
    return out


def _mention_signal(name: str) -> str:
    """A named entity as an overlap signal: a country however it is named, else its stems."""
    bare = re.sub(r"^[Tt]he\s+", "", name.strip())
    bare = _POSSESSIVE.sub("", bare) if bare not in _PLACE_OF else bare
    if bare in _PLACE_OF:
        return "g:" + _PLACE_OF[bare]
    return "e:" + " ".join(_stem(w.lower()) for w in words(name))


# ---------------------------------------------------------------- core content
# Who said it is not what was said: the reporting verb, its subject ("North Korean
# officials said", "..., Peskov told CNN") and the newsroom's own vocabulary count
# for little when deciding that two sentences state the same fact.
_ATTRIB_VERB = re.compile(r"\b(?:said|says|say|told|tells|stated|states|added|adds|announced|announces|"
                          r"claimed|claims|stressed|noted|insisted|declared|confirmed|reported|reportedly|"
                          r"quoted|commented|according to|as quoted by)\b", re.I)
_CLAUSE_MARK = re.compile(r"[,;:()\"\u201c\u201d\u2018\u2019\u2013\u2014]|\s-\s|^'|\s'|'\s")
_REPORTING_NOUNS = frozenset({
    "reporters", "reporter", "journalists", "spokesman", "spokeswoman", "spokesperson", "official",
    "officials", "statement", "agency", "news", "media", "press", "source", "sources", "report",
    "reports", "comments", "interview"})


_POSSESSIVE = re.compile(r"['\u2019]s?$")

# Seats of power stand for their country in news copy ("Moscow offered", "Pyongyang
# fired", "the White House said"): a short gazetteer of widely reported countries with
# their names, demonyms and capitals or seats of government. Each surface form (case
# as written, whole words) becomes one term "g:<country>", so "Pyongyang" meets "North
# Korea" and "Washington" meets "the US". General knowledge, not fitted to any story.
_PLACES: dict[str, tuple[str, ...]] = {
    "us": ("United States of America", "United States", "U.S.A.", "U.S.", "USA", "US", "America",
           "American", "Americans", "Washington", "White House"),
    "russia": ("Russian Federation", "Russia", "Russian", "Russians", "Moscow", "Kremlin"),
    "north-korea": ("North Korea", "North Korean", "North Koreans", "DPRK", "Pyongyang"),
    "south-korea": ("South Korea", "South Korean", "South Koreans", "Seoul"),
    "china": ("People's Republic of China", "China", "Chinese", "Beijing"),
    "uk": ("United Kingdom", "UK", "U.K.", "Britain", "British", "London", "Downing Street"),
    "france": ("France", "French", "Paris", "Elysee", "\u00c9lys\u00e9e"),
    "germany": ("Germany", "German", "Germans", "Berlin"),
    "japan": ("Japan", "Japanese", "Tokyo"),
    "iran": ("Iran", "Iranian", "Iranians", "Tehran"),
    "iraq": ("Iraq", "Iraqi", "Iraqis", "Baghdad"),
    "syria": ("Syria", "Syrian", "Syrians", "Damascus"),
    "turkey": ("Turkey", "Turkish", "Ankara"),
    "ukraine": ("Ukraine", "Ukrainian", "Ukrainians", "Kyiv", "Kiev"),
    "india": ("India", "Indian", "Indians", "New Delhi"),
    "pakistan": ("Pakistan", "Pakistani", "Pakistanis", "Islamabad"),
    "afghanistan": ("Afghanistan", "Afghan", "Afghans", "Kabul"),
    "egypt": ("Egypt", "Egyptian", "Egyptians", "Cairo"),
    "saudi-arabia": ("Saudi Arabia", "Saudi", "Saudis", "Riyadh"),
    "israel": ("Israel", "Israeli", "Israelis"),
    "canada": ("Canada", "Canadian", "Canadians", "Ottawa"),
    "australia": ("Australia", "Australian", "Australians", "Canberra"),
    "italy": ("Italy", "Italian", "Italians", "Rome"),
    "spain": ("Spain", "Spanish", "Madrid"),
    "mexico": ("Mexico City", "Mexico", "Mexican", "Mexicans"),
    "brazil": ("Brazil", "Brazilian", "Brazilians", "Brasilia", "Bras\u00edlia"),
    "taiwan": ("Taiwan", "Taiwanese", "Taipei"),
    "venezuela": ("Venezuela", "Venezuelan", "Venezuelans", "Caracas"),
    "cuba": ("Cuba", "Cuban", "Cubans", "Havana"),
    "eu": ("European Union", "EU", "E.U.", "Brussels"),
    "un": ("United Nations", "UN", "U.N."),
}
_PLACE_OF = {form: canon for canon, forms in _PLACES.items() for form in forms}
# Longest form first so "North Korean" wins over "Korea"-less shorter forms at one spot.
_PLACE_RE = re.compile(r"(?<![\w.])(?P<form>" + "|".join(
    re.escape(f) for f in sorted(_PLACE_OF, key=len, reverse=True)) + r")(?!\w)(?:['\u2019]s)?")

# News near-synonyms, on stems: a short table of words outlets swap for one another.
_SYNONYMS = {
    "fresh": "new", "latest": "new",
    "readi": "readi", "will": "readi", "offer": "readi",          # ready / willing / offered to
    "adopt": "impos", "impos": "impos",                             # sanctions imposed / adopted
    "die": "kill", "dead": "kill", "death": "kill",
    "detain": "arrest", "arrest": "arrest",
    "prohibit": "ban", "curb": "limit", "restrict": "limit", "cap": "limit",
    "parti": "side", "telephon": "phone",                           # both parties / sides; telephone
    "battl": "fight", "combat": "fight",
}


def place_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, country) of every gazetteer form in `text` (see `_PLACES`)."""
    return [(m.start(), m.end(), _PLACE_OF[m.group("form")]) for m in _PLACE_RE.finditer(text)]


@lru_cache(maxsize=200_000)  # once per distinct word: the spelling rules are regexes
def _term_stem(low: str) -> str:
    stem = _stem(_spelling(low))
    return _SYNONYMS.get(stem, stem)


def _spelling(word: str) -> str:
    """One spelling for British/American variants and possessives, before stemming."""
    word = _POSSESSIVE.sub("", word)
    word = re.sub(r"mme$", "m", word)                    # programme
    word = re.sub(r"(?<=\w{3})is(e|ed|es|ing|ation)$", r"iz\1", word)  # recognised
    return re.sub(r"(?<=\w{2})our(s?)$", r"or\1", word)  # neighbour, favour


# Newsroom framing that links a report to the one before it ("The development comes
# amid ...", "The offer came as ...", "His comments came just days after ..."): the
# subject refers back, the fact is what follows. Counted like an attribution.
_FRAMING = re.compile(r"^\W*(?:[\w\u2019'-]+\s+){1,3}(?:comes?|came)\s+(?:(?:just|only|a|one|two|three|few|"
                      r"several|days?|hours?|weeks?|months?)\s+)*(?:after|as|amid|following|before)\b", re.I)


# The occasion of a remark is not the remark: "Commenting on the talks, X said ...",
# "..., Peskov said, when asked if Moscow would mediate." The question or topic named
# there is the reporter's, not the fact the sentence states.
_OCCASION = re.compile(r"^\W*(?:commenting|speaking|responding|reacting|referring|asked)\s+(?:on|about|to|at|after|"
                       r"in|during|if|whether)\b[^,;:\"\u201c\u201d]*,", re.I)
_ASKED = re.compile(r"\b(?:when|after|while|as|being)\s+asked\s+(?:if|whether|about|what|how|why|to comment)\b"
                    r"[^,;:\"\u201c\u201d]*", re.I)


def attribution_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of a sentence that only say who reports it.

    A reporting verb's subject is the short run of words back to the previous clause
    mark; after the verb, the words up to the sentence end count when the verb closes
    the sentence ('..., Peskov told CNN on Tuesday.'), and the source named by
    "according to" up to the next clause mark.
    """
    spans: list[tuple[int, int]] = []
    framing = _FRAMING.match(text) or _OCCASION.match(text)
    lead = framing.end() if framing else 0
    if framing:
        spans.append((0, lead))
    spans += [m.span() for m in _ASKED.finditer(text)]
    for m in _ATTRIB_VERB.finditer(text):
        spans.append((m.start(), m.end()))
        before = text[:m.start()]
        b = max((x.end() for x in _CLAUSE_MARK.finditer(before)), default=0)
        if len(words(before[b:])) <= 6:
            spans.append((b, m.start()))
        after = text[m.end():]
        stop = re.search(r"[,;:!?\"\u201c\u201d]|\bthat\b|\.(?=\s*\S)", after)
        if m.group(0).lower().startswith(("according", "as quoted")):
            e = m.end() + (stop.start() if stop else len(after))
            spans.append((m.end(), e))
        elif b > lead and words(before[:b]) and stop is None and len(words(after)) <= 8:
            spans.append((m.end(), len(text)))  # postposed: '..., the mayor said on Monday.'
    return spans


def core_terms(text: str, mentions=(), dates=(), attribution_weight: float = 0.2) -> dict[str, float]:
    """Content of a sentence as weighted terms: stemmed content words ("w:", names
    included word by word), acronyms ("a:", also the initials of multi-word organisation
    and place names, so "United Nations" meets "UN"), numbers ("n:") and resolved dates
    ("d:"). `mentions` are (start, end, text, label) and `dates` (start, end, value),
    offsets relative to the sentence. Terms inside an attribution get `attribution_weight`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    spans = attribution_spans(text)

    def factor(a: int, b: int) -> float:
        return attribution_weight if any(s <= a and b <= e for s, e in spans) else 1.0

    out: dict[str, float] = {}

    def put(term: str, f: float) -> None:
        out[term] = max(out.get(term, 0.0), f)

    places = place_spans(text)
    for a, b, canon in places:
        put("g:" + canon, factor(a, b))
    for m in _WORD.finditer(text):
        w = m.group(0)
        low = w.lower()
        if len(w) >= 2 and w.isupper():
            put("a:" + low, factor(m.start(), m.end()))  # acronyms are names, even "US"
            continue
        if low in ENGLISH_STOP_WORDS or _ATTRIB_VERB.fullmatch(low) or low.isdigit():
            continue
        f = attribution_weight if low in _REPORTING_NOUNS else factor(m.start(), m.end())
        put("w:" + _term_stem(low), f)
    for a, b, name, label in mentions:
        if label == "PERSON":
            continue  # people are not written as initials; their names count word by word
        name_words = [w for w in words(name) if w.lower() != "the"]
        caps = [w for w in name_words if w[:1].isupper()]
        if len(caps) >= 2 and len(caps) == len(name_words):
            put("a:" + "".join(w[0].lower() for w in caps), factor(a, b))
    for n in re.finditer(r"(?<![\w.])\d[\d,.]*\d|(?<![\w.])\d(?![\w])", text):
        put("n:" + n.group(0).replace(",", ""), factor(n.start(), n.end()))
    for a, b, value in dates:
        put("d:" + value, factor(a, b))
    return out


# Who and where, as opposed to what happened: names of people, bodies and places, and
# the role words that stand in for a name ("the North Korean leader", "US President").
# Two sentences naming the same people can report two different events; shared names
# never make a fact card on their own (see `content_shared`).
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_ROLES = frozenset({
    "leader", "leaders", "president", "vice", "minister", "ministers", "secretary", "spokesman",
    "spokeswoman", "spokesperson", "ambassador", "envoy", "chancellor", "premier", "governor", "mayor",
    "senator", "lawmaker", "lawmakers", "king", "queen", "prince", "chief", "official", "officials",
    "diplomat", "diplomats", "representative", "counterpart", "head", "deputy", "foreign"})
_CAP_WORD = re.compile(r"([A-Z][\w\u2019'-]*)\s+$")


def name_terms(text: str, mentions=()) -> frozenset[str]:
    """The core terms of `text` (as `core_terms` spells them) that only say who or where:
    gazetteer places, acronyms, words of person/organisation/place mentions, role words
    and the capitalised title run before a person's name ("Foreign Minister Sergey Lavrov")."""
    places = place_spans(text)
    out: set[str] = {"g:" + canon for _a, _b, canon in places}
    spans: list[tuple[int, int]] = [(a, b) for a, b, _c in places]
    for a, b, name, label in mentions:
        if label not in _NAME_LABELS:
            continue
        spans.append((a, b))
        name_words = [w for w in words(name) if w.lower() != "the"]
        caps = [w for w in name_words if w[:1].isupper()]
        if label != "PERSON" and len(caps) >= 2 and len(caps) == len(name_words):
            out.add("a:" + "".join(w[0].lower() for w in caps))
        if label == "PERSON":  # titles written before the name
            b0, n = a, 0
            while n < 3 and (m := _CAP_WORD.search(text[:b0])):
                if m.group(1).lower() in ("the", "and", "of") or m.group(1)[:1] in _OPEN_QUOTES:
                    break
                b0, n = m.start(1), n + 1
            spans.append((b0, a))
    for m in _WORD.finditer(text):
        w, low = m.group(0), m.group(0).lower()
        if len(w) >= 2 and w.isupper():
            out.add("a:" + low)
        elif low in _ROLES or any(a <= m.start() and m.end() <= b for a, b in spans):
            out.add("w:" + _term_stem(low))
    return frozenset(out)


# "... sanctions which were imposed after the test": what a relative clause says about
# a noun is background to the sentence's own fact.
_RELATIVE = re.compile(r"\b(?:which|who|that)\s+(?:was|were|is|are|has|have|had|had been|has been|have been)\b"
                       r"[^,;:()\"\u201c\u201d\u2013\u2014]*", re.I)


def background_terms(text: str, core: dict[str, float]) -> frozenset[str]:
    """Core terms of `text` that occur only inside relative clauses ("which was imposed
    following the test")."""
    spans = [m.span() for m in _RELATIVE.finditer(text)]
    if not spans:
        return frozenset()
    outside = core_terms(" ".join(text[a:b] for a, b in zip([0] + [e for _s, e in spans],
                                                             [s for s, _e in spans] + [len(text)])))
    return frozenset(t for t in core if t.startswith("w:") and t not in outside)


def is_fragment(text: str) -> bool:
    """A piece of a longer quote: a quote mark opens or closes with no partner in it."""
    return text.count("\"") % 2 == 1 or text.count("\u201c") != text.count("\u201d")


def story_names(sentences: list[Sentence]) -> frozenset[str]:
    """Terms the story mostly uses as names (the tagger is not consistent from one
    sentence to the next, so the story's majority decides)."""
    total = Counter(t for s in sentences for t in s.core)
    named = Counter(t for s in sentences for t in s.names)
    return frozenset(t for t, c in named.items() if 2 * c >= total[t])


def content_shared(a: dict[str, float], b: dict[str, float], weight: dict[str, float],
                   names: frozenset[str]) -> float:
    """`core_shared` over what happened only: names, places and roles left out, numbers
    and dates kept. Two reports naming the same people in two events score low."""
    return core_shared({t: f for t, f in a.items() if t not in names},
                       {t: f for t, f in b.items() if t not in names}, weight)


def term_weights(sentences: list[Sentence], solo: float = 0.25) -> dict[str, float]:
    """Story-level weights of core terms: IDF over the story's sentences, times a factor
    for how many of its articles carry the term. A term every outlet repeats ("North
    Korea") says little; one only a single article uses ("oversaw") can never be shared
    evidence, so it weighs `solo` (it still dilutes, so a long sentence is not matched
    by one of its clauses alone)."""
    n = len(sentences)
    arts = sorted({s.article for s in sentences})
    n_art = len(arts) or 1
    df = Counter(t for s in sentences for t in s.core)
    art_df = Counter(t for a in arts for t in {t for s in sentences if s.article == a for t in s.core})

    def spread(k: int) -> float:
        return solo if k <= 1 else 1.0 - (k - 1) / n_art

    return {t: math.log((n + 1) / df[t]) * spread(art_df[t]) for t in df}


def specific_terms(sentences: list[Sentence], settings: ExtractSettings) -> frozenset[str]:
    """Terms in few of the story's sentences: shared evidence that means something.
    A fact every outlet states once puts its words in as many sentences as there are
    articles, so that many always stay specific (small stories)."""
    n = len(sentences)
    df = Counter(t for s in sentences for t in s.core)
    cap = max(2.0, settings.specific_share * n, len({s.article for s in sentences}))
    return frozenset(t for t, c in df.items() if c <= cap)


def core_shared(a: dict[str, float], b: dict[str, float], weight: dict[str, float]) -> float:
    """Weighted core both sentences state outside their attributions, as a share of the
    smaller core (containment: a short sentence may be all of a longer one's fact)."""
    shared = sum(weight.get(t, 0.0) for t, f in a.items() if f >= 1.0 and b.get(t, 0.0) >= 1.0)
    ta = sum(weight.get(t, 0.0) * f for t, f in a.items())
    tb = sum(weight.get(t, 0.0) * f for t, f in b.items())
    small = min(ta, tb)
    return shared / small if small > 0 else 0.0


def _opens_quote(piece: str) -> bool:
    """A quote opens in `piece` and does not close in it."""
    if piece.count("\u201c") > piece.count("\u201d"):
        return True
    if piece.count("\"") % 2:
        i = piece.rfind("\"")
        return i == 0 or not piece[i - 1].isalnum() and piece[i - 1] not in ".,!?;:"
    return False


def quote_units(text: str, spans: list[tuple[int, int]], max_words: int,
                limit: int = 3) -> list[tuple[int, tuple[int, int]]]:
    """(index of first sentence, span) of each reading unit of an article.

    A quoted remark of several sentences is one unit ('"You can't ... will. It is
    impossible," Peskov told CNN.'): cut at the splitter's sentence ends, its pieces
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


def _close_quote(text: str, start: int, end: int) -> int:
    """Take in a closing quote mark the sentence splitter left outside ('... "obvious.' + '"')."""
    piece = text[start:end]
    if end < len(text) and text[end] in "\"\u201d\u2019" and (
            piece.count("\"") % 2 == 1 or piece.count("\u201c") > piece.count("\u201d")):
        return end + 1
    return end


@dataclass
class _Snippet:
    """Quacks like an Article for `signal_tokens` (numbers of one sentence)."""

    text: str


def normalise(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


def fact_id(text: str) -> str:
    """Derived from the card text so an editor's edits stay attached across re-runs."""
    return "f-" + hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:8]


# ---------------------------------------------------------------- alignment
try:  # Porter needs no downloaded data; nltk comes with sumy
    from nltk.stem.porter import PorterStemmer

    _STEMMER = PorterStemmer()
except Exception:  # pragma: no cover
    _STEMMER = None


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stem(word) if _STEMMER else word


def stem_tokens(text: str) -> list[str]:
    """Content words, stemmed: "mediator" and "mediate" count as the same word."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def plain(piece: str) -> list[str]:
        return [_SYNONYMS.get(s, s) for s in
                (_stem(w) for w in (t.lower() for t in words(piece)) if w not in ENGLISH_STOP_WORDS)]

    # A country is one token however it is named ("Pyongyang" = "North Korea"). Not the
    # US: "US" reads as the stop word "us" here, so a token for it would be new weight on
    # the story's most common name rather than a bridge between two of its names.
    out, pos = [], 0
    for a, b, canon in place_spans(text):
        if canon == "us":
            continue
        out += plain(text[pos:a]) + ["g_" + canon]
        pos = b
    return out + plain(text[pos:])


def sentence_matrix(sentences: list[Sentence]):
    """L2-normalised TF-IDF rows for the sentences (fitted on this story only)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(tokenizer=stem_tokens, lowercase=False, token_pattern=None,
                          ngram_range=(1, 2), sublinear_tf=True)
    try:
        return vec.fit_transform([s.text for s in sentences])
    except ValueError:  # nothing but stop words
        from scipy.sparse import csr_matrix

        return csr_matrix((len(sentences), 1))


def similarity(sentences: list[Sentence], x, settings: ExtractSettings):
    """Dense n*n similarity of one story's sentences: cosine blended with signal overlap."""
    import numpy as np

    from scipy.sparse import csr_matrix

    cos = (x @ x.T).toarray().astype(np.float32)
    n = len(sentences)
    # Weighted Jaccard of entities/numbers: a name in every sentence of the story
    # ("North Korea") says nothing; a shared rare one ("Hwasong-15", "24 months") says a lot.
    df = Counter(t for s in sentences for t in s.signals)
    vocab = {t: i for i, t in enumerate(sorted(df))}
    if vocab:
        weight = np.array([math.log((n + 1) / df[t]) for t in sorted(df)], dtype=np.float32)
        rows = [i for i, s in enumerate(sentences) for _ in s.signals]
        cols = [vocab[t] for s in sentences for t in s.signals]
        m = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
        shared = (m.multiply(weight) @ m.T).toarray()
        total = np.asarray(m @ weight).ravel()
        union = total[:, None] + total[None, :] - shared
        sig = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    else:
        sig = np.zeros((n, n), dtype=np.float32)
    w = settings.signal_weight
    blended = (1 - w) * cos + w * sig
    # Shared names alone do not make two sentences say the same thing ("North Korea"
    # is in half the story): the signal bonus counts only on top of real word overlap.
    return np.where(cos >= settings.min_cosine, blended, cos)


def _shared_specific(a: dict[str, float], b: dict[str, float], specific: frozenset[str]) -> int:
    """Specific terms both sentences state in their own words (not in an attribution)."""
    return sum(1 for t, f in a.items() if f >= 1.0 and b.get(t, 0.0) >= 1.0 and t in specific)


def guard_generic(sentences: list[Sentence], sim, weight: dict[str, float], specific: frozenset[str],
                  settings: ExtractSettings, names: frozenset[str] | None = None):
    """`sim` with pairs that share only generic words, names or attribution set to 0.

    TF-IDF cosine can clear the threshold on "North Korean officials" alone; a pair
    must also share enough of its weighted core content outside attributions (see
    `core_shared`), enough of it outside names ("US President Donald Trump ... North
    Korean" in two different events, see `content_shared`), and a piece of a longer
    quote must share more (its own words are only part of a remark)."""
    import numpy as np

    if names is None:
        names = story_names(sentences)
    out = sim.copy()
    art = np.array([s.article for s in sentences])
    ii, jj = np.nonzero(np.triu(sim >= settings.align_threshold, k=1) & (art[:, None] != art[None, :]))
    for i, j in zip(ii.tolist(), jj.tolist()):
        a, b = sentences[i].core, sentences[j].core
        shared = core_shared(a, b, weight)
        bar = settings.fragment_bar if sentences[i].fragment or sentences[j].fragment else settings.min_core_shared
        if shared < bar or content_shared(a, b, weight, names) < settings.min_content_shared:
            out[i, j] = out[j, i] = 0.0
    return out


def support(cards_members: list[list[int]], sentences: list[Sentence], sim, weight: dict[str, float],
            specific: frozenset[str], settings: ExtractSettings,
            names: frozenset[str] | None = None) -> list[list[int]]:
    """Second pass: the supporting sentences for each card (parallel to `cards_members`).

    Each card gains, from every article it does not cite yet, the sentence that covers
    the most of the card's weighted core content, when that share reaches
    `support_threshold` through at least `support_min_terms` specific terms. A long
    sentence often states several facts, so a sentence may support more than one card;
    a card still cites one sentence per article. The shared terms must include
    `support_min_content` specific terms of what happened (not names), and a piece of a
    longer quote must cover `fragment_support` of the card."""
    import numpy as np

    if names is None:
        names = story_names(sentences)
    content_specific = specific - names

    by_article: dict[int, list[int]] = {}
    for k, s in enumerate(sentences):
        by_article.setdefault(s.article, []).append(k)
    out = []
    for g in cards_members:
        core: dict[str, float] = {}
        full: dict[str, float] = {}
        for k in g:  # terms every member carries count fully; one member's extras count less
            for t, f in sentences[k].core.items():
                core[t] = core.get(t, 0.0) + weight.get(t, 0.0) * f / len(g)
                full[t] = max(full.get(t, 0.0), f)
        total = sum(core.values())
        cited = {sentences[k].article for k in g}
        added = []
        if total > 0:
            # Next to no word in common with any member: not a candidate (cheap, vectorised).
            near = set(np.nonzero(sim[:, g].max(axis=1) >= settings.support_min_cosine)[0].tolist())
            for a, ks in by_article.items():
                if a in cited:
                    continue
                best, best_score = None, 0.0
                for k in ks:
                    if k not in near:
                        continue
                    c = sentences[k].core
                    if _shared_specific(full, c, specific) < settings.support_min_terms:
                        continue
                    if _shared_specific(full, c, content_specific) < settings.support_min_content:
                        continue
                    score = sum(min(v, weight.get(t, 0.0) * c[t]) for t, v in core.items() if t in c) / total
                    if settings.support_per_member and len(g) > 1:
                        # The card's fact is in each member whole: a sentence restating one
                        # member's fact supports the card even when the members' union
                        # (each with its own details) is too wide to cover.
                        for m in g:
                            mc = sentences[m].core
                            if (_shared_specific(mc, c, specific) < settings.support_min_terms
                                    or _shared_specific(mc, c, content_specific) < settings.support_min_content):
                                continue
                            score = max(score, _covered(mc, c, weight))
                    if sentences[k].fragment and score < settings.fragment_support:
                        continue
                    if score > best_score:
                        best, best_score = k, score
                if best is not None and best_score >= settings.support_threshold:
                    added.append(best)
        out.append(added)
    return out


def _covered(card: dict[str, float], cand: dict[str, float], weight: dict[str, float]) -> float:
    """Share of `card`'s weighted core that `cand` states too (asymmetric)."""
    total = sum(weight.get(t, 0.0) * f for t, f in card.items())
    if total <= 0:
        return 0.0
    return sum(weight.get(t, 0.0) * min(f, cand[t]) for t, f in card.items() if t in cand) / total


def prune_multi_cited(groups: list[list[int]], extra: list[list[int]], sentences: list[Sentence],
                      weight: dict[str, float], names: frozenset[str], settings: ExtractSettings,
                      texts: list[int] | None = None) -> tuple[list[list[int]], list[list[int]]]:
    """A sentence cited on several cards stays on the card whose fact it covers best and
    on the others only when it covers `multi_cited_bar` of them.

    Coverage of a card is the largest share of one of its other sentences' core that
    the sentence states, names counting `multi_cited_name_factor` (names say who, not
    what happened, though some facts are about names); for a sentence aligned on the
    card in the first pass, also the share of its own core the other sentence states.
    A long sentence does state several facts, and keeps each it covers well; one that
    merely shares a theme with a second card ("mediator", "sanctions") leaves it. A
    card's only aligned sentence is the card itself and stays; a sentence that is a
    card's text (`texts`) is that card's fact and stays there, whatever it covers
    elsewhere."""
    cards_of: dict[int, list[int]] = {}
    for ci, (g, more) in enumerate(zip(groups, extra)):
        for k in g + more:
            cards_of.setdefault(k, []).append(ci)
    drop: set[tuple[int, int]] = set()
    for k, cards in cards_of.items():
        if len(cards) < 2:
            continue
        nf = settings.multi_cited_name_factor
        own = {t: f * (nf if t in names else 1.0) for t, f in sentences[k].core.items()}

        def cover(ci: int) -> float:
            others = [m for m in groups[ci] if m != k]
            if not others:
                return 1.0
            best = 0.0
            for m in others:
                # The other sentence's own fact is its main clause: its relative clauses
                # ("... sanctions which were imposed after the test") count half.
                bg = sentences[m].background
                theirs = {t: f * (0.5 if t in bg else 1.0) * (nf if t in names else 1.0)
                          for t, f in sentences[m].core.items()}
                best = max(best, _covered(theirs, own, weight))
                if k in groups[ci]:
                    # Aligned as a whole in the first pass: a short sentence all of whose
                    # fact the card states counts as covering it too.
                    best = max(best, _covered(own, theirs, weight))
            return best

        scores = {ci: cover(ci) for ci in cards}
        own_card = [ci for ci in cards if texts is not None and texts[ci] == k]
        best = own_card[0] if own_card else max(cards, key=lambda ci: (scores[ci], -ci))
        drop |= {(ci, k) for ci in cards if ci != best and scores[ci] < settings.multi_cited_bar}
    return ([[k for k in g if (ci, k) not in drop] for ci, g in enumerate(groups)],
            [[k for k in more if (ci, k) not in drop] for ci, more in enumerate(extra)])


def merge_mutual(groups: list[list[int]], extra: list[list[int]], sentences: list[Sentence]) -> list[list[int]]:
    """Join two cards that support each other (each holds a sentence covering the
    other's core): one fact the first pass split, not one sentence stating two facts.
    A card is also joined to another when at least two sentences of that card (and half
    of them) back it: two outlets independently state its fact in those sentences."""
    owner = {k: gi for gi, g in enumerate(groups) for k in g}
    parent = list(range(len(groups)))
    arts = [{sentences[k].article for k in g} for g in groups]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for gi, more in enumerate(extra):
        backing = Counter(owner[k] for k in more)
        for k in more:
            gj = owner[k]
            # Mutual support, or two outlets of the other card both backing this one:
            # this card restates a fact that card already holds.
            if not any(owner[m] == gi for m in extra[gj]) and not (
                    backing[gj] >= 2 and 2 * backing[gj] >= len(groups[gj])):
                continue
            ri, rj = root(gi), root(gj)
            if ri != rj and not (arts[ri] & arts[rj]):
                parent[rj] = ri
                arts[ri] |= arts[rj]
    joined: dict[int, list[int]] = {}
    for gi, g in enumerate(groups):
        joined.setdefault(root(gi), []).extend(g)
    return [sorted(g, key=lambda k: (sentences[k].article, sentences[k].start)) for g in joined.values()]


def align(sentences: list[Sentence], sim, settings: ExtractSettings) -> list[list[int]]:
    """Groups of sentence indices stating the same fact, at most one per article."""
    n = len(sentences)
    groups = {i: [i] for i in range(n)}
    owner = list(range(n))
    import numpy as np

    art = np.array([s.article for s in sentences])
    ii, jj = np.nonzero(np.triu(sim >= settings.align_threshold, k=1) & (art[:, None] != art[None, :]))
    pairs = [(float(sim[i, j]), int(i), int(j)) for i, j in zip(ii, jj)]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    for _s, i, j in pairs:
        a, b = owner[i], owner[j]
        if a == b:
            continue
        ga, gb = groups[a], groups[b]
        if {sentences[k].article for k in ga} & {sentences[k].article for k in gb}:
            continue
        avg = float(sim[np.ix_(ga, gb)].mean())
        if avg < settings.align_threshold:
            continue
        ga.extend(gb)
        for k in gb:
            owner[k] = a
        del groups[b]
    return [sorted(g, key=lambda k: (sentences[k].article, sentences[k].start)) for g in groups.values()]


# ---------------------------------------------------------------- cards
def kind_of(text: str) -> str:
    """event | statement | figure | background, by simple general cues."""
    if _QUOTED.search(text) or _REPORTING.search(text):
        return "statement"
    if _FIGURE.search(text):
        return "figure"
    if _PAST.search(text) and _TIME_CUE.search(text):
        return "event"
    return "background"


def outlet_key(article: Article) -> str:
    """An article with no known outlet counts as its own source."""
    return article.outlet or f"unknown:{article.id}"


def card_sentence(g: list[int], more: list[int], sentences: list[Sentence], sim, settings: ExtractSettings) -> int:
    """The sentence that is a card's text: the clearest aligned one; ties go to the most
    typical of the group, then the earliest."""
    def best_key(k: int) -> tuple:
        typical = sum(sim[k, m] for m in g) / len(g)
        return (-round(clarity(sentences[k].text), 3), -typical, sentences[k].position, k)

    best = min(g, key=best_key)
    if clarity(sentences[best].text) < settings.clear_text:
        # Only fragments aligned ("..., he added.", half a quote): a clear supporting
        # sentence tells the fact better, though it may state more besides.
        clear = [k for k in more if clarity(sentences[k].text) >= settings.clear_text]
        if clear:
            best = min(clear, key=best_key)
    return best


@dataclass
class _Card:
    fact: Fact
    outlets: int
    score: float
    position: float
    members: list[int]


def build_cards(members: list[tuple[Article, Analysis]], sentences: list[Sentence], sim, x,
                settings: ExtractSettings) -> list[_Card]:
    import numpy as np

    weight = term_weights(sentences)
    specific = specific_terms(sentences, settings)
    names = story_names(sentences)
    groups = align(sentences, guard_generic(sentences, sim, weight, specific, settings, names), settings)
    extra = support(groups, sentences, sim, weight, specific, settings, names)
    merged = merge_mutual(groups, extra, sentences)
    if len(merged) < len(groups):
        groups, extra = merged, support(merged, sentences, sim, weight, specific, settings, names)
    # A one-sentence card whose sentence another card already cites in support would
    # show that sentence twice: the other card holds it.
    supporting = {k for more in extra for k in more}
    keep = [i for i, g in enumerate(groups) if not (len(g) == 1 and g[0] in supporting)]
    groups, extra = [groups[i] for i in keep], [extra[i] for i in keep]
    texts = [card_sentence(g, more, sentences, sim, settings) for g, more in zip(groups, extra)]
    groups, extra = prune_multi_cited(groups, extra, sentences, weight, names, settings, texts)
    centroid = np.asarray(x.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    central = (x @ centroid) / norm if x.shape[1] else np.zeros(len(sentences))
    cards: list[_Card] = []
    used: set[str] = set()
    for g, more in zip(groups, extra):
        best = card_sentence(g, more, sentences, sim, settings)
        text = sentences[best].text
        fid = fact_id(text)
        if fid in used:  # same wording in two unaligned groups: keep ids unique
            n = 2
            while f"{fid}-{n}" in used:
                n += 1
            fid = f"{fid}-{n}"
        used.add(fid)
        # Supporting sentences are cited but never chosen as the card text: they state more.
        cited = sorted(g + more, key=lambda k: (sentences[k].article, sentences[k].start))
        sources = []
        for k in cited:
            s = sentences[k]
            article = members[s.article][0]
            sources.append(SourceRef(article.id, article.text[s.start:s.end], s.start, s.end))
        outlets = len({outlet_key(members[sentences[k].article][0]) for k in cited})
        # A supporting sentence states this fact among others: weaker evidence of how
        # widely it is carried than a sentence aligned as a whole.
        aligned = len({outlet_key(members[sentences[k].article][0]) for k in g})
        carried = aligned + settings.rank_support * (outlets - aligned)
        position = min(sentences[k].position for k in g)
        centrality = float(np.mean([central[k] for k in g]))
        score = (carried + settings.rank_centrality * centrality + settings.rank_position * (1 - position)
                 + settings.rank_clarity * clarity(text))
        cards.append(_Card(Fact(fid, text, kind_of(text), sources), outlets, score, position, g))
    cards.sort(key=lambda c: (-c.score, c.fact.id))
    return cards


# ---------------------------------------------------------------- summary and title
def summarise(cards: list[_Card], sim, settings: ExtractSettings) -> list[SummaryItem]:
    """3-6 card texts, most important first pick, no two saying the same thing.

    Two cards are redundant when any sentence of one is close to any sentence of the
    other (the story's own similarity, entities included), a stricter test than the
    average-link rule that formed the cards: paraphrases the alignment split apart
    (it allows one sentence per article per card) must not both reach the summary.
    """
    import numpy as np

    chosen: list[_Card] = []

    def redundant(card: _Card) -> bool:
        return any(float(np.max(sim[np.ix_(card.members, c.members)])) > settings.summary_redundancy
                   for c in chosen)

    # Corroborated facts first: while cards that two or more outlets carry remain, a
    # single outlet's sentence (often its own rewording of the lede) waits its turn.
    corroborated = [c for c in cards if c.outlets >= 2]
    for pool in (corroborated, cards):
        for card in pool:
            if len(chosen) >= settings.summary_max:
                break
            if clarity(card.fact.text) < 0.7:
                continue  # a dangling or quote-fragment sentence reads badly out of context
            if card not in chosen and not redundant(card):
                chosen.append(card)
    if len(chosen) < settings.summary_min:  # relax clarity rather than fall short
        for card in cards:
            if len(chosen) >= settings.summary_min:
                break
            if card not in chosen and not redundant(card):
                chosen.append(card)
    # Lead with the top card, then follow the order in which the articles tell it.
    ordered = chosen[:1] + sorted(chosen[1:], key=lambda c: (c.position, c.fact.id))
    return [SummaryItem([c.fact.id]) for c in ordered]


def choose_title(members: list[tuple[Article, Analysis]], cards: list[_Card], settings: ExtractSettings) -> str:
    """The headline that best names the top facts; else one cut from the top card."""
    top = " ".join(c.fact.text for c in cards[:3])
    top_words = {w.lower() for w in words(top)}
    best, best_score = None, 0.0
    for article, _ in members:
        h = " ".join((article.headline or "").split())
        hw = words(h)
        if not (3 <= len(hw) <= settings.title_max_words) or h.endswith("?"):
            continue
        overlap = sum(w.lower() in top_words for w in hw) / len(hw)
        caps = sum(w.isupper() and len(w) > 3 for w in hw) / len(hw)
        score = overlap - caps - (0.2 if h.endswith("...") else 0)
        if best is None or score > best_score:
            best, best_score = h, score
    if best is not None:
        return best
    if cards:
        return _title_from(cards[0].fact.text, settings)
    for article, _ in members:
        if article.text.strip():
            return _title_from(article.text.strip().splitlines()[0], settings)
    return "Untitled story"


def _title_from(sentence: str, settings: ExtractSettings) -> str:
    """The sentence's first clause (whole words, as written), without the final stop."""
    text = sentence.strip().rstrip(".!?")
    clause = re.split(r",\s|;\s|\s[-\u2013\u2014]\s", text)[0]
    if len(words(clause)) >= 5:
        text = clause
    ws = text.split()
    if len(ws) > settings.title_max_words:
        text = " ".join(ws[:settings.title_max_words])
    return text


def story_date(articles: list[Article]) -> str | None:
    days = [d for d in (publication_day(a) for a in articles) if d]
    return min(days).isoformat() if days else None


def extract_story(group: StoryGroup, members: list[tuple[Article, Analysis]],
                  settings: ExtractSettings | None = None) -> Story:
    settings = settings or ExtractSettings()
    sentences = story_sentences(members, settings)
    if sentences:
        x = sentence_matrix(sentences)
        sim = similarity(sentences, x, settings)
        cards = build_cards(members, sentences, sim, x, settings)
        summary = summarise(cards, sim, settings)
    else:
        cards, summary = [], []
    articles = [a for a, _ in members]
    outlets = sorted({outlet_key(a) for a in articles})
    return Story(
        id=group.id,
        title=choose_title(members, cards, settings),
        date=story_date(articles),
        articles=[a.id for a in articles],
        outlets=outlets,
        single_source=len(outlets) < 2,
        summary=summary,
        facts=[c.fact for c in cards],
    )
