"""Summary and title of a story, chosen from its fact cards and headlines.

Nothing is rewritten: summary sentences are card texts and the title is (usually) a
headline of one of the articles, else the first clause of the top card.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from generator.config import ExtractSettings
from generator.nlp.terms import words
from generator.records import Analysis, Article, Fact, SummaryItem
from generator.stories.extract.cards import Card
from generator.stories.extract.sentences import (JUNK, CAPTION, CREDIT, clarity, is_fragment, references_in,
                                                 page_matter, standalone_problem, strict_problem)
from generator.stories.group import publication_day


def summarise(cards: list[Card], sim, settings: ExtractSettings, x=None) -> list[SummaryItem]:
    """The key points: card texts that stand alone, the facts most outlets carry first,
    no two saying the same thing.

    Cards are taken by how many outlets cite them (4 before 3 before 2 ...), ties by
    their centrality, position and clarity (the rank less its outlets term), until
    `summary_min` are chosen and their texts reach `summary_words` words (at most
    `summary_max`): a story told in long sentences gets fewer points than one told in
    short ones. Only cards that stand alone (`stands_alone`) are taken, even when fewer
    than `summary_min` do: a line that leans on a sentence not shown, a caption or a
    tweet is no key point. On Multi-News dev this order beat every other tried against
    the human references (README, "Stories and summaries"): ties in rank order; the card
    rank alone, where a lead sentence of few outlets can pass a fact most outlets
    report; a TF-IDF centroid, LexRank, word-frequency (SumBasic) or concept-coverage
    score, with or without a position prior or a bonus for articles not yet quoted; the
    leads of the articles in turn; a penalty on quoted remarks.

    A card is redundant when its text is close to a chosen card's text: TF-IDF cosine
    of the two texts (`x`, the story's sentence matrix) above `summary_redundancy`,
    else, for cards not built by `build_cards`, any sentence of one close to any of
    the other in the story similarity.
    """
    import numpy as np

    chosen: list[Card] = []
    by_text = x is not None and all(c.text >= 0 for c in cards)
    if by_text:
        rows = x[[c.text for c in cards]]
        cos = (rows @ rows.T).toarray() if hasattr(rows, "toarray") else np.asarray(rows @ rows.T)
        at = {id(c): i for i, c in enumerate(cards)}

    def redundant(card: Card) -> bool:
        if by_text:
            return any(float(cos[at[id(card)], at[id(c)]]) > settings.summary_redundancy for c in chosen)
        return any(float(np.max(sim[np.ix_(card.members, c.members)])) > settings.summary_redundancy
                   for c in chosen)

    rank = {id(c): i for i, c in enumerate(cards)}
    # Within a tier, the card's centrality, position and clarity, not its rank: the rank
    # counts the outlets aligned with the card's text, and the tier those citing it.
    by_outlets = sorted(cards, key=lambda c: (-c.outlets, -round(c.score - c.carried, 9), rank[id(c)]))
    length = 0
    for card in by_outlets:
        if len(chosen) >= settings.summary_max or (
                len(chosen) >= settings.summary_min and length >= settings.summary_words):
            break
        if stands_alone(card, settings) and not NO_COMMENT.search(card.fact.text) and not redundant(card):
            chosen.append(card)
            length += len(words(card.fact.text))
    # Lead with the top card, then follow the order in which the articles tell it.
    ordered = chosen[:1] + sorted(chosen[1:], key=lambda c: (c.position, c.fact.id))
    return [SummaryItem([c.fact.id]) for c in ordered]


def stands_alone(card: Card, settings: ExtractSettings) -> bool:
    """A card whose text a reader can take in on its own: clear, not a piece of a quote,
    no caption, page furniture, unnamed speaker or reference to a sentence not shown
    (`sentences.standalone_problem`). Key points and titles are chosen among these."""
    text = card.fact.text
    return card.problem is None and clarity(text) >= settings.clear_text and not is_fragment(text)


def _index(members) -> dict[str, Analysis]:
    """{article id: analysis}; `members` may already be one."""
    return members if isinstance(members, dict) else {a.id: an for a, an in members}


def _own_source(fact: Fact, members):
    """The source a card's text is (verbatim at its offsets) and its article's analysis."""
    by_id = _index(members)
    src = next((r for r in fact.sources if r.excerpt == fact.text and r.article in by_id), None)
    return (src, by_id[src.article]) if src is not None else (None, None)


def is_lead(fact: Fact, members) -> bool:
    """The card's text opens its article (one of its first two sentences, a dateline or
    a caption may come first): news writes its lead to introduce what it names."""
    src, an = _own_source(fact, members)
    return src is not None and _opens(src, an)


def _opens(src, an: Analysis) -> bool:
    return len(an.sentences) < 2 or src.start < an.sentences[1][1]


def fact_strict_problem(fact: Fact, members, cache: dict | None = None, anywhere: bool = False) -> str | None:
    """`sentences.strict_problem` of a card's text, with the names and references the
    analysis found in it (the text is verbatim at its source's offsets), whether it is
    its article's lead (`is_lead`) and the surnames its article names in full.
    `members`: the story's (article, analysis) pairs or {article id: analysis};
    `cache`: a dict kept across the cards of one story (each article's names sorted
    once, so a story of thousands of cards is read in n log n); `anywhere`: the
    reading's checks of definite phrases anywhere in the line (`strict_problem`)."""
    src, an = _own_source(fact, members)
    if src is None:
        return strict_problem(fact.text, anywhere=anywhere)
    cache = {} if cache is None else cache
    if src.article not in cache:
        ms = sorted(an.mentions, key=lambda m: m.start)
        cache[src.article] = ([m.start for m in ms], ms, {m.text.split()[-1] for m in ms
                                                         if m.label == "PERSON" and len(m.text.split()) > 1})
    starts, ms, surnames = cache[src.article]
    mentions = [(m.start - src.start, m.end - src.start, m.label)
                for m in ms[bisect_left(starts, src.start):bisect_left(starts, src.end)] if m.end <= src.end]
    return strict_problem(fact.text, references_in(an, src.start, src.end), mentions, _opens(src, an), surnames,
                          anywhere)


# A trailing attribution ("..., police said", "..., according to court papers"): the
# title keeps the clause it attributes. No other cut: a first clause cut at a comma is
# often an apposition or a lead-in ("Cobain's daughter with Courtney Love, ...").
_TRAILING_ATTRIBUTION = re.compile(r",\s+(?:(?:\w+\s+){0,5}(?:said|says|told \w+|reported|reports|added|"
                                   r"announced|confirmed)(?:\s+\w+){0,3}|according to(?:\s+\S+){1,8})$")
# The first sentence of a card text that runs over two ("Jon Roe was charged. Police
# say he fled."): a sentence end followed by a capital, outside quotes.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9\)][.!?])\s+(?=[A-Z])|(?<=[a-z0-9\)]) [.!?]\s+(?=[A-Z])")


def _title_from(sentence: str, settings: ExtractSettings) -> str:
    """The text's main clause, as written, without the final stop: its first sentence,
    less a trailing attribution ("Jon Roe was charged, police said" -> "Jon Roe was
    charged"). Never cut inside a quote or mid-clause: a long title reads better than
    one stopped mid-sentence."""
    text = sentence.strip()
    first = text.split("\n", 1)[0].strip()
    if first != text and len(words(first)) >= 5 and not is_fragment(first):
        text = first  # a card text over two paragraphs: the title is the first
    for m in _SENTENCE_END.finditer(text):
        head = text[:m.start()]
        last = head.rsplit(None, 1)[-1]
        if "." in last[:-1] or (last[:1].isupper() and len(last) <= 5):
            continue  # "Mr.", "Sen.", "U.S.": an abbreviation, not a sentence end
        if not is_fragment(head):
            text = head
            break
    text = text.rstrip(".!?")
    clause = _TRAILING_ATTRIBUTION.sub("", text)
    # A line opening with a quote keeps its attribution: without it the quote has no
    # speaker, or a speaker and no verb ('"The ring is gone," Jon Roe, her husband';
    # 4 stand-alone card texts of the 100 dev clusters).
    if len(words(clause)) >= 5 and not is_fragment(clause) and text.lstrip()[:1] not in "\"\u201c\u2018'":
        text = clause
    return text


# A sentence end inside the line: a caption or a teaser ("... issue of the magazine.
# Subscribe"), not a headline.
_INNER_STOP = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])[.!?][\"\u201d\u2019]?\s+[A-Z]")  # not "O.J. Roe", "Mr. Roe"


# First or second person with no attribution: a post or a remark ("Just wanted to let
# you know I'm fine"), not a headline; "We will not back down, minister says" is one.
_PERSONAL = re.compile(r"\b(?:I|I'm|I\u2019m|us)\b|\b(?i:me|my|we|our|you|your)\b")
_ATTRIBUTED = re.compile(r"\b(?:says?|said|tells?|told|warns?|vows?)\b|:", re.I)


def headline_shaped(h: str, settings: ExtractSettings, names: frozenset[str] | set[str] = frozenset()) -> bool:
    """A headline that can name a story: a few words, opening in capitals, not a
    question, caption, credit, subscription line or piece of a quote."""
    hw = words(h)
    if not (3 <= len(hw) <= settings.title_max_words) or h.endswith("?"):
        return False
    first = h.lstrip("\"\u201c\u2018'")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if _PERSONAL.search(h) and not _ATTRIBUTED.search(h):
        return False
    # Captions, credits, furniture ("Warning: contains spoilers"), a line that continues
    # another ("But the plan stalled"): the checks of a card's text, on its wording.
    if standalone_problem(h, headline=True) not in (None, "speaker"):
        return False
    # A headline names the event's who or where or how many: a capitalised word after
    # the first, a name the story's cards use (`names`), or a figure ("Know what's
    # happening in the field" names nothing).
    if not any(w[:1].isupper() or w[:1].isdigit() for w in hw[1:]) and hw[0] not in names:
        return False
    return not (JUNK.search(h) or CAPTION.search(h) or is_fragment(h) or _INNER_STOP.search(h))


# A line saying that someone would not or could not comment ("X did not immediately
# respond to a request for comment", "Y declined to comment"): true, but no fact of the
# story; it neither names the event nor tells it. 23 lines of the Multi-News dev passages.
NO_COMMENT = re.compile(r"\b(?:did not|didn't|could not|couldn't)\s+(?:immediately\s+)?(?:respond|reply|return)\w*\b"
                        r"[^.]{0,40}\b(?:comment|requests?|calls?|messages?|e-?mails?)\b|\bcould(?: not|n't) be reached\b|"
                        r"\bdeclined to comment\b", re.I)


# A line that reads on its own yet states no event: a scene in the past progressive
# ("X was working on his farm when a panda ..."), a speculation ("Civilizations would
# need ...", "... could be a fake"; not "may", the word of a study's finding) or an
# estimate ("Y is estimated to have ..."). Looked for outside quotes, in the main clause
# (before a "when", "as", "after", "who", "where" ... clause).
_NO_EVENT = re.compile(r"\b(?:was|were)\s+(?!going\b)\w+ing\b|\b(?:would|could|might)\s+(?!have\b|not\b)[a-z]+\b|"
                       r"\b(?:is|are)\s+(?:estimated|believed|thought)\s+to\b", re.I)
_SUBORDINATE = re.compile(r"\b(?:when|as|while|after|because|but|since|until|before|who|which|that|whose|where)\b", re.I)


def states_no_event(text: str) -> bool:
    """`_NO_EVENT` in the main clause of `text`, outside quotes."""
    outside = re.sub(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]", " ", text)
    m = _SUBORDINATE.search(outside)
    return bool(_NO_EVENT.search(outside[:m.start()] if m else outside))


# A quoted remark in the first or second person: '"I came in the morning," ...'.
_QUOTED_PERSONAL = re.compile(r"[\"\u201c][^\"\u201c\u201d]*\b(?:I|I'm|I\u2019m|(?i:me|my|we|our|you|your))\b"
                              r"[^\"\u201c\u201d]*[\"\u201d]")


def choose_title(members: list[tuple[Article, Analysis]], cards: list[Card], settings: ExtractSettings) -> str:
    """The headline that best names the top facts; else one cut from the top card."""
    top = " ".join(c.fact.text for c in cards[:3])
    top_words = {w.lower() for w in words(top)}
    # capitalised words inside the cards' sentences: names ("Davis discloses ...")
    names = {w for c in cards for w in words(c.fact.text)[1:] if w[:1].isupper()}
    best, best_score = None, 0.0
    for article, _ in members:
        h = " ".join((article.headline or "").split())
        if not headline_shaped(h, settings, names):
            continue
        hw = words(h)
        overlap = sum(w.lower() in top_words for w in hw) / len(hw)
        caps = sum(w.isupper() and len(w) > 3 for w in hw) / len(hw)
        score = overlap - caps - (0.2 if h.endswith("...") else 0)
        if best is None or score > best_score:
            best, best_score = h, score
    if best is not None:
        return best
    # else the top card that reads on its own, corroborated first (what the first key
    # point shows); a caption or a dangling line never names a story
    alone = [c for c in cards if stands_alone(c, settings)]
    if settings.title_strict:
        # a line that reads on its own by the stricter reading, an article's lead first
        # (a mid-article line names a detail: background, a quote, a scene), then one
        # that more outlets carry
        index, cache = _index(members), {}
        strict = {id(c): fact_strict_problem(c.fact, index, cache) for c in alone}
        # An article's lead is also its first line that reads on its own when only a
        # caption, an embed or a heading line comes before it (the third sentence at
        # most: "Media playback is unsupported ... Media caption X: | Jon Roe was
        # charged ..."). On the 100 Multi-News dev clusters this changes 7 titles, 6 of
        # them from a caption, background or mid-article detail to the event's line.
        first: dict[str, int] = {}
        for c in alone:
            src, an = _own_source(c.fact, index)
            if src is not None and strict[id(c)] is None and \
                    sum(1 for s, _e in an.sentences if s < src.start) < 3:
                first[src.article] = min(first.get(src.article, src.start), src.start)

        def lead(c: Card) -> bool:
            src, _an = _own_source(c.fact, index)
            return is_lead(c.fact, index) or src is not None and first.get(src.article) == src.start

        texts = {a.id: a.text for a, _an in members}

        def captioned(src) -> bool:
            # A photo credit right after the line in its paragraph ("... in the East Room.
            # (AP Photo/Jane Roe)", "(Jon Roe / Staff Photographer)"): the line is the
            # photo's caption, whatever its wording. Of the 47 stand-alone lines of the 100
            # Multi-News dev clusters followed by a parenthesis, the 20 followed by such a
            # credit are all photo captions (6 also state a fact: a title names the event).
            rest = texts.get(src.article, "")[src.end:].split("\n", 1)[0].lstrip()
            paren = rest[:rest.find(")") + 1] if rest[:1] == "(" else ""
            return bool(paren) and ("/" in paren or bool(CREDIT.search(paren) or CAPTION.search(paren)))

        def weak(c: Card) -> bool:
            # Reads on its own, yet names no event: a remark quoted in the first or second
            # person ('..., the note reads: "I'm pregnant"'), or a person by surname alone
            # when the article gives the full name ("Roe, 41, was in the car when ...":
            # an apposition lets a key point pass, not a title). On the 100 dev clusters
            # 3 titles were such lines. Also a photo's caption (`captioned`) and a line
            # saying someone did not comment (`NO_COMMENT`).
            if _QUOTED_PERSONAL.search(c.fact.text) or NO_COMMENT.search(c.fact.text):
                return True
            src, an = _own_source(c.fact, index)
            if src is None:
                return False
            if captioned(src):
                return True
            people = [m for m in an.mentions if m.label == "PERSON" and src.start <= m.start < src.end]
            full = {m.text.split()[-1] for m in an.mentions if m.label == "PERSON" and len(m.text.split()) > 1}
            return bool(people) and min(people, key=lambda m: m.start).start == src.start and \
                len(people[0].text.split()) == 1 and people[0].text in full and \
                not any(len(m.text.split()) > 1 and m.text.endswith(people[0].text) for m in people)

        def nameless(c: Card) -> bool:
            # Names no one and nothing (no person, body, place, work ... the parse found):
            # "An $8 billion exchange merger is in the works ...", "In a blog post, the
            # company outlined ...". Among leads, a line that names the event's participant
            # comes first; a lead still goes before a named line from further down (this
            # check before the lead's changed 7 dev titles, 2 for the worse: "For people with
            # heart disease ..., a new study suggests" -> "Lead study author Dr. X ...").
            # On the 100 dev clusters this changes 4 titles, each from a line naming nothing
            # or a teaser to one naming who acted (or a teaser's equal).
            src, an = _own_source(c.fact, index)
            return src is not None and not any(src.start <= m.start < src.end for m in an.mentions)

        # then the line more outlets carry (3 before 2 before 1: on the 100 dev clusters
        # 2 titles change, "Under the terms of the settlement, X will take steps ..." -> "X
        # have agreed to pay a $40,000 fine ...", and one paraphrase of the event for another)
        alone.sort(key=lambda c: (strict[id(c)] is not None, weak(c), states_no_event(c.fact.text), not lead(c),
                                  nameless(c), -c.outlets))
    else:
        alone = [c for c in alone if c.outlets >= 2] + [c for c in alone if c.outlets < 2]
    if alone:
        return _title_from(alone[0].fact.text, settings)
    clear = [c for c in cards if clarity(c.fact.text) >= settings.clear_text and not is_fragment(c.fact.text)
             and not page_matter(c.fact.text)]
    if clear or cards:
        return _title_from((clear or cards)[0].fact.text, settings)
    for article, _ in members:
        if article.text.strip():
            return _title_from(article.text.strip().splitlines()[0], settings)
    return "Untitled story"


def story_date(articles: list[Article]) -> str | None:
    days = [d for d in (publication_day(a) for a in articles) if d]
    return min(days).isoformat() if days else None

