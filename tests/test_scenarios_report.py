"""The before/after report: hand-computed answers on a tiny graph, the shipped graph's stories, the JSON shape."""

from __future__ import annotations

import json

import pytest
from scenario_fixtures import ID, tiny_store

from stackgraph.scenarios import REPORT_SECTIONS, ScenarioBuilder, load_scenario, run_scenario, scenario_path
from stackgraph.scenarios.text import format_report
from stackgraph.store import KnowledgeStore


def _names(refs) -> list[str]:
    return [r["label"] for r in refs]


@pytest.fixture(scope="module")
def shipped() -> KnowledgeStore:
    return KnowledgeStore.with_shipped_graphs()


@pytest.fixture(scope="module")
def alpha_buys_beta():
    with ScenarioBuilder("Alpha buys Beta", as_of="2026-07-01") as plan:
        plan.acquire("Alpha", "Beta")
    return plan.run(tiny_store())


def test_groups_and_coverage(alpha_buys_beta) -> None:
    report = alpha_buys_beta.report
    assert _names(report["focus"]) == ["Alpha"]
    groups = {g["parent"]["label"]: g for g in report["groups"]}
    assert groups["Alpha"]["status"] == "changed"
    assert (groups["Alpha"]["size_before"], groups["Alpha"]["size_after"]) == (2, 4)
    assert _names(groups["Alpha"]["joined"]) == ["Beta", "Beta Devices"]
    assert groups["Beta"]["status"] == "absorbed" and _names(groups["Beta"]["absorbed_by"]) == ["Alpha"]
    [coverage] = report["coverage"]
    assert coverage["held_before"] == ["ai-models", "data-centers"]
    assert coverage["gained"] == ["devices", "terrestrial-ran"] and coverage["lost"] == []
    assert coverage["score_after"] > coverage["score_before"]


def test_ties_come_along(alpha_buys_beta) -> None:
    ties = {
        (t["member"]["label"], t["relation"], t["direction"], t["other"]["label"])
        for t in alpha_buys_beta.report["ties"]
    }
    assert ties == {
        ("Beta", "supplies", "in", "Sigma"),
        ("Beta", "invests_in", "in", "Sigma"),
        ("Beta", "partners_with", "out", "Sigma"),
        ("Beta", "controls", "out", "Gamma"),
        ("Beta Devices", "supplies", "out", "Rho"),
    }
    minority = next(t for t in alpha_buys_beta.report["ties"] if t["relation"] == "controls")
    assert minority["stake"] == 30.0


def test_vertical_exposure(alpha_buys_beta) -> None:
    exposure = alpha_buys_beta.report["vertical_exposure"]
    found = {
        (e["rival"]["label"], e["supplier"]["label"], tuple(e["shared_layers"]), e["new"])
        for e in exposure["exposures"]
    }
    assert found == {("Rho", "Beta Devices", ("terrestrial-ran",), True), ("Xi", "Alpha", ("terrestrial-ran",), True)}
    assert exposure["ended"] == []
    assert "vertical_exposure" in alpha_buys_beta.report["changed"]


def test_dependencies_unchanged_when_supplier_stays_outside(alpha_buys_beta) -> None:
    [deps] = alpha_buys_beta.report["dependencies"]
    assert (deps["before"], deps["after"], deps["added"], deps["removed"]) == (1, 1, [], [])
    assert "dependencies" not in alpha_buys_beta.report["changed"]


def test_hhi_and_delta_with_guideline_thresholds() -> None:
    with ScenarioBuilder("Beta buys Rho", as_of="2026-07-01") as plan:
        plan.acquire("Beta", "Rho")
    report = plan.run(tiny_store()).report
    [market] = report["concentration"]
    # before: 30² + 20² + 50² = 3800; after Beta+Rho = 50: 50² + 50² = 5000
    assert (market["hhi_before"], market["hhi_after"], market["delta_hhi"]) == (3800.0, 5000.0, 1200.0)
    assert market["highly_concentrated"] and market["significant_change"] and market["presumed_to_enhance_market_power"]
    assert [(s["label"], s["share"]) for s in market["shares_after"]] == [("Beta", 50.0), ("Xi", 50.0)]
    assert "concentration" in report["changed"]


def test_cut_supply_removes_dependency_and_chokepoint() -> None:
    with ScenarioBuilder("Sigma stops", as_of="2026-07-01") as plan:
        plan.cut_supply("Sigma", "Alpha").cut_supply("Sigma", "Beta")
    report = plan.run(tiny_store()).report
    alpha = next(d for d in report["dependencies"] if d["group"]["label"] == "Alpha")
    assert [(d["layer"], d["supplier"]["label"]) for d in alpha["removed"]] == [("accelerators", "Sigma")]
    assert alpha["after"] == 0
    assert "Sigma" in _names(c["supplier"] for c in report["chokepoints"]["removed"])


def test_acquire_then_divest_changes_nothing() -> None:
    with ScenarioBuilder("round trip", as_of="2026-07-01") as plan:
        plan.acquire("Alpha", "Beta").divest("Alpha", "Beta")
    report = plan.run(tiny_store()).report
    assert report["changed"] == []
    assert report["groups"] == [] and report["ties"] == []


def test_shipped_spacex_acquires_nokia(shipped) -> None:
    report = run_scenario(shipped, load_scenario(scenario_path("spacex-acquires-nokia"))).report
    spacex = next(c for c in report["coverage"] if c["group"]["label"] == "SpaceX")
    assert spacex["gained"] == ["terrestrial-ran"]
    assert "terrestrial-ran" not in spacex["held_before"]
    group = next(g for g in report["groups"] if g["parent"]["label"] == "SpaceX")
    assert _names(group["joined"]) == ["Nokia", "Nokia AI-RAN"]
    ties = {(t["relation"], t["direction"], t["other"]["label"], t["member"]["label"]) for t in report["ties"]}
    assert ("partners_with", "out", "Nvidia", "Nokia") in ties  # the AI-RAN partnership comes along
    assert ("invests_in", "in", "Nvidia", "Nokia") in ties  # Nokia's investor Nvidia is reported
    ai_ran = next(t for t in report["ties"] if t["relation"] == "partners_with")
    assert ai_ran["deal"] == ID + "deal-nvidia-nokia-ai-ran"
    ran = next(m for m in report["concentration"] if m["market"] == "terrestrial-ran")
    assert ran["hhi_before"] == ran["hhi_after"]  # SpaceX held no RAN share: no change in concentration
    text = format_report(report, "table")
    # labels, not keys: the tie reads from the member's side, the layer by its label
    assert "invested in by  Nvidia" in text and "<- invests_in <-" not in text
    assert "Terrestrial RAN" in text and "terrestrial-ran" not in text
    # each tie that comes along cites its quote
    assert 'Nokia invested in by Nvidia: "In October 2025, Nvidia invested $1 billion in Nokia' in text
    assert "coverage: the share of the stack's 15 layers a group holds, from 0 (none) to 1 (all)" in text
    # an unchanged market is said once, not as a "highly concentrated" line in every report
    assert "HHI unchanged in every market with known shares: Terrestrial RAN (editorial estimate)" in text
    assert "highly concentrated (HHI" not in text


def test_shipped_cursor_completes(shipped) -> None:
    report = run_scenario(shipped, load_scenario(scenario_path("cursor-deal-completes"))).report
    spacex = next(c for c in report["coverage"] if c["group"]["label"] == "SpaceX")
    assert spacex["gained"] == ["developer-tooling"]
    assert report["steps"][0]["superseded"] == [ID + "deal-spacex-cursor-talks"]
    assert report["steps"][0]["status"] == "completed"  # the step's real status, not "hypothetical"
    [step] = report["sections"][0]["rows"]
    assert [cell["text"] for cell in step][-1] == "completed"


def test_shipped_nvidia_cut(shipped) -> None:
    report = run_scenario(shipped, load_scenario(scenario_path("nvidia-cuts-spacex-supply"))).report
    spacex = next(d for d in report["dependencies"] if d["group"]["label"] == "SpaceX")
    assert [(d["layer"], d["supplier"]["label"]) for d in spacex["removed"]] == [("accelerators", "Nvidia")]
    assert spacex["single_source_before"] == ["accelerators"] and spacex["single_source_after"] == []
    # fewer dependencies is not the story: SpaceX has no accelerator supplier at all any more
    assert spacex["no_supplier_left"] == ["accelerators"]
    text = format_report(report, "table")
    assert "SpaceX: no supplier left for Accelerators, inside the group or outside it" in text
    assert "no supplier left  Accelerators  Nvidia" in text


def test_every_example_runs(shipped) -> None:
    for name in ("spacex-acquires-nokia", "cursor-deal-completes", "nvidia-cuts-spacex-supply", "combined"):
        report = run_scenario(shipped, load_scenario(scenario_path(name))).report
        assert report["changed"], name
        for fmt in ("table", "markdown"):
            assert report["scenario"]["name"] in format_report(report, fmt)


# The documented JSON shape (README "What-if scenarios"): top-level keys and each section's item keys.
SHAPE = {
    "top": ["schema", "scenario", "view", "layers", "steps", "focus", "changed", *REPORT_SECTIONS, "sections"],
    "view": ["statuses", "evidence", "undated", "basis_before", "basis_after"],
    "scenario": ["name", "slug", "description", "as_of", "graph", "source"],
    "steps": ["index", "kind", "summary", "status", "added", "superseded", "parties"],
    "groups": ["parent", "status", "size_before", "size_after", "joined", "left", "absorbed_by"],
    "coverage": [
        "group",
        "held_before",
        "held_after",
        "gained",
        "lost",
        "score_before",
        "score_after",
        "score_change",
        "depth_before",
        "depth_after",
        "depth_change",
        "chain_before",
        "chain_after",
    ],
    "ties": [
        "group",
        "member",
        "relation",
        "direction",
        "other",
        "other_in_group",
        "deal",
        "status",
        "input_layer",
        "amount",
        "currency",
        "stake",
        "purpose",
        "basis",
        "quotes",
        "sources",
    ],
    "dependencies": [
        "group",
        "before",
        "after",
        "added",
        "removed",
        "single_source_before",
        "single_source_after",
        "no_supplier_left",
    ],
    "dependency": ["layer", "supplier", "customers", "deals"],
    "chokepoints": ["top", "before", "after", "added", "removed", "changed"],
    "chokepoint": [
        "supplier",
        "rank_before",
        "rank_after",
        "dominated_before",
        "dominated_after",
        "articulation_before",
        "articulation_after",
    ],
    "centrality": ["measure", "top", "method", "moves", "groups", "error"],
    "move": ["entity", "rank_before", "rank_after", "change", "pagerank_before", "pagerank_after"],
    "group_centrality": ["group", "degree_before", "degree_after"],
    "vertical_exposure": ["exposures", "ended"],
    "exposure": ["group", "rival", "shared_layers", "supplier", "input_layer", "deal", "new"],
    "concentration": [
        "market",
        "label",
        "year",
        "hhi_before",
        "hhi_after",
        "delta_hhi",
        "level_before",
        "level_after",
        "highly_concentrated",
        "significant_change",
        "presumed_to_enhance_market_power",
        "shares_before",
        "shares_after",
        "basis",
    ],
    "share": ["iri", "label", "share", "entities"],
    "ref": ["iri", "label"],
    "merger_screen": ["group", "label", "parties", "flags", "markets"],
    "screen_market": ["market", "label", "year", "concerned", "why", "lines"],
    "screen_line": ["test", "subject", "before", "value", "formula", "result", "rests_on", "missing"],
    "evidence": ["kind", "ref", "text", "basis", "source"],
    "section": ["key", "title", "headers", "rows", "notes", "changed"],
    "cell": ["text", "tone"],
}


def test_json_shape_is_pinned(shipped) -> None:
    report = json.loads(run_scenario(shipped, load_scenario(scenario_path("combined"))).to_json())
    assert list(report) == SHAPE["top"]
    assert report["schema"] == "stackgraph.whatif/1"
    assert list(report["scenario"]) == SHAPE["scenario"]
    assert list(report["view"]) == SHAPE["view"] and report["view"]["undated"]["rule"] == "include"
    assert all(list(s) == SHAPE["steps"] for s in report["steps"])
    assert all(list(r) == SHAPE["ref"] for r in report["focus"])
    for section in ("groups", "coverage", "ties", "dependencies", "concentration"):
        assert report[section], section
        assert all(list(item) == SHAPE[section] for item in report[section]), section
    dependency = next(d for dep in report["dependencies"] for d in dep["removed"])
    assert list(dependency) == SHAPE["dependency"] and list(dependency["supplier"]) == SHAPE["ref"]
    assert list(report["chokepoints"]) == SHAPE["chokepoints"]
    assert all(list(c) == SHAPE["chokepoint"] for c in report["chokepoints"]["removed"])
    assert list(report["centrality"]) == SHAPE["centrality"]
    assert all(list(m) == SHAPE["move"] for m in report["centrality"]["moves"])
    assert all(list(g) == SHAPE["group_centrality"] for g in report["centrality"]["groups"])
    assert list(report["vertical_exposure"]) == SHAPE["vertical_exposure"]
    assert all(list(s) == SHAPE["share"] for s in report["concentration"][0]["shares_after"])
    assert report["merger_screens"] and all(list(s) == SHAPE["merger_screen"] for s in report["merger_screens"])
    markets = [m for s in report["merger_screens"] for m in s["markets"]]
    assert all(list(m) == SHAPE["screen_market"] for m in markets)
    assert all(list(line) == SHAPE["screen_line"] for m in markets for line in m["lines"])
    assert report["layers"]["terrestrial-ran"] == "Terrestrial RAN"
    assert [s["key"] for s in report["sections"]] == ["scenario", *REPORT_SECTIONS]
    assert all(list(s) == SHAPE["section"] for s in report["sections"])
    assert all(list(c) == SHAPE["cell"] for s in report["sections"] for row in s["rows"] for c in row)
    assert all(list(e) == SHAPE["evidence"] for m in markets for line in m["lines"] for e in line["rests_on"])
    assert set(report["changed"]) <= set(REPORT_SECTIONS)


def test_exposure_shape_on_tiny(alpha_buys_beta) -> None:
    exposures = alpha_buys_beta.report["vertical_exposure"]["exposures"]
    assert exposures and all(list(e) == SHAPE["exposure"] for e in exposures)


def test_group_degree_is_networkx_group_degree_centrality() -> None:
    """The report's group degree, read from the adjacency, equals NetworkX's on the undirected simple graph (on
    random multigraphs with deals both ways, parallel deals and self-ties)."""
    import random

    import networkx as nx

    from stackgraph.analysis.control import control_group
    from stackgraph.scenarios.report import group_degree

    rng = random.Random(7)
    for _ in range(40):
        G = nx.MultiDiGraph()
        nodes = [f"n{i}" for i in range(rng.randrange(3, 12))]
        G.add_nodes_from(nodes, kind="organization")
        for i in range(rng.randrange(0, 25)):
            u, v = rng.choice(nodes), rng.choice(nodes)
            relation = rng.choice(["acquires", "supplies", "invests_in", "partners_with"])
            G.add_edge(u, v, key=f"d{i}", relation=relation, status="completed", stake=None)
        parent = rng.choice(nodes)
        members = control_group(G, parent).member_ids()
        if len(members) >= len(G):
            expected = 0.0
        else:
            expected = nx.group_degree_centrality(nx.Graph(G.to_undirected(as_view=True)), members)
        assert group_degree(G, parent) == pytest.approx(expected, abs=0, rel=1e-15)
