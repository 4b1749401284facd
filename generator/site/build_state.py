"""What one `mkdocs build` leaves for the next `mkdocs build --dirty`, with no MkDocs import.

A site build reads every card and renders every page. After a generator re-run that
changed a few records, most pages would come out byte for byte the same: the next dirty
build only has to know which ones cannot. The state kept on disk (a pickle in the page
sources folder, `.cache/site-pages/`) holds:

- the cards read (generator.site.load's CardCache), each pickled on its own with its
  file's modification time and size: only the card files changed since are parsed and
  checked again, and only those are pickled again when the state is written;
- a fingerprint of every value the pages can read of the records and of the
  cross-reference index (`fingerprints`: a record stands for its card file's path,
  modification time and size, an index entry for its plain values and those stamps);
- for every page, the keys it read (pages._Tracked: (name, key)), as indexes into one
  table of keys: no copies of the values. The next build compares the fingerprints of
  what it read with the last build's and renders again the pages that read a key whose
  value changed (`stale_pages`); the others are neither gathered nor rendered, their page
  source is left as it is and MkDocs' dirty build skips them;
- the pages of the build (src_uri -> output file), so a page whose record is gone is removed.

At the full archive (47,000 cards, 29,600 pages, a million reads) writing the state was
3 s of CPU when it pickled every record and every page's reads with their values at each
build; now a build pickles only the cards it parsed and the reads of the pages it rendered.

It is valid only for the same code (the site package, the records and the card loader),
templates, site settings, URL style, content folder and site_dir (`key`); anything else
loads as no state and the build renders every page. It is deleted when a build starts and
written when it ends, so an interrupted build, or one that does not write it (`mkdocs
serve`), leaves none behind.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import pickle
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from generator.site.pages import ALL_READ, IN_READ, changed_keys

STATE_FILE = ".digest-build-state.pickle"   # ids start with a letter or digit: no page source has this name
PACKAGE = Path(__file__).resolve().parents[1]
# The code a page's HTML depends on (beyond the templates, stamped by the caller).
CODE = ("site", "records.py", "ids.py", "content", "config.py")
FORMAT = 2


@dataclass
class BuildState:
    key: tuple
    cards: dict = field(default_factory=dict)   # file path -> ((mtime_ns, size), pickled load.Card)
    prints: dict = field(default_factory=dict)  # name -> {key: fingerprint} or set (`fingerprints`)
    keys: dict = field(default_factory=dict)    # (name, key) read by some page -> its index
    pages: dict = field(default_factory=dict)   # src_uri -> array of the indexes of the keys it read
    dests: dict = field(default_factory=dict)   # src_uri -> output file
    table_size: int = 0                         # len(keys) when the table was last rebuilt
    format: int = FORMAT


def code_stamp() -> str:
    """A digest of the sources of the code that turns cards into pages."""
    h = hashlib.sha256()
    for name in CODE:
        p = PACKAGE / name
        paths = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for q in paths:
            h.update(str(q.relative_to(PACKAGE)).encode())
            h.update(q.read_bytes())
    return h.hexdigest()


def path_in(pages_dir: Path) -> Path:
    return Path(pages_dir) / STATE_FILE


def discard(pages_dir: Path) -> None:
    try:
        path_in(pages_dir).unlink()
    except FileNotFoundError:
        pass


def load(pages_dir: Path, key: tuple) -> tuple[BuildState, dict] | None:
    """The state the last build left, when it was made with the same `key`, with its cards
    unpickled (a load.CardCache to pass to load_site); else None."""
    path = path_in(pages_dir)
    enabled = gc.isenabled()
    try:
        # the state is millions of small objects, none of them garbage: collections run
        # while it loads would only scan it again and again
        gc.disable()
        with open(path, "rb") as fh:
            state = pickle.load(fh)
        if not isinstance(state, BuildState) or state.format != FORMAT or state.key != key:
            return None
        cards = {p: (stamp, pickle.loads(blob)) for p, (stamp, blob) in state.cards.items()}
    except FileNotFoundError:
        return None
    except Exception as exc:   # a truncated or foreign file: the build renders every page
        print(f"{path}: ignored ({type(exc).__name__}: {exc})", file=sys.stderr)
        return None
    finally:
        if enabled:
            gc.enable()
    return state, cards


def fingerprints(raw: dict, cards: dict) -> dict:
    """What pages can read of the site and index (pages.Renderer.raw: name -> mapping or
    set), each value replaced by a plain fingerprint that equals the last build's exactly
    when the value would: a record (and a fact or quote of a story) by its card file's path,
    modification time and size (the card cache's key: a card is read again when these
    change), anything else by its plain values. Pickled with the state instead of the
    values themselves."""
    stamps: dict[int, tuple] = {}
    for path, (stamp, card) in cards.items():
        rec = card.record
        if rec is None:
            continue
        stamps[id(rec)] = (path, stamp)
        for part in ("facts", "quotes"):
            for i, x in enumerate(getattr(rec, part, None) or ()):
                stamps[id(x)] = (path, stamp, part, i)

    def fp(v: Any) -> Any:
        t = type(v)
        if t is str or t is int or t is bool or t is float or v is None:
            return v
        if t is tuple or t is list:
            return tuple([fp(x) for x in v])
        s = stamps.get(id(v))
        if s is not None:
            return s
        if t is dict:
            return ("dict", tuple([(fp(k), fp(x)) for k, x in v.items()]))
        if t is set or t is frozenset:
            return ("set", frozenset(v))
        if dataclasses.is_dataclass(v):   # an index entry (pages.Passage): its fields
            return (t.__name__, tuple([fp(getattr(v, f.name)) for f in dataclasses.fields(v)]))
        return ("pickle", pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL))

    out: dict = {}
    for name, src in raw.items():
        if isinstance(src, (set, frozenset)):
            out[name] = frozenset(src)
        else:
            out[name] = {k: fp(v) for k, v in src.items()}
    return out


def stale_pages(state: BuildState, prints: dict) -> set[str] | None:
    """The pages of the last build that read a key whose fingerprint changed since (None:
    the two builds' fingerprints do not cover the same names; every page is stale)."""
    old = state.prints
    if old.keys() != prints.keys():
        return None
    changed: set = set()
    for name, now in prints.items():
        diff = changed_keys(old[name], now)
        if diff:
            changed.add((name, ALL_READ))
        for key, presence in diff:
            changed.add((name, key))
            if presence:
                changed.add((name, (IN_READ, key)))
    table = state.keys
    ids = {table[k] for k in changed if k in table}
    if not ids:
        return set()
    return {uri for uri, read in state.pages.items() if not ids.isdisjoint(read)}


def save(pages_dir: Path, key: tuple, cards: dict, prints: dict, reads: dict[str, Any],
         dests: dict, last: BuildState | None) -> None:
    """Write the state of this build. `reads`: src_uri -> the reads of its rendering in
    this build (a dict of (name, key) -> value, whose keys are kept), or None for a page
    reused unchanged from `last` (its keys are kept as they were). A card whose file is as
    `last` read it keeps its pickle from there. Written beside, then renamed: a reader
    never sees half a file."""
    blobs, old_blobs = {}, last.cards if last is not None else {}
    for path, (stamp, card) in cards.items():
        was = old_blobs.get(path)
        blobs[path] = was if was is not None and was[0] == stamp else \
            (stamp, pickle.dumps(card, protocol=pickle.HIGHEST_PROTOCOL))
    table = dict(last.keys) if last is not None else {}
    size = last.table_size if last is not None else 0
    pages: dict[str, array] = {}
    for uri, read in reads.items():
        if read is None:
            pages[uri] = last.pages[uri]
        else:
            pages[uri] = array("I", sorted({table.setdefault(k, len(table)) for k in read}))
    if len(table) > 1.5 * max(size, 1000):
        table, pages = _compact(table, pages)
        size = len(table)
    state = BuildState(key, blobs, prints, table, pages, dests, size)
    path = path_in(pages_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _compact(table: dict, pages: dict[str, Iterable[int]]) -> tuple[dict, dict]:
    """The table of keys with only those some page still reads (pages gone or rendered
    again leave keys no page reads)."""
    keys = list(table)
    new: dict = {}
    out = {uri: array("I", sorted({new.setdefault(keys[i], len(new)) for i in read})) for uri, read in pages.items()}
    return new, out


def digest(text: str) -> str:
    """What a page source file holds: a digest of the page's text (MkDocs only compares
    the file's modification time with its output's; the text itself is never read back)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() + "\n"
