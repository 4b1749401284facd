"""Crash-safe changes to the content directory: the lock, atomic single files, and the
journaled transaction that puts a whole build's files in place.

A build never writes a content file in place. Every new file is staged under
content/.staging/, then a journal (content/.staging/COMMIT) is written atomically,
then the staged files are renamed over their targets. A build killed before the
journal exists leaves the old tree; killed after, the next build rolls the journal
forward (`recover`), and `check` reads the tree as the journal describes it meanwhile
(`pending_changes`), so cross-file references (article <-> story offsets) are never
seen half-updated. An editor's file changed after the build read it is never
overwritten, by the commit or by its replay (see "guards" below).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from pathlib import PurePosixPath

from generator.errors import ContentError, LockedError

STAGING = ".staging"
JOURNAL = "COMMIT"


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


# ---------------------------------------------------------------- journaled commit
# The journal: {"ops": [[staged name or null (delete), target, group or null], ...],
#               "guards": {group: sha1 of the editor's file as the build read it, or null},
#               "index": a JSON mapping keyed by group, or null}.
#
# A group is one editor-facing file (`stories/<id>.yml`) with the files that go with it
# (its snapshot, its ledger). The guard says what that file held when the build read it
# to merge; the staged version is the merge of exactly those bytes. If, when the ops
# are applied (the commit, or its replay after a crash), the file is still unapplied and
# no longer holds those bytes, the editor changed it meanwhile: the whole group is left
# as the editor and the old snapshot have it (and dropped from the index), so the next
# build merges the editor's file three-way against the old snapshot like any edit,
# instead of the staged file overwriting it.
Op = tuple  # (staged name | None, target, group | None)
_UNGUARDED = object()


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha1(data).hexdigest()


def _current(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return _digest(fh.read())
    except FileNotFoundError:
        return None


def _read_journal(content: Path) -> dict | None:
    try:
        raw = (content / STAGING / JOURNAL).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(raw)
    data["ops"] = [tuple(op) + (None,) * (3 - len(op)) for op in data["ops"]]   # older journals: no groups
    data.setdefault("guards", {})
    data.setdefault("index", None)
    return data


def _changed_groups(content: Path, journal: dict) -> set[str]:
    """Groups whose file the editor changed since the build read it (see above)."""
    staging = os.path.join(content, STAGING)
    targets = {dst: src for src, dst, group in journal["ops"] if group is not None and dst == group}
    changed = set()
    for group, before in journal["guards"].items():
        if group not in targets:
            continue
        src = targets[group]
        target = os.path.join(content, group)
        if src is not None and not os.path.exists(os.path.join(staging, src)):
            continue                    # already put in place: the editor edits the new file
        if src is None and not os.path.exists(target):
            continue                    # already deleted (or deleted by the editor: same end)
        if _current(target) != before:
            changed.add(group)
    return changed


def pending_changes(content: Path) -> dict[Path, Path | None]:
    """A committed but not yet applied build: target -> staged file (None: delete).

    Used by `check` to read the tree as the interrupted build left it logically (a file
    the editor changed since stays the editor's, as the replay will leave it).
    """
    content = Path(content)
    journal = _read_journal(content)
    if journal is None:
        return {}
    changed = _changed_groups(content, journal)
    out: dict[Path, Path | None] = {}
    for src, dst, group in journal["ops"]:
        if group in changed:
            continue
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
    journal = _read_journal(content)
    if journal is not None:
        _apply(content, journal)
    shutil.rmtree(staging, ignore_errors=True)
    return True


def _apply(content: Path, journal: dict) -> list[str]:
    """Put the journal's files in place, but for groups the editor changed meanwhile
    (returned)."""
    staging = content / STAGING
    # A journal left on disk is replayed by the next build: one naming a path outside
    # the content directory (written by hand, or a folder since replaced by a symlink
    # out of it) is refused whole, before any of its ops runs.
    for src, dst, _group in journal["ops"]:
        _inside(dst)
        if src is not None:
            _inside(src)
    for folder in {os.path.dirname(op[1]) for op in journal["ops"]}:   # one check per folder
        _inside(os.path.join(folder, "x"), content)
    changed = _changed_groups(content, journal)
    made: set[str] = set()   # one mkdir per folder, not per file (tens of thousands)
    for src, dst, group in journal["ops"]:
        if group in changed:
            continue
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
    if changed and journal["index"]:
        _forget(content / journal["index"], changed)
    # The journal goes last: until it is gone, a re-run replays the (idempotent) ops.
    with contextlib.suppress(FileNotFoundError):
        (staging / JOURNAL).unlink()
    return sorted(changed)


def _forget(index: Path, groups: set[str]) -> None:
    """Drop the left-alone groups from the index (their snapshot is the old one)."""
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and any(g in data for g in groups):
        for g in groups:
            data.pop(g, None)
        _write_new(index, json.dumps(data, sort_keys=True, indent=0).encode(), sync=True)


class Transaction:
    """Files staged now, put in place all at once by `commit` (see the module docstring).

    `index`: the content-relative path of a JSON mapping keyed by group, from which the
    groups left to the editor are dropped.
    """

    def __init__(self, content: Path, index: str | None = None):
        self.content = content
        self.staging = content / STAGING
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staged = False
        self.ops: list[Op] = []
        self.guards: dict[str, str | None] = {}
        self.index_rel = index
        self.left_to_editor: list[str] = []

    def write(self, rel: str, data: bytes, group: str | None = None, before: object = _UNGUARDED) -> None:
        """Stage `data` for `rel`. `before`: what `rel` held when the build read it (bytes,
        or None when absent); given, `rel` is not overwritten if it changed since."""
        _inside(rel)
        name = f"{len(self.ops):07d}.yml"
        staged = self.staging / name
        if not self.staged:
            self.staging.mkdir(parents=True, exist_ok=True)
            self.staged = True
        with open(staged, "wb") as fh:
            fh.write(data)
        self._op(name, rel, group, before)

    def delete(self, rel: str, group: str | None = None, before: object = _UNGUARDED) -> None:
        _inside(rel)
        self._op(None, rel, group, before)

    def _op(self, name: str | None, rel: str, group: str | None, before: object) -> None:
        if before is not _UNGUARDED:
            group = rel
            self.guards[rel] = _digest(before)  # type: ignore[arg-type]
        self.ops.append((name, rel, group))

    def commit(self) -> None:
        if not self.ops:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        # Staged files must be on disk before the journal that points at them: one
        # syncfs for the lot (an fsync per file costs ~10 ms each: minutes at 40,000 files).
        _sync_filesystem(self.staging)
        # A folder the swap cannot write to must stop the build here, before the
        # journal: after it, a half-applied swap would leave articles without stories.
        self._check_writable()
        journal = {"ops": self.ops, "guards": self.guards, "index": self.index_rel}
        _write_new(self.staging / JOURNAL, json.dumps(journal).encode(), sync=True)
        self.left_to_editor = _apply(self.content, journal)
        shutil.rmtree(self.staging, ignore_errors=True)


    def _check_writable(self) -> None:
        for folder in sorted({os.path.dirname(os.path.join(self.content, op[1])) for op in self.ops}):
            try:
                os.makedirs(folder, exist_ok=True)
                fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
                os.close(fd)
                os.unlink(probe)
            except OSError as exc:
                shutil.rmtree(self.staging, ignore_errors=True)
                raise ContentError(f"{folder}: cannot write there ({exc.strerror or exc}); "
                                   "nothing was changed") from None


def _inside(rel: object, content: Path | None = None) -> None:
    """Every path the journal writes or deletes stays inside the content directory:
    `rel` is relative, without `..`, and (given `content`) its folder, symlinks
    resolved, is inside `content`."""
    ok = isinstance(rel, str) and bool(rel) and "\\" not in rel and "\x00" not in rel
    if ok:
        p = PurePosixPath(rel)
        ok = not p.is_absolute() and ".." not in p.parts
    if ok and content is not None:
        root = os.path.realpath(content)
        folder = os.path.realpath(os.path.join(root, os.path.dirname(rel)))
        ok = folder == root or folder.startswith(root + os.sep)
    if not ok:
        raise ContentError(f"refusing to write outside the content directory: {rel!r} (nothing was changed)")


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
