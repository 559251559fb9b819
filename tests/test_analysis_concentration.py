"""Market concentration (HHI) and its change under the 2023 Merger Guidelines thresholds."""

from __future__ import annotations

import pytest
from analysis_fixtures import deal, graph

from stackgraph.analysis.concentration import (
    compare_concentration,
    concentration_change,
    concentration_level,
    hhi,
    market_concentration,
)


def positions(*rows: tuple[str, str, int, float]) -> list[dict]:
    return [{"holder": h, "market": m, "year": y, "share": s, "source": None} for h, m, y, s in rows]


def test_hhi_is_the_sum_of_squared_percent_shares() -> None:
    assert hhi([50, 30, 20]) == 3800.0
    assert hhi([]) == 0.0


@pytest.mark.parametrize(("value", "level"), [(1800.0, "not highly concentrated"), (1800.5, "highly concentrated")])
def test_the_highly_concentrated_threshold_is_1800(value: float, level: str) -> None:
    assert concentration_level(value) == level


def test_a_change_above_100_in_a_highly_concentrated_market_is_presumed_harmful() -> None:
    change = concentration_change({"A": 40, "B": 5, "C": 55}, {"A": 45, "C": 55})
    assert (change.hhi_before, change.hhi_after, change.delta) == (4650.0, 5050.0, 400.0)
    assert change.presumption
    small = concentration_change({"A": 10, "B": 4, "C": 10}, {"A": 14, "C": 10})
    assert (small.delta, small.presumption) == (80.0, False)


def test_market_concentration_uses_the_latest_year_and_sums_group_shares() -> None:
    G = graph(
        market_positions=positions(
            ("A", "chips", 2023, 50.0),
            ("A", "chips", 2024, 40.0),
            ("B", "chips", 2024, 30.0),
            ("C", "chips", 2024, 30.0),
        )
    )
    deal(G, "A", "B", "acquires")
    (market,) = market_concentration(G)
    assert (market.year, market.hhi, market.covered) == (2024, 70.0**2 + 30.0**2, 100.0)
    assert [(s.holder, s.share, s.entities) for s in market.shares] == [("A", 70.0, ("A", "B")), ("C", 30.0, ("C",))]
    (unmerged,) = market_concentration(G, by_group=False)
    assert unmerged.hhi == 40.0**2 + 30.0**2 + 30.0**2
    assert market_concentration(G, year=2023)[0].hhi == 2500.0


def test_compare_concentration_gives_the_delta_of_a_what_if_acquisition() -> None:
    before = graph(market_positions=positions(("A", "ran", 2023, 30.0), ("B", "ran", 2023, 20.0)))
    for node in "AB":
        before.add_node(node, label=node)
    after = before.copy()
    deal(after, "A", "B", "acquires", status="hypothetical", scenario=True)
    (change,) = compare_concentration(before, after)
    assert (change.market, change.delta, change.hhi_after, change.presumption) == ("ran", 1200.0, 2500.0, True)
    assert change.to_dict()["level_after"] == "highly concentrated"


def test_no_market_positions_gives_no_markets() -> None:
    assert market_concentration(graph()) == ()
