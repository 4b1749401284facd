"""Cards sharing a cited passage in built stories: `python -m bench.duplicate_cards [STORY.yml ...]`.

Counts, per story (default: every story under content/stories/), the pairs of fact
cards that cite the same passage (same article, same offsets): one outlet's sentence
shown on several cards, the automatic sign of a fact shown twice. Paraphrases on
separate cards with no passage in common ("ready to mediate" / "offered to serve as a
mediator") are not counted: plain word overlap cannot tell them from two facts about
the same people, so those are audited by reading (README, "One card per fact").
`--show` prints the texts of each pair.

`shared_passage_pairs(facts)` is also used by bench.story_quality on Multi-News dev.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_passage_pairs(facts) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of `facts` (records or dicts with `sources`) citing one passage."""
    def get(obj, key):
        return obj[key] if isinstance(obj, dict) else getattr(obj, key)

    where: dict[tuple, set[int]] = {}
    for fi, f in enumerate(facts):
        for r in get(f, "sources") or []:
            where.setdefault((get(r, "article"), get(r, "start"), get(r, "end")), set()).add(fi)
    return sorted({(a, b) for fis in where.values() for a in fis for b in fis if a < b})


def main(argv: list[str] | None = None) -> int:
    import yaml

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stories", nargs="*", type=Path)
    ap.add_argument("--show", action="store_true", help="print the texts of each pair")
    args = ap.parse_args(argv)
    paths = args.stories or sorted((ROOT / "content" / "stories").glob("*.yml"))
    if not paths:
        print("no story files given or found under content/stories/")
        return 2
    total = 0
    for p in paths:
        try:
            story = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            print(f"{p}: cannot read story: {exc}")
            return 2
        facts = story.get("facts") or []
        pairs = shared_passage_pairs(facts)
        total += len(pairs)
        print(f"{p.name}: {len(facts)} cards, {len(pairs)} pairs of cards sharing a cited passage")
        if args.show:
            for i, j in pairs:
                print(f"  {facts[i]['text'][:100]!r}\n  {facts[j]['text'][:100]!r}\n")
    if len(paths) > 1:
        print(f"total: {total} pairs of cards sharing a cited passage")
    return 0


if __name__ == "__main__":
    sys.exit(main())
