"""Clean stage: raw article text -> body text plus an audit list of removed lines (issue 2).

Pure functions over strings. Scraped text carries page furniture (menus, ad-block
notices, share boxes, captions, teasers, tag lines, comment prompts). No single
signal finds it all without eating real sentences, so each line is judged by several
independent signals, and every removed line is recorded with the signal that fired
(`Removed(line, reason)`) so an editor can audit and undo it:

- `pattern:<name>`: a furniture regex (defaults below, configurable in the `clean`
  section of site_config.yml). Only applied to short lines: a long paragraph that
  happens to mention a newsletter is still body.
- `shape:<kind>`: line shape: URL-only lines, lines without letters, numbered menu
  entries, and short lines that do not end like a sentence (teaser headlines, section
  labels, captions). A short line that does end with a full stop is kept: real body
  sentences can be short.
- `recurring`: a short line seen in a good share of the articles of one outlet/source.
- `repeated`: a paragraph that repeats an earlier one (exact, or near-exact in words).

Short lines are not always furniture: a run of them inside the body (a list, a
table, tour dates), lines that are mostly figures, an article without prose, and
subheadings of text an HTML extractor already stripped of page chrome are kept.

Repairs: a headline glued to the quote that opens the body (`...Talks Resume"The two sides
agreed`) is split into two lines; hard-wrapped lines inside a paragraph are re-joined
before they are judged.
Output text: paragraphs separated by exactly one blank line, no trailing spaces,
no-break spaces turned into plain spaces; quotes and other characters are kept as
they are, since later stages cite the text verbatim.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Iterable, Mapping

from generator.config import CleanSettings
from generator.errors import ConfigError
from generator.records import Removed

# Furniture regexes, matched case-insensitively against one stripped line. They describe
# common site furniture in general (not any one site's strings).
DEFAULT_PATTERNS: dict[str, str] = {
    "skip-link": r"^(\d+\.\s*)?(skip|jump) to\b",
    "adblock": r"\bad[ -]?block(er|ing)?\b|\bdisabl\w* (your )?ad\b|\bwhitelist (us|our site)\b",
    "comments": (r"^(\W*\s*)?(your |leave a |post a |add a |write a |add your |post your )?comments?\s*:?$"
                 r"|^(leave|post|add|write|submit) (a|your) (comment|reply)"
                 r"|^(view|show|load|read) (all |more )?(\d+ )?(comments|replies)"
                 r"|^notify of\b|\binline feedbacks?\b|^what do you think\W*$"
                 r"|^your (opinion|view|voice) (counts|matters)\W*$|^join the (conversation|discussion)"
                 r"|^\d+\s+comments?$|^comments? \(\d+\)$|^tell us what you think"),
    "share": (r"^(share|tweet|email|e-mail|print|pin|whatsapp|facebook|twitter|linkedin|reddit)"
              r"( this| the)?( article| story| page| post| link)?( on \w+| via \w+)?\W*$"
              r"|\bshare (this|on (facebook|twitter|x|whatsapp))\b|^follow us\b|^copy link\b"),
    # calls to action, not mentions: "Netflix raised subscription prices." is news
    "subscribe": r"^(subscribe|sign up|signup)\b|^thanks? (you )?for (signing up|subscribing)",
    "call-to-action": (r"\b(our|free|daily|weekly|morning|evening) newsletters?\b"
                       r"|\bsubscribe (now|today|here|to (our|the|this))\b|\bsign up (now|today|here|for (our|the|free))\b"
                       r"|\bpatreon\b|\bsupport (us|our journalism|independent journalism)\b|\bdonate (now|today|here)\b"
                       r"|\bdownload (our|the) app\b|\b(check|keep an eye on) your inbox\b"),
    "teaser": (r"^(?!.*\.[\"'\u201d\u2019]?$)(read more|read also|also read|more from|more on this|more about|see also|related"
               r"( articles?| stories| content| news| coverage| topics| posts)?|recommended( for you)?"
               r"|you (may|might) (also )?(like|be interested)|show more|load more|most (read|popular|viewed)"
               r"|trending( now)?|top stories|latest( news| stories)?|continue reading|click here)"
               # teaser links are often glued to their title ("Read moreTalks resume ...")
               r"(\b|(?-i:(?=[A-Z])))"),
    "caption": (r"^(\(?(file )?(photo|image|picture|video|illustration|graphic|credit|source)s?\)?"
                r"( by| credit| courtesy( of)?)?\s*[:|/©])"
                r"|^(photo|image|picture)\s*(by|credit|courtesy)\b|©|\b(getty images|shutterstock)\b"),
    "advertisement": (r"^(advertisement|sponsored( content)?|paid content|promoted)\b"
                      r"|^(story|article) continu(e|es|ed) below|\bcontinue reading the main story\b"),
    # messages of embedded players and widgets that scrapes pick up as text
    "embed": (r"\bcould not be loaded\b|\bis not available right now\b|\bplease try again later\b"
              r"|\bwhen the video has been rented\b|\b(enable|turn on) javascript\b|\byour browser does not support\b"
              r"|^tweet with a location\b|\blocation information to your tweets\b"),
    "click-here": r"^(please )?click here\b",
    # WordPress-style shortcodes left in the text: [button link=...]Label[/button]
    "shortcode": r"^\[\w+[^\]]*\].*\[/\w+\]$",
    "tags": r"^(tags?|topics?|keywords?|categories|category|filed under|labels?)\s*[:|]",
    "updated": r"^(last )?(updated|modified|edited)\b( in| on| at)?\s*:?[^.]{0,25}\d",
    "published": (r"^(publish(ed)?|posted|date|release date)( date| on| at)?\s*[:\-]"
                  r"|^(first )?(published|posted)( on| at)?\s+[^.]{0,40}\d"),
    "id": r"^(news|article|story|post|content|item)\s*(id|no\.?|number)\s*[:#]",
    "date-line": (r"^(\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?\s*([a-z]{2,5})?\s*[,|-]?\s*)?((mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
                  r"(\d{1,2}\s*[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2})"
                  r"([\sT,|-]+\d{1,2}[:.]\d{2}([:.]\d{2})?\s*([ap]\.?m\.?)?\s*([a-z]{2,5}|[+-]\d{2}:?\d{2})?)?$"),
    # "By Jane Doe" / "By Jane Doe and John Roe, Reuters": capitalised names, no sentence end
    "byline": (r"^(?!.*[.!?][\"'\u201d\u2019]?$)(by|written by|reporting by|words by)\s+"
               r"(?-i:[A-Z][\w.'\u2019-]*(\s+([A-Z][\w.'\u2019-]*|and|de|van|von|der|al|bin|da|di|le|la)){0,5})"
               r"(\s*[,|]\s*.{0,40})?$"),
    "copyright": r"^(copyright\b|\(c\)\s*\d{4})|\ball rights reserved\b",
    "disclaimer": r"^.{0,60}\b(views|opinions) (and|or) (opinions|views) expressed\b|\bdo not necessarily (reflect|represent)\b",
    "cookies": r"\b(we use cookies|cookie (policy|settings|preferences)|accept (all )?cookies)\b",
    "sign-off": r"^[a-z]{2,4}(/[a-z]{2,4})+\s*(\([^)]*\))?\W*$",
    "credit-line": r"^\(\s*[A-Za-z][A-Za-z .&-]{0,20}(,\s*[A-Za-z][A-Za-z .&-]{0,20})*\)\W*$",
}

# Characters that end a sentence; a closing quote or bracket may follow them.
_SENTENCE_END = re.compile(r"[.!?\u2026;:\u3002\uff01\uff1f\u061f\u0964][\"'\u201d\u2019)\]\u300d\u300f]*$")
_URL_ONLY = re.compile(r"^(https?://|www\.)\S+$|^[a-z0-9-]+(\.[a-z0-9-]+)+/\S*$", re.I)
_MENU_ITEM = re.compile(r"^(\d{1,2}[.)]|[*\u2022\u00b7>|-])\s+\S")
_NUMBERING = re.compile(r"^\s*(\d{1,2}[.)]|[*\u2022\u00b7>|-])\s+")
_GLUED = re.compile(r"^(?P<head>[^\"\u201c\u201d]{12,}?[A-Za-z0-9)'\u2019])(?P<quote>[\"\u201c][A-Z].{10,})$")
# Unanchored furniture patterns do not judge full sentences longer than this.
SENTENCE_WORDS = 12
WRAP_MIN_CHARS = 50  # text wrapped at a fixed width has lines of 60-80 characters
WRAP_MAX_WIDTH = 100  # wider "lines" are whole paragraphs: that text is not hard-wrapped
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")




@lru_cache(maxsize=32)
def _compile(extra: tuple[tuple[str, str], ...], disabled: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
    """The furniture patterns in use: defaults minus disabled, plus/overridden by extra."""
    merged = {k: v for k, v in DEFAULT_PATTERNS.items() if k not in set(disabled)}
    merged.update(dict(extra))
    out = []
    for name, rx in merged.items():
        try:
            out.append((name, re.compile(rx, re.IGNORECASE)))
        except re.error as exc:
            raise ConfigError(f"clean.patterns.{name}: invalid regular expression: {exc}") from exc
    return out


def compiled(cfg: CleanSettings) -> list[tuple[str, re.Pattern]]:
    """The furniture patterns these settings put in use, compiled once."""
    return _compile(tuple(sorted((cfg.patterns or {}).items())), tuple(cfg.disable_patterns or ()))


def check_settings(cfg: CleanSettings) -> CleanSettings:
    """The `clean` settings, validated beyond their types (pattern names, regexes)."""
    if not isinstance(cfg.patterns, dict) or not all(isinstance(v, str) for v in cfg.patterns.values()):
        raise ConfigError("clean.patterns: expected a mapping of name: regular expression")
    if not isinstance(cfg.disable_patterns, list):
        raise ConfigError("clean.disable_patterns: expected a list of pattern names")
    unknown = set(cfg.disable_patterns) - set(DEFAULT_PATTERNS)
    if unknown:
        raise ConfigError(f"clean.disable_patterns: no default pattern named {', '.join(sorted(unknown))}")
    compiled(cfg)  # fail early on a bad regex
    return cfg


@dataclass
class Line:
    """One input line and, when cleaning takes it out, why."""

    text: str
    reason: str | None = None
    glued: bool = False      # split off the quote it was glued to (a headline, most likely)


@dataclass
class Cleaned:
    text: str
    removed: list[Removed]


# ---------------------------------------------------------------- line-level helpers
def normalise(text: str) -> str:
    """Unify line ends, turn no-break and odd spaces into single spaces, drop invisible marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def key(line: str) -> str:
    """Comparison key for recurrence/repeats: case- and space-insensitive."""
    return " ".join(line.lower().split())


def words(line: str) -> list[str]:
    return _WORD.findall(line.lower())


def ends_like_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line.rstrip()))


def split_glued(line: str) -> list[str]:
    """`Some Headline Words"Quote starts` -> [`Some Headline Words`, `"Quote starts`].

    Only when the part before the quote looks like a headline (no sentence end,
    mostly capitalised words) and a letter touches the opening quote: in prose an
    opening quote is preceded by a space.
    """
    m = _GLUED.match(line)
    if not m:
        return [line]
    head = m.group("head").rstrip()
    if ends_like_sentence(head) or not looks_like_title(head):
        return [line]
    return [head, m.group("quote")]


def looks_like_title(line: str) -> bool:
    """Headline-shaped: 3-25 words, starting with a capital, no final full stop, mostly words (not figures)."""
    ws = line.split()
    if not 3 <= len(ws) <= 25 or line.rstrip().endswith((".", ";", ",")):
        return False
    if sum(any(ch.isdigit() for ch in w) for w in ws) * 4 > len(ws):
        return False
    if not any(ch.isalpha() for ch in line) or not (line[0].isupper() or line[0] in "\"'\u2018\u201c"):
        return False
    return True


def title_cased(line: str) -> bool:
    """Most longer words capitalised ("Hillary Clinton Goes After Donald Trump"): a title, not prose."""
    long_words = [w.strip("\"'\u2018\u2019\u201c\u201d()") for w in line.split()]
    long_words = [w for w in long_words if len(w) >= 4 and w[:1].isalpha()]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)


def is_heading_like(line: str, max_words: int) -> bool:
    """A short line that is not a sentence: teaser, section label, caption, headline.

    Length in characters counts too: scripts written without spaces (Chinese,
    Japanese) have one "word" per line.
    """
    return not ends_like_sentence(line) and len(line.split()) <= max_words and len(line) <= max_words * 8


def shape_reason(line: str, cfg: CleanSettings) -> str | None:
    if _URL_ONLY.match(line):
        return "shape:url"
    if not any(ch.isalpha() for ch in line):
        return "shape:no-letters"
    if _MENU_ITEM.match(line) and not ends_like_sentence(line) and len(line.split()) <= 10:
        return "shape:menu"
    if is_heading_like(line, cfg.teaser_max_words):
        return "shape:no-sentence"
    return None


def pattern_reason(line: str, patterns: list[tuple[str, re.Pattern]], max_chars: int) -> str | None:
    """The first furniture pattern matching the line.

    A pattern not anchored at the line start (`^`) is a weak signal: a full sentence
    of more than SENTENCE_WORDS words may mention a newsletter or an ad blocker and
    still be news, so such lines are only judged by anchored patterns.
    """
    if len(line) > max_chars:
        return None
    bare = re.sub(r"^(\d{1,2}[.)]|[*\u2022\u00b7>|-])\s+", "", line)  # menu bullets don't hide furniture
    sentence = ends_like_sentence(line) and len(line.split()) > SENTENCE_WORDS
    for name, rx in patterns:
        if sentence and not rx.pattern.startswith("^"):
            continue
        if rx.search(line) or rx.search(bare):
            return f"pattern:{name}"
    return None


# ---------------------------------------------------------------- recurring lines
def recurring_lines(groups: Mapping[str, Iterable[str]], cfg: CleanSettings | None = None) -> dict[str, set[str]]:
    """Per group (outlet or source folder): keys of short lines recurring across its articles.

    `groups` maps a group name to the raw texts of its articles.
    """
    cfg = cfg or CleanSettings()
    out: dict[str, set[str]] = {}
    for name, texts in groups.items():
        texts = list(texts)
        if len(texts) < cfg.recurring_min_articles:
            out[name] = set()
            continue
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update({key(line) for line in unwrap(text)
                           if line and len(line.split()) <= cfg.recurring_max_words})
        need_share = cfg.recurring_min_share * len(texts)
        # a share of the source, not a count: in 3000 wire stories, "Pay March 31" recurs
        # in 25 dividend notes and is news each time, while the sign-off recurs in nearly all
        out[name] = {k for k, n in counts.items() if n >= cfg.recurring_min_articles and n >= need_share}
    return out


def syndicated(raw_lines: list[str], recurring: set[str] | frozenset) -> bool:
    """Most of this article recurs elsewhere: it is a copy of the same (wire) story,
    not a page full of furniture, so its recurring sentences are news."""
    sizes = [(len(line), key(line) in recurring) for line in raw_lines if line]
    total = sum(n for n, _ in sizes)
    return bool(total) and sum(n for n, rec in sizes if rec) > total / 2


# ---------------------------------------------------------------- the stage
def classify(text: str, cfg: CleanSettings | None = None, recurring: set[str] | frozenset = frozenset(),
             structured: bool = False) -> list[Line]:
    """Every non-empty line of the text with its removal reason (None = body).

    Blank lines are kept as `Line("")` markers: they separate paragraphs.
    `structured`: the text comes from an HTML extractor that already dropped link
    blocks and page chrome, so short lines inside the body are taken as content
    (see keep_body_lists).
    """
    cfg = cfg or CleanSettings()
    patterns = compiled(cfg)
    raw_lines = unwrap(text)
    recurring = recurring if not syndicated(raw_lines, recurring) else {
        k for k in recurring if not ends_like_sentence(k)}
    lines: list[Line] = []
    for raw in raw_lines:
        if not raw:
            lines.append(Line(""))
            continue
        parts = split_glued(raw)
        for n, part in enumerate(parts):
            reason = pattern_reason(part, patterns, cfg.pattern_max_chars)
            if reason is None and key(part) in recurring:
                reason = "recurring"
            if reason is None:
                reason = shape_reason(part, cfg)
            lines.append(Line(part, reason, glued=len(parts) > 1 and n == 0))
    keep_body_lists(lines, cfg.list_min_lines, structured)
    return lines


_RUN_REASONS = ("shape:no-sentence", "shape:menu")


def keep_body_lists(lines: list[Line], min_run: int, structured: bool = False) -> None:
    """Give back short lines that belong to the body: lists, tables, subheadings, tour dates.

    In a raw scrape, teasers and captions come one or two at a time between prose
    paragraphs; menus, link lists and footers sit before the first or after the last
    body paragraph. So inside the body, a run of short lines is content when it is
    `min_run` lines or longer, or when a neighbouring body line is not prose either
    (a list-like page). Lines removed for other reasons (patterns, URLs) neither join
    nor break a run.

    `structured` text comes from an HTML extractor, which already dropped link blocks
    (where teasers live): every short line inside the body is content (subheadings),
    and so is a list of `min_run` lines after the last paragraph. Short lines before
    the body (section labels, the page headline) are still judged by shape.
    """
    body = [i for i, ln in enumerate(lines) if ln.text and ln.reason is None]
    if not body:
        # no prose at all (an earnings table, a list of results): the short lines are the article
        for ln in lines:
            if ln.reason in _RUN_REASONS:
                ln.reason = None
        return
    restore_data_runs(lines, min_run)
    if len(body) < 2:
        return
    first, last = body[0], body[-1]
    run: list[int] = []
    before = lines[first]
    for i in range(first + 1, last + 1):
        ln = lines[i]
        if ln.text and ln.reason in _RUN_REASONS:
            run.append(i)
        elif ln.text and ln.reason is None:
            prose_around = ends_like_sentence(before.text) and ends_like_sentence(ln.text)
            if run and (structured or len(run) >= min_run or not prose_around):
                for j in run:
                    lines[j].reason = None
            run = []
            before = ln
    if structured:
        run = [i for i in range(last + 1, len(lines)) if lines[i].text and lines[i].reason in _RUN_REASONS]
        if len(run) >= min_run:
            for j in run:
                lines[j].reason = None


def restore_data_runs(lines: list[Line], min_run: int) -> None:
    """Runs of short lines that are mostly figures (tables, results, dates) are content
    wherever they stand: menus and teasers are words, not numbers."""
    run: list[int] = []
    for i, ln in enumerate(lines + [Line("-end-")]):
        if ln.text and ln.reason in _RUN_REASONS:
            run.append(i)
        elif ln.text and not (ln.reason or "").startswith(("pattern:", "recurring")):
            # list numbering ("1. Home") is not a figure
            with_digits = sum(any(ch.isdigit() for ch in _NUMBERING.sub("", lines[j].text)) for j in run)
            if len(run) >= min_run and with_digits * 3 >= len(run) * 2:
                for j in run:
                    lines[j].reason = None
            run = []


def unwrap(text: str) -> list[str]:
    """Split into normalised lines, re-joining hard-wrapped ones.

    A line continues the one before (no blank line between) when that one does not
    end a sentence and either it is at least WRAP_MIN_CHARS long and the new line
    starts in lower case, or the whole text is fixed-width (most lines end near one
    width of at most WRAP_MAX_WIDTH: wire copy, e-mail) and it is at least half that
    width. In fixed-width text an indented line starts a new paragraph. Short lines
    stay apart: furniture such as "your comment" often starts in lower case under a
    tag line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    raw = _INVISIBLE.sub("", text).split("\n")
    lines = [_SPACES.sub(" ", line).strip() for line in raw]
    lengths = sorted(len(x) for x in lines if x)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    # fixed-width text: most lines end near the same width (and that width is a line's, not a paragraph's)
    near = sum(1 for n in lengths if n >= 0.6 * width)
    fixed = len(lengths) >= 5 and width <= WRAP_MAX_WIDTH and near * 2 >= len(lengths)
    out: list[str] = []
    last_len = 0  # length of the previous input line itself, not of what it was joined to
    for original, line in zip(raw, lines):
        indented = original[:1] in (" ", "\t", "\u00a0")
        prev = out[-1] if out else ""
        if line and prev and not ends_like_sentence(prev) and (
                (last_len >= WRAP_MIN_CHARS and line[0].islower())
                or (fixed and not indented and last_len >= 0.5 * width)):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
        last_len = len(line)
    return out


def paragraphs(lines: list[Line]) -> list[str]:
    """Kept lines, one paragraph each (hard-wrapped lines were re-joined before judging)."""
    return [line.text for line in lines if line.text and line.reason is None]


def repeat_indices(paras: list[str], ratio: float = 0.9) -> list[int]:
    """Positions of paragraphs that repeat an earlier one: exact (ignoring case and
    space) or near-exact in words. The first of each set is kept."""
    kept_words: list[tuple[list[str], set[str]]] = []
    seen: set[str] = set()
    out: list[int] = []
    for i, p in enumerate(paras):
        if not ends_like_sentence(p) and len(p.split()) < 10:
            continue  # list items and table rows repeat legitimately ("Meal 1")
        k = key(p)
        if k in seen:
            out.append(i)
            continue
        ws = words(p)
        wset = set(ws)
        if len(ws) >= 12 and any(
                len(other) >= 12 and len(wset & oset) / max(1, len(wset | oset)) >= ratio - 0.1
                and SequenceMatcher(None, ws, other, autojunk=False).ratio() >= ratio
                for other, oset in kept_words):
            out.append(i)
            continue
        seen.add(k)
        kept_words.append((ws, wset))
    return out


def drop_repeats(paras: list[str], ratio: float = 0.9) -> tuple[list[str], list[Removed]]:
    """(kept paragraphs, removed repeats) of repeat_indices."""
    drop = set(repeat_indices(paras, ratio))
    return ([p for i, p in enumerate(paras) if i not in drop],
            [Removed(p, "repeated") for i, p in enumerate(paras) if i in drop])


def assemble(lines: list[Line], cfg: CleanSettings | None = None) -> Cleaned:
    """Classified lines -> body text (one blank line between paragraphs) and the removed
    list, in the order the lines stood in the article."""
    cfg = cfg or CleanSettings()
    lines = [Line(line.text, line.reason, line.glued) for line in lines]  # the caller's stay as they are
    body = [line for line in lines if line.text and line.reason is None]  # one paragraph each
    for i in repeat_indices([line.text for line in body], cfg.near_duplicate_ratio):
        body[i].reason = "repeated"
    removed = [Removed(line.text, line.reason) for line in lines if line.text and line.reason]
    return Cleaned("\n\n".join(paragraphs(lines)), removed)


def clean_text(text: str, cfg: CleanSettings | None = None, recurring: set[str] | frozenset = frozenset(),
               structured: bool = False) -> Cleaned:
    """Clean one article's raw text."""
    return assemble(classify(text, cfg, recurring, structured), cfg)


def group_texts(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(group, text) pairs -> {group: [texts]}; a small helper for recurring_lines."""
    out: dict[str, list[str]] = defaultdict(list)
    for g, t in items:
        out[g].append(t)
    return dict(out)
