"""Clean stage invariants on arbitrary text (hypothesis)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ingest.clean import clean_text, normalise

LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"), max_size=80),
    st.sampled_from(["Share this", "Read more", "The council met on Monday.", "https://x.org/a", "", "  ",
                     "Mayor Signs Budget\"We did it,\" she said.", "1. Home", "\u00a0", "Photo: AP"]),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(LINE, max_size=25), st.booleans())
def test_clean_text_invariants(lines, structured):
    raw = "\n".join(lines)
    out = clean_text(raw, structured=structured)
    text = out.text
    assert "\n\n\n" not in text and text == text.strip()
    assert "\u00a0" not in text
    paras = text.split("\n\n") if text else []
    assert all(p and p == p.strip() and "\n" not in p for p in paras)
    # nothing is invented: every kept paragraph is made of the input's own (normalised) words
    flat = " ".join(normalise(raw).split())
    for p in paras:
        assert all(word in flat for word in p.split())
    assert all(r.reason for r in out.removed)
    assert clean_text(raw, structured=structured) == out  # deterministic
