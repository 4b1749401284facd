"""Fact cards: each aligned group becomes one card, ranked.

A card's text is its clearest aligned sentence (a clear supporting sentence when the
aligned ones are all fragments); its sources cite, verbatim with offsets into the
cleaned article text, every member and supporting sentence that states the same fact:
naming the card's participants, with compatible figures (`partition`). Another
outlet's version with other figures is listed as "outlets differ"; an aligned sentence
about other participants starts a card of its own. Cards rank by how many
outlets carry them, then centrality, position and clarity.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from generator.config import ExtractSettings
from generator.ids import outlet_key
from generator.nlp import lexicon
from generator.nlp.terms import normalise, term_stem, words
from generator.records import Analysis, Article, Fact, SourceRef
from generator.stories.extract.align import (Frame, align, guard_generic, merge_mutual, prune_multi_cited,
                                             sentence_frames, specific_terms, story_names, support, term_weights)
from generator.stories.extract.sentences import (Sentence, after_dateline, clarity, is_clean_sentence, is_fragment,
                                                 references_in, standalone_problem)

# Cues of a card's kind (`kind_of`): reported speech, figures, a dated past event.
_REPORTING = re.compile(r"\b(?:" + lexicon.alternation("reporting", "statement") + r")\b", re.I)
_QUOTED = re.compile(r"[\"\u201c][^\"\u201d]{12,}[\"\u201d]")
_FIGURE = re.compile(r"\d\s?%|\bper ?cent\b|\bpercent\b|[$\u20ac\u00a3\u00a5]\s?\d|\d[\d,.]*\s*(?:million|billion|"
                     r"trillion|bn|thousand|barrels|tonnes|tons|km|miles|dollars|euros|people|troops)\b", re.I)
_PAST = re.compile(r"\b(?:\w{3,}ed|was|were|had|made|took|gave|held|met|won|lost|began|fired|sent|"
                   r"struck|killed|hit|set|left|came|went|told|said|led|ran|fell|rose|spoke|brought)\b", re.I)
_TIME_CUE = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
                       r"tonight|last (?:week|month|year)|earlier (?:this|in)|january|february|march|april|"
                       r"may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|"
                       r"aug|sept?|oct|nov|dec)\b|\b(?:19|20)\d\d\b", re.I)


def fact_id(text: str) -> str:
    """Derived from the card text so an editor's edits stay attached across re-runs."""
    return "f-" + hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:8]


def kind_of(text: str) -> str:
    """event | statement | figure | background, by simple general cues."""
    if _QUOTED.search(text) or _REPORTING.search(text):
        return "statement"
    if _FIGURE.search(text):
        return "figure"
    if _PAST.search(text) and _TIME_CUE.search(text):
        return "event"
    return "background"


def _outlet_of(article: Article) -> str:
    return outlet_key(article.outlet, article.id)


def card_sentence(g: list[int], more: list[int], sentences: list[Sentence], sim, settings: ExtractSettings) -> int:
    """The sentence that is a card's text: the clearest aligned one; ties go to the most
    typical of the group, then the earliest."""
    def best_key(k: int) -> tuple:
        typical = sum(sim[k, m] for m in g) / len(g)
        # A sentence that reads on its own first ("Police say Jon Roe fled" over "Police
        # say he fled"), then the clearest.
        return (sentences[k].problem is not None, -round(clarity(sentences[k].text), 3), -typical,
                sentences[k].position, k)

    best = min(g, key=best_key)
    if clarity(sentences[best].text) < settings.clear_text:
        # Only fragments aligned ("..., he added.", half a quote): a clear supporting
        # sentence tells the fact better, though it may state more besides.
        clear = [k for k in more if clarity(sentences[k].text) >= settings.clear_text]
        if clear:
            best = min(clear, key=best_key)
    return best


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "hundred": 100}
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "b": 1e9, "trillion": 1e12, "tn": 1e12}
# A month is a twelfth of a year, so "85 months" is "7 years, 1 month".
_HOURS = {"hour": 1, "day": 24, "week": 168, "month": 730, "year": 8760}
# Between the parts of one duration: "7 years, 1 month", "two years and six months".
_COMPOUND_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)", re.I)
_QUANTITY = re.compile(
    r"(?P<cur>[$\u20ac\u00a3\u00a5])?\s?(?<![\w.,])(?P<num>\d[\d,]*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?![\w.,]\d)"
    r"(?:\s?(?P<scale>" + "|".join(_SCALE) + r")\b)?(?P<pct>\s?%|\s?per ?cent\b)?"
    r"(?:[\s-]+(?P<unit>[a-z]+))?", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")


# A figure given as a bound or a round estimate ("more than $26 million", "about 50
# percent"): another within a tenth of it does not contradict it (`figures_clash`).
_ROUGHLY = re.compile(r"\b(?:about|around|roughly|nearly|almost|approximately|some|estimated|more than|over|"
                      r"at least|up to|less than|under|close to|upwards of)\s+$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:to|and|or|-|\u2013|\u2014)\s*", re.I)


def quantities(text: str) -> dict[str, frozenset[float]]:
    """What a sentence counts: unit -> values. The unit is the currency, "%", hours for
    a duration ("48-hour", "two days", "85 months"; one in parts also as its whole: "7
    years, 1 month"), else the word right after the number ("7 people",
    "6.1-magnitude"); a bare number, a year and a number followed by a small
    word ("one of the") count nothing: without a unit two numbers need not measure
    the same thing. The first number of a range takes the second's unit and scale
    ("nine to 33 years", "5-7 days", "between 10 and 12 million people"). A figure
    given as a bound or an estimate ("more than $26 million") is also listed under
    "~" + its unit, for `figures_clash`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    # (match, value with its own scale, unit key or None, hours per unit of a duration or 1)
    found: list[tuple[re.Match, float, str | None, float]] = []
    for m in _QUANTITY.finditer(text):
        num = m.group("num").lower()
        if num in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[num])
        else:
            if _YEAR.fullmatch(num) and not m.group("cur"):
                continue
            try:
                value = float(num.replace(",", ""))
            except ValueError:
                continue
        scale = _SCALE[m.group("scale").lower()] if m.group("scale") else 1.0
        unit = (m.group("unit") or "").lower()
        key, factor = None, 1.0
        if m.group("cur"):
            key = m.group("cur")
        elif m.group("pct"):
            key = "%"
        elif unit.rstrip("s") in _HOURS:
            key, factor = "h", float(_HOURS[unit.rstrip("s")])
        elif unit and unit not in ENGLISH_STOP_WORDS and len(unit) > 1:
            key = "w:" + term_stem(unit)
        found.append((m, value * scale, key, factor))
    out: dict[str, set[float]] = {}
    for n, (m, value, key, factor) in enumerate(found):
        at = m.start("cur") if m.group("cur") else m.start("num")
        rough = _ROUGHLY.search(text, max(0, at - 20), at) is not None
        if key is None and n + 1 < len(found):
            nxt, _v, nkey, nfactor = found[n + 1]
            if nkey and _RANGE_JOIN.fullmatch(text, m.end("scale") if m.group("scale") else m.end("num"), nxt.start()):
                # scaled like the second ("10 to 12 million") unless it has its own scale
                nscale = _SCALE[nxt.group("scale").lower()] if nxt.group("scale") and not m.group("scale") else 1.0
                key, value = nkey, value * nfactor * nscale
        elif key is not None:
            value *= factor
        if key is not None:
            out.setdefault(key, set()).add(round(value, 6))
            if rough:
                out.setdefault("~" + key, set()).add(round(value, 6))
        # a duration in parts ("7 years, 1 month"): its whole counts too
        if key == "h" and n + 1 < len(found) and found[n + 1][2] == "h" and found[n + 1][3] < factor and \
                _COMPOUND_JOIN.fullmatch(text, m.end(), found[n + 1][0].start("num")):
            whole = round(value + found[n + 1][1] * found[n + 1][3], 6)
            out["h"].add(whole)
            if rough:
                out.setdefault("~h", set()).add(whole)
    return {k: frozenset(v) for k, v in out.items()}


def figures_clash(a: dict[str, frozenset[float]], b: dict[str, frozenset[float]]) -> bool:
    """Two sentences give different figures for one thing: a unit both count with no
    value in common ("$2.5bn" / "$2.9 billion", "7 people" / "9 people"), unless one
    gives it as a bound or an estimate within a tenth of the other's ("more than $26
    million" / "$26.6 million"; the "~" keys of `quantities`)."""
    for u, vals in a.items():
        if u.startswith("~") or u not in b or not vals.isdisjoint(b[u]):
            continue
        rough = a.get("~" + u, frozenset()) | b.get("~" + u, frozenset())
        if not (rough and any(abs(x - y) <= 0.1 * max(abs(x), abs(y)) for x in vals for y in b[u]
                              if x in rough or y in rough)):
            return True
    return False


def _spellings(term: str) -> set[str]:
    """A name's term as an acronym and as a word: "Tass" and "TASS" are one source."""
    body = term.split(":", 1)[-1]
    return {term, "a:" + body, "w:" + term_stem(body)} if term[:2] in ("a:", "w:") else {term}


def participants_missing(card: Sentence, other: Sentence) -> bool:
    """`other` does not name who the card's fact is about. Its words or its quotes'
    speakers must name the card's speaker, whom the card says they told ("X told Y")
    and the source it reports through ("..., the Daily Ledger reported", "according to
    X", "as quoted by X"), unless `other` is that source's own article. And when both
    sentences name people (or both name organisations), one must name one of the
    other's (the same words about another team's coach are another fact). A sentence about the sanctions does not state that a named envoy called
    them the toughest yet. Places are left out: on ECB+ dev a place clash cost
    corroboration recall (.405 -> .393) for no gain in lenient precision."""
    have = other.core.keys() | other.speakers | other.outlet
    if any(not _spellings(t) & have for t in card.speakers | card.attributed):
        return True
    for kind in ("persons", "bodies"):
        a, b = getattr(card, kind), getattr(other, kind)
        if a and b and not a & have and not b & card.core.keys():
            return True
    return False


def other_event(card: Frame, other: Frame) -> bool:
    """`other` reports another event than `card`: both say what happened (a predicate
    other than a reporting or light verb), they share no predicate, where the nouns
    filling a role and the events stated as background count too ("resigned" and "the
    resignation" are one stem; "after the arrest" shares "arrest"), and no doer or
    object either. A shared doer or object keeps the pair (a paraphrase: "the team
    fired the coach" / "the team parted ways with the coach"): on ECB+ dev such pairs
    were more often the same fact than not, and checking them too cost precision."""
    if not card.main or not other.main:
        return False
    mine = card.main | card.side | card.doers | card.objects
    theirs = other.main | other.side | other.doers | other.objects
    if card.main & theirs or other.main & mine:
        return False
    return not (card.doers | card.objects) & (other.doers | other.objects)


def partition(cited: list[int], best: int, sentences: list[Sentence], sim,
              settings: ExtractSettings, frames: list[Frame] | None = None) -> tuple[list[int], list[int], list[int]]:
    """Split a card's sentences: (kept, differing, other). Kept sentences give figures
    compatible with the card's text `best` (`figures_clash`) and name its participants
    (`participants_missing`). (Checking every pair of kept sentences instead, not each
    against the card's text, cost recall on ECB+ dev: .422 -> .399 for strict precision
    .864 -> .873.) A sentence whose figures clash with the card's text, from an outlet
    not cited otherwise, naming the card's participants, is "differing": another
    outlet's version of the fact ("$2.5bn" where the card says "$2.9 billion"). The rest
    state something else (the same words about another team's coach)."""
    qs = {k: quantities(sentences[k].text) for k in cited}
    kept, left = [best], []
    for k in sorted((k for k in cited if k != best), key=lambda k: (-float(sim[best, k]), k)):
        ok = not (settings.figures_must_agree and figures_clash(qs[k], qs[best]))
        ok = ok and not (settings.participants_must_match and participants_missing(sentences[best], sentences[k]))
        ok = ok and not (settings.same_event and frames is not None and other_event(frames[best], frames[k]))
        (kept if ok else left).append(k)
    have = {sentences[k].article for k in kept}
    differing: list[int] = []
    other: list[int] = []
    for k in left:  # most similar first: one version per outlet
        if (settings.figures_must_agree and sentences[k].article not in have
                and figures_clash(qs[k], qs[best]) and not participants_missing(sentences[best], sentences[k])):
            have.add(sentences[k].article)
            differing.append(k)
        else:
            other.append(k)
    return kept, differing, other


def whole_sentence(best: int, g: list[int], more: list[int], sentences: list[Sentence]) -> int | None:
    """The card's text if its quote marks balance, else its clearest cited sentence whose
    marks do; None when every one is a piece of a longer quote: such a card cannot be
    read on its own (the remark itself is on a quote card, with its speaker)."""
    if not sentences[best].fragment:
        return best
    whole = [k for k in g + more if not sentences[k].fragment]
    if not whole:
        return None
    return min(whole, key=lambda k: (-round(clarity(sentences[k].text), 3), sentences[k].position, k))


def source_refs(ks: list[int], sentences: list[Sentence], members: list[tuple[Article, Analysis]],
                shown: tuple[int, Sentence] | None = None) -> list[SourceRef]:
    """Verbatim citations of sentences `ks`, in article and reading order; `shown`
    (index, extended sentence) cites that sentence by its extended span."""
    out = []
    for k in sorted(ks, key=lambda k: (sentences[k].article, sentences[k].start)):
        s = shown[1] if shown is not None and k == shown[0] else sentences[k]
        article = members[s.article][0]
        out.append(SourceRef(article.id, article.text[s.start:s.end], s.start, s.end))
    return out


def carried_by(aligned: list[int], cited: list[int], sentences: list[Sentence],
               members: list[tuple[Article, Analysis]], settings: ExtractSettings) -> tuple[int, float]:
    """(outlets citing the card, the outlets term of its rank). A supporting sentence
    states this fact among others: weaker evidence of how widely it is carried than a
    sentence aligned as a whole."""
    outlets = len({_outlet_of(members[sentences[k].article][0]) for k in cited})
    n_aligned = len({_outlet_of(members[sentences[k].article][0]) for k in aligned})
    return outlets, n_aligned + settings.rank_support * (outlets - n_aligned)


def with_antecedent(s: Sentence, article: Article, analysis: Analysis, settings: ExtractSettings,
                    taken: frozenset[tuple[int, int]] | set = frozenset()) -> Sentence | None:
    """The sentence `s` (which leans on an earlier one: "Police say he fled.") extended
    back over the sentence before it when that one reads on its own and names what `s`
    points at ("Jon Roe, 41, was charged on Monday. Police say he fled."). The sentence
    before may end the previous paragraph (`extend_across_paragraphs`): many sites break
    after every sentence or two, and on Multi-News dev the key points gained from it.
    The span is verbatim text at its own offsets; None when no such sentence is there, or
    when another card cites it (`taken`: (article, start) of cited sentences): a sentence
    is shown on the card that states it, not twice."""
    if s.problem not in ("reference", "speaker", "opener"):
        return None
    prev = [(a, b) for a, b in analysis.sentences if b <= s.start]
    if not prev:
        return None
    start, end = prev[-1]
    if any(k == s.article and start <= pos < end for k, pos in taken):
        return None
    start = after_dateline(article.text, start, end)
    if "\n" in article.text[end:s.start] and not settings.extend_across_paragraphs:
        return None
    before = article.text[start:end]
    if not is_clean_sentence(before, settings) or standalone_problem(before, references_in(analysis, start, end)):
        return None
    text = article.text[start:s.end]
    if len(words(text)) > settings.max_words or is_fragment(text):
        return None
    refs = references_in(analysis, start, s.end)  # those the sentence before does not name
    problem = standalone_problem(text, refs)
    return None if problem else replace(s, start=start, text=text, problem=None, references=refs)


def extend_dangling(groups: list[list[int]], extra: list[list[int]], bests: list[int | None],
                    sentences: list[Sentence], members: list[tuple[Article, Analysis]],
                    settings: ExtractSettings) -> tuple[dict[int, Sentence], set[int]]:
    """Card texts that lean on the sentence before them, extended over it
    (`with_antecedent`): {group: extended text}, and the groups to drop. The sentence
    taken in may be another card's only sentence ("Jon Roe was charged on Monday." on
    its own card): that card goes, so the sentence is shown once. A sentence that a card
    of several sentences cites stays there, and the dangling text stays as it is."""
    single = {}  # (article, start) of a one-sentence card's sentence -> its group
    taken: set[tuple[int, int]] = set()
    for i, (g, more) in enumerate(zip(groups, extra)):
        cited = g + more
        if len(cited) == 1:
            single[sentences[cited[0]].article, sentences[cited[0]].start] = i
        else:
            taken.update((sentences[k].article, sentences[k].start) for k in cited)
    shown: dict[int, Sentence] = {}
    absorbed: set[int] = set()
    for i, best in enumerate(bests):
        if best is None or i in absorbed:
            continue
        s = sentences[best]
        article, analysis = members[s.article]
        ext = with_antecedent(s, article, analysis, settings, taken)
        if ext is None:
            continue
        inside = [j for (a, pos), j in single.items() if a == s.article and ext.start <= pos < s.start]
        if any(j == i or j in shown for j in inside):
            continue  # that card shows its own extended text: keep both as they are
        shown[i] = ext
        absorbed.update(inside)
    return shown, absorbed


@dataclass
class Card:
    """A fact card while the story is assembled: its rank and aligned sentences."""

    fact: Fact
    outlets: int
    score: float
    position: float
    members: list[int]
    text: int = -1                                     # index of the sentence that is the card's text
    cited: list[int] = field(default_factory=list)     # every sentence the card cites
    differing: list[int] = field(default_factory=list)  # sentences listed as "outlets differ"
    carried: float = 0.0                               # the outlets term of `score`
    problem: str | None = None  # why its text cannot be read on its own (`standalone_problem`)


def build_cards(members: list[tuple[Article, Analysis]], sentences: list[Sentence], sim, x,
                settings: ExtractSettings) -> list[Card]:
    import numpy as np

    weight = term_weights(sentences)
    frames = (sentence_frames(sentences, [an.frames for _a, an in members], [a.text for a, _an in members])
              if settings.same_event else None)
    specific = specific_terms(sentences, settings)
    names = story_names(sentences)
    groups = align(sentences, guard_generic(sentences, sim, weight, settings, names), settings)
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
    pruned, pruned_extra = prune_multi_cited(groups, extra, sentences, weight, names, settings, texts)
    # Pruning protects each card's text but may take other sentences off a card, which
    # can change its choice (the tie-break on typicality): choose again for those cards.
    texts = [t if (g, more) == (pg, pmore) else card_sentence(pg, pmore, sentences, sim, settings)
             for t, g, more, pg, pmore in zip(texts, groups, extra, pruned, pruned_extra)]
    groups, extra = pruned, pruned_extra
    centroid = np.asarray(x.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    central = (x @ centroid) / norm if x.shape[1] else np.zeros(len(sentences))
    cards: list[Card] = []
    used: set[str] = set()
    bests = [whole_sentence(best, g, more, sentences) for g, more, best in zip(groups, extra, texts)]
    # Texts that lean on the sentence before them, extended over it; the one-sentence
    # cards that sentence was are dropped (it is shown once).
    shown_as, absorbed = extend_dangling(groups, extra, bests, sentences, members, settings)
    work = [(g, more, best, i) for i, (g, more, best) in enumerate(zip(groups, extra, bests))]
    while work:
        g, more, best, origin = work.pop(0)
        if origin is None:
            best = whole_sentence(best, g, more, sentences)
        if best is None or origin in absorbed:
            continue
        first = best
        text = sentences[best].text
        # Supporting sentences are cited but never chosen as the card text: they state more.
        cited, differing, other = partition(g + more, best, sentences, sim, settings, frames)
        if other or differing:
            # Another clear aligned sentence may be the text more of the card's sources
            # state whole (the same remark without "..., X told Y"): it takes the card,
            # so the card claims only what its sources say and loses none of them.
            for k in g:
                if k != best and not sentences[k].fragment and clarity(sentences[k].text) >= settings.clear_text:
                    alt = partition(g + more, k, sentences, sim, settings, frames)
                    if len(alt[0]) > len(cited):
                        best, (cited, differing, other) = k, alt
            text = sentences[best].text
        rest = [k for k in g if k in other]
        if rest:
            # Aligned sentences that state something else (other participants, other
            # figures) are a card of their own, not dropped: no citation is lost.
            # Its supporting sentences go with it when the card's text was an aligned one
            # (a card whose text is a support could otherwise come back unchanged).
            rest_more = [k for k in more if k in other] if best in g else []
            work.append((rest, rest_more, card_sentence(rest, rest_more, sentences, sim, settings), None))
        g = [k for k in g if k in cited] or [best]
        # The extended text stands only when the card kept the sentence it extends.
        shown = shown_as[origin] if origin in shown_as and best == first else sentences[best]
        text = shown.text
        fid = fact_id(text)
        if fid in used:  # same wording in two unaligned groups: keep ids unique
            n = 2
            while f"{fid}-{n}" in used:
                n += 1
            fid = f"{fid}-{n}"
        used.add(fid)
        cited = sorted(cited, key=lambda k: (sentences[k].article, sentences[k].start))

        sources = source_refs(cited, sentences, members, (best, shown))
        outlets, carried = carried_by(g, cited, sentences, members, settings)
        position = min(sentences[k].position for k in g)
        centrality = float(np.mean([central[k] for k in g]))
        score = (carried + settings.rank_centrality * centrality + settings.rank_position * (1 - position)
                 + settings.rank_clarity * clarity(text))
        cards.append(Card(Fact(fid, text, kind_of(text), sources, differs=source_refs(differing, sentences, members)),
                          outlets, score, position, g, best, cited, differing, carried, shown.problem))
    cards.sort(key=lambda c: (-c.score, c.fact.id))
    return cards

