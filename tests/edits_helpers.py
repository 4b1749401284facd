"""Record factories for the store/check/merge/edits tests (issue 6)."""
from __future__ import annotations

import random

from generator.records import (Article, DateMention, Entity, Fact, Quote, SourceRef, Story,
                               SummaryItem, TimelineItem)

WORDS = ("Moscow Kremlin said ready mediate talks Pyongyang Washington envoy minister "
         "sanctions missile Monday Tuesday offered spoke — «quoted» Zürich").split()


def article(aid: str, story: str | None, sentences: list[str], published: str = "2017-12-01") -> Article:
    text = "\n\n".join(sentences)
    dates = []
    at = text.find("Monday")
    if at >= 0:
        dates.append(DateMention("Monday", "2017-11-27", at, at + 6))
    return Article(id=aid, source_file=f"inbox/{aid}.txt", outlet=f"Outlet {aid}", headline=f"Headline {aid}",
                   published=published, published_inferred=False, dateline=None, byline=None,
                   credits=[], text=text, story=story, dates=dates)


def ref(a: Article, excerpt: str) -> SourceRef:
    start = a.text.index(excerpt)
    return SourceRef(a.id, excerpt, start, start + len(excerpt))


def corpus(seed: int = 0, n_stories: int = 2, per_story: int = 2, variant: int = 0):
    """Articles, stories and entities with valid references; `variant` changes generated values."""
    rng = random.Random(seed)
    articles, stories, entities = [], [], []
    for s in range(n_stories):
        sid = f"story-{s}"
        members = []
        for k in range(per_story):
            sentences = [" ".join(rng.choice(WORDS) for _ in range(8)) + f" s{s}a{k}p{p}."
                         for p in range(3)]
            members.append(article(f"art-{s}-{k}", sid, sentences))
        facts = []
        for n, a in enumerate(members):
            sentence = a.text.split("\n\n")[n % 3]
            facts.append(Fact(f"f{n + 1}", f"Fact {n} v{variant}: {sentence}", "event", [ref(a, sentence)],
                              entities=["moscow"]))
        quotes = [Quote("q1", "moscow", "Moscow", members[0].text.split("\n\n")[1],
                        [ref(members[0], members[0].text.split("\n\n")[1])])]
        stories.append(Story(sid, f"Story {s} v{variant}", "2017-12-01", [a.id for a in members],
                             [a.outlet for a in members], False,
                             [SummaryItem(["f1"]), SummaryItem(["f2"] if variant else ["f1", "f2"])],
                             facts, quotes, [TimelineItem(f"2017-12-0{1 + variant}", ["f1"])]))
        articles += members
    entities.append(Entity("moscow", "Moscow", "place", ["Moskva"], [s.id for s in stories]))
    return articles, stories, entities
