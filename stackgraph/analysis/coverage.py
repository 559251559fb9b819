"""Stack coverage: which layers of the stack a control group holds, how much of the scheme, and how deep.

Scoring
-------
A group *holds* a layer when one of its members (see :mod:`stackgraph.analysis.control`) is in it
(``layers`` node attribute). Each layer of the scheme (``G.graph["layers"]``) gets a *credit*:

* 1 when the group holds it;
* otherwise, for a broader layer, the mean credit of its narrower layers -- holding a child layer covers its
  broader layer partially (holding satellite broadband, one of three connectivity layers, gives connectivity 1/3);
* otherwise 0.

The **coverage score** is the mean credit over every layer of the scheme (0 to 1). The **integration depth** is the
number of layers in the longest chain ``a feeds b feeds c ...`` (``sg:feeds``) of layers the group holds; a feed
from or into a broader layer also links its narrower layers (developer tooling feeds software, so it feeds an
enterprise-software member). A group holding layers but no feeding pair has depth 1; one holding nothing, 0.
Groups rank by integration depth, then coverage score, then label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, View, basis_of, label_of, paused_gc, rounded, view_fields
from stackgraph.analysis.control import (
    ControlGroup,
    _components,
    _group,
    _roots,
    _SortKeys,
    control_graph,
    control_group,
)

__all__ = [
    "CoverageRanking",
    "GroupCoverage",
    "LayerCredit",
    "coverage_of",
    "coverage_ranking",
    "group_coverage",
    "integration_chain",
    "layer_scheme",
]


@dataclass(frozen=True)
class LayerCredit:
    """One layer of the scheme and what a group holds of it."""

    layer: str
    label: str
    credit: float
    held: bool
    held_by: tuple[str, ...]
    held_by_labels: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"layer", "label", "credit", "held", "held_by": [iri...]}``."""
        return {
            "layer": self.layer,
            "label": self.label,
            "credit": rounded(self.credit, 4),
            "held": self.held,
            "held_by": list(self.held_by),
        }


@dataclass(frozen=True)
class GroupCoverage(View):
    """The stack coverage of one control group (see the module docstring for the scoring); ``basis`` is what the
    group's control ties rest on."""

    group: str
    label: str
    members: tuple[str, ...]
    layers: tuple[LayerCredit, ...]
    score: float
    integration_depth: int
    chain: tuple[str, ...]

    @property
    def held(self) -> tuple[str, ...]:
        """Keys of the layers the group holds."""
        return tuple(c.layer for c in self.layers if c.held)

    @property
    def partial(self) -> tuple[str, ...]:
        """Keys of broader layers covered only partly (credit strictly between 0 and 1), through narrower layers."""
        return tuple(c.layer for c in self.layers if 0 < c.credit < 1)

    def to_dict(self) -> dict[str, Any]:
        """``{"group", "label", "as_of", "statuses", "undated", "evidence", "basis", "members": [iri...],
        "held": [key...], "partial": [key...], "score", "integration_depth", "chain": [key...],
        "layers": [layer credit...]}``."""
        return {
            "group": self.group,
            "label": self.label,
            **self.view_dict(),
            "members": list(self.members),
            "held": list(self.held),
            "partial": list(self.partial),
            "score": rounded(self.score, 4),
            "integration_depth": self.integration_depth,
            "chain": list(self.chain),
            "layers": [c.to_dict() for c in self.layers],
        }

    def summary(self) -> dict[str, Any]:
        """The ranking-table entry: ``{"group", "label", "members", "held", "score", "integration_depth",
        "chain", "basis"}`` (``members`` is a count here)."""
        return {
            "group": self.group,
            "label": self.label,
            "members": len(self.members),
            "held": list(self.held),
            "score": rounded(self.score, 4),
            "integration_depth": self.integration_depth,
            "chain": list(self.chain),
            "basis": list(self.basis),
        }

    def table(self) -> Table:
        """One row per layer of the scheme: key, label, credit, held, members holding it (labels)."""
        rows = [
            [c.layer, c.label, f"{c.credit:.2f}", "yes" if c.held else "", ", ".join(c.held_by_labels)]
            for c in self.layers
        ]
        return ["layer", "label", "credit", "held", "held by"], rows


@dataclass(frozen=True)
class CoverageRanking(View):
    """Control groups ranked by integration depth, then coverage score."""

    rows: tuple[GroupCoverage, ...]
    layer_count: int

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "layer_count", "groups": [summary...]}`` (see
        :meth:`GroupCoverage.summary`)."""
        return {
            **self.view_dict(),
            "layer_count": self.layer_count,
            "groups": [r.summary() for r in self.rows],
        }

    def table(self) -> Table:
        """One row per group: rank, label, members, depth, score, chain, held layers."""
        rows = [
            [i, r.label, len(r.members), r.integration_depth, f"{r.score:.3f}", " > ".join(r.chain), ", ".join(r.held)]
            for i, r in enumerate(self.rows, start=1)
        ]
        return ["rank", "group", "members", "depth", "score", "chain", "layers"], rows


def layer_scheme(G: nx.Graph) -> dict[str, dict[str, Any]]:
    """Return the layer scheme of ``G``: ``G.graph["layers"]``, or a flat scheme of the layers its nodes use.

    Each entry has ``label``, ``broader`` (key or ``None``), ``narrower`` (keys) and ``feeds`` (keys).
    """
    given: Mapping[str, Mapping[str, Any]] = G.graph.get("layers") or {}
    keys = set(given)
    if not keys:
        for _, layers in G.nodes(data="layers"):
            keys.update(layers or ())
    scheme = {
        key: {
            "label": (given.get(key) or {}).get("label") or key,
            "broader": (given.get(key) or {}).get("broader"),
            "feeds": sorted((given.get(key) or {}).get("feeds") or ()),
            "narrower": [],
        }
        for key in sorted(keys)
    }
    for key, entry in scheme.items():
        if entry["broader"] in scheme:
            scheme[entry["broader"]]["narrower"].append(key)
    return scheme


def _credits(scheme: Mapping[str, Mapping[str, Any]], held: Iterable[str]) -> dict[str, float]:
    held_set = set(held)
    credit: dict[str, float] = {}

    def value(key: str, seen: frozenset[str]) -> float:
        if key in credit:
            return credit[key]
        if key in held_set:
            result = 1.0
        else:
            children = [c for c in scheme[key]["narrower"] if c not in seen]
            result = sum(value(c, seen | {key}) for c in children) / len(children) if children else 0.0
        credit[key] = result
        return result

    for key in scheme:
        value(key, frozenset())
    return credit


def _lineage(scheme: Mapping[str, Mapping[str, Any]], key: str) -> list[str]:
    """The layer and its broader layers, nearest first (stops at a cycle in broken data)."""
    line: list[str] = []
    current: str | None = key
    while current is not None and current not in line:
        line.append(current)
        current = scheme[current]["broader"] if current in scheme else None
    return line


def integration_chain(scheme: Mapping[str, Mapping[str, Any]], held: Iterable[str]) -> tuple[str, ...]:
    """Return the longest chain of held layers along ``feeds`` (a feed from or into a broader layer links its
    narrower layers too).

    Examples
    --------
    >>> scheme = {
    ...     "fab": {"broader": None, "feeds": ["chips"], "narrower": []},
    ...     "chips": {"broader": None, "feeds": ["models"], "narrower": []},
    ...     "models": {"broader": None, "feeds": [], "narrower": []},
    ... }
    >>> integration_chain(scheme, ["fab", "chips", "models"]), integration_chain(scheme, ["fab", "models"])
    (('fab', 'chips', 'models'), ('fab',))
    """
    held_set = sorted(set(held))
    if not held_set:
        return ()
    lineage = {key: _lineage(scheme, key) for key in held_set}
    feeds = nx.DiGraph()
    feeds.add_nodes_from(held_set)
    for a in held_set:
        targets = {t for up in lineage[a] for t in scheme.get(up, {}).get("feeds", ())}
        for b in held_set:
            if b != a and targets.intersection(lineage[b]):
                feeds.add_edge(a, b)
    # feeds may form a cycle in user data: walk the condensation, a cycle's layers each counted once
    condensed = nx.condensation(feeds)
    best: dict[int, tuple[int, tuple[str, ...]]] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        members = tuple(sorted(condensed.nodes[component]["members"]))
        tail = min((best[s] for s in condensed.successors(component)), key=_longest_first, default=(0, ()))
        best[component] = (len(members) + tail[0], members + tail[1])
    return min(best.values(), key=_longest_first)[1]


def _longest_first(candidate: tuple[int, tuple[str, ...]]) -> tuple[int, tuple[str, ...]]:
    """Sort key: the longest chain first, then the alphabetically first (deterministic output)."""
    return -candidate[0], candidate[1]


_Scored = tuple[dict[str, Mapping[str, Any]], dict[str, float], float, tuple[str, ...]]


def _score(scheme: Mapping[str, Mapping[str, Any]], held: frozenset[str]) -> _Scored:
    """The scheme extended with held layers outside it, each layer's credit, the score and the chain."""
    full_scheme = dict(scheme)
    for layer in sorted(held):  # a layer outside the scheme still counts as held (but adds nothing to the score)
        full_scheme.setdefault(layer, {"label": layer, "broader": None, "feeds": [], "narrower": []})
    credit = _credits(full_scheme, held)
    score = sum(credit[k] for k in scheme) / len(scheme) if scheme else 0.0
    return full_scheme, credit, score, integration_chain(full_scheme, held)


def _held(G: nx.Graph, group: ControlGroup) -> dict[str, list[str]]:
    holders: dict[str, list[str]] = {}
    for member in group.members:
        for layer in G.nodes[member.entity].get("layers", ()) if member.entity in G else ():
            holders.setdefault(layer, []).append(member.entity)
    return holders


def coverage_of(
    G: nx.Graph, group: ControlGroup, scheme: Mapping[str, Mapping[str, Any]], scored: _Scored | None = None
) -> GroupCoverage:
    """Return the coverage of ``group`` (a :class:`ControlGroup` the caller has, e.g. from its own control graph)
    over the layer ``scheme`` (:func:`layer_scheme`); ``scored`` is the scoring when the caller has it already."""
    holders = _held(G, group)
    full_scheme, credit, score, chain = scored if scored is not None else _score(scheme, frozenset(holders))
    credits = []
    for key in full_scheme:
        by = sorted(map(str, holders.get(key, ())), key=lambda n: (label_of(G, n).casefold(), n))
        credits.append(
            LayerCredit(
                layer=key,
                label=full_scheme[key]["label"],
                credit=credit[key],
                held=key in holders,
                held_by=tuple(by),
                held_by_labels=tuple(label_of(G, n) for n in by),
            )
        )
    return GroupCoverage(
        group=group.parent,
        label=group.label,
        members=tuple(m.entity for m in group.members),
        layers=tuple(credits),
        score=score,
        integration_depth=len(chain),
        chain=chain,
        **view_fields(G, group.basis),
    )


def group_coverage(G: nx.MultiDiGraph, entity: str) -> GroupCoverage:
    """Return the stack coverage of the group headed by ``entity`` (an IRI, local name, label or alias).

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={
    ...     "launch": {"label": "Launch", "broader": None, "feeds": ["broadband"]},
    ...     "connectivity": {"label": "Connectivity", "broader": None, "feeds": []},
    ...     "broadband": {"label": "Broadband", "broader": "connectivity", "feeds": []},
    ...     "ran": {"label": "RAN", "broader": "connectivity", "feeds": []},
    ... })
    >>> G.add_node("S", label="SpaceX", kind="organization", layers=("launch",))
    >>> G.add_node("L", label="Starlink", kind="product", layers=("broadband",))
    >>> G.add_edge("S", "L", key="d1", relation="develops", status="active")
    'd1'
    >>> c = group_coverage(G, "SpaceX")
    >>> c.held, c.partial, c.score, c.chain
    (('broadband', 'launch'), ('connectivity',), 0.625, ('launch', 'broadband'))
    """
    group = control_group(G, entity)
    return coverage_of(G, group, layer_scheme(G))


@paused_gc
def coverage_ranking(
    G: nx.MultiDiGraph, *, min_size: int = 1, top: int | None = None, control: nx.DiGraph | None = None
) -> CoverageRanking:
    """Rank every control group (by default including standalone organisations) by integration depth, then
    coverage score, then label; ``top`` keeps the first rows only. ``control`` is ``control_graph(G)`` when the
    caller has it already.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"a": {"feeds": ["b"]}, "b": {"feeds": []}})
    >>> G.add_node("X", label="X", kind="organization", layers=("a",))
    >>> G.add_node("Y", label="Y", kind="organization", layers=("b",))
    >>> G.add_node("Z", label="Z", kind="organization", layers=("a",))
    >>> G.add_edge("X", "Y", key="d", relation="acquires", status="completed", stake=None)
    'd'
    >>> [(r.label, r.integration_depth, r.score) for r in coverage_ranking(G).rows]
    [('X', 2, 1.0), ('Z', 1, 0.5)]
    """
    scheme = layer_scheme(G)
    C = control if control is not None else control_graph(G)
    keys = _SortKeys(G)
    cache: dict[frozenset[str], _Scored] = {}  # groups holding the same layers score the same
    ranked = []
    layers_of = dict(G.nodes(data="layers"))
    out_degree = C.out_degree
    for parent, in_cycle in _roots(G, C, keys, _components(C)):
        if out_degree[parent]:
            members = nx.descendants(C, parent) | {parent}
            if len(members) < min_size:
                continue
            held = frozenset(layer for m in members for layer in layers_of[m] or ())
        else:
            if min_size > 1:
                continue
            held = frozenset(layers_of[parent] or ())
        if held not in cache:
            cache[held] = _score(scheme, held)
        _, _, score, chain = cache[held]
        ranked.append(((-len(chain), -score, *keys[parent]), parent, in_cycle, held))
    ranked.sort(key=lambda item: item[0])
    if top is not None:
        ranked = ranked[:top]
    rows = [
        coverage_of(G, _group(G, C, parent, in_cycle, (str(parent),), keys), scheme, cache[held])
        for _, parent, in_cycle, held in ranked
    ]
    return CoverageRanking(
        rows=tuple(rows), layer_count=len(scheme), **view_fields(G, basis_of(*(r.basis for r in rows)))
    )
