"""The projection from the store to NetworkX: contract attributes, policy (statuses, as-of, supersedes, scenarios),
role properties through sub-properties, graphs, and name lookup. Tiny Turtle fixtures, loaded through the store."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.projection import (
    DEFAULT_STATUSES,
    STATUS_KEYS,
    ProjectionPolicy,
    parse_date,
    parse_statuses,
    project,
    resolve_entity,
)
from stackgraph.store import KnowledgeStore

ID = "https://w3id.org/stackgraph/id/"
PREFIXES = """
@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix src: <https://w3id.org/stackgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <http://example.org/> .
"""

DEALS = (
    PREFIXES
    + """
src:article a sg:Source ; dcterms:title "The article" .
src:whatif a sg:ScenarioSource ; dcterms:title "What if" .

sgid:Acme a sg:Organization ; rdfs:label "Acme" ; sg:alias "Acme Corp" ; sg:inLayer sg:AIModels, sg:Software .
sgid:Beta a sg:Organization ; rdfs:label "Beta \\"B\\"\\tInc" ; sg:inLayer sg:Accelerators .
sgid:Gamma a sg:Organization ; rdfs:label "Gamma" .
sgid:Widget a sg:Product ; rdfs:label "Widget" ; sg:inLayer sg:AIModels .
sgid:Musk a sg:Person ; rdfs:label "Elon" .
sgid:Fab a sg:Facility ; rdfs:label "Fab" .

sgid:buy a sg:Acquisition ; sg:acquirer sgid:Acme ; sg:target sgid:Gamma ; sg:status sg:Completed ;
    sg:announcedDate "2024-01-05"^^xsd:date ; sg:effectiveDate "2024-03"^^xsd:gYearMonth ;
    sg:amount "2500000000"^^xsd:decimal ; sg:currency "USD" ; sg:stakePercent "80"^^xsd:decimal ;
    sg:purpose "to grow" ;
    prov:wasDerivedFrom src:article ;
    prov:qualifiedDerivation [ a sg:Evidence ; prov:entity src:article ; sg:quote "Acme bought Gamma." ] .
sgid:supply a sg:Supply ; sg:supplier sgid:Beta ; sg:customer sgid:Acme ; sg:status sg:Active ;
    sg:inputLayer sg:Accelerators ; prov:wasDerivedFrom src:article .
sgid:partner a sg:Partnership ; sg:partner sgid:Acme, sgid:Beta ; sg:status sg:Active .
sgid:develop a sg:Development ; sg:developer sgid:Acme ; sg:product sgid:Widget ; sg:status sg:Active .
sgid:own a sg:Ownership ; sg:owner sgid:Musk ; sg:owned sgid:Fab ; sg:status sg:Active ;
    sg:stakePercent "40"^^xsd:decimal .
sgid:invest a sg:Investment ; sg:investor sgid:Beta ; sg:investee sgid:Gamma ; sg:status sg:Completed ;
    sg:effectiveDate "2025-10"^^xsd:gYearMonth .
sgid:talks a sg:Acquisition ; sg:acquirer sgid:Acme ; sg:target sgid:Beta ; sg:status sg:InTalks ;
    sg:announcedDate "2025"^^xsd:gYear .
sgid:maybe a sg:Acquisition ; sg:acquirer sgid:Beta ; sg:target sgid:Acme ; sg:status sg:Hypothetical .
sgid:old a sg:Supply ; sg:supplier sgid:Gamma ; sg:customer sgid:Beta ; sg:status sg:Completed ;
    sg:effectiveDate "2010"^^xsd:gYear ; sg:endDate "2020-06"^^xsd:gYearMonth .
sgid:ipo a sg:PublicOffering ; sg:issuer sgid:Acme ; sg:status sg:Completed .

sgid:share-a a sg:MarketPosition ; sg:holder sgid:Acme ; sg:market sg:AIModels ; sg:year "2024"^^xsd:gYear ;
    sg:sharePercent "40"^^xsd:decimal ; prov:wasDerivedFrom src:article .
sgid:share-b a sg:MarketPosition ; sg:holder sgid:Beta ; sg:market sg:AIModels ; sg:year "2030"^^xsd:gYear ;
    sg:sharePercent "10"^^xsd:decimal .
"""
)


def store_with(*texts: str) -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    for i, text in enumerate(texts):
        store.load_data(text, f"urn:stackgraph:graph:fixture{i}")
    return store


@pytest.fixture(scope="module")
def store() -> KnowledgeStore:
    return store_with(DEALS)


def edges_of(G: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u.removeprefix(ID), v.removeprefix(ID), k.removeprefix(ID)) for u, v, k in G.edges(keys=True)}


def test_nodes_carry_the_contract_attributes(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(as_of="2025-12-31"))
    acme = G.nodes[ID + "Acme"]
    assert acme == {
        "label": "Acme",
        "kind": "organization",
        "layers": ("ai-models", "software"),
        "iri": ID + "Acme",
        "aliases": ("Acme Corp",),
    }
    assert {G.nodes[ID + n]["kind"] for n in ("Widget", "Musk", "Fab")} == {"product", "person", "facility"}
    assert G.nodes[ID + "Beta"]["label"] == 'Beta "B"\tInc'  # escapes in literals are decoded


def test_edges_carry_the_deal_attributes(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(as_of="2025-12-31", undated="include"))  # the supply and others are undated
    data = G.edges[ID + "Acme", ID + "Gamma", ID + "buy"]
    assert data == {
        "relation": "acquires",
        "status": "completed",
        "announced": "2024-01-05",
        "effective": "2024-03",
        "ended": None,
        "amount": 2.5e9,
        "currency": "USD",
        "stake": 80.0,
        "input_layer": None,
        "purpose": "to grow",
        "deal": ID + "buy",
        "quotes": ("Acme bought Gamma.",),
        "sources": ("The article",),
        "source_iris": ("https://w3id.org/stackgraph/source/article",),
        "scenario": False,
        "basis": ("quoted",),
    }
    supply = G.edges[ID + "Beta", ID + "Acme", ID + "supply"]
    assert (supply["relation"], supply["input_layer"], supply["quotes"]) == ("supplies", "accelerators", ())
    assert G.edges[ID + "Musk", ID + "Fab", ID + "own"]["relation"] == "controls"
    assert G.edges[ID + "Acme", ID + "Widget", ID + "develop"]["relation"] == "develops"
    assert G.edges[ID + "Beta", ID + "Gamma", ID + "invest"]["relation"] == "invests_in"


def test_a_partnership_gives_an_edge_each_way(store: KnowledgeStore) -> None:
    G = project(store)
    assert {("Acme", "Beta", "partner"), ("Beta", "Acme", "partner")} <= edges_of(G)
    assert G.edges[ID + "Beta", ID + "Acme", ID + "partner"]["relation"] == "partners_with"


def test_default_policy_counts_completed_and_active_deals_as_of_today(store: KnowledgeStore) -> None:
    G = project(store)
    assert G.graph["as_of"] == date.today().isoformat()
    assert G.graph["statuses"] == ("completed", "active")
    deals = {k for _, _, k in edges_of(G)}
    assert deals == {"buy", "supply", "partner", "develop", "own", "invest"}  # not talks, maybe, old (ended), ipo


def test_statuses_widen_the_view(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(statuses={"completed", "active", "in-talks", "hypothetical"}))
    assert {"talks", "maybe"} <= {k for _, _, k in edges_of(G)}
    assert G.graph["statuses"] == ("in-talks", "completed", "active", "hypothetical")


@pytest.mark.parametrize(
    ("as_of", "counted"),
    [
        ("2025-09-30", False),  # effective 2025-10 starts after
        ("2025-10-01", True),
        ("2025-10", True),  # a partial as-of means the end of its period
        ("2025", True),
        ("2024", False),
    ],
)
def test_as_of_compares_partial_dates_as_periods(store: KnowledgeStore, as_of: str, counted: bool) -> None:
    G = project(store, ProjectionPolicy(as_of=as_of))
    assert (("Beta", "Gamma", "invest") in edges_of(G)) is counted


def test_as_of_uses_the_announced_date_when_there_is_no_effective_date(store: KnowledgeStore) -> None:
    policy = {"completed", "active", "in-talks"}
    assert ("Acme", "Beta", "talks") not in edges_of(project(store, ProjectionPolicy("2024-12-31", policy)))
    assert ("Acme", "Beta", "talks") in edges_of(project(store, ProjectionPolicy("2025-01-01", policy)))


@pytest.mark.parametrize(("as_of", "counted"), [("2015", True), ("2020-06-29", True), ("2020-06-30", False)])
def test_a_deal_ended_on_or_before_as_of_does_not_count(store: KnowledgeStore, as_of: str, counted: bool) -> None:
    assert (("Gamma", "Beta", "old") in edges_of(project(store, ProjectionPolicy(as_of)))) is counted


def test_market_positions_and_layers_fill_the_graph_attributes(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(as_of="2025"))
    assert G.graph["market_positions"] == [
        {
            "holder": ID + "Acme",
            "market": "ai-models",
            "year": 2024,
            "share": 40.0,
            "source": "The article",
            "position": ID + "share-a",
            "basis": ("quoted",),
        }
    ]  # the 2030 position is after as-of
    layers = G.graph["layers"]
    assert layers["satellite-broadband"]["broader"] == "connectivity"
    assert layers["launch-and-space"]["feeds"] == ["satellite-broadband"]
    assert layers["connectivity"]["narrower"] == ["satellite-broadband", "telecom-services", "terrestrial-ran"]
    assert layers["ai-models"]["iri"] == "https://w3id.org/stackgraph/ns#AIModels"


SUPERSEDING = (
    PREFIXES
    + """
sgid:A a sg:Organization ; rdfs:label "A" .
sgid:B a sg:Organization ; rdfs:label "B" .
sgid:C a sg:Organization ; rdfs:label "C" .
sgid:talk a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:InTalks ;
    sg:announcedDate "2025-01"^^xsd:gYearMonth .
sgid:close a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Completed ;
    sg:effectiveDate "2025-06-01"^^xsd:date ; sg:supersedes sgid:talk .
sgid:supply a sg:Supply ; sg:supplier sgid:C ; sg:customer sgid:A ; sg:status sg:Active .
sgid:cut a sg:Supply ; sg:supplier sgid:C ; sg:customer sgid:A ; sg:status sg:Terminated ;
    sg:effectiveDate "2025-03"^^xsd:gYearMonth ; sg:supersedes sgid:supply .
"""
)


def test_a_superseded_deal_never_counts_where_the_newer_one_is_visible() -> None:
    store = store_with(SUPERSEDING)
    wide = {"in-talks", "completed", "active"}
    assert {k for _, _, k in edges_of(project(store, ProjectionPolicy("2025-07", wide)))} == {"close"}
    # before the completion, the talks still count (and the undated supply, where undated deals count)
    assert {k for _, _, k in edges_of(project(store, ProjectionPolicy("2025-02", wide)))} == {"talk"}
    before = ProjectionPolicy("2025-02", wide, undated="include")
    assert {k for _, _, k in edges_of(project(store, before))} == {"talk", "supply"}
    # a termination ends what it supersedes even though terminated deals are not shown
    assert {k for _, _, k in edges_of(project(store, ProjectionPolicy("2025-04")))} == set()


SCENARIO = (
    PREFIXES
    + """
src:whatif a sg:ScenarioSource ; dcterms:title "What if" .
sgid:A a sg:Organization ; rdfs:label "A" .
sgid:B a sg:Organization ; rdfs:label "B" .
sgid:merge a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Hypothetical ;
    prov:wasDerivedFrom src:whatif .
"""
)


def test_deals_from_a_scenario_source_count_whatever_their_status() -> None:
    G = project(store_with(SCENARIO))
    data = G.edges[ID + "A", ID + "B", ID + "merge"]
    assert (data["status"], data["scenario"], data["sources"]) == ("hypothetical", True, ("What if",))


def test_graphs_narrow_the_projection_and_roles_still_resolve() -> None:
    store = store_with(SCENARIO, SUPERSEDING)
    G = project(store, graphs=["urn:stackgraph:graph:fixture0"])
    assert edges_of(G) == {("A", "B", "merge")}
    assert G.graph["layers"]  # the ontology graph is always read


def test_role_properties_are_found_through_sub_properties() -> None:
    custom = (
        PREFIXES
        + """
ex:buyer rdfs:subPropertyOf sg:acquirer .
ex:bought rdfs:subPropertyOf sg:target .
sgid:A a sg:Organization . sgid:B a sg:Organization .
sgid:deal a sg:Acquisition ; ex:buyer sgid:A ; ex:bought sgid:B ; sg:status sg:Completed .
"""
    )
    G = project(store_with(custom))
    assert edges_of(G) == {("A", "B", "deal")}
    assert G.nodes[ID + "A"]["label"] == "A"  # no label: the local name


def test_untyped_parties_become_nodes_without_a_kind() -> None:
    text = PREFIXES + "sgid:d a sg:Investment ; sg:investor sgid:X ; sg:investee sgid:Y ; sg:status sg:Active ."
    G = project(store_with(text))
    assert G.nodes[ID + "X"]["kind"] is None and G.nodes[ID + "X"]["label"] == "X"


def test_an_empty_store_gives_an_empty_well_formed_graph() -> None:
    G = project(KnowledgeStore.with_shipped_graphs(include_shipped=False))
    assert (G.number_of_nodes(), G.number_of_edges(), G.graph["market_positions"]) == (0, 0, [])
    assert "ai-models" in G.graph["layers"]


def test_parse_statuses_accepts_repeats_and_commas_and_rejects_unknown_keys() -> None:
    assert parse_statuses(["completed,active", " in-talks "]) == {"completed", "active", "in-talks"}
    assert parse_statuses(None) == DEFAULT_STATUSES
    with pytest.raises(InputError, match="unknown status 'sold'; use one of rumoured, in-talks"):
        parse_statuses(["completed,sold"])
    assert set(STATUS_KEYS) == {"rumoured", "in-talks", "announced", "pending"} | {
        "completed",
        "active",
        "terminated",
        "hypothetical",
    }


@pytest.mark.parametrize("bad", ["2025-13", "yesterday", "2025-02-30", "25"])
def test_a_bad_as_of_date_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError, match="invalid date"):
        ProjectionPolicy(as_of=bad)


def test_parse_date_gives_the_bounds_of_a_period() -> None:
    assert parse_date("2024-02", end=True) == date(2024, 2, 29)
    assert parse_date("2024") == date(2024, 1, 1)
    assert parse_date("2024-05-06Z") == date(2024, 5, 6)
    assert parse_date("soon") is None


def test_resolve_entity_by_label_alias_local_name_or_iri(store: KnowledgeStore) -> None:
    G = project(store)
    for name in ("acme", "Acme Corp", "Acme", ID + "Acme", f"<{ID}Acme>"):
        assert resolve_entity(G, name) == ID + "Acme"
    with pytest.raises(UnknownEntityError, match="did you mean 'Acme'"):
        resolve_entity(G, "Acm")


def test_bulk_built_adjacency_is_the_same_as_add_edge_builds() -> None:
    """The projection writes its nodes and edges straight into networkx's node and adjacency maps; they must
    equal what add_nodes_from and add_edge make."""
    G = project(KnowledgeStore.with_shipped_graphs())
    rebuilt = nx.MultiDiGraph()
    rebuilt.add_nodes_from(G.nodes(data=True))
    rebuilt.add_edges_from(G.edges(keys=True, data=True))
    assert G.number_of_edges() > 0
    assert dict(G.nodes(data=True)) == dict(rebuilt.nodes(data=True)) and list(G) == list(rebuilt)
    assert set(G._node) == set(G._succ) == set(G._pred)
    assert {n: dict(G.succ[n]) for n in G} == {n: dict(rebuilt.succ[n]) for n in rebuilt}
    assert {n: dict(G.pred[n]) for n in G} == {n: dict(rebuilt.pred[n]) for n in rebuilt}
    for u, v, k in G.edges(keys=True):  # one key dict shared by both maps, as networkx keeps it
        G.succ[u][v][k]["seen"] = True
        assert G.pred[v][u][k]["seen"] is True
    assert sorted(G.in_degree()) == sorted(rebuilt.in_degree())
    first = next(iter(G))
    G.add_edge("a fresh node", first)  # the maps stay consistent for networkx's own methods
    assert G.has_node("a fresh node") and G.in_degree("a fresh node") == 0 and G.has_edge("a fresh node", first)


def test_each_pair_of_a_many_party_deal_has_its_own_complete_attributes() -> None:
    text = (
        PREFIXES
        + """
sgid:A a sg:Organization . sgid:B a sg:Organization . sgid:C a sg:Organization .
sgid:trio a sg:Partnership ; sg:partner sgid:A, sgid:B, sgid:C ; sg:status sg:Active ;
    sg:amount "5"^^xsd:decimal ; sg:purpose "to share" ; sg:inputLayer sg:Accelerators .
"""
    )
    G = project(store_with(text))
    dicts = [d for _, _, k, d in G.edges(keys=True, data=True) if k == ID + "trio"]
    assert len(dicts) == 6  # each partner with each other, both ways
    assert len({id(d) for d in dicts}) == 6  # no dict shared between two edges
    assert all((d["amount"], d["purpose"], d["input_layer"]) == (5.0, "to share", "accelerators") for d in dicts)


def test_parties_of_deals_that_do_not_count_do_not_become_nodes() -> None:
    text = PREFIXES + "sgid:d a sg:Investment ; sg:investor sgid:X ; sg:investee sgid:Y ; sg:status sg:Rumoured ."
    G = project(store_with(text))
    assert (G.number_of_nodes(), G.number_of_edges()) == (0, 0)
    assert set(project(store_with(text), ProjectionPolicy(statuses={"rumoured"}))) == {ID + "X", ID + "Y"}


def test_a_deal_with_parties_under_two_deal_classes_keeps_one_relation() -> None:
    text = (
        PREFIXES
        + """
sgid:A a sg:Organization . sgid:B a sg:Organization . sgid:C a sg:Organization .
sgid:odd a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:supplier sgid:C ; sg:customer sgid:A ;
    sg:status sg:Completed .
"""
    )
    G = project(store_with(text))
    assert edges_of(G) == {("A", "B", "odd"), ("C", "A", "odd")}
    assert {d["relation"] for _, _, d in G.edges(data=True)} == {"acquires"}  # the first deal class, in RELATIONS


def test_a_blank_node_deal_carries_what_an_iri_deal_does() -> None:
    # Status, dates and sources are read grouped by value, IRI deals as one string per value: a blank-node deal has
    # no string form and comes in a row of its own, with what it says all the same -- its basis included, so that
    # an evidence policy keeps it as it keeps the IRI deal.
    facts = (
        "a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:{target} ; sg:status sg:Completed ; sg:amount 5 ; "
        'sg:currency "USD" ; sg:effectiveDate "2020-05" ; sg:endDate "2099" ; prov:wasDerivedFrom src:article'
    )
    store = store_with(
        PREFIXES + "sgid:A a sg:Organization . sgid:B a sg:Organization . sgid:C a sg:Organization .",
        PREFIXES + f"sgid:named {facts.format(target='B')} .",
        PREFIXES + f"[] {facts.format(target='C')} .",
    )
    for policy in (None, ProjectionPolicy(evidence="quoted")):
        G = project(store, policy)
        named = G.edges[ID + "A", ID + "B", ID + "named"]
        (blank,) = G.get_edge_data(ID + "A", ID + "C").values()
        assert blank["deal"].startswith("_:")
        assert {**blank, "deal": None} == {**named, "deal": None}
        assert (named["status"], named["effective"], named["ended"], named["amount"]) == (
            "completed",
            "2020-05",
            "2099",
            5.0,
        )
        assert named["basis"] == ("quoted",) and named["source_iris"] == ("https://w3id.org/stackgraph/source/article",)
    assert project(store, ProjectionPolicy(evidence="dataset")).number_of_edges() == 0
