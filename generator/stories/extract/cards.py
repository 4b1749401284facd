"""Fact cards: each aligned group becomes one card, ranked.

A card's text is its clearest aligned sentence (a clear supporting sentence when the
aligned ones are all fragments); its sources cite every member and supporting
sentence verbatim with offsets into the cleaned article text. Cards rank by how many
outlets carry them, then centrality, position and clarity.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from generator.config import ExtractSettings
from generator.ids import outlet_key
from generator.nlp import lexicon
from generator.nlp.terms import normalise, words
from generator.records import Analysis, Article, Fact, SourceRef
from generator.stories.extract.align import (align, guard_generic, merge_mutual, prune_multi_cited, specific_terms,
                                             story_names, support, term_weights)
from generator.stories.extract.sentences import (Sentence, after_dateline, clarity, is_clean_sentence, is_fragment,
                                                 references_in, standalone_problem)
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


def with_antecedent(s: Sentence, article: Article, analysis: Analysis, settings: ExtractSettings,
                    taken: frozenset[tuple[int, int]] | set = frozenset()) -> Sentence | None:
    """The sentence `s` (which leans on an earlier one: "Police say he fled.") extended
    back over the sentence before it in its paragraph when that one reads on its own and
    names what `s` points at ("Jon Roe, 41, was charged on Monday. Police say he fled.").
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
    if "\n" in article.text[end:s.start]:
        return None  # another paragraph: the reader would see the break
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
    problem: str | None = None  # why its text cannot be read on its own (`standalone_problem`)


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
    bests = [whole_sentence(best, g, more, sentences) for g, more, best in zip(groups, extra, texts)]
    shown_as, absorbed = extend_dangling(groups, extra, bests, sentences, members, settings)
    for i, (g, more, best) in enumerate(zip(groups, extra, bests)):
        if best is None or i in absorbed:
            continue
        shown = shown_as.get(i, sentences[best])
        text = shown.text
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

        def refs(ks: list[int]) -> list[SourceRef]:
            out = []
            for k in sorted(ks, key=lambda k: (sentences[k].article, sentences[k].start)):
                s = shown if k == best else sentences[k]
                article = members[s.article][0]
                out.append(SourceRef(article.id, article.text[s.start:s.end], s.start, s.end))
            return out

        sources = refs(cited)
        outlets = len({_outlet_of(members[sentences[k].article][0]) for k in cited})
        # A supporting sentence states this fact among others: weaker evidence of how
        # widely it is carried than a sentence aligned as a whole.
        aligned = len({_outlet_of(members[sentences[k].article][0]) for k in g})
        carried = aligned + settings.rank_support * (outlets - aligned)
        position = min(sentences[k].position for k in g)
        centrality = float(np.mean([central[k] for k in g]))
        score = (carried + settings.rank_centrality * centrality + settings.rank_position * (1 - position)
                 + settings.rank_clarity * clarity(text))
        cards.append(Card(Fact(fid, text, kind_of(text), sources, differs=refs(differing)),
                          outlets, score, position, g, shown.problem))
    cards.sort(key=lambda c: (-c.score, c.fact.id))
    return cards

