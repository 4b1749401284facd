"""Quote quality on PolNeAR (dev): our direct quotes and speakers vs gold attributions,
side by side with textacy's `direct_quotations` on the same spaCy docs.

    nice .venv/bin/python -m bench.quote_quality [--limit N]

Gold: `../shared/eval/polnear/dev/attributions/*.ann` (brat). A gold attribution is
*direct* when its Content span contains a quote mark or is enclosed by quote marks.
For each system:
- recall: share of gold direct contents overlapped by at least one system quote;
- precision: share of system quotes that overlap some gold direct content;
- speaker accuracy: among matched gold quotes, share where a system speaker span
  overlaps the gold Source span or shares a name word with it; when the gold
  source is a pronoun (its referent is not annotated) a named speaker mentioned
  earlier in the article counts as right (that is what pronoun resolution gives).
One annotator's file per article (the first by name) when several annotated it.
Skips with a message when ../shared/eval is absent.

    nice .venv/bin/python -m bench.quote_quality --multinews-sheet FILE [--n 40 --seed 12]

writes a reading sheet instead: every Multi-News dev article prepared and analysed as
a build does, `--n` of all their quotes drawn with `random.seed(--seed)` (in article,
then text order, so the same code draws the same quotes), each with the text around it
and the speaker found, for a reader to judge. FILE quotes the research data: keep it
outside the repository.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "polnear" / "dev"
QUOTE_CHARS = "\"“”‘’'«»"
PRONOUNS = {"he", "she", "they", "we", "i", "it", "his", "her"}


def load_ann(path: Path):
    spans, rels = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, rest, text = line.split("\t", 2)
            label, offs = rest.split(" ", 1)
            segs = [tuple(int(x) for x in s.split()) for s in offs.split(";")]
            spans[tid] = (label, segs, text)
        elif line.startswith("E"):
            _, rest = line.split("\t", 1)
            rels.append(dict(part.split(":", 1) for part in rest.split()))
    out = []
    for r in rels:
        content = spans.get(r.get("Content", ""))
        if not content:
            continue
        source = spans.get(r.get("Source", ""))
        out.append({"content": content[1], "source": source[1] if source else [], "source_text": source[2] if source else ""})
    return out


def is_direct(text: str, segs) -> bool:
    a, b = segs[0][0], segs[-1][1]
    inside = any(c in QUOTE_CHARS for s, e in segs for c in text[s:e] if c not in "'’") or \
        any(text[s:e].count("'") + text[s:e].count("’") >= 2 for s, e in segs)
    enclosed = text[max(0, a - 2):a].strip()[-1:] in ("\"", "“", "‘") if text[max(0, a - 2):a].strip() else False
    return inside or enclosed


def overlaps(a0, a1, segs) -> bool:
    return any(a0 < e and s < a1 for s, e in segs)


def words(s: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z][\w'-]+", s)} - PRONOUNS - {"the", "a", "an", "of", "said", "says"}


def speaker_ok(text, gold, sp_start, sp_end, sp_name) -> bool:
    if sp_name is None:
        return False
    if sp_start is not None and overlaps(sp_start, sp_end, gold["source"]):
        return True
    gw = words(gold["source_text"])
    if gw and words(sp_name) & gw:
        return True
    if not gw and gold["source_text"].strip().lower() in PRONOUNS:
        # A pronoun source: the referent is not annotated; accept a named speaker
        # mentioned earlier in the article (our pronoun resolution's answer).
        return sp_start is not None and sp_start < gold["content"][0][0]
    return False


def evaluate(docs, system):
    """system(doc, text) -> list of (start, end, sp_start, sp_end, sp_name)."""
    gold_n = gold_hit = sys_n = sys_hit = sp_n = sp_ok = 0
    for text, doc, golds in docs:
        quotes = system(doc, text)
        sys_n += len(quotes)
        sys_hit += sum(1 for q in quotes if any(overlaps(q[0], q[1], g["content"]) for g in golds))
        for g in golds:
            gold_n += 1
            hits = [q for q in quotes if overlaps(q[0], q[1], g["content"])]
            if hits:
                gold_hit += 1
                sp_n += 1
                sp_ok += any(speaker_ok(text, g, q[2], q[3], q[4]) for q in hits)
    p = sys_hit / sys_n if sys_n else 0.0
    r = gold_hit / gold_n if gold_n else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": gold_n, "found": sys_n, "precision": p, "recall": r, "f1": f,
            "speaker_acc": sp_ok / sp_n if sp_n else 0.0, "matched": sp_n}


def ours(doc, text):
    from generator.nlp.quotes import find_quotes

    return [(q.start, q.end, q.speaker_start, q.speaker_end, q.speaker_name) for q in find_quotes(doc, text)]


def textacy_system(doc, text):
    from textacy.extract.triples import direct_quotations

    out = []
    try:
        triples = list(direct_quotations(doc))
    except Exception:  # textacy raises on some unbalanced quote marks
        return out
    for t in triples:
        sp = t.speaker
        sp_start = sp[0].idx if sp else None
        sp_end = sp[-1].idx + len(sp[-1].text) if sp else None
        out.append((t.content.start_char, t.content.end_char, sp_start, sp_end,
                    " ".join(x.text for x in sp) if sp else None))
    return out


def multinews_sheet(out: Path, n: int, seed: int) -> int:
    """Write the reading sheet of `n` Multi-News dev quotes (see the module's docstring)."""
    import random
    import tempfile

    from bench.corroboration_quality import MULTINEWS, _prepared, multinews_inputs

    if not MULTINEWS.exists():
        print(f"skipped: {MULTINEWS} is absent (../shared/eval not available)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "multinews.jsonl"
        multinews_inputs(MULTINEWS, path)
        articles, analyses = _prepared([path])
    quotes = [(a, q) for a in articles for q in analyses[a.id].quotes]
    random.seed(seed)
    drawn = sorted(random.sample(range(len(quotes)), min(n, len(quotes))))
    lines = [f"{len(quotes)} quotes in {len(articles)} articles; {len(drawn)} drawn with seed {seed}", ""]
    for k, i in enumerate(drawn):
        art, q = quotes[i]
        text = art.text
        before = text[max(0, q.start - 350):q.start]
        after = text[q.end:q.end + 200]
        lines.append(f"=== #{k} {art.id}@{q.start} speaker={q.speaker_name!r} cue={q.cue!r}")
        lines.append((before + "[[" + q.text + "]]" + after).replace("\n", " ¶ "))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(drawn)} of {len(quotes)} quotes -> {out}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="first N articles only")
    ap.add_argument("--multinews-sheet", type=Path, default=None, metavar="FILE",
                    help="write a reading sheet of Multi-News dev quotes instead (outside the repo)")
    ap.add_argument("--n", type=int, default=40, help="quotes on the sheet")
    ap.add_argument("--seed", type=int, default=12, help="seed of the draw")
    args = ap.parse_args(argv)
    if args.multinews_sheet:
        return multinews_sheet(args.multinews_sheet, args.n, args.seed)
    if not EVAL.exists():
        print(f"skipped: {EVAL} is absent (../shared/eval not available)")
        return 0
    import spacy

    from generator.nlp.analyze import MODEL

    # The full pipeline (with the lemmatizer the generator leaves out): textacy's
    # cue detection reads lemmas; ours does not care. Both read the same docs.
    nlp = spacy.load(MODEL)
    anns = {}
    for p in sorted((EVAL / "attributions").glob("*.ann")):
        base = re.sub(r"_[^_]+\.ann$", "", p.name)
        anns.setdefault(base, p)
    items = sorted(anns.items())[: args.limit or None]
    docs = []
    t0 = time.perf_counter()
    for base, ann in items:
        tp = EVAL / "text" / f"{base}.txt"
        if not tp.exists():
            continue
        text = tp.read_text(encoding="utf-8")
        golds = [g for g in load_ann(ann) if is_direct(text, g["content"])]
        docs.append((text, nlp(text), golds))
    parse_s = time.perf_counter() - t0
    rows = []
    for name, system in (("ours (generator.nlp.quotes)", ours), ("textacy direct_quotations", textacy_system)):
        t0 = time.perf_counter()
        res = evaluate(docs, system)
        res["seconds"] = time.perf_counter() - t0
        rows.append((name, res))
    from generator.nlp.analyze import MODEL
    print(f"PolNeAR dev: {len(docs)} articles, {rows[0][1]['gold']} gold direct attributions "
          f"(spaCy parse {parse_s:.1f}s, model {MODEL}, full pipeline)")
    print(f"{'system':28} {'found':>6} {'prec':>6} {'recall':>6} {'F1':>6} {'speaker':>8} {'secs':>6}")
    for name, r in rows:
        print(f"{name:28} {r['found']:6d} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
              f"{r['speaker_acc']:8.3f} {r['seconds']:6.1f}")
    print("speaker = share of matched gold quotes whose speaker we got right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
