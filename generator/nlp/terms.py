"""Words, stems and core terms of a sentence: the vocabulary the extract stage aligns on.

`core_terms` turns a sentence into weighted terms (stemmed content words, acronyms,
numbers, resolved dates, countries), with the part that only says who reports it
(`attribution_spans`) weighted down; `name_terms` marks the terms that say who or
where rather than what happened; `stem_tokens` is the tokenizer of the story's TF-IDF.
A country is one term however it is named (name, demonym, capital or seat of
government), and a few news near-synonyms share a term.
"""
from __future__ import annotations

import re
from functools import lru_cache

from generator.nlp import lexicon
from generator.nlp.porter import PorterStemmer

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# Quote marks a sentence may open with.
OPEN_QUOTES = "\"'\u201c\u2018\u00ab"


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def normalise(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


# NLTK's Porter stemmer (its default NLTK_EXTENSIONS mode), copied in generator/nlp/porter.py
# so that stemming does not import the nltk package and scipy with it.
_STEMMER = PorterStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of a lower-case word."""
    return _STEMMER.stem(word)


# ---------------------------------------------------------------- core content
# Who said it is not what was said: the reporting verb, its subject ("Senior
# officials said", "..., the minister told reporters") and the newsroom's own vocabulary count
# for little when deciding that two sentences state the same fact.
_ATTRIB_VERB = re.compile(r"\b(?:" + lexicon.alternation("reporting", "attribution") + r")\b", re.I)
_CLAUSE_MARK = re.compile(r"[,;:()\"\u201c\u201d\u2018\u2019\u2013\u2014]|\s-\s|^'|\s'|'\s")
_REPORTING_NOUNS = lexicon.word_set("newsroom_nouns", "attribution")


_POSSESSIVE = re.compile(r"['\u2019]s?$")

# Seats of power stand for their country in news copy ("Tokyo offered", "Ottawa
# said", "the White House said"): the gazetteer (lexicon/countries.txt) lists widely
# reported countries with their names, demonyms and capitals or seats of government.
# Each surface form (case as written, whole words) becomes one term "g:<country>", so
# "Canberra" meets "Australia" and "Washington" meets "the US".
_PLACES: dict[str, tuple[str, ...]] = lexicon.places()
_PLACE_OF = {form: canon for canon, forms in _PLACES.items() for form in forms}
# Longest form first so "South African" wins over a shorter form at the same spot.
_PLACE_RE = re.compile(r"(?<![\w.])(?P<form>" + "|".join(
    re.escape(f) for f in sorted(_PLACE_OF, key=len, reverse=True)) + r")(?!\w)(?:['\u2019]s)?")

# News near-synonyms, on stems: a short table of words outlets swap for one another.
_SYNONYMS = lexicon.mapping("synonyms")


def place_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, country) of every gazetteer form in `text` (see `_PLACES`)."""
    return [(m.start(), m.end(), _PLACE_OF[m.group("form")]) for m in _PLACE_RE.finditer(text)]


def _spelling(word: str) -> str:
    """One spelling for British/American variants and possessives, before stemming."""
    word = _POSSESSIVE.sub("", word)
    word = re.sub(r"mme$", "m", word)                    # programme
    word = re.sub(r"(?<=\w{3})is(e|ed|es|ing|ation)$", r"iz\1", word)  # recognised
    return re.sub(r"(?<=\w{2})our(s?)$", r"or\1", word)  # neighbour, favour


@lru_cache(maxsize=200_000)  # once per distinct word: the spelling rules are regexes
def term_stem(low: str) -> str:
    """A lower-case word as a core term: one spelling, stemmed, near-synonyms folded."""
    s = stem(_spelling(low))
    return _SYNONYMS.get(s, s)


def stem_tokens(text: str) -> list[str]:
    """Content words, stemmed: "negotiator" and "negotiate" count as the same word."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def plain(piece: str) -> list[str]:
        return [_SYNONYMS.get(s, s) for s in
                (stem(w) for w in (t.lower() for t in words(piece)) if w not in ENGLISH_STOP_WORDS)]

    # A country is one token however it is named ("Tokyo" = "Japan"). Not the
    # US: "US" reads as the stop word "us" here, so a token for it would be new weight on
    # the story's most common name rather than a bridge between two of its names.
    out, pos = [], 0
    for a, b, canon in place_spans(text):
        if canon == "us":
            continue
        out += plain(text[pos:a]) + ["g_" + canon]
        pos = b
    return out + plain(text[pos:])


# Newsroom framing that links a report to the one before it ("The development comes
# amid ...", "The offer came as ...", "His comments came just days after ..."): the
# subject refers back, the fact is what follows. Counted like an attribution.
FRAMING = re.compile(r"^\W*(?:[\w\u2019'-]+\s+){1,3}(?:comes?|came)\s+(?:(?:just|only|a|one|two|three|few|"
                      r"several|days?|hours?|weeks?|months?)\s+)*(?:after|as|amid|following|before)\b", re.I)


# The occasion of a remark is not the remark: "Commenting on the talks, X said ...",
# "..., the minister said, when asked if the government would step in." The question or topic named
# there is the reporter's, not the fact the sentence states.
_OCCASION = re.compile(r"^\W*(?:commenting|speaking|responding|reacting|referring|asked)\s+(?:on|about|to|at|after|"
                       r"in|during|if|whether)\b[^,;:\"\u201c\u201d]*,", re.I)
_ASKED = re.compile(r"\b(?:when|after|while|as|being)\s+asked\s+(?:if|whether|about|what|how|why|to comment)\b"
                    r"[^,;:\"\u201c\u201d]*", re.I)


def attribution_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of a sentence that only say who reports it.

    A reporting verb's subject is the short run of words back to the previous clause
    mark; after the verb, the words up to the sentence end count when the verb closes
    the sentence ('..., the minister told reporters on Tuesday.'), and the source named by
    "according to" up to the next clause mark.
    """
    spans: list[tuple[int, int]] = []
    framing = FRAMING.match(text) or _OCCASION.match(text)
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
        put("w:" + term_stem(low), f)
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
# the role words that stand in for a name ("the Chilean leader", "US President").
# Two sentences naming the same people can report two different events; shared names
# never make a fact card on their own (see `content_shared`).
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_ROLES = lexicon.word_set("titles", "role")
_CAP_WORD = re.compile(r"([A-Z][\w\u2019'-]*)\s+$")


def name_terms(text: str, mentions=()) -> frozenset[str]:
    """The core terms of `text` (as `core_terms` spells them) that only say who or where:
    gazetteer places, acronyms, words of person/organisation/place mentions, role words
    and the capitalised title run before a person's name ("Foreign Minister Jane Doe")."""
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
                if m.group(1).lower() in ("the", "and", "of") or m.group(1)[:1] in OPEN_QUOTES:
                    break
                b0, n = m.start(1), n + 1
            spans.append((b0, a))
    for m in _WORD.finditer(text):
        w, low = m.group(0), m.group(0).lower()
        if len(w) >= 2 and w.isupper():
            out.add("a:" + low)
        elif low in _ROLES or any(a <= m.start() and m.end() <= b for a, b in spans):
            out.add("w:" + term_stem(low))
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


def surname_term(name: str) -> str:
    """A name as the core term (`core_terms` spelling) of its last word: a person's
    surname ("Jane Doe's" -> the term of "doe"), an acronym ("CNN" -> "a:cnn")."""
    last = ([w for w in words(_POSSESSIVE.sub("", name.strip())) if w.lower() != "the"] or [""])[-1]
    return "a:" + last.lower() if len(last) >= 2 and last.isupper() else "w:" + term_stem(last.lower())


def mention_term(name: str) -> str:
    """A named entity as an overlap signal: a country however it is named, else its stems."""
    bare = re.sub(r"^[Tt]he\s+", "", name.strip())
    bare = _POSSESSIVE.sub("", bare) if bare not in _PLACE_OF else bare
    if bare in _PLACE_OF:
        return "g:" + _PLACE_OF[bare]
    return "e:" + " ".join(stem(w.lower()) for w in words(name))
