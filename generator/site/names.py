"""Who a displayed line names by surname alone, for the full name shown beside it.

A key point or timeline item is verbatim text, so a line that says "Roe stressed ..."
stays as its outlet wrote it; a reader who meets it on its own does not know who Roe
is. When the story's entities say who that is, the page shows the full name beside
the line (never inside it), linked to the person. As in the entity stage, a bare
surname names a person only when one person of the story carries it, and the full name
shown must be written, word for word, in an article the line's card cites, and not
only where a sentence opens (there a capital says nothing: "Fortunately Jon" is no
name): nothing is added that the sources do not say.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable

from generator.nlp.dates import MONTHS, WEEKDAYS
from generator.nlp.entities import ABBREVIATIONS, acronym_long_form, key
from generator.records import Entity

# Words before a surname that do not make it a fuller name: "Mr Roe" still leaves the
# reader asking which Roe. Any other capitalised word before it is taken for a first
# name or a role ("Jane Roe", "Senator Roe"), which says enough.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})
_SURNAME = re.compile(r"[A-Z][a-z][\w'\u2019-]*")  # "Roe", "O'Neil"; not "B.C" or "UN"
_QUOTES_AND_SPACE = frozenset(" \t\n\"'\u201c\u201d\u2018\u2019(")
# A stop that ends an abbreviation, not a sentence: a short capitalised word ("Sen.",
# "Gov.", "Dr.") or one with another stop inside ("U.S.").
_ABBREVIATION = re.compile(r"(?<![\w.])(?:[A-Z][a-z]{0,3}|[A-Za-z](?:\.[A-Za-z])+)\.$")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'\u2019.-]*)\s+$")


def _full_forms(person: Entity) -> tuple[str, ...]:
    """Two words or more, the last a surname ("Nelson B.C" is a place the tagger took)."""
    return _forms(person.name, tuple(person.aliases))[0]


def _short_forms(person: Entity) -> tuple[str, ...]:
    """The surname and the one-word aliases ("Roe", "O'Neil"; not "B.C" or "UN")."""
    return _forms(person.name, tuple(person.aliases))[1]


@functools.lru_cache(maxsize=1 << 14)  # a story's people are looked at for each of its lines
def _forms(name: str, aliases: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    full = tuple(f for f in (name, *aliases) if len(f.split()) >= 2 and _SURNAME.fullmatch(f.split()[-1]))
    shorts = (name.split()[-1], *(a for a in aliases if len(a.split()) == 1))
    return full, tuple(f for f in dict.fromkeys(shorts) if _SURNAME.fullmatch(f))


def _inside_sentences(form: str, text: str) -> int:
    """How often `form` is written in `text` after another word of its sentence."""
    n = 0
    for m in re.finditer(r"(?<![\w'\u2019-])" + re.escape(form) + r"(?![\w-])", text):
        j = m.start()
        while j > 0 and text[j - 1] in _QUOTES_AND_SPACE:
            if text[j - 1] == "\n":
                break
            j -= 1
        # after a word, a comma or a dash (',” Jane Roe said') or an abbreviation's
        # stop ("Sen. Jane Roe", "U.S. Rep."); not after a sentence's stop, a colon or a
        # line break
        if j > 0 and (text[j - 1] not in ".!?:\n" or text[j - 1] == "." and _ABBREVIATION.search(text[max(0, j - 12):j])):
            n += 1
    return n


# After a name, a capitalised word that is not more of it ("Roe Monday signed ...").
# The full names of days and months: the longest spelling of each in the date stage's tables.
_DAYS_AND_MONTHS = frozenset(max((k for k in table if table[k] == v), key=len)
                             for table in (WEEKDAYS, MONTHS) for v in set(table.values()))
_PARTICLE = r"(?:de|van|von|da|di|del|la|le|bin|al)"  # "Arthur de Roe", "Omar bin Roe"
_PARTICLE_BEFORE = re.compile(r"([A-Za-z][\w'\u2019.-]*)\s+" + _PARTICLE + r"\s+$")
_WORD_AFTER = re.compile(r"\s+(?:" + _PARTICLE + r"\s+)?([A-Z][\w'\u2019-]*)")


def _bare_at(text: str, short: str) -> int | None:
    """Where `text` uses `short` with no first name or role before it and no further
    name after it (None: nowhere): "Lee Cheol-woo", "Herman Law", "Arthur de Soultrait",
    "Jean de Roe" and "the Methow Valley" name someone or something else."""
    for m in re.finditer(r"(?<![\w'\u2019-])" + re.escape(short) + r"(?![\w-])", text):
        before = _PARTICLE_BEFORE.search(text[:m.start()]) or _WORD_BEFORE.search(text[:m.start()])
        word = before.group(1) if before else ""
        if word[:1].isupper() and word.rstrip(".").lower() not in _HONORIFICS:
            continue
        after = _WORD_AFTER.match(text, m.end())
        if after and after.group(1).lower() not in _DAYS_AND_MONTHS:
            continue
        return m.start()
    return None


_CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-Z][a-z][\w'\u2019-]*")


class StoryPeople:
    """A story's people indexed by the one-word forms a line may name them by (built
    once per story page: a line then looks up only the capitalised words it has)."""

    def __init__(self, people: Iterable[Entity]):
        carriers: dict[str, dict[str, Entity]] = {}
        for person in people:
            if person.kind == "person":
                for short in _short_forms(person):
                    carriers.setdefault(short, {})[person.id] = person
        # A surname two people of the story carry names neither; a person with no full
        # name gets none.
        self.by_short: dict[str, Entity] = {short: one for short, ps in carriers.items() if len(ps) == 1
                                            for one in ps.values() if _full_forms(one)}
        # (full form, id of a source text) -> times written inside a sentence: the
        # story's cards cite the same few articles over and over
        self._inside: dict[tuple[str, int], int] = {}

    def _count(self, form: str, text: str) -> int:
        key = (form, id(text))
        if key not in self._inside:
            self._inside[key] = _inside_sentences(form, text)
        return self._inside[key]

    def bare_names(self, text: str, sources: Iterable[str]) -> list[tuple[str, str, Entity]]:
        """See `bare_names`."""
        words = {w.split("'")[0].split("\u2019")[0] for w in _CAPITALISED.findall(text)}
        candidates = {p.id: p for p in (self.by_short.get(w) for w in words) if p is not None}
        if not candidates:
            return []
        sources = list(sources)
        found: list[tuple[int, str, str, Entity]] = []
        low = text.lower()
        for person in candidates.values():
            full = _full_forms(person)
            if any(f.lower() in low for f in full):
                continue  # "Zeta beta Tau" names "Beta Tau" itself
            bare = next(((at, short) for short in _short_forms(person) if short in self.by_short and short in text
                         for at in [_bare_at(text, short)] if at is not None), None)
            if bare is None:
                continue
            # the form the sources write most often inside a sentence; fewer words first
            counts = {f: sum(self._count(f, t) for t in sources) for f in full}
            written = min((f for f in full if counts[f]), key=lambda f: (-counts[f], len(f.split()), f), default=None)
            if written is not None:
                found.append((bare[0], bare[1], written, person))
        return [(short, written, person) for _at, short, written, person in sorted(found, key=lambda x: (x[0], x[3].id))]


# What a source says the person is, in an apposition right after the full name: "Jane
# Roe, a county prosecutor, said ...". Closed by a comma, opened by an article, at most
# `_ROLE_WORDS` words, no quote or bracket inside; "Roe, 41, ...", "Roe, who ..." and
# "Roe, of Springfield, ..." give none.
_ROLE_WORDS = 12
_ROLE_AFTER = r",\s+((?:a|an|the)\s+[^,;:()\[\]\"\u201c\u201d\n]{2,120}?),"


def role_in(full: str, sources: Iterable[str]) -> str | None:
    """The first apposition after `full` (a full name) in the `sources`, in their order,
    as written; None when none gives one."""
    pattern = re.compile(r"(?<![\w'\u2019-])" + re.escape(full) + _ROLE_AFTER)
    for text in sources:
        for m in pattern.finditer(text):
            role = m.group(1)
            if len(role.split()) <= _ROLE_WORDS:
                return role
    return None


def bare_names(text: str, people: Iterable[Entity], sources: Iterable[str]) -> list[tuple[str, str, Entity]]:
    """(the word `text` uses, the full name, the person) for each of `people` (the
    story's) that `text` names by surname (or a one-word alias) alone, in the order the
    text names them. A person counts only when no full name of theirs (two words or
    more: the entity's name or an alias) is in `text` and one is written in the
    `sources` after another word of its sentence; the form written so most often is
    the one given. A surname two of `people` carry (a victim and her brother, two
    sisters) names neither."""
    return StoryPeople(list(people)).bare_names(text, sources)


# An acronym a line uses and the cited articles spell out: "Uganda Wildlife Authority
# (UWA)". The long form must fit the letters (`entities.acronym_long_form`) and be a
# name (capitalised); abbreviations every reader knows ("US", "UN") get none.
_ACRONYM = re.compile(r"(?<![\w.])([A-Z]{2,6})(?![\w.])")
_DEFINED = re.compile(r"((?:[A-Za-z][\w'\u2019&-]*\s+){1,10})\(([A-Z]{2,6})\)")


@functools.lru_cache(maxsize=1 << 12)  # one article is cited by many cards of its story
def defined_acronyms(text: str) -> dict[str, frozenset[str]]:
    """acronym -> the capitalised long forms `text` gives it in brackets after them."""
    out: dict[str, set[str]] = {}
    if "(" not in text:
        return {}
    for m in _DEFINED.finditer(text):
        # "the Pacific Crest Trail Association's (PCTA) permits": the name, not its possessive
        long_form = acronym_long_form(m.group(2), re.sub(r"['\u2019]s?(\s+)$", r"\1", m.group(1)))
        # two words at least: "HSA (HSA)" spells nothing out
        if long_form and len(long_form.split()) >= 2 and long_form[:1].isupper() and long_form.split()[-1][:1].isupper():
            out.setdefault(m.group(2), set()).add(long_form)
    return {a: frozenset(v) for a, v in out.items()}


def spelled_out(text: str, sources: Iterable[str]) -> list[tuple[str, str]]:
    """(acronym, long form) for each acronym `text` uses without its long form that the
    `sources` spell out one way only, in the order the line uses them."""
    found = [a for a in dict.fromkeys(_ACRONYM.findall(text)) if key(a) not in ABBREVIATIONS]
    if not found:
        return []
    forms: dict[str, set[str]] = {}
    for src in sources:
        for a, longs in defined_acronyms(src).items():
            if a in found:
                forms.setdefault(a, set()).update(longs)
    low = text.lower()
    return [(a, next(iter(forms[a]))) for a in found
            if len(forms.get(a, ())) == 1 and next(iter(forms[a])).lower() not in low]
