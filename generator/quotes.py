"""Direct quotes and their speakers (issue 4)."""
from __future__ import annotations

from generator.records import QuoteMention


def find_quotes(doc, text: str) -> list[QuoteMention]:
    """Every direct quote in one article, with its speaker as written."""
    return []  # TODO issue 4
