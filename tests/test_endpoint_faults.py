"""The endpoint client against servers that misbehave (issue #16, item 4): each fault is one clear EndpointError."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from endpoint_fixtures import fault_server

from stackgraph.cli import main
from stackgraph.endpoint import SparqlEndpoint, post_query
from stackgraph.errors import EndpointError, InputError

JSON = "application/sparql-results+json"
GOOD = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'


def _reply(handler, body: bytes, *, status: int = 200, mime: str = JSON, length: int | None = None, **headers) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", mime)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def test_a_well_behaved_fake_answers() -> None:
    with fault_server(lambda h: _reply(h, GOOD)) as (url, requests):
        assert SparqlEndpoint(url, timeout=5).select("SELECT ?x WHERE {}") == [{"x": "1"}]
    assert requests == ["POST /sparql"]


def test_malformed_json_names_the_url_and_shows_the_first_bytes() -> None:
    body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}},{"x":'
    with fault_server(lambda h: _reply(h, body)) as (url, _), pytest.raises(EndpointError) as caught:
        SparqlEndpoint(url, timeout=5).select("SELECT ?x WHERE {}")
    message = str(caught.value)
    assert message.startswith(f"the SPARQL endpoint {url} sent malformed results (application/sparql-results+json)")
    assert 'the answer starts: \'{"head":{"vars":["x"]}' in message


def test_malformed_json_through_the_cli_is_one_line_not_a_traceback() -> None:
    with fault_server(lambda h: _reply(h, b"{not json")) as (url, _):
        result = CliRunner().invoke(main, ["query", "--endpoint", url, "SELECT ?x WHERE { ?x ?p ?o }"])
    assert result.exit_code == 1
    assert "sent malformed results" in result.output and "'{not json'" in result.output
    assert "Traceback" not in result.output


def test_a_truncated_body_is_reported_with_what_arrived() -> None:
    with (
        fault_server(lambda h: _reply(h, GOOD[:40], length=len(GOOD))) as (url, _),
        pytest.raises(EndpointError) as caught,
    ):
        SparqlEndpoint(url, timeout=5).query("SELECT ?x WHERE {}")
    assert f"the SPARQL endpoint {url} cut its answer short after 40" in str(caught.value)
    assert 'the answer starts: \'{"head"' in str(caught.value)


def test_a_truncated_chunked_body_is_reported() -> None:
    def chunked(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", JSON)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"20\r\n" + GOOD[:10])  # announces 32 bytes, sends 10, hangs up
        handler.wfile.flush()

    with fault_server(chunked) as (url, _), pytest.raises(EndpointError, match="cut its answer short"):
        SparqlEndpoint(url, timeout=5).query("SELECT ?x WHERE {}")


def test_a_server_dripping_its_answer_is_cut_off_at_the_deadline() -> None:
    def drip(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", JSON)
        handler.send_header("Content-Length", str(10_000))
        handler.end_headers()
        for _ in range(10_000):  # one byte every 50 ms: each read is quick, the whole answer is not
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)

    with (
        fault_server(drip) as (url, _),
        pytest.raises(EndpointError, match=f"endpoint {url} did not answer within 1 s"),
    ):
        SparqlEndpoint(url, timeout=1).query("SELECT ?x WHERE {}")


def test_an_answer_over_the_size_cap_is_refused() -> None:
    big = b" " * 5000 + GOOD
    with (
        fault_server(lambda h: _reply(h, big)) as (url, _),
        pytest.raises(EndpointError, match="announced an answer of 5,"),
    ):
        SparqlEndpoint(url, timeout=5, max_bytes=1000).query("SELECT ?x WHERE {}")

    def unannounced(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", JSON)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(big)

    with fault_server(unannounced) as (url, _), pytest.raises(EndpointError, match="sent more than 1,000 bytes"):
        SparqlEndpoint(url, timeout=5, max_bytes=1000).query("SELECT ?x WHERE {}")


def test_a_redirect_is_refused_naming_its_target_which_gets_no_request() -> None:
    with (
        fault_server(lambda h: _reply(h, GOOD)) as (other, other_requests),
        fault_server(lambda h: _reply(h, b"", status=302, mime="text/plain", Location=other)) as (url, _),
    ):
        with pytest.raises(EndpointError) as caught:
            SparqlEndpoint(url, timeout=5).select("SELECT ?x WHERE {}")
        result = CliRunner().invoke(main, ["query", "--endpoint", url, "SELECT ?x WHERE { ?x ?p ?o }"])
    assert str(caught.value) == (
        f"the SPARQL endpoint {url} answered with a redirect (HTTP 302 Found) to {other}; stackgraph does not "
        "follow redirects for a query: give the final URL instead"
    )
    assert result.exit_code == 1 and "answered with a redirect" in result.output
    assert other_requests == []


def test_an_html_page_is_not_taken_for_results() -> None:
    page = b"<!DOCTYPE html><html><body>Please log in</body></html>"
    with fault_server(lambda h: _reply(h, page, mime="text/html")) as (url, _), pytest.raises(EndpointError) as caught:
        SparqlEndpoint(url, timeout=5).query("ASK {}")
    assert "answered with text/html, not SPARQL results; the answer starts: '<!DOCTYPE html>" in str(caught.value)


def test_a_malformed_url_is_a_clear_error() -> None:
    for url, reason in (("http://[::1", "Invalid IPv6 URL"), ("http://host:port/sparql", "Port could not be cast")):
        with pytest.raises(InputError) as caught:
            post_query(url, "ASK {}")
        assert str(caught.value).startswith(f"not a valid SPARQL endpoint URL '{url}': {reason}")
        result = CliRunner().invoke(main, ["query", "--endpoint", url, "ASK {}"])
        assert result.exit_code == 2, result.output
        assert f"Error: not a valid SPARQL endpoint URL '{url}': {reason}" in result.output
