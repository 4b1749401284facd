"""Quote finding and speaker attribution: one test per pattern, then the sample corpus."""
from __future__ import annotations

import pytest

from tests.resolve_helpers import checked_quotes, sample_analyses, sample_articles


only = checked_quotes  # every call also checks the spans are verbatim


def test_quote_then_name_said():
    text = '"The budget is balanced and the plan will work," Maria Lopez said on Monday.'
    [q] = only(text)
    assert q.text == "The budget is balanced and the plan will work"
    assert q.speaker_name == "Maria Lopez" and q.cue == "said"


def test_said_then_name_with_title_left_out():
    text = "“We will not retreat from this position,” said Finance Minister Jonas Berg."
    [q] = only(text)
    assert q.speaker_name == "Jonas Berg"


def test_name_told_reporters_before_quote():
    text = 'Prime Minister Anna Novak told reporters: "The talks ended without any agreement at all."'
    [q] = only(text)
    assert q.speaker_name == "Anna Novak" and q.cue == "told"
    assert q.text.startswith("The talks ended")


def test_according_to():
    text = "According to city mayor Thomas Reed, “the bridge will reopen next spring after repairs.”"
    [q] = only(text)
    assert q.speaker_name == "Thomas Reed" and q.cue == "according to"


def test_stressed_agency_reported():
    text = '"Our patience has limits and they know it," Viktor Markov stressed, Interfax reported.'
    [q] = only(text)
    assert "Markov" in q.speaker_name and q.cue == "stressed"


def test_pronoun_continuation_is_last_named_person():
    text = ('"The vote was fair and open to everyone," Elena Petrova said. '
            'Officials from the Electoral Commission agreed.\n\n'
            '"Nobody was turned away from the polls," she added.')
    first, second = only(text)
    assert first.speaker_name == "Elena Petrova"
    assert second.speaker_name == "Elena Petrova" and second.cue == "added"


def test_pronoun_picks_most_recent_speaker_not_first():
    text = ('"Prices will fall next year," Omar Haddad said.\n\n'
            '"Prices will keep rising for a long while," Lucy Grant told the BBC.\n\n'
            '"We disagree on almost everything," she said.')
    qs = only(text)
    assert [q.speaker_name for q in qs] == ["Omar Haddad", "Lucy Grant", "Lucy Grant"]


def test_institution_said():
    text = "“The embassy remains open for all citizens,” the Foreign Ministry said in a statement."
    [q] = only(text)
    assert q.speaker_name == "Foreign Ministry"


def test_the_statement_said_resolves_to_its_owner():
    text = ("Officials met on Monday, according to a statement from the Defence Ministry.\n\n"
            '"All units returned to their bases safely," the statement said.')
    [q] = only(text)
    assert "Defence Ministry" in q.speaker_name


def test_quote_spanning_sentences_is_one_quote():
    text = "“The harvest failed. We need help now, before winter,” farmer Paul Okafor said."
    [q] = only(text)
    assert q.text == "The harvest failed. We need help now, before winter"
    assert q.speaker_name == "Paul Okafor"


def test_unattributed_quote_in_same_paragraph_continues():
    text = ('"We are ready to talk," Ivan Sokolov told reporters. '
            '"But the other side must want it too."')
    first, second = only(text)
    assert second.speaker_name == "Ivan Sokolov"


def test_headline_name_colon():
    text = "Novak: talks 'ended without agreement'\n\nThe talks ended on Friday."
    [q] = only(text)
    assert q.text == "ended without agreement" and q.speaker_name == "Novak"


def test_scare_quotes_without_speaker_are_dropped():
    text = "Critics dismissed the so-called \"reform\" as cosmetic, and the \"new deal\" too."
    assert only(text) == []


def test_short_quote_clearly_attributed_is_kept():
    text = 'Jonas Berg called the plan "reckless".'
    [q] = only(text)
    assert q.text == "reckless" and q.speaker_name == "Jonas Berg"


def test_apostrophes_are_not_quote_marks():
    text = "The countries' leaders met at Russia’s border and the ministers' aides stayed home."
    assert only(text) == []


def test_long_quote_without_speaker_kept_with_none():
    text = 'A banner read "no more war in our streets, ever again" across the square.'
    [q] = only(text)
    assert q.speaker_name is None


# ------------------------------------------------------------------ sample corpus
# Every direct quote in the five sample articles, read by hand: (article index,
# opening words, a word the speaker name must contain). Headlines are taken out of
# the body by the clean stage, so headline quotes are not listed here.
SAMPLE_QUOTES = [
    (0, "Russia is ready if both sides need it", "Peskov"),
    (0, "It is impossible to become a mediator", "Peskov"),
    (0, "little rocket man", "Trump"),
    (0, "mentally deranged dotard", "Pyongyang"),
    (0, "old lunatic", "Pyongyang"),
    (0, "major sanctions", "President"),
    (1, "Russia’s readiness to clear the way", "Peskov"),
    (1, "North Korea will seek negotiation", "Unification Ministry"),
    (2, "We are talking about", "Peskov"),
    (2, "ready to", "Tillerson"),
    (2, "without precondition", "Tillerson"),
    (2, "the diplomatic effort has to", "Tillerson"),
    (2, "all options are on", "McMaster"),
    (3, "You can’t become a mediator", "Peskov"),
    (3, "toughest yet", "Haley"),
    (3, "is the minimum acceptable period", "Nebenzia"),
    (3, "Unfortunately, our call to preclude", "Nebenzia"),
    (3, "inadmissible", "Lavrov"),
    (3, "aggressive rhetoric", "Lavrov"),
    (3, "The two sides believe", "Foreign Ministry"),
    (3, "an early transition from words", "Foreign Ministry"),
    (4, "Russia is ready if both sides need it", "Peskov"),
    (4, "It is impossible to become a mediator", "Peskov"),
    (4, "obvious", "Peskov"),
    (4, "It was underlined that", "foreign ministry"),
    (4, "unacceptable", "Lavrov"),
    (4, "Washington's aggressive rhetoric", "Lavrov"),
    (4, "totally destroy", "Trump"),
    (4, "act of war", "North Korea"),
]


@pytest.fixture(scope="module")
def sample():
    arts = sample_articles()
    analyses = sample_analyses()
    return [(a, analyses[a.id]) for a in arts]


@pytest.mark.parametrize("index,opening,speaker", SAMPLE_QUOTES)
def test_sample_quote_found_with_speaker(sample, index, opening, speaker):
    article, analysis = sample[index]
    norm = lambda s: " ".join(s.split())  # noqa: E731 - the sample has no-break spaces
    hits = [q for q in analysis.quotes if norm(q.text).startswith(opening)]
    assert hits, f"quote not found: {opening!r}"
    assert any(q.speaker_name and speaker in norm(q.speaker_name) for q in hits), \
        [(q.text[:40], q.speaker_name) for q in hits]


def test_sample_quotes_are_verbatim(sample):
    for article, analysis in sample:
        for q in analysis.quotes:
            assert article.text[q.start:q.end] == q.text


def test_name_said_colon_then_quote_in_next_paragraph():
    text = ("At the end of the meeting Carla Mendes said:\n\n"
            "“We have agreed on a timetable and we will keep to it.”")
    [q] = only(text)
    assert q.speaker_name == "Carla Mendes"


def test_time_is_not_a_speaker():
    text = 'At 5:45 p.m. the statement came. "We are closing the border tonight," 5:45 p.m. said.'
    for q in only(text):
        assert q.speaker_name is None or not any(c.isdigit() for c in q.speaker_name)


def test_titles_of_works_are_not_quotes():
    text = 'He appeared on "Fox News Sunday" and on "The Steve Harvey Morning Show" last week.'
    assert only(text) == []


def test_transcript_line_speaker_leads_the_quote():
    text = '"WALLACE: Do you really see those two as equivalent here today?"'
    [q] = only(text)
    assert q.speaker_name == "WALLACE"


def test_quote_paragraph_continues_previous_paragraphs_speaker():
    text = ('"We will rebuild every school," Mayor Lina Park said on Monday.\n\n'
            '"Nobody will be left without a classroom this winter."\n\n'
            'The council meets again in May.\n\n'
            '"This is a separate remark nobody made here."')
    first, second, third = only(text)
    assert second.speaker_name == "Lina Park"
    assert third.speaker_name is None


def test_two_apostrophes_are_a_double_mark():
    text = "Acts of protest, Mr. Obama said, recalling the words ''I can't breathe,'' on the shirt."
    qs = only(text)
    assert [q.text for q in qs] == ["I can't breathe"]
    text = "''That makes me smart,'' Donald Trump said after the debate."
    [q] = only(text)
    assert q.text == "That makes me smart" and q.speaker_name == "Donald Trump"


def test_show_title_closing_a_sentence_is_not_a_quote():
    # US style puts the sentence's full stop inside the closing mark.
    text = 'The senator made the remarks in an interview on "The Sunday Morning Show." She left early.'
    assert only(text) == []
    # A capitalised remark led by a reporting verb or a colon stays a quote.
    [q] = only('The coach said "We Will Win This Cup." Then she left the room.')
    assert q.text.startswith("We Will Win")
    # So does a quote in a headline, where every word is capitalised.
    [q] = only('Senators Call The New Budget Plan "A Complete And Total Disaster."\n\nThe vote is on Monday.')
    assert q.text.startswith("A Complete")


def test_heading_in_capitals_before_a_colon_is_no_speaker():
    # A list of someone's sayings under topic headings: the headings name no one.
    text = ("The chef Ana Ruiz died on Monday. Some of her sayings:\n\n"
            "ON COOKING: \u201cA kitchen runs on patience and sharp knives, nothing more.\u201d\n\n"
            "RUIZ: \u201cI never wanted a restaurant bigger than my own dining room.\u201d")
    qs = only(text)
    speakers = {q.text[:12]: q.speaker_name for q in qs}
    assert all(s is None or "COOKING" not in s for s in speakers.values())
    assert any(s == "RUIZ" for s in speakers.values())
