"""Resolve stage: quotes, entities and dates for one story (issue 4)."""
from __future__ import annotations

from generator.config import Config
from generator.records import Analysis, Article, Entity, Story


def resolve_story(story: Story, members: list[tuple[Article, Analysis]],
                  config: Config | None = None) -> tuple[Story, list[Entity]]:
    """Adds quotes, entity ids on facts/quotes, fact dates and the timeline."""
    return story, []  # TODO issue 4


def merge_entities(per_story: list[list[Entity]]) -> list[Entity]:
    """One Entity per id across all stories (aliases and stories united)."""
    return []  # TODO issue 4
