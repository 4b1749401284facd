"""Story quality on real multi-outlet clusters: `python -m bench.story_quality`.

Data: ../shared/eval/multinews/dev.jsonl (100 Multi-News clusters, research use only;
never copied into the repo). Skipped with a message when absent.

1. Clustering: all articles of all clusters pooled into one `group_articles` run
   (no publication dates, so no time window applies); B-cubed precision/recall/F1
   of our stories against the true clusters.
2. Summaries: `extract_story` run on each TRUE cluster (so the summary score does not
   mix in clustering errors), ROUGE-1/2/L F1 (rouge-score, Porter stemming) against the
   human reference, beside sumy's LexRank and TextRank cut to the same number of words
   as our summary for that cluster, on the same spaCy sentences. Also reported: our
   summary of the pooled story that holds most of each cluster's articles, and
   LexRank cut to that pooled summary's length (the key-points measure of the README:
   pooled minus LexRank at equal length).
3. Grounding: share of cited excerpts equal to article.text[start:end] (must be 100%).
4. Lines that do not stand alone: card texts, key points, timeline items and titles with
   unbalanced quotes or a dateline prefix, and by kind of `standalone_problem` (caption,
   furniture, opener, speaker, reference; references come from the cached analyses, so
   an analyses cache made before the analyze stage recorded them counts wording only);
   then key points and titles by the stricter reading (`strict_problem`), whose
   agreement with the manual audits is in the README.

4. Near-duplicate cards: pairs of cards citing the same passage (bench.duplicate_cards).

Options: --limit N (first N clusters), --sentences K (summary_max override),
--half tune|held (even- or odd-numbered clusters only: choices are tuned on one half
and checked on the other), --sheet FILE (a reading sheet: the titles of 30 clusters and
30 key points, sampled with --seed, default 2026), --titles FILE (every scored cluster's
title with its cluster number), --analyses-cache FILE (reuse the spaCy pass between runs;
keep the file outside the repo).
"""
from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "multinews" / "dev.jsonl"


def load_clusters(path: Path, limit: int | None = None) -> list[tuple[list[str], str]]:
    clusters = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            item = json.loads(line)
            passages = re.split(r"(?:^|\n)Passage \d+:\n", item["context"])
            texts = []
            for p in passages:
                p = p.replace("NEWLINE_CHAR", "\n")
                p = "\n".join(" ".join(l.split()) for l in p.split("\n"))
                p = re.sub(r"\n{2,}", "\n\n", p).strip()
                if len(p.split()) >= 20:
                    texts.append(p)
            if texts:
                clusters.append((texts, item["answers"][0]))
            if limit and len(clusters) >= limit:
                break
    return clusters


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 over the items of `gold` (missing from pred: own cluster)."""
    pred = {k: pred.get(k, f"__alone__{k}") for k in gold}
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item, c in pred.items():
        by_pred[c].add(item)
    for item, c in gold.items():
        by_gold[c].add(item)
    p = r = 0.0
    for item in gold:
        same_pred, same_gold = by_pred[pred[item]], by_gold[gold[item]]
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class _SpanTokenizer:
    """sumy tokenizer without NLTK punkt data: sentences come from a regex splitter
    (only used if sumy asks; documents are built from our spaCy sentences directly)."""

    language = "english"

    def to_sentences(self, paragraph: str):
        return [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if s.strip()]

    def to_words(self, sentence: str):
        return re.findall(r"[^\W_]+(?:'[^\W_]+)*", sentence)


def sumy_summary(kind: str, sentences: list[str], words: int) -> str:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tok = _SpanTokenizer()
    doc = ObjectDocumentModel([Paragraph([Sentence(s, tok) for s in sentences])])
    cls = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
    summ = cls(Stemmer("english"))
    summ.stop_words = get_stop_words("english")
    # sumy hands a callable `count` the sentences best-rated first: take them until
    # the word budget is met (one ranking per cluster), then cut to the budget.
    def budget(infos):
        picked, n = [], 0
        for info in infos:
            if n >= words:
                break
            picked.append(info)
            n += len(str(info.sentence).split())
        return picked

    text = " ".join(str(s) for s in summ(doc, budget))
    return " ".join(text.split()[:words])


def line_problem(text: str, story, by_id: dict, analyses: dict) -> str | None:
    """Why a displayed line cannot be read on its own (`standalone_problem`), with the
    parse's references of the cited excerpt the line is (verbatim at its offsets)."""
    from generator.stories.extract.sentences import references_in, standalone_problem

    fact = next((f for f in story.facts if f.text == text), None)
    for src in fact.sources if fact else ():
        if src.excerpt == text:
            return standalone_problem(text, references_in(analyses[src.article], src.start, src.end))
    return standalone_problem(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--sentences", type=int, default=None)
    ap.add_argument("--half", choices=("tune", "held"), default=None,
                    help="score only the even- (tune) or odd-numbered (held) clusters; grouping still pools all")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override an extract setting, e.g. --set rank_position=0.5")
    ap.add_argument("--sheet", type=Path, default=None,
                    help="write a reading sheet: the titles of 30 clusters and 30 key points, sampled with --seed")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--titles", type=Path, default=None,
                    help="write every scored cluster's title, one a line with its cluster number (to read them all)")
    ap.add_argument("--analyses-cache", type=Path, default=None,
                    help="pickle of the spaCy analyses, reused when present (keep it outside the repo)")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"SKIP: {args.data} not found (evaluation data is not part of the repo)")
        return 0

    from rouge_score import rouge_scorer

    from bench.duplicate_cards import shared_passage_pairs
    from generator.stories import extract, group
    from generator.nlp.datelines import dateline_end
    from generator.stories.extract.sentences import is_fragment, standalone_problem, strict_problem
    from generator.stories.extract.summary import fact_strict_problem
    from generator.nlp.analyze import analyze_articles
    from generator.config import Config
    from generator.records import Article

    config = Config()
    overrides: dict = {k: float(v) for k, v in (kv.split("=", 1) for kv in args.set)}
    if args.sentences:
        overrides["summary_max"] = args.sentences
    config.sections["extract"] = overrides

    t0 = time.perf_counter()
    clusters = load_clusters(args.data, args.limit)
    articles: list[Article] = []
    gold: dict[str, str] = {}
    for ci, (texts, _ref) in enumerate(clusters):
        for pi, text in enumerate(texts):
            aid = f"c{ci:03d}-p{pi}"
            articles.append(Article(id=aid, source_file=aid, outlet=aid, headline=None, published=None,
                                    published_inferred=False, dateline=None, byline=None, credits=[],
                                    text=text))
            gold[aid] = f"c{ci:03d}"
    print(f"{len(clusters)} clusters, {len(articles)} articles")
    cache = args.analyses_cache
    if cache and cache.exists():
        with cache.open("rb") as fh:
            analyses = pickle.load(fh)
    else:
        analyses = {a.id: an for a, an in zip(articles, analyze_articles(articles))}
        if cache:
            with cache.open("wb") as fh:
                pickle.dump(analyses, fh)
    t_analyze = time.perf_counter() - t0
    by_id = {a.id: a for a in articles}

    t1 = time.perf_counter()
    groups = group.group_articles(articles, analyses, {}, config.settings.group)
    t_group = time.perf_counter() - t1
    pred = {aid: g.id for g in groups for aid in g.article_ids}
    p, r, f = bcubed(pred, gold)
    print(f"\nClustering ({len(groups)} stories for {len(clusters)} true clusters, {t_group:.1f}s)")
    print(f"  B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals: dict[str, Counter] = defaultdict(Counter)
    refs_checked = refs_ok = 0
    words_total = 0
    cards = cites = multi = 0
    shared_pairs = Counter()
    # Displayed lines that cannot stand alone, found automatically: unbalanced quote
    # marks (a piece of a longer quote) or a dateline / wire prefix ("CITY (Agency) -").
    standalone = Counter()
    strict = Counter()  # the stricter reading (`strict_problem`) of key points and titles
    sheet_titles: list[tuple[int, str]] = []
    sheet_keys: list[tuple[int, str]] = []
    story_of = {g.id: g for g in groups}
    t2 = time.perf_counter()
    scored = 0
    for ci, (texts, ref) in enumerate(clusters):
        if args.half and ci % 2 != (args.half == "held"):
            continue
        scored += 1
        ids = [f"c{ci:03d}-p{pi}" for pi in range(len(texts))]
        members = [(by_id[i], analyses[i]) for i in ids]
        story = extract.extract_story(group.StoryGroup(f"c{ci:03d}", ids), members, config.settings.extract)
        ours = " ".join(story.summary_sentences())
        budget = len(ours.split())
        words_total += budget
        sentences = [a.text[s:e] for a, an in members for s, e in an.sentences]
        # Pooled run: the story holding most of this cluster's articles.
        votes = Counter(pred[i] for i in ids)
        pooled_id = min(votes, key=lambda k: (-votes[k], k))
        g = story_of[pooled_id]
        pooled = extract.extract_story(g, [(by_id[i], analyses[i]) for i in g.article_ids], config.settings.extract)
        pooled_text = " ".join(pooled.summary_sentences())
        systems = {
            "ours (true cluster)": ours,
            "ours (pooled story)": pooled_text,
            "LexRank (sumy)": sumy_summary("lexrank", sentences, budget),
            "TextRank (sumy)": sumy_summary("textrank", sentences, budget),
            "LexRank, pooled length": sumy_summary("lexrank", sentences, len(pooled_text.split())),
        }
        shared_pairs["true"] += len(shared_passage_pairs(story.facts))
        shared_pairs["pooled"] += len(shared_passage_pairs(pooled.facts))
        shared_pairs["pooled cards"] += len(pooled.facts)
        for name, text in systems.items():
            sc = scorer.score(ref, text)
            for key in ("rouge1", "rouge2", "rougeL"):
                totals[name][key] += sc[key].fmeasure
        by_fid = {f.id: f for f in story.facts}
        shown = {"card": [f.text for f in story.facts],
                 "key point": [by_fid[i.facts[0]].text for i in story.summary if i.facts and i.facts[0] in by_fid],
                 "timeline": [by_fid[t.facts[0]].text for t in story.timeline if t.facts and t.facts[0] in by_fid]}
        for what, texts_ in shown.items():
            for text in texts_:
                standalone[what] += 1
                standalone[what, "quotes"] += is_fragment(text)
                standalone[what, "dateline"] += dateline_end(text) > 0
                standalone[what, line_problem(text, story, by_id, analyses) or "alone"] += 1
        for fid in [i.facts[0] for i in story.summary if i.facts and i.facts[0] in by_fid]:
            strict["key point"] += 1
            strict["key point", fact_strict_problem(by_fid[fid], members, anywhere=True) or "alone"] += 1
            sheet_keys.append((ci, by_fid[fid].text))
        strict["title"] += 1
        # A title cut from a card is read as the chooser reads it: the card's text with
        # the parse of its article (the words alone fail "Officials said they ...").
        source = next((f for f in story.facts if f.text.startswith(story.title)), None)
        strict["title", (fact_strict_problem(source, members) if source is not None
                         else strict_problem(story.title)) or "alone"] += 1
        sheet_titles.append((ci, story.title))
        standalone["title"] += 1
        standalone["title", standalone_problem(story.title, headline=True) or ("quotes" if is_fragment(story.title) else "alone")] += 1
        for fact in story.facts:
            cards += 1
            cites += len(fact.sources)
            multi += len({r.article for r in fact.sources}) >= 2
        for st in (story, pooled):
            for fact in st.facts:
                for ref_ in fact.sources:
                    refs_checked += 1
                    refs_ok += by_id[ref_.article].text[ref_.start:ref_.end] == ref_.excerpt
    n = scored
    print(f"\nSummaries: ROUGE F1 x100 vs the reference, mean over {n} clusters "
          f"(ours: {words_total / n:.0f} words on average; baselines cut to the same length)")
    print(f"  {'system':22s} {'R1':>6s} {'R2':>6s} {'RL':>6s}")
    for name, t in totals.items():
        print(f"  {name:22s} {100 * t['rouge1'] / n:6.2f} {100 * t['rouge2'] / n:6.2f} {100 * t['rougeL'] / n:6.2f}")
    gap = 100 * (totals["ours (pooled story)"]["rouge1"] - totals["LexRank, pooled length"]["rouge1"]) / n
    print(f"  key points (pooled story) R1 minus LexRank's at equal length: {gap:+.2f}"
          + (f" ({args.half} half)" if args.half else ""))
    print(f"\nFact cards (true clusters): {cards} cards, {cites} cited excerpts, {multi} cards citing two or "
          f"more articles ({100 * multi / max(1, cards):.1f}%)")
    print(f"\nNear-duplicate cards: {shared_pairs['true']} pairs of cards citing the same passage (true clusters, "
          f"{cards} cards); {shared_pairs['pooled']} in the pooled stories ({shared_pairs['pooled cards']} cards)")
    print("\nLines that do not stand alone (automatic; true clusters): unbalanced quote marks / dateline prefix")
    for what in ("card", "key point", "timeline"):
        print(f"  {what + ' texts':16s} {standalone[what]:5d}: unbalanced quotes {standalone[what, 'quotes']:4d}, "
              f"dateline prefix {standalone[what, 'dateline']:4d}")
    kinds = ("caption", "furniture", "opener", "speaker", "reference")
    print("\nLines that do not stand alone, by the parse and wording checks (automatic proxy of the manual "
          "audit; `sentences.standalone_problem`)")
    print(f"  {'':16s} {'lines':>5s} " + " ".join(f"{k:>9s}" for k in kinds) + "   all")
    for what in ("card", "key point", "timeline", "title"):
        bad = sum(standalone[what, k] for k in kinds)
        print(f"  {what + ' texts':16s} {standalone[what]:5d} " + " ".join(f"{standalone[what, k]:9d}" for k in kinds)
              + f"   {bad:4d} ({100 * bad / max(1, standalone[what]):.1f}%)")
    kinds = ("caption", "furniture", "opener", "speaker", "reference", "pointer", "pronoun", "demonstrative",
             "definite", "surname")
    print("\nKey points and titles by the stricter reading (`sentences.strict_problem`; its agreement with the "
          "manual audit is in the README)")
    print(f"  {'':16s} {'lines':>5s} " + " ".join(f"{k[:9]:>9s}" for k in kinds) + "   all")
    for what in ("key point", "title"):
        bad = sum(strict[what, k] for k in kinds)
        print(f"  {what + ' texts':16s} {strict[what]:5d} " + " ".join(f"{strict[what, k]:9d}" for k in kinds)
              + f"   {bad:4d} ({100 * bad / max(1, strict[what]):.1f}%)")
    if args.sheet:
        import random

        rng = random.Random(args.seed)
        lines = [f"# Reading sheet: story_quality --seed {args.seed}" + (f" --half {args.half}" if args.half else ""),
                 "", "## Titles (30 clusters)"]
        lines += [f"T c{ci:03d} | {t}" for ci, t in sorted(rng.sample(sheet_titles, min(30, len(sheet_titles))))]
        lines += ["", "## Key points (30)"]
        lines += [f"K c{ci:03d} | {t}" for ci, t in rng.sample(sheet_keys, min(30, len(sheet_keys)))]
        args.sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.titles:
        args.titles.write_text("".join(f"c{ci:03d} | {t}\n" for ci, t in sheet_titles), encoding="utf-8")
    print(f"\nGrounding: {refs_ok}/{refs_checked} cited excerpts verbatim at their offsets "
          f"({100 * refs_ok / max(1, refs_checked):.1f}%)")
    print(f"\nTime: analyze {t_analyze:.0f}s, group {t_group:.1f}s, extract+baselines {time.perf_counter() - t2:.0f}s")
    return 0 if refs_ok == refs_checked else 1


if __name__ == "__main__":
    sys.exit(main())
