"""Validation of the content directory: every record against its schema and on its
own (generator.content.loader), plus the references between records.

Used by `python -m generator check` (`check_content`). Every problem is a `Problem`
printed as `path:line:column: message`, pointing at the offending YAML node.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.content.journal import pending_changes
from generator.content.loader import RecordFile, as_list, offsets_ok, read_record
from generator.content.outlets import OUTLETS_FILE, read_outlets
from generator.errors import ContentError, Problem

FOLDERS = {"article": "articles", "story": "stories", "entity": "entities"}


# ---------------------------------------------------------------- the whole tree
def _tree_files(content: Path) -> dict[str, list[tuple[Path, Path]]]:
    """kind -> [(path shown, path read)], as a committed-but-interrupted build left it logically."""
    pending = pending_changes(content)
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
    return check_tree(content)[1]


def check_tree(content: Path) -> tuple[int, list[Problem]]:
    """(files checked, every problem in the tree). Raises ContentError when `content`
    is not a directory (a mistyped path must not read as a clean tree)."""
    content = Path(content)
    if not content.is_dir():
        raise ContentError(f"{content}: no such content directory" if not content.exists()
                           else f"{content}: not a directory")
    files: dict[str, list[RecordFile]] = {}
    for kind, pairs in _tree_files(content).items():
        files[kind] = [read_record(shown, kind, str(shown), source) for shown, source in pairs]
    # A file that is not a record at all (a YAML syntax error, ...) is reported once, where
    # the error is; a reference to the record it would hold (named after its file) is not
    # a second problem: it is there, only unreadable until that one error is fixed.
    broken = {kind: {f.path.stem for f in fs if f.fatal} for kind, fs in files.items()}

    ids: dict[str, dict[str, RecordFile]] = {}
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
    articles, stories, entities = (_Known(ids[k], broken[k]) for k in ("article", "story", "entity"))

    for f in files["article"]:
        story = f.data.get("story") if f.data else None
        if isinstance(story, str) and story not in stories:
            f.add(["story"], f"story '{story}' does not exist (no stories/{story}.yml)")
    for f in files["story"]:
        if not f.data:
            continue
        for n, aid in enumerate(as_list(f.data.get("articles"))):
            if isinstance(aid, str) and aid not in articles:
                f.add(["articles", n], f"articles[{n}]: unknown article '{aid}'")
        for group in ("facts", "quotes"):
            for n, card in enumerate(as_list(f.data.get(group))):
                if not isinstance(card, dict):
                    continue
                label = f"{group}[{n}]" + (f" ({card['id']})" if isinstance(card.get("id"), str) else "")
                for key in ("sources", "differs"):
                    for m, ref in enumerate(as_list(card.get(key))):
                        _check_ref(f, [group, n, key, m], f"{label}.{key}[{m}]", ref, articles)
                for m, eid in enumerate(as_list(card.get("entities"))):
                    if isinstance(eid, str) and entities and eid not in entities:
                        f.add([group, n, "entities", m], f"{label}.entities[{m}]: unknown entity '{eid}'")
                speaker = card.get("speaker") if group == "quotes" else None
                if isinstance(speaker, str) and entities and speaker not in entities:
                    f.add([group, n, "speaker"], f"{label}.speaker: unknown entity '{speaker}'")
    for f in files["entity"]:
        for n, sid in enumerate(as_list(f.data.get("stories") if f.data else None)):
            if isinstance(sid, str) and sid not in stories:
                f.add(["stories", n], f"stories[{n}]: unknown story '{sid}'")

    problems: list[Problem] = []
    for kind in FOLDERS:
        for f in files[kind]:
            problems += f.resolved()
    # content/outlets.yml (display names and home pages), checked against its schema
    problems += read_outlets(content, str(content / OUTLETS_FILE))[1]
    return sum(len(fs) for fs in files.values()), problems


class _Known(dict):
    """The records of one kind by id; an id whose file could not be parsed counts as
    present (`in` is true) but has no record (`get` gives None)."""

    def __init__(self, records: dict[str, RecordFile], unreadable: set[str]):
        super().__init__(records)
        self.unreadable = unreadable

    def __contains__(self, rid: object) -> bool:
        return super().__contains__(rid) or rid in self.unreadable


def _check_ref(f: RecordFile, path: list[Any], label: str, ref: Any, articles: "_Known") -> None:
    if not isinstance(ref, dict):
        return
    aid = ref.get("article")
    if not isinstance(aid, str):
        return
    if aid not in articles:
        f.add(path + ["article"], f"{label}: cites unknown article '{aid}'")
        return
    record = articles.get(aid)
    text = record.data.get("text") if record is not None and record.data else None
    if not isinstance(text, str) or not offsets_ok(ref, "excerpt"):
        return
    start, end, excerpt = ref["start"], ref["end"], ref["excerpt"]
    if text[start:end] == excerpt:
        return
    at = text.find(excerpt)
    hint = (f"it is now at {at}..{at + len(excerpt)}: run build to re-anchor" if at >= 0
            else f"it is no longer anywhere in article '{aid}': fix the excerpt or remove this source")
    f.add(path + ["start"], f"{label}: excerpt is not verbatim at {start}..{end} of article '{aid}'; {hint}")
