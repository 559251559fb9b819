"""A remote knowledge store: any server speaking the SPARQL 1.1 Protocol, with :class:`KnowledgeStore`'s interface.

:class:`SparqlEndpoint` sends each query as a protocol POST (URL-encoded form by default; ``method="direct"``
sends ``application/sparql-query``, which Debian's Virtuoso 7.2 never answers) and parses the answer with pyoxigraph,
so :meth:`SparqlEndpoint.query` returns the same result objects as :meth:`KnowledgeStore.query` and everything built
on it -- ``project(...)``, the analyses, ``stackgraph query`` -- runs against the server unchanged.

What the server must hold: the ontology and the graphs, one named graph each, as ``stackgraph export --format
nquads`` writes them (that file includes the derived direct properties ``sg:acquires``, ``sg:controls``, ...,
which the server cannot compute). Queries without ``graphs=`` read the server's default graph, which must be the
union of the named graphs (Virtuoso's default; Fuseki's ``unionDefaultGraph``); ``graphs=`` becomes
``default-graph-uri`` parameters, plus the derived graph, as in the local store.

Bindings are sent as a ``VALUES`` block at the start of the query's ``WHERE`` group, the protocol's portable
equivalent of the local engine's substitutions. The standard prefixes (``sg:``, ``sgid:``, ``rdfs:`` ...) are
declared for every query that does not declare them itself.

Every failure raises :class:`~stackgraph.errors.EndpointError` naming the URL: unreachable host, refused
connection, no full answer within the deadline (``timeout`` seconds for the whole request, default 30), HTTP error
status (with the start of the server's message), a redirect (refused, naming its target), an answer cut short or
larger than ``max_bytes`` (default :data:`MAX_ANSWER_BYTES`), or an answer that is not well-formed SPARQL results
(with its first bytes). A malformed URL raises :class:`~stackgraph.errors.InputError`.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import ssl
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from stackgraph.errors import EndpointError, InputError, QueryError
from stackgraph.store import DERIVED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, solution_rows

__all__ = ["MAX_ANSWER_BYTES", "SparqlEndpoint", "post_query", "with_bindings", "with_prefixes"]

#: The largest answer read from a server by default (512 MiB): a guard against a runaway result or a server
#: that never stops sending, well above what stackgraph's questions return.
MAX_ANSWER_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 16

_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/sparql-results+xml;q=0.5"
)
_USER_AGENT = "stackgraph/0.1 (https://w3id.org/stackgraph; SPARQL 1.1 Protocol client)"
_TOKEN = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<comment>\#[^\n]*)|(?P<brace>\{)|(?P<word>(?<![?$:\w])[A-Za-z]+)""",
    re.DOTALL,
)
_DECLARED = re.compile(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def post_query(
    url: str,
    sparql: str,
    *,
    timeout: float = 30.0,
    accept: str = _ACCEPT,
    default_graphs: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    method: str = "form",
    max_bytes: int = MAX_ANSWER_BYTES,
) -> tuple[str, bytes]:
    """POST ``sparql`` to the endpoint ``url`` (SPARQL 1.1 Protocol) and return ``(content_type, body)``.

    ``method`` is ``"form"`` (``application/x-www-form-urlencoded``, understood by every server) or ``"direct"``
    (``application/sparql-query``; Virtuoso 7.2 as packaged by Debian never answers it).

    ``timeout`` is a deadline for the whole request -- connecting, sending, and reading the full answer -- so a
    server that drips its answer slowly is cut off too. An answer larger than ``max_bytes`` is refused (from its
    ``Content-Length`` before reading, or as soon as the body passes the limit). Redirects are refused, naming
    where they point: a POST redirected would be resent as a GET without the query, and another server's answer
    must not pass for this one's. ``http_proxy``/``https_proxy``/``no_proxy`` are honoured.

    Raises
    ------
    InputError
        ``url`` is not a well-formed http(s) URL.
    EndpointError
        Naming ``url``: unreachable, no full answer within ``timeout`` seconds, an HTTP error (with the start of
        the server's message), a redirect, an answer cut short or over ``max_bytes``.

    Examples
    --------
    >>> post_query("http://127.0.0.1:9/sparql", "ASK {}", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stackgraph.errors.EndpointError: cannot reach the SPARQL endpoint http://127.0.0.1:9/sparql: ...
    >>> post_query("http://[::1", "ASK {}")
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: not a valid SPARQL endpoint URL 'http://[::1': Invalid IPv6 URL
    """
    parsed = _split_url(url)
    if method not in ("form", "direct"):
        raise InputError(f"unknown SPARQL protocol method {method!r}; use 'form' or 'direct'")
    graph_params = [("default-graph-uri", g) for g in default_graphs]
    path = parsed.path or "/"
    query_string = parsed.query
    if method == "direct":
        if graph_params:
            query_string = "&".join(part for part in (query_string, urllib.parse.urlencode(graph_params)) if part)
        data = sparql.encode("utf-8")
        content_type = "application/sparql-query; charset=utf-8"
    else:
        data = urllib.parse.urlencode([("query", sparql), *graph_params]).encode("ascii")
        content_type = "application/x-www-form-urlencoded"
    target = path + (f"?{query_string}" if query_string else "")
    request_headers = {"Content-Type": content_type, "Accept": accept, "User-Agent": _USER_AGENT, **(headers or {})}
    deadline = time.monotonic() + timeout
    late = f"the SPARQL endpoint {url} did not answer within {timeout:g} s"
    connection, target = _connection(parsed, target, timeout)
    try:
        connection.connect()
        sock = connection.sock
        _set_deadline(sock, deadline, late)
        connection.request("POST", target, body=data, headers=request_headers)
        _set_deadline(sock, deadline, late)
        response = connection.getresponse()
        if 300 <= response.status < 400:
            where = response.getheader("Location") or "nowhere (no Location header)"
            raise EndpointError(
                f"the SPARQL endpoint {url} answered with a redirect (HTTP {response.status} {response.reason}) to "
                f"{where}; stackgraph does not follow redirects for a query: give the final URL instead"
            )
        if response.status >= 400:
            body = _read(response, sock, deadline, late, url, limit=500, strict=False)
            message = body.decode("utf-8", "replace").strip()
            raise EndpointError(
                f"the SPARQL endpoint {url} answered HTTP {response.status} {response.reason}: {message}"
            )
        declared = response.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
            raise EndpointError(
                f"the SPARQL endpoint {url} announced an answer of {int(declared):,} bytes, more than the "
                f"{max_bytes:,} allowed; narrow the query (LIMIT, fewer columns) or raise max_bytes"
            )
        return response.getheader("Content-Type", ""), _read(response, sock, deadline, late, url, limit=max_bytes)
    except TimeoutError:
        raise EndpointError(late) from None
    except http.client.HTTPException as error:
        raise EndpointError(f"the SPARQL endpoint {url} sent a broken HTTP answer: {error!r}") from None
    except OSError as error:
        reason = error.strerror or str(error)
        if isinstance(error, ssl.SSLError):
            reason = f"TLS: {error.reason or error}"
        raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
    finally:
        connection.close()


def _split_url(url: str) -> urllib.parse.SplitResult:
    try:
        parsed = urllib.parse.urlsplit(url)
        _ = parsed.port  # a malformed port raises here
    except ValueError as error:
        raise InputError(f"not a valid SPARQL endpoint URL {url!r}: {error}") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError(f"not an http(s) SPARQL endpoint URL: {url!r}")
    return parsed


def _connection(
    parsed: urllib.parse.SplitResult, target: str, timeout: float
) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the server (or to the proxy the environment names for it) and the request target."""
    host, port = parsed.hostname or "", parsed.port
    https = parsed.scheme == "https"
    proxy = urllib.request.getproxies().get(parsed.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        proxy_url = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        proxy_host, proxy_port = proxy_url.hostname or "", proxy_url.port
        if https:
            tunnel = http.client.HTTPSConnection(proxy_host, proxy_port, timeout=timeout)
            tunnel.set_tunnel(host, port)
            return tunnel, target
        absolute = urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, target, "", ""))
        return http.client.HTTPConnection(proxy_host, proxy_port, timeout=timeout), absolute
    if https:
        return http.client.HTTPSConnection(host, port, timeout=timeout), target
    return http.client.HTTPConnection(host, port, timeout=timeout), target


def _set_deadline(sock: Any, deadline: float, late: str) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise EndpointError(late)
    if sock is not None:
        sock.settimeout(remaining)


def _read(
    response: http.client.HTTPResponse,
    sock: Any,
    deadline: float,
    late: str,
    url: str,
    *,
    limit: int,
    strict: bool = True,
) -> bytes:
    """Read the body before ``deadline``; more than ``limit`` bytes is an error (``strict``) or cut off."""
    chunks: list[bytes] = []
    size = 0
    while True:
        _set_deadline(sock, deadline, late)
        try:
            chunk = response.read1(_CHUNK)
        except http.client.IncompleteRead as error:
            received = b"".join(chunks) + error.partial
            raise EndpointError(
                f"the SPARQL endpoint {url} cut its answer short after {len(received):,} bytes; "
                f"the answer starts: {_preview(received)}"
            ) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            if not strict:
                return b"".join(chunks)[:limit]
            raise EndpointError(
                f"the SPARQL endpoint {url} sent more than {limit:,} bytes; narrow the query (LIMIT, fewer columns) "
                "or raise max_bytes"
            )
    body = b"".join(chunks)
    declared = response.getheader("Content-Length")
    if strict and declared is not None and declared.strip().isdigit() and len(body) < int(declared):
        raise EndpointError(
            f"the SPARQL endpoint {url} cut its answer short after {len(body):,} of the {int(declared):,} bytes "
            f"announced; the answer starts: {_preview(body)}"
        )
    return body


def _preview(body: bytes, size: int = 160) -> str:
    """The first bytes of an answer, quoted, for error messages."""
    text = body[:size].decode("utf-8", "replace")
    return repr(text) + (" …" if len(body) > size else "") if body else "(nothing)"


def with_prefixes(sparql: str) -> str:
    """Prepend the standard ``PREFIX`` declarations the query uses but does not declare.

    Examples
    --------
    >>> with_prefixes("ASK { ?d a sg:Acquisition }").splitlines()[0]
    'PREFIX sg: <https://w3id.org/stackgraph/ns#>'
    """
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", sparql)]
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    return "\n".join([*lines, sparql]) if lines else sparql


def _term_text(value: Any) -> str:
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        term = value
    else:
        from stackgraph.storage.sparql import as_term

        term = as_term(value)
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be bound in a query sent to a SPARQL endpoint")
    return str(term)


def with_bindings(sparql: str, bindings: Mapping[str, Any]) -> str:
    """Insert ``VALUES`` for ``bindings`` at the start of the query's ``WHERE`` group.

    Examples
    --------
    >>> with_bindings("SELECT ?x WHERE { ?x a ?type }", {"type": "sg:Acquisition"})
    'SELECT ?x WHERE { VALUES (?type) { (<https://w3id.org/stackgraph/ns#Acquisition>) } ?x a ?type }'
    """
    if not bindings:
        return sparql
    names = list(bindings)
    values = " ".join(_term_text(bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}"
    position = _where_brace(sparql)
    if position is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return sparql[: position + 1] + block + sparql[position + 1 :]


def _where_brace(sparql: str) -> int | None:
    """Offset of the ``{`` opening the WHERE group (skipping IRIs, strings, comments and CONSTRUCT templates)."""
    first_brace = None
    after_where = False
    form = None
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and form is None:
                form = word
            elif word == "WHERE":
                after_where = True
        elif kind == "brace":
            if after_where:
                return match.start()
            if first_brace is None:
                first_brace = match.start()
                if form != "CONSTRUCT":
                    return first_brace
    return None


class SparqlEndpoint:
    """A SPARQL 1.1 Protocol server with the query interface of :class:`~stackgraph.store.KnowledgeStore`.

    Parameters
    ----------
    url : str
        The query endpoint, e.g. ``http://localhost:8890/sparql``.
    timeout : float
        Seconds allowed for each request as a whole (connecting, sending, reading the answer) before raising
        :class:`EndpointError`.
    headers : mapping, optional
        Extra HTTP headers (e.g. ``Authorization``).
    method : str
        How queries are sent: ``"form"`` (URL-encoded POST, the default, which every server answers) or
        ``"direct"`` (``POST application/sparql-query``).
    max_bytes : int
        The largest answer accepted (default :data:`MAX_ANSWER_BYTES`).

    Examples
    --------
    >>> endpoint = SparqlEndpoint("http://127.0.0.1:9/sparql", timeout=2)
    >>> endpoint.url
    'http://127.0.0.1:9/sparql'
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        headers: Mapping[str, str] | None = None,
        method: str = "form",
        max_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.url = url
        self.method = method
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.max_bytes = max_bytes
        self.path = None

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.url!r})"

    def ensure_derived(self) -> None:
        """Nothing to do: a server holds the derived direct properties it was loaded with."""

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        graphs: Sequence[str] | None = None,
        derived: bool = True,
        with_ontology: bool = False,
    ) -> Any:
        """Run a query on the server; returns pyoxigraph ``QuerySolutions``/``QueryBoolean``, or triples.

        ``bindings`` and ``graphs`` mean what they mean for :meth:`KnowledgeStore.query`; ``derived`` is accepted
        for the same interface and changes nothing (the server holds what it was loaded with); ``with_ontology``
        adds the ontology graph to ``graphs`` (without ``graphs`` the server's default graph is read as it is).
        CONSTRUCT and DESCRIBE return an iterator of ``pyoxigraph.Triple``.
        """
        text = with_prefixes(with_bindings(sparql, bindings or {}))
        default_graphs = (
            () if graphs is None else (*graphs, DERIVED_GRAPH, *([ONTOLOGY_GRAPH] if with_ontology else []))
        )
        content_type, body = post_query(
            self.url,
            text,
            timeout=self.timeout,
            default_graphs=default_graphs,
            headers=self.headers,
            method=self.method,
            max_bytes=self.max_bytes,
        )
        return self._parse(content_type, body)

    def _parse(self, content_type: str, body: bytes) -> Any:
        """Parse the answer, all of it now: a malformed one is an error here, never half-way through a caller's
        loop (pyoxigraph parses results lazily, so solutions are read once to check them, then parsed again)."""
        mime = content_type.split(";", 1)[0].strip().lower()
        try:
            return _parse_answer(mime, body)
        except (SyntaxError, ValueError, OSError) as error:
            problem = str(error)
        # raised outside the handler, so that nothing keeps the half-read results alive (pyoxigraph's result
        # objects must be dropped on the thread that made them)
        if problem == _NOT_RESULTS:
            raise EndpointError(
                f"the SPARQL endpoint {self.url} answered with {content_type or 'no content type'}, not SPARQL "
                f"results; the answer starts: {_preview(body)}"
            )
        raise EndpointError(
            f"the SPARQL endpoint {self.url} sent malformed results ({mime}): {problem}; "
            f"the answer starts: {_preview(body)}"
        )

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        graphs: Sequence[str] | None = None,
        with_ontology: bool = False,
    ) -> list[dict[str, Any]]:
        """Run a SELECT and return its rows as dicts of plain Python values (unbound variables omitted)."""
        return solution_rows(self.query(sparql, bindings, graphs=graphs, with_ontology=with_ontology))

    def graph_names(self) -> list[str]:
        """The named graphs on the server that hold stackgraph data (``urn:stackgraph:graph:*``), sorted."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        internal = (DERIVED_GRAPH,)
        names = (str(r.get("g", "")) for r in rows)
        return sorted(g for g in names if g.startswith("urn:stackgraph:graph:") and g not in internal)

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]) if rows else 0

    def _local_only(self, what: str) -> EndpointError:
        return EndpointError(f"{what} needs a local store; {self.url} is a remote SPARQL endpoint (read-only here)")

    def load_file(self, path: Any, graph: str | None = None) -> str:
        """Not available: load files into the server with its own tools (see the module documentation)."""
        raise self._local_only("loading a file")

    def load_data(self, data: Any, graph: str, fmt: str = "turtle", *, label: str = "<data>") -> str:
        """Not available on a remote endpoint."""
        raise self._local_only("loading data")

    def update(self, sparql: str) -> None:
        """Not available: stackgraph never writes to a remote server."""
        raise self._local_only("a SPARQL update")

    def copy(self) -> Any:
        """Not available: what-if scenarios overlay a local copy of the store."""
        raise self._local_only("a what-if overlay")

    def export(self, fmt: str = "turtle", *, graphs: Sequence[str] | None = None, derived: bool = True) -> bytes:
        """Serialise the server's (merged) triples as ``turtle``, ``ntriples``, ``json-ld`` or ``rdfxml``."""
        formats = {
            "turtle": ox.RdfFormat.TURTLE,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "json-ld": ox.RdfFormat.JSON_LD,
            "rdfxml": ox.RdfFormat.RDF_XML,
        }
        rdf_format = formats.get(fmt)
        if rdf_format is None:
            raise InputError(f"an endpoint exports {', '.join(formats)}; not {fmt!r}")
        chosen = None if graphs is None else (list(graphs) + ([DERIVED_GRAPH] if derived else []))
        triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graphs=chosen)
        out = io.BytesIO()
        ox.serialize(sorted(set(triples), key=str), out, rdf_format, prefixes=dict(PREFIXES))
        return out.getvalue()


_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_NOT_RESULTS = "not SPARQL results"


def _parse_answer(mime: str, body: bytes) -> Any:
    """The answer as pyoxigraph results or triples; raises ValueError(_NOT_RESULTS) for another content type."""
    if mime in _RESULT_TYPES:
        fmt = _RESULT_TYPES[mime]
        data = _normalise_json(body) if fmt == ox.QueryResultsFormat.JSON else body
        parsed = ox.parse_query_results(data, fmt)
        if isinstance(parsed, ox.QuerySolutions):
            for _ in parsed:  # read it all once: a malformed answer fails here
                pass
            parsed = ox.parse_query_results(data, fmt)
        return parsed
    rdf_format = ox.RdfFormat.from_media_type(mime) if mime else None
    if rdf_format is not None:
        return iter(list(ox.parse(body, rdf_format)))
    raise ValueError(_NOT_RESULTS)


def _normalise_json(body: bytes) -> bytes:
    """Make a server's JSON results parseable: the pre-standard ``typed-literal`` term type becomes ``literal``
    and blank node labels that are not valid identifiers (Virtuoso's ``nodeID://b10005``) are rewritten."""
    if b'"typed-literal"' not in body and b'"bnode"' not in body:
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    for binding in data.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            elif term.get("type") == "bnode":
                term["value"] = re.sub(r"[^A-Za-z0-9_]", "_", str(term.get("value", "")).removeprefix("nodeID://"))
    return json.dumps(data).encode("utf-8")
