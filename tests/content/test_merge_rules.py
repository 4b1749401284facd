"""Three-way merge through write_content: each rule of 'editors own the YAML'."""
from __future__ import annotations

from pathlib import Path

from generator.content import check, store
from generator.content.yamlio import plain, round_trip_yaml
from tests.edits_helpers import corpus


def load(path: Path):
    return round_trip_yaml().load(path.read_text(encoding="utf-8"))


def save(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        round_trip_yaml().dump(data, fh)


def fact(data, fid):
    return next(f for f in data["facts"] if f["id"] == fid)


def setup(tmp_path: Path) -> Path:
    store.write_content(tmp_path, *corpus(seed=5))
    return tmp_path / "stories/story-0.yml"


def test_edited_field_wins_and_the_conflict_is_listed(tmp_path):
    path = setup(tmp_path)
    data = load(path)
    fact(data, "f1")["text"] = "Fixed by an editor."
    save(path, data)
    result = store.write_content(tmp_path, *corpus(seed=5, variant=1))
    after = load(path)
    assert fact(after, "f1")["text"] == "Fixed by an editor."
    assert after["title"] == "Story 0 v1"                     # untouched field follows the generator
    assert "v1" in fact(after, "f2")["text"]
    assert any(c.startswith("stories/story-0.yml: facts[f1].text: kept editor's value 'Fixed by an editor.'")
               for c in result.conflicts), result.conflicts


def test_no_conflict_when_the_generator_did_not_change_the_field(tmp_path):
    path = setup(tmp_path)
    data = load(path)
    data["title"] = "A better title"
    save(path, data)
    edited = path.read_bytes()
    result = store.write_content(tmp_path, *corpus(seed=5))
    assert result.conflicts == [] and result.written == []
    assert path.read_bytes() == edited                          # byte-identical: nothing new to say


def test_deleted_card_stays_deleted_added_card_stays_hidden_is_kept(tmp_path):
    path = setup(tmp_path)
    data = load(path)
    data["facts"] = [f for f in data["facts"] if f["id"] != "f2"]
    extra = dict(plain(fact(data, "f1")))
    extra.update(id="ed1", text="Added by an editor.")
    data["facts"].append(extra)
    fact(data, "f1")["hidden"] = True
    data["quotes"][0]["hidden"] = True
    data["hidden"] = False
    save(path, data)
    store.write_content(tmp_path, *corpus(seed=5, variant=2))
    after = load(path)
    ids = [f["id"] for f in after["facts"]]
    assert "f2" not in ids and ids.count("ed1") == 1
    assert plain(fact(after, "ed1")) == extra
    assert fact(after, "f1")["hidden"] is True and after["quotes"][0]["hidden"] is True
    assert after["hidden"] is False
    assert check.check_content(tmp_path) == []


def test_comments_and_key_order_survive(tmp_path):
    path = setup(tmp_path)
    text = path.read_text()
    text = text.replace("title: Story 0 v0\n", "# why: the wire headline was wrong\ntitle: Story 0 v0  # checked\n")
    path.write_text(text)
    data = load(path)
    f1 = fact(data, "f1")
    f1.move_to_end("id")                                        # editor reorders keys
    save(path, data)
    store.write_content(tmp_path, *corpus(seed=5, variant=3))
    after_text = path.read_text()
    assert "# why: the wire headline was wrong\n" in after_text
    # Only a comment was added to the title line: the value follows the generator, the comment stays.
    assert "title: Story 0 v3  # checked\n" in after_text
    assert list(fact(load(path), "f1"))[-1] == "id"


def test_new_generated_cards_arrive_and_dropped_unedited_cards_go(tmp_path):
    path = setup(tmp_path)
    data = load(path)
    data["title"] = "Edited title"
    save(path, data)
    articles, stories, entities = corpus(seed=5)
    story = stories[0]
    dropped = story.facts.pop(0)
    story.facts.append(type(dropped)("f9", "New fact.", "event", dropped.sources))
    store.write_content(tmp_path, articles, stories, entities)
    ids = [f["id"] for f in load(path)["facts"]]
    assert "f1" not in ids and ids[-1] == "f9"


def test_editor_changed_article_text_re_anchors_sources(tmp_path):
    path = setup(tmp_path)
    art = tmp_path / "articles/art-0-0.yml"
    art.write_text(art.read_text().replace("text: |-\n  ", "text: |-\n  An editor added this sentence. ", 1))
    problems = check.check_content(tmp_path)
    assert problems and all("not verbatim" in p.message or "is not at" in p.message for p in problems)
    result = store.write_content(tmp_path, *corpus(seed=5))
    assert result.problems == []
    assert check.check_content(tmp_path) == []
    assert "An editor added this sentence." in art.read_text()


def test_excerpt_removed_from_article_is_reported(tmp_path):
    setup(tmp_path)
    art = tmp_path / "articles/art-0-0.yml"
    text = art.read_text()
    first = text.split("text: |-\n")[1].split("\n")[0].strip()
    art.write_text(text.replace(first, "Rewritten entirely."))
    result = store.write_content(tmp_path, *corpus(seed=5))
    assert any("is no longer in article art-0-0" in str(p) for p in result.problems)
    assert any("no longer anywhere" in p.message for p in check.check_content(tmp_path))


def test_file_with_a_yaml_error_is_left_alone_until_fixed(tmp_path):
    path = setup(tmp_path)
    good = path.read_text()
    broken = good.replace("title: Story 0 v0", "title: [Story 0 v0")
    path.write_text(broken)
    result = store.write_content(tmp_path, *corpus(seed=5, variant=1))
    assert path.read_text() == broken
    [problem] = [p for p in result.problems if "YAML syntax error" in p.message]
    assert problem.source == "stories/story-0.yml" and "not merged" in problem.message
    assert problem.line == broken[:broken.index("title: [")].count("\n") + 2   # where the scanner stops
    path.write_text(good.replace("title: Story 0 v0", "title: Fixed title"))
    store.write_content(tmp_path, *corpus(seed=5, variant=1))
    after = load(path)
    assert after["title"] == "Fixed title" and "v1" in fact(after, "f1")["text"]


def test_comment_before_a_key_survives_when_the_card_holding_it_is_dropped(tmp_path):
    path = setup(tmp_path)
    text = path.read_text()
    text = text.replace("\nquotes:", "\n# quotes were checked against the video\nquotes:", 1)
    path.write_text(text)
    articles, stories, entities = corpus(seed=5)
    stories[0].facts.pop()                        # the card ruamel hung the comment on
    store.write_content(tmp_path, articles, stories, entities)
    after = path.read_text()
    assert "# quotes were checked against the video\nquotes:" in after
    assert [f["id"] for f in load(path)["facts"]] == [f.id for f in stories[0].facts]


def test_deleted_card_stays_deleted_even_after_the_generator_dropped_it_once(tmp_path):
    path = setup(tmp_path)
    data = load(path)
    data["facts"] = [f for f in data["facts"] if f["id"] != "f2"]
    save(path, data)
    articles, stories, entities = corpus(seed=5)
    f2 = stories[0].facts.pop(1)
    store.write_content(tmp_path, articles, stories, entities)      # generator drops f2 too
    stories[0].facts.insert(1, f2)
    store.write_content(tmp_path, articles, stories, entities)      # ... and brings it back
    assert "f2" not in [f["id"] for f in load(path)["facts"]]
    data = load(path)
    data["facts"].append(plain(f2.to_dict()))                        # the editor restores it
    save(path, data)
    store.write_content(tmp_path, *corpus(seed=5, variant=1))
    assert [f["id"] for f in load(path)["facts"]].count("f2") == 1


def _old_format(tmp_path: Path, path: Path) -> None:
    """Make a story file and its snapshot as an older build wrote them: every summary and
    timeline item with a copy of its first card's text."""
    for p in (path, tmp_path / ".snapshot/stories" / path.name):
        data = load(p)
        for group in ("summary", "timeline"):
            for item in data[group]:
                item.insert(0 if group == "summary" else 1, "text", fact(data, item["facts"][0])["text"])
        save(p, data)


def test_older_files_lose_their_copied_texts_and_an_edited_copy_moves_to_its_card(tmp_path):
    path = setup(tmp_path)
    _old_format(tmp_path, path)
    data = load(path)
    data["summary"][0]["text"] = "The editor's fix, made in the summary."
    data["timeline"][0]["hidden"] = True
    save(path, data)
    other = tmp_path / "stories/story-1.yml"
    _old_format(tmp_path, other)
    other_data = load(other)
    other_data["title"] = "Edited title"                        # edited, so it is merged too
    save(other, other_data)

    result = store.write_content(tmp_path, *corpus(seed=5))
    after = load(path)
    assert not any("text" in item for group in ("summary", "timeline") for item in after[group])
    assert fact(after, "f1")["text"] == "The editor's fix, made in the summary."   # the editor's word kept
    assert after["timeline"][0]["hidden"] is True
    assert any("summary[0].text: your text \"The editor's fix, made in the summary.\" moved to card f1" in c
               for c in result.conflicts), result.conflicts
    after_other = load(other)
    assert not any("text" in item for group in ("summary", "timeline") for item in after_other[group])
    assert not any("story-1.yml: summary" in c or "story-1.yml: timeline" in c for c in result.conflicts)
    assert check.check_content(tmp_path) == []
    # and it stays: the next build changes nothing
    assert store.write_content(tmp_path, *corpus(seed=5)).written == []
    assert fact(load(path), "f1")["text"] == "The editor's fix, made in the summary."
