"""Build pyvis networks from projected graphs and write them as standalone, offline HTML pages.

What a view draws is decided in :mod:`stackgraph.render._encode` (by size: physics, named hubs, hidden entities
without ties, tie labels on hover, lean styling) and how the page carries it in :mod:`stackgraph.render._page`
(inlined assets, a hash-based Content-Security-Policy, the graph as compact column tables).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.projection import STATUS_KEYS
from stackgraph.render._aggregate import AGGREGATES, aggregate
from stackgraph.render._diff import diff_figures, merge_diff
from stackgraph.render._encode import (
    EDGE_LABEL_LIMIT,
    HUB_LABELS,
    HUB_NODE_LIMIT,
    LEAN_NODE_LIMIT,
    PHYSICS_NODE_LIMIT,
    SIZE_MEASURES,
    build,
)
from stackgraph.render._page import encode_table, page_html
from stackgraph.render._select import select
from stackgraph.vocabulary import rules

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = [
    "EDGE_LABEL_LIMIT",
    "HUB_LABELS",
    "HUB_NODE_LIMIT",
    "LEAN_NODE_LIMIT",
    "MAX_NODES",
    "PHYSICS_NODE_LIMIT",
    "SIZE_MEASURES",
    "VIEW_STATUSES",
    "GraphView",
    "diff_view",
    "graph_view",
    "scenario_diff_html",
]

#: Above this many entities a view is aggregated (control groups as nodes): more is not usable in a browser.
MAX_NODES = 25000
#: Deal statuses a view shows by default: everything but terminated deals (uncertain ones are drawn dashed).
VIEW_STATUSES: frozenset[str] = frozenset(STATUS_KEYS) - rules.ended_statuses()


def _options_of(network: Network) -> dict[str, Any]:
    options = network.options
    if isinstance(options, dict):
        return options
    return json.loads(options.to_json())


class GraphView:
    """A drawn graph: the pyvis ``Network`` plus what the page around it shows (legend, filters, figures).

    Attributes
    ----------
    network : pyvis.network.Network
        The nodes, edges and vis-network options; restyle them freely before :meth:`html` or :meth:`write`.
    meta : dict
        Legend, filters, notes, statistics and (diff views) the before/after panel, as plain data.
    members : dict or None
        Aggregated views: what a click on a node opens (``members``: its busiest entities, ``ties``: the ties
        among them), as vis-network items.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={})
    >>> G.add_node("A", label="A", kind="organization", layers=())
    >>> view = graph_view(G, title="One node")
    >>> view.network.num_nodes(), "<title>One node</title>" in view.html()
    (1, True)
    """

    def __init__(
        self, network: Network, meta: Mapping[str, Any], members: Mapping[str, list[dict[str, Any]]] | None = None
    ) -> None:
        self.network = network
        self.meta = dict(meta)
        self.members = dict(members) if members is not None else None

    @property
    def title(self) -> str:
        """The page title."""
        return str(self.network.heading or self.meta.get("title") or "")

    @property
    def notes(self) -> list[str]:
        """What the view left out or changed (aggregation, physics off, edge labels hidden)."""
        return list(self.meta.get("notes") or [])

    def html(self) -> str:
        """Return the standalone HTML page (no network access needed to show it)."""
        nodes = self.network.nodes
        rows = {item["id"]: row for row, item in enumerate(nodes)}
        payload: dict[str, Any] = {
            "nodes": encode_table(nodes),
            "edges": encode_table(self.network.edges, rows),
            "options": _options_of(self.network),
            "meta": self.meta,
        }
        if self.members:
            members = self.members["members"]
            member_rows = {item["id"]: row for row, item in enumerate(members)}
            payload["members"] = encode_table(members)
            payload["member_ties"] = encode_table(self.members["ties"], member_rows)
        return page_html(self.title or "stackgraph", payload)

    def _repr_html_(self) -> str:
        page = html.escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" sandbox="allow-scripts" '
            'style="width:100%;height:720px;border:1px solid #ddd" title="stackgraph view"></iframe>'
        )

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically and return the path.

        Raises
        ------
        InputError
            The folder does not exist or cannot be written.
        """
        from stackgraph.atomic import atomic_write

        return atomic_write(path, self.html())

    def __repr__(self) -> str:
        return f"<GraphView {self.title!r}: {self.network.num_nodes()} nodes, {self.network.num_edges()} edges>"


# ---------------------------------------------------------------------------------------------------------------
# public builders
# ---------------------------------------------------------------------------------------------------------------


def graph_view(
    G: nx.MultiDiGraph,
    *,
    title: str | None = None,
    size_by: str = "degree",
    aggregate_by: str | None = None,
    physics: bool | None = None,
    max_nodes: int = MAX_NODES,
    seed: int = 0,
) -> GraphView:
    """Draw a projected graph: colour by layer, shape by kind, size by centrality, ties by relation and status.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph (see DEVELOPERS.md, "Projection contract"), usually narrowed by :func:`select`.
        ``G`` is not modified.
    title : str, optional
        Page title (plain text; escaped).
    size_by : {"degree", "pagerank", "betweenness", "eigenvector"}
        Centrality measure for node size (degree counts deals; the others come from
        :func:`stackgraph.analysis.centrality`).
    aggregate_by : {"layers", "groups"}, optional
        Draw stack layers or control groups as nodes instead of entities (a click on one shows its busiest
        members). Graphs with more than ``max_nodes`` entities are aggregated by groups unless this says layers
        (see :attr:`GraphView.notes`).
    physics : bool, optional
        Let the browser tidy the precomputed layout; by default only up to :data:`PHYSICS_NODE_LIMIT` entities.
    seed : int
        Seed of the precomputed layout (same graph and seed, same picture).

    Returns
    -------
    GraphView

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"chips": {"label": "Chips"}})
    >>> G.add_node("N", label="Nvidia", kind="organization", layers=("chips",))
    >>> G.add_node("O", label="OpenAI", kind="organization", layers=())
    >>> _ = G.add_edge("N", "O", key="d1", relation="supplies", status="in-talks", amount=1e9, currency="USD")
    >>> view = graph_view(G)
    >>> edge = view.network.edges[0]
    >>> edge["label"], edge["dashes"], edge["sg_relation"]
    ('$1B', [8, 5], 'supplies')
    """
    notes: list[str] = []
    if aggregate_by is not None and aggregate_by not in AGGREGATES:
        raise InputError(f"unknown aggregate {aggregate_by!r}; use one of {', '.join(AGGREGATES)}")
    if aggregate_by is None and G.number_of_nodes() > max_nodes:
        aggregate_by = "groups"
        notes.append(
            f"{G.number_of_nodes():,} entities are more than a browser can draw ({max_nodes:,}): showing the "
            "largest control groups, and the other entities pooled by stack layer, as nodes (use --aggregate "
            "layers for stack layers, or filter)."
        )
    default_title = f"stackgraph: {G.graph.get('selection', {}).get('focus') or 'AI stack'}"
    members_of = None
    if aggregate_by is not None:
        G, members_of = aggregate(G, aggregate_by), G
    network, meta, members = build(
        G, title=title or default_title, size_by=size_by, physics=physics, seed=seed, notes=notes, members_of=members_of
    )
    return GraphView(network, meta, members)


def diff_view(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    report: Mapping[str, Any] | Any | None = None,
    *,
    title: str | None = None,
    size_by: str = "degree",
    physics: bool | None = None,
    seed: int = 0,
    focus: str | None = None,
    depth: int = 1,
    layers: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    within_layers: bool = False,
) -> GraphView:
    """Draw a scenario's before and after graphs in one view: what it adds, removes and regroups stands out.

    Ties only in ``after`` are thick and green, ties only in ``before`` grey and dashed; entities that change
    control group get a magenta border; a panel lists before/after figures (entities, ties per relation, group
    moves, and the report's sections when ``report`` is given).

    Parameters
    ----------
    before, after : networkx.MultiDiGraph
        Projections without and with the scenario (e.g. ``WhatIf.before`` and ``WhatIf.after``).
    report : dict, optional
        The what-if report (``WhatIf.report``) for the figures panel.
    focus, depth, layers, relations, statuses, within_layers
        Narrow the drawing as :func:`stackgraph.render.select` does (the panel's figures stay whole-graph).

    Examples
    --------
    >>> B = nx.MultiDiGraph(layers={})
    >>> B.add_node("S", label="SpaceX", kind="organization"); B.add_node("N", label="Nokia", kind="organization")
    >>> A = B.copy()
    >>> _ = A.add_edge("S", "N", key="x", relation="acquires", status="hypothetical", stake=None)
    >>> view = diff_view(B, A)
    >>> view.network.edges[0]["sg_change"], view.meta["diff"]["sections"][0]["rows"][1]["after"]
    ('added', 1)
    """
    D = merge_diff(before, after)
    figures = diff_figures(D, report)
    if focus is not None or layers or relations or statuses:
        D = select(
            D,
            focus=focus,
            depth=depth,
            layers=layers,
            relations=relations,
            statuses=statuses,
            within_layers=within_layers,
        )
    network, meta, _ = build(
        D,
        title=title or f"What if: {figures['title']}",
        size_by=size_by,
        physics=physics,
        seed=seed,
        diff=figures,
    )
    return GraphView(network, meta)


def scenario_diff_html(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    report: Mapping[str, Any] | Any | None = None,
    *,
    title: str | None = None,
) -> str:
    """Return the standalone HTML page of :func:`diff_view` (what ``stackgraph whatif --html`` writes).

    Examples
    --------
    >>> B = nx.MultiDiGraph(layers={}); B.add_node("A", label="A")
    >>> scenario_diff_html(B, B.copy()).startswith("<!DOCTYPE html>")
    True
    """
    return diff_view(before, after, report, title=title).html()
