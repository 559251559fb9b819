"""Benchmark HTML views: build time, file size and time to interactive in headless Chromium.

Usage: ``python bench/bench_render.py [SIZE ...]`` (default 1000 5000 20000 entities; about 2 ties per entity).

For each size a synthetic graph in the projection contract (preferential attachment, the shipped layer scheme,
all kinds, relations and statuses, amounts and dates on a third of the deals) is drawn with
:func:`stackgraph.render.graph_view` and written; then Debian's chromium (``/usr/bin/chromium``, every non-file
request blocked) loads the page. "Interactive" is the page's first drawn frame (``afterDrawing``: DataSets
filled, network drawn, controls wired) followed by the main thread coming free (input is handled from then on);
views with physics (up to 300 entities) are settled by then, since vis-network draws after stabilising.
``redraw`` is one full repaint afterwards (a pan or zoom costs about that). Goal: 20,000 entities interactive
within 3 s.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stackgraph.render import graph_view  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LAYERS = [
    ("compute", None),
    ("accelerators", "compute"),
    ("chip-fabrication", "compute"),
    ("data-centers", "compute"),
    ("connectivity", None),
    ("satellite-broadband", "connectivity"),
    ("terrestrial-ran", "connectivity"),
    ("telecom-services", "connectivity"),
    ("ai-models", None),
    ("developer-tooling", None),
    ("software", None),
    ("enterprise-software", "software"),
    ("consumer-internet", "software"),
    ("devices", None),
    ("launch-and-space", None),
]
RELATIONS = ["supplies"] * 4 + ["invests_in"] * 2 + ["partners_with", "acquires", "controls", "develops"]
STATUSES = ["active"] * 5 + ["completed"] * 3 + ["rumoured", "in-talks", "announced", "pending"]
KINDS = ["organization"] * 7 + ["product"] * 2 + ["facility", "person"]
GOAL_SECONDS = 3.0


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A projected-style graph with ``n`` entities and about ``2 n`` deals."""
    rng = random.Random(seed)
    skeleton = nx.barabasi_albert_graph(n, 2, seed=seed)
    G = nx.MultiDiGraph()
    G.graph.update(
        {
            "layers": {k: {"label": k.replace("-", " ").capitalize(), "broader": b, "feeds": []} for k, b in LAYERS},
            "statuses": ("completed", "active"),
            "as_of": "2026-06-30",
            "market_positions": [],
        }
    )
    for i in range(n):
        layers = (rng.choice(LAYERS)[0],) if rng.random() > 0.05 else ()
        G.add_node(
            f"https://w3id.org/stackgraph/id/e{i}",
            label=f"Entity {i}",
            kind=rng.choice(KINDS),
            layers=layers,
            iri=f"https://w3id.org/stackgraph/id/e{i}",
            aliases=(),
        )
    for j, (a, b) in enumerate(skeleton.edges()):
        u, v = (a, b) if rng.random() < 0.5 else (b, a)
        relation = rng.choice(RELATIONS)
        dated = rng.random() < 0.33
        G.add_edge(
            f"https://w3id.org/stackgraph/id/e{u}",
            f"https://w3id.org/stackgraph/id/e{v}",
            key=f"https://w3id.org/stackgraph/id/deal{j}",
            relation=relation,
            status=rng.choice(STATUSES),
            announced=f"20{rng.randint(15, 26)}-{rng.randint(1, 12):02d}" if dated else None,
            effective=None,
            ended=None,
            amount=rng.choice([1e8, 5e8, 2e9, 6.5e9]) if dated else None,
            currency="USD" if dated else None,
            stake=None,
            input_layer=None,
            purpose=None,
            deal=f"https://w3id.org/stackgraph/id/deal{j}",
            quotes=(f"Entity {u} and Entity {v} signed deal {j}.",),
            sources=("Synthetic wire",),
            scenario=False,
        )
    return G


def in_browser(browser: Any, path: Path) -> dict[str, float]:
    """Load ``path`` and return seconds to first frame (and to stabilised, with physics) plus one redraw."""
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
    started = time.perf_counter()
    page.goto(path.resolve().as_uri(), wait_until="commit")
    page.wait_for_function("() => window.sgTimings && window.sgTimings.idle !== undefined", timeout=600_000, polling=20)
    wall = time.perf_counter() - started
    timings = page.evaluate("window.sgTimings")
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
        "wall": wall,
        "interactive": timings["idle"] / 1000,
        "first_draw": timings["firstDraw"] / 1000,
        "redraw": redraw / 1000,
        "zoomed": zoomed / 1000,
    }


def main(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    print(
        f"{'entities':>8} {'ties':>7} {'build s':>8} {'write s':>7} {'MB':>6} {'physics':>7} "
        f"{'drawn s':>7} {'interactive s':>13} {'(wall s)':>8} {'redraw s':>8} {'zoomed s':>8}  vs goal"
    )
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for n in sizes:
            G = synthetic(n)
            started = time.perf_counter()
            view = graph_view(G, title=f"{n} entities")
            built = time.perf_counter() - started
            started = time.perf_counter()
            path = view.write(Path(folder) / f"view-{n}.html")
            written = time.perf_counter() - started
            size = path.stat().st_size / 1e6
            result = in_browser(browser, path)
            ratio = result["interactive"] / GOAL_SECONDS
            physics = "on" if view.meta["physics"] else "off"
            print(
                f"{n:>8,} {len(view.network.edges):>7,} {built:>8.2f} {written:>7.2f} {size:>6.1f} {physics:>7} "
                f"{result['first_draw']:>7.2f} {result['interactive']:>13.2f} {result['wall']:>8.2f} "
                f"{result['redraw']:>8.3f} {result['zoomed']:>8.3f}  "
                f"{ratio:.2f}x of {GOAL_SECONDS:g} s",
                flush=True,
            )
        browser.close()
    print(
        "drawn = navigation start to the first drawn frame; interactive = to the first moment after it that the page "
        "handles input (a timer queued at the first frame runs); wall = page.goto until Playwright sees that; "
        "redraw = one full repaint of the fitted view, zoomed = one repaint at 100 % zoom (names and arrow heads "
        f"drawn). Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
