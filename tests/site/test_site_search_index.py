"""The sharded, incremental search index (generator/site/search.py) over a small built site.

Each update is compared with a full index of the same pages made from scratch in another
folder: the live records (every bundle's, the superseded ones left out) must be equal.
Shards are made small here (3 pages) so that a site of a dozen pages has several.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.site import search

pytest.importorskip("pagefind_bin")
ROOT = Path(__file__).resolve().parents[2]

KINDS = {"stories": "story", "entities": "entity", "articles": "article"}
WORDS = ["harbour", "turbine", "lantern", "granite", "meadow", "copper", "falcon", "orchard", "glacier",
         "saddle", "beacon", "willow"]


def page(kind: str, title: str, body: str) -> str:
    return ("<!doctype html><html lang=\"en\"><head><title>" + title + "</title></head><body>"
            "<nav>Home Stories Entities</nav>"
            "<div data-pagefind-body>"
            f"<span hidden data-pagefind-ignore data-pagefind-filter=\"kind\">{kind}</span>"
            f"<span hidden data-pagefind-ignore data-pagefind-meta=\"title\">{title}</span>"
            f"<h1>{title}</h1><p>{body}</p></div></body></html>")


def write_site(site: Path) -> None:
    for folder, kind in KINDS.items():
        (site / folder).mkdir(parents=True, exist_ok=True)
        # the folder's own list page carries no search body and is never indexed
        (site / folder / "index.html").write_text("<html><body>list</body></html>", encoding="utf-8")
        for i, word in enumerate(WORDS[:4] if folder == "entities" else WORDS):
            d = site / folder / f"{kind[0]}-{i}"
            d.mkdir(exist_ok=True)
            (d / "index.html").write_text(page(kind, f"{word.title()} {kind} {i}", f"The {word} report number {i}."),
                                          encoding="utf-8")
    (site / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")


def records(site: Path) -> list[dict]:
    return sorted(search.read_records(site), key=lambda r: r["url"])


def full_index_of(site: Path, tmp: Path) -> list[dict]:
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    report = search.SiteIndex(fresh, shard_pages=3).update()
    assert report.mode == "full"
    return records(fresh)


def touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_full_index_has_every_record_page_in_shards_and_no_list_page(tmp_path):
    site = tmp_path / "site"
    write_site(site)
    report = search.SiteIndex(site, shard_pages=3).update()
    assert report.mode == "full" and report.pages == 28
    recs = records(site)
    assert len(recs) == 28
    assert {r["url"] for r in recs} == {f"/{folder}/{kind[0]}-{i}/" for folder, kind in KINDS.items()
                                        for i in range(4 if folder == "entities" else 12)}
    assert {r["filters"]["kind"][0] for r in recs} == {"story", "entity", "article"}
    listing = (site / "pagefind" / "shards.json").read_text(encoding="utf-8")
    bundles = [b for b in (site / "pagefind").iterdir() if b.is_dir()]
    assert len(bundles) >= 6 and all(b.name in listing for b in bundles)   # stories and articles in 4 shards each
    assert all((b / "pagefind.js").is_file() and not (b / "pagefind-ui.js").exists() for b in bundles)
    # fragment names (the result ids the box compares with the superseded ones) are short
    # and unique across the bundles a search merges
    names = [f.stem for b in bundles for f in (b / "fragment").glob("*.pf_fragment")]
    assert len(names) == len(set(names)) == 28 and all(len(n) <= 10 for n in names), names
    # one shard per bundle: a kind's shards hold that kind only
    for b in bundles:
        urls = set(search.fragments_by_url(b))
        assert len({u.split("/")[1] for u in urls}) == 1, b.name


def test_one_changed_page_is_reindexed_alone_and_records_equal_a_full_index(tmp_path):
    site = tmp_path / "site"
    write_site(site)
    idx = search.SiteIndex(site, shard_pages=3)
    idx.update()
    assert search.SiteIndex(site, shard_pages=3).update().mode == "unchanged"

    edited = site / "stories" / "s-5" / "index.html"
    edited.write_text(page("story", "Copper story renamed", "The quartz report replaced the old text."),
                      encoding="utf-8")
    touch_later(edited)
    report = search.SiteIndex(site, shard_pages=3).update()
    assert report.mode == "delta" and report.indexed == 1
    assert records(site) == full_index_of(site, tmp_path)
    story = {r["url"]: r for r in records(site)}["/stories/s-5/"]
    assert "quartz" in story["content"] and "copper report" not in story["content"]   # one record, new text

    # a second edit elsewhere: the delta holds both changed pages, still equal to a full index
    other = site / "articles" / "a-2" / "index.html"
    other.write_text(page("article", "Lantern article 2", "A new paragraph about a zeppelin."), encoding="utf-8")
    touch_later(other)
    report = search.SiteIndex(site, shard_pages=3).update()
    assert report.mode == "delta" and report.indexed == 2
    assert records(site) == full_index_of(site, tmp_path)
    # one delta bundle per kind; shards.json names each bundle's kind (the search box's filter)
    assert len(report.bundles) == 2
    kinds = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["kinds"]
    for name, kind in kinds.items():
        frags = search.fragments_by_url(site / "pagefind" / name)
        assert frags and {u.split("/")[1] for u in frags} == {next(f for f, k in KINDS.items() if k == kind)}, name

    # a removed page (a card hidden since): its record is no longer found
    shutil.rmtree(site / "entities" / "e-1")
    report = search.SiteIndex(site, shard_pages=3).update()
    assert report.mode == "delta"
    assert "/entities/e-1/" not in {r["url"] for r in records(site)}
    assert records(site) == full_index_of(site, tmp_path)


def test_many_changes_reindex_only_the_shards_that_hold_them(tmp_path):
    site = tmp_path / "site"
    write_site(site)
    search.SiteIndex(site, shard_pages=3).update()
    before = {p.name for p in (site / "pagefind").iterdir() if p.is_dir()}
    for i in range(3):
        p = site / "articles" / f"a-{i}" / "index.html"
        p.write_text(page("article", f"Article {i} rewritten", f"Now about a dirigible, version {i}."),
                     encoding="utf-8")
        touch_later(p)
    report = search.SiteIndex(site, shard_pages=3, delta_pages=2).update()
    assert report.mode == "shards"
    after = {p.name for p in (site / "pagefind").iterdir() if p.is_dir()}
    rewritten = after - before
    assert rewritten and all(name.startswith("article-") for name in rewritten)
    assert not any(name.startswith("delta") for name in after)
    assert records(site) == full_index_of(site, tmp_path)


def _index_words(bundle: Path) -> tuple[list, list]:
    """(the bundle's chunk ranges [from, to, name], every word entry in chunk order)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    meta = search.read_pagefind_file(bundle / f"pagefind.{info['hash']}.pf_meta")
    words = []
    for _, _, name in meta[2]:
        words += search.read_pagefind_file(bundle / "index" / f"{name}.pf_index")[0]
    return meta[2], words


def _one_bundle(site: Path, tmp: Path, units: int | None) -> Path:
    """The whole small site's story pages in one bundle, chunks cut at `units` (None: Pagefind's)."""
    pages = site / "stories"
    big = tmp / f"big-{units}"
    for i in range(40):   # enough text that Pagefind's own index has several chunks' worth
        d = big / "stories" / f"s-{i}"
        d.mkdir(parents=True)
        body = " ".join(f"{w}{j % 7} {w}{'s' if j % 2 else ''}" for j, w in enumerate(WORDS * 3))
        (d / "index.html").write_text(page("story", f"Story {i}", body), encoding="utf-8")
    shutil.copytree(pages, big / "stories", dirs_exist_ok=True)
    report = search.SiteIndex(big, shard_pages=1000, chunk_units=units).update()
    (bundle,) = [big / "pagefind" / b for b in report.bundles]
    return bundle


def test_rechunked_index_keeps_every_posting_and_each_word_is_in_the_chunk_its_range_names(tmp_path):
    site = tmp_path / "site"
    write_site(site)
    plain = _one_bundle(site, tmp_path, None)
    small = _one_bundle(site, tmp_path, 60)
    plain_ranges, plain_words = _index_words(plain)
    ranges, words = _index_words(small)
    assert words == plain_words                      # same words, same postings, same order
    assert len(ranges) > len(plain_ranges) and len(ranges) > 5
    assert not (small / "index" / f"{plain_ranges[0][2]}.pf_index").exists() or len(plain_ranges) == 1
    # the browser fetches, for a query word, the first chunk whose range holds it: every word
    # indexed is found there, and so is a prefix of it that no earlier chunk's words begin
    chunks = [search.read_pagefind_file(small / "index" / f"{rng[2]}.pf_index")[0] for rng in ranges]
    for rng, chunk in zip(ranges, chunks):
        for w in chunk:
            assert next(r for r in ranges if r[0] <= w[0] <= r[1])[2] == rng[2], w[0]
    for prev, rng, chunk in zip(chunks, ranges[1:], chunks[1:]):
        for n in range(1, len(chunk[0][0]) + 1):
            begun = chunk[0][0][:n]
            if not prev[-1][0].startswith(begun):
                assert next(r for r in ranges if r[0] <= begun <= r[1])[2] == rng[2], begun
    # a cut never parts words that share 3 letters ("falcon" | "falcons") until the chunk is
    # twice the size asked for, 4 letters until three times, ...
    for left, right in zip(chunks, chunks[1:]):
        size = sum(len(p[1]) + 1 for w in left for p in w[1])
        shared = search._common_prefix(left[-1][0], right[0][0])
        assert size >= 60 and shared <= 1 + size // 60, (left[-1][0], right[0][0], size)
    assert any(search._common_prefix(a[-1][0], b[0][0]) <= 2 for a, b in zip(chunks, chunks[1:]))


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_rechunked_index_answers_queries_as_pagefinds_own_chunks(tmp_path):
    site = tmp_path / "site"
    write_site(site)
    plain = _one_bundle(site, tmp_path, None)
    small = _one_bundle(site, tmp_path, 60)
    queries = ["harbour", "copper", "falcon report", "turbines", "glacier3", "report number", "zzz"]

    def answers(bundle: Path) -> list[tuple]:
        run = subprocess.run(["node", str(ROOT / "bench" / "pagefind_query.mjs"), str(bundle), "100", *queries],
                             capture_output=True, text=True, check=True)
        rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        return [(r["query"], r["results"], sorted(u[u.index("/stories/"):] for u in r["urls"])) for r in rows]

    assert answers(plain) == answers(small)
    assert answers(small)[0][1] > 0 and answers(small)[-1][1] == 0
