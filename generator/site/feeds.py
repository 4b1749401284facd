"""Feeds and structured data for the digest: RSS 2.0, JSON Feed 1.1, schema.org JSON-LD.

Pure functions over records; the MkDocs adapter writes the results into the built site.
Links are absolute when the site has a `site_url`, otherwise relative to the site root
(feed readers need absolute links, so set `site_url` for a published site).
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as _xml_escape

from generator.ids import is_unknown_outlet
from generator.records import Article, Story

# Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; the
# surrogates; U+FFFE, U+FFFF): one of them makes a whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_escape(value: str, entities: dict | None = None) -> str:
    """Text as XML character data: forbidden characters dropped, then escaped once."""
    return _xml_escape(_NOT_XML.sub("", value), entities or {})


def web_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None: a `javascript:` or `data:` URL is never published."""
    if not url:
        return None
    cleaned = _NOT_XML.sub("", str(url)).strip()
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    return cleaned if scheme in ("http", "https") else None


def _dt(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware datetime (UTC when no zone is given)."""
    if not value:
        return None
    try:
        d = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        try:
            d = datetime.strptime(str(value)[:7], "%Y-%m")
        except ValueError:
            return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _join(site_url: str, path: str) -> str:
    return (site_url.rstrip("/") + "/" + path) if site_url else path


def _summary(story: Story) -> str:
    """The summary as the story page shows it: its cards' current texts."""
    return " ".join(story.summary_sentences())


def _outlet_names(story: Story, names: dict[str, str] | None) -> list[str]:
    """The story's outlets as readers know them (display names from content/outlets.yml);
    an unnamed source has no name to give, so it is left out of tags and categories."""
    return [(names or {}).get(o) or o for o in map(str, story.outlets) if not is_unknown_outlet(o)]


def newest(stories: list[Story], limit: int) -> list[Story]:
    return sorted(stories, key=lambda s: (s.date or "", s.id), reverse=True)[:limit]


def rss(stories: list[Story], *, title: str, description: str, site_url: str,
        story_path, language: str = "en", now: datetime | None = None,
        outlet_names: dict[str, str] | None = None) -> str:
    """RSS 2.0 of the stories (newest first). story_path(story) -> URL path from the site root."""
    now = now or datetime.now(timezone.utc)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">', "<channel>",
           f"<title>{xml_escape(title)}</title>",
           f"<link>{xml_escape(_join(site_url, ''))}</link>",
           f"<description>{xml_escape(description)}</description>",
           f"<language>{xml_escape(language)}</language>",
           f"<lastBuildDate>{format_datetime(now)}</lastBuildDate>"]
    if site_url:
        out.append(f'<atom:link href="{xml_escape(_join(site_url, "feed.xml"), {chr(34): "&quot;"})}" '
                   'rel="self" type="application/rss+xml"/>')
    for s in stories:
        link = _join(site_url, story_path(s))
        out += ["<item>", f"<title>{xml_escape(s.title)}</title>", f"<link>{xml_escape(link)}</link>",
                f'<guid isPermaLink="{"true" if site_url else "false"}">{xml_escape(link if site_url else s.id)}</guid>',
                # <description> holds HTML: the text is HTML-escaped, then XML-escaped, so a
                # reader shows "<svg onload=...>" as text and never as markup
                f"<description>{xml_escape(html.escape(_summary(s), quote=False))}</description>"]
        d = _dt(s.date)
        if d:
            out.append(f"<pubDate>{format_datetime(d)}</pubDate>")
        for o in _outlet_names(s, outlet_names):
            out.append(f"<category>{xml_escape(o)}</category>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def json_feed(stories: list[Story], *, title: str, description: str, site_url: str,
              story_path, language: str = "en", outlet_names: dict[str, str] | None = None) -> str:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the stories."""
    feed: dict = {"version": "https://jsonfeed.org/version/1.1", "title": title,
                  "description": description, "language": language, "items": []}
    if site_url:
        feed["home_page_url"] = _join(site_url, "")
        feed["feed_url"] = _join(site_url, "feed.json")
    for s in stories:
        item = {"id": s.id, "url": _join(site_url, story_path(s)), "title": s.title,
                "content_text": _summary(s), "tags": _outlet_names(s, outlet_names)}
        d = _dt(s.date)
        if d:
            item["date_published"] = d.isoformat()
        feed["items"].append(item)
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def news_article_jsonld(story: Story, articles: dict[str, Article],
                        outlet_names: dict[str, str] | None = None) -> dict:
    """schema.org NewsArticle for a story page, each cited article as a `citation`."""
    cited = list(dict.fromkeys([*story.articles, *(s.article for f in story.facts for s in f.sources)]))
    citations = []
    for aid in cited:
        a = articles.get(aid)
        if a is None:
            continue
        c: dict = {"@type": "NewsArticle", "headline": a.headline or aid}
        if a.outlet:
            c["publisher"] = {"@type": "Organization", "name": (outlet_names or {}).get(a.outlet) or a.outlet}
        if a.published:
            c["datePublished"] = a.published
        if web_url(a.url):
            c["url"] = web_url(a.url)
        if a.byline:
            c["author"] = {"@type": "Person", "name": a.byline}
        citations.append(c)
    data: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
                  "description": _summary(story), "citation": citations}
    if story.date:
        data["datePublished"] = story.date
    return data


def script_tag(data: dict) -> str:
    """A JSON-LD <script>; '<', '>' and '&' are escaped so article text cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
