"""Datelines: the place, date and wire credit that open a news report.

"BERLIN (dpa) - The council...", "Moscow, Dec 27 (IANS) Russia...", "WASHINGTON — ...".
The describe stage reads the place, outlet and date from the first paragraph's dateline;
the story stage trims one off a sentence before it stands on a fact card (the card
shows the span after it, still verbatim at its own offsets).
"""
from __future__ import annotations

import re

_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-zA-Z]*\.?"
# A dateline opens the first paragraph: PLACE[, Mon DD[, YYYY]] [(Outlet)] -|–|—, or just (Outlet) -.
_PLACE = r"[A-Z][A-Za-z.'\u2019-]*(?:\s+[A-Z][A-Za-z.'\u2019-]*){0,3}"
# a region after the place: "PORTLAND, Ore.", "HAUPPAUGE, N.Y.", "VANCOUVER, British Columbia"
_REGION = r"(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)?"
_CAPS_PLACE = r"[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+){0,3}"
# a capitals place's state as wires abbreviate it ("SYCAMORE, Ill. --", "WOODBRIDGE, N.J. -"):
# it has a small letter or a stop, so a transcript's "KELLY ROE, HOST:" is no dateline
_STATE_NAME = r"(?:,\s*(?=[A-Za-z]*[a-z.])[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)?"
_OUTLET = r"\((?P<outlet>[^()\n]{2,40})\)"
_DASH = r"(?P<dash>[-\u2013\u2014:]+)"
# Two or three places joined by slashes, where a wire filed from several cities
# ("GAZA/JERUSALEM Israel's cabinet ...", "AMMAN/BEIRUT, Jordan Rebels ..."): the
# slashes mark it as a dateline even with no dash after it, so the text after it
# only has to open with a capitalised word that is not all capitals ("NASA/JPL-CALTECH"
# is a photo credit, not a place; each place has 3 letters or more: "AC/DC", "US/UK" are
# no datelines). 2 such leads in Multi-News dev, both datelines.
_SLASH_PLACES = r"[A-Z][A-Z.'\u2019-]{2,}(?:\s+[A-Z][A-Z.'\u2019-]+)?(?:/[A-Z][A-Z.'\u2019-]{2,}(?:\s+[A-Z][A-Z.'\u2019-]+)?){1,2}"
# A place and its state's postal code or abbreviation, then a spaced dash, as local
# outlets write it ("Springfield, IL - Monday, the council ..."): 1 lead in Multi-News
# dev. The code is what marks it: "However, Trump - who ..." is no dateline.
_STATE = r"(?:[A-Z]{2}|[A-Z][a-z]{1,4}\.)"
DATELINES = [re.compile(rx) for rx in (
    rf"^(?P<place>{_PLACE}{_REGION})\s*,\s*(?P<date>{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)\s*(?:{_OUTLET}\s*)?{_DASH}?\s*",
    rf"^(?P<place>{_CAPS_PLACE}{_REGION})\s*{_OUTLET}\s*{_DASH}?\s*",
    rf"^(?P<place>{_PLACE}{_REGION})\s*{_OUTLET}\s*{_DASH}\s*",
    rf"^(?P<place>{_CAPS_PLACE}{_STATE_NAME})\s*{_DASH}\s*",
    rf"^{_OUTLET}\s*{_DASH}\s*",
    rf"^(?P<place>{_PLACE},\s*{_STATE})\s+(?P<dash>[-\u2013\u2014]+)\s+",
    rf"^(?P<place>{_SLASH_PLACES}{_REGION})\s*(?:{_OUTLET}\s*)?{_DASH}?\s+(?=[A-Z][a-z\u2019']+\s)",
)]


def dateline_match(para: str):
    """The regex match of a dateline opening the paragraph (followed by text), or None."""
    for rx in DATELINES:
        m = rx.match(para)
        if m:
            rest = para[m.end():]
            if rest[:1].isalnum() or rest[:1] in "\"\u201c'\u2018":
                return m
    return None


def dateline_end(text: str) -> int:
    """Where the text after a dateline opening `text` starts (0 when there is none)."""
    m = dateline_match(text)
    return m.end() if m else 0
