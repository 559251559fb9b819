"""Centrality: degree by relation, PageRank, betweenness and eigenvector centrality, as ranked tables.

All measures are computed on the *deal network*: a simple directed graph with an edge u -> v weighted by the
number of deals from u to v (a partnership counts both ways; self-loops are dropped).

* **degree** -- in- and out-degree per relation, counted on the projected multigraph (one per deal);
* **PageRank** -- damping 0.85, edge weights = number of deals;
* **betweenness** -- directed, unweighted, normalised as NetworkX does (``1 / ((n-1)(n-2))``);
* **eigenvector** -- principal eigenvector of the undirected weighted graph restricted to its largest connected
  component (other nodes get 0; eigenvector centrality is undefined across components), scaled so the maximum
  is 1.

Small graphs (at most :data:`EXACT_NODE_LIMIT` nodes) get exact NetworkX values. Larger graphs use igraph (C) for
all three measures -- the same values, faster; betweenness stays exact up to :data:`SAMPLE_NODE_LIMIT` nodes and
above is estimated from :data:`DEFAULT_SAMPLES` source nodes drawn with ``seed`` -- exactly NetworkX's
``betweenness_centrality(k=..., seed=...)`` estimator (same sample, same scaling). The result's ``method`` states
the backend, whether betweenness is exact or sampled, and the sample size ``k``.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, View, basis_of, label_of, paused_gc, rounded, view_fields

__all__ = [
    "DEFAULT_SAMPLES",
    "EXACT_NODE_LIMIT",
    "MEASURES",
    "SAMPLE_NODE_LIMIT",
    "CentralityReport",
    "CentralityRow",
    "centrality",
    "deal_network",
]

#: Graphs with more nodes than this use igraph instead of NetworkX (unless told otherwise).
EXACT_NODE_LIMIT = 1000
#: Graphs with more nodes than this get sampled betweenness (unless told otherwise).
SAMPLE_NODE_LIMIT = 5000
#: Source nodes sampled for betweenness on large graphs.
DEFAULT_SAMPLES = 100
#: The ranked measures.
MEASURES: tuple[str, ...] = ("pagerank", "betweenness", "eigenvector", "degree")


@dataclass(frozen=True)
class CentralityRow:
    """The centrality of one node."""

    entity: str
    label: str
    kind: str | None
    in_degree: int
    out_degree: int
    degree_by_relation: dict[str, dict[str, int]] = field(hash=False, compare=True)
    pagerank: float
    betweenness: float
    eigenvector: float

    @property
    def degree(self) -> int:
        """In- plus out-degree (deals)."""
        return self.in_degree + self.out_degree

    def value(self, measure: str) -> float:
        """The value of ``measure`` (one of :data:`MEASURES`)."""
        return float(self.degree) if measure == "degree" else float(getattr(self, measure))

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "kind", "in_degree", "out_degree", "degree_by_relation": {relation: {"in", "out"}},
        "pagerank", "betweenness", "eigenvector"}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            "kind": self.kind,
            "in_degree": self.in_degree,
            "out_degree": self.out_degree,
            "degree_by_relation": {r: dict(c) for r, c in sorted(self.degree_by_relation.items())},
            "pagerank": rounded(self.pagerank, 8),
            "betweenness": rounded(self.betweenness, 8),
            "eigenvector": rounded(self.eigenvector, 8),
        }


@dataclass(frozen=True)
class CentralityReport(View):
    """Centrality of every node, with how it was computed; ``rank(measure)`` gives a ranked table. ``basis`` is
    what the deal network's ties rest on."""

    rows: tuple[CentralityRow, ...]
    method: dict[str, Any] = field(hash=False)
    top: int | None = None
    sort: str = "pagerank"

    def rank(self, measure: str = "pagerank", top: int | None = None) -> tuple[CentralityRow, ...]:
        """Rows sorted by ``measure`` (descending, ties by label), the first ``top`` of them."""
        if measure not in MEASURES:
            raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
        ranked = sorted(self.rows, key=lambda r: (-r.value(measure), r.label.casefold(), r.entity))
        return tuple(ranked if top is None else ranked[:top])

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "method": {...}, "rankings": {measure: [{"rank",
        "entity", "label", "value"}]}, "nodes": [row...]}``; rankings and nodes hold the first ``top`` rows (nodes in
        ``sort`` order)."""
        return {
            **self.view_dict(),
            "method": dict(self.method),
            "rankings": {
                measure: [
                    {"rank": i, "entity": r.entity, "label": r.label, "value": rounded(r.value(measure), 8)}
                    for i, r in enumerate(self.rank(measure, self.top), start=1)
                ]
                for measure in MEASURES
            },
            "nodes": [r.to_dict() for r in self.rank(self.sort, self.top)],
        }

    def table(self) -> Table:
        """The first ``top`` rows in ``sort`` order: rank, label, kind, PageRank, betweenness, eigenvector, degrees."""
        rows = [
            [
                i,
                r.label,
                r.kind,
                f"{r.pagerank:.5f}",
                f"{r.betweenness:.5f}",
                f"{r.eigenvector:.4f}",
                r.in_degree,
                r.out_degree,
                " ".join(
                    f"{rel}:{c.get('in', 0)}/{c.get('out', 0)}" for rel, c in sorted(r.degree_by_relation.items())
                ),
            ]
            for i, r in enumerate(self.rank(self.sort, self.top), start=1)
        ]
        return [
            "rank",
            "entity",
            "kind",
            "pagerank",
            "betweenness",
            "eigenvector",
            "in",
            "out",
            "in/out by relation",
        ], rows


def deal_network(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Return the simple directed graph of ``G`` with ``weight`` = number of deals per ordered pair (no self-loops).

    Node order follows ``G``'s, so sampled measures are reproducible.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "b")])
    >>> sorted(deal_network(G).edges(data="weight"))
    [('a', 'b', 2)]
    """
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes)
    D.add_weighted_edges_from((u, v, w) for (u, v), w in _weights(G).items())
    return D


def _weights(G: nx.Graph) -> dict[tuple[Hashable, Hashable], int]:
    """The deal network's edges: ``(u, v) -> number of deals``, in ``G``'s adjacency order (no self-loops)."""
    multi = G.is_multigraph()
    weights: dict[tuple[Hashable, Hashable], int] = {}
    for u, neighbours in G.adjacency():
        for v, deals in neighbours.items():
            if u != v:
                weights[(u, v)] = len(deals) if multi else 1
    return weights


def _undirected_component(D: nx.DiGraph) -> nx.Graph:
    """The undirected weighted graph of ``D`` restricted to its largest connected component (the first in ``D``'s
    node order on a tie, as igraph's components are numbered)."""
    U = nx.Graph()
    U.add_nodes_from(n for n in D if D.degree(n))
    for u, v, w in D.edges(data="weight"):
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
        else:
            U.add_edge(u, v, weight=w)
    if not U.number_of_edges():
        return nx.Graph()
    largest = max(nx.connected_components(U), key=len)
    return U.subgraph(largest).copy()


def _scaled(values: dict[Hashable, float]) -> dict[Hashable, float]:
    top = max((abs(v) for v in values.values()), default=0.0)
    return {n: (abs(v) / top if top else 0.0) for n, v in values.items()}


def _sample(D: nx.Graph, k: int, seed: int) -> list[Hashable]:
    """The source nodes NetworkX's betweenness_centrality(k=k, seed=seed) samples (``D``: the deal network, or the
    projected graph it comes from: they have the same nodes in the same order)."""
    return random.Random(seed).sample(list(D.nodes()), k)


def _betweenness_scale(raw: dict[Hashable, float], n: int, sources: list[Hashable] | None) -> dict[Hashable, float]:
    """NetworkX's normalisation of directed betweenness without endpoints (exact or from ``sources``)."""
    if n <= 2:
        return {v: 0.0 for v in raw}
    if sources is None or len(sources) == n:
        scale = 1 / ((n - 1) * (n - 2))
        return {v: b * scale for v, b in raw.items()}
    k = len(sources)
    sampled = set(sources)
    source_scale = 1 / ((k - 1) * (n - 2)) if k > 1 else float("nan")
    other_scale = 1 / (k * (n - 2))
    return {v: b * (source_scale if v in sampled else other_scale) for v, b in raw.items()}


def _networkx_measures(
    D: nx.DiGraph, samples: int | None, seed: int
) -> tuple[dict[Hashable, float], dict[Hashable, float], dict[Hashable, float]]:
    # A tight tolerance (to match igraph's exact solver) needs more than the default 100 power iterations.
    pagerank = nx.pagerank(D, weight="weight", tol=1e-10, max_iter=1000) if D.number_of_nodes() else {}
    if samples is None:
        betweenness = nx.betweenness_centrality(D)
    else:
        betweenness = nx.betweenness_centrality(D, k=samples, seed=seed)
    U = _undirected_component(D)
    eigen: dict[Hashable, float] = {}
    if U.number_of_nodes() == 2:
        # SciPy's sparse eigensolver needs three nodes or more; two linked nodes are symmetric, so equal.
        eigen = dict.fromkeys(U, 1.0)
    elif U.number_of_nodes() > 2:
        with warnings.catch_warnings():  # SciPy falls back to a dense solver on tiny graphs and says so
            warnings.simplefilter("ignore", RuntimeWarning)
            eigen = _scaled(nx.eigenvector_centrality_numpy(U, weight="weight"))
    return pagerank, betweenness, eigen


def _igraph_measures(
    nodes: list[Hashable], weights: dict[tuple[Hashable, Hashable], int], samples: int | None, seed: int
) -> tuple[dict[Hashable, float], dict[Hashable, float], dict[Hashable, float]]:
    """The three measures in igraph, built straight from the deal network's nodes and weighted edges (the order
    of ``deal_network``'s, so the values are the same as from it)."""
    import igraph as ig

    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in weights], directed=True)
    g.es["weight"] = list(weights.values())
    pagerank = dict(
        zip(nodes, g.pagerank(weights="weight", directed=True, damping=0.85, implementation="arpack"), strict=True)
    )
    sources = None if samples is None else random.Random(seed).sample(nodes, samples)  # as _sample
    if sources is None:
        raw = g.betweenness(directed=True)
    else:
        raw = g.betweenness(directed=True, sources=[index[s] for s in sources])
    betweenness = _betweenness_scale(dict(zip(nodes, raw, strict=True)), len(nodes), sources)
    eigen: dict[Hashable, float] = {}
    if g.ecount():
        h = g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
        clusters = h.connected_components()
        sizes = clusters.sizes()
        largest = max(range(len(sizes)), key=sizes.__getitem__)
        members = [v for v, c in enumerate(clusters.membership) if c == largest]
        if len(members) > 1:
            with warnings.catch_warnings():  # igraph warns when many values are near zero; they are right
                warnings.simplefilter("ignore", RuntimeWarning)
                values = h.induced_subgraph(members).eigenvector_centrality(weights="weight")
            eigen = _scaled({nodes[v]: x for v, x in zip(members, values, strict=True)})
    return pagerank, betweenness, eigen


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
    exact_node_limit: int = EXACT_NODE_LIMIT,
    sample_node_limit: int = SAMPLE_NODE_LIMIT,
) -> CentralityReport:
    """Compute degree by relation, PageRank, betweenness and eigenvector centrality of every node of ``G``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    backend : {"auto", "networkx", "igraph"}
        ``auto`` uses NetworkX up to ``exact_node_limit`` nodes and igraph above.
    samples : int, optional
        Source nodes sampled for betweenness. By default none (exact) up to ``sample_node_limit`` nodes and
        :data:`DEFAULT_SAMPLES` above. At least 2; a value not below the node count means exact.
    exact : bool, optional
        Force exact (``True``) betweenness whatever the size.
    seed : int
        Seed of the betweenness sample (the same sample NetworkX would draw).
    top, sort : int or None, str
        How many rows :meth:`CentralityReport.to_dict` and ``table`` show, in which measure's order.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]:
    ...     _ = G.add_edge(u, v, relation="supplies")
    >>> report = centrality(G)
    >>> report.method["backend"], report.method["betweenness"]
    ('networkx', 'exact')
    >>> [r.entity for r in report.rank("betweenness", top=2)]
    ['c', 'b']
    """
    if backend not in ("auto", "networkx", "igraph"):
        raise ValueError(f"unknown backend {backend!r}; use auto, networkx or igraph")
    if sort not in MEASURES:
        raise ValueError(f"unknown measure {sort!r}; use one of {', '.join(MEASURES)}")
    weights = _weights(G)
    n = G.number_of_nodes()
    chosen = backend if backend != "auto" else ("igraph" if n > exact_node_limit else "networkx")
    k: int | None
    if exact:
        k = None
    elif samples is not None:
        k = max(2, int(samples))
    else:
        k = DEFAULT_SAMPLES if n > sample_node_limit else None
    if k is not None and k >= n:
        k = None
    if chosen == "igraph" and n:
        pagerank, betweenness, eigen = _igraph_measures(list(G.nodes), weights, k, seed)
    else:
        D = nx.DiGraph()  # deal_network(G)
        D.add_nodes_from(G.nodes)
        D.add_weighted_edges_from((u, v, w) for (u, v), w in weights.items())
        pagerank, betweenness, eigen = _networkx_measures(D, k, seed)

    degrees: dict[Hashable, dict[str, dict[str, int]]] = {node: {} for node in G.nodes}
    # in/out degree counted on the way (every edge, self-loops included, once each way, as G.in_degree does)
    in_degree = dict.fromkeys(degrees, 0)
    out_degree = dict.fromkeys(degrees, 0)
    for u, v, relation in G.edges(data="relation"):
        rel = relation or "related"
        out = degrees[u].setdefault(rel, {"in": 0, "out": 0})
        out["out"] += 1
        into = degrees[v].setdefault(rel, {"in": 0, "out": 0})
        into["in"] += 1
        out_degree[u] += 1
        in_degree[v] += 1
    rows = tuple(
        CentralityRow(
            entity=str(node),
            label=label_of(G, node),
            kind=data.get("kind"),
            in_degree=in_degree[node],
            out_degree=out_degree[node],
            degree_by_relation=degrees[node],
            pagerank=float(pagerank.get(node, 0.0)),
            betweenness=float(betweenness.get(node, 0.0)),
            eigenvector=float(eigen.get(node, 0.0)),
        )
        for node, data in G.nodes(data=True)
    )
    method = {
        "backend": chosen,
        "betweenness": "exact" if k is None else "sampled",
        "samples": k,
        "seed": seed if k is not None else None,
        "nodes": n,
        "edges": len(weights),
        "eigenvector_component": len(eigen),
        "exact_node_limit": exact_node_limit,
        "sample_node_limit": sample_node_limit,
    }
    basis = basis_of(*(kinds for _, _, kinds in G.edges(data="basis", default=())))
    return CentralityReport(rows=rows, method=method, top=top, sort=sort, **view_fields(G, basis))
