"""Card dates, timeline items and surnames on real clusters: `python -m bench.timeline_quality`.

Data: ../shared/eval/multinews/dev.jsonl (research use only; never copied into the
repo). Skipped with a message when absent. Each TRUE cluster goes through
`extract_story` and `resolve_story` (the build's story stage); the articles carry no
publication date, so only dates that state their year resolve.

Counted:
- dated cards and timeline items, and how many of them take their date from a photo
  caption / credit line or from the title of a work (`generator.nlp.dates.caption_spans`,
  `title_spans`): every mention of the date inside the card's excerpts lies in one;
- timeline items whose displayed line (their first card's text) does not state the
  item's date, and timeline lines that stand on two dates (the same fact twice);
- timeline lines that do not read on their own by the automatic checks the key points
  use (`sentences.standalone_problem` with the parse's references of the line's own
  span, or a piece of a quote): a proxy of a reading, not a reading;
- people: person entities sharing their surname with another person of the story,
  and one-word mentions of such a shared surname that were linked to an entity
  (should be none), beside one-word surnames of one person that were linked.
- `--show N --seed S`: N timeline items drawn with a fixed seed, each with the
  sentence its date comes from, to read and judge by hand.

Options: --limit N, --analyses-cache FILE (the same pickle `bench.story_quality` writes).
"""
from __future__ import annotations

import argparse
import pickle
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.story_quality import DATA, load_clusters  # noqa: E402


def _in(spans, a, b) -> bool:
    return any(s <= a and b <= e for s, e in spans)


_STOP = frozenset("the a an of to in on at for and or but is was were are be been has have had by with "
                  "from that this it its as he she they his her their said says will would".split())


def _content(text: str) -> frozenset:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP)


def _card_span(fact, by_article):
    """(article, start, end) of the card text inside one of its excerpts, or None."""
    for src in fact.sources:
        i = src.excerpt.find(fact.text)
        if i >= 0:
            return src.article, src.start + i, src.start + i + len(fact.text)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--analyses-cache", type=Path, default=None)
    ap.add_argument("--show", type=int, default=20, help="timeline items to print for reading")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--lines", type=Path, default=None,
                    help="write every timeline line (story, date, text) as JSON Lines, for a reading")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"SKIP: {args.data} not found (evaluation data is not part of the repo)")
        return 0

    from generator.config import Config
    from generator.nlp.analyze import analyze_articles
    from generator.nlp.dates import caption_spans, title_spans
    from generator.nlp.entities import clean_name, key
    from generator.records import Article
    from generator.stories import extract, group
    from generator.stories.extract.sentences import is_fragment, references_in, standalone_problem
    from generator.stories.resolve import _is_dateline, build_entities, resolve_story

    config = Config()
    clusters = load_clusters(args.data, args.limit)
    articles, by_cluster = [], []
    for ci, (texts, _ref) in enumerate(clusters):
        ids = []
        for pi, text in enumerate(texts):
            aid = f"c{ci:03d}-p{pi}"
            ids.append(aid)
            articles.append(Article(id=aid, source_file=aid, outlet=aid, headline=None, published=None,
                                    published_inferred=False, dateline=None, byline=None, credits=[],
                                    text=text))
        by_cluster.append(ids)
    if args.analyses_cache and args.analyses_cache.exists():
        with args.analyses_cache.open("rb") as fh:
            analyses = pickle.load(fh)
    else:
        analyses = {a.id: an for a, an in zip(articles, analyze_articles(articles))}
        if args.analyses_cache:
            with args.analyses_cache.open("wb") as fh:
                pickle.dump(analyses, fh)
    by_id = {a.id: a for a in articles}
    caps = {a.id: caption_spans(a.text, analyses[a.id].sentences) for a in articles}
    titles = {a.id: title_spans(a.text, analyses[a.id].mentions) for a in articles}

    n = Counter()
    items_all = []
    for ci, ids in enumerate(by_cluster):
        members = [(by_id[i], analyses[i]) for i in ids]
        story = extract.extract_story(group.StoryGroup(f"c{ci:03d}", ids), members, config.settings.extract)
        story, _ = resolve_story(story, members, config.settings.resolve)
        facts = {f.id: f for f in story.facts}

        def origin(fact, value):
            """'caption', 'title' or 'story': where the date's mentions in the excerpts stand."""
            kinds = set()
            for src in fact.sources:
                art, an = by_id[src.article], analyses[src.article]
                for d in an.dates:
                    if d.value == value and src.start <= d.start and d.end <= src.end \
                            and not _is_dateline(art, d):
                        kinds.add("caption" if _in(caps[art.id], d.start, d.end) else
                                  "title" if _in(titles[art.id], d.start, d.end) else "story")
            return "story" if "story" in kinds or not kinds else sorted(kinds)[0]

        for fact in story.facts:
            if fact.date:
                n["dated cards"] += 1
                n[f"card date from {origin(fact, fact.date)}"] += 1
        lines_dates = defaultdict(set)
        for item in story.timeline:
            fact = facts.get(item.facts[0])
            if fact is None:
                continue
            n["timeline items"] += 1
            n[f"timeline date from {origin(fact, item.date)}"] += 1
            lines_dates[fact.text].add(item.date)
            span = _card_span(fact, by_id)
            stated = span is not None and any(
                d.value == item.date and span[1] <= d.start and d.end <= span[2]
                for d in analyses[span[0]].dates)
            n["timeline line not stating its date"] += not stated
            refs = references_in(analyses[span[0]], span[1], span[2]) if span else None
            n["timeline line not standing alone (automatic)"] += bool(
                is_fragment(fact.text) or standalone_problem(fact.text, refs))
            items_all.append((story.id, item, fact))
        n["timeline lines on two or more dates"] += sum(len(v) > 1 for v in lines_dates.values())
        # Near-duplicate lines (half their content words shared) on two dates: one fact twice.
        shown = [(item.date, _content(facts[item.facts[0]].text)) for item in story.timeline
                 if item.facts[0] in facts]
        n["timeline line pairs, same fact on two dates"] += sum(
            1 for i, (da, wa) in enumerate(shown) for db, wb in shown[i + 1:]
            if da != db and wa and wb and len(wa & wb) / len(wa | wb) >= 0.5)

        # Surnames shared by two people of the story.
        index, entities = build_entities(story.id, members)
        people = [e for e in entities if e.kind == "person" and len(e.name.split()) >= 2]
        by_surname = defaultdict(set)
        for e in people:
            by_surname[key(e.name).split()[-1]].add(e.id)
        shared = {s for s, v in by_surname.items() if len(v) > 1}
        n["person ids sharing a surname in their story"] += sum(len(by_surname[s]) for s in shared)
        for aid in ids:
            for m, name, label in index.named.get(aid, []):
                cname = clean_name(name, label)
                if not cname or " " in cname or key(cname) not in by_surname:
                    continue
                linked = index.id_of(name, label) is not None
                if key(cname) in shared:
                    n["bare shared surname mentions"] += 1
                    n["bare shared surname mentions linked"] += linked
                else:
                    n["bare unique surname mentions"] += 1
                    n["bare unique surname mentions linked"] += linked

    if args.lines:
        import json

        with args.lines.open("w", encoding="utf-8") as fh:
            for sid, item, fact in items_all:
                fh.write(json.dumps({"story": sid, "date": item.date, "text": fact.text}, ensure_ascii=False) + "\n")
    print(f"{len(clusters)} clusters (true clusters, extract + resolve)")
    for k in ("dated cards", "card date from caption", "card date from title", "timeline items",
              "timeline date from caption", "timeline date from title", "timeline line not stating its date",
              "timeline line not standing alone (automatic)",
              "timeline lines on two or more dates",
              "timeline line pairs, same fact on two dates", "person ids sharing a surname in their story",
              "bare shared surname mentions", "bare shared surname mentions linked",
              "bare unique surname mentions", "bare unique surname mentions linked"):
        print(f"  {k:45s} {n[k]:5d}")

    if args.show:
        rng = random.Random(args.seed)
        picked = rng.sample(items_all, min(args.show, len(items_all)))
        print(f"\n{len(picked)} timeline items (seed {args.seed}), each with the sentence(s) stating its date:")
        for sid, item, fact in picked:
            print(f"\n[{sid}] {item.date}  {fact.text}")
            for src in fact.sources:
                an = analyses[src.article]
                for d in an.dates:
                    if d.value == item.date and src.start <= d.start and d.end <= src.end:
                        text = by_id[src.article].text
                        s = max(0, text.rfind("\n", 0, d.start) + 1, d.start - 200)
                        e = min(len(text), d.end + 200)
                        line_end = text.find("\n", d.end)
                        e = e if line_end < 0 else min(e, line_end)
                        print(f"    {src.article}: ...{text[s:d.start]}[[{d.text}]]{text[d.end:e]}...")
                        break
    return 0


if __name__ == "__main__":
    sys.exit(main())
