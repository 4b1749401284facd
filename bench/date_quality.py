"""Date quality on TimeBank (TempEval-3): our date expressions vs gold DATE TIMEX3.

    nice .venv/bin/python -m bench.date_quality [--limit N] [--no-parse]

Each document's plain text (tags stripped) goes to `generator.nlp.dates.find_dates`
with the document creation time (DCT) as the publication date, and the spaCy doc
unless --no-parse. Against the gold TIMEX3 of type DATE:
- found: share of gold DATE expressions overlapped by one of ours;
- value: share of gold DATE expressions overlapped by one of ours with the same
  value (the strict figure);
- value P/R/F1: precision over our expressions that do not sit on a gold TIME,
  DURATION or SET expression, recall as "value"; comparable in spirit to
  TempEval-3's value F1 (HeidelTime ~0.78 over all TIMEX3 types).
Gold values we never produce by design (weeks "1998-W02", quarters, seasons,
PRESENT_REF/PAST_REF/FUTURE_REF, decades) are counted, and reported apart too.
Skips with a message when ../shared/eval is absent.
"""
from __future__ import annotations

import argparse
import html
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "timebank" / "TimeBank"
OURS_SHAPE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def parse_tml(raw: str):
    """(text, dct, timexes[(start, end, type, value)]) for one .tml file."""
    dct_m = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
    dct = dct_m.group(1)[:10] if dct_m else None
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    body = body.group(1) if body else ""
    out, timexes, stack = [], [], []
    pos = 0
    length = 0
    for m in _TAG.finditer(body):
        chunk = html.unescape(body[pos:m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        closing, name = m.group(1), m.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            attrs = dict(_ATTR.findall(m.group(3)))
            stack.append((length, attrs))
        elif stack:
            start, attrs = stack.pop()
            timexes.append((start, length, attrs.get("type"), attrs.get("value", "")))
    out.append(html.unescape(body[pos:]))
    return "".join(out), dct, timexes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-parse", action="store_true", help="regex and word cues only, no spaCy doc")
    args = ap.parse_args(argv)
    if not EVAL.exists():
        print(f"skipped: {EVAL} is absent (../shared/eval not available)")
        return 0
    from generator.nlp.dates import find_dates

    nlp = None
    if not args.no_parse:
        from generator.nlp.analyze import load_nlp

        nlp = load_nlp()
    files = sorted(EVAL.glob("*.tml"))[: args.limit or None]
    gold = found = right = 0
    gold_shape = found_shape = right_shape = 0
    ours_n = ours_ok = ours_other = 0
    t0 = time.perf_counter()
    misses: list[str] = []
    for f in files:
        text, dct, timexes = parse_tml(f.read_text(encoding="utf-8"))
        doc = nlp(text) if nlp else None
        mentions = find_dates(text, dct, doc)
        dates = [t for t in timexes if t[2] == "DATE"]
        others = [t for t in timexes if t[2] != "DATE"]
        for s, e, _, value in dates:
            hits = [m for m in mentions if m.start < e and s < m.end]
            ok = any(m.value == value for m in hits)
            gold += 1
            found += bool(hits)
            right += ok
            if OURS_SHAPE.match(value):
                gold_shape += 1
                found_shape += bool(hits)
                right_shape += ok
                if hits and not ok and len(misses) < 15:
                    misses.append(f"{f.stem}: {text[s:e]!r} gold {value} ours {[m.value for m in hits]} (DCT {dct})")
        for m in mentions:
            if any(m.start < e and s < m.end for s, e, _, _ in others) and \
                    not any(m.start < e and s < m.end for s, e, _, _ in dates):
                ours_other += 1
                continue
            ours_n += 1
            ours_ok += any(m.start < e and s < m.end and m.value == v for s, e, _, v in dates)
    secs = time.perf_counter() - t0
    p = ours_ok / ours_n if ours_n else 0.0
    r = right / gold if gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"TimeBank: {len(files)} documents, {gold} gold DATE expressions "
          f"({gold_shape} with a day/month/year value), {secs:.1f}s, parse={'no' if args.no_parse else 'yes'}")
    print(f"  found (overlap)        {found / gold:.3f}   ({found}/{gold})")
    print(f"  resolved to gold value {right / gold:.3f}   ({right}/{gold})")
    print(f"  on day/month/year gold: found {found_shape / gold_shape:.3f}, value {right_shape / gold_shape:.3f}")
    print(f"  value precision {p:.3f} ({ours_ok}/{ours_n}), recall {r:.3f}, F1 {f1:.3f}"
          f"   [HeidelTime, TempEval-3, all types: value F1 ~0.78]")
    print(f"  ours on gold TIME/DURATION/SET spans (left out of precision): {ours_other}")
    if misses:
        print("  some wrong values:")
        for line in misses:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
