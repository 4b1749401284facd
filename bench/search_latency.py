"""First search results in Chromium on a built site: milliseconds from the query being typed
into the header's search box until its results are shown, and the bytes fetched meanwhile.

    nice .venv/bin/python -m bench.search_latency SITE_DIR [--queries "oil prices,bank"] [--settle MS]

Serves SITE_DIR on 127.0.0.1, opens the home page in Debian's Chromium (/usr/bin/chromium,
never downloaded) through Playwright, and for each query, in a fresh browser context (cold:
nothing cached, Pagefind loaded on first use), fills the box at once (one input event, as a
paste) and waits until the first results for that query are shown
(`[data-digest-search-result]` gets `data-first`: the stories' group, shown before the
others are ready; `data-answered`, the whole list, is timed too). The time includes the box's 60 ms
debounce, loading pagefind.js and its WebAssembly, the index chunks and the fragments of the
results shown, unless --settle gives the box that many milliseconds between focus (when
the search box starts loading Pagefind) and the query, as a reader takes to type a word.
A second query in the same page is timed too (warm). The box is clicked as soon as the page
has loaded (the `load` event), or with --idle once the network has been quiet for 500 ms (a
reader who looks at the page before reaching for search: the box loads Pagefind's runtime
when the page is idle).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import threading
import time
from pathlib import Path

from bench.site_scale import QUERIES

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ANSWERED = "q => document.querySelector('[data-digest-search-result]').dataset.answered === q"
# the first results shown (the box shows the stories' group before the others are ready; a
# box without that mark shows all groups at once)
FIRST = ("q => { const d = document.querySelector('[data-digest-search-result]').dataset;"
         " return d.first === q || d.answered === q; }")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.search_latency", description=__doc__.split("\n")[0])
    p.add_argument("site", type=Path)
    p.add_argument("--queries", default=",".join(QUERIES))
    p.add_argument("--settle", type=int, default=0, help="ms between focusing the box and the query")
    p.add_argument("--idle", action="store_true", help="click the box once the page's network is idle")
    a = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(a.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    cold, complete, warm, fetched, before = [], [], [], [], []
    queries = [q.strip() for q in a.queries.split(",") if q.strip()]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for i, q in enumerate(queries):
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            sizes: list[int] = []
            page.on("response", lambda r: sizes.append(int(r.headers.get("content-length") or 0))
                    if "/pagefind/" in r.url else None)
            page.goto(url)
            page.wait_for_load_state("networkidle" if a.idle else "load")
            before.append(sum(sizes))                   # loaded by the page on its own, before the click
            sizes.clear()
            page.click("input.md-search__input")
            if a.settle:
                page.wait_for_timeout(a.settle)
            t = time.perf_counter()
            page.fill("input.md-search__input", q)
            page.wait_for_function(FIRST, arg=q, timeout=30000, polling="raf")
            cold.append((time.perf_counter() - t) * 1000)
            page.wait_for_function(ANSWERED, arg=q, timeout=30000, polling="raf")
            complete.append((time.perf_counter() - t) * 1000)
            fetched.append(sum(sizes))
            nxt = queries[(i + 1) % len(queries)]
            t = time.perf_counter()
            page.fill("input.md-search__input", nxt)
            page.wait_for_function(FIRST, arg=nxt, timeout=30000, polling="raf")
            warm.append((time.perf_counter() - t) * 1000)
            page.wait_for_function(ANSWERED, arg=nxt, timeout=30000, polling="raf")
            shown = page.locator(".md-search-result__list a").count()
            print(f"{q!r:22} cold {cold[-1]:6.0f} ms (all groups {complete[-1]:6.0f} ms; {fetched[-1] / 1024:6.0f} KB fetched,"
                  f" {shown} shown next)"
                  f"   then {nxt!r}: {warm[-1]:5.0f} ms")
            ctx.close()
        browser.close()
    server.shutdown()
    print(f"{'idle page' if a.idle else 'at load'}, settle {a.settle} ms; median first results: cold {statistics.median(cold):.0f} ms (max {max(cold):.0f}; "
          f"all groups {statistics.median(complete):.0f} ms), "
          f"warm {statistics.median(warm):.0f} ms (max {max(warm):.0f}); "
          f"median bytes fetched cold {statistics.median(fetched) / 1024:.0f} KB (max {max(fetched) / 1024:.0f} KB), "
          f"before the click {statistics.median(before) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
