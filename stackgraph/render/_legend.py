"""What the sidebar of a view lists: the statistics line, the legend and the filters (plain data for the page)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from stackgraph.projection import KINDS, RELATIONS, STATUS_KEYS
from stackgraph.render._style import (
    ADDED_COLOR,
    BASIS_LABELS,
    FOCUS_COLOR,
    GROUP_CHANGED_COLOR,
    KIND_SHAPES,
    KIND_SYMBOLS,
    RELATION_ARROWS,
    RELATION_COLORS,
    RELATION_LABELS,
    REMOVED_COLOR,
    UNCERTAIN_STATUSES,
    counted,
)
from stackgraph.vocabulary import rules

__all__ = ["filters", "legend", "stats"]

Item = dict[str, Any]


def _describe_selection(G: nx.Graph) -> str:
    selection = G.graph.get("selection") or {}
    parts = []
    if selection.get("focus"):
        parts.append(f"around {selection['focus']} (depth {selection.get('depth')})")
    for name in ("layers", "relations", "statuses"):
        if selection.get(name):
            parts.append(f"{name}: {', '.join(selection[name])}")
    return "; ".join(parts)


def stats(G: nx.MultiDiGraph, nodes: Sequence[Item], edges: Sequence[Item]) -> str:
    """The one-line summary under the title: what is drawn, as of when, which selection."""
    aggregated = G.graph.get("aggregate")
    if aggregated:
        total = int(G.graph.get("entities") or sum(int(d.get("members") or 0) for _, d in G.nodes(data=True)))
        parts = [f"{len(nodes):,} {aggregated} summarising {total:,} entities", counted(len(edges), "link", "links")]
    else:
        parts = [counted(len(nodes), "entity", "entities"), counted(len(edges), "tie", "ties")]
    if G.graph.get("as_of"):
        parts.append(f"as of {G.graph['as_of']}")
    selection = _describe_selection(G)
    if selection:
        parts.append(selection)
    return " · ".join(parts)


def _basis_counts(edges: Sequence[Item]) -> Counter[str]:
    return Counter(kind for e in edges for kind in e.get("sg_basis") or ())


def legend(
    G: nx.MultiDiGraph,
    nodes: Sequence[Item],
    edges: Sequence[Item],
    colors: Mapping[str, str],
    layer_labels: Mapping[str, str],
    measure: str,
    is_diff: bool,
) -> list[dict[str, Any]]:
    """The legend's sections: layer colours, kind shapes, relation colours, status dashes, basis, size, marks."""
    aggregated = G.graph.get("aggregate")
    sections = [
        {
            "title": "Stack layer (node colour)",
            "items": [{"label": layer_labels.get(k, k), "color": c} for k, c in colors.items()],
        }
    ]
    if not aggregated:
        kinds = [k for k in (*KINDS, "entity") if any(item["sg_kind"] == k for item in nodes)]
        sections.append(
            {
                "title": "Kind (node shape)",
                "items": [
                    {"label": k, "symbol": KIND_SYMBOLS[KIND_SHAPES.get(k, "dot")], "color": "#555555"} for k in kinds
                ],
            }
        )
    relations = [r for r in RELATIONS if any(e["sg_relation"] == r for e in edges)]
    sections.append(
        {
            "title": "Relation (tie colour and arrow)" if not aggregated else "Commonest relation (link colour)",
            "items": [
                {
                    "label": RELATION_LABELS[r] + ("" if RELATION_ARROWS[r] else " (both ways)"),
                    "line": {"color": RELATION_COLORS[r]},
                }
                for r in relations
            ],
        }
    )
    if not aggregated:
        statuses = {e["sg_status"] for e in edges}
        solid = " or ".join(rules.status_keys_meaning("in-effect"))
        status_items = [{"label": f"solid: {solid}", "line": {"color": "#555555"}}]
        if statuses & UNCERTAIN_STATUSES:
            uncertain = [s.replace("-", " ") for s in STATUS_KEYS if s in statuses & UNCERTAIN_STATUSES]
            status_items.append(
                {"label": "dashed: " + ", ".join(uncertain), "line": {"color": "#555555", "dashes": True}}
            )
        ended = [s.replace("-", " ") for s in STATUS_KEYS if s in statuses & rules.ended_statuses()]
        if ended:
            status_items.append(
                {"label": "faint dots: " + ", ".join(ended), "line": {"color": "#bbbbbb", "dashes": True}}
            )
        sections.append({"title": "Status (tie style)", "items": status_items})
    basis = _basis_counts(edges)
    if basis:
        sections.append(
            {
                "title": "Basis (evidence of a tie, in its tooltip)",
                "items": [
                    {"label": f"{label}: {counted(basis[key], 'tie', 'ties')}", "symbol": "ⓘ", "color": "#555555"}
                    for key, label in BASIS_LABELS.items()
                    if basis[key]
                ],
            }
        )
    size_text = "entities in it" if aggregated else f"{measure} centrality"
    sections.append({"title": "Size", "items": [{"label": f"node size: {size_text}", "symbol": "●", "color": "#999"}]})
    if is_diff:
        sections.append(
            {
                "title": "Scenario changes",
                "items": [
                    {"label": "tie added", "line": {"color": ADDED_COLOR, "width": 4}},
                    {"label": "tie removed", "line": {"color": REMOVED_COLOR, "dashes": True}},
                    {"label": "entity changes control group", "color": "#ffffff", "border": GROUP_CHANGED_COLOR},
                    {"label": "entity new in the scenario", "color": "#ffffff", "border": ADDED_COLOR},
                ],
            }
        )
    if G.graph.get("focus") is not None:
        sections.append(
            {"title": "Focus", "items": [{"label": "focus entity", "color": "#ffffff", "border": FOCUS_COLOR}]}
        )
    if G.graph.get("outside_layers"):
        sections.append(
            {
                "title": "Layers",
                "items": [{"label": "faded: counterparty outside the chosen layers", "color": "#dddddd"}],
            }
        )
    return sections


def filters(
    nodes: Sequence[Item],
    edges: Sequence[Item],
    colors: Mapping[str, str],
    layer_labels: Mapping[str, str],
    is_diff: bool,
    aggregated: bool,
) -> list[dict[str, Any]]:
    """The filter boxes: relation, status, basis (ties) and layer (entities), plus change in a diff view."""
    relation_count = Counter(e["sg_relation"] for e in edges)
    status_count = Counter(e["sg_status"] for e in edges)
    layer_count = Counter(k for item in nodes for k in item["sg_layers"])
    boxes = [
        {
            "field": "sg_relation",
            "target": "edges",
            "title": "Commonest relation" if aggregated else "Relation",
            "items": [
                {"key": r, "label": RELATION_LABELS.get(r, r), "count": relation_count[r], "line": {"color": c}}
                for r, c in [*RELATION_COLORS.items(), ("related", "#888888")]
                if relation_count[r]
            ],
        }
    ]
    if not aggregated:
        boxes.append(
            {
                "field": "sg_status",
                "target": "edges",
                "title": "Status",
                "items": [
                    {
                        "key": s,
                        "label": s.replace("-", " "),
                        "count": status_count[s],
                        "line": {"color": "#555555", "dashes": s in UNCERTAIN_STATUSES},
                    }
                    for s in (*STATUS_KEYS, "none")
                    if status_count[s]
                ],
            }
        )
    basis = _basis_counts(edges)
    if basis:  # a tie with several kinds of evidence stays while one of them is ticked
        boxes.append(
            {
                "field": "sg_basis",
                "target": "edges",
                "title": "Basis",
                "items": [
                    {"key": key, "label": label, "count": basis[key], "symbol": "ⓘ", "color": "#555555"}
                    for key, label in BASIS_LABELS.items()
                    if basis[key]
                ],
            }
        )
    boxes.append(
        {
            "field": "sg_layers",
            "target": "nodes",
            "title": "Stack layer",
            "items": [
                {"key": k, "label": layer_labels.get(k, k), "count": layer_count[k], "color": c}
                for k, c in colors.items()
                if layer_count[k]
            ],
        }
    )
    if is_diff:
        change_count = Counter(e.get("sg_change") for e in edges)
        boxes.append(
            {
                "field": "sg_change",
                "target": "edges",
                "title": "Change",
                "items": [
                    {"key": key, "label": label, "count": change_count[key], "line": line}
                    for key, label, line in (
                        ("added", "added", {"color": ADDED_COLOR, "width": 4}),
                        ("removed", "removed", {"color": REMOVED_COLOR, "dashes": True}),
                        ("same", "unchanged", {"color": "#555555"}),
                    )
                    if change_count[key]
                ],
            }
        )
    return boxes
