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


# ---------------------------------------------------------------- features kept per article
def _vectors_analysing_the_texts(articles, analyses, settings):
    """The text block as the vectorizer builds it when it analyses the texts itself (how
    grouping built it before the terms were kept per article)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    furniture = group.furniture_spans([a.text for a in articles], settings.furniture_max_similarity)
    texts = [(a.headline or "") + "\n" + group._without(a.text, f) for a, f in zip(articles, furniture)]
    vec = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True, min_df=1,
                          max_df=0.5 if len(articles) > 20 else 1.0, max_features=settings.max_features,
                          dtype=np.float32)
    return vec.fit_transform(texts)


def _same_matrix(a, b) -> bool:
    a, b = a.tocsr(), b.tocsr()
    return (a.shape == b.shape and a.indptr.tobytes() == b.indptr.tobytes()
            and a.indices.tobytes() == b.indices.tobytes() and a.data.tobytes() == b.data.tobytes())


def test_the_kept_terms_give_the_vectors_of_the_vectorizer_analysing_the_texts(monkeypatch):
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    from generator.config import GroupSettings
    from tests.sample_corpus import sample_articles, sample_analyses

    settings = GroupSettings()
    # The sample articles (headlines, furniture-free) and more than 20 texts, where max_df prunes.
    articles = sample_articles() + corpus() + [art(f"x{n}", "vote", "2020-03-03", f"extra {n}") for n in range(15)]
    analyses = sample_analyses()
    x = group.article_vectors(articles, analyses, settings, signals=[[] for _ in articles])
    # No signals: article_vectors normalises the text block, then the (one-block) stack.
    expected = normalize(hstack([normalize(_vectors_analysing_the_texts(articles, analyses, settings))]).tocsr())
    expected.sum_duplicates()
    assert _same_matrix(x, expected)
    terms = [group.text_terms(a) for a in articles]
    again = group.article_vectors(articles, analyses, settings, signals=[[] for _ in articles], terms=terms)
    assert _same_matrix(x, again)


def test_a_regroup_with_the_features_of_an_earlier_build_computes_only_the_new_ones(monkeypatch):
    articles = corpus()
    features: dict = {}
    previous = assignment(group.group_articles(articles, {}, {}, None, features))
    assert sorted(features) == sorted(a.id for a in articles)
    new = art("q9", "quake", "2020-03-02", "later update")
    computed = []
    real = group.text_terms

    def spy(article, furniture=()):
        computed.append(article.id)
        return real(article, furniture)

    monkeypatch.setattr(group, "text_terms", spy)
    kept = group.regroup(articles + [new], {}, previous, {"q9"}, None, dict(features))
    assert computed == ["q9"]
    fresh = group.regroup(articles + [new], {}, previous, {"q9"})
    assert [(g.id, g.article_ids) for g in kept] == [(g.id, g.article_ids) for g in fresh]


def test_an_article_with_corpus_furniture_has_its_features_computed_without_it():
    from dataclasses import replace

    from generator.config import GroupSettings

    note = "Saved by the example archive crawler on a later day for its public collection of pages."
    articles = corpus()
    articles = [replace(a, text=a.text + "\n\n" + note) if a.id in ("q0", "m0") else a for a in articles]
    settings = GroupSettings()
    furniture = group.furniture_spans([a.text for a in articles], settings.furniture_max_similarity)
    assert [bool(f) for f in furniture] == [a.id in ("q0", "m0") for a in articles]
    whole = {a.id: group.ArticleFeatures(group.signal_tokens(a, None), group.text_terms(a), None)
             for a in articles}
    known = dict(whole)
    feats = group._article_features(articles, {}, settings, furniture, known)
    for a, f, fe in zip(articles, furniture, feats):
        assert fe.terms == group.text_terms(a, f)
        assert ("archive" in fe.terms) == (not f and "archive" in whole[a.id].terms)
    assert "archive" in whole["q0"].terms and "archive" not in feats[0].terms
    assert known == whole  # the whole-text features are kept, never the furniture-free ones
