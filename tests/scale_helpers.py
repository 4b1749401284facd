"""Fixtures for the scale tests: Articles built straight from the sample corpus text,
so the executor and cache tests do not depend on the read/clean stages."""
from __future__ import annotations

from pathlib import Path

from generator.records import Article

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "content" / "inbox"


def sample_articles(copies: int = 1) -> list[Article]:
    """The inbox texts as Articles (each `copies` times under distinct ids)."""
    out = []
    for c in range(copies):
        for n, path in enumerate(sorted(INBOX.glob("*.txt"))):
            out.append(Article(id=f"sample-{c}-{n}", source_file=str(path), outlet=None, headline=None,
                               published="2017-12-05", published_inferred=False, dateline=None,
                               byline=None, credits=[], text=path.read_text(encoding="utf-8")))
    return out
