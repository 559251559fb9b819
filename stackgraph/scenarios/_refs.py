"""How a what-if report names an entity: ``{"iri", "label"}``, sorted by label."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from stackgraph.analysis import label_of

__all__ = ["GraphPair", "entity_label", "ref", "refs", "sorted_nodes"]

#: The control (or supply) graphs of the "before" and "after" views, when the caller has them already.
GraphPair = tuple[nx.DiGraph, nx.DiGraph] | tuple[None, None]


def ref(G: nx.Graph, node: str) -> dict[str, str]:
    return {"iri": node, "label": label_of(G, node)}


def refs(G: nx.Graph, nodes: Iterable[str]) -> list[dict[str, str]]:
    return [ref(G, n) for n in sorted_nodes(G, nodes)]


def sorted_nodes(G: nx.Graph, nodes: Iterable[str]) -> list[str]:
    return sorted(set(nodes), key=lambda n: (label_of(G, n).casefold(), n))


def entity_label(before: nx.Graph, after: nx.Graph, node: str) -> dict[str, str]:
    return ref(after if node in after else before, node)
