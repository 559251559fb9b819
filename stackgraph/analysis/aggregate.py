"""The aggregate ownership test: which entities a set of holders owns a threshold (50 %) or more of *in the
aggregate* -- their direct stakes plus those of every entity they so own, added up and applied recursively, the
rule US sanctions screening applies (OFAC's 50 % rule: an entity owned 50 % or more, directly or indirectly,
individually or in the aggregate, by blocked persons is itself blocked). See :mod:`stackgraph.analysis.ownership`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import (
    Table,
    View,
    by_value,
    label_of,
    node_for,
    paused_gc,
    percent,
    rounded,
    view_fields,
)
from stackgraph.analysis.ownership import THRESHOLD, IntegratedOwnership, integrated_ownership, stake_basis

__all__ = ["AggregateOwnership", "aggregate_closure", "aggregate_owned"]

_EPSILON = 1e-9  # stakes add up in floating point: 0.3 + 0.2 must pass a 50 % test


def aggregate_closure(
    F: IntegratedOwnership, holders: Iterable[Hashable], threshold: float = THRESHOLD
) -> dict[Hashable, tuple[float, tuple[Hashable, ...]]]:
    """Return the entities owned ``threshold`` % or more in the aggregate by ``holders``: each with the sum of the
    direct stakes held in it by the holders and the entities so owned, and who holds them.

    An entity joins when those stakes add up to the threshold; then its own stakes count too (the rule applied
    recursively, as OFAC's 50 % rule is).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("X", "A", key="d1", relation="controls", stake=60.0)
    'd1'
    >>> G.add_edge("A", "B", key="d2", relation="controls", stake=30.0)
    'd2'
    >>> G.add_edge("X", "B", key="d3", relation="controls", stake=25.0)
    'd3'
    >>> sorted((n, round(s, 2)) for n, (s, _) in aggregate_closure(integrated_ownership(G), ["X"]).items())
    [('A', 0.6), ('B', 0.55)]
    """
    start = [h for h in holders if h in F.index]
    inside = set(start)
    sums: dict[Hashable, float] = {}
    by: dict[Hashable, list[Hashable]] = {}
    found: dict[Hashable, tuple[float, tuple[Hashable, ...]]] = {}
    queue = deque(start)
    while queue:
        holder = queue.popleft()
        for entity, w in F.direct_holdings(holder).items():
            if entity in inside:
                continue
            sums[entity] = sums.get(entity, 0.0) + w
            by.setdefault(entity, []).append(holder)
            if sums[entity] * 100 >= threshold - _EPSILON:
                inside.add(entity)
                queue.append(entity)
    for entity, total in sums.items():
        if entity in inside and entity not in start:
            found[entity] = (total, tuple(by[entity]))
    return found


@dataclass(frozen=True)
class AggregateOwnership(View):
    """The entities owned ``threshold`` % or more in the aggregate by ``holders`` (OFAC-style screening)."""

    holders: tuple[str, ...]
    labels: tuple[str, ...]
    owned: tuple[tuple[str, str, float, tuple[str, ...]], ...]
    below: tuple[tuple[str, str, float], ...]
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "threshold", "holders": [iri], "owned":
        [{"entity", "label", "stake", "held_by": [iri]}], "below": [{"entity", "label", "stake"}]}``."""
        return {
            **self.view_dict(),
            "threshold": self.threshold,
            "holders": list(self.holders),
            "owned": [
                {"entity": e, "label": lab, "stake": rounded(s, 8), "held_by": list(b)} for e, lab, s, b in self.owned
            ],
            "below": [{"entity": e, "label": lab, "stake": rounded(s, 8)} for e, lab, s in self.below],
        }

    def table(self) -> Table:
        """One row per entity owned in the aggregate, then the ones held below the threshold."""
        rows = [["owned", lab, percent(s), ", ".join(b)] for _, lab, s, b in self.owned]
        rows += [["below threshold", lab, percent(s), ""] for _, lab, s in self.below]
        return ["test", "entity", "aggregate stake", "held through"], rows


@paused_gc
def aggregate_owned(G: nx.MultiDiGraph, holders: Iterable[str], *, threshold: float = THRESHOLD) -> AggregateOwnership:
    """Apply the aggregate ownership test to ``holders`` (e.g. designated persons): every entity owned
    ``threshold`` % or more by them and by entities so owned, added up; and the entities they hold less of.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("P", "A", key="d1", relation="controls", stake=30.0)
    'd1'
    >>> G.add_edge("Q", "A", key="d2", relation="controls", stake=25.0)
    'd2'
    >>> G.add_edge("A", "B", key="d3", relation="controls", stake=50.0)
    'd3'
    >>> [(e, round(s, 2)) for e, _, s, _ in aggregate_owned(G, ["P", "Q"]).owned]
    [('A', 0.55), ('B', 0.5)]
    """
    nodes = [node_for(G, h) for h in holders]
    F = integrated_ownership(G, around=nodes)
    owned = aggregate_closure(F, nodes, threshold)
    inside = set(owned) | set(nodes)
    partial: dict[Hashable, float] = {}
    for holder in inside:
        for target, stake in F.direct_holdings(holder).items():
            if target not in inside:
                partial[target] = partial.get(target, 0.0) + stake
    return AggregateOwnership(
        holders=tuple(str(n) for n in nodes),
        labels=tuple(label_of(G, n) for n in nodes),
        owned=tuple(
            (str(e), label_of(G, e), s, tuple(label_of(G, b) for b in by))
            for e, (s, by) in sorted(owned.items(), key=lambda item: (-item[1][0], label_of(G, item[0]).casefold()))
        ),
        below=tuple((str(e), label_of(G, e), s) for e, s in sorted(partial.items(), key=by_value(G))),
        threshold=threshold,
        **view_fields(G, stake_basis(G)),
    )
