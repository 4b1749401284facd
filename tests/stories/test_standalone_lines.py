"""Every displayed line stands alone; titles name the event (issue 13).

Made-up sentences only: the parse's dangling subjects, the wording checks, a card text
extended back over the sentence that names its referent, and the title's choice.
"""
from __future__ import annotations

import pytest

from generator.config import ExtractSettings
from generator.records import Analysis, Fact, Mention, SourceRef
from generator.stories.extract.cards import Card, with_antecedent
from generator.stories.extract.sentences import references_in, standalone_problem, story_sentences
from generator.stories.extract.summary import choose_title, headline_shaped, stands_alone
from tests.story_helpers import analyse, make_article


@pytest.mark.parametrize("text, problem", [
    ("Add Jane Doe as an interest to stay up to date on the latest news and video.", "furniture"),
    ("Story highlights The harbour authority closes the north pier after a storm.", "furniture"),
    ("Warning: contains spoilers for the final episode of the series.", "furniture"),
    ("Enlarge image Voters queue outside a school in the capital Jon Roe/AFP/Getty Images", "caption"),
    ("Ann Poe, the new harbour master (Photo: Courtesy of the port authority).", "caption"),
    ("Image: The Westport pier is 5 km north of the old town.", "caption"),
    ("Another alarming symptom showed up soon after the first visit.", "opener"),
    ("But the plan stalled when the budget was cut in the spring.", "opener"),
    ("We have never seen this level of damage in the valley before.", "speaker"),
    ('"The pier will not reopen this year," he said on Monday.', "speaker"),
    ('"The pier will not reopen this year," harbour master Ann Poe said.', None),
    ("The harbour authority of Westport closed the north pier on Monday.", None),
    ("The old north pier is seen before the storm in Westport, May 1, 2011.", "caption"),
    ("View Images The slab of rock holding the fossil of the bird.", "caption"),
    ("Contains spoilers for the final episode of the series.", "furniture"),
    ("What emerged was a blurry picture of the harbour (see video below).", "furniture"),
    ("The new pier is seen as the harbour's answer to the storms of 2010.", None),
    ("Rating is available when the video has been rented.", "furniture"),  # a video embed's label
    ("New harbour master named at the port; several... More.", "furniture"),  # a teaser list's link
    ("View all Westport Daily newsletters.", "furniture"),
    ("The vote was close, more or less... more than expected.", None),
])
def test_wording_checks_name_why_a_line_cannot_stand_alone(text, problem):
    assert standalone_problem(text) == problem


def test_without_a_parse_only_an_opening_pronoun_counts_as_a_reference():
    assert standalone_problem("He closed the north pier on Monday after the storm.") == "reference"
    assert standalone_problem("Police say he closed the north pier on Monday.") is None
    # with the parse's references (relative offsets), any dangling subject counts
    assert standalone_problem("Police say he closed the north pier on Monday.", ((11, 13, "he"),)) == "reference"
    assert standalone_problem("It is unclear whether the pier will reopen this year.", ()) is None


@pytest.fixture(scope="module")
def parsed():
    texts = {
        "pron": "Police believe he closed the north pier early Sunday morning.",
        "named": "Harbour master Ann Poe said she closed the north pier on Sunday.",
        "def": "The network is also replacing its weather presenter with a new host.",
        "expl": "It is unclear whether the north pier will reopen this year.",
        "they": "Officials said they would review the harbour plan in May.",
        "intro": "A harbour worker was fired for refusing to move her boat after she was told to, the union says.",
        "voice": "Speaking in a weak voice, he asked the harbour board to reopen the north pier.",
        "fleet": "By building a fleet of small boats, they could fish the whole bay.",
        "leaders": "Harbour leaders said they would drain the north basin in May.",
    }
    arts = [make_article(k, t) for k, t in texts.items()]
    an = analyse(arts)
    return {k: {kind for _s, _e, kind in an[k].references} for k in texts}


def test_the_parse_finds_subjects_with_no_antecedent_in_their_sentence(parsed):
    assert "he" in parsed["pron"]
    assert "definite" in parsed["def"]
    assert not parsed["named"] & {"he", "she"}  # Ann Poe is named before "she"
    assert "it" not in parsed["expl"]  # "it" stands for the clause
    assert "they" not in parsed["they"]  # "Officials" comes first
    assert "she" not in parsed["intro"]  # "A harbour worker" introduces her
    assert "he" in parsed["voice"]  # "a weak voice" is no one
    assert "they" in parsed["fleet"]  # nobody before "they" does anything
    assert "they" not in parsed["leaders"]  # the subject before it


def _member(text: str, spans, mentions, refs):
    art = make_article("a", text)
    return art, Analysis("a", spans, [Mention(text[s:e], label, s, e) for s, e, label in mentions], [], [], refs)


def test_a_dangling_card_text_extends_over_the_sentence_that_names_its_referent():
    first = "Harbour master Ann Poe closed the north pier on Sunday after the storm."
    second = "Police believe she acted to protect the fishing boats moored there."
    text = first + " " + second
    s2 = len(first) + 1
    she = s2 + second.index("she")
    art, an = _member(text, [(0, len(first)), (s2, len(text))],
                      [(text.index("Ann Poe"), text.index("Ann Poe") + 7, "PERSON")], [(she, she + 3, "she")])
    sents = story_sentences([(art, an)], ExtractSettings())
    dangling = next(s for s in sents if s.start == s2)
    assert dangling.problem == "reference" and dangling.references == ((she - s2, she - s2 + 3, "she"),)
    shown = with_antecedent(dangling, art, an, ExtractSettings())
    assert shown is not None and shown.problem is None
    assert shown.text == text == art.text[shown.start:shown.end]  # verbatim at its own offsets


def test_no_extension_without_a_named_person_nor_across_a_paragraph_when_turned_off():
    first = "The north pier was closed on Sunday after the storm damaged it."
    second = "Police believe she acted to protect the fishing boats moored there."
    for sep, mentions, settings in (("\n\n", [(0, 3, "PERSON")], ExtractSettings(extend_across_paragraphs=False)),
                                    (" ", [], ExtractSettings()), ("\n", [], ExtractSettings())):
        text = first + sep + second
        s2 = len(first) + len(sep)
        she = s2 + second.index("she")
        art, an = _member(text, [(0, len(first)), (s2, len(text))], mentions, [(she, she + 3, "she")])
        dangling = next(s for s in story_sentences([(art, an)], settings) if s.start == s2)
        assert with_antecedent(dangling, art, an, settings) is None


def test_a_dangling_text_extends_over_the_last_sentence_of_the_paragraph_before():
    # News sites often break a paragraph after each sentence: the sentence naming the
    # referent then ends the paragraph before.
    first = "Harbour master Ann Poe closed the north pier on Sunday after the storm."
    second = "Police believe she acted to protect the fishing boats moored there."
    text = first + "\n\n" + second
    s2 = len(first) + 2
    she = s2 + second.index("she")
    art, an = _member(text, [(0, len(first)), (s2, len(text))],
                      [(text.index("Ann Poe"), text.index("Ann Poe") + 7, "PERSON")], [(she, she + 3, "she")])
    dangling = next(s for s in story_sentences([(art, an)], ExtractSettings()) if s.start == s2)
    shown = with_antecedent(dangling, art, an, ExtractSettings())
    assert shown is not None and shown.problem is None and shown.start == 0
    assert shown.text == text == art.text[shown.start:shown.end]  # verbatim, the break included
    assert with_antecedent(dangling, art, an, ExtractSettings(extend_across_paragraphs=False)) is None


def test_references_of_an_old_analysis_are_unknown_not_empty():
    old = Analysis("a", [(0, 10)])
    del old.references  # an analysis cached before the field existed
    assert references_in(old, 0, 10) is None


def _card(n: int, text: str, outlets: int = 2, problem: str | None = None) -> Card:
    return Card(Fact(f"f-{n}", text, "event", []), outlets, 10.0 - n, float(n), [n], problem=problem)


def test_title_skips_captions_and_dangling_cards_and_keeps_the_main_clause():
    settings = ExtractSettings()
    art = make_article("a", "Body text of the article.")
    cards = [
        _card(0, "Ann Poe, the new harbour master (Photo: Courtesy of the port authority).",
              problem="caption"),
        _card(1, "Police believe she closed the north pier early on Sunday.", problem="reference"),
        _card(2, "The Westport harbour authority closed the north pier on Sunday, officials said."),
    ]
    assert not stands_alone(cards[0], settings) and not stands_alone(cards[1], settings)
    assert stands_alone(cards[2], settings)
    assert choose_title([(art, Analysis("a", []))], cards, settings) == \
        "The Westport harbour authority closed the north pier on Sunday"
    lead_in = [_card(0, "After a two-week inquiry, the Westport harbour authority closed the north pier.")]
    assert choose_title([(art, Analysis("a", []))], lead_in, settings) == \
        "After a two-week inquiry, the Westport harbour authority closed the north pier"


def test_headlines_that_are_captions_or_furniture_do_not_name_the_story():
    settings = ExtractSettings()
    assert headline_shaped("Westport closes north pier after storm damage", settings, {"Westport"})
    assert not headline_shaped("Warning: Contains spoilers for the final episode", settings)
    assert not headline_shaped("Ann Poe (Photo: Courtesy of the port authority)", settings)


def test_a_title_from_a_two_sentence_card_is_its_first_sentence_not_cut_at_an_abbreviation():
    settings = ExtractSettings()
    art = make_article("a", "Body text of the article.")
    cards = [_card(0, "Sen. Ann Poe of Westport closed the north pier on Sunday. Police believe she acted "
                      "to protect the boats.")]
    assert choose_title([(art, Analysis("a", []))], cards, settings) == \
        "Sen. Ann Poe of Westport closed the north pier on Sunday"
    # a scrape's stray space before the stop still ends the first sentence
    cards = [_card(0, "The Westport ferry returned to service on Monday with a new captain . But the first "
                      "crossing was cancelled for fog.")]
    assert choose_title([(art, Analysis("a", []))], cards, settings) == \
        "The Westport ferry returned to service on Monday with a new captain"


@pytest.mark.parametrize("text", [
    "What does the closure of the north pier mean for the fishing fleet?",
    "NEW AT FIVE, A WESTPORT MOTHER IS ACCUSED OF LEAVING HER CHILD IN A CAR.",
    "WESTPORT, Maine --A 76-year-old man was released from prison on Friday.",
    "Westport (CNN) The harbour authority closed the north pier on Sunday.",
    "CLOSE The harbour authority closed the north pier on Sunday after the storm.",
    "Harbour Master Warns: 'The North Pier Is Not Safe!'",
    "Please read this letter from the harbour master, @ someuser.",
    "Ann Poe gives her statement at a hearing of the harbour board on the...",
    # a contributor's line
    "Poe reported from Westport, Maine.",
    "Ann Poe reports for the Channel 9 News at 5 on Saturday, Aug. 11, 2018.",
])
def test_teasers_questions_and_glued_datelines_are_furniture(text):
    assert standalone_problem(text) == "furniture"


@pytest.mark.parametrize("text", [
    "Police reported from the scene that two people died in the fire.",
    "The Westport Herald reported from the harbour on Monday that the pier was closed.",
])
def test_a_report_from_a_place_with_a_fact_is_no_contributor_line(text):
    assert standalone_problem(text) != "furniture"


def test_headline_checks_abbreviations_names_and_credits():
    settings = ExtractSettings()
    assert headline_shaped("J.R. Poe Hearing Could Lead To Her Release From Prison", settings)
    assert not headline_shaped("Know what is happening in the field today", settings)  # names nothing
    assert headline_shaped("Poe discloses her new plan in a memoir", settings, {"Poe"})  # a name the cards use
    assert not headline_shaped("Directed by Jon Roe and Ann Poe", settings)
    assert not headline_shaped("Click to email this to a friend (Opens in new window)", settings)
    assert not headline_shaped("Jon Roe (2nd L) and Ann Poe sit with their families", settings)


@pytest.mark.parametrize("text, mentions, problem", [
    ("Ten harbour workers also face charges over the collapse.", [], "pointer"),
    ("In 2012, another judge convicted Jon Roe of the theft.", [(20, 27, "PERSON")], "pointer"),
    ("Moments later, Roe looked back and smiled at the court.", [(15, 18, "PERSON")], "pointer"),
    ("Family members behind him hugged and cried in the gallery.", [], "pronoun"),
    ("The Vatican regards it as a relic of great value.", [], "pronoun"),
    ("A fisherman from Westport lost his boat in the storm.", [(17, 25, "GPE")], None),
    ("Two fishermen from Westport lost their boat in the storm.", [(19, 27, "GPE")], None),
    ("After the storm, the harbour board thanked them for the repairs.", [], "pronoun"),
    ("Speaking after his release, Jon Roe thanked the harbour crew.", [(28, 35, "PERSON")], None),
    ("It is unclear whether the north pier will reopen this year.", [], None),
    ("The hospital does about 40 of these operations each year.", [], "demonstrative"),
    ("There is an access door at the top of the roof of the shed.", [], "demonstrative"),
    ("The harbour master said she was surprised by that decision.", [], "demonstrative"),
    ("Westport officials said that new rules surprised the crews.", [(0, 8, "GPE")], None),
    ("The couple, who run a bakery, settled the case for $5,000.", [], "definite"),
    ("The body of a fisherman was found on the beach at Westport.", [(51, 59, "GPE")], None),
    ('"They will pay for this," harbour master Ann Poe said on Monday.', [(41, 48, "PERSON")], None),
])
def test_the_strict_reading_catches_pointers_pronouns_and_undefined_subjects(text, mentions, problem):
    from generator.stories.extract.sentences import strict_problem

    assert strict_problem(text, (), mentions) == problem


def test_a_lead_may_open_with_a_definite_subject():
    from generator.stories.extract.sentences import strict_problem

    text = "The couple, who run a bakery in Westport, settled the case for $5,000."
    assert strict_problem(text, (), [(32, 40, "GPE")]) == "definite"
    assert strict_problem(text, (), [(32, 40, "GPE")], lead=True) is None


def _sourced(n: int, article, start: int, outlets: int) -> Card:
    text = article.text[start:article.text.index(".", start) + 1]
    src = SourceRef(article.id, text, start, start + len(text))
    return Card(Fact(f"f-{n}", text, "event", [src]), outlets, 10.0 - n, float(n), [n])


def test_the_title_prefers_a_line_that_passes_the_strict_reading():
    body = ("A storm closed the Westport harbour on Monday, the port authority said. "
            "Ten fishing boats also sank at their moorings overnight in the gale.")
    art = make_article("a", body)
    second = body.index("Ten")
    an = Analysis("a", [(0, second - 1), (second, len(body))],
                  mentions=[Mention("Westport", "GPE", 19, 27)])
    members = [(art, an)]
    cards = [_sourced(0, art, second, 2), _sourced(1, art, 0, 2)]
    off = ExtractSettings(title_strict=False)
    on = ExtractSettings()
    assert choose_title(members, cards, on) == "A storm closed the Westport harbour on Monday"
    assert choose_title(members, cards, off).startswith("Ten fishing boats also sank")


def test_a_lead_behind_a_caption_line_is_still_the_articles_lead_for_the_title():
    # a caption and a heading open the second article; its first line that reads on
    # its own (the third sentence) is its lead, so it names the story before the first
    # article's lead, a background figure that fewer outlets carry
    first = "Westport has about 40 fishing boats in a typical year. The pier was built in 1950."
    second = ("Media caption Ann Poe: Boats in the storm. Harbour view. "
              "A storm sank ten fishing boats in Westport harbour on Monday. Divers searched the pier.")
    a, b = make_article("a", first), make_article("b", second)

    def spans(text):
        out, start = [], 0
        for part in text.split(". "):
            end = start + len(part) + (0 if part.endswith(".") else 1)
            out.append((start, end))
            start = end + 1
        return out

    members = [(a, Analysis("a", spans(first))), (b, Analysis("b", spans(second)))]
    storm = second.index("A storm")
    cards = [_sourced(0, a, 0, 1), _sourced(1, b, storm, 2), _sourced(2, b, second.index("Divers"), 1)]
    assert choose_title(members, cards, ExtractSettings()) == "A storm sank ten fishing boats in Westport harbour on Monday"
    # as the fourth sentence it is a line from further down: the first article's lead wins
    late = "Media caption. Heading. Harbour view. " + second[second.index("A storm"):]
    c = make_article("b", late)
    members = [(a, Analysis("a", spans(first))), (c, Analysis("b", spans(late)))]
    cards = [_sourced(0, a, 0, 1), _sourced(1, c, late.index("A storm"), 2)]
    assert choose_title(members, cards, ExtractSettings()).startswith("Westport has about 40 fishing boats")


def _two_sentences(body: str):
    """(article "a", its members, where its second sentence starts): a one-article story
    whose second sentence opens "A storm"."""
    art = make_article("a", body)
    second = body.index("A storm")
    return art, [(art, Analysis("a", [(0, second - 1), (second, len(body))]))], second


def test_a_quoted_remark_or_a_bare_surname_names_the_story_only_when_nothing_else_does():
    art, members, second = _two_sentences('"We lost everything in one night," the note reads. '
                                          "A storm sank ten fishing boats in Westport harbour on Monday.")
    quote_first = [_sourced(0, art, 0, 2), _sourced(1, art, second, 1)]
    assert choose_title(members, quote_first, ExtractSettings()).startswith("A storm sank ten fishing boats")
    # alone, the remark is still the title (a story always gets one)
    assert choose_title(members, quote_first[:1], ExtractSettings()).startswith('"We lost everything')

    body = ("Roe, 41, was in the car with three friends when the boat sank on Monday. "
            "Harbour master Jon Roe said a storm sank ten fishing boats in Westport.")
    art = make_article("b", body)
    second = body.index("Harbour")
    an = Analysis("b", [(0, second - 1), (second, len(body))],
                  mentions=[Mention("Roe", "PERSON", 0, 3), Mention("Jon Roe", "PERSON", second + 15, second + 22)])
    cards = [_sourced(0, art, 0, 2), _sourced(1, art, second, 1)]
    assert choose_title([(art, an)], cards, ExtractSettings()).startswith("Harbour master Jon Roe said")
    # the same line naming Roe in full is the title
    full = body.replace("Roe, 41,", "Jon Roe, 41,", 1)
    art = make_article("b", full)
    second = full.index("Harbour")
    an = Analysis("b", [(0, second - 1), (second, len(full))],
                  mentions=[Mention("Jon Roe", "PERSON", 0, 7), Mention("Jon Roe", "PERSON", second + 15, second + 22)])
    cards = [_sourced(0, art, 0, 2), _sourced(1, art, second, 1)]
    assert choose_title([(art, an)], cards, ExtractSettings()).startswith("Jon Roe, 41, was in the car")


def test_a_title_opening_with_a_quote_keeps_its_speaker():
    settings = ExtractSettings()
    art = make_article("a", "Body text of the article.")
    cards = [_card(0, '"The north pier will stay closed all winter," Jon Roe, the harbour master, told reporters.')]
    assert choose_title([(art, Analysis("a", []))], cards, settings) == \
        '"The north pier will stay closed all winter," Jon Roe, the harbour master, told reporters'
    cards = [_card(0, "The north pier will stay closed all winter, harbour master Jon Roe told reporters.")]
    assert choose_title([(art, Analysis("a", []))], cards, settings) == "The north pier will stay closed all winter"


def test_strict_reading_flags_definite_phrases_anywhere_that_the_line_does_not_introduce():
    from generator.stories.extract.sentences import strict_problem

    # mid-line definite phrases pointing at a sentence not shown
    assert strict_problem("On Sunday, the owner of a bakery said the van was gone.", mentions=[], anywhere=True) == "definite"
    assert strict_problem("Engineers said the pump failed twice during testing.", mentions=[], anywhere=True) == "definite"
    # titles keep the reading they were measured with
    assert strict_problem("Engineers said the pump failed twice during testing.", mentions=[]) is None
    # introduced earlier in the line, unique by an of-phrase, a superlative, a name or an owner
    assert strict_problem("A van hit a wall in Springfield and the van was towed away.", mentions=[], anywhere=True) is None
    assert strict_problem("Engineers said the cost of the repair was $40,000.", mentions=[], anywhere=True) is None
    assert strict_problem("Engineers said the largest pump in Springfield failed.", mentions=[], anywhere=True) is None
    assert strict_problem("Residents of Springfield said the nearby Maple Street bridge was closed.", mentions=[], anywhere=True) is None
    assert strict_problem("Acme Corp said the company's profit rose 4% in March.", mentions=[], anywhere=True) is None
    assert strict_problem("A survey of 2,000 adults found the public was split on the plan's cost.", mentions=[], anywhere=True) is None


def test_strict_reading_flags_time_references_to_a_moment_not_shown():
    from generator.stories.extract.sentences import strict_problem

    assert strict_problem("Back then, few farms in Springfield had tractors.", mentions=[], anywhere=True) == "pointer"
    assert strict_problem("Ten workers were hurt at the time, officials in Springfield said.", mentions=[], anywhere=True) == "pointer"
    assert strict_problem("Springfield's council met that night to vote on a budget.", mentions=[], anywhere=True) == "pointer"
    assert strict_problem("Ten workers were hurt at the time of the blast in Springfield.", mentions=[], anywhere=True) is None


@pytest.mark.parametrize("after, caption", [
    (" (Jon Roe / Staff Photographer)", True),
    (" (Photo: Jon Roe, Westport Gazette)", True),
    (" (Reuters)", False),  # an outlet's sign-off, no credit
    ("", False),
])
def test_a_line_followed_by_a_photo_credit_is_a_caption_not_a_title(after, caption):
    first = "Harbour master Ann Poe walks along the north pier in Westport." + after
    second = "A storm sank ten fishing boats in Westport harbour on Monday."
    a, b = make_article("a", first), make_article("b", second)
    members = [(a, Analysis("a", [(0, first.index(".") + 1)])), (b, Analysis("b", [(0, len(second))]))]
    cards = [_sourced(0, a, 0, 2), _sourced(1, b, 0, 2)]
    expected = second.rstrip(".") if caption else "Harbour master Ann Poe walks along the north pier in Westport"
    assert choose_title(members, cards, ExtractSettings()) == expected


def test_among_leads_the_title_is_one_that_names_a_participant():
    first = "A merger worth eight billion dollars is in the works for the harbour trade."
    second = "Westport Ferries agreed on Monday to buy the Harbour Line for eight billion dollars."
    a, b = make_article("a", first), make_article("b", second)
    named = Analysis("b", [(0, len(second))], mentions=[Mention("Westport Ferries", "ORG", 0, 16),
                                                        Mention("the Harbour Line", "ORG", 43, 59)])
    members = [(a, Analysis("a", [(0, len(first))])), (b, named)]
    cards = [_sourced(0, a, 0, 2), _sourced(1, b, 0, 2)]
    assert choose_title(members, cards, ExtractSettings()) == second.rstrip(".")
    # a named line from further down does not pass the lead that names no one
    later = "The vote is due in June. Boats wait. Crews wait. " + second
    c = make_article("b", later)
    at = later.index("Westport")
    members = [(a, Analysis("a", [(0, len(first))])),
               (c, Analysis("b", [(0, 24), (25, 36), (37, 48), (at, len(later))],
                            mentions=[Mention("Westport Ferries", "ORG", at, at + 16)]))]
    cards = [_sourced(0, a, 0, 2), _sourced(1, c, at, 2)]
    assert choose_title(members, cards, ExtractSettings()) == first.rstrip(".")


def test_among_leads_the_title_is_the_one_more_outlets_carry():
    first = "Under the deal, Westport Ferries will repaint its boats and train its crews by June."
    second = "Westport Ferries agreed on Monday to pay a fine of two million dollars to the port."
    a, b = make_article("a", first), make_article("b", second)
    members = [(a, Analysis("a", [(0, len(first))], mentions=[Mention("Westport Ferries", "ORG", 16, 32)])),
               (b, Analysis("b", [(0, len(second))], mentions=[Mention("Westport Ferries", "ORG", 0, 16)]))]
    assert choose_title(members, [_sourced(0, a, 0, 2), _sourced(1, b, 0, 3)], ExtractSettings()) == \
        second.rstrip(".")
    assert choose_title(members, [_sourced(0, a, 0, 3), _sourced(1, b, 0, 2)], ExtractSettings()) == \
        first.rstrip(".")


def test_a_line_saying_someone_did_not_comment_is_neither_title_nor_key_point():
    import numpy as np

    from generator.stories.extract.summary import summarise

    first = "Westport Ferries did not immediately respond to a request for comment on Monday."
    second = "A harbour worker says Westport Ferries fired her for refusing to move her boat."
    a, b = make_article("a", first), make_article("b", second)
    members = [(a, Analysis("a", [(0, len(first))], mentions=[Mention("Westport Ferries", "ORG", 0, 16)])),
               (b, Analysis("b", [(0, len(second))], mentions=[Mention("Westport Ferries", "ORG", 23, 39)]))]
    cards = [_sourced(0, a, 0, 2), _sourced(1, b, 0, 1)]
    assert choose_title(members, cards, ExtractSettings()) == second.rstrip(".")
    chosen = summarise(cards, np.zeros((2, 2), dtype=np.float32), ExtractSettings(summary_min=2, summary_max=2))
    assert [i.facts[0] for i in chosen] == ["f-1"]
    for line in ("The company declined to comment.", "Roe could not be reached for comment.",
                 "A spokesman didn't return messages seeking comment on Friday."):
        cards = [_card(0, line), _card(1, second)]
        assert [i.facts[0] for i in summarise(cards, np.zeros((2, 2), dtype=np.float32),
                                              ExtractSettings(summary_min=2, summary_max=2))] == ["f-1"]


def test_the_strict_reading_takes_the_parse_verdict_on_a_subject_pronoun():
    from generator.stories.extract.sentences import strict_problem

    line = "Officials said they would review the harbour plan in May."
    at = line.index("they")
    assert strict_problem(line, references=(), mentions=[]) is None  # the parse found "Officials"
    assert strict_problem(line, references=((at, at + 4, "they"),), mentions=[]) == "reference"
    assert strict_problem(line, mentions=[]) == "pronoun"  # no parse: the wording alone
    # an object or possessive pronoun is not the parse's to judge
    assert strict_problem("Officials said the storm cost them a year.", references=(), mentions=[]) == "pronoun"


def test_a_scene_a_speculation_or_an_estimate_names_the_story_after_a_line_stating_an_event():
    from generator.stories.extract.summary import states_no_event

    assert states_no_event("Jon Roe, a fisherman, was mending his nets on Monday when the storm hit")
    assert states_no_event("Rising seas would need a new sea wall within a decade")
    assert states_no_event("The harbour is estimated to lose 40 boats a year")
    # in a clause of its own, or in a quote, or a study's "may", it is not the line's main claim
    assert not states_no_event("Police arrested a man who was driving drunk")
    assert not states_no_event('The mayor said: "We would rebuild it" on Monday')
    assert not states_no_event("Eating late may raise the risk of diabetes, a new study suggests")

    art, members, second = _two_sentences("Jon Roe, a fisherman, was mending his nets on Monday when a storm "
                                          "sank ten boats. A storm sank ten fishing boats in Westport harbour on Monday.")
    # the scene is the first article's lead and carried by more outlets; the event still names the story
    cards = [_sourced(0, art, 0, 2), _sourced(1, art, second, 1)]
    assert choose_title(members, cards, ExtractSettings()).startswith("A storm sank ten fishing boats")
