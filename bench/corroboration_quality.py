"""Corroboration quality on ECB+: `python -m bench.corroboration_quality`.

Data: ../shared/eval/ecbplus/ (articles.jsonl, gold.json; CC BY 3.0) and, with
--multinews, ../shared/eval/multinews/dev.jsonl (research use only). Never copied
into the repo; skipped with a message when absent.

The generator runs as a subprocess (`python -m generator --config CFG build
--no-cache --quiet`) on all ECB+ articles in one run, into a temporary content
directory; only its YAML output (content/articles/*.yml, content/stories/*.yml) is
read, never the generator's modules, so the bench measures any code version.
The measures are those of ../shared/eval/README.md, "Measures on ecbplus/":

- Grouping: B-cubed precision, recall, F1 of the stories against the gold story
  (an article the build dropped counts as its own story).
- Citation precision: every pair of a fact card's sources from two different
  articles; each excerpt is mapped to the gold sentences it overlaps (located in
  the article's text from articles.jsonl). A pair is evaluated when every sentence
  on both sides is annotated; it is correct (lenient) when the sides share an event
  chain, correct (strict) when the shared chains number at least half of the smaller
  side's chains and at least one. A side with no chain is never correct.
- Corroboration recall: for every pair of articles of one gold story and every
  event chain both mention in annotated sentences, found when some card cites a
  sentence of each article that mentions that chain (annotated or not: gold.json
  lists chains on some sentences outside the annotated ones).

Side by side: `--code DIR` (repeatable) measures the checkout in DIR (the generator
runs with cwd=DIR, so DIR's package is imported); `--rev REV` (repeatable) measures
a temporary git worktree of commit REV. The current checkout is always measured
first unless --no-current.

    python -m bench.corroboration_quality [--rev HEAD~3] [--code DIR] [--multinews]
                                          [--keep DIR] [--content DIR] [--jobs N]

Grouping alone, in-process (imports this checkout's generator): `--group-only CACHE`
reads and analyses the ECB+ and Multi-News dev articles once (pickled to CACHE, keep it
outside the repo; reused when present), then groups them with the `group` settings
overridden by `--set KEY=VALUE` (repeatable) and prints B-cubed for each set whole and
for its two halves grouped apart (ECB+ topics 1-21 / 23-45, Multi-News even / odd
clusters): a few seconds per setting. With `--reuters` (and the Reuters-21578 archive
at ../shared/eval/reuters21578, as `bench/scale.py` reads it), the first 2,000 of its
articles are grouped too (analyses pickled beside CACHE, `CACHE.reuters`): it has no
gold stories, so the line gives the stories, the article pairs put in one story and the
articles in stories of 16 or more, where template wire briefs of different companies
(dividends, quarterly results) end up when the guards fail; read those groups.

    python -m bench.corroboration_quality --group-only /tmp/groups.pkl --set link_threshold=0.1 [--reuters]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from bench.story_quality import bcubed

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
ECB = EVAL / "ecbplus"
MULTINEWS = EVAL / "multinews" / "dev.jsonl"


# ---------------------------------------------------------------- data

@dataclass
class Gold:
    texts: dict[str, str]                  # input id -> text given to the generator
    story: dict[str, str]                  # input id -> gold story
    sentences: dict[str, list[dict]]       # input id -> [{start, end, annotated, events}]


def load_ecb(folder: Path = ECB) -> Gold:
    texts = {}
    with (folder / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                item = json.loads(line)
                texts[item["id"]] = item["text"]
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return Gold(texts=texts, story={k: v["story"] for k, v in gold.items()},
                sentences={k: sorted(v["sentences"], key=lambda s: s["start"]) for k, v in gold.items()})


def multinews_inputs(path: Path, out: Path) -> dict[str, str]:
    """Write every Multi-News dev passage (pooled) as generator input; id -> gold cluster."""
    from bench.story_quality import load_clusters

    gold = {}
    with out.open("w", encoding="utf-8") as fh:
        for c, (texts, _) in enumerate(load_clusters(path)):
            for n, text in enumerate(texts):
                aid = f"mn{c:03d}-{n}"
                gold[aid] = f"mn{c:03d}"
                fh.write(json.dumps({"id": aid, "text": text}, ensure_ascii=False) + "\n")
    return gold


# ---------------------------------------------------------------- building

def _config(code: Path, folder: Path, inputs: list[Path]) -> Path:
    import yaml

    src = code / "site_config.yml"
    base = (yaml.safe_load(src.read_text(encoding="utf-8")) if src.exists() else None) or {}
    base.update(inputs=[str(p) for p in inputs], content=str(folder / "content"),
                cache=str(folder / "cache"))
    path = folder / "site_config.yml"
    path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    return path


def build(code: Path, folder: Path, inputs: list[Path], jobs: int | None) -> tuple[Path, float]:
    """Run the generator of checkout `code` on `inputs` into folder/content."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = _config(code, folder, inputs)
    cmd = [sys.executable, "-m", "generator", "--config", str(cfg), "build", "--no-cache", "--quiet"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    run = subprocess.run(cmd, cwd=code, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    (folder / "build.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    shutil.rmtree(folder / "cache", ignore_errors=True)
    if run.returncode not in (0, 1) or not (folder / "content" / "stories").is_dir():
        tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"build in {code} failed (exit {run.returncode}):\n{tail}")
    return folder / "content", seconds


def read_content(content: Path) -> tuple[dict[str, dict], list[dict]]:
    """(article id -> article record, story records) from a content directory."""
    import yaml

    try:
        loader = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - libyaml missing
        loader = yaml.SafeLoader
    articles = {}
    for p in sorted((content / "articles").glob("*.yml")):
        rec = yaml.load(p.read_text(encoding="utf-8"), Loader=loader) or {}
        articles[rec.get("id", p.stem)] = rec
    stories = []
    for p in sorted((content / "stories").glob("*.yml")):
        rec = yaml.load(p.read_text(encoding="utf-8"), Loader=loader) or {}
        rec.setdefault("id", p.stem)
        stories.append(rec)
    return articles, stories


def _safe(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def input_ids(articles: dict[str, dict], known: dict[str, str]) -> dict[str, str]:
    """Content article id -> input id: the same id, or the input id made `[a-z0-9-]`."""
    by_safe = {}
    for k in known:
        by_safe.setdefault(_safe(k), k)
    out = {}
    for aid in articles:
        if aid in known:
            out[aid] = aid
        elif _safe(aid) in by_safe:
            out[aid] = by_safe[_safe(aid)]
    return out


# ---------------------------------------------------------------- measures

def story_of(articles: dict[str, dict], stories: list[dict], ids: dict[str, str]) -> dict[str, str]:
    """Input id -> story id (from the stories' `articles`, else the article's `story`)."""
    pred = {}
    for st in stories:
        for a in st.get("articles") or []:
            if a in ids:
                pred[ids[a]] = st["id"]
    for aid, rec in articles.items():
        if aid in ids and ids[aid] not in pred and rec.get("story"):
            pred[ids[aid]] = rec["story"]
    return pred


def locate(excerpt: str, text: str, hint: int) -> tuple[int, int] | None:
    """Span of `excerpt` in `text` (the occurrence nearest `hint`); whitespace-tolerant."""
    hits = [m.start() for m in re.finditer(re.escape(excerpt), text)]
    if hits:
        s = min(hits, key=lambda h: abs(h - hint))
        return s, s + len(excerpt)
    words = excerpt.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    hits = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if hits:
        return min(hits, key=lambda h: abs(h[0] - hint))
    return None


def sentences_of(span: tuple[int, int], sents: list[dict]) -> list[dict]:
    s, e = span
    return [x for x in sents if x["start"] < e and s < x["end"]]


@dataclass
class Result:
    name: str
    articles: int = 0
    stories: int = 0
    bcubed: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pairs: int = 0            # cross-article source pairs on cards
    evaluated: int = 0
    strict: int = 0
    lenient: int = 0
    found: int = 0
    chains: int = 0           # (article pair, shared chain) items for recall
    unlocated: int = 0        # excerpts not found in the input text
    multi_cards: int = 0      # cards citing two or more articles
    cards: int = 0
    seconds: float = 0.0
    mn_bcubed: tuple[float, float, float] | None = None
    false_pairs: list = field(default_factory=list)

    @property
    def p_strict(self) -> float:
        return self.strict / self.evaluated if self.evaluated else 0.0

    @property
    def p_lenient(self) -> float:
        return self.lenient / self.evaluated if self.evaluated else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.chains if self.chains else 0.0


def card_sides(fact: dict, ids: dict[str, str], gold: Gold, res: Result) -> list[tuple[str, list[dict], str]]:
    """(input id, gold sentences, excerpt) per source of a card that maps to a gold article."""
    sides = []
    for src in fact.get("sources") or []:
        iid = ids.get(src.get("article"))
        if iid is None or iid not in gold.texts:
            continue
        span = locate(src.get("excerpt") or "", gold.texts[iid], int(src.get("start") or 0))
        if span is None:
            res.unlocated += 1
            continue
        sides.append((iid, sentences_of(span, gold.sentences.get(iid, [])), src.get("excerpt") or ""))
    return sides


def judge(a: list[dict], b: list[dict]) -> tuple[bool, bool, bool]:
    """(evaluated, lenient, strict) for a pair of sides (lists of gold sentences)."""
    if not a or not b or not all(s["annotated"] for s in a + b):
        return False, False, False
    ea = {e for s in a for e in s["events"]}
    eb = {e for s in b for e in s["events"]}
    shared = len(ea & eb)
    lenient = shared >= 1
    strict = lenient and shared >= min(len(ea), len(eb)) / 2
    return True, lenient, strict


def measure(name: str, articles: dict[str, dict], stories: list[dict], gold: Gold,
            keep_false: int = 0) -> Result:
    """All ECB+ measures of one build's records."""
    ids = input_ids(articles, gold.texts)
    res = Result(name=name, articles=len(articles), stories=len(stories))
    res.bcubed = bcubed(story_of(articles, stories, ids), gold.story)

    # Citation precision.
    cited: dict[tuple[str, str], set[int]] = defaultdict(set)   # (input id, chain) -> card numbers
    card_no = 0
    for st in stories:
        for fact in st.get("facts") or []:
            card_no += 1
            res.cards += 1
            sides = card_sides(fact, ids, gold, res)
            if len({s[0] for s in sides}) >= 2:
                res.multi_cards += 1
            for iid, sents, _ in sides:
                for s in sents:   # any cited sentence naming the chain (annotated or not)
                    for e in s["events"]:
                        cited[(iid, e)].add(card_no)
            for (ia, sa, xa), (ib, sb, xb) in combinations(sides, 2):
                if ia == ib:
                    continue
                res.pairs += 1
                ev, len_ok, strict_ok = judge(sa, sb)
                res.evaluated += ev
                res.lenient += len_ok
                res.strict += strict_ok
                if ev and not strict_ok and len(res.false_pairs) < keep_false:
                    res.false_pairs.append((st["id"], fact.get("text"), ia, xa, ib, xb, len_ok))

    # Corroboration recall.
    mentions: dict[str, set[str]] = {}
    for iid, sents in gold.sentences.items():
        mentions[iid] = {e for s in sents if s["annotated"] for e in s["events"]}
    by_story = defaultdict(list)
    for iid, st in gold.story.items():
        by_story[st].append(iid)
    for members in by_story.values():
        for a, b in combinations(sorted(members), 2):
            for e in mentions.get(a, set()) & mentions.get(b, set()):
                res.chains += 1
                res.found += bool(cited.get((a, e), set()) & cited.get((b, e), set()))
    return res


def measure_multinews(articles: dict[str, dict], stories: list[dict], gold: dict[str, str]) -> tuple[float, float, float]:
    ids = input_ids(articles, gold)
    return bcubed(story_of(articles, stories, ids), gold)


# ---------------------------------------------------------------- grouping alone

def _prepared(paths: list[Path]) -> tuple[list, dict]:
    """(articles, analyses) of `paths` as a build makes them, before grouping."""
    from dataclasses import replace

    from generator.build import cache as cache_mod, pipeline
    from generator.config import load_config

    config = load_config(ROOT / "site_config.yml")
    report = pipeline.BuildReport()
    with pipeline._executor("local", None, None) as ex, cache_mod.Cache(None) as cache:
        fp = cache_mod.fingerprint(config)
        articles, _ = pipeline._prepare(paths, config, fp, cache, ex, report, pipeline._quiet)
        keys = {a.id: cache_mod.article_key(a, fp) for a in articles}
        analyses = pipeline._analyze(articles, keys, ex, cache, report, pipeline._quiet)
    return [replace(a, dates=analyses[a.id].dates) for a in articles if a.id in analyses], analyses


def grouping_sets(cache_file: Path) -> dict[str, tuple[list, dict, dict[str, str], object]]:
    """name -> (articles, analyses, gold story per input id, half of an input id: 0 or 1)."""
    import pickle

    if cache_file.exists():
        with cache_file.open("rb") as fh:
            return pickle.load(fh)
    gold = load_ecb()
    out = {}
    tmp = Path(tempfile.mkdtemp(prefix="groups-"))
    try:
        arts, an = _prepared([ECB / "articles.jsonl"])
        out["ECB+"] = (arts, an, gold.story, {k: int(int(v.split("-")[0]) > 21) for k, v in gold.story.items()})
        if MULTINEWS.exists():
            mn_gold = multinews_inputs(MULTINEWS, tmp / "multinews.jsonl")
            arts, an = _prepared([tmp / "multinews.jsonl"])
            out["Multi-News"] = (arts, an, mn_gold, {k: int(v[2:]) % 2 for k, v in mn_gold.items()})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with cache_file.open("wb") as fh:
        pickle.dump(out, fh)
    return out


def group_only(cache_file: Path, overrides: list[str], reuters: bool = False) -> str:
    from bench.story_quality import bcubed as b3
    from generator.config import GroupSettings
    from generator.stories.group import group_articles

    base = GroupSettings()
    kw = {}
    for item in overrides:
        key, value = item.split("=", 1)
        default = getattr(base, key)
        kw[key] = value.lower() in ("1", "true", "yes") if isinstance(default, bool) else type(default)(value)
    settings = GroupSettings(**{**base.__dict__, **kw})
    lines = [f"group settings: {kw or 'defaults'}"]
    for name, (arts, analyses, gold, half) in grouping_sets(cache_file).items():
        cells = []
        for label, keep in (("all", None), ("half 1", 0), ("half 2", 1)):
            members = [a for a in arts if keep is None or half.get(a.id) == keep]
            g = {k: v for k, v in gold.items() if keep is None or half[k] == keep}
            groups = group_articles(members, analyses, {}, settings)
            pred = {a: grp.id for grp in groups for a in grp.article_ids}
            cells.append("{} {:.3f} / {:.3f} / {:.3f}".format(label, *b3(pred, g)))
        lines.append(f"{name} B-cubed P / R / F1: " + "; ".join(cells))
    reuters = reuters_set(cache_file.with_name(cache_file.name + ".reuters")) if reuters else None
    if reuters is not None:
        sizes = sorted((len(g.article_ids) for g in group_articles(*reuters, {}, settings)), reverse=True)
        lines.append(f"Reuters-21578 first {len(reuters[0]):,}: {len(sizes):,} stories, "
                     f"{sum(n * (n - 1) // 2 for n in sizes):,} article pairs in one story, "
                     f"{sum(n for n in sizes if n >= 16):,} articles in stories of 16+, largest {sizes[0]}")
    return "\n".join(lines)


def reuters_set(cache_file: Path, n: int = 2000) -> tuple[list, dict] | None:
    """(articles, analyses) of the first `n` Reuters-21578 articles (None when the
    archive is absent), pickled to `cache_file`."""
    import pickle
    from itertools import islice

    from bench.scale import TARBALL, input_record, reuters_stories, write_jsonl

    if cache_file.exists():
        with cache_file.open("rb") as fh:
            return pickle.load(fh)
    if not TARBALL.exists():
        return None
    tmp = Path(tempfile.mkdtemp(prefix="reuters-"))
    try:
        write_jsonl(tmp / "reuters.jsonl", (input_record(s) for s in islice(reuters_stories(), n)))
        out = _prepared([tmp / "reuters.jsonl"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with cache_file.open("wb") as fh:
        pickle.dump(out, fh)
    return out


# ---------------------------------------------------------------- report

def table(results: list[Result]) -> str:
    rows = [
        ("articles / stories", lambda r: f"{r.articles} / {r.stories}"),
        ("grouping B-cubed P", lambda r: f"{r.bcubed[0]:.3f}"),
        ("grouping B-cubed R", lambda r: f"{r.bcubed[1]:.3f}"),
        ("grouping B-cubed F1", lambda r: f"{r.bcubed[2]:.3f}"),
        ("cards (citing 2+ articles)", lambda r: f"{r.cards} ({r.multi_cards})"),
        ("cross-article pairs (evaluated)", lambda r: f"{r.pairs} ({r.evaluated})"),
        ("citation precision strict", lambda r: f"{r.p_strict:.3f} ({r.strict}/{r.evaluated})"),
        ("citation precision lenient", lambda r: f"{r.p_lenient:.3f} ({r.lenient}/{r.evaluated})"),
        ("corroboration recall", lambda r: f"{r.recall:.3f} ({r.found}/{r.chains})"),
        ("excerpts not located", lambda r: f"{r.unlocated}"),
        ("build seconds", lambda r: f"{r.seconds:.0f}"),
    ]
    if any(r.mn_bcubed for r in results):
        rows += [("Multi-News B-cubed P / R / F1",
                  lambda r: "{:.3f} / {:.3f} / {:.3f}".format(*r.mn_bcubed) if r.mn_bcubed else "-")]
    width = max(len(r[0]) for r in rows) + 2
    cols = [max(24, len(r.name) + 2) for r in results]
    out = ["".ljust(width) + "".join(r.name.rjust(c) for r, c in zip(results, cols))]
    for label, fn in rows:
        out.append(label.ljust(width) + "".join(fn(r).rjust(c) for r, c in zip(results, cols)))
    return "\n".join(out)


def _worktree(rev: str, where: Path) -> Path:
    path = where / f"rev-{_safe(rev)}"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corroboration_quality",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--code", action="append", type=Path, default=[], metavar="DIR",
                    help="also measure the generator of this checkout (repeatable)")
    ap.add_argument("--rev", action="append", default=[], metavar="REV",
                    help="also measure commit REV (from a temporary git worktree; repeatable)")
    ap.add_argument("--no-current", action="store_true", help="do not measure the current checkout")
    ap.add_argument("--content", type=Path, default=None, metavar="DIR",
                    help="measure an existing ECB+ content directory instead of building")
    ap.add_argument("--multinews", action="store_true",
                    help="also build the Multi-News dev passages pooled and report grouping B-cubed")
    ap.add_argument("--keep", type=Path, default=None, metavar="DIR",
                    help="keep the built content directories under DIR (outside the repo)")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for the generator")
    ap.add_argument("--show-false", type=int, default=0, metavar="N",
                    help="print N evaluated pairs that are not strictly correct")
    ap.add_argument("--group-only", type=Path, default=None, metavar="CACHE",
                    help="group the analysed dev articles in-process (analyses pickled to CACHE)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="with --group-only: a group setting to override (repeatable)")
    ap.add_argument("--reuters", action="store_true",
                    help="with --group-only: also group the first 2,000 Reuters-21578 articles "
                         "(no gold: story sizes to read)")
    args = ap.parse_args(argv)
    if not (ECB / "articles.jsonl").exists() or not (ECB / "gold.json").exists():
        print(f"SKIP: {ECB} not found (evaluation data is not part of the repo)")
        return 0
    if args.group_only:
        print(group_only(args.group_only, args.set, args.reuters))
        return 0
    gold = load_ecb()

    results: list[Result] = []
    if args.content:
        res = measure(str(args.content), *read_content(args.content), gold, args.show_false)
        results.append(res)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="corroboration-"))
        work = args.keep.resolve() if args.keep else tmp
        codes: list[tuple[str, Path]] = [] if args.no_current else [("current", ROOT)]
        codes += [(str(d), d.resolve()) for d in args.code]
        trees = []
        try:
            for rev in args.rev:
                path = _worktree(rev, tmp)
                trees.append(path)
                codes.append((rev, path))
            mn_gold, mn_input = None, None
            if args.multinews:
                if MULTINEWS.exists():
                    mn_input = tmp / "multinews.jsonl"
                    mn_gold = multinews_inputs(MULTINEWS, mn_input)
                else:
                    print(f"skipped Multi-News: {MULTINEWS} not found")
            for n, (name, code) in enumerate(codes):
                folder = work / f"{n}-{_safe(name) or 'code'}"
                print(f"building ECB+ with {code} ...", file=sys.stderr, flush=True)
                content, seconds = build(code, folder / "ecbplus", [ECB / "articles.jsonl"], args.jobs)
                res = measure(name, *read_content(content), gold, args.show_false)
                res.seconds = seconds
                if mn_gold is not None:
                    print(f"building Multi-News with {code} ...", file=sys.stderr, flush=True)
                    content, _ = build(code, folder / "multinews", [mn_input], args.jobs)
                    res.mn_bcubed = measure_multinews(*read_content(content), mn_gold)
                results.append(res)
        finally:
            for path in trees:
                subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT,
                               capture_output=True)
            shutil.rmtree(tmp, ignore_errors=True)

    print("ECB+ (../shared/eval/ecbplus), measures of its README")
    print(table(results))
    for res in results:
        for sid, card, ia, xa, ib, xb, len_ok in res.false_pairs:
            print(f"\n[{res.name}] {sid} {'lenient-only' if len_ok else 'FALSE'}\n  card: {card}\n"
                  f"  {ia}: {xa}\n  {ib}: {xb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
