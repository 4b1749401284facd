"""`mkdocs build --dirty` after an edit rebuilds only the pages whose text changed, and its
output equals a fresh full build's, byte for byte, except:
- the time of the build: feed.xml's <lastBuildDate> line, and sitemap.xml.gz (gzip stores the
  time it was written; sitemap.xml itself is compared);
- the Pagefind bundle, whose file names and chunk order follow the order the file system lists
  the pages in: it is compared by its records (each page's URL, text, metadata and filters)."""
from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests import site_helpers as h
from tests.site.test_site_build import pagefind_records

NOT_COMPARED = {"sitemap.xml.gz", "feed.xml"}


def feed_without_build_time(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if "<lastBuildDate>" not in line]


def build(project: Path, *extra: str) -> None:
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), *extra],
                         cwd=project, env=h.MKDOCS_ENV, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def assert_same_pages(site: Path, full: Path) -> None:
    """Same files as a full build's, byte for byte, apart from the Pagefind bundle (compared
    by its records where it matters) and the files with a build time (NOT_COMPARED)."""
    mine, theirs = files(site), files(full)
    bundle = {rel for rel in mine.keys() | theirs.keys() if rel.startswith("pagefind/")}
    assert mine.keys() - bundle == theirs.keys() - bundle
    assert [rel for rel in mine.keys() - bundle if rel not in NOT_COMPARED
            and not filecmp.cmp(mine[rel], theirs[rel], shallow=False)] == []


def test_dirty_build_after_an_edit_equals_a_full_build_and_skips_unaffected_pages(tmp_path):
    h.make_project(tmp_path)
    build(tmp_path)
    site = tmp_path / "site"
    before = {rel: p.stat().st_mtime_ns for rel, p in files(site).items()}
    time.sleep(1.1)  # mtimes: the edited sources must be newer than the pages built above

    card = tmp_path / "content" / "stories" / "s-mediation.yml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["title"] = "Moscow offers talks between Washington and Pyongyang"
    card.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    build(tmp_path, "--dirty")

    build(tmp_path, "-d", str(tmp_path / "full"))
    assert_same_pages(site, tmp_path / "full")
    assert feed_without_build_time(site / "feed.xml") == feed_without_build_time(tmp_path / "full" / "feed.xml")
    key = lambda r: r["url"]  # noqa: E731
    assert sorted(pagefind_records(site), key=key) == sorted(pagefind_records(tmp_path / "full"), key=key)
    assert "Moscow offers talks between Washington and Pyongyang" in (site / "stories/s-mediation/index.html").read_text()

    dirty = files(site)
    rewritten = {rel for rel, p in dirty.items() if rel.endswith(".html") and p.stat().st_mtime_ns != before.get(rel)}
    # the story's page and the pages that show its title were rebuilt, the others were not
    assert {"stories/s-mediation/index.html", "stories/index.html", "index.html"} <= rewritten
    html = {rel for rel in dirty if rel.endswith(".html")}
    shows_title = {rel for rel in html if "Moscow offers talks between Washington" in dirty[rel].read_text(encoding="utf-8")}
    assert rewritten == shows_title | {"404.html"} or rewritten == shows_title
    # a hand-written page and a generated one that does not show the title were left alone
    assert {"about/index.html", "outlets/index.html"} <= html - rewritten


def test_serve_rebuild_after_a_card_edit_renders_only_the_pages_that_show_it(tmp_path, monkeypatch):
    """The rebuild `mkdocs serve` runs after an editor saves one card, in process: the plugin
    kept from the first build (on_startup) re-reads only that card, renders only the pages
    whose inputs changed, MkDocs writes only those (a dirty build), and the site equals a
    full build's. A change outside the cards gets MkDocs' own full rebuild."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    for name, value in h.MKDOCS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DIGEST_REPO_URL", raising=False)
    monkeypatch.delenv("DIGEST_EDIT_URI", raising=False)
    h.make_project(tmp_path)
    h.write_many(tmp_path / "content", 4)    # other stories, with their own articles
    served = tmp_path / "served"
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(served))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["digest"]
    mkdocs_build(config, serve_url=config.site_url)
    all_pages = set(plugin.generated)
    assert set(plugin.rendered) == all_pages     # the first build renders every page

    full_builds = []

    class Server:   # what on_serve needs of MkDocs' LiveReloadServer
        builder = None

    server = config.plugins.on_serve(Server(), config=config, builder=lambda: full_builds.append(1))
    plugin.search.thread and plugin.search.thread.join()
    before = {rel: p.stat().st_mtime_ns for rel, p in files(served).items()}
    time.sleep(1.1)

    card = tmp_path / "content" / "stories" / "s-mediation.yml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["title"] = "Moscow offers talks between Washington and Pyongyang"
    card.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    read = []
    real_read = plugin.cards.__class__.__setitem__
    monkeypatch.setattr(plugin, "cards", type("Cards", (dict,), {
        "__setitem__": lambda self, k, v: (read.append(os.path.basename(k)), real_read(self, k, v))})(plugin.cards))
    server.builder()
    assert full_builds == []                     # a dirty build, not MkDocs' full one
    assert read == ["s-mediation.yml"]           # only the edited card was read again
    plugin.search.thread and plugin.search.thread.join()

    html = {rel: p for rel, p in files(served).items() if rel.endswith(".html")}
    shows_title = {rel for rel, p in html.items()
                   if "Moscow offers talks between Washington" in p.read_text(encoding="utf-8")}
    rendered_html = {("index.html" if uri == "index.md" else uri[:-3].removesuffix("/index") + "/index.html")
                     for uri in plugin.rendered}
    # rendered again: the story's page and every page showing its title; nothing else
    assert {"stories/s-mediation/index.html", "stories/index.html", "index.html"} <= rendered_html
    assert rendered_html == shows_title
    others = {uri for uri in all_pages if "-0000" in uri}   # the other stories' and articles' pages
    assert len(others) == 16 and not others & set(plugin.rendered)
    # and their inputs were not even gathered: nothing they read had changed
    assert not others & set(plugin.gathered) and set(plugin.rendered) <= set(plugin.gathered)
    written = {rel for rel, p in html.items() if p.stat().st_mtime_ns != before.get(rel)}
    assert written - {"404.html"} == shows_title

    build(tmp_path, "-d", str(tmp_path / "full"))   # a fresh process: no cache
    assert_same_pages(served, tmp_path / "full")
    key = lambda r: r["url"]  # noqa: E731
    assert sorted(pagefind_records(served), key=key) == sorted(pagefind_records(tmp_path / "full"), key=key)

    # a change to anything else that serve watches (here site_config.yml): a full rebuild
    cfg = tmp_path / "site_config.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    server.builder()
    assert full_builds == [1]
    config.plugins.on_shutdown()


@pytest.mark.parametrize("reverse_index", [False, True], ids=["reads-checked", "reverse-index"])
def test_pages_reused_by_their_reads_equal_a_fresh_render_after_each_kind_of_edit(tmp_path, reverse_index):
    """The serve-time render (cards cached by file, pages reused when nothing they read
    changed) gives the pages a fresh render gives, after edits of every kind of card:
    with each page's reads checked (a plain dict memo), and with the pages to gather again
    found from what changed through the reverse index of reads (PageMemo, what serve uses)."""
    from generator.site.load import load_site
    from generator.site.pages import PageMemo, Renderer, template_env

    content = h.write_content(tmp_path / "content")
    h.write_many(content, 3)
    cache, memo, env = {}, (PageMemo() if reverse_index else {}), template_env()

    def cached():
        r = Renderer(load_site(content, cache=cache), env=env, memo=memo)
        return {p.src_uri: p.markdown for p in r.all_pages()}, r

    def fresh():
        return {p.src_uri: p.markdown for p in Renderer(load_site(content)).all_pages()}

    def change(path: Path, **fields):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(fields)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    first, r = cached()
    assert first == fresh() and len(r.gathered) == len(first)
    edits = [
        lambda: change(content / "stories" / "s-00001.yml", title="A new title for the second copy"),
        lambda: change(content / "articles" / "a-two-00002.yml", headline="Another headline"),
        lambda: change(content / "entities" / "e-peskov.yml", name="D. Peskov"),
        lambda: change(content / "articles" / "a-one-00000.yml", hidden=True),
        lambda: (content / "stories" / "s-00002.yml").unlink(),
    ]
    for n, edit in enumerate(edits):
        edit()
        got, r = cached()
        assert got == fresh(), n
        assert len(r.gathered) < len(got), n


def test_dirty_builds_after_changes_render_only_affected_pages_and_equal_full_builds(tmp_path, monkeypatch):
    """`mkdocs build` keeps, beside the page sources, the cards it read and what each page
    read of them (generator.site.build_state); the next `mkdocs build --dirty` (a new
    process: here a new configuration and plugin, the state file the only thing carried
    over) renders only the pages some of whose reads changed, and its site equals a full
    build's after each kind of change a generator re-run or an editor makes."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    for name, value in h.MKDOCS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DIGEST_REPO_URL", raising=False)
    monkeypatch.delenv("DIGEST_EDIT_URI", raising=False)
    h.make_project(tmp_path)
    content = h.write_many(tmp_path / "content", 3)

    def run(site: Path, dirty: bool, cache: str = ".cache/site-pages"):
        config = load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(site))
        plugin = config.plugins["digest"]
        plugin.config.search_index = False   # Pagefind is compared in the tests above
        plugin.config.pages_cache = cache
        config.plugins.on_startup(command="build", dirty=dirty)
        mkdocs_build(config, dirty=dirty)
        config.plugins.on_shutdown()
        return plugin

    def change(path: Path, **fields):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(fields)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def add_story():   # a re-run that grouped a new article into a new story
        s = yaml.safe_load((content / "stories" / "s-00000.yml").read_text(encoding="utf-8"))
        s.update(id="s-new", title="A story the re-run added", articles=["a-one-00000"])
        for card in s["facts"] + s["quotes"]:
            card["sources"] = [x for x in card["sources"] if x["article"] == "a-one-00000"]
        (content / "stories" / "s-new.yml").write_text(yaml.safe_dump(s, sort_keys=False), encoding="utf-8")

    site = tmp_path / "site"
    first = run(site, dirty=False)
    every = set(first.lazy.jobs)
    assert set(first.lazy.rendered) == every
    edits = [
        ("story title", lambda: change(content / "stories" / "s-00001.yml", title="A new title for the second copy")),
        ("headline", lambda: change(content / "articles" / "a-two-00002.yml", headline="Another headline")),
        ("entity name", lambda: change(content / "entities" / "e-peskov.yml", name="D. Peskov")),
        ("hidden article", lambda: change(content / "articles" / "a-one-00000.yml", hidden=True)),
        ("story deleted", lambda: (content / "stories" / "s-00002.yml").unlink()),
        ("story added", add_story),
    ]
    # the state keeps each card pickled on its own: a build pickles only the cards it parsed
    from generator.site import build_state
    from generator.site.load import Card

    pickled = []
    real_dumps = build_state.pickle.dumps
    monkeypatch.setattr(build_state.pickle, "dumps", lambda obj, *a, **k: (
        pickled.append(obj.rid) if isinstance(obj, Card) else None, real_dumps(obj, *a, **k))[1])
    for what, edit in edits:
        edit()
        pickled.clear()
        plugin = run(site, dirty=True)
        assert len(pickled) == (0 if what == "story deleted" else 1), (what, pickled)
        # (MkDocs keeps one instance of a plugin that defines on_startup per process)
        rendered = set(plugin.lazy.rendered)
        if what == "story title":
            title_edit = rendered
        full = tmp_path / f"full-{len(what)}"
        run(full, dirty=False, cache=".cache/full-pages")
        mine, theirs = files(site), files(full)
        assert mine.keys() == theirs.keys(), what
        assert [rel for rel in mine if rel not in NOT_COMPARED
                and not filecmp.cmp(mine[rel], theirs[rel], shallow=False)] == [], what
        assert rendered and len(rendered) < len(every), (what, sorted(rendered))
    # the title edit re-rendered the story's page and the pages showing it, not the other stories'
    assert {"stories/s-00001.md", "index.md", "stories/index.md"} <= title_edit
    assert not {"stories/s-00000.md", "stories/s-00002.md", "articles/a-two-00000.md"} & title_edit


def test_serve_edit_shows_the_cards_own_pages_first_then_the_corpus_wide_lists(tmp_path, monkeypatch):
    """Under `mkdocs serve` (MkDocs' build loop and file watcher stood in for), an edit is
    shown by a rebuild that writes the edited card's own pages and leaves the pages listing
    the whole corpus (story list, timeline, outlet pages) for a second rebuild it asks the
    server for; after that one the site equals a full build's."""
    import threading

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from generator.site import mkdocs_serve

    for name, value in h.MKDOCS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DIGEST_REPO_URL", raising=False)
    monkeypatch.delenv("DIGEST_EDIT_URI", raising=False)
    h.make_project(tmp_path)
    h.write_many(tmp_path / "content", 2)
    served = tmp_path / "served"
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(served))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["digest"]
    mkdocs_build(config, serve_url=config.site_url)

    class Server:   # MkDocs' LiveReloadServer as on_serve and a follow-up request use it
        builder = None
        _rebuild_cond = threading.Condition()
        _want_rebuild = False

    full_builds = []
    server = config.plugins.on_serve(Server(), config=config, builder=lambda: full_builds.append(1))
    plugin.changes = mkdocs_serve.Changes()    # what the native watcher would note
    plugin.search.thread and plugin.search.thread.join()
    time.sleep(1.1)

    card = tmp_path / "content" / "stories" / "s-mediation.yml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["title"] = "Moscow offers talks between Washington and Pyongyang"
    card.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    plugin.changes.paths.add(str(card))
    new = "Moscow offers talks between Washington"

    server.builder()
    assert full_builds == []
    assert new in (served / "stories/s-mediation/index.html").read_text(encoding="utf-8")
    assert new in (served / "index.html").read_text(encoding="utf-8")      # the home page is not deferred
    later = {"stories/index.md", "timeline.md"}
    assert later <= set(plugin.deferred) and not later & set(plugin.rendered)
    assert all(mkdocs_serve.corpus_wide(uri) for uri in plugin.deferred)
    assert new not in (served / "stories/index.html").read_text(encoding="utf-8")
    assert server._want_rebuild                  # the second rebuild was asked for

    server._want_rebuild = False
    import generator.site.mkdocs_plugin as plugin_module
    reads = []
    real_load = plugin_module.load_site
    monkeypatch.setattr(plugin_module, "load_site", lambda *a, **k: (reads.append(1), real_load(*a, **k))[1])
    server.builder()                             # as the server's loop runs it, with no new change
    assert reads == []                           # no card changed: the cards and index read before are used
    assert later <= set(plugin.rendered) and plugin.deferred == [] and not server._want_rebuild
    assert new in (served / "stories/index.html").read_text(encoding="utf-8")
    plugin.search.thread and plugin.search.thread.join()

    build(tmp_path, "-d", str(tmp_path / "full"))   # a fresh process: no cache
    assert_same_pages(served, tmp_path / "full")
    assert feed_without_build_time(served / "feed.xml") == feed_without_build_time(tmp_path / "full" / "feed.xml")
    config.plugins.on_shutdown()


def test_dirty_build_after_a_serve_session_writes_only_the_pages_that_changed(tmp_path, monkeypatch):
    """`mkdocs serve` and `mkdocs build` keep their page sources in one format (a digest of
    the text): a serve session after a build rewrites no source whose page is unchanged,
    and the `mkdocs build --dirty` after it writes only the pages whose text changed since
    the last build (those the serve session showed after an edit), not every page, and
    equals a full build."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    for name, value in h.MKDOCS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DIGEST_REPO_URL", raising=False)
    monkeypatch.delenv("DIGEST_EDIT_URI", raising=False)
    h.make_project(tmp_path)
    h.write_many(tmp_path / "content", 3)

    def run(site: Path, command: str, dirty: bool, cache: str = ".cache/site-pages"):
        config = load_config(config_file=str(tmp_path / "mkdocs.yml"), site_dir=str(site))
        plugin = config.plugins["digest"]
        plugin.config.search_index = False
        plugin.config.pages_cache = cache
        config.plugins.on_startup(command=command, dirty=dirty)
        mkdocs_build(config, dirty=dirty, serve_url=config.site_url if command == "serve" else None)
        config.plugins.on_shutdown()
        return plugin

    site, pages = tmp_path / "site", tmp_path / ".cache" / "site-pages"
    every = len(run(site, "build", dirty=False).lazy.jobs)
    sources = {rel: p.stat().st_mtime_ns for rel, p in files(pages).items() if rel.endswith(".md")}
    run(tmp_path / "served", "serve", dirty=False)
    assert {rel: p.stat().st_mtime_ns for rel, p in files(pages).items() if rel.endswith(".md")} == sources

    card = tmp_path / "content" / "stories" / "s-mediation.yml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["title"] = "Moscow offers talks between Washington and Pyongyang"
    card.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    run(tmp_path / "served", "serve", dirty=False)   # the edit shown in preview
    before = {rel: p.stat().st_mtime_ns for rel, p in files(site).items()}
    rendered = list(run(site, "build", dirty=True).lazy.rendered)

    run(tmp_path / "full", "build", dirty=False, cache=".cache/full-pages")
    assert_same_pages(site, tmp_path / "full")
    html = {rel: p for rel, p in files(site).items() if rel.endswith(".html")}
    written = {rel for rel, p in html.items() if p.stat().st_mtime_ns != before.get(rel)}
    shows_title = {rel for rel, p in html.items()
                   if "Moscow offers talks between Washington" in p.read_text(encoding="utf-8")}
    assert {"stories/s-mediation/index.html", "index.html"} <= shows_title
    assert written - {"404.html"} == shows_title
    assert "stories/s-mediation.md" in rendered and len(rendered) < every / 2, (rendered, every)
    assert len(rendered) == len(set(rendered))      # each page rendered once, though serve wrote its source
