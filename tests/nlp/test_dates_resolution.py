"""Date expressions resolved against the publication date."""
from __future__ import annotations

import pytest

from generator.nlp.dates import find_dates
from tests.resolve_helpers import nlp, sample_analyses, sample_articles

TUESDAY = "2017-12-26"  # a Tuesday


def values(text, published, use_doc=True):
    doc = nlp()(text) if use_doc else None
    out = find_dates(text, published, doc)
    for d in out:
        assert text[d.start:d.end] == d.text
    return [(d.text, d.value) for d in out]


@pytest.mark.parametrize("use_doc", [True, False])
def test_weekday_before_publication_day_past_tense(use_doc):
    assert values("The council voted on Friday.", TUESDAY, use_doc) == [("Friday", "2017-12-22")]


@pytest.mark.parametrize("use_doc", [True, False])
def test_weekday_after_publication_day_future(use_doc):
    assert values("The envoys will meet on Thursday.", TUESDAY, use_doc) == [("Thursday", "2017-12-28")]


def test_weekday_cues():
    assert values("Talks resume next Monday.", TUESDAY) == [("next Monday", "2018-01-01")]
    assert values("He spoke last Tuesday.", TUESDAY) == [("last Tuesday", "2017-12-19")]
    assert values("This Friday the bill is due.", TUESDAY) == [("This Friday", "2017-12-29")]


@pytest.mark.parametrize("use_doc", [True, False])
def test_a_date_after_since_is_in_the_past_whatever_the_sentence_says(use_doc):
    text = "The government will keep the auction system despite the suspension of auctions since January 24."
    assert values(text, "1987-03-01", use_doc) == [("January 24", "1987-01-24")]
    # without "since" the future tense still reads forward
    assert values("The auctions will resume on January 24.", "1987-03-01", use_doc) == [("January 24", "1988-01-24")]


def test_weekday_same_as_publication_day_is_that_day():
    assert values("Peskov told reporters on Tuesday that Moscow is ready.", TUESDAY) == [("Tuesday", TUESDAY)]


def test_absolute_forms():
    # "Dec. 27" told in the past in an article of Dec 26: datelines and time zones
    # put articles a day off, so it stays in 2017 rather than jumping a year back.
    text = "It began on 26 December 2017, then Dec. 27, then November 29 and 26December 2017."
    got = dict(values(text, TUESDAY))
    assert got["26 December 2017"] == "2017-12-26"
    assert got["Dec. 27"] == "2017-12-27"
    assert got["November 29"] == "2017-11-29"
    assert got["26December 2017"] == "2017-12-26"


def test_month_day_across_new_year_backwards():
    assert values("The test took place on December 30.", "2018-01-03") == [("December 30", "2017-12-30")]


def test_month_day_across_new_year_forwards_when_future():
    assert values("The summit will open on January 5.", "2017-12-28") == [("January 5", "2018-01-05")]


def test_past_month_day_after_publication_month_is_last_year():
    # A past event in March reported in December is this year's March, not next year's.
    assert values("The plant closed on March 5.", TUESDAY) == [("March 5", "2017-03-05")]


def test_month_only_precision():
    got = dict(values("Trump called Putin earlier in December, after the test in late November.", TUESDAY))
    assert got == {"earlier in December": "2017-12", "late November": "2017-11"}
    assert values("The talks were held in March 2015.", TUESDAY) == [("March 2015", "2015-03")]


def test_year_precision_and_cue_left_out():
    got = values("Sanctions have applied since 2006 and talks may start in 2018.", TUESDAY)
    assert got == [("2006", "2006"), ("2018", "2018")]


def test_relative_words():
    got = dict(values("Yesterday the minister resigned; last month prices rose; "
                      "last year was worse; three days ago the strike ended.", TUESDAY))
    assert got["Yesterday"] == "2017-12-25"
    assert got["last month"] == "2017-11"
    assert got["last year"] == "2016"
    assert got["three days ago"] == "2017-12-23"


def test_week_collapses_to_month_or_is_left_out():
    # The week before Wed 2017-12-13 is 4-10 December: inside one month.
    assert values("Talks stalled last week.", "2017-12-13") == [("last week", "2017-12")]
    # The week before Wed 2017-11-08 is 30 October - 5 November: only the year holds it.
    assert values("Talks stalled last week.", "2017-11-08") == [("last week", "2017")]
    # The week before Wed 2015-01-07 is 29 December 2014 - 4 January 2015: nothing holds it.
    assert values("Talks stalled last week.", "2015-01-07") == []


def test_no_publication_date_only_dates_with_a_year():
    got = values("On Friday, November 29, and on 26 December 2017 it happened.", None)
    assert got == [("26 December 2017", "2017-12-26")]


def test_may_the_verb_is_not_a_month():
    assert values("Russia may become a mediator and the talks may resume.", TUESDAY) == []


def test_numbers_are_not_years():
    assert values("It caps exports at 500,000 barrels and 1999 troops stayed.", TUESDAY) == []


def test_sample_corpus_dates():
    arts = sample_articles()
    analyses = sample_analyses()
    by_file = {a.source_file.split("/")[-1][:3]: a for a in arts}
    dw, defa, ians = by_file["004"], by_file["000"], by_file["003"]
    assert dw.published and dw.published.startswith("2017-12-26")
    vals = {(d.text, d.value) for d in analyses[dw.id].dates}
    assert ("Friday", "2017-12-22") in vals
    assert ("Friday", "2017-12-22") in {(d.text, d.value) for d in analyses[defa.id].dates}
    assert ("November 29", "2017-11-29") in {(d.text, d.value) for d in analyses[ians.id].dates}
    for a in arts:
        for d in analyses[a.id].dates:
            assert a.text[d.start:d.end] == d.text
