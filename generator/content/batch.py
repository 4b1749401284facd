"""The costly, pure part of writing run on an executor: dumping records to YAML and
validating them.

Module-level, so it pickles by name into worker processes and Dask workers.
"""
from __future__ import annotations

from typing import Sequence

from generator.content import store


def dump_batch(items: Sequence[tuple[str, dict]]) -> list:
    """(YAML bytes, schema problems) per (kind folder, record dict): see store.dump_records."""
    return store.dump_records(list(items))
