"""What one `mkdocs build` leaves for the next `mkdocs build --dirty`, with no MkDocs import.

A site build reads every card and renders every page. After a generator re-run that
changed a few records, most pages would come out byte for byte the same: the next dirty
build only has to know which ones cannot. The state kept on disk (a pickle in the page
sources folder, `.cache/site-pages/`) holds:

- the cards read (generator.site.load's CardCache: each file's modification time and size
  with its record), so only the card files changed since are parsed and checked again;
- for every page, what it read of the records and of the cross-reference index
  (pages._Tracked: (name, key) -> value), so a page none of whose reads changed is
  neither gathered nor rendered: its page source is left as it is and MkDocs' dirty build
  skips it;
- the pages of the build (src_uri -> output file), so a page whose record is gone is removed.

It is valid only for the same code (the site package, the records and the card loader),
templates, site settings, URL style, content folder and site_dir (`key`); anything else
loads as no state and the build renders every page. It is deleted when a build starts and
written when it ends, so an interrupted build, or one that does not write it (`mkdocs
serve`), leaves none behind.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

STATE_FILE = ".digest-build-state.pickle"   # ids start with a letter or digit: no page source has this name
PACKAGE = Path(__file__).resolve().parents[1]
# The code a page's HTML depends on (beyond the templates, stamped by the caller).
CODE = ("site", "records.py", "ids.py", "content", "config.py")


@dataclass
class BuildState:
    key: tuple
    cards: dict = field(default_factory=dict)     # load.CardCache
    reads: dict = field(default_factory=dict)     # src_uri -> {(name, key): value}
    dests: dict = field(default_factory=dict)     # src_uri -> output file


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


def load(pages_dir: Path, key: tuple) -> BuildState | None:
    """The state the last build left, when it was made with the same `key`; else None."""
    path = path_in(pages_dir)
    import gc

    try:
        # the state is millions of small objects, none of them garbage: collections run
        # while it loads would only scan it again and again
        gc.disable()
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:   # a truncated or foreign file: the build renders every page
        print(f"{path}: ignored ({type(exc).__name__}: {exc})", file=sys.stderr)
        return None
    finally:
        gc.enable()
    if not isinstance(state, BuildState) or state.key != key:
        return None
    return state


def save(pages_dir: Path, state: BuildState) -> None:
    """Written beside, then renamed: a reader never sees half a file."""
    path = path_in(pages_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def digest(text: str) -> str:
    """What a page source file holds: a digest of the page's text (MkDocs only compares
    the file's modification time with its output's; the text itself is never read back)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() + "\n"
