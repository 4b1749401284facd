"""Re-anchoring: pointing a source reference (article/excerpt/start/end) or a date
mention at its excerpt in the article text again, after the text moved under it (an
editor's change, or a new cleaning of the input)."""
from __future__ import annotations

from generator.content.yamlio import short
from generator.errors import Problem


def reanchor(ref: dict, text: str) -> bool | None:
    """Point `ref` (article/excerpt/start/end) at its excerpt in `text` again.

    True when moved, False when already right, None when the excerpt is not in the
    text any more. Several matches: the one nearest the old offset wins.
    """
    excerpt, start = ref.get("excerpt"), ref.get("start")
    if not isinstance(excerpt, str) or not excerpt:
        return None
    if isinstance(start, int) and text[start:start + len(excerpt)] == excerpt and ref.get("end") == start + len(excerpt):
        return False
    hits, at = [], text.find(excerpt)
    while at >= 0:
        hits.append(at)
        at = text.find(excerpt, at + 1)
    if not hits:
        return None
    old = start if isinstance(start, int) else 0
    best = min(hits, key=lambda h: (abs(h - old), h))
    ref["start"], ref["end"] = best, best + len(excerpt)
    return True


def reanchor_story(story: dict, texts: dict[str, str], where: str) -> list[Problem]:
    """Re-anchor every source of the story's facts and quotes; a Problem per unfindable one."""
    problems = []
    for group in ("facts", "quotes"):
        for card in story.get(group) or []:
            if not isinstance(card, dict):
                continue
            for key in ("sources", "differs"):
                for n, ref in enumerate(card.get(key) or []):
                    if not isinstance(ref, dict):
                        continue
                    text = texts.get(str(ref.get("article")))
                    if text is None:
                        continue
                    if reanchor(ref, text) is None:
                        problems.append(Problem(where, f"{group}[{card.get('id')}].{key}[{n}]: excerpt "
                                                f"{short(ref.get('excerpt'))} is no longer in article "
                                                f"{ref.get('article')}"))
    return problems


def reanchor_dates(article: dict) -> None:
    text = article.get("text")
    if not isinstance(text, str):
        return
    for mention in article.get("dates") or []:
        if isinstance(mention, dict) and isinstance(mention.get("text"), str):
            ref = {"excerpt": mention["text"], "start": mention.get("start"), "end": mention.get("end")}
            if reanchor(ref, text):
                mention["start"], mention["end"] = ref["start"], ref["end"]
