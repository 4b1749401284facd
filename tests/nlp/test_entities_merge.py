"""Entity merging rules: spelling variants, partial mentions, titles, junk."""
from __future__ import annotations

from generator.nlp.entities import EntityIndex, clean_name, merge_all, slug
from generator.records import Entity


def build(mentions, story="s1"):
    ix = EntityIndex()
    for text, label in mentions:
        ix.add(text, label)
    ents = ix.build(story)
    return ix, {e.id: e for e in ents}


def test_hyphen_and_spacing_variants_merge():
    ix, ents = build([("Kim Jong-un", "PERSON"), ("Kim Jong Un", "PERSON"), ("Kim Jong Un", "PERSON")])
    assert list(ents) == ["kim-jong-un"]
    e = ents["kim-jong-un"]
    assert e.name == "Kim Jong Un" and e.aliases == ["Kim Jong-un"] and e.kind == "person"


def test_transliterated_first_name_same_surname_merges():
    ix, ents = build([("Sergei Lavrov", "PERSON"), ("Sergey Lavrov", "PERSON")])
    assert len(ents) == 1
    [e] = ents.values()
    assert {e.name, *e.aliases} == {"Sergei Lavrov", "Sergey Lavrov"}
    # The id does not depend on which spelling is the most frequent in a story.
    _, other = build([("Sergey Lavrov", "PERSON"), ("Sergey Lavrov", "PERSON"), ("Sergei Lavrov", "PERSON")])
    assert list(other) == list(ents)


def test_different_first_names_do_not_merge():
    _, ents = build([("Kim Jong Un", "PERSON"), ("Kim Jong Sik", "PERSON"), ("Anna Berg", "PERSON"),
                     ("Maria Berg", "PERSON")])
    assert len(ents) == 4


def test_surname_alone_joins_full_name():
    ix, ents = build([("Dmitry Peskov", "PERSON"), ("Peskov", "PERSON"), ("Peskov", "ORG")])
    assert list(ents) == ["dmitry-peskov"]
    assert ix.id_of("Peskov") == "dmitry-peskov"


def test_a_surname_two_people_carry_links_to_neither():
    """Siblings share a surname: a bare "Berg" could be either, however often each is
    named, so it is no entity and no id is found for it."""
    ix, ents = build([("Anna Berg", "PERSON"), ("Anna Berg", "PERSON"), ("Anna Berg", "PERSON"),
                      ("Maria Berg", "PERSON"), ("Berg", "PERSON")])
    assert set(ents) == {"anna-berg", "maria-berg"}
    assert "Berg" not in ents["anna-berg"].aliases + ents["maria-berg"].aliases
    assert ix.id_of("Berg") is None
    assert ix.id_of("Anna Berg") == "anna-berg" and ix.id_of("Maria Berg") == "maria-berg"
    # A family name written first ("Kim") is as ambiguous.
    ix2, ents2 = build([("Kim Jong Un", "PERSON"), ("Kim Jong Un", "PERSON"), ("Kim Jong Sik", "PERSON"),
                        ("Kim", "PERSON")])
    assert set(ents2) == {"kim-jong-un", "kim-jong-sik"} and ix2.id_of("Kim") is None


def test_a_surname_one_person_carries_still_links():
    ix, ents = build([("Anna Berg", "PERSON"), ("Tom Lind", "PERSON"), ("Berg", "PERSON"), ("Lind", "PERSON")])
    assert ix.id_of("Berg") == "anna-berg" and ix.id_of("Lind") == "tom-lind"
    assert "Berg" in ents["anna-berg"].aliases


def test_given_names_differing_in_a_final_vowel_are_two_people():
    _, ents = build([("Mario Chavez", "PERSON"), ("Maria Chavez", "PERSON"),
                     ("Aleksandr Orlov", "PERSON"), ("Aleksandra Orlov", "PERSON")])
    assert len(ents) == 4
    # A one-letter spelling variant of one given name still merges.
    _, one = build([("Mohammad Khan", "PERSON"), ("Mohammed Khan", "PERSON")])
    assert len(one) == 1


def test_titles_are_not_part_of_a_name():
    assert clean_name("US President Donald Trump", "PERSON") == "Donald Trump"
    assert clean_name("Kremlin spokesman Dmitry Peskov", "PERSON") == "Dmitry Peskov"
    _, ents = build([("US President Donald Trump", "PERSON"), ("Trump", "PERSON")])
    assert list(ents) == ["donald-trump"]
    # British police ranks, abbreviated
    assert clean_name("DC Jane Roe", "PERSON") == "Jane Roe"
    assert clean_name("PC Roe", "PERSON") == "Roe"


def test_possessive_stripped():
    assert clean_name("Trump's", "PERSON") == "Trump"
    assert clean_name("Russia’s", "GPE") == "Russia"
    # an opening quote mark typed for the apostrophe
    assert clean_name("Jane Roe‘s", "PERSON") == "Jane Roe"
    assert clean_name("Jane Roe?s", "PERSON") == "Jane Roe"  # a mis-decoded page


def test_a_time_stamp_before_a_name_is_no_name():
    # a live blog's entries start with their time: "12:39 A.M. Hamas says ..."
    assert clean_name("A.M. Hamas", "PERSON") is None
    assert clean_name("P.M. Malaysia", "ORG") is None
    _, ents = build([("A.M. Israel", "PERSON"), ("Israel", "GPE")])
    assert [e.name for e in ents.values()] == ["Israel"]


def test_a_sentence_adverb_before_a_name_is_not_part_of_it():
    # "Sometimes Jon said ...": the adverb opens the sentence in capitals
    assert clean_name("Sometimes Jon", "PERSON") == "Jon"
    assert clean_name("Fortunately Kim Roe", "PERSON") == "Kim Roe"
    assert clean_name("Meanwhile Acme Corp", "ORG") == "Acme Corp"
    # a given name that ends like an adverb stays, and so does a name of one word
    assert clean_name("Kelly Roe", "PERSON") == "Kelly Roe"
    assert clean_name("Finally", "PERSON") == "Finally"
    _, ents = build([("Sometimes Jon", "PERSON"), ("Jon Roe", "PERSON")])
    assert [e.name for e in ents.values()] == ["Jon Roe"]


def test_junk_never_becomes_an_entity():
    for junk in ("https://p.dw.com/p/2py4T", "www.example.com", "Comment 12", "your comment",
                 "Kremlin Spokesman", "President", "A" * 80, "One Two Three Four Five Six Seven"):
        assert clean_name(junk, "ORG") is None, junk


def test_acronym_does_not_join_a_person_sharing_a_word():
    _, ents = build([("Kim Jong Un", "PERSON"), ("UN", "ORG")])
    assert "UN" not in ents["kim-jong-un"].aliases


def test_abbreviation_joins_full_name():
    ix, ents = build([("United States", "GPE"), ("US", "GPE"), ("U.S.", "GPE")])
    assert list(ents) == ["united-states"]
    assert ix.id_of("U.S.", "GPE") == "united-states"


def test_mislabelled_title_span_joins_the_person():
    _, ents = build([("State Rex Tillerson", "ORG"), ("Rex Tillerson", "PERSON"), ("Tillerson", "PERSON")])
    assert list(ents) == ["rex-tillerson"]
    assert ents["rex-tillerson"].kind == "person"


def test_slug_is_stable():
    assert slug("Kim Jong-un") == slug("Kim Jong Un") == "kim-jong-un"
    assert slug("Nikki Haley") == "nikki-haley"


def test_merge_all_unites_stories_and_aliases_sorted():
    a = [Entity("kim-jong-un", "Kim Jong Un", "person", ["Kim"], ["s2"])]
    b = [Entity("kim-jong-un", "Kim Jong-un", "person", [], ["s1"]),
         Entity("anna-berg", "Anna Berg", "person", [], ["s1"])]
    merged = merge_all([a, b])
    assert [e.id for e in merged] == ["anna-berg", "kim-jong-un"]
    kim = merged[1]
    assert kim.stories == ["s1", "s2"]
    assert {kim.name, *kim.aliases} == {"Kim Jong Un", "Kim Jong-un", "Kim"}
    assert merge_all([b, a]) == merged
