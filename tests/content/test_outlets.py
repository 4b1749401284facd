"""content/outlets.yml: seeded by the build, kept as editors leave it, checked by `check`."""
from __future__ import annotations

from generator.content.check import check_content
from generator.content.outlets import OUTLETS_FILE, read_outlets, seed_outlets


def test_seed_adds_missing_slugs_and_never_touches_an_edited_entry(tmp_path):
    added, problems = seed_outlets(tmp_path, ["wire", "planet", None, "wire"])
    assert (added, problems) == (["planet", "wire"], [])
    assert read_outlets(tmp_path) == ({"planet": {"name": "planet", "url": None},
                                       "wire": {"name": "wire", "url": None}}, [])
    path = tmp_path / OUTLETS_FILE
    # an editor names one outlet, adds a comment and a key of their own
    edited = path.read_text(encoding="utf-8").replace(
        "wire:\n  name: wire\n  url: null\n",
        "wire:  # checked with the desk\n  name: The Evening Wire\n  url: https://wire.example/\n  notes: x\n")
    path.write_text(edited, encoding="utf-8")
    added, _ = seed_outlets(tmp_path, ["wire", "planet", "herald"])
    assert added == ["herald"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(edited) and "herald:\n  name: herald\n  url: null\n" in text
    names, _ = read_outlets(tmp_path)
    assert names["wire"] == {"name": "The Evening Wire", "url": "https://wire.example/"}
    # nothing new: the file is not rewritten
    before = path.stat().st_mtime_ns
    assert seed_outlets(tmp_path, ["wire"]) == ([], [])
    assert path.stat().st_mtime_ns == before


def test_a_broken_outlets_file_is_left_alone_and_reported(tmp_path):
    path = tmp_path / OUTLETS_FILE
    path.write_text("wire: [unclosed\n", encoding="utf-8")
    added, problems = seed_outlets(tmp_path, ["wire", "planet"])
    assert added == [] and len(problems) == 1 and OUTLETS_FILE in str(problems[0])
    assert path.read_text(encoding="utf-8") == "wire: [unclosed\n"


def test_check_reports_a_non_web_address_and_an_empty_name_at_their_lines(tmp_path):
    (tmp_path / OUTLETS_FILE).write_text(
        "wire:\n  name: Wire\n  url: javascript:alert(1)\nplanet:\n  name: ''\n  url: null\n", encoding="utf-8")
    problems = [str(p) for p in check_content(tmp_path)]
    assert any(":3:" in p and "wire.url" in p and "http" in p for p in problems), problems
    assert any(":5:" in p and "planet.name" in p for p in problems), problems
    # the site then uses no names from it (slugs are shown) rather than half a file
    assert read_outlets(tmp_path)[0] == {}
