"""What the nodes of an aggregated view open into: their busiest members and the ties among them.

An overview (:func:`~stackgraph.render.aggregate`) draws control groups or stack layers as nodes; a click on one
shows its members with the most ties (``top_members``, drawn around it) and the ties among every member shown.
The page gets those members and ties up front as two more tables (``assets/overview.js`` adds and removes them).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from stackgraph.render._items import edge_items, node_item, short, size_of
from stackgraph.render._style import NO_LAYER, node_tooltip

__all__ = ["MEMBER_TIES", "expansion"]

#: Most member-to-member ties an overview carries (those between the busiest members first).
MEMBER_TIES = 20000


def expansion(
    G: nx.MultiDiGraph, A: nx.MultiDiGraph, colors: Mapping[str, str], layer_labels: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Return the member items (vis ids ``m0``, ``m1``, ...; ``sg_group`` the aggregate node) and the ties among
    them (ends as member ids) for the aggregate graph ``A`` of ``G``."""
    members: list[Hashable] = []
    group: dict[Hashable, Hashable] = {}
    for key, top in A.nodes(data="top_members"):
        for member in top or ():
            if member not in group:
                group[member] = key
                members.append(member)
    vis_id = {member: f"m{i}" for i, member in enumerate(members)}
    degree = dict(G.degree(members))
    most = max(degree.values(), default=0)
    items = []
    for member in members:
        data = G.nodes[member]
        label = str(data.get("label") or member)
        layers = tuple(data.get("layers") or ()) or (NO_LAYER,)
        item = node_item(G, member, label, (0.0, 0.0), colors.get(layers[0], "#c8c8c8"), layer_labels, False)
        item.pop("_extra")
        item.pop("x")
        item.pop("y")
        item.update(
            {
                "id": vis_id[member],
                "label": short(label),
                "size": size_of(float(degree[member]), float(most), 8.0, 26.0),
                "title": node_tooltip(
                    data,
                    layer_labels,
                    measure="degree",
                    score=None,
                    degree=degree[member],
                    extra=[f"in {A.nodes[group[member]].get('label')}"],
                ),
                "sg_entity": str(member),
                "sg_group": group[member],
                "sg_layers": list(layers),
            }
        )
        items.append(item)
    shown = G.subgraph(members)
    rank = {member: i for i, member in enumerate(sorted(members, key=lambda m: -degree[m]))}
    ties = edge_items(shown, layer_labels, False, False)
    ties.sort(key=lambda t: max(rank[t["from"]], rank[t["to"]]))
    ties = ties[:MEMBER_TIES]
    for j, tie in enumerate(ties):
        tie.pop("_label", None)
        tie.pop("smooth", None)
        tie.update({"id": f"t{j}", "from": vis_id[tie["from"]], "to": vis_id[tie["to"]]})
    return {"members": items, "ties": ties}
