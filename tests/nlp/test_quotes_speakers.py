"""Speaker attribution patterns beyond "X said": one made-up example per pattern."""
from __future__ import annotations

import pytest

from tests.resolve_helpers import checked_quotes


only = checked_quotes  # every call also checks the spans are verbatim


def test_dash_credit_after_the_quote():
    text = ("“The new library changed how our town spends its evenings.” ― Marta Olsen\n"
            "“We finally have a place to meet that is not a car park.” — Sen. Tomas Reyes.")
    first, second = only(text)
    assert first.speaker_name == "Marta Olsen" and second.speaker_name == "Tomas Reyes"


def test_dash_that_goes_on_with_the_sentence_is_no_credit():
    text = ("The mayor praised the plan -- ''It will pay for itself within a decade and more'' "
            "-- Council Member Ann Lee agreed with her on Monday.")
    for q in only(text):
        assert q.speaker_name != "Ann Lee"


def test_clause_subject_of_a_verb_that_is_not_a_reporting_verb():
    text = "In May, Jane Roe dismissed the proposal as “a waste of public money and time.”"
    [q] = only(text)
    assert q.speaker_name == "Jane Roe"
    text = "Peter Lindqvist boasted, “Nobody in this league can beat us at home.”"
    [q] = only(text)
    assert q.speaker_name == "Peter Lindqvist"


def test_as_name_put_it():
    text = ("As Dr. Amina Yusuf put it in her lecture, ''the river is the city's oldest "
            "road and its most neglected one.''")
    [q] = only(text)
    assert q.speaker_name == "Amina Yusuf"


def test_footage_of_name_saying():
    text = 'The video shows Carlos Mendez saying, "We will open the bridge before the winter."'
    [q] = only(text)
    assert q.speaker_name == "Carlos Mendez"


def test_copula_subject_is_not_a_speaker():
    # "the plan" is what is described, not who describes it; nobody named says it.
    text = 'Only a third of residents agreed that the plan is "far too costly for a small town."'
    [q] = only(text)
    assert q.speaker_name is None


def test_pronoun_is_the_subject_earlier_in_its_own_sentence():
    text = ('"We won fairly and the count was clean," Mark Fields said on Friday.\n\n'
            'Jane Roe went on the radio an hour later to attack what she called '
            '"a rigged and shameful count."')
    first, second = only(text)
    assert first.speaker_name == "Mark Fields"
    assert second.speaker_name == "Jane Roe"


def test_speaker_is_the_name_of_the_subject_not_a_place_after_it():
    text = '"This hearing is a waste of everyone\'s time," said Del. Jane Roe of the Coastal Islands.'
    [q] = only(text)
    assert q.speaker_name == "Jane Roe"


def test_a_subject_inside_the_quote_is_not_the_speaker():
    # The parser can hang the quote's own subject ("trouble", "One") on "said" too.
    text = "“The harbour project is in trouble. Serious trouble,” said Nora Lind, a port board member."
    [q] = only(text)
    assert q.speaker_name == "Nora Lind"
    text = ('"She would be a fine judge. Not good, great. One of the sharpest minds in the state," '
            'Rep. Ana Cruz (D-Ore.) said in a phone interview.')
    [q] = only(text)
    assert q.speaker_name == "Ana Cruz"


def test_short_sentence_after_the_quote_names_the_speaker():
    text = "“Why is nobody held to account for any of this?” Ann Berg demanded.\n\nThe hearing ended."
    [q] = only(text)
    assert q.speaker_name == "Ann Berg"


def test_reporting_sentence_before_the_quote_in_its_paragraph():
    text = 'Talks may resume in May, Ali Demir said. "We are in no hurry to sign anything at all."'
    [q] = only(text)
    assert q.speaker_name == "Ali Demir"
    text = ('Her former partner at the firm, Jo Lee, called her a genius at closing deals. '
            '"She saw chances that nobody else could see."')
    [q] = only(text)
    assert q.speaker_name == "Jo Lee"


def test_sentence_before_without_reporting_verb_attributes_nothing():
    text = 'Ann Berg opened the meeting at noon. "The rest of the day was a blur for everyone there."'
    [q] = only(text)
    assert q.speaker_name is None


def test_surname_only_mention_and_he_added_in_the_next_sentence():
    text = ("Paul Okafor, the harbour master, opened the new pier on Monday.\n\n"
            '"Ships will dock here within a month," Okafor said. '
            'The pier cost less than planned. "The town has waited long enough," he added.')
    first, second = only(text)
    assert first.speaker_name == "Okafor"        # named as the text names him there
    assert second.speaker_name == "Paul Okafor"  # "he" is the full mention, not the pronoun


def test_he_added_keeps_a_surname_two_people_share():
    text = ("Paul Okafor and Grace Okafor run the harbour together.\n\n"
            '"Ships will dock here within a month," Okafor said. '
            'The pier cost less than planned. "The town has waited long enough," he added.')
    first, second = only(text)
    assert second.speaker_name == "Okafor"


def test_it_added_is_the_last_organisation_speaker():
    text = ('"Interest rates will stay where they are for now," the central bank said in a note.\n\n'
            '"Inflation is back under control in most regions," it added.')
    first, second = only(text)
    assert "central bank" in first.speaker_name
    assert second.speaker_name == first.speaker_name


def test_relative_clauses_around_the_speaker():
    text = ('Jane Roe, who has chaired the water board since 2019, said the pipes were '
            '"older than anyone in this town."')
    [q] = only(text)
    assert q.speaker_name == "Jane Roe"
    text = 'The plan was backed by Tom Hale, who said it was "the only fair way to share the cost."'
    [q] = only(text)
    assert q.speaker_name == "Tom Hale"
    text = '"We will not sell the land to anyone," said Ida Moss, who owns the farm with her brother.'
    [q] = only(text)
    assert q.speaker_name == "Ida Moss"


def test_a_show_title_in_quotes_is_not_the_speaker():
    text = ("“There is a severe gap between the council and frankly the mayor and our staff,” "
            "Holt, a senior council aide, said Thursday morning on Radio North’s “Town and Country.”")
    qs = only(text)
    assert qs[0].speaker_name == "Holt"


def test_he_said_is_the_nearest_named_subject_not_the_last_person_quoted():
    # The earlier quote's speaker (Ann Lee) is further back than the person who is the
    # subject of the sentence right before the quote (Tom Hale).
    text = ("“The square will stay open all night,” said Ann Lee, a spokeswoman for the group.\n\n"
            "Police had no plans to clear the square, Chief Inspector Tom Hale said on Sunday.\n\n"
            "“We look forward to working with the group on a solution,” he said.")
    first, second = only(text)
    assert first.speaker_name == "Ann Lee"
    assert second.speaker_name == "Tom Hale"


def test_he_said_stays_with_the_speaker_when_no_one_is_named_since():
    text = ("“The square will stay open all night,” said Ann Lee, a spokeswoman for the group.\n\n"
            "Police had no plans to clear the square on Sunday.\n\n"
            "“We look forward to working with the police on a solution,” she said.")
    first, second = only(text)
    assert first.speaker_name == second.speaker_name == "Ann Lee"


def test_a_weekday_before_the_name_is_not_part_of_the_speaker():
    # The parser glues a sentence-initial weekday to the name that follows it.
    text = "The board met again. Thursday Jane Roe said the deal was “a very fine deal for the town.”"
    [q] = only(text)
    assert q.speaker_name == "Jane Roe"


def test_a_mis_decoded_closing_mark_does_not_swallow_the_attribution():
    # U+FFFD followed by "?" is what a curly closing mark becomes when its bytes are
    # decoded with the wrong code page.
    text = ("“How much water did the lake hold when it was young?\ufffd? said Ann Roe, a "
            "scientist at the institute.")
    [q] = only(text)
    assert q.text == "How much water did the lake hold when it was young?"
    assert q.speaker_name == "Ann Roe"


def test_she_said_passes_over_a_nearer_person_the_text_calls_he():
    text = ("Ann Lee has run the shelter since 2010, and she plans to stay.\n\n"
            "Tom Hale, her deputy, said he was surprised by the crowd on Sunday.\n\n"
            "“We had never seen so many people at the door,” she said.")
    [q] = only(text)
    assert q.speaker_name == "Ann Lee"
    # with nothing telling the two apart, the nearer named subject speaks
    text = text.replace("she plans", "plans").replace("said he was", "was")
    [q] = only(text)
    assert q.speaker_name == "Tom Hale"


def test_an_abbreviated_rank_is_not_the_speaker():
    # The parser ends the subject at the rank's stop ("Sgt.") and hangs the name on the
    # quote that follows; the name is still the speaker's.
    text = ("The bridge was closed for an hour.  “When they did that,” says county police "
            "spokesman Sgt. Maria Lund, “traffic backed up for miles.”")
    for q in only(text):
        assert q.speaker_name == "Maria Lund"


@pytest.mark.parametrize("text, speaker", [
    ("A spokeswoman for the Harbour Authority in Norway told reporters: “The ferry will sail "
     "again as soon as the inspectors allow it.”", "spokeswoman for the Harbour Authority"),
    ("“The ferry will sail on Monday,” a spokesman for Mayor Ines Varga said.",
     "spokesman for Mayor Ines Varga"),
])
def test_a_spokeswoman_for_a_body_is_the_speaker_not_the_body_or_a_place(text, speaker):
    [q] = only(text)
    assert q.speaker_name == speaker


def test_he_said_after_a_surname_the_model_does_not_tag_a_person():
    # "Christian" alone reads as a religion to the model; it is still the surname of a
    # person the article names in full, and the subject the pronoun follows.
    text = ("Radio hosts Anna Berg and Michael Christian apologised on Monday. The station said "
            "the call was a mistake, and Berg thanked listeners for their support.  Christian "
            "said he too was devastated.  \"We are heartbroken and our thoughts are with the "
            "family,\" he told reporters.")
    [q] = only(text)
    assert q.speaker_name == "Michael Christian"
