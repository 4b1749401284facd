"""Site at archive scale on Reuters-21578: generator, MkDocs build, search index and
incremental rebuilds, measured stage by stage; optionally two checkouts side by side.

    nice .venv/bin/python -m bench.site_scale [--sizes 2010,all] [--code DIR] [--jobs N]
                                              [--no-dirty] [--no-pagefind] [--json FILE]

Reads `../shared/eval/reuters21578/reuters21578.tar.gz` (skips when absent), converts
the first N stories with a body into the generator's JSON Lines input under
`bench/out/site_scale/` (gitignored, never committed) and, for each size and each code
version (this checkout, and `--code DIR` when given: a baseline to compare with in the
same run), runs in child processes:

- `generator`: `python -m generator build` over the N articles;
- `mkdocs`: `mkdocs build` of the site over that content;
- `pagefind`: when the build wrote no Pagefind bundle and the `pagefind` package (with
  its binary, `pagefind[bin]`) is importable, `python -m pagefind --site SITE` over the
  built site as it is, so the baseline gets a per-query figure too;
- `edit`: one story YAML edited (its title), then `mkdocs build --dirty`: seconds and
  how many files of the site were rewritten;
- `plus10`: the generator re-run with 10 more articles, then `mkdocs build --dirty`.
- `serve` (`--serve-edits N`, default 3; 0 skips it): `mkdocs serve` over the site (with
  the cards watched), then N times: one story YAML edited (its title), and the seconds from
  the file written until the served story page shows the new title (polled every 50 ms
  over HTTP), as an editor previewing a fix would wait, and the CPU seconds the server
  process used meanwhile (on a loaded machine the fairer figure); then until the story
  list (`stories/`, written by a second rebuild under serve) shows it too. Also the
  seconds until the server first answers, and then until its search bundle is served
  (`pagefind/pagefind.js`, or the built-in search's `search/search_index.json`).

Each stage reports wall seconds and peak RSS of the whole process tree (bench.scale's
run_measured). The site reports its pages (.html files), bytes (all files), bytes per
article and per top-level folder, the size of `search/search_index.json` (MkDocs'
built-in search, loaded whole by the browser) and, when a Pagefind bundle exists, the
bytes one query downloads: pagefind.js, the entry file, the WebAssembly, the metadata,
the index chunks and the fragments of the first 10 results, recorded by running the
queries through the bundle's own pagefind.js under Node (`bench/pagefind_query.mjs`),
every query starting cold.

Every child runs a snapshot of its code (generator/, theme/, mkdocs.yml, ...) so that
edits to a checkout during the run cannot mix versions. The MkDocs plugin entry point
is taken from each checkout's pyproject.toml, so a checkout that moved its plugin
module still builds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

from bench.scale import (EVAL, GIB, PY, ROOT, TARBALL, _mkdocs_config, input_record, reuters_stories,
                         write_jsonl)

OUT = ROOT / "bench" / "out" / "site_scale"
EXTRA = 10
QUERIES = ["oil prices", "bank", "japan trade surplus", "wheat", "dividend", "opec",
           "federal reserve", "coffee", "merger talks", "dollar"]
SHOWN = 10  # results whose fragment the page loads (a results list)
NODE_SCRIPT = Path(__file__).with_name("pagefind_query.mjs")
_ = EVAL  # the data folder, named in the skip message via TARBALL

# Runs `mkdocs` with the `digest` plugin entry point of the measured checkout (argv[1]),
# whatever the editable install in the venv points at.
MKDOCS_SHIM = """
import sys
from importlib.metadata import EntryPoint
import mkdocs.plugins
value = sys.argv.pop(1)
_orig = mkdocs.plugins.get_plugins
def get_plugins():
    found = dict(_orig())
    if value:
        found["digest"] = EntryPoint(name="digest", value=value, group="mkdocs.plugins")
    return found
mkdocs.plugins.get_plugins = get_plugins
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
cli()
"""


# ---------------------------------------------------------------- code versions
COPY = ("generator", "theme", "mkdocs.yml", "site_config.yml", "pyproject.toml", "content/pages", "overrides")


def snapshot(src: Path, dest: Path) -> str:
    """Copy what a build needs from checkout `src` into `dest`; its git version."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPY:
        p = src / name
        if p.is_dir():
            shutil.copytree(p, dest / name, ignore=ignore)
        elif p.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, dest / name)
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=src, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *COPY], cwd=src, capture_output=True,
                               text=True).stdout.strip()
        return (head or "unknown") + ("+uncommitted" if dirty else "")
    except OSError:
        return "unknown"


def plugin_entry_point(code: Path) -> str:
    data = tomllib.loads((code / "pyproject.toml").read_text(encoding="utf-8"))
    return data.get("project", {}).get("entry-points", {}).get("mkdocs.plugins", {}).get("digest", "")


def site_config(code: Path, folder: Path) -> Path:
    """bench.scale's site_config.yml, but from the measured checkout's settings."""
    import yaml

    base = yaml.safe_load((code / "site_config.yml").read_text(encoding="utf-8")) or {}
    base.update(inputs=[], content=str(folder / "content"), cache=str(folder / "cache"))
    path = folder / "site_config.yml"
    path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- measuring the site
def tree(site: Path) -> dict[str, tuple[int, int]]:
    """relative path -> (size, mtime_ns) of every file under the site."""
    out = {}
    for dirpath, _dirs, names in os.walk(site):
        for n in names:
            p = os.path.join(dirpath, n)
            st = os.stat(p)
            out[os.path.relpath(p, site)] = (st.st_size, st.st_mtime_ns)
    return out


def site_figures(site: Path, articles: int) -> dict:
    files = tree(site)
    by_top: dict[str, int] = {}
    for rel, (size, _) in files.items():
        top = rel.split(os.sep, 1)[0] if os.sep in rel else "(top)"
        by_top[top] = by_top.get(top, 0) + size
    total = sum(s for s, _ in files.values())
    index = site / "search" / "search_index.json"
    return {"pages": sum(1 for r in files if r.endswith(".html")), "files": len(files), "bytes": total,
            "bytes_per_article": total / max(articles, 1),
            "search_index_bytes": index.stat().st_size if index.exists() else None,
            "bytes_by_folder": dict(sorted(by_top.items(), key=lambda kv: -kv[1])[:8])}


def pagefind_bundle(site: Path) -> Path | None:
    """The Pagefind output folder: one bundle (pagefind.js), or several listed in shards.json."""
    for cand in (site / "pagefind", site / "_pagefind"):
        if (cand / "pagefind.js").exists() or (cand / "shards.json").exists():
            return cand
    return None


def pagefind_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("pagefind") is not None and importlib.util.find_spec("pagefind_bin") is not None


def query_bytes(bundle: Path) -> dict | None:
    """Per-query download of the bundle, through its own pagefind.js under Node."""
    node = shutil.which("node")
    if not node:
        return {"error": "node not found"}
    run = subprocess.run([node, str(NODE_SCRIPT), str(bundle), str(SHOWN), *QUERIES], capture_output=True,
                         text=True, timeout=600)
    if run.returncode != 0:
        return {"error": "\n".join(run.stderr.strip().splitlines()[-5:])}
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    sizes = [r["bytes"] for r in rows]
    bundle_bytes = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return {"median": statistics.median(sizes), "max": max(sizes), "min": min(sizes),
            "bundle_bytes": bundle_bytes, "queries": rows}


def run_measured(cmd: list[str], cwd: Path, env: dict, watch: str | None = None) -> dict:
    """Wall seconds and peak RSS of the child's process tree, sampled every 50 ms with psutil
    (as bench.scale.run_measured, without its RUSAGE_CHILDREN floor: that is the largest
    child of the whole bench so far, which would credit a small stage with an earlier
    stage's memory).

    `watch`: a word of a sub-process's command line (e.g. "pagefind", which the MkDocs
    plugin runs in its on_post_build); the result then also has that sub-process's share:
    seconds from first to last seen, its CPU seconds and peak RSS, and the peak RSS of the
    tree while it was not running (the build's own memory)."""
    import tempfile
    import time

    import psutil

    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        cpu_seen: dict[tuple[int, float], float] = {}  # (pid, start time) -> its own user+system seconds
        watched: dict = {"first": None, "last": None, "rss": 0, "keys": set()}
        rest_peak = 0  # the tree's peak while no watched process runs
        timeline: list[tuple[float, int, int]] = []
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            rss = watched_rss = 0
            try:
                for p in [ps] + ps.children(recursive=True):
                    try:
                        with p.oneshot():
                            m = p.memory_info().rss
                            rss += m
                            t = p.cpu_times()
                            key = (p.pid, p.create_time())
                            cpu_seen[key] = t.user + t.system
                        if watch and (key in watched["keys"] or any(watch in a for a in p.cmdline())):
                            watched["keys"].add(key)
                            watched_rss += m
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            now = time.perf_counter() - t0
            if watched_rss:
                watched["first"] = now if watched["first"] is None else watched["first"]
                watched["last"] = now
                watched["rss"] = max(watched["rss"], watched_rss)
            else:
                rest_peak = max(rest_peak, rss)
            peak = max(peak, rss)
            if not timeline or now - timeline[-1][0] >= 1.0:  # the tree's RSS once a second (--json)
                timeline.append((round(now, 1), rss, watched_rss))
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        # CPU seconds of the process tree: on a shared machine wall time depends on the load,
        # CPU time much less. Sampled per process (worker pools whose parent never reaps them
        # are missed by RUSAGE_CHILDREN); the last 50 ms of a short-lived process may be missed.
        cpu = max(sum(cpu_seen.values()),
                  (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        result = {"wall": wall, "cpu": cpu, "rss": peak, "load": os.getloadavg()[0], "code": proc.returncode,
                  "stdout": out.read(), "stderr": err.read(), "timeline": timeline}
        if watch and watched["first"] is not None:
            # the watched process runs to the end of the build (on_post_build): its last
            # sample is at most 50 ms before it ends
            result["watched"] = {"wall": watched["last"] - watched["first"] + 0.05,
                                 "cpu": sum(cpu_seen[k] for k in watched["keys"] if k in cpu_seen),
                                 "rss": watched["rss"], "rss_without": rest_peak}
        return result


KIND_OF_FILE = {".js": "pagefind.js", ".json": "entry", ".pagefind": "wasm", ".pf_meta": "meta", ".pf_index": "index",
                ".pf_fragment": "fragments", ".pf_filter": "filters"}


def mkdocs_cmd(code: Path, cfg: Path, *extra: str) -> list[str]:
    return [PY, "-c", MKDOCS_SHIM, plugin_entry_point(code), "build", "-q", "-f", str(cfg), *extra]


def _env(code: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    return env


def _stage(run: dict, what: str) -> dict:
    if run["code"] != 0:
        tail = "\n".join(run["stderr"].strip().splitlines()[-12:])
        raise RuntimeError(f"{what} failed (exit {run['code']}):\n{tail}")
    out = {"wall": run["wall"], "cpu": run["cpu"], "rss": run["rss"], "load": run["load"],
           "rss_timeline": run["timeline"]}
    if "watched" in run:
        out["search"] = run["watched"]
    return out


def edit_one_story(content: Path) -> Path:
    """Change the title of one story (the middle one by name), as an editor would."""
    import yaml

    stories = sorted((content / "stories").glob("*.yml"))
    path = stories[len(stories) // 2]
    title = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("title") or ""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            end = i + 1
            while end < len(lines) and lines[end][:1] in (" ", "\t"):  # a folded long title
                end += 1
            # a JSON string is a valid YAML scalar
            lines[i:end] = [f"title: {json.dumps(title + ' (edited)', ensure_ascii=False)}\n"]
            break
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return None


def _until(predicate, timeout: float, step: float = 0.05) -> float | None:
    import time

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if predicate():
            return time.perf_counter() - t0
        time.sleep(step)
    return None


def _cpu(pid: int) -> float:
    """User + system CPU seconds of the server process itself (its search indexer, a child
    process, is not counted: it runs after the page is shown)."""
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def _story_list_part(site: Path, stem: str) -> str:
    """The URL path of the story-list page that lists story `stem`: a long list is split into
    parts under stories/by-date/ (one per date range), a short one is stories/ itself."""
    for page in sorted((site / "stories" / "by-date").glob("*/index.html")):
        if f"/{stem}/" in page.read_text(encoding="utf-8"):
            return f"stories/by-date/{page.parent.name}/"
    return "stories/"


def serve_edits(code: Path, mk: Path, content: Path, env: dict, edits: int, log) -> dict:
    """`mkdocs serve`, then `edits` story titles edited one after another: seconds from the
    file written until the served page shows it (see the module's docstring)."""
    import signal
    import time

    import yaml

    data = yaml.safe_load(mk.read_text(encoding="utf-8"))
    data["watch"] = [str(content), str(mk.parent / "site_config.yml")]
    cfg = mk.with_name("mkdocs-serve.yml")
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    logf = open(mk.with_name("serve.log"), "w")
    cmd = [PY, "-c", MKDOCS_SHIM, plugin_entry_point(code), "serve", "-f", str(cfg), "-a", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    out: dict = {"edits": [], "cpu": []}
    try:
        out["start"] = _until(lambda: _get(base) is not None, 1800, 0.5)
        if out["start"] is None:
            raise RuntimeError("mkdocs serve did not answer in 30 min:\n" + mk.with_name("serve.log").read_text()[-2000:])
        # a sharded index answers with pagefind/shards.json, one bundle with pagefind/pagefind.js
        out["search"] = _until(lambda: _get(base + "pagefind/shards.json") is not None
                               or _get(base + "pagefind/pagefind.js") is not None
                               or _get(base + "search/search_index.json") is not None, 600, 0.5)
        stories = sorted((content / "stories").glob("*.yml"))
        for i in range(edits):
            time.sleep(3)   # an editor's pause; the previous rebuild's follow-ups settle
            path = stories[(i + 1) * len(stories) // (edits + 2)]
            text = path.read_text(encoding="utf-8")
            title = (yaml.safe_load(text) or {}).get("title") or ""
            marker = f"(edited {i + 1} {os.getpid()})"
            lines = text.splitlines(keepends=True)
            for j, line in enumerate(lines):
                if line.startswith("title:"):
                    end = j + 1
                    while end < len(lines) and lines[end][:1] in (" ", "\t"):
                        end += 1
                    lines[j:end] = [f"title: {json.dumps(title + ' ' + marker, ensure_ascii=False)}\n"]
                    break
            url = f"{base}stories/{path.stem}/"
            cpu0 = _cpu(proc.pid)
            path.write_text("".join(lines), encoding="utf-8")
            t0 = time.perf_counter()
            seen = _until(lambda: marker in (_get(url) or ""), 1200)
            out["edits"].append(seen if seen is not None else float("nan"))
            out["cpu"].append(_cpu(proc.pid) - cpu0)
            # the story list (a page listing the whole corpus, or, when long, the part of it
            # listing this story) may be written by a later rebuild
            list_url = base + _story_list_part(Path(data["site_dir"]), path.stem)
            listed = _until(lambda: marker in (_get(list_url) or ""), 1200) if seen is not None else None
            out.setdefault("listed", []).append(time.perf_counter() - t0 if listed is not None else float("nan"))
            out.setdefault("cpu_listed", []).append(_cpu(proc.pid) - cpu0)
            log(f"  serve edit {i + 1}: {path.name} shown after {seen if seen is None else round(seen, 2)} s, "
                f"{out['cpu'][-1]:.2f} s CPU; in the story list after {out['listed'][-1]:.2f} s, "
                f"{out['cpu_listed'][-1]:.2f} s CPU")
            if seen is None:
                break
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        logf.close()
    good = [x for x in out["edits"] if x == x]
    out["median"] = statistics.median(good) if good else None
    listed = [x for x in out.get("listed", []) if x == x]
    out["median_listed"] = statistics.median(listed) if listed else None
    return out


def rewritten(before: dict, after: dict) -> int:
    return sum(1 for rel, st in after.items() if before.get(rel) != st) + sum(1 for rel in before if rel not in after)


def measure(label: str, name: str, code: Path, inputs: Path, extra: Path, n: int, jobs: int,
            dirty: bool, pagefind: bool, log, serve: int = 0, edit: bool = True) -> dict:
    folder = OUT / f"n{label}" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    cfg = site_config(code, folder)
    mk = _mkdocs_config(folder, code)
    env = _env(code)
    content, site = folder / "content", folder / "site"
    row: dict = {"size": n, "code": name}

    def gen(*paths: Path) -> list[str]:
        cmd = [PY, "-m", "generator", "--config", str(cfg), "build", "--content", str(content), "--quiet",
               "--jobs", str(jobs)]
        for p in paths:
            cmd += ["--input", str(p)]
        return cmd

    def stage_done(key: str) -> None:
        # A long run says each stage's figures as it ends and keeps them on disk, so a run
        # cut short still has what it measured.
        st = row[key]
        log(f"[{label} {name}] {key}: {_s(st)}" + (f", search {_s(st['search'])}" if "search" in st else ""))
        (folder / "row.json").write_text(json.dumps(row, indent=1, default=str), encoding="utf-8")

    log(f"[{label} {name}] generator over {n} articles")
    g = run_measured(gen(inputs), code, env)
    row["generator"] = _stage(g, "generator")
    row["generator"]["summary"] = g["stdout"].strip().splitlines()[-1] if g["stdout"].strip() else ""
    row["records"] = {k: sum(1 for _ in (content / k).glob("*.yml")) for k in ("articles", "stories", "entities")}
    stage_done("generator")

    log(f"[{label} {name}] mkdocs build")
    m = run_measured(mkdocs_cmd(code, mk), code, env, watch="pagefind")
    row["mkdocs"] = _stage(m, "mkdocs build")
    row["site"] = site_figures(site, row["records"]["articles"])
    stage_done("mkdocs")

    bundle = pagefind_bundle(site)
    if bundle is None and pagefind:
        log(f"[{label} {name}] pagefind over the built site")
        p = run_measured([PY, "-m", "pagefind", "--site", str(site), "--quiet"], code, env)
        row["pagefind"] = _stage(p, "pagefind")
        row["pagefind"]["run_by"] = "bench"
        bundle = pagefind_bundle(site)
    elif bundle is not None:
        row["pagefind"] = {"run_by": "build"}
    if bundle is not None:
        log(f"[{label} {name}] per-query download ({len(QUERIES)} queries, cold)")
        row["query"] = query_bytes(bundle)

    if serve:
        log(f"[{label} {name}] mkdocs serve, {serve} story edits")
        row["serve"] = serve_edits(code, mk, content, env, serve, log)

    if dirty and edit:
        before = tree(site)
        edited = edit_one_story(content)
        log(f"[{label} {name}] one story edited ({edited.name}), mkdocs build --dirty")
        e = run_measured(mkdocs_cmd(code, mk, "--dirty"), code, env, watch="pagefind")
        row["edit"] = _stage(e, "mkdocs build --dirty after an edit")
        after = tree(site)
        row["edit"]["rewritten"] = rewritten(before, after)
        stage_done("edit")

    if dirty:
        log(f"[{label} {name}] generator re-run with {EXTRA} more articles, then mkdocs build --dirty")
        before = tree(site)
        r = run_measured(gen(inputs, extra), code, env)
        row["plus10_generator"] = _stage(r, "generator re-run +10")
        stage_done("plus10_generator")
        d = run_measured(mkdocs_cmd(code, mk, "--dirty"), code, env, watch="pagefind")
        row["plus10_mkdocs"] = _stage(d, "mkdocs build --dirty after +10")
        row["plus10_mkdocs"]["rewritten"] = rewritten(before, tree(site))
        stage_done("plus10_mkdocs")
    return row


# ---------------------------------------------------------------- the table
def _mb(b: float | None) -> str:
    if b is None:
        return "-"
    return f"{b / GIB:.2f} GiB" if b >= GIB else f"{b / 1024 ** 2:.1f} MB" if b >= 1024 ** 2 else f"{b / 1024:.0f} KB"


def _s(st: dict | None) -> str:
    if not st or "wall" not in st:
        return "-"
    return f"{st['wall']:.1f} s ({st['cpu']:.0f} s CPU), {_mb(st['rss'])}"


def table(rows: list[dict], versions: dict[str, str]) -> str:
    lines = ["Site at scale (Reuters-21578; " + ", ".join(f"{k}: {v}" for k, v in versions.items()) + ")", "",
             "| articles | code | stories | entities | generator | mkdocs build | pages | site | per article "
             "| search_index.json | pagefind | per query (median / max) | edit: dirty build (files rewritten) "
             "| +10: generator | +10: dirty build (files rewritten) | serve: edit until shown (each) |",
             "|---:|---|---:|---:|---|---|---:|---:|---:|---:|---|---|---|---|---|---|"]
    for r in rows:
        q = r.get("query") or {}
        qcol = f"{_mb(q['median'])} / {_mb(q['max'])}" if "median" in q else q.get("error", "-")
        pf = r.get("pagefind")
        pfcol = "-" if not pf else ("in build" if pf.get("run_by") == "build" else _s(pf))
        edit = f"{_s(r['edit'])} ({r['edit']['rewritten']:,})" if "edit" in r else "-"
        p10 = f"{_s(r['plus10_mkdocs'])} ({r['plus10_mkdocs']['rewritten']:,})" if "plus10_mkdocs" in r else "-"
        sv = r.get("serve")
        svcol = "-"
        if sv:
            each = ", ".join("not shown" if x != x else f"{x:.2f}" for x in sv["edits"])
            med = f"{sv['median']:.2f} s median" if sv.get("median") is not None else "not shown"
            srch = f"{sv['search']:.0f} s" if sv.get("search") is not None else "none"
            cpu = ", ".join(f"{x:.2f}" for x in sv.get("cpu", []))
            svcol = (f"{med} ({each}; CPU {cpu}); server up after {sv['start']:.0f} s, "
                     f"search {srch} later")
        lines.append(
            f"| {r['records']['articles']:,} | {r['code']} | {r['records']['stories']:,} | {r['records']['entities']:,} "
            f"| {_s(r['generator'])} | {_s(r['mkdocs'])} | {r['site']['pages']:,} | {_mb(r['site']['bytes'])} "
            f"| {r['site']['bytes_per_article'] / 1024:.0f} KB | {_mb(r['site']['search_index_bytes'])} | {pfcol} "
            f"| {qcol} | {edit} | {_s(r.get('plus10_generator'))} | {p10} | {svcol} |")
    lines += ["", "Search indexing (Pagefind, run by the plugin's on_post_build) inside each MkDocs build: "
              "wall (CPU), its peak RSS; the build's peak RSS outside it:", ""]
    for r in rows:
        parts = []
        for k, what in (("mkdocs", "full build"), ("edit", "edit"), ("plus10_mkdocs", "+10")):
            st = (r.get(k) or {}).get("search")
            if st:
                parts.append(f"{what}: {st['wall']:.1f} s ({st['cpu']:.0f} s CPU), {_mb(st['rss'])}; "
                             f"rest of the build {r[k]['wall'] - st['wall']:.1f} s, {_mb(st['rss_without'])}")
        if parts:
            lines.append(f"- {r['size']:,} {r['code']}: " + "; ".join(parts))
    lines += ["", "Targets:", ""]
    for r in rows:
        gen, mk = r["generator"], r["mkdocs"]
        peak = max(gen["rss"], mk["rss"])
        lines.append(f"- {r['size']:,} {r['code']}: site+search {mk['wall']:.1f} s vs generator {gen['wall']:.1f} s "
                     f"({mk['wall'] / gen['wall']:.2f}x; <= 1x: {'ok' if mk['wall'] <= gen['wall'] else 'MISSED'}); "
                     f"peak RSS {_mb(peak)} (<= 2 GiB: {'ok' if peak <= 2 * GIB else 'MISSED'})"
                     + (f"; site build after +10 {r['plus10_mkdocs']['wall']:.1f} s = "
                        f"{r['plus10_mkdocs']['wall'] / mk['wall']:.1%} of the full build (<= 10%: "
                        f"{'ok' if r['plus10_mkdocs']['wall'] <= 0.1 * mk['wall'] else 'MISSED'})"
                        if "plus10_mkdocs" in r else ""))
    lines += ["", "Wall seconds (CPU seconds of the process tree), peak RSS. Machine load (1-min average) at the "
              "end of each stage: " + "; ".join(
                  f"{r['size']:,} {r['code']}: " + ", ".join(f"{k} {r[k]['load']:.1f}" for k in
                                                             ("generator", "mkdocs", "edit", "plus10_mkdocs")
                                                             if isinstance(r.get(k), dict) and "load" in r[k])
                  for r in rows) + f" ({os.cpu_count()} cores)", "", "Site bytes by folder:", ""]
    for r in rows:
        lines.append(f"- {r['size']:,} {r['code']}: "
                     + ", ".join(f"{k} {_mb(v)}" for k, v in r["site"]["bytes_by_folder"].items()))
    for r in rows:
        q = r.get("query") or {}
        if "queries" in q:
            lines += ["", f"Pagefind per query, {r['size']:,} {r['code']} (bundle {_mb(q['bundle_bytes'])} on disk; "
                      f"first {SHOWN} results' fragments loaded):", ""]
            for x in q["queries"]:
                kinds: dict[str, int] = {}
                for f, b in x["files"].items():
                    k = KIND_OF_FILE.get(os.path.splitext(f)[1], f)
                    kinds[k] = kinds.get(k, 0) + b
                lines.append(f"- `{x['query']}`: {x['results']} results, {_mb(x['bytes'])} in {len(x['files'])} files ("
                             + ", ".join(f"{k} {_mb(v)}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) + ")")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.site_scale", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="2010", help="comma-separated article counts; 'all' = every story with a body")
    p.add_argument("--code", type=Path, default=None,
                   help="a second checkout (e.g. a worktree of the baseline) measured in the same run")
    p.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4))
    p.add_argument("--no-dirty", action="store_true", help="skip the edit and +10 incremental builds")
    p.add_argument("--no-edit", action="store_true", help="skip the one-story edit (keep the +10 incremental build)")
    p.add_argument("--no-pagefind", action="store_true", help="do not run Pagefind over a site built without it")
    p.add_argument("--serve-edits", type=int, default=3,
                   help="story edits timed under `mkdocs serve` until the page shows them (0: no serve stage)")
    p.add_argument("--min-words", type=int, default=0,
                   help="only stories whose body has at least this many words (whitespace-separated, "
                        "the 'Reuter' sign-off included); 59 keeps the 13,918 of issue 15's archive figure")
    p.add_argument("--json", default=None, help="also write the raw figures to this file")
    args = p.parse_args(argv)

    if not TARBALL.exists():
        print(f"site_scale: skipped: {TARBALL} is absent (../shared/eval holds the evaluation data)")
        return 0
    pagefind = not args.no_pagefind and pagefind_available()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if not args.no_pagefind and not pagefind:
        log("pagefind (pip 'pagefind[bin]') is not importable: sites built without it get no per-query figure")
    codes = {"this": ROOT}
    if args.code:
        if not (args.code / "generator").is_dir():
            print(f"site_scale: --code {args.code}: no generator/ there")
            return 2
        codes["other"] = args.code.resolve()
    versions, snaps = {}, {}
    for name, src in codes.items():
        snaps[name] = OUT / "code" / name
        versions[name] = f"{snapshot(src, snaps[name])} ({src})"
        log(f"code {name}: {versions[name]}")

    stories = [s for s in reuters_stories() if len(s.body.split()) >= args.min_words]
    log(f"{len(stories):,} Reuters stories with a body" + (f" of {args.min_words}+ words" if args.min_words else ""))
    rows: list[dict] = []
    for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        n = len(stories) - EXTRA if label == "all" else min(int(label), len(stories) - EXTRA)
        data = OUT / f"n{label}"
        inputs, extra = data / "articles.jsonl", data / "extra.jsonl"
        write_jsonl(inputs, (input_record(s) for s in stories[:n]))
        write_jsonl(extra, (input_record(s) for s in stories[n:n + EXTRA]))
        for name, code in snaps.items():
            try:
                rows.append(measure(label, name, code, inputs, extra, n, args.jobs, not args.no_dirty, pagefind, log,
                                    args.serve_edits, edit=not args.no_edit))
            except RuntimeError as exc:
                print(f"site_scale: size {label}, code {name}: {exc}")
                return 1
            log(table(rows, versions))
            if args.json:
                Path(args.json).write_text(json.dumps({"versions": versions, "rows": rows}, indent=1, default=str))
    print(table(rows, versions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
