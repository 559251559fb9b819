"""Supply dependencies: a group's upstream supply chain, its outside suppliers per input layer, single-source
inputs, and who depends on a supplier's group. (Chokepoints of the whole network: :mod:`.chokepoints`.)

The supply network is the ``supplies`` edges of a projected graph (supplier -> customer). The layer of a supply
is its ``input_layer``, or else the supplier's first own layer, or else ``"unspecified"``. Both questions are
asked of a *group* -- the entity and everything it controls (:mod:`stackgraph.analysis.control`) -- so that a
company's products and subsidiaries count as its own, and ``by="group"`` also rolls the other side (suppliers,
dependents) up into their groups (:mod:`stackgraph.analysis.rollup`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, View, basis_of, label_of, node_for, paused_gc, view_fields
from stackgraph.analysis.control import control_graph, control_group, ultimate_parents
from stackgraph.analysis.rollup import BY_CHOICES, group_map, rolled_up
from stackgraph.vocabulary.rules import basis_label

__all__ = [
    "DependencyReport",
    "Dependent",
    "DependentsReport",
    "LayerDependency",
    "SupplierRef",
    "SupplyLink",
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
    """Who depends on the group headed by ``supplier``: the customers of its members (tier 1), theirs (tier 2), ...

    ``group`` lists the members whose supplies count (the supplier first); ``by`` says whether dependents are
    entities or rolled-up groups.
    """

    supplier: str
    label: str
    dependents: tuple[Dependent, ...]
    group: tuple[str, ...] = ()
    by: str = "entity"
    group_labels: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"supplier", "label", "as_of", "statuses", "undated", "evidence", "basis", "by", "group": [iri...],
        "dependents": [dependent...]}``."""
        return {
            "supplier": self.supplier,
            "label": self.label,
            **self.view_dict(),
            "by": self.by,
            "group": list(self.group),
            "dependents": [d.to_dict() for d in self.dependents],
        }

    def notes(self) -> list[str]:
        """Whose supplies count, and what is missing when nobody depends on the group."""
        size = len(self.group)
        members = ", ".join(self.group_labels[:5]) + (f" and {size - 5} more" if size > 5 else "")
        lines = [f"supplies of the {self.label} group count: {members}" if size > 1 else ""]
        if self.by == "group":
            lines.append("dependents rolled up into their control groups")
        if not self.dependents:
            lines.append(
                f"nobody depends on the {self.label} group in this view: no supply deal from "
                + ("any of its members" if size > 1 else self.label)
                + " counts (see --status and --as-of)"
            )
        return [line for line in lines if line]

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
    G: nx.MultiDiGraph,
    entity: str,
    *,
    by: str = "entity",
    control: nx.DiGraph | None = None,
    supply: nx.DiGraph | None = None,
) -> DependencyReport:
    """Return the supply dependencies of the group headed by ``entity`` (IRI, local name, label or alias).

    ``by="group"`` rolls the suppliers up into their groups (a product supplied counts as its maker's group).
    ``control`` and ``supply`` are ``control_graph(G)`` and ``supply_graph(G)`` when the caller has them already
    (building them is most of the work on large graphs; ``by="entity"`` only).

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
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(BY_CHOICES)}")
    node = node_for(G, entity)
    if by == "group":
        groups = group_map(G, control=control)
        G, node, control, supply = rolled_up(G, groups=groups), groups[node], None, None
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
    G: nx.MultiDiGraph,
    supplier: str,
    *,
    by: str = "entity",
    control: nx.DiGraph | None = None,
    supply: nx.DiGraph | None = None,
) -> DependentsReport:
    """Return who depends on the group headed by ``supplier``: the outside customers of any member (tier 1),
    their customers (tier 2), and so on.

    The group is ``supplier`` and everything it controls, as for :func:`dependencies`, so a company's products
    and subsidiaries supply on its behalf. ``sole_supplier`` marks a tier-1 customer for which the group is the
    only supplier of some input layer (and that is not itself in that layer); ``via`` is the member or dependent
    it buys from; ``groups`` are each dependent's ultimate parents. ``by="group"`` rolls dependents up into their
    groups. ``control`` and ``supply`` are ``control_graph(G)`` and ``supply_graph(G)`` when the caller has them
    already (``by="entity"`` only).

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
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(BY_CHOICES)}")
    node = node_for(G, supplier)
    H = G
    if by == "group":
        groups = group_map(G, control=control)
        H, node, control, supply = rolled_up(G, groups=groups), groups[node], None, None
    S = supply if supply is not None else supply_graph(H)
    C = control if control is not None else control_graph(H)
    group = control_group(H, node, control=C)
    members = group.member_ids()
    key = _by_label(H)
    found: dict[Hashable, tuple[int, Hashable]] = {}
    queue: deque[Hashable] = deque(m.entity for m in group.members if m.entity in S)
    depth = dict.fromkeys(members, 0)
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
            own = set(H.nodes[customer].get("layers") or ())
            ours = {layer for m in members if S.has_edge(m, customer) for layer in S.edges[m, customer]["layers"]}
            layers = tuple(sorted(ours))
            for layer in ours:
                others = [
                    p for p in S.predecessors(customer) if p not in members and layer in S.edges[p, customer]["layers"]
                ]
                if not others and layer not in own:
                    sole = True
        rows.append(
            Dependent(
                entity=str(customer),
                label=label_of(H, customer),
                tier=tier,
                layers=layers,
                via=label_of(H, via),
                sole_supplier=sole,
                groups=ultimate_parents(H, customer, control=C),
            )
        )
    rows.sort(key=lambda d: (d.tier, d.label.casefold(), d.entity))
    basis = basis_of(*(S.edges[via, customer]["basis"] for customer, (_, via) in found.items()))
    return DependentsReport(
        supplier=str(node),
        label=label_of(H, node),
        dependents=tuple(rows),
        group=tuple(m.entity for m in group.members),
        by=by,
        group_labels=tuple(m.label for m in group.members),
        **view_fields(G, basis),
    )
