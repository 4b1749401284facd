"""Write stage and the content directory (issue 6 owns the full behaviour).

Layout: content/articles/<id>.yml, content/stories/<id>.yml, content/entities/<id>.yml.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.errors import LockedError
from generator.records import Article, Entity, Story

KINDS = ("articles", "stories", "entities")


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@contextlib.contextmanager
def content_lock(content: Path):
    content.mkdir(parents=True, exist_ok=True)
    fh = open(content / ".lock", "w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"{content}: another build is running (lock {content / '.lock'})") from None
        yield
    finally:
        fh.close()


def atomic_write(path: Path, text: str) -> bool:
    """Write text via a temporary file and rename; False when the file already had it."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def previous_assignment(content: Path) -> dict[str, str]:
    """article id -> story id as the last build left it."""
    out: dict[str, str] = {}
    for path in sorted((content / "articles").glob("*.yml")):
        with contextlib.suppress(Exception):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("story"):
                out[str(data.get("id") or path.stem)] = str(data["story"])
    return out


def write_content(content: Path, articles: list[Article], stories: list[Story],
                  entities: list[Entity]) -> WriteResult:
    result = WriteResult()
    for kind, records in (("articles", articles), ("stories", stories), ("entities", entities)):
        for record in records:
            path = content / kind / f"{record.id}.yml"
            if atomic_write(path, dump_yaml(record.to_dict())):
                result.written.append(str(path))
    return result
