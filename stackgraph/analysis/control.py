"""Control groups: who controls whom, the ultimate parent of each group, its members and depth.

Control is the closure of the edges of a projected graph that give control by the rulebook
(:func:`stackgraph.vocabulary.rules.gives_control`, from the control rules the ontology states per deal class):

* ``acquires`` -- an acquisition that counts under the projection's policy (completed by default; an in-talks or
  hypothetical one when the policy includes it), unless for a stake of 50 % or less;
* ``controls`` -- an ownership deal with no stake given or a stake above 50 %;
* ``develops`` -- a product or facility belongs to the group of the organisation that develops it;

and never a deal whose status means it ended (``terminated``), even when the policy shows such deals.

A group is headed by an *ultimate parent*: an entity nobody controls. Ownership cycles (A controls B controls A)
and conflicting claims (two different controllers of one entity by ``acquires``/``controls``) are reported, never
looped on: a group headed by a cycle is marked ``in_cycle`` and its parent is the cycle member with the smallest
label; an entity claimed by two controllers belongs to both groups.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, View, basis_of, label_of, node_for, paused_gc, view_fields
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.rules import basis_label

__all__ = [
    "CONTROL_RELATIONS",
    "ControlAnalysis",
    "ControlConflict",
    "ControlGroup",
    "GroupMember",
    "control_graph",
    "control_group",
    "control_groups",
    "ultimate_parents",
]

#: Relations that can carry control (see the module docstring for the conditions).
CONTROL_RELATIONS: tuple[str, ...] = rules.control_relations()

_CLAIMS = rules.claim_relations()
_CONTROL_SET = frozenset(CONTROL_RELATIONS)
_ROOT_KINDS = frozenset({"organization", "person", None})


@dataclass(frozen=True)
class GroupMember:
    """One member of a control group: how deep it sits and the edge that brought it in."""

    entity: str
    label: str
    kind: str | None
    depth: int
    controller: str | None
    relation: str | None
    deal: str | None
    basis: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "kind", "depth", "controller", "relation", "deal", "basis": [kind...]}`` (the
        evidence kinds of the deals that bring the member in)."""
        return {
            "entity": self.entity,
            "label": self.label,
            "kind": self.kind,
            "depth": self.depth,
            "controller": self.controller,
            "relation": self.relation,
            "deal": self.deal,
            "basis": list(self.basis),
        }


@dataclass(frozen=True)
class ControlGroup:
    """An entity and everything it controls, directly or through others.

    ``members`` starts with the parent itself (depth 0) and lists the others by depth, then label.
    ``ultimate_parents`` are the entities at the top of the chains that control ``parent`` (``(parent,)`` when
    nobody controls it); ``depth`` is the longest shortest control chain from the parent to a member.
    """

    parent: str
    label: str
    members: tuple[GroupMember, ...]
    depth: int
    in_cycle: bool
    ultimate_parents: tuple[str, ...]

    @property
    def basis(self) -> tuple[str, ...]:
        """The evidence kinds of the ties that make the group."""
        return basis_of(*(m.basis for m in self.members))

    @property
    def size(self) -> int:
        """Number of members, the parent included."""
        return len(self.members)

    def member_ids(self) -> frozenset[str]:
        """The members' node ids (IRIs)."""
        return frozenset(m.entity for m in self.members)

    def to_dict(self) -> dict[str, Any]:
        """``{"parent", "label", "size", "depth", "in_cycle", "ultimate_parents", "basis", "members": [member...]}``."""
        return {
            "parent": self.parent,
            "label": self.label,
            "size": self.size,
            "depth": self.depth,
            "in_cycle": self.in_cycle,
            "ultimate_parents": list(self.ultimate_parents),
            "basis": list(self.basis),
            "members": [m.to_dict() for m in self.members],
        }

    def table(self) -> Table:
        """One row per member: label, kind, depth, controller label, relation, IRI."""
        labels = {m.entity: m.label for m in self.members}
        rows = [
            [m.label, m.kind, m.depth, labels.get(m.controller) if m.controller else None, m.relation, m.entity]
            for m in self.members
        ]
        return ["member", "kind", "depth", "controlled by", "via", "iri"], rows


@dataclass(frozen=True)
class ControlConflict:
    """An entity claimed (by ``acquires``/``controls`` edges) by more than one controller."""

    entity: str
    label: str
    controllers: tuple[str, ...]
    deals: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "controllers": [iri...], "deals": [iri...]}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            "controllers": list(self.controllers),
            "deals": list(self.deals),
        }


@dataclass(frozen=True)
class ControlAnalysis(View):
    """All control groups of a graph, with the ownership cycles and conflicting claims found on the way."""

    groups: tuple[ControlGroup, ...]
    cycles: tuple[tuple[str, ...], ...]
    conflicts: tuple[ControlConflict, ...]

    def group_of(self, entity: str) -> tuple[ControlGroup, ...]:
        """The groups ``entity`` belongs to (more than one only under a conflicting claim)."""
        return tuple(g for g in self.groups if entity in g.member_ids())

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "groups": [group...], "cycles": [[iri...]],
        "conflicts": [conflict...]}``."""
        return {
            **self.view_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "cycles": [list(c) for c in self.cycles],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }

    def table(self) -> Table:
        """One row per group: parent, size, depth, cycle flag, the other members' labels and what the group's ties
        rest on."""
        rows = [
            [
                g.label,
                g.size,
                g.depth,
                "yes" if g.in_cycle else "",
                ", ".join(m.label for m in g.members[1:]),
                basis_label(g.basis),
            ]
            for g in self.groups
        ]
        return ["group", "size", "depth", "cycle", "members", "basis"], rows


@paused_gc
def control_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Return the control relation of ``G`` as a ``DiGraph`` controller -> controlled.

    Each edge carries ``relation`` and ``deal`` of the first qualifying deal (by deal IRI; ``acquires`` and
    ``controls`` before ``develops``), ``deals`` (all of them), ``claim`` (``True`` when some deal is an
    acquisition or ownership rather than a development) and ``basis`` (the evidence kinds of its deals). Every node
    of ``G`` is kept, with its attributes.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d1", relation="acquires", status="completed", stake=None)
    'd1'
    >>> G.add_edge("A", "C", key="d2", relation="controls", stake=20.0)
    'd2'
    >>> sorted(control_graph(G).edges())
    [('A', 'B')]
    """
    C = nx.DiGraph()
    C.add_nodes_from(G.nodes(data=True))
    found: dict[tuple[Hashable, Hashable], list[tuple[int, str, str]]] = {}
    relations, gives = _CONTROL_SET, rules.gives_control
    for u, neighbours in G.adjacency():
        for v, deals in neighbours.items():
            if u == v:
                continue
            for key, data in deals.items():
                relation = data.get("relation")
                if relation not in relations or not gives(relation, data.get("status"), data.get("stake")):
                    continue  # the cheap test first: most deals fail it
                order = 0 if relation in _CLAIMS else 1
                deal = str(data.get("deal") or key)
                found.setdefault((u, v), []).append((order, deal, relation, data.get("basis", ())))
    edges = []
    for (u, v), deals in found.items():
        deals.sort()
        edges.append(
            (
                u,
                v,
                {
                    "relation": deals[0][2],
                    "deal": deals[0][1],
                    "deals": tuple(d[1] for d in deals),
                    "claim": deals[0][0] == 0,
                    "basis": deals[0][3] if len(deals) == 1 else tuple(sorted({k for d in deals for k in d[3]})),
                },
            )
        )
    C.add_edges_from(edges)
    return C


class _SortKeys(dict):  # type: ignore[type-arg]
    """Node -> (case-folded label, IRI), computed once per node: the order of members and groups."""

    def __init__(self, G: nx.Graph) -> None:
        super().__init__()
        self.G = G

    def __missing__(self, node: Hashable) -> tuple[str, str]:
        key = self[node] = (label_of(self.G, node).casefold(), str(node))
        return key


def _parent_of_component(G: nx.Graph, component: Iterable[Hashable], keys: _SortKeys | None = None) -> Hashable:
    order = keys if keys is not None else _SortKeys(G)
    return min(component, key=order.__getitem__)


def _member(G: nx.Graph, C: nx.DiGraph, node: Hashable, depth: int, controller: Hashable | None) -> GroupMember:
    edge = C.edges[controller, node] if controller is not None else {}
    return GroupMember(
        entity=str(node),
        label=label_of(G, node),
        kind=G.nodes[node].get("kind") if node in G else None,
        depth=depth,
        controller=None if controller is None else str(controller),
        relation=edge.get("relation"),
        deal=edge.get("deal"),
        basis=edge.get("basis", ()),
    )


def _group(
    G: nx.Graph,
    C: nx.DiGraph,
    parent: Hashable,
    in_cycle: bool,
    tops: tuple[str, ...],
    keys: _SortKeys | None = None,
) -> ControlGroup:
    """Breadth-first walk from ``parent`` along control edges (each member visited once, so cycles stop)."""
    order = keys if keys is not None else _SortKeys(G)
    depth = {parent: 0}
    via: dict[Hashable, Hashable | None] = {parent: None}
    queue = deque([parent])
    while queue:
        node = queue.popleft()
        for child in sorted(C.successors(node), key=order.__getitem__):
            if child not in depth:
                depth[child] = depth[node] + 1
                via[child] = node
                queue.append(child)
    ordered = sorted(depth, key=lambda n: (depth[n], order[n]))
    members = tuple(_member(G, C, n, depth[n], via[n]) for n in ordered)
    return ControlGroup(
        parent=str(parent),
        label=label_of(G, parent),
        members=members,
        depth=max(depth.values()),
        in_cycle=in_cycle,
        ultimate_parents=tops,
    )


def _conflicts(G: nx.Graph, C: nx.DiGraph) -> list[ControlConflict]:
    conflicts = []
    for node in C.nodes:
        claimants = [u for u in C.predecessors(node) if C.edges[u, node]["claim"]]
        if len(claimants) > 1:
            claimants.sort(key=lambda n: (label_of(G, n).casefold(), str(n)))
            deals = tuple(d for u in claimants for d in C.edges[u, node]["deals"])
            conflicts.append(ControlConflict(str(node), label_of(G, node), tuple(map(str, claimants)), deals))
    return sorted(conflicts, key=lambda c: (c.label.casefold(), c.entity))


@paused_gc
def control_groups(G: nx.MultiDiGraph, *, min_size: int = 2, control: nx.DiGraph | None = None) -> ControlAnalysis:
    """Return every control group of ``G`` headed by an ultimate parent, largest first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph (see :func:`stackgraph.projection.project`).
    min_size : int
        Leave out groups with fewer members (the default, 2, leaves out entities that control nothing; with 1,
        every organisation or person nobody controls is a group of its own).
    control : networkx.DiGraph, optional
        ``control_graph(G)``, when the caller has it already (it is the costly part on large graphs).

    Returns
    -------
    ControlAnalysis
        Groups sorted by size (descending) then label, plus the cycles and conflicting claims found.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d1", relation="acquires", status="completed", stake=None)
    'd1'
    >>> G.add_edge("B", "C", key="d2", relation="controls", stake=60.0)
    'd2'
    >>> result = control_groups(G)
    >>> [(g.parent, [m.entity for m in g.members], g.depth) for g in result.groups]
    [('A', ['A', 'B', 'C'], 2)]
    """
    C = control if control is not None else control_graph(G)
    keys = _SortKeys(G)
    components = _components(C)
    groups = []
    out_degree = C.out_degree
    for parent, in_cycle in _roots(G, C, keys, components):
        if min_size > 1 and not out_degree[parent]:
            continue
        group = _group(G, C, parent, in_cycle, (str(parent),), keys)
        if group.size >= min_size:
            groups.append(group)
    groups.sort(key=lambda g: (-g.size, g.label.casefold(), g.parent))
    return ControlAnalysis(
        groups=tuple(groups),
        cycles=tuple(sorted(tuple(sorted(map(str, c))) for c in components[0] if len(c) > 1)),
        conflicts=tuple(_conflicts(G, C)),
        **view_fields(G, basis_of(*(data.get("basis", ()) for _, _, data in C.edges(data=True)))),
    )


_Components = tuple[list[list[Hashable]], set[int]]


def _linked(C: nx.DiGraph) -> list[Hashable]:
    """The nodes of ``C`` with some control edge, in ``C``'s node order."""
    ends = {n for edge in C.edges for n in edge}
    return [n for n in C if n in ends]


def _components(C: nx.DiGraph) -> _Components:
    """The strongly connected components of the control edges (igraph, C speed) and the indices of those that
    someone outside controls. Entities without any control edge are left out."""
    import igraph as ig

    linked = _linked(C)
    index = {n: i for i, n in enumerate(linked)}
    edges = [(index[u], index[v]) for u, v in C.edges]
    membership = ig.Graph(n=len(linked), edges=edges, directed=True).connected_components(mode="strong").membership
    components: list[list[Hashable]] = [[] for _ in range(max(membership, default=-1) + 1)]
    for node, component in zip(linked, membership, strict=True):
        components[component].append(node)
    controlled = {membership[v] for u, v in edges if membership[u] != membership[v]}
    return components, controlled


def _roots(G: nx.Graph, C: nx.DiGraph, keys: _SortKeys, components: _Components) -> list[tuple[Hashable, bool]]:
    """The ultimate parents of ``C`` with whether each heads a cycle: every organisation, person or untyped entity
    without control edges, and per strongly connected component nobody outside controls, its first member by
    label. A product or facility nobody develops heads no group."""
    parts, controlled = components
    linked = {n for part in parts for n in part}
    kinds = G.nodes(data="kind")
    roots = [(n, False) for n in C if n not in linked and kinds[n] in _ROOT_KINDS]
    for i, members in enumerate(parts):
        if i not in controlled:
            roots.append((min(members, key=keys.__getitem__), len(members) > 1))
    return roots


def ultimate_parents(G: nx.MultiDiGraph, entity: str, *, control: nx.DiGraph | None = None) -> tuple[str, ...]:
    """Return the ultimate parents of ``entity``: the tops of every control chain above it (itself if none).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d1", relation="controls", stake=None)
    'd1'
    >>> ultimate_parents(G, "B"), ultimate_parents(G, "A")
    (('A',), ('A',))
    """
    C = control if control is not None else control_graph(G)
    node = node_for(G, entity)
    above = nx.condensation(C.subgraph(nx.ancestors(C, node) | {node}))
    tops = {_parent_of_component(G, above.nodes[c]["members"]) for c in above.nodes if not above.in_degree(c)}
    return tuple(str(n) for n in sorted(tops, key=lambda n: (label_of(G, n).casefold(), str(n))))


def control_group(G: nx.MultiDiGraph, entity: str, *, control: nx.DiGraph | None = None) -> ControlGroup:
    """Return the group headed by ``entity``: the entity and everything it controls, directly or not.

    ``entity`` may be an IRI, local name, label or alias. An entity that controls nothing is a group of one.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("S", label="SpaceX", kind="organization")
    >>> G.add_node("X", label="xAI", kind="organization")
    >>> G.add_edge("S", "X", key="d1", relation="acquires", status="completed", stake=None)
    'd1'
    >>> [m.label for m in control_group(G, "spacex").members]
    ['SpaceX', 'xAI']
    """
    C = control if control is not None else control_graph(G)
    node = node_for(G, entity)
    cycle = (nx.descendants(C, node) & nx.ancestors(C, node)) | ({node} if C.has_edge(node, node) else set())
    return _group(G, C, node, bool(cycle), ultimate_parents(G, node, control=C))
