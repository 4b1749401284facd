"""Fact cards, summary and title: alignment, the excerpt invariant, no repeats, ranking."""
from __future__ import annotations

import re

import pytest

from generator.config import ExtractSettings
from generator.ids import outlet_key
from generator.stories.extract import extract_story
from generator.stories.extract.align import sentence_matrix, similarity
from generator.stories.extract.cards import fact_id, kind_of
from generator.stories.extract.sentences import clarity, is_clean_sentence, story_sentences
from generator.stories.group import StoryGroup
from tests.story_helpers import analyse, make_article, sample_members

A = ("The city council of Lyon voted on Monday to close the Croix-Rousse tunnel to cars from March. "
     "Mayor Gregory Doucet said the tunnel would become a cycle route. "
     "The decision follows two years of complaints about air pollution in the tunnel. "
     "Local bakers complained about parking charges near the market.")
B = ("Cars will be banned from the Croix-Rousse tunnel in Lyon from March after a council vote on Monday. "
     "The tunnel will be turned into a cycle route, Lyon mayor Gregory Doucet said. "
     "A new football stadium opened in the suburb of Decines last year.")
C = ("Lyon's councillors decided on Monday that the Croix-Rousse tunnel will be closed to motor traffic "
     "from March. Doucet told reporters that cyclists would take over the tunnel. "
     "Heavy rain flooded several streets in the old town on Sunday.")


def _story(texts, outlets=None, headlines=None):
    arts = [make_article(f"a{i}", t, (outlets or [f"o{i}" for i in range(len(texts))])[i],
                         headline=(headlines or [None] * len(texts))[i])
            for i, t in enumerate(texts)]
    an = analyse(arts)
    members = [(a, an[a.id]) for a in arts]
    return extract_story(StoryGroup("s", [a.id for a in arts]), members), arts


def _card_with(story, needle):
    cards = [f for f in story.facts if needle.lower() in f.text.lower()
             or any(needle.lower() in s.excerpt.lower() for s in f.sources)]
    assert cards, f"no card mentions {needle!r}"
    return cards[0]


def _assert_invariant(story, articles):
    texts = {a.id: a.text for a in articles}
    for fact in story.facts:
        assert fact.sources
        assert len({s.article for s in fact.sources}) == len(fact.sources), "one sentence per article"
        for ref in fact.sources:
            assert texts[ref.article][ref.start:ref.end] == ref.excerpt


def test_paraphrases_align_and_unrelated_sentences_do_not():
    story, arts = _story([A, B, C])
    _assert_invariant(story, arts)
    closure = _card_with(story, "tunnel to cars")
    assert {s.article for s in closure.sources} == {"a0", "a1", "a2"}
    cycle = _card_with(story, "cycle route")
    assert {"a0", "a1"} <= {s.article for s in cycle.sources}
    for unrelated in ("bakers", "football stadium", "Heavy rain"):
        assert len(_card_with(story, unrelated).sources) == 1


def test_cards_rank_by_outlets_first():
    story, _ = _story([A, B, C])
    counts = [len({s.article for s in f.sources}) for f in story.facts]
    assert counts[0] == max(counts)
    assert counts[0] >= 2 and counts[-1] == 1


def test_fact_ids_derive_from_text_and_are_stable_across_runs():
    one, _ = _story([A, B, C])
    two, _ = _story([C, A, B])
    assert {f.id: f.text for f in one.facts} == {f.id: f.text for f in two.facts}
    for f in one.facts:
        assert f.id.startswith(fact_id(f.text))
    assert len({f.id for f in one.facts}) == len(one.facts)


def test_summary_cites_cards_and_never_repeats_itself():
    story, _ = _story([A, B, C])
    by_id = {f.id: f for f in story.facts}
    # a short story: fewer key points than the minimum when fewer cards stand alone
    assert 1 <= len(story.summary) <= ExtractSettings().summary_max
    for item in story.summary:
        assert len(item.facts) == 1 and item.facts[0] in by_id
    sentences = story.summary_sentences()
    assert sentences == [by_id[item.facts[0]].text for item in story.summary]
    # The three tunnel-closure sentences are one fact: only one of them may be in the summary.
    closures = [s for s in sentences if "March" in s]
    assert len(closures) == 1
    x = sentence_matrix(story_sentences(
        [(make_article(f"s{i}", s), _fake_analysis(s)) for i, s in enumerate(sentences)],
        ExtractSettings()))
    sims = (x @ x.T).toarray()
    # Independent check with a fresh TF-IDF over the summary alone: no two of its
    # sentences may be near-copies of each other.
    for i in range(len(story.summary)):
        for j in range(i + 1, len(story.summary)):
            assert sims[i, j] < 0.5


def _fake_analysis(text):
    from generator.records import Analysis

    return Analysis("x", [(0, len(text))])


def test_single_source_story_and_unknown_outlet():
    story, arts = _story([A], outlets=[None])
    assert story.single_source
    assert story.outlets == [outlet_key(arts[0].outlet, arts[0].id)] == ["unknown:a0"]
    assert story.date == "2017-12-26"


def test_title_prefers_a_fitting_headline_else_cuts_the_top_card():
    story, _ = _story([A, B], headlines=["Lyon closes Croix-Rousse tunnel to cars", "Latest news"])
    assert story.title == "Lyon closes Croix-Rousse tunnel to cars"
    story, _ = _story([A, B])
    top = story.facts[0].text
    assert top.startswith(story.title) and len(story.title.split()) <= 18


@pytest.mark.parametrize("text, ok", [
    ("The council voted on Monday to close the tunnel to cars.", True),
    ("Tillerson calls out China and Russia over North Korea", False),   # headline, no stop
    ("Skip to main content and read more about cookies here.", False),
    ("and then the mayor said it would happen soon enough.", False),     # starts mid-sentence
    ("Yes.", False),
])
def test_clean_sentence_filter(text, ok):
    assert is_clean_sentence(text, ExtractSettings()) is ok


def test_clarity_penalises_dangling_and_fragment_sentences():
    full = "Kremlin spokesman Dmitry Peskov said Russia was ready to mediate between the two sides."
    assert clarity(full) > clarity('"We are ready to help both sides if they want it," he added.')
    assert clarity(full) > clarity("It is impossible, you need both sides to be willing,\u201d Peskov said.")
    # A framing clause leans on an earlier report: a plain statement of the fact reads better.
    assert clarity("The council imposed new fines on the three firms on Monday.") > clarity(
        "The move comes as the council imposed new fines on the three firms on Monday.")


@pytest.mark.parametrize("text, kind", [
    ("Peskov said Russia was ready to mediate between the two countries.", "statement"),
    ("The resolution caps refined petroleum imports at 500,000 barrels a year.", "figure"),
    ("The Security Council imposed new sanctions on the country on Friday.", "event"),
    ("Pyongyang has long defended its weapons programme as a deterrent.", "background"),
])
def test_kind_cues(text, kind):
    assert kind_of(text) == kind


def test_similarity_is_symmetric_and_higher_for_paraphrase():
    arts = [make_article("p", A), make_article("q", B)]
    an = analyse(arts)
    sents = story_sentences([(a, an[a.id]) for a in arts], ExtractSettings())
    sim = similarity(sents, sentence_matrix(sents), ExtractSettings())
    assert (abs(sim - sim.T) < 1e-9).all()
    closure_a = next(i for i, s in enumerate(sents) if s.article == 0 and "voted" in s.text)
    closure_b = next(i for i, s in enumerate(sents) if s.article == 1 and "banned" in s.text)
    stadium = next(i for i, s in enumerate(sents) if "stadium" in s.text)
    assert sim[closure_a, closure_b] > sim[closure_a, stadium]


# ---------------------------------------------------------------- the sample corpus
@pytest.fixture(scope="module")
def sample_story():
    arts, analyses = sample_members()
    members = [(a, analyses[a.id]) for a in sorted(arts, key=lambda a: a.id)]
    story = extract_story(StoryGroup("sample", [a.id for a, _ in members]), members)
    return story, [a for a, _ in members]


def test_sample_story_excerpt_invariant_over_every_ref(sample_story):
    story, arts = sample_story
    _assert_invariant(story, arts)
    assert len(story.outlets) == 5 and not story.single_source
    settings = ExtractSettings()
    # five outlets with many facts that stand alone: at least the minimum, never more than the maximum
    assert settings.summary_min <= len(story.summary) <= settings.summary_max


def _cards_matching(story, *patterns):
    return [f for f in story.facts if all(re.search(p, f.text, re.I) for p in patterns)]


def test_sample_story_covers_the_offer_and_its_condition(sample_story):
    story, _ = sample_story
    offer = _cards_matching(story, r"mediat", r"both sides|two sides|if ")
    assert offer
    # Read by hand: the offer with its condition is stated by 003 (IANS) and 004 (DW) in
    # one sentence each, and 000 (defapress) in its lead; the best card cites at least two.
    assert max(len(f.sources) for f in offer) >= 2


def test_sample_story_covers_sanctions_missile_test_and_calls(sample_story):
    story, _ = sample_story
    sanctions = _cards_matching(story, r"Security Council|UN ", r"sanction")
    assert sanctions and max(len(f.sources) for f in sanctions) >= 2
    assert _cards_matching(story, r"petroleum|energy supplies|exports")       # what they restrict
    assert _cards_matching(story, r"missile", r"test|launch")                  # the test behind them
    assert _cards_matching(story, r"Lavrov", r"Tillerson")                     # the diplomatic call
    assert _cards_matching(story, r"phone conversation|phone call", r"Trump|Tillerson")


def test_summary_skips_a_second_card_restating_a_chosen_fact():
    # Article one states the closure twice in different words; at most one sentence per
    # article goes on a card, so the restatement becomes a second card. The summary must
    # still carry the closure once.
    one = ("The city council of Lyon voted on Monday to close the Croix-Rousse tunnel to cars from March. "
           "Residents of the Croix-Rousse hill have long complained about traffic noise at night. "
           "On Monday the council decided the Croix-Rousse tunnel will close to cars from March. "
           "A new bakery opened near the town hall to long queues of customers.")
    two = ("Cars will be banned from the Croix-Rousse tunnel in Lyon from March after a council vote on Monday. "
           "Students at the university staged a sit-in over tuition fees last week. "
           "The regional train operator announced new timetables for the summer season.")
    story, arts = _story([one, two])
    _assert_invariant(story, arts)
    closure_cards = [f for f in story.facts if "Croix-Rousse tunnel" in f.text]
    assert len(closure_cards) >= 2, "setup: the restatement is a card of its own"
    assert sum("Croix-Rousse tunnel" in s for s in story.summary_sentences()) == 1
    assert len(story.summary) >= 3


def test_closing_quote_left_outside_by_the_splitter_is_taken_in():
    text = 'Peskov added that the readiness of Russia to help was "obvious." Then others spoke at length.'
    art = make_article("q", text)
    from generator.records import Analysis

    end = text.index('obvious.') + len('obvious.')
    sents = story_sentences([(art, Analysis("q", [(0, end), (end + 2, len(text))]))], ExtractSettings())
    assert sents[0].text.endswith('"obvious."')
    assert text[sents[0].start:sents[0].end] == sents[0].text


def test_summary_takes_corroborated_facts_before_single_outlet_ones():
    import numpy as np

    from generator.stories.extract.cards import Card
    from generator.stories.extract.summary import summarise
    from generator.records import Fact

    def card(n: int, outlets: int) -> Card:
        text = f"Officials in district number {n} reported that the bridge reopened to traffic on schedule."
        return Card(fact=Fact(id=f"f-{n}", text=text, kind="event", sources=[]), outlets=outlets,
                     score=10.0 - n, position=float(n), members=[n])

    cards = [card(0, 3), card(1, 1), card(2, 2), card(3, 1), card(4, 2), card(5, 1)]
    sim = np.zeros((6, 6), dtype=np.float32)
    three = summarise(cards, sim, ExtractSettings(summary_min=3, summary_max=3))
    assert {i.facts[0] for i in three} == {"f-0", "f-2", "f-4"}
    # with room left, the best single-outlet card fills it
    four = summarise(cards, sim, ExtractSettings(summary_min=3, summary_max=4))
    assert {i.facts[0] for i in four} == {"f-0", "f-1", "f-2", "f-4"}


def test_key_points_break_an_outlet_tie_by_centrality_not_by_aligned_outlets():
    import numpy as np

    from generator.stories.extract.cards import Card
    from generator.stories.extract.summary import summarise
    from generator.records import Fact

    def card(n: int, aligned: int, rest: float) -> Card:
        # cited by two outlets; `aligned` of them state the text whole, the others
        # support it; `rest` is the centrality, position and clarity part of the rank
        text = f"Officials in district number {n} reported that the bridge reopened to traffic on schedule."
        return Card(fact=Fact(id=f"f-{n}", text=text, kind="event", sources=[]), outlets=2,
                    score=aligned + rest, position=float(n), members=[n], carried=float(aligned))

    cards = sorted([card(0, 2, 0.3), card(1, 1, 0.8), card(2, 1, 0.5)], key=lambda c: -c.score)
    assert cards[0].fact.id == "f-0"  # first in rank order: two aligned outlets
    sim = np.zeros((3, 3), dtype=np.float32)
    chosen = summarise(cards, sim, ExtractSettings(summary_min=1, summary_max=1))
    assert [i.facts[0] for i in chosen] == ["f-1"]


def test_key_points_take_the_facts_most_outlets_carry_first_and_skip_restatements():
    from scipy.sparse import csr_matrix

    from generator.stories.extract.cards import Card
    from generator.stories.extract.summary import summarise
    from generator.records import Fact

    texts = ["The harbour authority closed the north pier on Friday after a storm damaged it.",
             "A storm damaged the north pier, and the harbour authority closed it on Friday.",
             "Fishing boats will moor at the south quay until the repairs end in May.",
             "The repairs are expected to cost the port about 400,000 euros.",
             "A local choir sang at the reopening of the old lighthouse museum."]
    outlets = [2, 4, 3, 3, 1]

    def card(n: int) -> Card:   # rank order = list order: the first card ranks highest
        return Card(fact=Fact(id=f"f-{n}", text=texts[n], kind="event", sources=[]), outlets=outlets[n],
                    score=10.0 - n, position=n / 10, members=[n], text=n, cited=[n])

    import numpy as np

    rows = np.eye(5, dtype=np.float32)
    rows[1] = rows[0]  # the second text restates the first: identical rows, cosine 1
    x = csr_matrix(rows)
    sim = np.zeros((5, 5), dtype=np.float32)
    chosen = [i.facts[0] for i in summarise([card(n) for n in range(5)], sim,
                                            ExtractSettings(summary_min=3, summary_max=3), x)]
    # Four outlets' version of the pier fact leads; the two-outlet restatement is left out.
    assert chosen[0] == "f-1" and "f-0" not in chosen
    assert set(chosen) == {"f-1", "f-2", "f-3"}


def test_key_points_never_fall_back_on_a_line_that_does_not_stand_alone():
    import numpy as np

    from generator.stories.extract.cards import Card
    from generator.stories.extract.summary import summarise
    from generator.records import Fact

    texts = ["The harbour authority closed the north pier on Friday after a storm damaged it.",
             "Fishing boats will moor at the south quay until the repairs end in May.",
             "He said the repairs would cost the port about 400,000 euros."]

    def card(n: int, problem: str | None) -> Card:
        return Card(fact=Fact(id=f"f-{n}", text=texts[n], kind="event", sources=[]), outlets=3 - n,
                    score=10.0 - n, position=n / 10, members=[n], problem=problem)

    cards = [card(0, None), card(1, None), card(2, "reference")]
    sim = np.zeros((3, 3), dtype=np.float32)
    chosen = [i.facts[0] for i in summarise(cards, sim, ExtractSettings(summary_min=3, summary_max=3))]
    # two key points that stand alone rather than a third that points at someone unnamed
    assert sorted(chosen) == ["f-0", "f-1"]


def test_key_points_stop_at_the_word_budget_once_the_minimum_is_met():
    import numpy as np

    from generator.stories.extract.cards import Card
    from generator.stories.extract.summary import summarise
    from generator.records import Fact

    def card(n: int) -> Card:  # 15 words each
        text = f"Officials in district number {n} reported that the old bridge reopened to traffic on schedule today."
        return Card(fact=Fact(id=f"f-{n}", text=text, kind="event", sources=[]), outlets=1,
                    score=10.0 - n, position=n / 10, members=[n])

    cards = [card(n) for n in range(6)]
    sim = np.zeros((6, 6), dtype=np.float32)

    def count(**kw) -> int:
        return len(summarise(cards, sim, ExtractSettings(**kw)))

    assert count(summary_min=2, summary_max=5, summary_words=40) == 3  # 45 words reach 40
    assert count(summary_min=2, summary_max=5, summary_words=10) == 2  # the minimum comes first
    assert count(summary_min=2, summary_max=5, summary_words=500) == 5  # never past the maximum


def test_dateline_and_wire_prefix_are_trimmed_off_card_texts_at_their_own_offsets():
    a = "LYON (Wire) - " + A
    b = "Lyon, Mar 3 (AFP) " + B
    story, arts = _story([a, b, C])
    _assert_invariant(story, arts)
    for fact in story.facts:
        assert not fact.text.startswith(("LYON", "Lyon, Mar")), fact.text
    card = _card_with(story, "Croix-Rousse tunnel")
    starts = {s.article: s.start for s in card.sources}
    assert starts["a0"] == len("LYON (Wire) - ") and starts["a1"] == len("Lyon, Mar 3 (AFP) ")
    # a prefix followed by lower case is not trimmed (what follows would not open a sentence)
    from generator.stories.extract.sentences import after_dateline
    text = "PARIS - officials said the council voted."
    assert after_dateline(text, 0, len(text)) == 0


def test_title_is_never_a_subscription_line_a_post_or_a_quote_piece():
    junk = ["This story appears in the March 3 issue of the magazine. Subscribe",
            "Just wanted to let you know I'm okay", "the tunnel is \"a disaster for"]
    for headline in junk:
        story, _ = _story([A, B], headlines=[headline, None])
        assert story.title != headline
        assert any(f.text.startswith(story.title) for f in story.facts), story.title
