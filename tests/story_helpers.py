"""Fixtures for the group/extract tests: Articles built by hand, and the sample corpus.

The sample corpus comes from tests/sample_corpus.py (the real read and describe stages).
"""
from __future__ import annotations

from generator.records import Analysis, Article
from tests.sample_corpus import analyse, sample_analyses, sample_articles  # noqa: F401  (re-exported)


def make_article(aid: str, text: str, outlet: str | None = None, headline: str | None = None,
                 published: str | None = "2017-12-26") -> Article:
    return Article(id=aid, source_file=f"{aid}.txt", outlet=outlet, headline=headline,
                   published=published, published_inferred=False, dateline=None, byline=None,
                   credits=[], text=text)



def sample_members() -> tuple[list[Article], dict[str, Analysis]]:
    return sample_articles(), sample_analyses()
