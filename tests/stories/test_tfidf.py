"""The numpy TF-IDF of token lists equals scikit-learn's TfidfVectorizer bit for bit:
grouping's vectors, and so its stories, must not change with the faster counting."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from generator.stories.tfidf import tfidf_rows
from tests.sample_corpus import sample_articles


def _as_given(tokens):
    return tokens


def _reference(docs, max_df, max_features, dtype):
    vec = TfidfVectorizer(analyzer=_as_given, sublinear_tf=True, min_df=1, max_df=max_df,
                          max_features=max_features, dtype=dtype)
    return vec.fit_transform(docs)


def _same(a, b):
    return (type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
            and a.indptr.dtype == b.indptr.dtype and a.indices.dtype == b.indices.dtype
            and np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
            and a.data.tobytes() == b.data.tobytes())


# Few distinct tokens, so that terms repeat across documents, ties in total counts are
# common (max_features' argsort) and max_df prunes some terms; non-ASCII tokens test the
# string order.
_token = st.sampled_from(["a", "b", "ab", "b a", "Z", "é", "e\u0301", "zz", "a_b", "10", "d:2024-01-01"])
_docs = st.lists(st.lists(_token, max_size=12), min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(docs=_docs, max_df=st.sampled_from([0.3, 0.5, 1.0]),
       max_features=st.one_of(st.none(), st.integers(1, 8)),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_equals_scikit_learn_bit_for_bit(docs, max_df, max_features, dtype):
    try:
        expected = _reference(docs, max_df, max_features, dtype)
    except ValueError as err:
        with pytest.raises(ValueError):
            tfidf_rows(docs, max_df, max_features, dtype)
        assert any(w in str(err) for w in ("vocabulary", "pruning", "min_df"))
        return
    assert _same(tfidf_rows(docs, max_df, max_features, dtype), expected)


def test_equals_scikit_learn_on_article_terms():
    from sklearn.feature_extraction.text import TfidfVectorizer as V

    analyze = V(ngram_range=(1, 2), stop_words="english").build_analyzer()
    docs = [analyze(a.text) for a in sample_articles()] * 9  # > 20 documents: max_df 0.5 prunes
    for max_features in (None, 200_000, 50):
        assert _same(tfidf_rows(docs, 0.5, max_features, np.float32),
                     _reference(docs, 0.5, max_features, np.float32))


def test_pruning_everything_is_an_error_as_in_scikit_learn():
    with pytest.raises(ValueError):
        tfidf_rows([["x"], ["x"], ["x"]], max_df=0.5)
    with pytest.raises(ValueError):
        tfidf_rows([[], []])
