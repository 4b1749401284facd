"""The five sample articles (content/inbox): metadata and clean text, checked by reading the seeds."""
import re
from pathlib import Path

import pytest

from generator.ingest.describe import prepare_articles
from generator.ingest.read import read_inputs
from generator.records import Article

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    raws = list(read_inputs([ROOT / "content" / "inbox"], root=ROOT))
    out = list(prepare_articles(raws))
    assert all(isinstance(a, Article) for a in out), out
    return {Path(a.source_file).name[:3]: a for a in out}


EXPECTED = {
    # seed: (headline, outlet, published, inferred, dateline, credits)
    "000": ("Moscow Ready to Act as Mediator between US, North Korea", "defapress", "2017-12-26", False, "TEHRAN", []),
    # 001 names no outlet, no date, no dateline anywhere: all unknown
    "001": ("Kremlin says Russia open to mediating between US and North Korea to reduce tensions", None, None, False, None, []),
    # 002 opens its body with "(Sputnik) –" and gives no date
    "002": ("KREMLIN: Russia ready to be mediator between US, North Korea, if parties want it", "sputnik", None, False, None, []),
    # 003: "Moscow, Dec 27 (IANS)": year from the other articles of the batch (2017)
    "003": ("Russia \u2018ready\u2019 to mediate between US, North Korea", "ians", "2017-12-27", True, "Moscow", []),
    "004": ("Russia 'ready to mediate' between N. Korea and US", "dw", "2017-12-26", False, None, ["AFP", "dpa", "Reuters"]),
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_metadata(seeds, seed):
    a = seeds[seed]
    assert (a.headline, a.outlet, a.published, a.published_inferred, a.dateline, a.credits) == EXPECTED[seed]
    assert a.byline is None


# Furniture read off the seeds by hand: none of it may survive in the text.
FURNITURE = {
    "000": ["Updated in", "News ID", "Publish Date", "Tags:", "your comment", "Comment:", "Mediator between US, North Korea\""],
    "001": ["International News", "Your Opinion Counts", "Show More", "Related Articles", "Close", "Adblock", "ad blocker"],
    "002": ["Help us grow", "Patreon", "The statements, views and opinions", "What do you think", "Notify of",
            "Inline Feedbacks", "View all comments", "Russian security chief accuses", "UFO traverses"],
    "003": ["File Photo"],
    "004": ["Skip to", "Politics", "December 26, 2017", "p.dw.com", "Image: Reuters/KCNA",
            "North Korea leader Kim Jong Un in Pyongyang", "Read more", "Tillerson calls out China",
            "UN slaps tough new sanctions", "rs/jm", "(AFP, dpa, Reuters)"],
}

# The real body: its first and last paragraph (openings) must still be there.
BODY_ENDS = {
    "000": ("TEHRAN (defapress)- Kremlin Spokesman Dmitry Peskov told reporters on Tuesday",
            "US President has vowed to impose additional \"major sanctions\""),
    "001": ("Russia which now talks of mediating", "Meanwhile, neighbouring South Korea, on Tuesday hoped"),
    "002": ("US President Donald Trump called on Moscow to help solve",
            "However, according to Trump\u2019s national security adviser McMaster"),
    "003": ("Moscow, Dec 27 (IANS) Russia is ready to serve as a mediator",
            "They also agreed to intensify dialogue on issues concerning strategic stability."),
    "004": ("Moscow has offered to serve as a mediator between Washington and Pyongyang",
            "Both men were already listed in the latest round of UN Security Council sanctions"),
}


@pytest.mark.parametrize("seed", sorted(FURNITURE))
def test_no_furniture_left_and_body_kept(seeds, seed):
    text = seeds[seed].text
    for bit in FURNITURE[seed]:
        assert bit not in text, bit
    assert seeds[seed].headline not in text
    paras = text.split("\n\n")
    first, last = BODY_ENDS[seed]
    assert paras[0].startswith(first)
    assert paras[-1].startswith(last)


def test_glued_headline_and_quote_are_split_in_000(seeds):
    a = seeds["000"]
    assert any(p.startswith('"Russia is ready if both sides need it and want it," Peskov stressed')
               for p in a.text.split("\n\n"))
    assert ("Moscow Ready to Act as Mediator between US, North Korea", "headline") in [
        (r.line, r.reason) for r in a.removed]


def test_repeated_paragraph_in_001_appears_once(seeds):
    text = seeds["001"].text
    assert len(re.findall(r"Among other countries which supported the move was China", text)) == 1
    assert "repeated" in [r.reason for r in seeds["001"].removed]


def test_subtitle_of_002_is_body_not_headline(seeds):
    assert seeds["002"].text.startswith("US President Donald Trump called on Moscow")


def test_text_format_of_every_seed(seeds):
    for a in seeds.values():
        assert "\n\n\n" not in a.text and not a.text.startswith("\n") and not a.text.endswith("\n")
        assert "\u00a0" not in a.text
        assert all(line == line.strip() and line for line in a.text.split("\n\n"))
        assert "\n" not in a.text.replace("\n\n", "")


def test_every_raw_line_is_either_in_the_text_or_in_removed(seeds):
    """Nothing disappears without a trace: an editor can audit every removal."""
    for a in seeds.values():
        raw = (ROOT / a.source_file).read_text(encoding="utf-8")
        kept = set(a.text.split("\n\n"))
        removed = {r.line for r in a.removed}
        for line in raw.split("\n"):
            line = " ".join(line.replace("\u00a0", " ").split())
            if not line:
                continue
            pieces = [line] if line in kept or line in removed else [
                p for p in kept | removed if p and p in line]
            assert pieces, (a.source_file, line)


def test_ids_are_slugs_of_outlet_and_headline_and_unique(seeds):
    ids = [a.id for a in seeds.values()]
    assert len(set(ids)) == 5
    assert seeds["000"].id.startswith("defapress-moscow-ready-to-act-as-mediator")
    assert seeds["004"].id.startswith("dw-russia-ready-to-mediate")
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) and len(i) <= 60 for i in ids)


def test_prepare_is_deterministic(seeds):
    raws = list(read_inputs([ROOT / "content" / "inbox"], root=ROOT))
    again = {Path(a.source_file).name[:3]: a for a in prepare_articles(raws)}
    assert {k: v.to_dict() for k, v in again.items()} == {k: v.to_dict() for k, v in seeds.items()}
