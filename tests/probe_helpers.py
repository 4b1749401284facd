"""Black-box helpers for the hostile-input and fault probes (issue 16).

The probes drive the command line only (`python -m generator build/check`,
`mkdocs build`) in subprocesses, on a copy of the sample project in a temp directory,
so they keep working however `generator/` is arranged inside. Every run is bounded
in time (a timeout that kills the run's whole process group) and in memory
(RLIMIT_AS), and never touches the network.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "content" / "inbox"
PAGES = ROOT / "content" / "pages"
GB = 1 << 30
MEMORY = 3 * GB
# The sample's one story and the article of its DW input (stable ids, see README).
STORY = "2017-12-26-russia-ready-to-mediate-between-us-north-korea"
DW_ARTICLE = "dw-russia-ready-to-mediate-between-n-korea-and-us"
DW_INPUT = "content/inbox/004_7e46a996c260e430.txt"
# Names Windows refuses as file names whatever the extension.
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}

ENV = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
# This checkout's generator, not whichever one the venv's editable install points at.
ENV.update(PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1",
           LC_ALL="C.UTF-8", NO_COLOR="1", TERM="dumb")


def plugin_entry_point() -> str:
    """This checkout's `digest` plugin, as its pyproject.toml declares it."""
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["entry-points"]["mkdocs.plugins"]["digest"]


# `mkdocs` with the `digest` plugin of this checkout, whatever the venv's install points at.
MKDOCS = """
import sys
from importlib.metadata import EntryPoint
import mkdocs.plugins
value = sys.argv.pop(1)
_installed = mkdocs.plugins.get_plugins
def get_plugins():
    found = dict(_installed())
    found["digest"] = EntryPoint(name="digest", value=value, group="mkdocs.plugins")
    return found
mkdocs.plugins.get_plugins = get_plugins
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
cli()
"""


@dataclass(repr=False)
class Run:
    args: list[str]
    returncode: int | None      # None: killed at the timeout
    out: str
    err: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    def lines(self, stream: str = "err") -> list[str]:
        return [line for line in getattr(self, stream).splitlines() if line.strip()]

    def __repr__(self) -> str:  # what an assertion message shows
        def cut(s: str) -> str:
            return s if len(s) < 3000 else s[:1500] + f"\n... ({len(s)} chars) ...\n" + s[-1500:]
        shown = " ".join("mkdocs" if "\n" in a else a for a in self.args[1:])
        return (f"{shown}: rc={self.returncode} in {self.seconds:.1f}s\n"
                f"--- stdout\n{cut(self.out)}\n--- stderr\n{cut(self.err)}")


def _limits(memory: int, drop_dac: bool):
    def preexec():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if drop_dac:
            _drop_dac_override()
    return preexec


def _drop_dac_override() -> None:
    """As root, give up CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH so file modes apply."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group pgid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def kill_group(pgid: int) -> None:
    """End what is left of a run we started (its own session and group)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run(args: list[str], cwd: Path, *, timeout: float = 90, memory: int = MEMORY,
        drop_dac: bool = False, env: dict | None = None) -> Run:
    start = time.monotonic()
    proc = subprocess.Popen(args, cwd=cwd, env=env or ENV, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_limits(memory, drop_dac), start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        out, err = proc.communicate()
        code = None
    finally:
        kill_group(proc.pid)  # stray workers of a finished or killed run
    return Run(list(args), code, out.decode("utf-8", "backslashreplace"),
               err.decode("utf-8", "backslashreplace"), time.monotonic() - start)


@dataclass
class Project:
    base: Path      # the temp directory: nothing may appear in it but below root
    root: Path      # site_config.yml, mkdocs.yml
    content: Path

    def generator(self, *args: str, **kw) -> Run:
        return run([sys.executable, "-m", "generator", *args], self.root, **kw)

    def build(self, *args: str, **kw) -> Run:
        return self.generator("build", "--quiet", *args, **kw)

    def check(self, **kw) -> Run:
        return self.generator("check", **kw)

    def mkdocs(self, *args: str, **kw) -> Run:
        return run([sys.executable, "-c", MKDOCS, plugin_entry_point(), "build",
                    "-f", str(self.root / "mkdocs.yml"), *args], self.root, **kw)

    # -- records as plain YAML (no generator import)
    def records(self, kind: str) -> dict[str, dict]:
        out = {}
        for p in sorted((self.content / kind).glob("*.yml")):
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
            out[p.stem] = data
        return out

    def file(self, kind: str, rid: str) -> Path:
        return self.content / kind / f"{rid}.yml"

    def tree(self) -> set[str]:
        """Every path under base except the content, cache and site directories."""
        skip = {self.content, self.root / ".cache", self.root / "site"}
        found = set()
        for dirpath, dirnames, filenames in os.walk(self.base):
            d = Path(dirpath)
            dirnames[:] = [n for n in dirnames if d / n not in skip]
            for n in dirnames + filenames:
                found.add((d / n).relative_to(self.base).as_posix())
        return found

    def content_files(self) -> dict[str, bytes]:
        return {p.relative_to(self.content).as_posix(): p.read_bytes()
                for p in self.content.rglob("*") if p.is_file() and not p.is_symlink()}


def new_project(base: Path, *, inbox: bool = True) -> Project:
    """A project two levels below base: content/inbox (the sample), pages, configs."""
    root = base / "outer" / "proj"
    content = root / "content"
    (content / "inbox").mkdir(parents=True)
    if inbox:
        for p in sorted(INBOX.iterdir()):
            shutil.copy2(p, content / "inbox" / p.name)
    shutil.copytree(PAGES, content / "pages")
    (root / "site_config.yml").write_text(
        "inputs:\n  - content/inbox\ncontent: content\ncache: .cache/generator\n"
        "site:\n  title: Probe Digest\n  feed_limit: 50\n", encoding="utf-8")
    cfg = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("custom_dir: theme", f"custom_dir: {ROOT / 'theme'}")
    cfg = cfg.replace("  - theme\n", f"  - {ROOT / 'theme'}\n")
    (root / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    return Project(base, root, content)


def copy_project(src: Project, base: Path) -> Project:
    root = base / "outer" / "proj"
    shutil.copytree(src.root, root, symlinks=True)
    return Project(base, root, root / "content")


_BUILT: list[Project] = []


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Project:
    """The sample built once per session (content and cache); tests work on copies.
    Each probe module imports this fixture, so the one build is kept here."""
    if not _BUILT:
        project = new_project(tmp_path_factory.mktemp("probe-sample"))
        result = project.build()
        assert result.returncode == 0, result
        _BUILT.append(project)
    return _BUILT[0]


@pytest.fixture
def built(built_sample, tmp_path) -> Project:
    """A private copy of the built sample."""
    return copy_project(built_sample, tmp_path)


@pytest.fixture
def fresh(tmp_path) -> Project:
    """The sample project, not built yet."""
    return new_project(tmp_path)


# ---------------------------------------------------------------- assertions
def no_traceback(*runs: Run) -> None:
    for r in runs:
        assert "Traceback" not in r.out + r.err, r
        assert "MemoryError" not in r.out + r.err, r
        assert not r.timed_out, r


def lines_naming(r: Run, *needles: str, stream: str = "both") -> list[str]:
    text = r.out + "\n" + r.err if stream == "both" else getattr(r, stream)
    return [line for line in text.splitlines() if all(n in line for n in needles)]


def article_lines(n_sentences: int, seed: str) -> str:
    """A plausible article body (n sentences) that differs per seed, the same every run."""
    import random

    rng = random.Random(seed)
    words = ("officials council harbour bridge river budget minister committee vote "
             "residents plan report engineers repairs funding mayor").split()
    body = []
    for _ in range(n_sentences):
        w = [rng.choice(words) for _ in range(7)]
        body.append(f"The {w[0]} of {seed.title()} said the {w[1]} {w[2]} would review "
                    f"the {w[3]} and {w[4]} on Tuesday, {w[5]} {w[6]} reported.")
    return " ".join(body)


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=True) + "\n" for r in records)


ANSI = re.compile(r"\x1b")
