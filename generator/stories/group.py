"""Group stage: articles -> stories with stable ids (issue 3).

Each article becomes one sparse vector: TF-IDF over word 1-2 grams of its text plus
a second TF-IDF block over "signal" tokens (named entities, numbers, date values),
because two reports of one event in different words still share who, where, how
many and when. Candidate links come from sparse nearest neighbours (k small), so
the cost grows with n*k, never n*n. Links are kept only inside a publication-date
window (an article with no date is not restricted).

Linking is greedy average-link over the candidate edges: edges are visited from the
most to the least similar, and two clusters merge only when the *average* similarity
between all their members clears the threshold. Plain single-link union-find would
chain "protest in A" -> "protest in A and B" -> "protest in B" into one story; the
average-link guard stops that. With L2-normalised vectors the average pairwise cosine
of two clusters is (sum_A . sum_B) / (|A| |B|), so the guard costs one sparse dot.

Two events of one kind (two fires in one city, two arrests of two players of one team)
share most words; their reports differ in who and how many, and news says both in its
lead. So the similarity of two articles is lowered when both leads name people (the
article naming them again) and share no surname, and when both give distinctive
figures (years and small whole numbers aside) and share none. The lead features are
computed once per article; the penalty lowers the candidate edges and enters the
average-link guard as the average penalty between the two clusters.

An article the linking leaves alone then joins its closest story at a lower bar
(`attach_threshold`, penalties included): a follow-up or a sidebar on a story shares
less wording than two reports of it.

A paragraph carried by many unrelated pages (an archive's crawl note) would link them;
`furniture_spans` finds such corpus furniture and leaves it out of the similarity.

Ids are stable: a cluster inherits the story id most of its members had in the
previous build; otherwise it gets `YYYY-MM-DD-<slug of its title>`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from generator.config import GroupSettings
from generator.ids import UnionFind, slugify, valid_id
from generator.nlp.analyze import name_key, text_names
from generator.records import Analysis, Article


@dataclass
class StoryGroup:
    id: str                 # stable story id
    article_ids: list[str]  # members, in a deterministic order


def publication_day(article: Article) -> date | None:
    value = (article.published or "")[:10]
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def group_title(articles: list[Article]) -> str:
    """A provisional title for a new id: the headline sharing most words with the
    other headlines (the most typical one), else the earliest article's first line."""
    heads = [a.headline.strip() for a in articles if a.headline and a.headline.strip()]
    if heads:
        bags = [set(re.findall(r"[a-z0-9]+", h.lower())) for h in heads]

        def typical(i: int) -> float:
            return sum(len(bags[i] & b) / (len(bags[i] | b) or 1) for j, b in enumerate(bags) if j != i)

        return heads[max(range(len(heads)), key=lambda i: (typical(i), -i))]
    for a in articles:
        for line in a.text.splitlines():
            if line.strip():
                return line
    return "story"


# ---------------------------------------------------------------- features
_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d(?:\s?(?:%|per ?cent|million|billion|bn|m))?|(?<![\w.])\d(?![\w])")


def number_tokens(text: str) -> list[str]:
    """The numbers of `text` as signal tokens ("n:1500", "n:12%")."""
    tokens = []
    for n in _NUMBER.findall(text):
        norm = n.replace(",", "").replace(" ", "").lower()
        # Single digits are too common ("two", list numbers) to say anything about an event.
        if len(norm.rstrip("%")) > 1:
            tokens.append("n:" + norm)
    return tokens


# ---------------------------------------------------------------- corpus furniture
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")
_CONTENT_WORD = re.compile(r"[a-z0-9]+")
_FURNITURE_HOLDERS = 20  # holders of one paragraph compared pairwise (bounds the cost)


def _bag(text: str) -> Counter:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return Counter(w for w in _CONTENT_WORD.findall(text.lower()) if len(w) > 2 and w not in ENGLISH_STOP_WORDS)


def furniture_spans(texts: list[str], max_similarity: float) -> list[list[tuple[int, int]]]:
    """Per text, the character spans of paragraphs that are page furniture of the corpus.

    Cleaning judges one article (or one outlet) at a time, so a paragraph that many
    sites carry but no one outlet repeats often enough passes it: an archive's "this
    page was crawled by ..." note, a video player's error line, a newsletter box. Such
    a paragraph recurs verbatim in articles that otherwise have nothing in common,
    and joins their stories. A repeated paragraph of news (a wire lead, a quote) recurs
    in reports of one event, whose other paragraphs are alike too. So a paragraph
    found in two or more texts is furniture when, for every pair of its holders, the
    rest of one holder shares little (content-word cosine below `max_similarity`)
    with the rest of the other, or with the paragraph itself when the other holder
    is nothing but that paragraph. Holders that are both nothing but the paragraph
    say nothing (wire copies of one brief look exactly like that), and a paragraph
    with no comparable pair is kept.
    """
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    if max_similarity <= 0:
        return out
    spans_of: list[list[tuple[int, int, str]]] = []
    holders: dict[str, list[int]] = {}
    for t, text in enumerate(texts):
        paras = []
        for m in _PARAGRAPH.finditer(text):
            k = " ".join(_CONTENT_WORD.findall(m.group().lower()))
            if k:
                paras.append((m.start(), m.end(), k))
                if t not in holders.setdefault(k, [t])[-1:]:
                    holders[k].append(t)
        spans_of.append(paras)
    # Whole-text bags of the texts holding a repeat. The rest of a text without paragraph
    # P is its bag minus P's (P's words are all in it), so every dot product below comes
    # from whole-text products (cached per pair: copies of one story share many
    # paragraphs) and products with P's few words, never from a rebuilt bag.
    bags: dict[int, Counter] = {}
    norms: dict[int, float] = {}
    pair_dots: dict[tuple[int, int], float] = {}
    key_counts = [Counter(p for _s, _e, p in paras) for paras in spans_of]

    def bag_of(t: int) -> Counter:
        if t not in bags:
            bags[t] = _bag(" ".join(p for _s, _e, p in spans_of[t]))
            norms[t] = float(sum(v * v for v in bags[t].values()))
        return bags[t]

    def pair_dot(a: int, b: int) -> float:
        if (a, b) not in pair_dots:
            small, large = sorted((bag_of(a), bag_of(b)), key=len)
            pair_dots[(a, b)] = float(sum(v * large[w] for w, v in small.items() if w in large))
        return pair_dots[(a, b)]

    for k, holding in holders.items():
        if len(holding) < 2:
            continue
        para = _bag(k)
        pp = float(sum(v * v for v in para.values()))
        if not pp:
            continue
        rest = []  # per holder: (text, times P occurs in it, its bag . P, squared norm of its rest)
        for t in holding[:_FURNITURE_HOLDERS]:
            times = key_counts[t][k]
            whole = bag_of(t)
            bp = float(sum(v * whole[w] for w, v in para.items()))
            rest.append((t, times, bp, max(0.0, norms[t] - 2 * times * bp + times * times * pp)))
        furniture = True
        comparable = False
        for n, (a, ca, ap, ra) in enumerate(rest):
            for b, cb, bp, rb in rest[n + 1:]:
                if ra > 1e-9 and rb > 1e-9:
                    dot = pair_dot(a, b) - cb * ap - ca * bp + ca * cb * pp  # (A - ca P) . (B - cb P)
                    sim = dot / (ra * rb) ** 0.5
                elif ra > 1e-9 or rb > 1e-9:
                    c, r, xp = (ca, ra, ap) if ra > 1e-9 else (cb, rb, bp)
                    sim = (xp - c * pp) / (r * pp) ** 0.5
                else:
                    continue  # both nothing but P: no evidence either way
                comparable = True
                if sim >= max_similarity:
                    furniture = False
                    break
            if not furniture:
                break
        if furniture and comparable:
            for t in holding:
                out[t] += [(s, e) for s, e, p in spans_of[t] if p == k]
    return out


def _outside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return not any(s <= start and end <= e for s, e in spans)


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + text[e:]
    return text


def signal_tokens(article: Article, analysis: Analysis | None,
                  furniture: list[tuple[int, int]] = ()) -> list[str]:
    """Entities, numbers and resolved dates, normalised to comparable tokens (none
    from `furniture` spans)."""
    tokens: list[str] = []
    if analysis is not None:
        for m in analysis.mentions:
            if furniture and not _outside(m.start, m.end, furniture):
                continue
            name = re.sub(r"^the\s+", "", m.text.strip().lower())
            name = re.sub(r"['\u2019]s$", "", name)
            if name:
                tokens.append("e:" + name)
        for d in analysis.dates:
            if furniture and not _outside(d.start, d.end, furniture):
                continue
            tokens.append("d:" + d.value)
    return tokens + number_tokens(_without(article.text, list(furniture)) if furniture else article.text)


def guard_names(article: Article, analysis: Analysis | None,
                furniture: list[tuple[int, int]] = ()) -> frozenset[str]:
    """The names the shared-name guard compares (`require_shared_entity`): the text's
    name-shaped mentions outside `furniture` and figure-table rows (`analyze.text_names`:
    "cts", "Revs" are no names). A text that names nothing else is a wire brief: the
    names in its headline stand for it (the analysis finds them for such a text only),
    else its dateline's place. The dateline says where the wire filed, not who the story
    is about: two briefs of two companies filed from one city share it."""
    if analysis is None:
        return frozenset()
    keep = (lambda m: _outside(m.start, m.end, furniture)) if furniture else None
    names, dateline = text_names(article.text, analysis, keep)
    if not names:
        names = {n for n in map(name_key, getattr(analysis, "headline_mentions", ())) if n}
    return frozenset(names or dateline)


def text_terms(article: Article, furniture: list[tuple[int, int]] = ()) -> list[str]:
    """The word 1-2 grams of the headline and the text (`furniture` spans left out) that
    the text TF-IDF counts: its own analyzer, run on one article."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    global _TEXT_ANALYZER
    if _TEXT_ANALYZER is None:
        _TEXT_ANALYZER = TfidfVectorizer(ngram_range=(1, 2), stop_words="english").build_analyzer()
    return _TEXT_ANALYZER((article.headline or "") + "\n" + (_without(article.text, furniture) if furniture
                                                              else article.text))


_TEXT_ANALYZER = None


def article_vectors(articles: list[Article], analyses: dict[str, Analysis], settings: GroupSettings,
                    signals: list[list[str]] | None = None,
                    furniture: list[list[tuple[int, int]]] | None = None,
                    terms: list[list[str]] | None = None):
    """L2-normalised sparse rows: [text TF-IDF | weighted signal TF-IDF], corpus
    furniture (`furniture_spans`) left out. `terms`: each article's `text_terms`, when
    known (a build cache keeps them: the vectorizer then only counts)."""
    import numpy as np  # imported here: a re-run that regroups nothing never needs it
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    from generator.stories.tfidf import tfidf_rows

    if furniture is None:
        furniture = furniture_spans([a.text for a in articles], settings.furniture_max_similarity)
    if terms is None:
        terms = [text_terms(a, f) for a, f in zip(articles, furniture)]
    # The analyzer's tokens counted as they are: the same counts, vocabulary and weights
    # as the vectorizer analysing the texts itself (ngram_range=(1, 2), English stop words).
    max_df = 0.5 if len(articles) > 20 else 1.0
    x_text = tfidf_rows(terms, max_df=max_df, max_features=settings.max_features, dtype=np.float32)
    if signals is None:
        signals = [signal_tokens(a, analyses.get(a.id), f) for a, f in zip(articles, furniture)]
    blocks = [normalize(x_text)]
    if any(signals):
        try:
            x_sig = normalize(tfidf_rows(signals, max_df=max_df, dtype=np.float32)) * settings.signal_weight
            blocks.append(x_sig)
        except ValueError:  # every signal token pruned by max_df
            pass
    x = normalize(hstack(blocks).tocsr())
    x.sum_duplicates()  # unique sorted indices per row: the cluster sums rely on it
    return x


@dataclass
class ArticleFeatures:
    """What grouping computes from one article alone, for a build cache to keep: a
    re-run then computes it for its new articles only, while the regroup window (a few
    weeks of news) holds most of the archive. Valid for the article's text, headline
    and analysis under one set of group settings; `signals` and `terms` are those of
    the whole text (an article with corpus furniture has them recomputed without it)."""

    signals: list[str]
    terms: list[str]
    lead: Lead | None
    names: frozenset[str] = frozenset()


def _article_features(articles: list[Article], analyses: dict[str, Analysis], settings: GroupSettings,
                      furniture: list[list[tuple[int, int]]],
                      known: dict[str, ArticleFeatures] | None) -> list[ArticleFeatures]:
    """Per article, its features with its furniture left out: from `known` (by article
    id) when it has none, else computed; what is computed for an article without
    furniture is added to `known`."""
    out = []
    for a, f in zip(articles, furniture):
        feats = known.get(a.id) if known is not None else None
        if feats is None or f:
            lead = feats.lead if feats is not None else (_leads([a], analyses, settings) or [None])[0]
            feats = ArticleFeatures(signal_tokens(a, analyses.get(a.id), f), text_terms(a, f), lead,
                                    guard_names(a, analyses.get(a.id), f))
            if known is not None and not f:
                known[a.id] = feats
        out.append(feats)
    return out


# ---------------------------------------------------------------- lead features
_LEAD_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d|(?<![\w.])\d(?![\w])")
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                 "seven": "7", "eight": "8", "nine": "9", "ten": "10", "first": "1", "second": "2",
                 "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
                 "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12"}


@dataclass(frozen=True)
class Lead:
    """Who and how many an article's lead names: PERSON surnames and distinctive figures
    (years aside)."""

    persons: frozenset[str]
    numbers: frozenset[str]


_HOURS = {"hour": 1, "day": 24, "week": 168}
# Not after a decimal point: "6.5 hours" is the figure 6.5, not a 5-hour duration.
_DURATION = re.compile(r"(?<![\d.])\b(\d+|" + "|".join(_WORD_NUMBERS) + r")[-\s](hour|day|week)s?\b", re.I)


def figures(text: str) -> frozenset[str]:
    """Numbers of `text` other than years, normalised ("1,500" -> "1500", "two" -> "2").
    A duration in hours, days or weeks becomes its hours ("a 48-hour strike" and "for
    two days" give the same figure)."""
    out = set()
    for m in _DURATION.finditer(text):
        n = m.group(1).lower()
        out.add(f"h:{int(_WORD_NUMBERS.get(n, n)) * _HOURS[m.group(2).lower()]}")
    text = _DURATION.sub(" ", text)
    for n in _LEAD_NUMBER.findall(text):
        n = n.replace(",", "")
        if not _YEAR.fullmatch(n):
            out.add(n)
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _WORD_NUMBERS:
            out.add(_WORD_NUMBERS[w])
    return frozenset(out)


def _distinctive(figure: str) -> bool:
    """A figure that tells one event from another: a duration, a decimal ("6.1", "0.14")
    or a whole number from 10 up. "One person", "two cars", "1" are in every other lead."""
    if figure.startswith("h:") or "." in figure:
        return True
    return not figure.isdigit() or int(figure) >= 10


def lead_features(article: Article, analysis: Analysis | None, sentences: int = 2) -> Lead:
    """The surnames and distinctive figures of the first `sentences` sentences.

    A surname counts only when the article names that person at least twice: the
    people an event is about come back in the text, while a name met once in the lead
    is often a passing mention or a word the tagger took for a name ("National")."""
    if analysis is None or not analysis.sentences or sentences <= 0:
        return Lead(frozenset(), frozenset())
    spans = analysis.sentences[:sentences]
    start, end = spans[0][0], spans[-1][1]
    named: Counter = Counter()
    in_lead = set()
    for m in analysis.mentions:
        if m.label == "PERSON":
            words = re.findall(r"[\w'\u2018\u2019-]+", m.text.lower())
            if words:
                surname = re.sub(r"['\u2018\u2019]s$", "", words[-1])
                named[surname] += 1
                if m.start >= start and m.end <= end:
                    in_lead.add(surname)
    persons = frozenset(p for p in in_lead if named[p] >= 2)
    return Lead(persons, frozenset(f for f in figures(article.text[start:end]) if _distinctive(f)))


def lead_penalty(a: Lead, b: Lead, settings: GroupSettings) -> float:
    pen = 0.0
    if a.persons and b.persons and a.persons.isdisjoint(b.persons):
        pen += settings.lead_person_penalty
    if a.numbers and b.numbers and a.numbers.isdisjoint(b.numbers):
        pen += settings.lead_number_penalty
    return pen


def _lead_penalties(settings: GroupSettings) -> bool:
    return bool(settings.lead_person_penalty or settings.lead_number_penalty)


def _leads(articles: list[Article], analyses: dict[str, Analysis], settings: GroupSettings) -> list[Lead] | None:
    if not _lead_penalties(settings):
        return None
    return [lead_features(a, analyses.get(a.id), settings.lead_sentences) for a in articles]


# ---------------------------------------------------------------- linking
class _Clusters:
    """Disjoint sets of articles whose roots carry the sum vector and size of their cluster."""

    def __init__(self, x, days: list[date | None], leads: list[Lead] | None = None,
                 settings: GroupSettings | None = None):
        self.sets = UnionFind(range(x.shape[0]))
        self.leads, self.settings = leads, settings
        self.members: dict[int, list[int]] = {i: [i] for i in range(x.shape[0])}
        self.find = self.sets.find
        self.size = [1] * x.shape[0]
        # Per root, its sum vector or, until a similarity needs it, how to make it: a row
        # number, or a list of parts to add in order (the order eager merging would add
        # them in, so that the float sums are the same). A re-run joins every earlier
        # story's members before linking; most of those sums are never read.
        self.x = x
        self.sum: dict[int, object] = {i: i for i in range(x.shape[0])}
        # Earliest and latest publication day per root (None: no dated member).
        self.span: dict[int, tuple[date, date] | None] = {i: (d, d) if d else None for i, d in enumerate(days)}

    def average_similarity(self, a: int, b: int) -> float:
        import numpy as np

        va, vb = self.vector(a), self.vector(b)
        # Sparse dot on the raw index arrays: far cheaper than building a product matrix.
        _, ia, ib = np.intersect1d(va.indices, vb.indices, assume_unique=True, return_indices=True)
        dot = float(np.dot(va.data[ia], vb.data[ib]))
        return dot / (self.size[a] * self.size[b])

    def linked(self, a: int, b: int, threshold: float) -> bool:
        """Average similarity of roots a, b, lead penalties included, clears `threshold`."""
        avg = self.average_similarity(a, b)
        if avg < threshold or not self.leads:
            return avg >= threshold  # a penalty only lowers it: no need to sum them
        leads, settings = self.leads, self.settings
        pen = sum(lead_penalty(leads[i], leads[j], settings) for i in self.members[a] for j in self.members[b])
        return avg - pen / (self.size[a] * self.size[b]) >= threshold

    def merge(self, a: int, b: int) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.sets.attach(b, a)
        self.size[a] += self.size[b]
        self.members[a] += self.members.pop(b)
        parts = self.sum[a]
        self.sum[a] = (parts if isinstance(parts, list) else [parts]) + [self.sum.pop(b)]
        self.span[a] = self.merged_span(a, b)
        del self.span[b]

    def vector(self, root: int):
        """The sum vector of a root's cluster, made now if it was not yet."""
        v = self.sum[root]
        if isinstance(v, (int, list)):
            v = self.sum[root] = self._made(v)
        return v

    def _made(self, v):
        if isinstance(v, int):
            return self.x[v]
        if not isinstance(v, list):
            return v
        total = self._made(v[0])  # nesting is shallow: a part is a smaller cluster's sum
        for part in v[1:]:
            total = total + self._made(part)
            total.sum_duplicates()  # canonical (sorted, unique) indices for intersect1d
        return total

    def merged_span(self, a: int, b: int) -> tuple[date, date] | None:
        sa, sb = self.span[a], self.span[b]
        if sa is None or sb is None:
            return sa or sb
        return min(sa[0], sb[0]), max(sa[1], sb[1])


def _within_window(d1: date | None, d2: date | None, days: int) -> bool:
    return d1 is None or d2 is None or abs((d1 - d2).days) <= days


def candidate_edges(x, days: list[date | None], settings: GroupSettings,
                    entities: list[frozenset[str]] | None = None,
                    only: set[int] | None = None,
                    leads: list[Lead] | None = None,
                    weak: dict[tuple[int, int], float] | None = None) -> dict[tuple[int, int], float]:
    """Sparse kNN links (i < j) -> cosine (less the lead penalty), above the threshold
    and inside the date window. `weak`, when given, collects the plain cosines of the
    same neighbours from `attach_threshold` up (the pairs for the attach pass of `_link`).

    Dated articles of one day are searched only against the articles of the days
    around it (plus the undated ones), so the work grows with n times the window's
    size, not n squared; undated articles are searched against everything.
    `only`: just these rows look for neighbours (an incremental build's new articles).
    """
    from sklearn.neighbors import NearestNeighbors

    edges: dict[tuple[int, int], float] = {}
    undated = [i for i, d in enumerate(days) if d is None]

    def search(queries: list[int], pool: list[int]) -> None:
        if only is not None:
            queries = [i for i in queries if i in only]
        if not queries or len(pool) < 2:
            return
        k = min(settings.neighbours + 1, len(pool))
        nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(x[pool])
        distances, neighbours = nn.kneighbors(x[queries])
        for i, row_d, row_n in zip(queries, distances, neighbours):
            for dist, jj in zip(row_d, row_n):
                j = pool[int(jj)]
                sim = 1.0 - float(dist)
                if j == i or not _within_window(days[i], days[j], settings.window_days):
                    continue
                if entities and entities[i] and entities[j] and entities[i].isdisjoint(entities[j]):
                    continue
                key = (min(i, j), max(i, j))
                if weak is not None and sim >= settings.attach_threshold:
                    weak[key] = max(sim, weak.get(key, 0.0))
                if leads is not None:
                    sim -= lead_penalty(leads[i], leads[j], settings)
                if sim >= settings.link_threshold:
                    edges[key] = max(sim, edges.get(key, 0.0))

    by_day: dict[date, list[int]] = {}
    for i, d in enumerate(days):
        if d is not None:
            by_day.setdefault(d, []).append(i)
    ordered = sorted(by_day)
    lo = hi = 0
    for d in ordered:
        while (d - ordered[lo]).days > settings.window_days:
            lo += 1
        while hi < len(ordered) and (ordered[hi] - d).days <= settings.window_days:
            hi += 1
        pool = [i for day in ordered[lo:hi] for i in by_day[day]] + undated
        if only is None or any(i in only for i in by_day[d]):
            search(by_day[d], pool)
    search(undated, list(range(len(days))))
    return edges


def _link(clusters: _Clusters, edges: dict[tuple[int, int], float], settings: GroupSettings,
          weak: dict[tuple[int, int], float] | None = None) -> None:
    _merge_pass(clusters, edges, settings, settings.link_threshold)
    if weak:
        # Then an article still alone joins the story it is closest to at the lower
        # `attach_threshold`, lead penalties included (another player's arrest stays out):
        # a follow-up or another outlet's angle shares less wording than two reports of one
        # event, and the average-link bar, set to keep two events of one kind apart, left
        # it out. Only a lone article moves, so two formed stories never merge at this bar.
        _merge_pass(clusters, weak, settings, settings.attach_threshold, lone=True)


def _merge_pass(clusters: _Clusters, pairs: dict[tuple[int, int], float], settings: GroupSettings,
                threshold: float, lone: bool = False) -> None:
    # Most similar first; index order breaks ties so the result never depends on dict order.
    for (i, j), _sim in sorted(pairs.items(), key=lambda e: (-e[1], e[0])):
        a, b = clusters.find(i), clusters.find(j)
        if a == b:
            continue
        if lone and (min(clusters.size[a], clusters.size[b]) > 1
                     or not settings.attach_pairs and max(clusters.size[a], clusters.size[b]) == 1):
            continue
        span = clusters.merged_span(a, b)
        # A chain of day-by-day links must not stretch one story over weeks.
        if span is not None and (span[1] - span[0]).days > 2 * settings.window_days:
            continue
        if clusters.linked(a, b, threshold):
            clusters.merge(a, b)


def _link_inputs(articles: list[Article], analyses: dict[str, Analysis], settings: GroupSettings,
                 features: dict[str, ArticleFeatures] | None):
    """What the linking reads, row by row of `articles`: the vectors (corpus furniture
    left out), publication days, named entities (None when no entity need be shared) and
    lead features (None without lead penalties)."""
    furniture = furniture_spans([a.text for a in articles], settings.furniture_max_similarity)
    feats = _article_features(articles, analyses, settings, furniture, features)
    signals = [f.signals for f in feats]
    x = article_vectors(articles, analyses, settings, signals, furniture, [f.terms for f in feats])
    days = [publication_day(a) for a in articles]
    entities = [f.names for f in feats] if settings.require_shared_entity else None
    leads = [f.lead for f in feats] if _lead_penalties(settings) else None
    return x, days, entities, leads


def cluster(articles: list[Article], analyses: dict[str, Analysis], settings: GroupSettings,
            features: dict[str, ArticleFeatures] | None = None) -> list[list[int]]:
    """Indices of `articles`, grouped; groups and members in input order. `features`:
    article id -> `ArticleFeatures` known from an earlier build (completed here)."""
    n = len(articles)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    x, days, entities, leads = _link_inputs(articles, analyses, settings, features)
    weak = {} if settings.attach_threshold else None
    edges = candidate_edges(x, days, settings, entities, leads=leads, weak=weak)
    clusters = _Clusters(x, days, leads, settings)
    _link(clusters, edges, settings, weak)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(clusters.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


# ---------------------------------------------------------------- ids
def _sort_key(article: Article) -> tuple:
    # Earliest first; undated last; id breaks ties so the order is reproducible.
    day = publication_day(article)
    return (day is None, day or date.min, article.published or "", article.id)


def assign_ids(groups: list[list[Article]], previous: dict[str, str], settings: GroupSettings) -> list[StoryGroup]:
    """Stable story ids: a group keeps the previous id most of its members had.

    A previous id comes from the `story:` an editor can change in an article file, and
    a story id becomes a file name (stories/<id>.yml): one that is not a valid id
    (`../../x`) is never kept (the write stage reports it before anything changes)."""
    previous = {aid: sid for aid, sid in previous.items() if valid_id(sid)}
    claims: list[tuple[int, str, int, str]] = []  # (-votes, story id, group index, first member)
    for gi, members in enumerate(groups):
        votes = Counter(previous[a.id] for a in members if a.id in previous)
        for story_id, count in votes.items():
            claims.append((-count, story_id, gi, members[0].id))
    # Best claims first: the group holding most of an old story's articles keeps its id;
    # ties go to the lexically smaller id / first member, which is deterministic.
    claims.sort(key=lambda c: (c[0], c[1], c[3]))
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for _neg, story_id, gi, _first in claims:
        if gi in chosen or story_id in taken:
            continue
        chosen[gi] = story_id
        taken.add(story_id)
    taken |= set(previous.values())  # never reuse an old id for a different new story
    result = []
    for gi, members in enumerate(groups):
        story_id = chosen.get(gi)
        if story_id is None:
            day = publication_day(members[0])
            prefix = day.isoformat() if day else settings.undated_prefix
            # The first words of the title: ids stay short however long the headline.
            base = f"{prefix}-{slugify(group_title(members), max_words=8, default='story')}"
            story_id, n = base, 2
            while story_id in taken:
                story_id, n = f"{base}-{n}", n + 1
            taken.add(story_id)
        result.append(StoryGroup(story_id, [a.id for a in members]))
    return result


def group_articles(articles: list[Article], analyses: dict[str, Analysis],
                   previous: dict[str, str], settings: GroupSettings | None = None,
                   features: dict[str, ArticleFeatures] | None = None) -> list[StoryGroup]:
    """`previous` maps article id -> story id from the last build (keeps ids stable);
    `features` as for `cluster`."""
    settings = settings or GroupSettings()
    # Work in a canonical order so the output does not depend on the input order.
    ordered = sorted(articles, key=lambda a: a.id)
    index_groups = cluster(ordered, analyses, settings, features)
    groups = [sorted((ordered[i] for i in g), key=_sort_key) for g in index_groups]
    groups.sort(key=lambda g: _sort_key(g[0]))
    return assign_ids(groups, previous or {}, settings)


def regroup(articles: list[Article], analyses: dict[str, Analysis], previous: dict[str, str],
            changed: set[str], settings: GroupSettings | None = None,
            features: dict[str, ArticleFeatures] | None = None) -> list[StoryGroup] | None:
    """Incremental grouping for a re-run: the previous build's stories stay as they
    were, and each new or changed article links to them (or to other new ones) by the
    same average-link rule as `cluster`. `changed` may name articles that are gone:
    their stories just lose them. None when a full `group_articles` is the better call
    (nothing changed, too much changed, or a changed article has no date, which would
    make every article a candidate).

    Only the changed articles look for neighbours, among the articles inside their
    date window; the previous stories of those articles enter the linking as one
    cluster each. A fresh build is always `group_articles`. `features` as for `cluster`.
    """
    settings = settings or GroupSettings()
    by_id = {a.id: a for a in articles}
    gone = {i for i in changed if i not in by_id}
    changed = {i for i in changed if i in by_id}
    if not (changed or gone) or len(changed) + len(gone) > max(32, len(articles) // 5):
        return None
    if any(a.id not in changed and a.id not in previous for a in articles):
        return None  # an article in no story that is not new: the assignment was edited
    changed_days = {publication_day(by_id[i]) for i in changed}
    if None in changed_days:
        return None
    stories: dict[str, list[Article]] = {}
    for a in articles:
        if a.id not in changed:
            stories.setdefault(previous[a.id], []).append(a)

    def near(a: Article) -> bool:
        d = publication_day(a)
        return d is None or any(abs((d - c).days) <= settings.window_days for c in changed_days)

    # The candidates (changed articles and those in their window) with every member of
    # their stories, so that a story enters the linking whole.
    touched = {previous[a.id] for a in articles if a.id not in changed and near(a)}
    subset = sorted([by_id[i] for i in changed] + [a for sid in touched for a in stories[sid]],
                    key=lambda a: a.id)
    groups: list[list[Article]] = []
    if subset:
        x, days, entities, leads = _link_inputs(subset, analyses, settings, features)
        index = {a.id: n for n, a in enumerate(subset)}
        rows = {index[i] for i in changed}
        weak = {} if settings.attach_threshold else None
        edges = candidate_edges(x, days, settings, entities, only=rows, leads=leads, weak=weak)
        clusters = _Clusters(x, days, leads, settings)
        for sid in sorted(touched):
            first, *rest = (index[a.id] for a in stories[sid])
            for n in rest:
                a, b = clusters.find(first), clusters.find(n)
                if a != b:
                    clusters.merge(a, b)
        _link(clusters, edges, settings, weak)
        components: dict[int, list[Article]] = {}
        for n, a in enumerate(subset):
            components.setdefault(clusters.find(n), []).append(a)
        groups = list(components.values())
    groups += [members for sid, members in stories.items() if sid not in touched]
    groups = [sorted(g, key=_sort_key) for g in groups]
    groups.sort(key=lambda g: _sort_key(g[0]))
    return assign_ids(groups, previous, settings)
