"""Dates in photo captions, credit lines and titles of works are found but date no fact."""
from __future__ import annotations

from generator.nlp.dates import caption_spans, find_dates, not_story_spans, story_dates, title_spans
from generator.records import Mention
from tests.resolve_helpers import nlp


def kept(text, published="2017-12-26"):
    """The date texts left once captions, credits and titles are taken out."""
    doc = nlp()(text)
    from generator.nlp.analyze import sentence_spans

    mentions = [Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
    found = find_dates(text, published, doc)
    spans = not_story_spans(text, sentence_spans(doc), mentions)
    return [d.text for d in found], [d.text for d in story_dates(found, spans)]


def test_wire_file_photo_caption_date_is_not_a_story_date():
    text = ("FILE - In this May 4, 2011, file photo, a man leaves a court in Springfield. "
            "A judge on March 3, 2017 approved the plea agreement.")
    found, story = kept(text)
    assert "May 4, 2011" in found and "March 3, 2017" in found
    assert story == ["March 3, 2017"]


def test_caption_paragraph_ending_in_a_credit_is_a_caption():
    text = ("The council voted to close the plant on March 3, 2017.\n\n"
            "Workers leave the plant in Springfield, Tuesday, Jan. 24, 2017. (AP Photo/Jane Doe)\n\n"
            "The plant opened in 1961.")
    found, story = kept(text)
    assert "Tuesday, Jan. 24, 2017" in found
    assert story == ["March 3, 2017", "1961"]


def test_picture_descriptions_and_copyright_lines():
    for caption in ("This photo released by the city police on June 2, 2016 shows the car.",
                    "Image copyright Reuters Image caption The bridge after the storm in June 2009",
                    "Copyright 2016 Springfield Daily. All rights reserved.",
                    "The mayor poses for a photo at the opening in Springfield on June 2, 2016."):
        found, story = kept(f"The bridge reopened in March 2017.\n\n{caption}")
        assert len(found) == 2 and story == ["March 2017"], caption


def test_a_photo_mentioned_in_running_text_is_not_a_caption():
    text = "On June 2, 2016 the mayor posted a photograph of the bridge on social media."
    assert caption_spans(text) == []
    assert kept(text)[1] == ["June 2, 2016"]


def test_year_in_a_title_of_a_work_is_not_a_story_date():
    text = ("The theatre staged George Orwell's novel 1984 in March 2017, and the film "
            "\u201c2001: A Space Odyssey\u201d was shown in 1968.")
    found, story = kept(text)
    assert {"1984", "2001"} <= set(found)
    assert story == ["March 2017", "1968"]


def test_quoted_text_that_is_not_a_title_keeps_its_date():
    text = 'She said "the plant closed in 1999 and never reopened" at the hearing.'
    assert title_spans(text) == []
    assert kept(text)[1] == ["1999"]


def test_a_date_naming_another_thing_or_bounding_a_period_is_not_the_event_date():
    from generator.nlp.dates import is_event_date

    def own(sentence, date):
        i = sentence.index(date)
        return is_event_date(sentence, i, i + len(date))

    assert not own("The ruling came after the 2012 conviction.", "2012")
    assert not own("According to a September 2011 press release, the app is free.", "September 2011")
    assert not own("He worked at the station between 1992 and 2002.", "1992")
    assert not own("He worked at the station between 1992 and 2002.", "2002")
    assert not own("From 2000 through 2016, reports rose.", "2000")
    # with a word or two between: the year is the car's, the work's, the crime's
    assert not own("They drove off in his black 2008 Porsche with paper plates.", "2008")
    assert not own("He was convicted of a botched 2007 burglary in Las Vegas.", "2007")
    assert not own("She was struck by a gray 2013 Toyota Camry.", "2013")
    # ... but not through a function word ("that by 2020")
    assert not own("The competition, for work from spring 2009 to spring 2010, drew 1,161 entries.", "2009")
    assert not own("He earned $55,000 a month, more than $97,000 in May 2017 dollars.", "May 2017")
    assert not own("The Army sought 2000 volunteers, but 10,000 answered.", "2000")
    assert own("In 2000 volunteers rebuilt the school.", "2000")
    assert own("The plan was approved in 2014 by most shareholders.", "2014")
    assert own("It is possible that by 2020 there will be no more children.", "2020")
    # The occasion of the sentence's event, and plain dates, are the event's.
    assert own("In his 2013 parole hearing, he told the board he was sorry.", "2013")
    assert own("Two workers were injured in the October 2017 attack.", "October 2017")
    assert own("The plan was approved in 2014 by most shareholders.", "2014")
    assert own("In 2017, the country launched 20 missiles.", "2017")
