"""Clean + describe stage: RawArticle -> Article (issue 2).

Each article is cleaned (generator/clean.py) and its metadata read from its lines.
This runs twice over the batch: the first pass learns each article's outlet, so the
second can drop lines recurring across many articles of one source (the input's
outlet or site, else the detected outlet, else the input folder/file). Metadata:

- headline: the input's title, else the first headline-shaped line near the top;
  it is taken out of `text` and recorded as removed with reason `headline`.
- outlet: the input's field; else a dateline credit (`CITY (Agency)-`,
  `City, Dec 27 (Agency)`, `(Agency) -`); else the site's own short links among the
  furniture (`p.example-news.com/p/...` -> `example-news`); else the url's host. A lower-case slug.
  Wire sign-offs like `(AFP, dpa, Reuters)` are `credits`, never the outlet.
- published: the input's field; else a "Publish Date"/"Published" line; else a
  stand-alone date line; else the dateline's date, whose year (when missing) comes
  from a full date within weeks of it in the article, else in the batch's other
  articles' publication dates; else an "Updated"
  line. Everything not stated as the publication date is `published_inferred: true`.
- dateline (place), byline ("By X"), credits (wire services of a sign-off).

Unknown stays None: no field is filled with a guess that is not marked as one.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from generator.ingest import clean
from generator.nlp.datelines import dateline_match
from generator.config import CleanSettings
from generator.errors import InputError, Problem
from generator.ids import safe_id, slugify, unique_ids
from generator.records import Article, RawArticle, Removed

log = logging.getLogger(__name__)

ID_MAX = 60
# How far from the top the headline and stand-alone dates are looked for (non-blank lines).
HEAD_LINES = 8
TOP_LINES = 15

MONTHS = {m: i for i, names in enumerate([
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")], 1) for m in names}
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-zA-Z]*\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*({_MONTH})(?:,?\s*(\d{{4}}))?\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

_SIGN_OFF = re.compile(r"\(([^()]+)\)\W*$")
# Hosts that show up as links in any article (sharing, video, short links): never the outlet.
SHARED_HOSTS = {"twitter", "t", "x", "facebook", "fb", "youtube", "youtu", "instagram", "linkedin",
                "reddit", "pinterest", "whatsapp", "wa", "telegram", "bit", "goo", "ow", "tinyurl",
                "google", "apple", "amazon", "wikipedia", "archive", "flickr", "tiktok", "vk"}


@dataclass
class Meta:
    """What describe learns about one article before ids are assigned."""

    headline: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_inferred: bool = False
    dateline: str | None = None
    byline: str | None = None
    credits: list[str] = field(default_factory=list)
    pending_date: tuple[int, int] | None = None   # (month, day) of a dateline date without year
    own_dates: list[date] = field(default_factory=list)  # full dates written in the article itself


def prepare_articles(raws: Iterable[RawArticle], settings: CleanSettings | None = None) -> Iterator[Article | Problem]:
    """Clean and describe every article (a Problem for one that fails), in this
    process and without a cache: `prepare_batched` with a plain map."""
    raws = list(raws)

    def run(fn: Callable[[list], list], items: list, keys: list, kind) -> list:
        return fn(items)

    yield from prepare_batched(raws, [None] * len(raws), settings or CleanSettings(), run)


# (batch function, items, item keys, type of a valid result) -> results in item order.
# The build passes one that takes what it can from its cache (an entry not of the
# given type is a miss) and runs the rest on its executor.
MapCached = Callable[[Callable[[list], list], list, list, Any], list]


def prepare_batched(raws: list[RawArticle], hashes: list, settings: CleanSettings,
                    map_cached: MapCached) -> Iterator[Article | Problem]:
    """Clean and describe every article (a Problem for one that fails).

    Two passes, each a batch function over single articles run through `map_cached`:
    pass 1 (`survey_batch`) finds each article's furniture group (a folder of scrapes
    mixes outlets) and its line keys; one streaming count finds the lines recurring
    in each group; pass 2 (`describe_batch`) re-cleans only the articles holding such
    a line. `hashes` are the raw articles' content hashes: an item's key is
    (pass, hash, extra) with the recurring lines found in the article as pass 2's
    extra, so new articles re-clean an old one only when they change what recurs in it.
    """
    cfg = clean.check_settings(settings)
    surveys = map_cached(survey_batch, [(r, cfg) for r in raws], [("v", h) for h in hashes], Survey)
    counter = RecurringCounter(cfg)
    for sv in surveys:
        counter.add(sv)
    recurring = counter.result()
    done: list = [None] * len(raws)
    todo, todo_keys, where = [], [], []
    for n, (raw, h, sv) in enumerate(zip(raws, hashes, surveys)):
        rec = sv.recurring_in(recurring)
        if sv.first is not None and not rec:
            done[n] = sv.first
        else:
            todo.append((raw, cfg, rec))
            todo_keys.append(("d", h, sorted(rec)))
            where.append(n)
    del surveys, counter  # one per article: not kept while pass 2 runs
    for n, result in zip(where, map_cached(describe_batch, todo, todo_keys, (tuple, Problem))):
        done[n] = result
    yield from finish(raws, done)


def survey_batch(items: Sequence[tuple]) -> list:
    """(raw, clean settings) -> Survey per article (pass 1), for an executor."""
    out = []
    for raw, cfg in items:
        try:
            out.append(survey(raw, cfg))
        except Exception:  # cleaning will report it again in pass 2
            log.debug("survey failed for %s", raw.source_file, exc_info=True)
            out.append(Survey(source_group(raw), frozenset(), frozenset(),
                              describe_safely(raw, cfg, frozenset())))
    return out


def describe_batch(items: Sequence[tuple]) -> list:
    """(raw, clean settings, recurring lines) -> (Meta, text, removed) or Problem
    per article (pass 2), for an executor."""
    return [describe_safely(raw, cfg, rec) for raw, cfg, rec in items]


@dataclass
class Survey:
    """What one article contributes to, and needs from, its group's recurring lines."""

    group: str
    counted: frozenset[str]      # keys of its short lines (what recurring_lines counts)
    candidates: frozenset[str]   # every key cleaning may look up for it
    # The article described without recurring lines, when finding its group needed it
    # (reused as is when none of its lines recurs).
    first: object = None

    def recurring_in(self, recurring: dict[str, set[str]]) -> frozenset[str]:
        """The recurring lines of its group that occur in this article: cleaning it
        gives the same result with these as with the whole set."""
        rec = recurring.get(self.group)
        return frozenset(k for k in self.candidates if k in rec) if rec else frozenset()


def survey(raw: RawArticle, cfg: CleanSettings) -> Survey:
    """Pass 1 for one article: its group and its line keys."""
    first = None
    if raw.outlet:
        group = source_group(raw)
    else:
        first = describe_safely(raw, cfg, frozenset())
        group = group_of(raw, first if isinstance(first, Problem) else (raw, *first))
    counted, candidates = set(), set()
    for line in clean.unwrap(raw.text):
        if not line:
            continue
        k = clean.key(line)
        candidates.add(k)
        if len(line.split()) <= cfg.recurring_max_words:
            counted.add(k)
        parts = clean.split_glued(line)
        if len(parts) > 1:
            candidates.update(clean.key(part) for part in parts)
    return Survey(group, frozenset(counted), frozenset(candidates), first)


class RecurringCounter:
    """`clean.recurring_lines` in one streaming pass: counts per group, no texts kept."""

    def __init__(self, cfg: CleanSettings):
        self.cfg = cfg
        self.counts: dict[str, Counter] = {}
        self.sizes: Counter = Counter()

    def add(self, s: Survey) -> None:
        self.sizes[s.group] += 1
        self.counts.setdefault(s.group, Counter()).update(s.counted)

    def result(self) -> dict[str, set[str]]:
        cfg, out = self.cfg, {}
        for name, counts in self.counts.items():
            size = self.sizes[name]
            if size < cfg.recurring_min_articles:
                out[name] = set()
                continue
            need_share = cfg.recurring_min_share * size
            out[name] = {k for k, n in counts.items() if n >= cfg.recurring_min_articles and n >= need_share}
        return out


def describe_safely(raw: RawArticle, cfg: CleanSettings, recurring) -> tuple | Problem:
    """(Meta, cleaned text, removed lines) of one article, or the Problem it raised."""
    try:
        return describe_one(raw, cfg, set(recurring))[1:]
    except InputError as exc:
        return Problem(exc.source_file, exc.reason, exc.line)
    except Exception as exc:  # one broken article must not sink the batch
        log.debug("describe failed for %s", raw.source_file, exc_info=True)
        return Problem(raw.source_file, f"could not be cleaned: {exc!r}", raw.line)


def finish(raws: list[RawArticle], done: list) -> Iterator[Article | Problem]:
    """The batch-level step over `describe_safely` results in input order: years of
    dateline dates from the other articles, unique ids, Article records."""
    ok = [(raw, d) for raw, d in zip(raws, done) if not isinstance(d, Problem)]
    infer_missing_years([d[0] for _, d in ok])
    wanted = [article_id(raw, d[0], d[1]) for raw, d in ok]
    wanted, renamed = _settle_given_ids([raw for raw, _ in ok], wanted)
    final = unique_ids(wanted)
    ids = iter(final)
    for n, (raw, taken, others) in renamed.items():
        yield Problem(raw.source_file, f"article id {taken!r} given here is also the id of {', '.join(others)}; "
                      f"this record is published as {final[n]!r} instead", raw.line, kept=True)
    for raw, d in zip(raws, done):
        if isinstance(d, Problem):
            yield d
            continue
        meta, text, removed = d
        yield Article(id=next(ids), source_file=raw.source_file, outlet=meta.outlet, headline=meta.headline,
                      published=meta.published, published_inferred=meta.published_inferred,
                      dateline=meta.dateline, byline=meta.byline, credits=meta.credits, text=text,
                      removed=removed, url=raw.url)


def _settle_given_ids(raws: list[RawArticle], wanted: list[str]) -> tuple[list[str], dict[int, tuple]]:
    """Ids for the articles when an id given by an input (a JSON line's "id") is also
    wanted by another article: (ids, {index: (raw, its id, the other files wanting it)}).

    Whichever file is read first must not decide who gets the id, or a record could take
    over another article's id, URL and story just by sorting earlier. So an id given by
    an input never wins a collision: it gets a suffix made from its own file and line
    ("report-2" in feed.jsonl line 3 -> "report-2-feed-3"), and the article whose id was
    derived from its outlet and headline keeps its id. Two derived ids that are equal (the
    same outlet and headline) keep the usual "-2" of `unique_ids`.
    """
    holders: dict[str, list[int]] = {}
    for n, i in enumerate(wanted):
        holders.setdefault(i, []).append(n)
    out = list(wanted)
    renamed: dict[int, tuple] = {}
    for i, ns in holders.items():
        given = [n for n in ns if safe_id(raws[n].id)]
        if len(ns) < 2 or not given:
            continue
        for n in given:
            raw = raws[n]
            stem = PurePosixPath(raw.source_file).name.split(".")[0]
            out[n] = slugify(f"{i}-{stem}-{raw.line}" if raw.line else f"{i}-{stem}", None)
            others = sorted({raws[m].source_file + (f":{raws[m].line}" if raws[m].line else "")
                             for m in ns if m != n})
            renamed[n] = (raw, i, others)
    return out, renamed


def group_of(raw: RawArticle, described) -> str:
    """The furniture group of an article: its outlet once known, else its source."""
    if not raw.outlet and not isinstance(described, Problem) and described[1].outlet:
        return "outlet:" + described[1].outlet
    return source_group(raw)


def source_group(raw: RawArticle) -> str:
    """Which articles share furniture: same outlet, else same site, else same input folder/file."""
    if raw.outlet:
        return "outlet:" + slugify(raw.outlet)
    if raw.url:
        host = urlsplit(raw.url).hostname
        if host:
            return "host:" + host
    if raw.format == "jsonl":
        return "file:" + raw.source_file
    return "dir:" + str(PurePosixPath(raw.source_file).parent)


# ---------------------------------------------------------------- one article
def describe_one(raw: RawArticle, cfg: CleanSettings, recurring: set[str]):
    """(raw, Meta, cleaned text, removed lines) of one article; InputError when no body is left."""
    lines = clean.classify(raw.text, cfg, recurring, structured=raw.format == "html")
    meta = Meta()
    meta.headline = pick_headline(lines, raw.title)
    if meta.headline:
        # more copies of the headline are breadcrumbs, share boxes, "next article" links
        hkey = clean.key(meta.headline)
        for ln in lines:
            if ln.text and ln.reason != "headline" and clean.key(ln.text) == hkey:
                ln.reason = "repeated"

    for line in lines:
        if line.reason == "pattern:byline" and meta.byline is None:
            meta.byline = re.sub(r"^(by|written by|reporting by|words by)\s+", "", line.text, flags=re.I).strip()
            line.reason = "byline"
        elif line.reason in ("pattern:sign-off", "pattern:credit-line") and not meta.credits:
            meta.credits = sign_off_credits(line.text)

    body = [ln.text for ln in lines if ln.text and ln.reason is None]
    # a standfirst may come before the paragraph that opens with the dateline
    place = dl_outlet = dl_date = None
    for para in body[:3]:
        place, dl_outlet, dl_date = parse_dateline(para)
        if place or dl_outlet:
            break
    meta.dateline = place
    meta.outlet = (slug_outlet(raw.outlet) or slug_outlet(dl_outlet)
                   or furniture_outlet(lines) or host_outlet(raw.url))
    set_published(meta, raw, lines, dl_date)

    cleaned = clean.assemble(lines, cfg)
    if not cleaned.text.strip():
        raise InputError(raw.source_file, "no article text left after cleaning", raw.line)
    return raw, meta, cleaned.text, cleaned.removed


def pick_headline(lines: list[clean.Line], title: str | None) -> str | None:
    """The input title, else the first headline-shaped line near the top; marks it `headline`."""
    top = [ln for ln in lines if ln.text][:HEAD_LINES]
    if title and title.strip():
        title = " ".join(title.split())
        tkey = clean.key(title)
        for ln in top:
            k = clean.key(ln.text)
            # page text often repeats the title, maybe without the " | Site" tail
            if k == tkey or (len(k.split()) >= 4 and tkey.startswith(k)):
                ln.reason = "headline"
                break
        return title
    # Candidates: lines before the body starts, or a heading split off a glued quote.
    # A teaser between paragraphs further down is never the headline.
    in_body = False
    for ln in top:
        in_body = in_body or (ln.reason is None and not ln.glued)
        if (ln.reason == "shape:no-sentence" and (ln.glued or not in_body)
                and len(ln.text.split()) >= 4 and clean.looks_like_title(ln.text)
                and not any(parse_dateline(ln.text)[1:])):  # "PLACE, Mar 6 -" / "(Agency) -" opens the body
            ln.reason = "headline"
            return ln.text
    # A Title Cased first line standing alone is a headline even with a full stop
    # (some exports add one); prose is never written in Title Case.
    first = next((i for i, ln in enumerate(lines) if ln.text), None)
    if first is not None:
        ln = lines[first]
        alone = first + 1 >= len(lines) or not lines[first + 1].text
        if (ln.reason is None and alone and len(ln.text.split()) <= 25 and clean.title_cased(ln.text)
                and not any(parse_dateline(ln.text))):
            ln.reason = "headline"
            return ln.text
    return None


def parse_dateline(para: str) -> tuple[str | None, str | None, str | None]:
    """(place, outlet, date text) of a dateline opening the paragraph, Nones when there is none."""
    m = dateline_match(para)
    if not m:
        return None, None, None
    groups = m.groupdict()
    place, outlet, when = groups.get("place"), groups.get("outlet"), groups.get("date")
    if outlet and ("," in outlet or "/" in outlet or len(outlet.split()) > 4):
        outlet = None  # "(AFP, Reuters)" is a credit list, not one outlet
    return (place.strip() if place else None), (outlet.strip() if outlet else None), when


def without_dateline(para: str) -> str:
    """The paragraph after its dateline ("BERLIN (dpa) - The council..." -> "The council...")."""
    m = dateline_match(para)
    return para[m.end():] if m else para


def sign_off_credits(line: str) -> list[str]:
    m = _SIGN_OFF.search(line)
    if not m:
        return []
    return [c.strip() for c in re.split(r"[,/;&]|\band\b", m.group(1)) if c.strip()]


def slug_outlet(name: str | None) -> str | None:
    return slugify(name, 40) or None if name else None


def host_outlet(url: str | None) -> str | None:
    """`https://www.example-news.com/...` -> `example-news`; `news.bbc.co.uk` -> `bbc`; sharing sites -> None."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    labels = [x for x in host.lower().split(".") if x]
    if len(labels) < 2:
        return None
    # second-level public suffixes (co.uk, com.au, ...) keep the label before them
    short_suffix = len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2
    name = labels[-3] if short_suffix else labels[-2]
    if name in SHARED_HOSTS:
        return None
    return slugify(name, 40) or None


def furniture_outlet(lines: list[clean.Line]) -> str | None:
    """The site's own short link among removed URL-only lines (`https://p.example-news.com/p/2abcD`)."""
    for ln in lines:
        if ln.reason == "shape:url":
            name = host_outlet(ln.text)
            if name:
                return name
    return None


# ---------------------------------------------------------------- dates
def parse_date(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of the first date written in `text`."""
    found = []
    for rx, order in ((_ISO, "ymd"), (_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        m = rx.search(text)
        if not m:
            continue
        if order == "ymd":
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif order == "dmy":
            d, mo, y = int(m.group(1)), MONTHS.get(m.group(2).lower().rstrip(".")), m.group(3)
            y = int(y) if y else None
        else:
            mo, d, y = MONTHS.get(m.group(1).lower().rstrip(".")), int(m.group(2)), m.group(3)
            y = int(y) if y else None
        if mo and _valid(y, mo, d):
            found.append((m.start(), (y, mo, d)))
    return min(found)[1] if found else None


def _valid(y: int | None, mo: int, d: int) -> bool:
    try:
        date(y or 2000, mo, d)  # 2000 is a leap year: 29 Feb without a year is fine
    except ValueError:
        return False
    return y is None or 1900 <= y <= 2100


def iso(y: int, mo: int, d: int) -> str:
    return f"{y:04d}-{mo:02d}-{d:02d}"


def normalise_input_date(value: str | None) -> str | None:
    """An input's published field as ISO: kept when already ISO, parsed when written out."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?)?)?", value):
        return value
    parsed = parse_date(value)
    if parsed and parsed[0]:
        return iso(*parsed)  # type: ignore[arg-type]
    return None


# An input's own `published` must be a real date in this range: "2024-13-45" or
# "0000-00-00" is an error in that record, and year 9999 leaves no room for date arithmetic.
PUBLISHED_YEARS = (1000, 2999)


def _check_published(value: str) -> str | None:
    """Why an ISO-shaped `published` value is not a date, or None when it is one."""
    try:
        if len(value) == 4:
            year = int(value)
        elif len(value) == 7:
            year = date.fromisoformat(value + "-01").year
        else:
            year = datetime.fromisoformat(value.replace("Z", "+00:00")).year
    except ValueError as exc:
        return str(exc)
    lo, hi = PUBLISHED_YEARS
    return None if lo <= year <= hi else f"year outside {lo}..{hi}"


def set_published(meta: Meta, raw: RawArticle, lines: list[clean.Line], dateline_date: str | None) -> None:
    given = normalise_input_date(raw.published)
    why = _check_published(given) if given else None
    if why:
        raise InputError(raw.source_file, f"'published' is not a valid date: {raw.published!r} ({why})", raw.line)
    if given:
        meta.published = given
        return
    top = [ln for ln in lines if ln.text][:TOP_LINES]
    candidates = [
        # (how sure, inferred?) in priority order
        [ln for ln in lines if ln.reason == "pattern:published"],
        [ln for ln in top if ln.reason == "pattern:date-line"],
    ]
    for group in candidates:
        for ln in group:
            parsed = parse_date(ln.text)
            if parsed and parsed[0]:
                meta.published = iso(*parsed)  # type: ignore[arg-type]
                return
    if dateline_date:
        parsed = parse_date(dateline_date)
        if parsed:
            y, mo, d = parsed
            if y:
                meta.published = iso(y, mo, d)
            else:
                meta.pending_date = (mo, d)
                meta.own_dates = full_dates(" ".join(ln.text for ln in lines if ln.text))
                meta.published_inferred = True
            return
    for ln in lines:
        if ln.reason == "pattern:updated":
            parsed = parse_date(ln.text)
            if parsed and parsed[0]:
                # an update time bounds the publication date but is not it: mark it
                meta.published = iso(*parsed)  # type: ignore[arg-type]
                meta.published_inferred = True
                return


def full_dates(text: str) -> list[date]:
    """Every date written with its year in the text ("November 29, 2017", "2017-11-29")."""
    out = []
    for rx in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in rx.finditer(text):
            parsed = parse_date(m.group(0))
            if parsed and parsed[0]:
                out.append(date(*parsed))  # type: ignore[arg-type]
    return out


def _closest(mo: int, d: int, anchors: list[date], window_days: int) -> date | None:
    best = None
    for k in anchors:
        for y in (k.year - 1, k.year, k.year + 1):
            try:
                cand = date(y, mo, d)
            except ValueError:
                continue
            gap = abs((cand - k).days)
            if gap <= window_days and (best is None or gap < best[0]):
                best = (gap, cand)
    return best[1] if best else None


def infer_missing_years(metas: list[Meta], window_days: int = 45) -> None:
    """Give a year to dateline dates written without one ("Dec 27").

    Context, in order: full dates written in the article itself, then the stated
    publication dates of the other articles of the batch. The year chosen puts the
    date closest to one of them, and only within `window_days`: otherwise the date
    stays unknown. The result is always marked inferred.
    """
    batch = []
    for m in metas:
        if m.published and not m.published_inferred and re.match(r"\d{4}-\d{2}-\d{2}", m.published):
            y, mo, d = (int(x) for x in m.published[:10].split("-"))
            try:  # set_published refuses bad dates; this batch step must never fail on one
                batch.append(date(y, mo, d))
            except ValueError:
                continue
    for m in metas:
        if not m.pending_date:
            continue
        mo, d = m.pending_date
        found = _closest(mo, d, m.own_dates, window_days) or _closest(mo, d, batch, window_days)
        m.published = found.isoformat() if found else None
        m.published_inferred = bool(found)
        m.pending_date = None


# ---------------------------------------------------------------- ids
def article_id(raw: RawArticle, meta: Meta, text: str) -> str:
    """The input's id made safe, else outlet + headline (else + opening words), else the file name."""
    given = safe_id(raw.id)
    if given:
        return given
    lead = meta.headline or " ".join(without_dateline(text).split()[:8])
    slug = slugify(" ".join(x for x in (meta.outlet, lead) if x), ID_MAX)
    if slug:
        return slug
    stem = PurePosixPath(raw.source_file).name.split(".")[0]
    return slugify(f"{stem}-{raw.line}" if raw.line else stem, ID_MAX) or "article"
