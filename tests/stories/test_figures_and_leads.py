"""Two events of one kind stay apart; figures must agree on a card (issue 12)."""
from __future__ import annotations

from generator.config import ExtractSettings, GroupSettings
from generator.stories.extract import extract_story
from generator.stories.group import StoryGroup, figures, group_articles, lead_features
from tests.story_helpers import analyse, make_article

# Two drunk-driving arrests of two players of one team, a week apart: every word but
# who and how much is shared.
ARREST_1A = ("Police arrested Denver Broncos linebacker John Miller early Sunday on suspicion of drunk "
             "driving after he was stopped on Interstate 25 with a blood alcohol level of 0.14. Miller, 27, "
             "was released on a $1,500 bond. His agent said he would cooperate with investigators.")
ARREST_1B = ("John Miller, the 27-year-old Broncos linebacker, spent Sunday morning in a Denver jail after "
             "officers measured his blood alcohol at 0.14 on Interstate 25. Miller posted a bond of $1,500 "
             "and his agent promised full cooperation.")
ARREST_2 = ("Denver Broncos receiver David Brown was arrested on suspicion of drunk driving early Thursday "
            "after he was stopped on Interstate 70, the Colorado State Patrol said. Brown, 24, was held "
            "overnight; his agent said he would cooperate with investigators.")


def _groups(arts, settings):
    groups = group_articles(arts, analyse(arts), {}, settings)
    return {aid: g.id for g in groups for aid in g.article_ids}


def test_two_arrests_of_one_team_stay_apart_and_two_reports_of_one_join():
    arts = [make_article("a", ARREST_1A, "o1", published="2024-09-01"),
            make_article("b", ARREST_1B, "o2", published="2024-09-01"),
            make_article("c", ARREST_2, "o3", published="2024-09-01")]
    m = _groups(arts, GroupSettings())
    assert m["a"] == m["b"], "two reports of one arrest in other words join"
    assert m["c"] != m["a"], "another player's arrest is another story"
    # Without the lead penalty the shared wording joins the two arrests: the penalty is what keeps them apart.
    plain = _groups(arts, GroupSettings(lead_person_penalty=0.0, lead_number_penalty=0.0))
    assert plain["c"] == plain["a"]


def test_lead_features_are_surnames_and_figures_years_aside():
    arts = [make_article("a", ARREST_1A, "o1")]
    lead = lead_features(arts[0], analyse(arts)["a"], 2)
    assert lead.persons == {"miller"}
    assert {"27", "25", "0.14", "1500"} <= lead.numbers
    assert figures("In 1984 about 1,500 people left") == {"1500"}
    assert figures("$2.5bn") != figures("$2.9 billion")
    assert figures("a 48-hour strike") == figures("a strike of two days")


# One claim, one figure per outlet: the third outlet gives another figure.
DEAL_A = ("The carmaker agreed to pay $2.9 billion to settle the emissions case, the Justice Department said on "
          "Tuesday. The settlement ends a three-year investigation into diesel engines sold in the United States.")
DEAL_B = ("The Justice Department said on Tuesday that the carmaker will pay $2.9 billion to settle the "
          "emissions case. Shares of the company rose in Frankfurt after the announcement.")
DEAL_C = ("The carmaker agreed on Tuesday to pay $2.5 billion to settle the emissions case, the Justice "
          "Department said. Analysts had expected a larger penalty for the diesel engines.")


def _story(texts):
    arts = [make_article(f"a{i}", t, f"o{i}") for i, t in enumerate(texts)]
    an = analyse(arts)
    return extract_story(StoryGroup("s", [a.id for a in arts]), [(a, an[a.id]) for a in arts]), arts


def _card_with(story, needle):
    return [f for f in story.facts if any(needle in s.excerpt for s in f.sources)]


def test_other_figures_for_one_claim_are_not_support_but_outlets_differ():
    story, arts = _story([DEAL_A, DEAL_B, DEAL_C])
    texts = {a.id: a.text for a in arts}
    pay = _card_with(story, "pay $2.9 billion")
    assert pay, "the settlement is a card"
    for card in pay:
        assert not any("$2.5 billion" in s.excerpt for s in card.sources)
    # The two outlets giving $2.9 billion back one card; the third is its "outlets differ".
    both = [c for c in pay if len({s.article for s in c.sources}) == 2]
    assert both
    differs = [d for c in both for d in c.differs]
    assert any("$2.5 billion" in d.excerpt for d in differs)
    for d in differs:
        assert texts[d.article][d.start:d.end] == d.excerpt
    # Switched off, the aligner cites the other figure as support.
    an = analyse(arts)
    plain = extract_story(StoryGroup("s", [a.id for a in arts]), [(a, an[a.id]) for a in arts],
                          ExtractSettings(figures_must_agree=False))
    assert any("$2.5 billion" in s.excerpt and any("$2.9 billion" in t.excerpt for t in c.sources)
               for c in plain.facts for s in c.sources)


def test_a_range_gives_both_its_figures_their_unit():
    from generator.stories.extract.cards import figures_clash, quantities

    year = 8760.0  # durations are counted in hours
    assert quantities("He was sentenced to anywhere from nine to 33 years.") == {"h": frozenset({9 * year, 33 * year})}
    assert quantities("The strike lasts 5-7 days.") == {"h": frozenset({120.0, 168.0})}
    assert quantities("Between 10 and 12 million people voted.")["w:peopl"] == frozenset({1e7, 1.2e7})
    # so a sentence giving one end of the range does not "differ" from it
    assert not figures_clash(quantities("He got nine to 33 years."), quantities("He got a minimum of nine years."))
    assert figures_clash(quantities("He got nine to 33 years."), quantities("He got 12 years."))
    # a count of other things after "and" is no range
    assert quantities("Two people died and 12 were hurt.") == {"w:peopl": frozenset({2.0})}


def _clash(a: str, b: str) -> bool:
    """Do the figures of two sentences clash (`cards.figures_clash` of their quantities)?"""
    from generator.stories.extract.cards import figures_clash, quantities

    return figures_clash(quantities(a), quantities(b))


def test_a_duration_in_months_or_in_parts_is_the_same_duration():
    # one sentence for a plea deal, in two outlets' words
    assert not _clash("The deal calls for an 85-month prison stint.",
                      "The deal is for him to serve 7 years, 1 month in prison.")
    assert not _clash("She was jailed for 18 months.", "She was jailed for 1.5 years.")
    assert not _clash("He will serve two years and six months.", "He will serve 30 months.")
    # about seven years is that deal too; other lengths still differ
    assert not _clash("He agreed to serve about 7 years.", "The deal calls for an 85-month prison stint.")
    assert _clash("He will serve 7 years, 1 month.", "He will serve 90 months.")
    assert _clash("The 72-year-old agreed.", "The 73-year-old agreed.")


def test_a_bound_or_an_estimate_close_to_the_other_figure_does_not_differ():
    assert not _clash("She left an estimated $26.6 million estate.", "Her estate was worth more than $26 million.")
    assert not _clash("The party won nearly 50 percent of the seats.", "The party won 47 percent of the seats.")
    # exact figures, or a bound far from the other, still differ
    assert _clash("The 72-year-old agreed.", "The 73-year-old agreed.")
    assert _clash("The party won nearly 50 percent.", "The party won 30 percent.")


def test_paraphrase_with_the_same_figures_still_joins():
    story, _ = _story([DEAL_A, DEAL_B])
    assert any(len({s.article for s in c.sources}) == 2 and not c.differs
               for c in _card_with(story, "pay $2.9 billion"))


def test_lead_evidence_is_names_said_again_and_distinctive_figures():
    # A name met once in the lead (a passing mention) says little about who the event
    # is about, and "two" climbers or "1" rescue team are in every other lead.
    text = ("Rescuers pulled two climbers from a crevasse on Mont Blanc on Sunday, a guide, Paul Girard, "
            "told reporters. Anna Keller, 34, and her partner were flown to Chamonix after 6.5 hours in "
            "the ice, with 1 rescue team and 12 gendarmes on the glacier. Keller was in a stable condition.")
    arts = [make_article("a", text, "o1")]
    lead = lead_features(arts[0], analyse(arts)["a"], 2)
    assert lead.persons == {"keller"}
    assert lead.numbers == {"34", "6.5", "12"}
