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

``layers``             every layer key with its label
``sections``           the report as worded for readers (:mod:`stackgraph.scenarios.sections`): title, headers,
                       rows of ``{"text", "tone"}``, notes, ``changed``; text, Markdown and HTML render these

Entities appear as ``{"iri", "label"}``; layers by key (``terrestrial-ran``; ``layers`` gives their labels). Each
step carries the ``status`` it gives its deals (``None``: hypothetical, in effect in the "after" view); each tie
that comes along its ``basis``, ``quotes`` and ``sources``; each dependency entry ``no_supplier_left`` (input layers
with a supplier before and none after, inside the group or outside).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.analysis import graph_basis
from stackgraph.analysis.concentration import HIGHLY_CONCENTRATED, SIGNIFICANT_CHANGE
from stackgraph.analysis.control import control_graph, ultimate_parents
from stackgraph.analysis.dependencies import supply_graph
from stackgraph.scenarios._refs import entity_label
from stackgraph.scenarios._report_groups import compare_coverage, compare_dependencies, compare_groups, ties_along
from stackgraph.scenarios._report_markets import (
    compare_concentration,
    compare_exposure,
    compare_screens,
    screen_moved,
)
from stackgraph.scenarios._report_network import compare_centrality, compare_chokepoints, group_degree
from stackgraph.scenarios.model import Scenario
from stackgraph.scenarios.sections import report_sections

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
        "layers": _layer_labels(before, after),
        "steps": [effect.to_dict() for effect in overlay.effects],
        **report,
    }
    # the report as worded for readers: the same model the text, Markdown and HTML renderings read
    report["sections"] = [section.to_dict() for section in report_sections(report)]
    return WhatIf(overlay, before, after, report)


# ---------------------------------------------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------------------------------------------


def _layer_labels(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> dict[str, str]:
    """Every layer key of both views with its label (the report names layers by key; its text by label)."""
    layers = {**before.graph.get("layers", {}), **after.graph.get("layers", {})}
    return {key: str(layers[key].get("label") or key) for key in sorted(layers)}


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
        "basis_before": list(graph_basis(before)),
        "basis_after": list(graph_basis(after)),
    }


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
    groups = compare_groups(before, after, C_before, C_after)
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
    coverage = compare_coverage(before, after, covered, C_before, C_after)
    sections: dict[str, Any] = {
        "focus": [entity_label(before, after, p) for p in parents],
        "groups": groups,
        "coverage": coverage,
        "ties": ties_along(after, groups, C_after),
        "dependencies": compare_dependencies(before, after, parents, **shared),
        "chokepoints": compare_chokepoints(before, after, **shared),
        "centrality": compare_centrality(before, after, top, parents, C_before, C_after),
        "vertical_exposure": compare_exposure(before, after, parents, C_before, C_after),
        "concentration": compare_concentration(before, after, control=shared["control"]),
        "merger_screens": compare_screens(before, after, parents, C_before, C_after, supply=shared["supply"]),
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
            moved = any(len(screen["parties"]) > 1 or screen_moved(screen) for screen in value)
        else:
            moved = bool(value)
        if moved:
            changed.append(name)
    return {"focus": sections.pop("focus"), "changed": changed, **sections}
