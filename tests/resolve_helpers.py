"""Fixtures for the quotes/dates/entities/resolve tests (issue 4).

The sample corpus goes through the real read and describe stages; if those fail
(they are another area's work), each inbox file becomes one Article with its raw
text, which is enough here: every check is on offsets into `Article.text`.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from generator.records import Analysis, Article

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "content" / "inbox"


def make_article(aid: str, text: str, published: str | None = "2017-12-26") -> Article:
    return Article(id=aid, source_file=f"{aid}.txt", outlet=aid, headline=None, published=published,
                   published_inferred=False, dateline=None, byline=None, credits=[], text=text)


def nlp():
    from generator.analyze import load_nlp

    return load_nlp()


def quotes_of(text: str):
    from generator.quotes import find_quotes

    return find_quotes(nlp()(text), text)


def analyse(articles: list[Article]) -> dict[str, Analysis]:
    from generator.analyze import analyze_articles

    return {a.id: an for a, an in zip(articles, analyze_articles(articles))}


@lru_cache(maxsize=1)
def _sample() -> tuple[Article, ...]:
    try:
        from generator import describe, read
        from generator.records import ReadProblem

        raws = [r for r in read.read_inputs([INBOX], root=ROOT) if not isinstance(r, ReadProblem)]
        arts = [a for a in describe.prepare_articles(raws) if isinstance(a, Article)]
        if len(arts) == len(list(INBOX.glob("*.txt"))):
            return tuple(sorted(arts, key=lambda a: a.source_file))
    except Exception:
        pass
    return tuple(make_article(p.stem, p.read_text(encoding="utf-8")) for p in sorted(INBOX.glob("*.txt")))


def sample_articles() -> list[Article]:
    """The five inbox articles, in file order (000 ... 004)."""
    return [copy.deepcopy(a) for a in _sample()]


@lru_cache(maxsize=1)
def _sample_analyses() -> dict[str, Analysis]:
    return analyse(list(_sample()))


def sample_analyses() -> dict[str, Analysis]:
    return copy.deepcopy(_sample_analyses())
