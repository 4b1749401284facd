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
- on_page_markdown / on_page_content: our pages are finished HTML already (templates with
  autoescaping), so they skip the Markdown pass: the page's Markdown is replaced by "" (a
  trivial conversion) and its content by the HTML and table of contents made in
  `pages.body_html` at render time. Hand-written pages in docs_dir go through Markdown as usual.
- on_post_build: writes feed.xml (RSS 2.0) and feed.json (JSON Feed 1.1) into site_dir,
  then indexes the built pages with Pagefind (site_dir/pagefind/: an index the browser
  fetches in small pieces per query). Only story, entity and article pages are indexed
  (theme/main.html marks their body `data-pagefind-body`); records flagged hidden are
  never rendered, so never indexed.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from generator.config import SiteSettings, load_config
from generator.errors import ConfigError, printable
from generator.site import feeds
from generator.site.load import SiteData, load_site
from generator.site.pages import THEME_DIR, PageOut, outlet_names, render_pages
from generator.site.urls import page_url

log = logging.getLogger("mkdocs.plugins.digest")


class DigestConfig(Config):
    content = c.Type(str, default="content")              # card folders, relative to mkdocs.yml
    site_config = c.Type(str, default="site_config.yml")  # its `site` section, relative to mkdocs.yml
    search_index = c.Type(bool, default=True)             # run Pagefind over site_dir after the build
    pages_cache = c.Type(str, default=".cache/site-pages")  # page sources, relative to mkdocs.yml


class DigestPlugin(BasePlugin[DigestConfig]):
    written: dict[str, str]

    def on_startup(self, *, command, dirty) -> None:
        # defined so that `mkdocs serve` keeps this instance across rebuilds
        self.written = {}

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
        return config

    def on_files(self, files: Files, *, config) -> Files:
        site = load_site(self.root / self.config.content, rel_to=self.root)
        pages = render_pages(site, self.settings, directory_urls=config.use_directory_urls,
                             theme_dir=self._theme_dir(config))
        # problems found while indexing citations are appended during render_pages
        for problem in site.problems:
            log.warning("%s", printable(str(problem)))
        docs_rel = os.path.relpath(config.docs_dir, self.root).replace(os.sep, "/")
        for f in files.documentation_pages():
            f.edit_uri = f"{docs_rel}/{f.src_uri}"
        for page in pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning("%s/%s is replaced by the generated page of the same name", docs_rel, page.src_uri)
                files.remove(existing)
            f = File.generated(config, page.src_uri, abs_src_path=self._source(page.src_uri, page.markdown))
            f.edit_uri = page.source.replace(os.sep, "/") if page.source else None
            files.append(f)
        self.generated = {p.src_uri: p for p in pages}
        self.site_data = site
        return files

    def _ours(self, page) -> PageOut | None:
        out = self.generated.get(page.file.src_uri)
        return out if out is not None and page.file.generated_by else None

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        out = self._ours(page)
        if out is None:
            return markdown
        # the front matter was read already (page.meta); the body is HTML we made: no Markdown pass
        page.meta["digest_search"] = out.search
        return ""

    def on_page_content(self, html: str, *, page, config, files) -> str:
        out = self._ours(page)
        if out is None:
            return html
        page.toc = get_toc(out.toc)
        return out.html

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
        if self.config.search_index:
            self._index(out)

    @staticmethod
    def _index(site_dir: Path) -> None:
        """Pagefind over the built site, with the binary of the `pagefind[bin]` wheel
        (`python -m pagefind` runs it; never a download). Writes site_dir/pagefind/."""
        # a fresh bundle: Pagefind leaves the files of an earlier index beside the new one
        shutil.rmtree(site_dir / "pagefind", ignore_errors=True)
        cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            tail = (run.stderr or run.stdout).strip().splitlines()[-3:]
            raise PluginError(f"digest: search indexing (pagefind) failed: {' '.join(tail)}")

    @staticmethod
    def _theme_dir(config) -> Path:
        custom = config.theme.custom_dir if hasattr(config.theme, "custom_dir") else None
        if custom and (Path(custom) / "partials" / "digest").is_dir():
            return Path(custom)
        return THEME_DIR
