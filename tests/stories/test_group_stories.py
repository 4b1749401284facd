"""Story grouping: same event joins, different events stay apart, ids are stable."""
from __future__ import annotations

import re

from generator.config import Config
from generator.ids import slugify
from generator.stories.group import group_articles
from tests.story_helpers import analyse, make_article, sample_members

# Two reports of one event in different words, and two other events on the same topic.
QUAKE_A = ("A magnitude 6.4 earthquake struck the Chilean city of Valparaiso on Monday, killing at least "
           "12 people and collapsing dozens of buildings in the port district, officials said. Rescue teams "
           "from Santiago searched the rubble through the night as aftershocks shook the coast. President "
           "Gabriel Boric declared a state of emergency for the Valparaiso region.")
QUAKE_B = ("Dozens of buildings fell in Valparaiso's harbour area when a 6.4-magnitude quake hit the Chilean "
           "port on Monday. At least 12 people died, according to the interior ministry. Boric announced an "
           "emergency for the Valparaiso region while rescuers from Santiago dug through collapsed homes and "
           "aftershocks rattled the coast.")
QUAKE_OTHER = ("A magnitude 5.1 earthquake hit the Japanese island of Hokkaido on Thursday, cutting power to "
               "40,000 homes near Sapporo, the utility Hokkaido Electric said. No deaths were reported. The "
               "Japan Meteorological Agency said there was no risk of a tsunami along the Pacific coast.")
VOTE_A = ("Lawmakers in Bavaria voted 110 to 85 on Wednesday to ban smoking in all Munich beer tents, "
          "the state parliament said. Landlords' associations in Munich called the ban a blow to the "
          "Oktoberfest and said they would challenge it before the Bavarian constitutional court.")
VOTE_B = ("The Scottish Parliament in Edinburgh voted 70 to 52 on Tuesday to raise the minimum price of "
          "alcohol, the Holyrood presiding officer announced. Pub owners in Glasgow warned that the "
          "decision would cost jobs, while doctors in Aberdeen welcomed the vote.")


def _run(articles, previous=None, config=None):
    return group_articles(articles, analyse(articles), previous or {}, config)


def _membership(groups):
    return {aid: g.id for g in groups for aid in g.article_ids}


def test_same_event_in_different_words_joins_and_other_events_stay_apart():
    arts = [make_article("a", QUAKE_A, "o1"), make_article("b", QUAKE_B, "o2"),
            make_article("c", QUAKE_OTHER, "o3"), make_article("d", VOTE_A, "o4"),
            make_article("e", VOTE_B, "o5")]
    m = _membership(_run(arts))
    assert m["a"] == m["b"]
    assert len({m["a"], m["c"], m["d"], m["e"]}) == 4


def test_time_window_keeps_far_apart_reports_separate_but_undated_is_unrestricted():
    arts = [make_article("a", QUAKE_A, "o1", published="2020-01-06"),
            make_article("b", QUAKE_B, "o2", published="2020-03-30")]
    m = _membership(_run(arts))
    assert m["a"] != m["b"]
    arts[1].published = None
    m = _membership(_run(arts))
    assert m["a"] == m["b"]


def test_new_ids_have_date_and_slug_and_are_unique():
    arts = [make_article("a", QUAKE_A, "o1", headline="Quake hits Valparaiso", published="2020-01-06"),
            make_article("c", QUAKE_OTHER, "o3", headline="Quake hits Valparaiso", published="2020-01-06")]
    ids = [g.id for g in _run(arts)]
    assert len(set(ids)) == 2
    for sid in ids:
        assert re.fullmatch(r"2020-01-06-quake-hits-valparaiso(-\d+)?", sid)


def test_ids_stable_when_articles_are_added_and_new_article_joins_its_story():
    first = [make_article("a", QUAKE_A, "o1"), make_article("d", VOTE_A, "o4")]
    before = _membership(_run(first))
    # The next build has a paraphrase of the quake and a brand-new event.
    second = first + [make_article("b", QUAKE_B, "o2"), make_article("e", VOTE_B, "o5")]
    after = _membership(_run(second, previous=before))
    assert after["a"] == before["a"] and after["d"] == before["d"]
    assert after["b"] == before["a"]
    assert after["e"] not in before.values()


def test_previous_id_kept_even_when_headline_changes():
    arts = [make_article("a", QUAKE_A, "o1", headline="Old headline")]
    after = _membership(_run(arts, previous={"a": "2019-05-01-my-edited-story"}))
    assert after["a"] == "2019-05-01-my-edited-story"


def test_a_previous_id_that_is_not_a_valid_id_is_never_kept():
    arts = [make_article("a", QUAKE_A, "o1", headline="Old headline")]
    for bad in ("../../escaped", "a/b", ".hidden", "two words", "con", "NUL", "com1.x"):
        story_id = _membership(_run(arts, previous={"a": bad}))["a"]
        assert story_id != bad and re.fullmatch(r"[a-z0-9-]+", story_id), story_id


def test_output_is_deterministic_whatever_the_input_order():
    arts = [make_article(x, t, x) for x, t in
            zip("abcde", [QUAKE_A, QUAKE_B, QUAKE_OTHER, VOTE_A, VOTE_B])]
    analyses = analyse(arts)
    one = group_articles(arts, analyses, {}, None)
    two = group_articles(list(reversed(arts)), analyses, {}, None)
    assert one == two


def test_thresholds_come_from_the_group_section():
    arts = [make_article("a", QUAKE_A, "o1"), make_article("b", QUAKE_B, "o2")]
    strict = Config(sections={"group": {"link_threshold": 0.99, "attach_threshold": 0.99}})
    assert len(_run(arts, config=strict.settings.group)) == 2


def test_sample_corpus_is_one_story():
    arts, analyses = sample_members()
    groups = group_articles(arts, analyses, {}, None)
    assert len(groups) == 1
    assert sorted(groups[0].article_ids) == sorted(a.id for a in arts)


def test_slugify_is_url_safe():
    assert re.fullmatch(r"[a-z0-9-]+", slugify("Council ‘ready’ to act: US & N. Region!", max_words=8, default="story"))


def test_provisional_title_is_the_most_typical_headline():
    from generator.stories.group import group_title

    arts = [make_article("a", QUAKE_A, headline="Live updates"),
            make_article("b", QUAKE_B, headline="Deadly quake hits Chilean port of Valparaiso"),
            make_article("c", QUAKE_B, headline="Quake kills 12 in Chilean port city Valparaiso")]
    assert group_title(arts) in {arts[1].headline, arts[2].headline}
    assert group_title([make_article("d", "First line here.\nSecond.")]) == "First line here."
