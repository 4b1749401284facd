"""Audit sheets for the manual audits: `python -m bench.audit_sheet CONTENT_DIR MODE [--seed N] [--n K]`.

Samples stories with two or more articles from a built content folder (for example
`OUT/multinews/content` of `python -m bench.golden OUT`) with a fixed seed
(`random.Random(seed).sample(sorted(ids), n)`) and prints, as plain text, what a judge
must read:

  corroboration  every card citing two or more articles: the card text, then each
                 cited excerpt with its article's headline (does it state the fact?);
                 quotes with their speaker and the sentence around the quote
  reader         the title, the key points as the story page shows them, the first
                 five other fact cards and the timeline items (does each line stand
                 alone? does the title name the event?)

`--agree VERDICTS` (CONTENT is then a reader sheet this script printed): how the
stricter stand-alone check (`sentences.strict_problem`) agrees with a judge's verdicts
on its key points.

`--exclude 2026:30` leaves out the stories the audit's own sample picks, so a rule can
be calibrated on other stories (for example `--seed 7 --n 30 --exclude 2026:30`).

The judge writes the verdicts; this script only prints the lines so that the sample
and the text judged are reproducible.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml


def _load(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out[data.get("id") or path.stem] = data
    return out


def _key_cards(story: dict) -> list[dict]:
    by_id = {c["id"]: c for c in story.get("facts") or []}
    keys = []
    for item in story.get("summary") or []:
        ids = [f for f in item.get("facts") or [] if f in by_id]
        if ids:
            keys.append(by_id[ids[0]])
    return keys


def sample(stories: dict[str, dict], seed: int, n: int, exclude: tuple[tuple[int, int], ...] = ()) -> list[str]:
    """`n` stories with 2+ articles, sampled with `seed`; `exclude` (seed, n) pairs leave
    out the stories those samples pick (a calibration set apart from the audit's)."""
    ids = sorted(sid for sid, s in stories.items() if len(s.get("articles") or []) >= 2)
    left = {sid for s, k in exclude for sid in random.Random(s).sample(ids, min(k, len(ids)))}
    ids = [sid for sid in ids if sid not in left]
    return random.Random(seed).sample(ids, min(n, len(ids)))


def corroboration(story: dict, articles: dict[str, dict]) -> list[str]:
    lines = []
    for card in story.get("facts") or []:
        sources = card.get("sources") or []
        if len({s.get("article") for s in sources}) < 2:
            continue
        lines.append(f"  CARD {card['id']} [{card.get('kind')}]: {card.get('text')}")
        for src in sources:
            head = (articles.get(src.get("article")) or {}).get("headline") or ""
            lines.append(f"    - {src.get('article')} ({head[:60]}): {src.get('excerpt')}")
    for quote in story.get("quotes") or []:
        lines.append(f"  QUOTE {quote.get('id')}: speaker={quote.get('speaker_name')!r}: {quote.get('text')}")
        for src in (quote.get("sources") or [])[:1]:
            text = (articles.get(src.get("article")) or {}).get("text") or ""
            start, end = int(src.get("start") or 0), int(src.get("end") or 0)
            around = text[max(0, start - 250):end + 150].replace("\n", " ")
            lines.append(f"    context: ...{around}...")
    return lines


def reader(story: dict) -> list[str]:
    lines = [f"  TITLE: {story.get('title')}"]
    keys = _key_cards(story)
    shown = {c["id"] for c in keys}
    lines += [f"  KEY: {c.get('text')}" for c in keys]
    others = [c for c in story.get("facts") or [] if c["id"] not in shown][:5]
    lines += [f"  CARD: {c.get('text')}" for c in others]
    by_id = {c["id"]: c for c in story.get("facts") or []}
    for item in story.get("timeline") or []:
        for fid in item.get("facts") or []:
            if fid in by_id:
                lines.append(f"  TIMELINE {item.get('date')}: {by_id[fid].get('text')}")
    return lines


def sheet_verdicts(sheet: Path, verdicts: Path) -> list[tuple[str, bool, str]]:
    """(text, judged failing, judge's kind) of the key points of a reader sheet (this
    script's output) and its verdict file: lines `S<n> | KEY | PASS|FAIL | kind | ...`
    (or FAILS / STANDS ALONE), stories numbered in sheet order; or, when `sheet` is a
    JSON key of a blind sheet ({id: {"kind": "K", "text": ...}}), verdict lines
    `K<id> | yes|no | reason` (yes: the line stands alone), the kind read from the reason."""
    import json
    import re
    from collections import Counter

    out = []
    if sheet.suffix == ".json":
        key = json.loads(sheet.read_text(encoding="utf-8"))
        for line in verdicts.read_text(encoding="utf-8").splitlines():
            m = re.match(r"(K\d+) \| (yes|no) \|(.*)", line.strip())
            if m and key.get(m.group(1), {}).get("kind") == "K":
                why = m.group(3).strip()
                out.append((key[m.group(1)]["text"], m.group(2) == "no", _reason_kind(why) if m.group(2) == "no" else "-"))
        return out
    keys: list[list[str]] = []
    for line in sheet.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            keys.append([])
        elif line.startswith("  KEY: "):
            keys[-1].append(line[7:])
    seen: Counter = Counter()
    for line in verdicts.read_text(encoding="utf-8").splitlines():
        m = re.match(r"-?\s*S(\d+) \| KEY \| (PASS|FAILS?|STANDS ALONE) \|([^|]*)", line)
        if not m:
            continue
        n = int(m.group(1)) - 1
        fail = m.group(2).startswith("FAIL")
        out.append((keys[n][seen[n]], fail, _reason_kind(m.group(3)) if fail else "-"))
        seen[n] += 1
    return out


def _reason_kind(why: str) -> str:
    """A judge's reason as one of a few kinds (their wording differs between audits)."""
    import re

    why = why.lower()
    for kind, pattern in (("caption/furniture", r"caption|credit|furniture|teaser|tip line"),
                          ("speaker", r"speaker|1st/2nd|first person"),
                          ("surname", r"surname|bare|never introduced"),
                          ("pointer", r"also|another|back-pointer|later|then|before that|similar"),
                          ("definite/pronoun", r"dangling|definite|pronoun|unnamed|\bthe\b|\bthat\b|\bher\b")):
        if re.search(pattern, why):
            return kind
    return "other"


def parse_items(items: list[tuple[str, bool, str]], texts: list[str]) -> list[dict]:
    """Each judged line parsed on its own with the analyze stage's model: its references
    and entities, and the surnames its article names in full (`texts`: the articles the
    line may come from)."""
    from generator.nlp.analyze import load_nlp, unresolved_references

    nlp, names = load_nlp(), {}
    out = []
    for text, fail, why in items:
        doc = nlp(text)
        context = next((t for t in texts if text[:80] in t), text)
        if context not in names:
            names[context] = {e.text.split()[-1] for e in nlp(context).ents
                              if e.label_ == "PERSON" and len(e.text.split()) > 1}
        out.append({"text": text, "fail": fail, "why": why, "references": unresolved_references(doc),
                    "mentions": [(e.start_char, e.end_char, e.label_) for e in doc.ents], "surnames": names[context]})
    return out


def agreement(parsed: list[dict], anywhere: bool = True) -> str:
    """How `sentences.strict_problem` agrees with a judge's verdicts: precision of each
    kind it flags, and recall of each kind of failure the judge gives (`anywhere`: with
    its checks of definite phrases anywhere in the line, as for key points)."""
    from collections import Counter

    from generator.stories.extract.sentences import strict_problem

    tab, missed, caught = Counter(), Counter(), Counter()
    for item in parsed:
        kind = strict_problem(item["text"], item["references"], item["mentions"], surnames=item["surnames"],
                              anywhere=anywhere)
        verdict = "FAIL" if item["fail"] else "PASS"
        tab[kind, verdict] += 1
        if item["fail"]:
            (caught if kind else missed)[item["why"]] += 1
    flagged = {k for k, _ in tab if k}
    tp = sum(tab[k, "FAIL"] for k in flagged)
    fp = sum(tab[k, "PASS"] for k in flagged)
    fn = tab[None, "FAIL"]
    out = [f"{sum(tab.values())} key points; judge FAIL {tp + fn}; flagged {tp + fp}: {tp} FAIL, {fp} PASS "
           f"(precision {tp / max(1, tp + fp):.2f}, recall {tp / max(1, tp + fn):.2f})"]
    out += [f"  flagged {k}: FAIL {tab[k, 'FAIL']}, PASS {tab[k, 'PASS']}" for k in sorted(flagged)]
    out += [f"  judge's {k}: caught {caught[k]} of {caught[k] + missed[k]}" for k in sorted(caught | missed)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content", type=Path)
    parser.add_argument("mode", choices=("corroboration", "reader"))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--exclude", action="append", default=[], metavar="SEED:N",
                        help="leave out the stories that --seed SEED --n N picks (e.g. 2026:30, the audit's), "
                             "to calibrate a rule on other stories")
    parser.add_argument("--agree", type=Path, metavar="VERDICTS",
                        help="CONTENT is then a reader sheet: print how the stricter stand-alone check "
                             "agrees with these verdicts (Multi-News dev articles give the surnames)")
    parser.add_argument("--also", action="append", default=[], metavar="SHEET:VERDICTS",
                        help="with --agree: more audits (a reader sheet or a blind sheet's JSON key, and "
                             "its verdicts), each reported and then pooled")
    parser.add_argument("--parsed-cache", type=Path, default=None,
                        help="with --agree: pickle of the parsed lines, reused when present (outside the repo)")
    args = parser.parse_args(argv)
    if args.agree:
        import pickle

        from bench.story_quality import DATA, load_clusters

        texts = [t for ts, _ in load_clusters(DATA) for t in ts] if DATA.exists() else []
        pairs = [(args.content, args.agree)] + [tuple(Path(p) for p in a.split(":", 1)) for a in args.also]
        cache = args.parsed_cache
        if cache and cache.exists():
            parsed = pickle.loads(cache.read_bytes())
        else:
            parsed = [parse_items(sheet_verdicts(sheet, verdicts), texts) for sheet, verdicts in pairs]
            if cache:
                cache.write_bytes(pickle.dumps(parsed))
        for (sheet, verdicts), items in zip(pairs, parsed):
            print(f"{verdicts}:\n{agreement(items)}")
        if len(parsed) > 1:
            print(f"all:\n{agreement([i for items in parsed for i in items])}")
        return 0
    try:
        exclude = tuple((int(a), int(b)) for a, b in (e.split(":", 1) for e in args.exclude))
    except ValueError:
        parser.error("--exclude takes SEED:N, for example 2026:30")
    stories = _load(args.content / "stories")
    articles = _load(args.content / "articles")
    chosen = sample(stories, args.seed, args.n, exclude)
    print(f"seed {args.seed}, {len(chosen)} of {sum(len(s.get('articles') or []) >= 2 for s in stories.values())} stories with 2+ articles")
    for sid in chosen:
        story = stories[sid]
        print(f"\n## {sid} ({len(story.get('articles') or [])} articles)")
        body = corroboration(story, articles) if args.mode == "corroboration" else reader(story)
        print("\n".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
