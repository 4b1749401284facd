"""Incremental grouping (group.regroup): a re-run re-links only the stories that new
or changed articles touch."""
from generator.stories import group
from generator.records import Article

TOPICS = {
    "quake": "earthquake magnitude struck coastal province rescue teams searched collapsed buildings tremor",
    "vote": "parliament vote budget bill lawmakers opposition coalition passed amendment session",
    "match": "football club striker scored goal stadium league championship coach fans",
}


def art(aid: str, topic: str, day: str, extra: str = "") -> Article:
    words = TOPICS[topic].split()
    text = f"{' '.join(words)} {extra}. " + " ".join(reversed(words)) + "."
    return Article(id=aid, source_file=f"{aid}.txt", outlet="o", headline=None, published=day,
                   published_inferred=False, dateline=None, byline=None, credits=[], text=text)


def corpus():
    return ([art(f"q{n}", "quake", "2020-03-0%d" % (1 + n % 2), f"report {n}") for n in range(3)]
            + [art(f"v{n}", "vote", "2020-03-02", f"note {n}") for n in range(3)]
            + [art(f"m{n}", "match", "2020-03-20", f"recap {n}") for n in range(2)])


def assignment(groups):
    return {aid: g.id for g in groups for aid in g.article_ids}


def test_a_new_article_joins_its_story_and_the_other_stories_keep_their_ids():
    articles = corpus()
    first = group.group_articles(articles, {}, {})
    assert sorted(sorted(g.article_ids) for g in first) == [["m0", "m1"], ["q0", "q1", "q2"], ["v0", "v1", "v2"]]
    previous = assignment(first)
    new = art("q9", "quake", "2020-03-02", "later update")
    again = group.regroup(articles + [new], {}, previous, {"q9"})
    after = assignment(again)
    assert after["q9"] == previous["q0"]
    assert {k: v for k, v in after.items() if k != "q9"} == previous
    # the same grouping a fresh build finds
    fresh = group.group_articles(articles + [new], {}, previous)
    assert sorted(sorted(g.article_ids) for g in again) == sorted(sorted(g.article_ids) for g in fresh)


def test_a_new_topic_is_a_new_story():
    articles = corpus()
    previous = assignment(group.group_articles(articles, {}, {}))
    new = art("m9", "match", "2020-03-02", "other match")  # match words, but weeks before the m stories
    out = assignment(group.regroup(articles + [new], {}, previous, {"m9"}))
    assert out["m9"] not in previous.values()
    assert {k: v for k, v in out.items() if k != "m9"} == previous


def test_only_stories_inside_the_date_window_are_vectorised(monkeypatch):
    articles = corpus()
    previous = assignment(group.group_articles(articles, {}, {}))
    seen = []
    real = group.article_vectors

    def spy(arts, *a, **k):
        seen.append(sorted(x.id for x in arts))
        return real(arts, *a, **k)

    monkeypatch.setattr(group, "article_vectors", spy)
    out = assignment(group.regroup(articles + [art("v9", "vote", "2020-03-02", "recount")], {}, previous, {"v9"}))
    # the quake and vote stories share its days; the match story is weeks later
    assert seen == [["q0", "q1", "q2", "v0", "v1", "v2", "v9"]]
    assert out["v9"] == previous["v0"]


def test_a_new_article_never_splits_a_story():
    articles = corpus()
    previous = assignment(group.group_articles(articles, {}, {}))
    # an edited member now reads like the other topic: it leaves, the rest stays together
    edited = art("q1", "vote", "2020-03-02", "rewritten")
    rest = [a for a in articles if a.id != "q1"] + [edited]
    out = assignment(group.regroup(rest, {}, previous, {"q1"}))
    assert out["q0"] == out["q2"] == previous["q0"]
    assert out["q1"] == previous["v0"]


def test_full_regroup_when_nothing_or_an_undated_article_changed():
    articles = corpus()
    previous = assignment(group.group_articles(articles, {}, {}))
    assert group.regroup(articles, {}, previous, set()) is None
    undated = art("x", "vote", "")
    undated.published = None
    assert group.regroup(articles + [undated], {}, previous, {"x"}) is None


def test_an_article_gone_leaves_its_story_and_the_others_stay():
    articles = corpus()
    previous = assignment(group.group_articles(articles, {}, {}))
    rest = [a for a in articles if a.id != "v1"]
    out = assignment(group.regroup(rest, {}, previous, {"v1"}))
    assert out == {k: v for k, v in previous.items() if k != "v1"}
