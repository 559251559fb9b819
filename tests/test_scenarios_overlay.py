"""Overlay semantics: one scenario graph on a copy; hypothetical deals from a scenario source; supersedes; checks."""

from __future__ import annotations

import gc
import hashlib

import pytest
from scenario_fixtures import ID, tiny_store

from stackgraph.errors import ScenarioError
from stackgraph.resources import scenario_examples_dir, shipped_graph_paths
from stackgraph.scenarios.model import load_scenario, parse_scenario
from stackgraph.scenarios.overlay import apply_scenario, controlled_by
from stackgraph.store import DERIVED_GRAPH, KnowledgeStore, file_graph_iri
from stackgraph.validation import validate

SG = "https://w3id.org/stackgraph/ns#"


def _run(store, *steps, as_of="2026-07-01"):
    return apply_scenario(store, parse_scenario({"name": "T", "as_of": as_of, "steps": list(steps)}))


def _quads(store, *, engine=False):
    """The store's quads: of its own graphs and derived graph, or (``engine``) every quad its engine holds."""
    mine = {*store.graph_names(), DERIVED_GRAPH}
    quads = store.raw.quads_for_pattern(None, None, None)
    return sorted(str(q) for q in quads if engine or q.graph_name.value in mine)


def _edges(G):
    return {(u.removeprefix(ID), v.removeprefix(ID), d["relation"]) for u, v, d in G.edges(data=True)}


def test_baseline_store_and_files_unchanged() -> None:
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in shipped_graph_paths()}
    store = KnowledgeStore.with_shipped_graphs()
    store.ensure_derived()
    before = _quads(store, engine=True)
    graphs = store.graph_names()
    overlay = apply_scenario(store, load_scenario(scenario_examples_dir() / "combined.toml"))
    # the overlay shares the store's engine (a branch): the store's graphs are untouched, and the overlay's own
    # graphs go with the overlay
    assert _quads(store) == before
    assert store.graph_names() == graphs
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in shipped_graph_paths()} == digests
    assert overlay.store.graph_names() == sorted([*graphs, overlay.graph_iri])
    assert overlay.graph_iri == "urn:stackgraph:graph:scenario-combined"
    assert not store.query(f"ASK {{ ?deal prov:wasDerivedFrom <{overlay.scenario.source_iri}> }}")
    del overlay
    gc.collect()
    assert _quads(store, engine=True) == before


def test_acquire_adds_one_hypothetical_deal_from_the_scenario() -> None:
    store = tiny_store()
    overlay = _run(store, {"kind": "acquire", "acquirer": "Alpha", "target": "Beta", "price": 10, "date": "2026-06"})
    deal = overlay.effects[0].added[0]
    rows = overlay.store.select(
        """SELECT ?deal ?status ?source ?type ?stake ?amount ?currency ?date WHERE {
             ?deal sg:status ?status ; prov:wasDerivedFrom ?source ; sg:stakePercent ?stake ; sg:amount ?amount ;
                   sg:currency ?currency ; sg:effectiveDate ?date . ?source a ?type }""",
        {"deal": deal},
        graphs=[overlay.graph_iri],
    )
    assert rows == [
        {
            "deal": deal,
            "status": SG + "Hypothetical",
            "source": overlay.scenario.source_iri,
            "type": SG + "ScenarioSource",
            "stake": 100.0,
            "amount": 10.0,
            "currency": "USD",
            "date": "2026-06",
        }
    ]
    after = overlay.project()
    before = overlay.project(after=False)
    assert ("A", "B", "acquires") in _edges(after) and ("A", "B", "acquires") not in _edges(before)
    assert after.edges[ID + "A", ID + "B", deal]["scenario"] is True
    # the target's subsidiaries come along through control closure
    assert set(controlled_by(after, ID + "A")) == {ID + "A1", ID + "B", ID + "B1"}


def test_acquire_supersedes_talks_and_ends_previous_owner() -> None:
    store = tiny_store()
    overlay = _run(store, {"kind": "acquire", "acquirer": "Alpha", "target": "Delta"})
    assert overlay.effects[0].superseded == (ID + "d-a-d-talks",)
    overlay = _run(store, {"kind": "acquire", "acquirer": "Alpha", "target": "Beta Devices"})
    after = overlay.project()
    assert ID + "d-b-b1" in overlay.effects[0].superseded
    assert ("B", "B1", "acquires") not in _edges(after)
    assert set(controlled_by(after, ID + "B")) == set()
    assert set(controlled_by(after, ID + "A")) == {ID + "A1", ID + "B1"}


def test_divest_restores_and_cut_supply_and_set_status() -> None:
    store = tiny_store()
    overlay = _run(
        store,
        {"kind": "acquire", "acquirer": "Alpha", "target": "Beta"},
        {"kind": "divest", "holder": "Alpha", "target": "Beta"},
        {"kind": "cut-supply", "supplier": "Sigma", "customer": "Alpha"},
        {"kind": "set-status", "deal": "Alpha in talks for Delta", "status": "completed"},
    )
    after = _edges(overlay.project())
    before = _edges(overlay.project(after=False))
    assert ("A", "B", "acquires") not in after
    assert ("S", "A", "supplies") in before and ("S", "A", "supplies") not in after
    assert ("A", "D", "acquires") in after and ("A", "D", "acquires") not in before
    assert before - after == {("S", "A", "supplies")}
    assert after - before == {("A", "D", "acquires")}


def test_set_status_to_a_status_not_in_effect_ends_the_deal() -> None:
    store = tiny_store()
    overlay = _run(
        store, {"kind": "set-status", "type": "supply", "parties": ["Sigma", "Alpha"], "status": "terminated"}
    )
    assert ("S", "A", "supplies") not in _edges(overlay.project())


def test_invest_partner_add_supply() -> None:
    store = tiny_store()
    overlay = _run(
        store,
        {"kind": "invest", "investor": "Rho", "investee": "Gamma", "amount": 3},
        {"kind": "partner", "partners": ["Rho", "Xi", "Delta"], "purpose": "alliance"},
        {"kind": "add-supply", "supplier": "Gamma", "customer": "Rho", "layer": "Chip fabrication"},
    )
    added = _edges(overlay.project()) - _edges(overlay.project(after=False))
    assert added == {
        ("R", "C", "invests_in"),
        ("R", "X", "partners_with"),
        ("X", "R", "partners_with"),
        ("R", "D", "partners_with"),
        ("D", "R", "partners_with"),
        ("X", "D", "partners_with"),
        ("D", "X", "partners_with"),
        ("C", "R", "supplies"),
    }
    supply = overlay.effects[2].added[0]
    assert overlay.project().edges[ID + "C", ID + "R", supply]["input_layer"] == "chip-fabrication"


def test_sparql_update_writes_only_the_scenario_graph() -> None:
    store = tiny_store()
    update = """INSERT { ?new a sg:Supply ; sg:supplier ?s ; sg:customer sgid:R ; sg:inputLayer sg:Accelerators }
                WHERE { ?s rdfs:label "Sigma" . BIND(sgid:scenario-extra AS ?new) }"""
    overlay = _run(store, {"kind": "sparql-update", "update": update})
    assert ("S", "R", "supplies") in _edges(overlay.project())
    rows = overlay.store.select(
        "SELECT ?status ?source WHERE { sgid:scenario-extra sg:status ?status ; prov:wasDerivedFrom ?source }",
        graphs=[overlay.graph_iri],
    )
    assert rows == [{"status": SG + "Hypothetical", "source": overlay.scenario.source_iri}]
    assert overlay.effects[0].added == (ID + "scenario-extra",)


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }", "GRAPH <urn:x> writes a named graph"),
        ("WITH <urn:stackgraph:graph:tiny> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH <urn:stackgraph:graph:tiny>"),
        ("DROP ALL", "DROP manages whole graphs"),
        ("LOAD <http://example.org/x.ttl>", "LOAD would fetch <http://example.org/x.ttl> from the network"),
        ("DELETE WHERE { sgid:A rdfs:label ?l }", "deletes 1 triple"),
        ("INSERT DATA { sgid:A rdfs:label 'x' ", "SPARQL syntax error"),
    ],
)
def test_sparql_update_rejects_touching_other_graphs(update, message) -> None:
    store = tiny_store()
    before = _quads(store)
    with pytest.raises(ScenarioError, match=r"step 1 \(sparql-update\), field 'update': .*" + message):
        _run(store, {"kind": "sparql-update", "update": update})
    assert _quads(store) == before


def test_sparql_update_keywords_inside_strings_are_fine() -> None:
    overlay = _run(
        tiny_store(), {"kind": "sparql-update", "update": "INSERT DATA { sgid:A sg:description 'DROP GRAPH' }"}
    )
    assert overlay.effects[0].summary == "SPARQL update: 1 triple(s) added, 0 removed"


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            {"kind": "acquire", "acquirer": "Alfa", "target": "Beta"},
            r"step 1 \(acquire\), field 'acquirer': unknown entity 'Alfa'; did you mean 'Alpha'",
        ),
        (
            {"kind": "acquire", "acquirer": "Alpha", "target": "alpha"},
            r"step 1 \(acquire\), field 'target': self-acquisition",
        ),
        (
            {"kind": "acquire", "acquirer": "Alpha", "target": "Alpha Cloud"},
            r"field 'target': Alpha already controls Alpha Cloud \(directly\)",
        ),
        (
            {"kind": "acquire", "acquirer": "Pat", "target": "Beta"},
            r"field 'acquirer': 'Pat' is a person, not an organisation",
        ),
        (
            {"kind": "acquire", "acquirer": "Alpha Cloud", "target": "Alpha"},
            r"field 'target': Alpha controls Alpha Cloud; acquiring it would make a control cycle",
        ),
        (
            {"kind": "divest", "holder": "Alpha", "target": "Beta"},
            r"step 1 \(divest\), field 'target': divest of something not held: Alpha holds no stake in Beta",
        ),
        (
            {"kind": "cut-supply", "supplier": "Sigma", "customer": "Rho"},
            r"step 1 \(cut-supply\), field 'supplier': Sigma does not supply to Rho",
        ),
        (
            {"kind": "cut-supply", "supplier": "Sigma", "customer": "Alpha", "layer": "devices"},
            "Sigma does not supply devices to Alpha",
        ),
        (
            {"kind": "add-supply", "supplier": "Sigma", "customer": "Alpha", "layer": "quantum"},
            r"field 'layer': unknown layer 'quantum'",
        ),
        (
            {"kind": "set-status", "deal": "no-such-deal", "status": "completed"},
            r"step 1 \(set-status\), field 'deal': unknown deal",
        ),
        (
            {"kind": "set-status", "type": "acquisition", "parties": ["Sigma", "Rho"], "status": "completed"},
            "field 'parties': no acquisition deal between Sigma and Rho",
        ),
        ({"kind": "invest", "investor": "Rho", "investee": "Rho"}, "field 'investee': Rho cannot invest in itself"),
        (
            {"kind": "add-supply", "supplier": "Sigma", "customer": "Sigma"},
            r"step 1 \(add-supply\), field 'customer': Sigma cannot supply itself",
        ),
    ],
)
def test_semantic_errors_name_step_and_field(step, message) -> None:
    store = tiny_store()
    before = _quads(store)
    with pytest.raises(ScenarioError, match=message):
        _run(store, step)
    assert _quads(store) == before


def test_errors_checked_against_earlier_steps() -> None:
    store = tiny_store()
    with pytest.raises(
        ScenarioError, match=r"step 2 \(acquire\), field 'target': Alpha already controls Beta Devices \(through Beta\)"
    ):
        _run(
            store,
            {"kind": "acquire", "acquirer": "Alpha", "target": "Beta"},
            {"kind": "acquire", "acquirer": "Alpha", "target": "Beta Devices"},
        )
    held = r"step 2 \(divest\), field 'target': Alpha does not hold Beta Devices directly \(it is held through Beta\)"
    with pytest.raises(ScenarioError, match=held):
        _run(
            store,
            {"kind": "acquire", "acquirer": "Alpha", "target": "Beta"},
            {"kind": "divest", "holder": "Alpha", "target": "Beta Devices"},
        )


def test_same_scenario_twice_is_refused() -> None:
    store = tiny_store()
    overlay = _run(store, {"kind": "invest", "investor": "Rho", "investee": "Xi"})
    with pytest.raises(ScenarioError, match="already holds a scenario graph"):
        _run(overlay.store, {"kind": "invest", "investor": "Rho", "investee": "Xi"})


def test_saved_scenario_graph_validates_with_the_baseline(tmp_path) -> None:
    store = KnowledgeStore.with_shipped_graphs()
    overlay = apply_scenario(store, load_scenario(scenario_examples_dir() / "combined.toml"))
    saved = tmp_path / "out.ttl"
    saved.write_bytes(overlay.turtle())
    reloaded = KnowledgeStore.with_shipped_graphs([saved])
    report = validate(reloaded)
    assert report.conforms, report.summary() + "\n" + "\n".join(str(v) for v in report.violations)
    assert file_graph_iri(saved) in reloaded.graph_names()


def test_the_after_view_shares_what_the_scenario_leaves_alone_with_the_before_view() -> None:
    from stackgraph.projection import project

    overlay = _run(tiny_store(), {"kind": "acquire", "acquirer": "Alpha", "target": "Beta"})
    before, after = overlay.project(after=False), overlay.project()
    fresh = project(overlay.store, overlay.policy(), graphs=list(overlay.after_graphs))
    assert dict(after.nodes(data=True)) == dict(fresh.nodes(data=True))
    assert sorted(after.edges(keys=True, data=True), key=repr) == sorted(fresh.edges(keys=True, data=True), key=repr)
    edges = after.edges(keys=True, data=True)
    shared = [k for u, v, k, d in edges if before.has_edge(u, v, k) and before[u][v][k] is d]
    assert shared and len(shared) < after.number_of_edges()  # the scenario's own deal has a dict of its own
    assert all(after.nodes[n] is before.nodes[n] for n in before if n in after and after.nodes[n] == before.nodes[n])
