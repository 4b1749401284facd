"""The paired cold-build table of `bench.scale --cold-vs`: each version's ratio against its
own round's floor, and the medians of those."""
from bench.scale import cold_table


def _round(this: float, baseline: float, floor: float) -> dict:
    return {"this": {"wall": this, "timings": {"analyze": this / 2}},
            "baseline": {"wall": baseline, "timings": {"analyze": baseline / 2}}, "floor": floor}


def test_ratios_are_per_round_and_medians_are_reported():
    res = {"size": 2000, "rounds": [_round(50.0, 60.0, 40.0), _round(80.0, 70.0, 56.0), _round(45.0, 50.0, 36.0)]}
    text = cold_table(res, {"this": "abc", "baseline": "def"})
    # this: 40/50 = .80, 56/80 = .70, 36/45 = .80 -> median .80; baseline: .67, .80, .72 -> .72
    assert "this (abc): throughput median **0.80** (rounds: 0.80, 0.70, 0.80)" in text
    assert "baseline (def): throughput median **0.72** (rounds: 0.67, 0.80, 0.72)" in text
    assert "floor: median 40.0 s" in text
    assert "analyze 25.0" in text  # the median of the stage seconds, not of the first round
