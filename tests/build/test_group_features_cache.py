"""Grouping's per-article features (lead, signal tokens, TF-IDF terms) kept in the build
cache: a re-run with a new article computes them for that article only, and writes what
the same re-run writes when it has to compute them all."""
from __future__ import annotations

import shutil
import sqlite3

from generator.build import cache as cache_mod, pipeline
from generator.config import Config
from generator.stories import group
from tests.scale_helpers import INBOX


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def test_a_rerun_with_the_kept_features_writes_what_a_rerun_computing_them_all_writes(tmp_path, monkeypatch):
    texts = sorted(INBOX.glob("*.txt"))
    first = tmp_path / "first"
    (first / "in").mkdir(parents=True)
    for path in texts[:-1]:
        shutil.copy(path, first / "in" / path.name)
    pipeline.build(Config(root=first, inputs=["in"], cache="cache"), content_dir=first / "content", jobs=1)
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    for folder in (kept, dropped):
        shutil.copytree(first, folder, copy_function=shutil.copy2)
        shutil.copy(texts[-1], folder / "in" / texts[-1].name)
    db = sqlite3.connect(dropped / "cache" / cache_mod.FILENAME)
    assert db.execute("DELETE FROM entries WHERE key LIKE 'gf:%'").rowcount == len(texts) - 1
    db.commit()
    db.close()

    computed: dict[str, list[str]] = {}
    real = group.text_terms
    outs = {}
    for name, folder in (("kept", kept), ("dropped", dropped)):
        seen = computed[name] = []

        def spy(article, furniture=(), seen=seen):
            seen.append(article.id)
            return real(article, furniture)

        monkeypatch.setattr(group, "text_terms", spy)
        report = pipeline.build(Config(root=folder, inputs=["in"], cache="cache"), content_dir=folder / "content",
                                jobs=1)
        assert report.analyzed == 1 and not report.problems
        outs[name] = _tree(folder / "content")
    assert outs["kept"] == outs["dropped"]
    assert len(computed["kept"]) == 1  # the new article
    assert len(computed["dropped"]) > 1  # the regroup window held other articles
