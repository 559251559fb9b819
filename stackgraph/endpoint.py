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
connection, timeout (``timeout`` seconds, default 30), HTTP error status (with the start of the server's message),
or an answer that is not SPARQL results.
"""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from stackgraph.errors import EndpointError, InputError, QueryError
from stackgraph.store import DERIVED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, solution_rows

__all__ = ["SparqlEndpoint", "post_query", "with_bindings", "with_prefixes"]

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
) -> tuple[str, bytes]:
    """POST ``sparql`` to the endpoint ``url`` (SPARQL 1.1 Protocol) and return ``(content_type, body)``.

    ``method`` is ``"form"`` (``application/x-www-form-urlencoded``, understood by every server) or ``"direct"``
    (``application/sparql-query``; Virtuoso 7.2 as packaged by Debian never answers it). Raises
    :class:`EndpointError` naming ``url`` when the server cannot be reached, does not answer within ``timeout``
    seconds, or answers with an HTTP error.

    Examples
    --------
    >>> post_query("http://127.0.0.1:9/sparql", "ASK {}", timeout=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stackgraph.errors.EndpointError: cannot reach the SPARQL endpoint http://127.0.0.1:9/sparql: ...
    """
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"not an http(s) SPARQL endpoint URL: {url!r}")
    if method not in ("form", "direct"):
        raise InputError(f"unknown SPARQL protocol method {method!r}; use 'form' or 'direct'")
    graph_params = [("default-graph-uri", g) for g in default_graphs]
    if method == "direct":
        target = url
        if graph_params:
            target = f"{url}{'&' if parsed.query else '?'}{urllib.parse.urlencode(graph_params)}"
        data = sparql.encode("utf-8")
        content_type = "application/sparql-query; charset=utf-8"
    else:
        target = url
        data = urllib.parse.urlencode([("query", sparql), *graph_params]).encode("ascii")
        content_type = "application/x-www-form-urlencoded"
    request = urllib.request.Request(
        target,
        data=data,
        method="POST",
        headers={"Content-Type": content_type, "Accept": accept, "User-Agent": _USER_AGENT, **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        body = error.read()[:500].decode("utf-8", "replace").strip()
        raise EndpointError(f"the SPARQL endpoint {url} answered HTTP {error.code} {error.reason}: {body}") from None
    except TimeoutError:
        raise EndpointError(f"the SPARQL endpoint {url} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise EndpointError(f"the SPARQL endpoint {url} did not answer within {timeout:g} s") from None
        raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
    except OSError as error:
        raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {error}") from None


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
        Seconds to wait for each answer before raising :class:`EndpointError`.
    headers : mapping, optional
        Extra HTTP headers (e.g. ``Authorization``).
    method : str
        How queries are sent: ``"form"`` (URL-encoded POST, the default, which every server answers) or
        ``"direct"`` (``POST application/sparql-query``).

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
    ) -> None:
        self.url = url
        self.method = method
        self.timeout = timeout
        self.headers = dict(headers or {})
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
        )
        return self._parse(content_type, body)

    def _parse(self, content_type: str, body: bytes) -> Any:
        mime = content_type.split(";", 1)[0].strip().lower()
        try:
            if mime in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(_normalise_json(body), ox.QueryResultsFormat.JSON)
            if mime in ("application/sparql-results+xml", "application/xml"):
                return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
            if mime in ("text/tab-separated-values",):
                return ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
            rdf_format = ox.RdfFormat.from_media_type(mime) if mime else None
            if rdf_format is not None:
                return iter(list(ox.parse(body, rdf_format)))
        except (SyntaxError, ValueError) as error:
            raise EndpointError(f"the SPARQL endpoint {self.url} sent malformed results: {error}") from None
        raise EndpointError(
            f"the SPARQL endpoint {self.url} answered with {content_type or 'no content type'}, not SPARQL results"
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
