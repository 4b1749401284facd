"""Read stage: every bad input gives exactly one clear Problem and the batch goes on."""
import gzip
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ingest import read
from generator.ingest.read import read_inputs
from generator.errors import InputError, Problem
from generator.records import RawArticle

GOOD = "The council approved the budget on Tuesday."


def run(tmp_path, *paths):
    return list(read_inputs([tmp_path / p for p in paths] if paths else [tmp_path], root=tmp_path))


def problems(items):
    return [i for i in items if isinstance(i, Problem)]


def articles(items):
    return [i for i in items if isinstance(i, RawArticle)]


def one_problem(tmp_path, name, data: bytes):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "zz_good.txt").write_text(GOOD, encoding="utf-8")
    items = run(tmp_path)
    probs = problems(items)
    assert len(probs) == 1, probs
    assert [a.text for a in articles(items)] == [GOOD]  # the rest of the batch still reads
    assert probs[0].source == name
    return probs[0]


def test_binary_junk(tmp_path):
    p = one_problem(tmp_path, "junk.txt", bytes(range(256)) * 40)
    assert "binary" in p.message


def test_binary_without_nul_bytes_is_still_binary(tmp_path):
    p = one_problem(tmp_path, "ctl.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 100)
    assert "binary" in p.message


def test_wrong_encoding_is_refused_not_guessed(tmp_path):
    p = one_problem(tmp_path, "latin.txt", "Die Straße in München war gesperrt.".encode("latin-1"))
    assert "not UTF-8" in p.message and "offset" in p.message


def test_empty_file(tmp_path):
    assert one_problem(tmp_path, "empty.txt", b"").message == "empty file"


def test_whitespace_only_file_is_empty(tmp_path):
    assert one_problem(tmp_path, "blank.txt", b" \n\n \t\n").message == "empty file"


def test_oversized_file_is_refused_from_its_size_alone(tmp_path, monkeypatch):
    big = tmp_path / "huge.html"
    with big.open("wb") as fh:  # sparse 50 MB: nothing is written, nothing must be read
        fh.truncate(50 * 1024 * 1024)

    def boom(*a, **k):
        raise AssertionError("a 50 MB file must not reach the parser")

    monkeypatch.setattr(read, "html_to_raw", boom)
    (tmp_path / "zz_good.txt").write_text(GOOD, encoding="utf-8")
    items = run(tmp_path)
    (p,) = problems(items)
    assert p.source == "huge.html" and "too large" in p.message and "50.0 MB" in p.message
    assert len(articles(items)) == 1


def test_oversized_text_file(tmp_path):
    p = one_problem(tmp_path, "huge.txt", b"nonsense " * (read.MAX_TEXT_BYTES // 9 + 10))
    assert "too large" in p.message


def test_gzip_bomb_is_capped(tmp_path):
    data = gzip.compress(b"<html><body>" + b"a" * (read.MAX_HTML_BYTES + 10))
    assert len(data) < read.MAX_HTML_BYTES
    p = one_problem(tmp_path, "bomb.html.gz", data)
    assert "too large" in p.message


def test_broken_gzip(tmp_path):
    p = one_problem(tmp_path, "bad.html.gz", b"\x1f\x8b\x08\x00garbage that is not deflate")
    assert "gzip" in p.message


def test_html_without_article_text(tmp_path):
    p = one_problem(tmp_path, "empty.html", b"<html><head><title>x</title></head><body></body></html>")
    assert "no article text" in p.message


def test_missing_path(tmp_path):
    items = list(read_inputs([tmp_path / "nope.txt", tmp_path / "nope-dir"], root=tmp_path))
    assert [(p.source, p.message) for p in items] == [("nope.txt", "no such file"),
                                                          ("nope-dir", "unsupported file type (expected one of .txt, .html, .htm, .html.gz, .jsonl)")]


def test_broken_symlink(tmp_path):
    # any symlinked input is refused (issue 16), a dangling one included
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    (p,) = run(tmp_path, "link.txt")
    assert p.source == "link.txt" and p.message.startswith("symbolic link, not followed")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    f = tmp_path / "secret.txt"
    f.write_text(GOOD, encoding="utf-8")
    f.chmod(0)
    (p,) = run(tmp_path, "secret.txt")
    assert "cannot read" in p.message


def test_unsupported_file_named_explicitly(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (p,) = run(tmp_path, "a.pdf")
    assert "unsupported file type" in p.message


def test_jsonl_bad_lines_each_give_one_problem_naming_the_line(tmp_path):
    lines = [
        json.dumps({"text": "Line one is fine."}),
        '{"text": "truncated',
        json.dumps({"title": "no text here"}),
        json.dumps({"text": ""}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": 42}),
        "{not json at all} trailing",
        json.dumps({"text": "Line eight is fine too."}),
        '{"text": "cut off at the end of the file", "id": "x',
    ]
    f = tmp_path / "bulk.jsonl"
    f.write_text("\n".join(lines), encoding="utf-8")
    items = run(tmp_path, "bulk.jsonl")
    assert [a.text for a in articles(items)] == ["Line one is fine.", "Line eight is fine too."]
    by_line = {p.line: p.message for p in problems(items)}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 9]
    assert by_line[2].startswith("truncated JSON")
    assert by_line[9].startswith("truncated JSON")
    assert by_line[3] == "no 'text' field"
    assert by_line[4] == "empty text"
    assert "JSON object" in by_line[5]
    assert "'text' must be a string" in by_line[6]
    assert by_line[7].startswith("invalid JSON")
    assert str(problems(items)[0]) == "bulk.jsonl:2: " + by_line[2]


def test_jsonl_line_in_wrong_encoding_or_binary(tmp_path):
    f = tmp_path / "bulk.jsonl"
    f.write_bytes(b'{"text": "caf\xe9"}\n' + b'{"text": "ok text."}\n' + b'{"text": "a\\u0000\\u0001\\u0002\\u0003"}\n')
    items = run(tmp_path, "bulk.jsonl")
    assert [a.text for a in articles(items)] == ["ok text."]
    reasons = {p.line: p.message for p in problems(items)}
    assert "not UTF-8" in reasons[1] and "binary" in reasons[3]


def test_jsonl_overlong_line_is_skipped_without_losing_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_JSONL_LINE_BYTES", 100)
    f = tmp_path / "bulk.jsonl"
    f.write_text(json.dumps({"text": "x" * 500}) + "\n" + json.dumps({"text": "Short one."}) + "\n",
                 encoding="utf-8")
    items = run(tmp_path, "bulk.jsonl")
    assert [a.text for a in articles(items)] == ["Short one."]
    (p,) = problems(items)
    assert p.line == 1 and "longer than" in p.message


def test_empty_jsonl(tmp_path):
    (tmp_path / "e.jsonl").write_text("\n\n", encoding="utf-8")
    (p,) = run(tmp_path, "e.jsonl")
    assert p.message == "empty file"


def test_os_error_while_reading_is_one_problem(tmp_path, monkeypatch):
    from pathlib import Path

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    real = Path.read_bytes

    def denied(self):
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    items = run(tmp_path)
    (p,) = problems(items)
    assert (p.source, p.message) == ("a.txt", "cannot read file: Permission denied")
    assert len(articles(items)) == 1


@given(st.text(alphabet=st.characters(max_codepoint=0x7f) | st.sampled_from("é“”\u2028"), max_size=300))
def test_binary_check_counts_exactly_the_non_whitespace_control_characters(text):
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    binary = bool(text) and control / len(text) > read.MAX_CONTROL_SHARE
    try:
        read._reject_binary(text, "x.txt")
    except InputError as exc:
        assert binary and f"({control} control characters)" in str(exc)
    else:
        assert not binary
