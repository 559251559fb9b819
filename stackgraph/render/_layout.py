"""Node positions computed in Python (igraph's Fruchterman-Reingold, grid variant for large graphs).

Large views arrive in the browser with their positions and physics off, so they are usable at once; small views
start from these positions and let vis-network's physics tidy them briefly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable

import networkx as nx

__all__ = ["grid_below", "positions"]


def _iterations(n: int) -> int:
    if n <= 2000:
        return 500
    if n <= 10000:
        return 200
    return 100


def positions(G: nx.Graph, *, seed: int = 0, spacing: float = 120.0) -> dict[Hashable, tuple[float, float]]:
    """Return a position (x, y in screen pixels) for each node of ``G``: the same graph and seed give the same layout.

    Direction and parallel edges are ignored. Coordinates are scaled so a typical tie is about ``spacing`` pixels
    long and each node has at least ``spacing`` squared pixels of room.

    Examples
    --------
    >>> pos = positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2] and pos == positions(nx.path_graph(3))
    True
    >>> pair = positions(nx.path_graph(2))  # on a line: still about one tie length apart
    >>> 100 < math.dist(pair[0], pair[1]) < 400
    True
    """
    import igraph as ig

    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v}
    graph = ig.Graph(n=n, edges=sorted(pairs), directed=False)
    rng = random.Random(seed)
    start = [[rng.uniform(-1, 1) * math.sqrt(n), rng.uniform(-1, 1) * math.sqrt(n)] for _ in range(n)]
    # igraph draws from a global generator (Python's ``random`` module by default): use a seeded one, then restore
    ig.set_random_number_generator(random.Random(seed))
    try:
        layout = graph.layout_fruchterman_reingold(seed=start, niter=_iterations(n), grid=n > 1000)
    finally:
        ig.set_random_number_generator(random)
    coords = layout.coords
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    typical = lengths[len(lengths) // 2] if lengths else 0.0
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    floor = max(width, height, 1e-9) / n  # a layout on a line (two nodes, a path) still has room across it
    extent = math.sqrt(max(width, floor) * max(height, floor))
    # a typical tie about ``spacing`` long, and at least ``spacing`` squared of room per node
    scale = max(spacing / typical if typical > 0 else 0.0, spacing * math.sqrt(n) / extent)
    return {node: (round(coords[i][0] * scale, 1), round(coords[i][1] * scale, 1)) for i, node in enumerate(nodes)}


def grid_below(
    nodes: list[Hashable], placed: dict[Hashable, tuple[float, float]], *, spacing: float = 120.0
) -> dict[Hashable, tuple[float, float]]:
    """Return positions for ``nodes`` in rows under the ``placed`` layout, as wide as it (entities without ties).

    Examples
    --------
    >>> grid_below(["a", "b", "c"], {"x": (0.0, 0.0), "y": (100.0, 50.0)}, spacing=50.0)
    {'a': (0.0, 150.0), 'b': (50.0, 150.0), 'c': (100.0, 150.0)}
    """
    if not nodes:
        return {}
    xs = [p[0] for p in placed.values()] or [0.0]
    ys = [p[1] for p in placed.values()] or [-2 * spacing]
    left, width = min(xs), max(max(xs) - min(xs), spacing * math.sqrt(len(nodes)))
    per_row = max(1, int(width // spacing) + 1)
    top = max(ys) + 2 * spacing
    return {
        node: (round(left + spacing * (i % per_row), 1), round(top + spacing * (i // per_row), 1))
        for i, node in enumerate(nodes)
    }
