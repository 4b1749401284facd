"""Read stage: input files -> RawArticle records (issue 2)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from generator.records import RawArticle, ReadProblem

SUFFIXES = (".txt", ".html", ".htm", ".html.gz", ".jsonl")


def read_inputs(paths: Iterable[Path], root: Path | None = None) -> Iterator[RawArticle | ReadProblem]:
    """Every article in the given files/directories, or a ReadProblem per unreadable one."""
    raise NotImplementedError  # TODO issue 2
