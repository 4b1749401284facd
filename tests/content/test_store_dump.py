"""yamlio.dump_yaml builds YAML nodes directly; it must write exactly what PyYAML's
representer (the reference) writes, on real records and on arbitrary plain data."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content import yamlio

ROOT = Path(__file__).resolve().parents[2]


def reference(data) -> str:
    return yaml.dump(data, Dumper=yamlio._Dumper, **yamlio._DUMP_OPTIONS)


def committed_records():
    files = sorted((ROOT / "content").glob("[ase]*/*.yml"))
    if not files:
        pytest.skip("no committed content")
    return [yamlio.load_yaml(p.read_bytes()) for p in files]


def test_committed_records_dump_as_pyyaml_does():
    records = committed_records()
    assert len(records) > 10
    for data in records:
        assert yamlio.dump_yaml(data) == reference(data)


# Text that stresses quoting: YAML indicators, look-alikes of other types, line breaks,
# trailing spaces, unicode and control characters.
tricky = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "yes", "No", "null", "~", "1e3", "0x1F", "12:30", "- a", "a: b", "#c",
                     "'q'", '"q"', "line\nnext", "trail \n", " lead", "@x", "!tag", "%", "{a}",
                     "[1]", "2017-12-26", ".inf", "é “x” \u2028", "\t tab", "a\x07b"]),
)
scalars = st.one_of(tricky, st.integers(), st.booleans(), st.none())
plain = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(tricky, inner, max_size=4)), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(tricky, plain, max_size=6))
def test_any_plain_data_dumps_as_pyyaml_does(data):
    assert yamlio.dump_yaml(data) == reference(data)


def test_values_outside_plain_data_fall_back_to_pyyaml():
    shared = ["a", "b"]
    for data in ({"x": 1.5, "y": float("inf")}, {"a": shared, "b": shared}):
        assert yamlio.dump_yaml(data) == reference(data)
    # a value held twice is written twice: content files refuse aliases (issue 16)
    text = yamlio.dump_yaml({"a": shared, "b": shared})
    assert "&id" not in text and yamlio.load_yaml(text) == {"a": shared, "b": shared}
