"""Centrality: hand-computed values, igraph equal to exact NetworkX on small graphs, sampling, degree by relation."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_fixtures import deal, diamond, graph, org, snapshot, two_customers
from hypothesis import given, settings
from hypothesis import strategies as st

from stackgraph.analysis.centrality import DEFAULT_SAMPLES, EXACT_NODE_LIMIT, centrality, deal_network


def values(report, measure: str) -> dict[str, float]:
    return {r.entity: r.value(measure) for r in report.rows}


def path_graph() -> nx.MultiDiGraph:
    G = graph()
    deal(G, "a", "b", "supplies")
    deal(G, "b", "c", "supplies")
    return G


def test_betweenness_of_a_directed_path_is_hand_computed() -> None:
    # only the pair (a, c) passes through b; NetworkX normalises directed betweenness by (n-1)(n-2) = 2
    report = centrality(path_graph())
    assert values(report, "betweenness") == {"a": 0.0, "b": 0.5, "c": 0.0}
    assert report.method["backend"] == "networkx" and report.method["betweenness"] == "exact"


def test_degree_is_counted_per_relation_and_deal() -> None:
    G = two_customers()
    deal(G, "S", "X", "invests_in")
    deal(G, "S", "X", "partners_with")
    deal(G, "X", "S", "partners_with", key="S-partners_with-X")
    before = snapshot(G)
    row = {r.entity: r for r in centrality(G).rows}["S"]
    assert row.degree_by_relation == {
        "supplies": {"in": 0, "out": 2},
        "invests_in": {"in": 0, "out": 1},
        "partners_with": {"in": 1, "out": 1},
    }
    assert (row.in_degree, row.out_degree, row.degree) == (1, 4, 5)
    assert deal_network(G).edges["S", "X"]["weight"] == 3
    assert snapshot(G) == before


def small_graphs() -> list[nx.MultiDiGraph]:
    random_graph = graph()
    for u, v in nx.gnm_random_graph(40, 120, seed=7, directed=True).edges():
        deal(random_graph, str(u), str(v), "supplies")
    deal(random_graph, "0", "1", "invests_in")  # a parallel edge: weight 2
    org(random_graph, "isolated")
    split = diamond()
    deal(split, "X", "Y", "partners_with")  # a second component
    return [random_graph, split, two_customers(), path_graph()]


@pytest.mark.parametrize("index", range(4))
def test_the_igraph_path_equals_exact_networkx_on_small_graphs(index: int) -> None:
    G = small_graphs()[index]
    exact = centrality(G, backend="networkx")
    fast = centrality(G, backend="igraph")
    assert fast.method["backend"] == "igraph" and fast.method["betweenness"] == "exact"
    for measure in ("pagerank", "betweenness", "eigenvector"):
        expected = values(exact, measure)
        assert values(fast, measure) == pytest.approx(expected, abs=1e-7), measure
    assert values(exact, "pagerank") == pytest.approx(nx.pagerank(deal_network(G), weight="weight"), abs=1e-5)


def test_sampled_betweenness_matches_networkx_with_the_same_seed() -> None:
    G = small_graphs()[0]
    report = centrality(G, backend="igraph", samples=10, seed=3)
    assert (report.method["betweenness"], report.method["samples"], report.method["seed"]) == ("sampled", 10, 3)
    expected = nx.betweenness_centrality(deal_network(G), k=10, seed=3)
    assert values(report, "betweenness") == pytest.approx(expected, abs=1e-12)


def test_large_graphs_switch_to_igraph_with_sampled_betweenness() -> None:
    G = small_graphs()[0]
    report = centrality(G, exact_node_limit=10)
    assert (report.method["backend"], report.method["betweenness"]) == ("igraph", "exact")
    # 41 nodes: above the sampling limit, but fewer than the default sample, so betweenness stays exact
    assert centrality(G, exact_node_limit=10, sample_node_limit=20).method["betweenness"] == "exact"
    assert DEFAULT_SAMPLES > 41 and EXACT_NODE_LIMIT > 41
    sampled = centrality(G, exact_node_limit=10, sample_node_limit=20, samples=5)
    assert (sampled.method["betweenness"], sampled.method["samples"]) == ("sampled", 5)
    assert centrality(G, exact_node_limit=10, samples=5, exact=True).method["betweenness"] == "exact"


def test_eigenvector_is_computed_on_the_largest_component() -> None:
    G = small_graphs()[1]
    eigen = values(centrality(G), "eigenvector")
    assert eigen["X"] == eigen["Y"] == 0.0
    assert max(eigen.values()) == pytest.approx(1.0)
    assert eigen["B"] == pytest.approx(eigen["C"])


def test_rankings_and_json_shape() -> None:
    report = centrality(path_graph(), top=2, sort="betweenness")
    data = report.to_dict()
    assert list(data) == ["as_of", "statuses", "undated", "evidence", "basis", "method", "rankings", "nodes"]
    assert list(data["rankings"]) == ["pagerank", "betweenness", "eigenvector", "degree"]
    assert data["rankings"]["betweenness"][0] == {"rank": 1, "entity": "b", "label": "b", "value": 0.5}
    assert len(data["nodes"]) == 2 and data["nodes"][0]["entity"] == "b"
    assert list(data["nodes"][0]) == [
        "entity",
        "label",
        "kind",
        "in_degree",
        "out_degree",
        "degree_by_relation",
        "pagerank",
        "betweenness",
        "eigenvector",
    ]
    assert list(data["method"]) == [
        "backend",
        "betweenness",
        "samples",
        "seed",
        "nodes",
        "edges",
        "eigenvector_component",
        "exact_node_limit",
        "sample_node_limit",
    ]


def test_an_empty_graph_gives_empty_rankings() -> None:
    for backend in ("networkx", "igraph"):
        report = centrality(graph(), backend=backend)
        assert report.rows == () and report.to_dict()["rankings"]["pagerank"] == []


def test_bad_options_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        centrality(graph(), backend="gpu")
    with pytest.raises(ValueError, match="unknown measure"):
        centrality(graph(), sort="fame")


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1),
                    st.integers(0, n - 1),
                    st.sampled_from(["supplies", "acquires", "invests_in", "partners_with", "develops"]),
                ),
                max_size=12,
            ),
        )
    )
)
def test_centrality_is_defined_on_any_small_graph(case):
    """Tiny components (two linked nodes) and periodic graphs used to crash eigenvector or PageRank."""
    n, links = case
    G = nx.MultiDiGraph()
    for i in range(n):
        G.add_node(str(i), label=str(i), kind="organization", layers=(), iri=str(i))
    for j, (u, v, relation) in enumerate(links):
        if u != v:
            G.add_edge(str(u), str(v), key=f"d{j}", relation=relation, status="active", stake=None)
    report = centrality(G)
    assert len(report.rows) == n
    assert abs(sum(r.pagerank for r in report.rows) - 1.0) < 1e-6
    assert all(0.0 <= r.eigenvector <= 1.0 + 1e-9 for r in report.rows)
