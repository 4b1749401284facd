"""Alignment: which sentences of a story's articles state the same fact.

Two sentences state the same fact when their TF-IDF cosine (fitted on this story's
sentences) plus their overlap in named entities and numbers clears a threshold.
Groups form greedily from the strongest pair down, average-link guarded, with at most
one sentence per article per group. A pair must also share weighted core content
(story-IDF content words, acronyms, numbers, dates; the "X said" attribution counts
little), so shared names or reporting words alone never align (`guard_generic`).

A second pass (`support`) lets each card cite, from every article it does not cite
yet, the sentence covering most of its core (or of one member's core) through specific
terms: a long sentence often states several facts. Cards that support each other
merge, as does a card that two of another card's sentences back (`merge_mutual`). A
sentence cited on several cards stays on the card it covers best, and on the others
only when it covers enough of them (`prune_multi_cited`).
"""
from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from generator.config import ExtractSettings
from generator.ids import UnionFind
from generator.nlp import lexicon
from generator.nlp.terms import stem_tokens, term_stem
from generator.stories.extract.sentences import Sentence
from generator.stories.tfidf import count_matrix


def core_shared(a: dict[str, float], b: dict[str, float], weight: dict[str, float]) -> float:
    """Weighted core both sentences state outside their attributions, as a share of the
    smaller core (containment: a short sentence may be all of a longer one's fact)."""
    shared = sum(weight.get(t, 0.0) for t, f in a.items() if f >= 1.0 and b.get(t, 0.0) >= 1.0)
    ta = sum(weight.get(t, 0.0) * f for t, f in a.items())
    tb = sum(weight.get(t, 0.0) * f for t, f in b.items())
    small = min(ta, tb)
    return shared / small if small > 0 else 0.0


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
    for how many of its articles carry the term. A term every outlet repeats (the
    country the story is about) says little; one only a single article uses ("oversaw") can never be shared
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


def sentence_matrix(sentences: list[Sentence]):
    """L2-normalised TF-IDF rows for the sentences (fitted on this story only):
    scikit-learn's `TfidfVectorizer(tokenizer=stem_tokens, lowercase=False,
    ngram_range=(1, 2), sublinear_tf=True)`, bit for bit, without its per-call checks
    (they cost more than the arithmetic on a story of a few dozen sentences)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    try:
        x = count_matrix([_analyzer()(s.text) for s in sentences], dtype=np.float64)
    except ValueError:  # nothing but stop words
        return csr_matrix((len(sentences), 1))
    # TfidfTransformer's smooth idf, in its order of operations.
    idf = np.full(x.shape[1], len(sentences) + 1, dtype=np.float64)
    idf /= np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    np.log(x.data, x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    inplace_csr_row_normalize_l2(x)
    return x


@lru_cache(maxsize=1)
def _analyzer():
    """The vectorizer's own analyzer: stemmed words and their bigrams."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(tokenizer=stem_tokens, lowercase=False, token_pattern=None,
                           ngram_range=(1, 2), sublinear_tf=True).build_analyzer()


def similarity(sentences: list[Sentence], x, settings: ExtractSettings):
    """Dense n*n similarity of one story's sentences: cosine blended with signal overlap."""
    import numpy as np

    from scipy.sparse import csr_matrix

    cos = (x @ x.T).toarray().astype(np.float32)
    n = len(sentences)
    # Weighted Jaccard of entities/numbers: a name in every sentence of the story
    # (the story's main country) says nothing; a shared rare one ("A-320", "24 months") says a lot.
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
    # Shared names alone do not make two sentences say the same thing (the main country
    # is in half the story): the signal bonus counts only on top of real word overlap.
    out = np.where(cos >= settings.min_cosine, blended, cos)
    art = np.array([s.article for s in sentences])
    other = art[:, None] != art[None, :]
    if settings.meaning_gate > -1.0 and other.any():
        # Shared words in sentences of two articles that mean different things are no
        # alignment: embedding cosine (`nlp.meaning`) below the gate sets the pair's
        # similarity to 0, for both passes. A one-article story never loads the model.
        from generator.nlp.meaning import cosines

        apart = other & (cosines([s.text for s in sentences]) < settings.meaning_gate)
        out = np.where(apart, 0.0, out).astype(out.dtype)
    return out


def _shared_specific(a: dict[str, float], b: dict[str, float], specific: frozenset[str]) -> int:
    """Specific terms both sentences state in their own words (not in an attribution)."""
    return sum(1 for t, f in a.items() if f >= 1.0 and b.get(t, 0.0) >= 1.0 and t in specific)


def guard_generic(sentences: list[Sentence], sim, weight: dict[str, float], settings: ExtractSettings,
                  names: frozenset[str] | None = None):
    """`sim` with pairs that share only generic words, names or attribution set to 0.

    TF-IDF cosine can clear the threshold on "Brazilian officials" alone; a pair
    must also share enough of its weighted core content outside attributions (see
    `core_shared`), enough of it outside names ("the French President ... German" in
    two different events, see `content_shared`), and a piece of a longer
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


def _covered(card: dict[str, float], cand: dict[str, float], weight: dict[str, float]) -> float:
    """Share of `card`'s weighted core that `cand` states too (asymmetric)."""
    total = sum(weight.get(t, 0.0) * f for t, f in card.items())
    if total <= 0:
        return 0.0
    return sum(weight.get(t, 0.0) * min(f, cand[t]) for t, f in card.items() if t in cand) / total


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
    merely shares a theme with a second card ("tariffs", "negotiator") leaves it. A
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
                # ("... tariffs which were imposed after the vote") count half.
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
    # A card keeps at least its text: a sentence that is two cards' text (or all of a
    # card's aligned sentences cited better elsewhere) would leave a card with nothing.
    for ci, g in enumerate(groups):
        if g and all((ci, k) in drop for k in g):
            keep = texts[ci] if texts is not None and texts[ci] in g else g[0]
            drop.discard((ci, keep))
    return ([[k for k in g if (ci, k) not in drop] for ci, g in enumerate(groups)],
            [[k for k in more if (ci, k) not in drop] for ci, more in enumerate(extra)])


def merge_mutual(groups: list[list[int]], extra: list[list[int]], sentences: list[Sentence]) -> list[list[int]]:
    """Join two cards that support each other (each holds a sentence covering the
    other's core): one fact the first pass split, not one sentence stating two facts.
    A card is also joined to another when at least two sentences of that card (and half
    of them) back it: two outlets independently state its fact in those sentences."""
    owner = {k: gi for gi, g in enumerate(groups) for k in g}
    sets = UnionFind(range(len(groups)))
    root = sets.find
    arts = [{sentences[k].article for k in g} for g in groups]

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
                sets.attach(rj, ri)
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


# ---------------------------------------------------------------- who did what to whom
# Verbs that say nothing of what happened: reporting ("said", "told"; lexicon) and the
# light verbs of English ("have", "make", "take" ...: their object is the event).
_LIGHT = frozenset("w:" + term_stem(w) for w in (
    *lexicon.word_set("reporting", "attribution"),
    "be", "have", "do", "get", "make", "take", "give", "go", "come", "put", "let", "keep", "seem", "become",
    "want", "need", "try", "begin", "start", "continue", "use", "expect", "believe", "think", "know"))


@dataclass(frozen=True)
class Frame:
    """What a sentence's parse says happened (`nlp.analyze.frames`), as core terms: its
    own predicates and their doers and objects, and the predicates and participants it
    states only as background ("after X was arrested, ..."). Nouns that fill a role
    count as predicates too: "the resignation" is the event "resigned" names."""

    main: frozenset[str] = frozenset()
    side: frozenset[str] = frozenset()
    doers: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()


def sentence_frames(sentences: list[Sentence], frames_of: list[list[tuple[int, int, str]]],
                    texts: list[str]) -> list[Frame]:
    """The `Frame` of each sentence from its article's (start, end, role) list. A noun
    after a preposition counts as a predicate when the story uses it as a verb somewhere
    ("after the arrest", "arrested"): "the office" in "the warrant for the office" is
    no event."""
    out = []
    raw = []
    starts = [[f[0] for f in fr] for fr in frames_of]
    for s in sentences:
        fr, text = frames_of[s.article], texts[s.article]
        got: dict[str, set[str]] = {r: set() for r in "PATNpatn"}
        for i in range(bisect_left(starts[s.article], s.start), len(fr)):
            a, b, role = fr[i]
            if a >= s.end:
                break
            if b <= s.end:
                got[role].add("w:" + term_stem(text[a:b].lower()))
        raw.append(got)
    verbs = {t for got in raw for t in got["P"] | got["p"]}
    for got in raw:
        main = got["P"] | (got["N"] & verbs)
        own = main | got["A"] | got["T"]
        side = got["p"] | (got["n"] & verbs) | got["a"] | got["t"]
        out.append(Frame(main=frozenset(main - _LIGHT), side=frozenset(side - own - _LIGHT),
                         doers=frozenset(got["A"]), objects=frozenset(got["T"])))
    return out
