"""Turn a projected (selected, merged or aggregated) graph into what a view draws.

Nodes and ties become vis-network option dicts plus ``sg_*`` fields that only the page reads (names, tooltips,
filter keys); the sidebar's statistics, legend and filters come from :mod:`stackgraph.render._legend`. How much a
view shows at once depends on its size:

- up to :data:`PHYSICS_NODE_LIMIT` entities the browser tidies the precomputed layout with physics;
- above :data:`HUB_NODE_LIMIT` entities names cannot all be read: the :data:`HUB_LABELS` entities with the
  highest size measure are always named (the page draws those names at a readable size at every zoom) and
  entities without ties are hidden behind a counter (drawn in rows under the graph when asked for);
- above :data:`EDGE_LABEL_LIMIT` ties, a tie's label (amount, date) appears when the mouse is on it;
- above :data:`LEAN_NODE_LIMIT` entities vis-network gets only the :data:`VIS_NODE_LIMIT` most important
  nodes, with the leanest styling, and the page draws the other nodes, the ties, arrow heads and names itself
  (vis-network builds an object per item: 2.4 s for 20,000 nodes and 40,000 ties, 0.9 s for the nodes alone,
  and draws each node with its own canvas state).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.render._items import DENSE_EDGES, edge_items, lean_node, node_id, node_item, size_of
from stackgraph.render._layout import grid_below, positions
from stackgraph.render._legend import filters, legend, stats
from stackgraph.render._style import FOCUS_COLOR, NO_LAYER, counted, layer_colors, node_tooltip
from stackgraph.vocabulary import rules

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = [
    "EDGE_LABEL_LIMIT",
    "HUB_LABELS",
    "HUB_NODE_LIMIT",
    "LEAN_NODE_LIMIT",
    "PHYSICS_NODE_LIMIT",
    "SIZE_MEASURES",
    "VIS_NODE_LIMIT",
    "build",
]

#: Up to this many entities the browser tidies the precomputed layout with physics; above, physics is off.
PHYSICS_NODE_LIMIT = 300
#: Above this many entities names cannot all be read: the top entities are named, those without ties hidden.
HUB_NODE_LIMIT = 150
#: How many entities (the highest by the size measure) are always named in a view above :data:`HUB_NODE_LIMIT`.
HUB_LABELS = 30
#: Above this many ties, a tie's label (amount, date) is shown only while the mouse is on it.
EDGE_LABEL_LIMIT = 40
#: Above this many entities vis-network gets only the nodes (lean styling) and the page draws ties and names.
LEAN_NODE_LIMIT = 1000
#: How many entities of a lean view vis-network gets at load (its cost is about 70 µs per node to build and a
#: canvas state per node to draw); the page draws the others and hands one over when it is clicked or found.
VIS_NODE_LIMIT = 2000
#: Centrality measures that can size nodes.
SIZE_MEASURES: tuple[str, ...] = ("degree", "pagerank", "betweenness", "eigenvector")

Item = dict[str, Any]


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _scores(G: nx.MultiDiGraph, measure: str) -> dict[Hashable, float]:
    if measure not in SIZE_MEASURES:
        raise InputError(f"unknown size measure {measure!r}; use one of {', '.join(SIZE_MEASURES)}")
    n = G.number_of_nodes()
    if measure == "degree" or G.number_of_edges() == 0:
        scale = 1 / (n - 1) if n > 1 else 0.0
        return {node: G.degree(node) * scale for node in G.nodes}
    from stackgraph.analysis.centrality import centrality

    report = centrality(G)
    values = {row.entity: _finite(getattr(row, measure)) for row in report.rows}
    return {node: values.get(str(node), 0.0) for node in G.nodes}


def _layer_order(G: nx.Graph, present: Iterable[str]) -> list[str]:
    scheme = list((G.graph.get("layers") or {}).keys())
    present = set(present)
    ordered = [k for k in scheme if k in present]
    ordered += sorted(k for k in present if k not in scheme and k != NO_LAYER)
    return ordered + ([NO_LAYER] if NO_LAYER in present else [])


def _new_network(title: str) -> Network:
    from pyvis.network import Network

    return Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")


def _positions(
    G: nx.MultiDiGraph, drawn: list[Hashable], deferred: list[Hashable], *, seed: int, lean: bool
) -> dict[Hashable, tuple[float, float]]:
    aggregated = G.graph.get("aggregate")
    if aggregated == "layers":  # few nodes, many links: on a circle in the scheme's order, read like the stack
        n = len(drawn)
        radius = max(320.0, 45.0 * n)
        return {
            node: (
                round(radius * math.cos(2 * math.pi * i / max(n, 1)), 1),
                round(radius * math.sin(2 * math.pi * i / max(n, 1)), 1),
            )
            for i, node in enumerate(drawn)
        }
    spacing = 240.0 if aggregated else (80.0 if lean else 150.0)
    placed = positions(G, seed=seed, spacing=spacing, nodes=drawn)
    return {**placed, **grid_below(deferred, placed, spacing=spacing * 0.6)}


def _hubs(G: nx.MultiDiGraph, drawn: list[Hashable], scores: Mapping[Hashable, float]) -> list[Any]:
    """The :data:`HUB_LABELS` drawn nodes with the highest score (above 0), highest first (an overview's pools of
    "others" after its groups)."""

    def rank(node: Hashable) -> tuple[bool, float, str]:
        data = G.nodes[node]
        return (data.get("kind") == "others", -scores[node], str(data.get("label") or node))

    ranked = sorted((node for node in drawn if scores.get(node, 0.0) > 0), key=rank)
    return [node_id(node) for node in ranked[:HUB_LABELS]]


def _vis_first(
    G: nx.MultiDiGraph, drawn: list[Hashable], scores: Mapping[Hashable, float], lean: bool
) -> list[Hashable]:
    """In a lean view, the entities vis-network gets at load, in ``G``'s order: the focus, those a diff marks, and
    the highest by score, :data:`VIS_NODE_LIMIT` in all (the page draws the others and hands one to vis-network
    when it is clicked or found)."""
    if not lean:
        return drawn
    focus = G.graph.get("focus")
    marked = {
        v
        for v in drawn
        if v == focus or G.nodes[v].get("change") not in (None, "same") or G.nodes[v].get("group_changed")
    }
    ranked = sorted(drawn, key=lambda v: -scores.get(v, 0.0))[: max(0, VIS_NODE_LIMIT - len(marked))]
    chosen = marked | set(ranked)
    return [v for v in drawn if v in chosen]


def build(
    G: nx.MultiDiGraph,
    *,
    title: str,
    size_by: str,
    physics: bool | None,
    seed: int,
    diff: Mapping[str, Any] | None = None,
    notes: Iterable[str] = (),
    members_of: nx.MultiDiGraph | None = None,
) -> tuple[Network, dict[str, Any], dict[str, list[Item]] | None]:
    """Return the pyvis network (nodes, ties, options), the page's meta data and (overviews) what each aggregate
    node opens into.

    ``G`` is a projected graph, a :func:`~stackgraph.render.merge_diff` graph (``diff`` then holds the panel) or
    an :func:`~stackgraph.render.aggregate` graph of ``members_of``. Nodes come in ``G``'s order, those hidden
    behind the counter (``meta["deferred"]`` of them) last.
    """
    aggregated = G.graph.get("aggregate")
    n = G.number_of_nodes()
    lean = n > LEAN_NODE_LIMIT and not aggregated
    named_hubs = n > HUB_NODE_LIMIT
    use_physics = (n <= PHYSICS_NODE_LIMIT and not aggregated) if physics is None else bool(physics)
    focus = G.graph.get("focus")
    outside = G.graph.get("outside_layers") or frozenset()
    notes = list(notes)
    undated = G.graph.get("undated")
    if undated:  # what the view did with undated deals (the ties' basis is in the legend and tooltips)
        notes.append(rules.undated_note(undated["rule"], undated["deals"]) + ".")

    scheme = G.graph.get("layers") or {}
    layer_labels = {key: str(info.get("label") or key) for key, info in scheme.items()}
    layer_labels[NO_LAYER] = "No layer"
    if aggregated:
        scores = {node: float(G.nodes[node].get("members") or 0) for node in G.nodes}
        measure = "members"
    else:
        scores, measure = _scores(G, size_by), size_by
    top = max(scores.values(), default=0.0)
    degree = dict(G.degree())
    deferred = [v for v in G if degree[v] == 0 and v != focus] if named_hubs and not aggregated else []
    hidden = set(deferred)
    drawn = [v for v in G if v not in hidden]
    labels = {node: str(data.get("label") or node) for node, data in G.nodes(data=True)}
    hubs = _hubs(G, drawn, scores) if named_hubs else []
    hub_set = set(hubs)
    layers_of = {node: (tuple(G.nodes[node].get("layers") or ()) or (NO_LAYER,)) for node in G.nodes}
    present = {k for ls in layers_of.values() for k in ls}
    if aggregated and members_of is not None:  # the members' layers too: they are drawn when a node opens
        present |= {k for _, top in G.nodes.data("top_members") for m in top or () for k in _layers(members_of, m)}
    colors = layer_colors(_layer_order(G, present))
    pos = _positions(G, drawn, deferred, seed=seed, lean=lean)
    first = _vis_first(G, drawn, scores, lean)
    in_vis = set(first)
    order = [*first, *(v for v in drawn if v not in in_vis), *deferred] if lean else [*drawn, *deferred]

    nodes = [
        node_item(G, node, labels[node], pos[node], colors[layers_of[node][0]], layer_labels, diff is not None)
        for node in order
    ]
    for item, node in zip(nodes, order, strict=True):
        data = G.nodes[node]
        item["size"] = size_of(scores.get(node, 0.0), top, *((6.0, 24.0) if lean else (10.0, 42.0)))
        item["sg_layers"] = list(layers_of[node])
        extra = item.pop("_extra")
        if node in outside:
            item["opacity"] = 0.5
            extra.append("outside the chosen layers: a counterparty of their ties")
        if focus is not None and node == focus:
            item["borderWidth"] = 4
            item["color"]["border"] = FOCUS_COLOR
            item["font"] = {"size": 16, "bold": True}
            extra.append("focus of this view")
        if aggregated:
            lines = [
                f"{data.get('members', 0):,} entities · {data.get('internal', 0):,} ties inside",
                "e.g. " + ", ".join(data.get("sample") or ()),
            ]
            item["title"] = "\n".join([labels[node], *lines])
        else:
            item["title"] = node_tooltip(
                data, layer_labels, measure=measure, score=scores.get(node), degree=degree[node], extra=extra
            )
        if node_id(node) in hub_set or lean:
            item.pop("label", None)  # the page draws these names
        if lean:
            lean_node(item)

    edges = edge_items(G, layer_labels, diff is not None, lean)
    if lean:
        edge_labels = "tooltip"
    elif len(edges) > EDGE_LABEL_LIMIT:
        edge_labels = "hover"
    else:
        edge_labels = "always"
    for edge in edges:
        text = edge.pop("_label")
        if text and edge_labels == "always":
            edge["label"] = text
        elif text and edge_labels == "hover":
            edge["sg_label"] = text

    if lean and not use_physics:
        notes.append(f"More than {LEAN_NODE_LIMIT:,} entities: positions are precomputed and physics is off.")
    if hubs:
        if aggregated:
            what = f"{'groups' if aggregated == 'groups' else 'layers'} with the most entities"
        else:
            what = f"entities with the highest {measure} centrality"
        notes.append(f"Names shown for the {len(hubs)} {what}; the others appear when you zoom in.")
    if edge_labels == "hover":
        what = "links: a link's count of ties appears" if aggregated else "ties: a tie's amount and date appear"
        notes.append(f"More than {EDGE_LABEL_LIMIT} {what} when you point at it.")
    elif edge_labels == "tooltip":
        notes.append("Ties are unlabelled at this size: zoom in and point at one for its details.")

    expanded = None
    if aggregated and members_of is not None:
        from stackgraph.render._overview import expansion

        expanded = expansion(members_of, G, colors, layer_labels)
        untied = int(G.graph.get("untied") or 0)
        notes.append(
            f"Click a {'group' if aggregated == 'groups' else 'layer'} to see its busiest members and the ties "
            "among the members shown; click it again to close it."
            + (f" {counted(untied, 'entity', 'entities')} without ties not drawn." if untied else "")
        )

    network = _new_network(title)
    network.nodes = nodes
    network.node_ids = [item["id"] for item in nodes]
    network.node_map = {item["id"]: item for item in nodes}
    network.edges = edges
    network.options = _options(
        lean=lean, physics=use_physics, seed=seed, big=n > PHYSICS_NODE_LIMIT, straight=len(edges) > DENSE_EDGES
    )
    meta = {
        "title": title,
        "stats": stats(G, nodes, edges),
        "notes": notes,
        "legend": legend(G, nodes, edges, colors, layer_labels, measure, diff is not None),
        "filters": filters(nodes, edges, colors, layer_labels, diff is not None, bool(aggregated)),
        "physics": use_physics,
        "lean": lean,
        "hubs": hubs,
        "deferred": len(deferred),
        "untied": int(G.graph.get("untied") or 0),
        "vis_rows": len(first) if lean else len(drawn),
        "edge_labels": edge_labels,
        "focus": node_id(focus) if focus is not None else None,
        "diff": dict(diff) if diff is not None else None,
        "size_by": measure,
        "units": [str(aggregated), "links"] if aggregated else ["entities", "ties"],
        "aggregate": aggregated,
    }
    return network, meta, expanded


def _layers(G: nx.MultiDiGraph, node: Hashable) -> tuple[str, ...]:
    return tuple(G.nodes[node].get("layers") or ()) or (NO_LAYER,)


def _options(*, lean: bool, physics: bool, seed: int, big: bool, straight: bool) -> dict[str, Any]:
    options: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"shape": "dot", "borderWidth": 1.5},
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": True},
        "layout": {"improvedLayout": False, "randomSeed": seed},
    }
    if not lean:  # in a lean view the page draws the names and the ties
        options["nodes"]["font"] = {
            "size": 13,
            "face": "system-ui, sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        }
        options["edges"] = {
            "width": 1.6,
            "arrowStrikethrough": False,
            "selectionWidth": 2,
            "hoverWidth": 1,
            "font": {"size": 10, "align": "horizontal", "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#333333"},
            "smooth": False if straight else {"enabled": True, "type": "continuous", "roundness": 0.2},
        }
        options["interaction"].update({"hideEdgesOnDrag": big, "hideEdgesOnZoom": big})
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -5000,
                "centralGravity": 0.2,
                "springLength": 150,
                "springConstant": 0.03,
                "damping": 0.4,
                "avoidOverlap": 0.4,
            },
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 50, "fit": True},
        }
    else:
        options["physics"] = {"enabled": False}
    return options
