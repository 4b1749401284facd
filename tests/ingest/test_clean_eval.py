"""Cleaning on real pages (../shared/eval/zyte-aeb): a floor against regressions.

The full comparison with published figures is `python -m bench.clean_quality`; this
only checks, on a slice, that our cleaning adds precision over the bare extractor
without giving up much recall.
"""
import gzip
import json
from pathlib import Path

import pytest

from bench.clean_quality import counts, prf, shingles, tokens
from generator.ingest.describe import prepare_articles
from generator.ingest.read import html_to_raw, read_file
from generator.records import Article

DATA = Path(__file__).resolve().parents[3] / "shared" / "eval" / "zyte-aeb"
PAGES = 12

pytestmark = pytest.mark.skipif(not (DATA / "ground-truth.json").exists(),
                                reason="evaluation data ../shared/eval/zyte-aeb is absent")


def test_cleaning_beats_the_bare_extractor_on_real_pages():
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:PAGES]
    raws = [r for k in keys for r in read_file(DATA / "html" / f"{k}.html.gz", root=DATA)]
    ours = {Path(a.source_file).name.split(".")[0]: a.text for a in prepare_articles(raws) if isinstance(a, Article)}
    bare = {k: html_to_raw(gzip.decompress((DATA / "html" / f"{k}.html.gz").read_bytes()), k).text for k in keys}

    def score(pred):
        rows = []
        for k in keys:
            t = tokens(truth[k]["articleBody"])
            rows.append(counts(shingles(t), shingles(tokens(pred.get(k, "")))))
        return prf(rows)

    (p_ours, r_ours, f_ours), (p_bare, r_bare, f_bare) = score(ours), score(bare)
    assert len(ours) == PAGES
    assert p_ours > p_bare
    assert r_ours >= r_bare - 0.03
    assert f_ours >= f_bare
