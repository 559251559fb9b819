"""The knowledge store: the ontology and graphs in a fast SPARQL store (pyoxigraph), one named graph per file.

Queries see the union of all named graphs by default (``use_default_graph_as_union``); ``graphs=`` narrows a
query to some of them, which is how a what-if overlay is seen with or without its scenario graph.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from stackgraph.display import visible
from stackgraph.errors import InputError, ParseError, QueryError
from stackgraph.resources import ontology_path, queries_dir, shipped_graph_paths
from stackgraph.sparql_text import undeclared_prefix, update_operation
from stackgraph.vocabulary.terms import GRAPH_IRI, ID_IRI, SG_IRI, SOURCE_IRI

if TYPE_CHECKING:
    import rdflib

    from stackgraph.vocabulary.rules import DealPolicy

__all__ = [
    "DERIVED_GRAPH",
    "META_GRAPH",
    "ONTOLOGY_GRAPH",
    "PREFIXES",
    "KnowledgeStore",
    "graph_iri",
    "open_store",
    "solution_rows",
    "to_python",
]

PREFIXES: dict[str, str] = {
    "sg": SG_IRI,
    "sgid": ID_IRI,
    "src": SOURCE_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

ONTOLOGY_GRAPH = GRAPH_IRI + "ontology"
DERIVED_GRAPH = GRAPH_IRI + "derived"
META_GRAPH = GRAPH_IRI + "meta"
#: Where the direct properties derived under a policy other than the default are put for one query.
POLICY_GRAPH = GRAPH_IRI + "derived-policy"
_META_SOURCE = "urn:stackgraph:meta:sourceFile"
_META_HASH = "urn:stackgraph:meta:sha256"
_META_DERIVED = "urn:stackgraph:meta:derivedUpToDate"
_META_DERIVED_ON = "urn:stackgraph:meta:derivedOn"

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}

_EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

_QUERY_POSITION = re.compile(r"error at (\d+):(\d+)")


def graph_iri(name: str) -> str:
    """Return the IRI of the named graph called ``name`` (e.g. a file's stem)."""
    return GRAPH_IRI + re.sub(r"[^A-Za-z0-9._-]+", "-", name)


def to_python(term: Any) -> Any:
    """Convert a pyoxigraph term to a plain Python value (IRIs and strings as ``str``, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        value = term.value
        if datatype.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            try:
                return int(value)
            except ValueError:
                return value
        if datatype.endswith(("#decimal", "#double", "#float")):
            try:
                return float(value)
            except ValueError:
                return value
        if datatype.endswith("#boolean"):
            return value == "true"
        return value
    return term.value


class KnowledgeStore:
    """Ontology and graphs in a pyoxigraph ``Store``, in memory or on disk, one named graph per source file.

    Parameters
    ----------
    path : path-like, optional
        A folder for a persistent store that later commands reopen without re-parsing. ``None`` keeps
        everything in memory.

    Examples
    --------
    >>> store = KnowledgeStore.with_shipped_graphs()
    >>> bool(store.query("ASK { ?deal a sg:Acquisition }"))
    True
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is not None:
                self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path)) if self.path is not None else ox.Store()
        except OSError as error:
            raise InputError(f"cannot open the store at {self.path}: {error}") from error
        self._derived_dirty = not self._meta_flag(_META_DERIVED)
        self._derived_on = self._meta_value(_META_DERIVED_ON)

    # -- construction -------------------------------------------------------------------------------------

    @classmethod
    def with_shipped_graphs(
        cls,
        extra: Iterable[str | Path] = (),
        *,
        path: str | Path | None = None,
        include_shipped: bool = True,
    ) -> KnowledgeStore:
        """Open a store holding the ontology, the shipped graphs (unless ``include_shipped`` is false) and
        ``extra`` files. A persistent store re-parses only files that are new or changed since last time."""
        store = cls(path)
        store.load_file(ontology_path(), graph=ONTOLOGY_GRAPH)
        if include_shipped:
            for shipped in shipped_graph_paths():
                store.load_file(shipped)
        for file in extra:
            store.load_file(file)
        return store

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph ``Store`` (for benchmarks and power users)."""
        return self._store

    def load_file(self, path: str | Path, graph: str | None = None) -> str:
        """Parse an RDF file into its own named graph (by default named after the file's stem).

        Reloading a file replaces its graph; a persistent store skips a file whose content is unchanged.
        A syntax error raises :class:`ParseError` with the file, line and column, and leaves the store as it
        was before the call.
        """
        file = Path(path)
        if not file.is_file():
            raise InputError(f"{file}: no such file")
        fmt = _FORMATS.get(file.suffix.lower())
        if fmt is None:
            raise InputError(f"{file}: unknown RDF format {file.suffix!r}; use one of {', '.join(sorted(_FORMATS))}")
        graph = graph or graph_iri(file.stem)
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if self._recorded_hash(graph) == digest:
            return graph
        self._load_bytes(data, fmt, graph, label=str(file))
        self._record_source(graph, str(file.resolve()), digest)
        return graph

    def load_data(self, data: str | bytes, graph: str, fmt: str = "turtle", *, label: str = "<data>") -> str:
        """Parse RDF text into the named graph ``graph`` (replacing it). ``fmt`` is an export-format name."""
        rdf_format = _EXPORT_FORMATS.get(fmt)
        if rdf_format is None:
            raise InputError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(_EXPORT_FORMATS))}")
        self._load_bytes(data.encode("utf-8") if isinstance(data, str) else data, rdf_format, graph, label=label)
        return graph

    def _load_bytes(self, data: bytes, fmt: ox.RdfFormat, graph: str, *, label: str) -> None:
        target = ox.NamedNode(graph)
        if fmt.supports_datasets:
            # Quad formats: parse into a scratch store first so a syntax error never leaves a half-loaded graph.
            scratch = ox.Store()
            try:
                scratch.bulk_load(data, fmt, to_graph=target)
            except SyntaxError as error:
                raise _parse_error(label, error) from None
            except ValueError as error:
                raise ParseError(label, str(error)) from None
            if self._has_graph(graph):
                self._store.remove_graph(target)
            # One named graph per file: the file's own graph names are folded into it.
            self._store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in scratch)
            self._mark_dirty()
            return
        # Triple formats: bulk-load straight into the target graph (as fast as raw pyoxigraph); on a syntax error
        # drop the partly loaded graph and put back what it held before, so the store is left as it was.
        previous = list(self._store.quads_for_pattern(None, None, None, target)) if self._has_graph(graph) else []
        if previous:
            self._store.remove_graph(target)
        try:
            self._store.bulk_load(data, fmt, to_graph=target)
        except (SyntaxError, ValueError) as error:
            if self._has_graph(graph):
                self._store.remove_graph(target)
            if previous:
                self._store.extend(previous)
            if isinstance(error, SyntaxError):
                raise _parse_error(label, error) from None
            raise ParseError(label, str(error)) from None
        self._mark_dirty()

    def remove_graph(self, graph: str) -> None:
        """Drop a named graph (for example a scenario overlay) from the store."""
        if self._has_graph(graph):
            self._store.remove_graph(ox.NamedNode(graph))
            for quad in list(self._store.quads_for_pattern(ox.NamedNode(graph), None, None, ox.NamedNode(META_GRAPH))):
                self._store.remove(quad)
            self._mark_dirty()

    def graph_names(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted, without stackgraph's internal graphs."""
        internal = {DERIVED_GRAPH, META_GRAPH, POLICY_GRAPH}
        return sorted(g.value for g in self._store.named_graphs() if g.value not in internal)

    def copy(self) -> KnowledgeStore:
        """Return an in-memory copy (what-if overlays work on a copy so the original is never touched)."""
        clone = KnowledgeStore()
        clone._store.extend(self._store.quads_for_pattern(None, None, None))
        clone._derived_dirty = self._derived_dirty
        clone._derived_on = self._derived_on
        return clone

    def __len__(self) -> int:
        return len(self._store)

    # -- querying -----------------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        graphs: Sequence[str] | None = None,
        derived: bool = True,
        policy: DealPolicy | None = None,
    ) -> Any:
        """Run a SPARQL query and return pyoxigraph's result (solutions, boolean or triples).

        ``bindings`` maps variable names to values that the engine substitutes (never pasted into the text);
        strings that look like IRIs become IRIs, other values literals. ``graphs`` restricts the default graph
        to those named graphs (plus the derived direct properties); by default it is the union of all.
        ``derived=False`` skips bringing the derived direct properties up to date first: for queries that read
        only the deal nodes (the projection), which then need not wait for the derivation. ``policy`` (a
        :class:`~stackgraph.vocabulary.rules.DealPolicy`) shows the direct properties derived under that policy
        instead of the default one (derived for this query, then dropped).
        """
        from stackgraph.vocabulary.rules import DealPolicy

        if policy is not None and policy.key() != DealPolicy().key():
            derived_graph = self._derive(policy, POLICY_GRAPH)
            try:
                sources = graphs if graphs is not None else self._source_graphs()
                return self._query(sparql, bindings, [*sources, derived_graph])
            finally:
                self._store.remove_graph(ox.NamedNode(POLICY_GRAPH))
        if derived:
            self.ensure_derived()
        return self._query(sparql, bindings, None if graphs is None else [*graphs, DERIVED_GRAPH])

    def _query(self, sparql: str, bindings: Mapping[str, Any] | None, default_graph: Sequence[str] | None) -> Any:
        substitutions = {ox.Variable(name): _as_term(value) for name, value in (bindings or {}).items()}
        kwargs: dict[str, Any] = {"prefixes": PREFIXES, "substitutions": substitutions or None}
        if default_graph is None:
            kwargs["use_default_graph_as_union"] = True
        else:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as error:
            raise _query_error(sparql, error) from None
        except (OSError, ValueError, TypeError) as error:
            raise QueryError(f"query failed: {error}") from None
        except RuntimeError as error:  # e.g. a substituted variable that the SELECT does not project
            raise QueryError(f"query failed: {error} (a bound variable must be in the SELECT clause)") from None

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        graphs: Sequence[str] | None = None,
        policy: DealPolicy | None = None,
    ) -> list[dict[str, Any]]:
        """Run a SELECT and return its rows as dicts of plain Python values (unbound variables omitted)."""
        return solution_rows(self.query(sparql, bindings, graphs=graphs, policy=policy))

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (used by what-if overlays on a copy; never on a user's source files)."""
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as error:
            raise _query_error(sparql, error, update=True) from None
        except (OSError, ValueError) as error:
            raise QueryError(f"update failed: {error}") from None
        self._mark_dirty()

    # -- derived direct properties -----------------------------------------------------------------------

    def ensure_derived(self) -> None:
        """Recompute the direct properties (acquires, controls, ...) from the deal nodes if data changed or the day
        did: they are derived under the default deal policy (completed and active deals) as of the day derived."""
        from datetime import date

        from stackgraph.vocabulary.rules import DealPolicy

        today = date.today().isoformat()
        if not self._derived_dirty and self._derived_on == today:
            return
        self._derive(DealPolicy(as_of=today), DERIVED_GRAPH)
        self._derived_dirty = False
        self._derived_on = today
        self._set_meta_flag(_META_DERIVED, True)
        self._set_meta_flag(_META_DERIVED_ON, today)

    def _source_graphs(self) -> list[str]:
        internal = (DERIVED_GRAPH, META_GRAPH, POLICY_GRAPH)
        return [g.value for g in self._store.named_graphs() if g.value not in internal]

    def _derive(self, policy: DealPolicy, graph: str) -> str:
        """Derive the direct properties under ``policy`` into the named graph ``graph`` (replacing it)."""
        from stackgraph.vocabulary.sparql import fill

        sources = [ox.NamedNode(g) for g in self._source_graphs()]
        target = ox.NamedNode(graph)
        query = fill((queries_dir() / "derive_direct.rq").read_text(encoding="utf-8"), policy)
        triples = list(self._store.query(query, prefixes=PREFIXES, default_graph=sources)) if sources else []
        if self._has_graph(graph):
            self._store.remove_graph(target)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        return graph

    # -- export -------------------------------------------------------------------------------------------

    def export(self, fmt: str = "turtle", *, graphs: Sequence[str] | None = None, derived: bool = True) -> bytes:
        """Serialise the merged graph (or the given named graphs) as ``turtle``, ``ntriples``, ``json-ld``,
        ``nquads``, ``trig`` or ``rdfxml``. Triple formats merge the graphs; quad formats keep them apart."""
        rdf_format = _EXPORT_FORMATS.get(fmt)
        if rdf_format is None:
            raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(sorted(_EXPORT_FORMATS))}")
        if derived:
            self.ensure_derived()
        chosen = set(graphs) if graphs is not None else set(self.graph_names())
        if derived:
            chosen.add(DERIVED_GRAPH)
        quads = [
            q
            for g in sorted(chosen)
            if self._has_graph(g)
            for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g))
        ]
        out = io.BytesIO()
        if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # JSON-LD could hold graphs; we merge them
            ox.serialize(quads, out, rdf_format, prefixes=PREFIXES)
        else:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
            ox.serialize(sorted(triples, key=str), out, rdf_format, prefixes=PREFIXES)
        return out.getvalue()

    def to_rdflib(self, *, graphs: Sequence[str] | None = None, derived: bool = False) -> rdflib.Graph:
        """Return a plain rdflib ``Graph`` (rdflib's own memory store) of the merged graphs, e.g. for pyshacl."""
        import rdflib

        graph = rdflib.Graph()
        graph.parse(data=self.export("ntriples", graphs=graphs, derived=derived), format="nt")
        return graph

    # -- bookkeeping --------------------------------------------------------------------------------------

    def _has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def _mark_dirty(self) -> None:
        self._derived_dirty = True
        self._set_meta_flag(_META_DERIVED, False)

    def _meta_flag(self, predicate: str) -> bool:
        quads = self._store.quads_for_pattern(
            ox.NamedNode(META_GRAPH), ox.NamedNode(predicate), None, ox.NamedNode(META_GRAPH)
        )
        return any(q.object.value == "true" for q in quads)

    def _set_meta_flag(self, predicate: str, value: bool | str) -> None:
        """Record a bookkeeping value (a flag, or the day the derived properties are of) in a persistent store."""
        if self.path is None:
            return
        meta = ox.NamedNode(META_GRAPH)
        for quad in list(self._store.quads_for_pattern(meta, ox.NamedNode(predicate), None, meta)):
            self._store.remove(quad)
        self._store.add(ox.Quad(meta, ox.NamedNode(predicate), ox.Literal(value), meta))

    def _meta_value(self, predicate: str) -> str | None:
        meta = ox.NamedNode(META_GRAPH)
        for quad in self._store.quads_for_pattern(meta, ox.NamedNode(predicate), None, meta):
            return str(quad.object.value)
        return None

    def _recorded_hash(self, graph: str) -> str | None:
        if self.path is None:
            return None
        for quad in self._store.quads_for_pattern(
            ox.NamedNode(graph), ox.NamedNode(_META_HASH), None, ox.NamedNode(META_GRAPH)
        ):
            return quad.object.value
        return None

    def _record_source(self, graph: str, source: str, digest: str) -> None:
        meta = ox.NamedNode(META_GRAPH)
        subject = ox.NamedNode(graph)
        for quad in list(self._store.quads_for_pattern(subject, None, None, meta)):
            self._store.remove(quad)
        self._store.add(ox.Quad(subject, ox.NamedNode(_META_SOURCE), ox.Literal(source), meta))
        self._store.add(ox.Quad(subject, ox.NamedNode(_META_HASH), ox.Literal(digest), meta))

    def flush(self) -> None:
        """Write pending changes of a persistent store to disk."""
        if self.path is not None:
            self._store.flush()


def solution_rows(result: Any) -> list[dict[str, Any]]:
    """Return a SELECT result's rows as dicts of plain Python values (unbound variables omitted)."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("select() needs a SELECT query")
    names = [v.value for v in result.variables]
    return [{name: to_python(solution[name]) for name in names if solution[name] is not None} for solution in result]


def open_store(
    extra: Iterable[str | Path] = (),
    *,
    path: str | Path | None = None,
    include_shipped: bool = True,
) -> KnowledgeStore:
    """Open the knowledge store the CLI and API use: ontology + shipped graphs + ``extra`` files."""
    return KnowledgeStore.with_shipped_graphs(extra, path=path, include_shipped=include_shipped)


def _as_term(value: Any) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal(value)
    if isinstance(value, int | float):
        return ox.Literal(value)
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        try:
            return ox.NamedNode(text[1:-1])
        except ValueError as error:
            raise InputError(
                f'the value {text!r} is not a valid IRI ({error}); an IRI in <...> has no spaces or <>"{{}}|^`\\ '
                "(escape them as %20 ...); a prefixed name such as sgid:SpaceX or plain text for a literal also work"
            ) from None
    prefix, _, local = text.partition(":")
    if local and prefix in PREFIXES and not any(c.isspace() for c in local):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if re.match(r"^(https?|urn|file):[^\s<>\"{}|\\^`]+$", text):
        return ox.NamedNode(text)
    return ox.Literal(text)


def _parse_error(label: str, error: SyntaxError) -> ParseError:
    message = str(error.msg) if error.msg else str(error)
    # ParseError shows the position as file:line:column already; drop pyoxigraph's own wording of it.
    message = re.sub(r"^Parser error (at|between) line [^:]*: ", "", message)
    if error.lineno in (0, 1) and (error.offset or 0) <= 1 and (message.startswith("\ufeff") or _has_bom(label)):
        message = "the file starts with a byte-order mark (U+FEFF), which RDF parsers refuse; save it as UTF-8 (no BOM)"
    return ParseError(label, visible(message), error.lineno, error.offset)


def _has_bom(label: str) -> bool:
    try:
        with open(label, "rb") as handle:
            return handle.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


def _query_error(sparql: str, error: SyntaxError, *, update: bool = False) -> QueryError:
    text = str(error)
    operation = None if update else update_operation(sparql)
    if operation is not None:
        return QueryError(
            f"this is a SPARQL update ({operation} ...), not a query: queries here only read the graphs (SELECT, "
            "ASK, CONSTRUCT, DESCRIBE) and never change them; to play a change forward, write it as a what-if "
            "scenario (a sparql-update step)"
        )
    match = _QUERY_POSITION.search(text)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        lines = sparql.splitlines() or [""]
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        pointer = " " * max(column - 1, 0) + "^"
        message = " ".join(text[match.end() :].lstrip(": ").split())
        offset = sum(len(x) + 1 for x in sparql.splitlines(keepends=False)[: line - 1]) + column - 1
        prefix = undeclared_prefix(sparql, offset, PREFIXES) if "Prefix not found" in message else None
        if prefix is not None:
            message = (
                f"unknown prefix '{prefix}:'; declare it with PREFIX {prefix}: <...> "
                f"(predefined: {', '.join(PREFIXES)})"
            )
        if len(message) > 160:  # the parser may list every character class it expected
            message = message[:160].rstrip() + " …"
        message, source_line = visible(message), visible(source_line)
        where = f"SPARQL syntax error at line {line}, column {column}"
        return QueryError(f"{where}: {message}\n  {source_line}\n  {pointer}")
    return QueryError(f"SPARQL syntax error: {text}")
