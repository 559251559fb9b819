"""Tiny hand-built graphs in the projection contract, for the analysis tests (answers computed by hand)."""

from __future__ import annotations

from typing import Any

import networkx as nx

from stackgraph.projection import EDGE_DEFAULTS

LAYERS = {
    "compute": {"label": "Compute", "broader": None, "feeds": []},
    "fab": {"label": "Fab", "broader": "compute", "feeds": ["chips"]},
    "chips": {"label": "Chips", "broader": "compute", "feeds": ["models"]},
    "models": {"label": "Models", "broader": None, "feeds": ["apps"]},
    "apps": {"label": "Apps", "broader": None, "feeds": []},
}


def graph(layers: dict[str, Any] | None = None, **graph_attrs: Any) -> nx.MultiDiGraph:
    """An empty projected-style graph with a five-layer scheme (compute > fab, chips; models; apps)."""
    G = nx.MultiDiGraph()
    G.graph.update(
        {"layers": LAYERS if layers is None else layers, "statuses": ("completed", "active"), "as_of": "2026-01-01"}
    )
    G.graph["market_positions"] = []
    G.graph.update(graph_attrs)
    return G


def org(G: nx.MultiDiGraph, name: str, *layers: str, kind: str = "organization") -> str:
    G.add_node(name, label=name, kind=kind, layers=tuple(layers), iri=name, aliases=())
    return name


def deal(G: nx.MultiDiGraph, u: str, v: str, relation: str, key: str | None = None, **attrs: Any) -> str:
    key = key or f"{u}-{relation}-{v}"
    for node in (u, v):
        if node not in G:
            org(G, node)
    data = {
        **EDGE_DEFAULTS,
        "relation": relation,
        "status": "completed" if relation == "acquires" else "active",
        "deal": key,
    }
    data.update(attrs)
    G.add_edge(u, v, key=key, **data)
    return key


def chain() -> nx.MultiDiGraph:
    """A controls B controls C (acquisition, then majority ownership)."""
    G = graph()
    org(G, "A", "models")
    org(G, "B", "chips")
    org(G, "C", "fab")
    deal(G, "A", "B", "acquires")
    deal(G, "B", "C", "controls", stake=75.0)
    return G


def diamond() -> nx.MultiDiGraph:
    """Supply diamond: A supplies B and C, both supply D."""
    G = graph()
    for name in "ABCD":
        org(G, name, "chips")
    for u, v in [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")]:
        deal(G, u, v, "supplies", input_layer="chips")
    return G


def ownership_cycle() -> nx.MultiDiGraph:
    """A controls B controls C controls A, and C owns D."""
    G = graph()
    for name in "ABCD":
        org(G, name)
    deal(G, "A", "B", "controls")
    deal(G, "B", "C", "controls")
    deal(G, "C", "A", "controls")
    deal(G, "C", "D", "acquires")
    return G


def two_customers() -> nx.MultiDiGraph:
    """Supplier S (chips) supplies X and Y; Y also buys chips from T."""
    G = graph()
    org(G, "S", "chips")
    org(G, "T", "chips")
    org(G, "X", "models")
    org(G, "Y", "apps")
    deal(G, "S", "X", "supplies", input_layer="chips")
    deal(G, "S", "Y", "supplies", input_layer="chips")
    deal(G, "T", "Y", "supplies", input_layer="chips")
    return G


def snapshot(G: nx.MultiDiGraph) -> tuple[Any, ...]:
    """Everything observable about a graph, to check an analysis left it untouched."""
    return (
        repr(G.graph),
        sorted((n, repr(d)) for n, d in G.nodes(data=True)),
        sorted((u, v, k, repr(d)) for u, v, k, d in G.edges(keys=True, data=True)),
    )
