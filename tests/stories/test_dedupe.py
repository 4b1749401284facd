"""One card per fact, one card per sentence (generator/stories/extract/dedupe.py)."""
from __future__ import annotations

from generator.config import ExtractSettings
from generator.records import Fact
from generator.stories.extract import extract_story
from generator.stories.extract.align import sentence_matrix, similarity
from generator.stories.extract.cards import Card, carried_by, source_refs
from generator.stories.extract.dedupe import dedupe, duplicate_pairs
from generator.stories.extract.sentences import Sentence
from generator.stories.group import StoryGroup
from bench.duplicate_cards import shared_passage_pairs
from tests.story_helpers import make_article, sample_members


def _setup(texts_by_article: list[list[str]]):
    """Articles made of the given sentences, and one Sentence per sentence."""
    arts, sentences = [], []
    for ai, texts in enumerate(texts_by_article):
        text = " ".join(texts)
        arts.append(make_article(f"a{ai}", text, f"outlet{ai}"))
        pos = 0
        for si, t in enumerate(texts):
            start = text.index(t, pos)
            pos = start + len(t)
            sentences.append(Sentence(ai, start, pos, t, si / max(1, len(texts) - 1), frozenset()))
    members = [(a, None) for a in arts]
    return arts, members, sentences


def _card(text: int, cited: list[int], score: float, sentences, members, settings) -> Card:
    outlets, carried = carried_by(cited, cited, sentences, members, settings)
    fact = Fact(f"f{text}", sentences[text].text, "event", source_refs(cited, sentences, members))
    return Card(fact, outlets, score + carried, 0.0, list(cited), text, list(cited), [], carried)


def _verbatim(cards, arts):
    texts = {a.id: a.text for a in arts}
    for c in cards:
        for r in c.fact.sources:
            assert texts[r.article][r.start:r.end] == r.excerpt
        assert len({r.article for r in c.fact.sources}) == len(c.fact.sources), "one sentence per article"


FERRY = [
    ["The ferry between Alton and Brigg resumed service on Monday after two weeks of repairs.",
     "Tickets now cost more at weekends."],
    ["Ferry service between Alton and Brigg resumed on Monday after two weeks of repairs, the operator said."],
    ["The Alton to Brigg ferry resumed its service on Monday after repairs lasting two weeks.",
     "A new bakery opened near the harbour in Brigg."],
]


def test_cards_stating_one_fact_merge_and_their_sources_join():
    settings = ExtractSettings()
    arts, members, sentences = _setup(FERRY)
    sim = similarity(sentences, sentence_matrix(sentences), settings)
    # sentence indices: 0, 1 (a0); 2 (a1); 3, 4 (a2)
    # The first card cites the second card's text: that sentence states both facts.
    first = _card(0, [0, 2, 3], 1.0, sentences, members, settings)
    second = _card(3, [3], 0.5, sentences, members, settings)
    bakery = _card(4, [4], 0.1, sentences, members, settings)
    assert duplicate_pairs([first, second, bakery], sim, sentences, settings) == [(0, 1)]
    out = dedupe([first, second, bakery], sentences, sim, members, settings)
    assert [c.fact.text for c in out] == [FERRY[0][0], FERRY[2][1]]
    assert {r.article for r in out[0].fact.sources} == {"a0", "a1", "a2"}
    assert out[0].outlets == 3
    _verbatim(out, arts)


def test_cards_whose_figures_differ_do_not_merge():
    settings = ExtractSettings()
    texts = [["Repairs to the Alton ferry cost 2 million euros, the operator said on Monday."],
             ["Repairs to the Alton ferry cost 3 million euros, the operator said on Monday."]]
    arts, members, sentences = _setup(texts)
    sim = similarity(sentences, sentence_matrix(sentences), settings)
    a = _card(0, [0, 1], 1.0, sentences, members, settings)
    b = _card(1, [1], 0.5, sentences, members, settings)
    assert duplicate_pairs([a, b], sim, sentences, settings) == []
    out = dedupe([a, b], sentences, sim, members, settings)
    assert len(out) == 2
    # The second sentence is the second card's text: cited there, not on the first card too.
    assert [r.article for r in out[0].fact.sources] == ["a0"]
    assert [r.article for r in out[1].fact.sources] == ["a1"]
    _verbatim(out, arts)


def test_a_card_text_is_cited_on_its_own_card_only():
    settings = ExtractSettings(duplicate_similarity=2.0)  # no merging: only the citation rule
    arts, members, sentences = _setup(FERRY)
    sim = similarity(sentences, sentence_matrix(sentences), settings)
    ferry = _card(0, [0, 2, 3], 2.0, sentences, members, settings)
    repairs = _card(3, [3], 1.0, sentences, members, settings)
    out = dedupe([ferry, repairs], sentences, sim, members, settings)
    assert shared_passage_pairs([c.fact for c in out]) == []
    assert [r.article for r in out[0].fact.sources] == ["a0", "a1"]
    assert out[0].outlets == 2 and out[1].outlets == 1
    _verbatim(out, arts)


def test_sample_story_shows_fewer_shared_passages():
    arts, analyses = sample_members()
    members = [(a, analyses[a.id]) for a in arts]
    group = StoryGroup("sample", [a.id for a in arts])
    before = extract_story(group, members, ExtractSettings(dedupe=False))
    after = extract_story(group, members, ExtractSettings())
    assert len(shared_passage_pairs(after.facts)) < len(shared_passage_pairs(before.facts))
    # A passage that is a card's text is cited on that card only.
    own = {(r.article, r.start): f.id for f in after.facts for r in f.sources if r.excerpt == f.text}
    for f in after.facts:
        for r in f.sources:
            assert own.get((r.article, r.start), f.id) == f.id, (f.text, r.excerpt)
    by_id = {a.id: a.text for a in arts}
    for f in after.facts:
        for r in f.sources:
            assert by_id[r.article][r.start:r.end] == r.excerpt
