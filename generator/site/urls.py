"""Where each page and anchor of the digest lives: page URLs, relative links, anchor ids.

Pure string functions with no MkDocs import; `page_url` mirrors the URL MkDocs gives a
Markdown file, so links computed here match the built site.
"""
from __future__ import annotations

from functools import lru_cache

from generator.ids import anchor_slug

# Pages ask for the same few ids' slugs over and over (a fact's anchor appears on its story,
# the timeline, its articles and its entities' pages): slugify once per id and build.
slug = lru_cache(maxsize=1 << 16)(anchor_slug)


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown file (relative to the site root)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relurl(from_url: str, to_url: str, anchor: str | None = None) -> str:
    """Relative link between two site URLs (as produced by page_url; "" is the site root).

    Climbs to the root and back down: not always the shortest link, but correct and
    computed without path normalisation (this runs for every link of every page).
    """
    out = "../" * from_url.count("/") + to_url
    return (out or "./") + (f"#{anchor}" if anchor else "")


def cite_anchor(start: int, end: int) -> str:
    """The id of a cited passage on its article page (character offsets into the text)."""
    return f"c-{start}-{end}"


def fact_anchor(fact_id: str) -> str:
    return f"fact-{slug(fact_id)}"


def quote_anchor(quote_id: str) -> str:
    return f"quote-{slug(quote_id)}"
