"""The ontology kept off an in-memory store's engine: plain queries never see it, queries that ask for it do.

In memory the ontology's quads live apart from the data engine so that a plain query reads the engine's union of
graphs (``stackgraph.storage.dataset``); a query with ``with_ontology=True`` (or one that names graphs with
``GRAPH``) has it mounted into the engine first. These tests pin what the user sees, whatever state the engine is
in, also with results consumed after the engine changed and with queries on two threads at once.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from stackgraph.storage.engine import ONTOLOGY, Engine
from stackgraph.store import DERIVED_GRAPH, ONTOLOGY_GRAPH, POLICY_GRAPH, KnowledgeStore
from stackgraph.vocabulary.rules import DealPolicy

SCHEMA = "ASK { sg:Acquisition a owl:Class }"
CLASSES_PATTERN = "?class a owl:Class"
CLASSES = f"SELECT ?class WHERE {{ {CLASSES_PATTERN} }}"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DATA = """
@prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix sgid: <https://w3id.org/stackgraph/id/> .
sgid:A a sg:Organization ; sg:inLayer sg:AIModels . sgid:B a sg:Organization .
sgid:deal a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Completed .
"""


@pytest.fixture(scope="module")
def shipped() -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs()
    store.ensure_derived()
    return store


def _small() -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(DATA, "urn:test:data")
    store.ensure_derived()
    return store


def _ontology_triples(store: KnowledgeStore) -> set[str]:
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in store.quads(ONTOLOGY_GRAPH)}


def _data_quads(store: KnowledgeStore) -> int:
    """The quads a plain query's default graph holds: every loaded graph but the ontology, and the derived one."""
    graphs = [g for g in store.graph_names() if g != ONTOLOGY_GRAPH] + [DERIVED_GRAPH]
    return sum(1 for g in graphs for _ in store.quads(g))


def _triples(rows: object) -> set[str]:
    return {str(ox.Triple(row["s"], row["p"], row["o"])) for row in rows}  # type: ignore[attr-defined]


def test_plain_queries_never_see_the_ontology_whatever_ran_before(shipped: KnowledgeStore) -> None:
    expected = _data_quads(shipped)
    ontology = _ontology_triples(shipped)
    assert len(ontology) > 400
    for turn in range(4):  # plain after plain, after with_ontology, after raw, ...
        if turn == 1:
            assert bool(shipped.query(SCHEMA, with_ontology=True))
        if turn == 2:
            assert len(shipped.raw) == len(shipped)
        assert not bool(shipped.query(SCHEMA))
        assert shipped.select(COUNT)[0]["n"] == expected
        assert not _triples(shipped.query(ALL)) & ontology
        assert bool(shipped.query(SCHEMA, with_ontology=True))
        assert shipped.select(COUNT, with_ontology=True)[0]["n"] == expected + len(ontology)


def test_a_result_keeps_what_it_started_with_while_the_ontology_moves(shipped: KnowledgeStore) -> None:
    ontology = _ontology_triples(shipped)
    plain = shipped.query(ALL)  # consumed lazily, after the ontology was mounted for another query
    schema = shipped.query(CLASSES, with_ontology=True)
    assert bool(shipped.query(SCHEMA, with_ontology=True))
    assert not _triples(plain) & ontology
    assert not bool(shipped.query(SCHEMA))  # unmounts it again: the schema result started with it mounted
    classes = {row["class"].value for row in schema}
    assert "https://w3id.org/stackgraph/ns#Acquisition" in classes


def test_plain_and_ontology_queries_on_two_threads(shipped: KnowledgeStore) -> None:
    expected = _data_quads(shipped)
    classes = len(shipped.select(CLASSES, with_ontology=True))
    failures: list[str] = []
    start = threading.Barrier(2)

    def schema() -> None:
        start.wait()
        for _ in range(25):
            result = shipped.query(CLASSES, with_ontology=True)
            seen = sum(1 for _ in result)
            if seen != classes:
                failures.append(f"with_ontology saw {seen} classes, not {classes}")

    def plain() -> None:
        start.wait()
        for _ in range(25):
            if bool(shipped.query(SCHEMA)):
                failures.append("a plain ASK saw the ontology")
            result = shipped.query(COUNT)
            seen = int(next(iter(result))["n"].value)
            if seen != expected:
                failures.append(f"a plain count saw {seen} quads, not {expected}")

    threads = [threading.Thread(target=schema), threading.Thread(target=plain)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_after_many_swaps_the_ontology_stays_and_plain_queries_list_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("stackgraph.storage.engine.MAX_SWAPS", 2)
    store = _small()
    expected = _data_quads(store)
    chosen = store._chosen(None, False, DERIVED_GRAPH)
    assert store._data.default_graph(chosen) == {"use_default_graph_as_union": True}
    for _ in range(5):
        assert bool(store.query(SCHEMA, with_ontology=True))
        assert not bool(store.query(SCHEMA))
        assert store.select(COUNT)[0]["n"] == expected
    listed = store._data.default_graph(chosen)
    assert sorted(g.value for g in listed["default_graph"]) == sorted(chosen)
    assert ONTOLOGY_GRAPH in {g.value for g in store._data.store.named_graphs()}  # it stayed in


def test_graph_clauses_reach_the_ontology_as_on_disk() -> None:
    store = _small()
    ask = f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ sg:Acquisition a owl:Class }} }}"
    assert bool(store.query(ask))
    names = {row["g"] for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert names == {ONTOLOGY_GRAPH, "urn:test:data", DERIVED_GRAPH}
    assert not bool(store.query(SCHEMA))  # the default graph still leaves it out


def test_length_export_copy_and_raw_hold_the_ontology() -> None:
    store = _small()
    ontology = _ontology_triples(store)
    assert ONTOLOGY_GRAPH in store.graph_names()
    assert len(store) == _data_quads(store) + len(ontology)
    exported = store.export("nquads").decode("utf-8")
    assert exported.count(f"<{ONTOLOGY_GRAPH}>") == len(ontology)
    assert len(store.to_rdflib(graphs=[ONTOLOGY_GRAPH])) == len(ontology)
    clone = store.copy()
    assert sorted(clone.export("nquads").splitlines()) == sorted(store.export("nquads").splitlines())
    assert len(clone) == len(store)
    assert bool(clone.query(SCHEMA, with_ontology=True)) and not bool(clone.query(SCHEMA))
    quads = {str(q) for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))}
    assert len(quads) == len(ontology)
    assert not bool(store.query(SCHEMA))


def test_updates_see_and_change_the_ontology() -> None:
    store = _small()
    before = len(_ontology_triples(store))
    store.update(f"DELETE DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ sg:Acquisition a owl:Class }} }}")
    assert len(_ontology_triples(store)) == before - 1
    assert not bool(store.query(SCHEMA, with_ontology=True))
    store.update(f"INSERT {{ GRAPH <{ONTOLOGY_GRAPH}> {{ sg:Acquisition a owl:Class }} }} WHERE {{}}")
    assert bool(store.query(SCHEMA, with_ontology=True)) and not bool(store.query(SCHEMA))
    store.update(f"DROP GRAPH <{ONTOLOGY_GRAPH}>")
    assert ONTOLOGY_GRAPH not in store.graph_names()
    assert not bool(store.query(SCHEMA, with_ontology=True))


def test_reloading_or_removing_the_ontology_while_it_is_mounted() -> None:
    store = _small()
    assert bool(store.query(SCHEMA, with_ontology=True))  # mounted
    store.remove_graph(ONTOLOGY_GRAPH)
    assert not bool(store.query(SCHEMA, with_ontology=True))
    assert ONTOLOGY_GRAPH not in store.graph_names()
    assert len(store) == _data_quads(store)
    reloaded = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    assert bool(reloaded.query(SCHEMA, with_ontology=True))
    triples = _ontology_triples(reloaded)
    reloaded.load_data(reloaded.export("turtle", graphs=[ONTOLOGY_GRAPH], derived=False), ONTOLOGY_GRAPH)
    assert bool(reloaded.query(SCHEMA, with_ontology=True)) and not bool(reloaded.query(SCHEMA))
    quads = reloaded.export("nquads", graphs=[ONTOLOGY_GRAPH], derived=False).replace(
        ONTOLOGY_GRAPH.encode(), b"urn:test:elsewhere"
    )
    reloaded.load_data(quads, ONTOLOGY_GRAPH, "nquads")  # a quad file's graph names fold into the graph loaded
    assert _ontology_triples(reloaded) == triples
    assert {q.graph_name.value for q in reloaded.quads(ONTOLOGY_GRAPH)} == {ONTOLOGY_GRAPH}
    assert bool(reloaded.query(SCHEMA, with_ontology=True)) and not bool(reloaded.query(SCHEMA))


def test_a_branch_mounting_the_ontology_never_shows_it_to_the_store() -> None:
    store = _small()
    twig = store.branch()
    twig.load_data("<urn:x:a> <urn:x:b> <urn:x:c> .", "urn:x:graph", "ntriples")
    assert bool(twig.query(SCHEMA, with_ontology=True))
    assert not bool(store.query(SCHEMA)) and not bool(twig.query(SCHEMA))
    assert bool(twig.query(SCHEMA, with_ontology=True))
    assert not bool(store.query(SCHEMA))
    assert ONTOLOGY_GRAPH in twig.graph_names()
    with pytest.raises(Exception, match="cannot change the graph"):
        twig.load_data("<urn:x:a> <urn:x:b> <urn:x:c> .", ONTOLOGY_GRAPH, "ntriples")


def test_a_query_under_another_policy_sees_the_ontology_only_when_asked() -> None:
    store = _small()
    policy = DealPolicy(statuses=frozenset({"completed", "announced"}))
    assert not bool(store.query(SCHEMA, policy=policy))
    assert bool(store.query(SCHEMA, policy=policy, with_ontology=True))
    assert bool(store.query("ASK { ?a sg:acquires ?b }", policy=policy))
    assert POLICY_GRAPH not in {g.value for g in store._data.store.named_graphs()}


def test_a_store_on_disk_keeps_the_ontology_out_of_plain_queries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with KnowledgeStore.with_shipped_graphs(path=tmp_path / "store", include_shipped=False) as store:
        store.load_data(DATA, "urn:test:data")
        assert not bool(store.query(SCHEMA)) and bool(store.query(SCHEMA, with_ontology=True))
        assert len(store) == _data_quads(store) + len(_ontology_triples(store))


def _engine_with_ontology() -> Engine:
    engine = Engine()
    engine.ontology.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"), ONTOLOGY))
    return engine


def test_a_starting_query_holds_off_mounting_until_it_has_started() -> None:
    # A query is "starting" from the choice of its graphs until pyoxigraph's query call returns (an aggregate
    # evaluates whole inside it); the ontology may not arrive meanwhile, and arrives once it has started.
    engine = _engine_with_ontology()
    with engine.lock:
        engine.begin()
    mounter = threading.Thread(target=engine.mount)
    mounter.start()
    mounter.join(timeout=0.5)
    assert mounter.is_alive() and not engine.mounted
    engine.end()
    mounter.join(timeout=30)
    assert not mounter.is_alive() and engine.mounted


def test_queries_start_side_by_side_without_waiting_for_each_other() -> None:
    # Two queries starting at once: the second begins while the first is still starting (no lock is held).
    engine = _engine_with_ontology()
    began = threading.Event()

    def second() -> None:
        with engine.lock:
            engine.begin()
        began.set()
        engine.end()

    with engine.lock:
        engine.begin()
    other = threading.Thread(target=second)
    other.start()
    assert began.wait(timeout=30)
    engine.end()
    other.join(timeout=30)


def test_an_exclusive_hold_waits_for_starting_queries_and_blocks_new_choices() -> None:
    engine = _engine_with_ontology()
    with engine.lock:
        engine.begin()
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with engine.exclusive():
            inside.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert not inside.wait(timeout=0.5)  # a query is still starting
    engine.end()
    assert inside.wait(timeout=30)
    assert not engine.lock.acquire(timeout=0.2)  # nobody chooses a query's graphs meanwhile
    release.set()
    holder.join(timeout=30)
    assert engine.lock.acquire(timeout=30)
    engine.lock.release()


def test_two_aggregate_queries_on_two_threads_see_their_own_graphs(shipped: KnowledgeStore) -> None:
    # Aggregates evaluate inside the query call, now outside the engine's lock: a count of the data and a count
    # of the ontology's classes, side by side, each sees what it asked for.
    expected = _data_quads(shipped)
    count_classes = f"SELECT (COUNT(*) AS ?n) WHERE {{ {CLASSES_PATTERN} }}"
    classes = int(next(iter(shipped.query(count_classes, with_ontology=True)))["n"].value)
    failures: list[str] = []
    start = threading.Barrier(2)

    def counts(with_ontology: bool) -> None:
        start.wait()
        for _ in range(20):
            if with_ontology:
                seen = int(next(iter(shipped.query(count_classes, with_ontology=True)))["n"].value)
                if seen != classes:
                    failures.append(f"saw {seen} classes, not {classes}")
            else:
                seen = int(next(iter(shipped.query(COUNT)))["n"].value)
                if seen != expected:
                    failures.append(f"a plain count saw {seen} quads, not {expected}")

    threads = [threading.Thread(target=counts, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
