"""Screening: incremental ranking equals the naive recompute (real acquire scenario + full analysis per candidate)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_fixtures import ID, random_graph_turtle, random_store, tiny_store

from stackgraph.errors import InputError, ScenarioError
from stackgraph.scenarios import OBJECTIVES, screen_naive, screen_targets
from stackgraph.scenarios.text import format_screening
from stackgraph.store import KnowledgeStore

AS_OF = "2026-07-01"


def _scores(screening) -> list[tuple[str, float, float]]:
    return [(c.target, round(c.score, 12), c.secondary) for c in screening.candidates]


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_tiny_graph_incremental_equals_naive(objective) -> None:
    store = tiny_store()
    fast = screen_targets(store, "Alpha", objective=objective, as_of=AS_OF)
    slow = screen_naive(store, "Alpha", objective=objective, as_of=AS_OF)
    assert fast.ranking() == slow.ranking()
    assert _scores(fast) == _scores(slow)
    assert fast.method == "incremental" and slow.method == "naive"


def test_tiny_graph_hand_computed() -> None:
    store = tiny_store()
    coverage = screen_targets(store, "Alpha", as_of=AS_OF)
    # candidates: every organisation outside Alpha's group (Alpha, Alpha Cloud)
    assert sorted(c.label for c in coverage.candidates) == [
        "Beta",
        "Beta Devices",
        "Delta",
        "Gamma",
        "Rho",
        "Sigma",
        "Xi",
    ]
    beta = next(c for c in coverage.candidates if c.label == "Beta")
    assert beta.brings == (ID + "B", ID + "B1")
    assert beta.details["gained"] == ["devices", "terrestrial-ran"]
    assert coverage.candidates[0].label == "Beta"  # two layers gained, the most of any candidate
    deps = screen_targets(store, "Alpha", objective="dependencies", as_of=AS_OF)
    assert deps.candidates[0].label == "Sigma" and deps.candidates[0].score == 1.0
    assert deps.candidates[0].explanation == "removes accelerators from Sigma"
    centrality = screen_targets(store, "Alpha", objective="centrality", as_of=AS_OF)
    sigma = next(c for c in centrality.candidates if c.label == "Sigma")
    assert ID + "B" in sigma.details["new_neighbours"]


def test_shipped_graph_incremental_equals_naive() -> None:
    store = KnowledgeStore.with_shipped_graphs()
    for objective in OBJECTIVES:
        fast = screen_targets(store, "SpaceX", objective=objective, as_of=AS_OF)
        slow = screen_naive(store, "SpaceX", objective=objective, as_of=AS_OF)
        assert fast.ranking() == slow.ranking(), objective
    coverage = screen_targets(store, "xAI", as_of=AS_OF)  # a subsidiary screens for its whole group
    assert coverage.group == ID + "SpaceX"
    assert ID + "SpaceX" not in coverage.ranking() and ID + "Nokia" in coverage.ranking()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_graphs_incremental_equals_naive(data) -> None:
    n_orgs = data.draw(st.integers(3, 6))
    turtle = random_graph_turtle(lambda lo, hi: data.draw(st.integers(lo, hi)), n_orgs, data.draw(st.integers(2, 14)))
    store = random_store(turtle)
    acquirer = f"Org {data.draw(st.integers(0, n_orgs - 1))}"
    for objective in OBJECTIVES:
        fast = screen_targets(store, acquirer, objective=objective, as_of=AS_OF)
        slow = screen_naive(store, acquirer, objective=objective, as_of=AS_OF)
        assert fast.ranking() == slow.ranking(), objective
        assert _scores(fast) == _scores(slow), objective


def test_bad_input() -> None:
    store = tiny_store()
    with pytest.raises(ScenarioError, match="acquirer: unknown entity 'Alfa'; did you mean 'Alpha'"):
        screen_targets(store, "Alfa")
    with pytest.raises(ScenarioError, match="'Pat' is a person, not an organisation"):
        screen_targets(store, "Pat")
    with pytest.raises(InputError, match="unknown objective 'size'"):
        screen_targets(store, "Alpha", objective="size")


def test_format_screening() -> None:
    screening = screen_targets(tiny_store(), "Alpha", as_of=AS_OF)
    text = format_screening(screening, "markdown", top=2)
    assert text.startswith("# Acquisition targets for Alpha by coverage")
    assert text.count("\n| ") == 3  # header + 2 rows
    assert screening.to_dict(top=1)["candidates"][0]["label"] == "Beta"
