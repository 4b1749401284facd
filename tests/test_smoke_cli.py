from generator.cli import main


def test_unknown_config_file_is_a_clear_error(capsys, tmp_path):
    code = main(["--config", str(tmp_path / "missing.yml"), "check"])
    assert code == 2
    assert "missing.yml: no such file" in capsys.readouterr().err
