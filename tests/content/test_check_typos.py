"""Which unknown keys are typos (errors) and which are an editor's own (allowed)."""
from __future__ import annotations

import pytest

from generator.content import loader, schema

FACT_KEYS = list(schema.schema("story")["properties"]["facts"]["items"]["properties"])
STORY_KEYS = list(schema.schema("story")["properties"])


@pytest.mark.parametrize("typo, meant, keys", [
    ("hiden", "hidden", FACT_KEYS), ("qoutes", "quotes", STORY_KEYS), ("txet", "text", FACT_KEYS),
    ("kidn", "kind", FACT_KEYS), ("Hidden", "hidden", FACT_KEYS), ("sumary", "summary", STORY_KEYS),
    ("entites", "entities", FACT_KEYS), ("soruces", "sources", FACT_KEYS)])
def test_a_keystroke_slip_is_a_typo_of_the_key_known_there(typo, meant, keys):
    assert schema.close_key(typo, keys) == meant


@pytest.mark.parametrize("word", ["notes", "note", "comment", "comments", "reviewed", "reviewer",
                                  "checked", "verified", "editor", "context", "status", "updated",
                                  "todo", "source_url", "published_by", "priority", "tags"])
def test_an_editor_word_is_not_a_typo(word):
    assert schema.close_key(word, FACT_KEYS) is None
    assert schema.close_key(word, STORY_KEYS) is None


def test_keys_are_compared_with_those_known_at_their_own_place():
    # `kidn` is a typo on a fact card; on an entity `kind` is known too, on a source not.
    story = {"id": "s", "facts": [{"id": "f", "text": "t", "kidn": "event", "sources": [
        {"article": "a", "excerpt": "e", "start": 0, "end": 1, "kidn": 1}]}]}
    found = schema.key_typos(story, "story")
    assert [(path, guess) for path, _, guess in found] == [(["facts", 0, "kidn"], "kind")]


def test_under_notes_and_with_an_x_prefix_anything_goes():
    story = {"id": "s", "notes": {"hiden": True, "txet": "draft"}, "x-hiden": True,
             "facts": [{"id": "f", "notes": ["kidn"], "x-txet": 1}]}
    assert schema.key_typos(story, "story") == []


def test_the_typo_is_the_one_problem_not_also_the_missing_key(tmp_path):
    path = tmp_path / "e.yml"
    path.write_text("id: e\nname: E\nkidn: person\naliases: []\nstories: []\n", encoding="utf-8")
    data, problems = loader.load_record(path, "entity")
    assert data is None                                       # the site skips it
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 1, "unknown key 'kidn' (did you mean 'kind'?)")]
