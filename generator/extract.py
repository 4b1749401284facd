"""Extract stage: one story's articles -> fact cards, summary, title (issue 3)."""
from __future__ import annotations

from generator.config import Config
from generator.group import StoryGroup
from generator.records import Analysis, Article, Story


def extract_story(group: StoryGroup, members: list[tuple[Article, Analysis]],
                  config: Config | None = None) -> Story:
    raise NotImplementedError  # TODO issue 3
