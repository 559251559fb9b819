"""The before/after report of a what-if scenario, as plain data.

:func:`compare` takes the two projected views (before: the baseline graphs; after: baseline plus the scenario
graph) and returns a JSON-ready dict of every analysis that changed, computed with :mod:`stackgraph.analysis`.
:func:`run_scenario` plays a scenario on a store and compares. The dict's shape (``schema``
``"stackgraph.whatif/1"``) is documented in the README ("What-if scenarios") and pinned by the tests:

``scenario``           name, slug, description, as_of, graph (IRI of the scenario graph), source
``steps``              what each step did: index, kind, summary, added and superseded deal IRIs, parties
``focus``              the groups the scenario is about (the ultimate parents of the steps' parties, after)
``changed``            names of the sections below that show a change
``groups``             control groups whose membership changed: joined / left members, sizes
``coverage``           per focus or changed group: layers held before/after, gained, lost, score, depth, chain
``ties``               ties that came along with new members (supply, investment, partnership, minority stakes)
``dependencies``       per focus group: external dependencies (layer, supplier) added and removed
``chokepoints``        suppliers that became or stopped being chokepoints, with scores before/after
``centrality``         PageRank rank moves among the top N before or after
``vertical_exposure``  rivals of a focus group (organisations outside it in a layer it holds) buying from a member
``concentration``      HHI and ΔHHI per layer with known market shares (2023 US Merger Guidelines thresholds)
``merger_screens``     per focus group and market it touches: HHI/ΔHHI, the 2023 US presumptions, the EU
                       non-horizontal safe harbour, ΔMHHI, foreclosure shares and input dependence, each with its
                       formula, the positions and ties it rests on and what is missing (:mod:`.analysis.mergers`)

Entities appear as ``{"iri", "label"}``; layers by key (``terrestrial-ran``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.analysis import basis_of
from stackgraph.analysis.centrality import centrality
from stackgraph.analysis.chokepoints import chokepoints
from stackgraph.analysis.concentration import (
    HIGHLY_CONCENTRATED,
    SIGNIFICANT_CHANGE,
    MarketConcentration,
    concentration_change,
    market_concentration,
)
from stackgraph.analysis.control import control_graph, control_group, ultimate_parents
from stackgraph.analysis.coverage import GroupCoverage, coverage_of, layer_scheme
from stackgraph.analysis.dependencies import dependencies, supply_graph
from stackgraph.analysis.mergers import MergerContext, merger_screen
from stackgraph.scenarios.model import Scenario

if TYPE_CHECKING:
    from stackgraph.scenarios.overlay import Overlay, StepProgress
    from stackgraph.store import KnowledgeStore

__all__ = [
    "HHI_HIGHLY_CONCENTRATED",
    "HHI_SIGNIFICANT_CHANGE",
    "REPORT_SCHEMA",
    "REPORT_SECTIONS",
    "WhatIf",
    "compare",
    "group_degree",
    "run_scenario",
]

REPORT_SCHEMA = "stackgraph.whatif/1"

#: The sections of a report, in order.
REPORT_SECTIONS: tuple[str, ...] = (
    "groups",
    "coverage",
    "ties",
    "dependencies",
    "chokepoints",
    "centrality",
    "vertical_exposure",
    "concentration",
    "merger_screens",
)

#: 2023 US Merger Guidelines: a market with an HHI above this is highly concentrated.
HHI_HIGHLY_CONCENTRATED = HIGHLY_CONCENTRATED
#: 2023 US Merger Guidelines: a change above this (in a highly concentrated market) is presumed to enhance
#: market power.
HHI_SIGNIFICANT_CHANGE = SIGNIFICANT_CHANGE

_TIE_RELATIONS = ("supplies", "invests_in", "partners_with", "acquires", "controls")


@dataclass
class WhatIf:
    """A scenario played forward: the overlay, the two projected views and the report.

    Attributes
    ----------
    overlay : Overlay
        The copy of the store with the scenario graph (``overlay.turtle()`` is what ``--save`` writes).
    before, after : networkx.MultiDiGraph
        The projected views without and with the scenario graph, at the same as-of date.
    report : dict
        The before/after report (see the module docstring).
    """

    overlay: Overlay
    before: nx.MultiDiGraph
    after: nx.MultiDiGraph
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def scenario(self) -> Scenario:
        """The scenario that was played."""
        return self.overlay.scenario

    def to_json(self) -> str:
        """Return the report as indented JSON."""
        return json.dumps(self.report, indent=2, ensure_ascii=False) + "\n"

    def format(self, fmt: str = "table") -> str:
        """Return the report as ``table`` (plain text), ``markdown`` or ``json``."""
        from stackgraph.scenarios.text import format_report

        return format_report(self.report, fmt)

    def save(self, path: str | Path) -> Path:
        """Write the scenario graph as Turtle (atomically) and return the path."""
        from stackgraph.atomic import atomic_write

        return atomic_write(path, self.overlay.turtle())


def run_scenario(
    store: KnowledgeStore,
    scenario: Scenario,
    *,
    as_of: str | None = None,
    top: int = 10,
    progress: StepProgress | None = None,
    undated: str | None = None,
    evidence: Iterable[str] | None = None,
) -> WhatIf:
    """Play ``scenario`` forward on ``store`` (which is not modified) and compare before and after.

    Parameters
    ----------
    store : KnowledgeStore
        The baseline.
    scenario : Scenario
        From :func:`~stackgraph.scenarios.load_scenario`, :func:`~stackgraph.scenarios.parse_scenario` or a
        :class:`~stackgraph.scenarios.ScenarioBuilder`.
    as_of : str, optional
        Override the scenario's as-of date.
    top : int
        How many centrality ranks to compare.
    progress : callable, optional
        ``progress(done, total, summary)`` after each step (see :func:`~stackgraph.scenarios.apply_scenario`).
    undated : {"include", "exclude"}, optional
        Whether undated deals count in both views (default ``include``: a scenario is played on what is known
        now, and undated deals were reported as current).
    evidence : iterable of str, optional
        The evidence kinds deals and market positions must rest on (default: any); scenario deals always count
        in the "after" view.

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> from stackgraph.scenarios import load_scenario, scenario_path
    >>> scenario = load_scenario(scenario_path("cursor-deal-completes"))
    >>> result = run_scenario(KnowledgeStore.with_shipped_graphs(), scenario)
    >>> [c["gained"] for c in result.report["coverage"] if c["group"]["label"] == "SpaceX"]
    [['developer-tooling']]
    """
    from stackgraph.scenarios.overlay import apply_scenario

    overlay = apply_scenario(store, scenario, as_of=as_of, progress=progress, undated=undated, evidence=evidence)
    before = overlay.project(after=False)
    after = overlay.project(after=True)
    focus = [party for effect in overlay.effects for party in effect.parties]
    report = compare(before, after, focus=focus, top=top, control_before=overlay.before_control())
    report = {
        "schema": REPORT_SCHEMA,
        "scenario": {
            "name": scenario.name,
            "slug": scenario.slug,
            "description": scenario.description,
            "as_of": overlay.as_of,
            "graph": overlay.graph_iri,
            "source": scenario.source_iri,
        },
        "view": _view(before, after),
        "steps": [effect.to_dict() for effect in overlay.effects],
        **report,
    }
    return WhatIf(overlay, before, after, report)


# ---------------------------------------------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------------------------------------------


def _view(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> dict[str, Any]:
    """What both views counted: ``{"statuses", "evidence", "undated": {"rule", "before", "after"}, "basis_before",
    "basis_after"}`` (undated deals counted or left out in each view; the evidence kinds each view's ties rest on)."""
    from stackgraph.analysis import view_of

    views = view_of(before), view_of(after)
    undated = [view["undated"] or {} for view in views]
    return {
        "statuses": views[1]["statuses"],
        "evidence": views[1]["evidence"],
        "undated": {
            "rule": undated[1].get("rule"),
            "before": undated[0].get("deals"),
            "after": undated[1].get("deals"),
        },
        "basis_before": list(basis_of(*(kinds for _, _, kinds in before.edges(data="basis", default=())))),
        "basis_after": list(basis_of(*(kinds for _, _, kinds in after.edges(data="basis", default=())))),
    }


def _ref(G: nx.Graph, node: str) -> dict[str, str]:
    from stackgraph.analysis import label_of

    return {"iri": node, "label": label_of(G, node)}


def _refs(G: nx.Graph, nodes: Iterable[str]) -> list[dict[str, str]]:
    return [_ref(G, n) for n in _sorted(G, nodes)]


def _sorted(G: nx.Graph, nodes: Iterable[str]) -> list[str]:
    from stackgraph.analysis import label_of

    return sorted(set(nodes), key=lambda n: (label_of(G, n).casefold(), n))


def _label(before: nx.Graph, after: nx.Graph, node: str) -> dict[str, str]:
    return _ref(after if node in after else before, node)


def compare(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    *,
    focus: Iterable[str] = (),
    top: int = 10,
    control_before: nx.DiGraph | None = None,
) -> dict[str, Any]:
    """Compare two projected views of the same graph and return the report sections (plain data).

    Parameters
    ----------
    before, after : networkx.MultiDiGraph
        Projections without and with a scenario (see :func:`stackgraph.projection.project`).
    focus : iterable of str
        Entities the scenario is about (step parties); their ultimate parents' groups are always reported.
    top : int
        How many centrality ranks to compare.
    control_before : networkx.DiGraph, optional
        ``control_graph(before)``, when the caller has it already.

    Returns
    -------
    dict
        ``focus``, ``changed`` and one key per name in :data:`REPORT_SECTIONS`.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"a": {"feeds": ["b"]}, "b": {"feeds": []}})
    >>> G.add_node("X", label="X", kind="organization", layers=("a",))
    >>> G.add_node("Y", label="Y", kind="organization", layers=("b",))
    >>> H = G.copy()
    >>> H.add_edge("X", "Y", key="deal", relation="acquires", status="hypothetical", stake=100.0)
    'deal'
    >>> report = compare(G, H, focus=["X", "Y"])
    >>> report["groups"][0]["joined"], report["coverage"][0]["gained"]
    ([{'iri': 'Y', 'label': 'Y'}], ['b'])
    """
    # the control and supply graphs of each view, built once and handed to every section
    C_before = control_before if control_before is not None else control_graph(before)
    C_after = control_graph(after)
    S_before, S_after = supply_graph(before), supply_graph(after)
    shared = {"control": (C_before, C_after), "supply": (S_before, S_after)}
    groups = _groups(before, after, C_before, C_after)
    parents: list[str] = []
    for node in focus:
        for G, C in ((after, C_after), (before, C_before)):
            if node in G:
                # where claims conflict (several ultimate parents) the first by label stands for the group
                parent = ultimate_parents(G, node, control=C)[0]
                if G.nodes[parent].get("kind") in ("organization", "person", None) and parent not in parents:
                    parents.append(parent)
                break
    # coverage for the focus groups and every other group whose membership changed; the costlier sections
    # (dependencies, exposure, group centrality) for the focus groups
    covered = list(parents)
    for entry in groups:
        if entry["status"] != "absorbed" and entry["parent"]["iri"] not in covered:
            covered.append(entry["parent"]["iri"])
    coverage = _coverage(before, after, covered, C_before, C_after)
    sections: dict[str, Any] = {
        "focus": [_label(before, after, p) for p in parents],
        "groups": groups,
        "coverage": coverage,
        "ties": _ties(after, groups, C_after),
        "dependencies": _dependencies(before, after, parents, **shared),
        "chokepoints": _chokepoints(before, after, **shared),
        "centrality": _centrality(before, after, top, parents, C_before, C_after),
        "vertical_exposure": _vertical_exposure(before, after, parents, C_before, C_after),
        "concentration": _concentration(before, after, control=shared["control"]),
        "merger_screens": _merger_screens(before, after, parents, C_before, C_after, supply=shared["supply"]),
    }
    changed = []
    for name in REPORT_SECTIONS:
        value = sections[name]
        if name == "coverage":
            moved = any(c["gained"] or c["lost"] or c["score_change"] or c["depth_change"] for c in value)
        elif name == "chokepoints":
            moved = bool(value["added"] or value["removed"] or value["changed"])
        elif name == "centrality":
            moved = any(m["rank_before"] != m["rank_after"] for m in value["moves"]) or any(
                g["degree_before"] != g["degree_after"] for g in value["groups"]
            )
        elif name == "dependencies":
            moved = any(d["added"] or d["removed"] for d in value)
        elif name == "vertical_exposure":
            moved = any(e["new"] for e in value["exposures"]) or bool(value["ended"])
        elif name == "concentration":
            moved = any(m["delta_hhi"] for m in value)
        elif name == "merger_screens":
            moved = any(len(screen["parties"]) > 1 or _screen_moved(screen) for screen in value)
        else:
            moved = bool(value)
        if moved:
            changed.append(name)
    return {"focus": sections.pop("focus"), "changed": changed, **sections}


def _groups(
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
    for parent in _sorted(after, tops):
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
                "parent": _label(before, after, parent),
                "status": status,
                "size_before": len(was),
                "size_after": len(now),
                "joined": [_label(before, after, n) for n in _sorted(after, now - was)],
                "left": [_label(before, after, n) for n in _sorted(before, was - now)],
                "absorbed_by": [_label(before, after, p) for p in _sorted(after, absorbed_by)],
            }
        )
    rows.sort(key=lambda r: (r["status"] == "absorbed", -r["size_after"], r["parent"]["label"].casefold()))
    return rows


def _coverage(
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
                "group": _label(before, after, parent),
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


def _ties(after: nx.MultiDiGraph, groups: Sequence[Mapping[str, Any]], C: nx.DiGraph) -> list[dict[str, Any]]:
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
                        "other": _ref(after, other),
                        "other_in_group": other in members,
                        "deal": key,
                        "status": data.get("status"),
                        "input_layer": data.get("input_layer"),
                        "amount": data.get("amount"),
                        "currency": data.get("currency"),
                        "stake": data.get("stake"),
                        "purpose": data.get("purpose"),
                    }
                )
    order = {r: i for i, r in enumerate(_TIE_RELATIONS)}
    rows.sort(key=lambda r: (r["group"]["label"], r["member"]["label"], order[r["relation"]], r["other"]["label"]))
    return rows


_Pair = tuple[nx.DiGraph, nx.DiGraph] | tuple[None, None]


def _dependencies(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    parents: Sequence[str],
    control: _Pair = (None, None),
    supply: _Pair = (None, None),
) -> list[dict[str, Any]]:
    """External dependencies (tier-1 outside suppliers per input layer) of each focus group, before and after
    (``control``/``supply``: each view's control and supply graphs, when the caller has them)."""

    def pairs(G: nx.MultiDiGraph, parent: str) -> tuple[dict[tuple[str, str], dict[str, Any]], set[str]]:
        if parent not in G:
            return {}, set()
        i = 0 if G is before else 1
        report = dependencies(G, parent, control=control[i], supply=supply[i])
        found = {}
        for layer in report.external:
            for supplier in layer.suppliers:
                found[(layer.layer, supplier.entity)] = {
                    "layer": layer.layer,
                    "supplier": {"iri": supplier.entity, "label": supplier.label},
                    "customers": [_ref(G, c) for c in supplier.customers],
                    "deals": list(supplier.deals),
                }
        return found, set(report.single_source)

    rows = []
    for parent in parents:
        (old, single_old), (new, single_new) = pairs(before, parent), pairs(after, parent)
        order = sorted(old.keys() | new.keys())
        rows.append(
            {
                "group": _label(before, after, parent),
                "before": len(old),
                "after": len(new),
                "added": [new[k] for k in order if k in new and k not in old],
                "removed": [old[k] for k in order if k in old and k not in new],
                "single_source_before": sorted(single_old),
                "single_source_after": sorted(single_new),
            }
        )
    return rows


def _chokepoints(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    top: int = 20,
    control: _Pair = (None, None),
    supply: _Pair = (None, None),
) -> dict[str, Any]:
    """Suppliers that became or stopped being chokepoints (top ``top`` of the analysis), or whose scores moved."""

    def rows(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
        i = 0 if G is before else 1
        ranked = chokepoints(G, top=top, control=control[i], supply=supply[i]).rows
        return {
            r.entity: {"rank": i, "dominated": r.dominated, "articulation": r.articulation, "customers": r.customers}
            for i, r in enumerate(ranked, start=1)
            if r.dominated > 0 or r.articulation
        }

    old, new = rows(before), rows(after)

    def entry(node: str) -> dict[str, Any]:
        a, b = old.get(node), new.get(node)
        return {
            "supplier": _label(before, after, node),
            "rank_before": a and a["rank"],
            "rank_after": b and b["rank"],
            "dominated_before": a["dominated"] if a else 0,
            "dominated_after": b["dominated"] if b else 0,
            "articulation_before": bool(a and a["articulation"]),
            "articulation_after": bool(b and b["articulation"]),
        }

    nodes = _sorted(after, old.keys() | new.keys())
    return {
        "top": top,
        "before": [entry(n) for n in sorted(old, key=lambda n: old[n]["rank"])],
        "after": [entry(n) for n in sorted(new, key=lambda n: new[n]["rank"])],
        "added": [entry(n) for n in nodes if n in new and n not in old],
        "removed": [entry(n) for n in nodes if n in old and n not in new],
        "changed": [
            entry(n)
            for n in nodes
            if n in old
            and n in new
            and (old[n]["dominated"], old[n]["articulation"]) != (new[n]["dominated"], new[n]["articulation"])
        ],
    }


def _centrality(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    top: int,
    parents: Sequence[str] = (),
    C_before: nx.DiGraph | None = None,
    C_after: nx.DiGraph | None = None,
) -> dict[str, Any]:
    """PageRank rank moves among the first ``top`` before or after, and each focus group's degree centrality."""
    groups = [
        {
            "group": _label(before, after, parent),
            "degree_before": round(group_degree(before, parent, control=C_before), 6),
            "degree_after": round(group_degree(after, parent, control=C_after), 6),
        }
        for parent in parents
    ]
    try:
        # the report ranks by PageRank only: betweenness and eigenvector centrality are not computed
        old = centrality(before, sort="pagerank", measures=("pagerank",))
        new = centrality(after, sort="pagerank", measures=("pagerank",))
    except (nx.NetworkXException, ArithmeticError, TypeError, ValueError) as error:
        # one failing measure must not sink the whole report: say so in the section
        message = f"centrality could not be computed: {type(error).__name__}: {error}"
        return {"measure": "pagerank", "top": top, "method": {}, "moves": [], "groups": groups, "error": message}
    # dense ranks: nodes with equal PageRank share a rank, so a what-if reports a move only beyond ties
    ranked_old, ranked_new = old.rank("pagerank", top), new.rank("pagerank", top)
    dense_old, dense_new = old.dense_rank("pagerank"), new.dense_rank("pagerank")
    value_old = dict(zip(old.nodes, old.scores["pagerank"].tolist(), strict=True))
    value_new = dict(zip(new.nodes, new.scores["pagerank"].tolist(), strict=True))
    rank_old = {n: (dense_old[n], value_old[n]) for n in old.nodes}
    rank_new = {n: (dense_new[n], value_new[n]) for n in new.nodes}
    shown = [r.entity for r in ranked_new] + [r.entity for r in ranked_old]
    moves = []
    for node in dict.fromkeys(shown):
        (rb, sb), (ra, sa) = rank_old.get(node, (None, 0.0)), rank_new.get(node, (None, 0.0))
        moves.append(
            {
                "entity": _label(before, after, node),
                "rank_before": rb,
                "rank_after": ra,
                "change": (rb - ra) if rb is not None and ra is not None else None,
                "pagerank_before": round(sb, 6),
                "pagerank_after": round(sa, 6),
            }
        )
    moves.sort(key=lambda m: (m["rank_after"] or 10**9, m["rank_before"] or 10**9))
    return {
        "measure": "pagerank",
        "top": top,
        "method": dict(new.method),
        "moves": moves,
        "groups": groups,
        "error": None,
    }


def group_degree(G: nx.MultiDiGraph, parent: str, *, control: nx.DiGraph | None = None) -> float:
    """Group degree centrality of the control group headed by ``parent``: the share of the entities outside it
    that a counting deal ties to a member (Everett and Borgatti; :func:`networkx.group_degree_centrality`)."""
    if parent not in G:
        return 0.0
    members = control_group(G, parent, control=control).member_ids()
    if len(members) >= G.number_of_nodes():
        return 0.0
    # as networkx.group_degree_centrality on the undirected graph, read from the adjacency without converting it
    tied: set[str] = set()
    for member in members:
        if member in G:
            tied.update(G.succ[member])
            tied.update(G.pred[member])
    return len(tied - members) / (G.number_of_nodes() - len(members))


def _org_layers(G: nx.MultiDiGraph, node: str) -> set[str]:
    return set(G.nodes[node].get("layers") or ())


def _vertical_exposure(
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
                        "rival": _ref(G, customer),
                        "shared_layers": sorted(shared),
                        "supplier": _ref(G, member),
                        "input_layer": data.get("input_layer"),
                        "deal": key,
                    }
        return found

    rows, ended = [], []
    for parent in parents:
        old = exposures(before, C_before, parent)
        new = exposures(after, C_after, parent)
        for key, entry in sorted(new.items(), key=lambda kv: (kv[1]["rival"]["label"], kv[1]["supplier"]["label"])):
            rows.append({"group": _label(before, after, parent), **entry, "new": key not in old})
        for key, entry in sorted(old.items(), key=lambda kv: (kv[1]["rival"]["label"], kv[1]["supplier"]["label"])):
            if key not in new:
                ended.append({"group": _label(before, after, parent), **entry})
    return {"exposures": rows, "ended": ended}


def _concentration(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, control: _Pair = (None, None)
) -> list[dict[str, Any]]:
    """HHI per market with known shares, shares summed per control group, before and after (2023 US Merger
    Guidelines: HHI above 1,800 is highly concentrated; a change above 100 points is significant)."""
    old = {m.market: m for m in market_concentration(before, control=control[0])}
    new = {m.market: m for m in market_concentration(after, control=control[1])}
    rows = []
    for market in sorted(old.keys() | new.keys()):
        a = {s.holder: s.share for s in old[market].shares} if market in old else {}
        b = {s.holder: s.share for s in new[market].shares} if market in new else {}
        label = (new.get(market) or old[market]).label
        change = concentration_change(a, b, market=market, label=label)
        year = (new.get(market) or old[market]).year
        rows.append(
            {
                "market": market,
                "label": label,
                "year": year,
                "hhi_before": round(change.hhi_before, 2),
                "hhi_after": round(change.hhi_after, 2),
                "delta_hhi": round(change.delta, 2),
                "level_before": change.level_before,
                "level_after": change.level_after,
                "highly_concentrated": change.hhi_after > HIGHLY_CONCENTRATED,
                "significant_change": change.delta > SIGNIFICANT_CHANGE,
                "presumed_to_enhance_market_power": change.presumption,
                "shares_before": _shares(before, old.get(market)),
                "shares_after": _shares(after, new.get(market)),
                "basis": list(basis_of(*(m.basis for m in (old.get(market), new.get(market)) if m is not None))),
            }
        )
    return rows


def _merger_screens(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    parents: Sequence[str],
    C_before: nx.DiGraph,
    C_after: nx.DiGraph,
    supply: _Pair = (None, None),
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


def _screen_moved(screen: Mapping[str, Any]) -> bool:
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
        {"iri": s.holder, "label": s.label, "share": round(s.share, 4), "entities": _refs(G, s.entities)}
        for s in market.shares
    ]
