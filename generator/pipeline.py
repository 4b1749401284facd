"""The orchestrator: runs the stages in order with per-item error isolation.

read -> clean+describe -> analyze (per article, parallel) -> group -> extract
(per story) -> resolve (quotes, entities, dates) -> write. A bad article or story
is reported as a `ReadProblem` and skipped; the rest of the batch goes on.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import analyze, describe, extract, group, read, resolve, store
from generator.config import Config
from generator.records import Analysis, Article, ReadProblem, Story

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    problems: list[ReadProblem] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)   # editor value kept over a new generated one
    written: list[str] = field(default_factory=list)     # files changed on disk
    articles: int = 0
    stories: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(config: Config, inputs: list[str] | None = None, content_dir: str | Path | None = None,
          jobs: int | None = None, progress: Progress = _quiet) -> BuildReport:
    report = BuildReport()
    content = config.resolve(content_dir or config.content)
    paths = [config.resolve(p) for p in (inputs or config.inputs)]

    with store.content_lock(content):
        raws = []
        for item in read.read_inputs(paths, root=config.root):
            (report.problems if isinstance(item, ReadProblem) else raws).append(item)
        progress("read", len(raws), len(raws))

        articles: list[Article] = []
        for item in describe.prepare_articles(raws, config):
            (report.problems if isinstance(item, ReadProblem) else articles).append(item)
        progress("clean", len(articles), len(articles))

        analyses: dict[str, Analysis] = {}
        for article, result in zip(articles, _analyze(articles, jobs)):
            if isinstance(result, ReadProblem):
                report.problems.append(result)
            else:
                analyses[article.id] = result
                article.dates = result.dates
        articles = [a for a in articles if a.id in analyses]
        progress("analyze", len(articles), len(articles))

        by_id = {a.id: a for a in articles}
        previous = store.previous_assignment(content)
        groups = group.group_articles(articles, analyses, previous, config)

        stories: list[Story] = []
        entity_lists = []
        for n, g in enumerate(groups, 1):
            members = [(by_id[i], analyses[i]) for i in g.article_ids]
            try:
                story = extract.extract_story(g, members, config)
                story, entities = resolve.resolve_story(story, members, config)
            except Exception as exc:  # one bad story must not sink the build
                log.exception("story %s failed", g.id)
                report.problems.append(ReadProblem(g.id, f"story could not be built: {exc!r}"))
                continue
            for aid in story.articles:
                by_id[aid].story = story.id
            stories.append(story)
            entity_lists.append(entities)
            progress("stories", n, len(groups))
        entities = resolve.merge_entities(entity_lists)

        result = store.write_content(content, articles, stories, entities)
        report.written, report.conflicts = result.written, result.conflicts
        report.articles, report.stories = len(articles), len(stories)
    return report


def _analyze(articles: list[Article], jobs: int | None):
    """Analysis per article, a ReadProblem in place of one that fails."""
    out = []
    for article in articles:
        try:
            out.append(next(analyze.analyze_articles([article])))
        except Exception as exc:
            out.append(ReadProblem(article.source_file, f"analysis failed: {exc!r}"))
    return out
