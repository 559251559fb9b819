"""Aggregated views for graphs too large to draw: stack layers or control groups as nodes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.render._style import NO_LAYER
from stackgraph.vocabulary import rules

__all__ = ["AGGREGATES", "aggregate", "group_of"]

#: What an aggregated view can show as nodes.
AGGREGATES: tuple[str, ...] = ("layers", "groups")
_OTHERS = "urn:stackgraph:render:other-groups"


def group_of(G: nx.MultiDiGraph) -> dict[Hashable, Hashable]:
    """Return each node's control group, named by the group's ultimate parent (a node heads its own otherwise).

    Groups come from :func:`stackgraph.analysis.control_groups` over the deals in effect (a status that means in
    effect -- completed, active --, no status, or from a scenario; a rumoured, pending or hypothetical takeover does
    not regroup anything); an entity claimed by two groups counts in the larger one.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("A", label="A", kind="organization"); G.add_node("B", label="B", kind="organization")
    >>> _ = G.add_edge("A", "B", key="d", relation="acquires", status="completed", stake=None)
    >>> group_of(G)
    {'A': 'A', 'B': 'A'}
    """
    from stackgraph.analysis.control import control_groups

    def in_effect(u: Hashable, v: Hashable, k: Hashable) -> bool:
        data = G.edges[u, v, k]
        status = data.get("status")
        return bool(data.get("scenario")) or status is None or rules.in_effect(status)

    owner: dict[Hashable, Hashable] = {}
    for group in control_groups(nx.subgraph_view(G, filter_edge=in_effect), min_size=2).groups:  # largest first
        for member in group.member_ids():
            owner.setdefault(member, group.parent)
    return {node: owner.get(node, node) for node in G.nodes}


def _primary_layer(data: dict[str, Any]) -> str:
    layers = data.get("layers") or ()
    return layers[0] if layers else NO_LAYER


def aggregate(G: nx.MultiDiGraph, by: str = "layers", *, max_nodes: int = 400) -> nx.MultiDiGraph:
    """Return a graph whose nodes are stack layers or control groups and whose edges count the ties between them.

    An entity counts in its first layer (the one that colours it in a full view). With ``by="groups"``, the
    ``max_nodes - 1`` largest groups (by members, then ties) are kept and the rest are pooled in one node. Nodes
    come in the layer scheme's order (layers) or largest first (groups).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    by : {"layers", "groups"}
        What becomes a node.
    max_nodes : int
        Most aggregate nodes to draw.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes with ``label``, ``kind`` (``"layer"`` or ``"group"``), ``layers``, ``members`` (count), ``sample``
        (up to five member labels) and ``internal`` (ties inside); one edge per (source, target) with ``count``
        (ties), ``by_relation`` (ties per relation, most first), ``relation`` (the commonest) and ``status``
        ``None``. ``graph["aggregate"]`` is ``by``.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"chips": {"label": "Chips"}, "models": {"label": "Models"}})
    >>> G.add_node("N", label="N", kind="organization", layers=("chips",))
    >>> G.add_node("O", label="O", kind="organization", layers=("models",))
    >>> _ = G.add_edge("N", "O", key="d", relation="supplies", status="active")
    >>> A = aggregate(G, "layers")
    >>> sorted(A.nodes), [(u, v, d["count"]) for u, v, d in A.edges(data=True)]
    (['chips', 'models'], [('chips', 'models', 1)])
    """
    if by not in AGGREGATES:
        raise InputError(f"unknown aggregate {by!r}; use one of {', '.join(AGGREGATES)}")
    scheme = G.graph.get("layers") or {}
    if by == "layers":
        bucket = {n: _primary_layer(d) for n, d in G.nodes(data=True)}
        names = {key: str((scheme.get(key) or {}).get("label") or key) for key in set(bucket.values())}
        names[NO_LAYER] = "No layer"
        layers_of = {key: (key,) if key != NO_LAYER else () for key in set(bucket.values())}
    else:
        bucket = dict(group_of(G))
        ties = Counter()
        for u, v in G.edges():
            ties[bucket[u]] += 1
            ties[bucket[v]] += 1
        size = Counter(bucket.values())
        ranked = sorted(size, key=lambda g: (-size[g], -ties[g], str(G.nodes[g].get("label") or g)))
        if len(ranked) > max_nodes:
            kept = set(ranked[: max_nodes - 1])
            bucket = {n: (g if g in kept else _OTHERS) for n, g in bucket.items()}
        names = {g: str(G.nodes[g].get("label") or g) for g in set(bucket.values()) if g != _OTHERS}
        names[_OTHERS] = "Other groups"
        layers_of = {g: (_primary_layer(G.nodes[g]),) if g != _OTHERS else () for g in set(bucket.values())}
        layers_of = {g: tuple(k for k in ls if k != NO_LAYER) for g, ls in layers_of.items()}

    members: dict[Hashable, list[Hashable]] = {}
    for node, key in bucket.items():
        members.setdefault(key, []).append(node)
    internal: Counter[Hashable] = Counter()
    counts: dict[tuple[Hashable, Hashable], Counter[str]] = {}
    partnerships: set[tuple[Hashable, frozenset[Hashable]]] = set()
    for u, v, key, relation in G.edges(keys=True, data="relation"):
        if relation == "partners_with":  # one tie, though projected both ways
            if (key, frozenset((u, v))) in partnerships:
                continue
            partnerships.add((key, frozenset((u, v))))
        a, b = bucket[u], bucket[v]
        if relation == "partners_with" and str(b) < str(a):
            a, b = b, a
        if a == b:
            internal[a] += 1
        else:
            counts.setdefault((a, b), Counter())[relation or "related"] += 1

    A = nx.MultiDiGraph()
    A.graph.update(G.graph)
    A.graph["aggregate"] = by
    if by == "layers":  # in the scheme's order, so a circle of them reads like the stack
        rank = {key: i for i, key in enumerate(scheme)}
        ordered = sorted(members.items(), key=lambda item: (rank.get(item[0], len(rank)), str(item[0])))
    else:
        ordered = sorted(members.items(), key=lambda item: (-len(item[1]), str(item[0])))
    for key, nodes in ordered:
        labels = sorted((str(G.nodes[n].get("label") or n) for n in nodes), key=str.casefold)
        A.add_node(
            key,
            label=names[key],
            kind="layer" if by == "layers" else "group",
            layers=layers_of[key],
            iri=str(key),
            aliases=(),
            members=len(nodes),
            sample=tuple(labels[:5]),
            internal=internal[key],
        )
    for (a, b), relations in sorted(counts.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        ranked = sorted(relations.items(), key=lambda item: (-item[1], item[0]))
        A.add_edge(
            a,
            b,
            key=f"{a}->{b}",
            relation=ranked[0][0],
            count=sum(relations.values()),
            by_relation=dict(ranked),
            status=None,
            deal=None,
        )
    return A
