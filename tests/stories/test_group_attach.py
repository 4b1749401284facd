"""An article left alone by the average-link pass joins the story it is closest to at a
lower bar (`group.attach_threshold`), within the same entity and date guards (issue 12)."""
from __future__ import annotations

from dataclasses import replace

from generator.config import GroupSettings
from generator.stories import group
from generator.stories.group import group_articles
from tests.story_helpers import analyse, make_article

# Two close reports of one quake, and a follow-up on it in other words (shares the
# place and the quake, little else).
QUAKE_A = ("A magnitude 6.4 earthquake struck the Chilean city of Valparaiso on Monday, killing at least "
           "12 people and collapsing dozens of buildings in the port district, officials said. Rescue teams "
           "from Santiago searched the rubble through the night.")
QUAKE_B = ("Dozens of buildings fell in Valparaiso's harbour area when a 6.4-magnitude earthquake hit the "
           "Chilean port on Monday. At least 12 people died, officials said, while rescuers from Santiago "
           "searched the rubble through the night.")
FOLLOW_UP = ("Schools in Valparaiso reopened on Friday, four days after the earthquake, while engineers "
             "inspected bridges and the water company restored supply to the hills above the port.")
# The same words about another place: shares no entity with the quake reports.
ELSEWHERE = ("Schools in Hokkaido reopened on Friday, four days after the earthquake, while engineers "
             "inspected bridges and the water company restored supply to the hills above Sapporo.")


def _membership(arts, settings):
    groups = group_articles(arts, analyse(arts), {}, settings)
    return {aid: g.id for g in groups for aid in g.article_ids}


def _similarity(arts, i, j, settings):
    an = analyse(arts)
    ordered = sorted(arts, key=lambda a: a.id)
    x = group.article_vectors(ordered, an, settings)
    index = {a.id: n for n, a in enumerate(ordered)}
    return float((x[index[i]] @ x[index[j]].T).toarray()[0, 0])


def test_a_lone_article_joins_its_story_at_the_attach_bar_only():
    arts = [make_article("a", QUAKE_A, "o1"), make_article("b", QUAKE_B, "o2"),
            make_article("c", FOLLOW_UP, "o3")]
    base = GroupSettings(lead_person_penalty=0.0, lead_number_penalty=0.0, attach_threshold=0.0)
    # The follow-up's average similarity to the story, measured, sets the bars around it.
    sim = (_similarity(arts, "c", "a", base) + _similarity(arts, "c", "b", base)) / 2
    assert _similarity(arts, "a", "b", base) > sim + 0.05
    link = replace(base, link_threshold=sim + 0.02)
    alone = _membership(arts, link)
    assert alone["a"] == alone["b"] and alone["c"] != alone["a"]
    attach = replace(link, attach_threshold=sim - 0.02)
    joined = _membership(arts, attach)
    assert joined["c"] == joined["a"] == joined["b"]
    above = replace(link, attach_threshold=sim + 0.01)
    assert _membership(arts, above)["c"] != joined["a"]


def test_the_attach_pass_keeps_the_shared_entity_guard():
    arts = [make_article("a", QUAKE_A, "o1"), make_article("b", QUAKE_B, "o2"),
            make_article("c", ELSEWHERE, "o3")]
    settings = GroupSettings(attach_threshold=0.001, lead_person_penalty=0.0, lead_number_penalty=0.0)
    kept = _membership(arts, settings)
    assert kept["c"] != kept["a"]
    # Without the guard the same bar joins it: the guard is what keeps it out.
    unguarded = _membership(arts, replace(settings, require_shared_entity=False))
    assert unguarded["c"] == unguarded["a"]


def test_two_lone_articles_pair_only_with_attach_pairs():
    arts = [make_article("c", FOLLOW_UP, "o3"), make_article("a", QUAKE_A, "o1")]
    base = GroupSettings(lead_person_penalty=0.0, lead_number_penalty=0.0, attach_threshold=0.0)
    sim = _similarity(arts, "a", "c", base)
    settings = replace(base, link_threshold=sim + 0.02, attach_threshold=sim - 0.02)
    assert len(set(_membership(arts, replace(settings, attach_pairs=False)).values())) == 2
    assert len(set(_membership(arts, replace(settings, attach_pairs=True)).values())) == 1
