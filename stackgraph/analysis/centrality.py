"""Centrality: who matters in the deal network -- PageRank, betweenness, eigenvector and degree, ranked.

Direction: rank flows to the party the others depend on
-------------------------------------------------------
Every relation of a projected graph points from its actor to its counterparty (supplier -> customer, acquirer ->
target, investor -> investee, owner -> owned, developer -> product; a partnership gives an edge each way). The
measures run on the *rank network*: the same ordered pairs turned around (:data:`RANK_FLOW`), weighted by their
number of deals, self-loops dropped. PageRank, a random walk along the edges, so ends at the suppliers,
acquirers, investors, owners and developers: a company that bought 88 others ranks high and its targets do not;
a product ranks below its developer.

* **PageRank** -- damping 0.85, edge weights = deals, a node without outgoing edges jumps anywhere (NetworkX's
  definition); solved exactly by igraph's PRPACK on large graphs (the fastest measured,
  ``bench/bench_analysis.py``).
* **betweenness** -- directed, unweighted, normalised by ``(n-1)(n-2)``; exact up to a work budget, else
  estimated from sampled sources with a standard error (:mod:`stackgraph.analysis.betweenness`).
* **eigenvector** -- principal eigenvector of the undirected weighted network on its largest connected
  component, scaled so the maximum is 1; undefined (``None``, printed ``-``) outside that component.
* **degree** -- deals in and out per relation, in the projection's direction (out = as the actor).

Ranks are dense (equal values share a rank, the next value gets the next rank), ties listed by label. Graphs up
to :data:`EXACT_NODE_LIMIT` nodes use NetworkX's reference implementations; larger ones igraph (C).
``by="group"`` first rolls every entity up into its control group (:mod:`stackgraph.analysis.rollup`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from stackgraph.analysis._common import (
    Table,
    View,
    dense_rank_array,
    graph_basis,
    label_of,
    paused_gc,
    readable,
    rounded,
    view_fields,
)
from stackgraph.analysis.betweenness import (
    DEFAULT_SAMPLES,
    ERROR_BATCHES,
    EXACT_SECONDS,
    EXACT_WORK,
    betweenness,
)
from stackgraph.analysis.networks import (
    deal_network,
    eigenvector_largest_component,
    networkx_eigenvector,
    rank_arrays,
    rank_network,
    to_igraph,
)
from stackgraph.analysis.rollup import BY_CHOICES, rolled_up

__all__ = [
    "DEFAULT_SAMPLES",
    "ERROR_BATCHES",
    "EXACT_NODE_LIMIT",
    "EXACT_SECONDS",
    "EXACT_WORK",
    "MEASURES",
    "RANK_FLOW",
    "CentralityReport",
    "CentralityRow",
    "centrality",
    "deal_network",
    "rank_network",
]

#: Graphs with more nodes than this use igraph instead of NetworkX (unless told otherwise).
EXACT_NODE_LIMIT = 1000
_SKIPPED = "not computed"
#: The ranked measures.
MEASURES: tuple[str, ...] = ("pagerank", "betweenness", "eigenvector", "degree")
#: Which way rank flows along each relation (the projected edge is turned around for every one of them).
RANK_FLOW: dict[str, str] = {
    "supplies": "customer -> supplier",
    "acquires": "target -> acquirer",
    "invests_in": "investee -> investor",
    "controls": "owned -> owner",
    "develops": "product -> developer",
    "partners_with": "both ways",
}


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
            "pagerank": rounded(self.pagerank, 10),
            "betweenness": rounded(self.betweenness, 10),
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
                    "value": rounded(r.value(measure), 10),
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
            between = readable(r.betweenness)
            if r.betweenness_error is not None:
                between += f" ±{readable(r.betweenness_error, 2)}"
            rows.append(
                [
                    r.ranks[self.sort],
                    r.label,
                    r.kind,
                    readable(r.pagerank),
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
        else:
            lines.append(f"exact betweenness ({m['sources']} sources with an outgoing edge)")
        outside = m["nodes"] - m["eigenvector_component"]
        lines.append(
            f"eigenvector on the largest connected component ({m['eigenvector_component']} nodes); "
            f"'-' for the {outside} nodes outside it, where it is undefined"
            if outside
            else "eigenvector on the whole (connected) network"
        )
        lines.append(f"method: {m['backend']}; {m['nodes']} nodes, {m['edges']} linked pairs; ranks are dense")
        return lines


@paused_gc
def centrality(
    G: nx.MultiDiGraph,
    *,
    backend: str = "auto",
    samples: int | None = None,
    exact: bool | None = None,
    seed: int = 0,
    top: int | None = None,
    sort: str = "pagerank",
    by: str = "entity",
    exact_node_limit: int = EXACT_NODE_LIMIT,
    exact_work: float = EXACT_WORK,
    measures: Iterable[str] = MEASURES,
) -> CentralityReport:
    """Compute PageRank, betweenness, eigenvector centrality and degree of every node of ``G``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    backend : {"auto", "networkx", "igraph"}
        ``auto`` uses NetworkX up to ``exact_node_limit`` nodes and igraph above.
    samples : int, optional
        Estimate betweenness from this many sampled sources (at least 2; as many as there are sources with an
        outgoing edge means exact). By default exact when the work fits ``exact_work``, else
        :data:`DEFAULT_SAMPLES`.
    exact : bool, optional
        Force exact (``True``) betweenness whatever the work.
    seed : int
        Seed of the betweenness sample.
    top, sort : int or None, str
        How many rows :meth:`CentralityReport.to_dict` and ``table`` show, in which measure's order.
    by : {"entity", "group"}
        ``group`` rolls every entity up into its control group first.
    measures : iterable of str
        The measures to compute (default all of :data:`MEASURES`; degree always is): a caller that ranks by
        PageRank alone skips betweenness and eigenvector centrality, whose scores are then NaN and whose
        ``method`` entries say "not computed".

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for target in ("t1", "t2", "t3"):
    ...     _ = G.add_edge("Cisco", target, relation="acquires")
    >>> report = centrality(G)
    >>> [(r.ranks["pagerank"], r.entity) for r in report.rank("pagerank")]
    [(1, 'Cisco'), (2, 't1'), (2, 't2'), (2, 't3')]
    """
    if backend not in ("auto", "networkx", "igraph"):
        raise ValueError(f"unknown backend {backend!r}; use auto, networkx or igraph")
    if sort not in MEASURES:
        raise ValueError(f"unknown measure {sort!r}; use one of {', '.join(MEASURES)}")
    if by not in BY_CHOICES:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(BY_CHOICES)}")
    wanted = set(measures)
    if not wanted <= set(MEASURES):
        raise ValueError(f"unknown measure in {sorted(wanted)}; use some of {', '.join(MEASURES)}")
    H = rolled_up(G) if by == "group" else G
    nodes, src, dst, w, in_degree, out_degree = rank_arrays(H)
    n = len(nodes)
    chosen = backend if backend != "auto" else ("igraph" if n > exact_node_limit else "networkx")
    D: nx.DiGraph | None = None
    g = None
    if chosen == "networkx":
        D = nx.DiGraph()
        D.add_nodes_from(nodes)
        D.add_weighted_edges_from((nodes[a], nodes[b], weight) for a, b, weight in zip(src, dst, w, strict=True))
        found = nx.pagerank(D, weight="weight", tol=1e-12, max_iter=10_000) if n and "pagerank" in wanted else {}
        pagerank = np.array([found[node] for node in nodes]) if found else np.full(n, np.nan)
        eigenvector = networkx_eigenvector(nodes, D) if "eigenvector" in wanted else np.full(n, np.nan)
    else:
        g = to_igraph(n, src, dst, w)
        pagerank = np.full(n, np.nan)
        if "pagerank" in wanted:
            pagerank = np.array(g.pagerank(weights="weight", directed=True, damping=0.85)) if n else np.zeros(0)
        eigenvector = eigenvector_largest_component(g) if "eigenvector" in wanted else np.full(n, np.nan)

    between = "betweenness" in wanted
    estimate = betweenness(
        n,
        src,
        dst,
        g=g,
        D=D,
        nodes=nodes,
        samples=samples,
        exact=exact,
        seed=seed,
        exact_work=exact_work,
        compute=between,
    )
    error = estimate.error
    scores = {
        "pagerank": pagerank,
        "betweenness": estimate.values,
        "eigenvector": eigenvector,
        "degree": (in_degree + out_degree).astype(float),
        "in_degree": in_degree,
        "out_degree": out_degree,
    }
    if error is not None:
        scores["betweenness_error"] = error
    method: dict[str, Any] = {
        "backend": chosen,
        "by": by,
        "direction": dict(RANK_FLOW),
        "pagerank": ("networkx" if chosen == "networkx" else "igraph prpack") if "pagerank" in wanted else _SKIPPED,
        "betweenness": ("exact" if estimate.samples is None else "sampled") if between else _SKIPPED,
        "samples": estimate.samples,
        "sources": estimate.sources,
        "seed": seed if estimate.samples is not None else None,
        "error_batches": estimate.batches,
        "shown_relative_error": None,
        "work": estimate.work,
        "exact_work": exact_work,
        "nodes": n,
        "edges": len(src),
        "eigenvector_component": int(np.count_nonzero(~np.isnan(eigenvector))) if "eigenvector" in wanted else None,
    }
    basis = graph_basis(G)
    report = CentralityReport(
        nodes=tuple(str(node) for node in nodes),
        scores=scores,
        method=method,
        top=top,
        sort=sort,
        graph=H,
        **view_fields(H, basis),
    )
    if error is not None and top:
        shown = report._order("betweenness", top)
        values = scores["betweenness"]
        relative = [error[i] / values[i] for i in shown if values[i] > 0]
        method["shown_relative_error"] = float(np.median(relative)) if relative else None
    return report
