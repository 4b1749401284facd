"""The audit sheets' sampling: a calibration sample leaves out the audit's stories."""
from bench.audit_sheet import sample


def _stories(n: int) -> dict[str, dict]:
    stories = {f"s{i:03d}": {"articles": ["a", "b"]} for i in range(n)}
    stories["single"] = {"articles": ["a"]}  # one article: never sampled
    return stories


def test_sample_is_reproducible_and_skips_single_article_stories():
    stories = _stories(60)
    picked = sample(stories, 2026, 30)
    assert picked == sample(stories, 2026, 30)
    assert len(picked) == 30 and "single" not in picked


def test_exclude_leaves_out_the_other_sample():
    stories = _stories(60)
    audit = set(sample(stories, 2026, 30))
    calibration = sample(stories, 7, 30, exclude=((2026, 30),))
    assert len(calibration) == 30
    assert audit.isdisjoint(calibration)
    # without the exclusion the same seed draws from every story, audit ones included
    assert audit & set(sample(stories, 7, 30))
