"""Group stage: articles -> stories with stable ids (issue 3)."""
from __future__ import annotations

from dataclasses import dataclass

from generator.config import Config
from generator.records import Analysis, Article


@dataclass
class StoryGroup:
    id: str                 # stable story id
    article_ids: list[str]  # members, in a deterministic order


def group_articles(articles: list[Article], analyses: dict[str, Analysis],
                   previous: dict[str, str], config: Config | None = None) -> list[StoryGroup]:
    """`previous` maps article id -> story id from the last build (keeps ids stable)."""
    raise NotImplementedError  # TODO issue 3
