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
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from stackgraph.store import KnowledgeStore


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
