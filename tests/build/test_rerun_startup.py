"""A re-run pays only for the work it has: with nothing new it imports neither spaCy nor
scikit-learn nor nltk (seconds of start-up each), and with a few new articles on two
processes (their analysis in one worker while this process imports the later stages'
modules) it writes exactly what a one-process re-run writes."""
from __future__ import annotations

import shutil
import subprocess
import sys

import yaml

from generator.build import pipeline
from generator.config import Config
from tests.scale_helpers import INBOX, ROOT

HEAVY = {"spacy", "sklearn", "nltk", "scipy", "thinc"}


def _config_file(tmp_path) -> str:
    base = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8")) or {}
    base.update(inputs=[str(INBOX)], content=str(tmp_path / "content"), cache=str(tmp_path / "cache"))
    path = tmp_path / "site_config.yml"
    path.write_text(yaml.safe_dump(base), encoding="utf-8")
    return str(path)


def _imported_top_level(stderr: str) -> set[str]:
    """Top-level package names from `python -X importtime`'s report."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_a_rerun_with_nothing_new_imports_no_nlp_or_learning_library(tmp_path):
    cfg = _config_file(tmp_path)
    cmd = ["-m", "generator", "--config", cfg, "build", "--quiet", "--jobs", "1"]
    first = subprocess.run([sys.executable, *cmd], cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    again = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "0 files written" in again.stdout
    imported = _imported_top_level(again.stderr)
    assert "generator" in imported  # the report was read
    assert not imported & HEAVY, sorted(imported & HEAVY)


def test_a_rerun_with_a_new_article_imports_neither_nltk_nor_jsonschema(tmp_path):
    # It needs spaCy (the new article's analysis) and scikit-learn (grouping, the story's
    # TF-IDF), not nltk's package (the stemmer is a copy of its Porter code; nltk's
    # __init__ also imports scipy.stats) nor jsonschema (only invalid records need it).
    texts = sorted(INBOX.glob("*.txt"))
    inbox = tmp_path / "in"
    inbox.mkdir()
    for path in texts[:-1]:
        shutil.copy(path, inbox / path.name)
    cfg = _config_file(tmp_path)
    text = (tmp_path / "site_config.yml").read_text(encoding="utf-8").replace(str(INBOX), str(inbox))
    (tmp_path / "site_config.yml").write_text(text, encoding="utf-8")
    cmd = ["-m", "generator", "--config", cfg, "build", "--quiet", "--jobs", "1"]
    first = subprocess.run([sys.executable, *cmd], cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    shutil.copy(texts[-1], inbox / texts[-1].name)
    again = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{len(texts)} articles" in again.stdout
    imported = _imported_top_level(again.stderr)
    assert {"spacy", "sklearn"} <= imported  # the report was read: the re-run did the work
    assert not imported & {"nltk", "jsonschema"}, sorted(imported & {"nltk", "jsonschema"})


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def test_a_few_new_articles_on_two_processes_write_what_one_process_writes(tmp_path):
    texts = sorted(INBOX.glob("*.txt"))
    outs = {}
    for jobs in (1, 2):
        folder = tmp_path / f"jobs{jobs}"
        inbox = folder / "in"
        inbox.mkdir(parents=True)
        for path in texts[:-1]:
            shutil.copy(path, inbox / path.name)
        config = Config(root=folder, inputs=["in"], cache="cache")
        pipeline.build(config, content_dir=folder / "content", jobs=1)
        shutil.copy(texts[-1], inbox / texts[-1].name)
        report = pipeline.build(config, content_dir=folder / "content", jobs=jobs)
        assert report.analyzed == 1 and not report.problems
        outs[jobs] = _tree(folder / "content")
    assert outs[2] == outs[1]
