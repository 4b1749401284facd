"""Every benchmark in bench/, one after the other, then all their tables (`make bench`).

    .venv/bin/python -m bench.run_all [--only scale,story_quality] [--scale-sizes 1000,5000]

Each bench runs as its own `nice`d child process (`python -m bench.<name>`), so one
that crashes does not stop the others and the memory one bench uses is not counted in
the next. Each one skips by itself, with a message, when `../shared/eval` is absent.
A bench module that does not exist yet is listed as missing. Progress goes to stderr
as the benches run; their tables are printed together at the end. The exit code is
1 when any bench failed.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ("clean_quality", "story_quality", "corroboration_quality", "quote_quality", "date_quality", "scale")


def command(name: str, scale_sizes: str | None = None) -> list[str]:
    cmd = [sys.executable, "-m", f"bench.{name}"]
    if name == "scale" and scale_sizes:
        cmd += ["--sizes", scale_sizes]
    if shutil.which("nice"):
        cmd = ["nice", "-n", "10"] + cmd
    return cmd


def run(names: list[str], scale_sizes: str | None = None) -> tuple[list[tuple[str, str, int, float]], int]:
    """(name, stdout, exit code, seconds) per bench, and the overall exit code."""
    results = []
    failed = 0
    for name in names:
        if not (ROOT / "bench" / f"{name}.py").exists():
            results.append((name, "missing: bench/%s.py does not exist yet" % name, 0, 0.0))
            continue
        print(f"== bench.{name}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        # stderr is passed through (progress); stdout is the table, printed at the end.
        proc = subprocess.run(command(name, scale_sizes), cwd=ROOT, stdout=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - t0
        results.append((name, proc.stdout.rstrip(), proc.returncode, seconds))
        failed |= proc.returncode != 0
    return results, int(failed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.split("\n")[0])
    ap.add_argument("--only", default=None, help=f"comma-separated subset of: {', '.join(BENCHES)}")
    ap.add_argument("--scale-sizes", default=None, help="sizes for bench.scale (default: all three)")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error(f"unknown bench: {', '.join(unknown)}")
    results, code = run(names, args.scale_sizes)
    for name, out, rc, seconds in results:
        status = "" if rc == 0 else f" FAILED (exit {rc})"
        print(f"\n## bench.{name} ({seconds:.0f} s){status}\n")
        print(out or "(no output)")
    return code


if __name__ == "__main__":
    sys.exit(main())
