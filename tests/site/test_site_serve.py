"""`mkdocs serve` re-renders a card after an editor changes it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from tests import site_helpers as h


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_editing_a_card_under_serve_serves_the_new_text(tmp_path):
    project = tmp_path
    h.make_project(project)
    port = free_port()
    log = open(project / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
                             "-a", f"127.0.0.1:{port}"],
                            cwd=project, stdout=log, stderr=subprocess.STDOUT,
                            env=h.MKDOCS_ENV, start_new_session=True)
    url = f"http://127.0.0.1:{port}/stories/s-mediation/"
    try:
        assert wait_for(lambda: (fetch(url) or "").count("Officials in Washington did not comment.") > 0, 90), \
            (project / "serve.log").read_text()
        path = project / "content" / "stories" / "s-mediation.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["facts"][2]["text"] = "Washington officials declined to comment, an editor wrote."
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        assert wait_for(lambda: "an editor wrote." in (fetch(url) or ""), 90), (project / "serve.log").read_text()
        # a broken card while serving is reported and skipped; the server keeps serving
        (project / "content" / "entities" / "bad.yml").write_text("id: bad\nname: [\n", encoding="utf-8")
        path.write_text(path.read_text(encoding="utf-8").replace("an editor wrote.", "edited twice."),
                        encoding="utf-8")
        assert wait_for(lambda: "edited twice." in (fetch(url) or ""), 90)
        assert "content/entities/bad.yml:" in (project / "serve.log").read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
