"""Hand-made content for the site tests, following generator/records.py exactly.

Offsets are computed from the text (never typed in), so the invariant
article.text[start:end] == excerpt holds by construction.
"""
from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# mkdocs runs in a subprocess, from the project folder: PYTHONPATH makes its `digest` plugin
# this checkout's code, not that of whichever copy of the package is installed.
# No repository: tests that want edit links set DIGEST_REPO_URL themselves.
MKDOCS_ENV = {**{k: v for k, v in os.environ.items() if k not in ("DIGEST_REPO_URL", "DIGEST_EDIT_URI")},
              "NO_MKDOCS_2_WARNING": "1",
              "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

TEXT_A = ("Moscow offered on Monday to mediate talks between Washington and Pyongyang, "
          "the Kremlin spokesman said.\n\n"
          "\"We are ready to help,\" Dmitry Peskov told reporters in Moscow. "
          "Officials in Washington did not comment.\n\n"
          f"A reader comment was pasted here: {XSS} and left as it was.")
TEXT_B = ("Russia is willing to act as a mediator between the United States and North Korea, "
          "the Kremlin said on Monday.\n\n"
          "\"We are ready to help,\" Peskov said. The offer came after weeks of tension.")


def span(text: str, excerpt: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(excerpt, start + 1)
    return {"start": start, "end": start + len(excerpt), "excerpt": excerpt}


def source(article: str, text: str, excerpt: str) -> dict:
    s = span(text, excerpt)
    return {"article": article, "excerpt": excerpt, "start": s["start"], "end": s["end"]}


def article(aid: str, outlet: str, headline: str, text: str, **extra) -> dict:
    data = {"id": aid, "source_file": f"content/inbox/{aid}.txt", "outlet": outlet, "headline": headline,
            "published": "2017-12-18", "published_inferred": False, "dateline": "MOSCOW",
            "byline": "A. Reporter", "credits": [], "text": text,
            "removed": [{"line": "Share this article on Facebook", "reason": "furniture"},
                        {"line": "<b>Subscribe</b> now", "reason": "pattern:newsletter"}],
            "url": f"https://news.example/{aid}", "story": "s-mediation",
            "dates": [{"text": "Monday", "value": "2017-12-18", **{k: v for k, v in span(text, "Monday").items()
                                                                   if k != "excerpt"}}]}
    data.update(extra)
    return data


def story() -> dict:
    fa = "Moscow offered on Monday to mediate talks between Washington and Pyongyang"
    fb = "Russia is willing to act as a mediator between the United States and North Korea"
    # overlaps fa on purpose: two passages sharing words must both be highlighted
    fa2 = "mediate talks between Washington and Pyongyang, the Kremlin spokesman said"
    return {
        "id": "s-mediation", "title": "Russia offers to mediate between US and North Korea",
        "date": "2017-12-18", "articles": ["a-one", "a-two", "a-xss"],
        "outlets": ["Daily Planet", "Wire Service", "Free Press"], "single_source": False,
        "summary": [{"facts": ["f1"]}, {"facts": ["f2", "f3"]}, {"facts": ["f-hidden"]}],
        "facts": [
            {"id": "f1", "text": fb, "kind": "event",
             "sources": [source("a-one", TEXT_A, fa), source("a-two", TEXT_B, fb)],
             "entities": ["e-russia", "e-north-korea"], "date": "2017-12-18"},
            {"id": "f2", "text": "The Kremlin spokesman said Moscow offered to mediate.", "kind": "statement",
             "sources": [source("a-one", TEXT_A, fa2)], "entities": ["e-peskov"], "date": None},
            {"id": "f3", "text": "Officials in Washington did not comment.", "kind": "event",
             "sources": [source("a-xss", TEXT_A, "Officials in Washington did not comment.")],
             "entities": [], "date": None},
            {"id": "f-hidden", "text": "An editor hid this card.", "kind": "event", "hidden": True,
             "sources": [source("a-one", TEXT_A, "Officials in Washington")], "entities": []},
        ],
        "quotes": [{"id": "q1", "speaker": "e-peskov", "speaker_name": "Dmitry Peskov", "text": "We are ready to help,",
                    "sources": [source("a-one", TEXT_A, "We are ready to help,"),
                                source("a-two", TEXT_B, "We are ready to help,")],
                    "entities": ["e-peskov"]}],
        "timeline": [{"date": "2017-12-18", "facts": ["f1"]}, {"date": "2017-12-19", "facts": ["f-hidden"]}],
    }


def entities() -> list[dict]:
    return [
        {"id": "e-peskov", "name": "Dmitry Peskov", "kind": "person", "aliases": ["Peskov"], "stories": ["s-mediation"]},
        {"id": "e-russia", "name": "Russia", "kind": "place", "aliases": ["Moscow"], "stories": ["s-mediation"]},
        {"id": "e-north-korea", "name": "North Korea", "kind": "place", "aliases": ["Pyongyang"],
         "stories": ["s-mediation"]},
    ]


OUTLETS = {"Wire Service": {"name": "The Evening Wire", "url": "https://wire.example/"},
           "Daily Planet": {"name": "Daily Planet", "url": None}}


def write_content(content: Path) -> Path:
    recs = {"articles": [article("a-one", "Daily Planet", "Moscow offers to mediate", TEXT_A),
                         article("a-two", "Wire Service", "Russia ready to mediate", TEXT_B),
                         article("a-xss", "Free Press", f"Headline with {XSS}", TEXT_A)],
            "stories": [story()], "entities": entities()}
    for folder, items in recs.items():
        (content / folder).mkdir(parents=True, exist_ok=True)
        for item in items:
            (content / folder / f"{item['id']}.yml").write_text(
                yaml.safe_dump(item, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (content / "inbox").mkdir(exist_ok=True)
    (content / "inbox" / "raw.txt").write_text("not a page\n", encoding="utf-8")
    # an editor named one outlet and gave its home page; the others keep their slugs
    (content / "outlets.yml").write_text(yaml.safe_dump(OUTLETS, sort_keys=False), encoding="utf-8")
    return content


def make_project(tmp: Path, *, strict: bool = False) -> Path:
    """A project in tmp: content/ with the fixture cards, pages/, mkdocs.yml using the real theme."""
    content = write_content(tmp / "content")
    pages = content / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "about.md").write_text("# About\n\nFixture site.\n", encoding="utf-8")
    (tmp / "site_config.yml").write_text("site:\n  title: Fixture Digest\n", encoding="utf-8")
    cfg = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("custom_dir: theme", f"custom_dir: {ROOT / 'theme'}")
    cfg = cfg.replace("  - theme\n", f"  - {ROOT / 'theme'}\n")
    (tmp / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    return tmp / "mkdocs.yml"


def write_many(content: Path, stories: int) -> Path:
    """`stories` copies of the fixture story (3 articles each, shared entities): for timing builds."""
    import copy

    base_articles = {"a-one": ("Daily Planet", TEXT_A), "a-two": ("Wire Service", TEXT_B), "a-xss": ("Free Press", TEXT_A)}
    for folder in ("articles", "stories", "entities"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    for n in range(stories):
        s = copy.deepcopy(story())
        sid = f"s-{n:05d}"
        rename = {aid: f"{aid}-{n:05d}" for aid in base_articles}
        s.update(id=sid, title=f"{s['title']} ({n})", date=f"2017-{1 + n % 12:02d}-{1 + n % 28:02d}",
                 articles=[rename[a] for a in s["articles"]])
        for card in s["facts"] + s["quotes"]:
            for src in card["sources"]:
                src["article"] = rename[src["article"]]
        (content / "stories" / f"{sid}.yml").write_text(yaml.safe_dump(s, sort_keys=False), encoding="utf-8")
        for aid, (outlet, text) in base_articles.items():
            a = article(rename[aid], outlet, f"Article {aid} {n}", text, story=sid)
            (content / "articles" / f"{a['id']}.yml").write_text(yaml.safe_dump(a, sort_keys=False), encoding="utf-8")
    for e in entities():
        e["stories"] = [f"s-{n:05d}" for n in range(stories)]
        (content / "entities" / f"{e['id']}.yml").write_text(yaml.safe_dump(e, sort_keys=False), encoding="utf-8")
    return content
