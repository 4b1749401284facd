from generator.cli import main


def test_unknown_config_file_is_a_clear_error(capsys, tmp_path):
    code = main(["--config", str(tmp_path / "missing.yml"), "check"])
    assert code == 2
    assert "missing.yml: no such file" in capsys.readouterr().err


def test_scheduler_without_dask_is_a_usage_error(capsys):
    assert main(["build", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err


def test_check_reports_a_broken_card_with_its_position(tmp_path, capsys):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "s.yml").write_text("id: s\ntitle: [unclosed\n", encoding="utf-8")
    assert main(["check", "--content", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "stories/s.yml:" in out and "YAML" in out
