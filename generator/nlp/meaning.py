"""Sentence meaning: cosines of static sentence embeddings (WordLlama).

Word overlap cannot see that "fired as head coach" and "parted ways with the coach"
state one fact; an embedding of the sentence can. WordLlama averages token
embeddings taken from a large language model, so a sentence costs a tokenizer pass
and a mean (tens of microseconds), not a transformer run. Its weights ship inside the
PyPI wheel: the model is loaded from the installed package and never downloaded
(the library would fetch missing files from the network; `disable_download` stops it).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

PACKAGE = "wordllama"


@lru_cache(maxsize=1)
def load_model():
    import wordllama

    # The library looks for its tokenizer under "tokenizer/" in its own folder but
    # ships it under "tokenizers/", where it looks in a cache folder: the package's
    # folder is that cache.
    logging.getLogger("wordllama").setLevel(logging.WARNING)
    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def cosines(texts: list[str]):
    """n*n float32 cosine similarity of the texts' embeddings."""
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    e = np.asarray(load_model().embed(texts, norm=True), dtype=np.float32)
    return e @ e.T
