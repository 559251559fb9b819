"""Vertical screens: foreclosure shares and input dependence, per input market, in one view (see
:mod:`stackgraph.analysis.mergers` for the definitions and sources).

A large group may face thousands of downstream rivals and buy from hundreds of suppliers: each market names the
:data:`SHOWN` most dependent rivals and the :data:`SHOWN` largest outside suppliers line by line (with the ties
they rest on) and sums up the rest in one line (how many, how many single-sourced, the median dependence).
"""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Collection, Hashable, Mapping
from typing import Any

from stackgraph.analysis._common import basis_in, money
from stackgraph.analysis.markets import Evidence, MergerContext, ScreenLine, percent_text

__all__ = ["SHOWN", "vertical_lines"]

#: Rivals and suppliers named line by line per market; the rest are summed up.
SHOWN = 10


def _tie_evidence(ctx: MergerContext, supplier: Hashable, customer: Hashable, market: str) -> list[Evidence]:
    return [
        Evidence(
            "supply",
            deal,
            f"{ctx.label(supplier)} supplies {ctx.layer_label.get(market, market)} to {ctx.label(customer)}",
            basis_in(data),
            (data.get("sources") or (None,))[0],
        )
        for deal, data in ctx.ties(supplier, customer, market)
    ]


def _dependence(
    ctx: MergerContext, customer: Hashable, market: str, on: Collection[Hashable]
) -> tuple[float | None, str]:
    """The part of ``customer``'s recorded supply of ``market`` that comes from ``on``: by amount when every tie
    has one in one currency, else by number of suppliers; with the formula."""
    suppliers = ctx.suppliers_of(customer, market)
    if not suppliers:
        return None, ""
    ties = {s: ctx.ties(s, customer, market) for s in suppliers}
    amounts = [(data.get("amount"), data.get("currency")) for found in ties.values() for _, data in found]
    if amounts and all(a is not None for a, _ in amounts) and len({c for _, c in amounts}) == 1:
        total = sum(float(a) for a, _ in amounts)
        ours = sum(float(data["amount"]) for s in suppliers if s in on for _, data in ties[s])
        currency = amounts[0][1] or ""
        value = ours / total if total else 0.0
        return value, f"by amount: {currency} {ours:,.0f} of {total:,.0f} = {value:.3g}"
    ours_count = sum(1 for s in suppliers if s in on)
    names = ", ".join(sorted(ctx.label(s) for s in suppliers)[:4]) + (" ..." if len(suppliers) > 4 else "")
    value = ours_count / len(suppliers)
    return value, f"{ours_count} of {len(suppliers)} suppliers ({names}) = {value:.3g}"


def _by_label(ctx: MergerContext) -> Any:
    return lambda node: (ctx.label(node).casefold(), str(node))


def _names(ctx: MergerContext, nodes: list[Hashable], limit: int = 5) -> str:
    return ", ".join(ctx.label(n) for n in nodes[:limit]) + (
        f" and {len(nodes) - limit} more" if len(nodes) > limit else ""
    )


def _rivals(ctx: MergerContext, market: str, focus: frozenset[Hashable], held: set[str]) -> set[Hashable]:
    """Downstream rivals for ``market``: organisations outside the group in a layer it holds that the market
    feeds, or that buy the market from a member and share a layer with the group."""
    downstream = {d for d in held if market in ctx.inputs_of.get(d, ())}
    rivals = {o for d in downstream for o in ctx.organisations_in.get(d, ()) if o not in focus}
    for m in focus:
        for c in ctx.supply.successors(m) if m in ctx.supply else ():
            if (
                c not in focus
                and ctx.kind.get(c) == "organization"
                and market in ctx.supply.edges[m, c]["layers"]
                and held.intersection(ctx.layers.get(c, ()))
            ):
                rivals.add(c)
    return rivals


def _selling(ctx: MergerContext, market: str, focus: frozenset[Hashable], held: set[str]) -> bool:
    return market in held or any(
        market in ctx.supply.edges[m, c]["layers"]
        for m in focus
        if m in ctx.supply
        for c in ctx.supply.successors(m)
        if c not in focus
    )


def _foreclosure(
    ctx: MergerContext, market: str, focus: frozenset[Hashable], name: str, rivals: set[Hashable]
) -> list[ScreenLine]:
    label = ctx.layer_label.get(market, market)
    positions = ctx.positions.get(market, (None, {}))[1]
    ours = [m for m in sorted(focus, key=str) if m in positions]  # a fixed order: the same float sum every run
    share = sum(float(positions[m]["share"]) for m in ours) if ours else None
    supplied = rivals & ctx.buyers.get(market, set())  # the rivals with a recorded supplier of the market
    rival_ties = [(s, r) for r in supplied for s in ctx.suppliers_of(r, market)]
    from_us = sum(1 for s, _ in rival_ties if s in focus)
    tie_text = (
        f"; {from_us} of {len(rival_ties)} recorded supply ties of {label} into its downstream rivals come from it"
        if rival_ties
        else f"; no recorded supply of {label} into its {len(rivals)} downstream rivals"
    )
    lines = [
        ScreenLine(
            "foreclosure_share",
            label,
            None,
            share,
            f"{name}'s share of {label}, an input of its downstream rivals = "
            + (percent_text(share) if share is not None else "not in the data")
            + tie_text,
            "cannot tell" if share is None and not rival_ties else "",
            ctx.position_evidence(market, ours),
            () if share is not None else (f"the merged group's share of {label}",),
        )
    ]
    by_label = _by_label(ctx)
    found = [(r, *_dependence(ctx, r, market, focus)) for r in sorted(supplied, key=by_label)]
    measured = sorted(((r, v, f) for r, v, f in found if v is not None), key=lambda item: -item[1])
    for rival, value, formula in measured[:SHOWN]:
        evidence = [e for s in ctx.suppliers_of(rival, market) for e in _tie_evidence(ctx, s, rival, market)]
        lines.append(
            ScreenLine(
                "input_dependence",
                ctx.label(rival),
                None,
                value,
                f"{ctx.label(rival)}'s supply of {label} from {name}: {formula}",
                "single source" if value >= 1.0 else "",
                tuple(evidence),
            )
        )
    rest = measured[SHOWN:]
    if rest:
        values = [v for _, v, _ in rest]
        single = sum(1 for v in values if v >= 1.0)
        lines.append(
            ScreenLine(
                "input_dependence",
                f"{len(rest)} more rivals",
                None,
                statistics.median(values),
                f"{len(rest)} more downstream rivals with a recorded supplier of {label} "
                f"({_names(ctx, [r for r, _, _ in rest])}): median dependence on {name} "
                f"{statistics.median(values):.3g}, {single} single-sourced from it",
                "",
            )
        )
    silent = sorted(heapq.nsmallest(5, rivals - supplied, key=str), key=by_label)  # five, named
    count = len(rivals) - len(supplied)
    if count:
        shown = ", ".join(ctx.label(r) for r in silent) + (f" and {count - len(silent)} more" if count > 5 else "")
        lines.append(
            ScreenLine(
                "input_dependence",
                f"{count} rivals",
                None,
                None,
                f"no recorded supplier of {label} for {shown}",
                "cannot tell",
                missing=(f"who supplies {label} to {shown}",),
            )
        )
    return lines


def _buying(ctx: MergerContext, market: str, focus: frozenset[Hashable], name: str) -> list[ScreenLine]:
    label = ctx.layer_label.get(market, market)
    buyers = [m for m in sorted(focus, key=str) if any(s not in focus for s in ctx.suppliers_of(m, market))]
    every = {s for m in buyers for s in ctx.suppliers_of(m, market) if s not in focus}
    if not every:
        return []
    positions = ctx.positions.get(market, (None, {}))[1]
    suppliers = sorted(
        every,
        key=lambda s: (-float(positions[s]["share"]) if s in positions else 0.0, ctx.label(s).casefold(), str(s)),
    )
    value = 1 / len(every)
    lines = []
    for supplier in suppliers[:SHOWN]:
        evidence = [e for m in buyers for e in _tie_evidence(ctx, supplier, m, market)]
        other = _other_ties(ctx, supplier, focus)
        share = float(positions[supplier]["share"]) if supplier in positions else None
        lines.append(
            ScreenLine(
                "group_dependence",
                ctx.label(supplier),
                None,
                value,
                f"{name}'s supply of {label} from {ctx.label(supplier)}: 1 of {len(every)} outside suppliers "
                f"= {value:.3g}; {ctx.label(supplier)}'s share of {label}: "
                + (percent_text(share) if share is not None else "not in the data")
                + (f"; other ties with the group: {'; '.join(t for t, _ in other)}" if other else ""),
                "single source" if value >= 1.0 else "",
                (*evidence, *ctx.position_evidence(market, [supplier]), *(e for _, e in other)),
                () if share is not None else (f"{ctx.label(supplier)}'s share of {label}",),
            )
        )
    rest = suppliers[SHOWN:]
    if rest:
        lines.append(
            ScreenLine(
                "group_dependence",
                f"{len(rest)} more suppliers",
                None,
                value,
                f"{len(rest)} more outside suppliers of {label} to {name} ({_names(ctx, rest)}), each 1 of "
                f"{len(every)}",
                "",
            )
        )
    return lines


def vertical_lines(market: str, ctx: MergerContext, focus: frozenset[Hashable], name: str) -> list[ScreenLine]:
    """Foreclosure and dependence lines for one input market in one view (see the module docstring)."""
    held = {layer for m in focus for layer in ctx.layers.get(m, ())}
    lines: list[ScreenLine] = []
    if _selling(ctx, market, focus, held):
        rivals = _rivals(ctx, market, focus, held)
        if rivals:
            lines += _foreclosure(ctx, market, focus, name, rivals)
    return lines + _buying(ctx, market, focus, name)


_TIE_TEXT = {"invests_in": "invests in", "partners_with": "partners with", "acquires": "holds", "controls": "holds"}


def _other_ties(ctx: MergerContext, supplier: Hashable, focus: Collection[Hashable]) -> list[tuple[str, Evidence]]:
    """A supplier's ties with the group other than supply, either way (investments, partnerships, stakes)."""
    found: dict[str, tuple[str, Evidence]] = {}
    for member in sorted(focus, key=str):
        for u, v in ((supplier, member), (member, supplier)):
            if not ctx.G.has_edge(u, v):
                continue
            for key, data in ctx.G[u][v].items():
                relation = data.get("relation")
                if relation not in _TIE_TEXT or str(key) in found:
                    continue
                found[str(key)] = _tie_text(ctx, u, v, str(key), data)
    return list(found.values())


def _tie_text(ctx: MergerContext, u: Hashable, v: Hashable, key: str, data: Mapping[str, Any]) -> tuple[str, Evidence]:
    relation = data["relation"]
    text = f"{ctx.label(u)} {_TIE_TEXT[relation]} {ctx.label(v)}"
    if data.get("stake") is not None:
        text += f" ({data['stake']:g} %)"
    elif data.get("amount") is not None:
        text += f" ({money(float(data['amount']), data.get('currency'))})"
    return text, Evidence(relation, key, text, basis_in(data))
