"""Market concentration: Herfindahl-Hirschman index (HHI) per layer from the market positions in a graph.

Shares are percentages (0-100), so the HHI runs from near 0 to 10,000. The thresholds are those of the 2023 U.S.
Merger Guidelines (Guideline 1): a market with an HHI above 1,800 is *highly concentrated*, and a change of more
than 100 points is a *significant increase*; a merger that significantly increases concentration in a highly
concentrated market -- or creates a firm with more than 30 % share with a change above 100 -- is presumed to
substantially lessen competition. Shares are summed per control group (an acquisition merges the shares of
buyer and target), so comparing a graph before and after a what-if deal gives the merger's change in HHI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, label_of, rounded
from stackgraph.analysis.control import control_graph, ultimate_parents
from stackgraph.analysis.shares import graph_share_problems

__all__ = [
    "DOMINANT_SHARE",
    "HIGHLY_CONCENTRATED",
    "SIGNIFICANT_CHANGE",
    "ConcentrationChange",
    "MarketConcentration",
    "MarketShare",
    "compare_concentration",
    "concentration_change",
    "concentration_level",
    "concentration_table",
    "hhi",
    "market_concentration",
]

#: HHI above which a market is highly concentrated (2023 Merger Guidelines).
HIGHLY_CONCENTRATED = 1800.0
#: Change in HHI above which an increase is significant (2023 Merger Guidelines).
SIGNIFICANT_CHANGE = 100.0
#: Share (percent) above which a merged firm triggers the presumption with a significant change.
DOMINANT_SHARE = 30.0


def hhi(shares: Iterable[float]) -> float:
    """Return the Herfindahl-Hirschman index of market shares given in percent.

    Examples
    --------
    >>> hhi([40, 30, 20, 10])
    3000.0
    """
    return float(sum(float(s) ** 2 for s in shares))


def concentration_level(value: float) -> str:
    """Return ``"highly concentrated"`` above 1,800 and ``"not highly concentrated"`` otherwise.

    Examples
    --------
    >>> concentration_level(3000), concentration_level(1800)
    ('highly concentrated', 'not highly concentrated')
    """
    return "highly concentrated" if value > HIGHLY_CONCENTRATED else "not highly concentrated"


@dataclass(frozen=True)
class MarketShare:
    """One holder's share of a market (a control group's, when shares are summed per group)."""

    holder: str
    label: str
    share: float
    entities: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"holder", "label", "share", "entities": [iri...]}``."""
        return {
            "holder": self.holder,
            "label": self.label,
            "share": rounded(self.share, 4),
            "entities": list(self.entities),
        }


@dataclass(frozen=True)
class MarketConcentration:
    """The concentration of one market (a layer) in one year."""

    market: str
    label: str
    year: int | None
    hhi: float
    level: str
    shares: tuple[MarketShare, ...]
    covered: float

    def share_of(self, holder: str) -> float:
        """The share of ``holder`` (a group parent or an entity of the group), 0 when absent."""
        return next((s.share for s in self.shares if holder == s.holder or holder in s.entities), 0.0)

    def to_dict(self) -> dict[str, Any]:
        """``{"market", "label", "year", "hhi", "level", "covered", "shares": [share...]}``; ``covered`` is the sum
        of the known shares (the HHI ignores the unknown rest)."""
        return {
            "market": self.market,
            "label": self.label,
            "year": self.year,
            "hhi": rounded(self.hhi, 2),
            "level": self.level,
            "covered": rounded(self.covered, 4),
            "shares": [s.to_dict() for s in self.shares],
        }


@dataclass(frozen=True)
class ConcentrationChange:
    """How one market's concentration changes between two views (e.g. before and after a what-if deal)."""

    market: str
    label: str
    hhi_before: float
    hhi_after: float
    delta: float
    level_before: str
    level_after: str
    max_share_after: float
    presumption: bool

    def to_dict(self) -> dict[str, Any]:
        """``{"market", "label", "hhi_before", "hhi_after", "delta", "level_before", "level_after",
        "max_share_after", "presumption"}``."""
        return {
            "market": self.market,
            "label": self.label,
            "hhi_before": rounded(self.hhi_before, 2),
            "hhi_after": rounded(self.hhi_after, 2),
            "delta": rounded(self.delta, 2),
            "level_before": self.level_before,
            "level_after": self.level_after,
            "max_share_after": rounded(self.max_share_after, 4),
            "presumption": self.presumption,
        }


def concentration_change(
    before: Mapping[str, float], after: Mapping[str, float], *, market: str = "", label: str = ""
) -> ConcentrationChange:
    """Compare two share tables (holder -> percent) of one market under the 2023 Merger Guidelines.

    ``presumption`` is true when the change exceeds 100 points and the market ends highly concentrated, or the
    largest holder ends above 30 %.

    Examples
    --------
    >>> change = concentration_change({"A": 30, "B": 20, "C": 50}, {"A": 50, "C": 50})
    >>> change.delta, change.hhi_after, change.presumption
    (1200.0, 5000.0, True)
    """
    before_hhi, after_hhi = hhi(before.values()), hhi(after.values())
    delta = after_hhi - before_hhi
    top = max(after.values(), default=0.0)
    significant = delta > SIGNIFICANT_CHANGE
    return ConcentrationChange(
        market=market,
        label=label or market,
        hhi_before=before_hhi,
        hhi_after=after_hhi,
        delta=delta,
        level_before=concentration_level(before_hhi),
        level_after=concentration_level(after_hhi),
        max_share_after=float(top),
        presumption=significant and (after_hhi > HIGHLY_CONCENTRATED or top > DOMINANT_SHARE),
    )


def market_concentration(
    G: nx.MultiDiGraph, *, by_group: bool = True, year: int | None = None, control: nx.DiGraph | None = None
) -> tuple[MarketConcentration, ...]:
    """Return the concentration of every market with known shares in ``G.graph["market_positions"]``.

    A market-year whose shares fail the checks of :mod:`stackgraph.analysis.shares` (above 100 %, two shares for
    one holder, holders of mixed kinds) is left out; shares within the rounding tolerance above 100 % are scaled
    to 100 %. So the HHI is never above 10,000.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph; its ``market_positions`` are ``{"holder", "market", "year", "share", ...}`` dicts.
    by_group : bool
        Sum the shares of the members of each control group (under ``G``'s control edges) before squaring.
    year : int, optional
        The year to use; by default each market's latest year.
    control : networkx.DiGraph, optional
        ``control_graph(G)``, when the caller has it already.

    Examples
    --------
    >>> G = nx.MultiDiGraph(market_positions=[
    ...     {"holder": "A", "market": "chips", "year": 2024, "share": 60.0},
    ...     {"holder": "B", "market": "chips", "year": 2024, "share": 30.0},
    ... ])
    >>> [(m.market, m.hhi, m.level) for m in market_concentration(G)]
    [('chips', 4500.0, 'highly concentrated')]
    """
    positions = G.graph.get("market_positions") or []
    # market-years whose shares cannot all be true (stackgraph.analysis.shares) get no HHI
    failing = {(p.market, p.year) for p in graph_share_problems(G)}
    by_market: dict[str, dict[int | None, list[Mapping[str, Any]]]] = {}
    for position in positions:
        if (position["market"], position.get("year")) in failing:
            continue
        by_market.setdefault(position["market"], {}).setdefault(position.get("year"), []).append(position)
    if not by_market:
        return ()
    if not by_group:
        control = None
    elif control is None:
        control = control_graph(G)
    layers = G.graph.get("layers") or {}
    parent_cache: dict[str, str] = {}

    def group_of(holder: str) -> str:
        if control is None or holder not in G:
            return holder
        if holder not in parent_cache:
            parents = ultimate_parents(G, holder, control=control)
            parent_cache[holder] = parents[0] if len(parents) == 1 else holder
        return parent_cache[holder]

    results = []
    for market, years in sorted(by_market.items()):
        if year is not None:
            chosen_year: int | None = year
            if year not in years:
                continue
        else:
            chosen_year = max(years, key=lambda y: (y is not None, y or 0))
        totals: dict[str, float] = {}
        entities: dict[str, list[str]] = {}
        latest: dict[str, float] = {}
        for position in years[chosen_year]:
            latest[position["holder"]] = float(position["share"])  # one share per holder and year
        known = sum(latest.values())
        if known > 100:  # within the rounding tolerance: scaled to 100 %, so the HHI stays within 10,000
            latest = {holder: share * 100 / known for holder, share in latest.items()}
        for holder, share in latest.items():
            group = group_of(holder)
            totals[group] = totals.get(group, 0.0) + share
            entities.setdefault(group, []).append(holder)
        shares = tuple(
            sorted(
                (
                    MarketShare(group, label_of(G, group), share, tuple(sorted(entities[group])))
                    for group, share in totals.items()
                ),
                key=lambda s: (-s.share, s.label.casefold(), s.holder),
            )
        )
        value = hhi(totals.values())
        results.append(
            MarketConcentration(
                market=market,
                label=(layers.get(market) or {}).get("label") or market,
                year=chosen_year,
                hhi=value,
                level=concentration_level(value),
                shares=shares,
                covered=sum(totals.values()),
            )
        )
    return tuple(results)


def compare_concentration(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, *, year: int | None = None
) -> tuple[ConcentrationChange, ...]:
    """Return the change in concentration of every market between two projected graphs (group shares summed).

    A what-if acquisition of one share holder by another shows up as a positive ``delta`` in that market.

    Examples
    --------
    >>> positions = [
    ...     {"holder": "A", "market": "chips", "year": 2024, "share": 40.0},
    ...     {"holder": "B", "market": "chips", "year": 2024, "share": 20.0},
    ... ]
    >>> before = nx.MultiDiGraph(market_positions=positions)
    >>> before.add_nodes_from(["A", "B"])
    >>> after = before.copy()
    >>> after.add_edge("A", "B", key="x", relation="acquires", status="hypothetical", stake=None)
    'x'
    >>> [(c.market, c.delta, c.presumption) for c in compare_concentration(before, after)]
    [('chips', 1600.0, True)]
    """
    old = {m.market: m for m in market_concentration(before, year=year)}
    new = {m.market: m for m in market_concentration(after, year=year)}
    changes = []
    for market in sorted(old.keys() | new.keys()):
        a = {s.holder: s.share for s in old[market].shares} if market in old else {}
        b = {s.holder: s.share for s in new[market].shares} if market in new else {}
        label = (new.get(market) or old[market]).label
        changes.append(concentration_change(a, b, market=market, label=label))
    return tuple(changes)


def concentration_table(markets: Iterable[MarketConcentration]) -> Table:
    """One row per market: key, year, HHI, level, top holder and share, known share total."""
    rows = []
    for m in markets:
        top = m.shares[0] if m.shares else None
        rows.append(
            [
                m.market,
                m.year,
                f"{m.hhi:.0f}",
                m.level,
                top.label if top else None,
                f"{top.share:.1f}" if top else None,
                f"{m.covered:.1f}",
            ]
        )
    return ["market", "year", "hhi", "level", "top holder", "top share", "known share"], rows
