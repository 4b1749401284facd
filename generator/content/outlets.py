"""content/outlets.yml: each outlet's display name and home page, for readers.

Articles name their outlet by a slug (`dw`, `ians`); readers should see a name ("DW")
and be able to reach the outlet. The file maps slug -> {name, url}; editors fill it in.
The build seeds an entry `{name: <slug>, url: null}` for every slug it meets that the
file lacks, appended at the end of the file, and never changes or removes an entry that
is there: an editor's names, addresses, comments and extra keys survive every build.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import yaml

from generator.content.loader import read_record
from generator.errors import Problem

OUTLETS_FILE = "outlets.yml"
HEADER = ("# Outlets: slug -> display name shown to readers, and home page (http/https or null).\n"
          "# Seeded by `generator build` with the slugs it meets; edit freely: the build only\n"
          "# appends outlets that are missing and never changes an entry that is here.\n")


def read_outlets(content: Path, shown: str | None = None) -> tuple[dict[str, dict], list[Problem]]:
    """The outlets file as {slug: {name, url}} and its problems (path:line:column).
    No file is no outlets; a file with a problem gives no outlets at all (the site then
    shows slugs) rather than a half-read mapping."""
    path = Path(content) / OUTLETS_FILE
    if not path.exists():
        return {}, []
    f = read_record(path, "outlets", shown or str(path))
    if f.fatal is not None and f.data is None and f.text and _only_comments(f.text):
        return {}, []
    problems = f.resolved()
    if problems or not isinstance(f.data, dict):
        return {}, problems
    return {str(k): {"name": v.get("name"), "url": v.get("url")} for k, v in f.data.items()}, []


def seed_outlets(content: Path, slugs: Iterable[str]) -> tuple[list[str], list[Problem]]:
    """Append an entry for each slug the file lacks; returns (slugs added, problems).
    A file that cannot be read is left untouched (its problem is returned)."""
    path = Path(content) / OUTLETS_FILE
    wanted = sorted({s for s in slugs if s})
    text = ""
    known: set[str] = set()
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            return [], [Problem(str(path), f"cannot read the outlets file, left as it is: {exc}".splitlines()[0])]
        if data is None:
            text = ""                      # only comments: keep them, add entries below
        elif not isinstance(data, dict):
            return [], [Problem(str(path), "not a mapping of outlet slug -> {name, url}; left as it is")]
        elif text.lstrip().startswith("{"):
            return [], [Problem(str(path), "written as one flow mapping; new outlets are not added to it")]
        else:
            known = {str(k) for k in data}
    added = [s for s in wanted if s not in known]
    if not added:
        return [], []
    new = yaml.safe_dump({s: {"name": s, "url": None} for s in added}, sort_keys=False, allow_unicode=True)
    if not text:
        text = HEADER
    elif not text.endswith("\n"):
        text += "\n"
    tmp = path.with_name(f".{OUTLETS_FILE}.tmp")
    tmp.write_text(text + new, encoding="utf-8")
    os.replace(tmp, path)
    return added, []


def _only_comments(text: str) -> bool:
    try:
        return yaml.safe_load(text) is None
    except yaml.YAMLError:
        return False
