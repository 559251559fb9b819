"""Helpers for endpoint tests: a closed loopback port, and a tiny SPARQL 1.1 Protocol server over a KnowledgeStore.

The tiny server answers URL-encoded and direct POST queries (and GET) from a local store, so the remote code path
(protocol, result parsing, default-graph-uri) is tested without installing anything; test_endpoint_virtuoso.py
does the same against a real Virtuoso.
"""

from __future__ import annotations

import io
import socket
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from stackgraph.projection import ProjectionPolicy, project
from stackgraph.queries import Question, run_question
from stackgraph.store import KnowledgeStore, solution_rows

# Shipped questions with their bindings (by label, as a user types them); the real-server tests run every one
# against the server and the local store.
QUESTIONS = {
    "acquisitions-timeline": {},
    "deal-sources": {"deal": "deal-spacex-acquires-xai"},
    "deals-by-status": {},
    "deals-of": {"entity": "SpaceX"},
    "dependents": {"supplier": "Nvidia"},
    "entities-by-layer": {"layer": "compute"},
    "entity-facts": {"entity": "Elon Musk"},
    "financials": {"entity": "SpaceX"},
    "group": {"entity": "SpaceX"},
    "investments": {},
    "market-shares": {},
    "public-offerings": {},
    "relation-sources": {"entity": "SpaceX", "other": "xAI"},
    "suppliers": {"entity": "xAI"},
    "uncertain-deals": {},
    "who-controls": {"entity": "xAI"},
}


def rows(store, question: Question, bindings: dict | None = None) -> Counter:
    """A question's rows as a multiset (servers return rows in their own order)."""
    return Counter(tuple(sorted(row.items())) for row in solution_rows(run_question(store, question, bindings)))


def wait_until_up(process, url: str, log, name: str, limit: float) -> None:
    """Wait until the server ``process`` answers on ``url``; skip the tests (with its log) if it exits or is late."""
    import time

    import pytest

    from stackgraph.endpoint import SparqlEndpoint
    from stackgraph.errors import EndpointError

    probe = SparqlEndpoint(url, timeout=5)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.skip(f"{name} exited with status {process.returncode}: {log.read_text(errors='replace')[-800:]}")
        try:
            probe.query("ASK { ?s ?p ?o }")
            return
        except EndpointError:
            time.sleep(0.3)
    pytest.skip(f"{name} did not answer on {url} within {limit:g} s: {log.read_text(errors='replace')[-800:]}")


def stop_server(process, log, grace: float) -> None:
    """Stop a server process politely (SIGTERM), then for good after ``grace`` seconds, and close its log."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()


def assert_same_graphs(remote, local: KnowledgeStore) -> None:
    """The server holds the local store's named graphs (and the derived one) with the same number of triples."""
    assert remote.graph_names() == local.graph_names()
    for graph in [*local.graph_names(), "urn:stackgraph:graph:derived"]:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert remote.select(query) == local.select(query), graph


def assert_same_projection(remote, local: KnowledgeStore) -> None:
    """The projection of a remote endpoint equals the local store's (order-free attributes compared as sets)."""
    policy = ProjectionPolicy(as_of="2026-06-30", statuses={"completed", "active", "announced", "in-talks"})
    here, there = project(local, policy), project(remote, policy)

    def nodes(G):
        # aliases come in the server's row order
        return {n: {**d, "aliases": frozenset(d.get("aliases", ()))} for n, d in G.nodes(data=True)}

    def edges(G):
        unordered = ("quotes", "sources", "source_iris")
        return {
            (u, v, k): {a: frozenset(x) if a in unordered else x for a, x in d.items()}
            for u, v, k, d in G.edges(keys=True, data=True)
        }

    assert here.number_of_edges() > 0
    assert edges(there) == edges(here)
    assert nodes(there) == nodes(here)
    assert there.graph["layers"] == here.graph["layers"]


def free_port() -> int:
    """A loopback TCP port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers (for timeout tests); yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    finally:
        sock.close()


@contextmanager
def sparql_server(store: KnowledgeStore) -> Iterator[str]:
    """Serve ``store`` over the SPARQL 1.1 Protocol on a free loopback port; yields the endpoint URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _answer(self, query: str, graphs: list[str]) -> None:
            raw = store.raw
            kwargs = {"default_graph": [ox.NamedNode(g) for g in graphs]} if graphs else {}
            if not graphs:
                kwargs = {"use_default_graph_as_union": True}
            try:
                result = raw.query(query, **kwargs)
            except SyntaxError as error:
                body = str(error).encode()
                self.send_response(400)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(body)
                return
            out = io.BytesIO()
            if isinstance(result, ox.QueryTriples):
                ox.serialize(result, out, ox.RdfFormat.N_TRIPLES)
                mime = "application/n-triples"
            else:
                result.serialize(out, ox.QueryResultsFormat.JSON)
                mime = "application/sparql-results+json"
            self.send_response(200)
            self.send_header("Content-Type", mime)
            self.end_headers()
            self.wfile.write(out.getvalue())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length).decode()
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
                query = body
            else:
                form = urllib.parse.parse_qs(body)
                params.update({k: params.get(k, []) + v for k, v in form.items()})
                query = form["query"][0]
            self._answer(query, params.get("default-graph-uri", []))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def fault_server(answer) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server whose every request is answered by ``answer(handler)``, which writes the raw reply
    (status line, headers, body -- well-formed or not). Yields the URL and the list of requests it received."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length", 0) or 0)
            if length:
                self.rfile.read(length)
            requests.append(f"{self.command} {self.path}")
            with suppress(BrokenPipeError, ConnectionResetError):
                answer(self)
            self.close_connection = True

        do_GET = do_POST = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", requests
    finally:
        server.shutdown()
        server.server_close()
