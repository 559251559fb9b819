"""The vis-network items of one entity or tie: shape, colour, size, marks of a diff, tooltip (plain text), and the
lean form a large view uses (plain colours; ``sg_tip`` instead of vis-network's tooltip). ``sg_*`` fields are read
by the page only (names, filter keys, tooltips it shows itself)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from stackgraph.render._style import (
    ADDED_COLOR,
    GROUP_CHANGED_COLOR,
    KIND_SHAPES,
    RELATION_ARROWS,
    RELATION_COLORS,
    RELATION_LABELS,
    REMOVED_COLOR,
    UNCERTAIN_STATUSES,
    edge_label,
    edge_tooltip,
)
from stackgraph.vocabulary import rules

__all__ = ["DENSE_EDGES", "edge_items", "lean_node", "node_id", "node_item", "short", "size_of"]

#: Above this many ties (or an overview's links) vis-network draws them straight, and an overview's links thin.
DENSE_EDGES = 1000

Item = dict[str, Any]


def size_of(value: float, top: float, low: float = 10.0, high: float = 42.0) -> float:
    if top <= 0:
        return low
    return round(low + (high - low) * math.sqrt(max(value, 0.0) / top), 1)


def node_id(node: Hashable) -> Any:
    return node if isinstance(node, (str, int)) else str(node)


def _darker(color: str, factor: float = 0.7) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def node_item(
    G: nx.MultiDiGraph,
    node: Hashable,
    label: str,
    pos: tuple[float, float],
    color: str,
    layer_labels: Mapping[str, str],
    is_diff: bool,
) -> Item:
    data = G.nodes[node]
    kind = data.get("kind")
    aggregated = G.graph.get("aggregate")
    item: Item = {
        "id": node_id(node),
        "label": short(label),
        "shape": KIND_SHAPES.get(kind, "dot"),
        "color": {
            "background": color,
            "border": _darker(color),
            "highlight": {"background": color, "border": "#000000"},
            "hover": {"background": color, "border": "#000000"},
        },
        "x": pos[0],
        "y": pos[1],
        "sg_name": label,
        "sg_aliases": [str(a) for a in data.get("aliases") or ()],
        "sg_kind": kind or "entity",
        "_extra": [],
    }
    if aggregated:
        item["shape"] = "hexagon" if aggregated == "layers" else "dot"
    elif is_diff:
        change = data.get("change")
        if data.get("group_changed"):
            item["borderWidth"] = 4
            item["color"]["border"] = GROUP_CHANGED_COLOR
            item["_extra"].append(f"control group: {data.get('group_before')} → {data.get('group_after')}")
        elif change == "added":
            item["borderWidth"] = 4
            item["color"]["border"] = ADDED_COLOR
        if change == "added":
            item["_extra"].append("new in the scenario")
        elif change == "removed":
            item["opacity"] = 0.35
            item["_extra"].append("gone in the scenario")
        item["sg_change"] = change
    return item


def edge_items(G: nx.MultiDiGraph, layer_labels: Mapping[str, str], is_diff: bool, lean: bool) -> list[Item]:
    aggregated = G.graph.get("aggregate")
    dense = G.number_of_edges() > DENSE_EDGES
    edges: list[Item] = []
    seen_partnerships: set[tuple[Any, frozenset[Any]]] = set()
    parallel: Counter[frozenset[Any]] = Counter()
    for u, v, key, data in G.edges(keys=True, data=True):
        relation = data.get("relation") or "related"
        if relation == "partners_with":  # one tie, though projected both ways
            mark = (key, frozenset((u, v)))
            if mark in seen_partnerships:
                continue
            seen_partnerships.add(mark)
        status = data.get("status")
        color = RELATION_COLORS.get(relation, "#888888")
        edge: Item = {
            "id": f"e{len(edges)}",
            "from": node_id(u),
            "to": node_id(v),
            "color": {"color": color, "highlight": color, "hover": color, "opacity": 0.85},
            "width": 1.6,
            "sg_deal": str(key),
            "sg_relation": relation,
            "sg_status": status or "none",
        }
        arrow = RELATION_ARROWS.get(relation, "arrow")
        edge["arrows"] = {"to": {"enabled": True, "type": arrow, "scaleFactor": 0.7}} if arrow else {"to": False}
        source, target = str(G.nodes[u].get("label") or u), str(G.nodes[v].get("label") or v)
        if aggregated:
            count = int(data.get("count") or 1)
            if dense:  # thin and faint: hundreds of links cross each other
                edge["width"] = round(min(6.0, 0.5 + 0.7 * math.log2(count)), 2)
                edge["color"]["opacity"] = 0.4
            else:
                edge["width"] = round(1 + 1.2 * math.log2(count), 2)
            if arrow:
                edge["arrows"] = {"to": {"enabled": True, "type": arrow, "scaleFactor": 0.35}}
            edge["_label"] = str(count)
            breakdown = data.get("by_relation") or {relation: count}
            edge["title"] = "\n".join(
                [
                    f"{count:,} tie{'s' if count != 1 else ''} from {source} to {target}",
                    *(f"{RELATION_LABELS.get(r, r)}: {c:,}" for r, c in breakdown.items()),
                ]
            )
        else:
            _mark_edge(edge, data, status, is_diff)
            edge["_label"] = edge_label(data)
            edge["title"] = edge_tooltip(data, source, target, layer_labels, extra=edge.pop("_extra"))
            basis = [str(kind) for kind in data.get("basis") or ()]
            if basis:
                edge["sg_basis"] = basis
        if not lean and not dense:
            pair = frozenset((u, v))
            if parallel[pair]:
                edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * parallel[pair]}
            parallel[pair] += 1
        else:
            _lean_edge(edge, color)
        edges.append(edge)
    return edges


def _mark_edge(edge: Item, data: Mapping[str, Any], status: str | None, is_diff: bool) -> None:
    """Dashes for uncertain or terminated deals; colour, width and a tooltip line for scenario changes."""
    edge["_extra"] = []
    if status in UNCERTAIN_STATUSES:
        edge["dashes"] = [8, 5]
    elif status in rules.ended_statuses():
        edge["dashes"] = [2, 5]
        edge["color"]["opacity"] = 0.4
    if not is_diff:
        return
    change = data.get("change")
    edge["sg_change"] = change
    if change == "added":
        edge["width"] = 4
        edge["color"] = {"color": ADDED_COLOR, "highlight": ADDED_COLOR, "hover": ADDED_COLOR}
        edge["shadow"] = {"enabled": True, "color": "rgba(18,161,80,0.45)", "size": 8, "x": 0, "y": 0}
        edge["_extra"].append("added in the scenario")
    elif change == "removed":
        edge["color"] = {"color": REMOVED_COLOR, "highlight": REMOVED_COLOR, "hover": REMOVED_COLOR, "opacity": 0.7}
        edge["dashes"] = [4, 4]
        edge["_extra"].append("removed in the scenario")


def lean_node(item: Item) -> None:
    """Leanest node vis-network builds fast: no label (the page draws names), no title (the page shows
    ``sg_tip`` on hover), a plain colour unless the node is marked."""
    item["sg_tip"] = item.pop("title", "")
    if "borderWidth" not in item:
        item["color"] = item["color"]["background"]
    if item.get("shape") == "dot":
        del item["shape"]
    if not item.get("sg_aliases"):
        item.pop("sg_aliases", None)


def _lean_edge(edge: Item, color: str) -> None:
    """A tie the page draws: plain colour (or the change's), dashes and width, tooltip text in ``sg_tip``."""
    edge["sg_tip"] = edge.pop("title", "")
    edge.pop("id", None)
    edge.pop("arrows", None)
    edge.pop("shadow", None)
    if edge.get("sg_change") in (None, "same"):
        edge["color"] = color
        edge.pop("width", None)
    else:
        edge["color"] = edge["color"]["color"]
