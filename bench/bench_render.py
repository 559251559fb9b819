"""Benchmark HTML views: build time, page size and time to interactive in headless Chromium.

Usage::

    python bench/bench_render.py                       # 1k, 5k, 20k and 100k entities; 20k also with main's code
    python bench/bench_render.py --sizes 20000 --before HEAD~5 --repeat 5
    python bench/bench_render.py --sizes --crunchbase ../shared/data/crunchbase-2013   # the real import only

Each size is a synthetic graph from ``bench/synthetic_orgs.py`` (organisations over the stack layers, a product
per 20 of them, three deals per organisation with a heavy-tailed choice of parties), loaded into a
:class:`~stackgraph.store.KnowledgeStore` with the ontology and projected with the view's default statuses, so a
view sees what ``stackgraph render`` would. ``--crunchbase`` imports Crunchbase's 2013 export (a folder of its
CSV files, or an already imported Turtle file) and draws it the same way, printing the names the overview shows.

The page of each size is loaded ``--repeat`` times in Debian's chromium (``/usr/bin/chromium``, every non-file
request blocked), each time in a fresh context; medians are printed. "Interactive" is navigation start to the
first moment after the first drawn frame that the page handles input (a timer queued at the first frame runs).
``--before REF`` also writes the page of the ``--before-size`` graph with the code of git revision ``REF``
(exported with ``git archive`` into a temporary folder, run in a subprocess) and loads the two pages in turns, so
the before/after ratio comes from one run on the same machine state. Goal (#15): 20,000 entities interactive
within 3 s; a 100,000-entity graph viewable as an overview.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
GOAL_SECONDS = 3.0
_OLD_VIEW = """
import pickle, sys
import stackgraph
assert stackgraph.__file__.startswith(sys.argv[1]), stackgraph.__file__
from stackgraph.render import graph_view
with open(sys.argv[2], "rb") as handle:
    G = pickle.load(handle)
graph_view(G).write(sys.argv[3])
"""


def synthetic_graph(entities: int, folder: Path) -> Any:
    """The projected synthetic graph with about ``entities`` entities (organisations and products)."""
    from synthetic_orgs import write

    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.render import VIEW_STATUSES
    from stackgraph.store import KnowledgeStore

    orgs = max(2, round(entities / 1.05))
    path = write(folder / f"synthetic-{entities}.ttl", orgs, 3 * orgs)
    store = KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    return project(store, ProjectionPolicy(statuses=VIEW_STATUSES), provenance=True)


def crunchbase_graph(source: Path, folder: Path) -> Any:
    """The projected Crunchbase import (a folder of its CSV files is imported first)."""
    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.render import VIEW_STATUSES
    from stackgraph.store import KnowledgeStore

    path = source
    if source.is_dir():
        path = folder / "crunchbase.ttl"
        subprocess.run(
            [sys.executable, "-m", "stackgraph", "import", "crunchbase", str(source), "-o", str(path)],
            check=True,
            capture_output=True,
        )
    store = KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    return project(store, ProjectionPolicy(statuses=VIEW_STATUSES), provenance=True)


def old_page(ref: str, G: Any, folder: Path) -> Path:
    """Write ``G``'s page with the render code of git revision ``ref``."""
    code = folder / f"code-{ref.replace('/', '_')}"
    if not code.exists():
        archive = subprocess.run(["git", "archive", ref, "stackgraph"], cwd=REPO, check=True, capture_output=True)
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(code, filter="data")
    graph_file = folder / "graph.pickle"
    with graph_file.open("wb") as handle:
        pickle.dump(G, handle)
    out = folder / f"before-{G.number_of_nodes()}.html"
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-c", _OLD_VIEW, str(code), str(graph_file), str(out)]
    subprocess.run(command, check=True, env=env, cwd=folder)
    return out


def in_browser(browser: Any, path: Path) -> dict[str, float]:
    """Load ``path`` once in a fresh context: seconds to first frame and to interactive, one redraw fitted and
    one at 100 % zoom."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    outgoing: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outgoing.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri(), wait_until="commit")
    page.wait_for_function("() => window.sgTimings && window.sgTimings.idle !== undefined", timeout=600_000, polling=20)
    timings = page.evaluate("window.sgTimings")
    hubs = page.evaluate("window.sgHubsDrawn || []")  # named on the first screen
    shown = page.evaluate(
        "window.sgView ? sgView.nodes.col('id').filter((id, row) => sgView.isDrawn(row)).length"
        " : network.body.data.nodes.length"
    )
    in_vis = page.evaluate("network.body.data.nodes.length")
    redraw = page.evaluate("(() => { const t = performance.now(); network.redraw(); return performance.now() - t; })()")
    zoomed = page.evaluate(
        """(() => {
            const id = network.body.data.nodes.getIds()[0];
            network.moveTo({position: network.getPositions([id])[id], scale: 1, animation: false});
            const t = performance.now(); network.redraw(); return performance.now() - t;
        })()"""
    )
    context.close()
    if outgoing or errors:
        raise SystemExit(f"{path.name}: outgoing requests {outgoing} or page errors {errors}")
    return {
        "first_draw": timings["firstDraw"] / 1000,
        "interactive": timings["idle"] / 1000,
        "created": (timings["created"] - timings["parsed"]) / 1000,
        "redraw": redraw / 1000,
        "zoomed": zoomed / 1000,
        "shown": shown,
        "in_vis": in_vis,
        "hubs": hubs,
    }


def measured(browser: Any, pages: list[Path], repeat: int) -> list[dict[str, Any]]:
    """Load the pages in turns ``repeat`` times; medians per page."""
    runs: list[list[dict[str, Any]]] = [[] for _ in pages]
    for _ in range(repeat):
        for i, path in enumerate(pages):
            runs[i].append(in_browser(browser, path))
    return [
        {
            **{k: statistics.median(r[k] for r in page_runs) for k in page_runs[0] if k not in _SAME},
            **{k: page_runs[0][k] for k in _SAME},
        }
        for page_runs in runs
    ]


_SAME = ("shown", "in_vis", "hubs")  # the same in every load
_HEADER = (
    f"{'graph':>17} {'entities':>8} {'ties':>7} {'shown':>6} {'in vis':>6} {'build s':>7} {'MB':>5} {'vis s':>6} "
    f"{'drawn s':>7} {'interactive s':>13} {'redraw s':>8} {'zoomed s':>8}  vs goal"
)


def _row(name: str, G: Any, built: float, size: float, result: dict[str, Any]) -> str:
    build = f"{built:>7.2f}" if built >= 0 else f"{'-':>7}"
    return (
        f"{name:>17} {G.number_of_nodes():>8,} {G.number_of_edges():>7,} {result['shown']:>6,} "
        f"{result['in_vis']:>6,} {build} {size:>5.1f} {result['created']:>6.2f} {result['first_draw']:>7.2f} "
        f"{result['interactive']:>13.2f} {result['redraw']:>8.3f} {result['zoomed']:>8.3f}  "
        f"{result['interactive'] / GOAL_SECONDS:.2f}x of {GOAL_SECONDS:g} s"
    )


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    from stackgraph.render import graph_view

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000, 100000])
    parser.add_argument("--before", default="main", help="git revision to compare with ('' for none)")
    parser.add_argument("--before-size", type=int, default=20000)
    parser.add_argument("--crunchbase", type=Path, default=None, help="Crunchbase 2013 folder or imported .ttl")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    print(_HEADER)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        graphs = [(f"synthetic {n:,}", n, lambda n=n: synthetic_graph(n, folder)) for n in args.sizes]
        if args.crunchbase is not None:
            graphs.append(("crunchbase", 0, lambda: crunchbase_graph(args.crunchbase, folder)))
        for name, n, make in graphs:
            G = make()
            started = time.perf_counter()
            view = graph_view(G, title=name)
            built = time.perf_counter() - started
            path = view.write(folder / f"view-{n}-{name.split()[0]}.html")
            pages = [path]
            if args.before and n == args.before_size:
                revision = ["git", "rev-parse", "--verify", "-q", args.before]
                known = subprocess.run(revision, cwd=REPO, capture_output=True, check=False)
                if known.returncode == 0:
                    pages.append(old_page(args.before, G, folder))
                else:
                    print(f"{'':>17} (no git revision {args.before!r} here: no before/after comparison)", flush=True)
            results = measured(browser, pages, args.repeat)
            print(_row(name, G, built, path.stat().st_size / 1e6, results[0]), flush=True)
            if len(pages) > 1:
                before = results[1]
                label = f"  before ({args.before})"
                print(_row(label, G, -1, pages[1].stat().st_size / 1e6, before), flush=True)
                print(
                    f"{'':>17} after/before: interactive {results[0]['interactive'] / before['interactive']:.2f}x, "
                    f"new vis.Network {results[0]['created'] / before['created']:.2f}x, page size "
                    f"{path.stat().st_size / pages[1].stat().st_size:.2f}x, redraw "
                    f"{results[0]['redraw'] / before['redraw']:.2f}x",
                    flush=True,
                )
            if view.meta.get("aggregate") or name == "crunchbase":
                hidden = view.meta["deferred"] or view.meta["untied"]
                print(
                    f"{'':>17} names on the first screen: {', '.join(results[0]['hubs'][:12])}; "
                    f"{view.meta['stats'].split(' · as of')[0]}; {hidden:,} entities without ties hidden",
                    flush=True,
                )
        browser.close()
    print(
        f"medians of {args.repeat} loads. shown = entities (or an overview's groups) drawn at load: entities without "
        "ties wait behind a counter; in vis = nodes vis-network holds (a lean view's page draws the others); vis s = "
        "DataSets and new vis.Network; drawn s = navigation start to the first drawn frame; interactive = to the "
        "first moment after it that the page handles input (the frame rasterised); redraw = one repaint of the "
        "fitted view, zoomed = one at 100 % zoom (names and arrow heads drawn), JavaScript time only. "
        f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )


if __name__ == "__main__":
    main()
