"""The search index alone over a built site: one update of site_dir/pagefind/ (full the first
time, then only what changed), measured, then the bytes one query downloads.

    nice .venv/bin/python -m bench.search_index SITE_DIR [--shard-pages N] [--no-query]

Prints the update's mode (full, shards, delta, unchanged), pages indexed, wall and CPU
seconds and peak RSS of the process tree (bench.site_scale.run_measured) with Pagefind's
share, then the per-query download of the 10 queries of bench.site_scale (cold, through
the bundles' own pagefind.js under Node, merged as the site's search box merges them):
one unfiltered search with 10 results shown (bench.site_scale's figure), and as the search
box asks (a filtered search per kind, 5 + 3 + 5 results shown).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.site_scale import NODE_SCRIPT, QUERIES, query_bytes, run_measured

ROOT = Path(__file__).resolve().parent.parent


def box_bytes(bundle: Path) -> list[int]:
    """Bytes of each query of bench.site_scale as the site's search box asks them (one filtered
    search per kind, so each bundle's filter chunk too; the first results of each kind)."""
    node = shutil.which("node")
    if not node or not (bundle / "shards.json").is_file():
        return []
    run = subprocess.run([node, str(NODE_SCRIPT), str(bundle), "box", *QUERIES], capture_output=True,
                         text=True, timeout=600)
    return [json.loads(line)["bytes"] for line in run.stdout.splitlines() if line.startswith("{")]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.search_index", description=__doc__.split("\n")[0])
    p.add_argument("site", type=Path)
    p.add_argument("--shard-pages", type=int, default=None)
    p.add_argument("--no-query", action="store_true")
    args = p.parse_args(argv)
    site = args.site.resolve()
    kw = f", shard_pages={args.shard_pages}" if args.shard_pages else ""
    code = ("import json, pathlib; from generator.site import search; "
            f"r = search.SiteIndex(pathlib.Path({str(site)!r}){kw}).update(); "
            "print(json.dumps({'mode': r.mode, 'pages': r.pages, 'indexed': r.indexed, 'bundles': r.bundles}))")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"]
                                                   if os.environ.get("PYTHONPATH") else ""))
    m = run_measured([sys.executable, "-c", code], ROOT, env, watch="pagefind")
    if m["code"] != 0:
        print(m["stderr"][-2000:], file=sys.stderr)
        return 1
    report = json.loads(m["stdout"].strip().splitlines()[-1])
    pf = m.get("watched") or {}
    print(f"{report['mode']}: {report['pages']} pages, {report['indexed']} indexed, "
          f"{len(report['bundles'])} bundles written; {m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU, "
          f"peak RSS {m['rss'] / 2**20:.0f} MB (Pagefind {pf.get('rss', 0) / 2**20:.0f} MB, "
          f"{pf.get('cpu', 0):.1f} s CPU); load {m['load']:.1f}")
    if not args.no_query:
        q = query_bytes(site / "pagefind")
        if q and "error" not in q:
            print(f"one query: median {q['median'] / 1000:.0f} KB, max {q['max'] / 1000:.0f} KB; "
                  f"bundles {q['bundle_bytes'] / 1e6:.1f} MB")
        else:
            print(f"per-query bytes not measured: {q}")
        box = box_bytes(site / "pagefind")
        if box:
            print(f"as the search box (a search per kind, 5 + 3 + 5 results shown): median "
                  f"{statistics.median(box) / 1000:.0f} KB, max {max(box):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
