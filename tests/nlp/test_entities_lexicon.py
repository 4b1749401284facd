"""The word lists in generator/nlp/lexicon/ and the one slug function."""
from __future__ import annotations

import re

import pytest

from generator.ids import anchor_slug, safe_id, slugify
from generator.nlp import lexicon
from generator.nlp.entities import slug as entity_slug


def test_every_list_says_where_it_comes_from():
    files = sorted(lexicon.LEXICON_DIR.glob("*.txt"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path.name


@pytest.mark.parametrize("name", ["titles", "reporting", "org_heads", "newsroom_nouns"])
def test_every_tag_is_explained_in_the_header(name):
    text = (lexicon.LEXICON_DIR / f"{name}.txt").read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    tags = {t for row in lexicon.rows(name) for t in row[1].split()}
    assert tags
    for tag in tags:
        assert f"# {tag}:" in header, (name, tag)


def test_lists_are_read_once():
    assert lexicon.rows("titles") is lexicon.rows("titles")


def test_countries_give_places_and_demonyms():
    places, demonyms = lexicon.places(), lexicon.demonyms()
    assert "Canberra" in places["australia"]
    assert demonyms["australia"] == "australian" and demonyms["usa"] == "us"


def test_slug_options():
    assert slugify("Council's plan: Ready to Act!") == "councils-plan-ready-to-act"
    assert slugify("one two three four five", max_words=2) == "one-two"
    assert slugify("", default="story") == "story"
    assert safe_id("Café's ID") == "cafe-s-id"
    assert anchor_slug("Café") == "caf" and anchor_slug("") == "x"
    assert re.fullmatch(r"[a-z0-9-]+", slugify("x" * 30 + " " + "y" * 40, 50))
    # Entity ids keep the letters of any script their name key keeps.
    assert entity_slug("Søren Berg") == "søren-berg"
