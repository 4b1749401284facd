"""Fact cards: each aligned group becomes one card, ranked.

A card's text is its clearest aligned sentence (a clear supporting sentence when the
aligned ones are all fragments); its sources cite every member and supporting
sentence verbatim with offsets into the cleaned article text. Cards rank by how many
outlets carry them, then centrality, position and clarity.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from generator.config import ExtractSettings
from generator.ids import outlet_key
from generator.nlp import lexicon
from generator.nlp.terms import normalise
from generator.records import Analysis, Article, Fact, SourceRef
from generator.stories.extract.align import (align, guard_generic, merge_mutual, prune_multi_cited, specific_terms,
                                             story_names, support, term_weights)
from generator.stories.extract.sentences import Sentence, clarity
from generator.stories.group import figures

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
        return (-round(clarity(sentences[k].text), 3), -typical, sentences[k].position, k)

    best = min(g, key=best_key)
    if clarity(sentences[best].text) < settings.clear_text:
        # Only fragments aligned ("..., he added.", half a quote): a clear supporting
        # sentence tells the fact better, though it may state more besides.
        clear = [k for k in more if clarity(sentences[k].text) >= settings.clear_text]
        if clear:
            best = min(clear, key=best_key)
    return best


def agreeing_figures(cited: list[int], best: int, sentences: list[Sentence], sim) -> tuple[list[int], list[int]]:
    """Split a card's sentences: (kept, differing). Kept sentences pairwise agree on
    their figures (when both give numbers other than years, they share one), starting
    from the card's text `best`, the others in order of similarity to it. A sentence
    left out is "differing" when its outlet is not cited otherwise on the card: another
    outlet's version of the fact ("$2.5bn" where the card says "$2.9 billion"); a second
    sentence of a cited article with other figures is dropped (it states something else).
    """
    figs = {k: figures(sentences[k].text) for k in cited}

    def agree(a: int, b: int) -> bool:
        return not (figs[a] and figs[b] and figs[a].isdisjoint(figs[b]))

    kept, left = [best], []
    for k in sorted((k for k in cited if k != best), key=lambda k: (-float(sim[best, k]), k)):
        (kept if all(agree(k, m) for m in kept) else left).append(k)
    have = {sentences[k].article for k in kept}
    differing: list[int] = []
    for k in left:  # most similar first: one version per outlet
        if sentences[k].article not in have:
            have.add(sentences[k].article)
            differing.append(k)
    return kept, differing


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


def source_refs(ks: list[int], sentences: list[Sentence], members: list[tuple[Article, Analysis]]) -> list[SourceRef]:
    """Verbatim citations of sentences `ks`, in article and reading order."""
    out = []
    for k in sorted(ks, key=lambda k: (sentences[k].article, sentences[k].start)):
        s = sentences[k]
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


def build_cards(members: list[tuple[Article, Analysis]], sentences: list[Sentence], sim, x,
                settings: ExtractSettings) -> list[Card]:
    import numpy as np

    weight = term_weights(sentences)
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
    for g, more, best in zip(groups, extra, texts):
        best = whole_sentence(best, g, more, sentences)
        if best is None:
            continue
        text = sentences[best].text
        fid = fact_id(text)
        if fid in used:  # same wording in two unaligned groups: keep ids unique
            n = 2
            while f"{fid}-{n}" in used:
                n += 1
            fid = f"{fid}-{n}"
        used.add(fid)
        # Supporting sentences are cited but never chosen as the card text: they state more.
        cited, differing = g + more, []
        if settings.figures_must_agree:
            cited, differing = agreeing_figures(cited, best, sentences, sim)
            g = [k for k in g if k in cited] or [best]
        cited = sorted(cited, key=lambda k: (sentences[k].article, sentences[k].start))

        sources = source_refs(cited, sentences, members)
        outlets, carried = carried_by(g, cited, sentences, members, settings)
        position = min(sentences[k].position for k in g)
        centrality = float(np.mean([central[k] for k in g]))
        score = (carried + settings.rank_centrality * centrality + settings.rank_position * (1 - position)
                 + settings.rank_clarity * clarity(text))
        cards.append(Card(Fact(fid, text, kind_of(text), sources, differs=source_refs(differing, sentences, members)),
                          outlets, score, position, g, best, cited, differing, carried))
    cards.sort(key=lambda c: (-c.score, c.fact.id))
    return cards

