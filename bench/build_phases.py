"""CPU seconds of one `mkdocs build` by phase, in process: the plugin's and MkDocs' build
functions wrapped with `time.process_time`.

    cd FOLDER && NO_MKDOCS_2_WARNING=1 PYTHONPATH=CHECKOUT /usr/bin/time -v \\
        .venv/bin/python -m bench.build_phases build -q -f mkdocs.yml [--dirty]

The arguments are those of the `mkdocs` command. At exit the figures are printed to stderr
as JSON: each wrapped function's CPU seconds summed over its calls (a function the measured
checkout does not have is left out), the CPU before MkDocs' build starts (configuration
and plugins), the process's own CPU until exit handlers run and its children's (Pagefind).
What Python spends after that, freeing the heap, is the difference with `/usr/bin/time`'s
user+system. Phases nest: `on_files (all)` holds the state, cards, index and pages
rendered in it; `mkdocs.build (all)` holds everything after start-up.
"""
from __future__ import annotations

import atexit
import json
import os
import sys
import time

T0 = time.process_time()
TIMES: dict[str, float] = {}


def _wrap(owner, name: str, label: str | None = None, static: bool = False) -> None:
    f = getattr(owner, name, None)
    if f is None:
        return
    label = label or name

    def timed(*args, **kwargs):
        t = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            TIMES[label] = TIMES.get(label, 0.0) + time.process_time() - t

    setattr(owner, name, staticmethod(timed) if static else timed)


def _report() -> None:
    c = os.times()
    out = {**TIMES, "process CPU until exit": time.process_time() - T0,
           "children CPU": c.children_user + c.children_system}
    print(json.dumps({k: round(v, 2) for k, v in out.items()}, indent=1), file=sys.stderr)


def main() -> None:
    import mkdocs.commands.build as mk
    from mkdocs.__main__ import cli

    from generator.site import build_state, mkdocs_plugin as plugin, pages

    for name in ("load", "save", "fingerprints", "stale_pages"):
        _wrap(build_state, name, f"state.{name}")
    _wrap(plugin, "load_site", "cards (load_site)")
    _wrap(pages, "build_index", "cross-reference index (build_index)")
    _wrap(plugin, "still_valid", "checking every page's reads")
    _wrap(plugin._LazyPages, "_render", "rendering pages")
    _wrap(plugin._LazyPages, "files", "on_files (all)")
    _wrap(plugin._LazyPages, "finish", "finish (state written)")
    _wrap(plugin.DigestPlugin, "_index", "search index (Python side)", static=True)
    for name in ("get_navigation", "_populate_page", "_build_page", "_build_theme_template"):
        _wrap(mk, name, f"mkdocs.{name}")
    _wrap(mk, "build", "mkdocs.build (all)")
    build = mk.build

    def first(*args, **kwargs):
        TIMES["start-up (before the build)"] = time.process_time() - T0
        return build(*args, **kwargs)

    mk.build = first
    atexit.register(_report)
    cli(sys.argv[1:])


if __name__ == "__main__":
    main()
