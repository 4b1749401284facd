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


def test_a_long_quiet_build_says_where_it_is_and_an_interrupt_says_how_far_it_got(capsys, monkeypatch):
    import generator.build.pipeline as pipeline
    from generator import cli

    def slow_build(config, progress, **kw):
        # what the read stage reports while it goes through a long JSON Lines file
        for n in pipeline._counted(range(2500), progress):
            pass
        progress("read", 7000, 0)
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "build", slow_build)
    monkeypatch.setattr(cli, "HEARTBEAT_AFTER", 0.0)
    monkeypatch.setattr(cli, "HEARTBEAT_EVERY", 3600.0)
    monkeypatch.setattr(cli, "_last_progress", {})
    assert main(["build", "--quiet"]) == 130
    err = capsys.readouterr().err.splitlines()
    # one line once the build has run HEARTBEAT_AFTER seconds, then none within the interval
    assert err[0].startswith("read: 1,000 records so far (") and len(err) == 2, err
    assert err[1] == "interrupted (read: 7,000 records so far)"


def test_a_short_quiet_build_prints_no_progress(capsys, monkeypatch):
    from generator import cli

    update = cli._heartbeat()
    for n in range(5):
        update("analyze", n, 5)
    assert capsys.readouterr().err == ""
