"""The JSON Schema of each record kind (generator/content/schemas/) and its checking.

jsonschema words the messages; a compiled predicate answers "valid?" first, so a
valid record (nearly all of them) costs microseconds.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    return json.loads(resources.files("generator.content").joinpath(f"schemas/{kind}.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def _validator(kind: str) -> Draft202012Validator:
    # Imported on first use: only a record that fails the compiled check below needs
    # jsonschema, and a build or re-run of valid records skips its import.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind))


# jsonschema spends ~8 ms on an article; at 40,000 files that is minutes. The schemas use a
# small subset of keywords, compiled here into a plain predicate that answers "valid?"
# in microseconds; jsonschema runs only on records that fail it, to word the messages.
_PY_TYPES = {"string": (str,), "integer": (int,), "boolean": (bool,), "array": (list,),
             "object": (dict,), "null": (type(None),), "number": (int, float)}


def _compile(node: dict, root: dict):
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
    if "required" in node or "properties" in node or isinstance(node.get("additionalProperties"), dict):
        required = node.get("required", [])
        props = {k: _compile(sub, root) for k, sub in node.get("properties", {}).items()}
        closed = node.get("additionalProperties") is False
        extra = node.get("additionalProperties")
        # a schema for the other keys (a mapping keyed by name, such as the outlets file)
        other = _compile(extra, root) if isinstance(extra, dict) else None

        def mapping(v):
            if not isinstance(v, dict):
                return True
            if any(k not in v for k in required) or (closed and any(k not in props for k in v)):
                return False
            if other is not None and not all(other(x) for k, x in v.items() if k not in props):
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


def schema_errors(data, kind: str) -> list:
    """jsonschema's errors for `data` as a `kind` record, by path (none for a valid one)."""
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


def message_of(error) -> tuple[list[Any], str, bool]:
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
        what = ("an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)" if "[0-9]{4}" in error.validator_value
                else "an http:// or https:// address" if "https?" in error.validator_value
                else "an id (no spaces or slashes, not starting with a dot)")
        return path, f"{_where(path)}: should be {what}, found {_found(error.instance)}", False
    if v == "anyOf":
        subs = [e for e in error.context if e.schema.get("type") != "null"]
        if subs:
            sub_path, msg, at_key = message_of(subs[0])
            return path, msg.replace(": should be ", ": should be empty (null) or ", 1), at_key
    if v == "minimum":
        return path, f"{_where(path)}: should be at least {error.validator_value}, found {_found(error.instance)}", False
    if v == "minLength":
        return path, f"{_where(path)}: should not be empty", False
    return path, f"{_where(path)}: {error.message}", False


def schema_problems(data: Any, kind: str) -> list[str]:
    """Schema violations of one record as messages (no positions): used on generated records."""
    return [message_of(e)[1] for e in schema_errors(data, kind)]


# ---------------------------------------------------------------- unknown keys (typos)
# Every mapping the schemas describe (a record, a card, a source, a summary item, ...)
# has a closed set of known keys: its `properties`. A key outside that set is an editor's
# own key (allowed) unless it is close to a known one, when it is almost surely a typo
# that would otherwise pass silently (`hiden: true` would leave the card published).
#
# "Close" is difflib's ratio (>= TYPO_CUTOFF) to a key known at that very place, bounded by
# an edit distance of at most TYPO_EDITS (a letter missed, doubled, swapped or wrong, twice
# at most): the ratio alone calls `source_url` close to `source_file` (a shared prefix),
# while a keystroke slip is a short edit. At 0.75 `hiden`, `qoutes`, `txet` and `kidn` match;
# `notes`, `comment`, `reviewed`, `context`, `status`, `updated` do not (tests/content/test_check_typos.py).
TYPO_CUTOFF = 0.75
TYPO_EDITS = 2
EDITOR_KEYS = frozenset({"notes"})   # never a typo, and nothing under it is checked
EDITOR_PREFIX = "x-"                 # `x-reviewed-by:` and the like: the editor's own


def _resolve(node: dict, root: dict) -> dict:
    while "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and
    swaps of two neighbouring letters each count one."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def close_key(key: str, known: Iterable[str]) -> str | None:
    """The known key `key` is a typo of, or None when it is not close to any."""
    import difflib

    for guess in difflib.get_close_matches(key, list(known), n=3, cutoff=TYPO_CUTOFF):
        if _edits(key, guess) <= TYPO_EDITS:
            return guess
    return None


def editor_key(key: Any) -> bool:
    return not isinstance(key, str) or key in EDITOR_KEYS or key.startswith(EDITOR_PREFIX)


def key_typos(data: Any, kind: str) -> list[tuple[list[Any], str, str]]:
    """(path to the key, the key, the known key it is a typo of) for every mistyped key
    in a `kind` record, at any depth the schema describes."""
    root = schema(kind)
    out: list[tuple[list[Any], str, str]] = []
    _typos(data, root, root, [], out)
    return out


def _typos(value: Any, node: dict, root: dict, path: list[Any], out: list) -> None:
    node = _resolve(node, root)
    for sub in node.get("anyOf", ()):
        _typos(value, sub, root, path, out)
    if isinstance(value, dict) and "properties" in node:
        props = node["properties"]
        for key, sub_value in value.items():
            if key in props:
                if isinstance(sub_value, (dict, list)):   # only containers hold keys
                    _typos(sub_value, props[key], root, path + [key], out)
            elif not editor_key(key):
                guess = close_key(key, props)
                if guess is not None:
                    out.append((path + [key], key, guess))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for n, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _typos(item, node["items"], root, path + [n], out)


def typo_message(path: list[Any], key: str, guess: str) -> str:
    where = _where(path[:-1])
    return (f"{where}: " if path[:-1] else "") + f"unknown key '{key}' (did you mean '{guess}'?)"
