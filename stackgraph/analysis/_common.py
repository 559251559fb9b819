"""Helpers shared by the analysis modules: node names, the policy a graph was projected with, tables."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx

from stackgraph.vocabulary.names import local_name, resolve_name
from stackgraph.vocabulary.rules import EVIDENCE

__all__ = ["Table", "View", "basis_of", "label_of", "node_for", "paused_gc", "rounded", "view_fields", "view_of"]

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
    matches (see :func:`stackgraph.vocabulary.names.resolve_name`; unknown names raise ``UnknownEntityError`` with
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


def basis_of(*kinds: Iterable[str]) -> tuple[str, ...]:
    """The evidence kinds found in ``kinds`` (edges' or market positions' ``basis``), in the order results list
    them: quoted, dataset, editorial, scenario.

    Examples
    --------
    >>> basis_of(("quoted",), ("editorial", "quoted"), ())
    ('quoted', 'editorial')
    """
    found = {kind for each in kinds for kind in each}
    return tuple(sorted(found, key=lambda k: (EVIDENCE.index(k) if k in EVIDENCE else len(EVIDENCE), k)))


@dataclass(frozen=True, kw_only=True)
class View:
    """What a result was computed under and what it rests on: the as-of day and the statuses that counted (the
    projection's policy), what was done with undated deals (``{"rule", "default", "deals"}``), the evidence kinds
    allowed (``None``: any) and ``basis``, the evidence kinds of the deals and market shares its figures rest on."""

    as_of: str | None = None
    statuses: tuple[str, ...] = ()
    undated: Mapping[str, Any] | None = None
    evidence: tuple[str, ...] | None = None
    basis: tuple[str, ...] = ()

    def view_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis"}`` for ``to_dict()``."""
        return {
            "as_of": self.as_of,
            "statuses": list(self.statuses),
            "undated": dict(self.undated) if self.undated is not None else None,
            "evidence": list(self.evidence) if self.evidence is not None else None,
            "basis": list(self.basis),
        }


def view_fields(G: nx.Graph, basis: Iterable[str] = ()) -> dict[str, Any]:
    """The :class:`View` fields of a result computed on ``G`` and resting on ``basis``."""
    view = view_of(G)
    evidence = view["evidence"]
    return {
        "as_of": view["as_of"],
        "statuses": tuple(view["statuses"]),
        "undated": view["undated"],
        "evidence": tuple(evidence) if evidence is not None else None,
        "basis": basis_of(basis),
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
