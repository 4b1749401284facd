"""The one MkDocs adapter: turns the digest pages (`generator.site.pages`) into MkDocs files.

Registered as the `digest` plugin (entry point in pyproject.toml). Everything that is
not MkDocs-specific lives in load.py, urls.py, pages.py and feeds.py, so the site can
move to another renderer without touching them.

- on_config: reads the `site` section of site_config.yml and sets MkDocs' site_name and
  site_description from its title and description, so they are written in one place;
  without a repo_url there are no edit links either.
- on_files: reads content/{articles,stories,entities}/*.yml and adds one generated
  page per card (nothing is written to docs_dir). A bad card is logged as a WARNING
  naming file:line and skipped: `mkdocs serve` keeps going, `mkdocs build --strict` fails.
- Page sources: each generated page's text is kept in a real file under `.cache/site-pages/`
  (the `pages_cache` option; outside docs_dir, so `mkdocs serve` does not watch it): a digest
  of the text, in `mkdocs serve` as in `mkdocs build`, written only when the text changed.
  MkDocs counts a page as modified only when its source is newer than its output, so
  `mkdocs build --dirty` / `mkdocs serve --dirty` rebuild just the pages whose text changed
  (a story's page, and the pages that list or cite it), and the output
  equals a full build's (tested). on_startup keeps the plugin (and the texts it last wrote)
  across `mkdocs serve` rebuilds.
- `mkdocs serve`: the plugin keeps the cards read (re-read only when their file changed), each
  page with what it read (reused without gathering its inputs when none of that changed;
  the pages to gather again found through a reverse index of the reads, pages.PageMemo)
  and the compiled templates; on_serve gives the server a native file watcher and makes a
  rebuild after a change to the cards alone a quick one (mkdocs_serve: MkDocs' objects of
  the last build kept, only the changed pages written, the corpus-wide lists a moment
  later), or MkDocs' dirty build when pages come or go (anything else watched: MkDocs'
  full rebuild); Pagefind runs in the background.
- on_pre_page: our pages are finished HTML already (templates with autoescaping), so they
  skip the Markdown pass and are not read back from their source file (`_DigestPage`): their
  meta, HTML and table of contents are those made in `pages.body_html` at render time.
  Hand-written pages in docs_dir go through Markdown as usual.
- on_post_build: writes feed.xml (RSS 2.0) and feed.json (JSON Feed 1.1) into site_dir,
  then (synchronously in `mkdocs build`, in a background thread under serve) updates the
  search index (search.py: Pagefind bundles in shards under site_dir/pagefind/, each built by
  its own Pagefind process, and on a later build over the same site_dir only the pages that
  changed are indexed again). Only story, entity and article pages are indexed
  (theme/main.html marks their body `data-pagefind-body`); records flagged hidden are
  never rendered, so never indexed.
"""
from __future__ import annotations

import copy
import gc
import logging
import os
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.config import SiteSettings, load_config
from generator.errors import ConfigError, Problem, printable
from generator.site import build_state, feeds, search
from generator.site.load import KINDS, CardCache, SiteData, load_site
from generator.site.pages import (THEME_DIR, PageMemo, PageOut, Renderer, outlet_names, page_jobs,
                                  page_title, render_job, template_env)
from generator.site.urls import page_url

log = logging.getLogger("mkdocs.plugins.digest")


class DigestConfig(Config):
    content = c.Type(str, default="content")              # card folders, relative to mkdocs.yml
    site_config = c.Type(str, default="site_config.yml")  # its `site` section, relative to mkdocs.yml
    search_index = c.Type(bool, default=True)             # run Pagefind over site_dir after the build
    # pages per search shard (one Pagefind process each): its memory against the bundles a query merges
    search_shard_pages = c.Type(int, default=search.SHARD_PAGES)
    pages_cache = c.Type(str, default=".cache/site-pages")  # page sources, relative to mkdocs.yml


class DigestPlugin(BasePlugin[DigestConfig]):
    written: dict[str, str]

    def on_startup(self, *, command, dirty) -> None:
        # Defined so that `mkdocs serve` keeps this instance, and the caches below, across
        # rebuilds: the cards read (by file modification time), the pages rendered (by
        # their template inputs) and the page sources written.
        self.written = {}
        self.serving = command == "serve"
        self.dirty = dirty
        self._reset_caches()
        self.last_config = None
        self.inputs_seen: dict[str, tuple[int, int]] | None = None
        self.changes = None     # serve: the paths the file watcher saw change (mkdocs_serve.Changes)
        self.prerendered = None
        self.search = _BackgroundIndex()

    def _reset_caches(self) -> None:
        self.cards: CardCache = {}
        self.memo: dict = PageMemo()
        self.env = None
        self.env_key = None
        self.dests: dict[str, str] = {}     # generated src_uri -> its output file, last build
        self.rendered: list[str] = []       # the pages rendered by the last build
        self.deferred: list[str] = []       # serve: pages left for the next rebuild (mkdocs_serve.corpus_wide)
        self.kept = None                    # serve: the last build's MkDocs files, nav, env (mkdocs_serve)
        self.doc_files = None

    def _source(self, rel: str, text: str) -> str:
        """The page's source file, (re)written only when its text changed. It holds a
        digest of the text (build_state.digest), as `mkdocs build` writes it: a build after
        a serve session (or a serve after a build) finds the sources of unchanged pages as
        they were, older than their output, and skips them."""
        path = self.pages_dir / rel
        if not hasattr(self, "written"):
            self.written = {}
        digest = build_state.digest(text)
        if self.written.get(rel) != digest:
            if not (path.is_file() and path.read_text(encoding="utf-8") == digest):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(digest, encoding="utf-8")
            self.written[rel] = digest
        return str(path)

    def on_config(self, config):
        if not hasattr(self, "cards"):   # on_startup not called (MkDocs used as a library)
            self.written, self.serving, self.last_config, self.inputs_seen = {}, False, None, None
            self.dirty = None   # unknown
            self.search = _BackgroundIndex()
            self._reset_caches()
        self.root = Path(config.config_file_path or ".").resolve().parent
        try:
            cfg_path = self.root / self.config.site_config
            cfg = load_config(cfg_path) if cfg_path.exists() else None
            self.settings = cfg.settings.site if cfg else SiteSettings()
        except (ConfigError, TypeError) as exc:
            raise PluginError(f"digest: {exc}") from exc
        # The site's title and description are set in site_config.yml only (the home page
        # and the feeds use them too); mkdocs.yml's site_name is a required placeholder.
        config.site_name = self.settings.title
        config.site_description = self.settings.description
        # No repository configured (DIGEST_REPO_URL unset): no repository link and no edit
        # pencil; MkDocs would otherwise make edit links relative to the page itself.
        if not config.repo_url:
            config.edit_uri = None
            config.edit_uri_template = None
        self.site_data: SiteData | None = None
        self.generated: dict[str, PageOut] = {}
        self.pages_dir = (self.root / self.config.pages_cache).resolve()
        docs = Path(config.docs_dir).resolve()
        if self.pages_dir == docs or docs in self.pages_dir.parents:
            raise PluginError(f"digest: pages_cache {self.config.pages_cache} must be outside docs_dir")
        self.last_config = config
        self.kept = self.building = None
        return config

    def _render(self, config, defer=None, same_cards: bool = False) -> tuple[list[PageOut], SiteData]:
        """Every digest page (cards read, templates rendered; under serve, the unchanged
        ones reused, and those `defer` accepts left for the next build), with the problems
        found logged. `same_cards`: no card changed since the last build (serve's second
        rebuild after an edit), so its cards and cross-reference index are used again."""
        last = getattr(self, "last_read", None)
        index = None
        if same_cards and last is not None:
            site, index, n = last
            site = copy.copy(site)
            site.problems = site.problems[:n]   # those of reading and indexing; the render adds its own
        else:
            site = load_site(self.root / self.config.content, rel_to=self.root, cache=self.cards)
        theme_dir = self._theme_dir(config)
        # Rendered pages are reused only with the same templates, settings and URL style.
        env_key = (str(theme_dir), _tree_stamp(theme_dir / "partials" / "digest"), repr(self.settings),
                   config.use_directory_urls)
        if env_key != self.env_key:
            self.env, self.memo, self.env_key = template_env(theme_dir), PageMemo(), env_key
        renderer = Renderer(site, self.settings, directory_urls=config.use_directory_urls,
                            theme_dir=theme_dir, env=self.env, memo=self.memo if self.serving else None,
                            index=index)
        if self.serving:
            self.last_read = (site, renderer.index, len(site.problems))
        pages = renderer.all_pages(defer)
        self.rendered, self.gathered, self.deferred = renderer.rendered, renderer.gathered, renderer.deferred
        # problems found while indexing citations are appended during all_pages
        for problem in site.problems:
            log.warning("%s", printable(str(problem)))
        return pages, site

    def on_files(self, files: Files, *, config) -> Files:
        if not self.serving:
            self.lazy = _LazyPages(self, config)
            return self.lazy.files(files)
        # a serve rebuild that found the pages changed has rendered them already (mkdocs_serve)
        pages, site = getattr(self, "prerendered", None) or self._render(config)
        self.prerendered = None
        docs_rel = os.path.relpath(config.docs_dir, self.root).replace(os.sep, "/")
        for f in files.documentation_pages():
            f.edit_uri = f"{docs_rel}/{f.src_uri}"
        dests = {}
        for page in pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning("%s/%s is replaced by the generated page of the same name", docs_rel, page.src_uri)
                files.remove(existing)
            f = File.generated(config, page.src_uri, abs_src_path=self._source(page.src_uri, page.markdown))
            f.edit_uri = page.source.replace(os.sep, "/") if page.source else None
            files.append(f)
            dests[page.src_uri] = f.abs_dest_path
        self.generated = {p.src_uri: p for p in pages}
        for gone in self.memo.keys() - self.generated.keys():
            del self.memo[gone]
        # a dirty build does not clean site_dir: the page of a card deleted since the last
        # build is removed in on_post_build
        self.stale = [d for uri, d in self.dests.items() if uri not in dests]
        self.dests = dests
        self.site_data = site
        return files
    def _ours(self, page) -> PageOut | None:
        out = self.generated.get(page.file.src_uri)
        return out if out is not None and page.file.generated_by else None

    def on_nav(self, nav, *, config, files):
        if self.serving:
            self.building = nav
        return nav

    def on_env(self, env, *, config, files):
        # MkDocs makes a new Jinja environment per build, so each `mkdocs serve` rebuild
        # would compile the theme's templates again (a second or more at every edit): keep
        # their compiled code in memory, by name and source checksum (a changed template is
        # compiled anew).
        if self.serving:
            if not hasattr(self, "bytecode"):
                self.bytecode = _MemoryBytecodeCache()
            env.bytecode_cache = self.bytecode
            self.building = (files, self.building, env)
        return env

    def on_pre_page(self, page, *, config, files):
        if not self.serving:
            return self.lazy.pre_page(page)
        out = self._ours(page)
        if out is not None:
            page.__class__ = _DigestPage
            page.digest = out
        return page

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        if not self.serving:
            return markdown if page.file.src_uri not in self.lazy.jobs or not page.file.generated_by else ""
        out = self._ours(page)
        if out is None:
            return markdown
        page.meta["digest_search"] = out.search
        return ""

    def on_page_context(self, context, *, page, config, nav):
        if not self.serving:
            self.lazy.page_context(page)
        return context

    def on_post_page(self, output: str, *, page, config) -> str:
        if not self.serving:
            return self.lazy.post_page(output, page)
        return output

    def on_post_build(self, *, config) -> None:
        if self.site_data is None:
            return
        if not self.serving:
            self.stale = self.lazy.finish()
        stories = feeds.newest(list(self.site_data.stories.values()), self.settings.feed_limit)
        site_url = config.site_url or ""

        def story_path(s):
            return page_url(f"stories/{s.id}.md", config.use_directory_urls)

        common = dict(title=self.settings.title, description=self.settings.description,
                      site_url=site_url, story_path=story_path, language=self.settings.language,
                      outlet_names=outlet_names(self.site_data))
        out = Path(config.site_dir)
        rss = feeds.rss(stories, **common)
        (out / "feed.xml").write_text(rss, encoding="utf-8")
        (out / "feed.json").write_text(feeds.json_feed(stories, **common), encoding="utf-8")
        try:  # a feed readers cannot parse is a build problem (`--strict` fails on it)
            ET.fromstring(rss.encode("utf-8"))
        except ET.ParseError as exc:
            log.warning("feed.xml is not well-formed XML: %s", exc)
        for dest in getattr(self, "stale", []):
            _remove_page(Path(dest), out)
        if self.serving:
            if isinstance(self.building, tuple):   # a build that went through: its objects are kept
                self.kept, self.building = self.building, None
            if getattr(self, "changes", None) is None:
                self.inputs_seen = self._inputs_stamp(config)
            if not getattr(self, "frozen", False):
                # What the first build left (cards, pages, their sources: most of the heap)
                # lives as long as the server: kept out of the garbage collector's scans,
                # which otherwise ran over it during every rebuild (about a quarter of a
                # rebuild's CPU at 2,010 articles). One collection first, so no garbage is kept.
                gc.collect()
                gc.freeze()
                self.frozen = True
        if self.config.search_index:
            if self.serving:
                # Search lags the preview: Pagefind (about 10 s at 2,010 articles) runs after
                # each rebuild in a background thread, at low priority, and its new bundle
                # replaces the old one when it is complete; until then search answers from
                # the previous build's pages (at start: no results until the first run ends).
                self.search.request(out, self.config.search_shard_pages)
            else:
                self._index(out, self.config.search_shard_pages)

    def on_serve(self, server, *, config, builder):
        """After the first build, a change to the cards alone is shown by
        `mkdocs_serve.quick_rebuild` (only the pages whose text changed are rendered and
        written, MkDocs' objects of the last build kept), or, when the pages come and go,
        by MkDocs' dirty build (only the pages whose source is newer than their output are
        read and written); a change to anything else it watches (mkdocs.yml,
        site_config.yml, the theme, hand-written pages) gets MkDocs' own full rebuild. The
        server's polling file watcher is replaced by the native one (mkdocs_serve)."""
        if not self.serving:
            return server
        from generator.site import mkdocs_serve

        self.changes = mkdocs_serve.use_native_watcher(server)
        content = (self.root / self.config.content).resolve()
        card_dirs = [content / folder for _, folder, _ in KINDS]

        def rebuild():
            cfg = self.last_config
            if self.changes is not None:   # the watcher says which files changed
                changed = {os.path.realpath(p) for p in self.changes.take()}
                only_cards = cfg is not None and mkdocs_serve.cards_only(changed, card_dirs)
            else:
                only_cards = (cfg is not None and self.inputs_seen is not None
                              and self._inputs_stamp(cfg) == self.inputs_seen)
            if not only_cards:
                return builder()
            # after an edit, the pages that list the whole corpus wait for a second rebuild
            # (asked for below), so the edited card's own pages are shown first
            defer = mkdocs_serve.corpus_wide if self.changes is not None and changed and follow_up else None
            same = self.changes is not None and not changed   # the second rebuild, no edit since
            try:
                if mkdocs_serve.quick_rebuild(self, cfg, defer, same):
                    return None
                return self._dirty_build(cfg)
            finally:
                if self.deferred and follow_up:
                    follow_up()

        follow_up = mkdocs_serve.follow_up(server)
        server.builder = rebuild
        return server

    @staticmethod
    def _dirty_build(cfg):
        from mkdocs.commands.build import build

        # MkDocs warns that a dirty build may leave navigation stale; here only cards
        # changed, whose pages are all rebuilt when their text changes (and under
        # `--strict` the warning would fail the rebuild)
        quiet = _DropDirtyWarning()
        build_log = logging.getLogger("mkdocs.commands.build")
        build_log.addFilter(quiet)
        try:
            return build(cfg, serve_url=cfg.site_url, dirty=True)
        finally:
            build_log.removeFilter(quiet)

    def on_shutdown(self) -> None:
        if hasattr(self, "search"):
            self.search.stop()
        if not getattr(self, "serving", False):
            # `mkdocs build` ends here and the process exits: the collections Python runs while
            # it exits would scan the whole heap (the cards, index, state and MkDocs' pages),
            # about 10 s of CPU at the full archive. Frozen, they are skipped; the memory goes
            # with the process. A later build in the same process unfreezes it (`_files`).
            gc.freeze()

    def _inputs_stamp(self, config) -> dict[str, tuple[int, int]]:
        """Modification time and size of every watched file but the cards themselves."""
        content = (self.root / self.config.content).resolve()
        cards = {content / folder for _, folder, _ in KINDS}
        paths = [config.config_file_path, config.docs_dir, *config.watch]
        custom = getattr(config.theme, "custom_dir", None)
        if custom:
            paths.append(custom)
        stamp: dict[str, tuple[int, int]] = {}
        for p in paths:
            if not p:
                continue
            p = Path(p).resolve()
            if p.is_file():
                st = p.stat()
                stamp[str(p)] = (st.st_mtime_ns, st.st_size)
                continue
            for dirpath, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if Path(dirpath, d) not in cards]
                for n in names:
                    q = os.path.join(dirpath, n)
                    try:
                        st = os.stat(q)
                    except OSError:
                        continue
                    stamp[q] = (st.st_mtime_ns, st.st_size)
        return stamp

    @staticmethod
    def _index(site_dir: Path, shard_pages: int) -> None:
        """The search index (generator/site/search.py): Pagefind in shards, and on a later
        build over the same site_dir only the pages that changed."""
        try:
            report = search.index_site(site_dir, shard_pages=shard_pages)
        except search.SearchIndexError as exc:
            raise PluginError(f"digest: {exc}") from exc
        log.info("search index: %s, %d pages, %d indexed in this build", report.mode, report.pages, report.indexed)

    @staticmethod
    def _theme_dir(config) -> Path:
        custom = config.theme.custom_dir if hasattr(config.theme, "custom_dir") else None
        if custom and (Path(custom) / "partials" / "digest").is_dir():
            return Path(custom)
        return THEME_DIR


class _DigestPage(Page):
    """A page the digest made (on_pre_page gives our pages this class). Its source file
    exists only for MkDocs' modification times; its front matter values, HTML and table of
    contents are ready in `digest` (a PageOut), so the page is neither read back and parsed
    nor passed through Markdown (a Markdown instance per page was a third of a full build's
    MkDocs time). The result equals reading the source's front matter and converting an
    empty body, then replacing the content with our HTML."""

    digest: PageOut

    def read_source(self, config) -> None:
        self.markdown = ""
        self.meta = dict(self.digest.meta)

    def render(self, config, files) -> None:
        self.content = self.digest.html
        self.toc = get_toc(self.digest.toc)
        self._title_from_render = None
        self.present_anchor_ids = set()


class _LazyPages:
    """`mkdocs build` (and `--dirty`): each digest page is rendered when MkDocs writes it.

    MkDocs 1.6 reads and converts every page before it writes any, so pages made up front
    are all held in memory at once (about half of the build's peak at the full archive).
    Here on_files only lists the pages (a File each, titles from the records); a page's
    HTML is made in on_page_context, just before MkDocs renders the theme around it, and
    dropped in on_post_page. Its source under `.cache/site-pages/` holds a digest of its
    text, rewritten only when that changed.

    Between builds, generator.site.build_state keeps the cards read, a fingerprint of what
    pages can read of them and the keys each page read. A build that finds that state (from
    the last build, same code, templates, settings and folders) parses only the cards
    changed since, and renders in on_files only the pages that read a key whose fingerprint
    changed: their source is rewritten when their text changed, so `mkdocs build --dirty` writes those and skips all others (a page whose
    output is missing is rendered when MkDocs builds it). Without a state a dirty build
    renders every page in on_files to bring the sources up to date (as before)."""

    def __init__(self, plugin: "DigestPlugin", config) -> None:
        self.plugin, self.config = plugin, config
        self.jobs: dict[str, tuple[str, str]] = {}     # src_uri -> (kind, record id)
        self.ready: dict[str, PageOut] = {}            # rendered in on_files, for MkDocs to write
        self.failed: set[str] = set()
        self.reads: dict[str, dict | None] = {}        # src_uri -> what its rendering read (None: as the last build's)
        self.rendered: list[str] = []                  # pages rendered by this build

    def files(self, files: Files) -> Files:
        # No garbage collection while the state, the cards and the index are made: they are
        # millions of objects that live until the build ends, none of them garbage, and
        # each collection scanned them again (at the full archive, reading the cards took
        # 2.9 s of CPU with collections and 0.4 s without; the index 2.1 s and 0.7 s).
        # What they leave is frozen out of later collections' scans at the end (`_files`).
        enabled = self.gc_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._files(files)
        finally:
            if enabled:
                gc.enable()

    def _files(self, files: Files) -> Files:
        gc.unfreeze()    # what an earlier build in this process froze (on_shutdown) may be collected again
        plugin, config = self.plugin, self.config
        theme_dir = plugin._theme_dir(config)
        pages_dir = plugin.pages_dir
        content = (plugin.root / plugin.config.content).resolve()
        self.key = (build_state.code_stamp(), str(theme_dir), _tree_stamp(theme_dir / "partials" / "digest"),
                    repr(plugin.settings), config.use_directory_urls, str(content),
                    str(Path(config.site_dir).resolve()), str(pages_dir))
        loaded = build_state.load(pages_dir, self.key)
        build_state.discard(pages_dir)   # written again when this build ends
        state, self.cards = loaded if loaded is not None else (None, {})
        self.state = state
        site = load_site(plugin.root / plugin.config.content, rel_to=plugin.root, cache=self.cards)
        r = self.renderer = Renderer(site, plugin.settings, directory_urls=config.use_directory_urls,
                                     theme_dir=theme_dir, env=template_env(theme_dir), memo={})
        # what pages can read, as fingerprints: compared with the last build's to find the
        # pages that read something that changed, and kept for the next build
        self.prints = build_state.fingerprints(r.raw, self.cards)
        stale = build_state.stale_pages(state, self.prints) if state is not None else None
        if stale is None:
            stale = set(state.pages) if state is not None else set()
        old = state.pages if state is not None else {}
        # Those are made: frozen out of the collections' scans from here on, and collections
        # run again while pages are rendered below (a dirty build without a state renders
        # every page here, and the templates' cyclic garbage must not pile up meanwhile).
        gc.freeze()
        if self.gc_enabled:
            gc.enable()
        # a dirty build (or one run without on_startup, which may be) with no state to
        # compare with: every page's source is brought up to date before MkDocs checks them
        eager = state is None and getattr(plugin, "dirty", None) is not False
        for problem in site.problems:
            log.warning("%s", printable(str(problem)))
        del site.problems[:]
        docs_rel = os.path.relpath(config.docs_dir, plugin.root).replace(os.sep, "/")
        for f in files.documentation_pages():
            f.edit_uri = f"{docs_rel}/{f.src_uri}"
        dests = {}
        for kind, rid, uri in page_jobs(r):
            existing = files.get_file_from_path(uri)
            if existing is not None:
                log.warning("%s/%s is replaced by the generated page of the same name", docs_rel, uri)
                files.remove(existing)
            path = pages_dir / uri
            f = File.generated(config, uri, abs_src_path=str(path))
            if uri in old and uri not in stale and path.is_file():
                self.reads[uri] = None     # nothing it read changed: its reads are kept as they were
            elif state is not None or eager:
                out = self._render(kind, rid, uri)
                # kept for MkDocs to write when its source is newer than its output: rewritten
                # now, or earlier by `mkdocs serve` (which writes the same digests)
                if out is not None and (_write_digest(path, out) or f.is_modified()) and state is not None:
                    self.ready[uri] = out
            source = site.sources.get((kind, rid)) if kind in ("story", "article", "entity") else None
            f.edit_uri = source.replace(os.sep, "/") if source else None
            files.append(f)
            self.jobs[uri] = (kind, rid)
            dests[uri] = f.abs_dest_path
        self.stale = [d for uri, d in (state.dests if state is not None else {}).items() if uri not in dests]
        self.dests = dests
        plugin.site_data = site
        self._log_problems()
        # The cards, the index and the file list live until the build ends: kept out of the
        # garbage collector's scans, which otherwise walk them again at every collection
        # while the pages are built (little of what exists now is garbage: no collection first).
        gc.freeze()
        return files

    def _render(self, kind: str, rid: str, uri: str) -> PageOut | None:
        r = self.renderer
        try:
            out = render_job(r, kind, rid)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            # a card the schema let through with an odd value must not stop the build
            r.site.problems.append(Problem(r.raw["sources"].get((kind, rid), rid),
                                           f"cannot render this {kind}: {exc!r} (page skipped)", 1))
            self.failed.add(uri)
            self.reads.pop(uri, None)
            return None
        entry = r.memo.pop(uri, None)   # only its reads are kept, not its inputs and HTML
        self.reads[uri] = entry[2] if entry is not None else dict(r.reads)
        self.rendered.append(uri)
        return out

    def _log_problems(self) -> None:
        problems = self.renderer.site.problems
        for problem in problems:
            log.warning("%s", printable(str(problem)))
        del problems[:]

    def pre_page(self, page):
        job = self.jobs.get(page.file.src_uri)
        if job is not None and page.file.generated_by:
            page.__class__ = _LazyPage
            out = self.ready.get(page.file.src_uri)
            page.digest_meta = dict(out.meta) if out is not None else {
                "title": page_title(self.renderer, *job)}
        return page

    def page_context(self, page) -> None:
        if not isinstance(page, _LazyPage):
            return
        uri = page.file.src_uri
        out = self.ready.pop(uri, None)
        if out is None and uri not in self.failed:
            out = self._render(*self.jobs[uri], uri)
            self._log_problems()
            if out is not None:
                _write_digest(self.plugin.pages_dir / uri, out)
        if out is None:
            return
        page.meta.update(out.meta)
        page.meta["digest_search"] = out.search
        page.content = out.html
        page.toc = get_toc(out.toc)

    def post_page(self, output: str, page) -> str:
        if not isinstance(page, _LazyPage):
            return output
        page.content = None   # the page is written: its HTML is not kept
        page.toc = get_toc([])
        if page.file.src_uri in self.failed:
            _remove_page(Path(page.file.abs_dest_path), Path(self.config.site_dir))
            return ""         # MkDocs writes no file for an empty output
        return output

    def finish(self) -> list[str]:
        """Keeps the state for the next build; the output files of pages gone since the last one."""
        reads = {uri: self.reads[uri] for uri in self.jobs if uri in self.reads}
        enabled = gc.isenabled()
        gc.disable()   # pickling allocates, none of it garbage (see `files`)
        try:
            build_state.save(self.plugin.pages_dir, self.key, self.cards, self.prints, reads, self.dests,
                             self.state)
        finally:
            if enabled:
                gc.enable()
        # still frozen: the search indexing that follows allocates too, and the build ends after it
        return self.stale


class _LazyPage(Page):
    """A digest page in `mkdocs build` (see _LazyPages): its title is known from the start,
    its HTML, table of contents and other front matter values are set in on_page_context.
    Neither read from its source file nor passed through Markdown."""

    digest_meta: dict

    def read_source(self, config) -> None:
        self.markdown = ""
        self.meta = dict(self.digest_meta)

    def render(self, config, files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()


def _write_digest(path: Path, out: PageOut) -> bool:
    """The page's source file (see build_state.digest), rewritten only when the text
    changed; True when it was."""
    text = build_state.digest(out.markdown)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


def _tree_stamp(folder: Path) -> tuple:
    """Names, modification times and sizes of the files under `folder` (the templates)."""
    out = []
    for dirpath, _dirs, names in os.walk(folder):
        for n in sorted(names):
            st = os.stat(os.path.join(dirpath, n))
            out.append((os.path.join(dirpath, n), st.st_mtime_ns, st.st_size))
    return tuple(sorted(out))


def _remove_page(dest: Path, site_dir: Path) -> None:
    """Delete a page's output file, and its folder when that is left empty."""
    try:
        dest.unlink()
    except FileNotFoundError:
        return
    parent = dest.parent
    if parent != site_dir and site_dir in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            pass


class _BackgroundIndex:
    """The search index for `mkdocs serve`: one update at a time in a thread, Pagefind at low
    priority. A request made during an update is served by one more update after it. Each
    update publishes its bundles whole (search.py), so search answers from the previous
    index until then."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Path | None = None
        self.shard_pages = search.SHARD_PAGES
        self.thread: threading.Thread | None = None
        self.current: search.SiteIndex | None = None
        self.stopped = False

    def request(self, site_dir: Path, shard_pages: int = search.SHARD_PAGES) -> None:
        with self.lock:
            self.pending, self.shard_pages = Path(site_dir), shard_pages
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="digest-pagefind", daemon=True)
                self.thread.start()

    def stop(self) -> None:
        with self.lock:
            self.stopped, self.pending = True, None
            if self.current is not None:
                self.current.terminate()

    def _loop(self) -> None:
        while True:
            with self.lock:
                site_dir, self.pending = self.pending, None
                if site_dir is None or self.stopped:
                    self.thread = None
                    return
                self.current = search.SiteIndex(site_dir, low_priority=True, shard_pages=self.shard_pages,
                                                stop=lambda: self.stopped)
            try:
                self.current.update()
            except Exception as exc:   # a failed preview index must not stop the server
                if not self.stopped:
                    log.warning("search index not updated: %s", exc)
            finally:
                with self.lock:
                    self.current = None
