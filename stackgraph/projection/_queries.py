"""The projection's SELECTs (``stackgraph/queries/projection/*.rq``), answered on two worker lanes as SPARQL TSV."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from stackgraph.resources import queries_dir
from stackgraph.tsv import tsv_rows
from stackgraph.vocabulary.sparql import fill

if TYPE_CHECKING:
    from concurrent.futures import Future

    from stackgraph.store import KnowledgeStore

__all__ = ["Queries", "query_text"]


@functools.lru_cache(maxsize=32)
def query_text(name: str) -> str:
    """A projection query, its rules written in (they depend on the vocabulary only): read once per process."""
    return fill((queries_dir() / "projection" / f"{name}.rq").read_text(encoding="utf-8"))


class Queries:
    """The projection's SELECTs, answered one after another on a worker thread, as SPARQL TSV.

    pyoxigraph lets go of the GIL while it evaluates and serialises a query, so the engine answers the next
    queries while the caller folds the rows of the earlier ones into the graph: with two cores, the engine's share
    of the projection (two fifths at 300k deals) mostly disappears behind the Python work. Submit queries in the
    order their results are needed; leaving the ``with`` block cancels what was not started.
    """

    def __init__(self, store: KnowledgeStore, graphs: Sequence[str] | None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._store = store
        self._graphs = graphs
        self._lanes = [ThreadPoolExecutor(max_workers=1, thread_name_prefix="stackgraph-projection") for _ in range(2)]

    def __enter__(self) -> Queries:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for lane in self._lanes:
            lane.shutdown(wait=True, cancel_futures=True)

    def submit(self, name: str, values: str = "", *, property_iri: str = "", lane: int = 0) -> Future[bytes]:
        """Start ``queries/projection/{name}.rq``; the future holds its TSV result.

        ``values`` replaces the query's ``#VALUES#`` line (a VALUES block built from IRIs the store returned) and
        ``property_iri`` its ``#PROPERTY#`` (an IRI as the engine writes it). Queries on one ``lane`` (0 or 1) run
        one after another; the second lane lets a first batch run beside the main one while the caller has
        nothing to fold yet.
        """
        sparql = query_text(name).replace("#VALUES#", values).replace("#PROPERTY#", property_iri)
        return self._lanes[lane].submit(self._tsv, sparql)

    def rows(self, name: str) -> list[list[str | None]]:
        """Run a query now and return its rows (see :func:`stackgraph.tsv.tsv_rows`)."""
        return tsv_rows(self.submit(name).result())

    def _tsv(self, sparql: str) -> bytes:
        import pyoxigraph as ox

        # The projection reads deal nodes only, never the derived direct properties: no need to derive them first.
        # It reads the role properties and the layer scheme from the ontology.
        result = self._store.query(sparql, graphs=self._graphs, derived=False, with_ontology=True)
        return bytes(result.serialize(format=ox.QueryResultsFormat.TSV))
