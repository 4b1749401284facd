"""The rebuild `mkdocs serve` runs after one card edit, timed in process (no server, no
file watcher, no search indexing), for content too large to wait for a served build.

    nice .venv/bin/python -m bench.serve_rebuild FOLDER [--edits N] [--work DIR]

FOLDER holds a `content/` folder (e.g. `bench/out/site_scale/nall/this`); it is copied to
DIR (default `bench/out/serve_rebuild/`, gitignored) with this checkout's `mkdocs.yml` and
`site_config.yml` made by bench.site_scale. Then, in this process: the plugin started as
under `mkdocs serve`, the first build (`mkdocs.commands.build.build`), and N times: one
story's title edited, the plugin's serve rebuild (`server.builder()`, told the changed
path as the native watcher would), and, when that rebuild left the corpus-wide lists for
a second one (see generator/site/mkdocs_serve.py), that second rebuild. For each edit:
wall and CPU seconds of each rebuild and the pages it rendered. The CPU seconds are the
figure to compare on a loaded machine.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

import yaml

from bench import site_scale as ss
from bench.scale import ROOT, _mkdocs_config


def edit_title(path: Path, marker: str) -> None:
    text = path.read_text(encoding="utf-8")
    title = (yaml.safe_load(text) or {}).get("title") or ""
    lines = text.splitlines(keepends=True)
    for j, line in enumerate(lines):
        if line.startswith("title:"):
            end = j + 1
            while end < len(lines) and lines[end][:1] in (" ", "\t"):   # a folded long title
                end += 1
            lines[j:end] = [f"title: {json.dumps(title + ' ' + marker, ensure_ascii=False)}\n"]
            break
    path.write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", type=Path, help="a folder holding content/")
    p.add_argument("--edits", type=int, default=4)
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "serve_rebuild")
    args = p.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(args.folder / "content", work / "content")
    ss.site_config(ROOT, work)
    mk = _mkdocs_config(work, ROOT)
    data = yaml.safe_load(mk.read_text(encoding="utf-8"))
    for plugin in data.get("plugins", []):
        if isinstance(plugin, dict) and "digest" in plugin:
            plugin["digest"]["search_index"] = False   # Pagefind runs apart from the rebuild under serve
    mk.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.site import mkdocs_serve

    config = load_config(config_file=str(mk), site_dir=str(work / "served"))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["digest"]
    t0, c0 = time.perf_counter(), time.process_time()
    build(config, serve_url=config.site_url)
    first = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "pages": len(plugin.generated)}
    print(f"first build: {first['wall']:.1f} s wall, {first['cpu']:.1f} s CPU, {first['pages']} pages", flush=True)

    class Server:   # what on_serve and a follow-up request use of MkDocs' LiveReloadServer
        builder = None
        _rebuild_cond = threading.Condition()
        _want_rebuild = False

    full = []
    server = config.plugins.on_serve(Server(), config=config, builder=lambda: full.append(1))
    plugin.changes = mkdocs_serve.Changes()
    stories = sorted((work / "content" / "stories").glob("*.yml"))
    out = {"first": first, "edits": []}
    for i in range(args.edits):
        path = stories[(i + 1) * len(stories) // (args.edits + 2)]
        edit_title(path, f"(edited {i + 1} {os.getpid()})")
        plugin.changes.paths.add(str(path))
        row = {}
        for step in ("first", "second"):
            if step == "second" and not server._want_rebuild:
                break
            server._want_rebuild = False
            t0, c0 = time.perf_counter(), time.process_time()
            server.builder()
            row[step] = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                         "rendered": len(plugin.rendered), "deferred": len(plugin.deferred)}
        row["full_rebuilds"] = len(full)
        out["edits"].append(row)
        second = row.get("second")
        print(f"edit {i + 1}: first rebuild {row['first']['wall']:.2f} s wall, {row['first']['cpu']:.2f} s CPU "
              f"({row['first']['rendered']} pages rendered, {row['first']['deferred']} left for the second)"
              + (f"; second {second['wall']:.2f} s wall, {second['cpu']:.2f} s CPU ({second['rendered']} pages)"
                 if second else ""), flush=True)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    out["load"] = os.getloadavg()
    config.plugins.on_shutdown()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
