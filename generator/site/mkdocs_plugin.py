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
  (the `pages_cache` option; outside docs_dir, so `mkdocs serve` does not watch it), written
  only when the text changed. MkDocs counts a page as modified only when its source is newer
  than its output, so `mkdocs build --dirty` / `mkdocs serve --dirty` rebuild just the pages
  whose text changed (a story's page, and the pages that list or cite it), and the output
  equals a full build's (tested). on_startup keeps the plugin (and the texts it last wrote)
  across `mkdocs serve` rebuilds.
- `mkdocs serve`: the plugin keeps the cards read (re-read only when their file changed), each
  page with what it read (reused without gathering its inputs when none of that changed)
  and the compiled templates; on_serve makes a rebuild after a change to the cards alone a
  dirty build (anything else watched: MkDocs' full rebuild); Pagefind runs in the background.
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
from generator.errors import ConfigError, printable
from generator.site import feeds, search
from generator.site.load import KINDS, CardCache, SiteData, load_site
from generator.site.pages import THEME_DIR, PageOut, Renderer, outlet_names, template_env
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
        self._reset_caches()
        self.last_config = None
        self.inputs_seen: dict[str, tuple[int, int]] | None = None
        self.search = _BackgroundIndex()

    def _reset_caches(self) -> None:
        self.cards: CardCache = {}
        self.memo: dict = {}
        self.env = None
        self.env_key = None
        self.dests: dict[str, str] = {}     # generated src_uri -> its output file, last build
        self.rendered: list[str] = []       # the pages rendered by the last build

    def _source(self, rel: str, text: str) -> str:
        """The page's source file, (re)written only when its text changed."""
        path = self.pages_dir / rel
        if not hasattr(self, "written"):
            self.written = {}
        if self.written.get(rel) != text:
            if not (path.is_file() and path.read_text(encoding="utf-8") == text):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            self.written[rel] = text
        return str(path)

    def on_config(self, config):
        if not hasattr(self, "cards"):   # on_startup not called (MkDocs used as a library)
            self.written, self.serving, self.last_config, self.inputs_seen = {}, False, None, None
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
        return config

    def on_files(self, files: Files, *, config) -> Files:
        site = load_site(self.root / self.config.content, rel_to=self.root, cache=self.cards)
        theme_dir = self._theme_dir(config)
        # Rendered pages are reused only with the same templates, settings and URL style.
        env_key = (str(theme_dir), _tree_stamp(theme_dir / "partials" / "digest"), repr(self.settings),
                   config.use_directory_urls)
        if env_key != self.env_key:
            self.env, self.memo, self.env_key = template_env(theme_dir), {}, env_key
        renderer = Renderer(site, self.settings, directory_urls=config.use_directory_urls,
                            theme_dir=theme_dir, env=self.env, memo=self.memo if self.serving else None)
        pages = renderer.all_pages()
        self.rendered, self.gathered = renderer.rendered, renderer.gathered
        # problems found while indexing citations are appended during all_pages
        for problem in site.problems:
            log.warning("%s", printable(str(problem)))
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

    def on_env(self, env, *, config, files):
        # MkDocs makes a new Jinja environment per build, so each `mkdocs serve` rebuild
        # would compile the theme's templates again (a second or more at every edit): keep
        # their compiled code in memory, by name and source checksum (a changed template is
        # compiled anew).
        if self.serving:
            if not hasattr(self, "bytecode"):
                self.bytecode = _MemoryBytecodeCache()
            env.bytecode_cache = self.bytecode
        return env

    def on_pre_page(self, page, *, config, files):
        out = self._ours(page)
        if out is not None:
            page.__class__ = _DigestPage
            page.digest = out
        return page

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        out = self._ours(page)
        if out is None:
            return markdown
        page.meta["digest_search"] = out.search
        return ""

    def on_post_build(self, *, config) -> None:
        if self.site_data is None:
            return
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
        """After the first build, `mkdocs serve` rebuilds with MkDocs' dirty build (only the
        pages whose source is newer than their output are read and written) whenever the
        change is in the cards alone; a change to anything else it watches (mkdocs.yml,
        site_config.yml, the theme, hand-written pages) gets MkDocs' own full rebuild."""
        if not self.serving:
            return server
        from mkdocs.commands.build import build

        def rebuild():
            cfg = self.last_config
            if cfg is None or self.inputs_seen is None or self._inputs_stamp(cfg) != self.inputs_seen:
                return builder()
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

        server.builder = rebuild
        return server

    def on_shutdown(self) -> None:
        if hasattr(self, "search"):
            self.search.stop()

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
