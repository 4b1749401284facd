"""A build killed with SIGKILL at a random point leaves a tree that `check` accepts."""
from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.content import check, journal, store
from generator.content.yamlio import round_trip_yaml
from tests.edits_helpers import corpus

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Rewrites the tree over and over with two record sets whose article texts (and so every
# source offset) differ, so that a kill lands in the middle of a change.
WRITER = """
import sys
from pathlib import Path
from generator.content import store
from tests.edits_helpers import corpus
content = Path(sys.argv[1])
sets = [corpus(seed=11, n_stories=30, per_story=3), corpus(seed=12, n_stories=30, per_story=3, variant=1)]
n = 0
while True:
    store.write_content(content, *sets[n % 2])
    n += 1
    print(n, flush=True)
"""


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yml"))
            if not str(p.relative_to(root)).startswith(journal.STAGING)}


def test_write_content_killed_at_random_points_leaves_a_valid_tree(tmp_path):
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    content = tmp_path / "content"
    for attempt in range(4):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(content)], cwd=ROOT, env=ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proc.stdout.readline()                      # at least one full tree exists
        time.sleep(rng.uniform(0.0, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        problems = check.check_content(content)
        assert problems == [], (seed, attempt, [str(p) for p in problems[:5]])
    # The next build finishes the interrupted one and then agrees with a fresh build.
    store.write_content(content, *corpus(seed=11, n_stories=30, per_story=3))
    fresh = tmp_path / "fresh"
    store.write_content(fresh, *corpus(seed=11, n_stories=30, per_story=3))
    assert files(content) == files(fresh), seed
    assert not (content / journal.STAGING).exists()


def _build(inbox: Path, content: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--quiet", "--jobs", "1",
                             "--input", str(inbox), "--content", str(content)],
                            cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_real_build_killed_part_way_then_check_passes(tmp_path):
    sample = ROOT / "content/inbox"
    if not any(sample.glob("*.txt")):
        pytest.skip("no sample corpus in content/inbox")
    inbox, content = tmp_path / "inbox", tmp_path / "content"
    shutil.copytree(sample, inbox)
    began = time.monotonic()
    first = _build(inbox, content, tmp_path)
    out, err = first.communicate(timeout=600)
    took = time.monotonic() - began
    assert first.returncode == 0, err
    assert check.check_content(content) == []

    rerun = _build(inbox, content, tmp_path)
    out, err = rerun.communicate(timeout=600)
    assert " 0 files written" in out, out                   # byte-identical re-run

    # Shift every offset of one article, then kill the next build at a random moment.
    victim = sorted(inbox.glob("*.txt"))[0]
    victim.write_text("Editor's preface paragraph.\n\n" + victim.read_text(encoding="utf-8"), encoding="utf-8")
    delay = random.uniform(0.5, took)
    killed = _build(inbox, content, tmp_path)
    time.sleep(delay)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    problems = check.check_content(content)
    assert problems == [], (delay, [str(p) for p in problems[:5]])

    # An editor fixes a card before anyone builds again: the next build (which finishes
    # or discards the killed one's swap) keeps the fix, wherever the kill landed.
    [story] = sorted((content / "stories").glob("*.yml"))
    card = yaml.safe_load(story.read_text(encoding="utf-8"))["facts"][0]["id"]
    _edit_card_text(story, card, "An editor's fix made after the crash.")
    after = _build(inbox, content, tmp_path)
    out, err = after.communicate(timeout=600)
    assert after.returncode == 0, err
    assert _card_text(story, card) == "An editor's fix made after the crash.", (delay, err)
    assert check.check_content(content) == []


# Stages a build's files and writes its journal, then dies by SIGKILL before putting any
# file in place: the worst moment for an editor to open a file afterwards.
KILLED_AFTER_JOURNAL = """
import os, signal, sys
from pathlib import Path
from generator.content import journal, store
from tests.edits_helpers import corpus
journal._apply = lambda content, ops: os.kill(os.getpid(), signal.SIGKILL)
store.write_content(Path(sys.argv[1]), *corpus(seed=5, variant=1))
"""


def _card_text(path: Path, card: str) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(c["text"] for c in data["facts"] if c["id"] == card)


def _edit_card_text(path: Path, card: str, new: str) -> None:
    """An editor's change of one card's text (comments and layout kept, as by hand)."""
    y = round_trip_yaml()
    data = y.load(path.read_text(encoding="utf-8"))
    next(c for c in data["facts"] if c["id"] == card)["text"] = new
    buf = io.StringIO()
    y.dump(data, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_edit_made_after_a_killed_commit_survives_the_replay(tmp_path):
    content = tmp_path / "content"
    store.write_content(content, *corpus(seed=5))
    story = content / "stories/story-0.yml"
    proc = subprocess.run([sys.executable, "-c", KILLED_AFTER_JOURNAL, str(content)], cwd=ROOT, env=ENV)
    assert proc.returncode == -signal.SIGKILL
    assert (content / journal.STAGING / journal.JOURNAL).exists()
    staged = journal.pending_changes(content)
    assert story in staged                       # the build would replace this very file
    _edit_card_text(story, "f2", "Edited after the crash.")
    # check reads the tree as the replay will leave it: the editor's file, not the staged one
    assert check.check_content(content) == []
    assert story not in journal.pending_changes(content)

    result = store.write_content(content, *corpus(seed=5, variant=1))
    assert not (content / journal.STAGING).exists()
    assert _card_text(story, "f2") == "Edited after the crash."            # the editor's edit
    assert _card_text(story, "f1").startswith("Fact 0 v1:")                # the generator's change
    assert any("facts[f2].text" in c for c in result.conflicts)
    assert check.check_content(content) == []
    # ... and it stays so: the next build rewrites nothing.
    assert store.write_content(content, *corpus(seed=5, variant=1)).written == []
