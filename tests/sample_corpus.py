"""The bundled sample corpus run through the real read and clean+describe stages.

Shared by the test modules that need the five sample articles and their analyses;
no fallback: if the stages break, these tests must fail, not quietly test raw files.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from generator.ingest import describe, read
from generator.nlp.analyze import analyze_articles
from generator.errors import Problem
from generator.records import Analysis, Article

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "content" / "inbox"


@lru_cache(maxsize=1)
def _articles() -> tuple[Article, ...]:
    raws = [r for r in read.read_inputs([INBOX], root=ROOT) if not isinstance(r, Problem)]
    arts = [a for a in describe.prepare_articles(raws) if isinstance(a, Article)]
    assert len(arts) == len(list(INBOX.glob("*.txt"))), "a sample article failed to clean"
    return tuple(sorted(arts, key=lambda a: a.source_file))


def analyse(articles: list[Article]) -> dict[str, Analysis]:
    """Analysis per article id, from the real analyze stage."""
    return {a.id: an for a, an in zip(articles, analyze_articles(articles))}


@lru_cache(maxsize=1)
def _analyses() -> dict[str, Analysis]:
    return analyse(list(_articles()))


def sample_articles() -> list[Article]:
    return [copy.deepcopy(a) for a in _articles()]


def sample_analyses() -> dict[str, Analysis]:
    return copy.deepcopy(_analyses())
