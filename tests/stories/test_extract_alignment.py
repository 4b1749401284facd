"""Alignment recall and precision of fact cards (issue 3 follow-up).

Two checks: pairs judged by reading the sample corpus (should / should not share a
card), and a held-out synthetic story written for this test (another domain, other
wording), so the rules are not fitted to the seeds. Plus the building blocks:
attribution spans, core terms, the generic-pair guard.
"""
from __future__ import annotations

import pytest

from generator.config import ExtractSettings
from generator.nlp.terms import attribution_spans, core_terms
from generator.stories.extract import extract_story
from generator.stories.extract.align import core_shared, term_weights
from generator.stories.extract.sentences import story_sentences
from generator.stories.group import StoryGroup
from tests.story_helpers import analyse, make_article, sample_members


def _story(texts, outlets=None, settings=None):
    arts = [make_article(f"a{i}", t, (outlets or [f"o{i}" for i in range(len(texts))])[i])
            for i, t in enumerate(texts)]
    an = analyse(arts)
    members = [(a, an[a.id]) for a in arts]
    return extract_story(StoryGroup("s", [a.id for a in arts]), members, settings), arts


def _together(story, needle_a, needle_b) -> bool:
    """Some card cites a sentence containing needle_a and one containing needle_b."""
    for fact in story.facts:
        texts = [s.excerpt for s in fact.sources]
        if any(needle_a in t for t in texts) and any(needle_b in t for t in texts):
            return True
    return False


def _invariant(story, arts):
    texts = {a.id: a.text for a in arts}
    for fact in story.facts:
        assert len({s.article for s in fact.sources}) == len(fact.sources)
        for ref in fact.sources:
            assert texts[ref.article][ref.start:ref.end] == ref.excerpt


# ---------------------------------------------------------------- building blocks
def test_attribution_covers_who_said_it_not_what_was_said():
    text = "North Korean officials said that the test put the country within range."
    spans = attribution_spans(text)
    said = text.index("said")
    assert any(s <= 0 and said <= e for s, e in spans), "subject + verb are attribution"
    assert not any(s <= text.index("test") < e for s, e in spans)
    # Verb first, content after it: the content is not attribution.
    text = "Mayor Anna Berg said the bridge would reopen in May."
    assert not any(s <= text.index("bridge") < e for s, e in spans_of(text))
    # Postposed attribution runs to the end of the sentence.
    text = "The bridge will reopen in May, the mayor told reporters on Friday."
    assert any(s <= text.index("reporters") < e for s, e in spans_of(text))
    assert not any(s <= text.index("bridge") < e for s, e in spans_of(text))


def spans_of(text):
    return attribution_spans(text)


def test_core_terms_weights_and_acronyms():
    text = "The European Union banned the imports, a spokesman said."
    terms = core_terms(text, mentions=[(0, 18, "The European Union", "ORG")])
    assert terms["w:ban"] == 1.0
    assert terms["a:eu"] == 1.0                      # meets "EU" written elsewhere
    assert core_terms("EU ministers met.")["a:eu"] == 1.0
    assert terms["w:spokesman"] < 1.0                # newsroom vocabulary counts little
    assert "w:the" not in terms and not any(t.startswith("w:said") for t in terms)
    assert core_terms("The programme was recognised.").keys() == core_terms(
        "The program was recognized.").keys()


def test_shared_attribution_alone_does_not_make_a_match():
    one = "Local officials said the flood killed three people in the valley."
    two = "Local officials said the stations would stay open for the night."
    three = "Rescue teams searched the valley for survivors of the flood on Sunday."
    arts = [make_article(f"x{i}", t) for i, t in enumerate((one, two, three))]
    an = analyse(arts)
    sents = story_sentences([(a, an[a.id]) for a in arts], ExtractSettings())
    weight = term_weights(sents)
    assert core_shared(sents[0].core, sents[1].core, weight) < ExtractSettings().min_core_shared
    assert core_shared(sents[0].core, sents[2].core, weight) > core_shared(sents[0].core, sents[1].core, weight)


# ---------------------------------------------------------------- held-out synthetic story
STRIKE_A = (
    "Train drivers in Germany began a 48-hour strike on Wednesday over pay and working hours. "
    "The walkout halted most long-distance services operated by Deutsche Bahn. "
    "The drivers' union is demanding a 35-hour week without a cut in wages. "
    "Deutsche Bahn called the strike irresponsible and said it had offered a 10 percent raise. "
    "Officials said the stations would stay open for stranded passengers.")
STRIKE_B = (
    "Most long-distance trains across Germany stood still on Wednesday as drivers walked out for two days. "
    "The union wants the working week cut to 35 hours with no loss of pay, its leader Claus Weselsky told reporters. "
    "Commuters crowded onto buses in Berlin and Munich during the morning rush.")
STRIKE_C = (
    "A two-day strike by German train drivers, who want a 35-hour week and better pay, brought long-distance "
    "services to a standstill on Wednesday, while Deutsche Bahn said its offer of a 10 percent raise had been rejected. "
    "Officials said heavy snow would make the roads dangerous for drivers as well.")


@pytest.fixture(scope="module")
def strike():
    return _story([STRIKE_A, STRIKE_B, STRIKE_C])


@pytest.fixture(scope="module")
def strike_aligned():
    """The alignment's own output, before the one-card-per-fact pass (dedupe)."""
    return _story([STRIKE_A, STRIKE_B, STRIKE_C], settings=ExtractSettings(dedupe=False))


def test_synthetic_paraphrases_share_cards(strike):
    story, arts = strike
    _invariant(story, arts)
    assert _together(story, "35-hour week without a cut", "35 hours with no loss")
    assert _together(story, "began a 48-hour strike", "stood still on Wednesday") or _together(
        story, "halted most long-distance", "stood still on Wednesday")


LONG_ONE = "A two-day strike by German train drivers"


def test_a_long_sentence_supports_several_facts_it_states(strike_aligned):
    story, _ = strike_aligned
    # C's one sentence states the strike and the rejected offer: it is cited on both cards.
    assert _together(story, "began a 48-hour strike", LONG_ONE)
    assert _together(story, "offered a 10 percent raise", LONG_ONE)
    cards = [f for f in story.facts if any(LONG_ONE in s.excerpt for s in f.sources)]
    assert len(cards) >= 2


def test_a_long_sentence_also_supports_the_demand(strike_aligned):
    # Fixed by per-member coverage: C covers one member's core though not the union's.
    assert _together(strike_aligned[0], "35-hour week without a cut", LONG_ONE)


def test_a_long_sentence_that_is_a_card_text_is_cited_on_that_card_only(strike):
    # After dedupe: C is one card's text, so it is cited there and not again as support
    # (one outlet's excerpt is not shown on several cards); no card is lost.
    story, _ = strike
    cards = [f for f in story.facts if any(LONG_ONE in s.excerpt for s in f.sources)]
    assert len(cards) == 1 and cards[0].text.startswith(LONG_ONE)
    assert _together(story, "began a 48-hour strike", "stood still on Wednesday")
    assert any("halted most long-distance" in f.text for f in story.facts)


def test_synthetic_unrelated_sentences_stay_apart(strike):
    story, _ = strike
    assert not _together(story, "stations would stay open", "heavy snow")
    assert not _together(story, "Commuters crowded", "Officials said")


# ---------------------------------------------------------------- the sample corpus, judged by reading
@pytest.fixture(scope="module")
def sample():
    arts, analyses = sample_members()
    members = [(a, analyses[a.id]) for a in sorted(arts, key=lambda a: a.id)]
    story = extract_story(StoryGroup("sample", [a.id for a, _ in members]), members)
    return story, [a for a, _ in members]


@pytest.fixture(scope="module")
def sample_aligned():
    """The alignment's own output, before dedupe takes a card's text off other cards
    (a long quote that is one card's text is then cited there only)."""
    arts, analyses = sample_members()
    members = [(a, analyses[a.id]) for a in sorted(arts, key=lambda a: a.id)]
    story = extract_story(StoryGroup("sample", [a.id for a, _ in members]), members, ExtractSettings(dedupe=False))
    return story, [a for a, _ in members]


SHOULD_ALIGN = [
    # the Security Council sanctions, in a sentence about two sanctioned men (DW)
    ("UN Security Council unanimously imposed a new round", "Both men were already listed"),
    # the US sanctions on two officials, worded differently (IANS / DW)
    ("The US also issued sanctions on two North Korea citizens", "Washington imposed sanctions on two"),
    # Lavrov's complaint, inside IANS's sentence about the phone call
    ("Lavrov reportedly urged", "during a telephonic conversation"),
    # what the sanctions restrict: workers home within 24 months; petroleum
    ("repatriation of all North Koreans", "24-month period for North Korean workers"),
    ("ban nearly 90 per cent of refined petroleum", "slashed its refined petroleum product imports"),
    # the offer and its condition
    ("Russia is ready to serve as a mediator", "Russia may become a mediator"),
    # paraphrase across names: Moscow ~ Russia, Pyongyang ~ North Korea, fresh ~ new
    ("Moscow has offered to serve as a mediator", "Russia is ready to serve as a mediator"),
    ("United Nations imposed fresh sanctions against Pyongyang", "UN Security Council unanimously imposed"),
    ("The Kremlin said on Tuesday that Russia was ready", "Russia on Tuesday indicated"),
]

SHOULD_NOT_ALIGN = [
    # shared words only: "US", "North Korean officials"
    ("The offer came as the US imposed sanctions", "the test put US within the range"),
    ("During their phone conversation earlier in December", "exchanged a series of personal insults"),
    ("The US State Department has yet to comment", "during a telephonic conversation"),
    ("Pyongyang has said the world must now accept", "Pyongyang has firmly defended"),
    # the same men named in another event (a talks condition, a phone call)
    ("US diplomats have said they are pursuing", "have been trading words against each other"),
    # a quote fragment whose question ("when asked if Moscow is ready to ... mediator")
    # is the reporter's, not the fact
    ("Since the exchange of confrontational rhetoric", "Russia on Tuesday indicated"),
    # a long quote stating the condition and the de-escalation, not the Tuesday offer
    ("rather evident to open the way", "Russia on Tuesday indicated"),
    # the Lavrov-Tillerson readout is not Moscow's long-standing call
    ("The two sides believe that Pyongyang", "Moscow has long urged"),
    # the sanctions vote is in the threat card's relative clause only
    ("The UN Security Council unanimously imposed", "threatened to punish all those countries"),
]

SHOULD_ALIGN += [
    # the war of words, in three wordings
    ("Trump has lobbed a myriad of insults", "have been trading words against each other"),
    ("personal insults traded between", "have been trading words against each other"),
    # one long quote states the de-escalation too; IANS's call sentence states the call
    ("rather evident to open the way", "This may open the way for the de-escalation"),
    ("during a telephonic conversation", "also discussed North Korea during a phone call"),
    ("Pyongyang is already under an extremely harsh", "ban nearly 90 per cent of refined petroleum"),
]


def test_sample_excerpt_invariant(sample):
    _invariant(*sample)


@pytest.mark.parametrize("a, b", SHOULD_ALIGN)
def test_sample_pairs_that_state_one_fact_share_a_card(sample_aligned, a, b):
    assert _together(sample_aligned[0], a, b)


@pytest.mark.parametrize("a, b", SHOULD_NOT_ALIGN)
def test_sample_pairs_that_only_share_words_do_not(sample, sample_aligned, a, b):
    assert not _together(sample[0], a, b)       # merging cards adds no such pair
    assert not _together(sample_aligned[0], a, b)


def test_sample_shared_names_false_alignment(sample):
    # Fixed: shared "US President Donald Trump ... North Korean ... nuclear" is names plus
    # one common word; the pair must share what happened (see `content_shared`).
    assert not _together(sample[0], "During their phone conversation earlier in December",
                         "have been trading words against each other")


def test_sample_word_sense_false_support(sample):
    # Fixed: "Commenting on the talks," is the occasion of a remark (attribution), so
    # only "support" is left in common: not enough to back the card.
    assert not _together(sample[0], "Russia which now talks of mediating", "Commenting on the talks")


def test_sample_cards_cite_more_outlets(sample):
    story, _ = sample
    counts = [len({s.article for s in f.sources}) for f in story.facts]
    assert counts[0] == max(counts) == 4
    # Lexical alignment alone gave four cards with three or more outlets on this story.
    assert sum(c >= 3 for c in counts) >= 5


# ---------------------------------------------------------------- term normalisation (synthetic)
def test_capitals_and_seats_of_government_stand_for_their_country():
    from generator.nlp.terms import place_spans

    text = "The White House and Beijing's envoy met U.S. and North Korean officials in Tokyo."
    found = [(text[a:b], c) for a, b, c in place_spans(text)]
    assert ("White House", "us") in found and ("U.S.", "us") in found
    assert ("Beijing's", "china") in found and ("North Korean", "north-korea") in found
    assert ("Tokyo", "japan") in found
    # Whole words only, as written: no country inside another word or in lower case.
    assert place_spans("Washingtonian chinese whispers in the parish") == []
    one = core_terms("Beijing imposed tariffs.")
    two = core_terms("China imposed tariffs.")
    assert "g:china" in one and "g:china" in two


def test_news_near_synonyms_share_a_term():
    assert "w:new" in core_terms("Fresh sanctions were imposed.") and "w:new" in core_terms("New sanctions.")
    ready = core_terms("Ankara is ready to host the talks.")
    offered = core_terms("Turkey offered to host the talks.")
    assert "w:readi" in ready and "w:readi" in offered and "g:turkey" in ready and "g:turkey" in offered
    assert "w:impos" in core_terms("The council adopted sanctions.")


def test_framing_clause_is_not_the_fact():
    text = "The decision came just days after floods destroyed the harvest."
    spans = attribution_spans(text)
    assert any(s == 0 and text.index("after") < e for s, e in spans)
    assert not any(s <= text.index("floods") < e for s, e in spans)
    text = "Winter came early as snow fell across the north."  # no referring subject: a fact
    assert not any(s <= text.index("Winter") < e for s, e in attribution_spans(text))


# Held out: written for this test, another conflict, another capital. Without the
# gazetteer and the synonym table the offer pair shares only "mediate" and stays apart.
METONYMY_A = ("Moscow offered on Tuesday to mediate between Kiev and the rebels in the east. "
              "Snow closed several mountain passes in the Alps. "
              "The central bank left interest rates unchanged.")
METONYMY_B = ("Russia is ready to act as a mediator between Ukraine and the separatists, the Kremlin said. "
              "Fighting around the airport killed four soldiers overnight, the army said. "
              "A new bridge opened in Lisbon.")
METONYMY_C = ("Ukrainian troops lost four men in overnight clashes near the airport. "
              "The European Union will discuss new sanctions next week.")


@pytest.fixture(scope="module")
def metonymy():
    return _story([METONYMY_A, METONYMY_B, METONYMY_C])


def test_synthetic_metonymy_paraphrase_shares_a_card(metonymy):
    story, arts = metonymy
    _invariant(story, arts)
    assert _together(story, "Moscow offered", "Russia is ready")
    assert _together(story, "Fighting around the airport", "Ukrainian troops lost")


def test_synthetic_metonymy_does_not_join_unrelated_news(metonymy):
    story, _ = metonymy
    assert not _together(story, "Snow closed", "A new bridge")
    assert not _together(story, "A new bridge", "European Union will discuss new sanctions")
    assert not _together(story, "Moscow offered", "European Union")
    assert not _together(story, "central bank", "Fighting around")


# ---------------------------------------------------------------- quoted remarks as units
def test_a_quote_over_two_sentences_is_one_unit_with_its_speaker():
    from generator.stories.extract.sentences import quote_units

    text = ('The talks ended on Friday. "We cannot sign this deal. It gives away too much," '
            'the minister said.\n\n"Nothing is agreed." The vote is due in May.')
    spans, pos = [], 0
    for piece in ("The talks ended on Friday.", '"We cannot sign this deal.',
                  'It gives away too much," the minister said.', '"Nothing is agreed."',
                  "The vote is due in May."):
        pos = text.index(piece, pos)
        spans.append((pos, pos + len(piece)))
        pos += len(piece)
    units = [text[a:b] for _i, (a, b) in quote_units(text, spans, max_words=60)]
    assert units[1] == '"We cannot sign this deal. It gives away too much," the minister said.'
    assert units[0] == "The talks ended on Friday." and units[-1] == "The vote is due in May."
    assert '"Nothing is agreed."' in units           # a closed quote stays as it is
    # A quote that never closes, or a unit too long, falls back to single sentences.
    assert [text[a:b] for _i, (a, b) in quote_units(text, spans[:2], 60)][1] == '"We cannot sign this deal.'
    assert len(quote_units(text, spans, max_words=8)) == len(spans)


def test_sample_one_source_card_does_not_repeat_a_sentence_another_card_cites(sample):
    story, _ = sample
    cited = {}
    for f in story.facts:
        for r in f.sources:
            cited.setdefault((r.article, r.start), set()).add(f.id)
    for f in story.facts:
        if len(f.sources) == 1:
            r = f.sources[0]
            assert cited[(r.article, r.start)] == {f.id}, f.text


def _card_with(story, needle):
    return next(f for f in story.facts if needle in f.text)


def test_sample_top_cards_carry_the_outlets_that_state_them(sample):
    story, _ = sample
    counts = [len({s.article for s in f.sources}) for f in story.facts]
    # The sanctions: four outlets (by reading), the top card.
    assert counts[0] == 4 and "unanimously imposed a new round" in story.facts[0].text
    # The offer: every outlet states it, over two cards (DW states it twice and a card
    # cites one sentence per article).
    offer = [f for f in story.facts if "if both sides are willing" in f.text or "ready to mediate" in f.text]
    assert {s.article.split("-")[0] for f in offer for s in f.sources} == {
        "defapress", "dw", "ians", "kremlin", "sputnik"}
    assert all(len({s.article for s in f.sources}) >= 3 for f in offer)
    # The condition ("the will of both sides is needed"): DefaPress, Sputnik and DW state
    # it without naming an interviewer; IANS's "..., Peskov told CNN" is the only one that
    # names CNN, so its card cites IANS alone instead of claiming four outlets told CNN.
    cnn = _card_with(story, "Peskov told CNN")
    assert {s.article.split("-")[0] for s in cnn.sources} == {"ians"}
    will = _card_with(story, "It is impossible to become a mediator")
    # DefaPress states it inside a long quote that is another card's text; a card's text
    # is cited on its own card only, so this card may leave DefaPress out (an
    # under-claim), but it never cites an outlet that does not state it.
    assert {"sputnik", "dw"} <= {s.article.split("-")[0] for s in will.sources} <= {"defapress", "sputnik", "dw"}
    # Nikki Haley's "toughest yet": the other outlets describe the sanctions without her,
    # so no card saying what she called them cites them.
    for f in story.facts:
        if "Haley" in f.text:
            assert all("Haley" in s.excerpt for s in f.sources)
    # The war of words: DefaPress, DW and the Kremlin-says report state it; Sputnik's
    # phone call and DW's "diplomatic solution" name the same men but not the insults.
    war = _card_with(story, "have been trading words")
    assert {s.article.split("-")[0] for s in war.sources} == {"defapress", "dw", "kremlin"}


@pytest.mark.parametrize("which", ["sample", "strike", "metonymy"])
def test_card_text_is_a_clear_sentence_whenever_one_is_cited(which, request):
    from generator.stories.extract.sentences import clarity

    story, _ = request.getfixturevalue(which)
    bar = ExtractSettings().clear_text
    for fact in story.facts:
        if clarity(fact.text) < bar:
            assert all(clarity(s.excerpt) < bar for s in fact.sources), fact.text


def test_pruning_never_leaves_a_card_without_its_text():
    # A sentence that is two cards' text, cited better on the first: the second card
    # keeps it rather than losing every sentence (it used to crash the card's choice
    # when `multi_cited_bar` was set high).
    from generator.stories.extract.align import prune_multi_cited
    from generator.stories.extract.sentences import Sentence

    def sent(article: int, text: str, core: dict[str, float]) -> Sentence:
        return Sentence(article, 0, len(text), text, 0.0, frozenset(), core=core)

    sentences = [sent(0, "The pier closed on Monday after the storm.", {"w:pier": 1.0, "w:storm": 1.0}),
                 sent(1, "The pier closed after the storm on Monday.", {"w:pier": 1.0, "w:storm": 1.0})]
    weight = {"w:pier": 1.0, "w:storm": 1.0}
    groups, extra = [[0, 1], [1]], [[], []]
    pruned, _ = prune_multi_cited(groups, extra, sentences, weight, frozenset(),
                                  ExtractSettings(multi_cited_bar=1.01), texts=[1, 1])
    assert all(pruned) and 1 in pruned[1]
