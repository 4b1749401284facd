"""Date expressions resolved against the publication date (issue 4).

Candidates come from regular expressions (absolute dates, months, years, weekdays,
relative words) plus spaCy's DATE entities, whose text is run through the same
rules. Each one resolves to ISO with the precision the words give: `YYYY-MM-DD`,
`YYYY-MM` or `YYYY`. A period that is not a day, month or year ("last week")
becomes the smallest of those that holds all of it (the month when the week lies
inside one, else the year; a week across New Year is left out).

Anchoring to the publication date (`published`, ISO; None -> only expressions that
carry their own year resolve):
- a month or day without a year takes the year that puts it on the right side of
  the publication date for the tense of its clause: past -> the latest such date
  not after publication, future -> the earliest not before it, unknown -> nearest.
  So "December 30" in an article of 2018-01-03 is 2017-12-30, and "January 5" said
  of the future in one of 2017-12-28 is 2018-01-05.
- a weekday: "last"/past tense -> the latest such day up to the publication day;
  "next"/future tense -> the first one after it; "this" -> in the publication week;
  with no cue and no tense the past reading is taken (news reports what happened),
  the publication day itself included ("on Tuesday" in a Tuesday article).
"""
from __future__ import annotations

import bisect
import calendar
import re
from datetime import date, timedelta

from generator.records import DateMention

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
            "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
            "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}

_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December"
        r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WD = (r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
       r"|(?:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.)")
_CUE = r"(?P<cue>last|next|this|coming|past|previous|on|early|late|mid|mid-|earlier\s+in|later\s+in|earlier\s+this|later\s+this)"
_B = r"(?<![\w-])"
_E = r"(?![\w])"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(_B + r"(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)" + _E)),
    # 26 December 2017, 26December 2017, Tuesday, 26 December 2017
    ("dmy", re.compile(_B + r"(?:" + _WD + r",?\s+)?" + _DAY + r"\s*(?:of\s+)?" + _MON + r",?\s+" + _YEAR + _E)),
    # December 26, 2017 / Dec. 26 2017 / Tuesday, December 26, 2017
    ("mdy", re.compile(_B + r"(?:" + _WD + r",?\s+)?" + _MON + r"\s+" + _DAY + r",?\s+" + _YEAR + _E)),
    # December 26 / Dec. 27 / on Friday, December 22
    ("md", re.compile(_B + r"(?:" + _WD + r",?\s+)?" + _MON + r"\s+" + _DAY + r"(?![\w:,]\d|\s*,?\s*(?:1[89]|20)\d\d)" + _E)),
    ("dm", re.compile(_B + r"(?:" + _WD + r",?\s+)?" + r"(?:the\s+)?" + _DAY + r"\s+(?:of\s+)?" + _MON + _E + r"(?!,?\s+(?:1[89]|20)\d\d)")),
    # (early|late|mid) December 2017 / December 2017
    ("my", re.compile(_B + r"(?:(?P<part>early|late|mid|mid-)\s*)?" + _MON + r",?\s+(?:of\s+)?" + _YEAR + _E)),
    # June last year / March next year
    ("m_rel", re.compile(_B + _MON + r",?\s+(?P<rel>last|next|this|the\s+previous|the\s+following)\s+year" + _E)),
    # late November / earlier in December / in March (a cue keeps "may" the verb out)
    ("m", re.compile(_B + r"(?:(?P<cue>earlier\s+in|later\s+in|early|late|mid|mid-|in|since|until|by|through|during|last|next|this|of|from|before|after)\s*)"
                     + _MON + _E + r"(?!\s+[0-3]?\d(?:st|nd|rd|th)?\b)", re.I)),
    ("year", re.compile(_B + r"(?:(?P<cue>in|since|until|by|through|during|from|to|before|after|of|early|late|mid|mid-|end\s+of|start\s+of|beginning\s+of)\s+(?:the\s+year\s+)?|(?P<cue2>mid-|early-|late-))?" + _YEAR + _E + r"(?!\s*(?:%|per|people|troops|barrels|dollars))")),
    ("weekday", re.compile(_B + r"(?:(?P<cue>(?i:last|next|this|coming|past|previous|on))\s+)?" + _WD + _E)),
    ("rel_day", re.compile(_B + r"(?P<w>today|yesterday|tomorrow|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|tonight|this\s+morning|this\s+afternoon|this\s+evening|last\s+night)" + _E, re.I)),
    ("rel_unit", re.compile(_B + r"(?P<w>(?:earlier|later)\s+this|last|next|this|the\s+past|the\s+previous|the\s+coming|the\s+current)\s+(?P<unit>week|month|year)" + _E, re.I)),
    ("ago", re.compile(_B + r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>ago|earlier|later|from\s+now)" + _E, re.I)),
]
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_FUTURE = re.compile(r"\b(will|shall|won't|going\s+to|plans?\s+to|scheduled\s+(?:to|for)|due\s+to|upcoming|to\s+be\s+held)\b", re.I)


def parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


_FUTURE_HEADS = {"plan", "plans", "planned", "planning", "expect", "expects", "expected", "schedule",
                 "scheduled", "due", "set", "aim", "aims", "intend", "intends", "intended", "hope",
                 "hopes", "want", "wants", "going", "prepared", "ready", "agreed", "promised", "vowed"}


def _tense_from_doc(doc, start: int, length: int) -> str | None:
    """'past' / 'future' / None from the clause the date belongs to.

    Only the first verb above the date counts (never the reporting verb of a
    higher clause: "said flights would leave on March 30" is not past), and a
    date hanging off a noun ("a cutback in September") has no tense of its own.
    """
    if doc is None:
        return None
    # `length` is len(doc.text), given: Doc.text joins every token anew on each call
    span = doc.char_span(start, min(start + 1, length), alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span[0]
    node = tok
    steps = 0
    while node.pos_ not in ("VERB", "AUX") and node.head is not node and steps < 6:
        if steps > 0 and node.pos_ in ("NOUN", "PROPN") and node.dep_ not in ("npadvmod", "pobj", "compound", "nummod"):
            return None
        if node.dep_ == "pobj" and node.head.head.pos_ in ("NOUN", "PROPN") and node.head.dep_ == "prep" \
                and node.head.head.i != tok.i:
            return None  # "a cutback in September": the date belongs to a noun
        node = node.head
        steps += 1
    if node.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c.text.lower() for c in node.children if c.dep_ in ("aux", "auxpass")]
    if any(a in ("will", "shall", "'ll", "wo") for a in auxes):
        return "future"
    if any(a in ("would", "could", "might", "may", "should", "must", "can") for a in auxes):
        return None
    if any(a in ("has", "have", "had", "did", "was", "were", "'ve", "'d") for a in auxes) or node.tag_ in ("VBD", "VBN"):
        return "past"
    if node.tag_ == "VBG" and any(a in ("is", "are", "am", "'s", "'re") for a in auxes):
        return "future"  # "is meeting on Friday"
    if node.tag_ == "VB" and "to" in auxes and node.head.text.lower() in _FUTURE_HEADS:
        return "future"  # "plans to visit on Friday"
    return None


# How far around a date _tense looks for the ends of its sentence: every date costs at
# most this much, so a text of one huge line (no full stop, no line break) stays linear.
SENTENCE_REACH = 1000


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding text[start:end]: from after the last '.' or line break before
    it to the next one after it, each looked for within SENTENCE_REACH characters."""
    lo = max(0, start - SENTENCE_REACH)
    dot = text.rfind(".", lo, start)
    brk = text.rfind("\n", dot + 1 if dot >= 0 else lo, start)
    s = brk + 1 if brk >= 0 else dot + 1 if dot >= 0 else lo
    hi = min(len(text), end + SENTENCE_REACH)
    dot = text.find(".", end, hi)
    brk = text.find("\n", end, dot if dot >= 0 else hi)
    e = brk if brk >= 0 else dot if dot >= 0 else hi
    return s, e


# "since January 24": the start of a state that lasts until now, so in the past,
# whatever tense the sentence's other clauses are in ("... will retain the system despite
# the suspension of auctions since January 24").
_SINCE = re.compile(r"\bsince\s+(?:the\s+|mid-?|early\s+|late\s+)?$", re.I)


def _tense(text: str, start: int, end: int, doc) -> str | None:
    if _SINCE.search(text, max(0, start - 16), start):
        return "past"
    t = _tense_from_doc(doc, start, len(text))
    if t:
        return t
    s, e = _sentence_around(text, start, end)
    sentence = text[s:e]
    if _FUTURE.search(sentence):
        return "future"
    return None


def _pick_year(month: int, day: int | None, pub: date, tense: str | None) -> int:
    cands = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        d = day or (1 if tense != "past" else calendar.monthrange(y, month)[1])
        try:
            cands.append(date(y, month, min(d, calendar.monthrange(y, month)[1])))
        except ValueError:
            continue
    if day is None:
        # A month: the one holding the publication date counts as both past and future.
        same = [c for c in cands if c.year == pub.year and c.month == pub.month]
        if same:
            return pub.year
    # Two days' slack: time zones and datelines put an article a day off its events.
    if tense == "past":
        ok = [c for c in cands if c <= pub + timedelta(days=2)]
        return max(ok).year if ok else pub.year
    if tense == "future":
        ok = [c for c in cands if c >= pub - timedelta(days=2)]
        return min(ok).year if ok else pub.year
    # No tense: news mostly reports what happened, so the latest date not after
    # publication wins while it is within ten months; otherwise the nearest.
    past = [c for c in cands if c <= pub + timedelta(days=2)]
    if past and (pub - max(past)).days <= 300:
        return max(past).year
    return min(cands, key=lambda c: (abs((c - pub).days), c > pub)).year


def _weekday(wd: int, cue: str | None, pub: date, tense: str | None) -> date:
    cue = (cue or "").lower()
    if cue == "this":
        return pub - timedelta(days=pub.weekday()) + timedelta(days=wd)
    if cue in ("next", "coming") or (cue not in ("last", "past", "previous") and tense == "future"):
        # "will vote Friday" in a Friday paper is that day; "next Friday" is a week on.
        delta = (wd - pub.weekday()) % 7 or (7 if cue in ("next", "coming") else 0)
        return pub + timedelta(days=delta)
    delta = (pub.weekday() - wd) % 7
    if cue in ("last", "past", "previous") and delta == 0:
        delta = 7
    return pub - timedelta(days=delta)


def _month_value(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _span_value(a: date, b: date) -> str | None:
    """Smallest allowed unit that holds every day from a to b."""
    if a == b:
        return a.isoformat()
    if (a.year, a.month) == (b.year, b.month):
        return _month_value(a)
    if a.year == b.year:
        return f"{a.year:04d}"
    return None


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    return date(y, m % 12 + 1, 1)


def _resolve(kind: str, m: re.Match, text: str, pub: date | None, doc) -> str | None:
    """The ISO value of one date expression; None when it cannot be resolved, also when
    the arithmetic leaves the calendar (a weekday before 0001-01-01, a year after 9999)."""
    try:
        return _resolve_value(kind, m, text, pub, doc)
    except (OverflowError, ValueError):
        return None


def _resolve_value(kind: str, m: re.Match, text: str, pub: date | None, doc) -> str | None:
    g = m.groupdict()
    if kind == "iso":
        try:
            return date(int(g["year"]), int(g["m"]), int(g["day"])).isoformat()
        except ValueError:
            return None
    if kind in ("dmy", "mdy"):
        try:
            return date(int(g["year"]), MONTHS[g["mon"].rstrip(".").lower()], int(g["day"])).isoformat()
        except ValueError:
            return None
    if kind == "my":
        return f"{int(g['year']):04d}-{MONTHS[g['mon'].rstrip('.').lower()]:02d}"
    if kind == "year":
        return f"{int(g['year']):04d}"
    if pub is None:
        return None
    tense = _tense(text, m.start(), m.end(), doc)
    if kind in ("md", "dm"):
        month, day = MONTHS[g["mon"].rstrip(".").lower()], int(g["day"])
        if not 1 <= day <= 31:
            return None
        year = _pick_year(month, day, pub, tense)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    if kind == "m_rel":
        rel = g["rel"].lower()
        step = -1 if rel in ("last",) or "previous" in rel else 1 if rel == "next" or "following" in rel else 0
        return f"{pub.year + step:04d}-{MONTHS[g['mon'].rstrip('.').lower()]:02d}"
    if kind == "m":
        month = MONTHS[g["mon"].rstrip(".").lower()]
        cue = re.sub(r"\s+", " ", (g.get("cue") or "").lower())
        if g["mon"].lower() == "may" and g["mon"] != "May":
            return None
        if cue == "last":
            year = pub.year if month < pub.month else pub.year - 1
        elif cue == "next":
            year = pub.year if month > pub.month else pub.year + 1
        elif cue == "this":
            year = pub.year
        else:
            year = _pick_year(month, None, pub, tense)
        return f"{year:04d}-{month:02d}"
    if kind == "weekday":
        wd = WEEKDAYS[g["wd"].rstrip(".").lower()]
        return _weekday(wd, g.get("cue"), pub, tense).isoformat()
    if kind == "rel_day":
        w = re.sub(r"\s+", " ", g["w"].lower())
        off = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
               "yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2,
               "the day after tomorrow": 2}[w]
        return (pub + timedelta(days=off)).isoformat()
    if kind == "rel_unit":
        w = re.sub(r"\s+", " ", g["w"].lower())
        unit = g["unit"].lower()
        step = -1 if w in ("last", "the past", "the previous") else 1 if w in ("next", "the coming") else 0
        if unit == "year":
            return f"{pub.year + step:04d}"
        if unit == "month":
            return _month_value(_add_months(pub.replace(day=1), step))
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
        return _span_value(monday, monday + timedelta(days=6))
    if kind == "ago":
        n = g["n"].lower()
        n = int(n) if n.isdigit() else NUMBER_WORDS[n]
        sign = -1 if g["dir"].lower() in ("ago", "earlier") else 1
        unit = g["unit"].lower()
        if unit == "day":
            return (pub + timedelta(days=sign * n)).isoformat()
        if unit == "week":
            return (pub + timedelta(weeks=sign * n)).isoformat()
        if unit == "month":
            return _month_value(_add_months(pub.replace(day=1), sign * n))
        return f"{pub.year + sign * n:04d}"
    return None


def _trim(text: str, a: int, b: int, kind: str, m: re.Match) -> tuple[int, int]:
    """Leave out a leading cue that is not part of the date ('on', 'in', 'since')."""
    cue = m.groupdict().get("cue")
    if cue and cue.lower() in ("on", "in", "since", "until", "by", "through", "during", "from", "to",
                              "before", "after", "of"):
        a = m.start("cue") + len(cue)
        while a < b and text[a].isspace():
            a += 1
    return a, b


def _first_match(pat: re.Pattern, text: str, start: int, end: int) -> re.Match | None:
    """pat.search(text, start) when that match starts before `end`, else None, without
    scanning the rest of the text: the match tried at each position in turn is what
    search finds, and the whole text stays visible to look-arounds ("1999 troops")."""
    for pos in range(start, end):
        m = pat.match(text, pos)
        if m:
            return m
    return None


def find_dates(text: str, published: str | None, doc=None) -> list[DateMention]:
    """Every date expression in `text`, resolved to ISO with the precision known.

    Linear in the text: characters already claimed by a date are marked in `taken`
    (one byte each), so no match is compared with every earlier one, and a spaCy
    DATE entity is searched within its own span only."""
    pub = parse_published(published)
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))

    def free(a: int, b: int) -> bool:
        return taken.find(1, a, b) < 0

    def take(a: int, b: int) -> None:
        taken[a:b] = b"\x01" * (b - a)

    for kind, pat in PATTERNS:
        for m in pat.finditer(text):
            a, b = _trim(text, m.start(), m.end(), kind, m)
            if not free(a, b):
                continue  # an earlier, more specific pattern already has these words
            value = _resolve(kind, m, text, pub, doc)
            take(a, b)
            if value:
                found.append((a, b, value))
    if doc is not None:
        # spaCy DATE entities our patterns missed: resolve the date words inside them.
        for ent in doc.ents:
            if ent.label_ != "DATE" or not free(ent.start_char, ent.end_char):
                continue
            for kind, pat in PATTERNS:
                m = _first_match(pat, text, ent.start_char, ent.end_char)
                if m and m.end() <= ent.end_char:
                    value = _resolve(kind, m, text, pub, doc)
                    if value:
                        a, b = _trim(text, m.start(), m.end(), kind, m)
                        found.append((a, b, value))
                        take(a, b)
                    break
    found.sort()
    return [DateMention(text=text[a:b], value=v, start=a, end=b) for a, b, v in found]


# ------------------------------------------------ dates that are not the story's own
# A picture's caption or credit dates the picture ("FILE - In this May 4, 2001, file
# photo, ..."), and a title of a work holds a year that is no event ("the novel 1984"):
# such a date is still a date expression of the article (`find_dates` lists it), but it
# never dates a fact card or a timeline item.

# Credit lines: where one stands, its whole line is the caption (a picture's caption
# ends in its credit, "... in Washington. (AP Photo/Jane Doe)") when the line is
# caption-sized, else the sentence holding it.
_CREDIT_MARK = re.compile(
    r"\b(?:AP|Reuters|AFP|EPA|UPI|Getty|Xinhua|Pool)\s+Photos?\b"   # "(AP Photo/Jane Doe)"
    r"|\bImage\s+(?:copyright|caption)\b|\bPhoto\s+caption\b"
    r"|\bGetty\s+Images\b|\bShutterstock\b|\bAlamy\b"
    r"|\(\s*(?:Photo|Photograph|Picture|Image|Credit|Courtesy)\b"  # "(Photo: ...)", "(Photo by ...)"
    r"|^\s*(?:Photo|Photograph|Picture|Image|Credit|Courtesy)s?(?:\s+(?:by|credit|courtesy(?:\s+of)?))?\s*[:/|]"
    r"|\b(?:Photo|Picture|Image)\s+(?:by|credit|courtesy)\b"
    r"|/\s*(?:AP|Reuters|AFP|EPA|UPI|Getty\s+Images|Bloomberg|Xinhua)\s*\)"  # "... Jane Doe/Reuters)"
    r"|\b(?:REUTERS|AFP|EPA)/[A-Z]"                             # "REUTERS/Jane Doe"
    r"|^\s*(?:\u00a9|\(c\)\s|Copyright\b)"                     # a copyright line
    r"|(?:\.\.\.|\u2026)\s*\((?:Associated\s+Press|AP|Reuters|AFP)\)\s*$",  # a caption cut short: "... (Associated Press)"
    re.I | re.M)
# A picture described: only the sentence holding it is the caption (a wire caption may
# go on with the story's own lead: "FILE - In this 2014 photo, X leaves court. A judge
# on Wednesday approved ...").
_PICTURE_MARK = re.compile(
    r"^\s*FILE(?:\s+PHOTO)?\s*[-\u2013\u2014:]"               # "FILE - In this ... photo", "FILE PHOTO: ..."
    r"|\b(?:in|on)\s+this\s+(?:[\w.,]+\s+){0,6}?(?:file\s+)?(?:photo(?:graph)?|image|picture|frame\s+grab|handout"
    r"|video\s+grab|screen\s*shot|selfie)\b"                     # "in this May 4, 2001, file photo"
    r"|\b(?:photo(?:graph)?|image|picture|frame\s+grab)s?\s+(?:taken|released|provided|distributed|handed\s+out"
    r"|made\s+available)\s+(?:by|on|in|at|to)\b"
    r"|\b(?:this|an?)\s+(?:undated\s+)?(?:photo|image|picture)\s+(?:shows|showing)\b"
    r"|\b(?:poses?|posing|posed)\s+for\s+(?:a\s+)?(?:photo|picture|portrait)s?\b"
    r"|\b(?:is|are)\s+(?:pictured|seen|shown)\s+(?:here|in\s+this|in\s+an?\s+(?:undated\s+)?(?:photo|image|picture))"
    r"|\bpictured\s+(?:above|below|left|right|here|center|centre)\b"
    # a gallery caption led by its date with no comma: "Sept. 29, 2013 A protester yells ..."
    r"|(?:^|(?<=[.!?]\s))(?-i:" + _MON.replace("?P<mon>", "?:") + r")\s+[0-3]?\d,\s+(?:19|20)\d\d\s+(?-i:[A-Z])",
    re.I | re.M)
# A full stop after one of these is no sentence end ("Aug. 15", "Sen. Jane Doe").
_ABBREV = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
                    "mr mrs ms dr sen rep gov gen lt col sgt capt st jr sr no vs inc corp co ltd u.s".split())
# "Jane Doe, right, talks to ...": a position in the picture, only in captions.
_IN_PICTURE = re.compile(r",\s*(?:left|right|center|centre|second\s+(?:left|right)|foreground|background|top|bottom)\s*,\s*[a-z]")
# A wire caption's own dateline closing it: "... in Belfast, Thursday, May 1, 2014."
_CAPTION_DATELINE = re.compile(r",\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{1,2},?\s+"
                               r"(?:19|20)\d\d\W*$")
CAPTION_LINE_WORDS = 80  # a caption paragraph is short; a longer line is running text

# A year inside a title of a work: in quote marks with title case ("1984", "2001: A Space
# Odyssey"), or right after the word naming the kind of work ("the novel 1984").
_WORK_NOUNS = (r"novel|novella|book|memoir|film|movie|flick|documentary|album|song|single|record|show|series|sitcom"
               r"|play|musical|opera|poem|painting|game|video\s+game|episode|bestseller|best-seller|thriller|drama|classic")
_WORK_BEFORE = re.compile(r"\b(?:" + _WORK_NOUNS + r")\s*,?\s*[\"\u201c\u2018']?$", re.I)
_WORK_YEAR = re.compile(r"(?<![\w-])(?:1[0-9]|20)\d\d\b(?!\s*(?:[-\u2013]|to)\s*\d)")
_QUOTED = re.compile(r"[\"\u201c\u2018]([^\"\u201c\u201d\u2018\u2019\n]{1,60}?)[\"\u201d\u2019]")
_TITLE_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "from", "by", "vs", "vs."}


def _line_of(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def _sentence_of(sentences: list[tuple[int, int]] | None, text: str, start: int, end: int) -> tuple[int, int]:
    for s, e in sentences or ():
        if s <= start < e:
            return s, max(e, end)
    return _sentence_around(text, start, end)


def _caption_sentence_end(text: str, pos: int, line_end: int) -> int:
    """The end of the sentence running on from `pos`: the first full stop, "!" or "?"
    before a capital that does not close an abbreviation or an initial."""
    for m in re.finditer(r"[.!?](?=\s+[\"\u201c(]?[A-Z])", text[pos:line_end]):
        word = re.search(r"([\w.]+)$", text[pos:pos + m.start()])
        w = word.group(1).lower().rstrip(".") if word else ""
        if text[pos + m.start()] == "." and (w in _ABBREV or len(w) == 1):
            continue
        return pos + m.end()
    return line_end


# Words one of the markers above needs in its line (lower case).
_CREDIT_KEYS = ("photo", "image", "picture", "getty", "shutterstock", "alamy", "credit", "courtesy", "/",
                "copyright", "\u00a9", "(c)", "press)", "(ap)", "(reuters)", "(afp)")
_PICTURE_KEYS = ("file", "photo", "image", "picture", "frame", "handout", "grab", "screen", "selfie", "pose",
                 "posing", "pictured", "seen", "shown")
_GALLERY_DATE = re.compile(r"\d, (?:19|20)\d\d ")


def caption_spans(text: str, sentences: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of `text` that are photo captions or credit lines: a credit's whole line
    when it is caption-sized (else its sentence), a picture description's sentence."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        low = line.group().lower()
        ls, le = line.span()
        # The markers' words first (plain substring tests): most lines hold none, and
        # the patterns tried at every position of every line cost ten times more.
        if any(k in low for k in _CREDIT_KEYS):
            for m in _CREDIT_MARK.finditer(text, ls, le):
                a, b = ls, le
                if len(text[a:b].split()) > CAPTION_LINE_WORDS:
                    a, b = _sentence_of(sentences, text, m.start(), m.end())
                spans.append((a, b))
        if any(k in low for k in _PICTURE_KEYS) or _GALLERY_DATE.search(low):
            for m in _PICTURE_MARK.finditer(text, ls, le):
                a = max(ls, _sentence_of(sentences, text, m.start(), m.end())[0])
                spans.append((a, _caption_sentence_end(text, m.end(), le)))
    for s, e in sentences or ():
        sent = text[s:e]
        if _IN_PICTURE.search(sent) or _CAPTION_DATELINE.search(sent):
            spans.append((s, e))
    return spans


def _title_case(words: list[str]) -> bool:
    if not words or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL or not w[:1].isalpha() for w in words)


def title_spans(text: str, mentions=()) -> list[tuple[int, int]]:
    """Spans of `text` that are titles of works holding a year: spaCy's WORK_OF_ART
    mentions (any object with label/start/end), title-case text in quote marks, and a
    year right after the kind of work ("the film 2012")."""
    spans = [(m.start, m.end) for m in mentions if m.label == "WORK_OF_ART"]
    for m in _QUOTED.finditer(text):
        inner = m.group(1)
        if re.search(r"\b(?:1[0-9]|20)\d\d\b", inner) and len(inner.split()) <= 8 \
                and not re.search(r"[.!?;]\s", inner) and _title_case(inner.split()):
            spans.append((m.start(1), m.end(1)))
    # Years first, then the words before each: far cheaper than the nouns tried everywhere.
    spans.extend(m.span() for m in _WORK_YEAR.finditer(text)
                 if _WORK_BEFORE.search(text, max(0, m.start() - 30), m.start()))
    return spans


# A date that is not the time of its sentence's own event: one naming another thing,
# written before a noun after a determiner or possessive ("after the 2012 conviction",
# "a September 2011 press release", "1994's Heavenly Creatures"; with one or two words in
# lower case between, "his black 2008 Porsche", "a botched 2007 burglary": 16 dates of the
# ECB+ and Multi-News dev texts, each naming a car, a work, a crime or a season), or one end
# of a period ("between 2010 and 2016", "from 2000 through 2016").
_DETERMINER_BEFORE = re.compile(r"(?:\b(?i:a|an|the|his|her|its|their|our|your|my|this|that|whose)|\w['\u2019]s)\s+"
                                r"(?P<between>(?:[a-z][\w-]*\s+){0,2})$")
_FUNCTION_WORDS = frozenset("and or but nor to through until till when while as after before by in on at for with from "
                            "of is was were are be been will would has had have that which who".split())
# A season or part of the year may stand before either end: "from spring 2009 to spring 2010".
_PART = r"(?:(?i:spring|summer|autumn|fall|winter|early|late|mid-?)\s+)?"
_RANGE_BEFORE = re.compile(r"\b(?:between|from)\s+" + _PART + "$", re.I)
_RANGE_AFTER = re.compile(r"^\s*(?:and|to|through|until|till|[-\u2013\u2014])\s*(?:the\s+end\s+of\s+)?" + _PART +
                          r"(?:[A-Z][a-z]+\.?\s+)?(?:[0-3]?\d,?\s+)?(?:1[89]|20)\d\d\b")
# A year naming a currency's value ("$97,000 in May 2017 dollars") dates nothing; a bare
# "year" after a verb and before a plural noun is a count ("The Army sought 2000
# volunteers"). One mention each in the ECB+ and Multi-News dev texts, both such.
_MONEY_AFTER = re.compile(r"\s+(?:dollars|euros|pounds|yen|prices)\b", re.I)
_COUNT_BEFORE = re.compile(r"\b([a-z]+)\s+$")
_COUNT_AFTER = re.compile(r"\s+[a-z]{2,}s\b")
_NOT_VERBS = frozenset("since during after before around circa early late mid spring summer autumn fall winter "
                       "the a an this that his her its their our".split())

_RANGE_END_BEFORE = re.compile(r"\b(?:between|from)\s+[\w.,\s]{0,20}?(?:1[89]|20)\d\d,?\s*"
                               r"(?:and|to|through|until|till|[-\u2013\u2014])\s*$", re.I)

# ... unless the thing is the occasion of the sentence's event: "In his 2013 parole
# hearing, X told ...", "said at the 2014 meeting", "injured in the October 2017 attack".
_OCCASION_BEFORE = re.compile(r"(?:\b(?:at|during)|(?:^|[.!?\n]\s*)In)\s+\S+\s+$")
_IN_BEFORE = re.compile(r"\bin\s+\S+\s+$", re.I)
_OCCASIONS = frozenset("interview hearing meeting speech election elections campaign attack attacks draft season "
                       "party conference summit race vote debate primary ceremony match game tournament final "
                       "visit trip talks session".split())


def _occasion(before: str, nxt: re.Match) -> bool:
    if _OCCASION_BEFORE.search(before):
        return True
    words = {(w or "").lower() for w in nxt.groups()}
    return bool(_IN_BEFORE.search(before) and words & _OCCASIONS)


def is_event_date(text: str, start: int, end: int) -> bool:
    """False for a date at text[start:end] that names another thing than the time of
    its sentence's event (see _DETERMINER_BEFORE) or bounds a period."""
    before, after = text[max(0, start - 40):start], text[end:end + 40]
    if re.match(r"['\u2019]s\s", after):
        return False  # "1994's film"
    det = _DETERMINER_BEFORE.search(before)
    # "that by 2020": the words between are no function words
    if det and not set(det.group("between").split()) & _FUNCTION_WORDS:
        nxt = re.match(r"\s+([A-Za-z][\w-]*)(?:\s+([A-Za-z][\w-]*))?", after)
        if nxt and nxt.group(1).lower() not in _FUNCTION_WORDS and not _occasion(before, nxt):
            return False
    if _RANGE_BEFORE.search(before) and _RANGE_AFTER.match(after):
        return False
    if re.match(r"[-\u2013\u2014](?:1[89]|20)\d\d\b", after) or _RANGE_END_BEFORE.search(before):
        return False  # "2010-2016"; the end of "between 2010 and 2016"
    if _MONEY_AFTER.match(after):
        return False
    word = _COUNT_BEFORE.search(before)
    if (re.fullmatch(r"(?:1[89]|20)\d\d", text[start:end]) and word and _COUNT_AFTER.match(after)
            and word.group(1) not in _FUNCTION_WORDS | _NOT_VERBS):
        return False
    return True


def not_story_spans(text: str, sentences: list[tuple[int, int]] | None = None,
                    mentions=()) -> list[tuple[int, int]]:
    """Captions, credits and titles of works: the spans whose dates date no fact."""
    return sorted(caption_spans(text, sentences) + title_spans(text, mentions))


def story_dates(dates: list[DateMention], spans: list[tuple[int, int]], text: str | None = None) -> list[DateMention]:
    """The date mentions outside every span of `not_story_spans` (and, given the text,
    only those that date their sentence's own event: `is_event_date`)."""
    # Spans merged and searched by bisection: a long text with many spans and many
    # dates stays n log n.
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    starts = [a for a, _ in merged]

    def inside(d: DateMention) -> bool:
        i = bisect.bisect_right(starts, d.start) - 1
        return i >= 0 and d.end <= merged[i][1]

    return [d for d in dates if not inside(d) and (text is None or is_event_date(text, d.start, d.end))]
