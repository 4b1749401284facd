"""Clean + describe stage: RawArticle -> Article (issue 2)."""
from __future__ import annotations

from typing import Iterable, Iterator

from generator.config import Config
from generator.records import Article, RawArticle, ReadProblem


def prepare_articles(raws: Iterable[RawArticle], config: Config | None = None) -> Iterator[Article | ReadProblem]:
    """Clean and describe every article (a ReadProblem for one that fails)."""
    raise NotImplementedError  # TODO issue 2
