"""Supply dependencies: a group's upstream supply chain, its outside suppliers per input layer, single-source
inputs, who depends on a supplier, and the chokepoints of the supply network.

The supply network is the ``supplies`` edges of a projected graph (supplier -> customer). The layer of a supply
is its ``input_layer``, or else the supplier's first own layer, or else ``"unspecified"``.

Chokepoints
-----------
A supplier is a chokepoint when removing it cuts supply paths. Two measures, both on the supply network:

* ``dominated`` -- how many entities it *dominates*: every supply path that reaches them from any origin of
  supply (an entity nobody supplies, or a supply cycle nobody outside supplies) passes through it (dominator tree from a
  virtual root joined to every origin; igraph's Lengauer-Tarjan ``Graph.dominator``, in C);
* ``articulation`` -- it is an articulation point of the undirected supply network: removing it splits a
  connected part in two.

Rows rank by ``dominated``, then articulation, then number of direct customers. Where the data has market
positions, each row also shows the supplier's (group's) largest market share and that market's HHI
(:mod:`stackgraph.analysis.concentration`).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, View, basis_of, label_of, node_for, paused_gc, rounded, view_fields
from stackgraph.analysis.concentration import MarketConcentration, market_concentration
from stackgraph.analysis.control import control_graph, control_group, ultimate_parents
from stackgraph.vocabulary.rules import basis_label

__all__ = [
    "Chokepoint",
    "ChokepointReport",
    "DependencyReport",
    "Dependent",
    "DependentsReport",
    "LayerDependency",
    "SupplierRef",
    "SupplyLink",
    "chokepoints",
    "dependencies",
    "dependents",
    "supply_graph",
]

UNSPECIFIED = "unspecified"


def _layer_of(G: nx.Graph, supplier: Hashable, data: dict[str, Any]) -> str:
    layer = data.get("input_layer")
    if layer:
        return str(layer)
    own = G.nodes[supplier].get("layers") if supplier in G else None
    return str(own[0]) if own else UNSPECIFIED


@paused_gc
def supply_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Return the supply network of ``G``: a ``DiGraph`` supplier -> customer with, per edge, ``layers`` (sorted
    tuple of input layers), ``deals`` (sorted tuple of deal IRIs) and ``basis`` (their evidence kinds). Only
    entities in some supply appear.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("N", "S", key="d", relation="supplies", input_layer="accelerators")
    'd'
    >>> supply_graph(G).edges["N", "S"]["layers"]
    ('accelerators',)
    """
    S = nx.DiGraph()
    found: dict[tuple[Hashable, Hashable], tuple[set[str], set[str], set[str]]] = {}
    for u, neighbours in G.adjacency():
        for v, deals_between in neighbours.items():
            if u == v:
                continue
            for key, data in deals_between.items():
                if data.get("relation") != "supplies":
                    continue
                layer = data.get("input_layer")
                layer = str(layer) if layer else _layer_of(G, u, data)
                deal = str(data.get("deal") or key)
                entry = found.get((u, v))
                if entry is None:
                    found[(u, v)] = ({layer}, {deal}, set(data.get("basis", ())))
                else:
                    entry[0].add(layer)
                    entry[1].add(deal)
                    entry[2].update(data.get("basis", ()))
    S.add_edges_from(
        (u, v, {"layers": tuple(sorted(layers)), "deals": tuple(sorted(deals)), "basis": basis_of(basis)})
        for (u, v), (layers, deals, basis) in found.items()
    )
    return S


@dataclass(frozen=True)
class SupplyLink:
    """One supply edge of a group's upstream chain; ``tier`` 1 supplies a member directly."""

    supplier: str
    supplier_label: str
    customer: str
    customer_label: str
    layers: tuple[str, ...]
    deals: tuple[str, ...]
    tier: int
    external: bool
    basis: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"supplier", "supplier_label", "customer", "customer_label", "layers", "deals", "tier", "external",
        "basis"}``."""
        return {
            "supplier": self.supplier,
            "supplier_label": self.supplier_label,
            "customer": self.customer,
            "customer_label": self.customer_label,
            "layers": list(self.layers),
            "deals": list(self.deals),
            "tier": self.tier,
            "external": self.external,
            "basis": list(self.basis),
        }


@dataclass(frozen=True)
class SupplierRef:
    """An outside supplier of a group for one input layer, and which members it supplies."""

    entity: str
    label: str
    customers: tuple[str, ...]
    deals: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "customers": [iri...], "deals": [iri...]}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            "customers": list(self.customers),
            "deals": list(self.deals),
        }


@dataclass(frozen=True)
class LayerDependency:
    """What a group buys from outside for one input layer.

    ``in_house`` is true when a member of the group is itself in that layer; ``single_source`` when exactly one
    outside supplier provides it and the group has no in-house capacity.
    """

    layer: str
    label: str
    suppliers: tuple[SupplierRef, ...]
    in_house: bool
    single_source: bool

    def to_dict(self) -> dict[str, Any]:
        """``{"layer", "label", "suppliers": [supplier...], "in_house", "single_source"}``."""
        return {
            "layer": self.layer,
            "label": self.label,
            "suppliers": [s.to_dict() for s in self.suppliers],
            "in_house": self.in_house,
            "single_source": self.single_source,
        }


@dataclass(frozen=True)
class DependencyReport(View):
    """The supply dependencies of the group headed by ``entity``."""

    entity: str
    label: str
    group: tuple[str, ...]
    external: tuple[LayerDependency, ...]
    upstream: tuple[SupplyLink, ...]
    internal: tuple[SupplyLink, ...]

    @property
    def single_source(self) -> tuple[str, ...]:
        """Keys of the input layers the group gets from one outside supplier and cannot make itself."""
        return tuple(d.layer for d in self.external if d.single_source)

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "as_of", "statuses", "undated", "evidence", "basis", "group": [iri...],
        "external": [layer dependency...], "single_source": [key...], "upstream": [link...],
        "internal": [link...]}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            **self.view_dict(),
            "group": list(self.group),
            "external": [d.to_dict() for d in self.external],
            "single_source": list(self.single_source),
            "upstream": [link.to_dict() for link in self.upstream],
            "internal": [link.to_dict() for link in self.internal],
        }

    def table(self) -> Table:
        """One row per upstream link: tier, supplier, customer, layers, outside the group or not, single source."""
        single = set(self.single_source)
        rows = [
            [
                link.tier,
                link.supplier_label,
                link.customer_label,
                ", ".join(link.layers),
                "external" if link.external else "internal",
                "yes" if link.tier == 1 and link.external and single.intersection(link.layers) else "",
                basis_label(link.basis),
            ]
            for link in (*self.upstream, *self.internal)
        ]
        return ["tier", "supplier", "customer", "layers", "scope", "single source", "basis"], rows


@dataclass(frozen=True)
class Dependent:
    """An entity that depends on a supplier, directly (tier 1) or through its customers."""

    entity: str
    label: str
    tier: int
    layers: tuple[str, ...]
    via: str
    sole_supplier: bool
    groups: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "tier", "layers", "via", "sole_supplier", "groups": [iri...]}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            "tier": self.tier,
            "layers": list(self.layers),
            "via": self.via,
            "sole_supplier": self.sole_supplier,
            "groups": list(self.groups),
        }


@dataclass(frozen=True)
class DependentsReport(View):
    """Who depends on ``supplier``: its customers, and theirs, with the tier of each."""

    supplier: str
    label: str
    dependents: tuple[Dependent, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"supplier", "label", "as_of", "statuses", "undated", "evidence", "basis", "dependents":
        [dependent...]}``."""
        return {
            "supplier": self.supplier,
            "label": self.label,
            **self.view_dict(),
            "dependents": [d.to_dict() for d in self.dependents],
        }

    def table(self) -> Table:
        """One row per dependent: tier, label, layers, supplied via, sole supplier."""
        rows = [
            [d.tier, d.label, ", ".join(d.layers), d.via, "yes" if d.sole_supplier else "", d.entity]
            for d in self.dependents
        ]
        return ["tier", "dependent", "layers", "via", "sole supplier", "iri"], rows


def _layer_label(G: nx.Graph, key: str) -> str:
    return str(((G.graph.get("layers") or {}).get(key) or {}).get("label") or key)


def _by_label(G: nx.Graph) -> Any:
    return lambda n: (label_of(G, n).casefold(), str(n))


@paused_gc
def dependencies(
    G: nx.MultiDiGraph, entity: str, *, control: nx.DiGraph | None = None, supply: nx.DiGraph | None = None
) -> DependencyReport:
    """Return the supply dependencies of the group headed by ``entity`` (IRI, local name, label or alias).

    ``control`` and ``supply`` are ``control_graph(G)`` and ``supply_graph(G)`` when the caller has them already
    (building them is most of the work on large graphs).

    The upstream chain is every supply path into the group, followed back transitively (tier 1 supplies a
    member, tier 2 supplies a tier-1 supplier, ...); supplies between members are listed as ``internal``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("N", label="Nvidia", layers=("accelerators",))
    >>> G.add_node("S", label="SpaceX", layers=("launch",))
    >>> G.add_node("T", label="TSMC", layers=("fab",))
    >>> G.add_edge("N", "S", key="d1", relation="supplies", input_layer="accelerators")
    'd1'
    >>> G.add_edge("T", "N", key="d2", relation="supplies", input_layer="fab")
    'd2'
    >>> report = dependencies(G, "SpaceX")
    >>> [(link.supplier_label, link.tier) for link in report.upstream], report.single_source
    ([('Nvidia', 1), ('TSMC', 2)], ('accelerators',))
    """
    node = node_for(G, entity)
    group = control_group(G, node, control=control if control is not None else control_graph(G))
    members = group.member_ids()
    S = supply if supply is not None else supply_graph(G)
    key = _by_label(G)

    internal = []
    tier: dict[Hashable, int] = {}
    queue: deque[Hashable] = deque()
    for member in sorted(members & set(S.nodes), key=key):
        for supplier in S.predecessors(member):
            if supplier in members:
                internal.append((supplier, member, 0))
            elif supplier not in tier:
                tier[supplier] = 1
                queue.append(supplier)
    upstream = []
    while queue:
        customer = queue.popleft()
        for supplier in S.predecessors(customer):
            if supplier in members:
                continue  # a member supplying its own suppliers closes a loop; it is not upstream
            if supplier not in tier:
                tier[supplier] = tier[customer] + 1
                queue.append(supplier)
    for supplier in tier:
        for customer in S.successors(supplier):
            if customer in members:
                upstream.append((supplier, customer, 1))
            elif customer in tier:
                upstream.append((supplier, customer, tier[customer] + 1))

    def link(u: Hashable, v: Hashable, t: int, external: bool) -> SupplyLink:
        data = S.edges[u, v]
        return SupplyLink(
            str(u), label_of(G, u), str(v), label_of(G, v), data["layers"], data["deals"], t, external, data["basis"]
        )

    upstream_links = sorted(
        (link(u, v, t, True) for u, v, t in upstream),
        key=lambda x: (x.tier, x.supplier_label.casefold(), x.customer_label.casefold(), x.supplier, x.customer),
    )
    internal_links = sorted(
        (link(u, v, 0, False) for u, v, _ in internal),
        key=lambda x: (x.supplier_label.casefold(), x.customer_label.casefold()),
    )

    own_layers = {layer for m in members for layer in (G.nodes[m].get("layers") or ())}
    per_layer: dict[str, dict[Hashable, tuple[set[str], set[str]]]] = {}
    for x in upstream_links:
        if x.tier != 1:
            continue
        for layer in x.layers:
            customers, deals = per_layer.setdefault(layer, {}).setdefault(x.supplier, (set(), set()))
            customers.add(x.customer)
            deals.update(x.deals)
    external = []
    for layer in sorted(per_layer):
        suppliers = tuple(
            SupplierRef(str(s), label_of(G, s), tuple(sorted(c)), tuple(sorted(d)))
            for s, (c, d) in sorted(per_layer[layer].items(), key=lambda item: key(item[0]))
        )
        in_house = layer in own_layers
        single = len(suppliers) == 1 and not in_house
        external.append(LayerDependency(layer, _layer_label(G, layer), suppliers, in_house, single))
    return DependencyReport(
        entity=str(node),
        label=label_of(G, node),
        group=tuple(m.entity for m in group.members),
        external=tuple(external),
        upstream=tuple(upstream_links),
        internal=tuple(internal_links),
        **view_fields(G, basis_of(*(link.basis for link in (*upstream_links, *internal_links)))),
    )


@paused_gc
def dependents(
    G: nx.MultiDiGraph, supplier: str, *, control: nx.DiGraph | None = None, supply: nx.DiGraph | None = None
) -> DependentsReport:
    """Return who depends on ``supplier``: its customers (tier 1), their customers (tier 2), and so on.

    ``sole_supplier`` marks a tier-1 customer for which ``supplier`` is the only supplier of some input layer
    (and that is not itself in that layer); ``groups`` are each dependent's ultimate parents. ``control`` and
    ``supply`` are ``control_graph(G)`` and ``supply_graph(G)`` when the caller has them already.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("N", "A", key="d1", relation="supplies", input_layer="chips")
    'd1'
    >>> G.add_edge("N", "B", key="d2", relation="supplies", input_layer="chips")
    'd2'
    >>> G.add_edge("M", "B", key="d3", relation="supplies", input_layer="chips")
    'd3'
    >>> [(d.entity, d.tier, d.sole_supplier) for d in dependents(G, "N").dependents]
    [('A', 1, True), ('B', 1, False)]
    """
    node = node_for(G, supplier)
    S = supply if supply is not None else supply_graph(G)
    C = control if control is not None else control_graph(G)
    key = _by_label(G)
    found: dict[Hashable, tuple[int, Hashable]] = {}
    if node in S:
        queue: deque[Hashable] = deque([node])
        depth = {node: 0}
        while queue:
            current = queue.popleft()
            for customer in sorted(S.successors(current), key=key):
                if customer not in depth:
                    depth[customer] = depth[current] + 1
                    found[customer] = (depth[customer], current)
                    queue.append(customer)
    rows = []
    for customer, (tier, via) in found.items():
        layers = S.edges[via, customer]["layers"]
        sole = False
        if tier == 1:
            own = set(G.nodes[customer].get("layers") or ())
            for layer in layers:
                others = [p for p in S.predecessors(customer) if p != node and layer in S.edges[p, customer]["layers"]]
                if not others and layer not in own:
                    sole = True
        rows.append(
            Dependent(
                entity=str(customer),
                label=label_of(G, customer),
                tier=tier,
                layers=layers,
                via=label_of(G, via),
                sole_supplier=sole,
                groups=ultimate_parents(G, customer, control=C),
            )
        )
    rows.sort(key=lambda d: (d.tier, d.label.casefold(), d.entity))
    basis = basis_of(*(S.edges[via, customer]["basis"] for customer, (_, via) in found.items()))
    return DependentsReport(
        supplier=str(node), label=label_of(G, node), dependents=tuple(rows), **view_fields(G, basis)
    )


@dataclass(frozen=True)
class Chokepoint:
    """One supplier of the supply network and how much of it depends on it (see the module docstring)."""

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

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "layers", "customers", "dominated", "downstream", "articulation", "market",
        "share", "market_hhi"}``."""
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
        }


@dataclass(frozen=True)
class ChokepointReport(View):
    """The chokepoints of the supply network, ranked, and the concentration of every market with shares;
    ``basis`` is what the supply network rests on (each market says what its shares rest on)."""

    rows: tuple[Chokepoint, ...]
    markets: tuple[MarketConcentration, ...]
    suppliers: int

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "suppliers", "chokepoints": [chokepoint...],
        "markets": [market...]}``."""
        return {
            **self.view_dict(),
            "suppliers": self.suppliers,
            "chokepoints": [r.to_dict() for r in self.rows],
            "markets": [m.to_dict() for m in self.markets],
        }

    def table(self) -> Table:
        """One row per chokepoint: rank, label, dominated, downstream, customers, articulation, market share."""
        rows = [
            [
                i,
                r.label,
                r.dominated,
                r.downstream,
                r.customers,
                "yes" if r.articulation else "",
                ", ".join(r.layers),
                f"{r.market} {r.share:.1f}% (HHI {r.market_hhi:.0f})" if r.market and r.share is not None else None,
            ]
            for i, r in enumerate(self.rows, start=1)
        ]
        return ["rank", "supplier", "dominated", "downstream", "customers", "articulation", "layers", "market"], rows


def _supply_measures(S: nx.DiGraph) -> tuple[list[Hashable], Any, dict[Hashable, int], set[Hashable]]:
    """The supply network in igraph (C) with, per node, how many nodes it dominates and whether it is an
    articulation point. Dominators are seen from a virtual root joined to every supply origin: every member of
    each strongly connected component nobody outside it supplies."""
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
    return nodes, supply, dominated, articulation


@paused_gc
def chokepoints(
    G: nx.MultiDiGraph, *, top: int | None = 20, control: nx.DiGraph | None = None, supply: nx.DiGraph | None = None
) -> ChokepointReport:
    """Rank the suppliers of ``G``'s supply network by how much of it depends on them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    top : int or None
        Keep the first ``top`` rows (``None``: every supplier). ``downstream`` (all entities reachable through
        supply) is computed for the kept rows only.
    control, supply : networkx.DiGraph, optional
        ``control_graph(G)`` and ``supply_graph(G)``, when the caller has them already.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for u, v in [("A", "B"), ("B", "C"), ("B", "D")]:
    ...     _ = G.add_edge(u, v, key=u + v, relation="supplies", input_layer="chips")
    >>> [(c.entity, c.dominated, c.articulation) for c in chokepoints(G).rows]
    [('A', 3, False), ('B', 2, True)]
    """
    S = supply if supply is not None else supply_graph(G)
    view = view_fields(G, basis_of(*(basis for _, _, basis in S.edges(data="basis"))))
    markets = market_concentration(G, control=control)
    if not S.number_of_edges():
        return ChokepointReport(rows=(), markets=markets, suppliers=0, **view)
    nodes, supply, dominated, articulation = _supply_measures(S)
    out_degree = S.out_degree
    measured = {n: (-dominated[n], n not in articulation, -d) for n, d in out_degree if d}
    suppliers = list(measured)
    candidates = suppliers
    if top is not None and 0 < top < len(suppliers):  # labels (the last tie-break) only where they can matter
        cutoff = heapq.nsmallest(top, measured.values())[-1]
        candidates = [n for n in suppliers if measured[n] <= cutoff]
    ranked = sorted(candidates, key=lambda n: (*measured[n], label_of(G, n).casefold(), str(n)))
    if top is not None:
        ranked = ranked[:top]
    position = {node: i for i, node in enumerate(nodes)}
    reach = supply.neighborhood_size([position[n] for n in ranked], order=len(nodes), mode="out", mindist=1)
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
        rows.append(
            Chokepoint(
                entity=str(n),
                label=label_of(G, n),
                layers=tuple(G.nodes[n].get("layers") or ()) if n in G else (),
                customers=out_degree[n],
                dominated=dominated[n],
                downstream=downstream[n],
                articulation=n in articulation,
                market=market.market if market else None,
                share=share,
                market_hhi=market.hhi if market else None,
            )
        )
    return ChokepointReport(rows=tuple(rows), markets=markets, suppliers=len(suppliers), **view)
