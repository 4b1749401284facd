"""Corpus furniture: a paragraph many unrelated pages carry does not join their stories,
while copies of one wire story still do (issue 12)."""
from __future__ import annotations

from generator.config import GroupSettings
from generator.stories.group import furniture_spans, group_articles
from tests.story_helpers import analyse, make_article

# A note a web archive puts on every page it stores: the same words on pages about anything.
ARCHIVE_NOTE = ("Since 2001, the Example Web Archive has been saving copies of public web pages every day. "
                "Saved pages are added to the archive's collection after a delay and may look different "
                "from the page as it was first published.")
FLOOD = ("Floodwaters from the Danube covered the old town of Passau on Tuesday, forcing 2,000 residents "
         "from their homes, the city's mayor said. Army trucks carried sandbags to the river walls while "
         "the water rose above the level of the 1954 flood.")
BUDGET = ("The city council of Porto approved a budget of 410 million euros for next year on Thursday, "
          "with new money for bus lanes and school repairs. Opposition members voted against it, saying "
          "the plan raised the municipal property tax.")
# Two reports of one event opening on the same wire lead, and a brief that is only that lead.
LEAD = ("A magnitude 6.2 earthquake struck the Greek island of Crete on Wednesday morning, damaging "
        "houses in the town of Heraklion and cutting power to 30,000 homes, the fire service said.")
FOLLOW_A = ("Schools in Heraklion stayed closed while engineers checked the buildings. The fire service "
            "said 14 people were treated for light injuries after the earthquake on Crete.")
FOLLOW_B = ("Greece's civil protection agency said aftershocks could follow the Crete earthquake for days. "
            "Power came back to most of the 30,000 homes around Heraklion by the evening.")


def _membership(arts, settings=None):
    groups = group_articles(arts, analyse(arts), {}, settings or GroupSettings())
    return {aid: g.id for g in groups for aid in g.article_ids}


def _furniture_corpus():
    return [make_article("flood", FLOOD + "\n\n" + ARCHIVE_NOTE, "o1"),
            make_article("budget", BUDGET + "\n\n" + ARCHIVE_NOTE, "o2"),
            make_article("note-1", ARCHIVE_NOTE, "o3"),
            make_article("note-2", ARCHIVE_NOTE, "o4")]


def test_a_paragraph_shared_by_unrelated_articles_is_furniture():
    arts = _furniture_corpus()
    spans = furniture_spans([a.text for a in arts], GroupSettings().furniture_max_similarity)
    for a, found in zip(arts, spans):
        assert [a.text[s:e] for s, e in found] == [ARCHIVE_NOTE], a.id
    assert furniture_spans([a.text for a in arts], 0) == [[], [], [], []], "0 turns the rule off"


def test_a_furniture_paragraph_does_not_join_unrelated_articles():
    arts = _furniture_corpus()
    m = _membership(arts)
    assert len({m["flood"], m["budget"], m["note-1"]}) == 3
    assert len({m["flood"], m["budget"], m["note-2"]}) == 3
    # Without the rule the shared paragraph is what links them.
    plain = _membership(arts, GroupSettings(furniture_max_similarity=0))
    assert plain["note-1"] in (plain["flood"], plain["budget"])


def test_wire_copies_of_one_story_still_join():
    arts = [make_article("a", LEAD + "\n\n" + FOLLOW_A, "o1"),
            make_article("b", LEAD + "\n\n" + FOLLOW_B, "o2"),
            make_article("brief", LEAD, "o3"),
            make_article("other", BUDGET, "o4")]
    assert furniture_spans([a.text for a in arts], GroupSettings().furniture_max_similarity) == [[], [], [], []]
    m = _membership(arts)
    assert m["a"] == m["b"] == m["brief"]
    assert m["other"] != m["a"]


def test_identical_copies_with_nothing_else_are_not_furniture():
    # Two outlets printing the same brief verbatim: nothing tells it from furniture, so it stays news.
    spans = furniture_spans([LEAD, LEAD, FLOOD], GroupSettings().furniture_max_similarity)
    assert spans == [[], [], []]
    m = _membership([make_article("x", LEAD, "o1"), make_article("y", LEAD, "o2")])
    assert m["x"] == m["y"]
