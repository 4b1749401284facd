"""One YAML record of content/: parsed, checked against its schema and on its own
(the checks that need no other file), every problem pointing at its YAML node.

The site reader uses `load_record`; `check` adds the checks across files. Files are
parsed with the fast C loader; only a file that has a problem is parsed again with
ruamel.yaml to find the line and column of the node (so checking 40,000 valid files
costs no round-trip parsing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.content.schema import key_typos, message_of, schema_errors, typo_message
from generator.content.yamlio import load_yaml, round_trip_yaml, too_large
from generator.errors import Problem


# ---------------------------------------------------------------- positions
class Locator:
    """Line/column of a node, by path; the round-trip parse happens only when asked."""

    def __init__(self, text: str):
        self.text = text
        self._tree: Any = None

    def tree(self):
        if self._tree is None:
            try:
                self._tree = round_trip_yaml().load(self.text)
            except Exception:
                self._tree = False
        return self._tree

    def position(self, path: list[Any], at_key: bool = False) -> tuple[int, int]:
        node = self.tree()
        line, col = 0, 0
        if node is False or node is None:
            return 1, 1
        if hasattr(node, "lc"):
            line, col = node.lc.line, node.lc.col
        for n, part in enumerate(path):
            last = n == len(path) - 1
            try:
                if isinstance(node, dict) and part in node:
                    line, col = node.lc.key(part) if (last and at_key) else node.lc.value(part)
                    node = node[part]
                elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                    line, col = node.lc.item(part)
                    node = node[part]
                else:
                    break
            except (AttributeError, KeyError, TypeError):
                break
        return line + 1, col + 1


@dataclass
class RecordFile:
    path: Path
    shown: str                  # the path printed in problems
    kind: str
    text: str = ""
    data: Any = None
    problems: list[tuple[list[Any], str, bool]] = field(default_factory=list)
    fatal: Problem | None = None
    schema_errors: int = 0
    # Citations (`sources[n]` of a card) that fail the schema on their own, such as a
    # negative offset: an error in `check`, but the site drops only that citation
    # rather than the whole story.
    bad_citations: set[tuple] = field(default_factory=set)
    citation_problems: list[int] = field(default_factory=list)   # indexes into problems

    def add(self, path: list[Any], message: str, at_key: bool = False) -> None:
        self.problems.append((path, message, at_key))

    def resolved(self) -> list[Problem]:
        if self.fatal:
            return [self.fatal]
        loc = Locator(self.text)
        out = []
        for n, (path, message, at_key) in enumerate(self.problems):
            line, col = loc.position(path, at_key)
            out.append(Problem(self.shown, message, line, col, kept=n in self.citation_problems))
        return out


def _citation_of(path: tuple) -> tuple | None:
    """The path of the citation (`(..., "sources", n)`) a schema error lies in, if any."""
    for n in range(len(path) - 1):
        if path[n] == "sources" and isinstance(path[n + 1], int):
            return tuple(path[:n + 2])
    return None


def _without_citations(data: Any, bad: set[tuple], here: tuple = ()) -> Any:
    """A copy of `data` without the citations at the paths in `bad`."""
    if isinstance(data, dict):
        return {k: _without_citations(v, bad, here + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_citations(v, bad, here + (n,)) for n, v in enumerate(data) if here + (n,) not in bad]
    return data


def read_record(path: Path, kind: str, shown: str | None = None, source: Path | None = None) -> RecordFile:
    f = RecordFile(Path(path), shown or str(path), kind)
    try:
        # the size first: a huge file is refused before it is read into memory
        oversize = too_large(Path(source or path).stat().st_size)
        if oversize:
            f.fatal = Problem(f.shown, oversize, 1, 1)
            return f
        f.text = Path(source or path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        f.fatal = Problem(f.shown, f"cannot read: {exc}", 1, 1)
        return f
    typos = _parse(f)
    if f.fatal:
        return f
    # A mistyped key is reported at the key itself; the errors it causes (the key it
    # misspells is then missing, or not allowed in a closed mapping) are that one error.
    meant = {(tuple(path[:-1]), guess) for path, _, guess in typos}
    typed = {(tuple(path[:-1]), key) for path, key, _ in typos}
    for error in schema_errors(f.data, kind):
        where = tuple(error.absolute_path)
        if error.validator == "required" and (where, _missing(error)) in meant:
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict) and all(
                (where, k) in typed for k in error.instance if k not in error.schema.get("properties", {})):
            continue
        citation = _citation_of(where)
        if citation is not None and f.kind == "story":
            f.bad_citations.add(citation)
            f.citation_problems.append(len(f.problems))
        else:
            f.schema_errors += 1
        f.add(*message_of(error))
    _local_checks(f)
    return f


def _parse(f: RecordFile) -> list[tuple[list[Any], str, str]]:
    """Parse f.text into f.data (or set f.fatal) and add a problem per mistyped key."""
    try:
        f.data = load_yaml(f.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        f.fatal = Problem(f.shown, f"YAML syntax error: {problem}", line, col)
        return []
    if not isinstance(f.data, dict):
        f.fatal = Problem(f.shown, f"not a {f.kind} record: expected a mapping of fields", 1, 1)
        f.data = None
        return []
    typos = key_typos(f.data, f.kind)
    for path, key, guess in typos:
        f.add(path, typo_message(path, key, guess), True)
        f.schema_errors += 1
    return typos


def merge_blockers(text: bytes | str, kind: str, shown: str) -> list[Problem]:
    """What stops a build from merging an editor's file: it is not valid YAML, not a
    mapping, or it has a mistyped key (merged, `qoutes:` would read as the editor
    deleting every quote and adding a key of their own)."""
    f = RecordFile(Path(shown), shown, kind)
    try:
        f.text = text.decode("utf-8") if isinstance(text, bytes) else text
    except UnicodeDecodeError as exc:
        return [Problem(shown, f"cannot read: {exc}", 1, 1)]
    _parse(f)
    return f.resolved()


def _missing(error) -> str:
    """The key a jsonschema `required` error names."""
    return error.message.split("'")[1] if "'" in error.message else error.message


def _local_checks(f: RecordFile) -> None:
    """Checks that need only this file."""
    data = f.data
    rid = data.get("id")
    if isinstance(rid, str) and rid != f.path.stem:
        f.add(["id"], f"id '{rid}' does not match the file name '{f.path.name}' (expected {rid}.yml)")
    if f.kind == "article":
        text = data.get("text")
        for n, d in enumerate(data.get("dates") or []):
            if isinstance(text, str) and isinstance(d, dict) and offsets_ok(d, "text"):
                if text[d["start"]:d["end"]] != d["text"]:
                    f.add(["dates", n], f"dates[{n}]: '{d['text']}' is not at {d['start']}..{d['end']} of the text")
    if f.kind == "story":
        seen: dict[str, str] = {}
        fact_ids = set()
        for group in ("facts", "quotes"):
            for n, card in enumerate(as_list(data.get(group))):
                cid = card.get("id") if isinstance(card, dict) else None
                if not isinstance(cid, str):
                    continue
                if cid in seen:
                    f.add([group, n, "id"], f"{group}[{n}]: duplicate card id '{cid}' (also in {seen[cid]})")
                else:
                    seen[cid] = f"{group}[{n}]"
                fact_ids.add(cid)
        for group in ("summary", "timeline"):
            for n, item in enumerate(as_list(data.get(group))):
                refs = item.get("facts") if isinstance(item, dict) else None
                for m, ref in enumerate(as_list(refs)):
                    if isinstance(ref, str) and ref not in fact_ids:
                        f.add([group, n, "facts", m], f"{group}[{n}]: cites unknown fact id '{ref}'")


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def offsets_ok(d: dict, text_key: str) -> bool:
    return (isinstance(d.get("start"), int) and isinstance(d.get("end"), int)
            and isinstance(d.get(text_key), str) and not isinstance(d.get("start"), bool))


def load_record(path: Path, kind: str) -> tuple[dict | None, list[Problem]]:
    """Parse and validate one YAML record of `kind` (article, story, entity).

    Returns the data (None when it cannot be used: not YAML, not a mapping, or not
    matching its schema) and the problems found in this file alone (references to
    other files are checked by `check_content`).
    """
    f = read_record(Path(path), kind)
    problems = f.resolved()
    if f.fatal or f.schema_errors:
        return None, problems
    # the problems marked `kept` are citations left out of the data returned
    return (_without_citations(f.data, f.bad_citations) if f.bad_citations else f.data), problems
