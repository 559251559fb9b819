"""A tiny hand-built graph for the what-if tests (imported by tests/test_scenarios*.py)."""

from __future__ import annotations

from stackgraph.store import KnowledgeStore

PREFIXES = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix src: <https://w3id.org/stackgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
src:ed a sg:EditorialSource ; dcterms:title "Test data" .
"""

# A controls A1 (ownership); B acquired B1; B holds a 30 % (minority) stake in C; A is in talks to buy D.
# S supplies A and B with accelerators; S invests in B and partners with B. R is a rival of B in
# terrestrial RAN (same layer) that buys devices from B1. Market shares of terrestrial RAN: B 30, R 20, X 50.
TINY = (
    PREFIXES
    + """
sgid:A a sg:Organization ; rdfs:label "Alpha" ; sg:inLayer sg:AIModels .
sgid:A1 a sg:Organization ; rdfs:label "Alpha Cloud" ; sg:inLayer sg:DataCenters .
sgid:B a sg:Organization ; rdfs:label "Beta" ; sg:inLayer sg:TerrestrialRAN .
sgid:B1 a sg:Organization ; rdfs:label "Beta Devices" ; sg:inLayer sg:Devices .
sgid:C a sg:Organization ; rdfs:label "Gamma" ; sg:inLayer sg:ChipFabrication .
sgid:D a sg:Organization ; rdfs:label "Delta" ; sg:inLayer sg:DeveloperTooling .
sgid:S a sg:Organization ; rdfs:label "Sigma" ; sg:inLayer sg:Accelerators .
sgid:R a sg:Organization ; rdfs:label "Rho" ; sg:inLayer sg:TerrestrialRAN .
sgid:X a sg:Organization ; rdfs:label "Xi" ; sg:inLayer sg:TerrestrialRAN .
sgid:P a sg:Person ; rdfs:label "Pat" .

sgid:d-a-a1 a sg:Ownership ; sg:owner sgid:A ; sg:owned sgid:A1 ; sg:status sg:Active ; prov:wasDerivedFrom src:ed .
sgid:d-b-b1 a sg:Acquisition ; sg:acquirer sgid:B ; sg:target sgid:B1 ; sg:status sg:Completed ;
    sg:effectiveDate "2020"^^xsd:gYear ; prov:wasDerivedFrom src:ed .
sgid:d-b-c a sg:Ownership ; sg:owner sgid:B ; sg:owned sgid:C ; sg:stakePercent 30.0 ; sg:status sg:Active ;
    prov:wasDerivedFrom src:ed .
sgid:d-a-d-talks a sg:Acquisition ; rdfs:label "Alpha in talks for Delta" ; sg:acquirer sgid:A ; sg:target sgid:D ;
    sg:status sg:InTalks ; prov:wasDerivedFrom src:ed .
sgid:d-s-a a sg:Supply ; sg:supplier sgid:S ; sg:customer sgid:A ; sg:inputLayer sg:Accelerators ;
    sg:status sg:Active ; prov:wasDerivedFrom src:ed .
sgid:d-s-b a sg:Supply ; sg:supplier sgid:S ; sg:customer sgid:B ; sg:inputLayer sg:Accelerators ;
    sg:status sg:Active ; prov:wasDerivedFrom src:ed .
sgid:d-s-b-invest a sg:Investment ; sg:investor sgid:S ; sg:investee sgid:B ; sg:amount 5.0 ; sg:currency "USD" ;
    sg:status sg:Completed ; sg:effectiveDate "2021-05"^^xsd:gYearMonth ; prov:wasDerivedFrom src:ed .
sgid:d-s-b-partner a sg:Partnership ; sg:partner sgid:S, sgid:B ; sg:purpose "co-develop" ; sg:status sg:Active ;
    prov:wasDerivedFrom src:ed .
sgid:d-b1-r a sg:Supply ; sg:supplier sgid:B1 ; sg:customer sgid:R ; sg:inputLayer sg:Devices ;
    sg:status sg:Active ; prov:wasDerivedFrom src:ed .
sgid:d-a-supplies-x a sg:Supply ; sg:supplier sgid:A ; sg:customer sgid:X ; sg:inputLayer sg:AIModels ;
    sg:status sg:Active ; prov:wasDerivedFrom src:ed .

sgid:ms-b a sg:MarketPosition ; sg:holder sgid:B ; sg:market sg:TerrestrialRAN ; sg:year "2023"^^xsd:gYear ;
    sg:sharePercent 30.0 ; prov:wasDerivedFrom src:ed .
sgid:ms-r a sg:MarketPosition ; sg:holder sgid:R ; sg:market sg:TerrestrialRAN ; sg:year "2023"^^xsd:gYear ;
    sg:sharePercent 20.0 ; prov:wasDerivedFrom src:ed .
sgid:ms-x a sg:MarketPosition ; sg:holder sgid:X ; sg:market sg:TerrestrialRAN ; sg:year "2023"^^xsd:gYear ;
    sg:sharePercent 50.0 ; prov:wasDerivedFrom src:ed .
"""
)

ID = "https://w3id.org/stackgraph/id/"


def tiny_store(extra: str = "") -> KnowledgeStore:
    """Return a store with the ontology and the tiny graph (plus ``extra`` Turtle statements)."""
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(TINY + extra, "urn:stackgraph:graph:tiny")
    return store


LAYERS = ("Accelerators", "ChipFabrication", "DataCenters", "TerrestrialRAN", "AIModels", "DeveloperTooling")
STATUSES = ("Completed", "Active", "InTalks")


def random_graph_turtle(draw_int, n_orgs: int, n_deals: int) -> str:
    """Turtle for a random small graph. ``draw_int(lo, hi)`` draws integers (hypothesis or random).

    Organisations org0..orgN-1 (each in one layer), one product per two organisations developed by one of them,
    and deals: supplies (with or without an input layer), investments, acquisitions and ownerships (always from a
    lower to a higher index, so control has no cycles; some minority stakes), partnerships; statuses completed,
    active or in talks. One market position per organisation in some layers.
    """
    lines = [PREFIXES]
    for i in range(n_orgs):
        lines.append(f'sgid:org{i} a sg:Organization ; rdfs:label "Org {i}" ; sg:inLayer sg:{LAYERS[draw_int(0, 5)]} .')
    for j in range(n_orgs // 2):
        developer = draw_int(0, n_orgs - 1)
        lines.append(f'sgid:prod{j} a sg:Product ; rdfs:label "Product {j}" ; sg:inLayer sg:{LAYERS[draw_int(0, 5)]} .')
        lines.append(
            f"sgid:dev{j} a sg:Development ; sg:developer sgid:org{developer} ; sg:product sgid:prod{j} ; "
            "sg:status sg:Active ; prov:wasDerivedFrom src:ed ."
        )
    for d in range(n_deals):
        kind = draw_int(0, 4)
        a, b = draw_int(0, n_orgs - 1), draw_int(0, n_orgs - 1)
        if a == b:
            continue
        status = STATUSES[draw_int(0, 2)]
        if kind == 0:
            layer = draw_int(0, 6)
            extra = f"sg:inputLayer sg:{LAYERS[layer]} ; " if layer < 6 else ""
            body = f"a sg:Supply ; sg:supplier sgid:org{a} ; sg:customer sgid:org{b} ; {extra}"
        elif kind == 1:
            body = f"a sg:Investment ; sg:investor sgid:org{a} ; sg:investee sgid:org{b} ; "
        elif kind in (2, 3):
            lo, hi = min(a, b), max(a, b)
            stake = " sg:stakePercent 30.0 ;" if draw_int(0, 3) == 0 else ""
            if kind == 2:
                body = f"a sg:Acquisition ; sg:acquirer sgid:org{lo} ; sg:target sgid:org{hi} ;{stake} "
            else:
                body = f"a sg:Ownership ; sg:owner sgid:org{lo} ; sg:owned sgid:org{hi} ;{stake} "
        else:
            body = f"a sg:Partnership ; sg:partner sgid:org{a}, sgid:org{b} ; "
        lines.append(f"sgid:deal{d} {body}sg:status sg:{status} ; prov:wasDerivedFrom src:ed .")
    for i in range(n_orgs):
        if draw_int(0, 2) == 0:
            share = draw_int(1, 40)
            lines.append(
                f"sgid:ms{i} a sg:MarketPosition ; sg:holder sgid:org{i} ; sg:market sg:TerrestrialRAN ; "
                f'sg:year "2024"^^xsd:gYear ; sg:sharePercent {share}.0 ; prov:wasDerivedFrom src:ed .'
            )
    return "\n".join(lines) + "\n"


def random_store(turtle: str) -> KnowledgeStore:
    """A store with the ontology and the given random graph."""
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(turtle, "urn:stackgraph:graph:random")
    return store
