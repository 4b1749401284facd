"""Validation of the content directory: one JSON Schema per record kind plus references.

Used by the generator (it validates what it writes), the MkDocs adapter (`load_record`
for every card) and `python -m generator check` (`check_content`). Every problem is a
`Problem` printed as `path:line:column: message`, pointing at the offending YAML node.

Files are parsed with the fast C loader; only a file that has a problem is parsed
again with ruamel.yaml to find the line and column of the node (so checking 40,000
valid files costs no round-trip parsing).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml
from jsonschema import Draft202012Validator

from generator.content import store

FOLDERS = {"article": "articles", "story": "stories", "entity": "entities"}


@dataclass
class Problem:
    path: str
    line: int        # 1-based
    column: int      # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    return json.loads(resources.files("generator.content").joinpath(f"schemas/{kind}.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema(kind))


# jsonschema spends ~8 ms on an article; at 40,000 files that is minutes. The schemas use a
# small subset of keywords, compiled here into a plain predicate that answers "valid?"
# in microseconds; jsonschema runs only on records that fail it, to word the messages.
_PY_TYPES = {"string": (str,), "integer": (int,), "boolean": (bool,), "array": (list,),
             "object": (dict,), "null": (type(None),), "number": (int, float)}


def _compile(node: dict, root: dict):
    import re

    if "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _compile(target, root)
    checks = []
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        types = tuple(t for n in names for t in _PY_TYPES[n])
        no_bool = "boolean" not in names          # bool is an int in Python, not in JSON
        checks.append(lambda v: isinstance(v, types) and not (no_bool and isinstance(v, bool)))
    if "enum" in node:
        allowed = node["enum"]
        checks.append(lambda v: any(v == a and type(v) is type(a) for a in allowed))
    if "pattern" in node:
        rx = re.compile(node["pattern"])
        checks.append(lambda v: not isinstance(v, str) or rx.search(v) is not None)
    if "minimum" in node:
        low = node["minimum"]
        checks.append(lambda v: not isinstance(v, (int, float)) or isinstance(v, bool) or v >= low)
    if "minLength" in node:
        n = node["minLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) >= n)
    if "anyOf" in node:
        subs = [_compile(sub, root) for sub in node["anyOf"]]
        checks.append(lambda v: any(sub(v) for sub in subs))
    if "items" in node:
        item = _compile(node["items"], root)
        checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
    if "required" in node or "properties" in node:
        required = node.get("required", [])
        props = {k: _compile(sub, root) for k, sub in node.get("properties", {}).items()}
        closed = node.get("additionalProperties") is False

        def mapping(v):
            if not isinstance(v, dict):
                return True
            if any(k not in v for k in required) or (closed and any(k not in props for k in v)):
                return False
            return all(props[k](x) for k, x in v.items() if k in props)
        checks.append(mapping)
    unknown = set(node) - {"$schema", "$id", "title", "$defs", "$ref", "type", "enum", "pattern",
                           "minimum", "minLength", "anyOf", "items", "required", "properties",
                           "additionalProperties", "description"}
    if unknown:  # a keyword this compiler does not know: always ask jsonschema
        return lambda v: False
    return lambda v: all(c(v) for c in checks)


@lru_cache(maxsize=None)
def _fast_valid(kind: str):
    return _compile(schema(kind), schema(kind))


def _schema_errors(data, kind: str) -> list:
    if _fast_valid(kind)(data):
        return []
    return sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))


# ---------------------------------------------------------------- messages
def _where(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "empty (null)", "number": "a number"}


def _found(value: Any) -> str:
    s = repr(value)
    return s if len(s) <= 50 else s[:47] + "..."


def _message(error) -> tuple[list[Any], str, bool]:
    """(path to the node, message, whether to point at the key rather than the value)."""
    path = list(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return path, f"{_where(path)}: missing required field '{missing}'", False
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            return path + [extra[0]], (f"{_where(path)}: unknown field '{extra[0]}' "
                                       f"(allowed: {', '.join(sorted(allowed))})"), True
    if v == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        want = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        return path, f"{_where(path)}: should be {want}, found {_found(error.instance)}", False
    if v == "enum":
        return path, (f"{_where(path)}: should be one of {', '.join(map(str, error.validator_value))}, "
                      f"found {_found(error.instance)}"), False
    if v == "pattern":
        what = "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)" if "[0-9]{4}" in error.validator_value \
            else "an id (no spaces or slashes, not starting with a dot)"
        return path, f"{_where(path)}: should be {what}, found {_found(error.instance)}", False
    if v == "anyOf":
        subs = [e for e in error.context if e.schema.get("type") != "null"]
        if subs:
            sub_path, msg, at_key = _message(subs[0])
            return path, msg.replace(": should be ", ": should be empty (null) or ", 1), at_key
    if v == "minimum":
        return path, f"{_where(path)}: should be at least {error.validator_value}, found {_found(error.instance)}", False
    if v == "minLength":
        return path, f"{_where(path)}: should not be empty", False
    return path, f"{_where(path)}: {error.message}", False


def schema_problems(data: Any, kind: str) -> list[str]:
    """Schema violations of one record as messages (no positions): used on generated records."""
    return [_message(e)[1] for e in _schema_errors(data, kind)]


# ---------------------------------------------------------------- positions
class _Locator:
    """Line/column of a node, by path; the round-trip parse happens only when asked."""

    def __init__(self, text: str):
        self.text = text
        self._tree: Any = None

    def tree(self):
        if self._tree is None:
            from generator.content.merge import round_trip_yaml
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
class _File:
    path: Path
    shown: str                  # the path printed in problems
    kind: str
    text: str = ""
    data: Any = None
    problems: list[tuple[list[Any], str, bool]] = field(default_factory=list)
    fatal: Problem | None = None
    schema_errors: int = 0

    def add(self, path: list[Any], message: str, at_key: bool = False) -> None:
        self.problems.append((path, message, at_key))

    def resolved(self) -> list[Problem]:
        if self.fatal:
            return [self.fatal]
        loc = _Locator(self.text)
        out = []
        for path, message, at_key in self.problems:
            line, col = loc.position(path, at_key)
            out.append(Problem(self.shown, line, col, message))
        return out


def _read(path: Path, kind: str, shown: str | None = None, source: Path | None = None) -> _File:
    f = _File(Path(path), shown or str(path), kind)
    try:
        f.text = Path(source or path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        f.fatal = Problem(f.shown, 1, 1, f"cannot read: {exc}")
        return f
    try:
        f.data = store.load_yaml(f.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        f.fatal = Problem(f.shown, line, col, f"YAML syntax error: {problem}")
        return f
    if not isinstance(f.data, dict):
        f.fatal = Problem(f.shown, 1, 1, f"not a {kind} record: expected a mapping of fields")
        f.data = None
        return f
    for error in _schema_errors(f.data, kind):
        f.add(*_message(error))
        f.schema_errors += 1
    _local_checks(f)
    return f


def _local_checks(f: _File) -> None:
    """Checks that need only this file."""
    data = f.data
    rid = data.get("id")
    if isinstance(rid, str) and rid != f.path.stem:
        f.add(["id"], f"id '{rid}' does not match the file name '{f.path.name}' (expected {rid}.yml)")
    if f.kind == "article":
        text = data.get("text")
        for n, d in enumerate(data.get("dates") or []):
            if isinstance(text, str) and isinstance(d, dict) and _offsets_ok(d, "text"):
                if text[d["start"]:d["end"]] != d["text"]:
                    f.add(["dates", n], f"dates[{n}]: '{d['text']}' is not at {d['start']}..{d['end']} of the text")
    if f.kind == "story":
        seen: dict[str, str] = {}
        fact_ids = set()
        for group in ("facts", "quotes"):
            for n, card in enumerate(_list(data.get(group))):
                cid = card.get("id") if isinstance(card, dict) else None
                if not isinstance(cid, str):
                    continue
                if cid in seen:
                    f.add([group, n, "id"], f"{group}[{n}]: duplicate card id '{cid}' (also in {seen[cid]})")
                else:
                    seen[cid] = f"{group}[{n}]"
                fact_ids.add(cid)
        for group in ("summary", "timeline"):
            for n, item in enumerate(_list(data.get(group))):
                refs = item.get("facts") if isinstance(item, dict) else None
                for m, ref in enumerate(_list(refs)):
                    if isinstance(ref, str) and ref not in fact_ids:
                        f.add([group, n, "facts", m], f"{group}[{n}]: cites unknown fact id '{ref}'")


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _offsets_ok(d: dict, text_key: str) -> bool:
    return (isinstance(d.get("start"), int) and isinstance(d.get("end"), int)
            and isinstance(d.get(text_key), str) and not isinstance(d.get("start"), bool))


def load_record(path: Path, kind: str) -> tuple[dict | None, list[Problem]]:
    """Parse and validate one YAML record of `kind` (article, story, entity).

    Returns the data (None when it cannot be used: not YAML, not a mapping, or not
    matching its schema) and the problems found in this file alone (references to
    other files are checked by `check_content`).
    """
    f = _read(Path(path), kind)
    problems = f.resolved()
    return (None if f.fatal or f.schema_errors else f.data), problems


# ---------------------------------------------------------------- the whole tree
def _tree_files(content: Path) -> dict[str, list[tuple[Path, Path]]]:
    """kind -> [(path shown, path read)], as a committed-but-interrupted build left it logically."""
    pending = store.pending_changes(content)
    out: dict[str, list[tuple[Path, Path]]] = {}
    for kind, folder in FOLDERS.items():
        files: dict[Path, Path] = {p: p for p in (content / folder).glob("*.yml")}
        for target, source in pending.items():
            if target.parent == content / folder and target.suffix == ".yml":
                if source is None:
                    files.pop(target, None)
                else:
                    files[target] = source
        out[kind] = sorted(files.items())
    return out


def check_content(content: Path) -> list[Problem]:
    """Every problem in the tree, as Problems (str() gives 'path:line:column: message')."""
    content = Path(content)
    files: dict[str, list[_File]] = {}
    for kind, pairs in _tree_files(content).items():
        files[kind] = [_read(shown, kind, str(shown), source) for shown, source in pairs]

    ids: dict[str, dict[str, _File]] = {}
    for kind, fs in files.items():
        ids[kind] = {}
        # The file named after its id is the real one; the other gets the duplicate report.
        for f in sorted(fs, key=lambda f: not (f.data and f.data.get("id") == f.path.stem)):
            rid = f.data.get("id") if f.data else None
            if not isinstance(rid, str):
                continue
            if rid in ids[kind]:
                f.add(["id"], f"duplicate {kind} id '{rid}' (also in {ids[kind][rid].shown})")
            else:
                ids[kind][rid] = f
    articles, stories, entities = ids["article"], ids["story"], ids["entity"]

    for f in files["article"]:
        story = f.data.get("story") if f.data else None
        if isinstance(story, str) and story not in stories:
            f.add(["story"], f"story '{story}' does not exist (no stories/{story}.yml)")
    for f in files["story"]:
        if not f.data:
            continue
        for n, aid in enumerate(_list(f.data.get("articles"))):
            if isinstance(aid, str) and aid not in articles:
                f.add(["articles", n], f"articles[{n}]: unknown article '{aid}'")
        for group in ("facts", "quotes"):
            for n, card in enumerate(_list(f.data.get(group))):
                if not isinstance(card, dict):
                    continue
                label = f"{group}[{n}]" + (f" ({card['id']})" if isinstance(card.get("id"), str) else "")
                for m, ref in enumerate(_list(card.get("sources"))):
                    _check_ref(f, [group, n, "sources", m], f"{label}.sources[{m}]", ref, articles)
                for m, eid in enumerate(_list(card.get("entities"))):
                    if isinstance(eid, str) and entities and eid not in entities:
                        f.add([group, n, "entities", m], f"{label}.entities[{m}]: unknown entity '{eid}'")
                speaker = card.get("speaker") if group == "quotes" else None
                if isinstance(speaker, str) and entities and speaker not in entities:
                    f.add([group, n, "speaker"], f"{label}.speaker: unknown entity '{speaker}'")
    for f in files["entity"]:
        for n, sid in enumerate(_list(f.data.get("stories") if f.data else None)):
            if isinstance(sid, str) and sid not in stories:
                f.add(["stories", n], f"stories[{n}]: unknown story '{sid}'")

    problems: list[Problem] = []
    for kind in FOLDERS:
        for f in files[kind]:
            problems += f.resolved()
    return problems


def _check_ref(f: _File, path: list[Any], label: str, ref: Any, articles: dict[str, _File]) -> None:
    if not isinstance(ref, dict):
        return
    aid = ref.get("article")
    if not isinstance(aid, str):
        return
    if aid not in articles:
        f.add(path + ["article"], f"{label}: cites unknown article '{aid}'")
        return
    text = articles[aid].data.get("text") if articles[aid].data else None
    if not isinstance(text, str) or not _offsets_ok(ref, "excerpt"):
        return
    start, end, excerpt = ref["start"], ref["end"], ref["excerpt"]
    if text[start:end] == excerpt:
        return
    at = text.find(excerpt)
    hint = (f"it is now at {at}..{at + len(excerpt)}: run build to re-anchor" if at >= 0
            else f"it is no longer anywhere in article '{aid}': fix the excerpt or remove this source")
    f.add(path + ["start"], f"{label}: excerpt is not verbatim at {start}..{end} of article '{aid}'; {hint}")
