"""Build cache: a re-run redoes only what changed.

Entries live in one SQLite file under `config.cache`
(default `.cache/generator/cache.sqlite`):

- per article: its `Analysis`, keyed by the cleaned article's id, text, headline
  and publication date (everything `analyze` reads);
- per story: the extracted and resolved `(Story, [Entity])`, keyed by the story id
  and the keys of its member articles (so a story is rebuilt exactly when one of its
  articles changed, joined or left).

Every key also contains a fingerprint of what produces the value: the pipeline
version, every file of the packages that shape the content (code, JSON Schemas,
data; see NOT_CONTENT for what is left out), spaCy and model versions and the stage
settings of site_config.yml. Changing any of them misses the cache instead of
serving stale output, so nobody has to remember to bump `PIPELINE_VERSION` while a
stage is being edited. Values are pickled: fast, and an entry that no longer loads
(a record class changed) is treated as a miss. The cache is safe to delete.
"""
from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import generator
from generator.errors import Problem
from generator.records import Article, Entity, Story

log = logging.getLogger(__name__)

FILENAME = "cache.sqlite"
# Parts of the package (top-level packages and modules) that cannot change the
# content: `site` renders what was written, `build` only runs the stages in order
# (the output does not depend on the executor or the cache), and the command line
# only starts a build. Editing them keeps the cache valid; every other file under
# the package (code, JSON Schemas, word lists, any extension) is in the fingerprint.
NOT_CONTENT = frozenset({"site", "build", "cli.py", "__main__.py"})
# site_config.yml sections that only concern the site.
NOT_CONTENT_SECTIONS = {"site"}
# SQLite limits the number of bound parameters per statement.
_CHUNK = 500


# ---------------------------------------------------------------- entry kinds
# Whole-batch entries are small dataclasses, checked with isinstance when read back:
# an entry of another kind or of an older layout is a miss, never a misread value.
# (Per-item entries are the stage records themselves: Analysis, describe.Survey, ...)

@dataclass
class PreparedBatch:
    """Read + clean + describe of a whole batch of inputs (key: the inputs' hashes)."""

    articles: list[Article]
    problems: list[Problem]


@dataclass
class GroupingEntry:
    """The story groups of a set of articles, valid when the assignment on disk is the
    one the grouping started from or the one it produced (hashes of both)."""

    started_from: str
    produced: str
    groups: list

    def valid_for(self, assignment_hash: str) -> bool:
        return assignment_hash in (self.started_from, self.produced)


@dataclass
class LastGrouping:
    """Article id -> article key of the last grouping of a content directory."""

    keys: dict[str, str]


@dataclass
class StoryResult:
    """One story's extract + resolve result."""

    story: Story
    entities: list[Entity]


@dataclass
class LastWrite:
    """What the last write of a content directory did, and the state it left."""

    write_key: str                # everything the written records were made of
    state: str                    # the directory's state after the write
    conflicts: list[str]
    problems: list
    edited_articles: list[str]    # articles whose files editors changed


@dataclass
class WriteSources:
    """Rel path -> source key (pipeline._record_sources) of the records the last write of
    a content directory settled (their indexed digest is theirs), and the state it left."""

    state: str
    sources: dict[str, str]


@dataclass
class LeftAssignment:
    """Article id -> story id as a write left it on disk (in the state of the key)."""

    assignment: dict[str, str]


def _sha(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def source_files(pkg: Path) -> list[tuple[str, str]]:
    """(path relative to `pkg`, sha256) of every file under `pkg` that can shape the
    content: all but the NOT_CONTENT parts and Python's byte-code caches."""
    out = []
    for path in sorted(pkg.rglob("*")):
        rel = path.relative_to(pkg)
        if (rel.parts[0] in NOT_CONTENT or "__pycache__" in rel.parts or path.suffix == ".pyc"
                or not path.is_file()):
            continue
        out.append((rel.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return out


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Pipeline version + the files that shape the content + spaCy/model versions."""
    sources = source_files(Path(generator.__file__).parent)
    try:
        # Package metadata, not `import spacy`: a re-run that finds everything in the
        # cache must not pay seconds of imports for two version strings.
        from importlib.metadata import version

        from generator.nlp.analyze import DISABLED, MODEL
        from generator.nlp.meaning import PACKAGE

        nlp_version = (version("spacy"), MODEL, version(MODEL), DISABLED, version(PACKAGE))
    except Exception:  # the fingerprint must never stop a build
        nlp_version = None
    return _sha(generator.PIPELINE_VERSION, sources, nlp_version)


def settings_fingerprint(config) -> str:
    sections = getattr(config, "sections", None) or {}
    relevant = {k: v for k, v in sections.items() if k not in NOT_CONTENT_SECTIONS}
    return _sha(sorted(relevant.items(), key=lambda kv: kv[0]))


def fingerprint(config) -> str:
    return _sha(code_fingerprint(), settings_fingerprint(config))


def article_key(article: Article, fp: str) -> str:
    """Key of an article's Analysis: everything `analyze` reads from the article."""
    return "a:" + _sha(fp, article.id, article.published, article.text, article.headline)


def raw_key(kind: str, raw_hash: str, fp: str, extra: Any = ()) -> str:
    """Key of a per-raw-article result (clean+describe passes): its content hash and `extra`."""
    return f"{kind}:" + _sha(fp, raw_hash, extra)


def story_key(story_id: str, member_keys: Iterable[str], fp: str) -> str:
    """Key of a story's extract+resolve result: its id and its members, in order."""
    return "s:" + _sha(fp, story_id, list(member_keys))


def batch_key(kind: str, fp: str, parts: Iterable[Any]) -> str:
    """Key of a whole-batch result (clean+describe, grouping): every part, in order."""
    return f"{kind}:" + _sha(fp, list(parts))


class Cache:
    """Key -> pickled value in one SQLite file; `Cache(None)` is a cache that never hits."""

    def __init__(self, directory: str | Path | None):
        self.path = Path(directory) / FILENAME if directory is not None else None
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path)
                # WAL: a reader (another build's check) never blocks on our writes.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB)")
                self._db.commit()
            except sqlite3.Error as exc:  # an unusable cache only costs time
                log.warning("cache disabled: %s: %s", self.path, exc)
                self._db = None

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The values found for `keys` (missing and unreadable entries are left out)."""
        found: dict[str, Any] = {}
        wanted = list(dict.fromkeys(keys))
        if self._db is None:
            self.misses += len(wanted)
            return found
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
                for key, blob in rows:
                    try:
                        found[key] = pickle.loads(blob)
                    except Exception:  # written by an older record layout: recompute
                        pass
            except sqlite3.Error as exc:
                log.warning("cache read failed: %s", exc)
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        if self._db is None:
            return
        rows = ((key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) for key, value in items)
        try:
            self._db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", rows)
            self._db.commit()
        except sqlite3.Error as exc:
            log.warning("cache write failed: %s", exc)

    def keys(self) -> Iterator[str]:
        if self._db is not None:
            for (key,) in self._db.execute("SELECT key FROM entries"):
                yield key

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
