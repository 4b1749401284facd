"""Slug and id helpers shared by every stage that names things in `content/`.

Ids are file names and URL parts, so they are lower-case ASCII `[a-z0-9-]`,
deterministic for the same input, and capped in length at a word boundary.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str | None, max_len: int = 60) -> str:
    """`"Council Ready to Act!"` -> `"council-ready-to-act"`; accents folded, '' when nothing is left.

    Apostrophes vanish rather than split words ("Chile's" -> "chiles").
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = re.sub(r"['\u2019`]", "", folded)
    slug = _NON_SLUG.sub("-", folded).strip("-")
    if len(slug) > max_len:
        cut = slug[:max_len + 1]
        # cut at the last whole word when there is one, so ids stay readable
        slug = cut.rsplit("-", 1)[0] if "-" in cut[: max_len + 1] else slug[:max_len]
        slug = slug[:max_len].strip("-")
    return slug


def safe_id(text: str | None, max_len: int = 80) -> str:
    """An id given by the input, made safe: lower case `[a-z0-9-]` (no word-boundary cut)."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", folded).strip("-")[:max_len].strip("-")


def unique_ids(ids: Iterable[str]) -> list[str]:
    """Make ids unique in order: the first keeps its id, repeats get `-2`, `-3`, ...

    Deterministic for the same input order, which the read stage keeps sorted.
    """
    all_ids = list(ids)
    taken = set(all_ids)
    seen: set[str] = set()
    out = []
    for i in all_ids:
        candidate, n = i, 2
        # a suffixed id must not steal an id that appears as itself elsewhere in the batch
        while candidate in seen or (candidate != i and candidate in taken):
            candidate = f"{i}-{n}"
            n += 1
        seen.add(candidate)
        out.append(candidate)
    return out


# An article with no known outlet counts as its own source, labelled by its id.
UNKNOWN_OUTLET = "unknown:"


def outlet_key(outlet: str | None, article_id: str) -> str:
    """The outlet label of an article: its outlet, or 'unknown:<article id>' without one."""
    return outlet or f"{UNKNOWN_OUTLET}{article_id}"


def is_unknown_outlet(label: str) -> bool:
    """True for the label `outlet_key` gives an article with no known outlet."""
    return str(label).startswith(UNKNOWN_OUTLET)
