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
  organisations;
* PageRank's compute alone at that size with every implementation at hand (goal <= 0.1 s) and ``centrality()``
  against raw igraph doing the same measures, conversion included (goal <= 1.3x), CPU seconds;
* with ``--ownership N``: integrated ownership and the whole ownership analysis on a synthetic ownership network
  of N entities / 3N stakes (bench/synthetic_ownership.py; goal <= 10 s at 100k);
* with ``--cutoff``: where exact betweenness stops fitting the time budget on this machine (its work rate on
  growing graphs, and the work and graph size at which exact takes ``EXACT_SECONDS``), beside the library's
  ``EXACT_WORK``.

``bench(path)`` is the hook ``bench/run_all.py`` calls (no rdflib: run_all measures that baseline itself).

Usage::

    python bench/bench_analysis.py --size 100000
    python bench/bench_analysis.py --size 0 /tmp/crunchbase.ttl   # only an extra file
    python bench/bench_analysis.py --size 0 --ownership 100000 --cutoff
"""

from __future__ import annotations

import argparse
import gc
import statistics
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
    return g.pagerank(weights="weight", directed=True)


def _sample(D: Any, k: int, seed: int) -> list[Any]:
    """The source nodes NetworkX's betweenness_centrality(k=k, seed=seed) samples."""
    import random

    return random.Random(seed).sample(list(D.nodes()), k)


def _igraph_betweenness(D: Any, k: int) -> Any:
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

    from stackgraph.analysis import rank_network
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
    D = rank_network(G)
    n = D.number_of_nodes()
    echo(f"  {'deal network':<62} {n:,} nodes, {D.number_of_edges():,} linked pairs")
    if n > 2:
        k = min(compare_samples, n)
        t_pr, _ = _timed(echo, "PageRank: igraph prpack on the rank network", lambda: _igraph_pagerank(D))
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

    D = None
    rows += centrality_vs_igraph(G, echo)
    G = None  # free the graphs of the comparisons above
    gc.collect()
    total, cpu, report = whole_analyze(store, echo)
    method = report.method
    approximation = (
        f"betweenness sampled from k={method['samples']} sources, seed {method['seed']}, {method['backend']}"
        if method["betweenness"] == "sampled"
        else f"exact betweenness, {method['backend']}"
    )
    echo(f"  {'whole analyze':<62} {total:8.2f} s  ({approximation}; default k={DEFAULT_SAMPLES})")
    echo(f"  {'whole analyze, CPU seconds':<62} {cpu:8.2f} s")
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


def whole_analyze(store: Any, echo: Echo = _quiet) -> tuple[float, float, Any]:
    """One ``analyze`` run, steps back to back as the commands run them (no forced garbage collection between,
    which costs seconds on a graph this size; the control and supply graphs built once and handed to every step):
    wall and CPU seconds, and the centrality report."""
    from stackgraph.analysis import (
        centrality,
        chokepoints,
        control_graph,
        control_groups,
        coverage_ranking,
        supply_graph,
    )
    from stackgraph.analysis import dependencies as find_dependencies
    from stackgraph.projection import project

    echo("  -- whole analyze --")
    start, cpu = time.perf_counter(), time.process_time()
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
    top = next((r.entity for r in report.rank("pagerank", top=50) if r.kind == "organization"), None)
    _, S = _timed(echo, "  supply graph (built once, shared below)", lambda: supply_graph(G), collect=False)
    if top is not None:
        _timed(
            echo,
            "  dependencies of the top-PageRank organisation",
            lambda: find_dependencies(G, top, control=C, supply=S),
            collect=False,
        )
    _timed(echo, "  chokepoints", lambda: chokepoints(G, top=20, control=C, supply=S), collect=False)
    return time.perf_counter() - start, time.process_time() - cpu, report


def _cpu(function: Callable[[], Any], repeat: int = 3, *, collect: bool = True) -> tuple[float, Any]:
    """Best CPU seconds of ``repeat`` runs (the machine is shared: CPU time is steadier than wall time)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        if collect:
            gc.collect()
        start = time.process_time()
        result = function()
        best = min(best, time.process_time() - start)
    return best, result


def _paired(functions: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """CPU seconds of each function, ``rounds`` times in turn (a, b, c, a, b, c, ...): on a shared machine the
    ratio of one round's turns is steadier than the ratio of separate bests."""
    seconds: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            gc.collect()
            start = time.process_time()
            function()
            seconds[name].append(time.process_time() - start)
    return seconds


def _raw_igraph(G: Any, k: int, seed: int = 0, batches: int = 10) -> Any:
    """The same measures as ``centrality(G, top=20)`` in plain igraph, conversion included: one pass over the
    adjacency for the turned-around weighted edges, PageRank (prpack), betweenness from ``k`` sources with an
    outgoing edge in ``batches`` batches with its standard error (what centrality reports as ``±``; ``batches=1``
    skips it), eigenvector on the largest component, in/out degree in deals, and the top 20 by PageRank."""
    import heapq
    import random

    import igraph as ig
    import numpy as np

    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges: list[tuple[int, int]] = []
    weights: list[int] = []
    for u, nbrs in G._adj.items():
        iu = index[u]
        for v, deals in nbrs.items():
            if u != v:
                edges.append((index[v], iu))
                weights.append(len(deals))
    g = ig.Graph(n=len(nodes), edges=edges, directed=True)
    g.es["weight"] = weights
    pagerank = g.pagerank(weights="weight", directed=True)
    sources = [i for i, d in enumerate(g.outdegree()) if d]
    sample = random.Random(seed).sample(sources, min(k, len(sources)))
    sums = np.array([g.betweenness(directed=True, sources=sample[i::batches]) for i in range(batches)])
    betweenness, error = sums.sum(axis=0), sums.std(axis=0) if batches > 1 else None
    degree = g.strength(mode="in", weights="weight"), g.strength(mode="out", weights="weight")
    h = g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    giant = h.connected_components().giant()
    eigen = giant.eigenvector_centrality(weights="weight")
    return heapq.nlargest(20, range(len(nodes)), key=pagerank.__getitem__), betweenness, error, eigen, degree


def _power_iteration(n: int, src: Any, dst: Any, w: Any, tolerance: float = 1e-13) -> Any:
    """PageRank by power iteration on a scipy.sparse matrix (NetworkX's definition), for the comparison."""
    import numpy as np
    import scipy.sparse as sp

    out = np.bincount(src, weights=w, minlength=n)
    dangling = out == 0
    step = sp.csr_matrix((w / out[src], (dst, src)), shape=(n, n))
    x = np.full(n, 1.0 / n)
    for _ in range(1000):
        previous = x
        x = 0.85 * (step @ x) + (0.85 * x[dangling].sum() + 0.15) / n
        if np.abs(x - previous).sum() < tolerance:
            break
    return x / x.sum()


def centrality_vs_igraph(G: Any, echo: Echo = print) -> list[dict[str, Any]]:
    """PageRank compute by implementation, and centrality() against raw igraph (issue #15, item 3)."""
    import networkx as nx
    import numpy as np

    from stackgraph.analysis.centrality import DEFAULT_SAMPLES, ERROR_BATCHES, centrality
    from stackgraph.analysis.networks import rank_arrays, rank_network, to_igraph

    echo("  -- centrality at igraph's speed (CPU seconds, best of 7 for PageRank, of 2 for the rest) --")
    nodes, src, dst, w, _, _ = rank_arrays(G)
    n = len(nodes)
    g = to_igraph(n, src, dst, w)
    prpack, theirs = _cpu(lambda: g.pagerank(weights="weight", directed=True), repeat=7, collect=False)
    arpack, _ = _cpu(
        lambda: g.pagerank(weights="weight", directed=True, implementation="arpack"), repeat=7, collect=False
    )
    power, mine = _cpu(lambda: _power_iteration(n, src, dst, w), repeat=7, collect=False)
    R = rank_network(G)
    networkx, _ = _cpu(lambda: nx.pagerank(R, weight="weight"), repeat=1)
    difference = float(np.abs(np.asarray(mine) - np.asarray(theirs)).max())
    timings = {
        "igraph prpack (what stackgraph uses)": prpack,
        "igraph arpack": arpack,
        "scipy.sparse power iteration (to 1e-13)": power,
    }
    for label, seconds in timings.items():
        echo(f"  {'PageRank compute: ' + label:<62} {seconds:8.3f} s")
    echo(f"  {'PageRank: NetworkX pagerank (conversion included)':<62} {networkx:8.3f} s")
    fastest = min(timings, key=timings.__getitem__)
    verdict = "met" if timings[fastest] <= 0.1 else "NOT met"
    echo(f"  {'fastest: ' + fastest:<62} {timings[fastest]:8.3f} s  (goal <= 0.1 s: {verdict})")
    echo(f"  {'power iteration vs prpack, largest difference':<62} {difference:8.1e}")
    turns = _paired(
        {
            "one call": lambda: _raw_igraph(G, DEFAULT_SAMPLES, batches=1),
            "raw": lambda: _raw_igraph(G, DEFAULT_SAMPLES, batches=ERROR_BATCHES),
            "ours": lambda: centrality(G, top=20),
        },
        rounds=3,
    )
    one_call, raw, full = (min(turns[name]) for name in ("one call", "raw", "ours"))
    report = centrality(G, top=20)
    ratio = statistics.median(f / r for f, r in zip(turns["ours"], turns["raw"], strict=True))
    versus_one = statistics.median(f / r for f, r in zip(turns["ours"], turns["one call"], strict=True))
    echo(f"  {'raw igraph, betweenness in one call (no standard error)':<62} {one_call:8.2f} s")
    echo(f"  {f'raw igraph, same measures (± from {ERROR_BATCHES} batches), conversion in':<62} {raw:8.2f} s")
    echo(
        f"  {'stackgraph centrality(G, top=20)':<62} {full:8.2f} s  ({report.method['betweenness']}, "
        f"k={report.method['samples']} in {report.method['error_batches']} batches)"
    )
    verdict = "met" if ratio <= 1.3 else "NOT met"
    echo(f"  {'centrality() / raw igraph (median of 3 paired turns)':<62} {ratio:8.2f}x  (goal <= 1.3x: {verdict})")
    echo(f"  {'centrality() / raw igraph in one call (no standard error)':<62} {versus_one:8.2f}x")
    return [
        {"step": "analysis: PageRank compute", "seconds": prpack, "baseline": "", "baseline_seconds": None},
        {
            "step": "analysis: centrality()",
            "seconds": full,
            "baseline": "raw igraph",
            "baseline_seconds": raw,
            "ratio": ratio,
        },
    ]


def ownership_bench(size: int, echo: Echo = print) -> list[dict[str, Any]]:
    """Integrated ownership and the ownership analysis on a synthetic network of ``size`` entities."""
    from synthetic_ownership import ownership_graph

    from stackgraph.analysis.owners import ownership_analysis
    from stackgraph.analysis.ownership import integrated_ownership

    echo(f"\n== ownership: synthetic network of {size:,} entities / {3 * size:,} stakes (CPU seconds)")
    _, G = _timed(echo, "generate", lambda: ownership_graph(size, 3 * size))
    matrix, F = _cpu(lambda: integrated_ownership(G), repeat=1)
    echo(f"  {'integrated ownership (I - W)^-1 with the cycle correction':<62} {matrix:8.2f} s")
    echo(f"  {'entries kept (floor 1e-6), cycles at 100 % or more':<62} {F.walks.nnz:,}, {len(F.cycles)}")
    whole, _ = _cpu(lambda: ownership_analysis(G, top=20), repeat=1)
    echo(f"  {'analyze ownership (ultimate owners, both tests, ranking)':<62} {whole:8.2f} s")
    echo(f"  {'goal <= 10 s':<62} {'met' if whole <= 10 else 'NOT met'}")
    return [{"step": "analysis: ownership", "seconds": whole, "baseline": "", "baseline_seconds": None}]


def betweenness_cutoff(echo: Echo = print) -> None:
    """Exact betweenness's work rate on growing heavy-tailed graphs and the cut-off it gives."""
    import igraph as ig
    import numpy as np

    from stackgraph.analysis.centrality import EXACT_SECONDS, EXACT_WORK

    echo("\n== betweenness: exact vs sampled cut-off (CPU seconds)")
    rng = np.random.default_rng(3)
    rates = []
    for n in (2_000, 5_000, 10_000):
        m = 3 * n
        src, dst = (n * rng.random(m) ** 2.5).astype(int), rng.integers(0, n, m)
        keep = src != dst
        g = ig.Graph(n=n, edges=np.column_stack([src[keep], dst[keep]]).tolist(), directed=True).simplify()
        work = sum(1 for d in g.outdegree() if d) * (sum(1 for d in g.degree() if d) + g.ecount())
        seconds, _ = _cpu(lambda g=g: g.betweenness(directed=True), repeat=1)
        rates.append(work / seconds)
        echo(f"  {f'exact, {n:,} nodes / {g.ecount():,} edges, work {work:.2e}':<62} {seconds:8.2f} s")
    rate = float(np.median(rates))
    echo(f"  {'work rate (median)':<62} {rate:8.2e} /s")
    echo(
        f"  {f'cut-off for {EXACT_SECONDS:g} s here':<62} {rate * EXACT_SECONDS:8.2e} work  "
        f"(library EXACT_WORK {EXACT_WORK:.2e})"
    )


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
    parser.add_argument("--ownership", type=int, default=0, help="also: ownership on N synthetic entities")
    parser.add_argument("--cutoff", action="store_true", help="also: measure the exact-betweenness cut-off")
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
    if args.ownership:
        ownership_bench(args.ownership, echo=lambda line: print(line, flush=True))
    if args.cutoff:
        betweenness_cutoff(echo=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
