"""Identity helpers shared by every stage: slugs and ids, outlet labels, and the one
union-find that decides which items are one (stories, cards, entities).

Ids are file names and URL parts, so they are lower-case ASCII `[a-z0-9-]`,
deterministic for the same input, and capped in length at a word boundary.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Generic, Hashable, Iterable, TypeVar

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['\u2019`]")
# Names Windows refuses for a file whatever its extension: content/articles/con.yml
# could not be checked out there. Such a slug gets a suffix.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})


def _usable(slug: str) -> str:
    return f"{slug}-id" if slug in WINDOWS_RESERVED else slug


# What the schemas accept as an id (editors may write their own): one path component,
# no slash, backslash, white space or control character, not starting with a dot.
_VALID_ID = re.compile(r"[^/\\\s.\x00-\x1f\x7f][^/\\\s\x00-\x1f\x7f]{0,199}")


def valid_id(value: object) -> bool:
    """True when `value` can name a record file (`<kind>/<id>.yml`) inside content/
    on every system: not a name Windows reserves (`con`, `nul.txt`, `COM1`)."""
    return (isinstance(value, str) and _VALID_ID.fullmatch(value) is not None
            and value.split(".")[0].lower() not in WINDOWS_RESERVED)


def slugify(text: str | None, max_len: int | None = 60, *, fold_accents: bool = True, ascii_only: bool = True,
            drop_apostrophes: bool = True, word_cut: bool = True, trim_cut: bool = True,
            max_words: int | None = None, default: str = "") -> str:
    """The project's one slug function: `"Council Ready to Act!"` -> `"council-ready-to-act"`.

    Lower case; every run of other characters becomes one "-"; `default` when nothing
    is left. The options keep each kind of id as it has always been spelt:
    `fold_accents`: accented letters become their ASCII letter ("é" -> "e") rather than
    a separator; `ascii_only=False` keeps letters and digits of any script instead of only
    `[a-z0-9]`; `drop_apostrophes`: apostrophes vanish rather than split words
    ("Chile's" -> "chiles"); `max_len` (None: no limit) cuts at the last whole word
    (`word_cut`) or at that many characters, stripping a "-" left at the cut when
    `trim_cut`; `max_words` keeps the first words only.
    """
    if not text:
        return default
    s = str(text)
    if fold_accents:
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = s.lower()
    if drop_apostrophes:
        s = _APOSTROPHES.sub("", s)
    slug = (_NON_SLUG if ascii_only else _NON_WORD).sub("-", s).strip("-")
    if max_len is not None and len(slug) > max_len:
        if word_cut:
            cut = slug[:max_len + 1]
            # cut at the last whole word when there is one, so ids stay readable
            slug = cut.rsplit("-", 1)[0] if "-" in cut[: max_len + 1] else slug[:max_len]
            slug = slug[:max_len].strip("-")
        else:
            slug = slug[:max_len]
            if trim_cut:
                slug = slug.strip("-")
    if max_words is not None:
        slug = "-".join(slug.split("-")[:max_words])
    return _usable(slug) if slug else default


def safe_id(text: str | None, max_len: int = 80) -> str:
    """An id given by the input, made safe: lower case `[a-z0-9-]` (no word-boundary cut)."""
    return slugify(text, max_len, drop_apostrophes=False, word_cut=False)


def anchor_slug(text: str) -> str:
    """A URL part or page anchor from an id as written: `[a-z0-9-]`, at most 80
    characters, "x" when nothing is left (accents and apostrophes are separators)."""
    return slugify(text, 80, fold_accents=False, drop_apostrophes=False, word_cut=False, trim_cut=False,
                   default="x")


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


def unknown_outlet_article(label: str) -> str | None:
    """The article id in an unknown outlet's label (see `outlet_key`), None for a known outlet."""
    return label[len(UNKNOWN_OUTLET):] if is_unknown_outlet(label) else None


K = TypeVar("K", bound=Hashable)


class UnionFind(Generic[K]):
    """Disjoint sets over hashable items, with path halving.

    The group stage joins articles into stories, the extract stage joins fact cards,
    and entity merging joins names, each with its own rule for which root survives a
    union: the caller picks it (`attach`), so each keeps its deterministic order."""

    def __init__(self, items: Iterable[K] = ()) -> None:
        self.parent: dict[K, K] = {i: i for i in items}

    def add(self, item: K) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: K) -> K:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def attach(self, child_root: K, root: K) -> None:
        """Hang one root under another: the caller decides which root survives."""
        self.parent[child_root] = root
