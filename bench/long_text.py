"""Build time of one long one-line text: `python -m bench.long_text [--sizes 100000,200000,1000000]`.

Every text-scanning step must be linear in the text. For each size, a one-line `.txt`
of generated prose (sentences with dates, quotes and names, no paragraph breaks) is
built alone with `python -m generator build --no-cache --jobs 1` in a fresh folder;
the table gives wall seconds, seconds per 100k characters (flat when linear) and the
build's peak RSS. No data set is needed.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_NAMES = ["Ana Ruiz", "Tom Okafor", "Mei Lin", "Jonas Berg", "the ministry", "the council"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def long_text(chars: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    parts: list[str] = ["City officials met on Monday to discuss the budget."]
    size = len(parts[0])
    while size < chars:
        who = rnd.choice(_NAMES)
        s = rnd.choice([
            f"{who} said on {rnd.choice(_MONTHS)} {rnd.randint(1, 28)}, {rnd.randint(1990, 2020)} that the plan would cost {rnd.randint(2, 90)} million dollars.",
            f"\"We will review the figures next week,\" {who} told reporters on Tuesday.",
            f"The report, published in {rnd.choice(_MONTHS)}, found {rnd.randint(3, 400)} cases in {rnd.randint(2, 30)} districts.",
            f"According to {who}, the vote was delayed until {rnd.choice(_MONTHS)} {rnd.randint(1, 28)}.",
        ])
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)[:chars]


def run(chars: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        (folder / "in" / "long.txt").write_text("Budget Talks Drag On\n\n" + long_text(chars), encoding="utf-8")
        (folder / "site_config.yml").write_text("inputs: [in]\ncontent: content\ncache: cache\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "generator", "--config", str(folder / "site_config.yml"), "build",
               "--no-cache", "--quiet", "--jobs", "1"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return {"chars": chars, "seconds": seconds, "exit": proc.returncode,
                "rss_mib": max(peak, before) / 1024, "last": (proc.stdout + proc.stderr).strip().splitlines()[-1:]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.long_text", description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000,200000,1000000")
    args = ap.parse_args(argv)
    print("| characters | build s | s per 100k chars | peak RSS (MiB, max so far) | exit | last line |")
    print("|---:|---:|---:|---:|---:|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        r = run(n)
        print(f"| {n:,} | {r['seconds']:.1f} | {r['seconds'] / n * 100_000:.1f} | {r['rss_mib']:.0f} | "
              f"{r['exit']} | {' '.join(r['last'])[:80]} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
