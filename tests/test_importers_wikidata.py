"""The Wikidata importer: SPARQL JSON results of ownership and investment properties become deals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from endpoint_fixtures import free_port

from stackgraph.errors import EndpointError, ImportFormatError
from stackgraph.importers.wikidata import fetch_wikidata, read_wikidata
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.store import KnowledgeStore

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"


def _row(item: str, prop: str, value: str, start: str | None = None, end: str | None = None, **labels: str) -> dict:
    row = {
        "item": {"type": "uri", "value": WD + item},
        "property": {"type": "uri", "value": WDT + prop},
        "value": {"type": "uri", "value": WD + value},
    }
    if start:
        row["start"] = {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#dateTime", "value": start}
    if end:
        row["end"] = {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#dateTime", "value": end}
    for name, text in labels.items():
        row[name] = {"type": "literal", "xml:lang": "en", "value": text}
    return row


def _results(rows: list[dict]) -> bytes:
    head = {"vars": ["item", "itemLabel", "property", "value", "valueLabel", "start", "end"]}
    return json.dumps({"head": head, "results": {"bindings": rows}}).encode()


ROWS = [
    _row("Q3", "P127", "Q1", "2009-11-11T00:00:00Z", itemLabel="3Com", valueLabel="Hewlett-Packard"),  # HP owns 3Com
    _row("Q1", "P1830", "Q3", "2009-11-11T00:00:00Z"),  # the same relation from the other side
    _row("Q5", "P749", "Q1", "1999-01-01T00:00:00Z", "2015-11-01T00:00:00Z", itemLabel="Agilent"),
    _row("Q1", "P355", "Q6", valueLabel="HP Labs"),
    _row("Q7", "P1951", "Q8", "1201-00-00T00:00:00Z", itemLabel="Startup", valueLabel="Fund"),
    _row("Q9", "P31", "Q10"),
    _row("Q9", "P127", "Q9"),
    _row("Q5", "P749", "Q1", "1999-01-01T00:00:00Z", "2015-11-01T00:00:00Z", itemLabel="Agilent"),
]


def test_properties_become_ownerships_and_investments(tmp_path: Path) -> None:
    result = read_wikidata(_results(ROWS), retrieved="2025-06-01")
    report = result.report
    assert report.counts == {"ownerships": 3, "investments": 1, "organizations": 6}
    assert {i.row: i.reason for i in report.issues} == {
        2: "duplicated relation: same as row 1 stated from the other side",
        5: "impossible date: start '1201-00-00T00:00:00Z': year 1201 is before 1800; date dropped",
        6: "unsupported property: 'http://www.wikidata.org/prop/direct/P31'",
        7: "self-relation: Q9 P127 itself",
        8: "duplicated row: same as row 3",
    }
    out = tmp_path / "wd.ttl"
    result.write(out)
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_file(out)
    G = project(store, ProjectionPolicy(as_of="2025-01-01", undated="include"))  # a past view of undated facts
    edges = {
        (G.nodes[u]["label"], G.nodes[v]["label"], d["relation"], d["effective"]) for u, v, d in G.edges(data=True)
    }
    # Agilent's parent relation ended in 2015 and does not count in 2025
    assert edges == {
        ("Hewlett-Packard", "3Com", "controls", "2009-11-11"),
        ("Hewlett-Packard", "HP Labs", "controls", None),
        ("Fund", "Startup", "invests_in", None),
    }
    ended = store.select("SELECT ?end ?status WHERE { ?d sg:endDate ?end ; sg:status ?status }")
    assert ended == [{"end": "2015-11-01", "status": "https://w3id.org/stackgraph/ns#Terminated"}]


def test_single_property_results_and_bad_input(tmp_path: Path) -> None:
    rows = [{"item": r["item"], "value": r["value"]} for r in ROWS[:1]]
    data = json.dumps({"head": {"vars": ["item", "value"]}, "results": {"bindings": rows}}).encode()
    assert read_wikidata(data, property="P127").report.counts["ownerships"] == 1
    with pytest.raises(ImportFormatError, match=r"missing columns: the results need \?property"):
        read_wikidata(data)
    with pytest.raises(ImportFormatError, match="unsupported property 'P31'"):
        read_wikidata(data, property="P31")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(ImportFormatError, match=r"empty\.json: empty file"):
        read_wikidata(empty)
    with pytest.raises(ImportFormatError, match="not JSON"):
        read_wikidata(b"<html>")
    with pytest.raises(ImportFormatError, match="wrong encoding"):
        read_wikidata('{"x": "é"}'.encode("latin-1"))


def test_unreachable_endpoint_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match=f"cannot reach the SPARQL endpoint {url}"):
        fetch_wikidata("SELECT * WHERE { ?s ?p ?o }", url, timeout=5)


def test_items_already_loaded_are_linked_not_duplicated_and_people_stay_people() -> None:
    """The Wikidata results of "who owns SpaceX": SpaceX and Elon Musk are the shipped entities, Musk a person."""
    rows = [
        _row("Q193701", "P127", "Q317521", itemLabel="SpaceX", valueLabel="Elon Musk"),
        _row("Q193701", "P1951", "Q95", itemLabel="SpaceX", valueLabel="Google"),
        _row("Q117", "P127", "Q42", itemLabel="Example Co", valueLabel="Jane Doe"),
    ]
    rows[2]["valueType"] = {"type": "uri", "value": WD + "Q5"}  # ?valueType: instance of human
    shipped = KnowledgeStore.with_shipped_graphs()
    result = read_wikidata(_results(rows), retrieved="2026-01-01", against=shipped)
    report = result.report
    assert report.matched == {"label": 2}
    assert report.counts["organizations"] == 2 and report.counts["people"] == 1  # Google, Example Co; Jane Doe
    text = result.serialize("ntriples").decode()
    assert "<https://w3id.org/stackgraph/id/wikidata/Q193701>" not in text  # no second SpaceX
    assert '<https://w3id.org/stackgraph/id/SpaceX> <https://w3id.org/stackgraph/ns#wikidataId> "Q193701"' in text
    shipped.load_data(result.serialize("ntriples"), "urn:stackgraph:graph:wd", "ntriples")
    kinds = shipped.select(
        "SELECT ?label ?kind WHERE { ?d sg:owner ?o . ?o rdfs:label ?label ; a ?kind "
        "FILTER(STRSTARTS(STR(?d), 'https://w3id.org/stackgraph/id/wikidata/')) } ORDER BY ?label"
    )
    assert kinds == [
        {"label": "Elon Musk", "kind": "https://w3id.org/stackgraph/ns#Person"},
        {"label": "Jane Doe", "kind": "https://w3id.org/stackgraph/ns#Person"},
    ]
    again = read_wikidata(_results(rows), retrieved="2026-01-01", against=shipped).report
    assert again.matched == {"identifier": 5} and again.created == 0  # every item now by its Q-id
