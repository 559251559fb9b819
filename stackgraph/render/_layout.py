"""Node positions computed in Python (igraph's Fruchterman-Reingold, grid variant for large graphs).

Large views arrive in the browser with their positions and physics off, so they are usable at once; small views
start from these positions and let vis-network's physics tidy them briefly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable

import networkx as nx

__all__ = ["grid_below", "positions"]


def _iterations(n: int) -> int:
    if n <= 2000:
        return 500
    if n <= 10000:
        return 200
    return 100


def positions(
    G: nx.Graph, *, seed: int = 0, spacing: float = 120.0, nodes: Iterable[Hashable] | None = None
) -> dict[Hashable, tuple[float, float]]:
    """Return a position (x, y in screen pixels) for each node of ``G``: the same graph and seed give the same layout.

    Direction and parallel edges are ignored; with ``nodes``, only those nodes and the edges among them are laid
    out. Connected components are laid out side by side, largest first, in rows as wide as the largest.
    Coordinates are scaled so a typical tie is about ``spacing`` pixels long and each node has at least ``spacing``
    squared pixels of room.

    Examples
    --------
    >>> pos = positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2] and pos == positions(nx.path_graph(3))
    True
    >>> pair = positions(nx.path_graph(2))  # on a line: still about one tie length apart
    >>> 100 < math.dist(pair[0], pair[1]) < 400
    True
    >>> two = positions(nx.union(nx.path_graph(2), nx.path_graph([2, 3, 4])))  # the larger one first
    >>> max(two[2][0], two[3][0], two[4][0]) < min(two[0][0], two[1][0])
    True
    """
    import igraph as ig

    nodes = list(G.nodes if nodes is None else nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {
        (min(a, b), max(a, b))
        for a, b in ((index.get(u), index.get(v)) for u, v in G.edges())
        if a is not None and b is not None and a != b
    }
    graph = ig.Graph(n=n, edges=sorted(pairs), directed=False)
    # igraph draws its random start from a global generator (Python's ``random`` module by default): use a seeded
    # one, then restore. (igraph's own start: a start spread wider makes the grid variant ten times slower.)
    ig.set_random_number_generator(random.Random(seed))
    try:
        layout = graph.layout_fruchterman_reingold(niter=_iterations(n), grid=n > 500)
    finally:
        ig.set_random_number_generator(random)
    coords = layout.coords
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    typical = lengths[len(lengths) // 2] if lengths else 0.0
    components = graph.connected_components()
    if len(components) > 1:
        coords = _packed(coords, list(components), gap=2 * typical if typical > 0 else 1.0)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    floor = max(width, height, 1e-9) / n  # a layout on a line (two nodes, a path) still has room across it
    extent = math.sqrt(max(width, floor) * max(height, floor))
    # a typical tie about ``spacing`` long, and at least ``spacing`` squared of room per node
    scale = max(spacing / typical if typical > 0 else 0.0, spacing * math.sqrt(n) / extent)
    return {node: (round(coords[i][0] * scale, 1), round(coords[i][1] * scale, 1)) for i, node in enumerate(nodes)}


def _packed(coords: list[list[float]], components: list[list[int]], *, gap: float) -> list[list[float]]:
    """Move the connected components next to each other, largest first, in rows as wide as the largest
    (a force layout pushes small components far out, and a view fitted to them shows the main one tiny)."""
    boxes = []
    for members in components:
        xs = [coords[i][0] for i in members]
        ys = [coords[i][1] for i in members]
        boxes.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    order = sorted(range(len(components)), key=lambda c: (-len(components[c]), c))
    area = sum((w + gap) * (h + gap) for _, _, w, h in boxes)
    width = max(boxes[order[0]][2], math.sqrt(area))
    placed = [list(c) for c in coords]
    x = y = row = 0.0
    for c in order:
        left, top, w, h = boxes[c]
        if x > 0 and x + w > width:  # next row
            x, y, row = 0.0, y + row + gap, 0.0
        for i in components[c]:
            placed[i] = [coords[i][0] - left + x, coords[i][1] - top + y]
        x += w + gap
        row = max(row, h)
    return placed


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
