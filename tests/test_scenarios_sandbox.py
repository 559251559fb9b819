"""A scenario's sparql-update step is sandboxed by parsing it (issue #16, item 2): one test per bypass seen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from endpoint_fixtures import fault_server
from scenario_fixtures import tiny_store

from stackgraph.errors import InputError, ScenarioError
from stackgraph.scenarios.model import parse_scenario
from stackgraph.scenarios.overlay import apply_scenario
from stackgraph.scenarios.sandbox import check_update
from stackgraph.store import PREFIXES


@pytest.fixture
def trap() -> Iterator[tuple[str, list[str]]]:
    """A local SPARQL/HTTP server that records every request it gets; a sandboxed update must never call it."""

    def empty_results(handler) -> None:
        body = b'{"head":{"vars":["s","p","o"]},"results":{"bindings":[]}}'
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with fault_server(empty_results) as (url, requests):
        yield url, requests


def _refused(update: str, message: str) -> None:
    store = tiny_store()
    before = sorted(str(q) for q in store.raw)
    with pytest.raises(ScenarioError, match=r"step 1 \(sparql-update\), field 'update': " + message):
        apply_scenario(
            store,
            parse_scenario(
                {"name": "T", "as_of": "2026-07-01", "steps": [{"kind": "sparql-update", "update": update}]}
            ),
        )
    assert sorted(str(q) for q in store.raw) == before


def test_service_to_a_local_server_is_refused_and_never_called(trap) -> None:
    url, requests = trap
    _refused(f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", f"SERVICE <{url}> would query")
    _refused(
        f"INSERT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
        "SERVICE <",
    )
    _refused(
        f"INSERT {{ ?s ?p ?o }} WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}", "SERVICE <"
    )
    assert requests == []


def test_a_long_string_quote_in_a_comment_does_not_hide_load(trap) -> None:
    url, requests = trap
    _refused(f'# a comment with """ in it\nLOAD <{url}/data.ttl>', f"LOAD would fetch <{url}/data.ttl>")
    _refused(f"INSERT DATA {{ sgid:A rdfs:comment 'x' }} ; # '''\nLOAD <{url}/x.ttl>", "LOAD would fetch")
    assert requests == []


def test_service_with_a_variable_is_a_clear_error_not_a_traceback() -> None:
    _refused("INSERT { ?s ?p ?o } WHERE { SERVICE ?where { ?s ?p ?o } }", r"SERVICE \?where would query another")


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ("CLEAR ALL", "CLEAR manages whole graphs"),
        ("CREATE GRAPH <urn:g>", "CREATE manages"),
        ("COPY DEFAULT TO <urn:g>", "COPY manages"),
        ("INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { ?s ?p ?o }", "GRAPH <urn:g> writes a named graph"),
        ("INSERT { ?s ?p ?o } USING <urn:g> WHERE { ?s ?p ?o }", "USING reads another graph"),
        ("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "GRAPH in the WHERE clause"),
        ("INSERT DATA { foo:a foo:b 1 }", "unknown prefix 'foo'"),
        ("SELECT * WHERE { ?s ?p ?o }", "SPARQL syntax error at line 1, column 1"),
    ],
)
def test_graph_management_and_other_graphs_are_refused(update, message) -> None:
    _refused(update, message)


def test_what_is_allowed() -> None:
    for update in (
        "INSERT DATA { sgid:A rdfs:comment 'LOAD <http://x/> SERVICE' }",
        "DELETE DATA { sgid:nothing rdfs:comment 'x' }",
        "DELETE WHERE { sgid:nothing rdfs:comment ?c }",
        "DELETE { ?s rdfs:comment ?c } INSERT { ?s rdfs:comment 'y' } WHERE { ?s rdfs:comment ?c }",
        "INSERT { ?s sg:note <http://example.org/service> } WHERE { ?s a sg:Organization } # SERVICE <x>",
    ):
        check_update(update, PREFIXES)


def test_the_keyword_line_catches_what_a_fooled_parser_would_miss(monkeypatch) -> None:
    import stackgraph.scenarios.sandbox as sandbox

    monkeypatch.setattr(sandbox, "_parse", lambda text, prefixes: [])  # as if the parser had seen nothing
    with pytest.raises(InputError, match="LOAD would reach the network"):
        check_update('# """\nLOAD <http://127.0.0.1:9/x>', PREFIXES)
    with pytest.raises(InputError, match="SERVICE would reach the network"):
        check_update("INSERT { ?s ?p ?o } WHERE { service <http://127.0.0.1:9/> { ?s ?p ?o } }", PREFIXES)
    check_update("INSERT DATA { <urn:a> <urn:b> 'LOAD' } # SERVICE", PREFIXES)
