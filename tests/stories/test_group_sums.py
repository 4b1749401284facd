"""Cluster sums made on demand equal the sums eager merging made, bit for bit: linking
decisions compare them with thresholds, so a different float rounding could move an
article to another story."""
import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from generator.stories.group import _Clusters


def _eager(x, merges):
    """Each merge adds the smaller cluster's sum to the larger's, as the linking does."""
    sums = {i: x[i] for i in range(x.shape[0])}
    size = [1] * x.shape[0]
    root = list(range(x.shape[0]))

    def find(i):
        while root[i] != i:
            i = root[i]
        return i
    for i, j in merges:
        a, b = find(i), find(j)
        if a == b:
            continue
        if size[a] < size[b]:
            a, b = b, a
        root[b] = a
        size[a] += size[b]
        total = sums[a] + sums.pop(b)
        total.sum_duplicates()
        sums[a] = total
    return sums


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 30),
       merges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=40),
       peek=st.lists(st.integers(0, 29), max_size=5))
def test_sums_made_on_demand_equal_eager_sums(seed, n, merges, peek):
    rng = np.random.default_rng(seed)
    x = sp.random(n, 50, density=0.2, format="csr", dtype=np.float32, random_state=rng)
    x.data = rng.random(len(x.data), dtype=np.float32) / 3
    merges = [(i % n, j % n) for i, j in merges]
    clusters = _Clusters(x, [None] * n)
    half = len(merges) // 2
    for step, (i, j) in enumerate(merges):
        if step == half:  # some sums read midway, as a similarity would
            for p in peek:
                clusters.vector(clusters.find(p % n))
        a, b = clusters.find(i), clusters.find(j)
        if a != b:
            clusters.merge(a, b)
    expected = _eager(x, merges)
    for r, want in expected.items():
        got = clusters.vector(r)
        assert np.array_equal(got.indices, want.indices)
        assert got.data.tobytes() == want.data.tobytes()
