"""The per-story step run on an executor: extract then resolve, one story at a time.

Module-level, so it pickles by name into worker processes and Dask workers.
"""
from __future__ import annotations

import logging
from typing import Sequence

from generator.errors import Problem
from generator.stories import extract, resolve

log = logging.getLogger(__name__)


def story_batch(jobs: Sequence[tuple]) -> list:
    """(group, members, (extract settings, resolve settings)) -> (Story, [Entity]) or a
    Problem, per story."""
    out: list = []
    for g, members, (extract_settings, resolve_settings) in jobs:
        try:
            story = extract.extract_story(g, members, extract_settings)
            out.append(resolve.resolve_story(story, members, resolve_settings))
        except Exception as exc:  # one bad story must not sink the build
            log.exception("story %s failed", g.id)
            out.append(Problem(g.id, f"story could not be built: {exc!r}"))
    return out


def warm_up(flags: Sequence[bool]) -> list:
    """Import what extract and resolve use on first call (scikit-learn, scipy's sparse
    matrices) and, when a flag is true, load the meaning model: sent to the idle workers
    while the build process groups the articles, so the first stories do not pay for
    it. Returns no results."""
    import scipy.sparse  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.utils.sparsefuncs_fast  # noqa: F401

    if any(flags):
        from generator.nlp import meaning

        meaning.load_model()
    return []
