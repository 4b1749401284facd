"""`mkdocs serve` at archive scale: the file watcher and the rebuild after a card edit.

Used by the `digest` plugin (mkdocs_plugin.py) under `mkdocs serve` only; `mkdocs build`
never reaches this module.

- The watcher. MkDocs 1.6's LiveReloadServer polls every watched file twice a second
  (watchdog's PollingObserver): over the ~47,000 cards of the full Reuters archive that is
  a core kept busy between edits. `use_native_watcher` gives the server watchdog's native
  observer instead (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on
  Windows), which costs nothing between edits, and keeps the polling one when the native
  one cannot start (an inotify limit reached). Only changes are watched: inotify also
  reports files being opened and read, and the rebuild reads cards, which would start
  another rebuild. A `Changes` handler on the same watches notes the changed paths, so the
  rebuild knows whether only cards changed without walking the watched folders.
- The rebuild. After a change to the cards alone, when the set of pages (and each page's
  card) is that of the last build, `quick_rebuild` skips MkDocs' build: the MkDocs files,
  navigation, pages and Jinja environment of the last build are kept, and only the pages
  whose text changed are read and written through MkDocs' own page functions
  (`_populate_page`, `_build_page`, the same calls a dirty build makes for them), then the
  feeds are written and the search index is requested as after any build. MkDocs' dirty
  build re-made a File, a Page and its navigation entry for every page of the site (29,600
  at the full archive) and listed the theme's files at every edit. When the pages come
  and go (a new card, a deleted one, an entity passing the page threshold), or another
  plugin is configured (its hooks would be skipped), the caller runs MkDocs' dirty build.
- Two steps. The pages that list the whole corpus (the story list, the timeline, the
  entity and outlet indexes, the outlet pages: `corpus_wide`) take seconds to gather and
  render at the full archive, and a story edit changes a row of most of them. After an
  edit, the rebuild writes every other page it affects (the card's own page, the home
  page, the pages of its articles and entities) and leaves those as they were; browsers
  reload, and the rebuild it asks the server for (`follow_up`, as a file change would)
  writes them, after which the site equals a full build's (tested). (Hugo's server does
  the like: it renders the pages being viewed first.)
- The reverse index of page reads is `pages.PageMemo`.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.structure.files import InclusionLevel

from generator.site import build_state

log = logging.getLogger("mkdocs.plugins.digest")

# what counts as a change: inotify also reports opening and reading a file (without writing)
_CHANGE_EVENTS = None


def _change_events() -> list:
    global _CHANGE_EVENTS
    if _CHANGE_EVENTS is None:
        from watchdog import events as ev
        _CHANGE_EVENTS = [ev.FileCreatedEvent, ev.FileDeletedEvent, ev.FileModifiedEvent, ev.FileMovedEvent,
                          ev.FileClosedEvent, ev.DirCreatedEvent, ev.DirDeletedEvent, ev.DirMovedEvent]
    return _CHANGE_EVENTS


class Changes:
    """The paths changed since the last `take()` (a watchdog event handler)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.paths: set[str] = set()

    def dispatch(self, event) -> None:
        with self.lock:
            self.paths.add(os.fsdecode(event.src_path))
            dest = getattr(event, "dest_path", "")
            if dest:
                self.paths.add(os.fsdecode(dest))

    def take(self) -> set[str]:
        with self.lock:
            out, self.paths = self.paths, set()
        return out


def use_native_watcher(server) -> Changes | None:
    """Give MkDocs' LiveReloadServer (before it starts) the platform's native file watcher,
    with every path it already watches moved over, and a `Changes` handler on each watch.
    Returns None (and leaves the server as it is) for a server without the watcher MkDocs
    1.6 has."""
    old = getattr(server, "observer", None)
    refs = getattr(server, "_watch_refs", None)
    counts = getattr(server, "_watched_paths", None)
    if old is None or refs is None or counts is None or not hasattr(server, "watch"):
        return None
    try:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver
    except ImportError:
        return None
    changes = Changes()
    native = Observer is not PollingObserver

    class _Watcher(Observer if native else PollingObserver):
        """Each watch: change events only (see _CHANGE_EVENTS), seen by `changes` too."""

        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
            watch = super().schedule(event_handler, path, recursive=recursive,
                                     event_filter=event_filter or _change_events(), follow_symlink=follow_symlink)
            self.add_handler_for_watch(changes, watch)
            return watch

        def start(self):
            try:
                super().start()
            except OSError as exc:   # e.g. inotify's watch or instance limit
                log.warning("native file watcher unavailable (%s): polling instead", exc)
                self._fallback()

        def _fallback(self):
            poll = PollingObserver(timeout=0.5)
            for watch in list(self._watches):
                for handler in list(self._handlers.get(watch, ())):
                    poll.schedule(handler, watch.path, recursive=watch.is_recursive)
            server.observer = poll
            poll.start()

    watcher = _Watcher()
    paths = dict(counts)
    for path, ref in list(refs.items()):
        old.unschedule(ref)
    refs.clear()
    counts.clear()
    server.observer = watcher
    for path, n in paths.items():
        for _ in range(n):
            server.watch(path)
    return changes


def cards_only(changed: set[str], card_dirs: list[Path]) -> bool:
    """Are all these paths inside the card folders (content/{articles,stories,entities})?"""
    roots = [str(d) + os.sep for d in card_dirs]
    return all(any(p.startswith(r) for r in roots) for p in changed)


# The index pages of the corpus-wide lists and the outlet pages: most edits change one of
# their rows or counts, and they are not what an editor previews first, so they come in the
# second rebuild. The parts of a long list (one date range or initial each) are small and
# render in the first.
_CORPUS_WIDE = {"stories/index.md", "timeline.md", "entities/index.md", "outlets/index.md"}


def corpus_wide(src_uri: str) -> bool:
    return src_uri in _CORPUS_WIDE or src_uri.startswith("outlets/")


def follow_up(server):
    """A function asking MkDocs' LiveReloadServer for one more rebuild as soon as the
    current one has ended and browsers have reloaded (as a file change would); None for a
    server without the loop MkDocs 1.6 has."""
    cond = getattr(server, "_rebuild_cond", None)
    if cond is None or not hasattr(server, "_want_rebuild"):
        return None

    def ask() -> None:
        with cond:
            server._want_rebuild = True
            cond.notify_all()

    return ask


def quick_rebuild(plugin, config, defer=None, same_cards: bool = False) -> bool:
    """Show a card edit without MkDocs' build (see the module's docstring). False: nothing
    was written and the caller must run MkDocs' (dirty) build. `defer`: see
    Renderer.all_pages (the caller then asks for one more rebuild). `same_cards`: no card
    changed since the last build (the watcher saw none), so the cards and index it read are
    used again."""
    kept = getattr(plugin, "kept", None)
    if kept is None or list(config.plugins) != ["digest"]:
        return False
    # No garbage collection during the rebuild: it allocates a few hundred thousand
    # short-lived objects (the reads of the pages gathered again), and each collection that
    # triggered scanned the young objects again (a fifth of a rebuild's CPU in a profile).
    # What is freed by reference counting is freed as usual; cycles wait for the next
    # collection after the rebuild.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _quick_rebuild(plugin, config, kept, defer, same_cards)
    finally:
        # what the rebuild left is kept out of later collections' scans too (as the first
        # build's objects are, see on_post_build)
        gc.freeze()
        if enabled:
            gc.enable()


def _quick_rebuild(plugin, config, kept, defer, same_cards) -> bool:
    files, nav, env = kept
    before = {uri: out.source for uri, out in plugin.generated.items()}
    pages, site = plugin._render(config, defer, same_cards)
    if {p.src_uri: p.source for p in pages} != before:
        plugin.prerendered = (pages, site)   # the dirty build's on_files takes them as they are
        return False
    plugin.generated = {p.src_uri: p for p in pages}
    plugin.site_data = site
    plugin.stale = []
    doc_files = plugin.doc_files
    if doc_files is None or doc_files[0] is not files:
        doc_files = plugin.doc_files = (files, files.documentation_pages(inclusion=InclusionLevel.is_in_serve))
    for uri in plugin.rendered:
        out = plugin.generated[uri]
        if plugin.written.get(uri) == build_state.digest(out.markdown):
            continue      # rendered again with other inputs, but the same text: its page is as it was
        plugin._source(uri, out.markdown)
        page = files.get_file_from_path(uri).page
        _populate_page(page, config, files)
        _build_page(page, config, doc_files[1], nav, env)
    plugin.on_post_build(config=config)
    return True
