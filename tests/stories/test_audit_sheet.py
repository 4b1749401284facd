"""The audit sheets' sampling: a calibration sample leaves out the audit's stories."""
from bench.audit_sheet import sample


def _stories(n: int) -> dict[str, dict]:
    stories = {f"s{i:03d}": {"articles": ["a", "b"]} for i in range(n)}
    stories["single"] = {"articles": ["a"]}  # one article: never sampled
    return stories


def test_sample_is_reproducible_and_skips_single_article_stories():
    stories = _stories(60)
    picked = sample(stories, 2026, 30)
    assert picked == sample(stories, 2026, 30)
    assert len(picked) == 30 and "single" not in picked


def test_exclude_leaves_out_the_other_sample():
    stories = _stories(60)
    audit = set(sample(stories, 2026, 30))
    calibration = sample(stories, 7, 30, exclude=((2026, 30),))
    assert len(calibration) == 30
    assert audit.isdisjoint(calibration)
    # without the exclusion the same seed draws from every story, audit ones included
    assert audit & set(sample(stories, 7, 30))


def test_agreement_counts_the_strict_checks_hits_against_a_judges_verdicts(tmp_path):
    from bench.audit_sheet import agreement, parse_items, sheet_verdicts

    sheet = tmp_path / "reader.txt"
    sheet.write_text("seed 1\n\n## story-a (2 articles)\n  TITLE: Westport closes its north pier\n"
                     "  KEY: The Westport harbour authority closed the north pier on Monday.\n"
                     "  KEY: Ten harbour workers also face charges over the collapse.\n"
                     "  KEY: Family members behind him hugged and cried in the gallery.\n", encoding="utf-8")
    verdicts = tmp_path / "verdicts.md"
    verdicts.write_text("S1 | TITLE | YES | - | - | Westport\nS1 | KEY | PASS | - | - | The Westport\n"
                        "S1 | KEY | FAIL | back-pointer | also | Ten harbour\n"
                        "S1 | KEY | PASS | - | - | Family members\n", encoding="utf-8")
    items = sheet_verdicts(sheet, verdicts)
    assert [fail for _t, fail, _k in items] == [False, True, False] and items[1][2] == "pointer"
    out = agreement(parse_items(items, []))
    assert out.splitlines()[0] == ("3 key points; judge FAIL 1; flagged 2: 1 FAIL, 1 PASS "
                                   "(precision 0.50, recall 1.00)")
    assert "  flagged pointer: FAIL 1, PASS 0" in out and "  flagged pronoun: FAIL 0, PASS 1" in out
    assert "  judge's pointer: caught 1 of 1" in out


def test_blind_verdicts_are_read_with_their_key(tmp_path):
    import json

    from bench.audit_sheet import sheet_verdicts

    key = tmp_path / "key.json"
    key.write_text(json.dumps({"K001": {"kind": "K", "text": "Ten harbour workers also face charges."},
                               "T002": {"kind": "T", "text": "Westport closes its pier"},
                               "K003": {"kind": "K", "text": "Roe was charged in Westport."}}), encoding="utf-8")
    verdicts = tmp_path / "verdicts.md"
    verdicts.write_text("K001 | no | \"also\" dangling\nT002 | yes | names the event\nK003 | no | bare surname Roe\n",
                        encoding="utf-8")
    assert sheet_verdicts(key, verdicts) == [("Ten harbour workers also face charges.", True, "pointer"),
                                            ("Roe was charged in Westport.", True, "surname")]
