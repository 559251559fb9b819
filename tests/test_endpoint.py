"""The remote store (SPARQL 1.1 Protocol client) against an in-process server, a closed port and a silent server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from endpoint_fixtures import free_port, silent_server, sparql_server

from stackgraph.cli import main
from stackgraph.endpoint import SparqlEndpoint, with_bindings, with_prefixes
from stackgraph.errors import EndpointError, InputError
from stackgraph.projection import project
from stackgraph.store import KnowledgeStore

DATA = """
@prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sgid:A a sg:Organization ; rdfs:label "A" ; sg:inLayer sg:AIModels .
sgid:B a sg:Organization ; rdfs:label "B" .
sgid:deal a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Completed ;
    sg:effectiveDate "2024-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ; sg:amount 2.5 .
"""


@pytest.fixture(scope="module")
def local() -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(DATA, "urn:stackgraph:graph:tiny")
    store.ensure_derived()
    return store


@pytest.fixture(scope="module", params=["form", "direct"])
def remote(request: pytest.FixtureRequest, local: KnowledgeStore):
    with sparql_server(local) as url:
        yield SparqlEndpoint(url, timeout=10, method=request.param)


def test_select_ask_and_construct_match_the_local_store(local: KnowledgeStore, remote: SparqlEndpoint) -> None:
    query = "SELECT ?d ?amount ?date WHERE { ?d sg:amount ?amount ; sg:effectiveDate ?date }"
    assert (
        remote.select(query)
        == local.select(query)
        == [{"d": "https://w3id.org/stackgraph/id/deal", "amount": 2.5, "date": "2024-05"}]
    )
    assert isinstance(remote.query(query), ox.QuerySolutions)
    assert bool(remote.query("ASK { sgid:A sg:acquires sgid:B }")) is True  # derived graph on the server
    triples = list(remote.query("CONSTRUCT { ?a sg:acquires ?b } WHERE { ?a sg:acquires ?b }"))
    assert [(t.subject.value, t.object.value) for t in triples] == [
        ("https://w3id.org/stackgraph/id/A", "https://w3id.org/stackgraph/id/B")
    ]


def test_bindings_and_graphs(local: KnowledgeStore, remote: SparqlEndpoint) -> None:
    query = "SELECT ?t WHERE { ?d sg:acquirer ?a ; sg:target ?t }"
    assert remote.select(query, {"a": "sgid:A"}) == [{"t": "https://w3id.org/stackgraph/id/B"}]
    assert remote.select(query, {"a": "sgid:B"}) == []
    assert remote.select(query, graphs=["urn:stackgraph:graph:ontology"]) == []
    assert remote.select(query, graphs=["urn:stackgraph:graph:tiny"]) == local.select(
        query, graphs=["urn:stackgraph:graph:tiny"]
    )
    assert remote.graph_names() == ["urn:stackgraph:graph:ontology", "urn:stackgraph:graph:tiny"]


def test_projection_runs_against_the_endpoint(local: KnowledgeStore, remote: SparqlEndpoint) -> None:
    here, there = project(local), project(remote)
    assert sorted(there.edges(keys=True, data=True)) == sorted(here.edges(keys=True, data=True))
    assert dict(there.nodes(data=True)) == dict(here.nodes(data=True))


def test_query_cli_with_endpoint(local: KnowledgeStore) -> None:
    with sparql_server(local) as url:
        result = CliRunner().invoke(
            main, ["query", "--endpoint", url, "SELECT ?t WHERE { ?d sg:target ?t }", "--format", "csv"]
        )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["t", "https://w3id.org/stackgraph/id/B"]


def test_unreachable_endpoint_fails_fast_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match=f"cannot reach the SPARQL endpoint {url}: .*refused"):
        SparqlEndpoint(url, timeout=5).select("SELECT * WHERE { ?s ?p ?o }")
    result = CliRunner().invoke(main, ["query", "--endpoint", url, "ASK { ?s ?p ?o }"])
    assert result.exit_code == 1
    assert f"Error: cannot reach the SPARQL endpoint {url}" in result.output


def test_silent_endpoint_times_out_with_the_url() -> None:
    with silent_server() as url, pytest.raises(EndpointError, match=f"endpoint {url} did not answer within 0.5 s"):
        SparqlEndpoint(url, timeout=0.5).query("ASK { ?s ?p ?o }")


def test_http_errors_and_bad_urls(local: KnowledgeStore) -> None:
    with sparql_server(local) as url, pytest.raises(EndpointError, match=f"endpoint {url} answered HTTP 400"):
        SparqlEndpoint(url).query("SELEC nonsense")
    with pytest.raises(InputError, match="not an http"):
        SparqlEndpoint("ftp://example.org/sparql").query("ASK {}")
    with pytest.raises(EndpointError, match="needs a local store"):
        SparqlEndpoint("http://127.0.0.1:1/sparql").copy()


def test_endpoint_cannot_be_combined_with_local_graphs(tmp_path) -> None:
    result = CliRunner().invoke(main, ["query", "--endpoint", "http://x/sparql", "--store", str(tmp_path), "ASK {}"])
    assert result.exit_code == 2
    assert "cannot be combined with --graph or --store" in result.output


def test_prefixes_and_bindings_text() -> None:
    assert with_prefixes("PREFIX sg: <urn:x#>\nASK { ?a sg:b ?c }") == "PREFIX sg: <urn:x#>\nASK { ?a sg:b ?c }"
    assert with_prefixes("ASK { ?a rdfs:label 'sg:x' }").startswith("PREFIX sg: <https://w3id.org/stackgraph/ns#>")
    text = with_bindings('CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }', {"s": "urn:a", "n": 3})
    assert text == (
        'CONSTRUCT { ?s ?p "{" } WHERE { VALUES (?s ?n) { (<urn:a> '
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?s ?p ?o }'
    )
