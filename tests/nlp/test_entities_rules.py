"""Entity quality rules: demonym organisations, acronyms that are things, outlet
credits, cut-off person names, plausible kinds, cross-story merging."""
from __future__ import annotations

from generator.nlp.entities import (EntityIndex, acronym_long_form, common_noun_acronyms, merge_all,
                                org_key)
from generator.records import Analysis, Entity, Mention
from generator.stories.resolve import _is_credit, build_entities, mention_names, person_span
from tests.resolve_helpers import make_article


def build(mentions, text="", story="s1"):
    ix = EntityIndex()
    ix.note_text(text)
    for name, label in mentions:
        ix.add(name, label)
    return ix, {e.id: e for e in ix.build(story)}


def mention(article, text, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(text, start + 1)
    return Mention(text=text, label=label, start=start, end=start + len(text))


# ------------------------------------------------------------- demonyms
def test_country_possessive_and_demonym_name_one_body():
    assert org_key("Norway's energy ministry") == org_key("Norwegian Energy Ministry")
    ix, ents = build([("Norway’s energy ministry", "ORG"), ("the Norwegian Energy Ministry", "ORG")])
    assert list(ents) == ["norwegian-energy-ministry"]
    e = ents["norwegian-energy-ministry"]
    assert e.name == "Norwegian Energy Ministry" and e.aliases == ["Norway’s energy ministry"]
    assert ix.id_of("Norway's energy ministry", "ORG") == "norwegian-energy-ministry"
    # A story that only has the possessive form gets the same id.
    _, alone = build([("Norway's energy ministry", "ORG")])
    assert list(alone) == ["norwegian-energy-ministry"]


def test_different_countries_bodies_stay_apart():
    _, ents = build([("Norway's energy ministry", "ORG"), ("Swedish Energy Ministry", "ORG")])
    assert len(ents) == 2


def test_bare_body_joins_the_only_country_that_has_one():
    _, ents = build([("Chilean Mining Ministry", "ORG"), ("Mining Ministry", "ORG")])
    assert list(ents) == ["chilean-mining-ministry"]
    _, two = build([("Chilean Mining Ministry", "ORG"), ("Peruvian Mining Ministry", "ORG"),
                    ("Mining Ministry", "ORG")])
    assert len(two) == 3


def test_possessive_country_before_a_person_is_not_part_of_the_name():
    _, ents = build([("Norway's Erna Solberg", "PERSON"), ("Erna Solberg", "PERSON")])
    assert list(ents) == ["erna-solberg"]


# ------------------------------------------------------------- acronyms
def test_long_form_of_an_acronym():
    assert acronym_long_form("SLBM", "tested a new submarine-launched ballistic missile ") == \
        "submarine-launched ballistic missile"
    assert acronym_long_form("WHO", "officials of the World Health Organization ") == "World Health Organization"
    assert acronym_long_form("XYZ", "nothing here matches ") is None


def test_acronyms_used_as_common_nouns():
    text = ("The navy tested a submarine-launched ballistic missile (SLBM) on Monday. Two UAVs "
            "flew over the site, the World Health Organization (WHO) said.")
    assert common_noun_acronyms(text) == {"SLBM", "UAV"}


def test_acronym_spelt_out_in_lower_case_is_other_not_org():
    text = "Engineers fitted a submarine-launched ballistic missile (SLBM) to the hull."
    _, ents = build([("SLBM", "ORG"), ("SLBM", "ORG")], text)
    assert ents["slbm"].kind == "other"
    # Without that evidence an acronym labelled ORG stays an organisation.
    _, plain = build([("NATO", "ORG")], "NATO met on Monday.")
    assert plain["nato"].kind == "org"


def test_acronym_is_never_a_person():
    _, ents = build([("KXTV", "PERSON")])
    assert ents["kxtv"].kind == "org"


def test_kind_follows_label_votes():
    _, ents = build([("Odessa", "GPE"), ("Odessa", "GPE"), ("Odessa", "PERSON")])
    assert ents["odessa"].kind == "place"


# ------------------------------------------------------------- credits
def test_outlet_in_a_dateline_is_furniture():
    a = make_article("a", "OSLO, March 3 (Nordpress) - Erna Solberg opened the bridge.\n\nIt is long.")
    a.outlet = None
    assert _is_credit(a, mention(a, "Nordpress", "PERSON"), set())
    b = make_article("b", "(Fjordnytt) – The bridge opened on Tuesday after ten years of work.")
    assert _is_credit(b, mention(b, "Fjordnytt", "ORG"), set())


def test_parenthesised_name_inside_a_sentence_is_not_furniture():
    a = make_article("a", "Delegates of the United Nations (UN) and of the Arctic Council met in Tromso "
                          "to discuss the bridge (Fjordbrua) and other matters.")
    assert not _is_credit(a, mention(a, "UN", "ORG"), set())
    assert not _is_credit(a, mention(a, "Fjordbrua", "FAC"), set())


def test_outlet_named_in_the_text_is_an_org_not_a_person():
    a = make_article("nordpress", "Erna Solberg told Nordpress on Tuesday that the bridge was ready. "
                                  "Solberg said more bridges would follow.")
    a.outlet = "Nordpress"
    an = Analysis(article_id="nordpress", sentences=[(0, len(a.text))],
                  mentions=[mention(a, "Erna Solberg", "PERSON"), mention(a, "Nordpress", "PERSON")])
    names = mention_names(a, an, {"nordpress"})
    assert [(n, lab) for _, n, lab in names] == [("Erna Solberg", "PERSON"), ("Nordpress", "ORG")]


# ------------------------------------------------------------- cut-off names
def test_person_span_grows_over_given_names_spacy_cut_off():
    a = make_article("a", "The list named Tran Van Binh and two banks.")
    m = mention(a, "Binh", "PERSON")
    assert a.text[slice(*person_span(a, m))] == "Tran Van Binh"


def test_person_span_stops_at_titles_weekdays_function_words_and_other_mentions():
    a = make_article("a", "On Tuesday Binh spoke. Minister Binh agreed. Then Binh left. Hanoi Binh")
    assert a.text[slice(*person_span(a, mention(a, "Binh", "PERSON", 0)))] == "Binh"
    assert a.text[slice(*person_span(a, mention(a, "Binh", "PERSON", 1)))] == "Binh"
    assert a.text[slice(*person_span(a, mention(a, "Binh", "PERSON", 2)))] == "Binh"
    hanoi = mention(a, "Hanoi", "GPE")
    last = mention(a, "Binh", "PERSON", 3)
    assert a.text[slice(*person_span(a, last, [(hanoi.start, hanoi.end)]))] == "Binh"


def test_fragment_and_full_name_are_one_person_in_a_story():
    a = make_article("a", "The list named Tran Van Binh as a broker.\n\nBinh denied it on Monday.")
    an = Analysis(article_id="a", sentences=[(0, len(a.text))],
                  mentions=[mention(a, "Binh", "PERSON", 0), mention(a, "Binh", "PERSON", 1)])
    ix, ents = build_entities("s1", [(a, an)])
    assert [(e.id, e.name, e.kind) for e in ents] == [("tran-van-binh", "Tran Van Binh", "person")]
    assert ix.id_of("Binh") == "tran-van-binh"


# ------------------------------------------------------------- across stories
def test_surname_only_entity_is_not_merged_into_a_full_name_across_stories():
    one = [Entity("erna-solberg", "Erna Solberg", "person", ["Solberg"], ["s1"])]
    two = [Entity("solberg", "Solberg", "person", [], ["s2"])]
    merged = merge_all([one, two])
    assert [e.id for e in merged] == ["erna-solberg", "solberg"]
    assert merged == merge_all([two, one])


def test_common_word_opening_a_sentence_is_not_a_given_name():
    a = make_article("a", "Broker Ilse Varga agreed. Both Varga and a broker said so.")
    full = mention(a, "Ilse Varga", "PERSON")
    assert a.text[slice(*person_span(a, full))] == "Ilse Varga"  # found whole: left alone
    # "Broker" is written in lower case elsewhere: a common word, not a name.
    b = make_article("b", "Broker Varga agreed, another broker said.")
    assert a.text[slice(*person_span(a, mention(a, "Varga", "PERSON", 1)))] == "Varga"
    assert b.text[slice(*person_span(b, mention(b, "Varga", "PERSON")))] == "Varga"


def test_a_line_holding_only_a_parenthesised_name_is_content():
    a = make_article("a", "OSLO, March 3 - Dividend 12 cts\n\n(Fjord Timber Holdings Inc)\n\nNordpress")
    assert not _is_credit(a, mention(a, "Fjord Timber Holdings Inc", "ORG"), set())


def test_place_name_in_capitals_is_not_an_acronym():
    _, ents = build([("LIECHTENSTEIN", "PERSON"), ("LIECHTENSTEIN", "GPE"), ("LIECHTENSTEIN", "GPE")])
    assert ents["liechtenstein"].kind == "place"
    _, person = build([("TRONDHEIMSEN", "PERSON")])
    assert person["trondheimsen"].kind == "person"


def test_wire_markup_and_wire_apostrophes():
    from generator.nlp.entities import clean_name

    assert clean_name("<Fjord Timber Inc>", "ORG") == "Fjord Timber Inc"
    assert clean_name("FJTB.OL>", "ORG") is None
    assert clean_name("Fjord Inc> and", "ORG") is None
    assert clean_name('Norway"s', "GPE") == "Norway"
    assert clean_name("U.S.", "GPE") == "U.S"


def test_one_word_after_a_possessive_is_not_a_name_by_itself():
    from generator.nlp.entities import clean_name

    assert clean_name("the Harbour Commissioner's Office", "ORG") == "Harbour Commissioner's Office"
    assert clean_name("Oslo's Harbour Authority", "ORG") == "Harbour Authority"


def test_one_word_org_the_story_writes_in_lower_case_is_not_an_entity():
    text = "Staff left the office early. Office workers joined them. Fjordco said it would pay."
    ix, ents = build([("Office", "ORG"), ("Fjordco", "ORG")], text)
    assert list(ents) == ["fjordco"]
    assert ix.id_of("Office", "ORG") is None
    # Places are not judged so ("Turkey" and "turkey").
    _, places = build([("Turkey", "GPE")], "Turkey exported turkey meat.")
    assert list(places) == ["turkey"]


def test_dateline_place_is_a_place_whatever_the_label():
    a = make_article("a", "BERGEN, March 3 - Fjordco said it would pay a dividend.")
    a.dateline = "BERGEN"
    an = Analysis(article_id="a", sentences=[(0, len(a.text))], mentions=[mention(a, "BERGEN", "ORG")])
    assert [(n, lab) for _, n, lab in mention_names(a, an, set())] == [("BERGEN", "GPE")]


def test_words_swept_in_at_the_edges_of_a_name_are_dropped():
    from generator.nlp.entities import clean_name

    assert clean_name("Via Harbour Authority", "ORG") == "Harbour Authority"
    assert clean_name("Bergen Maritime Museum for", "ORG") == "Bergen Maritime Museum"
    assert clean_name("Her lawyers", "PERSON") is None
    assert clean_name("Sgt", "PERSON") is None
    # Lower-case particles of real names stay.
    assert clean_name("Bashir al-Hamdan", "PERSON") == "Bashir al-Hamdan"
    assert clean_name("Pieter van Dijk", "PERSON") == "Pieter van Dijk"
    # Titles of works keep their first word.
    assert clean_name("For Whom the Bell Tolls", "WORK_OF_ART") == "For Whom the Bell Tolls"


def test_one_word_person_the_story_writes_in_lower_case_is_not_an_entity():
    text = "Medic teams arrived. A medic said the road was closed, another medic and Ilse Varga said."
    _, ents = build([("Medic", "PERSON"), ("Ilse Varga", "PERSON")], text)
    assert list(ents) == ["ilse-varga"]


def test_person_span_does_not_grow_over_hyphenated_adjectives_or_auxiliaries():
    a = make_article("a", "Oslo-based Fjordgas said so. Did Varga agree? Kim Jong-un met Varga.")
    assert a.text[slice(*person_span(a, mention(a, "Fjordgas", "PERSON")))] == "Fjordgas"
    assert a.text[slice(*person_span(a, mention(a, "Varga", "PERSON", 0)))] == "Varga"
    b = make_article("b", "The envoy met Jean-Pierre Dubois.")
    assert b.text[slice(*person_span(b, mention(b, "Dubois", "PERSON")))] == "Jean-Pierre Dubois"


def test_possessive_before_a_generic_head_noun_keeps_the_owner_but_not_before_a_name():
    from generator.nlp.entities import clean_name

    assert clean_name("the Harbour Master's Office", "ORG") == "Harbour Master's Office"
    assert clean_name("Fjordco's Wavephone", "PRODUCT") == "Wavephone"


def test_words_inside_urls_do_not_count_as_lower_case_use():
    text = "Download it at fjordco.com/wavephone today. Wavephone sold well."
    _, ents = build([("Wavephone", "PRODUCT")], text)
    assert list(ents) == ["wavephone"]


def test_occupations_and_lists_are_not_names():
    from generator.nlp.entities import clean_name

    assert clean_name("Columnist Ilse Varga", "PERSON") == "Ilse Varga"
    assert clean_name("Bergen Sheriff", "PERSON") is None
    assert clean_name("Fjordco, University of Bergen", "ORG") is None
    assert clean_name("Fjord Timber, Inc", "ORG") == "Fjord Timber, Inc"


def test_a_name_written_once_in_lower_case_stays_a_name():
    text = "Varga said talks went well. Asked again, varga said no."
    _, ents = build([("Varga", "PERSON")], text)
    assert list(ents) == ["varga"]
    heading = "LEADERSHIP\n\nGood leadership matters, and leadership is rare."
    _, none = build([("LEADERSHIP", "PERSON")], heading)
    assert none == {}


def test_firm_names_with_commas_stay():
    from generator.nlp.entities import clean_name

    assert clean_name("Nordahl, Berg and Co", "ORG") == "Nordahl, Berg and Co"
    assert clean_name("Berg, Dahl & Lie", "ORG") == "Berg, Dahl & Lie"


def test_a_name_run_across_the_end_of_a_dateline_is_no_name():
    a = make_article("a", "BERGEN/ALESUND Norway's cabinet met on Friday. Norway will pay.")
    a.dateline = "BERGEN/ALESUND"
    an = Analysis(article_id="a", sentences=[(0, len(a.text))],
                  mentions=[mention(a, "ALESUND Norway", "PERSON"), Mention("Norway", "GPE", 47, 53)])
    assert [(n, lab) for _, n, lab in mention_names(a, an, set())] == [("Norway", "GPE")]


def test_dateline_with_a_region_still_names_the_place():
    a = make_article("a", "ALESUND, Norway, March 3 - Fjordco said it would pay.")
    a.dateline = "ALESUND, Norway"
    an = Analysis(article_id="a", sentences=[(0, len(a.text))], mentions=[mention(a, "ALESUND", "ORG")])
    assert [(n, lab) for _, n, lab in mention_names(a, an, set())] == [("ALESUND", "GPE")]


# ------------------------------------------------------------- middle initials
def test_a_middle_initial_is_the_same_person():
    ix, ents = build([("Peter T. Roe", "PERSON"), ("Peter Roe", "PERSON"), ("Roe", "PERSON")])
    people = [e for e in ents.values() if e.kind == "person"]
    assert len(people) == 1 and {"Peter Roe", "Peter T. Roe"} <= {people[0].name, *people[0].aliases}
    # the bare surname now names that one person
    assert ix.id_of("Roe") == people[0].id


def test_two_different_initials_are_two_people():
    ix, ents = build([("John A. Smith", "PERSON"), ("John B. Smith", "PERSON"), ("John Smith", "PERSON")])
    ids = {ix.id_of("John A. Smith"), ix.id_of("John B. Smith")}
    assert len(ids) == 2


def test_a_short_given_name_is_the_same_person_when_it_fits_one():
    ix, ents = build([("Rebekah Roe", "PERSON"), ("Bekah Roe", "PERSON"), ("Roe", "PERSON")])
    people = [e for e in ents.values() if e.kind == "person"]
    assert len(people) == 1 and ix.id_of("Roe") == people[0].id
    # "Chris" could be either: no merge, and the bare surname names no one
    ix, ents = build([("Christopher Roe", "PERSON"), ("Christine Roe", "PERSON"), ("Chris Roe", "PERSON"),
                      ("Roe", "PERSON")])
    assert len({ix.id_of("Christopher Roe"), ix.id_of("Christine Roe"), ix.id_of("Chris Roe")}) == 3
    assert ix.id_of("Roe") is None


def test_a_word_swept_in_before_a_full_name_is_not_the_persons_name():
    ix, ents = build([("Teacher Jane Roe", "PERSON"), ("Jane Roe", "PERSON"), ("Jane Roe", "PERSON"), ("Roe", "PERSON")])
    people = [e for e in ents.values() if e.kind == "person"]
    assert len(people) == 1 and people[0].name == "Jane Roe" and "Teacher Jane Roe" in people[0].aliases
    # an organisation keeps its longest name ("Chilean Foreign Ministry", not "Foreign Ministry")
    _, ents = build([("Chilean Foreign Ministry", "ORG"), ("Foreign Ministry", "ORG")])
    assert [e.name for e in ents.values()] == ["Chilean Foreign Ministry"]
