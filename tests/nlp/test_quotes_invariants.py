"""Offsets stay verbatim on arbitrary text (quote pairing and date finding, no spaCy)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.nlp.dates import find_dates
from generator.nlp.quotes import quote_spans

PIECES = st.sampled_from(['"', "“", "”", "'", "‘", "’", " ", "\n", "\n\n", "said", "Friday", "on",
                          "December 30", "26 December 2017", "last week", "in 2018", "Peskov", ",", ".",
                          "Russia’s", "countries'", "Dec. 27", "yesterday", "late November", "May"])


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, max_size=40).map(" ".join), st.sampled_from([None, "2017-12-26", "2018-01-03T10:00:00"]))
def test_offsets_verbatim(text, published):
    for a, b in quote_spans(text):
        assert 0 <= a < b <= len(text)
        assert text[a:b].strip() == text[a:b]
        assert "\n" not in text[a:b]
    for d in find_dates(text, published):
        assert text[d.start:d.end] == d.text
        assert len(d.value) in (4, 7, 10)
        if published is None:
            assert any(ch.isdigit() for ch in d.text[-4:])
