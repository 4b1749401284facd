"""Reading the content directory into `SiteData`, with no MkDocs import.

Every card goes through the schema check (`generator.content.loader.load_record`); a card
that fails it, is hidden, has an id unusable in a URL, has a field of the wrong type or
repeats an id becomes a `Problem` (file:line) and is skipped, so one bad card never
stops the site. Cards inside a record that an editor flagged `hidden: true` are dropped.
"""
from __future__ import annotations

import os
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


@dataclass
class Card:
    """What one card file gave: its problems and, when usable, its record."""
    problems: list[Problem]
    kind: str
    rid: str | None = None
    record: Any = None           # None: the card is skipped
    hidden: bool = False
    page: bool = False           # an entity an editor marked `page: true`
    shown: str = ""              # the file's path as problems print it


def _cards_in(folder: Path) -> list:
    """The *.yml entries of a folder, sorted by name (os.scandir: no Path object per file;
    this runs on every `mkdocs serve` rebuild)."""
    try:
        with os.scandir(folder) as it:
            # as glob("*.yml"): names starting with a dot (editors' lock files) are not cards
            return sorted((e for e in it if e.name.endswith(".yml") and not e.name.startswith(".")),
                          key=lambda e: e.name)
    except FileNotFoundError:
        return []


# file path (str) -> ((mtime_ns, size), Card): cards read by an earlier build of the same process
CardCache = dict[str, tuple[tuple[int, int], Card]]


def _read_card(path: Path, kind: str, cls: type, shown: str,
               load_record: Callable[[Path, str], tuple[Any, list]]) -> Card:
    data, problems = load_record(path, kind)
    # a citation that fails the schema (a negative offset) is left out, not the card
    usable = data is not None and all(p.kept for p in problems)
    card = Card([Problem(shown, f"{p.message} ({'citation skipped' if usable else 'card skipped'})",
                         p.line or 1, p.column) for p in problems], kind)
    if not usable:
        return card
    card.rid = rid = str(data.get("id"))
    if data.get("hidden") is True:
        card.hidden = True
        return card
    if not ID_RE.match(rid):
        card.problems.append(Problem(shown, f"id {rid!r} is not usable in a URL (card skipped)", 1))
        return card
    try:
        record = cls.from_dict(_drop_hidden(data))
        _check_types(record)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        card.problems.append(Problem(shown, f"not a valid {kind}: {exc} (card skipped)", 1))
        return card
    card.record, card.page = record, kind == "entity" and data.get("page") is True
    return card


def load_site(content: Path, load_record: Callable[[Path, str], tuple[Any, list]] | None = None,
              rel_to: Path | None = None, cache: CardCache | None = None) -> SiteData:
    """Read content/{articles,stories,entities}/*.yml; bad cards become Problems and are skipped.

    With `cache` (kept by `mkdocs serve` between rebuilds), a file whose modification time
    and size are those of an earlier read is not read again: after an editor saves one card,
    only that card is parsed and checked. The records are shared with the earlier build, so
    nothing downstream may change them."""
    if load_record is None:
        from generator.content.loader import load_record  # the default check, loaded only when used
    site = SiteData()
    seen: set[Path] = set()
    for kind, folder, cls in KINDS:
        for entry in _cards_in(Path(content) / folder):
            card, key = None, None
            if cache is not None:
                try:
                    st = entry.stat()
                    key = (st.st_mtime_ns, st.st_size)
                except OSError:
                    pass
                seen.add(entry.path)
                hit = cache.get(entry.path)
                card = hit[1] if hit is not None and key is not None and hit[0] == key else None
            if card is None:
                path = Path(entry.path)
                shown = str(path.relative_to(rel_to)) if rel_to and path.is_relative_to(rel_to) else str(path)
                card = _read_card(path, kind, cls, shown, load_record)
                card.shown = shown
                if key is not None:
                    cache[entry.path] = (key, card)
            shown = card.shown
            site.problems += card.problems
            if card.hidden:
                site.hidden.add((kind, card.rid))
            if card.record is None:
                continue
            rid = card.rid
            target = getattr(site, folder)
            if rid in target:
                site.problems.append(Problem(shown, f"duplicate {kind} id {rid!r} (card skipped)", 1))
                continue
            target[rid] = card.record
            site.sources[(kind, rid)] = shown
            if card.page:
                site.page_requested.add(rid)
    if cache is not None:
        for gone in cache.keys() - seen:
            del cache[gone]
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
