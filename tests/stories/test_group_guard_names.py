"""The shared-name guard compares names, not whatever the tagger labels (issue 12): a
figure table's words ("cts", "Revs") are no names, and a dateline's place counts only
when the text names nothing else, so template briefs of different companies filed from
one city do not link on the city."""
from __future__ import annotations

from dataclasses import replace

from generator.config import GroupSettings
from generator.records import Analysis, Mention
from generator.stories.group import group_articles, guard_names
from tests.story_helpers import make_article


def _analysis(article, names: list[tuple[str, str]]) -> Analysis:
    """An analysis naming each (text, label) at its first place in the article."""
    mentions = []
    for text, label in names:
        start = article.text.index(text)
        mentions.append(Mention(text, label, start, start + len(text)))
    return Analysis(article_id=article.id, sentences=[(0, len(article.text))], mentions=mentions)


def _brief(aid: str, city: str, figures: str):
    return make_article(aid, f"{city}, March 2 - Qtly div {figures} cts vs {figures} cts prior\n"
                             f"Pay April 1\nRecord March 15\n", "o1")


def test_words_of_a_figure_table_are_no_names():
    a = _brief("a", "SPRINGFIELD", "12")
    an = _analysis(a, [("SPRINGFIELD", "GPE"), ("cts", "ORG"), ("1", "CARDINAL")])
    # "cts" is lower case, "1" a figure; the dateline place is all the text names.
    assert guard_names(a, an) == {"e:springfield"}


def test_a_dateline_place_counts_only_when_the_text_names_nothing_else():
    a = make_article("a", "SPRINGFIELD, March 2 - Acme Widgets said it would close its plant in Riverton.")
    an = _analysis(a, [("SPRINGFIELD", "GPE"), ("Acme Widgets", "ORG"), ("Riverton", "GPE")])
    assert guard_names(a, an) == {"e:acme widgets", "e:riverton"}
    b = make_article("b", "SPRINGFIELD, March 2 - Shr 40 cts vs 10 cts\nNet 1,200,000 vs 310,000\n")
    assert guard_names(b, _analysis(b, [("SPRINGFIELD", "GPE")])) == {"e:springfield"}


def test_template_briefs_sharing_only_a_tagged_table_word_stay_apart():
    # Two dividend briefs of two companies in two cities: the same words, other figures.
    arts = [_brief("a", "SPRINGFIELD", "12"), _brief("b", "RIVERTON", "30")]
    analyses = {a.id: _analysis(a, [(a.text.split(",")[0], "GPE"), ("cts", "ORG")]) for a in arts}
    settings = GroupSettings(lead_person_penalty=0.0, lead_number_penalty=0.0)

    def stories(s):
        return len(group_articles(arts, analyses, {}, s))

    assert stories(settings) == 2
    # The guard is what keeps them apart: without it their wording joins them.
    assert stories(replace(settings, require_shared_entity=False)) == 1


def test_one_company_in_two_reports_still_links():
    text = ("SPRINGFIELD, March 2 - Acme Widgets said it would close its Riverton plant, cutting "
            "400 jobs, after a year of falling orders.")
    arts = [make_article("a", text, "o1"),
            make_article("b", text.replace("SPRINGFIELD", "RIVERTON").replace("falling", "weak"), "o2")]
    analyses = {a.id: _analysis(a, [(a.text.split(",")[0], "GPE"), ("Acme Widgets", "ORG")]) for a in arts}
    assert len(group_articles(arts, analyses, {}, GroupSettings())) == 1


def test_a_figure_table_row_names_nothing():
    from generator.nlp.entities import figure_row

    assert figure_row("Revs 20.1 mln vs 18.3 mln")
    assert figure_row("Avg shrs 2,332,397 vs 1,428,000")
    assert not figure_row("Acme Widgets said it would close its Riverton plant in 2017.")
    a = make_article("a", "SPRINGFIELD, March 2 - Shr 40 cts vs 10 cts\nRevs 20.1 mln vs 18.3 mln\n")
    an = _analysis(a, [("SPRINGFIELD", "GPE"), ("Revs", "ORG")])
    an.sentences = [(0, a.text.index("\n")), (a.text.index("Revs"), len(a.text) - 1)]
    assert guard_names(a, an) == {"e:springfield"}


def test_a_brief_naming_only_its_dateline_is_known_by_its_headline_names():
    # Two results briefs from one city: the same table, two companies named only in
    # their headlines. The headline's names stand for the text; the shared city does not.
    arts = [make_article(aid, "SPRINGFIELD, March 2 - Shr 40 cts vs 10 cts\nNet 1,200,000 vs 310,000\n", "o1",
                         headline=head) for aid, head in (("a", "ACME WIDGETS INC 4TH QTR NET"),
                                                          ("b", "BOLT AND NUT CORP 4TH QTR NET"))]
    analyses = {}
    for a, company in zip(arts, ("Acme Widgets Inc", "Bolt And Nut Corp")):
        an = _analysis(a, [("SPRINGFIELD", "GPE")])
        an.headline_mentions = [Mention(company, "ORG", 0, len(company))]
        analyses[a.id] = an
    assert guard_names(arts[0], analyses["a"]) == {"e:acme widgets inc"}
    settings = GroupSettings(lead_person_penalty=0.0, lead_number_penalty=0.0)
    assert len(group_articles(arts, analyses, {}, settings)) == 2
    # The same company's two briefs still link.
    analyses["b"].headline_mentions = list(analyses["a"].headline_mentions)
    assert len(group_articles(arts, analyses, {}, settings)) == 1


def test_the_analysis_reads_a_headline_only_for_a_text_naming_nothing():
    from generator.nlp.analyze import analyze_articles

    brief = make_article("a", "SPRINGFIELD, March 2 - Shr 40 cts vs 10 cts\nNet 1,200,000 vs 310,000\n",
                         headline="GENERAL MOTORS CORP 4TH QTR NET")
    report = make_article("b", "General Motors said on Monday it would close its plant in Ohio.",
                          headline="GENERAL MOTORS TO CLOSE OHIO PLANT")
    got = {an.article_id: an for an in analyze_articles([brief, report])}
    assert [m.text for m in got["a"].headline_mentions] == ["General Motors Corp"]
    assert got["b"].headline_mentions == []


def test_a_capitalised_wire_headline_is_recased_around_its_markup():
    from types import SimpleNamespace

    from generator.nlp.analyze import _unbracketed, recased

    assert recased("<ACME WIDGETS LTD> 4TH QTR NET") == "(Acme Widgets Ltd) 4th Qtr Net"
    assert recased("BOLT CORP <BLT> SETS \"SPECIAL\" PAYOUT") == "Bolt Corp (Blt) Sets \"Special\" Payout"
    assert recased("Acme Widgets to close plant") == "Acme Widgets to close plant"
    # The tagger sweeps a ticker's bracket into the name: the name stops at it.
    head = recased("BOLT CORP <BLT> 4TH QTR NET")
    ent = SimpleNamespace(text="Bolt Corp (Blt", label_="ORG", start_char=0, end_char=14)
    m = _unbracketed(ent)
    assert (m.text, head[m.start:m.end]) == ("Bolt Corp", "Bolt Corp")
    ent = SimpleNamespace(text="(Acme Widgets Ltd", label_="ORG", start_char=0, end_char=17)
    m = _unbracketed(ent)
    assert m.text == "Acme Widgets Ltd" and m.start == 1
