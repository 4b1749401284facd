"""Read stage: input files -> RawArticle records (issue 2).

Formats:
- `.txt`: one article per file, UTF-8 (a UTF-8 BOM is dropped; a UTF-16 file with a
  BOM is decoded as such). Any other encoding is refused with a clear problem rather
  than guessed: a Latin-1/CP1252 guess "works" on almost any bytes, including junk,
  and would put mojibake into quotes we cite verbatim. Re-save such files as UTF-8.
- `.html`, `.htm`, `.html.gz`: the article body is extracted by trafilatura, which
  honours the page's declared charset; its title/date/sitename/url metadata fill the
  RawArticle fields when present.
- `.jsonl`: one JSON object per line with `text` and optional `id`, `title`, `url`,
  `outlet`, `published`. A bad line is one Problem naming `file:line`; the other
  lines are still read.

Every unreadable input yields exactly one Problem and never stops the batch.
Sizes are capped before anything is parsed (see MAX_* below), so a 50 MB blob is
refused from its size alone and never reaches trafilatura.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from generator.errors import InputError, Problem
from generator.records import RawArticle

SUFFIXES = (".txt", ".html", ".htm", ".html.gz", ".jsonl")

# Long-form news articles run to ~100 KB of text; 2 MB leaves a wide margin while
# refusing dumps that are certainly not one article.
MAX_TEXT_BYTES = 2 * 1024 * 1024
# Saved pages carry scripts and styles, so allow more; trafilatura's cost grows with it.
MAX_HTML_BYTES = 8 * 1024 * 1024
# One JSON Lines record; the file itself may be any size (it is streamed).
MAX_JSONL_LINE_BYTES = 2 * 1024 * 1024
# Share of control characters above which decoded "text" is really binary.
MAX_CONTROL_SHARE = 0.01

JSONL_FIELDS = ("id", "title", "url", "outlet", "published")


def read_inputs(paths: Iterable[Path], root: Path | None = None) -> Iterator[RawArticle | Problem]:
    """Every article in the given files/directories, or a Problem per unreadable one.

    A directory contributes every supported file below it (recursively, sorted, hidden
    files and directories skipped), so the order and thus the ids are deterministic.
    """
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file, root)
        else:
            yield from read_file(path, root)


def _walk(directory: Path) -> list[Path]:
    found = []
    for p in directory.rglob("*"):
        rel = p.relative_to(directory).parts
        if any(part.startswith(".") for part in rel):
            continue
        # a symlinked file is listed so that read_file refuses it with one line
        if _format_of(p) and (p.is_symlink() or p.is_file()):
            found.append(p)
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


def _format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".txt"):
        return "txt"
    if name.endswith((".html", ".htm", ".html.gz")):
        return "html"
    if name.endswith(".jsonl"):
        return "jsonl"
    return None


def display_path(path: Path, root: Path | None) -> str:
    """The path as recorded in `source_file`: relative to root when under it, posix slashes."""
    if root is not None:
        try:
            # the parent resolved, not the file: a symlink is shown where it is, not its target
            return (path.parent.resolve() / path.name).relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def read_file(path: Path, root: Path | None = None) -> Iterator[RawArticle | Problem]:
    """The article(s) of one file; a Problem for each thing that cannot be read."""
    shown = display_path(path, root)
    fmt = _format_of(path)
    try:
        if fmt is None:
            raise InputError(shown, f"unsupported file type (expected one of {', '.join(SUFFIXES)})")
        if path.is_symlink():
            # following it would publish whatever it points at (/etc/hostname, a key, ...)
            raise InputError(shown, "symbolic link, not followed; copy the file into the inputs instead")
        if not path.exists():
            raise InputError(shown, "no such file")
        if fmt == "jsonl":
            yield from _read_jsonl(path, shown)
        elif fmt == "html":
            yield _read_html(path, shown)
        else:
            yield _read_txt(path, shown)
    except InputError as exc:
        yield Problem(exc.source_file, exc.reason, exc.line)
    except OSError as exc:
        yield Problem(shown, f"cannot read file: {exc.strerror or exc}")


# ---------------------------------------------------------------- helpers
def content_hash(raw: RawArticle) -> str:
    """sha256 over every field that affects the output (all but the hash itself)."""
    data = raw.to_dict()
    data.pop("content_hash", None)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _finish(raw: RawArticle) -> RawArticle:
    raw.content_hash = content_hash(raw)
    return raw


def _size_check(path: Path, shown: str, limit: int) -> int:
    size = path.stat().st_size
    if size == 0:
        raise InputError(shown, "empty file")
    if size > limit:
        raise InputError(shown, f"file too large for one article ({_mb(size)} > {_mb(limit)} limit)")
    return size


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def decode_text(data: bytes, shown: str, line: int | None = None) -> str:
    """Bytes -> str: UTF-8 (BOM dropped) or BOM-marked UTF-16; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(shown, "not valid UTF-16 despite its byte-order mark", line) from None
    else:
        if b"\x00" in data:
            raise InputError(shown, "binary data, not text (contains NUL bytes)", line)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                shown, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                       "re-save it as UTF-8", line) from None
    _reject_binary(text, shown, line)
    return text


# Control characters but the whitespace ones (\t \n \v \f \r).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _reject_binary(text: str, shown: str, line: int | None = None) -> None:
    # The regex scan runs in C: this check sees every byte of every input.
    control = len(_CONTROL.findall(text))
    if text and control / len(text) > MAX_CONTROL_SHARE:
        raise InputError(shown, f"binary data, not text ({control} control characters)", line)


# JSON's "\ud800" escapes decode to lone surrogates: not Unicode text, they cannot be
# written as UTF-8 (hashing, the cache and the YAML output would all fail on them).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _reject_surrogates(value: str, key: str, shown: str, line: int | None = None) -> None:
    m = _SURROGATE.search(value)
    if m:
        raise InputError(shown, f"'{key}' holds a lone surrogate (\\u{ord(m.group()):04x} at character "
                                f"{m.start()}), not valid Unicode text", line)


def _require_text(text: str, shown: str, line: int | None = None) -> None:
    if not text.strip():
        raise InputError(shown, "empty file" if line is None else "empty text", line)


# ---------------------------------------------------------------- txt
def _read_txt(path: Path, shown: str) -> RawArticle:
    _size_check(path, shown, MAX_TEXT_BYTES)
    text = decode_text(path.read_bytes(), shown)
    _require_text(text, shown)
    return _finish(RawArticle(source_file=shown, text=text, format="txt"))


# ---------------------------------------------------------------- html
def _read_html(path: Path, shown: str) -> RawArticle:
    size = _size_check(path, shown, MAX_HTML_BYTES)
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = _gunzip(data, shown)
        if not data.strip():
            raise InputError(shown, "empty file")
    elif size and b"\x00" in data[:4096]:
        raise InputError(shown, "binary data, not an HTML page (contains NUL bytes)")
    return _finish(html_to_raw(data, shown))


def _gunzip(data: bytes, shown: str) -> bytes:
    """Decompress with the same cap as a plain page: a small bomb must not blow up."""
    try:
        d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out = d.decompress(data, MAX_HTML_BYTES + 1)
        if len(out) > MAX_HTML_BYTES:
            raise InputError(shown, f"page too large once decompressed (> {_mb(MAX_HTML_BYTES)} limit)")
        if not d.eof:
            raise InputError(shown, "truncated gzip file")
        return out
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(shown, f"not a valid gzip file ({exc})") from None


def html_to_raw(data: bytes | str, shown: str) -> RawArticle:
    """trafilatura's body text and metadata of one page (no cleaning yet)."""
    import trafilatura

    if isinstance(data, bytes) and b"<" not in data[:65536]:
        # no markup at all: trafilatura would return None anyway; say why
        raise InputError(shown, "not an HTML page (no markup found)")
    try:
        # extensive_search would also take any date-looking string of the page as its
        # date: a guess. Only dates the page declares (markup, URL) are kept.
        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                          include_tables=True,
                                          date_extraction_params={"extensive_search": False, "original_date": True})
        doc = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else doc
    except Exception as exc:  # trafilatura/lxml raise many types on broken pages
        raise InputError(shown, f"HTML could not be parsed: {exc!r}") from None
    text = (doc or {}).get("text") or ""
    if not text.strip():
        raise InputError(shown, "no article text found in the page")
    _reject_binary(text, shown)

    def meta(key: str) -> str | None:
        value = (doc or {}).get(key)
        return str(value).strip() or None if value else None

    site = meta("sitename")
    return RawArticle(source_file=shown, text=text, format="html", title=strip_site(meta("title"), site),
                      url=meta("url"), outlet=site, published=meta("date"))


def strip_site(title: str | None, site: str | None) -> str | None:
    """`Best gadgets of 2019 | ZDNet` -> `Best gadgets of 2019` when ZDNet is the site name."""
    if not title or not site:
        return title
    for sep in (" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 "):
        for head, tail in ((title.rsplit(sep, 1) + [""])[:2], (title.split(sep, 1)[::-1] + [""])[:2]):
            if tail and head and tail.strip().lower() == site.strip().lower():
                return head.strip()
    return title


# ---------------------------------------------------------------- jsonl
def _read_jsonl(path: Path, shown: str) -> Iterator[RawArticle | Problem]:
    if path.stat().st_size == 0:
        raise InputError(shown, "empty file")
    any_line = False
    with path.open("rb") as fh:
        number = 0
        while True:
            chunk = fh.readline(MAX_JSONL_LINE_BYTES + 1)
            if not chunk:
                break
            number += 1
            if len(chunk) > MAX_JSONL_LINE_BYTES and not chunk.endswith(b"\n"):
                # skip the rest of an over-long line without holding it in memory
                while True:
                    rest = fh.readline(MAX_JSONL_LINE_BYTES)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield Problem(shown, f"line longer than the {_mb(MAX_JSONL_LINE_BYTES)} limit", number)
                any_line = True
                continue
            if not chunk.strip():
                continue
            any_line = True
            try:
                yield _finish(_jsonl_record(chunk, shown, number))
            except InputError as exc:
                yield Problem(exc.source_file, exc.reason, exc.line)
    if not any_line:
        raise InputError(shown, "empty file")


def _jsonl_record(chunk: bytes, shown: str, number: int) -> RawArticle:
    line = decode_text(chunk, shown, number)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        # the text ran out before the object closed: a cut-off line, not a malformed one
        near_end = exc.pos >= len(line.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        what = "truncated JSON" if near_end else "invalid JSON"
        raise InputError(shown, f"{what}: {exc.msg} (column {exc.colno})", number) from None
    if not isinstance(obj, dict):
        raise InputError(shown, f"expected a JSON object, got {type(obj).__name__}", number)
    text = obj.get("text")
    if text is None:
        raise InputError(shown, "no 'text' field", number)
    if not isinstance(text, str):
        raise InputError(shown, f"'text' must be a string, got {type(text).__name__}", number)
    _require_text(text, shown, number)
    _reject_binary(text, shown, number)
    _reject_surrogates(text, "text", shown, number)
    extra = {}
    for key in JSONL_FIELDS:
        value = obj.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise InputError(shown, f"'{key}' must be a string, got {type(value).__name__}", number)
        if isinstance(value, str):
            _reject_surrogates(value, key, shown, number)
        extra[key] = str(value).strip() or None
    return RawArticle(source_file=shown, text=text, format="jsonl", line=number, **extra)
