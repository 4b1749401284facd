"""Golden outputs for refactors: `python -m bench.golden OUT_DIR`.

Builds, with the code of the current checkout, into OUT_DIR:
  sample/content      the bundled sample (content/inbox) built into a fresh content dir
  sample/site         that content rendered by `mkdocs build` (the project's mkdocs.yml)
  reuters300/content  the first 300 Reuters-21578 stories with a body (bench.scale order)
  multinews/content   every Multi-News dev cluster's passages in one run
Sets whose data is absent (../shared/eval) are skipped with a message.

Compare two runs with `diff -r OLD NEW` (both built with --no-cache into fresh
directories, so nothing but the code differs). The sitemap's <lastmod> is the build
day; run both on the same day.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def _config(folder: Path, inputs: list[Path]) -> Path:
    import yaml

    base = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8")) or {}
    base.update(inputs=[str(p) for p in inputs], content="content", cache="cache")
    path = folder / "site_config.yml"
    path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    return path


def _build(folder: Path, inputs: list[Path]) -> None:
    # Inputs are copied into the build folder and named relative to it, so the
    # records' `source_file` does not depend on where the checkout or OUT_DIR lives.
    folder.mkdir(parents=True, exist_ok=True)
    local = []
    for src in inputs:
        dest = folder / "inputs" / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest)
        local.append(Path("inputs") / src.name)
    cfg = _config(folder, local)
    cmd = [sys.executable, "-m", "generator", "--config", str(cfg), "build", "--no-cache", "--quiet", "--jobs", "2"]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    (folder / "build.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    shutil.rmtree(folder / "cache", ignore_errors=True)
    print(f"{folder.name}: exit {run.returncode}: {run.stdout.strip().splitlines()[-1:] }")


def _site(folder: Path) -> None:
    from bench.scale import _mkdocs_config

    cfg = _mkdocs_config(folder)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(cfg)], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)})
    (folder / "site.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    print(f"{folder.name} site: exit {run.returncode}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0]).resolve()
    if out.exists():
        shutil.rmtree(out)
    _build(out / "sample", [ROOT / "content" / "inbox"])
    _site(out / "sample")

    tarball = EVAL / "reuters21578" / "reuters21578.tar.gz"
    if tarball.exists():
        from bench.scale import input_record, reuters_stories, write_jsonl

        stories = []
        for s in reuters_stories(tarball):
            stories.append(s)
            if len(stories) >= 300:
                break
        src = out / "inputs" / "reuters300.jsonl"
        write_jsonl(src, (input_record(s) for s in stories))
        _build(out / "reuters300", [src])
    else:
        print(f"skipped reuters300: {tarball} is absent")

    mn = EVAL / "multinews" / "dev.jsonl"
    if mn.exists():
        from bench.story_quality import load_clusters

        src = out / "inputs" / "multinews.jsonl"
        src.parent.mkdir(parents=True, exist_ok=True)
        with open(src, "w", encoding="utf-8") as fh:
            for c, (texts, _) in enumerate(load_clusters(mn)):
                for n, text in enumerate(texts):
                    fh.write(json.dumps({"id": f"mn{c:03d}-{n}", "text": text}, ensure_ascii=False) + "\n")
        _build(out / "multinews", [src])
    else:
        print(f"skipped multinews: {mn} is absent")
    shutil.rmtree(out / "inputs", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
