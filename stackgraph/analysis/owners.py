"""Who owns what through chains: one entity's owners and holdings, and every entity's ultimate owner with the
top-level holders ranked by what they own. (The aggregate test for given holders: :mod:`.aggregate`; partial
stakes of control groups: :mod:`.group_stakes`.)

The figures come from :mod:`stackgraph.analysis.ownership` (integrated ownership with its cycle correction, the
majority-chain and aggregate tests); see its docstring for the formulas and sources.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from stackgraph.analysis._common import (
    Table,
    View,
    basis_of,
    by_value,
    label_of,
    node_for,
    paused_gc,
    percent,
    rounded,
    view_fields,
)
from stackgraph.analysis.aggregate import aggregate_closure
from stackgraph.analysis.ownership import FLOOR, THRESHOLD, IntegratedOwnership, integrated_ownership, stake_basis
from stackgraph.vocabulary.rules import basis_label

__all__ = [
    "Holding",
    "OwnerSummary",
    "OwnershipAnalysis",
    "OwnershipReport",
    "entity_ownership",
    "ownership_analysis",
]


@dataclass(frozen=True)
class Holding:
    """One holder's integrated stake in one entity, the chain that carries most of it, and the control tests."""

    holder: str
    holder_label: str
    entity: str
    entity_label: str
    stake: float
    direct: float | None
    path: tuple[str, ...]
    path_labels: tuple[str, ...]
    top_level: bool
    majority: bool
    aggregate: bool
    basis: tuple[str, ...] = ()

    def chain(self) -> str:
        """The chain as text: ``A -> B -> C``."""
        return " -> ".join(self.path_labels)

    def to_dict(self) -> dict[str, Any]:
        """``{"holder", "holder_label", "entity", "entity_label", "stake", "direct", "path": [iri],
        "top_level", "majority", "aggregate", "basis"}`` (stakes as fractions; ``basis``: what the chain's deals rest
        on)."""
        return {
            "holder": self.holder,
            "holder_label": self.holder_label,
            "entity": self.entity,
            "entity_label": self.entity_label,
            "stake": rounded(self.stake, 8),
            "direct": rounded(self.direct, 8),
            "path": list(self.path),
            "top_level": self.top_level,
            "majority": self.majority,
            "aggregate": self.aggregate,
            "basis": list(self.basis),
        }


def _holding(
    G: nx.Graph,
    F: IntegratedOwnership,
    holder: Hashable,
    entity: Hashable,
    stake: float,
    majority: bool,
    aggregate: bool,
) -> Holding:
    path = F.path(holder, entity)
    return Holding(
        holder=str(holder),
        holder_label=label_of(G, holder),
        entity=str(entity),
        entity_label=label_of(G, entity),
        stake=stake,
        direct=F.direct_owners(entity).get(holder),
        path=tuple(str(n) for n in path),
        path_labels=tuple(label_of(G, n) for n in path),
        top_level=holder in F.tops,
        majority=majority,
        aggregate=aggregate,
        basis=stake_basis(G, path),
    )


def _method(F: IntegratedOwnership, threshold: float) -> dict[str, Any]:
    return {
        "formula": "F = D^-1 ((I - W)^-1 - I), D = diag((I - W)^-1), diag(F) = 0",
        "threshold": threshold,
        "floor": F.floor,
        "assumed_whole": list(F.assumed),
        "unknown_stakes": F.unknown,
        "cycles_left_out": [[str(n) for n in cycle] for cycle in F.cycles],
        "entities_with_stakes": len(F.nodes),
    }


def _notes(G: nx.Graph, method: Mapping[str, Any]) -> list[str]:
    t = method["threshold"]
    lines = [
        "integrated ownership: stakes multiplied along every chain and summed, counting no chain that passes "
        f"through the holder again ({method['formula']}; Vitali, Glattfelder & Battiston 2011)",
        f"majority: a chain of direct stakes each above {t:g} %; aggregate: {t:g} % or more held by the holder "
        "and by entities it so owns, added up (as OFAC's 50 % rule)",
    ]
    if method["floor"]:
        lines.append(f"integrated stakes below {100 * method['floor']:g} % were dropped as they were computed")
    if method["assumed_whole"]:
        lines.append(f"{len(method['assumed_whole'])} ownership deal(s) without a stake taken as 100 %")
    if method["unknown_stakes"]:
        lines.append(f"{method['unknown_stakes']} investment(s) without a stake left out (their stake is unknown)")
    for cycle in method["cycles_left_out"]:
        names = " -> ".join(label_of(G, n) for n in cycle)
        lines.append(f"ownership cycle at 100 % or more left out (no finite integrated ownership): {names}")
    return lines


@dataclass(frozen=True)
class OwnershipReport(View):
    """Who owns ``entity`` through every chain, what it owns, and its ultimate owner.

    ``traced`` is the part of ``entity`` held by top-level holders (the rest is not in the data);
    ``majority_owner`` is the top of its chain of majority owners; ``aggregate_owners`` the top-level holders
    that own it ``threshold`` % or more in the aggregate.
    """

    entity: str
    label: str
    owners: tuple[Holding, ...]
    holdings: tuple[Holding, ...]
    ultimate: Holding | None
    traced: float
    majority_owner: str | None
    aggregate_owners: tuple[str, ...]
    method: dict[str, Any] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        """``{"entity", "label", "as_of", "statuses", "undated", "evidence", "basis", "method", "ultimate", "traced",
        "majority_owner",
        "aggregate_owners", "owners": [holding], "holdings": [holding]}``."""
        return {
            "entity": self.entity,
            "label": self.label,
            **self.view_dict(),
            "method": dict(self.method),
            "ultimate": self.ultimate.to_dict() if self.ultimate else None,
            "traced": rounded(self.traced, 8),
            "majority_owner": self.majority_owner,
            "aggregate_owners": list(self.aggregate_owners),
            "owners": [h.to_dict() for h in self.owners],
            "holdings": [h.to_dict() for h in self.holdings],
        }

    def table(self) -> Table:
        """One row per owner, then per holding: side, name, integrated and direct stake, tests, chain."""
        t = self.method["threshold"]
        rows = [
            [
                side,
                h.holder_label if side == "owned by" else h.entity_label,
                percent(h.stake),
                percent(h.direct),
                "yes" if h.majority else "",
                "yes" if h.aggregate else "",
                h.chain(),
                basis_label(h.basis),
            ]
            for side, items in (("owned by", self.owners), ("holds", self.holdings))
            for h in items
        ]
        headers = ["", "entity", "integrated", "direct", f"majority (>{t:g} %)", f"aggregate (>={t:g} %)"]
        return [*headers, "chain", "basis"], rows

    def notes(self, G: nx.Graph) -> list[str]:
        """The ultimate owner in a sentence, what share of the entity is traced, and how it was computed."""
        if self.ultimate is not None:
            u = self.ultimate
            lines = [
                f"ultimate owner of {self.label}: {u.holder_label}, {percent(u.stake)} integrated ({u.chain()}); "
                f"{percent(self.traced)} of {self.label} traced to top-level holders, the rest is not in the data"
            ]
        elif self.owners:
            lines = [f"{self.label} is held only inside an ownership cycle that nobody outside holds"]
        else:
            lines = [f"no recorded stake in {self.label} in this view: who owns it is not in the data"]
        if not self.holdings:
            lines.append(f"{self.label} holds no recorded stake in anything")
        return lines + _notes(G, self.method)


@paused_gc
def entity_ownership(G: nx.MultiDiGraph, entity: str, *, threshold: float = THRESHOLD) -> OwnershipReport:
    """Return who owns ``entity`` through every chain and what it owns, exactly (nothing dropped).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("X", "A", key="d1", relation="controls", stake=60.0)
    'd1'
    >>> G.add_edge("A", "B", key="d2", relation="controls", stake=30.0)
    'd2'
    >>> G.add_edge("X", "B", key="d3", relation="controls", stake=25.0)
    'd3'
    >>> report = entity_ownership(G, "B")
    >>> [(h.holder, round(h.stake, 2), h.majority, h.aggregate) for h in report.owners]
    [('X', 0.43, False, True), ('A', 0.3, False, False)]
    """
    node = node_for(G, entity)
    F = integrated_ownership(G, around=[node])
    chain = F.majority_chain(node, threshold) if node in F.index else (node,)
    owners = sorted(F.owners(node).items(), key=by_value(G))
    holdings = sorted(F.holdings(node).items(), key=by_value(G))
    mine = aggregate_closure(F, [node], threshold)
    owner_rows = tuple(
        _holding(G, F, h, node, s, h in chain[:-1], node in aggregate_closure(F, [h], threshold)) for h, s in owners
    )
    holding_rows = tuple(
        _holding(G, F, node, j, s, node in F.majority_chain(j, threshold)[:-1], j in mine) for j, s in holdings
    )
    top_owners = [h for h in owner_rows if h.top_level]
    return OwnershipReport(
        entity=str(node),
        label=label_of(G, node),
        owners=owner_rows,
        holdings=holding_rows,
        ultimate=top_owners[0] if top_owners else None,
        traced=sum(h.stake for h in top_owners),
        majority_owner=str(chain[0]) if len(chain) > 1 else None,
        aggregate_owners=tuple(h.holder for h in top_owners if h.aggregate),
        method=_method(F, threshold),
        **view_fields(G, basis_of(*(h.basis for h in (*owner_rows, *holding_rows)))),
    )


@dataclass(frozen=True)
class OwnerSummary:
    """A top-level holder and what it owns: entities whose ultimate owner it is, that it controls by a majority
    chain, that it owns in the aggregate, and its largest integrated holdings."""

    holder: str
    label: str
    ultimate_of: int
    majority: int
    aggregate: int
    holdings: int
    largest: tuple[tuple[str, str, float], ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"holder", "label", "ultimate_of", "majority", "aggregate", "holdings", "largest": [{"entity",
        "label", "stake"}]}``."""
        return {
            "holder": self.holder,
            "label": self.label,
            "ultimate_of": self.ultimate_of,
            "majority": self.majority,
            "aggregate": self.aggregate,
            "holdings": self.holdings,
            "largest": [{"entity": e, "label": lab, "stake": rounded(s, 8)} for e, lab, s in self.largest],
        }


@dataclass(frozen=True)
class OwnershipAnalysis(View):
    """Every top-level holder ranked by what it owns, and every held entity's ultimate owner (first ``top``)."""

    owners: tuple[OwnerSummary, ...]
    entities: tuple[Holding, ...]
    method: dict[str, Any] = field(hash=False)
    held: int = 0

    def to_dict(self) -> dict[str, Any]:
        """``{"as_of", "statuses", "undated", "evidence", "basis", "method", "held", "owners": [summary],
        "entities": [holding]}``; ``basis``: what every stake of the graph rests on."""
        return {
            **self.view_dict(),
            "method": dict(self.method),
            "held": self.held,
            "owners": [o.to_dict() for o in self.owners],
            "entities": [h.to_dict() for h in self.entities],
        }

    def table(self) -> Table:
        """One row per top-level holder: rank, holder, counts, largest holdings."""
        t = self.method["threshold"]
        rows = [
            [
                i,
                o.label,
                o.ultimate_of,
                o.majority,
                o.aggregate,
                o.holdings,
                ", ".join(f"{lab} {percent(s)}" for _, lab, s in o.largest),
            ]
            for i, o in enumerate(self.owners, start=1)
        ]
        headers = ["rank", "holder", "ultimate owner of", f"majority (>{t:g} %)", f"aggregate (>={t:g} %)"]
        return [*headers, "holdings", "largest holdings (integrated)"], rows

    def notes(self, G: nx.Graph) -> list[str]:
        """What the counts mean and how they were computed; what is missing when nothing is held."""
        if not self.held:
            return ["no recorded stake in this view: ownership deals, acquisitions or investments with a stake"]
        summary = f"{self.held} entities held by someone; ultimate owner = the top-level holder with the largest stake"
        return [summary, *_notes(G, self.method)]


@paused_gc
def ownership_analysis(
    G: nx.MultiDiGraph, *, threshold: float = THRESHOLD, top: int | None = None, floor: float = FLOOR
) -> OwnershipAnalysis:
    """Rank the top-level holders of ``G`` by what they own, and give each held entity its ultimate owner.

    Holders rank by entities they own in the aggregate, then by majority chain, then as ultimate owner, then by
    label; ``top`` keeps the first rows of both lists (entities in the order of their ultimate owners' rank,
    then by stake).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("X", "A", key="d1", relation="controls", stake=60.0)
    'd1'
    >>> G.add_edge("Y", "A", key="d2", relation="controls", stake=40.0)
    'd2'
    >>> result = ownership_analysis(G)
    >>> [(o.holder, o.ultimate_of, o.majority) for o in result.owners]
    [('X', 1, 1), ('Y', 0, 0)]
    """
    import scipy.sparse as sp

    F = integrated_ownership(G, floor=floor)
    nodes = F.nodes
    index = F.index
    tops = sorted(F.tops, key=lambda n: (label_of(G, n).casefold(), str(n)))
    best: dict[Hashable, tuple[Hashable, float]] = {}
    if tops and nodes:
        rows = np.array([index[t] for t in tops], dtype=np.int64)
        scaled = (sp.diags(1.0 / F.diagonal[rows]) @ F.walks[rows]).tocoo()
        keep = scaled.col != rows[scaled.row]  # nobody is its own ultimate owner
        matrix = sp.csc_matrix((scaled.data[keep], (scaled.row[keep], scaled.col[keep])), shape=scaled.shape)
        winners = np.asarray(matrix.argmax(axis=0)).ravel()
        values = np.asarray(matrix.max(axis=0).toarray()).ravel()
        for j in np.flatnonzero(values > 0).tolist():
            best[nodes[j]] = (tops[int(winners[j])], float(values[j]))
    ultimate_of: dict[Hashable, list[Hashable]] = {}
    for entity, (owner, _) in best.items():
        ultimate_of.setdefault(owner, []).append(entity)
    majority: dict[Hashable, int] = {}
    for node in nodes:
        chain = F.majority_chain(node, threshold)
        if len(chain) > 1:
            majority[chain[0]] = majority.get(chain[0], 0) + 1
    counts = []
    for holder in tops:
        held = F.holding_count(holder)
        if held:
            aggregate = len(aggregate_closure(F, [holder], threshold))
            counts.append((-aggregate, -majority.get(holder, 0), -len(ultimate_of.get(holder, ())), held, holder))
    counts.sort(key=lambda c: (*c[:3], label_of(G, c[4]).casefold(), str(c[4])))
    rank = {c[4]: i for i, c in enumerate(counts)}
    ordered = sorted(best.items(), key=lambda item: (rank.get(item[1][0], len(rank)), -item[1][1], str(item[0])))
    if top is not None:
        ordered = ordered[:top]
        counts = counts[:top]
    summaries = [
        OwnerSummary(
            holder=str(holder),
            label=label_of(G, holder),
            ultimate_of=-ultimate,
            majority=-most,
            aggregate=-aggregate,
            holdings=held,
            largest=tuple(
                (str(e), label_of(G, e), s) for e, s in sorted(F.largest_holdings(holder, 3).items(), key=by_value(G))
            ),
        )
        for aggregate, most, ultimate, held, holder in counts
    ]
    entities = []
    for entity, (owner, stake) in ordered:
        chain = F.majority_chain(entity, threshold)
        aggregate = entity in aggregate_closure(F, [owner], threshold)
        entities.append(_holding(G, F, owner, entity, stake, chain[0] == owner and len(chain) > 1, aggregate))
    return OwnershipAnalysis(
        owners=tuple(summaries),
        entities=tuple(entities),
        method=_method(F, threshold),
        held=len(best),
        **view_fields(G, stake_basis(G)),
    )
