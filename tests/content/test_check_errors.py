"""`check`: every kind of problem is reported at the line:column of the offending node."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.content import check, loader, store
from generator.cli import main
from tests.edits_helpers import corpus


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    store.write_content(tmp_path, *corpus(seed=3))
    assert check.check_content(tmp_path) == []
    return tmp_path


def position(text: str, needle: str, offset_in_needle: int = 0) -> tuple[int, int]:
    """1-based line and column of `needle` (+offset) in text: where the problem must point."""
    at = text.index(needle) + offset_in_needle
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def edit(path: Path, old: str, new: str, count: int = 1) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def only(problems, needle: str):
    found = [p for p in problems if needle in p.message]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_yaml_syntax_error_points_at_the_bad_line(tree):
    path = tree / "stories/story-0.yml"
    text = edit(path, "single_source: false\n", "single_source: [false\n")
    p = only(check.check_content(tree), "YAML syntax error")
    assert p.source == str(path)
    assert p.line >= position(text, "single_source: [")[0]


def test_missing_field_points_at_its_mapping(tree):
    path = tree / "stories/story-0.yml"
    text = edit(path, "  kind: event\n", "", 1)
    p = only(check.check_content(tree), "missing required field 'kind'")
    assert (p.line, p.column) == position(text, "- id: f1", 2)
    assert p.message.startswith("facts[0]")


def test_mistyped_field_points_at_the_value(tree):
    path = tree / "stories/story-1.yml"
    text = edit(path, "single_source: false", "single_source: maybe")
    p = only(check.check_content(tree), "single_source")
    assert (p.line, p.column) == position(text, "maybe")
    assert "true or false" in p.message


def test_hidden_must_be_a_bool_and_extra_keys_are_allowed(tree):
    path = tree / "stories/story-0.yml"
    text = edit(path, "  kind: event\n", "  kind: event\n  hidden: yes please\n  notes: checked by AB\n", 1)
    p = only(check.check_content(tree), "hidden")
    assert (p.line, p.column) == position(text, "yes please")
    edit(path, "yes please", "true")
    assert check.check_content(tree) == []


def test_unknown_field_in_a_source_is_reported_at_its_key(tree):
    # A source is a closed mapping: any key of the editor's own there is an error, and one
    # close to a known key is reported once, as the typo it is.
    path = tree / "stories/story-0.yml"
    text = edit(path, "    excerpt:", "    exerpt: x\n    excerpt:", 1)
    problems = check.check_content(tree)
    p = only(problems, "unknown key 'exerpt' (did you mean 'excerpt'?)")
    assert len(problems) == 1 and (p.line, p.column) == position(text, "exerpt")
    text = edit(path, "    exerpt: x\n", "    checked_by: AB\n")
    p = only(check.check_content(tree), "unknown field 'checked_by'")
    assert (p.line, p.column) == position(text, "checked_by")


def test_fact_citing_an_unknown_article(tree):
    path = tree / "stories/story-0.yml"
    text = edit(path, "  - article: art-0-1\n", "  - article: art-9-9\n", 1)
    p = only(check.check_content(tree), "unknown article 'art-9-9'")
    assert (p.line, p.column) == position(text, "art-9-9")


def test_excerpt_no_longer_verbatim(tree):
    path = tree / "stories/story-0.yml"
    text = path.read_text()
    start_line = next(line for line in text.splitlines() if line.startswith("    start: "))
    old = int(start_line.split(": ")[1])
    text = edit(path, start_line + "\n", f"    start: {old + 1}\n", 1)
    p = only(check.check_content(tree), "not verbatim")
    assert (p.line, p.column) == position(text, f"    start: {old + 1}", len("    start: "))
    assert "run build to re-anchor" not in p.message or "now at" in p.message


def test_excerpt_that_cannot_be_found_any_more(tree):
    art = tree / "articles/art-0-0.yml"
    text = art.read_text()
    first_para = text.split("text: |-\n")[1].split("\n")[0].strip()
    edit(art, first_para, "Rewritten by an editor.")
    p = only(check.check_content(tree), "no longer anywhere")
    assert p.source == str(tree / "stories/story-0.yml")


def test_duplicate_card_id_in_one_story(tree):
    path = tree / "stories/story-0.yml"
    text = edit(path, "- id: f2\n", "- id: f1\n")
    p = only(check.check_content(tree), "duplicate card id 'f1'")
    assert (p.line, p.column) == position(text, "- id: f1\n  text: 'Fact 1", 6)


def test_duplicate_id_in_two_files_and_file_name_mismatch(tree):
    src = tree / "entities/moscow.yml"
    copy = tree / "entities/moscow-2.yml"
    copy.write_text(src.read_text())
    problems = check.check_content(tree)
    dup = only(problems, "duplicate entity id 'moscow'")
    name = only(problems, "does not match the file name")
    assert dup.source == name.source == str(copy)
    assert (dup.line, dup.column) == position(copy.read_text(), "moscow")


def test_summary_citing_an_unknown_fact(tree):
    path = tree / "stories/story-1.yml"
    text = edit(path, "  facts:\n  - f1\n", "  facts:\n  - f99\n", 1)
    p = only(check.check_content(tree), "unknown fact id 'f99'")
    assert (p.line, p.column) == position(text, "f99")


def test_article_whose_story_does_not_exist(tree):
    path = tree / "articles/art-1-0.yml"
    text = edit(path, "story: story-1", "story: story-7")
    p = only(check.check_content(tree), "story 'story-7' does not exist")
    assert (p.line, p.column) == position(text, "story-7")


def test_load_record_refuses_a_record_that_breaks_its_schema(tree):
    path = tree / "entities/moscow.yml"
    data, problems = loader.load_record(path, "entity")
    assert data["name"] == "Moscow" and problems == []
    edit(path, "kind: place", "kind: planet")
    data, problems = loader.load_record(path, "entity")
    assert data is None and "should be one of" in problems[0].message


def test_cli_prints_path_line_column_and_fails(tree, capsys):
    path = tree / "articles/art-1-0.yml"
    edit(path, "published_inferred: false", "published_inferred: 3")
    assert main(["check", "--content", str(tree)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    line, col = position(path.read_text(), "published_inferred: 3", len("published_inferred: "))
    assert out == [f"{path}:{line}:{col}: published_inferred: should be true or false, found 3"]


def test_a_file_that_cannot_be_parsed_is_one_problem_not_one_per_reference(tree):
    # Every story, source and entity that names this article would otherwise report it
    # as unknown: one root cause, one message, at the syntax error.
    path = tree / "articles/art-0-0.yml"
    text = edit(path, "published_inferred: false", "published_inferred: [false")
    problems = check.check_content(tree)
    assert [p.source for p in problems] == [str(path)], [str(p) for p in problems]
    assert "YAML syntax error" in problems[0].message
    assert problems[0].line > position(text, "published_inferred: [")[0] - 1
    # the same with a broken entity file, cited by every card
    edit(path, "published_inferred: [false", "published_inferred: false")
    entity = tree / "entities/moscow.yml"
    entity.write_text("id: moscow\nname: [Moscow\n", encoding="utf-8")
    assert [p.source for p in check.check_content(tree)] == [str(entity)]


def test_a_content_file_over_the_size_limit_is_one_problem_everywhere(tree, monkeypatch):
    from generator.content import yamlio
    from generator.content.merge import merge_file

    path = tree / "entities/moscow.yml"
    largest = max(f.stat().st_size for f in tree.rglob("*.yml"))
    monkeypatch.setattr(yamlio, "MAX_CONTENT_CHARS", largest + 100)
    assert check.check_content(tree) == []
    path.write_text(path.read_text(encoding="utf-8") + "notes: " + "x" * (largest + 200) + "\n", encoding="utf-8")
    p = only(check.check_content(tree), "a content file may hold")
    assert p.source.endswith("moscow.yml") and (p.line, p.column) == (1, 1)
    data, problems = loader.load_record(path, "entity")
    assert data is None and len(problems) == 1
    outcome = merge_file(None, path.read_bytes(), {"id": "moscow"}, "entities/moscow.yml")
    assert [q.message for q in outcome.problems if "a content file may hold" in q.message]


def _refused_everywhere(tree: Path, path: Path, text: str, needle: str, line: int, column: int,
                        merge_lines: tuple = ()) -> None:
    """check and the site's reader give one problem at line:column, the build's merge one
    problem on one of `merge_lines` (its round-trip parser points at the alias itself)."""
    from generator.content.merge import merge_file

    path.write_text(text, encoding="utf-8")
    p = only(check.check_content(tree), needle)
    assert p.source.endswith(path.name) and (p.line, p.column) == (line, column), str(p)
    data, problems = loader.load_record(path, "entity")
    assert data is None and [(q.line, q.column) for q in problems] == [(line, column)]
    outcome = merge_file(None, path.read_bytes(), {"id": "moscow"}, "entities/moscow.yml")
    assert len(outcome.problems) == 1 and outcome.problems[0].line in (merge_lines or (line,)), \
        [str(q) for q in outcome.problems]


def test_an_alias_of_a_list_is_refused_at_its_position(tree):
    # nested aliases of lists would grow exponentially ("billion laughs"); reported where
    # the aliased list is anchored
    text = ("id: moscow\nname: Moscow\nkind: place\naliases: &a [Moskva, Moskau]\n"
            "notes: [*a, *a]\n")
    _refused_everywhere(tree, tree / "entities/moscow.yml", text, "aliases (*name)", 4, 10, (4, 5))


def test_a_key_given_twice_is_refused_at_the_second(tree):
    text = "id: moscow\nname: Moscow\nkind: place\nname: Moskva\n"
    _refused_everywhere(tree, tree / "entities/moscow.yml", text, "", 4, 1)
