"""Roll a projected graph up to control groups: every member stands for its group, headed by its ultimate parent.

An analysis run on the rolled-up graph answers per group instead of per entity: a product ("NVIDIA V100") counts
as its maker's group, a subsidiary as its parent's. The groups are those of :mod:`stackgraph.analysis.control`
(:func:`~stackgraph.analysis.control.control_groups`, every organisation or person nobody controls heading its
own); an entity claimed by two groups (a conflicting claim) goes to the first of them in that function's order
(largest first, then label), and an entity in no group (a product nobody develops) stands for itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from stackgraph.analysis._common import paused_gc
from stackgraph.analysis.control import control_graph, control_groups

__all__ = ["BY_CHOICES", "group_map", "rolled_up"]

#: How an analysis can count entities: each on its own, or rolled up into its control group.
BY_CHOICES: tuple[str, ...] = ("entity", "group")


def group_map(G: nx.MultiDiGraph, *, control: nx.DiGraph | None = None) -> dict[Hashable, Hashable]:
    """Return the group parent each node of ``G`` rolls up to (itself when it heads a group or is in none).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("N", label="Nvidia", kind="organization")
    >>> G.add_node("V", label="V100", kind="product")
    >>> G.add_edge("N", "V", key="d", relation="develops", status="active", stake=None)
    'd'
    >>> group_map(G)
    {'N': 'N', 'V': 'N'}
    """
    C = control if control is not None else control_graph(G)
    parent: dict[Hashable, Hashable] = {}
    for group in control_groups(G, min_size=2, control=C).groups:
        for member in group.members:
            parent.setdefault(member.entity, group.parent)
    return {node: parent.get(node, node) for node in G}


@paused_gc
def rolled_up(
    G: nx.MultiDiGraph, *, control: nx.DiGraph | None = None, groups: Mapping[Hashable, Hashable] | None = None
) -> nx.MultiDiGraph:
    """Return ``G`` with every node replaced by its group parent (see :func:`group_map`).

    Nodes keep the parent's attributes, with ``layers`` the union of the members' layers (the parent's first) and
    ``members`` the number of entities it stands for. Deals between members of two groups become edges between
    the parents (same keys and attributes); deals inside a group are dropped. ``G.graph`` is shared, with
    ``"rolled_up": True``. ``G`` is not modified.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("N", "V", key="d1", relation="develops", status="active", stake=None)
    'd1'
    >>> G.add_edge("V", "S", key="d2", relation="supplies", status="active", stake=None)
    'd2'
    >>> R = rolled_up(G)
    >>> sorted(R.edges(keys=True)), R.nodes["N"]["members"]
    ([('N', 'S', 'd2')], 2)
    """
    parent_of = groups if groups is not None else group_map(G, control=control)
    R = nx.MultiDiGraph()
    R.graph.update(G.graph)
    R.graph["rolled_up"] = True
    members: dict[Hashable, list[Hashable]] = {}
    for node in G:
        members.setdefault(parent_of.get(node, node), []).append(node)
    for head, group in members.items():
        data: dict[str, Any] = dict(G.nodes[head]) if head in G else {}
        layers = dict.fromkeys(data.get("layers") or ())
        for member in group:
            layers.update(dict.fromkeys(G.nodes[member].get("layers") or ()))
        data["layers"] = tuple(layers)
        data["members"] = len(group)
        R.add_node(head, **data)
    R.add_edges_from(
        (pu, pv, key, data)
        for u, v, key, data in G.edges(keys=True, data=True)
        if (pu := parent_of.get(u, u)) != (pv := parent_of.get(v, v))
    )
    return R
