"""Market concentration: Herfindahl-Hirschman index (HHI) per layer from the market positions in a graph.

Shares are percentages (0-100), so the HHI runs from near 0 to 10,000. The thresholds are those of the 2023 U.S.
Merger Guidelines (Guideline 1): a market with an HHI above 1,800 is *highly concentrated*, and a change of more
than 100 points is a *significant increase*; a merger that significantly increases concentration in a highly
concentrated market -- or creates a firm with more than 30 % share with a change above 100 -- is presumed to
substantially lessen competition (:func:`us_presumptions`). The EU Guidelines on non-horizontal mergers
(2008/C 265/07, paragraph 25) give a safe harbour: the Commission is unlikely to find concern where the merged
entity's share is below 30 % in each market concerned and the post-merger HHI below 2,000
(:func:`eu_safe_harbour`). Shares are summed per control group (an acquisition merges the shares of buyer and
target), so comparing a graph before and after a what-if deal gives the merger's change in HHI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, basis_of, label_of, rounded
from stackgraph.analysis.control import control_graph, ultimate_parents
from stackgraph.analysis.shares import graph_share_problems
from stackgraph.vocabulary.rules import is_estimate

__all__ = [
    "DOMINANT_SHARE",
    "EU_SAFE_HHI",
    "EU_SAFE_SHARE",
    "HIGHLY_CONCENTRATED",
    "SIGNIFICANT_CHANGE",
    "ConcentrationChange",
    "HolderGroups",
    "MarketConcentration",
    "MarketShare",
    "compare_concentration",
    "concentration_change",
    "concentration_level",
    "concentration_table",
    "eu_safe_harbour",
    "hhi",
    "market_concentration",
    "market_pairs",
    "positions_by_market",
    "us_presumptions",
]

#: HHI above which a market is highly concentrated (2023 Merger Guidelines).
HIGHLY_CONCENTRATED = 1800.0
#: Change in HHI above which an increase is significant (2023 Merger Guidelines).
SIGNIFICANT_CHANGE = 100.0
#: Share (percent) above which a merged firm triggers the presumption with a significant change.
DOMINANT_SHARE = 30.0
#: EU non-horizontal guidelines safe harbour: every share of the merged entity below this (percent) ...
EU_SAFE_SHARE = 30.0
#: ... and the post-merger HHI below this.
EU_SAFE_HHI = 2000.0


def us_presumptions(hhi_after: float, delta: float, merged_share: float) -> tuple[bool, bool]:
    """The two structural presumptions of the 2023 US Merger Guidelines (Guideline 1): (HHI after above 1,800
    and a change above 100; the merged firm's share above 30 % and a change above 100).

    Examples
    --------
    >>> us_presumptions(2116, 0, 19), us_presumptions(1500, 300, 35)
    ((False, False), (False, True))
    """
    significant = delta > SIGNIFICANT_CHANGE
    return significant and hhi_after > HIGHLY_CONCENTRATED, significant and merged_share > DOMINANT_SHARE


def eu_safe_harbour(merged_share: float, hhi_after: float) -> bool:
    """Whether a market is inside the EU non-horizontal safe harbour: the merged entity's share below 30 % and
    the post-merger HHI below 2,000 (2008/C 265/07, paragraph 25).

    Examples
    --------
    >>> eu_safe_harbour(19, 2116), eu_safe_harbour(19, 1500), eu_safe_harbour(30, 1500)
    (False, True, False)
    """
    return merged_share < EU_SAFE_SHARE and hhi_after < EU_SAFE_HHI


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
    basis: tuple[str, ...] = ()

    @property
    def estimate(self) -> bool:
        """Whether the shares rest on editorial estimates only (then the figure is an estimate, not a finding)."""
        return is_estimate(self.basis)

    def share_of(self, holder: str) -> float:
        """The share of ``holder`` (a group parent or an entity of the group), 0 when absent."""
        return next((s.share for s in self.shares if holder == s.holder or holder in s.entities), 0.0)

    def to_dict(self) -> dict[str, Any]:
        """``{"market", "label", "year", "hhi", "level", "covered", "basis", "estimate", "shares": [share...]}``;
        ``covered`` is the sum of the known shares (the HHI ignores the unknown rest), ``basis`` the evidence kinds of
        the shares and ``estimate`` whether they are editorial estimates only."""
        return {
            "market": self.market,
            "label": self.label,
            "year": self.year,
            "hhi": rounded(self.hhi, 2),
            "level": self.level,
            "covered": rounded(self.covered, 4),
            "basis": list(self.basis),
            "estimate": self.estimate,
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
    basis: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"market", "label", "hhi_before", "hhi_after", "delta", "level_before", "level_after",
        "max_share_after", "presumption", "basis"}``."""
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
            "basis": list(self.basis),
        }


def concentration_change(
    before: Mapping[str, float], after: Mapping[str, float], *, market: str = "", label: str = ""
) -> ConcentrationChange:
    """Compare two share tables (holder -> percent) of one market under the 2023 Merger Guidelines.

    ``presumption`` is true when the change exceeds 100 points and the market ends highly concentrated, or a
    holder whose share grew (the merged firm) ends above 30 % (:func:`us_presumptions`).

    Examples
    --------
    >>> change = concentration_change({"A": 30, "B": 20, "C": 50}, {"A": 50, "C": 50})
    >>> change.delta, change.hhi_after, change.presumption
    (1200.0, 5000.0, True)
    """
    before_hhi, after_hhi = hhi(before.values()), hhi(after.values())
    delta = after_hhi - before_hhi
    top = max(after.values(), default=0.0)
    grown = max((s for h, s in after.items() if s > before.get(h, 0.0) + 1e-9), default=0.0)
    return ConcentrationChange(
        market=market,
        label=label or market,
        hhi_before=before_hhi,
        hhi_after=after_hhi,
        delta=delta,
        level_before=concentration_level(before_hhi),
        level_after=concentration_level(after_hhi),
        max_share_after=float(top),
        presumption=any(us_presumptions(after_hhi, delta, grown)),
    )


class HolderGroups(Mapping[Hashable, Hashable]):
    """The group a share counts for: each node's ultimate parent when it has exactly one, else the node itself (an
    entity two controllers claim keeps its own share); computed per node on first use, for the few nodes that hold
    market positions. A mapping: ``groups[node]``, ``groups.get(node, default)``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d", relation="acquires", status="completed", stake=None)
    'd'
    >>> groups = HolderGroups(G)
    >>> groups["B"], groups.get("Z", "Z")
    ('A', 'Z')
    """

    def __init__(self, G: nx.MultiDiGraph, *, control: nx.DiGraph | None = None) -> None:
        self.G = G
        self.control = control if control is not None else control_graph(G)
        self._found: dict[Hashable, Hashable] = {}

    def __getitem__(self, node: Hashable) -> Hashable:
        if node not in self._found:
            if node not in self.G:
                raise KeyError(node)
            parents = ultimate_parents(self.G, str(node), control=self.control)
            self._found[node] = parents[0] if len(parents) == 1 else node
        return self._found[node]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.G)

    def __len__(self) -> int:
        return self.G.number_of_nodes()


def positions_by_market(
    G: nx.Graph, *, year: int | None = None
) -> dict[str, tuple[int | None, dict[str, Mapping[str, Any]]]]:
    """Return, per market, the year used (``year``, or each market's latest) and one position per holder in it.

    Market-years that fail the share checks (:func:`stackgraph.analysis.shares.graph_share_problems`) are left
    out; shares that add up to a little over 100 % (within the rounding tolerance) are scaled to 100 %
    (``share_given`` keeps the figure as published).

    Examples
    --------
    >>> G = nx.MultiDiGraph(market_positions=[
    ...     {"holder": "A", "market": "chips", "year": 2023, "share": 50.0},
    ...     {"holder": "A", "market": "chips", "year": 2024, "share": 40.0},
    ... ])
    >>> {m: (y, {h: p["share"] for h, p in held.items()}) for m, (y, held) in positions_by_market(G).items()}
    {'chips': (2024, {'A': 40.0})}
    """
    # market-years whose shares cannot all be true (stackgraph.analysis.shares) are left out: no HHI of them
    failing = {(p.market, p.year) for p in graph_share_problems(G)}
    by_market: dict[str, dict[int | None, list[Mapping[str, Any]]]] = {}
    for position in G.graph.get("market_positions") or []:
        if (position["market"], position.get("year")) in failing:
            continue
        by_market.setdefault(position["market"], {}).setdefault(position.get("year"), []).append(position)
    chosen: dict[str, tuple[int | None, dict[str, Mapping[str, Any]]]] = {}
    for market, years in by_market.items():
        if year is not None and year not in years:
            continue
        picked = year if year is not None else max(years, key=lambda y: (y is not None, y or 0))
        held = {p["holder"]: p for p in years[picked]}  # one share per holder and year
        known = sum(float(p["share"]) for p in held.values())
        if known > 100:  # within the rounding tolerance: scaled to 100 %, so the HHI stays within 10,000
            scale = 100 / known
            held = {h: {**p, "share": float(p["share"]) * scale, "share_given": p["share"]} for h, p in held.items()}
        chosen[market] = (picked, held)
    return chosen


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
    by_market = positions_by_market(G, year=year)
    if not by_market:
        return ()
    if not by_group:
        control = None
    elif control is None:
        control = control_graph(G)
    layers = G.graph.get("layers") or {}
    groups = HolderGroups(G, control=control) if control is not None else None

    def group_of(holder: str) -> str:
        return holder if groups is None else str(groups.get(holder, holder))

    results = []
    for market, (chosen_year, latest_positions) in sorted(by_market.items()):
        totals: dict[str, float] = {}
        entities: dict[str, list[str]] = {}
        for holder, position in latest_positions.items():
            share = float(position["share"])
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
                basis=basis_of(*(position.get("basis", ()) for position in latest_positions.values())),
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
    return tuple(change for _, _, change in market_pairs(before, after, year=year))


def market_pairs(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    *,
    year: int | None = None,
    control: tuple[nx.DiGraph | None, nx.DiGraph | None] = (None, None),
) -> tuple[tuple[MarketConcentration | None, MarketConcentration | None, ConcentrationChange], ...]:
    """Return, per market with shares in either graph (sorted by key), its concentration before and after
    (``None`` where it has no shares) and the change between them, with the basis of both.

    ``control`` holds ``control_graph(before)`` and ``control_graph(after)`` when the caller has them already.
    :func:`compare_concentration` gives the changes alone.
    """
    old = {m.market: m for m in market_concentration(before, year=year, control=control[0])}
    new = {m.market: m for m in market_concentration(after, year=year, control=control[1])}
    pairs = []
    for market in sorted(old.keys() | new.keys()):
        a = {s.holder: s.share for s in old[market].shares} if market in old else {}
        b = {s.holder: s.share for s in new[market].shares} if market in new else {}
        label = (new.get(market) or old[market]).label
        change = concentration_change(a, b, market=market, label=label)
        basis = basis_of(*(m.basis for m in (old.get(market), new.get(market)) if m is not None))
        pairs.append((old.get(market), new.get(market), dataclasses.replace(change, basis=basis)))
    return tuple(pairs)


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
