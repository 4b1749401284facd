"""Date expressions resolved against the publication date (issue 4)."""
from __future__ import annotations

from generator.records import DateMention


def find_dates(text: str, published: str | None, doc=None) -> list[DateMention]:
    """Every date expression in `text`, resolved to ISO with the precision known."""
    return []  # TODO issue 4
