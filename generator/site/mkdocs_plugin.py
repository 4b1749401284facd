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
- on_post_build: writes feed.xml (RSS 2.0) and feed.json (JSON Feed 1.1) into site_dir.
"""
from __future__ import annotations

import logging
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator.config import SiteSettings, load_config
from generator.errors import ConfigError, printable
from generator.site import feeds
from generator.site.load import SiteData, load_site
from generator.site.pages import THEME_DIR, outlet_names, render_pages
from generator.site.urls import page_url

log = logging.getLogger("mkdocs.plugins.digest")


class DigestConfig(Config):
    content = c.Type(str, default="content")              # card folders, relative to mkdocs.yml
    site_config = c.Type(str, default="site_config.yml")  # its `site` section, relative to mkdocs.yml


class DigestPlugin(BasePlugin[DigestConfig]):
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
            f = File.generated(config, page.src_uri, content=page.markdown)
            f.edit_uri = page.source.replace(os.sep, "/") if page.source else None
            files.append(f)
        self.site_data = site
        return files

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

    @staticmethod
    def _theme_dir(config) -> Path:
        custom = config.theme.custom_dir if hasattr(config.theme, "custom_dir") else None
        if custom and (Path(custom) / "partials" / "digest").is_dir():
            return Path(custom)
        return THEME_DIR
