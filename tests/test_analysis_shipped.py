"""The analysis on the shipped AI-stack graph: the facts issues #3 and #12 pin ("the shipped graph reads right")."""

from __future__ import annotations

import pytest

from stackgraph.analysis import centrality, chokepoints, control_groups, dependencies, dependents, group_coverage
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.scenarios import load_scenario, run_scenario, scenario_path
from stackgraph.store import KnowledgeStore

ID = "https://w3id.org/stackgraph/id/"


@pytest.fixture(scope="module")
def store() -> KnowledgeStore:
    return KnowledgeStore.with_shipped_graphs()


def names(iris) -> set[str]:
    return {iri.removeprefix(ID) for iri in iris}


def test_the_baseline_spacex_group(store: KnowledgeStore) -> None:
    G = project(store)
    (group,) = [g for g in control_groups(G).groups if g.parent == ID + "SpaceX"]
    assert names(group.member_ids()) == {"SpaceX", "Starlink", "xAI", "Grok", "Terafab"}  # not Cursor, not Nokia
    assert {m.entity: m.depth for m in group.members}[ID + "Grok"] == 2  # through xAI


def test_the_baseline_spacex_coverage(store: KnowledgeStore) -> None:
    coverage = group_coverage(project(store), "SpaceX")
    held = set(coverage.held)
    assert {"satellite-broadband", "ai-models", "chip-fabrication"} <= held
    assert not {"terrestrial-ran", "developer-tooling"} & held


def test_nvidia_is_an_external_dependency_for_accelerators(store: KnowledgeStore) -> None:
    report = dependencies(project(store), "SpaceX")
    by_layer = {d.layer: names(s.entity for s in d.suppliers) for d in report.external}
    assert "Nvidia" in by_layer["accelerators"]
    assert ID + "SpaceX" in {d.entity for d in dependents(project(store), "Nvidia").dependents}
    assert ID + "Nvidia" in {c.entity for c in chokepoints(project(store)).rows}


def test_with_in_talks_deals_cursor_joins_and_developer_tooling_is_covered(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(statuses={"completed", "active", "in-talks"}))
    coverage = group_coverage(G, "SpaceX")
    assert "Cursor" in names(coverage.members)
    assert "developer-tooling" in coverage.held
    assert "Nokia" not in names(coverage.members)  # hypothetical, still not counted


def test_with_hypothetical_deals_nokia_and_terrestrial_ran_join(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(statuses={"completed", "active", "hypothetical"}))
    coverage = group_coverage(G, "SpaceX")
    assert "Nokia" in names(coverage.members) and "terrestrial-ran" in coverage.held


def test_nvidia_is_the_central_supplier_and_no_leaf_product_ranks_first(store: KnowledgeStore) -> None:
    """Issue #12: on the shipped graph Grok, a leaf product, ranked first and Nvidia fourth."""
    report = centrality(project(store))
    first = report.rank("pagerank", top=1)[0]
    assert first.entity == ID + "Nvidia" and first.ranks["pagerank"] == 1
    grok = report.row(ID + "Grok")
    assert grok.ranks["pagerank"] > 1
    assert chokepoints(project(store)).rows[0].entity == ID + "Nvidia"


def test_the_spacex_nokia_screen_reports_foreclosure_and_dependence_with_what_is_missing(store) -> None:
    result = run_scenario(store, load_scenario(scenario_path("spacex-acquires-nokia")))
    (screen,) = [s for s in result.report["merger_screens"] if s["label"] == "SpaceX"]
    assert screen["parties"] == ["SpaceX group", "Nokia group"]
    markets = {m["market"]: m for m in screen["markets"]}
    lines = {(m, line["test"]): line for m, market in markets.items() for line in market["lines"]}
    # the shares it has: Nokia 19 % of terrestrial RAN, an HHI of 2,116, outside the EU safe harbour
    assert lines[("terrestrial-ran", "share")]["value"] == 19.0
    assert lines[("terrestrial-ran", "hhi")]["value"] == 2116.0
    assert lines[("terrestrial-ran", "eu_safe_harbour")]["result"] == "outside"
    assert markets["terrestrial-ran"]["concerned"] and markets["ai-models"]["concerned"]
    # foreclosure of AI models (xAI, Grok) for Nokia's RAN rivals: the shares and ties it would need are missing
    foreclosure = lines[("ai-models", "foreclosure_share")]
    assert foreclosure["result"] == "cannot tell" and "the merged group's share of AI models" in foreclosure["missing"]
    silent = lines[("ai-models", "input_dependence")]
    assert "Ericsson, Huawei, Samsung Electronics, ZTE" in silent["formula"]
    # the group's own dependence on Nvidia, with Nvidia's ties to Nokia that come along
    nvidia = lines[("accelerators", "group_dependence")]
    assert (nvidia["value"], nvidia["result"]) == (1.0, "single source")
    assert "Nvidia invests in Nokia (USD 1 billion); Nvidia partners with Nokia" in nvidia["formula"]
    assert "Nvidia's share of Accelerators" in nvidia["missing"]
    text = result.format("table")
    assert "Merger screens (per market the deal touches)" in text and "AI models missing:" in text
