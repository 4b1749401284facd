"""Extract stage: one story's articles -> fact cards, summary, title.

The steps, each in its own module:

1. `sentences`: every article's sentences become reading units (a quoted remark the
   splitter cut in several sentences is one unit), filtered to complete, clean ones.
2. `align`: sentences stating the same fact across articles are grouped (TF-IDF cosine
   plus entity/number overlap, guarded by shared core content so shared names or
   reporting words alone never align), then each card gains supporting sentences,
   cards that back each other merge, and a sentence cited on several cards stays
   where it covers most.
3. `cards`: each group is one fact card whose text is its clearest sentence and whose
   sources cite, verbatim with offsets into the cleaned article text, every member that
   names the card's participants with compatible figures (others: "outlets differ", or
   a card of their own).
4. `dedupe`: cards stating the same fact merge (their sources join), and a sentence
   that is a card's text is cited on that card only.
5. `summary`: a few non-redundant card texts, most outlets first (the key points),
   and a title (usually a headline).

The word-level analysis they share (core terms, stems, attribution spans, places) is
in `generator.nlp.terms`. Nothing is rewritten: card text, summary sentences and
(usually) the title are verbatim sentences or headlines of the articles.
"""
from __future__ import annotations

from generator.config import ExtractSettings
from generator.ids import outlet_key
from generator.records import Analysis, Article, Story
from generator.stories.extract.align import sentence_matrix, similarity
from generator.stories.extract.cards import build_cards
from generator.stories.extract.dedupe import dedupe
from generator.stories.extract.sentences import story_sentences
from generator.stories.extract.summary import choose_title, story_date, summarise
from generator.stories.group import StoryGroup


def extract_story(group: StoryGroup, members: list[tuple[Article, Analysis]],
                  settings: ExtractSettings | None = None) -> Story:
    settings = settings or ExtractSettings()
    sentences = story_sentences(members, settings)
    if sentences:
        x = sentence_matrix(sentences)
        sim = similarity(sentences, x, settings)
        cards = build_cards(members, sentences, sim, x, settings)
        if settings.dedupe:
            cards = dedupe(cards, sentences, sim, members, settings)
        summary = summarise(cards, sim, settings, x)
    else:
        cards, summary = [], []
    articles = [a for a, _ in members]
    outlets = sorted({outlet_key(a.outlet, a.id) for a in articles})
    return Story(
        id=group.id,
        title=choose_title(members, cards, settings),
        date=story_date(articles),
        articles=[a.id for a in articles],
        outlets=outlets,
        single_source=len(outlets) < 2,
        summary=summary,
        facts=[c.fact for c in cards],
    )
