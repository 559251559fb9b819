"""What-if report sections about markets: vertical exposure, concentration (HHI) and merger screens (see
:mod:`stackgraph.scenarios.report`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from stackgraph.analysis.concentration import HIGHLY_CONCENTRATED, SIGNIFICANT_CHANGE, MarketConcentration, market_pairs
from stackgraph.analysis.control import control_group
from stackgraph.analysis.mergers import MergerContext, merger_screen
from stackgraph.scenarios._refs import GraphPair, entity_label, ref, refs

__all__ = ["compare_concentration", "compare_exposure", "compare_screens", "screen_moved"]


def _org_layers(G: nx.MultiDiGraph, node: str) -> set[str]:
    return set(G.nodes[node].get("layers") or ())


def compare_exposure(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    parents: Sequence[str],
    C_before: nx.DiGraph,
    C_after: nx.DiGraph,
) -> dict[str, Any]:
    """Rivals of each focus group (organisations outside it in a layer it holds) that buy from a member."""

    def exposures(G: nx.MultiDiGraph, C: nx.DiGraph, parent: str) -> dict[tuple[str, str, str], dict[str, Any]]:
        if parent not in G:
            return {}
        members = {parent} | nx.descendants(C, parent)
        held = set().union(*(_org_layers(G, m) for m in members))
        found = {}
        for member in members:
            for _, customer, key, data in G.out_edges(member, keys=True, data=True):
                if data.get("relation") != "supplies" or customer in members:
                    continue
                if G.nodes[customer].get("kind") != "organization":
                    continue
                shared = _org_layers(G, customer) & held
                if shared:
                    found[(member, customer, key)] = {
                        "rival": ref(G, customer),
                        "shared_layers": sorted(shared),
                        "supplier": ref(G, member),
                        "input_layer": data.get("input_layer"),
                        "deal": key,
                    }
        return found

    rows, ended = [], []
    for parent in parents:
        old = exposures(before, C_before, parent)
        new = exposures(after, C_after, parent)
        for key, entry in sorted(new.items(), key=lambda kv: (kv[1]["rival"]["label"], kv[1]["supplier"]["label"])):
            rows.append({"group": entity_label(before, after, parent), **entry, "new": key not in old})
        for key, entry in sorted(old.items(), key=lambda kv: (kv[1]["rival"]["label"], kv[1]["supplier"]["label"])):
            if key not in new:
                ended.append({"group": entity_label(before, after, parent), **entry})
    return {"exposures": rows, "ended": ended}


def compare_concentration(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, control: GraphPair = (None, None)
) -> list[dict[str, Any]]:
    """HHI per market with known shares, shares summed per control group, before and after (2023 US Merger
    Guidelines: HHI above 1,800 is highly concentrated; a change above 100 points is significant)."""
    rows = []
    for old, new, change in market_pairs(before, after, control=control):
        rows.append(
            {
                "market": change.market,
                "label": change.label,
                "year": next(m.year for m in (new, old) if m is not None),
                "hhi_before": round(change.hhi_before, 2),
                "hhi_after": round(change.hhi_after, 2),
                "delta_hhi": round(change.delta, 2),
                "level_before": change.level_before,
                "level_after": change.level_after,
                "highly_concentrated": change.hhi_after > HIGHLY_CONCENTRATED,
                "significant_change": change.delta > SIGNIFICANT_CHANGE,
                "presumed_to_enhance_market_power": change.presumption,
                "shares_before": _shares(before, old),
                "shares_after": _shares(after, new),
                "basis": list(change.basis),
            }
        )
    return rows


def compare_screens(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    parents: Sequence[str],
    C_before: nx.DiGraph,
    C_after: nx.DiGraph,
    supply: GraphPair = (None, None),
) -> list[dict[str, Any]]:
    """The merger screens of each focus group (:func:`stackgraph.analysis.mergers.merger_screen`): its members
    after, split into the groups they belonged to before (the merging parties, the focus group's own first)."""
    if not parents:
        return []
    ctx_before = MergerContext(before, control=C_before, supply=supply[0])
    ctx_after = MergerContext(after, control=C_after, supply=supply[1])
    screens = []
    for parent in parents:
        if parent not in after:
            continue
        focus = control_group(after, parent, control=C_after).member_ids()
        own = control_group(before, parent, control=C_before).member_ids() if parent in before else frozenset()
        parties: dict[Any, set[str]] = {parent: set()}
        for member in sorted(focus):  # in a fixed order: the parties are listed as first met
            # a member of the focus group before stays in its party (even if another group also claims it)
            head = parent if member in own or member not in before else ctx_before.groups.get(member, member)
            parties.setdefault(head, set()).add(member)
        screen = merger_screen(ctx_after, focus, parent, before=ctx_before, parties=list(parties.values()))
        screens.append(screen.to_dict())
    return screens


def screen_moved(screen: Mapping[str, Any]) -> bool:
    """Whether any figure of a screen differs before and after (ΔHHI other than 0 included)."""
    for market in screen["markets"]:
        for line in market["lines"]:
            if line["test"] == "delta_hhi" and line["value"]:
                return True
            if line["before"] is not None and line["value"] is not None and line["before"] != line["value"]:
                return True
    return False


def _shares(G: nx.MultiDiGraph, market: MarketConcentration | None) -> list[dict[str, Any]]:
    if market is None:
        return []
    return [
        {"iri": s.holder, "label": s.label, "share": round(s.share, 4), "entities": refs(G, s.entities)}
        for s in market.shares
    ]
