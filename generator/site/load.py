"""Reading the content directory into `SiteData`, with no MkDocs import.

Every card goes through the schema check (`generator.content.loader.load_record`); a card
that fails it, is hidden, has an id unusable in a URL, has a field of the wrong type or
repeats an id becomes a `Problem` (file:line) and is skipped, so one bad card never
stops the site. Cards inside a record that an editor flagged `hidden: true` are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from generator.errors import Problem
from generator.records import Article, Entity, Story

KINDS = (("article", "articles", Article), ("story", "stories", Story), ("entity", "entities", Entity))
# Ids become URL path segments and file names: anything else is refused, not mangled.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass
class SiteData:
    articles: dict[str, Article] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> yaml path
    outlets: dict[str, dict] = field(default_factory=dict)  # slug -> {name, url} (content/outlets.yml)
    problems: list[Problem] = field(default_factory=list)
    page_requested: set[str] = field(default_factory=set)   # entities an editor marked `page: true`
    hidden: set[tuple[str, str]] = field(default_factory=set)  # (kind, id) of records flagged hidden


def _drop_hidden(data: dict) -> dict:
    """Cards inside a record flagged `hidden: true` never reach the site."""
    data = dict(data)
    for key in ("facts", "quotes", "summary", "timeline", "removed", "dates"):
        if isinstance(data.get(key), list):
            data[key] = [x for x in data[key] if not (isinstance(x, dict) and x.get("hidden") is True)]
    return data


def load_site(content: Path, load_record: Callable[[Path, str], tuple[Any, list]] | None = None,
              rel_to: Path | None = None) -> SiteData:
    """Read content/{articles,stories,entities}/*.yml; bad cards become Problems and are skipped."""
    if load_record is None:
        from generator.content.loader import load_record  # the default check, loaded only when used
    site = SiteData()
    for kind, folder, cls in KINDS:
        for path in sorted((Path(content) / folder).glob("*.yml")):
            shown = str(path.relative_to(rel_to)) if rel_to and path.is_relative_to(rel_to) else str(path)
            data, problems = load_record(path, kind)
            # a citation that fails the schema (a negative offset) is left out, not the card
            usable = data is not None and all(p.kept for p in problems)
            for p in problems:
                what = "citation skipped" if usable else "card skipped"
                site.problems.append(Problem(shown, f"{p.message} ({what})", p.line or 1, p.column))
            if not usable:
                continue
            if data.get("hidden") is True:
                site.hidden.add((kind, str(data.get("id"))))
                continue
            rid = str(data.get("id"))
            if not ID_RE.match(rid):
                site.problems.append(Problem(shown, f"id {rid!r} is not usable in a URL (card skipped)", 1))
                continue
            try:
                record = cls.from_dict(_drop_hidden(data))
                _check_types(record)
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                site.problems.append(Problem(shown, f"not a valid {kind}: {exc} (card skipped)", 1))
                continue
            target = getattr(site, folder)
            if rid in target:
                site.problems.append(Problem(shown, f"duplicate {kind} id {rid!r} (card skipped)", 1))
                continue
            target[rid] = record
            site.sources[(kind, rid)] = shown
            if kind == "entity" and data.get("page") is True:
                site.page_requested.add(rid)
    from generator.content.outlets import OUTLETS_FILE, read_outlets
    path = Path(content) / OUTLETS_FILE
    shown = str(path.relative_to(rel_to)) if rel_to and path.is_relative_to(rel_to) else str(path)
    site.outlets, problems = read_outlets(Path(content), shown)
    site.problems += [Problem(p.source, f"{p.message} (outlet names not used)", p.line, p.column) for p in problems]
    return site


def _check_types(record: Any) -> None:
    """The fields the pages read must have the right shape; a wrong one skips the card."""
    if isinstance(record, Article):
        if not isinstance(record.text, str):
            raise TypeError("text must be a string")
    elif isinstance(record, Story):
        if not isinstance(record.title, str) or not isinstance(record.articles, list):
            raise TypeError("title must be a string and articles a list")
        for f in record.facts:
            for s in f.sources + f.differs:
                if not (isinstance(s.start, int) and isinstance(s.end, int)):
                    raise TypeError(f"fact {f.id}: source offsets must be integers")
    elif isinstance(record, Entity):
        if not isinstance(record.name, str):
            raise TypeError("name must be a string")
