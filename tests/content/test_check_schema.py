"""The fast schema predicate agrees with jsonschema on valid and broken records."""
from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content import schema
from tests.edits_helpers import corpus

ARTICLES, STORIES, ENTITIES = corpus(seed=4)
RECORDS = [("article", a.to_dict()) for a in ARTICLES[:1]] + [("story", STORIES[0].to_dict()),
                                                              ("entity", ENTITIES[0].to_dict())]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=5),
                   st.sampled_from(["2017-12-01", "event", "person", "a/b", ".x"]), st.just([]), st.just({}))


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, prefix + (i,))


@settings(max_examples=150, deadline=None)
@given(which=st.integers(0, len(RECORDS) - 1), pick=st.integers(0, 10_000), value=VALUES,
       delete=st.booleans())
def test_fast_predicate_agrees_with_jsonschema(which, pick, value, delete):
    kind, record = RECORDS[which]
    data = copy.deepcopy(record)
    all_paths = [p for p in paths(data) if p]
    path = all_paths[pick % len(all_paths)]
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    slow = not any(True for _ in schema._validator(kind).iter_errors(data))
    assert schema._fast_valid(kind)(data) == slow


def test_generated_records_are_valid():
    for kind, record in RECORDS:
        assert schema.schema_problems(record, kind) == []
