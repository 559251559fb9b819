"""Benchmark: the projection and the analysis layer at scale, against rdflib extras and plain NetworkX.

For each dataset -- a synthetic graph of ``--size`` organisations and ``3 x --size`` deals in the stackgraph
ontology (bench/synthetic_orgs.py), and optionally an extra Turtle file such as a Crunchbase import -- it prints,
in one run:

* loading into the KnowledgeStore and deriving the direct properties (context, not compared);
* the projection (``stackgraph.projection.project``, a few SPARQL SELECTs) vs
  ``rdflib.extras.external_graph_libs.rdflib_to_networkx_multidigraph`` on an rdflib ``Graph`` of the same
  file (parsing excluded from both), as a ratio -- goal >= 5x;
* PageRank and sampled betweenness (same ``k``, same sample) as stackgraph computes them on large graphs
  (igraph, conversion included) vs plain NetworkX on the same deal network, as ratios;
* the whole ``analyze`` -- projection, control groups, coverage ranking, centrality with its default
  approximation, dependencies of the most central organisation and chokepoints -- goal < 15 s at 100k
  organisations.

``bench(path)`` is the hook ``bench/run_all.py`` calls (no rdflib: run_all measures that baseline itself).

Usage::

    python bench/bench_analysis.py --size 100000
    python bench/bench_analysis.py --size 0 /tmp/crunchbase.ttl   # only an extra file
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

Echo = Callable[[str], None]


def _quiet(line: str) -> None:
    del line


def _timed(
    echo: Echo, label: str, function: Callable[[], Any], repeat: int = 1, *, collect: bool = True
) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None  # the last run's result is not kept alive through this one
        if collect:
            gc.collect()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    echo(f"  {label:<62} {best:8.2f} s")
    return best, result


def _ratio(echo: Echo, label: str, ours: float, theirs: float, goal: float | None = None) -> None:
    value = theirs / ours if ours else float("inf")
    verdict = "" if goal is None else f"  (goal >= {goal:g}x: {'met' if value >= goal else 'NOT met'})"
    echo(f"  {label:<62} {value:8.1f}x{verdict}")


def _igraph_of(D: Any) -> Any:
    import igraph as ig

    # as stackgraph.analysis.centrality builds it: integer ids, edges and weights from one pass over the edges
    nodes = list(D.nodes())
    index = {node: i for i, node in enumerate(nodes)}
    weights = {(index[u], index[v]): w for u, v, w in D.edges(data="weight")}
    g = ig.Graph(n=len(nodes), edges=list(weights), directed=True)
    g.es["weight"] = list(weights.values())
    return g, index


def _igraph_pagerank(D: Any) -> Any:
    g, _ = _igraph_of(D)
    return g.pagerank(weights="weight", directed=True, implementation="arpack")


def _igraph_betweenness(D: Any, k: int) -> Any:
    from stackgraph.analysis.centrality import _sample

    g, index = _igraph_of(D)
    return g.betweenness(directed=True, sources=[index[s] for s in _sample(D, k, 0)])


def measure(
    path: Path,
    *,
    compare_samples: int = 100,
    with_rdflib: bool = True,
    repeat: int = 1,
    echo: Echo = print,
) -> list[dict[str, Any]]:
    """Benchmark one Turtle file; print lines through ``echo`` and return run_all-style rows."""
    import networkx as nx

    from stackgraph.analysis import (
        centrality,
        chokepoints,
        control_graph,
        control_groups,
        coverage_ranking,
        deal_network,
        supply_graph,
    )
    from stackgraph.analysis import dependencies as find_dependencies
    from stackgraph.analysis.centrality import DEFAULT_SAMPLES
    from stackgraph.projection import project
    from stackgraph.store import KnowledgeStore

    rows: list[dict[str, Any]] = []
    echo(f"\n== {path} ({path.stat().st_size / 1e6:.1f} MB)")
    _, store = _timed(
        echo, "load into KnowledgeStore", lambda: KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    )
    _timed(echo, "derive direct properties (once per change)", store.ensure_derived)
    echo(f"  {'quads in the store':<62} {len(store):10,d}")
    # Each projection is timed with only the store alive (the graph of the one before is freed first), as a
    # user's first projection runs; rdflib extras below likewise runs with only its parsed Graph alive.
    t_project, G = _timed(
        echo,
        "projection: project(provenance=False), as `analyze` runs it",
        lambda: project(store, provenance=False),
        repeat,
    )
    G = None
    t_full, G = _timed(echo, "projection: stackgraph project() with provenance", lambda: project(store), repeat)
    echo(f"  {'projected graph':<62} {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    edge_count = G.number_of_edges()
    G = None
    gc.collect()

    if with_rdflib:
        import rdflib
        from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

        graph = rdflib.Graph()
        _timed(echo, "rdflib Graph().parse (context, not compared)", lambda: graph.parse(str(path), format="turtle"))
        t_extras, extras = _timed(
            echo, "projection: rdflib_to_networkx_multidigraph", lambda: rdflib_to_networkx_multidigraph(graph), repeat
        )
        echo(f"  {'rdflib extras graph (an edge per triple, no deals read)':<62} {extras.number_of_edges():,} edges")
        _ratio(echo, "projection (with provenance) speed-up vs rdflib extras", t_full, t_extras)
        _ratio(echo, "projection (as analyze runs it) speed-up vs rdflib extras", t_project, t_extras, goal=5)
        rows.append(
            {
                "step": "projection",
                "seconds": t_project,
                "baseline": "rdflib_to_networkx_multidigraph",
                "baseline_seconds": t_extras,
                "note": f"{edge_count:,} deal edges",
            }
        )
        del graph, extras
        gc.collect()

    G = project(store, provenance=False)
    D = deal_network(G)
    n = D.number_of_nodes()
    echo(f"  {'deal network':<62} {n:,} nodes, {D.number_of_edges():,} linked pairs")
    if n > 2:
        k = min(compare_samples, n)
        t_pr, _ = _timed(echo, "PageRank: igraph (as stackgraph above 5,000 nodes)", lambda: _igraph_pagerank(D))
        t_pr_nx, _ = _timed(echo, "PageRank: NetworkX pagerank", lambda: nx.pagerank(D, weight="weight"))
        _ratio(echo, "PageRank speed-up vs NetworkX", t_pr, t_pr_nx)
        t_bw, _ = _timed(echo, f"betweenness: igraph, k={k} sampled sources", lambda: _igraph_betweenness(D, k))
        t_bw_nx, _ = _timed(
            echo, f"betweenness: NetworkX betweenness_centrality(k={k})", lambda: nx.betweenness_centrality(D, k=k)
        )
        _ratio(echo, f"betweenness (k={k}) speed-up vs NetworkX", t_bw, t_bw_nx)
        rows.append(
            {"step": "analysis: PageRank", "seconds": t_pr, "baseline": "NetworkX", "baseline_seconds": t_pr_nx}
        )
        rows.append(
            {
                "step": f"analysis: betweenness k={k}",
                "seconds": t_bw,
                "baseline": "NetworkX",
                "baseline_seconds": t_bw_nx,
            }
        )

    # The steps run back to back as one analysis would (no forced garbage collection between them, which costs
    # seconds on a graph this size); the control and supply graphs are built once and handed to every step.
    echo("  -- whole analyze --")
    G = D = None  # free the graphs of the comparisons above
    gc.collect()
    start = time.perf_counter()
    _, G = _timed(echo, "  projection (provenance=False)", lambda: project(store, provenance=False), collect=False)
    _, C = _timed(echo, "  control graph (built once, shared below)", lambda: control_graph(G), collect=False)
    _timed(echo, "  control groups", lambda: control_groups(G, control=C), collect=False)
    _timed(
        echo,
        "  coverage ranking (every group, top 20 shown)",
        lambda: coverage_ranking(G, top=20, control=C),
        collect=False,
    )
    _, report = _timed(echo, "  centrality (default method)", lambda: centrality(G, top=20), collect=False)
    top = next((r.entity for r in report.rank("pagerank") if r.kind == "organization"), None)
    _, S = _timed(echo, "  supply graph (built once, shared below)", lambda: supply_graph(G), collect=False)
    if top is not None:
        _timed(
            echo,
            "  dependencies of the top-PageRank organisation",
            lambda: find_dependencies(G, top, control=C, supply=S),
            collect=False,
        )
    _timed(echo, "  chokepoints", lambda: chokepoints(G, top=20, control=C, supply=S), collect=False)
    total = time.perf_counter() - start
    method = report.method
    approximation = (
        f"betweenness sampled from k={method['samples']} sources, seed {method['seed']}, {method['backend']}"
        if method["betweenness"] == "sampled"
        else f"exact betweenness, {method['backend']}"
    )
    echo(f"  {'whole analyze':<62} {total:8.2f} s  ({approximation}; default k={DEFAULT_SAMPLES})")
    echo(f"  {'whole analyze goal < 15 s':<62} {'met' if total < 15 else 'NOT met'}")
    rows.append(
        {
            "step": "analysis: whole analyze",
            "seconds": total,
            "baseline": "",
            "baseline_seconds": None,
            "note": approximation,
        }
    )
    return rows


def bench(path: Path, *, repeat: int = 1) -> list[dict[str, Any]]:
    """The hook of ``bench/run_all.py``: analysis rows for one Turtle file (projection baseline measured there)."""
    return measure(Path(path), with_rdflib=False, repeat=repeat, echo=_quiet)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the projection and the analysis layer.")
    parser.add_argument("--size", type=int, default=100_000, help="synthetic organisations (deals: 3x); 0 skips")
    parser.add_argument("extra", nargs="?", type=Path, help="an extra Turtle file to benchmark (e.g. Crunchbase)")
    parser.add_argument("--compare-samples", type=int, default=100, help="betweenness k for the NetworkX comparison")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib extras comparison")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the projections (best time)")
    parser.add_argument("--keep", type=Path, help="write the synthetic Turtle here and keep it")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    from synthetic_orgs import write

    def run(path: Path) -> None:
        measure(
            path,
            compare_samples=args.compare_samples,
            with_rdflib=not args.no_rdflib,
            repeat=args.repeat,
            echo=lambda line: print(line, flush=True),
        )

    if args.size > 0:
        with tempfile.TemporaryDirectory() as tmp:
            target = args.keep or Path(tmp) / "synthetic.ttl"
            start = time.perf_counter()
            write(target, args.size, 3 * args.size, seed=args.seed)
            elapsed = time.perf_counter() - start
            print(f"synthetic graph: {args.size:,} organisations / {3 * args.size:,} deals, written in {elapsed:.1f} s")
            run(target)
    if args.extra is not None:
        run(args.extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
