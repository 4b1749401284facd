"""Fixtures for the quotes/dates/entities/resolve tests (issue 4).

The sample corpus comes from tests/sample_corpus.py (the real read and describe stages).
"""
from __future__ import annotations

from generator.records import Article
from tests.sample_corpus import analyse, sample_analyses, sample_articles  # noqa: F401  (re-exported)


def make_article(aid: str, text: str, published: str | None = "2017-12-26") -> Article:
    return Article(id=aid, source_file=f"{aid}.txt", outlet=aid, headline=None, published=published,
                   published_inferred=False, dateline=None, byline=None, credits=[], text=text)


def nlp():
    from generator.nlp.analyze import load_nlp

    return load_nlp()


def quotes_of(text: str):
    from generator.nlp.quotes import find_quotes

    return find_quotes(nlp()(text), text)


def checked_quotes(text: str):
    """`quotes_of`, asserting that every quote and speaker span is verbatim at its offsets."""
    qs = quotes_of(text)
    for q in qs:
        assert text[q.start:q.end] == q.text
        if q.speaker_start is not None:
            assert text[q.speaker_start:q.speaker_end] == q.speaker_name
    return qs
