"""Crash-safe changes to the content directory: the lock, atomic single files, and the
journaled transaction that puts a whole build's files in place.

A build never writes a content file in place. Every new file is staged under
content/.staging/, then a journal (content/.staging/COMMIT) is written atomically,
then the staged files are renamed over their targets. A build killed before the
journal exists leaves the old tree; killed after, the next build rolls the journal
forward (`recover`), and `check` reads the tree as the journal describes it meanwhile
(`pending_changes`), so cross-file references (article <-> story offsets) are never
seen half-updated.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import LockedError

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


class Transaction:
    """Files staged now, put in place all at once by `commit` (see the module docstring)."""

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
