"""Full names beside lines that name a person by surname alone (`generator.site.names`)."""
from __future__ import annotations

import re

import yaml
from hypothesis import given, settings, strategies as st

from generator.records import Entity
from generator.site import load
from generator.site import pages as site_pages
from generator.site.names import bare_names
from tests import site_helpers as h

ROE = Entity(id="jane-roe", name="Jane Roe", kind="person", aliases=["Roe"], stories=["s"])
DOE = Entity(id="jon-doe", name="Jon Doe", kind="person", aliases=[], stories=["s"])
SOURCE = "On Monday Jane Roe, a lawyer, met Jon Doe. Roe said the talks went well."


def names(text, people=(ROE, DOE), sources=(SOURCE,)):
    return [(short, full, p.id) for short, full, p in bare_names(text, people, sources)]


def test_a_surname_alone_gets_the_full_name_its_source_writes():
    assert names("Roe said the talks went well.") == [("Roe", "Jane Roe", "jane-roe")]
    assert names("The talks went well, Roe's office said.") == [("Roe", "Jane Roe", "jane-roe")]
    # two people, in the order the line names them
    assert names("Doe thanked Roe.") == [("Doe", "Jon Doe", "jon-doe"), ("Roe", "Jane Roe", "jane-roe")]


def test_an_honorific_is_no_first_name():
    assert names("Mr Doe said the talks went well.") == [("Doe", "Jon Doe", "jon-doe")]
    assert names("Ms. Roe said so.") == [("Roe", "Jane Roe", "jane-roe")]


def test_no_gloss_when_the_line_says_who_it_is():
    assert names("Jane Roe said the talks went well.") == []
    # another first name or a role before the surname: the line names its own person
    assert names("Mary Roe said the talks went well.") == []
    assert names("Senator Roe said the talks went well.") == []
    # a word that merely contains the surname; the full name in other capitals
    assert names("Roebuck said so.") == []
    assert names("JANE ROE said so; Roe left.") == []
    # a "surname" that is no word-shaped name (an abbreviation tagged a person)
    bc = Entity(id="bc", name="Nelson B.C", kind="person", aliases=["Nelson"], stories=["s"])
    assert names("They moved to Nelson, B.C, last year.", people=(bc,), sources=("He lives in Nelson B.C now.",)) == []


def test_a_surname_followed_by_more_of_a_name_is_someone_or_something_else():
    # another person, a firm, a place: the line names them, not Jane Roe
    assert names("Roe Cheol-woo told reporters so.") == []
    assert names("Roe Law is a small office on a highway.") == []
    assert names("She met Arthur de Roe at the gala.", people=(Entity(
        id="arthur-roe", name="Arthur Roe", kind="person", aliases=["Arthur"], stories=["s"]),),
        sources=("He met Arthur Roe there.",)) == []
    # a weekday or a month after the name is no more of it
    assert names("Roe Monday said the talks went well.") == [("Roe", "Jane Roe", "jane-roe")]


def test_a_surname_two_people_carry_names_neither():
    sister = Entity(id="ann-roe", name="Ann Roe", kind="person", aliases=[], stories=["s"])
    assert names("Roe said so.", people=(ROE, sister), sources=(SOURCE + " And Ann Roe agreed.",)) == []
    assert names("Roe said so.", people=(ROE, DOE)) == [("Roe", "Jane Roe", "jane-roe")]


def test_nothing_the_sources_do_not_say():
    # the full name must be written in a cited article
    assert names("Roe said so.", sources=("Roe said so. Ms Roe left.",)) == []
    assert names("Roe said so.", sources=()) == []
    # only people: a place or a body with a longer name is no person
    firm = Entity(id="roe-co", name="Roe and Partners", kind="org", aliases=["Roe"], stories=["s"])
    assert names("Roe said so.", people=(firm,), sources=("Roe and Partners said so.",)) == []


def test_a_full_name_only_at_sentence_starts_is_not_trusted():
    # at a sentence start a capital says nothing: "Fortunately" is no first name
    kieran = Entity(id="k", name="Fortunately Kieran", kind="person", aliases=["Kieran"], stories=["s"])
    text = "Kieran was born deaf."
    assert names(text, people=(kieran,), sources=("Fortunately Kieran was fine.\nFortunately Kieran left.",)) == []
    # a role word swept into the entity's name gives way to the form written inside sentences
    hooper = Entity(id="h", name="Teacher Linda Hooper", kind="person", aliases=["Hooper", "Linda Hooper"], stories=["s"])
    src = "Teacher Linda Hooper smiled. He met teacher Linda Hooper, and said, \u201cyes,\u201d Linda Hooper said."
    assert names("Hooper smiled.", people=(hooper,), sources=(src,)) == [("Hooper", "Linda Hooper", "h")]


def test_a_title_abbreviation_before_the_full_name_is_no_sentence_start():
    src = "Sen. Jane Roe questioned the bank's chief. He left. Jon Doe spoke."
    assert names("Roe said so.", sources=(src,)) == [("Roe", "Jane Roe", "jane-roe")]
    # a real sentence stop before the only full name: not trusted
    assert names("Doe said so.", sources=(src,)) == []


def test_a_one_word_entity_name_uses_a_full_alias():
    roe = Entity(id="roe", name="Roe", kind="person", aliases=["Jane Roe"], stories=["s"])
    assert names("Roe said so.", people=(roe,)) == [("Roe", "Jane Roe", "roe")]
    lone = Entity(id="roe", name="Roe", kind="person", aliases=[], stories=["s"])
    assert names("Roe said so.", people=(lone,)) == []


_WORDS = st.sampled_from(["Roe", "Jane", "Doe", "Jon", "Mr", "said", "the", "talks", "Senator", "Roe's", ",", "."])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=12))
def test_every_gloss_is_a_bare_surname_of_the_line_and_a_full_name_of_a_source(words):
    text = " ".join(words)
    for short, full, person in bare_names(text, (ROE, DOE), (SOURCE,)):
        assert re.search(r"(?<![\w'-])" + short + r"(?![\w-])", text)
        assert full in SOURCE and full not in text
        assert full in (person.name, *person.aliases)


def test_the_person_may_be_known_from_elsewhere_in_the_story(tmp_path):
    # the card's own entity list misses Peskov (the tagger missed him in its passages),
    # but the story knows one Peskov (the speaker of its quote): the name is shown
    md = _site(tmp_path, "Peskov said Moscow offered to mediate.", entities=[])
    assert "Peskov: <a" in md or "Peskov: Dmitry Peskov" in md


def _site(tmp_path, text: str, hide_source: bool = False, entities: list | None = None):
    content = h.write_content(tmp_path / "content")
    data = h.story()
    data["facts"][1]["text"] = text  # an editor's wording of card f2 (a key point)
    if entities is not None:
        data["facts"][1]["entities"] = entities
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    if hide_source:
        art = yaml.safe_load((content / "articles" / "a-one.yml").read_text(encoding="utf-8"))
        art["hidden"] = True
        (content / "articles" / "a-one.yml").write_text(yaml.safe_dump(art), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    return {p.src_uri: p for p in site_pages.render_pages(site)}["stories/s-mediation.md"].markdown


def test_story_page_shows_the_full_name_beside_the_key_point(tmp_path):
    md = _site(tmp_path, "Peskov said Moscow offered to mediate.")
    point = re.search(r'<li class="digest-key-point">.*?Peskov said Moscow offered to mediate\..*?</li>', md, re.S)
    assert point is not None
    names_span = re.search(r'<span class="digest-names">\((.*?)\)</span>', point.group())
    assert names_span is not None and re.sub(r"<[^>]+>", "", names_span.group(1)) == "Peskov: Dmitry Peskov"
    # the line itself stays verbatim
    assert '<span class="digest-key-point__text">Peskov said Moscow offered to mediate.</span>' in point.group()
    # and its fact card, folded below, shows the name beside its text too
    card = re.search(r'<p class="digest-fact__text">Peskov said Moscow offered to mediate\.(.*?)</p>', md, re.S)
    assert card is not None and "Peskov: " in re.sub(r"<[^>]+>", "", card.group(1))


def test_no_full_name_from_a_hidden_article(tmp_path):
    # a-one is the only cited article that writes "Dmitry Peskov"; hidden, it says nothing
    md = _site(tmp_path, "Peskov said Moscow offered to mediate.", hide_source=True)
    assert "digest-names" not in md


def test_a_full_name_with_markup_is_escaped(tmp_path):
    # entity names come from article text: untrusted
    content = h.write_content(tmp_path / "content")
    ent = yaml.safe_load((content / "entities" / "e-peskov.yml").read_text(encoding="utf-8"))
    ent["aliases"] = ["Peskov", "<b>Dmitry</b> Peskov"]
    ent["name"] = "<b>Dmitry</b> Peskov"
    (content / "entities" / "e-peskov.yml").write_text(yaml.safe_dump(ent), encoding="utf-8")
    art = yaml.safe_load((content / "articles" / "a-one.yml").read_text(encoding="utf-8"))
    data = h.story()
    data["facts"][1]["text"] = "Peskov said Moscow offered to mediate."
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    # the cited article writes that form inside a sentence
    art["text"] = art["text"].replace("Dmitry Peskov told", "<b>Dmitry</b> Peskov told")
    for src in data["facts"][1]["sources"]:
        assert src["excerpt"] in art["text"]
    (content / "articles" / "a-one.yml").write_text(yaml.safe_dump(art), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    md = {p.src_uri: p for p in site_pages.render_pages(site)}["stories/s-mediation.md"].markdown
    names = re.search(r'<span class="digest-names">\((.*?)\)</span>', md, re.S)
    assert names is not None and "&lt;b&gt;Dmitry&lt;/b&gt; Peskov" in names.group(1)
    assert "<b>Dmitry</b>" not in md


def test_an_acronym_gets_the_long_form_a_cited_article_spells_out():
    from generator.site.names import spelled_out

    source = ("The Harbour Safety Authority (HSA) closed the port. The US and UN were told. "
              "Westport Fishing Cooperative (WFC) members met on Monday.")
    assert spelled_out("HSA inspectors and WFC members met, the US said.", [source]) == [
        ("HSA", "Harbour Safety Authority"), ("WFC", "Westport Fishing Cooperative")]
    # not when the line spells it out itself, nor for an abbreviation every reader knows,
    # nor when the articles spell it two ways, nor from words that do not fit its letters
    assert spelled_out("The Harbour Safety Authority (HSA) closed the port.", [source]) == []
    assert spelled_out("The US and the UN were told.", [source]) == []
    assert spelled_out("HSA inspectors came.", [source, "The Highway Speed Agency (HSA) agreed."]) == []
    assert spelled_out("HSA inspectors came.", ["The port authority of the town (HSA) agreed."]) == []
    assert spelled_out("HSA inspectors came.", []) == []
    # the acronym repeated before its brackets spells nothing out
    assert spelled_out("HSA inspectors came.", ["Harbour Safety Authority (HSA) said HSA (HSA) staff left."]) == [
        ("HSA", "Harbour Safety Authority")]
    # a possessive is not part of the name
    assert spelled_out("HSA inspectors came.", ["the Harbour Safety Authority's (HSA) rules"]) == [
        ("HSA", "Harbour Safety Authority")]


def test_story_page_shows_an_acronyms_long_form_beside_the_line(tmp_path):
    data = h.story()
    source = "The Kremlin Press Service (KPS) said Moscow offered on Monday to mediate."
    data["facts"][0]["text"] = "KPS said Moscow offered to mediate."
    data["facts"][0]["sources"] = [h.source("a-one", source, "Moscow offered on Monday to mediate")]
    content = h.write_content(tmp_path / "content")
    art = yaml.safe_load((content / "articles" / "a-one.yml").read_text(encoding="utf-8"))
    art["text"], art["dates"] = source, []   # its dates were offsets into the fixture's text
    (content / "articles" / "a-one.yml").write_text(yaml.safe_dump(art), encoding="utf-8")
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    md = {p.src_uri: p for p in site_pages.render_pages(site)}["stories/s-mediation.md"].markdown
    assert '<span class="digest-names">(KPS: Kremlin Press Service)</span>' in md


_ACR_WORDS = st.sampled_from(["HSA", "WFC", "US", "the", "Harbour", "Safety", "Authority", "(HSA)", "(WFC)",
                              "Westport", "Fishing", "Cooperative", "said", "met", "(US)", "United", "States"])


_DEFINITIONS = st.sampled_from(["Harbour Safety Authority (HSA)", "Westport Fishing Cooperative (WFC)",
                                "United States (US)", "Highway Speed Agency (HSA)", "the harbour (HSA)"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ACR_WORDS, max_size=12), st.lists(st.one_of(_ACR_WORDS, _DEFINITIONS), max_size=30))
def test_every_long_form_is_written_in_a_source_with_its_acronym_and_not_in_the_line(line, source):
    from generator.site.names import spelled_out

    text, src = " ".join(line), " ".join(source)
    got = spelled_out(text, [src])
    # the long form a source gives one way only is given for every acronym the line uses
    if "HSA" in line and "Harbour Safety Authority (HSA)" in source and "Highway Speed Agency (HSA)" not in source \
            and "harbour safety authority" not in text.lower():
        assert ("HSA", "Harbour Safety Authority") in got
    for acronym, long_form in got:
        assert f"{long_form} ({acronym})" in src
        assert re.search(rf"\b{acronym}\b", text) and long_form.lower() not in text.lower()
        assert acronym not in ("US",)


def test_the_role_a_source_gives_in_an_apposition():
    from generator.site.names import role_in

    sources = ["Jon Roe, 41, of Springfield, was charged. Jon Roe, who fled, is held.",
               "Jon Roe, a county clerk, said he would appeal. Jon Roe, the accused, spoke."]
    assert role_in("Jon Roe", sources) == "a county clerk"  # the first the sources give, in their order
    assert role_in("Jon Roe", sources[:1]) is None  # an age, a place, a relative clause: no role
    long = "Jon Roe, the " + " ".join(["head"] * 12) + ", said"
    assert role_in("Jon Roe", [long]) is None  # too long to sit beside a line
    assert role_in("Jon Roe", ['Jon Roe, a "clerk", said']) is None  # no quote inside


def test_story_page_shows_the_role_beside_the_full_name_escaped(tmp_path):
    content = h.write_content(tmp_path / "content")
    art = yaml.safe_load((content / "articles" / "a-one.yml").read_text(encoding="utf-8"))
    data = h.story()
    data["facts"][1]["text"] = "Peskov said Moscow offered to mediate."
    art["text"] = art["text"].replace("Dmitry Peskov told", "Dmitry Peskov, the Kremlin <b>spokesman</b>, told")
    for src in data["facts"][1]["sources"]:
        assert src["excerpt"] in art["text"]
    (content / "articles" / "a-one.yml").write_text(yaml.safe_dump(art), encoding="utf-8")
    (content / "stories" / "s-mediation.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    site = load.load_site(content, rel_to=tmp_path)
    md = {p.src_uri: p for p in site_pages.render_pages(site)}["stories/s-mediation.md"].markdown
    names = re.search(r'<span class="digest-names">\((.*?)\)</span>', md, re.S)
    assert names is not None
    assert re.sub(r"<[^>]+>", "", names.group(1)) == "Peskov: Dmitry Peskov, the Kremlin &lt;b&gt;spokesman&lt;/b&gt;"
    assert "<b>spokesman</b>" not in md
