"""The ECB+ corroboration measures of bench/corroboration_quality.py on hand-made
records (no evaluation data needed), plus the real gold's shape when it is present."""
import pytest

from bench.corroboration_quality import ECB, Gold, bcubed, judge, load_ecb, locate, measure

TEXTS = {
    "a1": "A storm hit the coast on Monday. Schools closed.",
    "a2": "The coast was hit by a storm. Officials met.",
    "b1": "A second storm formed later. It was weaker.",
}


def _sent(start, end, annotated, events):
    return {"start": start, "end": end, "annotated": annotated, "events": events}


GOLD = Gold(
    texts=TEXTS,
    story={"a1": "s1", "a2": "s1", "b1": "s2"},
    sentences={
        "a1": [_sent(0, 32, True, ["E1"]), _sent(33, 48, True, ["E2", "E3"])],
        "a2": [_sent(0, 29, True, ["E1"]), _sent(30, 44, True, ["E4"])],
        "b1": [_sent(0, 28, True, ["E9"]), _sent(29, 43, False, [])],
    },
)


def _src(aid, excerpt):
    start = TEXTS[aid].index(excerpt)
    return {"article": aid, "excerpt": excerpt, "start": start, "end": start + len(excerpt)}


def test_judge_strict_needs_half_of_the_smaller_side():
    one = [_sent(0, 1, True, ["E1"])]
    three = [_sent(0, 1, True, ["E1", "E2", "E3"])]
    two = [_sent(0, 1, True, ["E1", "E2"])]
    assert judge(one, three) == (True, True, True)       # 1 shared >= 1/2
    assert judge(three, [_sent(0, 1, True, ["E1", "E5", "E6"])]) == (True, True, False)  # 1 < 3/2
    assert judge(two, [_sent(0, 1, True, ["E2", "E7"])]) == (True, True, True)  # 1 >= 2/2
    assert judge(one, [_sent(0, 1, True, [])]) == (True, False, False)  # a side with no chain
    assert judge(one, [_sent(0, 1, False, ["E1"])])[0] is False         # not annotated: not evaluated


def test_measure_counts_pairs_recall_and_grouping():
    articles = {k: {"id": k} for k in TEXTS}
    stories = [
        {"id": "st1", "articles": ["a1", "a2", "b1"], "facts": [
            {"text": "A storm hit the coast on Monday.", "sources": [
                _src("a1", "A storm hit the coast on Monday."), _src("a2", "The coast was hit by a storm."),
                _src("b1", "A second storm formed later.")]},
            {"text": "Schools closed.", "sources": [_src("a1", "Schools closed."), _src("a2", "Officials met.")]},
        ]},
    ]
    res = measure("t", articles, stories, GOLD)
    # Pairs: (a1,a2) shares E1: correct; (a1,b1), (a2,b1) share nothing; (a1 s2, a2 s2) nothing.
    assert (res.pairs, res.evaluated, res.lenient, res.strict) == (4, 4, 1, 1)
    # Recall: story s1's article pair shares only E1, cited together on the first card.
    assert (res.found, res.chains) == (1, 1)
    assert res.multi_cards == 2
    p, r, f = res.bcubed
    assert r == 1.0 and p == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)


def test_bcubed_counts_a_dropped_item_as_its_own_story():
    assert bcubed({"x": "1"}, {"x": "g", "y": "g"}) == (1.0, 0.5, pytest.approx(2 / 3))


def test_locate_is_whitespace_tolerant_and_prefers_the_nearest_occurrence():
    text = "Rain fell.  Rain fell.\nThen  it  stopped."
    assert locate("Rain fell.", text, 15) == (12, 22)
    assert locate("Then it stopped.", text, 0) == (23, 41)
    assert locate("Snow fell.", text, 0) is None


@pytest.mark.eval
@pytest.mark.skipif(not (ECB / "gold.json").exists(), reason="evaluation data ../shared/eval/ecbplus is absent")
def test_real_gold_spans_fit_the_texts():
    gold = load_ecb()
    assert set(gold.texts) == set(gold.story) == set(gold.sentences)
    for aid, sents in gold.sentences.items():
        assert all(0 <= s["start"] < s["end"] <= len(gold.texts[aid]) for s in sents)


def test_group_only_regroups_cached_articles_with_overridden_settings(tmp_path):
    import pickle

    from bench.corroboration_quality import group_only
    from tests.story_helpers import analyse, make_article
    from tests.stories.test_group_stories import QUAKE_A, QUAKE_B, VOTE_A

    arts = [make_article("q1", QUAKE_A, "o1"), make_article("q2", QUAKE_B, "o2"),
            make_article("v1", VOTE_A, "o3")]
    gold = {"q1": "quake", "q2": "quake", "v1": "vote"}
    cache = tmp_path / "groups.pkl"
    with cache.open("wb") as fh:
        pickle.dump({"toy": (arts, analyse(arts), gold, {"q1": 0, "q2": 0, "v1": 1})}, fh)
    out = group_only(cache, [])
    assert "toy B-cubed P / R / F1: all 1.000 / 1.000 / 1.000; half 1 1.000 / 1.000 / 1.000" in out
    # A bar no pair clears leaves every article alone: recall of the quake pair halves.
    apart = group_only(cache, ["link_threshold=0.99", "attach_threshold=0.99"])
    assert "all 1.000 / 0.667 / 0.800" in apart
    assert "'link_threshold': 0.99" in apart


def test_group_only_reports_the_story_sizes_of_the_wire_set(tmp_path):
    """`--reuters` groups the cached wire articles too and counts what they became."""
    import pickle

    from bench.corroboration_quality import group_only
    from tests.story_helpers import analyse, make_article
    from tests.stories.test_group_stories import QUAKE_A, QUAKE_B, VOTE_A

    arts = [make_article("q1", QUAKE_A, "o1"), make_article("q2", QUAKE_B, "o2"),
            make_article("v1", VOTE_A, "o3")]
    cache = tmp_path / "groups.pkl"
    with cache.open("wb") as fh:
        pickle.dump({}, fh)
    with (tmp_path / "groups.pkl.reuters").open("wb") as fh:
        pickle.dump((arts, analyse(arts)), fh)
    assert "Reuters" not in group_only(cache, [])
    out = group_only(cache, [], reuters=True)
    assert "first 3: 2 stories, 1 article pairs in one story, 0 articles in stories of 16+, largest 2" in out
