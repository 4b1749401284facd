"""Sentence meaning from the embedding model shipped in its wheel (issue 12)."""
from __future__ import annotations

import socket

import numpy as np
import pytest

from generator.config import ExtractSettings
from generator.nlp import meaning

PARAPHRASE = ("The club fired its head coach after a poor start to the season.",
              "The team parted ways with its coach following a bad opening run.")
UNRELATED = ("The club fired its head coach after a poor start to the season.",
             "Heavy rain flooded several villages in the north of the province.")


def test_loads_from_the_installed_package_without_the_network(monkeypatch):
    def refuse(*_a, **_k):
        raise OSError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    meaning.load_model.cache_clear()
    try:
        c = meaning.cosines(list(PARAPHRASE))
    finally:
        meaning.load_model.cache_clear()
    assert c.shape == (2, 2)


def test_cosines_are_symmetric_unit_diagonal_float32():
    c = meaning.cosines(list(PARAPHRASE) + [UNRELATED[1]])
    assert c.dtype == np.float32
    assert np.allclose(c, c.T, atol=1e-6)
    assert np.allclose(np.diag(c), 1.0, atol=1e-5)
    assert meaning.cosines([]).shape == (0, 0)


def test_a_paraphrase_clears_the_gate_and_another_topic_does_not():
    gate = ExtractSettings().meaning_gate
    assert meaning.cosines(list(PARAPHRASE))[0, 1] > gate
    assert meaning.cosines(list(UNRELATED))[0, 1] < gate


def test_same_text_same_vector_whatever_the_batch():
    alone = meaning.cosines(list(PARAPHRASE))[0, 1]
    batched = meaning.cosines(list(PARAPHRASE) + list(UNRELATED))[0, 1]
    assert alone == pytest.approx(batched, abs=1e-6)


def _similarity_with(monkeypatch, meanings, gate):
    """`align.similarity` of three sentences, the model's cosines replaced by `meanings`."""
    from generator.stories.extract import align
    from generator.stories.extract.sentences import story_sentences
    from tests.story_helpers import analyse, make_article

    texts = ["The council approved the new harbour bridge on Monday after a long debate.",
             "On Monday the council approved the harbour bridge after a long debate.",
             "The council approved the harbour bridge budget on Monday after a debate."]
    arts = [make_article(f"m{i}", t, f"o{i}") for i, t in enumerate(texts)]
    an = analyse(arts)
    settings = ExtractSettings(meaning_gate=gate)
    sents = story_sentences([(a, an[a.id]) for a in arts], settings)
    assert len(sents) == 3
    monkeypatch.setattr(meaning, "cosines", lambda _texts: np.asarray(meanings, dtype=np.float32))
    return align.similarity(sents, align.sentence_matrix(sents), settings)


def test_the_gate_zeroes_pairs_whose_meanings_are_apart_and_keeps_the_rest(monkeypatch):
    meanings = [[1.0, 0.9, 0.1], [0.9, 1.0, 0.1], [0.1, 0.1, 1.0]]
    off = _similarity_with(monkeypatch, meanings, -1.0)
    on = _similarity_with(monkeypatch, meanings, 0.25)
    assert (off[[0, 0, 1], [1, 2, 2]] > 0.17).all()       # the words align all three
    assert on[0, 1] == off[0, 1]                          # meanings close: untouched
    assert on[0, 2] == on[2, 0] == on[1, 2] == 0.0        # meanings apart: never aligned
    assert (np.diag(on) == np.diag(off)).all()


def test_a_one_article_story_never_loads_the_model(monkeypatch):
    from generator.stories.extract import align
    from generator.stories.extract.sentences import story_sentences
    from tests.story_helpers import analyse, make_article

    def refuse(_texts):
        raise AssertionError("model used for a one-article story")

    monkeypatch.setattr(meaning, "cosines", refuse)
    art = make_article("solo", " ".join(PARAPHRASE + UNRELATED[1:]), "o1")
    sents = story_sentences([(art, analyse([art])[art.id])], ExtractSettings())
    assert len(sents) == 3
    sim = align.similarity(sents, align.sentence_matrix(sents), ExtractSettings())
    assert sim.shape == (3, 3)
