"""resolve_story: quote cards across outlets, entity ids, fact dates, timeline."""
from __future__ import annotations

import re

import pytest

from generator.records import Fact, SourceRef, Story
from generator.stories.resolve import merge_entities, normalise_quote, resolve_story
from tests.resolve_helpers import analyse, make_article, sample_analyses, sample_articles


def sentence_fact(fid, article, analysis, needle):
    """A fact card citing the sentence of `article` that contains `needle`."""
    for a, b in analysis.sentences:
        if needle in article.text[a:b]:
            return Fact(fid, article.text[a:b], "event", [SourceRef(article.id, article.text[a:b], a, b)])
    raise AssertionError(f"no sentence with {needle!r}")


def story_of(arts, facts=()):
    return Story(id="s1", title="T", date="2017-12-26", articles=[a.id for a in arts],
                 outlets=[a.outlet or a.id for a in arts], single_source=len(arts) == 1,
                 summary=[], facts=list(facts))


@pytest.fixture(scope="module")
def sample_story():
    arts = sample_articles()
    an = sample_analyses()
    by_file = {a.source_file.split("/")[-1][:3]: a for a in arts}
    facts = [sentence_fact("f-vote", by_file["000"], an[by_file["000"].id], "Friday"),
             sentence_fact("f-test", by_file["003"], an[by_file["003"].id], "November 29")]
    story = story_of(arts, facts)
    members = [(a, an[a.id]) for a in arts]
    resolved, entities = resolve_story(story, members)
    return story, members, resolved, entities


def test_same_quote_from_two_outlets_is_one_card(sample_story):
    _, members, resolved, _ = sample_story
    texts = {a.id: a.text for a, _ in members}
    cards = [q for q in resolved.quotes if normalise_quote(q.text).startswith("russia is ready if both sides")]
    assert len(cards) == 1
    card = cards[0]
    assert len({s.article for s in card.sources}) == 2
    assert card.speaker == "dmitry-peskov" and card.speaker_name == "Dmitry Peskov"
    assert re.fullmatch(r"q-[0-9a-f]{8}", card.id)


def test_every_quote_source_is_verbatim_and_ids_unique(sample_story):
    _, members, resolved, _ = sample_story
    texts = {a.id: a.text for a, _ in members}
    for q in resolved.quotes:
        for s in q.sources:
            assert texts[s.article][s.start:s.end] == s.excerpt
        assert q.text in {s.excerpt for s in q.sources}
    ids = [q.id for q in resolved.quotes]
    assert len(ids) == len(set(ids))


def test_quote_ids_stable_across_runs(sample_story):
    story, members, resolved, _ = sample_story
    again, _ = resolve_story(story, members)
    assert [q.id for q in again.quotes] == [q.id for q in resolved.quotes]


def test_sample_entity_variants_merged(sample_story):
    _, _, resolved, entities = sample_story
    ents = {e.id: e for e in entities}
    assert "Kim Jong-un" in ents["kim-jong-un"].aliases or ents["kim-jong-un"].name == "Kim Jong-un"
    lavrov = ents["sergei-lavrov"]
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= {lavrov.name, *lavrov.aliases}
    assert "Peskov" in ents["dmitry-peskov"].aliases
    assert not any("President" in e.name or "spokesman" in e.name.lower() for e in entities)
    assert not any(e.id in ("peskov", "lavrov", "kim-jong-un-2") for e in entities)


def test_quote_speakers_are_entity_ids(sample_story):
    _, _, resolved, entities = sample_story
    ids = {e.id for e in entities}
    speakers = {q.speaker for q in resolved.quotes if q.speaker}
    assert speakers <= ids
    assert {"dmitry-peskov", "sergei-lavrov", "rex-tillerson"} <= speakers


def test_fact_dates_and_timeline(sample_story):
    story, _, resolved, _ = sample_story
    facts = {f.id: f for f in resolved.facts}
    assert facts["f-vote"].date == "2017-12-22"
    # "...adopted new sanctions in response to its November 29 ballistic missile test":
    # the date names the test, not the adoption this sentence reports.
    assert facts["f-test"].date is None
    dates = [t.date for t in resolved.timeline]
    assert dates == sorted(dates)
    assert "f-test" not in [f for t in resolved.timeline for f in t.facts]
    assert ("2017-12-22", ["f-vote"]) in [(t.date, t.facts) for t in resolved.timeline]
    assert facts["f-vote"].text == story.facts[0].text and facts["f-vote"].sources == story.facts[0].sources


def test_facts_get_entities_from_their_excerpts(sample_story):
    _, _, resolved, _ = sample_story
    vote = next(f for f in resolved.facts if f.id == "f-vote")
    assert "north-korea" in vote.entities


def test_story_fields_from_extract_kept(sample_story):
    story, _, resolved, _ = sample_story
    for name in ("id", "title", "date", "articles", "outlets", "single_source", "summary"):
        assert getattr(resolved, name) == getattr(story, name)


def test_translation_is_separate_quote_and_marks_do_not_matter():
    a = make_article("a", "“We are ready to help if both sides want it,” Ivan Sokolov said.")
    b = make_article("b", '"We are ready to help if both sides want it," Ivan Sokolov told reporters.')
    c = make_article("c", '"We stand ready to assist should both parties wish so," Ivan Sokolov said.')
    arts = [a, b, c]
    an = analyse(arts)
    resolved, entities = resolve_story(story_of(arts), [(x, an[x.id]) for x in arts])
    assert len(resolved.quotes) == 2
    same, other = resolved.quotes
    assert {s.article for s in same.sources} == {"a", "b"}
    assert {s.article for s in other.sources} == {"c"}
    assert same.speaker == other.speaker == "ivan-sokolov"


def test_unknown_speaker_is_none():
    a = make_article("a", 'A banner read "no more war in our streets, ever again" across the square.')
    an = analyse([a])
    resolved, _ = resolve_story(story_of([a]), [(a, an["a"])])
    [q] = resolved.quotes
    assert q.speaker is None and q.speaker_name is None


def test_merge_entities_across_stories(sample_story):
    _, members, _, entities = sample_story
    arts = [a for a, _ in members]
    an = {a.id: x for a, x in members}
    second = Story(id="s2", title="T2", date=None, articles=[arts[3].id], outlets=["x"], single_source=True,
                   summary=[], facts=[])
    _, ents2 = resolve_story(second, [(arts[3], an[arts[3].id])])
    merged = {e.id: e for e in merge_entities([entities, ents2])}
    assert merged["sergei-lavrov"].stories == ["s1", "s2"]
    assert list(merged) == sorted(merged)


def test_timeline_has_no_repeated_line_for_one_date():
    """Two cards carrying the same dated sentence give one timeline item citing both."""
    from generator.records import Fact, SourceRef
    from generator.stories.resolve import build_timeline

    text = "The council voted on Friday to expand the sanctions."
    art = make_article("a1", text, published="2017-12-26")
    analyses = analyse([art])
    src = SourceRef(article="a1", excerpt=text, start=0, end=len(text))
    facts = [Fact(id="f-1", text=text, kind="event", sources=[src]),
             Fact(id="f-2", text="Another card that this sentence supports.", kind="event", sources=[src])]
    items = build_timeline(facts, {"a1": (art, analyses["a1"])})
    assert [(i.date, i.facts) for i in items] == [("2017-12-22", ["f-1", "f-2"])]


def test_a_card_is_on_the_timeline_once_at_its_own_date():
    """A card whose excerpt also mentions an earlier event is listed at its own date only."""
    from generator.records import Fact, SourceRef
    from generator.stories.resolve import build_timeline

    text = "The council voted on Friday to expand the sanctions after the December 4 test."
    art = make_article("a1", text, published="2017-12-26")
    analyses = analyse([art])
    src = SourceRef(article="a1", excerpt=text, start=0, end=len(text))
    items = build_timeline([Fact(id="f-1", text=text, kind="event", sources=[src])], {"a1": (art, analyses["a1"])})
    assert [i.facts for i in items] == [["f-1"]]


def test_caption_and_title_dates_are_never_card_or_timeline_dates():
    from generator.stories.resolve import build_timeline, fact_date

    text = ("FILE - In this May 4, 2011, file photo, the mayor leaves a court in Springfield.\n\n"
            "Workers leave the plant in Springfield, Tuesday, Jan. 24, 2017. (AP Photo/Jane Doe)\n\n"
            "The theatre will stage the novel 1984 next season.\n\n"
            "A judge approved the plea agreement on March 3, 2017.")
    art = make_article("a1", text, published="2017-12-26")
    an = analyse([art])["a1"]
    facts = [sentence_fact(f"f-{n}", art, an, needle) for n, needle in
             enumerate(("file photo", "AP Photo", "novel 1984", "plea agreement"))]
    by_article = {"a1": (art, an)}
    assert [fact_date(f, by_article) for f in facts] == [None, None, None, "2017-03-03"]
    assert [(i.date, i.facts) for i in build_timeline(facts, by_article)] == [("2017-03-03", ["f-3"])]
    resolved, _ = resolve_story(story_of([art], facts), [(art, an)])
    assert [f.date for f in resolved.facts] == [None, None, None, "2017-03-03"]


def test_a_contributor_line_or_a_caption_is_no_timeline_item():
    """A card whose own text is a credit or a caption by its wording names no event, even
    when it states a date the date checks let through."""
    from generator.stories.resolve import build_timeline

    text = ("Ann Poe reports for the Channel 9 News at 5 on Saturday, Aug. 11, 2018.\n\n"
            "A judge approved the plea agreement on March 3, 2017.")
    art = make_article("a1", text, published="2018-08-12")
    an = analyse([art])["a1"]
    facts = [sentence_fact("f-0", art, an, "Channel 9"), sentence_fact("f-1", art, an, "plea agreement")]
    assert [(i.date, i.facts) for i in build_timeline(facts, {"a1": (art, an)})] == [("2017-03-03", ["f-1"])]


def test_a_date_in_a_background_clause_dates_no_card():
    """A date inside a clause that states background ("who did the hike in 2003", "when
    they married in 1946, ...") is not the date of the line's fact; a reported clause's
    date is ("police said the bridge fell in 2007"), and so is the date of a line read
    "as missing on Nov. 18, 2017"."""
    from generator.nlp.analyze import background_dates, load_nlp
    from generator.nlp.dates import find_dates
    from generator.stories.resolve import fact_date

    def background(text):
        return [text[a:b] for a, b in background_dates(load_nlp()(text), find_dates(text, "2018-01-10"))]

    assert background("At the spring I met Jon Roe, who did the thru-hike in 2003.") == ["2003"]
    assert background("When they married in 1946, Roe paid $400 for the ring, he said.") == ["1946"]
    assert background("Police said the bridge fell in 2007.") == []
    assert background("Jane Roe was reported as missing in Springfield on Nov. 18, 2017.") == []
    text = "At the spring I met Jon Roe, who did the thru-hike in 2003."
    art = make_article("a1", text, published="2018-01-10")
    an = analyse([art])["a1"]
    fact = sentence_fact("f-1", art, an, "thru-hike")
    assert fact_date(fact, {"a1": (art, an)}) is None


def test_timeline_item_text_states_its_date():
    """A card whose text states no date is not a timeline line of its own, even when
    another outlet's excerpt on it gives one: the line shown would not say when."""
    from generator.stories.resolve import build_timeline

    a_text = "The council expanded the sanctions."
    b_text = "The council voted on Friday to expand the sanctions."
    a, b = make_article("a1", a_text), make_article("a2", b_text)
    an = analyse([a, b])
    card = Fact(id="f-1", text=a_text, kind="event",
                sources=[SourceRef("a1", a_text, 0, len(a_text)), SourceRef("a2", b_text, 0, len(b_text))])
    by_article = {"a1": (a, an["a1"]), "a2": (b, an["a2"])}
    assert build_timeline([card], by_article) == []
    dated = Fact(id="f-2", text=b_text, kind="event", sources=[SourceRef("a2", b_text, 0, len(b_text))])
    # The card whose text states the date heads the item; the other joins it, once.
    assert [(i.date, i.facts) for i in build_timeline([card, dated], by_article)] == [("2017-12-22", ["f-2", "f-1"])]


def test_shared_surname_links_neither_person_and_unique_surname_links_one():
    # Maria is named more often: a bare "Chapa" must still not go to her.
    text = ("Maria Chapa was hurt in the crash, police said. Her brother Juan Chapa was not hurt. "
            "Maria Chapa was taken to a hospital.\n\n"
            "Chapa told reporters the driver did not stop.\n\n"
            "The driver was arrested by officer Laura Benson. Benson said the car was found later.")
    art = make_article("a1", text)
    an = analyse([art])["a1"]
    facts = [sentence_fact("f-chapa", art, an, "Chapa told"), sentence_fact("f-benson", art, an, "Benson said"),
             sentence_fact("f-maria", art, an, "Maria Chapa was hurt")]
    resolved, entities = resolve_story(story_of([art], facts), [(art, an)])
    ids = {e.id for e in entities}
    assert {"maria-chapa", "juan-chapa", "laura-benson"} <= ids and "chapa" not in ids
    cards = {f.id: f for f in resolved.facts}
    assert not {"maria-chapa", "juan-chapa"} & set(cards["f-chapa"].entities)
    assert "laura-benson" in cards["f-benson"].entities
    assert "maria-chapa" in cards["f-maria"].entities and "juan-chapa" not in cards["f-maria"].entities
