"""Shared set-up of the browser tests: Debian's Chromium, a MkDocs build, a local server.

Never downloads a browser: `need_browser` skips (with the reason) when /usr/bin/chromium
or Playwright is absent, except under CI (env CI set), where a missing browser fails.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests import site_helpers as h

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def need_browser() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is absent (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {missing}")
        pytest.skip(missing)


def mkdocs_build(config: Path, cwd: Path, *extra: str) -> None:
    """`mkdocs build --strict -f config` (plus `extra` arguments); fails the test on an error."""
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), *extra],
                         cwd=cwd, capture_output=True, text=True, timeout=300, env=h.MKDOCS_ENV)
    assert run.returncode == 0, run.stderr


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(directory: Path):
    """A local HTTP server over `directory` in a thread; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
