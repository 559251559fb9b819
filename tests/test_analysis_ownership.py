"""Ownership through chains: integrated ownership (hand-computed, with a cycle, and against a brute-force walk
sum), ultimate owners and their chains, the majority-chain and aggregate (OFAC-style) tests, partial stakes in
groups, and the stake rules."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_fixtures import deal, graph, org, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from stackgraph.analysis.aggregate import aggregate_owned
from stackgraph.analysis.control import control_groups
from stackgraph.analysis.group_stakes import group_stakes
from stackgraph.analysis.owners import entity_ownership, ownership_analysis
from stackgraph.analysis.ownership import direct_stake, integrated_ownership, stake_graph


def owns(G: nx.MultiDiGraph, u: str, v: str, stake: float | None, relation: str = "controls") -> None:
    deal(G, u, v, relation, key=f"{u}-{v}-{relation}-{stake}", stake=stake)


def cycle_graph() -> nx.MultiDiGraph:
    """X holds 60 % of A; A holds 50 % of B; B holds 30 % of A back (a cross-holding); B holds 40 % of C."""
    G = graph()
    owns(G, "X", "A", 60.0)
    owns(G, "A", "B", 50.0)
    owns(G, "B", "A", 30.0)
    owns(G, "B", "C", 40.0)
    return G


def test_integrated_ownership_multiplies_along_chains_and_adds_over_paths() -> None:
    G = graph()
    owns(G, "X", "A", 40.0)
    owns(G, "X", "B", 30.0)
    owns(G, "A", "C", 50.0)
    owns(G, "B", "C", 20.0)
    owns(G, "C", "D", 50.0)
    F = integrated_ownership(G)
    assert F.stake("X", "C") == pytest.approx(0.4 * 0.5 + 0.3 * 0.2)  # 0.26
    assert F.stake("X", "D") == pytest.approx(0.26 * 0.5)
    assert F.stake("A", "D") == pytest.approx(0.25)
    assert F.stake("D", "X") == 0.0 and F.stake("X", "X") == 0.0


def test_integrated_ownership_with_a_cycle_is_hand_computed() -> None:
    """Walks from X to A: X-A, X-A-B-A, X-A-B-A-B-A, ... = 0.6 (1 + 0.15 + 0.15^2 + ...) = 0.6 / 0.85.

    A's stake in B counts no walk through A again: only A-B, 0.5 (without the correction (I - W)^-1 W would give
    0.5 / 0.85 and A would own 0.15 / 0.85 of itself)."""
    F = integrated_ownership(cycle_graph())
    assert F.stake("X", "A") == pytest.approx(0.6 / 0.85)  # 70.59 %
    assert F.stake("X", "B") == pytest.approx(0.6 * 0.5 / 0.85)  # 35.29 %
    assert F.stake("X", "C") == pytest.approx(0.6 * 0.5 * 0.4 / 0.85)  # 14.12 %
    assert F.stake("A", "B") == pytest.approx(0.5)
    assert F.stake("B", "A") == pytest.approx(0.3)
    assert F.stake("A", "C") == pytest.approx(0.2)
    assert F.stake("A", "A") == 0.0  # no company owns itself
    assert F.diagonal[F.index["A"]] == pytest.approx(1 / 0.85)
    assert F.tops == frozenset({"X"})


def brute_force(G: nx.MultiDiGraph, holder: str, entity: str, steps: int = 400) -> float:
    """Sum over walks holder -> ... -> entity of the product of stakes, never passing through holder again."""
    S = stake_graph(G)
    if holder not in S or entity not in S:
        return 0.0
    reach = {v: S.edges[holder, v]["stake"] for v in S.successors(holder) if v != holder}
    total = reach.get(entity, 0.0)
    for _ in range(steps):
        following: dict[str, float] = {}
        for u, value in reach.items():
            for v in S.successors(u):
                if v != holder:
                    following[v] = following.get(v, 0.0) + value * S.edges[u, v]["stake"]
        reach = following
        total += reach.get(entity, 0.0)
    return total


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 45)),
        min_size=1,
        max_size=14,
    )
)
def test_integrated_ownership_equals_the_walk_sum_on_random_graphs(stakes) -> None:
    """Each entity is held at most 45 % by each of at most two holders here, so every cycle stays below 100 %."""
    G = graph()
    held: dict[int, int] = {}
    for u, v, stake in stakes:
        if u == v or held.get(v, 0) >= 2 or G.has_edge(str(u), str(v)):
            continue
        held[v] = held.get(v, 0) + 1
        owns(G, str(u), str(v), float(stake))
    F = integrated_ownership(G, floor=0.0)
    for holder in F.nodes:
        for entity in F.nodes:
            assert F.stake(holder, entity) == pytest.approx(brute_force(G, holder, entity), abs=1e-9)
        # one entity's exact view agrees with the whole-graph matrix
    for entity in F.nodes:
        report = entity_ownership(G, entity)
        assert {h.holder: h.stake for h in report.owners} == pytest.approx(
            {h: s for h, s in F.owners(entity).items()}, abs=1e-12
        )


def test_the_ultimate_owner_and_the_chain_that_carries_its_stake() -> None:
    G = graph()
    for name in ("X", "Y", "A", "B", "C"):
        org(G, name)
    owns(G, "X", "A", 60.0)
    owns(G, "Y", "A", 40.0)
    owns(G, "A", "B", 70.0)
    owns(G, "Y", "C", 45.0)
    owns(G, "C", "B", 30.0)
    report = entity_ownership(G, "B")
    # X: 0.6 * 0.7 = 0.42; Y: 0.4 * 0.7 + 0.45 * 0.3 = 0.415
    assert [(h.holder, round(h.stake, 4)) for h in report.owners] == [
        ("A", 0.7),
        ("X", 0.42),
        ("Y", 0.415),
        ("C", 0.3),
    ]
    assert report.ultimate.holder == "X" and report.ultimate.path == ("X", "A", "B")
    assert report.traced == pytest.approx(0.835)
    assert report.majority_owner == "X"  # X -> A (60 %) -> B (70 %)
    y = next(h for h in report.owners if h.holder == "Y")
    assert y.path == ("Y", "A", "B") and not y.majority and not y.aggregate  # 0.28 through A beats 0.135
    assert "ultimate owner of B: X, 42 % integrated (X -> A -> B)" in report.notes(G)[0]


def test_majority_chain_and_aggregate_ownership_differ() -> None:
    """X holds 60 % of A and 25 % of B; A holds 30 % of B. No chain of majorities reaches B, but X and A together
    hold 55 % of it: owned in the aggregate (OFAC's 50 % rule), not by a majority chain."""
    G = graph()
    owns(G, "X", "A", 60.0)
    owns(G, "A", "B", 30.0)
    owns(G, "X", "B", 25.0)
    report = entity_ownership(G, "B")
    x = next(h for h in report.owners if h.holder == "X")
    assert (round(x.stake, 4), x.majority, x.aggregate) == (0.43, False, True)
    assert report.aggregate_owners == ("X",) and report.majority_owner is None
    assert entity_ownership(G, "B", threshold=60).aggregate_owners == ()
    holdings = {h.entity: (h.majority, h.aggregate) for h in entity_ownership(G, "X").holdings}
    assert holdings == {"A": (True, True), "B": (False, True)}


def test_the_aggregate_test_for_designated_holders() -> None:
    """P and Q (say, designated persons) hold 30 % and 25 % of A: 55 % together, so A is owned; A holds 50 % of B,
    which is owned too (50 % or more); B holds 10 % of C: below the threshold."""
    G = graph()
    owns(G, "P", "A", 30.0)
    owns(G, "Q", "A", 25.0)
    owns(G, "A", "B", 50.0)
    owns(G, "B", "C", 10.0)
    owns(G, "P", "C", 20.0)
    result = aggregate_owned(G, ["P", "Q"])
    assert [(e, round(s, 2), held) for e, _, s, held in result.owned] == [("A", 0.55, ("P", "Q")), ("B", 0.5, ("A",))]
    assert [(e, round(s, 2)) for e, _, s in result.below] == [("C", 0.3)]
    assert aggregate_owned(G, ["P"]).owned == ()
    assert result.table()[1][0] == ["owned", "A", "55 %", "P, Q"]


def test_a_cycle_at_100_percent_is_reported_not_looped_on() -> None:
    G = graph()
    owns(G, "A", "B", 100.0)
    owns(G, "B", "A", 100.0)
    owns(G, "A", "C", 40.0)
    F = integrated_ownership(G)
    assert F.cycles == (("A", "B"),)
    assert F.stake("A", "C") == pytest.approx(0.4) and F.stake("B", "C") == 0.0
    report = entity_ownership(G, "C")
    assert any("ownership cycle at 100 % or more left out" in line for line in report.notes(G))


def test_the_stake_rules() -> None:
    assert direct_stake("acquires", {"stake": None, "status": "completed"}) == (1.0, False)
    assert direct_stake("acquires", {"stake": 30.0, "status": "terminated"}) == (None, False)
    assert direct_stake("controls", {"stake": None}) == (1.0, True)
    assert direct_stake("develops", {}) == (1.0, False)
    assert direct_stake("invests_in", {"stake": None}) == (None, False)
    assert direct_stake("supplies", {"stake": 10.0}) == (None, False)
    G = graph()
    deal(G, "A", "B", "acquires", key="buy1", stake=20.0)
    deal(G, "A", "B", "invests_in", key="buy2", stake=15.0)  # stakes bought add up
    deal(G, "A", "C", "acquires", key="buy3", stake=20.0)
    deal(G, "A", "C", "controls", key="holds", stake=60.0)  # a stated holding wins
    deal(G, "A", "D", "invests_in", key="money")  # no stake: left out, counted
    deal(G, "A", "E", "controls", key="whole")  # no stake: taken as 100 %, said
    S = stake_graph(G)
    assert S.edges["A", "B"]["stake"] == pytest.approx(0.35) and S.edges["A", "B"]["deals"] == ("buy1", "buy2")
    assert S.edges["A", "C"]["stake"] == pytest.approx(0.6) and S.edges["A", "C"]["deals"] == ("holds",)
    assert not S.has_edge("A", "D") and S.edges["A", "E"]["assumed"]
    F = integrated_ownership(G)
    assert (F.unknown, F.assumed) == (1, ("whole",))


def test_the_whole_graph_ranks_top_level_holders_and_names_ultimate_owners() -> None:
    G = cycle_graph()
    owns(G, "Y", "D", 80.0)
    before = snapshot(G)
    result = ownership_analysis(G)
    # X: majority over A only (A holds exactly 50 % of B: not above 50); in the aggregate A and B (50 % or more)
    assert [(o.holder, o.ultimate_of, o.majority, o.aggregate) for o in result.owners] == [
        ("X", 3, 1, 2),
        ("Y", 1, 1, 1),
    ]
    assert {h.entity: (h.holder, round(h.stake, 4)) for h in result.entities} == {
        "A": ("X", 0.7059),
        "B": ("X", 0.3529),
        "C": ("X", 0.1412),
        "D": ("Y", 0.8),
    }
    assert result.held == 4 and snapshot(G) == before
    data = result.to_dict()
    assert list(data) == ["as_of", "statuses", "undated", "evidence", "basis", "method", "held", "owners", "entities"]
    assert data["method"]["formula"].startswith("F = D^-1 ((I - W)^-1 - I)")


def test_nothing_held_says_so() -> None:
    G = graph()
    deal(G, "A", "B", "supplies")
    result = ownership_analysis(G)
    assert result.owners == () and result.notes(G)[0].startswith("no recorded stake in this view")
    assert "who owns it is not in the data" in entity_ownership(G, "B").notes(G)[0]


def test_groups_show_what_they_own_without_control() -> None:
    G = graph()
    deal(G, "A", "B", "acquires")
    owns(G, "B", "C", 20.0)
    owns(G, "N", "D", 5.0)  # a holder that heads no group
    result = group_stakes(G, control_groups(G))
    assert result.partial == {"A": (("C", "C", 0.2),), "N": (("D", "D", 0.05),)}
    headers, rows = result.table()
    assert headers[-1] == "partly owned (not controlled)"
    assert rows[0][-1] == "C 20 %" and rows[-1] == ["N", 1, 0, "", "", "D 5 %"]


def test_an_ended_holding_holds_nothing_whatever_its_relation() -> None:
    # the rulebook's "ended" statuses (terminated) end every kind of holding, not only acquisitions
    for relation in ("acquires", "controls", "invests_in", "develops"):
        assert direct_stake(relation, {"status": "terminated", "stake": 80.0}) == (None, False)
    assert direct_stake("controls", {"status": "active", "stake": 80.0}) == (0.8, False)


def test_ownership_says_what_each_chain_and_the_whole_answer_rest_on() -> None:
    G = graph()
    deal(G, "X", "A", "controls", key="xa", stake=60.0, basis=("quoted",))
    deal(G, "A", "B", "controls", key="ab", stake=70.0, basis=("editorial",))
    deal(G, "Y", "B", "invests_in", key="yb", stake=10.0, basis=("dataset",))
    report = entity_ownership(G, "B")
    chains = {h.holder: h.basis for h in report.owners}
    assert chains == {"A": ("editorial",), "X": ("quoted", "editorial"), "Y": ("dataset",)}
    assert report.basis == ("quoted", "dataset", "editorial")
    data = report.to_dict()
    assert data["basis"] == ["quoted", "dataset", "editorial"] and data["owners"][0]["basis"]
    headers, rows = report.table()
    assert headers[-1] == "basis" and {row[-1] for row in rows} >= {"editorial estimate"}
    assert ownership_analysis(G).basis == ("quoted", "dataset", "editorial")
    assert aggregate_owned(G, ["X"]).basis == ("quoted", "dataset", "editorial")
