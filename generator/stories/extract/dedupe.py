"""One card per fact, one card per sentence: a pass over the ranked cards.

Alignment allows one sentence per article on a card, and its second pass lets a long
sentence support several cards, so a reader could see one fact on two cards, or one
outlet's sentence cited on several. Here:

1. Two cards stating the same fact merge: one card cites the other's text sentence
   (so that sentence states the first card's fact too), the texts are at least
   `duplicate_similarity` alike (story similarity) and their figures agree. The
   higher-ranked card keeps its text; sources join, one sentence per article (the
   kept card's), and no merge drops the other card's text (when the kept card cites
   another sentence of that article, the article states two things). Merges go
   strongest first and a card merges once, so no chain of merges drifts from one
   fact to the next.
2. A sentence that is a card's text is cited on that card only, not as support on
   others: "The Alton ferry resumed service on Monday" is the ferry card, not also a
   supporting line on the repairs card. A long sentence that is no card's text may
   still support several cards ("The ferry resumed on Monday after repairs that cost
   2 million euros" backs the reopening and the cost): taking those off every card
   but one cut ECB+ corroboration recall from .354 to .324 (README).

`duplicate_similarity` was chosen on ECB+ dev (gold event chains), README "One card
per fact": 0 was the only value tried that lowered neither strict citation precision
nor corroboration recall.
"""
from __future__ import annotations

from generator.config import ExtractSettings
from generator.records import Analysis, Article
from generator.stories.extract.cards import Card, carried_by, source_refs
from generator.stories.extract.sentences import Sentence
from generator.stories.group import figures


def _figures_agree(a: str, b: str) -> bool:
    fa, fb = figures(a), figures(b)
    return not (fa and fb and fa.isdisjoint(fb))


def duplicate_pairs(cards: list[Card], sim, sentences: list[Sentence],
                    settings: ExtractSettings) -> list[tuple[int, int]]:
    """(i, j), i < j, for cards that state the same fact (rule 1 above), strongest first."""
    where: dict[int, set[int]] = {}
    for ci, c in enumerate(cards):
        for k in c.cited:
            where.setdefault(k, set()).add(ci)
    pairs = []
    for j, c in enumerate(cards):
        for i in where.get(c.text, ()):
            if i == j:
                continue
            a, b = min(i, j), max(i, j)
            s = float(sim[cards[a].text, cards[b].text])
            if s >= settings.duplicate_similarity and _figures_agree(cards[a].fact.text, cards[b].fact.text):
                pairs.append((s, a, b))
    pairs = sorted(set(pairs), key=lambda p: (-p[0], p[1], p[2]))
    return [(a, b) for _s, a, b in pairs]


def _rebuild(card: Card, aligned: list[int], cited: list[int], differing: list[int], sentences: list[Sentence],
             members: list[tuple[Article, Analysis]], settings: ExtractSettings) -> None:
    cited = sorted(set(cited), key=lambda k: (sentences[k].article, sentences[k].start))
    have = {sentences[k].article for k in cited}
    differing = [k for k in dict.fromkeys(differing) if sentences[k].article not in have]
    outlets, carried = carried_by(aligned, cited, sentences, members, settings)
    card.score += carried - card.carried
    card.carried, card.outlets = carried, outlets
    card.members, card.cited, card.differing = aligned, cited, differing
    card.fact.sources = source_refs(cited, sentences, members)
    card.fact.differs = source_refs(differing, sentences, members)


def dedupe(cards: list[Card], sentences: list[Sentence], sim, members: list[tuple[Article, Analysis]],
           settings: ExtractSettings) -> list[Card]:
    """The cards with duplicates merged and each sentence cited on one card, re-ranked."""
    if not cards or any(c.text < 0 for c in cards):
        return cards  # cards not built from these sentences: nothing to compare
    # 1. Merge, strongest pair first; a card merges once (no chains of merges that
    #    drift from one fact to the next).
    into: dict[int, int] = {}
    # The sentences each card states as its text: a merged card states both.
    owns = [{c.text} for c in cards]
    for a, b in duplicate_pairs(cards, sim, sentences, settings):
        if a in into or b in into:
            continue
        keep, gone = (a, b) if (-cards[a].score, cards[a].fact.id) <= (-cards[b].score, cards[b].fact.id) else (b, a)
        k, g = cards[keep], cards[gone]
        # One sentence per article: where both cite an article, the kept card's sentence
        # stays, unless the other card's text would go (that article states two things).
        have = {sentences[m].article: m for m in k.cited}
        if have.get(sentences[g.text].article, g.text) != g.text:
            continue
        extra = [m for m in g.cited if sentences[m].article not in have]
        into[gone] = keep
        into[keep] = keep
        owns[keep] |= owns[gone]
        _rebuild(k, sorted(set(k.members) | (set(g.members) & set(extra))), k.cited + extra,
                 k.differing + g.differing, sentences, members, settings)
    owns = [o for ci, o in enumerate(owns) if into.get(ci, ci) == ci]
    cards = [c for ci, c in enumerate(cards) if into.get(ci, ci) == ci]
    # 2. One card per sentence.
    where: dict[int, list[int]] = {}
    for ci, c in enumerate(cards):
        for k in c.cited:
            where.setdefault(k, []).append(ci)
    drop: dict[int, set[int]] = {}
    for k, cis in where.items():
        if len(cis) < 2:
            continue
        own = [ci for ci in cis if k in owns[ci]]
        if not own:
            continue  # no card's text: a long sentence may support several facts (see above)
        best = own[0]
        for ci in cis:
            if ci != best:
                drop.setdefault(ci, set()).add(k)
    for ci, ks in drop.items():
        c = cards[ci]
        _rebuild(c, [k for k in c.members if k not in ks] or [c.text], [k for k in c.cited if k not in ks],
                 c.differing, sentences, members, settings)
    cards.sort(key=lambda c: (-c.score, c.fact.id))
    return cards

