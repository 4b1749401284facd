"""The site's search index: Pagefind bundles built in shards, re-indexed incrementally.

Pagefind (the `pagefind[bin]` wheel's binary, run as `python -m pagefind`; never a
download) indexes built HTML into an index the browser fetches in small pieces per query.
One Pagefind run over the whole site holds every page in memory: 5.2 GiB at the full
Reuters archive (29,604 pages), and re-indexing after a re-run that changed ten articles
took as long as the first run. So the index is built in pieces:

- **Shards.** The indexed pages (the story, entity and article pages: the folders in
  `INDEXED`; theme/main.html marks their body `data-pagefind-body`) are split by kind and,
  within a kind, into `ceil(pages / SHARD_PAGES)` buckets by a stable hash of the page's
  path. Each shard is one Pagefind bundle written by its own Pagefind process, one after
  the other, over a folder of hard links to that shard's pages only: the indexer's memory
  is bounded by the shard size, not the site size.
- **Delta.** The state file keeps, for every page, the hash of its HTML, its shard and its
  record's fragment (Pagefind's result id). A later run hashes the pages again (the hash is
  reused when a file's modification time and size did not change) and indexes only the
  pages that differ from the shards, added or changed, into small bundles, the delta (one per kind); the
  shards' records of those pages and of removed pages are listed as superseded. When the
  delta would pass `DELTA_PAGES` (or a tenth of the pages) the shards that hold the changes
  are indexed again instead (and the delta emptied); when a kind outgrows its buckets by
  half, or the index format, settings or Pagefind version changed, everything is indexed again.
- **Smaller index chunks.** Pagefind cuts a bundle's word index into chunks of about 20,000
  word positions and a query fetches one whole chunk per word and bundle (about 30 KB
  gzipped each): at the full archive most of a query's download. Each written bundle's
  chunks are cut again into chunks of about `CHUNK_UNITS` positions (`rechunk_index`); the
  postings are unchanged, only which file holds which words, and the bundle's metadata
  (which lists the chunks' word ranges) grows a little; the fragments and chunks get short
  sequential names, which the metadata, loaded whole by every query, lists.
- **Browser.** `pagefind/shards.json` lists the bundles, the kind of page each holds and the
  superseded records; the search box imports the first bundle's pagefind.js, merges the
  others (Pagefind's `mergeIndex`: merged bundles share the first one's WebAssembly and
  load only their own metadata and the index chunks of the query's words), gives each
  bundle its kind as a filter of its own (`mergeFilter`: unlike the pages' `kind` filter, it
  needs no filter chunk) and drops superseded results.

Hidden records are never rendered, so never indexed. A new set of bundles gets new folder
names (a generation number) and shards.json is replaced last, so a reader never sees a
half-written index.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# site folder -> the kind its pages are filtered by (theme/main.html's data-pagefind-filter)
INDEXED = {"stories": "story", "entities": "entity", "articles": "article"}
BUNDLE = "pagefind"                # site_dir/pagefind/: the bundles, shards.json, state.json
SHARD_PAGES = 5000                 # pages per shard at most when the shards are made
DELTA_PAGES = 1000                 # pages the delta may hold before the shards are re-indexed
FORMAT = 3                         # of state.json and the layout; a change re-indexes everything
# Word positions per index chunk after `rechunk_index` (Pagefind's own: 20,000). Chosen on the
# full Reuters archive's site (29,584 pages, 7 bundles, bench.site_scale's 10 queries): per
# query median / max 634 / 1,031 KB with Pagefind's chunks, 525 / 746 KB at 4,000; smaller
# chunks (2,500: 524 / 706 KB with shortened ranges) save little more, as the metadata every
# query loads grows with the number of chunks.
CHUNK_UNITS = 4000
PAGEFIND_FORMAT = "1.5.2"          # the index format rechunk_index reads and writes
BODY_MARK = b"data-pagefind-body"
# Pagefind writes these UI files into every bundle; the digest's search box uses its JS API only.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


_BODY_START = re.compile(rb"<div data-pagefind-body>")
_DIV = re.compile(rb"<div\b|</div>")
_LANG = re.compile(rb"<html[^>]*?\slang=\"([^\"]*)\"")
_ID = re.compile(rb"(<[A-Za-z][^<>]*?)\sid=\"[^\"]*\"")


def indexed_html(data: bytes) -> bytes:
    """What Pagefind reads of a page: its language and its search body, element ids removed.

    Pagefind keeps every element id inside the body as an anchor (a sub-result link) with
    its text position: an article page cites each passage by an id, so anchors were most of
    an article's record, and the indexer's memory. The search box shows whole pages (title,
    date, outlets, excerpt), never sub-results, so readers lose nothing. The page's header,
    navigation and scripts are left out too (Pagefind ignored them already, but parsed them).
    A page without the mark is passed whole."""
    start = _BODY_START.search(data)
    if not start:
        return data
    depth, end = 0, None
    for m in _DIV.finditer(data, start.start()):
        depth += 1 if m.group() != b"</div>" else -1
        if depth == 0:
            end = m.end()
            break
    if end is None:
        return data
    lang = _LANG.search(data[:start.start()])
    head = b'<!doctype html><html lang="' + (lang.group(1) if lang else b"en") + b'"><head><meta charset="utf-8"></head><body>'
    return head + _ID.sub(rb"\1", data[start.start():end]) + b"</body></html>"


class SearchIndexError(RuntimeError):
    pass


@dataclass
class IndexReport:
    mode: str                               # "full", "shards", "delta" or "unchanged"
    pages: int = 0                          # pages in the index
    indexed: int = 0                        # pages Pagefind read in this run
    bundles: list[str] = field(default_factory=list)   # bundles (re)written in this run


def pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind_bin")
    except Exception:   # noqa: BLE001 - no metadata: the state is simply not reused across versions
        return "unknown"


def page_url(rel: str) -> str:
    """The URL Pagefind gives a page at `rel` (a path under site_dir)."""
    url = "/" + rel
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def _bucket(rel: str, buckets: int) -> int:
    return zlib.crc32(rel.encode("utf-8")) % buckets


def _shard_name(kind: str, bucket: int) -> str:
    return f"{kind}-{bucket}"


def bundle_kind(name: str) -> str:
    """The kind of page a bundle holds, by its name: "story-0-g3" (a shard), "delta-story-g4"."""
    parts = name.split("-")
    return parts[1] if parts[0] == "delta" else parts[0]


def list_pages(site_dir: Path) -> dict[str, str]:
    """Indexable pages: path under site_dir -> kind. A folder's own index.html is its list
    page, not a record's page, and is never indexed."""
    out = {}
    for folder, kind in INDEXED.items():
        root = site_dir / folder
        if not root.is_dir():
            continue
        for p in root.rglob("*.html"):
            rel = p.relative_to(site_dir).as_posix()
            if rel != f"{folder}/index.html":
                out[rel] = kind
    return out


def hash_pages(site_dir: Path, pages: dict[str, str], known: dict[str, list]) -> dict[str, list]:
    """path -> [mtime_ns, size, sha1 of the HTML] of the pages that carry the search body
    mark; a hash is reused when the file's modification time and size are those recorded."""
    out = {}
    for rel in pages:
        p = site_dir / rel
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        old = known.get(rel)
        if old and old[0] == st.st_mtime_ns and old[1] == st.st_size:
            out[rel] = old
            continue
        data = p.read_bytes()
        if BODY_MARK not in data:
            continue
        out[rel] = [st.st_mtime_ns, st.st_size, hashlib.sha1(data).hexdigest()]
    return out


def fragments_by_url(bundle: Path) -> dict[str, str]:
    """url -> fragment name (Pagefind's result id) of a written bundle."""
    out = {}
    for frag in (bundle / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(frag.read_bytes())
        record = json.loads(raw[len(b"pagefind_dcd"):])
        out[record["url"]] = frag.stem
    return out


Runner = Callable[[list[str]], None]


def run_pagefind(cmd: list[str], *, low_priority: bool = False) -> subprocess.Popen:
    low = (lambda: os.nice(10)) if low_priority and hasattr(os, "nice") else None
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=low)


class SiteIndex:
    """Builds and updates site_dir/pagefind/. `low_priority`: Pagefind runs niced (preview).
    `stop`: a callable checked between bundles (the preview server stopping)."""

    def __init__(self, site_dir: Path, *, low_priority: bool = False, shard_pages: int = SHARD_PAGES,
                 delta_pages: int = DELTA_PAGES, chunk_units: int | None = CHUNK_UNITS,
                 stop: Callable[[], bool] | None = None) -> None:
        self.site = Path(site_dir)
        self.out = self.site / BUNDLE
        self.low = low_priority
        self.shard_pages = shard_pages
        self.delta_pages = delta_pages
        self.chunk_units = chunk_units
        self.stop = stop or (lambda: False)
        self.proc: subprocess.Popen | None = None

    # ------------------------------------------------------------------ state
    def _settings(self) -> dict:
        return {"format": FORMAT, "pagefind": pagefind_version(), "shard_pages": self.shard_pages,
                "chunk_units": self.chunk_units}

    def _load_state(self) -> dict | None:
        try:
            state = json.loads((self.out / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if state.get("settings") != self._settings():
            return None
        if not all((self.out / b).is_dir() for b in state.get("bundles", [])):
            return None
        return state

    # ------------------------------------------------------------------ main
    def update(self) -> IndexReport:
        pages = list_pages(self.site)
        state = self._load_state()
        known = state["hashes"] if state else {}
        hashes = hash_pages(self.site, pages, known)
        kinds = {rel: pages[rel] for rel in hashes}
        if state is None or self._outgrown(state, kinds):
            return self._full(hashes, kinds)
        base = state["base"]          # path -> [shard, sha1, fragment]
        changed = {rel for rel, h in hashes.items() if rel not in base or base[rel][1] != h[2]}
        removed = set(base) - set(hashes)
        delta_now = state.get("delta_pages", {})
        wanted = {rel: hashes[rel][2] for rel in changed}
        if wanted == delta_now and removed == set(state.get("removed", [])):
            state["hashes"] = hashes
            self._write_state(state)
            return IndexReport("unchanged", pages=len(hashes))
        limit = max(self.delta_pages, len(base) // 10)
        if len(changed) + len(removed) > limit:
            return self._reshard(state, hashes, kinds, changed, removed)
        return self._delta(state, hashes, kinds, changed, removed)

    def _outgrown(self, state: dict, kinds: dict[str, str]) -> bool:
        counts: dict[str, int] = {}
        for kind in kinds.values():
            counts[kind] = counts.get(kind, 0) + 1
        buckets = state["buckets"]
        return any(n > 1.5 * self.shard_pages * buckets.get(kind, 0) for kind, n in counts.items())

    # ------------------------------------------------------------------ modes
    def _full(self, hashes: dict, kinds: dict) -> IndexReport:
        counts: dict[str, int] = {}
        for kind in kinds.values():
            counts[kind] = counts.get(kind, 0) + 1
        buckets = {kind: max(1, math.ceil(n / self.shard_pages)) for kind, n in counts.items()}
        state = {"settings": self._settings(), "generation": self._next_generation(), "buckets": buckets,
                 "bundles": [], "shards": {}, "base": {}, "hashes": hashes}
        groups = self._group(hashes, kinds, buckets)
        self.out.mkdir(parents=True, exist_ok=True)
        written = []
        for shard in sorted(groups):
            written.append(self._write_shard(state, shard, groups[shard], hashes))
        state["bundles"] = written
        self._publish(state, superseded=[])
        return IndexReport("full", pages=len(hashes), indexed=len(hashes), bundles=written)

    def _reshard(self, state: dict, hashes: dict, kinds: dict, changed: set, removed: set) -> IndexReport:
        """Index again the shards that hold a change; the others are kept as they are."""
        state["generation"] = self._next_generation(state)
        groups = self._group(hashes, kinds, state["buckets"])
        touched = {_shard_name(kinds[rel], _bucket(rel, state["buckets"][kinds[rel]])) for rel in changed}
        touched |= {state["base"][rel][0] for rel in removed}
        base = {rel: v for rel, v in state["base"].items() if v[0] not in touched}
        state["base"] = base
        written, indexed = [], 0
        for shard in sorted(groups.keys() | touched):
            if shard in touched:
                if groups.get(shard):
                    written.append(self._write_shard(state, shard, groups[shard], hashes))
                    indexed += len(groups[shard])
                else:
                    state["shards"].pop(shard, None)
        state["bundles"] = sorted(state["shards"].values())
        state.pop("delta", None)
        state["delta_pages"], state["removed"] = {}, []
        state["hashes"] = hashes
        self._publish(state, superseded=[])
        return IndexReport("shards", pages=len(hashes), indexed=indexed, bundles=written)

    def _delta(self, state: dict, hashes: dict, kinds: dict, changed: set, removed: set) -> IndexReport:
        """The changed pages in one small bundle per kind (each bundle holds one kind, which the
        search box gives it as a filter of its own: no filter chunk to fetch)."""
        state["generation"] = self._next_generation(state)
        base = state["base"]
        shards = sorted(state["shards"].values())
        by_kind: dict[str, list[str]] = {}
        for rel in sorted(changed):
            by_kind.setdefault(kinds[rel], []).append(rel)
        deltas = []
        for kind in sorted(by_kind):
            if self.stop():
                raise SearchIndexError("stopped")
            name = f"delta-{kind}-g{state['generation']}"
            self._pagefind(by_kind[kind], self.out / name)
            deltas.append(name)
        state.pop("delta", None)
        state["bundles"] = shards + deltas
        state["delta_pages"] = {rel: hashes[rel][2] for rel in changed}
        state["removed"] = sorted(removed)
        state["hashes"] = hashes
        superseded = sorted({base[rel][2] for rel in changed | removed if rel in base})
        self._publish(state, superseded=superseded)
        return IndexReport("delta", pages=len(hashes), indexed=len(changed), bundles=deltas)

    # ------------------------------------------------------------------ helpers
    def _next_generation(self, state: dict | None = None) -> int:
        if state is not None:
            return int(state.get("generation", 0)) + 1
        old = self._load_any_state()
        return int(old.get("generation", 0)) + 1 if old else 1

    def _load_any_state(self) -> dict | None:
        try:
            return json.loads((self.out / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @staticmethod
    def _group(hashes: dict, kinds: dict, buckets: dict) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for rel in sorted(hashes):
            kind = kinds[rel]
            groups.setdefault(_shard_name(kind, _bucket(rel, buckets[kind])), []).append(rel)
        return groups

    def _write_shard(self, state: dict, shard: str, rels: list[str], hashes: dict) -> str:
        if self.stop():
            raise SearchIndexError("stopped")
        name = f"{shard}-g{state['generation']}"
        self._pagefind(rels, self.out / name)
        frags = fragments_by_url(self.out / name)
        for rel in rels:
            state["base"][rel] = [shard, hashes[rel][2], frags.get(page_url(rel), "")]
        state["shards"][shard] = name
        return name

    def _pagefind(self, rels: list[str], dest: Path) -> None:
        """One Pagefind process over exactly these pages: a folder of their searchable parts
        (`indexed_html`; their paths kept, so their URLs are those of the site) is its --site."""
        work = self.out / f".work-{dest.name}"
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(dest, ignore_errors=True)
        for rel in rels:
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(indexed_html((self.site / rel).read_bytes()))
        cmd = [sys.executable, "-m", "pagefind", "--site", str(work), "--output-path", str(dest), "--silent"]
        try:
            self.proc = run_pagefind(cmd, low_priority=self.low)
            _, err = self.proc.communicate()
            code = self.proc.returncode
        finally:
            self.proc = None
            shutil.rmtree(work, ignore_errors=True)
        if code != 0:
            tail = " ".join((err or "").strip().splitlines()[-3:])
            raise SearchIndexError(f"search indexing (pagefind) failed with exit code {code}: {tail}")
        for name in UNUSED:
            try:
                (dest / name).unlink()
            except FileNotFoundError:
                pass
        if self.chunk_units:
            rechunk_index(dest, self.chunk_units, tag=bundle_tag(dest.name))

    def _publish(self, state: dict, superseded: list[str]) -> None:
        """shards.json (what the browser reads) and state.json replaced whole, then the
        bundles no longer listed removed."""
        public = {"format": FORMAT, "bundles": state["bundles"], "superseded": superseded,
                  "kinds": {b: bundle_kind(b) for b in state["bundles"]}}
        _write_atomic(self.out / "shards.json", json.dumps(public, separators=(",", ":")))
        _write_atomic(self.out / "state.json", json.dumps(state, separators=(",", ":")))
        keep = set(state["bundles"]) | {"shards.json", "state.json"}
        for p in self.out.iterdir():
            if p.name not in keep and not p.name.startswith(".work-"):
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink()

    def _write_state(self, state: dict) -> None:
        _write_atomic(self.out / "state.json", json.dumps(state, separators=(",", ":")))

    def terminate(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()


# ---------------------------------------------------------------------------- index chunks
# Pagefind's files are gzip of b"pagefind_dcd" + CBOR. The index chunk and the metadata use
# unsigned and negative integers, text strings and definite-length arrays only (Rust structs
# encoded as arrays); anything else is refused rather than guessed.
_MAGIC = b"pagefind_dcd"


def _cbor_decode(b: bytes, i: int = 0) -> tuple[object, int]:
    head = b[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        n = info
    elif info <= 27:
        size = 1 << (info - 24)
        n = int.from_bytes(b[i:i + size], "big")
        i += size
    else:
        raise SearchIndexError(f"unexpected CBOR item {head:#x} in a Pagefind file")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 3:
        return b[i:i + n].decode("utf-8"), i + n
    if major == 4:
        out = []
        for _ in range(n):
            item, i = _cbor_decode(b, i)
            out.append(item)
        return out, i
    raise SearchIndexError(f"unexpected CBOR item {head:#x} in a Pagefind file")


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise SearchIndexError("integer too large for CBOR")


def _cbor_encode(x: object, out: bytearray) -> None:
    if isinstance(x, int):
        out += _cbor_head(0, x) if x >= 0 else _cbor_head(1, -1 - x)
    elif isinstance(x, str):
        raw = x.encode("utf-8")
        out += _cbor_head(3, len(raw)) + raw
    elif isinstance(x, list):
        out += _cbor_head(4, len(x))
        for item in x:
            _cbor_encode(item, out)
    else:
        raise SearchIndexError(f"cannot encode {type(x).__name__}")


def read_pagefind_file(path: Path) -> object:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MAGIC):
        raise SearchIndexError(f"{path}: not a Pagefind file")
    value, end = _cbor_decode(raw, len(_MAGIC))
    if end != len(raw):
        raise SearchIndexError(f"{path}: trailing bytes")
    return value


def _pagefind_bytes(value: object) -> bytes:
    out = bytearray(_MAGIC)
    _cbor_encode(value, out)
    return gzip.compress(bytes(out), 9, mtime=0)


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix((a, b)))


def _skip(b: bytes, i: int) -> int:
    """The offset after the CBOR item at `i` (as `_cbor_decode` reads them), without building it:
    an index chunk holds millions of word positions. (The item head is read inline here and in
    `_array_len`, not through a shared function: a call per item made `index_words` a third slower.)"""
    pending = 1
    while pending:
        pending -= 1
        head = b[i]
        major, info = head >> 5, head & 31
        if info < 24:
            n = info
            i += 1
        elif info <= 27:
            size = 1 << (info - 24)
            n = int.from_bytes(b[i + 1:i + 1 + size], "big")
            i += 1 + size
        else:
            raise SearchIndexError(f"unexpected CBOR item {head:#x} in a Pagefind file")
        if major == 3:
            i += n
        elif major == 4:
            pending += n
        elif major > 1:
            raise SearchIndexError(f"unexpected CBOR item {head:#x} in a Pagefind file")
    return i


# bytes taken by a CBOR integer (major type 0 or 1) by its head byte; 0: not an integer
_INT_SIZE = bytes((1 if h & 31 < 24 else {24: 2, 25: 3, 26: 5, 27: 9}.get(h & 31, 0)) if h >> 5 < 2 else 0
                  for h in range(256))


def _array_len(b: bytes, i: int) -> tuple[int, int]:
    head = b[i]
    if head >> 5 != 4 or head & 31 > 27:
        raise SearchIndexError(f"expected a CBOR array in a Pagefind index chunk, found {head:#x}")
    info = head & 31
    if info < 24:
        return info, i + 1
    size = 1 << (info - 24)
    return int.from_bytes(b[i + 1:i + 1 + size], "big"), i + 1 + size


def index_words(raw: bytes) -> list[tuple[str, int, bytes]]:
    """The words of an index chunk (the CBOR after the magic): (word, positions as Pagefind
    counts them: each page's positions + 1, the word's encoded entry), in order.
    A word entry is [word, [[page, [position, ...], ...], ...], ...]."""
    if not raw.startswith(_MAGIC):
        raise SearchIndexError("not a Pagefind index chunk")
    out = []
    count, i = _array_len(raw, len(_MAGIC))
    if count != 1:
        raise SearchIndexError("unexpected Pagefind index chunk layout")
    words, i = _array_len(raw, i)
    for _ in range(words):
        start = i
        fields, i = _array_len(raw, i)
        word, j = _cbor_decode(raw, i)
        if not isinstance(word, str) or fields < 2:
            raise SearchIndexError("unexpected Pagefind index chunk layout")
        pages, j = _array_len(raw, j)
        units = 0
        for _ in range(pages):
            page_fields, j = _array_len(raw, j)
            if page_fields < 2:
                raise SearchIndexError("unexpected Pagefind index chunk layout")
            j = _skip(raw, j)                          # page number
            positions, j = _array_len(raw, j)
            units += positions + 1
            for _ in range(positions):                # integers: their size from the head byte
                step = _INT_SIZE[raw[j]]
                if not step:
                    raise SearchIndexError("unexpected word position in a Pagefind index chunk")
                j += step
            for _ in range(page_fields - 2):
                j = _skip(raw, j)
        for _ in range(fields - 2):
            j = _skip(raw, j)
        out.append((word, units, raw[start:j]))
        i = j
    if i != len(raw):
        raise SearchIndexError("trailing bytes in a Pagefind index chunk")
    return out


def split_words(words: list[tuple[str, int, bytes]], units: int) -> list[list]:
    """Pagefind's words (sorted; see `index_words`) cut into chunks of about `units` positions.

    The browser loads one chunk per query word: the one whose range holds it, so the words
    it is a prefix of (a query "oil" also finds "oilseed") count only when they are in that
    chunk too. A cut therefore falls where the next word shares at most a 2-letter prefix
    with the last one ("oil" | "oilseed" no, "ohio" | "oil" yes), a longer prefix allowed
    only as the chunk grows past 2, 3, ... times `units`, so a large family of words
    ("pric", "price", "prices", "pricing") is not forced into one huge chunk."""
    chunks, current, size = [], [], 0
    for i, word in enumerate(words):
        size += word[1]
        current.append(word)
        if size >= units:
            following = words[i + 1][0] if i + 1 < len(words) else ""
            if _common_prefix(word[0], following) <= 1 + size // units:
                chunks.append(current)
                current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _ranges(chunks: list[list]) -> list[list[str]]:
    """[from, to] of each chunk, as the browser looks a query word up: the first chunk with
    from <= word <= to. `to` is the chunk's last word, whole; `from` the first word cut to the
    shortest prefix that sorts after the previous chunk's last word ("copper" | "falcon":
    from "f"), so a query word between two chunks ("fal") goes to the chunk whose words it
    begins. (Pagefind's indexer also cuts `to` short, "c": then "cat", in the chunk, sorts
    after "c" and is found in no chunk, unless no word of the query is.)"""
    ranges = [[c[0][0], c[-1][0]] for c in chunks]   # (word, ...) tuples: their words
    for left, right in zip(ranges, ranges[1:]):
        right[0] = right[0][: _common_prefix(left[1], right[0]) + 1]
    return ranges


def bundle_tag(name: str) -> str:
    """A short tag unique among the live bundles, for their fragment names: "story-1-g4" -> "s1"
    (one bundle per shard), "delta-story-g6" -> "d6s" (the delta of generation 6)."""
    parts = name.split("-")
    if parts[0] == "delta":
        return f"d{parts[-1].lstrip('g')}{parts[1][0]}"
    return f"{parts[0][0]}{parts[1]}"


def rechunk_index(bundle: Path, units: int = CHUNK_UNITS, tag: str | None = None) -> None:
    """Cut the word index of a written Pagefind bundle into smaller chunks (see the module's
    docstring): the chunk files are replaced, the metadata rewritten under a new name and
    pagefind-entry.json pointed at it. Postings, fragments and filters are left as they are.

    The metadata, which every query loads whole, names each page's fragment and each chunk
    by a 7-digit hash that does not compress (about 30% of it). With `tag` (unique among the
    bundles a search merges: the fragment names are the result ids the search box compares
    with the superseded ones) the fragments are renamed `en_<tag>_<n>` and the chunks
    `en_<n>`, n counting up in hexadecimal; a bundle is written once under a folder name of its
    own, so the names need not follow the content for browser caches."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    if entry.get("version") != PAGEFIND_FORMAT:
        raise SearchIndexError(f"{bundle}: Pagefind {entry.get('version')}'s index format is not known "
                               f"(rechunking reads {PAGEFIND_FORMAT}'s)")
    for info in entry["languages"].values():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pagefind_file(meta_path)
        old = meta[2]                                    # [[from, to, hash], ...]
        words = []
        for _, _, name in old:
            words += index_words(gzip.decompress((bundle / "index" / f"{name}.pf_index").read_bytes()))
        chunks = split_words(words, units)
        prefix = info["hash"].split("_")[0]
        ranges = _ranges(chunks)
        written = set()
        for i, (chunk, rng) in enumerate(zip(chunks, ranges)):
            data = gzip.compress(_MAGIC + _cbor_head(4, 1) + _cbor_head(4, len(chunk))
                                 + b"".join(w[2] for w in chunk), 9, mtime=0)
            if tag is not None:
                name = f"{prefix}_{i:x}"
            else:
                digest = hashlib.sha1(data).hexdigest()
                name, n = f"{prefix}_{digest[:7]}", 7
                while name in written:
                    n += 1
                    name = f"{prefix}_{digest[:n]}"
            written.add(name)
            (bundle / "index" / f"{name}.pf_index").write_bytes(data)
            rng.append(name)
        for _, _, name in old:
            if name not in written:
                (bundle / "index" / f"{name}.pf_index").unlink()
        meta[2] = ranges
        if tag is not None:
            renamed: dict[str, str] = {}                 # identical pages share one fragment
            for page in meta[1]:                         # [[fragment, word count], ...] in page order
                if page[0] not in renamed:
                    renamed[page[0]] = f"{prefix}_{tag}_{len(renamed):x}"
                    os.replace(bundle / "fragment" / f"{page[0]}.pf_fragment",
                               bundle / "fragment" / f"{renamed[page[0]]}.pf_fragment.new")
                page[0] = renamed[page[0]]
            for new in renamed.values():
                os.replace(bundle / "fragment" / f"{new}.pf_fragment.new", bundle / "fragment" / f"{new}.pf_fragment")
        data = _pagefind_bytes(meta)
        new_hash = f"{prefix}_{hashlib.sha1(data).hexdigest()[:10]}"
        (bundle / f"pagefind.{new_hash}.pf_meta").write_bytes(data)
        if new_hash != info["hash"]:
            meta_path.unlink()
        info["hash"] = new_hash
    entry_path.write_text(json.dumps(entry, separators=(",", ":")), encoding="utf-8")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def index_site(site_dir: Path, **kw) -> IndexReport:
    """Build or update site_dir/pagefind/ (see the module's docstring)."""
    return SiteIndex(site_dir, **kw).update()


def read_records(site_dir: Path) -> list[dict]:
    """Every live record of the index (each bundle's fragments, superseded ones left out):
    what a search can return. Each fragment is gzip of b"pagefind_dcd" + JSON."""
    out_dir = Path(site_dir) / BUNDLE
    public = json.loads((out_dir / "shards.json").read_text(encoding="utf-8"))
    superseded = set(public["superseded"])
    out = []
    for bundle in public["bundles"]:
        for frag in sorted((out_dir / bundle / "fragment").glob("*.pf_fragment")):
            if frag.stem in superseded:
                continue
            raw = gzip.decompress(frag.read_bytes())
            if not raw.startswith(b"pagefind_dcd"):
                raise SearchIndexError(f"{frag}: not a Pagefind fragment")
            out.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return out
