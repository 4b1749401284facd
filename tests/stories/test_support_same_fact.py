"""Support means the same fact: same participants, compatible figures (issue 12)."""
from __future__ import annotations

from generator.config import ExtractSettings
from generator.stories.extract import extract_story
from generator.stories.extract.cards import figures_clash, quantities
from generator.stories.group import StoryGroup
from tests.story_helpers import analyse, make_article

# One coach's dismissal told in other words, and another team's dismissal told in the same words.
FIRED = ("The Philadelphia 76ers fired Maurice Cheeks as head coach on Saturday after a 9-14 start. "
         "Assistant Tony DiLeo will take over for the rest of the season, the team said.")
PARTED = ("The 76ers parted ways with coach Maurice Cheeks on Saturday, with the team at 9-14. "
          "General manager Ed Stefanski praised the work of the players in a short statement.")
OTHER_TEAM = ("The Sacramento Kings fired Reggie Theus as head coach on Saturday after a 6-12 start. "
              "Assistant Kenny Natt will take over for the rest of the season, the team said.")
# A named speaker's claim, and the same claim from an unnamed one.
MAYOR = ("Mayor Jane Doe said the new bridge over the river will open in May after two years of work. "
         "The city council approved the budget for the bridge last year.")
ENGINEER = ("The new bridge over the river will open in May after two years of work, the city engineer said. "
            "Traffic on the old crossing has doubled since 2010.")


def _story(texts, settings=None):
    arts = [make_article(f"a{i}", t, f"o{i}") for i, t in enumerate(texts)]
    an = analyse(arts)
    return extract_story(StoryGroup("s", [a.id for a in arts]), [(a, an[a.id]) for a in arts], settings)


def _together(story, a, b):
    return any(any(a in s.excerpt for s in f.sources) and any(b in s.excerpt for s in f.sources)
               for f in story.facts)


def test_same_event_in_other_words_joins():
    story = _story([FIRED, PARTED])
    assert _together(story, "fired Maurice Cheeks", "parted ways with coach Maurice Cheeks")


def test_same_words_about_other_participants_do_not_join():
    story = _story([FIRED, OTHER_TEAM])
    assert not _together(story, "fired Maurice Cheeks", "fired Reggie Theus")
    assert not _together(story, "Tony DiLeo", "Kenny Natt")
    # Nor is the other team's dismissal shown as another outlet's version of the first.
    assert not any("Theus" in d.excerpt for f in story.facts for d in f.differs)
    # Each dismissal keeps a card of its own: no sentence is lost by the split.
    for needle in ("fired Maurice Cheeks", "fired Reggie Theus"):
        assert any(needle in f.text for f in story.facts)


def test_participants_gate_is_what_splits_them():
    plain = _story([FIRED, OTHER_TEAM], ExtractSettings(participants_must_match=False, figures_must_agree=False))
    assert _together(plain, "Tony DiLeo", "Kenny Natt")


def test_a_sentence_without_the_named_speaker_does_not_support_an_x_said_card():
    story = _story([MAYOR, ENGINEER])
    for f in story.facts:
        if "Jane Doe" in f.text:
            assert not any("city engineer" in s.excerpt for s in f.sources)
    # Both state that the bridge opens in May: the card whose text names no one cites both.
    assert _together(story, "Mayor Jane Doe said", "the city engineer said")
    both = next(f for f in story.facts if len(f.sources) == 2)
    assert "Jane Doe" not in both.text


def test_quantities_compare_figures_of_one_unit_only():
    assert quantities("$2.5bn") == {"$": frozenset({2.5e9})}
    assert quantities("$2.9 billion") == {"$": frozenset({2.9e9})}
    assert figures_clash(quantities("paid $2.5bn"), quantities("paid $2.9 billion"))
    assert figures_clash(quantities("7 people died"), quantities("nine people died"))
    # Other units, years and bare numbers say nothing about each other.
    assert not figures_clash(quantities("7 people died"), quantities("for 2 days"))
    assert not figures_clash(quantities("in 1984 it fell"), quantities("in 1986 it fell"))
    assert not figures_clash(quantities("one of the men"), quantities("two of the men"))
    # A duration counts in hours, however it is written.
    assert quantities("a 48-hour strike") == quantities("a strike of two days") == {"h": frozenset({48.0})}
    assert figures_clash(quantities("a 48-hour strike"), quantities("a three-day strike"))


# One remark reported through a named source, by another outlet through the same
# source, and by a third that does not name it. (Made-up people and outlets.)
VIA_LEDGER = ('"The ferry service will resume next week," harbour chief Jane Doe said, the Daily Ledger reported. '
              "Repairs to the pier took three months.")
VIA_LEDGER_TOO = ('"The ferry service will resume next week," harbour chief Jane Doe told reporters, '
                  "according to the Daily Ledger. The pier was damaged in a storm in March.")
NO_SOURCE = ('"The ferry service will resume next week," harbour chief Jane Doe said. '
             "Passengers have used buses since the pier closed.")


def _cards_naming(story, needle):
    return [f for f in story.facts if needle in f.text]


def test_a_card_naming_its_reporting_source_cites_only_sentences_naming_it():
    story = _story([VIA_LEDGER, NO_SOURCE])
    assert not any(len(f.sources) > 1 for f in _cards_naming(story, "Daily Ledger"))
    # Without the check the two sentences make one card: the check is what splits them.
    plain = _story([VIA_LEDGER, NO_SOURCE], ExtractSettings(participants_must_match=False))
    assert any(len(f.sources) > 1 for f in _cards_naming(plain, "Daily Ledger"))


def test_the_same_source_named_in_other_words_still_joins():
    story = _story([VIA_LEDGER, VIA_LEDGER_TOO])
    assert _together(story, "the Daily Ledger reported", "according to the Daily Ledger")


def test_the_source_outlets_own_article_supports_the_card():
    arts = [make_article("a0", VIA_LEDGER, "other"), make_article("a1", NO_SOURCE, "ledger")]
    an = analyse(arts)
    story = extract_story(StoryGroup("s", [a.id for a in arts]), [(a, an[a.id]) for a in arts], None)
    assert _together(story, "the Daily Ledger reported", "harbour chief Jane Doe said.")


# The same judge, office and day, two different events (made-up names): a ruling, and the
# office closing after it (the warrant only its background).
UPHELD = ("Judge Ann Park upheld the search warrant for the Elm Street office of the firm on Monday. "
          "The firm plans to appeal.")
CLOSED = ("The Elm Street office of the firm closed on Monday after the search warrant of Judge Ann Park. "
          "Lawyers for the firm welcomed it.")


def test_parse_frames_mark_background_clauses():
    from generator.nlp.analyze import frames, load_nlp

    text = "After Jon Roe was arrested on Monday, his lawyer filed an appeal."
    got = {(text[a:b], role) for a, b, role in frames(load_nlp()(text))}
    # The arrest is the circumstance; the filing is the sentence's own fact.
    assert ("arrested", "p") in got and ("filed", "P") in got
    assert ("lawyer", "A") in got and ("appeal", "T") in got


def test_same_event_check_splits_same_words_about_another_event():
    on = _story([UPHELD, CLOSED], ExtractSettings(same_event=True))
    assert not _together(on, "upheld the search warrant", "office of the firm closed")
    for needle in ("upheld", "closed"):  # each keeps a card: no sentence is lost
        assert any(needle in f.text for f in on.facts)
    # Word overlap alone puts them on one card: the check is what splits them.
    off = _story([UPHELD, CLOSED], ExtractSettings(same_event=False))
    assert _together(off, "upheld the search warrant", "office of the firm closed")


def test_same_event_check_keeps_a_paraphrase_with_the_same_doer():
    story = _story([FIRED, PARTED], ExtractSettings(same_event=True))
    assert _together(story, "fired Maurice Cheeks", "parted ways with coach Maurice Cheeks")
    # The other team's dismissal stays apart with the check on too.
    other = _story([FIRED, OTHER_TEAM], ExtractSettings(same_event=True))
    assert not _together(other, "fired Maurice Cheeks", "fired Reggie Theus")
