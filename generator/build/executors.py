"""Where the per-item stages run: in this process, in N local processes, or on Dask.

An executor maps a batch function over items and yields the results in input order,
streaming: at most a few batches per worker are in flight, so memory stays flat
however many items there are, and the output never depends on which worker finished
first (the local and the Dask executor give identical output).

Batches matter for speed: a worker loads the spaCy model once (the warm-up the
caller passes in, run when the worker starts) and runs `nlp.pipe` over a whole batch
of articles, which is what makes the parallel build close to bare spaCy throughput.

Executors know no stage: the batch functions live next to their stages and are
passed to `map`. They must be module-level functions, which pickle by name into
worker processes and Dask workers.

Executors start their workers lazily, on the first batch, so a re-run that finds
everything in the cache never pays for starting processes or a cluster.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Sequence

from generator.errors import ConfigError

log = logging.getLogger(__name__)

BatchFn = Callable[[list], list]
# Batches each worker may have queued beyond the one it runs: keeps workers busy
# while bounding memory.
AHEAD = 2


def default_jobs() -> int:
    """The core count this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def batch_size_for(n_items: int, jobs: int, largest: int = 64) -> int:
    """Large enough that per-batch overhead vanishes, small enough that every worker
    gets several batches (load balance) on a small corpus."""
    if n_items <= 0:
        return 1
    return max(1, min(largest, -(-n_items // (jobs * 4))))


def _run_in_order(submit: Callable[[list], Any], result: Callable[[Any], list],
                  items: Iterable, size: int, in_flight: int) -> Iterator:
    pending: deque = deque()
    for batch in batches(items, size):
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield from result(pending.popleft())
    while pending:
        yield from result(pending.popleft())


class SerialExecutor:
    """Everything in this process (jobs=1): no start-up cost, easiest to debug."""

    name = "serial"
    jobs = 1

    def map(self, fn: BatchFn, items: Iterable, batch_size: int = 32) -> Iterator:
        for batch in batches(items, batch_size):
            yield from fn(batch)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _watch_build(build_pid: int) -> None:
    """In a worker: exit as soon as the build process is gone. A build killed with
    SIGKILL runs no clean-up, and nothing else would end its workers (and, once they
    are gone, the fork server and resource tracker that wait on them)."""
    import select
    import threading
    import time

    def watch() -> None:
        try:
            fd = os.pidfd_open(build_pid)   # readable once the process has ended
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
        else:
            while True:
                time.sleep(1.0)
                try:
                    os.kill(build_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
        os._exit(1)

    threading.Thread(target=watch, name="watch-build", daemon=True).start()


def _start_worker(build_pid: int, warm_up: Callable[[], Any] | None) -> None:
    _watch_build(build_pid)
    if warm_up is not None:
        warm_up()


class LocalExecutor(SerialExecutor):
    """N worker processes on this machine (concurrent.futures)."""

    name = "local"

    def __init__(self, jobs: int | None = None, warm_up: Callable[[], Any] | None = None,
                 preload: Sequence[str] = ()):
        """`warm_up` runs once in each worker when it starts (e.g. loading a model, so
        that is not paid inside the first batch); `preload` names modules the fork
        server imports once, so every worker starts with them imported."""
        self.jobs = max(1, jobs or default_jobs())
        self._warm_up = warm_up
        self._preload = list(preload)
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: workers never inherit the threads (progress display, Dask)
            # or the open SQLite cache of the parent.
            ctx = multiprocessing.get_context("forkserver")
            if self._preload:
                ctx.set_forkserver_preload(self._preload)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_start_worker,
                                             initargs=(os.getpid(), self._warm_up))
        return self._pool

    def map(self, fn: BatchFn, items: Iterable, batch_size: int = 32) -> Iterator:
        if self.jobs == 1:
            yield from super().map(fn, items, batch_size)
            return
        pool = self._get_pool()
        yield from _run_in_order(lambda b: pool.submit(fn, b), lambda f: f.result(),
                                 items, batch_size, self.jobs * AHEAD)

    def submit(self, fn: BatchFn, batch: list):
        """One batch on one worker, at once; a future of fn(batch). The pool starts a
        single worker for it (its workers start on demand), so the caller can go on
        working on the other core meanwhile."""
        return self._get_pool().submit(fn, batch)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor(SerialExecutor):
    """Batches as tasks on a dask.distributed cluster.

    With `scheduler` (e.g. "tcp://10.0.0.5:8786") it connects to an existing cluster,
    whose workers must have this project and the spaCy model installed; without it a
    `LocalCluster` of `jobs` single-threaded worker processes is started.
    """

    name = "dask"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None, connect_timeout: str = "30s"):
        self.jobs = max(1, jobs or default_jobs())
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self._client = None
        self._cluster = None

    def _get_client(self):
        if self._client is None:
            try:
                from distributed import Client, LocalCluster
            except ImportError as exc:  # pragma: no cover - dask is in the lock file
                raise ConfigError("--executor dask needs the 'distributed' package") from exc
            if self.scheduler:
                try:
                    self._client = Client(self.scheduler, timeout=self.connect_timeout)
                except (OSError, TimeoutError) as exc:
                    raise ConfigError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from exc
                self.jobs = max(1, sum(w.get("nthreads", 1) for w in
                                       self._client.scheduler_info()["workers"].values()) or self.jobs)
            else:
                self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
        return self._client

    def map(self, fn: BatchFn, items: Iterable, batch_size: int = 32) -> Iterator:
        client = self._get_client()
        # pure=False: two equal batches are still two tasks (results are not shared by key).
        yield from _run_in_order(lambda b: client.submit(fn, b, pure=False), lambda f: f.result(),
                                 items, batch_size, self.jobs * AHEAD)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


EXECUTORS = ("local", "dask")


def make_executor(kind: str = "local", jobs: int | None = None, scheduler: str | None = None,
                  warm_up: Callable[[], Any] | None = None, preload: Sequence[str] = ()):
    """The executor for `--executor kind [--jobs N] [--scheduler ADDRESS]`; `warm_up`
    and `preload` as for `LocalExecutor`."""
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, not {jobs}")
    if kind == "dask":
        return DaskExecutor(jobs, scheduler)
    if scheduler:
        raise ConfigError("--scheduler only applies to --executor dask")
    if kind == "local":
        return SerialExecutor() if jobs == 1 else LocalExecutor(jobs, warm_up, preload)
    raise ConfigError(f"unknown executor {kind!r} (choose from {', '.join(EXECUTORS)})")
