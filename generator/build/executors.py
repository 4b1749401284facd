"""Where the per-item stages run: in this process, in N local processes, or on Dask.

An executor maps a batch function over items and yields the results in input order,
streaming: at most a few batches per worker are in flight, so memory stays flat
however many items there are, and the output never depends on which worker finished
first (the local and the Dask executor give identical output).

Batches matter for speed: a worker loads the spaCy model once (it is cached per
process by `analyze.load_nlp`) and runs `nlp.pipe` over a whole batch of articles,
which is what makes the parallel build close to bare spaCy throughput.

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


def _warm_up() -> None:
    # Load the model when the worker starts, not inside the first batch's timing.
    from generator.nlp.analyze import load_nlp

    load_nlp()


class LocalExecutor(SerialExecutor):
    """N worker processes on this machine (concurrent.futures)."""

    name = "local"

    def __init__(self, jobs: int | None = None, warm_up: bool = True):
        self.jobs = max(1, jobs or default_jobs())
        self._warm_up = warm_up
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: workers never inherit the threads (progress display, Dask)
            # or the open SQLite cache of the parent.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["generator.nlp.analyze"])
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=ctx,
                                             initializer=_warm_up if self._warm_up else None)
        return self._pool

    def map(self, fn: BatchFn, items: Iterable, batch_size: int = 32) -> Iterator:
        if self.jobs == 1:
            yield from super().map(fn, items, batch_size)
            return
        pool = self._get_pool()
        yield from _run_in_order(lambda b: pool.submit(fn, b), lambda f: f.result(),
                                 items, batch_size, self.jobs * AHEAD)

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


def make_executor(kind: str = "local", jobs: int | None = None, scheduler: str | None = None):
    """The executor for `--executor kind [--jobs N] [--scheduler ADDRESS]`."""
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, not {jobs}")
    if kind == "dask":
        return DaskExecutor(jobs, scheduler)
    if scheduler:
        raise ConfigError("--scheduler only applies to --executor dask")
    if kind == "local":
        return SerialExecutor() if jobs == 1 else LocalExecutor(jobs)
    raise ConfigError(f"unknown executor {kind!r} (choose from {', '.join(EXECUTORS)})")


# ---------------------------------------------------------------- batch functions
# Module-level so they pickle by name into worker processes and Dask workers.

def survey_batch(items: Sequence[tuple]) -> list:
    """(raw, clean config) -> describe.Survey per article (pass 1 of clean+describe)."""
    from generator.ingest import describe

    out = []
    for raw, cfg in items:
        try:
            out.append(describe.survey(raw, cfg))
        except Exception as exc:  # cleaning will report it again in pass 2
            log.debug("survey failed for %s", raw.source_file, exc_info=True)
            out.append(describe.Survey(describe.source_group(raw), frozenset(), frozenset(),
                                       describe.describe_safely(raw, cfg, frozenset())))
    return out


def describe_batch(items: Sequence[tuple]) -> list:
    """(raw, clean config, recurring lines) -> (Meta, text, removed) or Problem."""
    from generator.ingest import describe

    return [describe.describe_safely(raw, cfg, rec) for raw, cfg, rec in items]


def analyze_batch(articles: Sequence) -> list:
    """Analysis per article with one nlp.pipe over the batch; a Problem in place
    of an article that fails (the rest of the batch is redone one by one)."""
    from generator.nlp import analyze
    from generator.errors import Problem

    try:
        return list(analyze.analyze_articles(articles))
    except Exception:
        pass
    out: list = []
    for article in articles:
        try:
            out.extend(analyze.analyze_articles([article]))
        except Exception as exc:
            out.append(Problem(article.source_file, f"analysis failed: {exc!r}"))
    return out


def story_batch(jobs: Sequence[tuple]) -> list:
    """(group, members, (extract settings, resolve settings)) -> (Story, [Entity]) or a
    Problem, per story."""
    from generator.stories import extract, resolve
    from generator.errors import Problem

    out: list = []
    for g, members, (extract_settings, resolve_settings) in jobs:
        try:
            story = extract.extract_story(g, members, extract_settings)
            out.append(resolve.resolve_story(story, members, resolve_settings))
        except Exception as exc:  # one bad story must not sink the build
            log.exception("story %s failed", g.id)
            out.append(Problem(g.id, f"story could not be built: {exc!r}"))
    return out


def dump_batch(items: Sequence[tuple[str, dict]]) -> list:
    """(YAML bytes, schema problems) per (kind folder, record dict): see store.dump_records."""
    from generator.content import store

    return store.dump_records(list(items))
