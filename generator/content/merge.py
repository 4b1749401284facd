"""Three-way merge of an edited YAML record (the editor's file with the new generated record).

base = what the generator wrote last time (the snapshot), ours = the file on disk as
the editor left it, theirs = the record the generator produces now. The editor owns
the file, so:

- a field the editor changed keeps the editor's value; when the generator also
  changed it, that is a conflict, reported as "path: field: kept editor's value ...";
- a field the editor did not touch takes the new generated value;
- cards inside lists (facts, quotes, summary, timeline, dates, removed, sources) are
  matched by `id`, or by a content key when they have none: a card the editor
  deleted stays deleted, a card the editor added stays, an edited card is merged
  field by field, an unedited card the generator dropped goes;
- keys the editor added (`hidden: true`, notes) are kept;
- `ours` is a ruamel.yaml round-trip tree modified in place, so comments and key
  order survive; the file is only rewritten when the merge changed something.

Only edited files come here (the store's fast path handles the rest), so the cost
of ruamel is paid per edited file, not per build.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any, Iterable

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError

from generator.content.reanchor import reanchor_dates, reanchor_story
from generator.content.yamlio import load_yaml, plain, restore_comments, round_trip_yaml, short, to_round_trip
from generator.errors import Problem

_MISSING = object()
# Lists whose items are cards (mappings): merged item by item.
# Fields that identify a card that has no `id` (first present ones, in order).
_CONTENT_KEY = ("article", "date", "text", "line", "excerpt", "start", "facts")


@dataclass
class Outcome:
    data: bytes | None              # the merged file, None when the file cannot be merged
    conflicts: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # excerpts that could not be re-anchored
    text: str | None = None         # article: the text as it stays on disk
    changed: bool = False
    # The ledger of paths the editor owns (changed, added, deleted), kept beside the
    # snapshot so an edit survives even after the generator once agreed with it.
    owned: list[str] = field(default_factory=list)


class _Merger:
    """Merges in place into `ours`; `owned` is the ledger of paths the editor has
    touched (changed, added or deleted) in this or any earlier build. An owned path
    keeps the editor's value even after the generator happened to produce the same
    value once (so the generator's next change does not take it back)."""

    def __init__(self, where: str, owned: Iterable[str] = ()):
        self.where = where
        self.conflicts: list[str] = []
        self.changed = False
        self.owned = set(owned)

    def conflict(self, path: str, message: str) -> None:
        self.conflicts.append(f"{self.where}: {path or '(record)'}: {message}")

    def owned_under(self, path: str) -> bool:
        return any(p == path or p.startswith((path + ".", path + "[")) for p in self.owned)

    # ------------------------------------------------------------ mappings
    def mapping(self, base: dict, ours: CommentedMap, theirs: dict, path: str) -> None:
        order = list(ours.keys()) + [k for k in theirs if k not in ours]
        for key in order:
            b, t = base.get(key, _MISSING), theirs.get(key, _MISSING)
            sub = f"{path}.{key}" if path else str(key)
            if key not in ours:
                if b is _MISSING:
                    if t is not _MISSING and sub not in self.owned:   # a field new from the generator
                        self._insert(ours, theirs, key, t)
                else:                                                 # the editor deleted it
                    self.owned.add(sub)
                    if t is not _MISSING and t != b:
                        self.conflict(sub, f"kept editor's deletion (generator now says {short(t)})")
                continue
            o = ours[key]
            if b is _MISSING:                                  # the editor added it
                self.owned.add(sub)
                if t is not _MISSING and plain(o) != t:
                    self.conflict(sub, f"kept editor's value {short(o)} (generator now says {short(t)})")
                continue
            if t is _MISSING:                                  # the generator dropped it
                if plain(o) == b and not self.owned_under(sub):
                    del ours[key]
                    self.changed = True
                else:
                    self.conflict(sub, f"kept editor's value {short(o)} (generator no longer writes it)")
                continue
            self.value(b, o, t, sub, lambda v, key=key: ours.__setitem__(key, v))

    def _insert(self, ours: CommentedMap, theirs: dict, key: str, value: Any) -> None:
        keys = list(theirs)
        pos = 0
        for prev in reversed(keys[: keys.index(key)]):
            if prev in ours:
                pos = list(ours.keys()).index(prev) + 1
                break
        ours.insert(pos, key, to_round_trip(value))
        self.changed = True

    def value(self, b: Any, o: Any, t: Any, path: str, set_ours) -> None:
        po = plain(o)
        if path in self.owned:                                 # the editor's, wholesale
            if t != b and t != po:
                self.conflict(path, f"kept editor's value {short(o)} (generator now says {short(t)})")
        elif isinstance(o, dict) and isinstance(b, dict) and isinstance(t, dict):
            self.mapping(b, o, t, path)
        elif isinstance(o, list) and isinstance(b, list) and isinstance(t, list) and _cards(b, t):
            self.cards(b, o, t, path)
        elif po == b:
            if t != b:
                set_ours(to_round_trip(t))
                self.changed = True
        else:
            self.owned.add(path)
            if t != b and t != po:
                self.conflict(path, f"kept editor's value {short(o)} (generator now says {short(t)})")

    # ------------------------------------------------------------ lists of cards
    def cards(self, base: list, ours: CommentedSeq, theirs: list, path: str) -> None:
        bk, ok, tk = _keyed(base), _keyed(ours), _keyed(theirs)
        bmap, tmap = dict(bk), dict(tk)
        kept: list[tuple[int | None, Any, Any]] = []   # (old index in ours, key, item)
        okeys = {key for key, _ in ok}
        for key in bmap:
            if key not in okeys:                           # the editor deleted this card
                self.owned.add(f"{path}[{_label(key)}]")
        for i, (key, item) in enumerate(ok):
            sub = f"{path}[{_label(key)}]"
            if key in bmap:
                b = bmap[key]
                t = tmap.get(key, _MISSING)
                if t is _MISSING:                          # the generator dropped this card
                    if plain(item) == b and not self.owned_under(sub):
                        self.changed = True
                        continue
                    self.conflict(sub, "kept editor's card (generator no longer produces it)")
                else:
                    holder = [item]
                    self.value(b, item, t, sub, lambda v, holder=holder: holder.__setitem__(0, v))
                    item = holder[0]
                kept.append((i, key, item))
            else:                                          # the editor added this card
                self.owned.add(sub)
                t = tmap.get(key, _MISSING)
                if t is not _MISSING and plain(item) != t:
                    self.conflict(sub, f"kept editor's card {short(item)} (generator now says {short(t)})")
                kept.append((i, key, item))
        # Cards new from the generator go after their predecessor in the generated order;
        # one the editor once deleted stays out.
        seen = {key for _, key, _ in kept} | set(bmap)
        for j, (key, item) in enumerate(tk):
            if key in seen or f"{path}[{_label(key)}]" in self.owned:
                continue
            pos = 0
            for prev_key, _ in reversed(tk[:j]):
                idx = next((n for n, (_, k, _) in enumerate(kept) if k == prev_key), None)
                if idx is not None:
                    pos = idx + 1
                    break
            kept.insert(pos, (None, key, to_round_trip(item)))
            seen.add(key)
            self.changed = True
        new_items = [item for _, _, item in kept]
        if [id(x) for x in new_items] != [id(x) for x in ours] or len(new_items) != len(ours):
            _replace_items(ours, kept)
            self.changed = True


def _cards(base: list, theirs: list) -> bool:
    items = base + theirs
    return bool(items) and all(isinstance(x, dict) for x in items)


def _card_key(item: Any) -> Any:
    if isinstance(item, dict):
        if "id" in item:
            return ("id", plain(item["id"]))
        return tuple((k, _hashable(plain(item[k]))) for k in _CONTENT_KEY if k in item) or \
            ("value", _hashable(plain(item)))
    return ("value", _hashable(plain(item)))


def _hashable(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return v


def _keyed(items: list) -> list[tuple[Any, Any]]:
    """(key, item) pairs; repeated keys get an occurrence number so none is lost."""
    seen: dict[Any, int] = {}
    out = []
    for item in items:
        key = _card_key(item)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(((key, n), item))
    return out


def _label(key: Any) -> str:
    """A card's stable name in paths: its id, else a short hash of its content key."""
    (k, n) = key
    if isinstance(k, tuple) and len(k) == 2 and k[0] == "id":
        return str(k[1]) + (f"#{n + 1}" if n else "")
    return "~" + hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:8]


def _replace_items(seq: CommentedSeq, kept: list[tuple[int | None, Any, Any]]) -> None:
    """Rebuild a round-trip list keeping each surviving item's comments with it."""
    old_comments = dict(seq.ca.items)
    seq.ca.items.clear()
    del seq[:]
    for new_i, (old_i, _, item) in enumerate(kept):
        seq.append(item)
        if old_i is not None and old_i in old_comments:
            seq.ca.items[new_i] = old_comments[old_i]


# ---------------------------------------------------------------- older files
def _drop_copied_texts(base: dict, ours: CommentedMap, m: _Merger) -> None:
    """Story files written before summary and timeline items referenced their cards held
    a copy of a card's text in each item (`text:`); the site now shows the card's own.
    The copy goes from the snapshot and the file. A copy the editor had changed is the
    editor's word on that fact: it moves to the cited card when the editor left that
    card's text alone, and is otherwise reported (the card's own edited text wins)."""
    base_cards = {c.get("id"): c for c in base.get("facts") or [] if isinstance(c, dict)}
    our_cards = {str(c.get("id")): c for c in ours.get("facts") or [] if isinstance(c, CommentedMap)}
    for group in ("summary", "timeline"):
        old_texts: dict[Any, set] = {}
        for item in base.get(group) or []:
            if isinstance(item, dict) and "text" in item:
                old_texts.setdefault(_hashable(item.get("facts")), set()).add(item.pop("text"))
        items = ours.get(group)
        if not isinstance(items, CommentedSeq):
            continue
        for n, item in enumerate(items):
            if not isinstance(item, CommentedMap) or "text" not in item:
                continue
            text, facts = plain(item["text"]), plain(item.get("facts"))
            del item["text"]
            m.changed = True
            first = facts[0] if isinstance(facts, list) and facts else None
            card = our_cards.get(str(first))
            if text in old_texts.get(_hashable(facts), ()) or (card is not None and plain(card.get("text")) == text):
                continue                                    # the generator's copy
            label = f"{group}[{n}].text"
            base_card = base_cards.get(first, {})
            if card is not None and plain(card.get("text")) == base_card.get("text"):
                card["text"] = to_round_trip(text)
                m.owned.add(f"facts[{first}].text")
                m.conflict(label, f"your text {short(text)} moved to card {first} "
                                  f"(summary and timeline items now show their card's text)")
            else:
                m.conflict(label, f"dropped your text {short(text)}: {group} items now show their "
                                  f"card's text; edit card {first} instead")


def _drop_deleted_refs(base: dict, ours: CommentedMap, theirs: dict, m: _Merger) -> None:
    """A card the editor deleted is gone from the summary and timeline too: the
    generator's items may still cite it (an item left citing nothing goes). Only ids of
    generated cards are dropped: an unknown id the editor typed stays, for `check`."""
    facts = ours.get("facts")
    if not isinstance(facts, list):
        return
    have = {plain(c.get("id")) for c in facts if isinstance(c, dict)}
    generated = {c.get("id") for record in (base, theirs) for c in record.get("facts") or []
                 if isinstance(c, dict)}
    gone = generated - have
    if not gone:
        return
    for group in ("summary", "timeline"):
        items = ours.get(group)
        if not isinstance(items, CommentedSeq):
            continue
        kept = []
        for n, item in enumerate(items):
            refs = item.get("facts") if isinstance(item, CommentedMap) else None
            if isinstance(refs, CommentedSeq) and any(plain(r) in gone for r in refs):
                left = [r for r in refs if plain(r) not in gone]
                if not left:
                    m.changed = True
                    continue
                for r in [r for r in refs if plain(r) in gone]:
                    refs.remove(r)
                m.changed = True
            kept.append((n, None, item))
        if len(kept) != len(items):
            _replace_items(items, kept)


# ---------------------------------------------------------------- one file
def merge_data(base: dict, ours: CommentedMap, theirs: dict, where: str = "") -> tuple[bool, list[str]]:
    m = _Merger(where)
    m.mapping(base, ours, theirs, "")
    return m.changed, m.conflicts


def merge_file(snapshot: bytes | None, disk: bytes, theirs: dict, where: str,
               texts: dict[str, str] | None = None, owned: Iterable[str] = ()) -> Outcome:
    """Merge the new record into the edited file `disk`; see the module docstring."""
    y = round_trip_yaml()
    try:
        ours = y.load(disk.decode("utf-8"))
    except (RuamelError, UnicodeDecodeError, ValueError) as exc:
        # The store has the fast parser's verdict first; this is what ruamel (YAML 1.2,
        # stricter: a repeated key, ...) refuses beyond it. The build fails, file untouched.
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Outcome(None, problems=[Problem(where, f"YAML error: {what} (not merged: fix it and build again)",
                                               mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)])
    if not isinstance(ours, CommentedMap):
        return Outcome(None, problems=[Problem(where, "not a mapping of fields (not merged: fix it and build again)",
                                               1, 1)])
    base: Any = {}
    if snapshot is not None:
        try:
            base = load_yaml(snapshot) or {}
        except Exception:           # a damaged snapshot: treat every value as the editor's
            base = {}
    out = Outcome(None)
    m = _Merger(where, owned)
    if isinstance(base, dict):
        _drop_copied_texts(base, ours, m)
    m.mapping(base if isinstance(base, dict) else {}, ours, theirs, "")
    _drop_deleted_refs(base if isinstance(base, dict) else {}, ours, theirs, m)
    out.conflicts = m.conflicts
    out.owned = sorted(m.owned)
    if texts is not None:
        before = plain(ours)
        out.problems = reanchor_story(ours, texts, where)
        m.changed = m.changed or plain(ours) != before
    if isinstance(ours.get("text"), str):
        before = plain(ours.get("dates"))
        reanchor_dates(ours)
        m.changed = m.changed or plain(ours.get("dates")) != before
        out.text = str(ours["text"])
    out.changed = m.changed
    if m.changed:
        buf = io.StringIO()
        y.dump(ours, buf)
        original = disk.decode("utf-8")
        out.data = restore_comments(original, buf.getvalue()).encode("utf-8")
    else:
        out.data = disk
    return out
