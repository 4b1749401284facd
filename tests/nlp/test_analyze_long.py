"""Long texts: parsed in pieces joined back into one Doc of exactly the article's text."""
from hypothesis import given, settings, strategies as st

from bench.long_text import long_text
from generator.nlp.analyze import LONG_TEXT, chunks, load_nlp, parse


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab. \n!?"), min_size=0, max_size=400), st.integers(5, 60))
def test_chunks_join_back_to_the_text_and_cut_after_a_sentence_end_or_space(text, size):
    pieces = chunks(text, size)
    assert "".join(pieces) == text
    for piece in pieces[:-1]:
        assert len(piece) >= size and piece[-1].isspace()


def test_a_long_text_is_one_doc_of_the_same_text_with_entities_on_both_sides_of_a_cut():
    text = long_text(LONG_TEXT + 30_000)
    doc = parse(load_nlp(), text)
    assert doc.text == text
    assert len(chunks(text)) > 2
    assert any(e.start_char > LONG_TEXT for e in doc.ents) and any(e.end_char < 50_000 for e in doc.ents)
    assert all(text[e.start_char:e.end_char] == e.text for e in doc.ents)
