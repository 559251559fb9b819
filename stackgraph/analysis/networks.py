"""The networks centrality runs on, and the igraph / NetworkX pieces that measure them.

``deal_network`` is the projection's direction (actor -> counterparty); ``rank_network`` the same pairs turned
around, so that rank flows to the party the others depend on (see :mod:`stackgraph.analysis.centrality`).
``rank_arrays`` reads the rank network of a projected graph in one pass as arrays; ``to_igraph`` builds it once in
igraph for every measure.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from itertools import chain
from operator import methodcaller
from typing import Any

import networkx as nx
import numpy as np

__all__ = [
    "RANK_FLOW",
    "betweenness_sums",
    "deal_network",
    "eigenvector_largest_component",
    "networkx_eigenvector",
    "rank_arrays",
    "rank_network",
    "to_igraph",
]

#: Which way rank flows along each relation (the projected edge is turned around for every one of them).
RANK_FLOW: dict[str, str] = {
    "supplies": "customer -> supplier",
    "acquires": "target -> acquirer",
    "invests_in": "investee -> investor",
    "controls": "owned -> owner",
    "develops": "product -> developer",
    "partners_with": "both ways",
}


def deal_network(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Return the simple directed graph of ``G`` with ``weight`` = number of deals per ordered pair (no self-loops),
    in the projection's direction. Node order follows ``G``'s.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "b")])
    >>> sorted(deal_network(G).edges(data="weight"))
    [('a', 'b', 2)]
    """
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes)
    D.add_weighted_edges_from((u, v, len(deals)) for u, nbrs in G.adjacency() for v, deals in nbrs.items() if u != v)
    return D


def rank_network(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Return the network centrality runs on: :func:`deal_network` with every edge turned around (see
    :data:`RANK_FLOW`), so that rank flows from a customer to its supplier, a target to its acquirer, ...

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("Cisco", "target", relation="acquires")
    0
    >>> list(rank_network(G).edges)
    [('target', 'Cisco')]
    """
    return deal_network(G).reverse(copy=True)


def rank_arrays(
    G: nx.MultiDiGraph,
) -> tuple[list[Hashable], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nodes, rank-network edges (source, target, weight) and each node's in/out degree in deals.

    One pass over the adjacency at C speed (``map`` over its dicts, no Python loop per pair); the edges come in
    the adjacency's order, turned around, self-loops left out of the edges but counted in the degrees.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c"), ("c", "c")])
    >>> nodes, src, dst, w, in_degree, out_degree = rank_arrays(G)
    >>> nodes, src.tolist(), dst.tolist(), w.tolist()
    (['a', 'b', 'c'], [1, 2], [0, 1], [2.0, 1.0])
    >>> in_degree.tolist(), out_degree.tolist()
    ([0, 2, 2], [2, 1, 1])
    """
    nodes = list(G)
    n = len(nodes)
    index = dict(zip(nodes, range(n), strict=True))
    adjacency = dict(G.adjacency())
    neighbours = adjacency.values()
    counts = np.fromiter(map(len, neighbours), dtype=np.int64, count=len(adjacency))
    pairs = int(counts.sum())
    tails = np.repeat(np.fromiter(map(index.__getitem__, adjacency), dtype=np.int64, count=len(adjacency)), counts)
    heads = np.fromiter(map(index.__getitem__, chain.from_iterable(neighbours)), dtype=np.int64, count=pairs)
    deals = np.fromiter(
        map(len, chain.from_iterable(map(methodcaller("values"), neighbours))), dtype=np.int64, count=pairs
    )
    keep = tails != heads
    return (
        nodes,
        heads[keep],  # the rank network: turned around
        tails[keep],
        deals[keep].astype(float),
        np.bincount(heads, weights=deals, minlength=n).astype(np.int64),
        np.bincount(tails, weights=deals, minlength=n).astype(np.int64),
    )


def to_igraph(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> Any:
    """The rank network in igraph (C), built once for every measure."""
    import igraph as ig

    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
    g.es["weight"] = w.tolist()
    return g


def eigenvector_largest_component(g: Any) -> np.ndarray:
    """Eigenvector centrality of the undirected weighted network on its largest component (NaN elsewhere)."""
    values = np.full(g.vcount(), np.nan)
    if not g.ecount():
        return values
    h = g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    membership = np.array(h.connected_components().membership)
    sizes = np.bincount(membership)
    members = np.flatnonzero(membership == int(np.argmax(sizes)))  # the first largest, as igraph numbers them
    if len(members) == 2:
        values[members] = 1.0  # two linked nodes are symmetric
    elif len(members) > 2:
        with warnings.catch_warnings():  # igraph warns when many values are near zero; they are right
            warnings.simplefilter("ignore", RuntimeWarning)
            found = np.array(h.induced_subgraph(members.tolist()).eigenvector_centrality(weights="weight"))
        values[members] = np.abs(found) / np.abs(found).max()
    return values


def networkx_eigenvector(nodes: list[Hashable], D: nx.DiGraph) -> np.ndarray:
    values = np.full(len(nodes), np.nan)
    U = nx.Graph()
    for u, v, weight in D.edges(data="weight"):
        U.add_edge(u, v, weight=weight + (U[u][v]["weight"] if U.has_edge(u, v) else 0))
    if not U.number_of_edges():
        return values
    order = {node: i for i, node in enumerate(nodes)}
    largest = max(nx.connected_components(U), key=lambda c: (len(c), -min(order[n] for n in c)))
    H = U.subgraph(largest)
    if len(H) == 2:
        found = dict.fromkeys(H, 1.0)
    else:
        with warnings.catch_warnings():  # SciPy falls back to a dense solver on tiny graphs and says so
            warnings.simplefilter("ignore", RuntimeWarning)
            found = nx.eigenvector_centrality_numpy(H, weight="weight")
    top = max(abs(v) for v in found.values())
    for node, value in found.items():
        values[order[node]] = abs(value) / top
    return values


def betweenness_sums(
    g: Any, batches: list[list[int]] | None, D: nx.DiGraph | None, nodes: list[Hashable]
) -> list[np.ndarray]:
    """Raw betweenness sums: one array when exact (``batches`` None), else one per batch of sources."""
    if D is not None:
        if batches is None:
            found = nx.betweenness_centrality(D, normalized=False)
            return [np.array([found[node] for node in nodes])]
        sums = []
        for batch in batches:
            found = nx.betweenness_centrality_subset(D, [nodes[i] for i in batch], list(D), normalized=False)
            sums.append(np.array([found[node] for node in nodes]))
        return sums
    if batches is None:
        return [np.array(g.betweenness(directed=True))]
    return [np.array(g.betweenness(directed=True, sources=batch)) for batch in batches]
