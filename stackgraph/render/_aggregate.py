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
    from stackgraph.analysis.control import CONTROL_RELATIONS, control_groups

    # only the deals that can give control and are in effect (a plain graph: an edge-filtered view of a large
    # graph is several times slower to walk)
    H = nx.MultiDiGraph()
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(
        (u, v, k, d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if d.get("relation") in CONTROL_RELATIONS
        and (bool(d.get("scenario")) or d.get("status") is None or rules.in_effect(d.get("status")))
    )
    owner: dict[Hashable, Hashable] = {}
    for group in control_groups(H, min_size=2).groups:  # largest first
        for member in group.member_ids():
            owner.setdefault(member, group.parent)
    return {node: owner.get(node, node) for node in G.nodes}


def _primary_layer(data: dict[str, Any]) -> str:
    layers = data.get("layers") or ()
    return layers[0] if layers else NO_LAYER


def _others(layer: str) -> str:
    return f"{_OTHERS}:{layer}"


def aggregate(G: nx.MultiDiGraph, by: str = "layers", *, max_nodes: int = 200, top: int = 60) -> nx.MultiDiGraph:
    """Return a graph whose nodes are stack layers or control groups and whose edges count the ties between them.

    An entity counts in its first layer (the one that colours it in a full view). With ``by="groups"``, the
    largest groups (by members plus deal ends, so a hub without subsidiaries counts too) are kept and the entities
    of the other groups are pooled by layer ("Others in Software"), ``max_nodes`` nodes in all (the largest group
    is always kept).
    Entities without any tie are counted (``graph["untied"]``), not drawn. Nodes come in the layer scheme's order
    (layers) or largest first (groups).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    by : {"layers", "groups"}
        What becomes a node.
    max_nodes : int
        Most aggregate nodes to draw (groups).
    top : int
        How many members (most ties first) each node lists in ``top_members``.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes with ``label``, ``kind`` (``"layer"``, ``"group"`` or ``"others"`` for a pool), ``layers``,
        ``members`` (count), ``sample`` (up to five member labels), ``top_members`` (member ids, most ties first)
        and ``internal`` (ties inside); one edge per (source, target) with ``count`` (ties), ``by_relation`` (ties
        per relation, most first), ``relation`` (the commonest) and ``status`` ``None``. ``graph["aggregate"]`` is
        ``by``, ``graph["entities"]`` the number of entities of ``G`` and ``graph["untied"]`` of those left out.

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
    degree = dict(G.degree())
    layer_name = {key: str((scheme.get(key) or {}).get("label") or key) for key in scheme}
    layer_name[NO_LAYER] = "No layer"
    if by == "layers":
        bucket = {n: _primary_layer(d) for n, d in G.nodes(data=True)}
        names = {key: layer_name.get(key, key) for key in set(bucket.values())}
        layers_of = {key: (key,) if key != NO_LAYER else () for key in set(bucket.values())}
    else:
        group = group_of(G)
        bucket = {n: g for n, g in group.items() if degree[n] or group[n] != n}  # untied singletons: counted
        size = Counter(bucket.values())
        ends: Counter[Hashable] = Counter()
        for n, g in bucket.items():
            ends[g] += degree[n]
        ranked = sorted(size, key=lambda g: (-(size[g] + ends[g]), str(G.nodes[g].get("label") or g)))
        kept = set(ranked)
        if len(ranked) > max_nodes:  # room for the pools of what is left out, one per layer
            keep = max_nodes - 1
            while True:
                kept = set(ranked[:keep])
                pools = len({_primary_layer(G.nodes[n]) for n, g in bucket.items() if g not in kept})
                if keep + pools <= max_nodes or keep == 1:
                    break
                keep = max(1, min(keep - 1, max_nodes - pools))
        bucket = {n: (g if g in kept else _others(_primary_layer(G.nodes[n]))) for n, g in bucket.items()}
        names = {g: str(G.nodes[g].get("label") or g) for g in kept}
        layers_of = {g: tuple(k for k in (_primary_layer(G.nodes[g]),) if k != NO_LAYER) for g in kept}
        for key in set(bucket.values()) - kept:
            layer = key.rsplit(":", 1)[1]
            names[key] = f"Others in {layer_name.get(layer, layer)}" if layer != NO_LAYER else "Others, no layer"
            layers_of[key] = (layer,) if layer != NO_LAYER else ()

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
    A.graph["entities"] = G.number_of_nodes()
    A.graph["untied"] = G.number_of_nodes() - len(bucket)
    if by == "layers":  # in the scheme's order, so a circle of them reads like the stack
        rank = {key: i for i, key in enumerate(scheme)}
        ordered = sorted(members.items(), key=lambda item: (rank.get(item[0], len(rank)), str(item[0])))
    else:
        pooled = [item for item in members.items() if str(item[0]).startswith(_OTHERS)]
        groups = [item for item in members.items() if not str(item[0]).startswith(_OTHERS)]
        ordered = sorted(groups, key=lambda item: (-len(item[1]), str(item[0])))
        ordered += sorted(pooled, key=lambda item: str(item[0]))
    for key, nodes in ordered:
        labels = sorted((str(G.nodes[n].get("label") or n) for n in nodes), key=str.casefold)
        busiest = sorted(nodes, key=lambda n: (-degree[n], str(G.nodes[n].get("label") or n)))
        A.add_node(
            key,
            label=names[key],
            kind="layer" if by == "layers" else ("others" if str(key).startswith(_OTHERS) else "group"),
            layers=layers_of[key],
            iri=str(key),
            aliases=(),
            members=len(nodes),
            sample=tuple(labels[:5]),
            top_members=tuple(busiest[:top]),
            internal=internal[key],
        )
    for (a, b), relations in sorted(counts.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        ranked_relations = sorted(relations.items(), key=lambda item: (-item[1], item[0]))
        A.add_edge(
            a,
            b,
            key=f"{a}->{b}",
            relation=ranked_relations[0][0],
            count=sum(relations.values()),
            by_relation=dict(ranked_relations),
            status=None,
            deal=None,
        )
    return A
