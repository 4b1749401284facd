"""End to end: the CLI over the sample corpus, as a user runs it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INBOX = ROOT / "content" / "inbox"


def run_build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--quiet", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("content")
    proc = run_build("--input", str(INBOX), "--content", str(out), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    return out


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_sample_corpus_gives_five_articles_in_one_story(built):
    articles = [load(p) for p in sorted((built / "articles").glob("*.yml"))]
    stories = [load(p) for p in sorted((built / "stories").glob("*.yml"))]
    assert len(articles) == 5
    assert len(stories) == 1
    assert sorted(stories[0]["articles"]) == sorted(a["id"] for a in articles)
    assert {a["story"] for a in articles} == {stories[0]["id"]}


def test_every_source_reference_is_verbatim_at_its_offsets(built):
    texts = {load(p)["id"]: load(p)["text"] for p in (built / "articles").glob("*.yml")}
    refs = 0
    for path in (built / "stories").glob("*.yml"):
        story = load(path)
        for card in story["facts"] + story.get("quotes", []):
            for src in card["sources"]:
                assert texts[src["article"]][src["start"]:src["end"]] == src["excerpt"]
                refs += 1
    assert refs > 10


def test_rebuild_rewrites_nothing(built, tmp_path):
    before = snapshot(built)
    proc = run_build("--input", str(INBOX), "--content", str(built), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(built) == before


def test_check_passes_on_generated_content(built):
    proc = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(built)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_bad_inputs_are_named_and_skipped(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(INBOX, inbox)
    (inbox / "junk.txt").write_bytes(bytes(range(256)) * 64)
    (inbox / "empty.txt").write_text("")
    (inbox / "feed.jsonl").write_text('{"id": "ok-1", "text": "A storm hit the coast on Monday. '
                                      'Officials said roads were closed."}\n{"id": "broken", "te\n')
    proc = run_build("--input", str(inbox), "--content", str(tmp_path / "out"), "--jobs", "1")
    assert proc.returncode == 1
    err = proc.stderr
    assert "junk.txt" in err and "empty.txt" in err and "feed.jsonl:2" in err
    # the good articles still made it
    assert len(list((tmp_path / "out" / "articles").glob("*.yml"))) == 6


def test_a_mistyped_input_path_changes_nothing(built, tmp_path):
    work = tmp_path / "content"
    shutil.copytree(built, work)
    before = snapshot(work)
    proc = run_build("--input", str(tmp_path / "no-such-inbox"), "--content", str(work), "--jobs", "1")
    assert proc.returncode == 2
    assert "no-such-inbox" in proc.stderr and "nothing was changed" in proc.stderr
    assert snapshot(work) == before


def test_inputs_that_all_fail_leave_the_digest_as_it_was(built, tmp_path):
    work = tmp_path / "content"
    shutil.copytree(built, work)
    before = snapshot(work)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 64)
    proc = run_build("--input", str(bad), "--content", str(work), "--jobs", "1")
    assert proc.returncode == 1
    assert "junk.txt" in proc.stderr and "no article could be read" in proc.stderr
    assert snapshot(work) == before


def test_committed_content_is_what_the_generator_makes(tmp_path):
    """content/ in the repo is the sample corpus's output (plus editors' edits, none yet)."""
    committed = ROOT / "content"
    if not (committed / "stories").exists():
        pytest.skip("no committed content yet")
    work = tmp_path / "content"
    for kind in ("articles", "stories", "entities", ".snapshot"):
        if (committed / kind).exists():
            shutil.copytree(committed / kind, work / kind)
    if (committed / "outlets.yml").exists():      # the editors' outlet names
        shutil.copy(committed / "outlets.yml", work / "outlets.yml")
    before = snapshot(work)
    proc = run_build("--input", str(INBOX), "--content", str(work), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(work) == before
