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

__all__ = [
    "Table",
    "View",
    "basis_in",
    "basis_of",
    "by_value",
    "dense_rank_array",
    "dense_ranks",
    "graph_basis",
    "label_of",
    "money",
    "names_of",
    "node_for",
    "paused_gc",
    "percent",
    "readable",
    "rounded",
    "view_fields",
    "view_of",
]

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


def graph_basis(G: nx.Graph) -> tuple[str, ...]:
    """The evidence kinds the edges of ``G`` rest on (their ``basis``), as :func:`basis_of` lists them.

    Read from the adjacency, once per distinct ``basis`` value (the projection shares one tuple among the deals of
    a kind), not edge by edge through an edge view: on 300k deals a fifth of a centrality run went to that.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("A", "B", basis=("editorial",)); _ = G.add_edge("A", "B", basis=("quoted",))
    >>> _ = G.add_edge("B", "C")
    >>> graph_basis(G)
    ('quoted', 'editorial')
    """
    if G.is_multigraph():
        values = [
            data.get("basis", ()) for _, nbrs in G.adjacency() for keys in nbrs.values() for data in keys.values()
        ]
    else:
        values = [data.get("basis", ()) for _, nbrs in G.adjacency() for data in nbrs.values()]
    try:
        distinct: Iterable[Iterable[str]] = set(values)
    except TypeError:  # a hand-built graph with list-valued basis: compare as tuples
        distinct = {tuple(value) for value in values}
    return basis_of(*distinct)


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


def readable(value: float | None, digits: int = 3) -> str:
    """Format a score with ``digits`` significant digits (scientific below 0.001), ``-`` for ``None``.

    Examples
    --------
    >>> readable(0.0827431), readable(2.3e-07), readable(0.0), readable(None), readable(1234.5)
    ('0.0827', '2.3e-07', '0', '-', '1.23e+03')
    """
    if value is None:
        return "-"
    return f"{float(value):.{digits}g}"


def dense_ranks(values: Iterable[float | None], tolerance: float = 1e-9) -> list[int | None]:
    """Return the dense rank of each value, largest first: equal values share a rank and the next value gets the
    next rank (1, 2, 2, 3). Values closer than ``tolerance`` times the largest magnitude count as equal (scores
    computed along different summation orders differ in the last bits); ``None`` and NaN get no rank.

    Examples
    --------
    >>> dense_ranks([0.5, 0.2, 0.5, None, 0.1, 0.2 + 1e-17])
    [1, 2, 1, None, 3, 2]
    """
    import numpy as np

    array = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    return [rank or None for rank in dense_rank_array(array, tolerance).tolist()]


def dense_rank_array(values: Any, tolerance: float = 1e-9) -> Any:
    """:func:`dense_ranks` of a NumPy array of floats, as an int64 array (0 where the value is NaN: no rank).

    In descending order a new rank starts where the value falls more than the gap (``tolerance`` times the largest
    magnitude) below the value before it, so a run of steps each within the gap stays one rank.

    Examples
    --------
    >>> import numpy as np
    >>> dense_rank_array(np.array([0.5, 0.2, 0.5, np.nan, 0.1])).tolist()
    [1, 2, 1, 0, 3]
    """
    import numpy as np

    array = np.asarray(values, dtype=float)
    ranks = np.zeros(len(array), dtype=np.int64)
    present = np.flatnonzero(~np.isnan(array))
    if not len(present):
        return ranks
    order = present[np.argsort(-array[present], kind="stable")]
    ordered = array[order]
    gap = tolerance * max(float(np.abs(ordered).max()), 1e-300)
    starts = np.empty(len(ordered), dtype=bool)
    starts[0] = True
    starts[1:] = np.diff(ordered) < -gap
    ranks[order] = np.cumsum(starts)
    return ranks


def money(amount: float | None, currency: str | None = None) -> str | None:
    """Format an amount as analysts write it: ``USD 1 billion``, ``EUR 250 million`` (``None`` stays ``None``).

    Examples
    --------
    >>> money(1e9, "USD"), money(2.5e6, "EUR"), money(1234.0), money(None)
    ('USD 1 billion', 'EUR 2.5 million', '1,234', None)
    """
    if amount is None:
        return None
    for size, suffix in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if amount >= size:
            return f"{currency or ''} {amount / size:g}{suffix}".strip()
    return f"{currency or ''} {amount:,.0f}".strip()


def percent(value: float | None) -> str:
    """A fraction as a percentage with four significant digits (``-`` for ``None``).

    Examples
    --------
    >>> percent(0.70588235), percent(0.5), percent(None)
    ('70.59 %', '50 %', '-')
    """
    return "-" if value is None else f"{100 * value:.4g} %"


def by_value(G: nx.Graph) -> Callable[[tuple[Hashable, float]], tuple[float, str, str]]:
    """Sort key for ``(node, value)`` items: largest value first, then label, then IRI."""
    return lambda item: (-item[1], label_of(G, item[0]).casefold(), str(item[0]))


def names_of(G: nx.Graph, nodes: Iterable[Hashable], limit: int = 3) -> str:
    """Return up to ``limit`` labels of ``nodes`` (in the given order) and how many more there are.

    Examples
    --------
    >>> names_of(nx.Graph(), ["a", "b", "c", "d", "e"])
    'a, b, c and 2 more'
    """
    items = list(nodes)
    shown = ", ".join(label_of(G, n) for n in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def basis_in(data: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Return the evidence kinds one deal edge or market position rests on (``"quoted"``, ``"dataset"``,
    ``"editorial"``, ``"scenario"``), from its ``basis`` attribute; a scenario deal without one is ``scenario``;
    otherwise ``()``: the kind is not recorded (projections made before edges carried a basis).

    Examples
    --------
    >>> basis_in({"basis": ("quoted",)}), basis_in({"scenario": True}), basis_in({})
    (('quoted',), ('scenario',), ())
    """
    if not data:
        return ()
    basis = data.get("basis")
    if basis:
        return (basis,) if isinstance(basis, str) else tuple(basis)
    return ("scenario",) if data.get("scenario") else ()


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
