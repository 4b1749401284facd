"""Entities: people, organisations and places merged across spelling variants (issue 4).

Names come from spaCy's NER mentions (and quote speakers). Within one story they are
merged by these rules, in order:

1. Same normalised form: case, hyphens, apostrophes, accents and white space do not
   count ("Jean-Paul Martin" = "Jean Paul Martin"); a possessive 's and a leading "the" are
   dropped; title words before a person's name are not part of it ("US President
   John Smith" -> "John Smith").
2. Close transliterations: same surname and the same number of words, first names
   equal after folding common romanisation pairs (y/i, ey/ei, ks/x, kh/h, doubled
   letters) or one edit apart ("Aleksei Ivanov" = "Alexey Ivanov"), but not a pair
   that differs only in a final vowel or a final "a" ("Mario"/"Maria", "Aleksandr"/
   "Aleksandra": two people of one family).
3. A one-word mention that is the first or last word of a multi-word person name
   ("Ivanov" after "Alexey Ivanov") when exactly one person of the story carries it.
   When two do (siblings "Anna Berg" and "Maria Berg"), a person-labelled bare "Berg"
   is no entity at all: it links to neither, and a sentence naming only "Berg" lists
   neither id. A bare name labelled a place or organisation is left as it is.
4. A non-person span ending in a full person name ("State John Smith") is that person.
5. A country's possessive is its demonym ("Norway's energy ministry" = "Norwegian
   Energy Ministry", one id whichever is written), and a bare body ("Energy Ministry")
   joins the one country's body of that name in the story, none when two fit.

Kind: the majority of spaCy's labels across the mentions, unless the name's shape rules
it out: an acronym is never a person (outlets and agencies get PERSON labels), and an
acronym the story spells out in lower case ("submarine-launched ballistic missile
(SLBM)") or counts in the plural ("UAVs") is a thing, `other`, not an organisation.

Junk is filtered by shape before any of that: lower-case starts, digits, URL-ish
text, wire markup and tickers ("<ABCD.HK>"), two names run together with a comma
(firm names like "Smith, Jones & Co" kept), very long names, line breaks, pronouns or
prepositions swept in at either end ("Her lawyers", "Museum for"), and for people any
lower-case word that is not a name particle (al, van, de...). After merging, a one-word
name the story writes in lower case at least as often ("Office"/"the office"; for a
person, more often) is a common word, not an entity.

The entity id is the slug of the canonical name (its most frequent full form) with
word-final "ey"/"iy" folded to "ei"/"i", so transliteration variants of one name get
the same id in every story whichever spelling is the most frequent there.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from generator.ids import UnionFind, slugify
from generator.nlp import lexicon
from generator.records import Entity

KIND_OF_LABEL = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
                 "EVENT": "other", "LAW": "other", "PRODUCT": "other", "WORK_OF_ART": "other"}
# Words of a title or role written before a person's name.
TITLE_WORDS = lexicon.word_set("titles", "name-title")
# A name whose last word is a role is a title, not a name ("Finance Minister").
ROLE_WORDS = lexicon.word_set("titles", "name-end")
# Common abbreviations of the same place or body: general knowledge, not corpus-specific.
ABBREVIATIONS = lexicon.mapping("abbreviations")
# Country -> demonym adjective: "Chile's foreign ministry" is the "Chilean Foreign Ministry".
# Language knowledge, not corpus tuning; keys are `key()` forms.
DEMONYMS = lexicon.demonyms()
_DEMONYM_WORDS = set(DEMONYMS.values())
_URLISH = re.compile(r"(://|www\.|\.com\b|\.org\b|\.net\b|@|/|\\|_|\|)", re.I)
# Labels whose names may start with any word (titles of works, laws, events).
_TITLED_LABELS = {"WORK_OF_ART", "LAW", "EVENT"}
_EDGE_WORDS = lexicon.words("name_edges")
_SENTENCE_ADVERBS = lexicon.words("sentence_adverbs")
# Lower-case words inside people's names: "Bashar al-Assad", "Ludwig van Beethoven".
_NAME_PARTICLES = lexicon.words("name_particles")
# Nouns that head an institution's name but name nothing on their own.
_GENERIC_HEADS = lexicon.word_set("org_heads", "generic")
_TICKER = re.compile(r"[A-Z]{2,}\.[A-Z]{1,2}")
_POSSESSIVE = re.compile(r"[’']s?$")


# fold and key run on every mention of every story, mostly the same few names:
# memoised, they stop dominating the stories stage.
@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Accents off, unicode spaces and dashes plain."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u00a0\u2000-\u200b\u202f]", " ", text)
    return re.sub(r"[\u2010-\u2015]", "-", text)


@functools.lru_cache(maxsize=1 << 16)
def key(name: str) -> str:
    """Comparison key: case, hyphens, dots, apostrophes and spacing do not count."""
    k = fold(name).lower()
    k = re.sub(r"[’'`]", "", k)
    k = re.sub(r"[^\w]+", " ", k)
    return re.sub(r"\s+", " ", k).strip()


_OWNED = re.compile(r"^(.+?)[’']s?\s+(\S.*)$")


def country_owner(name: str) -> tuple[str, str] | None:
    """("chile", "foreign ministry") for "Chile's foreign ministry"; None unless the
    owner is a country we know the demonym of."""
    m = _OWNED.match(fold(name))
    if m and re.search(r"[’']s\s", fold(name)) and key(m.group(1)) in DEMONYMS:
        return key(m.group(1)), key(m.group(2))
    return None


def org_key(name: str) -> str:
    """`key`, with a country's possessive written as its demonym: "Chile's foreign
    ministry" and "Chilean Foreign Ministry" are one body."""
    owned = country_owner(name)
    if owned:
        return f"{DEMONYMS[owned[0]]} {owned[1]}"
    return key(name)


def slug(name: str) -> str:
    words = org_key(name).split()
    # Given names only (not the surname): "Alexey"/"Alexei" -> "alexei", "Bradley" stays.
    words = [re.sub(r"ey$", "ei", re.sub(r"iy$", "i", w)) for w in words[:-1]] + words[-1:]
    # The words are already `key` forms (letters and digits of any script, lower case):
    # the slug keeps them as they are.
    return slugify(" ".join(words), None, fold_accents=False, ascii_only=False, drop_apostrophes=False,
                   default="entity")


def translit(word: str) -> str:
    """Fold common romanisation differences of one (lower-case) word."""
    w = word
    for a, b in (("kh", "h"), ("ks", "x"), ("ey", "ei"), ("iy", "i"), ("yu", "iu"), ("ya", "ia"),
                 ("y", "i"), ("j", "i"), ("w", "v"), ("ph", "f")):
        w = w.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", w)


def _edit1(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def _gender_pair(a: str, b: str) -> bool:
    """Two given names of a pair that differ only in a final vowel or a final "a"
    ("Mario"/"Maria", "Aleksandr"/"Aleksandra"): usually two people, brother and sister."""
    short, long_ = sorted((a, b), key=len)
    if len(a) == len(b):
        return a[:-1] == b[:-1] and a[-1] != b[-1] and a[-1] in "aeiou" and b[-1] in "aeiou"
    return long_ == short + "a"


def same_given_name(a: str, b: str) -> bool:
    if a == b:
        return True
    ta, tb = translit(a), translit(b)
    if ta == tb:
        return True
    return len(a) >= 4 and len(b) >= 4 and a[0] == b[0] and _edit1(ta, tb) and not _gender_pair(a, b)


_FIGURE = re.compile(r"^\(?[$\u20ac\u00a3]?\d[\d,./-]*%?\)?$")


def figure_row(line: str) -> bool:
    """A row of a figure table ("Revs 20.1 mln vs 18.3 mln", "Avg shrs 2,332,397"): a
    third or more of its words are figures. The tagger takes a row's capitalised label
    for a name; it names nothing."""
    words = line.split()
    return len(words) >= 3 and sum(bool(_FIGURE.match(w)) for w in words) * 3 >= len(words)


def clean_name(text: str, label: str) -> str | None:
    """The name as written, without possessive, leading article and (for people)
    leading titles; None for anything that is not name-shaped."""
    name = re.sub(r"\s+", " ", fold(text).replace("\n", " ")).strip(" \t,;:.-\"“”‘’'()[]<>")
    if "\n" in text or len(name) > 60 or len(name.split()) > 6 or not name:
        return None
    if "," in name and not re.search(r"&|\b(Inc|Ltd|LLC|LLP|Jr|Sr|Co|Corp|PLC|plc)\b", name):
        return None  # two names run together ("Smith, University of Oslo")
    if _TICKER.fullmatch(name) or re.search(r"[<>]", name):
        return None  # wire markup: "<ABCD.HK>", "<Acme Inc>" cut in two
    # Wire copy writes the apostrophe as a straight double quote ('Brazil"s'), some sites
    # as an opening single quote ("Kevin Roe‘s"), a mis-decoded page as "?" ("Roe?s").
    name = re.sub(r'(?<=\w)["\u2018?]s\b', "'s", name)
    name = _POSSESSIVE.sub("", name) if re.search(r"\w[’']s?$", name) else name
    name = re.sub(r"^(the|The|THE)\s+", "", name)
    if re.match(r"[AaPp]\.[Mm]\.\s", name):
        return None  # a live blog's time stamp glued to its entry's first name ("A.M. Hamas says")
    words = name.split()
    while len(words) > 1 and words[0].lower() in _SENTENCE_ADVERBS:
        words = words[1:]  # the sentence's opening adverb, not a name's first word
    name = " ".join(words)
    if label not in _TITLED_LABELS:
        # A pronoun or preposition spaCy swept in at either end is not part of a name
        # ("Her attorneys", "Via Executive Order", "Field Museum for").
        words = name.split()
        while words and words[0].lower() in _EDGE_WORDS:
            words = words[1:]
        while words and words[-1].lower() in _EDGE_WORDS | {"of", "the", "de"}:
            words = words[:-1]
        name = " ".join(words)
    if label == "PERSON":
        words = name.split()
        # Leading title words out, as long as a capitalised name remains.
        while len(words) > 1 and words[0].lower().rstrip(".") in TITLE_WORDS:
            words = words[1:]
        name = " ".join(words)
    if not name or not name[0].isupper() or _URLISH.search(name) or re.search(r"\d", name):
        return None
    if not re.search(r"[A-Za-z]", name) or len(name) < 2:
        return None
    words = name.split()
    if key(name) in ABBREVIATIONS:
        return name
    if "’s " in name or "'s " in name:
        # "South Korea's Unification Ministry" is the ministry; the owner is another entity.
        owned = re.split(r"[’']s ", name, maxsplit=1)[1]
        # A country's ministry stays whole: it is the same body as "<Demonym> Ministry".
        # A generic head noun ("the Trade Representative's Office") is no name by itself.
        if owned[:1].isupper() and (label == "PERSON" or (
                not country_owner(name) and key(owned) not in _GENERIC_HEADS)):
            return clean_name(owned, label)
    if all(w.lower().rstrip(".") in TITLE_WORDS for w in words):
        return None
    if label == "PERSON" and any(w[0].islower() and re.split(r"[-’']", w)[0] not in _NAME_PARTICLES
                                 for w in words):
        return None  # "attorneys": a person's name has capitalised words only
    if words[-1].lower() in ROLE_WORDS:
        return None
    return name


_ACRONYM_DEF = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,10})\(([A-Z]{2,8})s?\)")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,8})s\b")
_ACRONYM_BRACKETED = re.compile(r"\(([A-Z]{2,8})s?\)")


def acronym_long_form(acronym: str, before: str) -> str | None:
    """The words before "(ACRONYM)" that it abbreviates (Schwartz & Hearst 2003: each
    letter found right to left, the first one at a word start), None when they do not fit."""
    words = before.split()
    text = " ".join(words[-min(len(acronym) + 5, 2 * len(acronym)):])
    li = len(text) - 1
    for si in range(len(acronym) - 1, -1, -1):
        c = acronym[si].lower()
        while li >= 0 and (text[li].lower() != c or (si == 0 and li > 0 and text[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
    return text[text.rfind(" ", 0, li + 1) + 1:]


def common_noun_acronyms(text: str) -> set[str]:
    """Acronyms the text uses as common nouns, not names: spelt out in lower case
    ("intercontinental ballistic missile (ICBM)") or counted in the plural ("ICBMs")."""
    found = {m.group(1) for m in _ACRONYM_PLURAL.finditer(text)}
    # The definition pattern tries up to ten words at every position: look for it only
    # where an acronym stands in brackets at all.
    for m in _ACRONYM_DEF.finditer(text) if _ACRONYM_BRACKETED.search(text) else ():
        long_form = acronym_long_form(m.group(2), m.group(1))
        if long_form and long_form == long_form.lower():
            found.add(m.group(2))
    return found


@dataclass
class _Cluster:
    forms: Counter = field(default_factory=Counter)      # cleaned surface form -> count
    labels: Counter = field(default_factory=Counter)
    first: int = 0                                       # order of first mention
    aliases_only: set = field(default_factory=set)       # forms never used as the name

    @property
    def size(self) -> int:
        return sum(self.forms.values())

    def words(self) -> list[str]:
        return key(self.canonical()).split()

    def canonical(self) -> str:
        names = [f for f in self.forms if f not in self.aliases_only] or list(self.forms)
        if self.kind() == "person":
            # A person's name with a word swept in before another full form of it
            # ("Teacher Linda Hooper", "Frail Jon Roe" beside "Jon Roe") is that form.
            keyed = {f: org_key(f) for f in names}
            keys = {k for k in keyed.values() if " " in k}
            names = [f for f in names if not any(keyed[f].endswith(" " + k) for k in keys)] or names
        most = max(len(org_key(f).split()) for f in names)
        full = [f for f in names if len(org_key(f).split()) == most]
        # A name written without a possessive ("Chilean Foreign Ministry") reads as the name.
        return sorted(full, key=lambda f: (country_owner(f) is not None, -self.forms[f], f))[0]

    def kind(self) -> str:
        label = sorted(self.labels.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return KIND_OF_LABEL.get(label, "other")


class EntityIndex:
    """Clusters of names for one story, and the lookup from a surface form to its id."""

    def __init__(self) -> None:
        self._by_key: dict[str, _Cluster] = {}
        self._order = 0
        self._final: dict[str, str] = {}
        self._entities: list[Entity] = []
        self._alias_keys: dict[str, str] = {}
        self._common: set[str] = set()
        self._words: Counter = Counter()   # running-text words as written
        # Per article: (mention, name, label) as the caller read them, for later lookups.
        self.named: dict[str, list] = {}

    def note_text(self, text: str) -> None:
        """Learns from a story's text which acronyms are things, not organisations,
        and which words it writes in lower case (common words, not names)."""
        self._common |= common_noun_acronyms(text)
        # Words standing in running text, not inside a URL, handle or file name.
        for word in re.findall(r"(?:(?<=^)|(?<=[\s(“\"‘]))[A-Za-z][a-z]+(?=[\s,.;:!?)”\"’]|$)", text):
            self._words[word] += 1

    def is_common_word(self, cl: "_Cluster") -> bool:
        """A one-word organisation or thing that the story writes in lower case at
        least as often as capitalised ("Office" beside "the office", a heading
        "LEADERSHIP" beside "leadership"), or a person more often, is a common word
        spaCy tagged at a sentence start or in a title, not a name. Places are not
        judged so ("Turkey" and "turkey"), nor acronyms."""
        name = cl.canonical()
        if " " in name or (name.isupper() and len(name) <= 6) or self._kind(cl) == "place":
            return False
        low = name.lower()
        # Compared with the capitalised count: a name the copy desk sometimes wrote in
        # lower case ("smith said") is still a name.
        lower, capital = self._words[low], self._words[low.capitalize()]
        # A person needs the stronger evidence: losing a real name is the worse error.
        return lower > capital if self._kind(cl) == "person" else (lower > 0 and lower >= capital)

    def _kind(self, cl: "_Cluster") -> str:
        """The majority label's kind, unless the name's shape rules it out: an acronym
        is not a person's name, and an acronym the story uses as a common noun is a
        thing (a weapon, a product), not an organisation."""
        kind = cl.kind()
        name = cl.canonical()
        # Acronyms are short; "SWAZILAND" is a place name set in capitals.
        acronym = " " not in name and name.isupper() and name.isalpha() and len(name) <= 6
        if acronym and name in self._common:
            return "other"
        if acronym and kind == "person":
            return "org"
        return kind

    def add(self, text: str, label: str) -> None:
        name = clean_name(text, label)
        if name is None or label not in KIND_OF_LABEL:
            return
        k = org_key(name)
        if k in ABBREVIATIONS:
            # Counted under the full name; the abbreviation is kept as an alias.
            full = ABBREVIATIONS[k]
            self.add(full, label)
            self._by_key[key(full)].forms[full] -= 1
            self._by_key[key(full)].forms[name] += 1
            self._by_key[key(full)].aliases_only.add(name)
            self._alias_keys[k] = key(full)
            return
        cl = self._by_key.get(k)
        if cl is None:
            cl = self._by_key[k] = _Cluster(first=self._order)
            self._order += 1
        cl.forms[name] += 1
        cl.labels[label] += 1

    def build(self, story_id: str | None) -> list[Entity]:
        clusters = sorted(self._by_key.items(), key=lambda kv: kv[1].first)
        sets = UnionFind(k for k, _ in clusters)
        find = sets.find

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                # The earlier-seen cluster stays the root: deterministic.
                first = min((ra, rb), key=lambda r: self._by_key[r].first)
                sets.attach(ra if first == rb else rb, first)

        people = [(k, cl) for k, cl in clusters if len(k.split()) >= 2 and cl.kind() == "person"]
        # Rule 2: transliteration variants of the given name(s), same surname.
        for i, (ka, _) in enumerate(people):
            wa = ka.split()
            for kb, _ in people[i + 1:]:
                wb = kb.split()
                if len(wa) == len(wb) and wa[-1] == wb[-1] and all(
                        same_given_name(x, y) for x, y in zip(wa[:-1], wb[:-1])):
                    union(ka, kb)
        # Rule 2a: a middle initial is no other person ("Peter T. King" and "Peter King"),
        # unless two different initials stand between the same names (two people).
        plain: dict[str, list[str]] = defaultdict(list)
        for k, _ in people:
            words = k.split()
            core = [w for w in words if len(w.rstrip(".")) > 1]
            if len(core) >= 2 and core[0] == words[0] and core[-1] == words[-1]:
                plain[" ".join(core)].append(k)
        for core, ks in plain.items():
            initials = {tuple(w for w in k.split() if len(w.rstrip(".")) <= 1) for k in ks} - {()}
            if len(ks) > 1 and len(initials) <= 1:
                for k in ks[1:]:
                    union(ks[0], k)
        # Rule 2b: a short form of the given name, its start or its end ("Chris Roe" and
        # "Christopher Roe", "Bekah Roe" and "Rebekah Roe"), when it fits one longer given
        # name of that surname only ("Chris" beside "Christopher" and "Christine": neither).
        two = [(k, k.split()) for k, _ in people if len(k.split()) == 2]
        for ka, (ga, sa) in two:
            fits = {kb for kb, (gb, sb) in two if sb == sa and len(ga) >= 3 and len(gb) > len(ga)
                    and (gb.startswith(ga) or gb.endswith(ga)) and not _gender_pair(ga, gb)}
            if len(fits) == 1:
                union(ka, next(iter(fits)))
        # Rule 2c: a person's name that ends in another person's full name is that
        # person with a word swept in before it ("CLOSE Jane Doe" from a page's button).
        for ka, _ in people:
            for kb, _ in people:
                if len(kb.split()) >= 2 and ka.endswith(" " + kb):
                    union(ka, kb)
                    break

        # Rule 3: one-word mentions of a person named in full elsewhere in the story,
        # only when exactly one person of the story carries that name.
        ambiguous: set[str] = set()
        for k, cl in clusters:
            if len(k.split()) != 1 or all(f.isupper() for f in cl.forms):
                continue  # acronyms ("UN") are not parts of names; "Smith" beside "SMITH" is
            as_person = cl.labels.get("PERSON", 0) >= cl.size / 2
            last, first = set(), set()
            for kp, clp in people:
                words = kp.split()
                if k == words[-1]:
                    last.add(find(kp))
                elif as_person and k == words[0]:
                    first.add(find(kp))
            # The surname, written last, first; a family name written first ("Kim") only
            # when tagged a person and no one's surname is that word.
            fits = last or first
            if len(fits) == 1:
                union(k, next(iter(fits)))
            elif len(fits) > 1 and cl.kind() != "place":
                # Two people carry the name (siblings, spouses, "Kim Jong Un" and "Kim Jong
                # Sik"): the bare name could be either, so it names no one, whatever label
                # spaCy gave it. How often each is mentioned says nothing about which one
                # a sentence means. A place ("Washington") stays a place.
                ambiguous.add(k)

        # Rule 4: a mislabelled span holding a title and a full person name
        # ("State John Smith" as ORG) is that person; its text is only an alias.
        absorbed: set[str] = set()
        full_people = {kp for kp, _ in people}
        for k, cl in clusters:
            if k in full_people or cl.kind() == "person":
                continue
            for kp in full_people:
                if k.endswith(" " + kp):
                    union(k, kp)
                    absorbed.add(k)
                    break

        # Rule 5: "Foreign Ministry" is the "Chilean Foreign Ministry" when the story
        # names only one country's body of that name; with two, it stays alone.
        by_tail: dict[str, list[str]] = defaultdict(list)
        for k2, cl2 in clusters:
            words = k2.split()
            for n in (1, 2):
                if len(words) > n and " ".join(words[:n]) in _DEMONYM_WORDS and cl2.kind() == "org":
                    by_tail[" ".join(words[n:])].append(k2)
        for k, cl in clusters:
            owners = by_tail.get(k, [])
            if cl.kind() in ("org", "other") and len({find(o) for o in owners}) == 1:
                union(k, owners[0])

        groups: dict[str, _Cluster] = {}
        extra: dict[str, set[str]] = defaultdict(set)
        full_labels: dict[str, Counter] = defaultdict(Counter)
        for k, cl in clusters:
            root = find(k)
            g = groups.setdefault(root, _Cluster(first=self._by_key[root].first))
            if k in absorbed:
                extra[root].update(cl.forms)
                continue
            g.forms.update(cl.forms)
            g.labels.update(cl.labels)
            g.aliases_only |= cl.aliases_only
            if len(k.split()) >= 2:
                full_labels[root].update(cl.labels)
        # What an entity is, its full names say: the tagger often takes a bare surname for
        # an organisation ("Stumpf" 7 times ORG beside "John Stumpf" 4 times PERSON).
        for root, labels in full_labels.items():
            groups[root].labels = labels
        entities = []
        for root, g in sorted(groups.items(), key=lambda kv: kv[1].first):
            if self.is_common_word(g) or root in ambiguous:
                continue
            name = g.canonical()
            eid = slug(name)
            for k, _ in clusters:
                if find(k) == root:
                    self._final[k] = eid
            aliases = sorted(({f for f in g.forms} | extra[root]) - {name})
            entities.append(Entity(id=eid, name=name, kind=self._kind(g), aliases=aliases,
                                   stories=[story_id] if story_id else []))
        # Two clusters may land on one slug (e.g. "US" and "U.S."): keep one entity per id.
        merged: dict[str, Entity] = {}
        for e in entities:
            if e.id in merged:
                m = merged[e.id]
                m.aliases = sorted(set(m.aliases) | set(e.aliases) | ({e.name} - {m.name}))
            else:
                merged[e.id] = e
        self._entities = list(merged.values())
        return self._entities

    def ids(self) -> set[str]:
        """The ids of the entities `build` returned."""
        return {e.id for e in self._entities}

    def name_of(self, eid: str) -> str | None:
        """The canonical name of entity `eid` (after build), None when there is none."""
        for e in self._entities:
            if e.id == eid:
                return e.name
        return None

    def id_of(self, text: str, label: str = "PERSON") -> str | None:
        """The entity id a surface form belongs to (after build), None when none."""
        for lab in (label, "ORG", "PERSON", "GPE"):
            name = clean_name(text, lab)
            if name:
                k = self._alias_keys.get(org_key(name), org_key(name))
                if k in self._final:
                    return self._final[k]
        return None


def merge_all(per_story: list[list[Entity]]) -> list[Entity]:
    """One Entity per id across stories: aliases and stories united, sorted by id.

    Only equal ids merge. A story that names someone by surname only ("Smith")
    keeps its own `smith` entity even when another story has "Jane Smith": the
    stories' fact cards and quotes already cite the ids their story chose, and a wrong
    merge of two namesakes is worse than a missed one. The result does not depend on
    the order of the stories."""
    by_id: dict[str, list[Entity]] = defaultdict(list)
    for entities in per_story:
        for e in entities:
            by_id[e.id].append(e)
    out = []
    for eid in sorted(by_id):
        group = by_id[eid]
        names = Counter(e.name for e in group)
        name = sorted(names, key=lambda n: (-names[n], n))[0]
        kinds = Counter(e.kind for e in group)
        kind = sorted(kinds, key=lambda k: (-kinds[k], k))[0]
        aliases = set()
        stories = set()
        for e in group:
            aliases.update(e.aliases)
            aliases.add(e.name)
            stories.update(e.stories)
        aliases.discard(name)
        out.append(Entity(id=eid, name=name, kind=kind, aliases=sorted(aliases), stories=sorted(stories)))
    return out
