"""The projection's nodes: the layer scheme, the typed entities with their labels, aliases and layers, and name
lookup on a projected graph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from stackgraph.projection._columns import Keys, all_of, converted, first_of, rest_of, sorted_set
from stackgraph.vocabulary.names import local_name, resolve_name

__all__ = ["add_entities", "entity_names", "layer_scheme", "resolve_entity"]


def layer_scheme(rows: Iterable[Sequence[str | None]], keys: Keys) -> dict[str, dict[str, Any]]:
    layers: dict[str, dict[str, Any]] = {}
    for iri, label, broader, feeds in rows:
        assert iri is not None
        key = keys[iri]
        entry = layers.setdefault(key, {"iri": iri, "label": None, "broader": None, "feeds": [], "narrower": []})
        if label is not None and entry["label"] is None:
            entry["label"] = label
        if broader is not None and entry["broader"] is None:
            entry["broader"] = keys[broader]
        if feeds is not None and keys[feeds] not in entry["feeds"]:
            entry["feeds"].append(keys[feeds])
    for key, entry in layers.items():
        if entry["label"] is None:
            entry["label"] = key
        entry["feeds"].sort()
        parent = entry["broader"]
        if parent in layers:
            layers[parent]["narrower"].append(key)
    for entry in layers.values():
        entry["narrower"].sort()
    return dict(sorted(layers.items()))


def add_entities(
    G: nx.MultiDiGraph,
    kinds: Sequence[Sequence[str | None]],
    labels: Sequence[Sequence[str | None]],
    aliases: Sequence[Sequence[str | None]],
    layers: Sequence[Sequence[str | None]],
    *,
    keys: Keys,
) -> None:
    """Add a node per typed entity from entity_kinds.rq's (entity, kind) and property_values.rq's (subject,
    value) columns of its labels, aliases and own layers. The first label is the node's; others join the aliases."""
    kind_of = first_of(kinds)
    label_of, more_labels = first_of(labels), rest_of(labels)
    alias_of = all_of(aliases)
    layer_columns = [layers[0], converted(layers[1], keys.__getitem__)] if layers else []
    layer_of, more_layers = first_of(layer_columns), rest_of(layer_columns)
    # Straight into the node and adjacency maps, as add_nodes_from does it for new nodes without its per-node
    # checks (tests/test_projection.py pins the result equal to what add_nodes_from builds).
    nodes, succ, pred, new_adjacency = G._node, G._succ, G._pred, G.adjlist_inner_dict_factory
    for iri, kind in kind_of.items():
        label = label_of.get(iri)
        layer = layer_of.get(iri)
        if iri not in nodes:
            succ[iri], pred[iri] = new_adjacency(), new_adjacency()
        nodes[iri] = {
            "label": label if label is not None else local_name(iri),
            "kind": kind,
            "layers": ()
            if layer is None
            else (layer,)
            if iri not in more_layers
            else sorted_set(layer, more_layers[iri]),
            "iri": iri,
            "aliases": tuple(dict.fromkeys([*more_labels.get(iri, ()), *alias_of.get(iri, ())]))
            if iri in more_labels or iri in alias_of
            else (),
        }
    nx._clear_cache(G)


def entity_names(G: nx.Graph) -> dict[str, tuple[str, ...]]:
    """Return each node of ``G`` with the names it is known by (label and aliases), for name lookup."""
    return {
        node: tuple(n for n in (data.get("label"), *data.get("aliases", ())) if n) for node, data in G.nodes(data=True)
    }


def resolve_entity(G: nx.Graph, name: str, names: Mapping[str, Iterable[str]] | None = None) -> str:
    """Return the node of ``G`` that ``name`` designates: its IRI, local name, label or an alias (any case).

    Raises
    ------
    stackgraph.errors.UnknownEntityError
        Nothing matches (the message suggests the closest names) or the name is ambiguous.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/stackgraph/id/SpaceX", label="SpaceX", aliases=())
    >>> resolve_entity(G, "spacex")
    'https://w3id.org/stackgraph/id/SpaceX'
    """
    return resolve_name(name, names if names is not None else entity_names(G))
