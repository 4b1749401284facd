"""Datelines filed from several cities ("PLACE/PLACE Text ..."): trimmed like any other."""
import pytest

from generator.nlp.datelines import dateline_end, dateline_match


@pytest.mark.parametrize("para, place, rest", [
    ("LYON/GENEVA Talks on the tunnel ended on Monday.", "LYON/GENEVA", "Talks on the tunnel"),
    ("LYON/NEW TOWN, France Officials met on Monday.", "LYON/NEW TOWN, France", "Officials met"),
    ("OSLO/BERGEN/TROMSO Ferries stopped running.", "OSLO/BERGEN/TROMSO", "Ferries stopped"),
    ("LYON/GENEVA (Wire) - Officials met on Monday.", "LYON/GENEVA", "Officials met"),
])
def test_slash_joined_places_are_a_dateline_without_a_dash(para, place, rest):
    m = dateline_match(para)
    assert m is not None and m.group("place") == place
    assert para[dateline_end(para):].startswith(rest)


@pytest.mark.parametrize("para", [
    "AC/DC Frontman returns to the stage.",          # a band: two-letter parts are no places
    "US/UK Relations are strained again.",
    "NASA/JPL-CALTECH/MSSS",                          # a photo credit with nothing after it
    "NORTH/SOUTH TALKS RESUME",                       # all capitals after it: a heading
    "LYON/GENEVA officials met on Monday.",           # lower case after it: not a sentence start
])
def test_slash_joined_capitals_that_are_no_dateline_stay(para):
    assert dateline_end(para) == 0


@pytest.mark.parametrize("para, place", [
    ("Springfield, IL - Monday, the council met.", "Springfield, IL"),
    ("Springfield, Ill. \u2014 The council met.", "Springfield, Ill."),
])
def test_place_and_state_code_before_a_spaced_dash_is_a_dateline(para, place):
    m = dateline_match(para)
    assert m is not None and m.group("place") == place
    assert para[dateline_end(para):].startswith(("Monday", "The council"))


@pytest.mark.parametrize("para", [
    "However, Trump - who had said so - changed course.",
    "Springfield, IL-based firms grew.",
])
def test_a_name_after_a_comma_is_no_state_code(para):
    assert dateline_end(para) == 0


@pytest.mark.parametrize("para, place, rest", [
    ("SPRINGFIELD, Ill. --A local man was released.", "SPRINGFIELD, Ill.", "A local man"),
    ("RIVERTON, N.J. - Sales rose 4 pct.", "RIVERTON, N.J.", "Sales rose"),
    ("LAKEVIEW, Calif. \u2014The firm said on Monday.", "LAKEVIEW, Calif.", "The firm"),
])
def test_capitals_place_and_abbreviated_state_before_a_dash_is_a_dateline(para, place, rest):
    m = dateline_match(para)
    assert m is not None and m.group("place") == place
    assert para[dateline_end(para):].startswith(rest)


@pytest.mark.parametrize("para", [
    "JANE ROE, HOST: Good morning.",       # a transcript's speaker label
    "JON ROE, BYLINE: Hi there.",
])
def test_a_transcript_label_is_no_dateline(para):
    assert dateline_end(para) == 0
