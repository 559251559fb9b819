"""Helpers shared by the analysis modules: node names, the policy a graph was projected with, tables."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import networkx as nx

from stackgraph.naming import local_name, resolve_name

__all__ = ["Table", "label_of", "node_for", "paused_gc", "rounded", "view_of"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: A plain table: column headers and rows of plain values (``None`` for missing), for table and CSV output.
Table = tuple[list[str], list[list[Any]]]


def label_of(G: nx.Graph, node: Hashable) -> str:
    """Return a node's label, or the local name of its IRI when it has none."""
    try:
        label = G.nodes[node].get("label")
    except (KeyError, TypeError):  # not a node (TypeError: not even hashable)
        label = None
    return str(label) if label else local_name(str(node))


def node_for(G: nx.Graph, entity: str) -> str:
    """Return the node ``entity`` designates: the node itself, or the one whose IRI, local name, label or alias
    matches (see :func:`stackgraph.naming.resolve_name`; unknown names raise ``UnknownEntityError`` with
    suggestions)."""
    if entity in G:
        return entity
    names = {
        node: tuple(n for n in (data.get("label"), *data.get("aliases", ())) if n) for node, data in G.nodes(data=True)
    }
    return resolve_name(entity, names)


def view_of(G: nx.Graph) -> dict[str, Any]:
    """Return the view a projected graph shows: ``{"as_of": ISO date or None, "statuses": [status keys],
    "undated": {"rule", "default", "deals"} or None, "evidence": [kinds] or None (any)}``."""
    policy = G.graph.get("policy") or {}
    return {
        "as_of": G.graph.get("as_of"),
        "statuses": list(G.graph.get("statuses", ())),
        "undated": G.graph.get("undated"),
        "evidence": policy.get("evidence"),
    }


def rounded(value: float | None, digits: int = 6) -> float | None:
    """Round a score for output (``None`` stays ``None``)."""
    return None if value is None else round(float(value), digits)


def paused_gc(function: _F) -> _F:
    """Run ``function`` with Python's cyclic garbage collector paused (and restored after, even on error).

    The analyses allocate hundreds of thousands of small containers on large graphs and create no reference
    cycles; meanwhile every full collection rescans the whole projected graph, which costs seconds at 100k
    nodes. Garbage is still freed by reference counting; cycles, if any, at the next collection after.

    Examples
    --------
    >>> @paused_gc
    ... def collecting() -> bool:
    ...     return gc.isenabled()
    >>> collecting(), gc.isenabled()
    (False, True)
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper  # type: ignore[return-value]
