"""The sharded, incremental search index (generator/site/search.py) over a small built site.

Each update is compared with a full index of the same pages made from scratch in another
folder: the live records (every bundle's, the superseded ones left out) must be equal.
Shards are made small here (3 pages) so that a site of a dozen pages has several.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.site import search

pytest.importorskip("pagefind_bin")

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
