"""Cleaning quality on real pages: our read+clean vs trafilatura alone.

    nice .venv/bin/python -m bench.clean_quality [--limit N] [--show-worst K] [--datelines N] [--headlines]

Data: `../shared/eval/zyte-aeb` (relative to the project root): raw news pages
`html/<sha256>.html.gz` and their true article bodies `ground-truth.json`. The
script skips with a message when the data is absent.

Three systems on the same pages in the same run, scored the same way:
- `ours`: generator.ingest.read (trafilatura body + metadata) then generator.ingest.describe
  (line cleaning, headline removal, repeats), i.e. `Article.text`;
- `trafilatura-same-call`: the very trafilatura call our read stage makes, without
  our cleaning (isolates what the cleaning adds or loses);
- `trafilatura-default`: `trafilatura.extract(html)` with its default settings.

Two scores, both macro-averaged over pages (each page weighs the same):
- token P/R/F1: bag of `\\w+` tokens (case-sensitive) against the truth;
- shingle P/R/F1: bags of 4-token shingles, the article-extraction-benchmark's
  measure, comparable to its published figures (AutoExtract F1 0.970, Diffbot 0.951,
  readability 0.922, newspaper 0.912 on the full benchmark; this is its dev half).

`--datelines N` also checks describe's dateline parser on Reuters-21578 stories
(`../shared/eval/reuters21578`): the true <DATELINE> is put back before the body.
`--headlines` checks headline detection on PolNeAR dev (`../shared/eval/polnear`).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "zyte-aeb"
PUBLISHED = {"AutoExtract": 0.970, "Diffbot": 0.951, "readability": 0.922, "newspaper": 0.912}

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = 4) -> list[tuple[str, ...]]:
    if len(toks) < n:
        return [tuple(toks)] if toks else []
    return [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]


def counts(true: list, pred: list) -> tuple[int, int, int]:
    """(tp, fp, fn) of two bags."""
    t, p = Counter(true), Counter(pred)
    tp = sum((t & p).values())
    return tp, sum(p.values()) - tp, sum(t.values()) - tp


def prf(rows: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    """Macro precision/recall over pages (pages with nothing predicted have no precision), F1 of both."""
    precisions = [tp / (tp + fp) for tp, fp, fn in rows if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, fp, fn in rows if tp + fn > 0]
    p = mean(precisions) if precisions else 0.0
    r = mean(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(limit: int | None, show_worst: int) -> int:
    truth_file = DATA / "ground-truth.json"
    if not truth_file.exists():
        print(f"skipped: {DATA} not found (evaluation data is not part of the repository)")
        return 0
    import trafilatura

    from generator.ingest.describe import prepare_articles
    from generator.ingest.read import read_file
    from generator.errors import Problem

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)

    started = time.perf_counter()
    raws, problems = [], []
    for k in keys:
        for item in read_file(DATA / "html" / f"{k}.html.gz", root=DATA):
            (problems if isinstance(item, Problem) else raws).append(item)
    ours: dict[str, str] = {}
    for item in prepare_articles(raws):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            ours[Path(item.source_file).name.split(".")[0]] = item.text
    ours_seconds = time.perf_counter() - started

    same, default = {}, {}
    started = time.perf_counter()
    for k in keys:
        html = gzip.decompress((DATA / "html" / f"{k}.html.gz").read_bytes())
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=True,
                                          date_extraction_params={"extensive_search": False, "original_date": True})
        doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
        same[k] = doc.get("text") or ""
        default[k] = trafilatura.extract(html) or ""
    base_seconds = time.perf_counter() - started

    systems = {"ours": ours, "trafilatura-same-call": same, "trafilatura-default": default}
    print(f"zyte-aeb: {len(keys)} pages; {len(problems)} read/clean problems"
          f" (ours {ours_seconds:.1f}s, both baselines {base_seconds:.1f}s)")
    for p in problems:
        print(f"  problem: {p}")
    print(f"{'system':<24}{'token P':>9}{'token R':>9}{'token F1':>10}{'shingle P':>11}{'shingle R':>11}{'shingle F1':>12}")
    per_page: dict[str, list[float]] = {}
    for name, pred in systems.items():
        tok_rows, sh_rows = [], []
        for k in keys:
            t, p = tokens(truth[k].get("articleBody", "")), tokens(pred.get(k, ""))
            tok_rows.append(counts(t, p))
            sh_rows.append(counts(shingles(t), shingles(p)))
        tp_, tr_, tf_ = prf(tok_rows)
        sp_, sr_, sf_ = prf(sh_rows)
        print(f"{name:<24}{tp_:>9.3f}{tr_:>9.3f}{tf_:>10.3f}{sp_:>11.3f}{sr_:>11.3f}{sf_:>12.3f}")
        per_page[name] = [prf([row])[2] for row in sh_rows]
    print("published shingle F1 (full benchmark): "
          + ", ".join(f"{k} {v:.3f}" for k, v in PUBLISHED.items()))
    if show_worst:
        diffs = sorted(zip(keys, per_page["ours"], per_page["trafilatura-same-call"]), key=lambda x: x[1] - x[2])
        print(f"pages where our cleaning loses most against the same trafilatura call (shingle F1):")
        for k, a, b in diffs[:show_worst]:
            print(f"  {k[:12]} ours {a:.3f} trafilatura {b:.3f}  {truth[k].get('url', '')}")
    return 0


def datelines(limit: int) -> None:
    """Dateline place accuracy on Reuters-21578: each story's <DATELINE> put back in
    front of its <BODY> (as on the wire), parsed by describe.parse_dateline."""
    import html
    import tarfile

    from generator.ingest.describe import parse_dateline

    archive = DATA.parent / "reuters21578" / "reuters21578.tar.gz"
    if not archive.exists():
        print(f"datelines skipped: {archive} not found")
        return
    n = right = wrong = missed = 0
    with tarfile.open(archive) as tf:
        for member in sorted((m for m in tf.getmembers() if m.name.endswith(".sgm")), key=lambda m: m.name):
            data = tf.extractfile(member).read().decode("latin-1")
            for doc in re.findall(r"<REUTERS.*?</REUTERS>", data, re.S):
                dl = re.search(r"<DATELINE>(.*?)</DATELINE>", doc, re.S)
                body = re.search(r"<BODY>(.*?)</BODY>", doc, re.S)
                if not dl or not body or n >= limit:
                    continue
                n += 1
                line = html.unescape(dl.group(1)).strip()
                place, _, _ = parse_dateline(line + " " + html.unescape(body.group(1)).strip())
                truth = line.rsplit(",", 1)[0].strip()
                if place is None:
                    missed += 1
                elif place == truth:
                    right += 1
                else:
                    wrong += 1
            if n >= limit:
                break
    print(f"reuters21578 datelines: {n} stories, place right {right} ({right / max(n, 1):.3f}), "
          f"wrong {wrong} ({wrong / max(n, 1):.3f}), none found {missed} ({missed / max(n, 1):.3f})")


def headlines() -> None:
    """Headline/outlet/dateline on PolNeAR (dev): plain-text articles whose first line is
    the title (the corpus's export adds a full stop to it); metadata.tsv has the truth."""
    import csv

    from generator.ingest.describe import prepare_articles
    from generator.ingest.read import read_inputs
    from generator.records import Article

    base = DATA.parent / "polnear"
    if not (base / "metadata.tsv").exists():
        print(f"headlines skipped: {base} not found")
        return
    with (base / "metadata.tsv").open(encoding="utf-8") as fh:
        truth = {r["filename"]: r for r in csv.DictReader(fh, delimiter="\t")}
    articles = [a for a in prepare_articles(read_inputs([base / "dev" / "text"], root=base)) if isinstance(a, Article)]

    def bare(t: str) -> str:
        return re.sub(r"[\s.\"'\u2018\u2019\u201c\u201d]+$", "", t.strip())

    right = missing = wrong = 0
    for a in articles:
        title = truth.get(Path(a.source_file).stem, {}).get("title", "")
        if a.headline is None:
            missing += 1
        elif bare(a.headline) == bare(title):
            right += 1
        else:
            wrong += 1
    n = max(len(articles), 1)
    print(f"polnear headlines: {len(articles)} articles, right {right} ({right / n:.3f}), "
          f"none found {missing} ({missing / n:.3f}), wrong {wrong} ({wrong / n:.3f})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages (sorted by hash)")
    ap.add_argument("--show-worst", type=int, default=0, metavar="K",
                    help="list the K pages where cleaning loses most")
    ap.add_argument("--datelines", type=int, default=0, metavar="N",
                    help="also check dateline parsing on the first N Reuters-21578 stories")
    ap.add_argument("--headlines", action="store_true", help="also check headlines on PolNeAR dev")
    args = ap.parse_args(argv)
    code = run(args.limit, args.show_worst)
    if args.datelines:
        datelines(args.datelines)
    if args.headlines:
        headlines()
    return code


if __name__ == "__main__":
    sys.exit(main())
