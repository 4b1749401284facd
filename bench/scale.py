"""Scale benchmark on Reuters-21578: wall time, peak memory, throughput against bare
spaCy, incremental re-runs, MkDocs time per page, and describe-stage accuracy.

    nice .venv/bin/python -m bench.scale [--sizes 1000,5000,all] [--jobs N] [--no-mkdocs]

Reads `../shared/eval/reuters21578/reuters21578.tar.gz` (skips when absent), converts
the stories that have a <BODY> into the generator's JSON Lines input under
`bench/out/scale/` (gitignored, never committed) and, for each size:

- builds it with the generator in a child process (`--jobs N` local processes), timing
  the wall clock and sampling the resident memory of the whole process tree;
- re-runs it with nothing changed, then with 10 more articles;
- runs the floor in the same run: bare spaCy `nlp.pipe` over the same cleaned texts
  with the same model, components (`analyze.load_nlp()`) and process count;
- builds the MkDocs site over that content (seconds per page).

Two code versions' throughput, paired: `--cold-vs DIR --repeats N` (e.g. a worktree of the
baseline) runs N rounds of a cold build of each version and the floor, the two builds in
alternating order, and reports each version's ratio against its round's floor and the
medians: the machine's load drifts between runs by more than most changes gain.

Targets (ratios from one run): throughput >= 0.7 of the floor; MkDocs s/page at the
largest size within 1.3x of the smallest; re-run +10 < 5% and nothing new < 2% of the
full build; peak RSS < 2 GiB.

Accuracy: Reuters' gold <TITLE>, <DATELINE> and <DATE> against what `describe` finds
when the title and dateline are inline in the text (title line, blank line,
"PLACE, Month D - " body), with no metadata given.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
TARBALL = EVAL / "reuters21578" / "reuters21578.tar.gz"
OUT = ROOT / "bench" / "out" / "scale"
PY = sys.executable
GIB = 1024 ** 3
EXTRA = 10  # articles added for the incremental re-run

TARGETS = {"throughput": 0.7, "mkdocs_growth": 1.3, "rerun_plus10": 0.05, "rerun_nothing": 0.02,
           "rss_gib": 2.0}


# ---------------------------------------------------------------- Reuters SGML
@dataclass
class Story:
    newid: str
    date: str          # ISO datetime
    title: str | None
    dateline: str | None
    body: str          # paragraphs separated by a blank line


_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')


def _tag(doc: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", doc, re.S)
    return html.unescape(m.group(1)) if m else None


def _control_free(s: str) -> str:
    # The wire copy carries teletype control characters (&#2; &#3; ...).
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", s)


def reflow(body: str) -> str:
    """Wire copy is hard-wrapped at ~70 columns and a paragraph starts with an
    indented line; give the generator paragraphs, as a JSON feed would."""
    # The "Reuter" sign-off stays: wire furniture is the cleaner's job.
    body = _control_free(body).rstrip()
    paragraphs: list[list[str]] = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        if not paragraphs or line[:1] in " \t":
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paragraphs)


def parse_date(raw: str) -> str:
    """' 7-APR-1987 11:02:35.07' -> '1987-04-07T11:02:35'."""
    stamp = raw.strip().split(".")[0]
    try:
        return datetime.strptime(stamp, "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:  # a few stamps have a garbled time ("605:12:19"): keep the day
        return datetime.strptime(stamp.split()[0], "%d-%b-%Y").date().isoformat()


def reuters_stories(tarball: Path = TARBALL) -> Iterator[Story]:
    """Every story with a <BODY>, in the corpus order (file name, then position)."""
    with tarfile.open(tarball) as tar:
        members = sorted((m for m in tar.getmembers() if m.name.endswith(".sgm")), key=lambda m: m.name)
        for member in members:
            sgml = tar.extractfile(member).read().decode("latin-1")
            for m in _DOC.finditer(sgml):
                doc = m.group(2)
                body = _tag(doc, "BODY")
                if not body or not body.strip():
                    continue
                newid = _NEWID.search(m.group(1))
                title = _tag(doc, "TITLE")
                dateline = _tag(doc, "DATELINE")
                yield Story(newid=newid.group(1) if newid else str(len(body)),
                            date=parse_date(_tag(doc, "DATE") or ""),
                            title=" ".join(_control_free(title).split()) if title else None,
                            dateline=" ".join(_control_free(dateline).split()) if dateline else None,
                            body=reflow(body))


def wire_text(s: Story) -> str:
    """The body as the wire sends it: the dateline opens the first paragraph."""
    return f"{s.dateline} {s.body}" if s.dateline else s.body


def input_record(s: Story) -> dict:
    return {"id": f"reuters-{s.newid}", "title": s.title, "published": s.date, "outlet": "Reuters",
            "text": wire_text(s)}


def write_jsonl(path: Path, records) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


# ---------------------------------------------------------------- measuring a child
def run_measured(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Wall seconds and peak RSS of the child's whole process tree (sampled every
    50 ms with psutil; RUSAGE_CHILDREN's largest single process as a lower bound)."""
    import psutil

    # Output goes to files, not pipes: a chatty child must never block on a full pipe.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            rss = 0
            try:
                for p in [ps] + ps.children(recursive=True):
                    try:
                        rss += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, rss)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"wall": wall, "rss": max(peak, single), "code": proc.returncode, "stdout": stdout, "stderr": stderr}


def _child_build(args) -> int:
    """Child process: one generator build, its report as JSON on stdout."""
    from generator.config import load_config
    from generator.build.pipeline import build

    if args.pin_fingerprint:  # see --same-content
        import generator.build.cache as cache_mod

        cache_mod.code_fingerprint = lambda: args.pin_fingerprint
    config = load_config(args.config)
    report = build(config, inputs=args.inputs, content_dir=args.content, jobs=args.jobs,
                   executor=args.executor)
    print(json.dumps({"articles": report.articles, "stories": report.stories, "analyzed": report.analyzed,
                      "stories_built": report.stories_built, "written": len(report.written),
                      "problems": len(report.problems), "timings": report.timings,
                      "problem_samples": [str(p) for p in report.problems[:5]]}))
    return 0


def _child_floor(args) -> int:
    """Child process: bare spaCy over the texts, same model/components/processes."""
    from generator.nlp.analyze import load_nlp

    texts = [json.loads(line)["text"] for line in open(args.floor, encoding="utf-8")]
    nlp = load_nlp()
    n = 0
    for _doc in nlp.pipe(texts, n_process=args.jobs):
        n += 1
    print(json.dumps({"docs": n}))
    return 0


# ---------------------------------------------------------------- one size
def _bench_config(folder: Path) -> Path:
    """A site_config.yml for the bench: the project's stage settings, bench paths."""
    import yaml

    base = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8")) or {}
    base.update(inputs=[], content=str(folder / "content"), cache=str(folder / "cache"))
    path = folder / "site_config.yml"
    path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    return path


def _mkdocs_config(folder: Path, code: Path = ROOT) -> Path:
    """The mkdocs.yml of checkout `code` with every path absolute and the content/site in `folder`."""
    import yaml
    from mkdocs.utils.yaml import yaml_load

    with open(code / "mkdocs.yml", encoding="utf-8") as fh:
        data = yaml_load(fh)
    data.pop("INHERIT", None)
    data["docs_dir"] = str((code / data.get("docs_dir", "docs")).resolve())
    data["site_dir"] = str(folder / "site")
    theme = data.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(code / theme["custom_dir"])
    plugins = []
    for p in data.get("plugins", []):
        if isinstance(p, dict) and "digest" in p:
            opts = dict(p["digest"] or {})
            opts["content"] = str(folder / "content")
            opts["site_config"] = str(folder / "site_config.yml")
            p = {"digest": opts}
        plugins.append(p)
    data["plugins"] = plugins
    data.pop("watch", None)
    data["strict"] = False
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def snapshot_code(src: Path = ROOT, name: str = "code") -> tuple[Path, str]:
    """A copy of generator/ and bench/ that every child runs, so that edits made to
    the checkout during a long run cannot mix code versions (and invalidate the
    cache, whose keys include the stage sources) between the builds being compared.
    A baseline checkout (`src`) is measured with this checkout's bench/."""
    import shutil

    code = OUT / name
    if code.exists():
        shutil.rmtree(code)
    ignore = shutil.ignore_patterns("__pycache__", "out", "*.pyc")
    shutil.copytree(src / "generator", code / "generator", ignore=ignore)
    shutil.copytree(ROOT / "bench", code / "bench", ignore=ignore)
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=src, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "bench"], cwd=src,
                               capture_output=True, text=True).stdout.strip()
        version = head + ("+uncommitted" if dirty else "")
    except OSError:
        version = "unknown"
    return code, version


def _child_env(code: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _build_cmd(cfg: Path, folder: Path, inputs: list[Path], jobs: int, executor: str,
               pin: str | None = None) -> list[str]:
    cmd = [PY, "-m", "bench.scale", "--child-build", "--config", str(cfg), "--content",
           str(folder / "content"), "--jobs", str(jobs), "--executor", executor]
    if pin:
        cmd += ["--pin-fingerprint", pin]
    for p in inputs:
        cmd += ["--input", str(p)]
    return cmd


def _parse_child(run: dict, what: str) -> dict:
    if run["code"] != 0:
        tail = "\n".join(run["stderr"].strip().splitlines()[-15:])
        raise RuntimeError(f"{what} failed (exit {run['code']}):\n{tail}")
    return json.loads(run["stdout"].strip().splitlines()[-1])


def _cleaned_texts(content: Path, out: Path) -> tuple[int, int]:
    """The cleaned article texts the generator analysed, for the floor; (docs, words)."""
    from generator.content import store

    n = words = 0
    with open(out, "w", encoding="utf-8") as fh:
        for path in sorted((content / "articles").glob("*.yml")):
            data = store.load_yaml(path.read_text(encoding="utf-8")) if hasattr(store, "load_yaml") \
                else __import__("yaml").safe_load(path.read_text(encoding="utf-8"))
            text = (data or {}).get("text") or ""
            fh.write(json.dumps({"text": text}) + "\n")
            n += 1
            words += len(text.split())
    return n, words


def measure(size_label: str, stories: list[Story], n: int, jobs: int, executor: str, mkdocs: bool,
            log, code: Path) -> dict:
    folder = OUT / f"n{size_label}"
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    base_n = n if n + EXTRA <= len(stories) else len(stories) - EXTRA
    base = folder / "articles.jsonl"
    extra = folder / "extra.jsonl"
    write_jsonl(base, (input_record(s) for s in stories[:base_n]))
    write_jsonl(extra, (input_record(s) for s in stories[base_n:base_n + EXTRA]))
    cfg = _bench_config(folder)
    row: dict = {"size": base_n}

    log(f"[{size_label}] full build of {base_n} articles, {jobs} processes")
    env = _child_env(code)
    full = run_measured(_build_cmd(cfg, folder, [base], jobs, executor), code, env)
    report = _parse_child(full, "full build")
    row.update(wall=full["wall"], rss=full["rss"], articles=report["articles"], stories=report["stories"],
               problems=report["problems"], timings=report["timings"],
               problem_samples=report.get("problem_samples", []))

    log(f"[{size_label}] floor: bare spaCy over the same cleaned texts")
    texts = folder / "texts.jsonl"
    row["docs"], row["words"] = _cleaned_texts(folder / "content", texts)
    floor = run_measured([PY, "-m", "bench.scale", "--child-floor", str(texts), "--jobs", str(jobs)], code, env)
    _parse_child(floor, "floor")
    row["floor_wall"] = floor["wall"]
    row["floor_rss"] = floor["rss"]

    log(f"[{size_label}] re-run, nothing new")
    again = run_measured(_build_cmd(cfg, folder, [base], jobs, executor), code, env)
    row["rerun_nothing"] = again["wall"]
    row["rerun_nothing_report"] = _parse_child(again, "re-run")

    log(f"[{size_label}] re-run with {EXTRA} new articles")
    plus = run_measured(_build_cmd(cfg, folder, [base, extra], jobs, executor), code, env)
    row["rerun_plus10"] = plus["wall"]
    row["rerun_plus10_report"] = _parse_child(plus, "re-run +10")

    if mkdocs:
        log(f"[{size_label}] mkdocs build")
        mk = run_measured([str(Path(PY).parent / "mkdocs"), "build", "-q", "-f", str(_mkdocs_config(folder))],
                          code, env)
        if mk["code"] == 0:
            pages = sum(1 for _ in (folder / "site").rglob("*.html"))
            row.update(mkdocs_wall=mk["wall"], pages=pages, mkdocs_per_page=mk["wall"] / max(pages, 1),
                       mkdocs_rss=mk["rss"])
        else:
            row["mkdocs_error"] = "\n".join(mk["stderr"].strip().splitlines()[-5:])
    return row


# ---------------------------------------------------------------- re-runs, two code versions
def _copy_state(src: Path, dest: Path) -> None:
    """content/ and cache/ of a built folder, modification times kept (the re-run checks
    them): restored to the same path each time, so the content directory's path, part
    of the cache's keys, stays that of the build."""
    import shutil

    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("content", "cache"):
        shutil.copytree(src / name, dest / name, copy_function=shutil.copy2, symlinks=True)


def _code_fingerprint(code: Path) -> str:
    run = subprocess.run([PY, "-c", "from generator.build.cache import code_fingerprint; print(code_fingerprint())"],
                         cwd=code, env=_child_env(code), capture_output=True, text=True)
    return run.stdout.strip() or run.stderr.strip()[-200:]


def _tree_digest(folder: Path) -> str:
    """sha256 over the relative paths and bytes of the records under `folder`."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.yml")):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def rerun_versions(stories: list[Story], n: int, jobs: int, repeats: int, codes: dict[str, Path], log,
                   same_content: bool = False, cold_by: str | None = None) -> dict:
    """Re-run seconds (nothing new; 10 new articles) of each code version, from the same
    built state, alternating versions `repeats` times; each version's cold build too.
    Versions whose content stages are the same (same code fingerprint: only build/,
    cli.py, site/ differ) share one cold build's state, as they share its cache.

    With `same_content`, the versions' content stages differ in code but not in output
    (e.g. a faster equivalent): all share the cold build of the version named by
    `cold_by` (default the first), the others run with its code fingerprint pinned, and
    the content each version's re-runs leave is compared byte for byte (a difference
    fails the run)."""
    from bench.site_scale import run_measured as run_cpu  # wall, CPU and RSS of the process tree

    import shutil

    folder = OUT / f"rerun{n}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    base, extra = folder / "articles.jsonl", folder / "extra.jsonl"
    write_jsonl(base, (input_record(s) for s in stories[:n]))
    write_jsonl(extra, (input_record(s) for s in stories[n:n + EXTRA]))
    cfg = _bench_config(folder)
    live = folder / "live"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(str(folder / "content"), str(live / "content"))
                   .replace(str(folder / "cache"), str(live / "cache")), encoding="utf-8")
    out: dict = {"size": n, "versions": {}}
    built: dict[str, Path] = {}  # fingerprint -> saved state
    pins: dict[str, str | None] = dict.fromkeys(codes)
    cold_by = cold_by if same_content and cold_by in codes else next(iter(codes))
    first_fp = _code_fingerprint(codes[cold_by])
    # The version whose build the others share goes first.
    for name, code in sorted(codes.items(), key=lambda kv: kv[0] != cold_by):
        fp = _code_fingerprint(code)
        real = fp
        if same_content and fp != first_fp:
            pins[name], fp = first_fp, first_fp
        v = out["versions"][name] = {"fingerprint": fp[:12], "nothing": [], "plus10": []}
        if real != fp:
            v["own_fingerprint"] = real[:12]
        if fp in built:
            v["cold"] = next(x["cold"] for x in out["versions"].values() if x["fingerprint"] == fp[:12] and "cold" in x)
            v["shares_build_of"] = next(k for k, x in out["versions"].items() if x["fingerprint"] == fp[:12])
            continue
        log(f"[re-run {n}] cold build, code {name}")
        if live.exists():
            shutil.rmtree(live)
        cold = run_cpu(_build_cmd(cfg, live, [base], jobs, "local"), code, _child_env(code))
        _parse_child(cold, f"cold build ({name})")
        v["cold"] = {k: cold[k] for k in ("wall", "cpu", "rss", "load")}
        built[fp] = folder / f"state-{name}"
        _copy_state(live, built[fp])
    digests: dict[str, set[str]] = {}  # kind -> content digests after the re-runs
    for r in range(repeats):
        for name, code in codes.items():
            state = built[pins[name] or _code_fingerprint(code)] if r == 0 else out["versions"][name]["state"]
            out["versions"][name]["state"] = state
            for kind, inputs in (("nothing", [base]), ("plus10", [base, extra])):
                _copy_state(state, live)
                run = run_cpu(_build_cmd(cfg, live, inputs, jobs, "local", pins[name]), code, _child_env(code))
                rep = _parse_child(run, f"re-run {kind} ({name})")
                if same_content:
                    digests.setdefault(kind, set()).add(_tree_digest(live / "content"))
                    if len(digests[kind]) > 1:
                        raise RuntimeError(f"--same-content: the re-run ({kind}) of {name} wrote other content")
                out["versions"][name][kind].append({"wall": run["wall"], "cpu": run["cpu"], "rss": run["rss"],
                                                    "load": run["load"], "analyzed": rep["analyzed"],
                                                    "stories_built": rep["stories_built"], "timings": rep["timings"]})
                log(f"[re-run {n}] {name} {kind} #{r + 1}: {run['wall']:.1f} s wall, {run['cpu']:.1f} s CPU")
    for v in out["versions"].values():
        v["state"] = str(v["state"])
    if same_content:
        out["same_content"] = {kind: sorted(d) for kind, d in digests.items()}
    return out


def cold_versions(stories: list[Story], n: int, jobs: int, repeats: int, codes: dict[str, Path], log) -> dict:
    """Cold builds of two code versions and the floor, `repeats` rounds, each round the
    two builds (in alternating order) then the floor: a round's three runs share the
    machine's load of the moment, so each round gives each version a throughput ratio
    against its own floor, and the medians of those compare the versions."""
    import shutil

    folder = OUT / f"cold{n}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    base = folder / "articles.jsonl"
    write_jsonl(base, (input_record(s) for s in stories[:n]))
    cfg = _bench_config(folder)
    texts = folder / "texts.jsonl"
    rounds: list[dict] = []
    for i in range(repeats):
        names = list(codes) if i % 2 == 0 else list(reversed(codes))
        row: dict = {}
        for name in names:
            for sub in ("content", "cache"):
                shutil.rmtree(folder / sub, ignore_errors=True)
            log(f"[cold {i + 1}/{repeats}] {name}: full build of {n} articles")
            run = run_measured(_build_cmd(cfg, folder, [base], jobs, "local"), codes[name], _child_env(codes[name]))
            row[name] = {"wall": run["wall"], "timings": _parse_child(run, f"{name} build")["timings"]}
            if not texts.exists():
                _cleaned_texts(folder / "content", texts)
        log(f"[cold {i + 1}/{repeats}] floor")
        floor = run_measured([PY, "-m", "bench.scale", "--child-floor", str(texts), "--jobs", str(jobs)],
                             codes["this"], _child_env(codes["this"]))
        _parse_child(floor, "floor")
        row["floor"] = floor["wall"]
        rounds.append(row)
    return {"size": n, "rounds": rounds}


def cold_table(res: dict, versions: dict[str, str]) -> str:
    import statistics

    names = [k for k in res["rounds"][0] if k != "floor"]
    lines = [f"Cold builds at {res['size']:,} articles, {len(res['rounds'])} rounds (build s / floor s = "
             "throughput against bare spaCy)", ""]
    for name in names:
        ratios = [r["floor"] / r[name]["wall"] for r in res["rounds"]]
        walls = [r[name]["wall"] for r in res["rounds"]]
        stages = {k: statistics.median(r[name]["timings"].get(k, 0.0) for r in res["rounds"])
                  for k in res["rounds"][0][name]["timings"]}
        lines.append(f"- {name} ({versions[name]}): throughput median **{statistics.median(ratios):.2f}** "
                     f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)}); build median {statistics.median(walls):.1f} s; "
                     "stage medians " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    floors = [r["floor"] for r in res["rounds"]]
    lines.append(f"- floor: median {statistics.median(floors):.1f} s (rounds: {', '.join(f'{x:.1f}' for x in floors)})")
    return "\n".join(lines)


def rerun_table(res: dict, versions: dict[str, str]) -> str:
    import statistics

    def med(xs: list[dict], k: str) -> float:
        return statistics.median(x[k] for x in xs)

    lines = [f"Re-runs at {res['size']:,} articles (median of {len(next(iter(res['versions'].values()))['plus10'])}; "
             + ", ".join(f"{k}: {v}" for k, v in versions.items()) + ")", "",
             "| code | cold build: wall (CPU) | re-run, nothing new: wall (CPU) | share of cold | "
             "re-run, +10: wall (CPU) | share of cold | peak RSS (+10) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, v in res["versions"].items():
        c = v["cold"]
        lines.append(f"| {name} | {c['wall']:.1f} s ({c['cpu']:.1f} s) | {med(v['nothing'], 'wall'):.1f} s "
                     f"({med(v['nothing'], 'cpu'):.1f} s) | {med(v['nothing'], 'wall') / c['wall']:.1%} wall, "
                     f"{med(v['nothing'], 'cpu') / c['cpu']:.1%} CPU | {med(v['plus10'], 'wall'):.1f} s "
                     f"({med(v['plus10'], 'cpu'):.1f} s) | {med(v['plus10'], 'wall') / c['wall']:.1%} wall, "
                     f"{med(v['plus10'], 'cpu') / c['cpu']:.1%} CPU | {_fmt_bytes(med(v['plus10'], 'rss'))} |")
    lines += ["", "Every run: wall (CPU of the process tree) and the machine's 1-minute load at its end:", ""]
    for name, v in res["versions"].items():
        for kind in ("nothing", "plus10"):
            lines.append(f"- {name} {kind}: " + "; ".join(f"{x['wall']:.1f} s ({x['cpu']:.1f} s, load {x['load']:.1f})"
                                                          for x in v[kind]))
    return "\n".join(lines)


# ---------------------------------------------------------------- describe accuracy
def _norm(s: str | None) -> str:
    return " ".join((s or "").casefold().split())


def _dateline_place(s: str | None) -> str:
    return _norm(re.split(r",|\s[-\u2013\u2014]\s?", s or "", maxsplit=1)[0])


def describe_accuracy(stories: list[Story], sample: int) -> dict:
    """Share of articles whose headline / dateline / date `describe` finds, when the
    gold title and dateline are written inline and no metadata is given."""
    from generator.ingest import describe, read

    chosen = [s for s in stories if s.title and s.dateline][:sample]
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        path = Path(tmp) / "inline.jsonl"
        write_jsonl(path, ({"id": f"reuters-{s.newid}", "text": f"{s.title}\n\n{wire_text(s)}"} for s in chosen))
        raws = [r for r in read.read_inputs([path]) if hasattr(r, "text")]
        got = {}
        for a in describe.prepare_articles(raws, None):
            if hasattr(a, "headline"):
                got[a.id] = a
    by_input = {}
    # describe may derive its own ids: match by order of the inputs when ids differ.
    if all(f"reuters-{s.newid}" in got for s in chosen):
        by_input = {s.newid: got[f"reuters-{s.newid}"] for s in chosen}
    else:
        by_input = {s.newid: a for s, a in zip(chosen, got.values())} if len(got) == len(chosen) else {}
    n = len(chosen)
    head = place = full_dl = date = monthday = 0
    for s in chosen:
        a = by_input.get(s.newid)
        if a is None:
            continue
        head += _norm(a.headline) == _norm(s.title)
        gold_dl = s.dateline.rstrip(" -\u2013\u2014")
        full_dl += _norm((a.dateline or "").rstrip(" -\u2013\u2014")) == _norm(gold_dl)
        place += bool(a.dateline) and _dateline_place(a.dateline) == _dateline_place(s.dateline)
        pub = a.published or ""
        date += pub[:10] == s.date[:10]
        monthday += pub[5:10] == s.date[5:10]
    return {"n": n, "described": len(by_input), "headline": head / max(n, 1), "dateline": full_dl / max(n, 1),
            "dateline_place": place / max(n, 1), "date": date / max(n, 1), "month_day": monthday / max(n, 1)}


# ---------------------------------------------------------------- the table
def _fmt_bytes(b: float) -> str:
    return f"{b / GIB:.2f} GiB" if b >= GIB else f"{b / 1024 ** 2:.0f} MiB"


def _ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


def table(rows: list[dict], jobs: int, version: str = "") -> str:
    lines = [f"Scale (Reuters-21578, {jobs} processes, code {version})", "",
             "| articles | stories | words | build s | words/s | floor s | vs floor | peak RSS | re-run s (nothing) | re-run s (+10) | MkDocs pages | MkDocs s | s/page |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = r["floor_wall"] / r["wall"]
        mk = (f"{r['pages']} | {r['mkdocs_wall']:.1f} | {r['mkdocs_per_page'] * 1000:.1f} ms"
              if "pages" in r else "- | - | -")
        lines.append(f"| {r['size']:,} | {r['stories']:,} | {r['words']:,} | {r['wall']:.1f} | "
                     f"{r['words'] / r['wall']:,.0f} | {r['floor_wall']:.1f} | {ratio:.2f} | {_fmt_bytes(r['rss'])} | "
                     f"{r['rerun_nothing']:.1f} ({r['rerun_nothing'] / r['wall']:.1%}) | "
                     f"{r['rerun_plus10']:.1f} ({r['rerun_plus10'] / r['wall']:.1%}) | {mk} |")
    lines += ["", "Stage seconds of the full build:", ""]
    for r in rows:
        lines.append(f"- {r['size']:,}: " + ", ".join(f"{k} {v:.1f}" for k, v in r["timings"].items())
                     + f"; re-run +10 redid {r['rerun_plus10_report']['analyzed']} analyses, "
                       f"{r['rerun_plus10_report']['stories_built']} stories")
    lines += ["", "Targets:", ""]
    for r in rows:
        ratio = r["floor_wall"] / r["wall"]
        lines.append(f"- {r['size']:,}: throughput {ratio:.2f} of floor (>= {TARGETS['throughput']}: "
                     f"{_ok(ratio >= TARGETS['throughput'])}); re-run nothing {r['rerun_nothing'] / r['wall']:.1%} "
                     f"(< 2%: {_ok(r['rerun_nothing'] / r['wall'] < TARGETS['rerun_nothing'])}); re-run +10 "
                     f"{r['rerun_plus10'] / r['wall']:.1%} (< 5%: {_ok(r['rerun_plus10'] / r['wall'] < TARGETS['rerun_plus10'])}); "
                     f"peak RSS {_fmt_bytes(r['rss'])} (< 2 GiB: {_ok(r['rss'] < TARGETS['rss_gib'] * GIB)})")
    mk = [r for r in rows if "pages" in r]
    if len(mk) >= 2:
        growth = mk[-1]["mkdocs_per_page"] / mk[0]["mkdocs_per_page"]
        lines.append(f"- MkDocs s/page at {mk[-1]['size']:,} is {growth:.2f}x that at {mk[0]['size']:,} "
                     f"(<= {TARGETS['mkdocs_growth']}x: {_ok(growth <= TARGETS['mkdocs_growth'])})")
    for r in rows:
        if "mkdocs_error" in r:
            lines.append(f"- MkDocs build failed at {r['size']:,}: {r['mkdocs_error']}")
        if r["problems"]:
            lines.append(f"- {r['size']:,}: {r['problems']} inputs/stories skipped with a problem, e.g. "
                         + "; ".join(r.get("problem_samples", [])[:3]))
    return "\n".join(lines)


def accuracy_table(acc: dict) -> str:
    return "\n".join([
        f"Describe on Reuters with title and dateline inline ({acc['n']:,} articles, {acc['described']:,} described)", "",
        "| headline | dateline (exact) | dateline (place) | date (ISO) | date (month-day) |",
        "|---:|---:|---:|---:|---:|",
        f"| {acc['headline']:.1%} | {acc['dateline']:.1%} | {acc['dateline_place']:.1%} | {acc['date']:.1%} | "
        f"{acc['month_day']:.1%} |", "",
        "(the year is never inline in Reuters datelines, so the ISO date needs it from elsewhere)"])


def main(argv: list[str] | None = None) -> int:
    from generator.build.executors import default_jobs

    p = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000,5000,all", help="comma-separated article counts; 'all' = 19,043")
    p.add_argument("--jobs", type=int, default=default_jobs())
    p.add_argument("--executor", default="local", choices=["local", "dask"])
    p.add_argument("--no-mkdocs", action="store_true", help="skip the MkDocs builds")
    p.add_argument("--accuracy-sample", type=int, default=2000, help="articles for the describe accuracy (0: skip)")
    p.add_argument("--json", default=None, help="also write the raw figures to this file")
    p.add_argument("--rerun-vs", type=Path, default=None, metavar="DIR",
                   help="only the re-runs: this checkout against the checkout DIR (e.g. a worktree of "
                        "the baseline) at the first --sizes size, from the same built state, in one run")
    p.add_argument("--repeats", type=int, default=3, help="re-runs per version with --rerun-vs / rounds with --cold-vs")
    p.add_argument("--cold-vs", type=Path, default=None, metavar="DIR",
                   help="only cold builds: this checkout and the checkout DIR, each round both builds and the "
                        "floor, at the first --sizes size (throughput ratios per round, medians)")
    p.add_argument("--same-content", action="store_true",
                   help="with --rerun-vs: the two checkouts' content stages differ in code but must give the "
                        "same output; share one cold build, made by this checkout (so that its cache holds "
                        "what this checkout keeps there; the baseline runs with this checkout's code "
                        "fingerprint), and fail unless every re-run writes the same content")
    # internal: the measured child processes
    p.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--child-floor", dest="floor", default=None, help=argparse.SUPPRESS)
    p.add_argument("--config", help=argparse.SUPPRESS)
    p.add_argument("--content", help=argparse.SUPPRESS)
    p.add_argument("--input", action="append", dest="inputs", help=argparse.SUPPRESS)
    p.add_argument("--pin-fingerprint", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_build:
        return _child_build(args)
    if args.floor:
        return _child_floor(args)

    if not TARBALL.exists():
        print(f"scale: skipped: {TARBALL} is absent (../shared/eval holds the evaluation data)")
        return 0

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    stories = list(reuters_stories())
    log(f"{len(stories):,} Reuters stories with a body")
    code, version = snapshot_code()
    log(f"measuring code {version} (snapshot in {code})")
    if args.cold_vs:
        other, other_version = snapshot_code(args.cold_vs, "code-baseline")
        versions = {"this": version, "baseline": f"{other_version} ({args.cold_vs})"}
        label = args.sizes.split(",")[0].strip()
        n = len(stories) if label == "all" else min(int(label), len(stories))
        res = cold_versions(stories, n, args.jobs, args.repeats, {"this": code, "baseline": other}, log)
        print(cold_table(res, versions))
        if args.json:
            Path(args.json).write_text(json.dumps({"cold": res, "versions": versions}, indent=1, default=str))
        return 0
    if args.rerun_vs:
        other, other_version = snapshot_code(args.rerun_vs, "code-baseline")
        versions = {"baseline": f"{other_version} ({args.rerun_vs})", "this": version}
        label = args.sizes.split(",")[0].strip()
        n = len(stories) - EXTRA if label == "all" else min(int(label), len(stories) - EXTRA)
        res = rerun_versions(stories, n, args.jobs, args.repeats, {"baseline": other, "this": code}, log,
                             same_content=args.same_content, cold_by="this")
        print(rerun_table(res, versions))
        if args.json:
            Path(args.json).write_text(json.dumps({"rerun": res, "versions": versions}, indent=1, default=str))
        return 0
    rows = []
    for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        n = len(stories) if label == "all" else min(int(label), len(stories))
        try:
            rows.append(measure(label, stories, n, args.jobs, args.executor, not args.no_mkdocs, log, code))
        except RuntimeError as exc:
            print(f"scale: size {label}: {exc}")
            return 1
        # The largest size runs for long: what finished is on the screen (and in --json)
        # even if the run is cut short.
        log(f"[{label}] done; the table so far:\n{table(rows, args.jobs, version)}")
        if args.json:
            Path(args.json).write_text(json.dumps({"rows": rows, "accuracy": None}, indent=1, default=str))
    print(table(rows, args.jobs, version))
    acc = None
    if args.accuracy_sample:
        try:
            acc = describe_accuracy(stories, args.accuracy_sample)
            print()
            print(accuracy_table(acc))
        except NotImplementedError:
            print("\ndescribe accuracy: skipped (describe stage not implemented yet)")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "accuracy": acc}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
