"""Vertical screens: foreclosure shares and input dependence, per input market, in one view (see
:mod:`stackgraph.analysis.mergers` for the definitions and sources)."""

from __future__ import annotations

from collections.abc import Collection, Hashable

from stackgraph.analysis._common import basis_of, money
from stackgraph.analysis.markets import Evidence, MergerContext, ScreenLine, percent_text

__all__ = ["vertical_lines"]


def _tie_evidence(ctx: MergerContext, supplier: Hashable, customer: Hashable, market: str) -> list[Evidence]:
    return [
        Evidence(
            "supply",
            deal,
            f"{ctx.label(supplier)} supplies {ctx.layer_label.get(market, market)} to {ctx.label(customer)}",
            basis_of(data),
            (data.get("sources") or (None,))[0],
        )
        for deal, data in ctx.ties(supplier, customer, market)
    ]


def _dependence(
    ctx: MergerContext, customer: Hashable, market: str, on: Collection[Hashable]
) -> tuple[float | None, str, list[Evidence]]:
    """The part of ``customer``'s recorded supply of ``market`` that comes from ``on``: by amount when every tie
    has one in one currency, else by number of suppliers."""
    suppliers = ctx.suppliers_of(customer, market)
    if not suppliers:
        return None, "", []
    ties = {s: ctx.ties(s, customer, market) for s in suppliers}
    evidence = [e for s in suppliers for e in _tie_evidence(ctx, s, customer, market)]
    amounts = [(data.get("amount"), data.get("currency")) for found in ties.values() for _, data in found]
    if amounts and all(a is not None for a, _ in amounts) and len({c for _, c in amounts}) == 1:
        total = sum(float(a) for a, _ in amounts)
        ours = sum(float(data["amount"]) for s in suppliers if s in on for _, data in ties[s])
        currency = amounts[0][1] or ""
        value = ours / total if total else 0.0
        return value, f"by amount: {currency} {ours:,.0f} of {total:,.0f} = {value:.3g}", evidence
    ours_count = sum(1 for s in suppliers if s in on)
    names = ", ".join(sorted(ctx.label(s) for s in suppliers)[:4]) + (" ..." if len(suppliers) > 4 else "")
    value = ours_count / len(suppliers)
    return value, f"{ours_count} of {len(suppliers)} suppliers ({names}) = {value:.3g}", evidence


def vertical_lines(market: str, ctx: MergerContext, focus: frozenset[Hashable], name: str) -> list[ScreenLine]:
    """Foreclosure and dependence lines for one input market in one view (see the module docstring)."""
    label = ctx.layer_label.get(market, market)
    held = {layer for m in focus for layer in ctx.layers.get(m, ())}
    lines: list[ScreenLine] = []
    selling = market in held or any(
        ctx.supply.has_edge(m, c) and market in ctx.supply.edges[m, c]["layers"]
        for m in focus
        if m in ctx.supply
        for c in ctx.supply.successors(m)
        if c not in focus
    )
    if selling:
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
        if rivals:
            positions = ctx.positions.get(market, (None, {}))[1]
            ours = [m for m in focus if m in positions]
            share = sum(float(positions[m]["share"]) for m in ours) if ours else None
            rival_ties = [(s, r) for r in rivals for s in ctx.suppliers_of(r, market)]
            from_us = sum(1 for s, _ in rival_ties if s in focus)
            tie_text = (
                f"; {from_us} of {len(rival_ties)} recorded supply ties of {label} into its downstream rivals come "
                "from it"
                if rival_ties
                else f"; no recorded supply of {label} into its {len(rivals)} downstream rivals"
            )
            missing = [] if share is not None else [f"the merged group's share of {label}"]
            lines.append(
                ScreenLine(
                    "foreclosure_share",
                    label,
                    None,
                    share,
                    f"{name}'s share of {label}, an input of its downstream rivals = "
                    + (f"{percent_text(share)}" if share is not None else "not in the data")
                    + tie_text,
                    "cannot tell" if share is None and not rival_ties else "",
                    (*ctx.position_evidence(market, ours),),
                    tuple(missing),
                )
            )
            silent = []
            for rival in sorted(rivals, key=lambda r: (ctx.label(r).casefold(), str(r))):
                value, formula, evidence = _dependence(ctx, rival, market, focus)
                if value is None:
                    silent.append(rival)
                    continue
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
            if silent:
                shown = ", ".join(ctx.label(r) for r in silent[:5]) + (
                    f" and {len(silent) - 5} more" if len(silent) > 5 else ""
                )
                lines.append(
                    ScreenLine(
                        "input_dependence",
                        f"{len(silent)} rivals",
                        None,
                        None,
                        f"no recorded supplier of {label} for {shown}",
                        "cannot tell",
                        missing=(f"who supplies {label} to {shown}",),
                    )
                )
    buyers = [m for m in focus if any(s not in focus for s in ctx.suppliers_of(m, market))]
    if buyers:
        suppliers = sorted(
            {s for m in buyers for s in ctx.suppliers_of(m, market) if s not in focus},
            key=lambda s: (ctx.label(s).casefold(), str(s)),
        )
        every = {s for m in buyers for s in ctx.suppliers_of(m, market) if s not in focus}
        _, positions = ctx.positions.get(market, (None, {}))
        for supplier in suppliers:
            value = 1 / len(every)
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
    return lines


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
                text = f"{ctx.label(u)} {_TIE_TEXT[relation]} {ctx.label(v)}"
                if data.get("stake") is not None:
                    text += f" ({data['stake']:g} %)"
                elif data.get("amount") is not None:
                    text += f" ({money(float(data['amount']), data.get('currency'))})"
                found[str(key)] = (text, Evidence(relation, str(key), text, basis_of(data)))
    return list(found.values())
