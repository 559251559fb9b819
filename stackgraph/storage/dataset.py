"""The named graphs of a knowledge store, what each came from, and the derived graph: in memory or on disk.

:class:`Dataset` is the writing side of :class:`stackgraph.store.KnowledgeStore`. Every change happens inside a
:meth:`Dataset.batch`; in a store folder the batch writes the next generation (see
:mod:`stackgraph.storage.generations`), brings its derived graph up to date and publishes it when the batch
ends, or throws it away when the batch fails. In memory the derived graph is brought up to date lazily, before
the next query that reads it.

The derived graph is written inside the engine: the CONSTRUCT rule becomes one ``INSERT ... USING ... WHERE``
update (:func:`~stackgraph.storage.derivation.insert_from_construct`). It is recomputed whole after a change,
not per changed file: the rule is not local to a file (a deal in one file may be superseded by a deal in
another, or come from a scenario source declared elsewhere), so the triples a file contributes cannot be
told apart without re-running the rule over everything, and re-running it is about a second per million
triples.

In memory the ontology is kept off the data engine (in a small store of its own, see
:class:`~stackgraph.storage.engine.Engine`), so that a plain query -- what the user loaded, without the ontology --
reads the engine's union of graphs, the fastest form (a list of graphs costs up to twice as much on joins). A query
that reads the ontology has it put into the engine as its named graph (mounted) first; it stays there until a query
that must not see it takes it out again. No graph is mounted or unmounted between the choice of a query's graphs and
its start (:class:`~stackgraph.storage.engine.Engine`), and a pyoxigraph result is a snapshot of the store as it was
when the query started, so a result consumed later on any thread never sees a graph mounted or unmounted after it
started. Every mount re-adds the same quads, which pyoxigraph's memory store keeps as a growing version history per
quad (memory and scan time grow with the number of swaps), so after ``MAX_SWAPS`` swaps
(:mod:`stackgraph.storage.engine`) the ontology stays mounted and plain queries read a list of graphs instead, as a
store on disk always does (its engine is read-only).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from stackgraph.errors import QueryError, StoreError
from stackgraph.sparql_text import keywords, tokens
from stackgraph.storage.derivation import insert_from_construct
from stackgraph.storage.engine import ONTOLOGY, Engine
from stackgraph.storage.folder import StoreFolder
from stackgraph.storage.generations import Generations
from stackgraph.storage.records import DERIVED_GRAPH, ONTOLOGY_GRAPH, UPDATES_GRAPH, Manifest, Source
from stackgraph.storage.sparql import PREFIXES, parse_error, query_error

__all__ = ["Dataset"]

# Removing quads from an on-disk (RocksDB) store costs several times what loading them did, and one large
# removal grows slower than linearly. When a graph to be replaced weighs (in source bytes) at least half of what
# stays, the next generation is rebuilt from the graphs that stay instead; a derived triple counts this many bytes.
_DERIVED_BYTES_PER_TRIPLE = 40

_BRANCHES = itertools.count(1)
#: What a branch's updates may say: data blocks written into (or deleted from) graphs named by their IRIs.
_BRANCH_KEYWORDS = frozenset({"PREFIX", "BASE", "INSERT", "DELETE", "DATA", "GRAPH"})


class Dataset:
    """Named graphs with their :class:`~stackgraph.storage.records.Source` records and a derived graph.

    Parameters
    ----------
    folder : StoreFolder, optional
        Where a persistent store lives; ``None`` keeps everything in memory.
    rule : callable
        Returns the CONSTRUCT query that derives the direct properties (read when they are derived).
    """

    def __init__(self, folder: StoreFolder | None, rule: Callable[[], str]) -> None:
        self._rule = rule
        self._engine = Engine()
        self._disk = Generations(folder) if folder is not None else None
        self._depth = 0
        #: The records: generation, what each graph came from, the derivation it holds.
        self.manifest = Manifest()
        #: Whether the derived graph matches the source graphs and the rule.
        self.derived_fresh = True
        #: Where the direct properties are derived to (a branch has a graph of its own).
        self.derived_graph = DERIVED_GRAPH
        self._updates_graph = UPDATES_GRAPH
        # Graphs on this engine that belong to another dataset (the branches' graphs, for the dataset they branch
        # from; the trunk's derived graph and the other branches' graphs, for a branch): never adopted by update().
        self._lent: set[str] = set()  # shared between a dataset and its branches: every branch's own graphs
        self._own: set[str] | None = None  # a branch's own graphs (None: not a branch)
        if self._disk is not None:
            self._adopt(self._disk.open())

    def branch(self) -> Dataset | None:
        """A dataset on the same in-memory engine that sees this one's graphs and records new graphs of its own,
        which this one does not see: what a what-if overlay needs, without copying the store. ``None`` for a
        store on disk (its engine is read-only: copy it instead).

        The branch never writes this dataset's graphs: it removes or replaces only graphs it added, derives into
        a graph of its own, and takes updates of data blocks into its own graphs only (``INSERT DATA`` /
        ``DELETE DATA``). Its graphs stay in the engine until :meth:`close`; meanwhile queries of this dataset
        that ask for all its graphs list them instead of reading the union of the engine's graphs.
        """
        if self._disk is not None or self._own is not None:
            return None
        twig = Dataset.__new__(Dataset)
        twig._rule = self._rule
        twig._engine = self._engine
        twig._disk = None
        twig._depth = 0
        twig.manifest = Manifest(None, dict(self.manifest.sources), self.manifest.derivation)
        twig.derived_fresh = False
        number = next(_BRANCHES)
        twig.derived_graph = f"{DERIVED_GRAPH}-branch-{number}"
        twig._updates_graph = f"{UPDATES_GRAPH}-branch-{number}"
        twig._lent = self._lent
        twig._own = set()
        return twig

    def copy(self) -> Dataset:
        """An in-memory dataset holding a copy of every quad in this one's engine (every quad through Python)."""
        clone = Dataset(None, self._rule)
        with self._engine.lock:
            clone._engine.store.extend(self.store)
            ontology = ox.Store()
            ontology.extend(self.quads(ONTOLOGY_GRAPH))
        clone._engine.store.remove_graph(ONTOLOGY)  # when it was mounted here, or on disk
        clone._engine.set_ontology(ontology)
        clone.manifest = Manifest(None, dict(self.manifest.sources), self.manifest.derivation)
        clone.derived_fresh = self.derived_fresh
        return clone

    def _foreign(self) -> set[str]:
        """The graphs of the engine that belong to another dataset."""
        if self._own is None:
            return set(self._lent)
        return {DERIVED_GRAPH, UPDATES_GRAPH, *(self._lent - self._own)}

    def _claim(self, graph: str) -> None:
        """A branch takes ``graph`` as its own (refusing a graph of the dataset it branches from)."""
        if self._own is None or graph in self._own:
            return
        if graph in self.manifest.sources or graph in self._foreign() or graph == ONTOLOGY_GRAPH:
            raise StoreError(f"a branch of a store cannot change the graph {graph} it shares with the store")
        self._own.add(graph)
        self._lent.add(graph)

    @property
    def persistent(self) -> bool:
        """Whether the graphs live in a store folder (and outlive the process)."""
        return self._disk is not None

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store that holds the data (read-only when it is a published generation); in memory it
        holds the ontology only while it is mounted (see :meth:`whole`)."""
        return self._disk.store if self._disk is not None else self._engine.store

    def whole(self) -> ox.Store:
        """The pyoxigraph store with every graph in it: in memory, the ontology is mounted (and stays until a
        query that must not see it takes it out)."""
        with self._engine.lock:
            if self._disk is None:
                self._engine.mount()
            return self.store

    def has_graph(self, graph: str) -> bool:
        """Whether the store holds a named graph ``graph``."""
        if graph == ONTOLOGY_GRAPH and self._disk is None:
            return len(self._engine.ontology) > 0
        return self.store.contains_named_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None, subject: ox.NamedNode | ox.BlankNode | None = None) -> Iterator[ox.Quad]:
        """The quads of ``graph`` (all graphs when ``None``), optionally of one ``subject``, the ontology included
        wherever it is kept."""
        node = ox.NamedNode(graph) if graph is not None else None
        with self._engine.lock:
            off = self._disk is None and not self._engine.mounted
            if graph == ONTOLOGY_GRAPH and off:
                return iter(self._engine.ontology.quads_for_pattern(subject, None, None, node))
            found = self.store.quads_for_pattern(subject, None, None, node)
            if graph is None and off:
                return itertools.chain(found, self._engine.ontology.quads_for_pattern(subject, None, None, None))
            return iter(found)

    def __len__(self) -> int:
        with self._engine.lock:
            off = self._disk is None and not self._engine.mounted
            return len(self.store) + (len(self._engine.ontology) if off else 0)

    def query(self, sparql: str, chosen: set[str], **options: Any) -> Any:
        """Run a query whose default graph is the union of the graphs ``chosen`` (read as :meth:`default_graph`
        says). The choice is made under the engine's lock; the query starts beside others (see
        :class:`~stackgraph.storage.engine.Engine`)."""
        engine = self._engine
        with engine.lock:
            graphs = self.default_graph(chosen, named=_names_graphs(sparql))
            engine.begin()
        try:
            return self.store.query(sparql, **graphs, **options)
        finally:
            engine.end()

    def default_graph(self, chosen: set[str], *, named: bool = False) -> dict[str, Any]:
        """How a query reads the union of the graphs ``chosen`` (the one place that decides it): the engine's
        union of all graphs when that is exactly what is chosen (the fastest form), else the list of the chosen
        graphs. In memory the ontology is mounted when chosen, or when the query reads ``named`` graphs (``GRAPH``:
        every named graph is there, as on disk), and unmounted otherwise (see the module's docstring). Call it
        under the engine's lock, and begin the query it is for before letting go (see :meth:`query`)."""
        engine = self._engine
        with engine.lock:
            if self._disk is None and (ONTOLOGY_GRAPH in chosen or named) and len(engine.ontology):
                engine.mount()
            elif self._disk is None:
                engine.unmount()
            if chosen >= {g.value for g in self.store.named_graphs()}:
                return {"use_default_graph_as_union": True}
            return {"default_graph": [ox.NamedNode(g) for g in sorted(chosen)]}

    @contextmanager
    def scratch(self, update: str, graph: str) -> Iterator[None]:
        """Run ``update`` (writing ``graph``; nothing when empty) for the queries run inside the block, then drop
        ``graph``; holding the engine, so that a query of another thread meanwhile waits instead of seeing
        ``graph``."""
        with self._engine.exclusive():
            store = self.store
            if update:
                store.update(update, prefixes=PREFIXES)
            try:
                yield
            finally:
                store.remove_graph(ox.NamedNode(graph))

    def unchanged(self, graph: str, path: str) -> bool:
        """Whether ``graph`` was loaded from the file ``path`` and the file still holds what was loaded."""
        recorded = self.manifest.sources.get(graph)
        if recorded is None or recorded.path != path:
            return False
        state, record = recorded.check()
        if state == "same":
            self.manifest.sources[graph] = record
        return state == "same"

    # -- changes ----------------------------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group changes: on disk they become one generation when the outermost batch ends, or none on error."""
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._abort()
            raise
        self._depth -= 1
        if self._depth == 0:
            self._publish()

    def writable(self) -> ox.Store:
        """The store to write into; on disk, the next generation (taking the writer lock on first use)."""
        if self._disk is not None and self._disk.writing is None:
            newer = self._disk.begin(self.manifest.generation)
            if newer is not None:  # another process published since this one opened the store
                self._adopt(newer)
        return self.store

    def record(self, source: Source) -> None:
        """Record what a graph was loaded from (its content changed: the derived graph is stale)."""
        if self._own is not None and source.graph not in self._own:
            raise StoreError(f"a branch of a store cannot record the graph {source.graph} it did not add")
        self.manifest.sources[source.graph] = source
        self.derived_fresh = False

    def replace(self, graph: str, data: bytes | BinaryIO | Path, fmt: ox.RdfFormat, *, label: str) -> None:
        """Parse ``data`` (bytes, a reader, or a file the parser reads itself) into ``graph`` in place of what it
        held; a syntax error (a :class:`ParseError` naming ``label``) leaves the store as it was (on disk, the
        whole unpublished generation is thrown away)."""
        target = ox.NamedNode(graph)
        store = self.writable()
        self._claim(graph)
        if graph == ONTOLOGY_GRAPH and self._disk is None:  # kept off the engine (see the module's docstring)
            ontology = ox.Store()
            try:
                _bulk_load(ontology, data, fmt, target)
            except (SyntaxError, ValueError) as error:
                raise parse_error(label, error) from None
            if fmt.supports_datasets:  # the file's own graph names fold into one graph
                folded = ox.Store()
                folded.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in ontology)
                ontology = folded
            with self._engine.lock:
                self._engine.set_ontology(ontology)
            return
        if fmt.supports_datasets:
            # Quad formats: parse into a scratch store first (the file's own graph names fold into one graph).
            scratch = ox.Store()
            try:
                _bulk_load(scratch, data, fmt, target)
            except (SyntaxError, ValueError) as error:
                raise parse_error(label, error) from None
            self.remove(graph)
            self.store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in scratch)
            return
        if self._disk is not None:
            self.remove(graph)
            try:
                _bulk_load(self.store, data, fmt, target)
            except (SyntaxError, ValueError) as error:
                self._abort()
                raise parse_error(label, error) from None
            return
        # In memory: bulk-load straight into the graph (as fast as raw pyoxigraph); on a syntax error drop the
        # partly loaded graph and put back what it held before.
        previous = list(store.quads_for_pattern(None, None, None, target)) if self.has_graph(graph) else []
        self.remove(graph)
        try:
            _bulk_load(store, data, fmt, target)
        except (SyntaxError, ValueError) as error:
            self.remove(graph)
            store.extend(previous)
            raise parse_error(label, error) from None

    def remove(self, graph: str) -> None:
        """Remove a graph's triples (its record stays): in memory at once; on disk quad by quad, or by rebuilding
        the generation being written from the other graphs when that is cheaper."""
        self.derived_fresh = self.derived_fresh and graph == self.derived_graph
        if self._own is not None and graph != self.derived_graph and graph not in self._own:
            raise StoreError(f"a branch of a store cannot remove the graph {graph} it shares with the store")
        if not self.has_graph(graph):
            return
        node = ox.NamedNode(graph)
        store = self.writable()
        if self._disk is None and graph == ONTOLOGY_GRAPH:
            with self._engine.lock:
                self._engine.set_ontology(ox.Store())
            return
        if self._disk is None:
            store.remove_graph(node)
            return
        kept = sum(self._weight(g) for g in (*self.manifest.sources, DERIVED_GRAPH) if g != graph)
        if graph != DERIVED_GRAPH and 2 * self._weight(graph) >= kept:
            self._disk.restart_without({graph, DERIVED_GRAPH})
            self.derived_fresh = False
            return
        for quad in list(store.quads_for_pattern(None, None, None, node)):
            store.remove(quad)
        store.remove_graph(node)

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update; triples it writes to no named graph go to ``urn:stackgraph:graph:updates``."""
        store = self.writable()
        if self._own is not None:
            self._check_branch_update(sparql)
        with self._engine.exclusive():
            # the update sees (and may change) the ontology as it would on disk; what it leaves is kept
            mounted = self._disk is None and self._own is None
            if mounted:
                self._engine.mount()
            try:
                store.update(sparql, prefixes=PREFIXES)
            except SyntaxError as error:
                raise query_error(sparql, error, update=True) from None
            except (OSError, ValueError) as error:
                raise QueryError(f"update failed: {error}") from None
            finally:
                if mounted:
                    self._engine.ontology = ox.Store()
                    self._engine.ontology.extend(store.quads_for_pattern(None, None, None, ONTOLOGY))
        loose = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if loose:
            if self._own is not None:
                self._claim(self._updates_graph)
            target = ox.NamedNode(self._updates_graph)
            store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in loose)
            store.remove_graph(ox.DefaultGraph())
        present = {g.value for g in store.named_graphs()} - {self.derived_graph} - self._foreign()
        if self.has_graph(ONTOLOGY_GRAPH):  # kept off the engine in memory
            present.add(ONTOLOGY_GRAPH)
        for graph in present - set(self.manifest.sources):
            self._claim(graph)
            self.record(Source(graph, "data", None))
        for graph in set(self.manifest.sources) - present:
            del self.manifest.sources[graph]
        self.derived_fresh = False

    def ensure_derived(self) -> None:
        """Bring the derived graph up to date (on disk: as one more generation)."""
        if self.derived_fresh:
            return
        try:
            with self.batch():
                self._derive()
        except StoreError as error:
            raise StoreError(f"{error}; its derived direct properties need recomputing") from None

    def close(self) -> None:
        """Throw away unpublished changes and let go of the store and its locks (a branch drops its graphs)."""
        if self._disk is not None:
            self._disk.close()
        if self._own is not None:
            with self._engine.exclusive():
                for graph in [*self._own, self.derived_graph]:
                    self._engine.store.remove_graph(ox.NamedNode(graph))
                    self._lent.discard(graph)
            self._own.clear()
        self._engine = Engine()

    def _check_branch_update(self, sparql: str) -> None:
        """Refuse an update that could reach beyond the branch's own graphs."""
        words = list(tokens(sparql))
        for i, token in enumerate(words):
            if token.kind == "name" and ":" not in token.text and token.text.upper() not in _BRANCH_KEYWORDS:
                raise StoreError(
                    f"a branch of a store takes only INSERT DATA / DELETE DATA updates (found {token.text!r})"
                )
            if token.kind == "name" and token.text.upper() == "GRAPH":
                target = words[i + 1] if i + 1 < len(words) else None
                if target is None or target.kind != "iri":
                    shown = target.text if target is not None else "nothing"
                    raise StoreError(f"a branch of a store writes only graphs named by their IRI, not {shown}")
                self._claim(target.text[1:-1])

    # -- internals ----------------------------------------------------------------------------------------

    def _derive(self) -> None:
        store = self.writable()
        self.remove(self.derived_graph)
        rule = self._rule()
        sources = [g for g in self.manifest.sources if g != ONTOLOGY_GRAPH]
        if sources:
            store.update(insert_from_construct(rule, self.derived_graph, sources), prefixes=PREFIXES)
            if self._own is not None:
                self._lent.add(self.derived_graph)
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{self.derived_graph}> {{ ?s ?p ?o }} }}"
        self.manifest.derived_triples = int(next(iter(store.query(count)))["n"].value)
        self.manifest.derivation = _digest(rule)
        self.derived_fresh = True

    def _adopt(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.derived_fresh = manifest.generation is None or manifest.derivation == _digest(self._rule())

    def _publish(self) -> None:
        if self._disk is None or self._disk.writing is None:
            return
        if not self.derived_fresh:
            self._derive()
        self._adopt(self._disk.publish(self.manifest))

    def _abort(self) -> None:
        if self._disk is not None and self._disk.writing is not None:
            self._adopt(self._disk.abort())

    def _weight(self, graph: str) -> int:
        if graph == DERIVED_GRAPH:
            return self.manifest.derived_triples * _DERIVED_BYTES_PER_TRIPLE
        source = self.manifest.sources.get(graph)
        return source.size if source is not None else 0


@functools.lru_cache(maxsize=256)
def _names_graphs(sparql: str) -> bool:
    """Whether a query reads named graphs by name (``GRAPH``), not only its default graph."""
    # the word at all (not inside "stackgraph"), then as a keyword: outside strings, IRIs and comments
    return re.search(r"\bgraph\b", sparql, re.IGNORECASE) is not None and "GRAPH" in keywords(sparql)


def _bulk_load(store: ox.Store, data: bytes | BinaryIO | Path, fmt: ox.RdfFormat, target: ox.NamedNode) -> None:
    if isinstance(data, Path):
        store.bulk_load(path=str(data), format=fmt, to_graph=target)
    else:
        store.bulk_load(data, fmt, to_graph=target)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
