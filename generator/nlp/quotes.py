"""Direct quotes and their speakers (issue 4).

Two passes over one article:

1. Quote-mark pairing on the raw text, paragraph by paragraph: curly and straight
   double marks, then single marks outside the double-quoted spans (a straight or
   curly apostrophe inside a word is never a mark). A quote left open at the end
   of a paragraph runs to the paragraph's end (news style for quotes that go on
   over several paragraphs).
2. Attribution from spaCy's parse: a reporting verb outside the quote that governs
   a token inside it (or sits right next to it) gives the speaker through its
   subject; "according to X"; "X: '...'" headlines; a "— Name" credit after the
   quote; else the named subject of the clause the quote hangs from ("X dismissed
   it as '...'"), or a short "X demanded." right after a whole-sentence quote, or a
   reporting sentence right before it in its paragraph. A he/she speaker is a
   person who is the subject earlier in the same sentence, else the nearer of the
   last person quoted and the last named subject of a clause, skipping a person the
   text calls by the other pronoun (by the full name when that was a bare
   surname); "it"/"they"
   is the last speaker that is no person; "the statement said" is the owner of the
   most recently mentioned statement ("a statement from X", "X's statement"). An
   unattributed quote in the same paragraph as an attributed one continues it.
   Short quotes attributed only through a clause or an adjacent sentence stay
   subject to the scare-quote rule below (keeping them lowered precision on dev).

Scare quotes: a quote of one or two words is only kept when a reporting verb (or
a headline "X:") clearly attributes it to a speaker; a bare 'obvious' that nobody
is said to have said is a scare quote, not a quote. Longer unattributed quotes are
kept with `speaker_name=None`.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict

from generator.nlp import lexicon
from generator.records import QuoteMention

# Inflected forms, not lemmas: the pipeline runs spaCy without its lemmatizer.
REPORTING = set(lexicon.tagged("reporting", "quote"))
PRONOUNS = {"he", "she", "He", "She"}
PLURAL_PRONOUNS = {"they", "They", "we", "We"}
# Title words that precede a name but are not part of it ("ministry spokesman John Smith").
TITLE_WORDS = lexicon.word_set("titles", "speaker-title")
DOCUMENT_NOUNS = lexicon.word_set("newsroom_nouns", "document")
SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
# What a person's gender is read from (see `_Context.gender_of`).
_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_MALE_TITLES = {"mr", "sir", "lord"}
_FEMALE_TITLES = {"mrs", "ms", "miss", "lady", "dame"}


def _pronoun_gender(word: str) -> str | None:
    word = word.lower()
    return "m" if word in _MALE else "f" if word in _FEMALE else None

_DOUBLE = '"“”„«»'
_OPEN_SINGLE = "'‘"
_CLOSE_SINGLE = "'’"
_TRAIL = " \t\n,;:"
_WORD = re.compile(r"\w", re.UNICODE)


def _paragraphs(text: str):
    """(start, end) of each non-empty line; quote pairing never crosses one."""
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, pos + len(line)
        pos += len(line) + 1


_TWO_CHAR = {"''": "'", "``": "“", "‘‘": "“", "’’": "”"}


def _double_marks(text: str, start: int, end: int):
    """(position, width, shape) of each double mark; two apostrophes or backticks
    in a row are one mark (''newswire style'', ``LaTeX style'')."""
    i = start
    while i < end:
        pair = text[i:i + 2]
        if pair in _TWO_CHAR and i + 1 < end:
            yield i, 2, _TWO_CHAR[pair]
            i += 2
            continue
        if pair == "\ufffd?" and (i + 2 >= end or not _WORD.match(text[i + 2])):
            # A closing ” whose bytes were mis-decoded ("...lose that water?\ufffd? said
            # Ann Roe"): as a question mark it would let the quote run on to the end of
            # the paragraph and swallow its own attribution.
            yield i, 2, "”"
            i += 2
            continue
        if text[i] in _DOUBLE:
            yield i, 1, text[i]
        i += 1


def _double_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    open_at = None
    for i, width, ch in _double_marks(text, start, end):
        prev = text[i - 1] if i > start else " "
        nxt = text[i + width] if i + width < end else " "
        if open_at is None:
            # A closing-shaped mark followed by a space is a stray close, not an opening.
            if ch in "”»" and not _WORD.match(nxt):
                continue
            if ch == "'" and (_WORD.match(prev) or not _WORD.match(nxt) and nxt not in "‘'\""):
                continue  # '' after a word or before a space cannot open a quote
            open_at = i + width
        else:
            if ch in "“„«" and prev.isspace() and _WORD.match(nxt):
                open_at = i + width  # the previous opening was stray; start again here
                continue
            spans.append((open_at, i))
            open_at = None
    if open_at is not None and end - open_at > 1:
        spans.append((open_at, end))
    return spans


def _single_spans(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    open_at = None
    # positions in or next to a double-quoted span, marked once (not every span per character)
    blocked = bytearray(end - start)
    for a, b in taken:
        lo, hi = max(a - 2, start), min(b + 1, end - 1)
        if hi >= lo:
            blocked[lo - start:hi - start + 1] = b"\x01" * (hi - lo + 1)
    for i in range(start, end):
        if blocked[i - start]:
            continue
        ch = text[i]
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if open_at is None:
            if ch in _OPEN_SINGLE and not _WORD.match(prev) and _WORD.match(nxt):
                open_at = i
        elif ch in _CLOSE_SINGLE and not _WORD.match(nxt) and not prev.isspace():
            # "countries' leaders": a plural possessive directly followed by a word is
            # not a closing mark when nothing else closes the quote later on the line.
            if prev == "s" and nxt == " " and i + 2 < end and _WORD.match(text[i + 2]) \
                    and any(text[j] in _CLOSE_SINGLE for j in range(i + 1, end)):
                continue
            spans.append((open_at + 1, i))
            open_at = None
    return spans


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words inside each pair of quote marks, trimmed."""
    out = []
    for p_start, p_end in _paragraphs(text):
        doubles = _double_spans(text, p_start, p_end)
        spans = doubles + _single_spans(text, p_start, p_end, doubles)
        for a, b in sorted(spans):
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1] in _TRAIL:
                b -= 1
            if b > a and _WORD.search(text[a:b]):
                out.append((a, b))
    return out


# ------------------------------------------------------------------ attribution
def _ent_of(token):
    """The entity span holding `token`, found from its IOB tags around it (walking
    `doc.ents` per token was quadratic on long texts: `doc.ents` rebuilds every span)."""
    if not token.ent_type_:
        return None
    from spacy.tokens import Span

    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type)


ORG_HEADS = lexicon.word_set("org_heads", "speaker")


def _is_poss(tok) -> bool:
    return tok.text in ("’s", "'s", "’", "'") and tok.dep_ in ("case", "possessive", "poss", "punct")


def _phrase(token) -> list:
    """The subject's own noun phrase: its contiguous left part plus appositions/of-phrases."""
    doc = token.doc
    sub = sorted(token.subtree, key=lambda t: t.i)
    lo = hi = token.i
    idx = {t.i for t in sub}
    while lo - 1 in idx and doc[lo - 1].text not in (",", "“", '"', "”"):
        lo -= 1
    while hi + 1 in idx and doc[hi + 1].text not in (",", "“", '"', "”", "(") \
            and doc[hi + 1].dep_ in ("appos", "compound", "flat", "prep", "pobj", "det", "case", "poss", "amod"):
        hi += 1
    while hi + 1 in idx and (doc[hi + 1].dep_ in ("appos", "pobj", "compound") or doc[hi + 1].head.i in range(lo, hi + 1)) \
            and doc[hi + 1].text not in (",", "“", '"', "”", "("):
        hi += 1
    # "spokesman Lt. Jane Roe": the parser often ends the phrase at the rank's stop and
    # hangs the name on the next clause; the name after an abbreviated title is its own.
    if hi + 1 < len(doc) and doc[hi].text.lower() + "." in TITLE_WORDS and doc[hi + 1].text == ".":
        hi += 1
    if doc[hi].text == "." and hi > lo and doc[hi - 1].text.lower() + "." in TITLE_WORDS:
        while hi + 1 < len(doc) and doc[hi + 1].pos_ == "PROPN" and doc[hi + 1].text[:1].isupper():
            hi += 1
    return list(doc[lo:hi + 1])


# Capitalised words that are dates, never names: the parser often glues a weekday to
# the subject ("the broadcaster Monday said", "Thursday Trump said").
DATE_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "january", "february", "march", "july", "september", "october", "november",
              "december", "today", "yesterday", "tonight", "tomorrow"}  # not April, May, June,
# August: first names as often as months


def _not_a_name(name: str) -> bool:
    """A would-be speaker made only of date words ("Monday", "Last Friday")."""
    words = re.findall(r"[A-Za-z]+", name)
    return bool(words) and all(w.lower() in DATE_WORDS or w.lower() in ("last", "this", "on", "next")
                               for w in words)


def _name_runs(toks) -> list[list]:
    """Runs of capitalised, non-title words ("Jean-Paul Martin" stays one run)."""
    runs, cur = [], []
    for t in toks:
        glued = cur and cur[-1].whitespace_ == "" and not _is_poss(t)
        cap = t.text[:1].isupper() and t.text.lower() not in TITLE_WORDS and t.pos_ in ("PROPN", "NOUN", "X", "ADJ") \
            and t.text.lower() not in DATE_WORDS
        if cap or (glued and (t.text == "-" or t.text[:1].isalpha())):
            cur.append(t)
            continue
        if cur:
            runs.append((cur, _is_poss(t)))
        cur = []
    if cur:
        runs.append((cur, False))
    # An owner ("the president's adviser") is not the speaker while another name is there.
    named = [r for r, poss in runs if not poss]
    return named or [r for r, _ in runs]


def _name_span(token) -> tuple[int, int, bool]:
    """Character span of the name a subject token stands for (titles left out) and
    whether it looks like a person."""
    phrase = _phrase(token)
    ent = _ent_of(token)
    ent_label = ent.label_ if ent is not None else ""
    # The small model tags many people ORG: an ORG entity counts as an organisation
    # when it is shaped like one (a head noun like "Ministry", an acronym, one word).
    org_shaped = ent is not None and (ent[-1].text.lower() in ORG_HEADS or ent[-1].text.isupper()
                                      or len([t for t in ent if t.text.lower() != "the"]) == 1)
    orgish = token.text.lower() in ORG_HEADS or (ent_label == "NORP") or (
        ent_label == "ORG" and org_shaped and not any(t.text.lower() in TITLE_WORDS for t in ent))
    spokes = token.text.lower() in ("spokesman", "spokeswoman", "spokesperson")
    if spokes and any(t.i > token.i and t.text[:1].isupper() for t in phrase):
        orgish = False  # "ministry spokesman John Smith": the person, not the office
    named_before = any(t.i < token.i and t.pos_ == "PROPN" for t in phrase)
    for_whom = [t for c in token.children if c.dep_ == "prep" and c.text.lower() in ("for", "of")
                for t in c.subtree if t.i <= phrase[-1].i] if spokes and not named_before else []
    if for_whom:
        # "a spokeswoman for the state police in the capital said": the spokeswoman
        # speaks for the police; neither the police nor the capital said it.
        runs = _name_runs([t for t in phrase if t.i >= for_whom[0].i])
        if runs:
            return token.idx, runs[0][-1].idx + len(runs[0][-1].text), False
    if not orgish:
        runs = _name_runs(phrase)
        if runs:
            # The run holding the subject word itself ("Del. Jane Roe of the Coastal
            # District": Roe, not the district); else the last one ("ministry
            # spokesman John Smith", where the subject word is "spokesman").
            own = [r for r in runs if any(t.i == token.i for t in r)]
            run = own[0] if own else runs[-1]
            last = _ent_of(run[-1])
            # The small model often tags people ORG; an ORG counts only with an
            # organisation-shaped name ("Reuters", "NATO", "Foreign Ministry").
            orgname = run[-1].text.lower() in ORG_HEADS or run[-1].text.isupper() or len(run) == 1
            exact_place = last is not None and (last.label_ in ("GPE", "NORP", "LOC", "FAC")
                                                or (last.label_ == "ORG" and orgname)) \
                and re.sub(r"^the\s+", "", last.text, flags=re.I) == token.doc[run[0].i:run[-1].i + 1].text
            person = not exact_place
            return run[0].idx, run[-1].idx + len(run[-1].text), person
    toks = [t for t in phrase if t.i <= max(token.i, phrase[0].i)] if orgish else phrase
    toks = [t for t in phrase if t.i <= token.i and t.text.lower() not in DATE_WORDS] or phrase
    while len(toks) > 1 and toks[0].dep_ == "det":
        toks = toks[1:]
    return toks[0].idx, toks[-1].idx + len(toks[-1].text), False


def _subject(verb, quote: tuple[int, int] = (0, 0)):
    """The subject token of a reporting verb, following conjunctions and 'as quoted by'.
    A word inside the quote is never its subject: the parser often hangs the quote's
    own subject on the verb as a second one ('"Prices are high," Jane Roe said')."""
    for child in verb.children:
        if quote[0] <= child.idx < quote[1]:
            continue
        if child.dep_ in ("nsubj", "nsubjpass") and child.text.lower() not in ("that", "which", "who") \
                and (child.text.lower() != "it" or verb.text.lower() in REPORTING):
            return child
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb \
            and not quote[0] <= verb.head.idx < quote[1]:
        return _subject(verb.head, quote)
    if verb.dep_ == "relcl" and verb.head.pos_ in ("PROPN", "NOUN"):
        return verb.head
    if verb.dep_ == "acl" and (verb.head.pos_ == "PROPN" or verb.head.ent_type_ == "PERSON"):
        return verb.head  # 'footage of Jane Roe saying, "..."'
    return None


def _governs(verb, q_start: int, q_end: int) -> bool:
    """True when a token inside the quote depends (transitively) on the verb."""
    for t in verb.subtree:
        if q_start <= t.idx < q_end and t.i != verb.i:
            return True
    return False


class _Context:
    """What earlier quotes taught us, for pronouns and 'the statement said'."""

    def __init__(self, doc, text):
        self.doc, self.text = doc, text
        self.last_person: tuple[str, int, int] | None = None
        self.last_speaker: tuple[str, int, int] | None = None
        self.last_body: tuple[str, int, int] | None = None  # last speaker that is no person
        self.statements: list[tuple[int, tuple[int, int]]] = []
        for tok in doc:
            if tok.text.lower() in DOCUMENT_NOUNS:
                owner = self._owner(tok)
                if owner:
                    self.statements.append((tok.idx, owner))
        # Looked up per quote by position (bisect), never scanned whole per quote.
        self.statement_at = [pos for pos, _ in self.statements]
        self.persons = [e for e in doc.ents if e.label_ == "PERSON"]
        self.person_ends = [e.end_char for e in self.persons]
        self.sents: list | None = None       # on first use: doc.sents needs a parse
        self.quote_starts: list[int] = []    # every quote span of the article, sorted
        self.quote_ends: list[int] = []
        self.sent_ends: list[int] = []
        self.subject_persons: list | None = None
        self.genders: dict[str, str] | None = None
        self.subject_person_ends: list[int] = []

    def _owner(self, noun):
        for child in noun.children:
            if child.dep_ == "poss":
                return _name_span(child)[:2]
            if child.dep_ == "prep" and child.text.lower() in ("from", "by", "of"):
                for g in child.children:
                    if g.dep_ == "pobj":
                        return _name_span(g)[:2]
        return None

    def statement_owner(self, before: int):
        n = bisect.bisect_left(self.statement_at, before)
        return self.statements[n - 1][1] if n else None

    def _subject_persons(self):
        """(end, start, name) of each named person who is the subject of a clause outside
        every quote, in text order (built on first use, once the quote spans are known)."""
        if self.subject_persons is None:
            found = {}
            # A person's surname alone that the model did not tag a person ("Christian
            # said he ...", where "Christian" reads as a religion) is still that person.
            surnames = {e.text.split()[-1] for e in self.persons if len(e.text.split()) > 1}
            for tok in self.doc:
                if tok.dep_ not in ("nsubj", "nsubjpass") or self.in_quote(tok.idx):
                    continue
                if tok.ent_type_ == "PERSON":
                    ent = _ent_of(tok)
                    if ent is not None and _name_shaped(ent.text) and not _not_a_name(ent.text):
                        found[ent.start_char] = (ent.end_char, ent.start_char, ent.text)
                elif tok.pos_ == "PROPN" and tok.text in surnames and not any(
                        c.dep_ in ("compound", "flat") for c in tok.children):
                    found[tok.idx] = (tok.idx + len(tok.text), tok.idx, tok.text)
            self.subject_persons = sorted(found.values())
            self.subject_person_ends = [e for e, _, _ in self.subject_persons]
        return self.subject_persons

    def gender_of(self, name: str) -> str | None:
        """'m', 'f' or None (unknown or split) for a person, by the last word of the name,
        from how the article refers to them: a title before a mention ("Ms Roe"), else
        the first he/she subject after each mention, read outside quotes, in the same or
        the next sentence and before any other person is named ('Ann Roe, 41, said she
        ...' is one vote for "f")."""
        if self.genders is None:
            votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            doc, persons = self.doc, self.persons
            for k, e in enumerate(persons):
                key = e.text.split()[-1]
                title = doc[e.start - 1].text.lower().rstrip(".") if e.start else ""
                if title in _MALE_TITLES or title in _FEMALE_TITLES:
                    votes[key][title in _FEMALE_TITLES] += 2
                    continue
                sent_end = e.sent.end
                limit = doc[sent_end].sent.end if sent_end < len(doc) else sent_end
                if k + 1 < len(persons):
                    limit = min(limit, persons[k + 1].start)
                for t in doc[e.end:limit]:
                    # Only a subject he/she: an object "her" is most often someone else
                    # ("Roe said it was hard to understand her").
                    g = _pronoun_gender(t.text) if t.dep_ in ("nsubj", "nsubjpass") else None
                    if g and not self.in_quote(t.idx):
                        votes[key][g == "f"] += 1
                        break
            self.genders = {key: ("m" if m > f else "f") for key, (m, f) in votes.items()
                            if max(m, f) >= 2 * min(m, f) and m != f}
        words = name.split()
        return self.genders.get(words[-1]) if words else None

    def fits(self, name: str, gender: str | None) -> bool:
        return gender is None or self.gender_of(name) in (None, gender)

    def last_person_before(self, pos: int, gender: str | None = None):
        """Who a he/she before `pos` stands for: the nearer of the last person quoted
        and the last named person who is the subject of a clause ('Police had no plans,
        Chief Ann Roe said. "...," he said.' is Roe's, not an earlier speaker's), passing
        over a person the article refers to by the other pronoun."""
        subjects = self._subject_persons()
        n = bisect.bisect_right(self.subject_person_ends, pos)
        subject = next((subjects[j] for j in range(n - 1, max(-1, n - 7), -1)
                        if self.fits(subjects[j][2], gender)), None)
        last = self.last_person
        if last and last[1] < pos and self.fits(last[0], gender):
            if subject is None or subject[1] <= last[1]:
                return last
        if subject is not None:
            return subject[2], subject[1], subject[0]
        n = bisect.bisect_right(self.person_ends, pos)
        for j in range(n - 1, max(-1, n - 7), -1):
            e = self.persons[j]
            if self.fits(e.text, gender):
                return e.text, e.start_char, e.end_char
        return None

    def in_quote(self, pos: int) -> bool:
        n = bisect.bisect_right(self.quote_starts, pos)
        return bool(n) and pos < self.quote_ends[n - 1]

    def full_name(self, hit):
        """A pronoun's referent by its full name: when the last mention is a bare surname
        ("Okafor said"), the earlier full mention ("Paul Okafor") if exactly one person
        mentioned before carries that surname; else the mention as it is."""
        name, start, _ = hit
        if " " in name.strip():
            return hit
        fuller = {}
        for e in self.persons:
            if e.start_char >= start:
                break
            words = e.text.split()
            if len(words) > 1 and words[-1] == name:
                fuller.setdefault(e.text, (e.text, e.start_char, e.end_char))
        return next(iter(fuller.values())) if len(fuller) == 1 else hit

    def sentences_around(self, q_start: int, q_end: int) -> list:
        """The sentences with end_char >= q_start - 1 and start_char <= q_end + 1."""
        if self.sents is None:
            self.sents = list(self.doc.sents)
            self.sent_ends = [s.end_char for s in self.sents]
        out = []
        i = bisect.bisect_left(self.sent_ends, q_start - 1)
        while i < len(self.sents) and self.sents[i].start_char <= q_end + 1:
            out.append(self.sents[i])
            i += 1
        return out


def _sentence_subject_person(pron, q_start: int, ctx=None):
    """'Jane Roe took to the radio to attack what she called "a rigged count"': a he/she
    refers to the person who is the subject earlier in its own sentence, before any
    speaker of an earlier quote. Words of the quote itself never count ('"Roe lost,"
    he said')."""
    sent = pron.sent
    for tok in reversed(list(pron.doc[sent.start:pron.i])):
        if tok.idx >= q_start:
            continue
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.ent_type_ == "PERSON":
            ent = _ent_of(tok)
            if ent is not None and _name_shaped(ent.text) and \
                    (ctx is None or ctx.fits(ent.text, _pronoun_gender(pron.text))):
                return ent.text, ent.start_char, ent.end_char
    return None


def _speaker_from_token(subj, ctx: _Context, q_start: int):
    """(name, start, end, is_person) for a subject token, None when it names nobody."""
    text = ctx.text
    if subj.text in PRONOUNS or subj.text.lower() in ("he", "she"):
        hit = _sentence_subject_person(subj, q_start, ctx)
        if hit:
            return hit[0], hit[1], hit[2], True
        hit = ctx.last_person_before(q_start if q_start < subj.idx else subj.idx, _pronoun_gender(subj.text))
        if hit:
            hit = ctx.full_name(hit)
            return hit[0], hit[1], hit[2], True
        return None
    if subj.text.lower() in ("it", "they"):
        # '"...," the newspaper wrote. "...," it added.': "it"/"they" as a speaker is the
        # last speaker that was no person (an organisation, a document), if any.
        body = ctx.last_body
        if body and body[1] < subj.idx:
            return body[0], body[1], body[2], False
        return None
    if subj.text.lower() in {p.lower() for p in PLURAL_PRONOUNS} | {"i", "you", "it"}:
        return None
    if subj.text.lower() in DOCUMENT_NOUNS:
        owner = ctx._owner(subj) or ctx.statement_owner(subj.idx)
        if owner:
            return text[owner[0]:owner[1]], owner[0], owner[1], False
    if subj.pos_ == "NOUN":
        # "The firm's chief executive, Jane Roe, said": the name in apposition, not the role.
        for c in subj.children:
            ent = _ent_of(c) if c.dep_ == "appos" else None
            if ent is not None and ent.label_ == "PERSON" and _name_shaped(ent.text):
                return ent.text, ent.start_char, ent.end_char, True
    a, b, person = _name_span(subj)
    if text[b - 2:b] in ("’s", "'s"):
        b -= 2
    name = text[a:b]
    if not _WORD.search(name) or _not_a_name(name):
        return None  # "Monday said": a weekday the parser took for the subject names nobody
    return name, a, b, person


def _according_to(sent_tokens, q_start, q_end):
    for tok in sent_tokens:
        if tok.text.lower() == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text.lower() == "to":
            to = tok.doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"] or \
                   [t for t in tok.doc[tok.i + 2: tok.i + 12] if t.pos_ in ("PROPN", "NOUN")][-1:]
            if objs and not (q_start <= objs[0].idx < q_end):
                return tok, objs[0]
    return None


_HEADLINE_NAME = re.compile(r"([A-Z][\w’'.-]*(?:[ \u00a0][A-Z][\w’'.-]*){0,3}):\s")


def _headline_speaker(doc, text, q_start):
    """'Smith: Council's plan 'unacceptable'' -> the name before the colon."""
    line_start = text.rfind("\n", 0, q_start) + 1
    m = _HEADLINE_NAME.match(text, line_start)
    if not m or m.end() > q_start:
        return None
    a, b = m.span(1)
    if text[a:b].isupper() and not _names_someone(doc, text[a:b], a):
        return None  # a heading in capitals ("ON SAFETY: '...'"), not a speaker's name
    person = not any(e.label_ in ("GPE", "ORG", "NORP") and e.start_char <= a and e.end_char >= b
                     for e in doc.ents)
    return text[a:b], a, b, person


def _tokens_in(doc, a: int, b: int):
    return [t for t in doc if a <= t.idx < b]


def _frame(doc, text: str, q_start: int, q_end: int, ctx: _Context):
    """Tokens of the sentences holding the opening and closing marks."""
    sents = ctx.sentences_around(q_start, q_end)
    toks = [t for s in sents for t in s]
    # A quote that closes a sentence is often attributed in the next short one
    # ('"...." he said.' parsed as two sentences).
    if sents:
        last = sents[-1]
        if last.end < len(doc) and last.end_char <= q_end + 3:
            nxt = doc[last.end].sent
            toks += [t for t in nxt][:8]
    # Attribution never crosses a paragraph (headlines glued to the body by spaCy).
    # (`text` is doc.text, passed in: Doc.text joins every token anew on each call.)
    p_start = text.rfind("\n", 0, q_start) + 1
    p_end = text.find("\n", q_end)
    p_end = len(text) if p_end < 0 else p_end
    before = _rstrip_end(text, p_start)  # len(text[:p_start].rstrip()), without the copy
    if before and text[before - 1] == ":" and not text[p_start:q_start].strip(" \"“'‘"):
        # 'Smith said:' closing the paragraph before a quote that opens the next one.
        colon_sent = doc.char_span(before - 1, before, alignment_mode="expand")
        if colon_sent is not None:
            sent = colon_sent[0].sent
            toks = [t for t in sent] + toks
            p_start = min(p_start, sent.start_char)
    return [t for t in toks if p_start <= t.idx < p_end]


def _rstrip_end(text: str, end: int, chars: str | None = None) -> int:
    """len(text[:end].rstrip(chars)) without copying the text before `end`."""
    end = min(len(text), end if end >= 0 else max(0, len(text) + end))
    while end > 0 and (text[end - 1] in chars if chars is not None else text[end - 1].isspace()):
        end -= 1
    return end


def _name_shaped(name: str) -> bool:
    """A speaker has letters and no digits ("5:45 p.m." is a time, not a speaker)."""
    return bool(re.search(r"[A-Za-z]", name)) and not re.search(r"\d", name)


def _attribute(doc, text, q_start, q_end, ctx: _Context):
    """(speaker tuple or None, cue or None, clearly_attributed)."""
    frame = _frame(doc, text, q_start, q_end, ctx)
    outside = [t for t in frame if not (q_start - 1 <= t.idx < q_end + 1)]
    verbs = [t for t in outside if t.text.lower() in REPORTING and t.pos_ in ("VERB", "AUX", "NOUN")
             or (t.text.lower() in REPORTING and t.dep_ in ("ROOT", "conj", "parataxis", "ccomp", "advcl", "relcl"))]

    def dist(v):
        return q_start - v.idx if v.idx < q_start else v.idx - q_end

    governing = [v for v in verbs if _governs(v, q_start, q_end)]
    near = [v for v in verbs if dist(v) <= 60]
    for cands in (sorted(governing, key=dist), sorted(near, key=dist)):
        for verb in cands:
            subj = _subject(verb, (q_start, q_end))
            if subj is not None and ctx.in_quote(subj.idx):
                subj = None  # 'said on the show "Fox and Friends"': a title in quotes speaks not
            if subj is None and verb.idx > q_end:
                # '"...," Chief Jane Roe said' with the name parsed as anything but
                # the subject: the name between the quote and the verb.
                between = [t for t in doc[max(0, verb.i - 8):verb.i] if t.idx >= q_end]
                names = [t for t in between if t.ent_type_ == "PERSON"] or \
                    [t for t in between if t.ent_type_ == "ORG"] or \
                    [t for t in between if t.pos_ == "PROPN" and t.text[:1].isupper()
                     and t.text.lower() not in TITLE_WORDS]
                # only a name and its titles: '"...," Blige sings to Clinton before
                # asking' has a clause in between, and Clinton asks nothing.
                only_name = not any(t.pos_ in ("ADP", "SCONJ", "CCONJ") for t in between)
                subj = names[-1] if names and only_name else None
            if subj is None:
                # '"...," said Smith' sometimes parses Smith as dobj/attr.
                after = []
                for t in doc[verb.i + 1: verb.i + 6]:
                    if t.pos_ == "ADP" or ctx.in_quote(t.idx):
                        break  # 'said on Radio North': a name after a preposition is no subject
                    if t.ent_type_ in SPEAKER_LABELS:
                        after.append(t)
                subj = after[-1] if after else None
                if subj is not None:
                    ent = _ent_of(subj)
                    subj = ent[-1] if ent is not None else subj
            if subj is None or (q_start <= subj.idx < q_end):
                continue
            speaker = _speaker_from_token(subj, ctx, q_start)
            if speaker and _name_shaped(speaker[0]):
                return speaker, verb.text, True
    acc = _according_to(outside, q_start, q_end)
    if acc:
        tok, obj = acc
        speaker = _speaker_from_token(obj, ctx, q_start)
        if speaker and _name_shaped(speaker[0]):
            return speaker, "according to", True
    head = _headline_speaker(doc, text, q_start)
    if head:
        return head, ":", True
    gov = _clause_speaker(frame, q_start, q_end, ctx)
    if gov:
        return gov[0], gov[1], False
    adj = _adjacent_sentence_speaker(doc, text, q_start, q_end, ctx)
    if adj:
        return adj[0], adj[1], False
    return None, None, False


def _root_speaker(sent, ctx: _Context, q_start: int, q_end: int, reporting_only: bool):
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or root.text.lower() in _COPULAS:
        return None
    if reporting_only and root.text.lower() not in REPORTING:
        return None
    subj = _subject(root, (q_start, q_end))
    if subj is None or not _named_subject(subj):
        return None
    speaker = _speaker_from_token(subj, ctx, q_start)
    if speaker and _name_shaped(speaker[0]):
        return speaker, root.text
    return None


def _adjacent_sentence_speaker(doc, text: str, q_start: int, q_end: int, ctx: _Context):
    """A quote that is a whole sentence, attributed by the sentence next to it in the
    same paragraph: '"Why is this allowed?" Roe demanded.' (a short sentence right
    after the quote) or 'Talks may resume in May, Roe said. "We are not in a hurry."'
    (a reporting sentence right before it)."""
    p_start = text.rfind("\n", 0, q_start) + 1
    p_end = text.find("\n", q_end)
    p_end = len(text) if p_end < 0 else p_end
    sents = ctx.sentences_around(q_start, q_end)
    if not sents:
        return None
    last = sents[-1]
    nxt = doc[last.end].sent if last.end < len(doc) else None
    words = [t for t in nxt if not t.is_space] if nxt is not None else []
    if words and nxt.start_char <= q_end + 3 and words[-1].idx < p_end and len(words) <= 8:
        hit = _root_speaker(nxt, ctx, q_start, q_end, reporting_only=False)
        if hit:
            return hit
    first = sents[0]
    if first.start > 0 and not text[first.start_char:q_start].strip(" \t\"“‘'"):
        prev = doc[first.start - 1].sent
        if prev.start_char >= p_start and not any(c in prev.text for c in _DOUBLE):
            hit = _root_speaker(prev, ctx, q_start, q_end, reporting_only=True)
            if hit:
                return hit
    return None


_COPULAS = {"be", "is", "are", "was", "were", "been", "being", "'s", "’s", "'re", "’re",
            "have", "has", "had", "having"}


def _named_subject(subj) -> bool:
    """A subject that names someone: a proper noun or entity ("Jane Roe", "the Council"),
    "he"/"she", or a document ("the report") - not "the plan" or "critics"."""
    if subj.text.lower() in ("he", "she") or subj.text.lower() in DOCUMENT_NOUNS:
        return True
    if subj.pos_ == "PROPN" or subj.ent_type_ in SPEAKER_LABELS:
        return True
    if any(c.dep_ in ("compound", "appos", "flat") and (c.pos_ == "PROPN" or c.ent_type_ == "PERSON")
           for c in subj.children):
        return True
    # "Her former business partner at the firm, Jo Lee, called ...": a person named
    # in the subject's own phrase.
    phrase = list(subj.subtree)
    return len(phrase) <= 12 and any(t.ent_type_ == "PERSON" for t in phrase)


def _clause_speaker(frame, q_start: int, q_end: int, ctx: _Context):
    """The subject of the clause a quote belongs to when its verb is no reporting verb:
    'Jane Roe dismissed the plan as "a waste of money"', 'Roe boasted, "We won."',
    'as Roe put it, "..."'. Walks up from the quote to the first verb that has a
    subject; that subject must name someone, else the quote stays unattributed."""
    inside = [t for t in frame if q_start <= t.idx < q_end]
    outside_idx = {t.i for t in frame if not (q_start <= t.idx < q_end)}
    tops = [t for t in inside if t.head.i in outside_idx]
    starts = [t.head for t in tops]
    # 'as Roe put it, "..."': a clause outside the quote hanging from a word inside it.
    starts += [t for t in frame if t.i in outside_idx and t.head in inside and t.pos_ in ("VERB", "AUX")
               and t.dep_ in ("advcl", "parataxis") and any(c.dep_ == "mark" and c.text.lower() == "as" for c in t.children)]
    for start in starts:
        tok = start
        for _ in range(6):
            if q_start <= tok.idx < q_end:
                break
            if tok.pos_ in ("NOUN", "PROPN", "PRON") and tok is not start:
                break  # "Roe's claim that ... 'x'": the quote hangs from a noun phrase, not a clause
            # A copula or "have" is not the act of speaking: 'agreed that the plan is
            # "too costly"' belongs to whoever agreed, not to "the plan".
            if tok.pos_ in ("VERB", "AUX") and tok.text.lower() not in _COPULAS:
                subj = _subject(tok, (q_start, q_end))
                if subj is not None and not (q_start <= subj.idx < q_end):
                    if not _named_subject(subj):
                        break
                    speaker = _speaker_from_token(subj, ctx, q_start)
                    if speaker and _name_shaped(speaker[0]):
                        return speaker, tok.text
                    break
            if tok.head is tok:
                break
            tok = tok.head
    return None


# A credit after the closing mark: '"We will rebuild." ― Jane Roe' (reader comments, epigraphs).
# The name must close the paragraph or be followed by a comma (", a teacher"), so a dash
# that goes on with the reporter's sentence ('"..." -- and Smith agreed') is no credit.
_DASH_CREDIT = re.compile(r"[\s.,!?\"”’'»]*(?:―|—|–|--)[ \t\u00a0]*"
                          r"((?:[A-Z][\w’'.-]*)(?:[ \t\u00a0]+(?:[A-Z][\w’'.-]*|de|da|van|von|del|la|bin|al)){0,5})"
                          r"[ \t\u00a0]*(?:[.,]?[ \t\u00a0]*(?=\n|$)|,)")


def _dash_credit(text: str, q_end: int):
    """(name, start, end, True) for a '— Name' credit right after the quote, else None."""
    m = _DASH_CREDIT.match(text, q_end)
    if not m:
        return None
    a, b = m.span(1)
    words = text[a:b].split()
    while words and words[0].lower() in TITLE_WORDS:  # "— Sen. Jane Roe": the title is no name
        a = text.index(words[1], a) if len(words) > 1 else b
        words = words[1:]
    b = a + len(text[a:b].rstrip(".")) if words else b
    if not words:
        return None
    return text[a:b], a, b, True


_SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "is", "it"}
_TRANSCRIPT = re.compile(r"([A-Z][A-Z.'’ -]{1,40}[A-Z]):\s")
# The opening quote mark follows a word of the same sentence ("appeared on", "host of").
_INSIDE_SENTENCE = re.compile(r"[\w,]\s*[\"“‘']?\s*$")


def _names_someone(doc, label: str, at: int) -> bool:
    """A transcript label ("SMITH:") names a person or body the article names elsewhere
    ("Jane Smith"): every word of the label is a word of such a name. A heading in
    capitals before a colon names no one the text mentions."""
    words = set(re.findall(r"[A-Z][A-Z'’.-]*", label.upper()))
    if not words:
        return False
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG", "NORP") and not (ent.start_char <= at < ent.end_char):
            if words <= set(re.findall(r"[A-Z][A-Z'’.-]*", ent.text.upper())):
                return True
    # The tagger misses many names: a label whose last word the text also writes as a
    # capitalised word inside a sentence ("... the chef Ana Smith ...") names someone.
    last = re.findall(r"[A-Za-z'’.-]+", label)[-1]
    return bool(re.search(r"[A-Za-z,]\s+" + re.escape(last.title()) + r"\b", doc.text))


def is_title(quoted: str, before: str = "") -> bool:
    """'Fox News Sunday', 'The Apprentice': a title of a work or show, not a remark.

    `before` is the text ahead of the opening quote mark. A final full stop is the
    sentence's own (US style puts it inside the closing mark: 'she appeared on "The
    Late Hour."') when the quote stands inside a sentence: after a word, not at a
    sentence start, after a colon or a reporting verb, where a capitalised 'We Will
    Win.' is a remark."""
    quoted = quoted.rstrip()
    line = re.findall(r"[^\W\d_][\w'’-]*", before[before.rfind("\n") + 1:])[-8:]
    if len(line) >= 3 and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in line):
        return False  # a headline in title case ('Senators Call The Plan "A Disaster"'): capitals mark nothing
    inside = _INSIDE_SENTENCE.search(before)
    last = re.findall(r"\w+", before[-20:])[-1:]
    if quoted.endswith(".") and not quoted.endswith("..") and inside and not (last and last[0].lower() in REPORTING):
        quoted = quoted[:-1]  # ('she said "We Will Win."' is a remark: a reporting verb leads it)
    words = quoted.split()
    if not words or len(words) > 6 or quoted[-1:] in ".!?":
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS or not w[:1].isalpha()
               for w in words) and words[0][:1].isupper()


def _whole_paragraph(text: str, a: int, b: int) -> bool:
    p_start = text.rfind("\n", 0, a) + 1
    p_end = text.find("\n", b)
    p_end = len(text) if p_end < 0 else p_end
    return not text[p_start:a].strip(" \t\"“‘'") and not text[b:p_end].strip(" \t\"”’'.,!?")


def _in_previous_paragraph(text: str, last: QuoteMention, para: int) -> bool:
    """The quote `last` is in the paragraph just before the one starting after `para`."""
    prev_end = _rstrip_end(text, para, "\n")
    prev_start = text.rfind("\n", 0, prev_end) + 1
    return prev_start <= last.start < para


def find_quotes(doc, text: str) -> list[QuoteMention]:
    """Every direct quote in one article, with its speaker as written."""
    ctx = _Context(doc, text)
    out: list[QuoteMention] = []
    last_in_para: dict[int, QuoteMention] = {}
    spans = quote_spans(text)
    ctx.quote_starts = [a for a, _ in spans]
    ctx.quote_ends = [b for _, b in spans]
    for a, b in spans:
        words = len(text[a:b].split())
        if is_title(text[a:b], text[max(0, a - 40):a]):
            continue
        m = _TRANSCRIPT.match(text, a)
        if m:
            # A transcript line quoted whole: "PENCE: Well, ..." - the speaker leads it.
            speaker, cue, clear = (m.group(1), m.start(1), m.end(1), True), ":", True
        else:
            speaker, cue, clear = _attribute(doc, text, a, b, ctx)
            if speaker is None:
                credit = _dash_credit(text, b)
                if credit:
                    speaker, cue, clear = credit, "—", True
        para = text.rfind("\n", 0, a)
        if speaker is None and words >= 3:
            prev = last_in_para.get(para)
            if prev is None and out and _whole_paragraph(text, a, b) and _in_previous_paragraph(text, out[-1], para):
                # News style: a paragraph that is all quote, right after a paragraph
                # whose last quote was attributed, goes on with the same speaker.
                prev = out[-1]
            if prev is not None and prev.speaker_name:
                # A quote continued (same paragraph or the next), attribution given once.
                speaker = (prev.speaker_name, prev.speaker_start, prev.speaker_end, False)
                cue = prev.cue
        if words <= 2 and not clear:
            continue  # scare quotes
        q = QuoteMention(text=text[a:b], start=a, end=b,
                         speaker_name=speaker[0] if speaker else None,
                         speaker_start=speaker[1] if speaker else None,
                         speaker_end=speaker[2] if speaker else None, cue=cue)
        if speaker:
            last_in_para[para] = q
            ctx.last_speaker = speaker[:3]
            if speaker[3]:
                ctx.last_person = speaker[:3]
            elif cue not in ("—", ":"):
                ctx.last_body = speaker[:3]
        out.append(q)
    return out
