"""Property tests on random small graphs: the baseline never changes, acquire+divest restores every metric (the
merger screens, ownership and centrality ranks included), an acquisition never lowers the acquirer's coverage."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scenario_fixtures import ID, random_graph_turtle, random_store

from stackgraph.analysis.centrality import centrality
from stackgraph.analysis.control import control_graph, control_group, ultimate_parents
from stackgraph.analysis.owners import entity_ownership, ownership_analysis
from stackgraph.errors import ScenarioError
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.scenarios import ScenarioBuilder, apply_scenario, parse_scenario, run_scenario

AS_OF = "2026-07-01"
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def graphs(draw, max_orgs: int = 7):
    n_orgs = draw(st.integers(3, max_orgs))
    n_deals = draw(st.integers(2, 3 * n_orgs))
    return n_orgs, random_graph_turtle(lambda lo, hi: draw(st.integers(lo, hi)), n_orgs, n_deals)


def _quads(store) -> list[str]:
    return sorted(str(q) for q in store.raw.quads_for_pattern(None, None, None))


@st.composite
def steps(draw, n_orgs: int):
    org = st.integers(0, n_orgs - 1).map(lambda i: f"Org {i}")
    kind = draw(st.sampled_from(["acquire", "divest", "invest", "partner", "add-supply", "cut-supply"]))
    a, b = draw(org), draw(org)
    if kind == "acquire":
        return {"kind": kind, "acquirer": a, "target": b, "stake": draw(st.sampled_from([30, 60, 100]))}
    if kind == "divest":
        return {"kind": kind, "holder": a, "target": b}
    if kind == "invest":
        return {"kind": kind, "investor": a, "investee": b}
    if kind == "partner":
        return {"kind": kind, "partners": [a, b]}
    return {"kind": kind, "supplier": a, "customer": b}


@SETTINGS
@given(data=st.data())
def test_baseline_unchanged_by_any_scenario(data) -> None:
    n_orgs, turtle = data.draw(graphs())
    store = random_store(turtle)
    before, names = _quads(store), store.graph_names()
    scenario_steps = data.draw(st.lists(steps(n_orgs), min_size=1, max_size=4))
    try:
        scenario = parse_scenario({"name": "random", "as_of": AS_OF, "steps": scenario_steps})
        apply_scenario(store, scenario)
    except ScenarioError:
        pass  # invalid steps are refused; the baseline must still be untouched
    assert _quads(store) == before
    assert store.graph_names() == names


def _free_pair(G, acquirer: str, target: str, store) -> bool:
    """The acquisition is possible and leaves nothing behind once divested: the target has no controller (whose
    control an acquisition ends for good), is outside the acquirer's group and above it, and the acquirer has no
    earlier acquisition deal of it (which a new acquisition supersedes). Any other deal between the two --
    investments, supplies, partnerships, minority ownerships -- is allowed and must survive the round trip."""
    C = control_graph(G)
    if acquirer == target or C.in_degree(target) or target in control_group(G, acquirer, control=C).member_ids():
        return False
    if target in ultimate_parents(G, acquirer, control=C):
        return False
    earlier = "SELECT ?d ?a ?t WHERE { ?d a sg:Acquisition ; sg:acquirer ?a ; sg:target ?t }"
    return not store.select(earlier, {"a": acquirer, "t": target}, graphs=None)


@SETTINGS
@given(data=st.data())
def test_acquire_then_divest_restores_every_metric(data) -> None:
    n_orgs, turtle = data.draw(graphs())
    store = random_store(turtle)
    G = project(store, ProjectionPolicy(as_of=AS_OF, undated="include"))  # as the scenarios see it
    a, t = data.draw(st.integers(0, n_orgs - 1)), data.draw(st.integers(0, n_orgs - 1))
    assume(_free_pair(G, f"{ID}org{a}", f"{ID}org{t}", store))
    with ScenarioBuilder("round trip", as_of=AS_OF) as plan:
        plan.acquire(f"Org {a}", f"Org {t}").divest(f"Org {a}", f"Org {t}")
    result = plan.run(store)
    assert result.report["changed"] == []
    assert sorted(result.before.edges(keys=True)) == sorted(
        (u, v, k) for u, v, k in result.after.edges(keys=True) if not k.startswith(f"{ID}scenario-")
    )


@SETTINGS
@given(data=st.data())
def test_an_acquisition_never_lowers_the_acquirers_coverage(data) -> None:
    n_orgs, turtle = data.draw(graphs())
    store = random_store(turtle)
    a, t = data.draw(st.integers(0, n_orgs - 1)), data.draw(st.integers(0, n_orgs - 1))
    stake = data.draw(st.sampled_from([51, 100]))
    scenario = parse_scenario(
        {
            "name": "buy",
            "as_of": AS_OF,
            "steps": [{"kind": "acquire", "acquirer": f"Org {a}", "target": f"Org {t}", "stake": stake}],
        }
    )
    try:
        result = run_scenario(store, scenario)
    except ScenarioError:
        assume(False)
        return
    parent = ultimate_parents(result.after, f"{ID}org{a}")[0]
    coverage = next(c for c in result.report["coverage"] if c["group"]["iri"] == parent)
    assert coverage["score_after"] >= coverage["score_before"]
    assert set(coverage["held_before"]) <= set(coverage["held_after"])
    assert coverage["depth_after"] >= coverage["depth_before"]
    assert f"{ID}org{t}" in control_group(result.after, parent).member_ids()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_acquire_then_divest_restores_every_new_figure(data) -> None:
    """The figures of issue #12 come back too: merger screens (no figure moves, one party), integrated ownership
    and every test on it, and the dense centrality ranks."""
    n_orgs, turtle = data.draw(graphs())
    store = random_store(turtle)
    G = project(store, ProjectionPolicy(as_of=AS_OF, undated="include"))  # as the scenarios see it
    a, t = data.draw(st.integers(0, n_orgs - 1)), data.draw(st.integers(0, n_orgs - 1))
    assume(_free_pair(G, f"{ID}org{a}", f"{ID}org{t}", store))
    stake = data.draw(st.sampled_from([30, 60, 100]))
    with ScenarioBuilder("round trip", as_of=AS_OF) as plan:
        plan.acquire(f"Org {a}", f"Org {t}", stake=stake).divest(f"Org {a}", f"Org {t}")
    result = plan.run(store)
    assert "merger_screens" not in result.report["changed"]
    for screen in result.report["merger_screens"]:
        assert len(screen["parties"]) == 1
        for market in screen["markets"]:
            for line in market["lines"]:
                assert line["before"] is None or line["value"] is None or line["before"] == line["value"], line
                assert line["test"] != "delta_hhi" or line["value"] == 0
    before, after = result.before, result.after
    assert ownership_analysis(before).to_dict() == ownership_analysis(after).to_dict()
    for node in (f"{ID}org{a}", f"{ID}org{t}"):
        assert entity_ownership(before, node).to_dict() == entity_ownership(after, node).to_dict()
    ranks_before, ranks_after = centrality(before), centrality(after)
    for measure in ("pagerank", "betweenness", "degree"):
        assert ranks_before.dense_rank(measure) == ranks_after.dense_rank(measure)


def test_divesting_what_was_just_acquired_keeps_the_earlier_investment() -> None:
    """Nvidia invested $1B in Nokia; acquiring Nokia and divesting it again must leave that investment in place."""
    from stackgraph.store import KnowledgeStore

    with ScenarioBuilder("round trip", as_of=AS_OF) as plan:
        plan.acquire("Nvidia", "Nokia").divest("Nvidia", "Nokia")
    result = plan.run(KnowledgeStore.with_shipped_graphs())
    assert result.report["changed"] == []
    nvidia, nokia = f"{ID}Nvidia", f"{ID}Nokia"
    before = {d["relation"] for d in result.before.get_edge_data(nvidia, nokia, default={}).values()}
    after = {d["relation"] for d in result.after.get_edge_data(nvidia, nokia, default={}).values()}
    assert "invests_in" in before and after == before
    assert result.overlay.effects[1].summary == "Nvidia divests Nokia (1 deal ended)"
