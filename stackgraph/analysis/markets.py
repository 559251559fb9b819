"""What screening a deal needs of one projected graph, computed once (:class:`MergerContext`): control groups,
layers, market positions (latest year of each market), supply ties, which layer feeds which, and the ultimate
owners of firms; and the atoms of a screen: a figure (:class:`ScreenLine`), the facts it rests on
(:class:`Evidence`), a market's figures (:class:`MarketScreen`) and a group's (:class:`MergerScreen`). The screens
themselves: :mod:`stackgraph.analysis.mergers` and :mod:`stackgraph.analysis.vertical`.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, basis_in, label_of, rounded
from stackgraph.analysis.concentration import HolderGroups, positions_by_market
from stackgraph.analysis.coverage import layer_scheme
from stackgraph.analysis.dependencies import supply_graph
from stackgraph.analysis.ownership import integrated_ownership
from stackgraph.analysis.shares import graph_share_problems

__all__ = ["FOCUS", "Evidence", "MarketScreen", "MergerContext", "MergerScreen", "ScreenLine", "percent_text"]

#: The key the focus group's shares count under.
FOCUS = "__focus__"


def percent_text(value: float | None) -> str:
    """A share in percent with four significant digits (``-`` for ``None``).

    Examples
    --------
    >>> percent_text(19.0), percent_text(None)
    ('19 %', '-')
    """
    return "-" if value is None else f"{value:.4g} %"


@dataclass(frozen=True)
class Evidence:
    """A fact a figure rests on: a market position or a supply tie, with its evidence kind (``basis``: quoted,
    dataset, editorial, scenario; empty when the data does not record it) and source."""

    kind: str
    ref: str
    text: str
    basis: tuple[str, ...] = ()
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "ref", "text", "basis": [kind], "source"}``."""
        return {"kind": self.kind, "ref": self.ref, "text": self.text, "basis": list(self.basis), "source": self.source}

    def describe(self) -> str:
        """``text (basis)``; "evidence kind not recorded" when the data has none."""
        return f"{self.text} ({', '.join(self.basis) or 'evidence kind not recorded'})"


@dataclass(frozen=True)
class ScreenLine:
    """One figure of a screen: what it tests, its value before and after, the formula with the numbers put in,
    the result, what it rests on and what is missing (``value`` is ``None`` when it cannot be computed)."""

    test: str
    subject: str | None
    before: float | None
    value: float | None
    formula: str
    result: str
    rests_on: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"test", "subject", "before", "value", "formula", "result", "rests_on": [evidence], "missing"}``."""
        return {
            "test": self.test,
            "subject": self.subject,
            "before": rounded(self.before, 6),
            "value": rounded(self.value, 6),
            "formula": self.formula,
            "result": self.result,
            "rests_on": [e.to_dict() for e in self.rests_on],
            "missing": list(self.missing),
        }


class MergerContext:
    """What screening one projected graph needs, computed once: groups, layers, market positions, supply ties,
    the layer scheme's inputs and (on demand) ownership. Pure: ``G`` is never modified. ``control`` and
    ``supply`` are ``control_graph(G)`` and ``supply_graph(G)`` when the caller has them."""

    def __init__(
        self, G: nx.MultiDiGraph, *, control: nx.DiGraph | None = None, supply: nx.DiGraph | None = None
    ) -> None:
        self.G = G
        self.groups = HolderGroups(G, control=control)
        self.kind = dict(G.nodes(data="kind"))
        self.layers = {n: tuple(layers or ()) for n, layers in G.nodes(data="layers")}
        self.organisations_in: dict[str, set[Hashable]] = {}
        for node, layers in self.layers.items():
            if self.kind.get(node) == "organization":
                for layer in layers:
                    self.organisations_in.setdefault(layer, set()).add(node)
        self.positions = positions_by_market(G)
        self.share_problems: dict[str, list[str]] = {}  # market -> why its positions were left out
        for problem in graph_share_problems(G):
            self.share_problems.setdefault(problem.market, []).append(problem.message)
        self.positions_of: dict[Hashable, set[str]] = {}
        for market, (_, held) in self.positions.items():
            for holder in held:
                self.positions_of.setdefault(holder, set()).add(market)
        self.supply = supply if supply is not None else supply_graph(G)
        self.buyers: dict[str, set[Hashable]] = {}  # layer -> every customer with a recorded supply of it
        for _, customer, layers in self.supply.edges(data="layers"):
            for layer in layers:
                self.buyers.setdefault(layer, set()).add(customer)
        scheme = layer_scheme(G)
        self.layer_label = {key: entry["label"] for key, entry in scheme.items()}
        self.inputs_of = _inputs(scheme)
        self._owners: dict[Hashable, dict[Hashable, float]] = {}
        self._parties: dict[tuple[str, frozenset[Hashable]], tuple[float | None, bool]] = {}
        self._texts: dict[tuple[str, frozenset[Hashable]], str] = {}
        self._shares: dict[tuple[str, frozenset[Hashable]], dict[Hashable, float]] = {}

    def label(self, node: Hashable) -> str:
        return label_of(self.G, node)

    def key(self, node: Hashable, focus: Collection[Hashable]) -> Hashable:
        """The holder a share counts for: the focus group, or the node's own group."""
        return FOCUS if node in focus else self.groups.get(node, node)

    def shares(self, market: str, focus: Collection[Hashable]) -> dict[Hashable, float]:
        """Shares of ``market`` summed per group (the focus group under one key); remembered for a focus given as a
        frozenset (the same acquirer against every target)."""
        key = (market, focus) if isinstance(focus, frozenset) else None
        if key is not None and key in self._shares:
            return self._shares[key]
        totals: dict[Hashable, float] = {}
        for holder, position in self.positions.get(market, (None, {}))[1].items():
            group = self.key(holder, focus)
            totals[group] = totals.get(group, 0.0) + float(position["share"])
        if key is not None:
            self._shares[key] = totals
        return totals

    def position_evidence(self, market: str, holders: Iterable[Hashable] | None = None) -> tuple[Evidence, ...]:
        year, held = self.positions.get(market, (None, {}))
        wanted = held if holders is None else {h: held[h] for h in holders if h in held}
        return tuple(
            Evidence(
                "market position",
                str(p.get("position") or f"{h}@{market}"),
                f"{self.label(h)} {percent_text(float(p['share']))} of {self.layer_label.get(market, market)}"
                + (f", {year}" if year else ""),
                basis_in(p),
                p.get("source"),
            )
            for h, p in sorted(wanted.items(), key=lambda item: -float(item[1]["share"]))
        )

    def party_share(self, market: str, members: frozenset[Hashable]) -> tuple[float | None, bool]:
        """A party's known share of ``market`` (``None``: none of its members holds a position) and whether it is in
        the market at all (a member in the layer or holding a share); remembered per party and market."""
        key = (market, members)
        if key not in self._parties:
            held = self.positions.get(market, (None, {}))[1]
            known = [m for m in members if m in held]
            share = sum(float(held[m]["share"]) for m in known) if known else None
            self._parties[key] = (share, share is not None or bool(self.in_market(market, members)))
        return self._parties[key]

    def members_text(self, market: str, members: frozenset[Hashable]) -> str:
        """The first labels of a party's members in ``market`` (remembered per party and market)."""
        key = (market, members)
        if key not in self._texts:
            inside = self.in_market(market, members)
            names = sorted(self.label(m) for m in inside)
            self._texts[key] = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
        return self._texts[key]

    def in_market(self, market: str, members: Iterable[Hashable]) -> list[Hashable]:
        """Members in ``market``: in its layer, or holding a position in it."""
        return [m for m in members if market in self.layers.get(m, ()) or market in self.positions_of.get(m, ())]

    def ties(self, supplier: Hashable, customer: Hashable, market: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The supply deals of ``market`` from ``supplier`` to ``customer``, with their data."""
        if not self.supply.has_edge(supplier, customer):
            return []
        wanted = set(self.supply.edges[supplier, customer]["deals"])
        return [
            (str(key), data)
            for key, data in self.G[supplier][customer].items()
            if str(data.get("deal") or key) in wanted
            and data.get("relation") == "supplies"
            and market in ((data.get("input_layer"),) if data.get("input_layer") else self.layers.get(supplier, ())[:1])
        ]

    def suppliers_of(self, customer: Hashable, market: str) -> list[Hashable]:
        if customer not in self.supply:
            return []
        return [s for s in self.supply.predecessors(customer) if market in self.supply.edges[s, customer]["layers"]]

    def owners(self, parent: Hashable) -> dict[Hashable, float]:
        """The ultimate owners of a firm headed by ``parent``: b = diag(u) (I - W)^-1 (see the module docstring).
        The first call computes them for every holder of a market position's group at once."""
        if parent not in self._owners:
            wanted = {parent}
            if not self._owners:
                wanted |= {self.groups.get(h, h) for h in self.positions_of}
            self._owners.update(_ultimate_owners(self.G, wanted))
        return self._owners[parent]


def _ultimate_owners(G: nx.MultiDiGraph, parents: Collection[Hashable]) -> dict[Hashable, dict[Hashable, float]]:
    """Each parent's ultimate owners -> their share of it (adding up to 1; ``{parent: 1}`` with no recorded
    owner): every holder's unrecorded remainder u carried down the chains of stakes, b = diag(u) (I - W)^-1."""
    F = integrated_ownership(G, around=list(parents))
    columns = F.walks.tocsc()
    held = F.direct.tocsc().sum(axis=0).A1 if F.nodes else []
    found: dict[Hashable, dict[Hashable, float]] = {}
    for parent in parents:
        j = F.index.get(parent)
        if j is None:
            found[parent] = {parent: 1.0}
            continue
        lo, hi = columns.indptr[j], columns.indptr[j + 1]
        owners = {}
        for i, walks in zip(columns.indices[lo:hi].tolist(), columns.data[lo:hi].tolist(), strict=True):
            share = max(0.0, 1.0 - float(held[i])) * walks
            if share > 1e-12:
                owners[F.nodes[i]] = share
        found[parent] = owners or {parent: 1.0}
    return found


def _inputs(scheme: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    """Layer -> the layers that feed it (a feed from or into a broader layer counts for its narrower layers)."""

    def lineage(key: str) -> list[str]:
        line: list[str] = []
        current: str | None = key
        while current is not None and current not in line and current in scheme:
            line.append(current)
            current = scheme[current].get("broader")
        return line

    lines = {key: lineage(key) for key in scheme}
    inputs: dict[str, set[str]] = {key: set() for key in scheme}
    for upstream in scheme:
        fed = {t for up in lines[upstream] for t in scheme[up].get("feeds") or ()}
        for downstream in scheme:
            if downstream != upstream and fed.intersection(lines[downstream]):
                inputs[downstream].add(upstream)
    return inputs


@dataclass(frozen=True)
class MarketScreen:
    """The screen of one market: why it is touched and its figures."""

    market: str
    label: str
    year: int | None
    why: tuple[str, ...]
    lines: tuple[ScreenLine, ...]
    concerned: bool = True

    def to_dict(self) -> dict[str, Any]:
        """``{"market", "label", "year", "concerned", "why": [text], "lines": [line]}``."""
        return {
            "market": self.market,
            "label": self.label,
            "year": self.year,
            "concerned": self.concerned,
            "why": list(self.why),
            "lines": [line.to_dict() for line in self.lines],
        }


_HORIZONTAL = frozenset(
    {"shares", "share", "delta_hhi", "us_hhi_presumption", "us_share_presumption", "eu_safe_harbour"}
)


@dataclass(frozen=True)
class MergerScreen:
    """The screens of one focus group (its parent and label; ``parties``: the groups it was made of before)."""

    group: str
    label: str
    parties: tuple[str, ...]
    markets: tuple[MarketScreen, ...]

    def flags(self, *, horizontal: bool = False) -> dict[str, list[str]]:
        """Markets concerned (where the parties meet, in one market or in two that feed each other) per outcome:
        ``us_presumption`` (either presumption met), ``eu_outside`` (outside the safe harbour), ``cannot_tell`` (a
        test that could not be computed for missing data; with ``horizontal``, only the market-share tests)."""
        found: dict[str, list[str]] = {"us_presumption": [], "eu_outside": [], "cannot_tell": []}
        for market in self.markets:
            if not market.concerned:
                continue
            results = {line.test: line.result for line in market.lines}
            if "met" in (results.get("us_hhi_presumption"), results.get("us_share_presumption")):
                found["us_presumption"].append(market.market)
            if results.get("eu_safe_harbour") == "outside":
                found["eu_outside"].append(market.market)
            considered = [line for line in market.lines if not horizontal or line.test in _HORIZONTAL]
            if any(line.result == "cannot tell" for line in considered):
                found["cannot_tell"].append(market.market)
        return found

    def to_dict(self) -> dict[str, Any]:
        """``{"group", "label", "parties": [label], "flags", "markets": [market]}``."""
        return {
            "group": self.group,
            "label": self.label,
            "parties": list(self.parties),
            "flags": self.flags(),
            "markets": [m.to_dict() for m in self.markets],
        }

    def table(self) -> Table:
        """One row per figure: market, test, subject, value, result, formula."""
        rows = [[m.label, line.test, line.subject, line.result, line.formula] for m in self.markets for line in m.lines]
        return ["market", "test", "subject", "result", "formula"], rows
