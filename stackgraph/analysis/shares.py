"""Sanity of market shares: the checks every share table passes before a concentration figure is computed.

A market's shares in one year cannot sum above 100 % (beyond :data:`SHARE_TOLERANCE` points of rounding), one
holder has one share of a market in a year, and the holders of one market are of one kind (the shares of
countries and of firms are two different partitions of a market; added up they double count). Importers run these
checks on the shares they read, the analysis commands on the graph they analyse, and
:func:`~stackgraph.analysis.concentration.market_concentration` leaves out every market-year that fails them, so
an HHI above 10,000 can never be computed. Each problem names the positions (or rows) that cause it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

__all__ = ["SHARE_TOLERANCE", "ShareProblem", "graph_share_problems", "share_problems"]

#: Percentage points by which a market's shares may exceed 100 % through the rounding of published figures.
SHARE_TOLERANCE = 0.5


@dataclass(frozen=True)
class ShareProblem:
    """A market-year whose shares cannot all be true: ``kind`` is ``over 100 %``, ``two shares`` or ``mixed kinds``;
    ``records`` name the positions or rows behind it."""

    kind: str
    market: str
    year: int | None
    message: str
    records: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"check", "market", "year", "message", "records": [...]}``."""
        return {
            "check": self.kind,
            "market": self.market,
            "year": self.year,
            "message": self.message,
            "records": list(self.records),
        }


def _record(position: Mapping[str, Any]) -> str:
    return str(position.get("record") or position.get("position") or position.get("holder"))


def share_problems(
    positions: Iterable[Mapping[str, Any]],
    kind_of: Callable[[str], str | None] | None = None,
    *,
    tolerance: float = SHARE_TOLERANCE,
) -> list[ShareProblem]:
    """Return the problems of a set of market positions (``{"holder", "market", "year", "share"}`` dicts, with
    ``record`` or ``position`` naming where each comes from and optionally ``kind``).

    ``kind_of(holder)`` gives a holder's kind when a position has none (``None``: unknown, never counted as mixing).

    Examples
    --------
    >>> rows = [{"holder": "TSMC", "market": "foundry", "year": 2023, "share": 60, "record": "row 2"},
    ...         {"holder": "Taiwan", "market": "foundry", "year": 2023, "share": 70, "record": "row 3",
    ...          "kind": "country"},
    ...         {"holder": "TSMC", "market": "foundry", "year": 2023, "share": 58, "record": "row 4"}]
    >>> [(p.kind, p.records) for p in share_problems(rows, lambda h: "organization")]
    [('over 100 %', ('row 2', 'row 3', 'row 4')), ('two shares', ('row 2', 'row 4')), ('mixed kinds', ('row 3',))]
    """
    by_market: dict[tuple[str, int | None], list[Mapping[str, Any]]] = {}
    for position in positions:
        by_market.setdefault((str(position["market"]), position.get("year")), []).append(position)
    problems = []
    for (market, year), group in sorted(by_market.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        when = f"{market} ({year})" if year is not None else f"{market} (undated)"
        total = sum(float(p["share"]) for p in group)
        if total > 100 + tolerance:
            problems.append(
                ShareProblem(
                    "over 100 %",
                    market,
                    year,
                    f"market {when}: shares sum to {total:.1f} % (more than 100 % + {tolerance} rounding)",
                    tuple(_record(p) for p in group),
                )
            )
        holders: dict[str, list[Mapping[str, Any]]] = {}
        for position in group:
            holders.setdefault(str(position["holder"]), []).append(position)
        for holder, own in sorted(holders.items()):
            if len(own) > 1 and len({float(p["share"]) for p in own}) > 1:
                shares = ", ".join(f"{float(p['share']):g} %" for p in own)
                problems.append(
                    ShareProblem(
                        "two shares",
                        market,
                        year,
                        f"market {when}: {len(own)} different shares for {holder} ({shares})",
                        tuple(_record(p) for p in own),
                    )
                )
        kinds: dict[str, list[Mapping[str, Any]]] = {}
        for position in group:
            kind = position.get("kind") or (kind_of(str(position["holder"])) if kind_of else None)
            if kind:  # a holder of unknown kind proves no mixing
                kinds.setdefault(str(kind), []).append(position)
        if len(kinds) > 1:
            ranked = sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0]))
            minority = tuple(_record(p) for _, own in ranked[1:] for p in own)
            parts = ", ".join(f"{len(own)} {kind}" for kind, own in ranked)
            problems.append(
                ShareProblem("mixed kinds", market, year, f"market {when}: holders of mixed kinds ({parts})", minority)
            )
    return problems


def graph_share_problems(G: nx.Graph, *, tolerance: float = SHARE_TOLERANCE) -> list[ShareProblem]:
    """The problems of the market positions of a projected graph (``G.graph["market_positions"]``), holder kinds
    from its nodes.

    Examples
    --------
    >>> G = nx.MultiDiGraph(market_positions=[
    ...     {"holder": "A", "market": "chips", "year": 2024, "share": 60.0, "position": "p1"},
    ...     {"holder": "B", "market": "chips", "year": 2024, "share": 50.0, "position": "p2"}])
    >>> [p.message for p in graph_share_problems(G)]
    ['market chips (2024): shares sum to 110.0 % (more than 100 % + 0.5 rounding)']
    """
    nodes = G.nodes

    def kind_of(holder: str) -> str | None:
        return nodes[holder].get("kind") if holder in nodes else None

    return share_problems(G.graph.get("market_positions") or (), kind_of, tolerance=tolerance)
