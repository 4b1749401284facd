"""Precision of fact-card citations: a card cites only passages that state its fact.

Held-out synthetic stories written for these tests (other places, other people, other
wording than the sample), each judged by reading: the same people in two different
events, a question put to a speaker that is not his answer, the occasion of a remark.
Plus the building blocks: name terms, content overlap, relative clauses, fragments.
"""
from __future__ import annotations

import pytest

from generator.config import ExtractSettings
from generator.nlp.terms import attribution_spans, background_terms, core_terms, name_terms
from generator.stories.extract.align import content_shared, story_names, term_weights
from generator.stories.extract.sentences import is_fragment, story_sentences
from tests.story_helpers import analyse, make_article
from test_extract_alignment import _invariant, _story, _together


def _cites(story, card_needle, excerpt_needle) -> bool:
    """The card whose text contains card_needle cites a passage containing excerpt_needle."""
    cards = [f for f in story.facts if card_needle in f.text]
    assert cards, card_needle
    return any(excerpt_needle in s.excerpt for f in cards for s in f.sources)


# ---------------------------------------------------------------- the same people, two events
HOLT_A = (
    "Prime Minister Jane Holt and opposition leader Tom Reyes clashed over the budget in parliament on Monday. "
    "Holt accused Reyes of blocking the spending bill to force an early election. "
    "The finance ministry said the bill would fund new hospitals in the north.")
HOLT_B = (
    "Prime Minister Jane Holt and opposition leader Tom Reyes laid wreaths together at the war memorial on Sunday. "
    "Opposition leader Tom Reyes blocked the spending bill in a vote on Monday, Prime Minister Jane Holt said. "
    "Thousands of veterans marched through the capital in the rain.")
HOLT_C = (
    "Prime Minister Jane Holt met opposition leader Tom Reyes at a charity football match in Leeds last month. "
    "The spending bill failed in parliament on Monday after Reyes and his party voted against it.")


@pytest.fixture(scope="module")
def holt():
    return _story([HOLT_A, HOLT_B, HOLT_C])


def test_same_people_in_different_events_do_not_share_a_card(holt):
    story, arts = holt
    _invariant(story, arts)
    assert not _together(story, "clashed over the budget", "laid wreaths together")
    assert not _together(story, "laid wreaths together", "charity football match")
    assert not _together(story, "clashed over the budget", "charity football match")


def test_same_people_in_one_event_still_share_a_card(holt):
    story, _ = holt
    assert _together(story, "accused Reyes of blocking the spending bill", "blocked the spending bill in a vote")


# ---------------------------------------------------------------- the question is not the answer
MAYOR_A = (
    "The mayor of Porto said on Friday that the city was ready to host the climate summit if the government asked. "
    "Hotels in the old town reported a surge in bookings for the spring.")
MAYOR_B = (
    "Traffic around the harbour will be the main problem, the mayor said when asked whether the city was ready "
    "to host the climate summit. "
    "The city council will vote on a new tram line in March.")
MAYOR_C = (
    "Porto is prepared to host the climate summit should the government request it, its mayor said. "
    "Fishing boats stayed in port because of the storm.")


@pytest.fixture(scope="module")
def mayor():
    return _story([MAYOR_A, MAYOR_B, MAYOR_C])


def test_a_question_put_to_the_speaker_is_not_what_he_said(mayor):
    story, arts = mayor
    _invariant(story, arts)
    assert not _together(story, "ready to host the climate summit if", "Traffic around the harbour")
    assert not _together(story, "prepared to host the climate summit", "Traffic around the harbour")


def test_when_asked_clause_is_attribution():
    text = "Traffic will be the main problem, the mayor said when asked whether the city was ready to host it."
    spans = attribution_spans(text)
    assert any(s <= text.index("ready") < e for s, e in spans)
    assert not any(s <= text.index("Traffic") < e for s, e in spans)
    # A condition inside the fact ("if asked to") is not a question put to the speaker.
    text = "The city is ready to host the summit if asked to, officials said."
    assert not any(s <= text.index("asked") < e for s, e in attribution_spans(text))


# ---------------------------------------------------------------- the occasion of a remark
BANK_A = (
    "The dockworkers' union, which now talks of a strike over pensions, backed the port merger in Friday's vote. "
    "Shares in the port operator rose five percent in early trading.")
BANK_B = (
    "Commenting on the talks, the transport minister said the port operator could count on the government's backing "
    "for its expansion plans. "
    "Shares in the port operator rose five percent on Friday.")


@pytest.fixture(scope="module")
def bank():
    return _story([BANK_A, BANK_B])


def test_occasion_of_a_remark_does_not_back_a_card(bank):
    story, arts = bank
    _invariant(story, arts)
    assert not _together(story, "backed the port merger", "Commenting on the talks")
    assert _together(story, "rose five percent in early trading", "rose five percent on Friday")


def test_occasion_clause_is_attribution():
    text = "Commenting on the talks, the minister said the bank could count on support."
    spans = attribution_spans(text)
    assert any(s <= text.index("talks") < e for s, e in spans)
    assert not any(s <= text.index("bank") < e for s, e in spans)


# ---------------------------------------------------------------- building blocks
def test_name_terms_are_people_places_bodies_and_roles():
    text = "Foreign Minister Anna Lind told the European Union that Sweden would send aid, the spokesman said."
    mentions = [(text.index("Anna"), text.index("Anna") + len("Anna Lind"), "Anna Lind", "PERSON"),
                (text.index("the European"), text.index(" that"), "the European Union", "ORG"),
                (text.index("Sweden"), text.index("Sweden") + 6, "Sweden", "GPE")]
    names = name_terms(text, mentions)
    core = core_terms(text, mentions)
    for t in ("w:anna", "w:lind", "w:foreign", "w:minist", "w:european", "w:union", "a:eu", "w:sweden",
              "w:spokesman"):
        assert t in names, t
    assert "w:aid" not in names and "w:send" not in names      # what happened
    assert "w:aid" in core
    # Places of the gazetteer are names even where the tagger missed them.
    assert "g:russia" in name_terms("Moscow offered help.") and "w:moscow" in name_terms("Moscow offered help.")


def test_content_overlap_ignores_shared_names():
    texts = ["President Ana Silva and General Paulo Costa opened the new bridge over the river on Monday.",
             "President Ana Silva and General Paulo Costa attended a football final in the capital.",
             "The bridge over the river was opened on Monday by President Ana Silva."]
    arts = [make_article(f"n{i}", t) for i, t in enumerate(texts)]
    an = analyse(arts)
    sents = story_sentences([(a, an[a.id]) for a in arts], ExtractSettings())
    weight, names = term_weights(sents), story_names(sents)
    same_people = content_shared(sents[0].core, sents[1].core, weight, names)
    same_event = content_shared(sents[0].core, sents[2].core, weight, names)
    assert same_people < ExtractSettings().min_content_shared < same_event


def test_relative_clause_terms_are_background():
    text = "Rebels threatened the towns that supported the deal which was signed in Geneva after long talks."
    bg = background_terms(text, core_terms(text))
    assert {"w:sign", "w:geneva", "w:talk"} <= bg
    assert "w:threaten" not in bg and "w:rebel" not in bg
    assert background_terms("Rebels signed the deal in Geneva.", core_terms("Rebels signed the deal in Geneva.")) \
        == frozenset()


def test_fragment_is_an_unbalanced_quote():
    assert is_fragment('Since the talks failed," the envoy said, when asked about the deal.')
    assert is_fragment("\u201cWe are ready, if the two sides want it.")
    assert not is_fragment('"We are ready," the envoy said.')
    assert not is_fragment("The envoy said the talks had failed.")


def test_wire_photo_captions_are_not_sentences():
    from generator.stories.extract.sentences import is_clean_sentence

    s = ExtractSettings()
    assert not is_clean_sentence("FILE - This June 2013 photo released by the family shows the officer at home.", s)
    assert not is_clean_sentence("The mayor speaks to residents at the town hall on Monday. (AP Photo/Jane Doe)", s)
    assert is_clean_sentence("The family released a statement on Monday thanking the rescue teams.", s)
    assert is_clean_sentence("File sharing services were blocked by the court in June.", s)


def test_caption_dateline_is_not_a_sentence():
    from generator.stories.extract.sentences import is_clean_sentence

    s = ExtractSettings()
    assert not is_clean_sentence(
        "Anna Berg, the sister of the victim, speaks to the media in Malmo, Thursday, May 1, 2014.", s)
    assert is_clean_sentence("The court will rule on Thursday, May 1, after hearing the last witness.", s)
