"""Merger screens: per market (layer) a deal touches, the structural tests of the merger guidelines, each figure with
its formula, the market positions and supply ties it rests on (with their evidence kind) and what is missing.

A screen compares a *focus group* before and after a deal: the members of one control group after it, which
before it belonged to one or more groups (the merging parties). Markets touched: every layer a member is in or
holds a market position in, and every input layer of a supply tie with a member at one end.

Horizontal (market positions, shares in percent, summed per control group, latest year of each market):

* ``HHI = sum of s_i^2``; ``delta HHI = HHI after - HHI before`` (for a merger of shares a and b: ``2ab``);
* 2023 US Merger Guidelines presumptions (:func:`~stackgraph.analysis.concentration.us_presumptions`):
  HHI after > 1,800 and delta > 100; the merged firm's share > 30 % and delta > 100;
* EU non-horizontal guidelines safe harbour (:func:`~stackgraph.analysis.concentration.eu_safe_harbour`): the
  merged entity's share below 30 % and HHI after below 2,000;
* delta MHHI (O'Brien & Salop 2000, "Competitive effects of partial ownership", Antitrust Law Journal 67(3)),
  where stakes are known: ``MHHI = sum_j sum_k s_j s_k (sum_i b_ij b_ik) / (sum_i b_ij^2)`` with control
  following ownership (each owner's control weight equals its financial interest ``b``). ``b_ij`` is owner ``i``'s
  ultimate share of firm ``j``: every holder's unrecorded remainder ``u_x = 1 - (stakes held in x)`` carried down
  the chains, ``b = diag(u) (I - W)^-1`` (so each firm's ``b`` add up to 1).

Vertical (supply ties; the layer scheme's ``feeds`` says which layer is an input of which):

* foreclosure share: the merged group's share of an input that its downstream rivals buy -- its market share of
  that input where known, and the part of the rivals' recorded supply ties of it that come from the group;
* input dependence of each downstream rival on the merged group: the part of its supply of that input that comes
  from the group (by amount when every tie has one in one currency, else by number of suppliers; 1 = single
  source); rivals: organisations outside the group in a layer the group holds that the input feeds, or that buy
  the input from the group;
* the merged group's own dependence on each outside supplier of an input, with the supplier's share where known
  and its other ties with the group (investments, partnerships).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, replace

from stackgraph.analysis._common import paused_gc
from stackgraph.analysis.concentration import eu_safe_harbour, hhi, us_presumptions
from stackgraph.analysis.markets import (
    FOCUS,
    Evidence,
    MarketScreen,
    MergerContext,
    MergerScreen,
    ScreenLine,
    percent_text,
)
from stackgraph.analysis.vertical import vertical_lines

__all__ = [
    "MarketScreen",
    "MergerContext",
    "MergerScreen",
    "TargetScreen",
    "markets_touched",
    "merger_screen",
    "mhhi",
    "screen_flags",
]


def mhhi(shares: Mapping[Hashable, float], owners: Mapping[Hashable, Mapping[Hashable, float]]) -> float:
    """Return the modified HHI (O'Brien & Salop) of firms with ``shares`` (percent) whose owners hold
    ``owners[firm][owner]`` (fractions adding up to 1), control following ownership.

    Examples
    --------
    >>> mhhi({"A": 30, "B": 20}, {"A": {"a": 1.0}, "B": {"b": 1.0}})  # no common owner: the HHI
    1300.0
    >>> round(mhhi({"A": 30, "B": 20}, {"A": {"a": 1.0}, "B": {"a": 0.2, "b": 0.8}}), 1)  # A's owners hold 20 % of B
    1596.5
    """
    total = 0.0
    for j, s_j in shares.items():
        b_j = owners.get(j) or {j: 1.0}
        own = sum(v * v for v in b_j.values())
        for k, s_k in shares.items():
            b_k = owners.get(k) or {k: 1.0}
            common = sum(v * b_k.get(i, 0.0) for i, v in b_j.items())
            total += s_j * s_k * (common / own if own else 0.0)
    return total


def _num(value: float) -> str:
    return f"{value:,.0f}"


def _parties_text(ctx: MergerContext, members: frozenset[Hashable], market: str) -> str:
    return ctx.members_text(market, members)


@dataclass(frozen=True)
class _Figures:
    """The horizontal figures of one market: shares per group before and after, HHIs, the merged share and the
    parties' known shares (``missing``: the parties in the market without one)."""

    shares_before: dict[Hashable, float]
    shares_after: dict[Hashable, float]
    hhi_before: float
    hhi_after: float
    merged: float
    known: float | None
    parties: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def delta(self) -> float:
        return self.hhi_after - self.hhi_before

    def outcomes(self) -> tuple[str, str, str]:
        """The two US presumptions and the EU safe harbour: met / not met / cannot tell, within / outside /
        cannot tell (a test not met with the known shares cannot be ruled out when a party's share is missing)."""
        first, second = us_presumptions(self.hhi_after, self.delta, self.merged)
        unknown = "cannot tell" if self.missing else None
        safe = eu_safe_harbour(self.merged, self.hhi_after)
        return (
            "met" if first else (unknown or "not met"),
            "met" if second else (unknown or "not met"),
            "outside" if not safe else (unknown or "within"),
        )


def _figures(
    market: str,
    before: MergerContext,
    after: MergerContext,
    focus: Collection[Hashable],
    parties: list[tuple[str, frozenset[Hashable]]],
    *,
    describe: bool = True,
) -> _Figures:
    label = after.layer_label.get(market, market)
    shares_before = before.shares(market, parties[0][1])  # the focus group's own members as one, as they were
    shares_after = after.shares(market, focus)
    missing = []
    party_text = []
    known_total: float | None = None
    for name, members in parties:
        share, active = before.party_share(market, members)
        if share is not None:
            party_text.append(f"{name} {percent_text(share)}")
            known_total = (known_total or 0.0) + share
        elif active:
            party_text.append(f"{name} -")
            where = f" ({_parties_text(before, members, market)} in it)" if describe else ""
            missing.append(f"{name}'s share of {label}{where}")
    return _Figures(
        shares_before,
        shares_after,
        hhi(shares_before.values()),
        hhi(shares_after.values()),
        shares_after.get(FOCUS, 0.0),
        known_total,
        tuple(party_text),
        tuple(missing),
    )


def _no_positions(label: str, problems: list[str]) -> ScreenLine:
    why = (
        f"the market positions of {label} fail the share checks ({'; '.join(problems)}) and are left out"
        if problems
        else f"no market positions for {label} in the data"
    )
    return ScreenLine(
        "shares",
        None,
        None,
        None,
        f"{why}: HHI, presumptions and safe harbour cannot be computed",
        "cannot tell",
        missing=(f"market shares of {label}",),
    )


def _horizontal(
    market: str,
    before: MergerContext,
    after: MergerContext,
    focus: Collection[Hashable],
    parent: Hashable,
    parties: list[tuple[str, frozenset[Hashable]]],
) -> list[ScreenLine]:
    label = after.layer_label.get(market, market)
    if market not in after.positions and market not in before.positions:
        return [_no_positions(label, after.share_problems.get(market, []))]
    fig = _figures(market, before, after, focus, parties)
    held_after = after.positions.get(market, (None, {}))[1]
    evidence = after.position_evidence(market)
    missing = fig.missing
    covered = sum(fig.shares_after.values())
    squares = " + ".join(f"{v:.3g}²" for v in sorted(fig.shares_after.values(), reverse=True)[:6])
    squares += " + ..." if len(fig.shares_after) > 6 else ""
    delta = fig.delta
    us_hhi, us_share, eu = fig.outcomes()
    lines = [
        ScreenLine(
            "share",
            ", ".join(fig.parties) or None,
            fig.known,
            fig.merged,
            f"merged group's share = {' + '.join(fig.parties) or 'no party holds a share'} = "
            f"{percent_text(fig.merged)}" + (" at least" if missing else ""),
            "cannot tell" if missing and not fig.merged else "",
            after.position_evidence(market, [m for m in focus if m in held_after]),
            missing,
        ),
        ScreenLine(
            "hhi",
            None,
            fig.hhi_before,
            fig.hhi_after,
            f"HHI after = Σ s² = {squares} = {_num(fig.hhi_after)}"
            + (f" (shares known for {covered:.4g} % of the market)" if covered < 99.5 else ""),
            "highly concentrated" if fig.hhi_after > 1800 else "not highly concentrated",
            evidence,
        ),
        ScreenLine(
            "delta_hhi",
            None,
            None,
            delta,
            f"ΔHHI = HHI after − HHI before = {_num(fig.hhi_after)} − {_num(fig.hhi_before)} = {delta:+,.0f}",
            "significant (> 100)" if delta > 100 else ("cannot tell" if missing else "not significant"),
            evidence,
            missing,
        ),
        ScreenLine(
            "us_hhi_presumption",
            None,
            None,
            None,
            f"HHI after {_num(fig.hhi_after)} > 1,800 and ΔHHI {delta:+,.0f} > 100 (2023 US Merger Guidelines)",
            us_hhi,
            evidence,
            missing,
        ),
        ScreenLine(
            "us_share_presumption",
            None,
            None,
            fig.merged,
            f"merged share {percent_text(fig.merged)} > 30 % and ΔHHI {delta:+,.0f} > 100 (2023 US Merger Guidelines)",
            us_share,
            evidence,
            missing,
        ),
        ScreenLine(
            "eu_safe_harbour",
            None,
            None,
            None,
            f"merged share {percent_text(fig.merged)} < 30 % and HHI after {_num(fig.hhi_after)} < 2,000 "
            "(EU non-horizontal merger guidelines, para. 25)",
            eu,
            evidence,
            missing,
        ),
    ]
    lines.append(_mhhi_line(market, before, after, parent, fig.shares_before, fig.shares_after, evidence))
    return lines


def _mhhi_line(
    market: str,
    before: MergerContext,
    after: MergerContext,
    parent: Hashable,
    shares_before: Mapping[Hashable, float],
    shares_after: Mapping[Hashable, float],
    evidence: tuple[Evidence, ...],
) -> ScreenLine:
    owners_before = {k: before.owners(parent if k == FOCUS else k) for k in shares_before}
    owners_after = {k: after.owners(parent if k == FOCUS else k) for k in shares_after}
    m_before, m_after = mhhi(shares_before, owners_before), mhhi(shares_after, owners_after)
    h_before, h_after = hhi(shares_before.values()), hhi(shares_after.values())
    if abs(m_before - h_before) < 1e-6 and abs(m_after - h_after) < 1e-6:
        return ScreenLine(
            "mhhi",
            None,
            m_before,
            m_after,
            f"no common or cross ownership among the holders of {after.layer_label.get(market, market)} in the "
            "data: MHHI = HHI, ΔMHHI = ΔHHI",
            "",
            evidence,
        )
    return ScreenLine(
        "mhhi",
        None,
        m_before,
        m_after,
        f"ΔMHHI = MHHI after − MHHI before = {_num(m_after)} − {_num(m_before)} = {m_after - m_before:+,.0f} "
        f"(partial-ownership part after: {m_after - h_after:+,.0f}; O'Brien-Salop, control assumed to follow "
        "ownership)",
        "",
        evidence,
    )


def markets_touched(ctx: MergerContext, members: Collection[Hashable]) -> dict[str, list[str]]:
    """The markets a group touches -- a member is in it, holds a share of it, buys or sells it -- and why."""
    why: dict[str, list[str]] = {}
    for m in sorted(members, key=lambda m: (ctx.label(m).casefold(), str(m))):  # reasons in a fixed order
        for layer in ctx.layers.get(m, ()):
            why.setdefault(layer, []).append(f"{ctx.label(m)} is in it")
        for market in ctx.positions_of.get(m, ()):
            why.setdefault(market, []).append(f"{ctx.label(m)} holds a share")
        if m in ctx.supply:
            for s in ctx.supply.predecessors(m):
                if s not in members:
                    for layer in ctx.supply.edges[s, m]["layers"]:
                        why.setdefault(layer, []).append(f"{ctx.label(m)} buys it from {ctx.label(s)}")
            for c in ctx.supply.successors(m):
                if c not in members:
                    for layer in ctx.supply.edges[m, c]["layers"]:
                        why.setdefault(layer, []).append(f"{ctx.label(m)} supplies it to {ctx.label(c)}")
    return {market: list(dict.fromkeys(reasons)) for market, reasons in why.items()}


@paused_gc
def merger_screen(
    after: MergerContext,
    focus: Collection[Hashable],
    parent: Hashable,
    *,
    before: MergerContext | None = None,
    parties: Iterable[Collection[Hashable]] = (),
) -> MergerScreen:
    """Screen the group ``focus`` (its members in ``after``'s graph, headed by ``parent``) per market it touches.

    ``before`` is the view before the deal (default: ``after`` itself -- screening a union of groups that has not
    happened, as target screening does); ``parties`` the merging groups' members (default: the focus as one).
    Figures "before" use each view's own groups; "after" counts the focus as one group.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(market_positions=[
    ...     {"holder": "A", "market": "ran", "year": 2023, "share": 30.0},
    ...     {"holder": "B", "market": "ran", "year": 2023, "share": 20.0},
    ...     {"holder": "C", "market": "ran", "year": 2023, "share": 50.0},
    ... ])
    >>> for n in "ABC":
    ...     G.add_node(n, label=n, kind="organization", layers=("ran",))
    >>> screen = merger_screen(MergerContext(G), {"A", "B"}, "A", parties=[{"A"}, {"B"}])
    >>> for line in screen.markets[0].lines[1:6]:
    ...     print(line.test, line.value, line.result)
    hhi 5000.0 highly concentrated
    delta_hhi 1200.0 significant (> 100)
    us_hhi_presumption None met
    us_share_presumption 50.0 met
    eu_safe_harbour None outside
    """
    before = before if before is not None else after
    focus = frozenset(focus)
    listed = [frozenset(p) for p in parties] or [focus]
    name = f"the {after.label(parent)} group"
    named = []
    for members in listed:
        head = min(members, key=lambda m: (before.groups.get(m, m) != m, before.label(m).casefold(), str(m)))
        named.append((f"{before.label(before.groups.get(head, head))} group", members))
    union = frozenset().union(*listed)
    reasons = markets_touched(after, focus)
    for market, why in markets_touched(before, union).items():
        reasons.setdefault(market, why)
    by_party = [markets_touched(before, members) for members in listed]  # a tie between parties counts here
    for touched_by in by_party:
        for market, why in touched_by.items():
            reasons.setdefault(market, []).extend(w for w in why if w not in reasons.get(market, ()))
    concerned = _concerned([set(touched_by) for touched_by in by_party], before.inputs_of)
    for market, (upstream, downstream) in concerned.items():
        if upstream is not None:
            reasons.setdefault(market, []).append(
                f"{before.layer_label.get(upstream, upstream)} feeds {before.layer_label.get(downstream, downstream)} "
                "between the parties"
            )
    screens = []
    for market in sorted(reasons, key=lambda m: (m not in concerned, m not in after.positions, m)):
        lines = _horizontal(market, before, after, focus, parent, named)
        earlier = {(line.test, line.subject): line for line in vertical_lines(market, before, union, name)}
        for line in vertical_lines(market, after, focus, name):
            previous = earlier.get((line.test, line.subject))
            lines.append(line if previous is None else _with_before(line, previous.value))
        year = after.positions.get(market, (None, {}))[0]
        label = after.layer_label.get(market, market)
        screens.append(MarketScreen(market, label, year, tuple(reasons[market]), tuple(lines), market in concerned))
    return MergerScreen(str(parent), after.label(parent), tuple(n for n, _ in named), tuple(screens))


def _concerned(touched: list[set[str]], inputs_of: Mapping[str, set[str]]) -> dict[str, tuple[str | None, str | None]]:
    """The markets concerned by a merger of parties touching ``touched`` markets: those two parties touch, and
    those where one party's market feeds another party's (market -> (upstream, downstream) of that relation)."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for i, mine in enumerate(touched):
        for j, theirs in enumerate(touched):
            if i == j:
                continue
            for market in mine & theirs:
                found.setdefault(market, (None, None))
            for downstream in theirs:
                for upstream in inputs_of.get(downstream, set()) & mine:
                    found.setdefault(upstream, (upstream, downstream))
                    found.setdefault(downstream, (upstream, downstream))
    return found


def _with_before(line: ScreenLine, before: float | None) -> ScreenLine:
    return replace(line, before=before)


class TargetScreen:
    """The horizontal screen of one acquirer against any target of ``ctx``'s graph (:meth:`flags`), with what
    does not depend on the target computed once: the acquirer's markets, and the outcome of every market the
    target is not in (there the union changes nothing but the acquirer's key)."""

    def __init__(
        self, ctx: MergerContext, acquirer: Collection[Hashable], *, acquirer_markets: Collection[str] | None = None
    ) -> None:
        self.ctx = ctx
        self.acquirer = frozenset(acquirer)
        self.mine = set(acquirer_markets) if acquirer_markets is not None else set(markets_touched(ctx, acquirer))
        self._alone: dict[str, tuple[str, str, str]] = {}

    def flags(self, target: Collection[Hashable]) -> dict[str, list[str]]:
        """Markets concerned by acquiring ``target`` (its closure) per outcome, as :meth:`MergerScreen.flags`
        with ``horizontal=True``."""
        ctx, acquirer = self.ctx, self.acquirer
        closure = frozenset(target)
        theirs = set(markets_touched(ctx, closure))
        found: dict[str, list[str]] = {"us_presumption": [], "eu_outside": [], "cannot_tell": []}
        for market in sorted(_concerned([self.mine, theirs], ctx.inputs_of)):
            if market not in ctx.positions:
                found["cannot_tell"].append(market)
                continue
            if market in theirs and ctx.in_market(market, closure):  # the target is in it: the shares change
                parties = [("acquirer", acquirer), ("target", closure)]
                outcome = _figures(market, ctx, ctx, _Union(acquirer, closure), parties, describe=False).outcomes()
            else:
                if market not in self._alone:
                    self._alone[market] = _figures(market, ctx, ctx, acquirer, [("acquirer", acquirer)]).outcomes()
                outcome = self._alone[market]
            us_hhi, us_share, eu = outcome
            if "met" in (us_hhi, us_share):
                found["us_presumption"].append(market)
            if eu == "outside":
                found["eu_outside"].append(market)
            if "cannot tell" in outcome:
                found["cannot_tell"].append(market)
        return found


def screen_flags(
    ctx: MergerContext,
    acquirer: frozenset[Hashable],
    target: frozenset[Hashable],
    *,
    acquirer_markets: Collection[str] | None = None,
) -> dict[str, list[str]]:
    """The horizontal outcome of merging two groups of ``ctx``'s graph (``acquirer`` and the ``target``'s closure)
    per market concerned -- the flags of :func:`merger_screen` from its horizontal tests, computed without its
    lines (:class:`TargetScreen` does it for many targets of one acquirer). ``acquirer_markets`` are
    ``markets_touched(ctx, acquirer)`` when the caller has them.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(market_positions=[
    ...     {"holder": "A", "market": "ran", "year": 2023, "share": 30.0},
    ...     {"holder": "B", "market": "ran", "year": 2023, "share": 20.0},
    ... ])
    >>> for n in "ABC":
    ...     G.add_node(n, label=n, kind="organization", layers=("ran",))
    >>> ctx = MergerContext(G)
    >>> screen_flags(ctx, frozenset("A"), frozenset("B"))
    {'us_presumption': ['ran'], 'eu_outside': ['ran'], 'cannot_tell': []}
    >>> screen_flags(ctx, frozenset("A"), frozenset("C"))  # C is in the market without a known share
    {'us_presumption': [], 'eu_outside': ['ran'], 'cannot_tell': ['ran']}
    """
    return TargetScreen(ctx, acquirer, acquirer_markets=acquirer_markets).flags(target)


class _Union:
    """Membership in either of two sets, without building their union (the acquirer's group may be large)."""

    def __init__(self, first: Collection[Hashable], second: Collection[Hashable]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second
