"""Clean stage: each furniture signal on synthetic lines, and the body it must keep."""
import pytest

from generator.ingest import clean
from generator.config import CleanSettings
from generator.ingest.clean import classify, clean_text, recurring_lines
from generator.config import Config
from generator.errors import ConfigError

P1 = "The city council approved the new budget on Tuesday after a long debate."
P2 = "Opposition members said the spending plan ignored the needs of rural districts."
P3 = "The mayor is expected to sign the budget into law next week, officials said."


def reasons(text, **kw):
    return {ln.text: ln.reason for ln in classify(text, **kw) if ln.text}


def body(*lines):
    return "\n\n".join([P1, *lines, P2, P3])


@pytest.mark.parametrize("line, name", [
    ("Skip to main content", "skip-link"),
    ("1. Jump to navigation", "skip-link"),
    ("We noticed you are using an ad blocker", "adblock"),
    ("Leave a comment", "comments"),
    ("View all 12 comments", "comments"),
    ("Share this article on Facebook", "share"),
    ("Sign up for our daily newsletter", "subscribe"),
    ("Get our free newsletter every morning", "call-to-action"),
    ("Read more: Council rejects plan for new stadium", "teaser"),
    ("Related Stories", "teaser"),
    ("You may also like", "teaser"),
    ("Photo: Jane Smith/Example Agency", "caption"),
    ("Image credit: City Archive", "caption"),
    ("Tags: budget, council, politics", "tags"),
    ("Last updated on: 3 May 2020 10:15", "updated"),
    ("Published: 2 May 2020", "published"),
    ("Article ID: 88231", "id"),
    ("© 2020 Example Media Ltd", "caption"),
    ("All rights reserved.", "copyright"),
    ("Accept all cookies", "cookies"),
    ("ab/cd (AP, AFP)", "sign-off"),
    ("(Reuters, AFP)", "credit-line"),
    ("Monday, 4 May 2020 09:12 GMT", "date-line"),
    ("By Maria Lopez and John Smith", "byline"),
])
def test_furniture_patterns(line, name):
    assert reasons(body(line))[line] == f"pattern:{name}"


def test_glued_teaser_link_is_caught_without_a_space():
    line = "Read moreCouncil rejects plan for new stadium?"
    assert reasons(body(line))[line] == "pattern:teaser"


@pytest.mark.parametrize("line", [
    "Read more about the plan in the council's report, he said.",
    "The newsletter of the teachers' union said the budget cut school funding by two percent this year.",
    "By the time the vote was called, most members had left the chamber.",
    "Sign here.",
])
def test_body_sentences_that_look_like_furniture_are_kept(line):
    assert reasons(body(line))[line] is None


def test_patterns_ignore_long_lines():
    long_line = "Share this " + "very " * 60 + "long paragraph that is really body text"
    assert reasons(body(long_line))[long_line] is None


def test_url_only_lines_and_lines_without_letters():
    r = reasons(body("https://example.org/p/2x9", "www.example.org/news", "* * *", "12:45"))
    assert r["https://example.org/p/2x9"] == "shape:url"
    assert r["www.example.org/news"] == "shape:url"
    assert r["* * *"] == "shape:no-letters"
    assert r["12:45"] == "shape:no-letters"


def test_menu_numbering_before_the_body():
    text = "1. Home\n2. World\n3. Business\n\n" + body()
    r = reasons(text)
    assert r["1. Home"] == r["2. World"] == r["3. Business"] == "shape:menu"


def test_short_line_without_sentence_end_between_paragraphs_is_furniture():
    r = reasons(body("Council rejects plan for new stadium"))
    assert r["Council rejects plan for new stadium"] == "shape:no-sentence"


def test_short_real_sentence_with_full_stop_is_body():
    r = reasons(body("He declined."))
    assert r["He declined."] is None


def test_long_line_without_final_punctuation_is_body():
    standfirst = ("The mayor called on the regional government to help fund the new school buildings "
                  "during a meeting earlier this month")
    assert reasons(body(standfirst))[standfirst] is None


def test_list_inside_the_body_is_kept():
    items = ["June 9 – Springfield Arena", "June 10 – Shelbyville Hall", "June 12 – Capital City Dome"]
    r = reasons("\n\n".join([P1, "Tour dates:", *items, P2, P3]))
    assert all(r[i] is None for i in items)


def test_menu_after_the_body_is_removed_but_kept_for_extracted_html():
    items = ["Sports scores", "Weather today", "Traffic updates"]
    text = "\n\n".join([P1, P2, P3, *items])
    assert all(r == "shape:no-sentence" for r in (reasons(text)[i] for i in items))
    assert all(reasons(text, structured=True)[i] is None for i in items)


def test_headline_glued_to_quote_is_split():
    text = 'Mayor Signs Budget Into Law"We kept our promise," the mayor said on Friday.\n\n' + P1
    lines = [ln.text for ln in classify(text) if ln.text]
    assert lines[:2] == ["Mayor Signs Budget Into Law", '"We kept our promise," the mayor said on Friday.']


def test_quote_after_a_space_is_not_split():
    line = 'The mayor said "we kept our promise" on Friday.'
    assert [ln.text for ln in classify(line) if ln.text] == [line]


def test_result_format_paragraphs_spaces_and_quotes():
    raw = f"  {P1}  \n\n\n\n{P2}\u00a0\u00a0\n“Quoted”\u00a0text stays curly.\r\n\n{P3}"
    out = clean_text(raw)
    assert out.text == f"{P1}\n\n{P2}\n\n“Quoted” text stays curly.\n\n{P3}"
    assert "\u00a0" not in out.text and "\n\n\n" not in out.text
    assert all(line == line.rstrip() for line in out.text.split("\n"))


def test_hard_wrapped_lines_are_joined():
    out = clean_text("The council met on Tuesday evening in the town hall and after\n"
                     "a long debate agreed to raise taxes.\nThe vote was close.\n\n" + P2)
    assert out.text.split("\n\n")[:2] == [
        "The council met on Tuesday evening in the town hall and after a long debate agreed to raise taxes.",
        "The vote was close."]


def test_short_lines_are_not_joined_to_a_lower_case_line():
    r = reasons(body("Tags: budget, council\nyour comment"))
    assert r["Tags: budget, council"] == "pattern:tags" and r["your comment"] == "pattern:comments"


def test_exact_repeated_paragraph_is_dropped_keeping_the_first():
    out = clean_text("\n\n".join([P1, P2, P1, P3]))
    assert out.text.split("\n\n") == [P1, P2, P3]
    assert [(r.line, r.reason) for r in out.removed] == [(P1, "repeated")]


def test_near_exact_repeat_is_dropped():
    variant = P2.replace("members said", "members, they said,")
    out = clean_text("\n\n".join([P1, P2, P3, variant]))
    assert variant not in out.text and ("repeated" in [r.reason for r in out.removed])


def test_repeated_short_list_items_are_kept():
    out = clean_text("\n\n".join([P1, "Meal 1", "Eat every 3 hours", "Oats", "Meal 2", "Eat every 3 hours", "Rice", P2]))
    assert out.text.count("Eat every 3 hours") == 2


def test_every_removed_line_is_recorded_with_a_reason():
    text = body("Share this article", "https://example.org/x", "Council rejects plan for new stadium")
    out = clean_text(text)
    assert {r.line for r in out.removed} == {"Share this article", "https://example.org/x",
                                            "Council rejects plan for new stadium"}
    assert all(r.reason for r in out.removed)
    assert out.text == "\n\n".join([P1, P2, P3])


def test_recurring_lines_across_one_source_are_removed():
    footer = "Our journalism depends on readers like you"
    texts = [f"{P1}\n\n{footer}", f"{P2}\n\n{footer}", f"{P3}\n\n{footer}", "Another story entirely."]
    rec = recurring_lines({"site": texts})["site"]
    assert clean.key(footer) in rec
    assert clean.key(P1) not in rec
    r = reasons(f"{P1}\n\n{footer}\n\n{P2}", recurring=rec)
    assert r[footer] == "recurring"


def test_recurring_needs_enough_articles_and_spares_long_syndicated_paragraphs():
    assert recurring_lines({"site": [P1, P1]})["site"] == set()
    long_para = " ".join([P1, P2, P3])
    assert recurring_lines({"site": [long_para] * 5})["site"] == set()


def test_configured_patterns_extend_and_disable_defaults():
    cfg = Config(sections={"clean": {"patterns": {"promo": r"^best deals\b"}, "disable_patterns": ["share"]}})
    ccfg = clean.check_settings(cfg.settings.clean)
    r = reasons(body("Best deals of the week!", "Share this article."), cfg=ccfg)
    assert r["Best deals of the week!"] == "pattern:promo"
    assert r["Share this article."] is None


def test_bad_configured_regex_is_a_config_error():
    with pytest.raises(ConfigError, match="clean.patterns.broken"):
        clean.check_settings(Config(sections={"clean": {"patterns": {"broken": "(unclosed"}}}).settings.clean)


def test_unknown_clean_setting_is_a_config_error():
    with pytest.raises(ConfigError):
        clean.check_settings(Config(sections={"clean": {"no_such_setting": 1}}).settings.clean)


def test_cleaning_is_deterministic_and_idempotent():
    text = body("Share this article", "Council rejects plan for new stadium")
    once = clean_text(text)
    assert clean_text(text) == once
    assert clean_text(once.text).text == once.text


def test_syndicated_copies_keep_their_recurring_sentences():
    texts = [f"{P1}\n\n{P2}\n\n{P3}\n\nShare this", f"{P1}\n\n{P2}\n\n{P3}", f"{P1}\n\n{P2}\n\n{P3}\n\nMore news"]
    rec = recurring_lines({"folder": texts})["folder"]
    assert clean.key(P1) in rec  # it does recur...
    assert clean_text(texts[1], recurring=rec).text == "\n\n".join([P1, P2, P3])  # ...but it is the story


@pytest.mark.parametrize("section", [{"patterns": ["not", "a", "mapping"]}, {"disable_patterns": "share"},
                                     {"disable_patterns": ["no-such-pattern"]}])
def test_malformed_clean_section_is_a_config_error(section):
    with pytest.raises(ConfigError):
        clean.check_settings(Config(sections={"clean": section}).settings.clean)


def test_subheading_inside_extracted_html_is_kept_but_not_in_a_raw_scrape():
    sub = "Budget details"
    assert reasons(body(sub))[sub] == "shape:no-sentence"
    assert reasons(body(sub), structured=True)[sub] is None


def test_section_label_before_the_body_goes_even_for_extracted_html():
    assert reasons("World news\n\n" + body(), structured=True)["World news"] == "shape:no-sentence"


@pytest.mark.parametrize("line, name", [
    ("Tell us what YOU think...", "comments"),
    ("Thanks for signing up!", "subscribe"),
    ("Keep an eye on your inbox for the latest news.", "call-to-action"),
    ("Click here for more information.", "click-here"),
    ('[button link="http://example.org/x" type="big"] Send us your review[/button]', "shortcode"),
])
def test_more_furniture_patterns(line, name):
    assert reasons(body(line))[line] == f"pattern:{name}"


@pytest.mark.parametrize("line", [
    "Netflix raised subscription prices.",
    "Edited versions of the tape were released.",
    "Join the queue, he told them.",
])
def test_short_news_sentences_with_furniture_words_are_kept(line):
    assert reasons(body(line))[line] is None


def test_article_without_prose_keeps_its_short_lines():
    table = ["Shr profit 15 cts vs loss six cts", "Net profit 1,051,000 vs loss 381,000", "Revs 50.8 mln vs 41.8 mln"]
    out = clean_text("\n".join(table) + "\nShare this")
    assert out.text.split("\n\n") == table


def test_fixed_width_wrapped_text_is_rejoined_and_indents_start_paragraphs():
    wrapped = ("SALVADOR, Feb 26 - Showers continued throughout the week in the\n"
               "Bahia cocoa zone, alleviating the drought since early January and\n"
               "improving prospects for the coming harvest, the review said.\n"
               "    The dry period means the harvest will be late this year and\n"
               "Arrivals for the week were lower than expected by most traders.\n")
    paras = clean_text(wrapped).text.split("\n\n")
    assert paras == [
        "SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia cocoa zone, alleviating "
        "the drought since early January and improving prospects for the coming harvest, the review said.",
        "The dry period means the harvest will be late this year and Arrivals for the week were lower "
        "than expected by most traders."]


def test_table_of_figures_before_a_note_is_kept():
    table = ["Shr profit 15 cts vs loss six cts", "Net profit 1,051,000 vs loss 381,000", "Revs 50.8 mln vs 41.8 mln"]
    out = clean_text("\n".join(table) + "\nNote: the year-ago figures were restated after the merger.")
    assert out.text.split("\n\n")[:3] == table


def test_menu_of_words_before_the_body_is_still_removed():
    menu = ["Home", "World news", "Business and markets"]
    assert all(reasons("\n".join(menu) + "\n\n" + body())[m] == "shape:no-sentence" for m in menu)


@pytest.mark.parametrize("line, name", [
    ("Advertisement", "advertisement"),
    ("Advertisement Continue reading the main story", "advertisement"),
    ("Story continues below", "advertisement"),
    ("Story Continued Below", "advertisement"),
    ("The interactive transcript could not be loaded.", "embed"),
    ("This feature is not available right now. Please try again later.", "embed"),
    ("Your browser does not support the video tag.", "embed"),
])
def test_ads_and_embedded_player_messages(line, name):
    assert reasons(body(line))[line] == f"pattern:{name}"


@pytest.mark.parametrize("line, name", [
    ("Published 12:30 GMT, 26 December 2017", "published"),
    ("First published on Tue 26 Dec 2017 18.11 GMT", "published"),
    ("18:11 GMT, 26 December 2017", "date-line"),
])
def test_more_date_lines(line, name):
    assert reasons(body(line))[line] == f"pattern:{name}"


def test_published_sentence_without_date_is_body():
    line = "Published reports said the minister would resign."
    assert reasons(body(line))[line] is None


def test_removed_lines_are_listed_in_document_order():
    out = clean_text("\n\n".join(["Share this", P1, P2, P1, "Follow us on Twitter", P3]))
    assert [(r.line, r.reason) for r in out.removed] == [
        ("Share this", "pattern:share"), (P1, "repeated"), ("Follow us on Twitter", "pattern:share")]
