"""Control groups on tiny hand-built graphs: chain, diamond, ownership cycle, conflicts, stakes, statuses."""

from __future__ import annotations

import json

import pytest
from analysis_fixtures import chain, deal, diamond, graph, org, ownership_cycle, snapshot

from stackgraph.analysis.control import control_graph, control_group, control_groups, ultimate_parents
from stackgraph.errors import UnknownEntityError


def members(group) -> list[tuple[str, int]]:
    return [(m.entity, m.depth) for m in group.members]


def test_a_chain_of_control_is_one_group_with_depth_two() -> None:
    G = chain()
    before = snapshot(G)
    result = control_groups(G)
    assert [g.parent for g in result.groups] == ["A"]
    group = result.groups[0]
    assert members(group) == [("A", 0), ("B", 1), ("C", 2)]
    assert (group.depth, group.size, group.in_cycle, group.ultimate_parents) == (2, 3, False, ("A",))
    assert [(m.controller, m.relation) for m in group.members] == [(None, None), ("A", "acquires"), ("B", "controls")]
    assert (result.cycles, result.conflicts) == ((), ())
    assert snapshot(G) == before  # analysis never mutates the graph


def test_the_group_headed_by_a_member_is_its_subtree_and_names_the_ultimate_parent() -> None:
    G = chain()
    group = control_group(G, "B")
    assert members(group) == [("B", 0), ("C", 1)]
    assert group.ultimate_parents == ("A",)
    assert ultimate_parents(G, "C") == ("A",)


def test_a_diamond_of_control_reaches_the_bottom_once_and_reports_the_double_claim() -> None:
    G = graph()
    for u, v in [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")]:
        deal(G, u, v, "controls")
    result = control_groups(G)
    assert members(result.groups[0]) == [("A", 0), ("B", 1), ("C", 1), ("D", 2)]
    assert [(c.entity, c.controllers) for c in result.conflicts] == [("D", ("B", "C"))]


def test_an_ownership_cycle_is_reported_and_not_looped_on() -> None:
    result = control_groups(ownership_cycle())
    assert result.cycles == (("A", "B", "C"),)
    (group,) = result.groups
    assert group.in_cycle and group.parent == "A"  # the smallest label of the cycle heads it
    assert members(group) == [("A", 0), ("B", 1), ("C", 2), ("D", 3)]
    assert control_group(ownership_cycle(), "C").in_cycle


def test_conflicting_controllers_put_the_entity_in_both_groups() -> None:
    G = graph()
    deal(G, "P", "T", "acquires")
    deal(G, "Q", "T", "controls", stake=60.0)
    result = control_groups(G)
    assert [(g.parent, [m.entity for m in g.members]) for g in result.groups] == [("P", ["P", "T"]), ("Q", ["Q", "T"])]
    (conflict,) = result.conflicts
    assert (conflict.entity, conflict.controllers) == ("T", ("P", "Q"))
    assert conflict.deals == ("P-acquires-T", "Q-controls-T")
    assert [g.parent for g in result.group_of("T")] == ["P", "Q"]


@pytest.mark.parametrize(
    ("relation", "attrs", "controls"),
    [
        ("acquires", {"stake": None}, True),
        ("acquires", {"stake": 51.0}, True),
        ("acquires", {"stake": 50.0}, False),
        ("acquires", {"status": "terminated"}, False),
        ("acquires", {"status": "in-talks"}, True),  # the projection policy decided it counts
        ("controls", {"stake": 30.0}, False),
        ("develops", {}, True),
        ("invests_in", {}, False),
        ("supplies", {}, False),
        ("partners_with", {}, False),
    ],
)
def test_which_edges_confer_control(relation: str, attrs: dict, controls: bool) -> None:
    G = graph()
    deal(G, "A", "B", relation, **attrs)
    assert control_graph(G).has_edge("A", "B") is controls


def test_developed_products_join_the_developer_group_but_a_lone_product_is_no_group() -> None:
    G = graph()
    org(G, "A")
    org(G, "P", kind="product")
    org(G, "Q", kind="product")
    deal(G, "A", "P", "develops")
    result = control_groups(G, min_size=1)
    assert [(g.parent, [m.entity for m in g.members]) for g in result.groups] == [("A", ["A", "P"])]


def test_min_size_one_lists_standalone_organisations() -> None:
    G = chain()
    org(G, "Z")
    assert [g.parent for g in control_groups(G, min_size=1).groups] == ["A", "Z"]
    assert [g.parent for g in control_groups(G).groups] == ["A"]


def test_an_entity_without_relations_is_a_group_of_one() -> None:
    G = diamond()
    org(G, "Lonely")
    group = control_group(G, "lonely")
    assert (members(group), group.depth, group.ultimate_parents) == ([("Lonely", 0)], 0, ("Lonely",))


def test_an_empty_graph_gives_an_empty_result() -> None:
    result = control_groups(graph())
    assert result.to_dict() == {
        "as_of": "2026-01-01",
        "statuses": ["completed", "active"],
        "undated": None,
        "evidence": None,
        "basis": [],
        "groups": [],
        "cycles": [],
        "conflicts": [],
    }


def test_an_unknown_entity_raises_with_suggestions() -> None:
    with pytest.raises(UnknownEntityError, match="did you mean"):
        control_group(chain(), "AA")


def test_the_json_shape_is_stable() -> None:
    data = json.loads(json.dumps(control_groups(ownership_cycle()).to_dict()))
    assert list(data) == ["as_of", "statuses", "undated", "evidence", "basis", "groups", "cycles", "conflicts"]
    group = data["groups"][0]
    assert list(group) == ["parent", "label", "size", "depth", "in_cycle", "ultimate_parents", "basis", "members"]
    assert list(group["members"][1]) == ["entity", "label", "kind", "depth", "controller", "relation", "deal", "basis"]
    assert data["cycles"] == [["A", "B", "C"]]
