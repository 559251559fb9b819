"""Stack coverage: credits with the layer hierarchy, score, integration depth along feeds, ranking."""

from __future__ import annotations

import pytest
from analysis_fixtures import chain, deal, graph, org, snapshot

from stackgraph.analysis.coverage import coverage_ranking, group_coverage, integration_chain, layer_scheme


def credits(coverage) -> dict[str, float]:
    return {c.layer: c.credit for c in coverage.layers}


def test_the_chain_group_holds_three_layers_fed_one_into_the_next() -> None:
    G = chain()  # A (models) controls B (chips) controls C (fab)
    before = snapshot(G)
    coverage = group_coverage(G, "A")
    assert coverage.held == ("chips", "fab", "models")
    assert credits(coverage) == {"apps": 0.0, "chips": 1.0, "compute": 1.0, "fab": 1.0, "models": 1.0}
    assert coverage.partial == ()
    assert coverage.score == pytest.approx(4 / 5)
    assert (coverage.integration_depth, coverage.chain) == (3, ("fab", "chips", "models"))
    assert coverage.members == ("A", "B", "C")
    assert snapshot(G) == before


def test_a_narrower_layer_covers_its_broader_layer_partially() -> None:
    G = graph()
    org(G, "F", "fab")
    coverage = group_coverage(G, "F")
    assert credits(coverage)["compute"] == 0.5  # one of its two narrower layers
    assert coverage.partial == ("compute",)
    assert coverage.score == pytest.approx(1.5 / 5)
    assert coverage.integration_depth == 1


def test_a_feed_into_a_broader_layer_links_its_narrower_layers() -> None:
    layers = {
        "tools": {"label": "Tools", "broader": None, "feeds": ["software"]},
        "software": {"label": "Software", "broader": None, "feeds": []},
        "enterprise": {"label": "Enterprise", "broader": "software", "feeds": []},
    }
    G = graph(layers)
    org(G, "T", "tools")
    org(G, "E", "enterprise")
    deal(G, "T", "E", "acquires")
    assert group_coverage(G, "T").chain == ("tools", "enterprise")


def test_layers_not_linked_by_feeds_give_depth_one() -> None:
    G = graph()
    org(G, "X", "fab", "apps")
    coverage = group_coverage(G, "X")
    assert (coverage.integration_depth, coverage.chain) == (1, ("apps",))


def test_a_group_without_layers_has_zero_coverage() -> None:
    G = graph()
    org(G, "Nobody")
    coverage = group_coverage(G, "Nobody")
    assert (coverage.score, coverage.integration_depth, coverage.chain, coverage.held) == (0.0, 0, (), ())


def test_integration_chain_survives_a_cycle_of_feeds() -> None:
    scheme = {
        "a": {"broader": None, "feeds": ["b"], "narrower": []},
        "b": {"broader": None, "feeds": ["a", "c"], "narrower": []},
        "c": {"broader": None, "feeds": [], "narrower": []},
    }
    assert integration_chain(scheme, ["a", "b", "c"]) == ("a", "b", "c")


def test_the_ranking_orders_by_depth_then_score_then_label() -> None:
    G = chain()
    org(G, "Z", "apps", "models")  # depth 2 (models feeds apps), score 2/5
    org(G, "Y", "apps")  # depth 1, score 1/5
    org(G, "W", "models")  # depth 1, score 1/5, label before Y
    ranking = coverage_ranking(G)
    assert [(r.group, r.integration_depth) for r in ranking.rows] == [("A", 3), ("Z", 2), ("W", 1), ("Y", 1)]
    assert [r.group for r in coverage_ranking(G, top=2).rows] == ["A", "Z"]
    assert ranking.layer_count == 5


def test_a_layer_scheme_is_derived_from_the_nodes_when_the_graph_has_none() -> None:
    G = graph(layers={})
    org(G, "X", "alpha", "beta")
    assert list(layer_scheme(G)) == ["alpha", "beta"]
    assert group_coverage(G, "X").score == 1.0


def test_an_empty_graph_ranks_nothing() -> None:
    assert coverage_ranking(graph()).to_dict() == {
        "as_of": "2026-01-01",
        "statuses": ["completed", "active"],
        "undated": None,
        "evidence": None,
        "basis": [],
        "layer_count": 5,
        "groups": [],
    }


def test_the_json_shapes_are_stable() -> None:
    coverage = group_coverage(chain(), "A").to_dict()
    assert list(coverage) == [
        "group",
        "label",
        "as_of",
        "statuses",
        "undated",
        "evidence",
        "basis",
        "members",
        "held",
        "partial",
        "score",
        "integration_depth",
        "chain",
        "layers",
    ]
    assert list(coverage["layers"][0]) == ["layer", "label", "credit", "held", "held_by"]
    row = coverage_ranking(chain()).to_dict()["groups"][0]
    assert row == {
        "group": "A",
        "label": "A",
        "members": 3,
        "held": ["chips", "fab", "models"],
        "score": 0.8,
        "integration_depth": 3,
        "chain": ["fab", "chips", "models"],
        "basis": [],
    }
