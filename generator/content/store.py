"""Write stage: the content directory, where editors own the YAML.

Layout: content/articles/<id>.yml, content/stories/<id>.yml, content/entities/<id>.yml,
plus content/.snapshot/<kind>/<id>.yml: exactly what the generator last wrote for
each record. The snapshot is the merge base that tells an editor's change from an
old generated value:

- file on disk byte-identical to its snapshot: nobody edited it, the new generated
  text is written directly (fast path: no YAML parsing at all, no rewrite when the
  bytes are unchanged);
- file differs from its snapshot: a three-way merge (generator.content.merge) of
  base=snapshot, ours=file, theirs=new record; the editor wins every conflict and
  the conflict is reported; comments and key order survive (ruamel.yaml round-trip);
- file deleted by the editor while its snapshot exists: it stays deleted (the
  snapshot is the tombstone; delete the snapshot too to get the record back);
- record no longer generated: removed when unedited, kept (and reported) when edited.

Beside each edited record's snapshot, content/.snapshot/<kind>/<id>.edits.json is the
ledger of paths the editor owns (changed, added or deleted fields and cards): an edit
stays the editor's even after the generator happened to produce the same value once.
Deleting the ledger hands those fields back to the generator.
content/.snapshot/index.json holds a digest of each record the snapshots were dumped
from, so an unchanged record is not even dumped on a re-run.

Crash safety: every file of a build is staged and put in place by one journaled
transaction (generator.content.journal), so a killed build leaves either the old tree
or a journal the next build rolls forward.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from generator.content.journal import Transaction, recover
from generator.content.loader import merge_blockers
from generator.content.merge import merge_file
from generator.content.reanchor import reanchor_story
from generator.content.schema import schema_problems
from generator.content.yamlio import dump_yaml, load_yaml
from generator.errors import ContentError, Problem
from generator.ids import valid_id
from generator.records import Article, Entity, Story

log = logging.getLogger(__name__)

KINDS = ("articles", "stories", "entities")
KIND_OF_FOLDER = {"articles": "article", "stories": "story", "entities": "entity"}
SNAPSHOT = ".snapshot"


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # Generated records that fail their schema and references that could not be
    # re-anchored: written anyway (the editor sees them in `check`), reported here.
    problems: list[Problem] = field(default_factory=list)
    # Ids of articles whose file on disk is not the generator's record after this
    # build (edited, deleted or kept by an editor): their `story:` must be read back.
    edited_articles: set[str] = field(default_factory=set)
    # Files an editor changed while this build ran (after it read them): left as the
    # editor has them, with their old snapshot, for the next build to merge.
    left_to_editor: list[str] = field(default_factory=list)
    # Records (rel paths) whose indexed digest is that of the record this build was
    # given: the same record given to the next build needs no conversion there.
    settled: set[str] = field(default_factory=set)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------- the snapshot index
INDEX = f"{SNAPSHOT}/index.json"
_DIGEST_VERSION = "1"   # bump when dump_yaml's output changes: every file is then re-dumped


def _digest(record: dict) -> str:
    """Fingerprint of a generated record; json.dumps is C code, unlike the YAML dump."""
    raw = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1((_DIGEST_VERSION + raw).encode("utf-8")).hexdigest()


def _read_index(content: Path) -> dict[str, str]:
    """rel path -> digest of the record its snapshot was dumped from (a missing or
    damaged index only costs speed: every record is dumped and compared again)."""
    try:
        data = json.loads((content / INDEX).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


class _Transaction(Transaction):
    """The build's journaled transaction, with the snapshot index it will leave."""

    def __init__(self, content: Path):
        super().__init__(content, index=INDEX)
        self.old_index: dict[str, str] = _read_index(content)   # what the snapshot held before
        self.index: dict[str, str] = dict(self.old_index)       # what it will hold after this build


# ---------------------------------------------------------------- public entry points
def previous_assignment(content: Path) -> dict[str, str]:
    """article id -> story id as the last build left it (editor's changes included)."""
    content = Path(content)
    recover(content)
    return assignment_of(content, [p.stem for p in sorted((content / "articles").glob("*.yml"))])


def assignment_of(content: Path, article_ids: Iterable[str]) -> dict[str, str]:
    """article id -> the `story:` its file on disk names, for the given articles.

    The story id becomes a file name (stories/<id>.yml): an editor's value that is not
    a valid id (`../../x`, `a/b`) is a ContentError naming each such file, raised
    before the build changes anything."""
    out: dict[str, str] = {}
    bad: list[Problem] = []
    for rid in article_ids:
        story = _top_level_value(Path(content) / "articles" / f"{rid}.yml", "story")
        if story and not valid_id(story):
            bad.append(Problem(f"articles/{rid}.yml", f"story: {story!r} is not a valid story id "
                                                      "(one name, no slash, not starting with a dot, "
                                                      "not a name Windows reserves such as con or nul)"))
        elif story:
            out[rid] = story
    if bad:
        raise ContentError(f"{len(bad)} article file(s) name an invalid story; fix them and build again "
                           "(nothing was changed)", bad)
    return out


def _top_level_value(path: Path, key: str) -> str | None:
    """The plain scalar at `key:` without parsing the whole (large) article file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    prefix = f"\n{key}: "
    at = text.find(prefix)
    if at >= 0:
        value = text[at + len(prefix): text.find("\n", at + 1) if text.find("\n", at + 1) > 0 else None]
        if value and value[0] not in "'\"|>&*!{[%@`#" and ": " not in value and " #" not in value:
            return None if value in ("null", "~") else value.strip()
    with contextlib.suppress(yaml.YAMLError):
        data = load_yaml(text)
        if isinstance(data, dict) and data.get(key):
            return str(data[key])
    return None


def dump_records(items: list[tuple[str, dict]]) -> list[tuple[bytes, list[str]]]:
    """(YAML bytes, schema problems) of each (kind folder, record dict): the pure,
    costly part of the write stage, which the orchestrator may run on its executor."""
    return [(dump_yaml(data).encode("utf-8"), schema_problems(data, KIND_OF_FOLDER[kind]))
            for kind, data in items]


DumpMany = Callable[[list[tuple[str, dict]]], Iterable[tuple[bytes, list[str]]]]


def write_content(content: Path, articles: list[Article], stories: list[Story],
                  entities: list[Entity], prune: bool = True, dump_many: DumpMany = dump_records,
                  as_left: set[str] | None = None, same_as_left: set[str] = frozenset()) -> WriteResult:
    """Write every record, merging editors' changes; see the module docstring.

    prune: remove unedited files of records this build no longer produces.
    dump_many: how the records that need it are dumped (default: here, one by one).
    as_left: the caller knows no file changed since the last write_content here; the
    set holds the ids of the articles that build reported in `edited_articles`. A
    record whose digest is the indexed one is then skipped without reading its files
    (merging it again would give back the same bytes).
    same_as_left: with `as_left`, records (rel paths) the caller knows to be those the
    last write_content here was given and reported `settled`, with, for a story, the
    same texts of its articles (none of them edited). Such a record's digest is the
    indexed one, so it is skipped without even being converted to a dict: a re-run with
    a few new articles rewrites a few dozen of thousands of records.
    """
    content = Path(content)
    result = WriteResult()
    recover(content)
    tx = _Transaction(content)
    texts: dict[str, str] = {}       # article id -> text as it will be on disk
    if as_left is not None:
        result.edited_articles |= as_left
    for kind, records in (("articles", articles), ("stories", stories), ("entities", entities)):
        # Kinds go in order: a story's excerpts are re-anchored on its articles' texts
        # as this build leaves them (an editor may have changed one).
        produced: set[str] = set()
        pending = []
        for record in records:
            produced.add(record.id)
            if kind == "articles":
                texts[record.id] = record.text
            if as_left is not None and same_as_left:
                rel = f"{kind}/{record.id}.yml"
                if rel in same_as_left and rel in tx.old_index:
                    result.settled.add(rel)
                    continue
            theirs = record.to_dict()
            anchored = True
            if kind == "stories":
                problems = reanchor_story(theirs, texts, f"stories/{record.id}.yml")
                # A story whose excerpts did not all re-anchor is never skipped: the
                # problems are reported by every build.
                anchored = not problems
                result.problems += problems
            pending.append(_Pending(content, kind, record.id, theirs, tx, as_left is not None))
            pending[-1].anchored = anchored
        todo = [p for p in pending if p.needs_dump]
        for p, (new, problems) in zip(todo, dump_many([(kind, p.theirs) for p in todo])):
            p.new, p.problems = new, problems
        for p in pending:
            _write_record(content, tx, p, texts, result)
        if prune:
            _prune(content, tx, kind, produced, result)
    if tx.index != tx.old_index:
        tx.write(INDEX, json.dumps(tx.index, sort_keys=True, indent=0).encode())
    tx.commit()
    if tx.left_to_editor:
        left = set(tx.left_to_editor)
        result.left_to_editor = sorted(left)
        result.written = [w for w in result.written if str(Path(w).relative_to(content)) not in left]
        result.conflicts += [f"{rel}: changed while this build ran; left as it is, the next build merges it"
                             for rel in result.left_to_editor]
        result.edited_articles |= {Path(rel).stem for rel in left if rel.startswith("articles/")}
    return result


class _Pending:
    """One record on its way to disk: what is there now and, once dumped, what is new."""

    def __init__(self, content: Path, kind: str, rid: str, theirs: dict, tx: _Transaction,
                 as_left: bool = False):
        self.kind, self.rid, self.theirs = kind, rid, theirs
        self.rel = f"{kind}/{rid}.yml"
        self.digest = _digest(theirs)
        self.new: bytes | None = None
        self.problems: list[str] = []
        self.snap = self.disk = None
        self.anchored = True
        if as_left and tx.old_index.get(self.rel) == self.digest:
            self.needs_dump = False  # as the last build left it, and the same record
            return
        self.snap = _read_bytes(content / SNAPSHOT / self.rel)
        self.disk = _read_bytes(content / self.rel)
        # Nothing new and nobody edited it: not even a dump is needed.
        self.needs_dump = not (self.snap is not None and self.disk == self.snap
                               and tx.old_index.get(self.rel) == self.digest)


def _write_record(content: Path, tx: _Transaction, p: _Pending, texts: dict[str, str],
                  result: WriteResult) -> None:
    _write_one(content, tx, p, texts, result)
    if p.anchored and tx.index.get(p.rel) == p.digest:
        result.settled.add(p.rel)


def _write_one(content: Path, tx: _Transaction, p: _Pending, texts: dict[str, str],
               result: WriteResult) -> None:
    if not p.needs_dump:
        return
    kind, rid, theirs, rel, snap, disk, new = p.kind, p.rid, p.theirs, p.rel, p.snap, p.disk, p.new
    snap_rel = f"{SNAPSHOT}/{rel}"
    path = content / rel
    digest = p.digest

    ledger_rel = f"{SNAPSHOT}/{kind}/{rid}.edits.json"
    ledger = _read_bytes(content / ledger_rel) if disk is not None and disk == snap else None
    owned: list[str] = []
    if disk is not None and disk != snap or ledger is not None:
        with contextlib.suppress(ValueError, TypeError):
            owned = list(json.loads(ledger if ledger is not None else
                                    (_read_bytes(content / ledger_rel) or b"[]")))
    fast = disk is not None and ledger is None and (disk == snap or (snap is None and disk == new))
    if kind == "articles" and not fast and not (disk is None and snap is None):
        result.edited_articles.add(rid)   # deleted, merged or unparseable: not our bytes on disk
    if fast:
        target = new                                    # fast path: nobody edited it
    elif disk is None and snap is not None:
        if snap != new:                                 # editor deleted it: stays deleted
            tx.write(snap_rel, new, rel)
        tx.index[rel] = digest
        return
    elif disk is None:
        target = new                                    # a new record
    else:
        blockers = merge_blockers(disk, KIND_OF_FOLDER[kind], rel)
        if blockers:
            # Leave file, base and ledger alone: the merge happens once the editor has
            # fixed it (a newer base would pass old values off as edits), and the build
            # fails so the mistake is seen where it was made.
            result.problems += [Problem(b.source, f"{b.message} (not merged: fix it and build again)",
                                        b.line, b.column) for b in blockers]
            return
        outcome = merge_file(snap, disk, theirs, rel, texts if kind == "stories" else None, owned)
        if outcome.data is not None and outcome.owned != owned:
            tx.write(ledger_rel, json.dumps(outcome.owned, indent=0, ensure_ascii=False).encode(), rel)
        result.conflicts += outcome.conflicts
        result.problems += outcome.problems
        if kind == "articles" and outcome.text is not None:
            texts[rid] = outcome.text
        if outcome.data is None:
            # Unparseable edit: leave file and base alone so the merge can happen once
            # the editor has fixed the YAML (a newer base would pass old values off as edits).
            return
        target = outcome.data

    if target != disk:
        if target is new:
            for message in p.problems:
                problem = Problem(rel, f"generated record is invalid: {message}")
                log.warning("%s", problem)
                result.problems.append(problem)
        tx.write(rel, target, rel, before=disk)   # not over an edit made since it was read
        result.written.append(str(path))
    if snap != new:
        tx.write(snap_rel, new, rel)
    tx.index[rel] = digest


def _prune(content: Path, tx: _Transaction, kind: str, produced: set[str], result: WriteResult) -> None:
    on_disk = {p.stem for p in (content / kind).glob("*.yml")}
    in_snap = {p.stem for p in (content / SNAPSHOT / kind).glob("*.yml")}
    for rid in sorted((on_disk | in_snap) - produced):
        rel, snap_rel = f"{kind}/{rid}.yml", f"{SNAPSHOT}/{kind}/{rid}.yml"
        disk, snap = _read_bytes(content / rel), _read_bytes(content / snap_rel)
        if snap is None:
            continue                    # never written by the generator: the editor's own file
        if disk is not None and disk != snap:
            result.conflicts.append(f"{rel}: no longer generated by this build; kept the editor's edited file")
            if kind == "articles":
                result.edited_articles.add(rid)
            continue
        if disk is not None:
            tx.delete(rel, rel, before=disk)
            result.written.append(str(content / rel))
        tx.delete(snap_rel, rel)
        tx.delete(f"{SNAPSHOT}/{kind}/{rid}.edits.json", rel)
        tx.index.pop(rel, None)


def iter_records(content: Path, kind: str) -> Iterable[Path]:
    return sorted((Path(content) / kind).glob("*.yml"))


__all__ = ["WriteResult", "previous_assignment", "assignment_of", "write_content", "dump_records",
           "iter_records"]
