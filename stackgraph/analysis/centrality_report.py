"""The result of :func:`stackgraph.analysis.centrality.centrality`: every node's measures as arrays, ranked on demand.

Ranks are dense (equal values share a rank, the next value gets the next rank; :func:`dense_rank_array`), computed
per measure on first use; ties are listed by label. A top-N listing partially sorts only what can make the cut, and
rows (:class:`CentralityRow`) are built only for the nodes shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from stackgraph.analysis._common import Table, View, dense_rank_array, label_of, readable, rounded
from stackgraph.analysis.networks import RANK_FLOW

__all__ = ["MEASURES", "CentralityReport", "CentralityRow"]

#: What ``method`` says of a measure that was computed (anything else: it was not).
_COMPUTED = {"pagerank": ("networkx", "igraph prpack"), "betweenness": ("exact", "sampled")}
#: The ranked measures.
MEASURES: tuple[str, ...] = ("pagerank", "betweenness", "eigenvector", "degree")


@dataclass(frozen=True)
class CentralityRow:
    """The centrality of one node; ``ranks`` holds its dense rank per measure (``None``: no value)."""

    entity: str
    label: str
    kind: str | None
    in_degree: int
    out_degree: int
    degree_by_relation: dict[str, dict[str, int]] = field(hash=False, compare=True)
    pagerank: float
    betweenness: float
    eigenvector: float | None
    betweenness_error: float | None = None
    ranks: dict[str, int | None] = field(default_factory=dict, hash=False, compare=False)

    @property
    def degree(self) -> int:
        """In- plus out-degree (deals)."""
        return self.in_degree + self.out_degree

    def value(self, measure: str) -> float | None:
        """The value of ``measure`` (one of :data:`MEASURES`); ``None`` for eigenvector outside its component."""
        if measure == "degree":
            return float(self.degree)
        value = getattr(self, measure)
        return None if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "kind", "in_degree", "out_degree", "degree_by_relation": {relation: {"in", "out"}},
        "pagerank", "betweenness", "betweenness_error", "eigenvector", "ranks": {measure: rank}}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            "kind": self.kind,
            "in_degree": self.in_degree,
            "out_degree": self.out_degree,
            "degree_by_relation": {r: dict(c) for r, c in sorted(self.degree_by_relation.items())},
            "pagerank": rounded(_given(self.pagerank), 10),
            "betweenness": rounded(_given(self.betweenness), 10),
            "betweenness_error": rounded(self.betweenness_error, 10),
            "eigenvector": rounded(self.eigenvector, 10),
            "ranks": dict(self.ranks),
        }


@dataclass(frozen=True)
class CentralityReport(View):
    """Centrality of every node as arrays (``nodes`` order), with how it was computed; ``basis`` is what the deal
    network's ties rest on.

    ``rank(measure, top)`` gives rows best first; ``dense_rank(measure)`` every node's rank. ``focus``, when
    set, limits ``to_dict``/``table`` to those nodes (with their ranks among all).
    """

    nodes: tuple[str, ...]
    scores: dict[str, np.ndarray] = field(hash=False, compare=False, repr=False)
    method: dict[str, Any] = field(hash=False)
    top: int | None = None
    sort: str = "pagerank"
    graph: nx.MultiDiGraph | None = field(default=None, hash=False, compare=False, repr=False)
    focus: tuple[str, ...] | None = None

    @cached_property
    def _index(self) -> dict[str, int]:
        return {node: i for i, node in enumerate(self.nodes)}

    @cached_property
    def _rank_cache(self) -> dict[str, np.ndarray]:
        return {}

    def _ranks(self, measure: str) -> np.ndarray:
        """Dense ranks of one measure as an array in ``nodes`` order (0: no value), computed on first use."""
        ranks = self._rank_cache.get(measure)
        if ranks is None:
            ranks = self._rank_cache[measure] = dense_rank_array(self._values(measure))
        return ranks

    def _values(self, measure: str) -> np.ndarray:
        if measure not in MEASURES:
            raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
        return self.scores[measure]

    def dense_rank(self, measure: str) -> dict[str, int | None]:
        """Every node's dense rank under ``measure`` (``None`` where it has no value)."""
        return {node: (r or None) for node, r in zip(self.nodes, self._ranks(measure).tolist(), strict=True)}

    def focused(self, nodes: Iterable[str]) -> CentralityReport:
        """The same report showing only ``nodes`` (each with its rank among all)."""
        return replace(self, focus=tuple(n for n in nodes if n in self._index))

    def row(self, node: str) -> CentralityRow:
        """The row of one node."""
        i = self._index[node]
        s = self.scores
        G = self.graph
        by_relation: dict[str, dict[str, int]] = {}
        if G is not None and node in G:
            for _, _, relation in G.out_edges(node, data="relation"):
                by_relation.setdefault(relation or "related", {"in": 0, "out": 0})["out"] += 1
            for _, _, relation in G.in_edges(node, data="relation"):
                by_relation.setdefault(relation or "related", {"in": 0, "out": 0})["in"] += 1
        eigen = float(s["eigenvector"][i])
        error = s.get("betweenness_error")
        return CentralityRow(
            entity=node,
            label=label_of(G, node) if G is not None else node,
            kind=G.nodes[node].get("kind") if G is not None and node in G else None,
            in_degree=int(s["in_degree"][i]),
            out_degree=int(s["out_degree"][i]),
            degree_by_relation=by_relation,
            pagerank=float(s["pagerank"][i]),
            betweenness=float(s["betweenness"][i]),
            eigenvector=None if np.isnan(eigen) else eigen,
            betweenness_error=None if error is None else float(error[i]),
            ranks={m: (int(self._ranks(m)[i]) or None) for m in MEASURES},
        )

    @cached_property
    def rows(self) -> tuple[CentralityRow, ...]:
        """Every node's row, in ``nodes`` order (built on first use: prefer :meth:`rank` on large graphs)."""
        return tuple(self.row(node) for node in self.nodes)

    def _order(self, measure: str, top: int | None, among: Iterable[str] | None = None) -> list[int]:
        """Indices best first (ties by label); with ``top``, a partial sort keeps only what can make the cut."""
        ranks = self._ranks(measure)
        candidates = np.flatnonzero(ranks)
        if among is not None:
            candidates = np.array([i for i in (self._index[n] for n in among) if ranks[i]], dtype=np.int64)
        if top is not None and 0 < top < len(candidates):
            cut = candidates[np.argpartition(ranks[candidates], top - 1)[top - 1]]
            candidates = candidates[ranks[candidates] <= ranks[cut]]  # every node tied with the last one shown
        G = self.graph
        nodes = self.nodes
        labelled = sorted(
            candidates.tolist(),
            key=lambda i: (ranks[i], (label_of(G, nodes[i]) if G is not None else nodes[i]).casefold(), nodes[i]),
        )
        return labelled if top is None else labelled[:top]

    def rank(self, measure: str = "pagerank", top: int | None = None) -> tuple[CentralityRow, ...]:
        """Rows best first under ``measure`` (dense rank, ties by label), the first ``top`` of them; nodes with no
        value (eigenvector outside its component) are left out."""
        return tuple(self.row(self.nodes[i]) for i in self._order(measure, top, self.focus))

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "method": {...}, "rankings": {measure: [{"rank",
        "entity", "label", "value"}]}, "nodes": [row...]}``; rankings and nodes hold the first ``top`` rows (nodes in
        ``sort`` order)."""
        rankings = {}
        for measure in MEASURES:
            rankings[measure] = [
                {
                    "rank": r.ranks[measure],
                    "entity": r.entity,
                    "label": r.label,
                    "value": rounded(_given(r.value(measure)), 10),
                }
                for r in self.rank(measure, self.top)
            ]
        return {
            **self.view_dict(),
            "method": dict(self.method),
            "rankings": rankings,
            "nodes": [r.to_dict() for r in self.rank(self.sort, self.top)],
        }

    def table(self) -> Table:
        """The first ``top`` rows in ``sort`` order: dense rank, label, kind, the measures (three significant
        digits; betweenness ± its standard error when sampled), degrees."""
        rows = []
        for r in self.rank(self.sort, self.top):
            between = readable(_given(r.betweenness))
            if r.betweenness_error is not None:
                between += f" ±{readable(r.betweenness_error, 2)}"
            rows.append(
                [
                    r.ranks[self.sort],
                    r.label,
                    r.kind,
                    readable(_given(r.pagerank)),
                    between,
                    readable(r.eigenvector),
                    r.in_degree,
                    r.out_degree,
                    " ".join(
                        f"{rel}:{c.get('in', 0)}/{c.get('out', 0)}" for rel, c in sorted(r.degree_by_relation.items())
                    ),
                ]
            )
        headers = ["rank", "entity", "kind", "pagerank", "betweenness", "eigenvector", "in", "out"]
        return [*headers, "in/out by relation"], rows

    def notes(self) -> list[str]:
        """What an analyst needs to read the figures: direction, betweenness method and error, eigenvector scope."""
        m = self.method
        lines = [
            "rank flows to the party others depend on: "
            + ", ".join(f"{flow}" for r, flow in RANK_FLOW.items() if r != "partners_with")
            + "; partnerships both ways"
        ]
        if m["betweenness"] == "sampled":
            lines.append(
                f"betweenness estimated from k={m['samples']} of {m['sources']} sources with an outgoing edge "
                f"(seed {m['seed']}); ± is the standard error from {m['error_batches']} batches"
                + (
                    f"; median relative error of the rows shown {m['shown_relative_error']:.0%}"
                    if m["shown_relative_error"] is not None
                    else ""
                )
            )
        elif m["betweenness"] == "exact":
            lines.append(f"exact betweenness ({m['sources']} sources with an outgoing edge)")
        skipped = [measure for measure in ("pagerank", "betweenness") if m[measure] not in _COMPUTED[measure]]
        component = m["eigenvector_component"]
        if component is None:
            skipped.append("eigenvector")
        elif m["nodes"] - component:
            lines.append(
                f"eigenvector on the largest connected component ({component} nodes); "
                f"'-' for the {m['nodes'] - component} nodes outside it, where it is undefined"
            )
        else:
            lines.append("eigenvector on the whole (connected) network")
        if skipped:
            lines.append(f"not computed: {', '.join(skipped)} (no value, no rank)")
        lines.append(f"method: {m['backend']}; {m['nodes']} nodes, {m['edges']} linked pairs; ranks are dense")
        return lines


def _given(value: float | None) -> float | None:
    """``None`` for a measure that was not computed (NaN), so JSON says ``null`` and tables ``-``."""
    return None if value is None or value != value else value
