"""YAML in and out for content/: the fast dump and load of records, and the ruamel.yaml
round-trip helpers used where an editor's file must keep its comments and key order.

A leaf module: it imports nothing else from the generator, so the writer, the merge,
the checker and the site reader can all use it without importing each other.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
from collections import Counter
from typing import Any

import yaml
# ruamel.yaml costs ~15 ms to import (jsonschema, needed beside it, costs ~80 ms), so it
# is imported here at start-up rather than lazily.
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, LiteralScalarString,
                                      SingleQuotedScalarString)


# ---------------------------------------------------------------- fast dump and load
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Deterministic, readable output: block style, multi-line text as `|` blocks.
    Never an anchor and alias (content files refuse them, see FastLoader): a value
    held twice is written out twice."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value: str):
    # PyYAML itself falls back to a quoted scalar when a literal block could not
    # round-trip (trailing spaces, control characters), so this is always safe.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


class FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that keeps dates as the strings editors typed (records hold ISO strings).

    Content files are plain data, so two things YAML allows are errors here, reported
    at their line and column: an alias (`*name`) of a list or mapping, which a few
    hundred bytes can nest into billions of items ("billion laughs": every consumer
    that walks the tree, the schema check, the site, the merge, would blow up), and a
    key given twice in one mapping (PyYAML would silently keep the last one).
    """

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects and isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) of lists or mappings are not allowed in content files",
                node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key '{key_node.value}' (first given at line "
                                        f"{seen[key].line + 1})", key_node.start_mark)
                    seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


FastLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_DUMP_OPTIONS = dict(sort_keys=False, allow_unicode=True, default_flow_style=False,
                    width=1 << 30)  # a huge width: long sentences never fold mid-excerpt


def dump_yaml(data: dict) -> str:
    node = _node(data, set())
    if node is None:  # a value outside plain data, or a shared container: PyYAML's own way
        return yaml.dump(data, Dumper=_Dumper, **_DUMP_OPTIONS)
    stream = io.StringIO()
    dumper = _Dumper(stream, **_DUMP_OPTIONS)
    try:
        dumper.open()
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


_T = "tag:yaml.org,2002:"


def _node(value, seen: set):
    """The node PyYAML's SafeRepresenter (with `_represent_str`) makes of `value`,
    built directly: the representer's per-object bookkeeping was most of the write
    stage. None when `value` holds anything else (the caller falls back to PyYAML);
    the output is byte-identical either way (tested)."""
    kind = type(value)
    if kind is str:
        return yaml.ScalarNode(_T + "str", value, style="|" if "\n" in value else None)
    if kind is dict or kind is list:
        if id(value) in seen:  # PyYAML would write an anchor and an alias
            return None
        seen.add(id(value))
        if kind is list:
            items = [_node(v, seen) for v in value]
            return None if None in items else yaml.SequenceNode(_T + "seq", items, flow_style=False)
        pairs = [(_node(k, seen), _node(v, seen)) for k, v in value.items()]
        if any(k is None or v is None for k, v in pairs):
            return None
        return yaml.MappingNode(_T + "map", pairs, flow_style=False)
    if kind is bool:
        return yaml.ScalarNode(_T + "bool", "true" if value else "false")
    if kind is int:
        return yaml.ScalarNode(_T + "int", str(value))
    if value is None:
        return yaml.ScalarNode(_T + "null", "null")
    return None  # floats, dates and the rest: PyYAML's representer knows their spelling


# The largest content file read. An article holds at most a 2 MB input's text (8 MB for
# a page, before extraction) plus its metadata, and a story of a few hundred articles
# stays far below this; anything larger is not a file the generator wrote, and parsing
# it would hold many times its size in memory in every consumer.
MAX_CONTENT_CHARS = 32 * 1024 * 1024


def too_large(text: str | bytes | int) -> str | None:
    """The message for a content file (its text, or its size) over the limit, else None."""
    size = text if isinstance(text, int) else len(text)
    if size <= MAX_CONTENT_CHARS:
        return None
    return (f"file is {size / (1024 * 1024):.1f} MB, more than the "
            f"{MAX_CONTENT_CHARS / (1024 * 1024):g} MB a content file may hold (not read)")


def load_yaml(text: str | bytes):
    message = too_large(text)
    if message:
        raise yaml.YAMLError(message)
    return yaml.load(text, Loader=FastLoader)


# ---------------------------------------------------------------- round trip (ruamel.yaml)
class _NoAliasComposer(Composer):
    """ruamel's composer, refusing aliases of lists and mappings (see FastLoader)."""

    def compose_node(self, parent, index):
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            if not isinstance(self.anchors.get(event.anchor), ScalarNode):
                raise ComposerError(None, None, "aliases (*name) of lists or mappings are not allowed "
                                                "in content files", event.start_mark)
        return super().compose_node(parent, index)


class _BoundedYAML(YAML):
    """ruamel's YAML refusing a text over the content size limit (see load_yaml)."""

    def load(self, stream):
        message = too_large(stream) if isinstance(stream, (str, bytes)) else None
        if message:
            raise ComposerError(None, None, message, None)
        return super().load(stream)


def round_trip_yaml() -> YAML:
    y = _BoundedYAML(typ="rt")
    y.Composer = _NoAliasComposer
    y.representer.ignore_aliases = lambda data: True   # never write what we refuse to read
    y.width = 1 << 30               # same no-folding policy as dump_yaml
    y.allow_unicode = True
    y.preserve_quotes = True
    # Same spelling of null as the generator's dumps (ruamel would leave it empty).
    y.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python (dates as the ISO strings records hold)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def short(value: Any) -> str:
    """A value as messages quote it: the repr of its plain form, cut at 70 characters."""
    s = repr(plain(value))
    return s if len(s) <= 70 else s[:67] + "..."


def _literal_ok(s: str) -> bool:
    lines = s.split("\n")
    return (len(lines) > 1 and not s.startswith((" ", "\t"))
            and all(line == line.rstrip() for line in lines)
            and all(ch == "\n" or ch.isprintable() for ch in s))


def to_round_trip(value: Any) -> Any:
    """A generated value ready to go into a ruamel tree (multi-line text as `|` blocks)."""
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = to_round_trip(v)
        return m
    if isinstance(value, list):
        return CommentedSeq(to_round_trip(v) for v in value)
    if isinstance(value, str):
        if _literal_ok(value):
            return LiteralScalarString(value)
        if _implicit_tag(value) != "tag:yaml.org,2002:str":
            # ruamel writes YAML 1.2, where `no` or `0777` are plain strings, but
            # PyYAML (check, the site) reads 1.1: quote whatever 1.1 would not read back.
            return DoubleQuotedScalarString(value) if "'" in value else SingleQuotedScalarString(value)
    return value


def _implicit_tag(value: str) -> str:
    return yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, value, (True, False))


# ---------------------------------------------------------------- comments
_BLOCK_START = re.compile(r"[:-]\s*[|>][0-9+-]*\s*(#.*)?$")
_TOP_KEY = re.compile(r"^([^\s#'\"-][^:]*):")


def _comment_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of full-line comments, skipping lines inside `|`/`>` blocks."""
    out, block_indent = [], None
    for n, line in enumerate(text.splitlines()):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        if line.lstrip().startswith("#"):
            out.append((n, line))
        elif _BLOCK_START.search(line):
            block_indent = indent if not line.lstrip().startswith("- ") else indent
    return out


def restore_comments(original: str, merged: str) -> str:
    """Put back full-line comments that ruamel lost with a removed node.

    ruamel keeps a comment that precedes a key on the node before it; when the merge
    drops that node (a card the generator no longer produces), the comment would go
    too. Each lost comment goes back before the top-level key that followed it.
    """
    have = Counter(line.strip() for _, line in _comment_lines(merged))
    lines = original.splitlines()
    lost: dict[int, list[str]] = {}
    for n, line in _comment_lines(original):
        if have[line.strip()] > 0:
            have[line.strip()] -= 1
        else:
            lost.setdefault(n, []).append(line)
    if not lost:
        return merged
    before: dict[str, list[str]] = {}
    tail: list[str] = []
    for n in sorted(lost):
        key = next((m.group(1) for line in lines[n + 1:] if (m := _TOP_KEY.match(line))), None)
        (before.setdefault(key, []) if key else tail).extend(lost[n])
    out = []
    for line in merged.splitlines(keepends=True):
        m = _TOP_KEY.match(line)
        if m and m.group(1) in before:
            out += [c + "\n" for c in before.pop(m.group(1))]
        out.append(line)
    leftover = [c for cs in before.values() for c in cs] + tail
    if leftover:
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out += [c + "\n" for c in leftover]
    return "".join(out)
