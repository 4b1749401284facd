import sqlite3
from pathlib import Path

import pytest

from generator.build import cache as cache_mod
from generator.build import pipeline
from generator.nlp import analyze
from generator.config import Config
from generator.ingest.describe import Meta
from generator.stories.group import StoryGroup
from generator.records import Analysis, Article, RawArticle, Story
from tests.scale_helpers import sample_articles


# ---------------------------------------------------------------- the cache itself
def test_values_round_trip_and_missing_keys_are_left_out(tmp_path):
    value = Analysis("a1", [(0, 5)])
    with cache_mod.Cache(tmp_path) as c:
        c.put_many([("k1", value)])
        assert c.get_many(["k1", "k2"]) == {"k1": value}
        assert (c.hits, c.misses) == (1, 1)
    with cache_mod.Cache(tmp_path) as c:  # persisted
        assert c.get_many(["k1"]) == {"k1": value}


def test_a_disabled_cache_never_hits():
    with cache_mod.Cache(None) as c:
        c.put_many([("k", 1)])
        assert c.get_many(["k"]) == {}
        assert not c.enabled


def test_an_unreadable_entry_is_a_miss(tmp_path):
    with cache_mod.Cache(tmp_path) as c:
        c.put_many([("k", 1)])
    db = sqlite3.connect(tmp_path / cache_mod.FILENAME)
    db.execute("UPDATE entries SET value = ? WHERE key = 'k'", (b"not a pickle",))
    db.commit()
    db.close()
    with cache_mod.Cache(tmp_path) as c:
        assert c.get_many(["k"]) == {}


def test_more_keys_than_sqlite_binds_in_one_call(tmp_path):
    items = [(f"k{i}", i) for i in range(2_345)]
    with cache_mod.Cache(tmp_path) as c:
        c.put_many(items)
        assert c.get_many(k for k, _ in items) == dict(items)


def test_article_key_follows_what_analysis_reads():
    a = sample_articles()[0]
    fp = cache_mod.fingerprint(Config())
    key = cache_mod.article_key(a, fp)
    same = Article.from_dict(a.to_dict())
    same.byline = "Someone else"  # analysis does not read it
    assert cache_mod.article_key(same, fp) == key
    for change in ({"text": a.text + " More."}, {"published": "2018-01-01"}, {"id": "other"}):
        changed = Article.from_dict({**a.to_dict(), **change})
        assert cache_mod.article_key(changed, fp) != key
    assert cache_mod.article_key(a, fp + "x") != key


def test_stage_settings_change_the_fingerprint_but_site_settings_do_not():
    base = cache_mod.fingerprint(Config(sections={"clean": {}, "site": {"title": "A"}}))
    assert cache_mod.fingerprint(Config(sections={"clean": {}, "site": {"title": "B"}})) == base
    assert cache_mod.fingerprint(Config(sections={"clean": {"x": 1}, "site": {"title": "A"}})) != base


def test_story_key_depends_on_id_and_members():
    k = cache_mod.story_key("s1", ["a", "b"], "fp")
    assert k == cache_mod.story_key("s1", ["a", "b"], "fp")
    assert k != cache_mod.story_key("s1", ["a", "b", "c"], "fp")
    assert k != cache_mod.story_key("s2", ["a", "b"], "fp")


# ---------------------------------------------------------------- incremental builds
class FakeStages:
    """Stand-ins for read/clean/group/extract that count their work; analysis is real."""

    def __init__(self, monkeypatch):
        self.texts: dict[str, str] = {}  # article id -> text; id "<story>-<n>"
        self.analyzed: list[str] = []
        self.extracted: list[str] = []
        self.described: list[str] = []  # articles cleaned+described
        self.batch_calls: list[str] = []  # whole-batch stages run: "group"
        real_analyze = analyze.analyze_batch

        def read_inputs(paths, root=None):
            for aid, text in sorted(self.texts.items()):
                yield RawArticle(source_file=f"{aid}.txt", text=text, id=aid, outlet="Outlet")

        def describe_safely(raw, cfg, recurring):
            self.described.append(raw.id)
            return Meta(headline=raw.id, outlet="outlet", published="2017-12-05"), raw.text, []

        def group_articles(articles, analyses, previous, config=None, features=None):
            self.batch_calls.append("group")
            stories: dict[str, list[str]] = {}
            for a in articles:
                stories.setdefault(a.id.split("-")[0], []).append(a.id)
            return [StoryGroup(sid, ids) for sid, ids in sorted(stories.items())]

        def regroup(articles, analyses, previous, changed, config=None, features=None):
            self.batch_calls.append("regroup:" + ",".join(sorted(changed)))
            return group_articles(articles, analyses, previous, config)

        def analyze_batch(batch):
            self.analyzed += [a.id for a in batch]
            return real_analyze(batch)

        def extract_story(g, members, config=None):
            self.extracted.append(g.id)
            return Story(id=g.id, title=g.id, date=None, articles=[a.id for a, _ in members],
                         outlets=["Outlet"], single_source=True, summary=[], facts=[])

        monkeypatch.setattr("generator.ingest.read.read_inputs", read_inputs)
        monkeypatch.setattr("generator.ingest.describe.describe_safely", describe_safely)
        monkeypatch.setattr("generator.stories.group.group_articles", group_articles)
        monkeypatch.setattr("generator.stories.group.regroup", regroup)
        monkeypatch.setattr("generator.nlp.analyze.analyze_batch", analyze_batch)
        monkeypatch.setattr("generator.stories.extract.extract_story", extract_story)

    def build(self, tmp_path, **kw):
        self.analyzed, self.extracted, self.batch_calls, self.described = [], [], [], []
        config = Config(root=tmp_path, cache=str(tmp_path / "cache"))
        (tmp_path / "in").mkdir(exist_ok=True)  # the build refuses input paths that do not exist
        return pipeline.build(config, inputs=["in"], content_dir=tmp_path / "content", jobs=1, **kw)


@pytest.fixture
def stages(monkeypatch):
    fake = FakeStages(monkeypatch)
    texts = [a.text for a in sample_articles()]
    fake.texts = {"alpha-0": texts[0], "alpha-1": texts[1], "beta-0": texts[2], "gamma-0": texts[3]}
    return fake


def _content(tmp_path):
    return {p.relative_to(tmp_path): p.read_text() for p in sorted((tmp_path / "content").rglob("*.yml"))}


def test_a_rerun_with_nothing_new_recomputes_nothing_and_writes_the_same(stages, tmp_path):
    first = stages.build(tmp_path)
    assert (first.articles, first.stories) == (4, 3)
    assert sorted(stages.analyzed) == sorted(stages.texts)
    assert sorted(stages.extracted) == ["alpha", "beta", "gamma"]
    before = _content(tmp_path)

    assert stages.batch_calls == ["group"]
    assert sorted(stages.described) == sorted(stages.texts)
    again = stages.build(tmp_path)
    assert stages.analyzed == [] and stages.extracted == [] and stages.batch_calls == []
    assert stages.described == []
    assert (again.analyzed, again.stories_built) == (0, 0)
    assert (again.articles, again.stories) == (4, 3)
    assert again.written == []
    assert _content(tmp_path) == before


def test_a_new_article_redoes_itself_and_only_the_story_it_joins(stages, tmp_path):
    stages.build(tmp_path)
    stages.texts["beta-1"] = sample_articles()[4].text
    report = stages.build(tmp_path)
    assert stages.analyzed == ["beta-1"]
    assert stages.described == ["beta-1"]
    assert stages.batch_calls == ["regroup:beta-1", "group"]  # the fake regroup groups everything
    assert stages.extracted == ["beta"]
    assert report.stories == 3
    assert (tmp_path / "content" / "articles" / "beta-1.yml").exists()


def test_an_edited_article_is_analysed_again(stages, tmp_path):
    stages.build(tmp_path)
    stages.texts["gamma-0"] += "\n\nA new paragraph was added later."
    stages.build(tmp_path)
    assert stages.described == ["gamma-0"]
    assert stages.analyzed == ["gamma-0"]
    assert stages.extracted == ["gamma"]


def test_without_the_cache_everything_is_recomputed(stages, tmp_path):
    stages.build(tmp_path)
    stages.build(tmp_path, use_cache=False)
    assert sorted(stages.analyzed) == sorted(stages.texts)
    assert len(stages.extracted) == 3


def test_cached_and_fresh_builds_write_identical_content(stages, tmp_path):
    stages.build(tmp_path)
    cached = _content(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    stages.build(other, use_cache=False)
    assert {str(k): v for k, v in _content(other).items()} == {str(k): v for k, v in cached.items()}


def test_a_changed_story_assignment_on_disk_regroups(stages, tmp_path):
    stages.build(tmp_path)
    stages.build(tmp_path)
    assert stages.batch_calls == []
    # an editor moved an article to another story: grouping must see it
    path = tmp_path / "content" / "articles" / "alpha-0.yml"
    path.write_text(path.read_text().replace("\nstory: alpha\n", "\nstory: beta\n"))
    stages.build(tmp_path)
    assert stages.batch_calls == ["group"]


def test_the_remembered_assignment_is_the_one_on_disk(stages, tmp_path, monkeypatch):
    """A re-run takes the previous assignment from the cache (no reading every article
    file) only when it is exactly what the files say, editors' changes included."""
    from generator.build import pipeline
    from generator.content import store

    stages.build(tmp_path)
    path = tmp_path / "content" / "articles" / "alpha-0.yml"
    path.write_text(path.read_text().replace("\nstory: alpha\n", "\nstory: beta\n"))
    for _ in range(2):  # the build after the edit, and the one after that
        stages.build(tmp_path)
        content = tmp_path / "content"
        on_disk = store.previous_assignment(content)
        with monkeypatch.context() as m, cache_mod.Cache(tmp_path / "cache") as cache:
            m.setattr(store, "previous_assignment", lambda c: pytest.fail("files read again"))
            remembered = pipeline._previous_assignment(content, pipeline._content_state(content), cache)
        assert remembered == on_disk
        assert remembered["alpha-0"] == "beta"


def _count_writes(monkeypatch):
    from generator.content import store

    calls = []
    real = store.write_content

    def spy(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(store, "write_content", spy)
    return calls


def test_an_unchanged_rerun_skips_the_write_and_a_touched_directory_does_not(stages, tmp_path, monkeypatch):
    calls = _count_writes(monkeypatch)
    stages.build(tmp_path)
    assert len(calls) == 1
    stages.build(tmp_path)
    assert len(calls) == 1  # same records, same files on disk: nothing to do
    # a file deleted by hand: the store must see it (it decides what a deletion means)
    (tmp_path / "content" / "articles" / "beta-0.yml").unlink()
    stages.build(tmp_path)
    assert len(calls) == 2
    stages.build(tmp_path)
    assert len(calls) == 2


def test_an_editors_change_reaches_the_store(stages, tmp_path, monkeypatch):
    calls = _count_writes(monkeypatch)
    stages.build(tmp_path)
    story = tmp_path / "content" / "stories" / "alpha.yml"
    story.write_text(story.read_text().replace("title: alpha", "title: Alpha, edited"))
    stages.build(tmp_path)
    assert len(calls) == 2
    assert "Alpha, edited" in story.read_text()


def test_an_untouched_directory_skips_reading_unchanged_records_and_keeps_edits(stages, tmp_path, monkeypatch):
    from generator.content import store

    seen = []
    real = store.write_content

    def spy(*a, **k):
        seen.append(k.get("as_left"))
        return real(*a, **k)

    monkeypatch.setattr(store, "write_content", spy)
    stages.build(tmp_path)
    story = tmp_path / "content" / "stories" / "alpha.yml"
    story.write_text(story.read_text().replace("title: alpha", "title: Alpha, edited"))
    article = tmp_path / "content" / "articles" / "alpha-0.yml"
    article.write_text(article.read_text() + "# an editor's note\n")
    stages.build(tmp_path)           # the directory changed: every record is looked at
    assert seen[-1] is None
    stages.texts["gamma-1"] = sample_articles()[4].text
    reads = []
    real_read = store._read_bytes
    monkeypatch.setattr(store, "_read_bytes", lambda path: reads.append(path.name) or real_read(path))
    report = stages.build(tmp_path)  # untouched since: only what changed is read
    assert seen[-1] == {"alpha-0"}   # the edited article, remembered from the last write
    assert "alpha.yml" not in reads and "beta-0.yml" not in reads
    assert "gamma-1.yml" in reads
    assert (tmp_path / "content" / "articles" / "gamma-1.yml").exists()
    assert "Alpha, edited" in story.read_text()
    assert "# an editor's note" in article.read_text()
    assert report.problems == []


def test_new_records_are_written_even_when_the_directory_is_untouched(stages, tmp_path, monkeypatch):
    calls = _count_writes(monkeypatch)
    stages.build(tmp_path)
    stages.texts["gamma-1"] = sample_articles()[4].text
    stages.build(tmp_path)
    assert len(calls) == 2
    assert (tmp_path / "content" / "articles" / "gamma-1.yml").exists()


# ---------------------------------------------------------------- what the fingerprint covers
@pytest.fixture
def package_copy(tmp_path):
    """A copy of the generator package, to edit without touching the real one."""
    import shutil
    from pathlib import Path

    import generator

    copy = tmp_path / "generator"
    shutil.copytree(Path(generator.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edited(pkg, rel: str) -> bool:
    """Whether appending to the file at `rel` changes the package's content fingerprint."""
    before = cache_mod.source_files(pkg)
    path = pkg / rel
    path.write_bytes(path.read_bytes() + b"\n")
    return cache_mod.source_files(pkg) != before


def test_a_changed_schema_file_changes_the_fingerprint(package_copy):
    assert _edited(package_copy, "content/schemas/article.json")


def test_a_changed_merge_module_changes_the_fingerprint(package_copy):
    # Re-anchoring editors' values shapes the written offsets.
    assert _edited(package_copy, "content/merge.py")


def test_a_new_data_file_of_a_stage_changes_the_fingerprint(package_copy):
    before = cache_mod.source_files(package_copy)
    (package_copy / "ingest" / "words.txt").write_text("example\n", encoding="utf-8")
    assert cache_mod.source_files(package_copy) != before


def test_site_build_and_cli_files_do_not_change_the_fingerprint(package_copy):
    for rel in ("site/pages.py", "build/pipeline.py", "build/executors.py", "cli.py", "__main__.py"):
        assert not _edited(package_copy, rel), rel


def test_byte_code_caches_do_not_change_the_fingerprint(package_copy):
    before = cache_mod.source_files(package_copy)
    (package_copy / "ingest" / "__pycache__").mkdir()
    (package_copy / "ingest" / "__pycache__" / "clean.cpython-311.pyc").write_bytes(b"\0")
    assert cache_mod.source_files(package_copy) == before


def test_workers_receive_only_their_stage_settings(tmp_path, monkeypatch):
    """The batch functions get the settings dataclass of their stage, never the whole
    configuration (which they would have to parse, per article or per story)."""
    from generator.config import CleanSettings, ExtractSettings, ResolveSettings
    from generator.ingest import describe
    from generator.stories import batch as story_batch
    from tests.scale_helpers import INBOX, ROOT

    seen = []
    real = {"survey": describe.survey_batch, "describe": describe.describe_batch,
            "story": story_batch.story_batch}

    def spy(name):
        def run(items):
            items = list(items)
            seen.extend((name, type(s).__name__) for item in items
                        for s in (item[2] if name == "story" else item[1:2]))
            return real[name](items)
        return run

    monkeypatch.setattr(describe, "survey_batch", spy("survey"))
    monkeypatch.setattr(describe, "describe_batch", spy("describe"))
    monkeypatch.setattr(story_batch, "story_batch", spy("story"))
    config = Config(root=ROOT, inputs=[str(INBOX)])
    pipeline.build(config, content_dir=tmp_path / "content", jobs=1, use_cache=False)
    kinds = {name: {t for n, t in seen if n == name} for name, _ in seen}
    assert kinds["survey"] == {CleanSettings.__name__}
    assert kinds["story"] == {ExtractSettings.__name__, ResolveSettings.__name__}
    assert kinds.get("describe", {CleanSettings.__name__}) == {CleanSettings.__name__}


# ---------------------------------------------------------------- records skipped by their sources
def _converted(monkeypatch) -> list[str]:
    """Ids of the records converted to dicts (the write stage's first step for a record)."""
    from generator import records

    seen: list[str] = []
    real = records._Record.to_dict

    def spy(self):
        if isinstance(self, (records.Article, records.Story, records.Entity)):
            seen.append(f"{type(self).__name__}:{self.id}")
        return real(self)

    monkeypatch.setattr(records._Record, "to_dict", spy)
    return seen


def _scenario(stages, root, edit: bool, seen: list[str]):
    """Build; optionally an editor changes an article (a comment line) and a build merges
    it; then a new article joins story gamma. The last build's report."""
    stages.build(root)
    if edit:
        article = root / "content" / "articles" / "alpha-0.yml"
        article.write_text(article.read_text() + "# checked by the desk\n")
        stages.build(root)
    stages.texts["gamma-1"] = sample_articles()[4].text
    seen.clear()
    report = stages.build(root)
    del stages.texts["gamma-1"]
    return report


def _rel(report, root) -> list[str]:
    return sorted(str(Path(w).relative_to(root / "content")) for w in report.written)


@pytest.mark.parametrize("edit", [False, True])
def test_records_whose_sources_are_unchanged_are_not_converted_and_the_content_is_the_same(
        stages, tmp_path, monkeypatch, edit):
    seen = _converted(monkeypatch)
    skip, full_root = tmp_path / "skip", tmp_path / "all"
    skip.mkdir()
    full_root.mkdir()
    report = _scenario(stages, skip, edit, seen)
    converted = set(seen)
    # The same builds with every record converted and compared, as before the skip existed.
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_record_sources", lambda *a: {})
        full = _scenario(stages, full_root, edit, seen)
    assert _content(skip) == _content(full_root)
    assert (report.problems, report.conflicts, _rel(report, skip)) == \
        (full.problems, full.conflicts, _rel(full, full_root))
    assert "articles/gamma-1.yml" in _rel(report, skip)
    # Only what the new article changed was converted: itself, its story, that story's
    # entities; the story of an edited article is converted again (re-anchored on its text).
    assert {"Article:gamma-1", "Story:gamma"} <= converted
    assert "Story:beta" not in converted and "Article:beta-0" not in converted
    assert ("Story:alpha" in converted) == edit
    assert len(converted) < len(set(seen))


def test_the_build_unfreezes_what_it_kept_from_the_collector(stages, tmp_path, monkeypatch):
    # The build freezes what it keeps (its full collections then skip it); afterwards, and
    # when a stage fails, everything is the collector's again.
    import gc

    from generator.stories import extract

    seen = []
    real_extract = extract.extract_story

    def extract_story(g, members, config=None):
        seen.append(gc.get_freeze_count())
        return real_extract(g, members, config)

    monkeypatch.setattr("generator.stories.extract.extract_story", extract_story)
    stages.build(tmp_path)
    assert seen and min(seen) > 0  # frozen during the build
    assert gc.get_freeze_count() == 0

    def broken(g, members, config=None):
        raise KeyboardInterrupt  # not a per-story Problem: the build stops

    monkeypatch.setattr("generator.stories.extract.extract_story", broken)
    stages.texts["delta-0"] = sample_articles()[4].text
    with pytest.raises(KeyboardInterrupt):
        stages.build(tmp_path)
    assert gc.get_freeze_count() == 0
