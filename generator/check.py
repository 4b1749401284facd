"""Validation of the content directory (issue 6 owns the full behaviour).

Used by the generator, the MkDocs adapter and `python -m generator check`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass
class Problem:
    path: str
    line: int        # 1-based
    column: int      # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def load_record(path: Path, kind: str) -> tuple[dict | None, list[Problem]]:
    """Parse and validate one YAML record of `kind` (article, story, entity).

    Returns the data (None when it cannot be used) and the problems found.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(str(path), line, col, f"YAML syntax error: {getattr(exc, 'problem', exc)}")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), 1, 1, f"cannot read: {exc}")]
    if not isinstance(data, dict) or "id" not in data:
        return None, [Problem(str(path), 1, 1, f"not a {kind} record (a mapping with an id)")]
    return data, []


def check_content(content: Path) -> list[Problem]:
    """Every problem in the tree, as Problems (str() gives 'path:line:column: message')."""
    problems: list[Problem] = []
    for kind, folder in (("article", "articles"), ("story", "stories"), ("entity", "entities")):
        for path in sorted((Path(content) / folder).glob("*.yml")):
            problems += load_record(path, kind)[1]
    return problems
