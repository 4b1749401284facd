"""The orchestrator: runs the stages in order with per-item error isolation.

read -> clean+describe -> analyze (per article, parallel, cached) -> group ->
extract+resolve (per story, parallel, cached) -> write. A bad article or story is
reported as a `Problem` and skipped; the rest of the batch goes on.

Scale: articles stream from the readers through clean+describe; only the cleaned
`Article`s and their small `Analysis` records are kept (never a spaCy `Doc`). The
per-article and per-story stages run on an executor (`generator.build.executors`: local
processes or a Dask cluster) in batches, results in input order, so the output does
not depend on the executor. The cache (`generator.build.cache`) keeps each article's
Analysis and each story's result: a re-run computes only new or changed articles
and the stories whose members changed.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from generator.build import cache as cache_mod
from generator.build import executors
from generator.content import journal, outlets as outlets_mod, store
from generator.ingest import describe, read
from generator.nlp import analyze
from generator.stories import group, resolve
from generator.config import Config
from generator.errors import MissingInputError, Problem
from generator.records import Analysis, Article, Story

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    # Content files the write stage could not merge (an editor's YAML mistake) and
    # generated records it found invalid: reported, never silently kept.
    content_problems: list[Problem] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)   # editor value kept over a new generated one
    written: list[str] = field(default_factory=list)     # files changed on disk
    articles: int = 0
    stories: int = 0
    # Work actually done (the rest came from the cache) and seconds per stage.
    analyzed: int = 0
    stories_built: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems or self.content_problems else 0


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(config: Config, inputs: list[str] | None = None, content_dir: str | Path | None = None,
          jobs: int | None = None, progress: Progress = _quiet, executor="local",
          scheduler: str | None = None, use_cache: bool = True) -> BuildReport:
    """Build the content directory from the inputs.

    `executor` is "local" (`jobs` processes, default the core count; 1 = in this
    process) or "dask" (`scheduler` address, or a LocalCluster of `jobs` workers), or
    an executor object from `generator.build.executors` (left open: the caller owns it).
    `use_cache=False` ignores and does not touch the cache.
    """
    report = BuildReport()
    content = config.resolve(content_dir or config.content)
    paths = [config.resolve(p) for p in (inputs or config.inputs)]
    # A mistyped input path would otherwise read as "no articles" and the write stage
    # would retire every generated story: refuse before touching anything.
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingInputError(missing)
    clock = _Clock(report.timings)

    with _settling(), journal.content_lock(content), \
            _executor(executor, jobs, scheduler) as ex, \
            cache_mod.Cache(config.resolve(config.cache) if use_cache else None) as cache:
        fp = cache_mod.fingerprint(config)
        _settle()

        articles, prepared_key = _prepare(paths, config, fp, cache, ex, report, progress)
        progress("clean", len(articles), len(articles))
        clock.lap("read+clean")
        if not articles and report.problems:
            # Every input failed: writing now would empty the digest for nothing.
            report.problems.append(Problem(str(content), "no article could be read: content left as it was"))
            return report

        keys = {a.id: cache_mod.article_key(a, fp) for a in articles}
        analyses = _analyze(articles, keys, ex, cache, report, progress)
        # The articles as written carry the dates their analysis found.
        articles = [replace(a, dates=analyses[a.id].dates) for a in articles if a.id in analyses]
        clock.lap("analyze")

        by_id = {a.id: a for a in articles}
        _warm_story_workers(ex, config, report)
        state = _content_state(content)
        previous = _previous_assignment(content, state, cache)
        groups = _group(articles, analyses, previous, keys, fp, config, cache, content)
        clock.lap("group")

        stories, entity_lists, story_keys = _stories(groups, by_id, analyses, keys, fp, config, ex, cache,
                                                     report, progress)
        # The articles as written name their story (the stories were built from the
        # articles without it).
        story_of = {aid: story.id for story in stories for aid in story.articles}
        articles = [replace(a, story=story_of[a.id]) if a.id in story_of else a for a in articles]
        entities = resolve.merge_entities(entity_lists)
        clock.lap("stories")

        # Everything the written records are made of: the inputs (via the batch key),
        # the grouping and the stories' cache keys.
        write_key = cache_mod.batch_key("w", fp, [
            str(content), prepared_key, [(a.id, keys[a.id], a.story) for a in articles],
            [(g.id, [keys[i] for i in g.article_ids]) for g in groups], [s.id for s in stories]])
        # content/outlets.yml gets an entry for each new outlet slug (editors name them);
        # before the write, so the state the write records includes it.
        report.problems += outlets_mod.seed_outlets(content, (a.outlet for a in articles if a.outlet))[1]
        sources = _record_sources(articles, stories, entity_lists, story_keys)
        conflicts, problems = _write(content, articles, stories, entities, write_key, cache, report, ex, state,
                                     sources)
        report.conflicts = conflicts
        # Edited files that could not be merged, generated records the store found
        # invalid: the editor must see them. Their sources are paths inside `content`.
        report.content_problems += [Problem(str(content / p.source), p.message, p.line, p.column)
                                    if isinstance(p, Problem) else Problem(str(content), str(p))
                                    for p in problems]
        report.articles, report.stories = len(articles), len(stories)
        clock.lap("write")
    return report


def _record_sources(articles: list[Article], stories: list[Story], entity_lists: list,
                    story_keys: list[str]) -> dict[str, str]:
    """rel path -> a key of everything the written record is made of, found without
    converting the record: the next write skips a record whose key it finds unchanged.

    An article: a digest of its pickled value (`_value_digest`; every field is in it). A story:
    its cache key (its id and its articles' keys, which hold their texts, the excerpts'
    anchors), with the ids of its articles (the write skips it only when none of them was
    edited). An entity: the keys of the stories naming it (merge_entities unites exactly
    their entities of that id, in any order)."""
    out: dict[str, str] = {}
    for a in articles:
        out[f"articles/{a.id}.yml"] = _value_digest(a)
    naming: dict[str, set[str]] = {}
    for story, entities, key in zip(stories, entity_lists, story_keys):
        out[f"stories/{story.id}.yml"] = key
        for e in entities:
            naming.setdefault(e.id, set()).add(key)
    for eid, keys in naming.items():
        out[f"entities/{eid}.yml"] = cache_mod.batch_key("e", "", sorted(keys))
    return out


def _value_digest(value) -> str:
    """sha1 of `value` pickled without the memo: pickle (C code) writes an object shared by
    two fields once and then refers to it, so equal values built differently (an article
    read from the cache, the same one cleaned again) would give other bytes; without the
    memo every object is written out where it occurs, and equal values give equal bytes."""
    import io
    import pickle

    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.sha1(buf.getvalue()).hexdigest()


def _cited(story: Story) -> set[str]:
    return {ref.article for cards in (story.facts, story.quotes) for card in cards
            for refs in (card.sources, getattr(card, "differs", ())) for ref in refs}


def _write(content: Path, articles, stories, entities, write_key: str, cache: cache_mod.Cache,
           report: BuildReport, ex, state: str, sources: dict[str, str] | None = None) -> tuple[list, list]:
    """store.write_content, skipped when it would be a no-op: the records are those of
    the last build of this directory and no file in it changed since that build wrote
    it (an editor's change, a deleted file or an interrupted commit all change the
    directory's state, `state`, taken when the build started). Returns (conflicts,
    problems), repeated from the last write when skipped, as write_content would find
    them again."""
    last_key = cache_mod.batch_key("wl", "", [str(content)])
    last = cache.get_many([last_key]).get(last_key) if cache.enabled else None
    known = isinstance(last, cache_mod.LastWrite) and last.state == state
    if known and last.write_key == write_key:
        return list(last.conflicts), list(last.problems)
    sources = sources or {}
    sources_key = cache_mod.batch_key("ws", "", [str(content)])
    same: set[str] = set()
    if known and sources:
        before = cache.get_many([sources_key]).get(sources_key)
        if isinstance(before, cache_mod.WriteSources) and before.state == state:
            same = {rel for rel, key in sources.items() if before.sources.get(rel) == key}
            # A story's excerpts are re-anchored on the texts of the articles they cite as
            # this write leaves them: its key holds its own articles' texts as generated, so
            # a story citing an edited article or one not its own is converted again.
            edited = set(last.edited_articles)
            for story in stories:
                rel = f"stories/{story.id}.yml"
                if rel in same:
                    own = set(story.articles)
                    if not own.isdisjoint(edited) or not _cited(story) <= own:
                        same.discard(rel)

    def dump_many(items: list) -> Iterator:
        # Dumping YAML and validating it is the costly, pure part of writing: on the
        # executor when there is enough of it (the main process does the file work).
        runner = _runner(ex, len(items), SMALL_WRITE)
        return runner.map(store.dump_records, items, executors.batch_size_for(len(items), runner.jobs, 256))

    # The directory is as the last build left it: a record whose digest is unchanged
    # needs no look at its files (the store reads two files per record otherwise).
    result = store.write_content(content, articles, stories, entities, dump_many=dump_many,
                                 as_left=set(last.edited_articles) if known else None, same_as_left=same)
    report.written = result.written
    problems = list(result.problems)
    # A file left to the editor (changed while the build ran) is merged by the next
    # build: that one must not find this write's result as if it were complete.
    if cache.enabled and not result.left_to_editor:
        after = _content_state(content)
        # The assignment the next build will find on disk, without reading every file.
        left = {a.id: a.story for a in articles if a.story and a.id not in result.edited_articles}
        left.update(store.assignment_of(content, sorted(result.edited_articles)))
        cache.put_many([(last_key, cache_mod.LastWrite(write_key, after, list(result.conflicts), problems,
                                                       sorted(result.edited_articles))),
                        (_assignment_key(content, after), cache_mod.LeftAssignment(left)),
                        (sources_key, cache_mod.WriteSources(after, {rel: key for rel, key in sources.items()
                                                                    if rel in result.settled}))])
    return result.conflicts, problems


def _assignment_key(content: Path, state: str) -> str:
    return cache_mod.batch_key("as", "", [str(content), state])


def _previous_assignment(content: Path, state: str, cache: cache_mod.Cache) -> dict[str, str]:
    """store.previous_assignment, or the assignment this build's predecessor wrote
    when the directory is still in the state it left (reading every article file
    for its `story:` line is most of a re-run that finds nothing new)."""
    if cache.enabled and not (content / journal.STAGING).exists():
        key = _assignment_key(content, state)
        hit = cache.get_many([key]).get(key)
        if isinstance(hit, cache_mod.LeftAssignment):
            return hit.assignment
    return store.previous_assignment(content)


def _content_state(content: Path) -> str:
    """Hash of (path, size, modification time) of every file under the content
    directory but the build lock (opened by every build)."""
    entries = []
    stack = [str(content)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif e.name != ".lock":
                        st = e.stat(follow_symlinks=False)
                        entries.append((e.path, st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    entries.sort()
    return cache_mod.batch_key("cs", "", entries)


def _executor(executor, jobs: int | None, scheduler: str | None):
    if isinstance(executor, str):
        # A worker loads the spaCy model with its first analyze batch (analyze.load_nlp
        # is cached per process), not when it starts: workers started for other stages
        # (a re-run's stories or write) never pay for a model they do not use.
        return executors.make_executor(executor, jobs, scheduler, preload=[analyze.__name__])
    return contextlib.nullcontext(executor)


class _Clock:
    def __init__(self, into: dict[str, float]):
        self.into, self.last = into, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = round(now - self.last, 3)
        self.last = now
        _settle()


@contextlib.contextmanager
def _settling() -> Iterator[None]:
    """Lets `_settle` freeze what the build keeps; everything is handed back to the
    garbage collector when the build ends (also on an error)."""
    try:
        yield
    finally:
        gc.unfreeze()


def _settle() -> None:
    """Take everything alive now out of the cyclic garbage collector's sweeps.

    A build's objects are mostly long-lived: imported modules (scikit-learn, scipy) and
    what the cache hands back (a re-run at 2,000 articles unpickles every article's
    analysis and grouping features, every story: millions of small objects). Each
    full collection walks all of them, and the collector runs one each time the
    long-lived objects grow by a quarter: about 0.6 s of a +10 re-run's 3.5 s of CPU in
    the build process went to walks that found nothing. Frozen objects are still freed
    when their last reference goes; only a reference cycle among them would wait for
    the end of the build (`_settling`). Called where a stage ends or a cache read
    returns; collecting and the output are otherwise unchanged."""
    gc.freeze()


def _prepare(paths: list[Path], config: Config, fp: str, cache: cache_mod.Cache, ex,
             report: BuildReport, progress: Progress = _quiet) -> tuple[list[Article], str]:
    """Read and clean+describe every input; (articles, cache key of the whole batch).

    The whole result comes from the cache when the inputs are exactly those of an
    earlier build. Otherwise `describe.prepare_batched` runs its per-article passes
    through `_cached_map`: on the executor, each result cached by the raw article's
    content hash and the extra key parts describe gives.
    """
    raws = list(_collect_problems(_counted(read.read_inputs(paths, root=config.root), progress),
                                  report.problems))
    hashes = [r.content_hash or read.content_hash(r) for r in raws]
    key = cache_mod.batch_key("c", fp, hashes)
    hit = cache.get_many([key]).get(key)
    if isinstance(hit, cache_mod.PreparedBatch):
        articles, problems = hit.articles, hit.problems
    else:
        def map_cached(fn, items: list, item_keys: list, kind) -> list:
            keys = [cache_mod.raw_key(k[0], k[1], fp, *k[2:]) for k in item_keys]
            return _cached_map(ex, fn, items, keys, cache, kind)

        articles, problems = [], []
        for item in describe.prepare_batched(raws, hashes, config.settings.clean, map_cached):
            (problems if isinstance(item, Problem) else articles).append(item)
        cache.put_many([(key, cache_mod.PreparedBatch(articles, problems))])
    del raws  # the raw texts are not needed again: do not hold them next to the clean ones
    report.problems += problems
    return _unique_ids(articles, report.problems), key


def _cached_map(ex, fn, items: list, keys: list[str], cache: cache_mod.Cache, kind) -> list:
    """fn's results for items, in order: from the cache by `keys`, the rest on the executor."""
    cached = cache.get_many(keys)
    _settle()
    out = [cached.get(k) for k in keys]
    out = [v if isinstance(v, kind) else None for v in out]
    del cached
    todo = [n for n, v in enumerate(out) if v is None]
    runner = _runner(ex, len(todo))
    size = executors.batch_size_for(len(todo), runner.jobs)
    fresh = []
    for n, result in zip(todo, runner.map(fn, (items[n] for n in todo), size)):
        out[n] = result
        fresh.append((keys[n], result))
        if len(fresh) >= 500:
            cache.put_many(fresh)
            fresh = []
    cache.put_many(fresh)
    return out


# Below this many items, starting worker processes (each loads the spaCy model) costs
# more than it saves: a re-run with a few new articles does them in this process (their
# analysis excepted: on two or more processes, one worker does it meanwhile, see _analyze).
SMALL_WORK = 32


# Dumping a record to YAML costs about a millisecond, a worker process's start-up seconds:
# a re-run that rewrites a few hundred records dumps them here.
SMALL_WRITE = 1000


def _runner(ex, n_items: int, small: int | None = None):
    if isinstance(ex, executors.LocalExecutor) and n_items <= (SMALL_WORK if small is None else small):
        return executors.SerialExecutor()
    return ex


def _assignment_hash(assignment: dict[str, str]) -> str:
    return cache_mod.batch_key("p", "", sorted(assignment.items()))


def _group(articles: list[Article], analyses: dict[str, Analysis], previous: dict[str, str],
           keys: dict[str, str], fp: str, config: Config, cache: cache_mod.Cache, content: Path) -> list:
    """The story groups.

    From the cache when the articles are exactly those of an earlier build and the
    previous assignment on disk is the one that build started from or the one it
    produced (stable ids make the latter a fixed point). Else incrementally
    (`group.regroup`: only stories that new or changed articles touch are re-linked)
    when the last build of this content directory is known, else from scratch.
    """
    key = cache_mod.batch_key("g", fp, (keys[a.id] for a in articles))
    prev = _assignment_hash(previous)
    last_key = cache_mod.batch_key("gl", fp, [str(content)])
    found = cache.get_many([key, last_key])
    hit, last = found.get(key), found.get(last_key)
    if isinstance(hit, cache_mod.GroupingEntry) and hit.valid_for(prev):
        return hit.groups
    groups = None
    # What grouping computes from each article alone (its lead, signal tokens and
    # TF-IDF terms) is kept per article: a re-run's regroup window holds most of the
    # archive, and only the new articles' features need computing.
    feature_keys = {a.id: cache_mod.batch_key("gf", fp, [keys[a.id], a.headline]) for a in articles}
    stored = cache.get_many(feature_keys.values())
    _settle()
    features = {aid: v for aid, k in feature_keys.items()
                if isinstance(v := stored.get(k), group.ArticleFeatures)}
    del stored
    known = set(features)
    if isinstance(last, cache_mod.LastGrouping) and previous:
        last_keys = last.keys
        changed = {a.id for a in articles if a.id not in previous or last_keys.get(a.id) != keys[a.id]}
        changed |= set(last_keys) - set(keys)  # gone since the last build
        # Nothing changed but the assignment on disk (an editor's move): group afresh.
        if changed:
            groups = group.regroup(articles, analyses, previous, changed, config.settings.group, features)
    if groups is None:
        groups = group.group_articles(articles, analyses, previous, config.settings.group, features)
    produced = {aid: g.id for g in groups for aid in g.article_ids}
    cache.put_many([(key, cache_mod.GroupingEntry(prev, _assignment_hash(produced), groups)),
                    (last_key, cache_mod.LastGrouping({a.id: keys[a.id] for a in articles}))]
                   + [(feature_keys[aid], f) for aid, f in features.items() if aid not in known])
    return groups


def _counted(items: Iterable, progress: Progress, every: int = 1000) -> Iterator:
    """`items`, reporting ("read", records so far, 0) every `every` of them (the total
    is not known before a JSON Lines file is read to its end)."""
    n = 0
    for n, item in enumerate(items, 1):
        if n % every == 0:
            progress("read", n, 0)
        yield item
    progress("read", n, n)


def _collect_problems(items: Iterable, problems: list[Problem]) -> Iterator:
    """The RawArticles of a reader stream; its Problems go to `problems`."""
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
        else:
            yield item


def _unique_ids(articles: list[Article], problems: list[Problem]) -> list[Article]:
    # Every later stage indexes articles by id: a second article with the same id
    # would silently replace the first.
    seen: set[str] = set()
    out = []
    for a in articles:
        if a.id in seen:
            problems.append(Problem(a.source_file, f"duplicate article id {a.id!r}: skipped"))
            continue
        seen.add(a.id)
        out.append(a)
    return out


def _analyze(articles: list[Article], keys: dict[str, str], ex, cache: cache_mod.Cache,
             report: BuildReport, progress: Progress) -> dict[str, Analysis]:
    """Analysis per article id: from the cache, else computed on the executor."""
    cached = cache.get_many(keys.values())
    _settle()
    analyses: dict[str, Analysis] = {}
    todo = []
    for a in articles:
        hit = cached.get(keys[a.id])
        if isinstance(hit, Analysis) and hit.article_id == a.id:
            analyses[a.id] = hit
        else:
            todo.append(a)
    del cached
    total = len(articles)
    progress("analyze", len(analyses), total)
    if todo and len(todo) <= SMALL_WORK and isinstance(ex, executors.LocalExecutor) and ex.jobs > 1:
        # A few new articles (a re-run): their analysis is mostly loading the spaCy model,
        # the grouping and story stages that follow mostly importing scikit-learn (and
        # scipy with it). One worker loads the model and analyses them while this process
        # imports the later stages' modules, so the two start-ups overlap on two cores.
        future = ex.submit(analyze.analyze_batch, todo)
        _import_later_stages()
        results: Iterable = future.result()
    else:
        ex = _runner(ex, len(todo))
        if todo and isinstance(ex, executors.LocalExecutor) and ex.jobs > 1:
            # The workers analyse; this process only waits for their results, so it imports
            # the later stages' modules meanwhile instead of at the start of grouping.
            threading.Thread(target=_import_quietly, name="import-later-stages", daemon=True).start()
        results = ex.map(analyze.analyze_batch, todo, executors.batch_size_for(len(todo), ex.jobs))
    fresh: list = []
    for article, result in zip(todo, results):
        if isinstance(result, Problem):
            report.problems.append(result)
            continue
        analyses[article.id] = result
        fresh.append((keys[article.id], result))
        report.analyzed += 1
        if len(fresh) >= 500:  # an interrupted build keeps what it paid for
            cache.put_many(fresh)
            fresh = []
        progress("analyze", len(analyses), total)
    cache.put_many(fresh)
    return analyses


def _warm_story_workers(ex, config: Config, report: BuildReport) -> None:
    """After a large analysis (a cold build, not a re-run), the workers are idle while this
    process groups the articles: each imports the story stage's modules meanwhile
    (`batch.warm_up`). Nothing waits for it; a failure shows where the stage imports them."""
    if report.analyzed <= SMALL_WORK or not isinstance(ex, executors.LocalExecutor) or ex.jobs < 2:
        return
    from generator.stories import batch

    for _ in range(ex.jobs):
        ex.submit(batch.warm_up, [config.settings.extract.meaning_gate > -1.0])


def _import_quietly() -> None:
    """`_import_later_stages` on a side thread: a failure is reported by the import that
    the stage itself makes."""
    with contextlib.suppress(Exception):
        _import_later_stages()


def _import_later_stages() -> None:
    """Import what grouping and the story stage use (scikit-learn, scipy, the extract stage),
    as they would on first use; here so that it can overlap other work."""
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.neighbors  # noqa: F401
    import sklearn.preprocessing  # noqa: F401

    from generator.stories import batch  # noqa: F401


def _stories(groups, by_id: dict[str, Article], analyses: dict[str, Analysis], keys: dict[str, str],
             fp: str, config: Config, ex, cache: cache_mod.Cache, report: BuildReport,
             progress: Progress) -> tuple[list[Story], list, list[str]]:
    """(stories, entity lists, their cache keys) in group order: from the cache, else built on the executor."""
    groups = [g for g in groups if all(i in by_id for i in g.article_ids)]
    skeys = [cache_mod.story_key(g.id, [keys[i] for i in g.article_ids], fp) for g in groups]
    cached = cache.get_many(skeys)
    _settle()
    results: list = [None] * len(groups)
    todo: list[int] = []
    for n, key in enumerate(skeys):
        hit = cached.get(key)
        if isinstance(hit, cache_mod.StoryResult):
            results[n] = hit
        else:
            todo.append(n)
    del cached
    done = len(groups) - len(todo)
    progress("stories", done, len(groups))
    settings = (config.settings.extract, config.settings.resolve)

    def jobs_iter():
        for n in todo:
            g = groups[n]
            yield g, [(by_id[i], analyses[i]) for i in g.article_ids], settings

    fresh = []
    if todo:
        # Imported here: a re-run whose stories all come from the cache needs none of the
        # story stage (whose work imports scikit-learn and, through it, much of scipy).
        from generator.stories import batch as story_batch

        ex = _runner(ex, len(todo))
        results_iter = ex.map(story_batch.story_batch, jobs_iter(),
                              executors.batch_size_for(len(todo), ex.jobs, largest=16))
    else:
        results_iter = iter(())
    for n, result in zip(todo, results_iter):
        done += 1
        progress("stories", done, len(groups))
        if isinstance(result, Problem):
            report.problems.append(result)
            continue
        story, entities = result
        results[n] = cache_mod.StoryResult(story, entities)
        fresh.append((skeys[n], results[n]))
        report.stories_built += 1
    cache.put_many(fresh)

    stories, entity_lists, story_keys = [], [], []
    for result, key in zip(results, skeys):
        if result is not None:
            stories.append(result.story)
            entity_lists.append(result.entities)
            story_keys.append(key)
    return stories, entity_lists, story_keys
