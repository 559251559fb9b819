"""Supply dependencies, dependents and chokepoints on tiny hand-built graphs."""

from __future__ import annotations

from analysis_fixtures import chain, deal, diamond, graph, org, snapshot, two_customers

from stackgraph.analysis.dependencies import chokepoints, dependencies, dependents, supply_graph


def links(report) -> list[tuple[str, str, int]]:
    return [(x.supplier, x.customer, x.tier) for x in report.upstream]


def test_the_upstream_chain_is_followed_transitively_by_tier() -> None:
    G = diamond()  # A supplies B and C, both supply D
    before = snapshot(G)
    report = dependencies(G, "D")
    assert links(report) == [("B", "D", 1), ("C", "D", 1), ("A", "B", 2), ("A", "C", 2)]
    assert [(d.layer, [s.entity for s in d.suppliers], d.single_source) for d in report.external] == [
        ("chips", ["B", "C"], False)
    ]
    assert report.single_source == ()
    assert snapshot(G) == before


def test_one_outside_supplier_without_in_house_capacity_is_a_single_source() -> None:
    G = two_customers()
    assert dependencies(G, "X").single_source == ("chips",)
    assert dependencies(G, "Y").single_source == ()  # two suppliers
    org(G, "Z", "chips")
    deal(G, "X", "Z", "acquires")
    report = dependencies(G, "X")  # the group now makes chips itself
    assert report.single_source == () and report.external[0].in_house


def test_supplies_inside_the_group_are_internal() -> None:
    G = chain()  # A controls B controls C
    deal(G, "C", "B", "supplies", input_layer="fab")
    deal(G, "N", "B", "supplies", input_layer="chips")
    report = dependencies(G, "A")
    assert [(x.supplier, x.customer, x.external) for x in report.internal] == [("C", "B", False)]
    assert links(report) == [("N", "B", 1)]
    assert report.group == ("A", "B", "C")


def test_the_supply_layer_falls_back_to_the_supplier_layer() -> None:
    G = graph()
    org(G, "S", "fab")
    deal(G, "S", "T", "supplies")
    deal(G, "U", "T", "supplies")
    assert supply_graph(G).edges["S", "T"]["layers"] == ("fab",)
    assert supply_graph(G).edges["U", "T"]["layers"] == ("unspecified",)


def test_dependents_of_a_supplier_with_two_customers() -> None:
    report = dependents(two_customers(), "S")
    assert [(d.entity, d.tier, d.sole_supplier, d.layers) for d in report.dependents] == [
        ("X", 1, True, ("chips",)),
        ("Y", 1, False, ("chips",)),  # Y also buys chips from T
    ]


def test_dependents_follow_customers_of_customers_and_name_their_groups() -> None:
    G = diamond()
    deal(G, "P", "D", "acquires")
    report = dependents(G, "A")
    assert [(d.entity, d.tier, d.via) for d in report.dependents] == [("B", 1, "A"), ("C", 1, "A"), ("D", 2, "B")]
    assert report.dependents[2].groups == ("P",)


def test_an_entity_with_no_supply_relations_has_empty_results() -> None:
    G = diamond()
    org(G, "Lonely")
    assert dependencies(G, "Lonely").to_dict()["upstream"] == []
    assert dependents(G, "Lonely").dependents == ()


def test_chokepoints_of_a_diamond_the_source_dominates_everything() -> None:
    report = chokepoints(diamond())
    assert [(c.entity, c.dominated, c.downstream, c.customers, c.articulation) for c in report.rows] == [
        ("A", 3, 3, 2, False),
        ("B", 0, 1, 1, False),
        ("C", 0, 1, 1, False),
    ]
    assert report.suppliers == 3


def test_chokepoints_of_a_supplier_with_two_customers_and_a_cut_vertex() -> None:
    report = chokepoints(two_customers())
    assert [(c.entity, c.dominated, c.articulation) for c in report.rows] == [("S", 1, True), ("T", 0, False)]
    # S dominates X only: Y is also reachable from T


def test_a_supply_cycle_does_not_loop() -> None:
    G = graph()
    for u, v in [("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]:
        deal(G, u, v, "supplies")
    rows = {c.entity: c.dominated for c in chokepoints(G).rows}
    assert rows["C"] == 1  # every path to D passes through C


def test_chokepoints_carry_market_shares_and_hhi() -> None:
    G = two_customers()
    G.graph["market_positions"] = [
        {"holder": "S", "market": "chips", "year": 2024, "share": 70.0},
        {"holder": "T", "market": "chips", "year": 2024, "share": 20.0},
    ]
    report = chokepoints(G, top=1)
    (row,) = report.rows
    assert (row.market, row.share, row.market_hhi) == ("chips", 70.0, 5300.0)
    assert [m.level for m in report.markets] == ["highly concentrated"]


def test_an_empty_graph_has_no_chokepoints() -> None:
    assert chokepoints(graph()).to_dict() == {
        "as_of": "2026-01-01",
        "statuses": ["completed", "active"],
        "undated": None,
        "evidence": None,
        "basis": [],
        "suppliers": 0,
        "chokepoints": [],
        "markets": [],
    }


def test_the_json_shapes_are_stable() -> None:
    data = dependencies(two_customers(), "X").to_dict()
    assert list(data) == [
        "entity",
        "label",
        "as_of",
        "statuses",
        "undated",
        "evidence",
        "basis",
        "group",
        "external",
        "single_source",
        "upstream",
        "internal",
    ]
    assert list(data["external"][0]) == ["layer", "label", "suppliers", "in_house", "single_source"]
    assert list(data["upstream"][0]) == [
        "supplier",
        "supplier_label",
        "customer",
        "customer_label",
        "layers",
        "deals",
        "tier",
        "external",
        "basis",
    ]
    dependent = dependents(two_customers(), "S").to_dict()["dependents"][0]
    assert list(dependent) == ["entity", "label", "tier", "layers", "via", "sole_supplier", "groups"]
    row = chokepoints(two_customers()).to_dict()["chokepoints"][0]
    assert list(row) == [
        "entity",
        "label",
        "layers",
        "customers",
        "dominated",
        "downstream",
        "articulation",
        "market",
        "share",
        "market_hhi",
    ]
