"""Choose what a view shows: an ego network around a focus entity, and layer, relation and status filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from stackgraph.errors import InputError, StackgraphError, UnknownEntityError
from stackgraph.projection import RELATIONS, STATUS_KEYS, resolve_entity
from stackgraph.render._style import counted
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.names import resolve_name

__all__ = ["EmptySelectionError", "expand_layers", "select"]


class EmptySelectionError(StackgraphError):
    """The filters of a view leave nothing to draw (the command line exits with 1 and writes no file)."""


def _relation_key(value: str) -> str:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"invests": "invests_in", "partners": "partners_with", "acquisition": "acquires", "supply": "supplies"}
    key = aliases.get(key, key)
    if key not in RELATIONS:
        raise InputError(f"unknown relation {value!r}; use one of {', '.join(RELATIONS)}")
    return key


def _status_key(value: str) -> str:
    key = rules.status_key(value)
    if key is None:
        raise InputError(f"unknown status {value!r}; use one of {', '.join(STATUS_KEYS)}")
    return key


def expand_layers(G: nx.Graph, names: Iterable[str]) -> frozenset[str]:
    """Return the layer keys named by ``names`` (key or label, any case) and every layer below them.

    Raises
    ------
    UnknownEntityError
        A name matches no layer of ``G.graph["layers"]``; the message suggests the closest.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"compute": {"label": "Compute", "broader": None},
    ...                             "accelerators": {"label": "Accelerators", "broader": "compute"}})
    >>> sorted(expand_layers(G, ["Compute"]))
    ['accelerators', 'compute']
    """
    scheme: dict[str, Any] = G.graph.get("layers") or {}
    names_of = {key: (str(info.get("label") or key), key) for key, info in scheme.items()}
    chosen = set()
    for name in names:
        try:
            chosen.add(resolve_name(name, names_of, what="layer"))
        except UnknownEntityError as error:
            if error.suggestions or not scheme:
                raise
            raise UnknownEntityError(name, sorted(scheme), what="layer") from None
    children: dict[str, set[str]] = {}
    for key, info in scheme.items():
        if info.get("broader"):
            children.setdefault(info["broader"], set()).add(key)
    todo = list(chosen)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in chosen:
                chosen.add(child)
                todo.append(child)
    return frozenset(chosen)


def _listing(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def _empty(step: str, kept: str, earlier: list[str], before: tuple[int, int]) -> EmptySelectionError:
    """The error for a filter that left nothing: which filter, what it left none of, and what it started from."""
    entities, ties = before
    start = f"{counted(entities, 'entity', 'entities')} and {counted(ties, 'tie', 'ties')}"
    start += f" left by {'; '.join(earlier)}" if earlier else " in the graph"
    return EmptySelectionError(f"nothing to draw: {step} leaves no {kept} (of the {start})")


def select(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    layers: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    within_layers: bool = False,
) -> nx.MultiDiGraph:
    """Return the part of a projected graph that a view shows (a new graph; ``G`` is not modified).

    Filters apply in this order: ``relations`` and ``statuses`` keep the deals (edges) of those kinds, and entities
    left without any tie by them are dropped; ``layers`` keeps the entities in those layers (or layers below
    them) with their ties and the counterparties at the other end of those ties (only the ties among them with
    ``within_layers``); ``focus`` keeps what lies within ``depth`` ties of the focus entity, in either direction.
    The focus entity itself always stays. When a filter leaves nothing, the error names that filter and what it
    started from.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph (see DEVELOPERS.md, "Projection contract").
    focus : str, optional
        Entity at the centre of an ego view: IRI, local name, label or alias.
    depth : int
        How many ties away from ``focus`` to go (at least 1).
    layers, relations, statuses : iterable of str, optional
        Layer keys or labels; relation keys (``acquires``, ``invests_in``, ...); status keys (``in-talks``, ...).
    within_layers : bool
        Keep only ties with both ends in ``layers`` (and no counterparties outside them).

    Returns
    -------
    networkx.MultiDiGraph
        Same attributes as ``G``; ``graph["selection"]`` records the filters, ``graph["focus"]`` the focus IRI and
        ``graph["outside_layers"]`` the counterparties kept from outside ``layers``.

    Raises
    ------
    UnknownEntityError
        ``focus`` or a layer matches nothing; the message suggests the closest names.
    InputError
        Unknown relation or status, or ``depth`` below 1.
    EmptySelectionError
        Nothing is left to draw: no entity, or no tie although relations or statuses were asked for.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"chips": {"label": "Chips"}})
    >>> for n, layer in (("A", "chips"), ("B", None), ("C", None), ("D", None)):
    ...     G.add_node(n, label=n, kind="organization", layers=(layer,) if layer else (), iri=n)
    >>> _ = G.add_edge("A", "B", key="d1", relation="supplies", status="active")
    >>> _ = G.add_edge("B", "C", key="d2", relation="acquires", status="completed")
    >>> sorted(select(G, relations=["supplies"]).nodes)
    ['A', 'B']
    >>> sorted(select(G, layers=["Chips"]).nodes), sorted(select(G, layers=["Chips"], within_layers=True).nodes)
    (['A', 'B'], ['A'])
    >>> sorted(select(G, focus="C", depth=1).nodes)
    ['B', 'C']
    >>> select(G, relations=["acquires"], layers=["chips"])
    Traceback (most recent call last):
    ...
    stackgraph.render._select.EmptySelectionError: nothing to draw: the layers filter (chips) leaves no tie \
(of the 2 entities and 1 tie left by relations acquires)
    """
    if depth < 1:
        raise InputError(f"depth must be at least 1, not {depth}")
    relation_keys = None if relations is None else frozenset(_relation_key(r) for r in relations) or None
    status_keys = None if statuses is None else frozenset(_status_key(s) for s in statuses) or None
    layer_names = None if layers is None else list(layers)
    layer_keys = expand_layers(G, layer_names) if layer_names else None
    focus_id = resolve_entity(G, focus) if focus is not None else None
    ties_asked = relation_keys is not None or status_keys is not None

    edges = list(G.edges(keys=True, data=True))
    nodes = set(G.nodes)
    earlier: list[str] = []
    for name, keys, field in (("relations", relation_keys, "relation"), ("statuses", status_keys, "status")):
        if keys is None:
            continue
        before = (len(nodes), len(edges))
        edges = [e for e in edges if e[3].get(field) in keys]
        nodes = {n for u, v, _, _ in edges for n in (u, v)}
        if not edges:
            raise _empty(f"the {name} filter ({_listing(keys)})", "tie", earlier, before)
        earlier.append(f"{name} {_listing(keys)}")
    outside: set[object] = set()
    if layer_keys is not None:
        before = (len(nodes), len(edges))
        inside = {n for n in nodes if layer_keys.intersection(G.nodes[n].get("layers") or ())}
        if within_layers:
            edges = [e for e in edges if e[0] in inside and e[1] in inside]
        else:
            edges = [e for e in edges if e[0] in inside or e[1] in inside]
        ends = {n for u, v, _, _ in edges for n in (u, v)}
        outside = ends - inside
        nodes = (ends if ties_asked else inside) | ends
        step = f"the layers filter ({_listing(layer_keys)}{', ties within them' if within_layers else ''})"
        if ties_asked and not edges:
            raise _empty(step, "tie", earlier, before)
        if not nodes:
            raise _empty(step, "entity", earlier, before)
        earlier.append(f"layers {_listing(layer_keys)}")
    if focus_id is not None:
        before = (len(nodes), len(edges))
        nodes.add(focus_id)
        U = nx.Graph()
        U.add_nodes_from(nodes)
        U.add_edges_from((u, v) for u, v, _, _ in edges)
        nodes = set(nx.single_source_shortest_path_length(U, focus_id, cutoff=depth))
        edges = [e for e in edges if e[0] in nodes and e[1] in nodes]
        if ties_asked and not edges:
            label = G.nodes[focus_id].get("label") or focus_id
            raise _empty(f"the ego view around {label} (depth {depth})", "tie", earlier, before)

    selection = {
        "focus": focus,
        "depth": depth if focus is not None else None,
        "layers": sorted(layer_keys) if layer_keys is not None else None,
        "relations": sorted(relation_keys) if relation_keys is not None else None,
        "statuses": sorted(status_keys) if status_keys is not None else None,
    }
    if not nodes:
        raise EmptySelectionError("nothing to draw: the graph has no entity")
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["selection"] = selection
    H.graph["focus"] = focus_id
    H.graph["outside_layers"] = frozenset(outside & nodes)
    H.add_nodes_from((n, dict(G.nodes[n])) for n in G.nodes if n in nodes)
    H.add_edges_from((u, v, k, dict(d)) for u, v, k, d in edges)
    return H
