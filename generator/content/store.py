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

Crash safety: a build never writes a content file in place. Every new file is staged
under content/.staging/, then a journal (content/.staging/COMMIT) is written
atomically, then the staged files are renamed over their targets. A build killed
before the journal exists leaves the old tree; killed after, the next build rolls the
journal forward, and `check` reads the tree as the journal describes it meanwhile, so
cross-file references (article <-> story offsets) are never seen half-updated.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from generator.errors import ContentError, LockedError
from generator.records import Article, Entity, Story

log = logging.getLogger(__name__)

KINDS = ("articles", "stories", "entities")
KIND_OF_FOLDER = {"articles": "article", "stories": "story", "entities": "entity"}
SNAPSHOT = ".snapshot"
STAGING = ".staging"
JOURNAL = "COMMIT"


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # Generated records that fail their schema and references that could not be
    # re-anchored: written anyway (the editor sees them in `check`), reported here.
    problems: list[str] = field(default_factory=list)
    # Ids of articles whose file on disk is not the generator's record after this
    # build (edited, deleted or kept by an editor): their `story:` must be read back.
    edited_articles: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- locking, atomic files
@contextlib.contextmanager
def content_lock(content: Path):
    content = Path(content)
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
    """Write text via a temporary file, fsync and rename; False when the file already had it."""
    path = Path(path)
    data = text.encode("utf-8")
    with contextlib.suppress(FileNotFoundError):
        if path.read_bytes() == data:
            return False
    _write_new(path, data, sync=True)
    return True


def _write_new(path: Path, data: bytes, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------- YAML in and out
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Deterministic, readable output: block style, multi-line text as `|` blocks."""


def _represent_str(dumper, value: str):
    # PyYAML itself falls back to a quoted scalar when a literal block could not
    # round-trip (trailing spaces, control characters), so this is always safe.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


class FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that keeps dates as the strings editors typed (records hold ISO strings)."""


FastLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_DUMP_OPTIONS = dict(sort_keys=False, allow_unicode=True, default_flow_style=False,
                    width=1 << 30)  # a huge width: long sentences never fold mid-excerpt


def dump_yaml(data: dict) -> str:
    node = _node(data, set())
    if node is None:  # a value outside plain data, or a shared container: PyYAML's own way
        return yaml.dump(data, Dumper=_Dumper, **_DUMP_OPTIONS)
    stream = io.StringIO()
    dumper = _Dumper(stream, **_DUMP_OPTIONS)
    try:
        dumper.open()
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


_T = "tag:yaml.org,2002:"


def _node(value, seen: set):
    """The node PyYAML's SafeRepresenter (with `_represent_str`) makes of `value`,
    built directly: the representer's per-object bookkeeping was most of the write
    stage. None when `value` holds anything else (the caller falls back to PyYAML);
    the output is byte-identical either way (tested)."""
    kind = type(value)
    if kind is str:
        return yaml.ScalarNode(_T + "str", value, style="|" if "\n" in value else None)
    if kind is dict or kind is list:
        if id(value) in seen:  # PyYAML would write an anchor and an alias
            return None
        seen.add(id(value))
        if kind is list:
            items = [_node(v, seen) for v in value]
            return None if None in items else yaml.SequenceNode(_T + "seq", items, flow_style=False)
        pairs = [(_node(k, seen), _node(v, seen)) for k, v in value.items()]
        if any(k is None or v is None for k, v in pairs):
            return None
        return yaml.MappingNode(_T + "map", pairs, flow_style=False)
    if kind is bool:
        return yaml.ScalarNode(_T + "bool", "true" if value else "false")
    if kind is int:
        return yaml.ScalarNode(_T + "int", str(value))
    if value is None:
        return yaml.ScalarNode(_T + "null", "null")
    return None  # floats, dates and the rest: PyYAML's representer knows their spelling


def load_yaml(text: str | bytes):
    return yaml.load(text, Loader=FastLoader)


# ---------------------------------------------------------------- crash-safe commit
def _journal_ops(content: Path) -> list[tuple[str | None, str]] | None:
    try:
        raw = (content / STAGING / JOURNAL).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return [(src, dst) for src, dst in json.loads(raw)["ops"]]


def pending_changes(content: Path) -> dict[Path, Path | None]:
    """A committed but not yet applied build: target -> staged file (None: delete).

    Used by `check` to read the tree as the interrupted build left it logically.
    """
    content = Path(content)
    ops = _journal_ops(content)
    out: dict[Path, Path | None] = {}
    for src, dst in ops or []:
        target = content / dst
        if src is None:
            out[target] = None
        elif (content / STAGING / src).exists():
            out[target] = content / STAGING / src
    return out


def recover(content: Path) -> bool:
    """Finish (roll forward) a committed build or drop an uncommitted one. True if it did."""
    content = Path(content)
    staging = content / STAGING
    if not staging.exists():
        return False
    ops = _journal_ops(content)
    if ops is not None:
        _apply(content, ops)
    shutil.rmtree(staging, ignore_errors=True)
    return True


def _apply(content: Path, ops: list[tuple[str | None, str]]) -> None:
    staging = content / STAGING
    made: set[str] = set()   # one mkdir per folder, not per file (tens of thousands)
    for src, dst in ops:
        target = os.path.join(content, dst)
        if src is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            continue
        staged = os.path.join(staging, src)
        if os.path.exists(staged):  # else a previous run already moved it
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            os.replace(staged, target)
    # The journal goes last: until it is gone, a re-run replays the (idempotent) ops.
    with contextlib.suppress(FileNotFoundError):
        (staging / JOURNAL).unlink()


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


class _Transaction:
    index: dict[str, str]          # what the snapshot will hold after this build
    old_index: dict[str, str]      # what it held before

    def __init__(self, content: Path):
        self.content = content
        self.staging = content / STAGING
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staged = False
        self.ops: list[tuple[str | None, str]] = []

    def write(self, rel: str, data: bytes) -> None:
        name = f"{len(self.ops):07d}.yml"
        staged = self.staging / name
        if not self.staged:
            self.staging.mkdir(parents=True, exist_ok=True)
            self.staged = True
        with open(staged, "wb") as fh:
            fh.write(data)
        self.ops.append((name, rel))

    def delete(self, rel: str) -> None:
        self.ops.append((None, rel))

    def commit(self) -> None:
        if not self.ops:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        # Staged files must be on disk before the journal that points at them: one
        # syncfs for the lot (an fsync per file costs ~10 ms each: minutes at 40,000 files).
        _sync_filesystem(self.staging)
        _write_new(self.staging / JOURNAL, json.dumps({"ops": self.ops}).encode(), sync=True)
        _apply(self.content, self.ops)
        shutil.rmtree(self.staging, ignore_errors=True)


def _sync_filesystem(folder: Path) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()


# ---------------------------------------------------------------- public entry points
def previous_assignment(content: Path) -> dict[str, str]:
    """article id -> story id as the last build left it (editor's changes included)."""
    content = Path(content)
    recover(content)
    return assignment_of(content, [p.stem for p in sorted((content / "articles").glob("*.yml"))])


def assignment_of(content: Path, article_ids: Iterable[str]) -> dict[str, str]:
    """article id -> the `story:` its file on disk names, for the given articles."""
    out: dict[str, str] = {}
    for rid in article_ids:
        story = _top_level_value(Path(content) / "articles" / f"{rid}.yml", "story")
        if story:
            out[rid] = story
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
    from generator.content import check

    return [(dump_yaml(data).encode("utf-8"), [str(p) for p in check.schema_problems(data, KIND_OF_FOLDER[kind])])
            for kind, data in items]


DumpMany = Callable[[list[tuple[str, dict]]], Iterable[tuple[bytes, list[str]]]]


def write_content(content: Path, articles: list[Article], stories: list[Story],
                  entities: list[Entity], prune: bool = True, dump_many: DumpMany = dump_records,
                  as_left: set[str] | None = None) -> WriteResult:
    """Write every record, merging editors' changes; see the module docstring.

    prune: remove unedited files of records this build no longer produces.
    dump_many: how the records that need it are dumped (default: here, one by one).
    as_left: the caller knows no file changed since the last write_content here; the
    set holds the ids of the articles that build reported in `edited_articles`. A
    record whose digest is the indexed one is then skipped without reading its files
    (merging it again would give back the same bytes).
    """
    from generator.content import merge  # ruamel is only imported when an edited file exists

    content = Path(content)
    result = WriteResult()
    recover(content)
    tx = _Transaction(content)
    tx.old_index = _read_index(content)
    tx.index = dict(tx.old_index)
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
            theirs = record.to_dict()
            if kind == "articles":
                texts[record.id] = record.text
            elif kind == "stories":
                result.problems += merge.reanchor_story(theirs, texts, f"stories/{record.id}.yml")
            pending.append(_Pending(content, kind, record.id, theirs, tx, as_left is not None))
        todo = [p for p in pending if p.needs_dump]
        for p, (new, problems) in zip(todo, dump_many([(kind, p.theirs) for p in todo])):
            p.new, p.problems = new, problems
        for p in pending:
            _write_record(content, tx, p, texts, result, merge)
        if prune:
            _prune(content, tx, kind, produced, result)
    if tx.index != tx.old_index:
        tx.write(INDEX, json.dumps(tx.index, sort_keys=True, indent=0).encode())
    tx.commit()
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
        if as_left and tx.old_index.get(self.rel) == self.digest:
            self.needs_dump = False  # as the last build left it, and the same record
            return
        self.snap = _read_bytes(content / SNAPSHOT / self.rel)
        self.disk = _read_bytes(content / self.rel)
        # Nothing new and nobody edited it: not even a dump is needed.
        self.needs_dump = not (self.snap is not None and self.disk == self.snap
                               and tx.old_index.get(self.rel) == self.digest)


def _write_record(content: Path, tx: _Transaction, p: _Pending, texts: dict[str, str],
                  result: WriteResult, merge) -> None:
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
            tx.write(snap_rel, new)
        tx.index[rel] = digest
        return
    elif disk is None:
        target = new                                    # a new record
    else:
        outcome = merge.merge_file(snap, disk, theirs, rel, texts if kind == "stories" else None, owned)
        if outcome.data is not None and outcome.owned != owned:
            tx.write(ledger_rel, json.dumps(outcome.owned, indent=0, ensure_ascii=False).encode())
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
            for problem in p.problems:
                msg = f"{rel}: generated record is invalid: {problem}"
                log.warning(msg)
                result.problems.append(msg)
        tx.write(rel, target)
        result.written.append(str(path))
    if snap != new:
        tx.write(snap_rel, new)
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
            tx.delete(rel)
            result.written.append(str(content / rel))
        tx.delete(snap_rel)
        tx.delete(f"{SNAPSHOT}/{kind}/{rid}.edits.json")
        tx.index.pop(rel, None)


def iter_records(content: Path, kind: str) -> Iterable[Path]:
    return sorted((Path(content) / kind).glob("*.yml"))


__all__ = ["WriteResult", "content_lock", "atomic_write", "previous_assignment", "write_content",
           "dump_yaml", "load_yaml", "recover", "pending_changes", "ContentError"]
