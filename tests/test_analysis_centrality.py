"""Centrality: hand-computed values, igraph equal to exact NetworkX on small graphs, sampling with its error,
rank direction, dense ranks, groups, degree by relation."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np
import pytest
from analysis_fixtures import deal, diamond, graph, org, snapshot, two_customers
from hypothesis import given, settings
from hypothesis import strategies as st

from stackgraph.analysis.centrality import (
    DEFAULT_SAMPLES,
    EXACT_NODE_LIMIT,
    centrality,
    deal_network,
    rank_network,
)


def values(report, measure: str) -> dict[str, float | None]:
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
        got = values(fast, measure)
        assert {n for n, v in got.items() if v is None} == {n for n, v in expected.items() if v is None}, measure
        assert {n: v for n, v in got.items() if v is not None} == pytest.approx(
            {n: v for n, v in expected.items() if v is not None}, abs=1e-9
        ), measure
    # the reference: NetworkX's own PageRank and betweenness on the rank network
    assert values(exact, "pagerank") == pytest.approx(
        nx.pagerank(rank_network(G), weight="weight", tol=1e-13), abs=1e-9
    )
    assert values(exact, "betweenness") == pytest.approx(nx.betweenness_centrality(deal_network(G)), abs=1e-12)


def test_rank_flows_to_the_acquirer_not_its_targets() -> None:
    """The issue's observation: PageRank along acquirer -> target ranked the targets first."""
    G = graph()
    for target in range(6):
        deal(G, "Cisco", f"t{target}", "acquires")
    for target in range(3):
        deal(G, "Google", f"g{target}", "acquires")
    deal(G, "Google", "t0", "invests_in")
    report = centrality(G)
    assert [r.entity for r in report.rank("pagerank", top=2)] == ["Cisco", "Google"]
    assert report.method["direction"]["acquires"] == "target -> acquirer"
    assert any("rank flows to the party others depend on" in line for line in report.notes())


def test_a_supplier_outranks_its_customers_and_a_developer_its_product() -> None:
    G = two_customers()
    deal(G, "X", "Prod", "develops")
    ranked = [r.entity for r in centrality(G).rank("pagerank")]
    assert ranked.index("S") < ranked.index("X") < ranked.index("Prod")


def test_ties_share_a_dense_rank() -> None:
    G = graph()
    for target in ("b", "c", "d"):
        deal(G, "a", target, "supplies")
    report = centrality(G, top=4)
    assert [(r.entity, r.ranks["pagerank"]) for r in report.rank("pagerank")] == [
        ("a", 1),
        ("b", 2),
        ("c", 2),
        ("d", 2),
    ]
    assert [row[0] for row in report.table()[1]] == [1, 2, 2, 2]
    assert report.dense_rank("betweenness") == {"a": 1, "b": 1, "c": 1, "d": 1}


def test_a_top_cut_keeps_the_order_and_ranks_of_the_full_ranking() -> None:
    G = small_graphs()[0]
    report = centrality(G)
    full = [(r.entity, r.ranks["pagerank"]) for r in report.rank("pagerank")]
    assert [(r.entity, r.ranks["pagerank"]) for r in report.rank("pagerank", top=7)] == full[:7]


def test_betweenness_from_every_source_with_an_edge_is_exact() -> None:
    G = small_graphs()[0]
    sources = centrality(G).method["sources"]
    for backend in ("networkx", "igraph"):
        sampled = centrality(G, backend=backend, samples=sources)
        assert sampled.method["betweenness"] == "exact"  # the whole population: no sampling
        assert values(sampled, "betweenness") == pytest.approx(values(centrality(G), "betweenness"), abs=1e-12)


def test_sampled_betweenness_is_unbiased_over_every_sample() -> None:
    """Averaged over every k-subset of the sources with an edge, the estimate (scaled by sources / k) is the
    exact value; each subset's estimate is what centrality() gives for a seed that draws it."""
    G = diamond()
    deal(G, "D", "E", "supplies", input_layer="chips")
    exact = values(centrality(G), "betweenness")
    R = rank_network(G)
    sources = [n for n in R if R.out_degree(n)]
    k = 2
    subsets = {frozenset(s) for s in itertools.combinations(sources, k)}
    estimates: dict[frozenset, dict] = {}
    for seed in range(200):  # the seeds cover every subset; centrality() states which sample it drew
        report = centrality(G, samples=k, seed=seed)
        drawn = frozenset(random.Random(seed).sample([i for i, n in enumerate(R) if R.out_degree(n)], k))
        estimates.setdefault(frozenset(list(R)[i] for i in drawn), values(report, "betweenness"))
    assert set(estimates) == subsets
    mean = {node: sum(e[node] for e in estimates.values()) / len(subsets) for node in exact}
    assert mean == pytest.approx(exact, abs=1e-12)


def test_sampled_betweenness_states_its_sample_and_standard_error() -> None:
    G = small_graphs()[0]
    report = centrality(G, backend="igraph", samples=12, seed=3, top=5)
    method = report.method
    assert (method["betweenness"], method["samples"], method["seed"], method["error_batches"]) == (
        "sampled",
        12,
        3,
        10,
    )
    rows = report.rank("betweenness", top=5)
    assert all(r.betweenness_error is not None and r.betweenness_error >= 0 for r in rows)
    assert any("standard error" in line for line in report.notes())
    # the same seed draws the same sample on both backends
    reference = centrality(G, backend="networkx", samples=12, seed=3)
    assert values(report, "betweenness") == pytest.approx(values(reference, "betweenness"), abs=1e-12)
    # sources are drawn from nodes with an outgoing edge only: an isolated node never wastes a sample
    assert method["sources"] == sum(1 for n in rank_network(G) if rank_network(G).out_degree(n))


def test_the_estimate_is_within_a_few_standard_errors() -> None:
    G = graph()
    rng = random.Random(5)
    for u, v in nx.gnm_random_graph(200, 600, seed=11, directed=True).edges():
        deal(G, str(u), str(v), "supplies")
    exact = values(centrality(G), "betweenness")
    report = centrality(G, samples=60, seed=rng.randrange(1000))
    rows = [r for r in report.rank("betweenness", top=20)]
    outside = [r for r in rows if abs(r.betweenness - exact[r.entity]) > 4 * r.betweenness_error + 1e-12]
    assert len(outside) <= 2


def test_exact_betweenness_while_the_work_fits_the_budget() -> None:
    G = small_graphs()[0]
    report = centrality(G, exact_node_limit=10)
    assert (report.method["backend"], report.method["betweenness"]) == ("igraph", "exact")
    # with a budget below the work, DEFAULT_SAMPLES sources; here that is every source, so exact again
    assert report.method["sources"] < DEFAULT_SAMPLES and EXACT_NODE_LIMIT > 41
    assert centrality(G, exact_node_limit=10, exact_work=10).method["betweenness"] == "exact"
    assert centrality(G, exact_node_limit=10, exact_work=10, samples=8).method["samples"] == 8
    assert centrality(G, exact_node_limit=10, samples=5, exact=True).method["betweenness"] == "exact"


def test_eigenvector_is_undefined_outside_the_largest_component() -> None:
    G = small_graphs()[1]
    report = centrality(G)
    eigen = values(report, "eigenvector")
    assert eigen["X"] is None and eigen["Y"] is None
    assert max(v for v in eigen.values() if v is not None) == pytest.approx(1.0)
    assert eigen["B"] == pytest.approx(eigen["C"])
    assert "X" not in {r.entity for r in report.rank("eigenvector")}
    assert any("outside it, where it is undefined" in line for line in report.notes())


def test_values_print_at_a_readable_precision() -> None:
    G = graph()
    for i in range(300):
        deal(G, "hub", f"leaf{i}", "supplies")
    row = centrality(G, top=3).table()[1][-1]
    assert "0.00000" not in " ".join(map(str, row))
    assert "e-" in row[3] or float(row[3]) > 0


def test_by_group_rolls_products_into_their_maker() -> None:
    G = graph()
    org(G, "Nvidia", "chips")
    org(G, "V100", "chips", kind="product")
    deal(G, "Nvidia", "V100", "develops")
    for customer in ("A", "B", "C"):
        deal(G, "V100", customer, "supplies")
    report = centrality(G, by="group")
    assert "V100" not in report.nodes
    assert report.rank("pagerank")[0].entity == "Nvidia"
    assert report.method["by"] == "group"
    with pytest.raises(ValueError, match="unknown grouping"):
        centrality(G, by="family")


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
        "betweenness_error",
        "eigenvector",
        "ranks",
    ]
    assert list(data["method"]) == [
        "backend",
        "by",
        "direction",
        "pagerank",
        "betweenness",
        "samples",
        "sources",
        "seed",
        "error_batches",
        "shown_relative_error",
        "work",
        "exact_work",
        "nodes",
        "edges",
        "eigenvector_component",
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
    assert all(r.eigenvector is None or 0.0 <= r.eigenvector <= 1.0 + 1e-9 for r in report.rows)
    assert all(r.ranks["pagerank"] >= 1 for r in report.rows)


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_pagerank_alone_skips_the_other_measures(backend: str) -> None:
    G = diamond()
    full = centrality(G, backend=backend)
    alone = centrality(G, backend=backend, measures=("pagerank",))
    assert alone.scores["pagerank"].tolist() == full.scores["pagerank"].tolist()
    assert alone.dense_rank("pagerank") == full.dense_rank("pagerank")
    assert all(math.isnan(v) for v in alone.scores["betweenness"].tolist() + alone.scores["eigenvector"].tolist())
    assert alone.method["betweenness"] == "not computed" and alone.method["eigenvector_component"] is None
    with pytest.raises(ValueError, match="unknown measure"):
        centrality(G, measures=("closeness",))
    with pytest.raises(ValueError, match="cannot sort by 'betweenness'"):
        centrality(G, measures=("pagerank",), sort="betweenness")


@pytest.mark.parametrize("measures", [("pagerank",), ("betweenness",), ("eigenvector",), ()])
def test_a_report_of_some_measures_says_which_were_not_computed(measures: tuple[str, ...]) -> None:
    report = centrality(diamond(), measures=measures, top=3, sort="degree")
    skipped = [m for m in ("pagerank", "betweenness", "eigenvector") if m not in measures]
    notes = report.notes()
    assert (f"not computed: {', '.join(skipped)} (no value, no rank)" in notes) == bool(skipped)
    nodes = report.to_dict()["nodes"]
    assert nodes and all(row[m] is None and row["ranks"][m] is None for row in nodes for m in skipped)
    assert all(
        cell == "-"
        for row in report.table()[1]
        for cell, m in zip(row[3:6], ("pagerank", "betweenness", "eigenvector"), strict=True)
        if m in skipped
    )


def _dense_ranks_by_definition(values: list[float]) -> list[int]:
    """In descending order, a new rank where a value falls more than the gap below the one before (0: NaN)."""
    present = sorted((v for v in values if not math.isnan(v)), reverse=True)
    gap = 1e-9 * max((abs(v) for v in present), default=0.0)
    rank_of: dict[float, int] = {}
    rank = 0
    for i, v in enumerate(present):
        if i == 0 or present[i - 1] - v > gap:
            rank += 1
        rank_of.setdefault(v, rank)
    return [0 if math.isnan(v) else rank_of[v] for v in values]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(math.nan),
            st.sampled_from([0.0, 0.5, 1.0, 1e-9, -0.25]).flatmap(
                lambda base: st.sampled_from([0.0, 3e-10, 6e-10, 9e-10, 1.2e-9, 2e-9]).map(lambda step: base + step)
            ),
        ),
        max_size=25,
    )
)
def test_dense_ranks_follow_their_definition(values: list[float]) -> None:
    """Ties within the tolerance chain into one rank (0.5, 0.5 + 6e-10, 0.5 + 1.2e-9 are one rank)."""
    from stackgraph.analysis._common import dense_rank_array, dense_ranks

    expected = _dense_ranks_by_definition(values)
    assert dense_rank_array(np.array(values, dtype=float)).tolist() == expected
    assert dense_ranks(values) == [r or None for r in expected]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=20))
def test_rank_arrays_turn_every_pair_around_and_count_deals(pairs: list[tuple[int, int]]) -> None:
    from stackgraph.analysis.networks import rank_arrays

    G = nx.MultiDiGraph()
    G.add_nodes_from(range(6))
    G.add_edges_from(pairs)
    nodes, src, dst, w, in_degree, out_degree = rank_arrays(G)
    assert nodes == list(range(6))
    turned = {(v, u): float(G.number_of_edges(u, v)) for u, v in set(pairs) if u != v}
    assert dict(zip(zip(src.tolist(), dst.tolist(), strict=True), w.tolist(), strict=True)) == turned
    assert len(src) == len(turned)
    assert in_degree.tolist() == [G.in_degree(i) for i in range(6)]
    assert out_degree.tolist() == [G.out_degree(i) for i in range(6)]
