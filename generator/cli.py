"""Command line: the only place that turns errors into messages and exit codes.

    python -m generator build [--input PATH ...] [--content DIR] [--jobs N]
    python -m generator check [--content DIR]
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

from generator.config import load_config
from generator.errors import GeneratorError


class UsageError(GeneratorError):
    """Flags that do not fit together."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description=__doc__.split("\n")[0])
    p.add_argument("--config", default=None, help="settings file (default: site_config.yml)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="read articles and write YAML stories into the content directory")
    b.add_argument("--input", action="append", dest="inputs", metavar="PATH",
                   help="file or directory to read (repeatable; default: site_config.yml's inputs)")
    b.add_argument("--content", default=None, metavar="DIR", help="output directory (default: content/)")
    b.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="processes for the per-article stages (default: the core count)")
    b.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where per-article stages run: local processes or a Dask cluster")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler address (tcp://host:8786); none starts a LocalCluster")
    b.add_argument("--no-cache", action="store_true", help="ignore the build cache")
    b.add_argument("--timings", action="store_true", help="print seconds per stage")
    b.add_argument("--quiet", action="store_true", help="no progress display")

    c = sub.add_parser("check", help="validate the YAML under the content directory")
    c.add_argument("--content", default=None, metavar="DIR")
    return p


def _progress(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return lambda stage, done, total: None
    from rich.progress import Progress

    bar = Progress(transient=True)
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)
        if all(t.finished for t in bar.tasks) and stage == "stories":
            bar.stop()

    return update


def _here(problem) -> str:
    """A problem with its path relative to the working directory when it is under it,
    as an editor would type it (`content/stories/x.yml:12:3: ...`)."""
    cwd = os.getcwd() + os.sep
    if isinstance(problem.source, str) and problem.source.startswith(cwd):
        return str(type(problem)(problem.source[len(cwd):], problem.message, problem.line, problem.column))
    return str(problem)


def cmd_build(args, config) -> int:
    from generator.build.pipeline import build

    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    report = build(config, inputs=args.inputs, content_dir=args.content, jobs=args.jobs,
                   progress=_progress(args.quiet), executor=args.executor,
                   scheduler=args.scheduler, use_cache=not args.no_cache)
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    for problem in report.content_problems:
        print(_here(problem), file=sys.stderr)
    for conflict in report.conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    n = len(report.content_problems)
    print(f"{report.articles} articles, {report.stories} stories, {len(report.written)} files written"
          + (f", {len(report.problems)} inputs skipped" if report.problems else "")
          + (f", {n} content problem{'' if n == 1 else 's'}" if n else ""))
    if args.timings:
        for stage, seconds in report.timings.items():
            print(f"  {stage:<12} {seconds:8.1f} s")
    return report.exit_code


def cmd_check(args, config) -> int:
    from generator.content.check import check_tree

    checked, problems = check_tree(config.resolve(args.content or config.content))
    for p in problems:
        print(_here(p))
    files = f"{checked} file" + ("" if checked == 1 else "s")
    if problems:
        bad = len({p.source for p in problems})
        print(f"checked {files}: {len(problems)} problem{'' if len(problems) == 1 else 's'}"
              f" in {bad} file{'' if bad == 1 else 's'}", file=sys.stderr)
        return 1
    print(f"checked {files}: no problems")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
        return {"build": cmd_build, "check": cmd_check}[args.command](args, config)
    except GeneratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
