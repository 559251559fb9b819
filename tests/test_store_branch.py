"""KnowledgeStore.branch(): a store that shares the engine of an in-memory store without changing what it holds."""

from __future__ import annotations

import gc

import pyoxigraph as ox
import pytest

from stackgraph.errors import StoreError
from stackgraph.store import DERIVED_GRAPH, KnowledgeStore

SG = "https://w3id.org/stackgraph/ns#"
DATA = f"""
@prefix sg: <{SG}> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sgid:a a sg:Organization ; rdfs:label "A" .
sgid:b a sg:Organization ; rdfs:label "B" .
sgid:c a sg:Organization ; rdfs:label "C" .
sgid:d1 a sg:Acquisition ; sg:acquirer sgid:a ; sg:target sgid:b ; sg:status sg:Completed .
"""
SCENARIO = f"""
@prefix sg: <{SG}> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
sgid:d2 a sg:Acquisition ; sg:acquirer sgid:a ; sg:target sgid:c ; sg:status sg:Completed .
"""
ACQUIRES = f"SELECT ?t WHERE {{ <https://w3id.org/stackgraph/id/a> <{SG}acquires> ?t }} ORDER BY ?t"


def _store() -> KnowledgeStore:
    store = KnowledgeStore()
    store.load_data(DATA, "urn:test:base")
    store.ensure_derived()
    return store


def _targets(store: KnowledgeStore) -> list[str]:
    return [row["t"].rsplit("/", 1)[-1] for row in store.select(ACQUIRES)]


def test_branch_sees_the_store_and_the_store_not_the_branch() -> None:
    store = _store()
    quads = len(store)
    twig = store.branch()
    twig.load_data(SCENARIO, "urn:test:scenario")
    assert _targets(twig) == ["b", "c"]  # derived in the branch's own graph, over both graphs
    assert _targets(store) == ["b"]
    assert store.graph_names() == ["urn:test:base"]
    assert "urn:test:scenario" in twig.graph_names()
    # the store's derived graph is untouched, and its queries read no graph of the branch
    derived = store.raw.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED_GRAPH))
    assert {q.object.value.rsplit("/", 1)[-1] for q in derived if q.predicate.value == SG + "acquires"} == {"b"}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert store.select(count)[0]["n"] == len(store.select("SELECT * WHERE { ?s ?p ?o }"))
    assert not store.query("ASK { <https://w3id.org/stackgraph/id/d2> ?p ?o }")
    twig.close()
    assert len(store) == quads
    assert _targets(store) == ["b"]


def test_branch_graphs_go_when_it_is_collected() -> None:
    store = _store()
    quads = len(store)
    twig = store.branch()
    twig.load_data(SCENARIO, "urn:test:scenario")
    twig.ensure_derived()
    assert len(store) > quads
    del twig
    gc.collect()
    assert len(store) == quads
    assert store._data.default_graph(store._chosen(None, False, DERIVED_GRAPH)) == {"use_default_graph_as_union": True}


@pytest.mark.parametrize(
    "update",
    [
        "DELETE DATA { GRAPH <urn:test:base> { <https://w3id.org/stackgraph/id/a> a <urn:x> } }",
        "INSERT DATA { GRAPH <urn:test:base> { <urn:x:s> <urn:x:p> <urn:x:o> } }",
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CLEAR ALL",
        "DROP GRAPH <urn:test:base>",
        f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ <urn:x:s> <urn:x:p> <urn:x:o> }} }}",
    ],
)
def test_branch_never_writes_the_store(update: str) -> None:
    store = _store()
    before = sorted(map(str, store.raw))
    twig = store.branch()
    with pytest.raises(StoreError, match="branch"):
        twig.update(update)
    with pytest.raises(StoreError, match="branch"):
        twig.remove_graph("urn:test:base")
    with pytest.raises(StoreError, match="branch"):
        twig.load_data(SCENARIO, "urn:test:base")
    assert sorted(map(str, store.raw)) == before


def test_branch_writes_data_blocks_into_its_own_graphs() -> None:
    store = _store()
    twig = store.branch()
    twig.update("INSERT DATA { GRAPH <urn:test:mine> { <urn:x:s> <urn:x:p> <urn:x:o> } }")
    twig.update("INSERT DATA { <urn:x:loose> <urn:x:p> <urn:x:o> }")
    assert twig.query("ASK { <urn:x:s> <urn:x:p> <urn:x:o> }")
    assert twig.query("ASK { <urn:x:loose> <urn:x:p> <urn:x:o> }")
    assert not store.query("ASK { ?s <urn:x:p> ?o }")
    assert "urn:test:mine" not in store.graph_names()
    twig.update("DELETE DATA { GRAPH <urn:test:mine> { <urn:x:s> <urn:x:p> <urn:x:o> } }")
    assert not twig.query("ASK { <urn:x:s> <urn:x:p> <urn:x:o> }")


def test_branch_of_a_store_on_disk_is_a_copy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "base.ttl"
    source.write_text(DATA, encoding="utf-8")
    store = KnowledgeStore(tmp_path / "store")
    store.load_file(source)
    twig = store.branch()
    assert twig.path is None
    twig.load_data(SCENARIO, "urn:test:scenario")
    assert _targets(twig) == ["b", "c"]
    assert _targets(store) == ["b"]
    store.close()
