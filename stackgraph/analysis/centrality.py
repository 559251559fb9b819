"""Centrality: who matters in the deal network -- PageRank, betweenness, eigenvector and degree, ranked.

Direction: rank flows to the party the others depend on
-------------------------------------------------------
Every relation of a projected graph points from its actor to its counterparty (supplier -> customer, acquirer ->
target, investor -> investee, owner -> owned, developer -> product; a partnership gives an edge each way). The
measures run on the *rank network*: the same ordered pairs turned around (:data:`RANK_FLOW`), weighted by their
number of deals, self-loops dropped. PageRank, a random walk along the edges, so ends at the suppliers,
acquirers, investors, owners and developers: a company that bought 88 others ranks high and its targets do not;
a product ranks below its developer.

* **PageRank** -- damping 0.85, edge weights = deals, a node without outgoing edges jumps anywhere (NetworkX's
  definition); solved exactly by igraph's PRPACK on large graphs (the fastest measured,
  ``bench/bench_analysis.py``).
* **betweenness** -- directed, unweighted, normalised by ``(n-1)(n-2)``; exact up to a work budget, else
  estimated from sampled sources with a standard error (:mod:`stackgraph.analysis.betweenness`).
* **eigenvector** -- principal eigenvector of the undirected weighted network on its largest connected
  component, scaled so the maximum is 1; undefined (``None``, printed ``-``) outside that component.
* **degree** -- deals in and out per relation, in the projection's direction (out = as the actor).

Ranks are dense (equal values share a rank, the next value gets the next rank), ties listed by label. Graphs up
to :data:`EXACT_NODE_LIMIT` nodes use NetworkX's reference implementations; larger ones igraph (C).
``by="group"`` first rolls every entity up into its control group (:mod:`stackgraph.analysis.rollup`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np

from stackgraph.analysis._common import graph_basis, paused_gc, view_fields
from stackgraph.analysis.betweenness import (
    DEFAULT_SAMPLES,
    ERROR_BATCHES,
    EXACT_SECONDS,
    EXACT_WORK,
    betweenness,
)
from stackgraph.analysis.centrality_report import MEASURES, CentralityReport, CentralityRow
from stackgraph.analysis.networks import (
    RANK_FLOW,
    deal_network,
    eigenvector_largest_component,
    networkx_eigenvector,
    rank_arrays,
    rank_network,
    to_igraph,
)
from stackgraph.analysis.rollup import BY_CHOICES, rolled_up

__all__ = [
    "DEFAULT_SAMPLES",
    "ERROR_BATCHES",
    "EXACT_NODE_LIMIT",
    "EXACT_SECONDS",
    "EXACT_WORK",
    "MEASURES",
    "RANK_FLOW",
    "CentralityReport",
    "CentralityRow",
    "centrality",
    "deal_network",
    "rank_network",
]

#: Graphs with more nodes than this use igraph instead of NetworkX (unless told otherwise).
EXACT_NODE_LIMIT = 1000
_SKIPPED = "not computed"


@paused_gc
def centrality(
    G: nx.MultiDiGraph,
    *,
    backend: str = "auto",
    samples: int | None = None,
    exact: bool | None = None,
    seed: int = 0,
    top: int | None = None,
    sort: str = "pagerank",
    by: str = "entity",
    exact_node_limit: int = EXACT_NODE_LIMIT,
    exact_work: float = EXACT_WORK,
    measures: Iterable[str] = MEASURES,
) -> CentralityReport:
    """Compute PageRank, betweenness, eigenvector centrality and degree of every node of ``G``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    backend : {"auto", "networkx", "igraph"}
        ``auto`` uses NetworkX up to ``exact_node_limit`` nodes and igraph above.
    samples : int, optional
        Estimate betweenness from this many sampled sources (at least 2; as many as there are sources with an
        outgoing edge means exact). By default exact when the work fits ``exact_work``, else
        :data:`DEFAULT_SAMPLES`.
    exact : bool, optional
        Force exact (``True``) betweenness whatever the work.
    seed : int
        Seed of the betweenness sample.
    top, sort : int or None, str
        How many rows :meth:`CentralityReport.to_dict` and ``table`` show, in which measure's order.
    by : {"entity", "group"}
        ``group`` rolls every entity up into its control group first.
    measures : iterable of str
        The measures to compute (default all of :data:`MEASURES`; degree always is): a caller that ranks by
        PageRank alone skips betweenness and eigenvector centrality, whose scores are then NaN and whose
        ``method`` entries say "not computed".

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for target in ("t1", "t2", "t3"):
    ...     _ = G.add_edge("Cisco", target, relation="acquires")
    >>> report = centrality(G)
    >>> [(r.ranks["pagerank"], r.entity) for r in report.rank("pagerank")]
    [(1, 'Cisco'), (2, 't1'), (2, 't2'), (2, 't3')]
    """
    if backend not in ("auto", "networkx", "igraph"):
        raise ValueError(f"unknown backend {backend!r}; use auto, networkx or igraph")
    if sort not in MEASURES:
        raise ValueError(f"unknown measure {sort!r}; use one of {', '.join(MEASURES)}")
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(BY_CHOICES)}")
    wanted = set(measures)
    if not wanted <= set(MEASURES):
        raise ValueError(f"unknown measure in {sorted(wanted)}; use some of {', '.join(MEASURES)}")
    if sort not in wanted | {"degree"}:
        raise ValueError(
            f"cannot sort by {sort!r}: it is not among the measures computed ({', '.join(sorted(wanted))})"
        )
    H = rolled_up(G) if by == "group" else G
    nodes, src, dst, w, in_degree, out_degree = rank_arrays(H)
    n = len(nodes)
    chosen = backend if backend != "auto" else ("igraph" if n > exact_node_limit else "networkx")
    D: nx.DiGraph | None = None
    g = None
    if chosen == "networkx":
        D = nx.DiGraph()
        D.add_nodes_from(nodes)
        D.add_weighted_edges_from((nodes[a], nodes[b], weight) for a, b, weight in zip(src, dst, w, strict=True))
        found = nx.pagerank(D, weight="weight", tol=1e-12, max_iter=10_000) if n and "pagerank" in wanted else {}
        pagerank = np.array([found[node] for node in nodes]) if found else np.full(n, np.nan)
        eigenvector = networkx_eigenvector(nodes, D) if "eigenvector" in wanted else np.full(n, np.nan)
    else:
        g = to_igraph(n, src, dst, w)
        pagerank = np.full(n, np.nan)
        if "pagerank" in wanted:
            pagerank = np.array(g.pagerank(weights="weight", directed=True, damping=0.85)) if n else np.zeros(0)
        eigenvector = eigenvector_largest_component(g) if "eigenvector" in wanted else np.full(n, np.nan)

    between = "betweenness" in wanted
    estimate = betweenness(
        n,
        src,
        dst,
        g=g,
        D=D,
        nodes=nodes,
        samples=samples,
        exact=exact,
        seed=seed,
        exact_work=exact_work,
        compute=between,
    )
    error = estimate.error
    scores = {
        "pagerank": pagerank,
        "betweenness": estimate.values,
        "eigenvector": eigenvector,
        "degree": (in_degree + out_degree).astype(float),
        "in_degree": in_degree,
        "out_degree": out_degree,
    }
    if error is not None:
        scores["betweenness_error"] = error
    method: dict[str, Any] = {
        "backend": chosen,
        "by": by,
        "direction": dict(RANK_FLOW),
        "pagerank": ("networkx" if chosen == "networkx" else "igraph prpack") if "pagerank" in wanted else _SKIPPED,
        "betweenness": ("exact" if estimate.samples is None else "sampled") if between else _SKIPPED,
        "samples": estimate.samples,
        "sources": estimate.sources,
        "seed": seed if estimate.samples is not None else None,
        "error_batches": estimate.batches,
        "shown_relative_error": None,
        "work": estimate.work,
        "exact_work": exact_work,
        "nodes": n,
        "edges": len(src),
        "eigenvector_component": int(np.count_nonzero(~np.isnan(eigenvector))) if "eigenvector" in wanted else None,
    }
    basis = graph_basis(G)
    report = CentralityReport(
        nodes=tuple(str(node) for node in nodes),
        scores=scores,
        method=method,
        top=top,
        sort=sort,
        graph=H,
        **view_fields(H, basis),
    )
    if error is not None and top:
        shown = report._order("betweenness", top)
        values = scores["betweenness"]
        relative = [error[i] / values[i] for i in shown if values[i] > 0]
        method["shown_relative_error"] = float(np.median(relative)) if relative else None
    return report
