"""What-if report sections about control groups: membership, stack coverage, ties that come along, external
dependencies (see :mod:`stackgraph.scenarios.report`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from stackgraph.analysis.control import control_group, ultimate_parents
from stackgraph.analysis.coverage import GroupCoverage, coverage_of, layer_scheme
from stackgraph.analysis.dependencies import dependencies
from stackgraph.scenarios._refs import GraphPair, entity_label, ref, sorted_nodes

__all__ = ["compare_coverage", "compare_dependencies", "compare_groups", "ties_along"]

_TIE_RELATIONS = ("supplies", "invests_in", "partners_with", "acquires", "controls")


def compare_groups(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, C_before: nx.DiGraph, C_after: nx.DiGraph
) -> list[dict[str, Any]]:
    """Groups (headed by an ultimate parent, standalone organisations included) whose members changed.

    Only a group above a control tie that changed can change, so only the ultimate parents of the ends of the
    changed control ties are compared (the same answer as comparing every group, without walking them all).
    """
    changed_ties = set(C_before.edges()) ^ set(C_after.edges())
    touched = {node for tie in changed_ties for node in tie}
    tops: set[str] = set()
    for G, C in ((before, C_before), (after, C_after)):
        for node in touched:
            if node in G:
                tops.update(ultimate_parents(G, node, control=C))

    def members(G: nx.MultiDiGraph, C: nx.DiGraph, top: str) -> frozenset[str]:
        if top not in G or ultimate_parents(G, top, control=C) != (top,):
            return frozenset()
        return control_group(G, top, control=C).member_ids()

    rows = []
    for parent in sorted_nodes(after, tops):
        was, now = members(before, C_before, parent), members(after, C_after, parent)
        if was == now or (len(was) <= 1 and not now) or (not was and len(now) <= 1):
            continue
        if not now:
            status = "absorbed"
        elif not was:
            status = "new"
        else:
            status = "changed"
        absorbed_by = list(ultimate_parents(after, parent, control=C_after)) if status == "absorbed" else []
        rows.append(
            {
                "parent": entity_label(before, after, parent),
                "status": status,
                "size_before": len(was),
                "size_after": len(now),
                "joined": [entity_label(before, after, n) for n in sorted_nodes(after, now - was)],
                "left": [entity_label(before, after, n) for n in sorted_nodes(before, was - now)],
                "absorbed_by": [entity_label(before, after, p) for p in sorted_nodes(after, absorbed_by)],
            }
        )
    rows.sort(key=lambda r: (r["status"] == "absorbed", -r["size_after"], r["parent"]["label"].casefold()))
    return rows


def compare_coverage(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    parents: Sequence[str],
    C_before: nx.DiGraph,
    C_after: nx.DiGraph,
) -> list[dict[str, Any]]:
    scheme_before, scheme_after = layer_scheme(before), layer_scheme(after)

    def lookup(G: nx.MultiDiGraph, C: nx.DiGraph, scheme: Mapping[str, Any], parent: str) -> GroupCoverage | None:
        if parent not in G:
            return None
        # the view's control graph, shared by every group (group_coverage would build it again per group)
        return coverage_of(G, control_group(G, parent, control=C), scheme)

    rows = []
    for parent in parents:
        old = lookup(before, C_before, scheme_before, parent)
        new = lookup(after, C_after, scheme_after, parent)
        held_before = set(old.held) if old else set()
        held_after = set(new.held) if new else set()
        score_before = round(old.score, 4) if old else 0.0
        score_after = round(new.score, 4) if new else 0.0
        depth_before = old.integration_depth if old else 0
        depth_after = new.integration_depth if new else 0
        rows.append(
            {
                "group": entity_label(before, after, parent),
                "held_before": sorted(held_before),
                "held_after": sorted(held_after),
                "gained": sorted(held_after - held_before),
                "lost": sorted(held_before - held_after),
                "score_before": score_before,
                "score_after": score_after,
                "score_change": round(score_after - score_before, 4),
                "depth_before": depth_before,
                "depth_after": depth_after,
                "depth_change": depth_after - depth_before,
                "chain_before": list(old.chain) if old else [],
                "chain_after": list(new.chain) if new else [],
            }
        )
    return rows


def ties_along(after: nx.MultiDiGraph, groups: Sequence[Mapping[str, Any]], C: nx.DiGraph) -> list[dict[str, Any]]:
    """Supply, investment, partnership and minority-stake ties of the members that joined a group."""
    rows = []
    seen: set[tuple[str, str]] = set()
    for entry in groups:
        if entry["status"] == "absorbed":
            continue
        parent = entry["parent"]["iri"]
        members = {parent} | set(nx.descendants(C, parent)) if parent in C else {parent}
        for joined in entry["joined"]:
            member = joined["iri"]
            for u, v, key, data in [
                *after.out_edges(member, keys=True, data=True),
                *after.in_edges(member, keys=True, data=True),
            ]:
                relation = data.get("relation")
                if relation not in _TIE_RELATIONS or (key, member) in seen:
                    continue
                if C.has_edge(u, v) and key in C.edges[u, v]["deals"]:
                    continue  # control edges are group membership, reported above
                other = v if u == member else u
                if relation == "partners_with" and (key, other) in seen:
                    continue
                seen.add((key, member))
                rows.append(
                    {
                        "group": entry["parent"],
                        "member": joined,
                        "relation": relation,
                        "direction": "out" if u == member else "in",
                        "other": ref(after, other),
                        "other_in_group": other in members,
                        "deal": key,
                        "status": data.get("status"),
                        "input_layer": data.get("input_layer"),
                        "amount": data.get("amount"),
                        "currency": data.get("currency"),
                        "stake": data.get("stake"),
                        "purpose": data.get("purpose"),
                        "basis": list(data.get("basis") or ()),
                        "quotes": list(data.get("quotes") or ()),
                        "sources": list(data.get("sources") or ()),
                    }
                )
    order = {r: i for i, r in enumerate(_TIE_RELATIONS)}
    rows.sort(key=lambda r: (r["group"]["label"], r["member"]["label"], order[r["relation"]], r["other"]["label"]))
    return rows


def compare_dependencies(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    parents: Sequence[str],
    control: GraphPair = (None, None),
    supply: GraphPair = (None, None),
) -> list[dict[str, Any]]:
    """External dependencies (tier-1 outside suppliers per input layer) of each focus group, before and after
    (``control``/``supply``: each view's control and supply graphs, when the caller has them)."""

    def pairs(G: nx.MultiDiGraph, parent: str) -> tuple[dict[tuple[str, str], dict[str, Any]], set[str], set[str]]:
        """Outside suppliers by (layer, supplier), single-source layers, and every input layer with a supplier
        (inside the group or outside)."""
        if parent not in G:
            return {}, set(), set()
        i = 0 if G is before else 1
        report = dependencies(G, parent, control=control[i], supply=supply[i])
        supplied = {layer.layer for layer in report.external} | {
            layer for link in report.internal for layer in link.layers
        }
        found = {}
        for layer in report.external:
            for supplier in layer.suppliers:
                found[(layer.layer, supplier.entity)] = {
                    "layer": layer.layer,
                    "supplier": {"iri": supplier.entity, "label": supplier.label},
                    "customers": [ref(G, c) for c in supplier.customers],
                    "deals": list(supplier.deals),
                }
        return found, set(report.single_source), supplied

    rows = []
    for parent in parents:
        (old, single_old, supplied_old), (new, single_new, supplied_new) = pairs(before, parent), pairs(after, parent)
        order = sorted(old.keys() | new.keys())
        rows.append(
            {
                "group": entity_label(before, after, parent),
                "before": len(old),
                "after": len(new),
                "added": [new[k] for k in order if k in new and k not in old],
                "removed": [old[k] for k in order if k in old and k not in new],
                "single_source_before": sorted(single_old),
                "single_source_after": sorted(single_new),
                # input layers supplied before (inside or outside the group) with no supplier at all after
                "no_supplier_left": sorted(supplied_old - supplied_new),
            }
        )
    return rows
