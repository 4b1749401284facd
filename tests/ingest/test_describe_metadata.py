"""Describe stage: each metadata rule on synthetic articles."""
import pytest

from generator.ingest.describe import host_outlet, parse_date, parse_dateline, prepare_articles
from generator.ids import slugify, unique_ids
from generator.errors import Problem
from generator.records import Article, RawArticle

BODY = ("Officials confirmed the agreement late on Monday after two days of talks.\n\n"
        "The deal still needs approval from both parliaments, a spokesman said.")


def raw(text, **kw):
    kw.setdefault("source_file", "in/a.txt")
    return RawArticle(text=text, **kw)


def describe(*raws):
    out = list(prepare_articles(list(raws)))
    return out if len(out) > 1 else out[0]


# ---------------------------------------------------------------- headline
def test_input_title_is_the_headline_and_its_copy_leaves_the_text():
    a = describe(raw("Talks End In Agreement\n\n" + BODY, title="Talks End In Agreement"))
    assert a.headline == "Talks End In Agreement"
    assert "Talks End In Agreement" not in a.text
    assert ("Talks End In Agreement", "headline") in [(r.line, r.reason) for r in a.removed]


def test_title_with_site_suffix_still_removes_the_page_heading():
    a = describe(raw("Talks End In Agreement\n\n" + BODY, title="Talks End In Agreement | Example News"))
    assert a.headline == "Talks End In Agreement | Example News"
    assert not a.text.startswith("Talks End")


def test_first_headline_shaped_line_is_the_headline_section_labels_are_not():
    a = describe(raw("World\n\nTalks end in agreement on border dispute\n\n" + BODY))
    assert a.headline == "Talks end in agreement on border dispute"
    assert a.text == BODY


def test_no_headline_stays_none():
    assert describe(raw(BODY)).headline is None


# ---------------------------------------------------------------- outlet, dateline
@pytest.mark.parametrize("para, place, outlet, when", [
    ("TEHRAN (defapress)- Officials met.", "TEHRAN", "defapress", None),
    ("Moscow, Dec 27 (IANS) Officials met.", "Moscow", "IANS", "Dec 27"),
    ("(Sputnik) \u2013 Officials met.", None, "Sputnik", None),
    ("LONDON, March 3, 2019 (Reuters) - Officials met.", "LONDON", "Reuters", "March 3, 2019"),
    ("NEW YORK \u2014 Officials met.", "NEW YORK", None, None),
    ("PARIS (AFP, Reuters) - Officials met.", "PARIS", None, None),
    ("PORTLAND, Ore., April 7 - Officials met.", "PORTLAND, Ore.", None, "April 7"),
    ("VANCOUVER, British Columbia, MARCH 9 - 3 mines closed.", "VANCOUVER, British Columbia", None, "MARCH 9"),
    ("Moscow has offered to mediate.", None, None, None),
    ("Officials met on Monday.", None, None, None),
])
def test_dateline_forms(para, place, outlet, when):
    assert parse_dateline(para) == (place, outlet, when)


def test_outlet_from_dateline_is_a_lower_case_slug():
    a = describe(raw("BERLIN (Example Press Agency) - " + BODY))
    assert (a.outlet, a.dateline) == ("example-press-agency", "BERLIN")


def test_input_outlet_field_wins_over_the_dateline():
    a = describe(raw("BERLIN (dpa) - " + BODY, outlet="The Daily Example"))
    assert a.outlet == "the-daily-example" and a.dateline == "BERLIN"


def test_outlet_from_the_sites_short_link_among_furniture():
    a = describe(raw(BODY + "\n\nhttps://p.example.com/p/2py4T"))
    assert a.outlet == "example"


def test_links_to_sharing_sites_are_not_the_outlet():
    assert describe(raw(BODY + "\n\nhttps://twitter.com/someone/status/1")).outlet is None


@pytest.mark.parametrize("url, name", [
    ("https://www.dw.com/en/article", "dw"), ("https://news.bbc.co.uk/x", "bbc"),
    ("edition.cnn.com/2017/story", "cnn"), ("https://t.co/abc", None), (None, None), ("localhost", None),
])
def test_host_outlet(url, name):
    assert host_outlet(url) == name


def test_outlet_from_url_when_nothing_else():
    assert describe(raw(BODY, url="https://www.example-times.com/a/1")).outlet == "example-times"


def test_wire_sign_off_is_credits_not_outlet():
    a = describe(raw(BODY + "\n\nab/cd (AFP, dpa, Reuters)"))
    assert a.credits == ["AFP", "dpa", "Reuters"] and a.outlet is None
    assert "AFP" not in a.text


def test_byline():
    a = describe(raw("By Maria Lopez\n\n" + BODY))
    assert a.byline == "Maria Lopez" and "Maria" not in a.text
    assert ("By Maria Lopez", "byline") in [(r.line, r.reason) for r in a.removed]


def test_unknown_metadata_stays_none():
    a = describe(raw(BODY))
    assert (a.outlet, a.published, a.dateline, a.byline, a.credits, a.published_inferred) == (
        None, None, None, None, [], False)


# ---------------------------------------------------------------- published
def test_publish_date_line_beats_updated_line():
    a = describe(raw("Updated: 13 May 2021 - 03:32\n" + BODY + "\nPublish Date: 26December 2017 - 18:11"))
    assert (a.published, a.published_inferred) == ("2017-12-26", False)


def test_updated_line_alone_is_used_but_marked_inferred():
    a = describe(raw("Last updated: 4 June 2020\n\n" + BODY))
    assert (a.published, a.published_inferred) == ("2020-06-04", True)


def test_standalone_date_line():
    a = describe(raw("Talks end in agreement on border dispute\n\nDecember 26, 2017\n\n" + BODY))
    assert (a.published, a.published_inferred) == ("2017-12-26", False)
    assert "2017" not in a.text


def test_input_date_wins_and_is_normalised():
    assert describe(raw("Published: 1 May 2020\n\n" + BODY, published="2021-02-03T10:00:00Z")).published == "2021-02-03T10:00:00Z"
    assert describe(raw(BODY, published="3 February 2021")).published == "2021-02-03"
    assert describe(raw(BODY, published="sometime soon")).published is None


def test_dateline_date_with_year_is_stated():
    a = describe(raw("LONDON, March 3, 2019 (Reuters) - " + BODY))
    assert (a.published, a.published_inferred) == ("2019-03-03", False)


def test_dateline_date_without_year_takes_it_from_the_batch_and_is_inferred():
    dated = raw("Published: 30 December 2017\n\n" + BODY, source_file="in/b.txt")
    yearless = raw("Moscow, Jan 2 (IANS) " + BODY, source_file="in/c.txt")
    a, b = describe(dated, yearless)
    assert (b.published, b.published_inferred) == ("2018-01-02", True)  # nearest, across new year
    assert (a.published, a.published_inferred) == ("2017-12-30", False)


def test_dateline_date_without_year_and_no_context_stays_unknown():
    a = describe(raw("Moscow, Dec 27 (IANS) " + BODY))
    assert (a.published, a.published_inferred) == (None, False)


def test_dateline_year_not_taken_from_a_distant_date():
    far = raw("Published: 1 June 2015\n\n" + BODY, source_file="in/b.txt")
    yearless = raw("Moscow, Dec 27 (IANS) " + BODY, source_file="in/c.txt")
    assert describe(far, yearless)[1].published is None


@pytest.mark.parametrize("text, expected", [
    ("26December 2017 - 18:11", (2017, 12, 26)), ("December 26, 2017", (2017, 12, 26)),
    ("Dec. 27", (None, 12, 27)), ("2019-11-19", (2019, 11, 19)), ("Sept 3rd, 2020", (2020, 9, 3)),
    ("31 February 2020", None), ("no date", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# ---------------------------------------------------------------- ids and errors
def test_id_from_outlet_and_headline_capped_and_safe():
    a = describe(raw("TEHRAN (defapress)- " + BODY, title="Moscow Ready to Act as Mediator between US, North Korea, Again and Again"))
    assert a.id.startswith("defapress-moscow-ready-to-act-as-mediator")
    assert len(a.id) <= 60 and set(a.id) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_input_id_is_kept_made_safe():
    assert describe(raw(BODY, id="Reuters/2017_12 #44")).id == "reuters-2017-12-44"


def test_ids_are_unique_and_stable():
    batch = [raw(BODY, title="Same Headline Here", source_file=f"in/{n}.txt") for n in "abc"]
    ids = [a.id for a in describe(*batch)]
    assert ids == ["same-headline-here", "same-headline-here-2", "same-headline-here-3"]
    assert [a.id for a in describe(*batch)] == ids


@pytest.mark.parametrize("intruder_first", [True, False])
def test_an_input_id_never_takes_another_articles_id(intruder_first):
    genuine = raw(BODY, title="Talks End In Agreement", source_file="in/b.txt")
    intruder = raw(BODY, title="Other news", id="Talks-End-In-Agreement", source_file="in/a.jsonl", line=3)
    out = describe(*([intruder, genuine] if intruder_first else [genuine, intruder]))
    by_source = {a.source_file: a for a in out if isinstance(a, Article)}
    assert by_source["in/b.txt"].id == "talks-end-in-agreement"
    assert by_source["in/a.jsonl"].id == "talks-end-in-agreement-a-3"
    notes = [p for p in out if isinstance(p, Problem)]
    assert len(notes) == 1 and notes[0].kept and notes[0].line == 3
    assert "in/b.txt" in notes[0].message and "talks-end-in-agreement-a-3" in notes[0].message


def test_two_inputs_giving_one_id_both_get_their_own():
    first = raw(BODY, title="One", id="shared", source_file="in/a.jsonl", line=1)
    second = raw(BODY, title="Two", id="shared", source_file="in/b.jsonl", line=1)
    ids = sorted(a.id for a in describe(first, second) if isinstance(a, Article))
    assert ids == ["shared-a-1", "shared-b-1"]


def test_unique_ids_never_steal_an_existing_id():
    assert unique_ids(["a", "a", "a-2"]) == ["a", "a-3", "a-2"]


def test_slugify():
    assert slugify("Russia ‘ready’ to mediate: Café’s view!") == "russia-ready-to-mediate-cafes-view"
    assert slugify("") == "" and slugify("!!!") == ""
    assert len(slugify("word " * 40, 30)) <= 30 and not slugify("word " * 40, 30).endswith("-")


def test_one_failing_article_is_a_problem_and_the_rest_go_on():
    bad = raw("Share this article\n\nSkip to content", source_file="in/bad.txt")
    good = raw(BODY, source_file="in/good.txt")
    out = describe(bad, good)
    assert isinstance(out[0], Problem) and out[0].source == "in/bad.txt"
    assert out[0].message == "no article text left after cleaning"
    assert isinstance(out[1], Article) and out[1].text == BODY


def test_describe_error_in_one_article_does_not_stop_the_batch(monkeypatch):
    from generator.ingest import describe as d

    real = d.describe_one

    def flaky(r, *a):
        if r.source_file == "in/boom.txt":
            raise RuntimeError("boom")
        return real(r, *a)

    monkeypatch.setattr(d, "describe_one", flaky)
    out = describe(raw(BODY, source_file="in/boom.txt"), raw(BODY, source_file="in/ok.txt"))
    assert isinstance(out[0], Problem) and "boom" in out[0].message
    assert isinstance(out[1], Article)


def test_further_copies_of_the_headline_leave_the_text():
    a = describe(raw("Talks End In Agreement\n\n" + BODY + "\n\nTalks End In Agreement\n\nMore text follows, officials said.",
                     title="Talks End In Agreement"))
    assert "Talks End In Agreement" not in a.text
    assert [(r.line, r.reason) for r in a.removed] == [
        ("Talks End In Agreement", "headline"), ("Talks End In Agreement", "repeated")]


def test_a_dateline_line_is_not_the_headline():
    a = describe(raw("CRYSTAL LAKE, Ill., March 6 - Shr profit 15 cts vs loss six cts\nRevs 50.8 mln vs 41.8 mln"))
    assert a.headline is None and a.dateline == "CRYSTAL LAKE, Ill."
    assert a.text.startswith("CRYSTAL LAKE")


def test_recurring_lines_are_found_per_detected_outlet_in_a_mixed_folder():
    footer = "Follow Example Agency everywhere"
    own = [raw(f"CITY (Example Agency) - {BODY}\n\n{footer}", source_file=f"in/e{n}.txt") for n in range(3)]
    others = [raw(f"Other story number {n} was reported today by another outlet.", source_file=f"in/o{n}.txt")
              for n in range(9)]
    out = describe(*own, *others)
    assert all(a.outlet == "example-agency" and footer not in a.text for a in out[:3])
    assert ("recurring" in [r.reason for r in out[0].removed])


def test_lines_recurring_in_a_small_share_of_a_big_source_are_kept():
    note = "Pay March 31"
    batch = [raw(f"{BODY}\n\nDividend {n} cts\n{note}\nRecord March 16", source_file=f"in/d{n}.txt") for n in range(3)]
    batch += [raw(f"Story {n} about markets closed higher on Monday.", source_file=f"in/s{n}.txt") for n in range(20)]
    assert all(note in a.text for a in describe(*batch)[:3])


def test_teaser_further_down_is_not_the_headline():
    a = describe(raw(BODY + "\n\nCouncil rejects plan for new stadium\n\nMore news followed later, officials said."))
    assert a.headline is None


def test_title_cased_first_line_with_full_stop_is_the_headline():
    a = describe(raw("Hillary Clinton Goes After Donald Trump As The New Mitt Romney.\n\n" + BODY))
    assert a.headline == "Hillary Clinton Goes After Donald Trump As The New Mitt Romney."
    assert a.text == BODY


def test_sentence_case_first_line_with_full_stop_is_body():
    assert describe(raw("Officials met in Geneva on Monday.\n\n" + BODY)).headline is None


def test_a_name_with_party_in_brackets_is_not_a_dateline():
    assert parse_dateline("Sen. Ted Cruz (R-Tex.) said the plan would fail.") == (None, None, None)


def test_published_line_without_colon():
    a = describe(raw("Published 12:30 GMT, 26 December 2017 | Updated 13 May 2021\n\n" + BODY))
    assert (a.published, a.published_inferred) == ("2017-12-26", False)


def test_dateline_year_from_a_full_date_in_the_article_itself():
    a = describe(raw("Moscow, Dec 27 (IANS) Officials met after the test of November 29, 2017 was condemned."))
    assert (a.published, a.published_inferred) == ("2017-12-27", True)
