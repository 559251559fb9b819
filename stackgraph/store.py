"""The knowledge store: the ontology and graphs in a fast SPARQL store (pyoxigraph), one named graph per file.

What the user loaded is what the user queries: the default graph of a query is the union of the loaded graphs
and the derived direct properties -- not the ontology (``with_ontology=True`` adds it, for schema questions) and
no bookkeeping (the records of what was loaded from where live in Python, and for a persistent store in
``manifest.json``, never in the RDF). ``graphs=`` narrows a query to some graphs, which is how a what-if overlay
is seen with or without its scenario graph. In memory the ontology is kept off the engine and mounted only for
the queries that read it, so a plain query reads the engine's union of graphs, the fastest form (see
:mod:`stackgraph.storage.dataset`).

A persistent store (``path=``) is a folder of immutable generations (see :mod:`stackgraph.storage.folder`):
reading never writes, so any number of commands can query it at once, also in a read-only folder; a change
builds the next generation and publishes it atomically, so a killed load leaves the old graphs or the new,
never a half-loaded graph marked current. On opening, every recorded file is checked (size, time stamp, then
SHA-256): a changed file is reloaded and reported in :attr:`KnowledgeStore.notices`; a user's file that no
longer exists makes opening fail (a quoted answer must not silently lose data), and the error says how to
proceed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from stackgraph.errors import InputError, QueryError, StoreBusyError, StoreError
from stackgraph.resources import ontology_path, queries_dir, shipped_graph_paths
from stackgraph.storage.dataset import Dataset
from stackgraph.storage.derivation import insert_from_construct
from stackgraph.storage.folder import StoreFolder
from stackgraph.storage.records import (
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    HashingReader,
    Source,
    file_graph,
    graph_iri,
)
from stackgraph.storage.sparql import (
    FILE_FORMATS,
    PREFIXES,
    RDF_FORMATS,
    as_term,
    query_error,
    solution_rows,
    to_python,
)

if TYPE_CHECKING:
    import rdflib

    from stackgraph.vocabulary.rules import DealPolicy

__all__ = [
    "DERIVED_GRAPH",
    "ONTOLOGY_GRAPH",
    "POLICY_GRAPH",
    "PREFIXES",
    "KnowledgeStore",
    "file_graph_iri",
    "graph_iri",
    "open_store",
    "solution_rows",
    "to_python",
]

_DAMAGED = "delete the folder {path} and it is rebuilt from your files on next use"


def file_graph_iri(path: str | Path) -> str:
    """Return the named graph a file is loaded into (from its resolved path; fixed for the shipped graphs).

    Examples
    --------
    >>> file_graph_iri("/data/a/deals.ttl") != file_graph_iri("/data/b/deals.ttl")
    True
    """
    return file_graph(Path(path))[0]


#: Where the direct properties derived under a policy other than the default are put for one query.
POLICY_GRAPH = "urn:stackgraph:graph:derived-policy"


def derivation_query(policy: DealPolicy | None = None) -> str:
    """The rule of the derived direct properties, as a CONSTRUCT (the one place the store reads it from): the
    template ``derive_direct.rq`` written for ``policy``, by default the default deal policy as of today (so the
    rule's text, and the digest a store keeps of it, changes with the day)."""
    from datetime import date

    from stackgraph.vocabulary.rules import DealPolicy

    return _derivation_text(policy if policy is not None else DealPolicy(as_of=date.today().isoformat()))


@functools.lru_cache(maxsize=16)
def _derivation_text(policy: DealPolicy) -> str:
    """``derive_direct.rq`` written for ``policy`` (memoised: every query that reads the derived properties asks
    whether the day's rule changed, and writing the template took most of a small query's time)."""
    from stackgraph.vocabulary.sparql import fill

    return fill((queries_dir() / "derive_direct.rq").read_text(encoding="utf-8"), policy)


class KnowledgeStore:
    """Ontology and graphs in a pyoxigraph ``Store``, in memory or on disk, one named graph per source file.

    Parameters
    ----------
    path : path-like, optional
        A folder for a persistent store that later commands reopen without re-parsing (created if missing).
        ``None`` keeps everything in memory.
    check_files : bool
        Re-check the files recorded in a persistent store on opening (see :meth:`refresh`).

    Examples
    --------
    >>> store = KnowledgeStore.with_shipped_graphs()
    >>> bool(store.query("ASK { ?deal a sg:Acquisition }"))
    True
    >>> bool(store.query("ASK { sg:Acquisition a owl:Class }")), bool(store.query(
    ...     "ASK { sg:Acquisition a owl:Class }", with_ontology=True))
    (False, True)
    """

    def __init__(self, path: str | Path | None = None, *, check_files: bool = True) -> None:
        self.path = Path(path) if path is not None else None
        #: What the user should know about how the store was opened (e.g. a changed file was reloaded).
        self.notices: list[str] = []
        folder = StoreFolder(self.path) if self.path is not None else None
        if folder is not None and folder.interrupted:
            self.notices.append(
                f"the store {self.path} had no manifest.json (a first load was interrupted, or the file was "
                "deleted): it starts afresh"
            )
        self._data = Dataset(folder, lambda: derivation_query())  # looked up when derived: the day's rule
        self._derived_rule: str | None = None
        if check_files:
            self.refresh()

    # -- construction -------------------------------------------------------------------------------------

    @classmethod
    def with_shipped_graphs(
        cls,
        extra: Iterable[str | Path] = (),
        *,
        path: str | Path | None = None,
        include_shipped: bool = True,
        progress: Callable[[Path, int, int], None] | None = None,
    ) -> KnowledgeStore:
        """Open a store holding the ontology, the shipped graphs (unless ``include_shipped`` is false) and
        ``extra`` files. A persistent store re-parses only files that are new or changed since last time, and
        drops the shipped graphs it holds when ``include_shipped`` is false; all in one generation.
        ``progress(file, bytes_read, file_size)`` is called while a file is parsed."""
        store = cls(path, check_files=False)
        with store.batch():
            store.refresh(progress=progress)
            store.load_file(ontology_path())
            wanted = shipped_graph_paths() if include_shipped else []
            names = {store.load_file(shipped) for shipped in wanted}
            for graph, source in list(store._data.manifest.sources.items()):
                if source.kind == "shipped" and graph not in names:
                    store.remove_graph(graph)
            for file in extra:
                store.load_file(file, progress=_for_file(progress, Path(file)))
        return store

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph ``Store`` with every graph in it, the ontology included (for benchmarks and
        power users; read-only when persistent). In memory the ontology is kept apart from the data and put into
        this store for the caller; a later query that must not see it may take it out again, so read what you
        need right away (:meth:`quads` reads the store without moving the ontology)."""
        return self._data.whole()

    def quads(
        self, graph: str | None = None, *, subject: str | ox.NamedNode | ox.BlankNode | None = None
    ) -> Iterator[ox.Quad]:
        """The quads of the store (or of one named ``graph``, or about one ``subject``: an IRI or a node), the
        ontology's and the derived graph's included."""
        return self._data.quads(graph, ox.NamedNode(subject) if isinstance(subject, str) else subject)

    def refresh(self, *, progress: Callable[[Path, int, int], None] | None = None) -> None:
        """Re-check every recorded file (size, time stamp, then SHA-256) and reload the ones that changed.

        A shipped graph or the ontology that moved (a reinstalled package) is reloaded from where it is now.
        Raises :class:`InputError` when a user's file recorded in the store no longer exists.
        ``progress(file, bytes_read, file_size)`` is called while a file is parsed again.
        """
        shipped = {file_graph(p)[0]: p for p in [ontology_path(), *shipped_graph_paths()]}
        reload, gone, missing = self._data.manifest.recheck(shipped)
        if missing:
            one = len(missing) == 1
            raise InputError(
                f"the store {self.path} was loaded from {', '.join(missing)}, which no longer exist"
                + ("s; restore it" if one else "; restore them")
                + f", or delete the folder {self.path} to start afresh (a store only keeps what it parsed from "
                "your files)"
            )
        if not (reload or gone):
            return
        with self.batch():
            for graph in gone:
                self.remove_graph(graph)
            for file, source in reload:
                self.load_file(file, graph=source.graph, progress=_for_file(progress, file))
                if source.kind == "file":
                    self.notices.append(f"reloaded {file}: it changed since it was loaded into the store {self.path}")

    @contextmanager
    def batch(self) -> Iterator[KnowledgeStore]:
        """Group changes: a persistent store publishes them as one generation at the end, or none on error
        (a syntax error in one file undoes the whole batch there)."""
        with self._data.batch():
            yield self

    def load_file(
        self,
        path: str | Path,
        graph: str | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> str:
        """Parse an RDF file into its own named graph and return the graph's IRI.

        The graph is named after the file's resolved path (see :mod:`stackgraph.storage.records`) unless
        ``graph`` is given. A file recorded with the same content is not parsed again; a changed one replaces
        its graph. A syntax error raises :class:`ParseError` with the file, line and column and leaves the
        store as it was. ``progress(bytes_read, file_size)`` is called while the file is parsed.
        """
        file = Path(path)
        if not file.is_file():
            raise InputError(f"{file}: no such file")
        fmt = FILE_FORMATS.get(file.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(FILE_FORMATS))
            raise InputError(f"{file}: unknown RDF format {file.suffix!r}; use one of {known}")
        named, kind = file_graph(file)
        graph = _user_graph(graph) if graph is not None else named
        if graph != named:
            kind = "ontology" if graph == ONTOLOGY_GRAPH else "file"
        resolved = str(file.resolve())
        if self._data.unchanged(graph, resolved):
            return graph
        with self._data.batch():
            try:
                self._data.writable()
            except StoreError as error:
                if isinstance(error, StoreBusyError):
                    raise
                raise StoreError(f"{error}, and {file} is new or changed since it was loaded into it") from None
            if self._data.unchanged(graph, resolved):  # another process loaded it meanwhile
                return graph
            try:
                stat = file.stat()
                if self._data.persistent or progress is not None:
                    with file.open("rb") as handle:  # hash exactly the bytes parsed
                        reader = HashingReader(handle, stat.st_size, progress)
                        self._data.replace(graph, reader, fmt, label=str(file))
                    digest: str | None = reader.hexdigest()
                else:  # nothing outlives the process: the parser reads the file itself, as raw pyoxigraph does
                    self._data.replace(graph, file, fmt, label=str(file))
                    digest = None  # a later time stamp then means "changed" (there is no hash to compare)
            except OSError as error:
                raise InputError(f"{file}: cannot read: {error.strerror}") from None
            self._data.record(Source(graph, kind, digest, stat.st_size, resolved, stat.st_mtime_ns))
        return graph

    def load_data(self, data: str | bytes, graph: str, fmt: str = "turtle", *, label: str = "<data>") -> str:
        """Parse RDF text into the named graph ``graph`` (replacing it). ``fmt`` is an export-format name."""
        rdf_format = RDF_FORMATS.get(fmt)
        if rdf_format is None:
            raise InputError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(RDF_FORMATS))}")
        payload = data.encode("utf-8") if isinstance(data, str) else data
        digest = hashlib.sha256(payload).hexdigest()
        graph = _user_graph(graph)
        recorded = self._data.manifest.sources.get(graph)
        if recorded is not None and recorded.path is None and recorded.sha256 == digest:
            return graph
        with self._data.batch():
            self._data.replace(graph, payload, rdf_format, label=label)
            self._data.record(Source(graph, "data", digest, len(payload)))
        return graph

    def remove_graph(self, graph: str) -> None:
        """Drop a named graph (for example a scenario overlay) and its record from the store."""
        if graph not in self._data.manifest.sources and not self._data.has_graph(graph):
            return
        with self._data.batch():
            self._data.remove(graph)
            self._data.manifest.sources.pop(graph, None)

    def graph_names(self) -> list[str]:
        """Return the IRIs of the loaded graphs (the ontology included, the derived graph not), sorted."""
        return sorted(self._data.manifest.sources)

    def sources(self) -> dict[str, Source]:
        """Return what each loaded graph came from (kind, file, size, SHA-256), by graph IRI."""
        return dict(self._data.manifest.sources)

    def branch(self, graphs: Iterable[str] = ()) -> KnowledgeStore:
        """Return a store that sees this one's graphs and takes graphs of its own that this one does not see,
        without copying anything (what a what-if overlay works on): an in-memory store's branch shares its
        engine; a store on disk, whose engine is read-only, gets an in-memory :meth:`copy`, and so does a store
        whose engine already holds one of ``graphs``, the graphs the branch is to add (another branch's).

        The branch never changes this store's graphs (it refuses to remove or replace them, and its updates may
        only write data blocks into graphs of its own); its derived direct properties go to a graph of its own.
        Its graphs stay in the shared engine until it is closed or garbage-collected.

        Examples
        --------
        >>> store = KnowledgeStore.with_shipped_graphs()
        >>> twig = store.branch()
        >>> twig.load_data("<urn:x:a> <urn:x:b> <urn:x:c> .", "urn:x:graph", "ntriples")
        'urn:x:graph'
        >>> bool(twig.query("ASK { <urn:x:a> ?p ?o }")), bool(store.query("ASK { <urn:x:a> ?p ?o }"))
        (True, False)
        >>> "urn:x:graph" in store.graph_names()
        False
        """
        data = self._data.branch()
        if data is None or any(data.has_graph(graph) for graph in graphs):
            return self.copy()
        twig = KnowledgeStore(check_files=False)
        twig._data = data
        weakref.finalize(twig, data.close)
        return twig

    def copy(self) -> KnowledgeStore:
        """Return an in-memory copy of every quad (see :meth:`branch` for a store that shares the engine)."""
        clone = KnowledgeStore(check_files=False)
        clone._data = self._data.copy()
        return clone

    def __len__(self) -> int:
        """The number of quads in the store: every graph's, the ontology's and the derived graph's included."""
        return len(self._data)

    # -- querying -----------------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        graphs: Sequence[str] | None = None,
        derived: bool = True,
        with_ontology: bool = False,
        policy: DealPolicy | None = None,
    ) -> Any:
        """Run a SPARQL query and return pyoxigraph's result (solutions, boolean or triples).

        ``bindings`` maps variable names to values that the engine substitutes (never pasted into the text);
        strings that look like IRIs become IRIs, other values literals. The default graph is the union of the
        loaded graphs (or of ``graphs``) and the derived direct properties, brought up to date first; the
        ontology only with ``with_ontology=True``. ``derived=False`` leaves the derived properties out (and
        does not wait for them): for queries that read only the deal nodes, such as the projection's.
        ``policy`` (a :class:`~stackgraph.vocabulary.rules.DealPolicy`) shows the direct properties derived
        under that policy instead of the default one: derived for this query into a scratch graph (of an
        in-memory copy when the store is on disk, which a query never writes), then dropped.
        """
        from stackgraph.vocabulary.rules import DealPolicy

        if policy is not None and derived and policy.key() != DealPolicy().key():
            target = self if self.path is None else self.copy()
            return target._query_under(policy, sparql, bindings, graphs, with_ontology)
        if derived:
            self.ensure_derived()
        chosen = self._chosen(graphs, with_ontology, self._data.derived_graph if derived else None)
        return self._run(sparql, bindings, chosen)

    def _query_under(
        self,
        policy: DealPolicy,
        sparql: str,
        bindings: Mapping[str, Any] | None,
        graphs: Sequence[str] | None,
        with_ontology: bool,
    ) -> Any:
        sources = [g for g in self._data.manifest.sources if g != ONTOLOGY_GRAPH]
        rule = insert_from_construct(derivation_query(policy), POLICY_GRAPH, sources) if sources else ""
        with self._data.scratch(rule, POLICY_GRAPH):
            return self._run(sparql, bindings, self._chosen(graphs, with_ontology, POLICY_GRAPH))

    def _run(self, sparql: str, bindings: Mapping[str, Any] | None, chosen: set[str]) -> Any:
        """Run ``sparql`` on the engine with ``bindings``, the union of the ``chosen`` graphs as its default graph
        (see :meth:`stackgraph.storage.dataset.Dataset.query`), mapping errors."""
        substitutions = {ox.Variable(name): as_term(value) for name, value in (bindings or {}).items()}
        try:
            return self._data.query(sparql, chosen, prefixes=PREFIXES, substitutions=substitutions or None)
        except SyntaxError as error:
            raise query_error(sparql, error) from None
        except OSError as error:
            raise self._read_failure(error) from None
        except (ValueError, TypeError) as error:
            raise QueryError(f"query failed: {error}") from None
        except RuntimeError as error:
            if str(error).startswith(("Corruption", "IO error")):  # RocksDB: a damaged store
                raise self._read_failure(error) from None
            # e.g. a substituted variable that the SELECT does not project
            raise QueryError(f"query failed: {error} (a bound variable must be in the SELECT clause)") from None

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        graphs: Sequence[str] | None = None,
        derived: bool = True,
        with_ontology: bool = False,
        policy: DealPolicy | None = None,
    ) -> list[dict[str, Any]]:
        """Run a SELECT (see :meth:`query`) and return its rows as dicts of plain values (unbound ones omitted)."""
        rows = self.query(sparql, bindings, graphs=graphs, derived=derived, with_ontology=with_ontology, policy=policy)
        return solution_rows(rows)

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update on the store (never on the source files). Triples it writes without naming a
        graph go to the graph ``urn:stackgraph:graph:updates``."""
        with self._data.batch():
            self._data.update(sparql)

    def ensure_derived(self) -> None:
        """Bring the derived direct properties (acquires, controls, ...) up to date if the data changed, or if
        the day did: they are derived under the default deal policy as of the day derived."""
        rule = derivation_query()
        if self._derived_rule is not None and rule != self._derived_rule:
            self._data.derived_fresh = False  # derived on another day
        self._data.ensure_derived()
        self._derived_rule = rule

    # -- export -------------------------------------------------------------------------------------------

    def export(self, fmt: str = "turtle", *, graphs: Sequence[str] | None = None, derived: bool = True) -> bytes:
        """Serialise the loaded graphs (the ontology included) or the given ones as ``turtle``, ``ntriples``,
        ``json-ld``, ``nquads``, ``trig`` or ``rdfxml``. Triple formats merge the graphs; quad formats keep
        them apart."""
        rdf_format = RDF_FORMATS.get(fmt)
        if rdf_format is None:
            raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(sorted(RDF_FORMATS))}")
        if derived:
            self.ensure_derived()
        chosen = set(graphs) if graphs is not None else set(self.graph_names())
        if derived:
            chosen.add(self._data.derived_graph)
        quads = [q for g in sorted(chosen) if self._data.has_graph(g) for q in self._data.quads(g)]
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

    # -- life cycle -----------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Nothing to do: every change is published when its call (or :meth:`batch`) ends. Kept for callers."""

    def close(self) -> None:
        """Let go of the store (and of a persistent store's locks)."""
        self._data.close()

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- bookkeeping --------------------------------------------------------------------------------------

    def _chosen(self, graphs: Sequence[str] | None, with_ontology: bool, derived_graph: str | None) -> set[str]:
        """The graphs whose union is a query's default graph: the loaded graphs (or ``graphs``) without the
        ontology, the ontology ``with_ontology``, and ``derived_graph`` when given."""
        loaded = set(self._data.manifest.sources)
        chosen = set(loaded - {ONTOLOGY_GRAPH} if graphs is None else graphs)
        if with_ontology and ONTOLOGY_GRAPH in loaded:
            chosen.add(ONTOLOGY_GRAPH)
        if derived_graph is not None:
            chosen.add(derived_graph)
        return chosen

    def _read_failure(self, error: Exception) -> QueryError | StoreError:
        if self.path is None:
            return QueryError(f"query failed: {error}")
        return StoreError(f"the store {self.path} cannot be read ({error}); " + _DAMAGED.format(path=self.path))


def _for_file(progress: Callable[[Path, int, int], None] | None, file: Path) -> Callable[[int, int], None] | None:
    return None if progress is None else lambda done, total: progress(file, done, total)


def _user_graph(graph: str) -> str:
    if graph == DERIVED_GRAPH:
        raise InputError(f"{DERIVED_GRAPH} holds the derived direct properties; load data into another graph")
    return graph


def open_store(
    extra: Iterable[str | Path] = (),
    *,
    path: str | Path | None = None,
    include_shipped: bool = True,
    progress: Callable[[Path, int, int], None] | None = None,
) -> KnowledgeStore:
    """Open the knowledge store the CLI and API use: ontology + shipped graphs + ``extra`` files (see
    :meth:`KnowledgeStore.with_shipped_graphs`)."""
    return KnowledgeStore.with_shipped_graphs(extra, path=path, include_shipped=include_shipped, progress=progress)
