"""Issue 16, items 5 and 9-12: bad records, faults and floods, driven through the CLI.

Same rules as test_probes_hostile.py: subprocesses bounded in time and memory, a copy
of the sample project in a temp directory, generated inputs, no network; a probe
marked xfail(strict) is a known open item and fails as soon as it is fixed.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.probe_helpers import (ANSI, DW_ARTICLE, ENV, STORY, WINDOWS_RESERVED, _limits,  # noqa: F401
                                 article_lines, built, built_sample, group_members, jsonl, kill_group,
                                 lines_naming, no_traceback)

SAMPLE = 5


def articles_from(project, name: str) -> dict[str, dict]:
    return {k: a for k, a in project.records("articles").items() if Path(a["source_file"]).name == name}


def good(n: int, **extra) -> dict:
    return {"id": f"probe-{n}", "title": f"Probe article {n}", "outlet": "localpaper",
            "published": "2017-12-20", "text": article_lines(8, f"town{n}"), **extra}


# ---------------------------------------------------------------- 5
def test_05_bad_published_is_one_line_with_file_and_line(built):
    bad = {2: "2024-13-45", 3: "0000-00-00", 4: "2024-02-30T99:99:99", 5: "9999-12-31"}
    records = [good(1)] + [good(n, published=v) for n, v in bad.items()] + [good(6)]
    (built.content / "inbox" / "zz_dates.jsonl").write_text(jsonl(records), encoding="utf-8")

    r = built.build()

    no_traceback(r)
    assert r.returncode in (0, 1), r
    got = articles_from(built, "zz_dates.jsonl")
    assert {"probe-1", "probe-6"} <= set(got), r
    for n in (2, 3, 4):   # not a date: reported where it is
        assert len(lines_naming(r, f"zz_dates.jsonl:{n}")) == 1, r
    # a real but extreme date is either ingested or reported where it is
    assert "probe-5" in got or len(lines_naming(r, "zz_dates.jsonl:5")) == 1, r
    assert len(built.records("articles")) >= SAMPLE + 2


def test_05_lone_surrogates_are_one_line_with_file_and_line(built):
    records = [good(1), good(2, text=article_lines(8, "town2") + " broken \ud800 here"),
               good(3, title="Broken \udfff title"), good(4, outlet="\ud83doutlet"), good(5)]
    (built.content / "inbox" / "zz_surrogates.jsonl").write_text(jsonl(records), encoding="utf-8")

    r = built.build()

    no_traceback(r)
    assert r.returncode == 1, r
    got = articles_from(built, "zz_surrogates.jsonl")
    assert set(got) == {"probe-1", "probe-5"}, r
    for n in (2, 3, 4):
        named = lines_naming(r, f"zz_surrogates.jsonl:{n}")
        assert len(named) == 1 and "surrogate" in named[0], r
    assert len(built.records("articles")) == SAMPLE + 2


# ---------------------------------------------------------------- 9
def read_only(path: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(path):
        for name in filenames:
            os.chmod(Path(dirpath) / name, 0o444)
        os.chmod(dirpath, 0o555)


def writable(path: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(path):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(Path(dirpath) / name, 0o644)


AS_ROOT = os.geteuid() == 0  # root ignores file modes unless it gives up CAP_DAC_OVERRIDE


def test_09_read_only_content_is_one_line_and_changes_nothing(built):
    (built.content / "inbox" / "zz_new.jsonl").write_text(jsonl([good(1)]), encoding="utf-8")
    before = built.content_files()
    read_only(built.content)
    try:
        r = built.build(drop_dac=AS_ROOT)
    finally:
        writable(built.content)

    no_traceback(r)
    assert r.returncode not in (0, None), r
    assert len(r.lines("err")) <= 3, r
    assert [line for line in r.lines("err") if re.search(r"permission|read-only|not writable", line, re.I)], r
    after = built.content_files()
    assert {k: v for k, v in after.items() if k != ".lock"} == {k: v for k, v in before.items() if k != ".lock"}


def test_09_read_only_stories_leaves_no_silent_half_swap(built):
    (built.content / "inbox" / "zz_new.jsonl").write_text(jsonl([good(1)]), encoding="utf-8")
    read_only(built.content / "stories")
    try:
        r = built.build(drop_dac=AS_ROOT)
    finally:
        writable(built.content / "stories")

    no_traceback(r)
    assert r.returncode not in (0, None), r
    assert len(r.lines("err")) <= 3, r
    assert [line for line in r.lines("err") if re.search(r"permission|read-only|not writable", line, re.I)], r
    assert built.file("stories", STORY).exists() and built.file("articles", DW_ARTICLE).exists()
    stories = built.records("stories")
    orphans = [a["id"] for a in built.records("articles").values()
               if a.get("story") and (a["story"] not in stories or a["id"] not in stories[a["story"]]["articles"])]
    check = built.check()
    no_traceback(check)
    if orphans:  # a half-done swap must not look fine
        assert check.returncode == 1 and re.search(r"pending|journal|unfinished", check.out + check.err, re.I), \
            f"articles without their story {orphans}\n{check}"
    # the next build (with the permission back) completes the batch
    again = built.build()
    no_traceback(again)
    assert again.returncode == 0, again
    stories = built.records("stories")
    new = built.records("articles")["probe-1"]
    assert new["story"] in stories and "probe-1" in stories[new["story"]]["articles"]


# ---------------------------------------------------------------- 10
def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def test_10_killed_build_leaves_no_worker_processes(built):
    # enough articles that the per-article stages go to worker processes
    (built.content / "inbox" / "zz_many.jsonl").write_text(
        jsonl([good(n, text=article_lines(4, f"place{n}")) for n in range(120)]), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--quiet", "--no-cache", "--jobs", "2"],
                            cwd=built.root, env=ENV, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=_limits(3 << 30, False),
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        family: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            family = descendants(proc.pid)
            if len(family) >= 3:   # forkserver (+ resource tracker) and at least one worker
                break
            time.sleep(0.1)
        assert proc.poll() is None and len(family) >= 3, f"no workers seen: {family}"
        time.sleep(0.5)
        family |= descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 8
        left = [p for p in family if alive(p)] + group_members(proc.pid)
        while left and time.monotonic() < deadline:
            time.sleep(0.2)
            left = [p for p in family if alive(p)] + group_members(proc.pid)
        assert not left, f"still running after the build was killed: {sorted(set(left))}"
    finally:
        kill_group(proc.pid)
        for p in family:       # only the processes this test started
            try:
                os.kill(p, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


# ---------------------------------------------------------------- 11
def test_11_flood_of_bad_lines_is_summarised(built):
    lines = [good(1)] + [f'{{"text": "cut off line {n}' for n in range(3000)] + [good(2)]
    (built.content / "inbox" / "zz_flood.jsonl").write_text(
        "".join((l if isinstance(l, str) else jsonl([l]).rstrip("\n")) + "\n" for l in lines), encoding="utf-8")

    r = built.build()

    no_traceback(r)
    assert r.returncode == 1, r
    named = lines_naming(r, "zz_flood.jsonl")
    assert 2 <= len(named) <= 22, f"{len(named)} lines name the file\n{r}"
    assert [line for line in named if re.search(r"\b(3000|2980)\b", line.replace(",", ""))], r
    assert {"probe-1", "probe-2"} <= set(articles_from(built, "zz_flood.jsonl"))


# ---------------------------------------------------------------- 12
def test_12_windows_reserved_ids_are_made_safe(built):
    records = [good(n, id=rid) for n, rid in enumerate(["con", "NUL", "aux", "com1", "lpt9"], 1)]
    (built.content / "inbox" / "zz_windows.jsonl").write_text(jsonl(records), encoding="utf-8")

    r = built.build()

    no_traceback(r)
    assert r.returncode == 0, r
    assert len(articles_from(built, "zz_windows.jsonl")) == 5
    reserved = [p for p in built.content.rglob("*") if p.name.split(".")[0].lower() in WINDOWS_RESERVED]
    assert not reserved, reserved


def test_12_escape_sequences_in_file_names_are_not_printed_raw(built):
    (built.content / "inbox" / "zz_\x1b[31mred\x1b[0m.txt").write_bytes(b"caf\xe9 au lait, " * 40)

    r = built.build()

    no_traceback(r)
    assert r.returncode == 1, r
    assert not ANSI.search(r.out + r.err), repr(r.err)
    named = [line for line in r.lines("err") if "red" in line and "UTF-8" in line]
    assert len(named) == 1, r
    assert len(built.records("articles")) == SAMPLE


def test_12_negative_offset_keeps_the_story_on_the_site(built):
    import yaml

    path = built.file("stories", STORY)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["facts"][0]["sources"][0]["start"] = -5
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    check = built.check()
    no_traceback(check)
    assert check.returncode == 1 and lines_naming(check, f"{STORY}.yml"), check
    site = built.mkdocs(timeout=120)
    no_traceback(site)
    assert site.returncode == 0, site
    page = built.root / "site" / "stories" / STORY / "index.html"
    assert page.exists(), site
    assert "ready" in page.read_text(encoding="utf-8").lower()
