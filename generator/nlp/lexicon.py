"""Word lists of English news copy, each loaded once from a data file in `lexicon/`.

Every file starts with comment lines saying where its list comes from and what each
column or tag means. A line is one entry: fields separated by " | ". Lists that several
stages use (title and role words, reporting verbs, institution heads) are one file
each, and a tag on every entry says which use takes it, so each caller keeps exactly
its own subset and a shared word is written once.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).with_name("lexicon")


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of `lexicon/<name>.txt` in file order, each split into stripped fields."""
    text = (LEXICON_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(tuple(f.strip() for f in line.split(" | ")) for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


def words(name: str) -> frozenset[str]:
    """A plain list (one word a line) as a set."""
    return frozenset(row[0] for row in rows(name))


def tagged(name: str, tag: str) -> tuple[str, ...]:
    """The words of a tagged list (`word | tag tag ...`) that carry `tag`, in file order."""
    return tuple(row[0] for row in rows(name) if tag in row[1].split())


def word_set(name: str, tag: str) -> frozenset[str]:
    return frozenset(tagged(name, tag))


def mapping(name: str) -> dict[str, str]:
    """A two-column list (`key | value`) as a dict, in file order."""
    return {row[0]: row[1] for row in rows(name)}


def _items(field: str) -> list[str]:
    return [f.strip() for f in field.split(",") if f.strip()]


def places() -> dict[str, tuple[str, ...]]:
    """Country id -> its surface forms as written (countries.txt rows with an id)."""
    return {row[0]: tuple(_items(row[3])) for row in rows("countries") if row[0]}


def demonyms() -> dict[str, str]:
    """Lower-case comparison key of a country's name -> its demonym (countries.txt)."""
    return {key: row[2] for row in rows("countries") for key in _items(row[1]) if row[2]}


def alternation(name: str, tag: str) -> str:
    """The `tag` entries of a tagged list as a regex alternation (file order, escaped
    except that a space matches one space)."""
    import re

    return "|".join(re.escape(w).replace("\\ ", " ") for w in tagged(name, tag))
