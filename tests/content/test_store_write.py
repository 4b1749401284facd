"""Write stage: deterministic dumps, the fast path, pruning, the lock, crash-safe commits."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.content import check, journal, store, yamlio
from generator.errors import LockedError
from generator.records import Entity
from tests.edits_helpers import corpus


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yml"))}


def test_dump_is_readable_and_round_trips():
    data = {"id": "x", "text": "Line one — «quoted» Zürich.\n\nLine two.\n",
            "long": "word " * 60 + "end", "empty": None, "flag": True, "tricky": ["no", "0777", "2017-12-01"]}
    text = yamlio.dump_yaml(data)
    assert "text: |\n  Line one — «quoted» Zürich.\n\n  Line two.\n" in text   # literal block, unicode kept
    assert ("long: " + "word " * 60 + "end\n") in text                         # not folded
    assert yamlio.load_yaml(text) == data
    assert yamlio.dump_yaml(data) == text


def test_rerun_with_nothing_new_rewrites_nothing(tmp_path):
    records = corpus(seed=1)
    first = store.write_content(tmp_path, *records)
    assert len(first.written) == 2 * 2 + 2 + 1 and not first.conflicts and not first.problems
    before = files(tmp_path)
    inodes = {p: os.stat(p).st_ino for p in tmp_path.rglob("*.yml")}
    again = store.write_content(tmp_path, *corpus(seed=1))
    assert again.written == [] and again.conflicts == []
    assert files(tmp_path) == before
    assert {p: os.stat(p).st_ino for p in tmp_path.rglob("*.yml")} == inodes
    assert not (tmp_path / journal.STAGING).exists()


def test_snapshot_is_what_the_generator_wrote(tmp_path):
    store.write_content(tmp_path, *corpus(seed=1))
    for path in (tmp_path / "stories").glob("*.yml"):
        assert (tmp_path / ".snapshot/stories" / path.name).read_bytes() == path.read_bytes()


def test_unedited_file_follows_the_generator(tmp_path):
    store.write_content(tmp_path, *corpus(seed=1))
    result = store.write_content(tmp_path, *corpus(seed=1, variant=1))
    assert str(tmp_path / "stories/story-0.yml") in result.written and not result.conflicts
    assert "Story 0 v1" in (tmp_path / "stories/story-0.yml").read_text()


def test_records_no_longer_generated_go_unless_edited(tmp_path):
    store.write_content(tmp_path, *corpus(seed=1, n_stories=3))
    edited = tmp_path / "stories/story-2.yml"
    edited.write_text(edited.read_text() + "notes: keep me\n")
    articles, stories, entities = corpus(seed=1, n_stories=3)
    result = store.write_content(tmp_path, articles[:2], stories[:1], entities)
    assert not (tmp_path / "stories/story-1.yml").exists()
    assert not (tmp_path / ".snapshot/stories/story-1.yml").exists()
    assert not (tmp_path / "articles/art-1-0.yml").exists()
    assert edited.exists() and any("story-2.yml: no longer generated" in c for c in result.conflicts)


def test_file_deleted_by_the_editor_stays_deleted(tmp_path):
    store.write_content(tmp_path, *corpus(seed=1))
    (tmp_path / "entities/moscow.yml").unlink()
    store.write_content(tmp_path, *corpus(seed=1, variant=1))
    assert not (tmp_path / "entities/moscow.yml").exists()
    (tmp_path / ".snapshot/entities/moscow.yml").unlink()      # the documented way back
    store.write_content(tmp_path, *corpus(seed=1))
    assert (tmp_path / "entities/moscow.yml").exists()


def test_invalid_generated_record_is_written_and_reported(tmp_path):
    articles, stories, _ = corpus(seed=1)
    result = store.write_content(tmp_path, articles, stories, [Entity("moscow", "Moscow", "city", [], [])])
    assert any("entities/moscow.yml" in str(p) and "kind" in str(p) for p in result.problems)
    assert (tmp_path / "entities/moscow.yml").exists()


def test_second_build_gets_a_clear_lock_error(tmp_path):
    with journal.content_lock(tmp_path):
        with pytest.raises(LockedError, match="another build is running"):
            with journal.content_lock(tmp_path):
                pass
    with journal.content_lock(tmp_path):                          # released after the first
        pass


def test_crash_after_commit_is_rolled_forward_and_check_sees_the_new_tree(tmp_path, monkeypatch, capsys):
    store.write_content(tmp_path, *corpus(seed=1))
    old = files(tmp_path)
    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:                                      # part-way through the renames
            raise KeyboardInterrupt("killed")
        return real_replace(src, dst)

    monkeypatch.setattr(journal.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        store.write_content(tmp_path, *corpus(seed=2))           # new texts: every offset moves
    monkeypatch.setattr(journal.os, "replace", real_replace)
    assert (tmp_path / journal.STAGING / journal.JOURNAL).exists()
    assert files(tmp_path) != old
    assert check.check_content(tmp_path) == []                   # read through the journal
    from generator.cli import main
    assert main(["check", "--content", str(tmp_path)]) == 1       # valid, but not applied yet
    assert "pending" in capsys.readouterr().err
    assert journal.recover(tmp_path)
    assert main(["check", "--content", str(tmp_path)]) == 0
    assert "pending" not in capsys.readouterr().err
    assert check.check_content(tmp_path) == []
    fresh = tmp_path / "fresh"
    store.write_content(fresh, *corpus(seed=2))
    assert {k: v for k, v in files(tmp_path).items() if not k.startswith("fresh")} == files(fresh)


@pytest.mark.parametrize("escape", ["dots", "symlink"])
def test_a_journal_naming_a_path_outside_content_is_refused_whole(tmp_path, escape):
    import json
    from generator.errors import ContentError

    content = tmp_path / "content"
    store.write_content(content, *corpus(seed=1))
    before = files(content)
    staging = content / journal.STAGING
    staging.mkdir()
    (staging / "0000000.yml").write_text("id: planted\n", encoding="utf-8")
    (staging / "0000001.yml").write_text("id: planted\n", encoding="utf-8")
    if escape == "dots":
        target = "../planted.yml"
    else:
        (tmp_path / "elsewhere").mkdir()
        (content / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        target = "linked/planted.yml"
    ops = [["0000000.yml", "stories/planted.yml", None], ["0000001.yml", target, None]]
    (staging / journal.JOURNAL).write_text(json.dumps({"ops": ops, "guards": {}, "index": None}), encoding="utf-8")
    with pytest.raises(ContentError, match="outside the content directory"):
        journal.recover(content)
    assert not (content / "stories/planted.yml").exists()     # not even the op inside content
    assert not list(tmp_path.rglob("planted.yml"))
    assert {k: v for k, v in files(content).items() if not k.startswith(journal.STAGING)} == before


def test_crash_before_commit_leaves_the_old_tree(tmp_path, monkeypatch):
    store.write_content(tmp_path, *corpus(seed=1))
    old = files(tmp_path)

    def no_commit(self):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(store._Transaction, "commit", no_commit)
    with pytest.raises(KeyboardInterrupt):
        store.write_content(tmp_path, *corpus(seed=2))
    assert {k: v for k, v in files(tmp_path).items() if not k.startswith(journal.STAGING)} == old
    assert check.check_content(tmp_path) == []
    monkeypatch.undo()
    store.write_content(tmp_path, *corpus(seed=1))
    assert files(tmp_path) == old


def test_file_edited_while_the_build_runs_is_not_overwritten(tmp_path, monkeypatch):
    store.write_content(tmp_path, *corpus(seed=1))
    story = tmp_path / "stories/story-0.yml"
    edited = story.read_text(encoding="utf-8").replace("title: Story 0 v0", "title: Edited during the build")
    real_sync = journal._sync_filesystem

    def editor_saves_meanwhile(folder):          # after the build read the file, before the swap
        story.write_text(edited, encoding="utf-8")
        real_sync(folder)

    monkeypatch.setattr(journal, "_sync_filesystem", editor_saves_meanwhile)
    result = store.write_content(tmp_path, *corpus(seed=1, variant=1))
    monkeypatch.undo()
    assert story.read_text(encoding="utf-8") == edited
    assert result.left_to_editor == ["stories/story-0.yml"]
    assert str(story) not in result.written
    assert any("changed while this build ran" in c for c in result.conflicts)
    assert (tmp_path / "stories/story-1.yml").read_text(encoding="utf-8").count("v1") > 0   # the rest went in
    # The next build merges it: the editor's title, the generator's new cards.
    store.write_content(tmp_path, *corpus(seed=1, variant=1))
    data = yamlio.load_yaml(story.read_text(encoding="utf-8"))
    assert data["title"] == "Edited during the build"
    assert all(" v1:" in f["text"] for f in data["facts"])
    assert check.check_content(tmp_path) == []


def test_previous_assignment_reads_story_ids(tmp_path):
    store.write_content(tmp_path, *corpus(seed=1))
    got = store.previous_assignment(tmp_path)
    assert got == {"art-0-0": "story-0", "art-0-1": "story-0", "art-1-0": "story-1", "art-1-1": "story-1"}
    path = tmp_path / "articles/art-0-0.yml"
    path.write_text(path.read_text().replace("story: story-0", "story: 'story-1'  # moved by hand"))
    assert store.previous_assignment(tmp_path)["art-0-0"] == "story-1"


def test_unchanged_rerun_does_not_even_dump(tmp_path, monkeypatch):
    store.write_content(tmp_path, *corpus(seed=1))
    before = files(tmp_path)

    def no_dump(data):
        raise AssertionError("dumped a record although nothing changed")

    monkeypatch.setattr(store, "dump_yaml", no_dump)
    assert store.write_content(tmp_path, *corpus(seed=1)).written == []
    monkeypatch.undo()
    (tmp_path / store.INDEX).write_text("{damaged")                # only costs speed
    assert store.write_content(tmp_path, *corpus(seed=1)).written == []
    assert files(tmp_path) == before
    assert store.write_content(tmp_path, *corpus(seed=1, variant=1)).written
