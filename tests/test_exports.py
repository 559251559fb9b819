"""Exports of a tiny hand-made projected graph: GraphML and GEXF read back by NetworkX, the CSV edge list, RDF."""

from __future__ import annotations

import copy
import csv
import io

import networkx as nx
import pytest

from stackgraph.errors import InputError
from stackgraph.exports import CSV_COLUMNS, export_graph, export_rdf, sanitise, to_csv_edges, to_gexf, to_graphml
from stackgraph.store import KnowledgeStore

A, B, C = "https://w3id.org/stackgraph/id/A", "https://w3id.org/stackgraph/id/B", "https://w3id.org/stackgraph/id/C"


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(as_of="2025-01-01", statuses=("active", "completed"), layers={"ai-models": {"feeds": []}})
    G.add_node(A, label="A Corp", kind="organization", layers=("ai-models", "software"), iri=A, aliases=())
    G.add_node(B, label="B Ltd", kind="organization", layers=(), iri=B, aliases=("Bee",))
    G.add_node(C, label="C", kind="product", layers=("devices",), iri=C, aliases=())
    G.add_edge(
        A,
        B,
        key="urn:deal:1",
        relation="acquires",
        status="completed",
        announced=None,
        effective="2009-11-11",
        ended=None,
        amount=2.7e9,
        currency="USD",
        stake=None,
        deal="urn:deal:1",
        quotes=(),
        sources=("Crunchbase 2013 export",),
        scenario=False,
    )
    G.add_edge(
        A,
        C,
        key="urn:deal:2",
        relation="develops",
        status="active",
        effective=None,
        amount=None,
        deal="urn:deal:2",
        quotes=("A builds C.", "C is A's."),
        sources=("News", "Blog"),
        scenario=False,
    )
    return G


def test_sanitise_never_mutates_and_keeps_only_simple_types(graph: nx.MultiDiGraph) -> None:
    before = copy.deepcopy(graph)
    H = sanitise(graph)
    assert nx.utils.graphs_equal(graph, before) and graph.graph == before.graph
    assert H.nodes[A]["layers"] == "ai-models;software"
    assert "aliases" in H.nodes[B] and H.nodes[B]["aliases"] == "Bee"
    assert H.edges[A, C, "urn:deal:2"]["quotes"] == "A builds C.;C is A's."
    assert "amount" not in H.edges[A, C, "urn:deal:2"]  # None dropped
    assert H.graph["layers"] == '{"ai-models": {"feeds": []}}'
    for _u, _v, data in H.edges(data=True):
        assert all(isinstance(value, str | float | bool) for value in data.values())


def test_graphml_round_trip(graph: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(to_graphml(graph)), force_multigraph=True)
    assert set(back.nodes) == {A, B, C}
    assert back.nodes[A]["layers"] == "ai-models;software"
    edge = back.edges[A, B, "urn:deal:1"]
    assert (edge["relation"], edge["amount"], edge["effective"], edge["scenario"]) == (
        "acquires",
        2.7e9,
        "2009-11-11",
        False,
    )


def test_gexf_round_trip(graph: nx.MultiDiGraph) -> None:
    back = nx.read_gexf(io.BytesIO(to_gexf(graph)))
    assert back.nodes[A]["label"] == "A Corp"
    relations = sorted(d["relation"] for _u, _v, d in back.edges(data=True))
    assert relations == ["acquires", "develops"]


def test_csv_edge_list(graph: nx.MultiDiGraph) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv_edges(graph))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0] == {
        "source": A,
        "source_label": "A Corp",
        "target": B,
        "target_label": "B Ltd",
        "relation": "acquires",
        "status": "completed",
        "announced": "",
        "effective": "2009-11-11",
        "ended": "",
        "amount": "2700000000",
        "currency": "USD",
        "stake": "",
        "deal": "urn:deal:1",
        "sources": "Crunchbase 2013 export",
    }
    assert rows[1]["sources"] == "News;Blog" and rows[1]["relation"] == "develops"


def test_rdf_exports_and_unknown_formats() -> None:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(
        "<https://w3id.org/stackgraph/id/A> a <https://w3id.org/stackgraph/ns#Organization> .",
        "urn:stackgraph:graph:tiny",
    )
    nquads = export_rdf(store, "nquads").decode()
    assert "<https://w3id.org/stackgraph/id/A> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in nquads
    assert "<urn:stackgraph:graph:tiny> ." in nquads
    assert '"@id":"https://w3id.org/stackgraph/id/A"' in export_rdf(store, "json-ld").decode().replace(" ", "")
    with pytest.raises(InputError, match="unknown RDF export format 'xml'"):
        export_rdf(store, "xml")
    with pytest.raises(InputError, match="unknown graph export format 'dot'"):
        export_graph(nx.MultiDiGraph(), "dot")
