"""Chokepoints of the supply network: suppliers whose removal cuts supply paths, and what they cut off.

Two measures, both on the supply network (:func:`stackgraph.analysis.dependencies.supply_graph`):

* ``dominated`` -- how many entities the supplier *dominates*: every supply path that reaches them from any origin
  of supply (an entity nobody supplies, or a supply cycle nobody outside supplies) passes through it (dominator
  tree from a virtual root joined to every origin; igraph's Lengauer-Tarjan ``Graph.dominator``, in C). Each row
  names the first few it dominates (those that themselves dominate most, then by label) and their count;
* ``articulation`` -- it is an articulation point of the undirected supply network: removing it splits a
  connected part in two.

Rows rank by ``dominated``, then articulation, then number of direct customers. Where the data has market
positions, each row also shows the supplier's (group's) largest market share and that market's HHI
(:mod:`stackgraph.analysis.concentration`). ``by="group"`` rolls products and subsidiaries up into their group
first (:mod:`stackgraph.analysis.rollup`): "NVIDIA V100" counts as Nvidia. With ``entity``, the rows are the
outside suppliers that dominate a member of that entity's group -- what can cut the group off -- ranked by how
many members each dominates.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, View, graph_basis, label_of, node_for, paused_gc, rounded, view_fields
from stackgraph.analysis.concentration import MarketConcentration, market_concentration
from stackgraph.analysis.control import control_graph, control_group
from stackgraph.analysis.dependencies import supply_graph
from stackgraph.analysis.rollup import BY_CHOICES, group_map, rolled_up

__all__ = ["DOMINATES_SHOWN", "Chokepoint", "ChokepointReport", "chokepoints"]

#: How many dominated entities a row names (the rest are counted).
DOMINATES_SHOWN = 3


@dataclass(frozen=True)
class Chokepoint:
    """One supplier of the supply network and how much of it depends on it (see the module docstring).

    ``dominates`` names up to :data:`DOMINATES_SHOWN` of the ``dominated`` entities (the group members it
    dominates, for a group's chokepoints; ``in_group`` counts them); ``members`` is how many entities the row
    stands for (more than 1 when rolled up by group).
    """

    entity: str
    label: str
    layers: tuple[str, ...]
    customers: int
    dominated: int
    downstream: int
    articulation: bool
    market: str | None
    share: float | None
    market_hhi: float | None
    dominates: tuple[str, ...] = ()
    dominates_labels: tuple[str, ...] = ()
    members: int = 1
    in_group: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "layers", "customers", "dominated", "downstream", "articulation", "market",
        "share", "market_hhi", "dominates": [iri], "members", "in_group"}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            "layers": list(self.layers),
            "customers": self.customers,
            "dominated": self.dominated,
            "downstream": self.downstream,
            "articulation": self.articulation,
            "market": self.market,
            "share": rounded(self.share, 4),
            "market_hhi": rounded(self.market_hhi, 2),
            "dominates": list(self.dominates),
            "members": self.members,
            "in_group": self.in_group,
        }


@dataclass(frozen=True)
class ChokepointReport(View):
    """The chokepoints of the supply network (or of one group's supply), ranked, and every market's HHI;
    ``basis`` is what the supply network rests on (each market says what its shares rest on)."""

    rows: tuple[Chokepoint, ...]
    markets: tuple[MarketConcentration, ...]
    suppliers: int
    by: str = "entity"
    group: str | None = None
    group_label: str | None = None
    group_size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "by", "group", "suppliers", "chokepoints":
        [chokepoint...], "markets": [market...]}``."""
        return {
            **self.view_dict(),
            "by": self.by,
            "group": self.group,
            "suppliers": self.suppliers,
            "chokepoints": [r.to_dict() for r in self.rows],
            "markets": [m.to_dict() for m in self.markets],
        }

    def table(self) -> Table:
        """One row per chokepoint: rank, label, dominated (and what), downstream, customers, articulation,
        layers, market share."""
        rows = []
        for i, r in enumerate(self.rows, start=1):
            count = r.in_group if r.in_group is not None else r.dominated
            shown = ", ".join(r.dominates_labels)
            more = count - len(r.dominates_labels)
            rows.append(
                [
                    i,
                    r.label + (f" ({r.members} entities)" if r.members > 1 else ""),
                    r.dominated if r.in_group is None else f"{r.in_group} of the group, {r.dominated} in all",
                    (shown + (f" and {more} more" if more > 0 else "")) or None,
                    r.downstream,
                    r.customers,
                    "yes" if r.articulation else "",
                    ", ".join(r.layers),
                    f"{r.market} {r.share:.1f}% (HHI {r.market_hhi:.0f})" if r.market and r.share is not None else None,
                ]
            )
        headers = ["rank", "supplier", "dominated", "dominates", "downstream", "customers", "articulation", "layers"]
        return [*headers, "market"], rows

    def notes(self) -> list[str]:
        """What is missing when the table is empty, and how the rows were counted."""
        lines = []
        if self.by == "group":
            lines.append("products and subsidiaries rolled up into their control group")
        if not self.rows:
            if self.group is not None:
                lines.append(
                    f"no outside supplier dominates any of the {self.group_size} members of the {self.group_label} "
                    "group: every member is an origin of supply or has supply paths around each supplier"
                )
            elif not self.suppliers:
                lines.append("no supply deal counts in this view: there is no supply network to cut")
        return lines


def _supply_measures(
    S: nx.DiGraph,
) -> tuple[list[Hashable], Any, dict[Hashable, int], set[Hashable], dict[int, list[int]], dict[int, int]]:
    """The supply network in igraph (C) with, per node, how many nodes it dominates and whether it is an
    articulation point, and the dominator tree (children, subtree sizes). Dominators are seen from a virtual
    root joined to every member of each strongly connected component nobody outside it supplies."""
    import igraph as ig

    nodes = list(S.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    root = len(nodes)
    edges = [(index[u], index[v]) for u, v in S.edges]
    supply = ig.Graph(n=root, edges=edges, directed=True)
    membership = supply.connected_components(mode="strong").membership
    entered = {membership[v] for u, v in edges if membership[u] != membership[v]}
    g = ig.Graph(
        n=root + 1, edges=edges + [(root, i) for i in range(root) if membership[i] not in entered], directed=True
    )
    idom = g.dominator(root, mode="out")
    children: dict[int, list[int]] = {}
    for vertex, dominator in enumerate(idom):
        if vertex != root and dominator == dominator and dominator >= 0:  # nan: unreachable; -1: the root
            children.setdefault(int(dominator), []).append(vertex)
    order = [root]
    for vertex in order:  # breadth-first over the dominator tree, then subtree sizes bottom-up
        order.extend(children.get(vertex, ()))
    size: dict[int, int] = {}
    for vertex in reversed(order):
        size[vertex] = 1 + sum(size[c] for c in children.get(vertex, ()))
    dominated = {node: size.get(index[node], 1) - 1 for node in nodes}
    articulation = {nodes[i] for i in supply.as_undirected().articulation_points()}
    return nodes, supply, dominated, articulation, children, size


def _subtree(children: dict[int, list[int]], top: int) -> list[int]:
    found = list(children.get(top, ()))
    for vertex in found:
        found.extend(children.get(vertex, ()))
    return found


@paused_gc
def chokepoints(
    G: nx.MultiDiGraph,
    *,
    top: int | None = 20,
    entity: str | None = None,
    by: str = "entity",
    control: nx.DiGraph | None = None,
    supply: nx.DiGraph | None = None,
) -> ChokepointReport:
    """Rank the suppliers of ``G``'s supply network by how much of it depends on them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    top : int or None
        Keep the first ``top`` rows (``None``: every supplier). ``downstream`` (all entities reachable through
        supply) and the names of what a row dominates are computed for the kept rows only.
    entity : str, optional
        Only the outside suppliers that dominate a member of this entity's group (IRI, label, alias).
    by : {"entity", "group"}
        ``group`` rolls products and subsidiaries up into their control group first.
    control, supply : networkx.DiGraph, optional
        ``control_graph(G)`` and ``supply_graph(G)``, when the caller has them already (``by="entity"`` only).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("A", "B"), ("B", "C"), ("B", "D")]:
    ...     _ = G.add_edge(u, v, key=u + v, relation="supplies", input_layer="chips")
    >>> [(c.entity, c.dominated, c.articulation, c.dominates) for c in chokepoints(G).rows]
    [('A', 3, False, ('B', 'C', 'D')), ('B', 2, True, ('C', 'D'))]
    """
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(BY_CHOICES)}")
    markets = market_concentration(G, control=control)
    H = G
    head: Hashable | None = None
    if by == "group":
        groups = group_map(G, control=control)
        H = rolled_up(G, groups=groups)
        control = supply = None
        head = None if entity is None else groups[node_for(G, entity)]
    elif entity is not None:
        head = node_for(G, entity)
    C = control if control is not None else control_graph(H)
    members: frozenset[str] | None = None
    if head is not None:
        members = control_group(H, str(head), control=C).member_ids()
    S = supply if supply is not None else supply_graph(H)
    view = view_fields(G, graph_basis(S))

    def report(rows: tuple[Chokepoint, ...], suppliers: int) -> ChokepointReport:
        return ChokepointReport(
            rows=rows,
            markets=markets,
            suppliers=suppliers,
            by=by,
            group=None if head is None else str(head),
            group_label=None if head is None else label_of(H, head),
            group_size=None if members is None else len(members),
            **view,
        )

    if not S.number_of_edges():
        return report((), 0)
    nodes, supply_ig, dominated, articulation, children, size = _supply_measures(S)
    position = {node: i for i, node in enumerate(nodes)}
    out_degree = S.out_degree
    in_group: dict[Hashable, list[int]] = {}
    if members is not None:
        targets = {position[m] for m in members if m in position}
        for n in nodes:
            if out_degree[n] and n not in members and dominated[n]:
                hit = [v for v in _subtree(children, position[n]) if v in targets]
                if hit:
                    in_group[n] = hit
        measured = {n: (-len(hit), -dominated[n], n not in articulation, -out_degree[n]) for n, hit in in_group.items()}
    else:
        measured = {n: (-dominated[n], n not in articulation, -d) for n, d in out_degree if d}
    suppliers = [n for n, d in out_degree if d]
    candidates = list(measured)
    if top is not None and 0 < top < len(candidates):  # labels (the last tie-break) only where they can matter
        cutoff = heapq.nsmallest(top, measured.values())[-1]
        candidates = [n for n in candidates if measured[n] <= cutoff]
    ranked = sorted(candidates, key=lambda n: (*measured[n], label_of(H, n).casefold(), str(n)))
    if top is not None:
        ranked = ranked[:top]
    reach = supply_ig.neighborhood_size([position[n] for n in ranked], order=len(nodes), mode="out", mindist=1)
    downstream = dict(zip(ranked, reach, strict=True))
    best_share: dict[str, tuple[float, MarketConcentration]] = {}
    for market in markets:
        for share in market.shares:
            for holder in (share.holder, *share.entities):
                if holder not in best_share or share.share > best_share[holder][0]:
                    best_share[holder] = (share.share, market)
    rows = []
    for n in ranked:
        share, market = best_share.get(str(n), (None, None))
        below = in_group.get(n) if members is not None else _subtree(children, position[n])
        below = sorted(below or (), key=lambda v: (-size.get(v, 1), label_of(H, nodes[v]).casefold(), str(nodes[v])))
        named = [nodes[v] for v in below[:DOMINATES_SHOWN]]
        rows.append(
            Chokepoint(
                entity=str(n),
                label=label_of(H, n),
                layers=tuple(H.nodes[n].get("layers") or ()) if n in H else (),
                customers=out_degree[n],
                dominated=dominated[n],
                downstream=downstream[n],
                articulation=n in articulation,
                market=market.market if market else None,
                share=share,
                market_hhi=market.hhi if market else None,
                dominates=tuple(str(x) for x in named),
                dominates_labels=tuple(label_of(H, x) for x in named),
                members=int(H.nodes[n].get("members") or 1) if n in H else 1,
                in_group=len(in_group[n]) if members is not None else None,
            )
        )
    return report(tuple(rows), len(suppliers))
