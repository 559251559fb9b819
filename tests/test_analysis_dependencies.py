"""Supply dependencies, dependents and chokepoints on tiny hand-built graphs."""

from __future__ import annotations

import networkx as nx
from analysis_fixtures import chain, deal, diamond, graph, org, snapshot, two_customers

from stackgraph.analysis.chokepoints import chokepoints
from stackgraph.analysis.dependencies import dependencies, dependents, supply_graph


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
    report = chokepoints(graph())
    assert report.to_dict() == {
        "as_of": "2026-01-01",
        "statuses": ["completed", "active"],
        "undated": None,
        "evidence": None,
        "basis": [],
        "by": "entity",
        "group": None,
        "suppliers": 0,
        "chokepoints": [],
        "markets": [],
    }
    assert report.notes() == ["no supply deal counts in this view: there is no supply network to cut"]


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
    assert list(dependents(two_customers(), "S").to_dict()) == [
        "supplier",
        "label",
        "as_of",
        "statuses",
        "undated",
        "evidence",
        "basis",
        "by",
        "group",
        "dependents",
    ]
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
        "dominates",
        "members",
        "in_group",
    ]


def maker_and_product() -> nx.MultiDiGraph:
    """Nvidia develops the V100, which supplies A and B; Nvidia itself supplies C; OpenAI (a group with its
    product ChatGPT) gets chips from A; ChatGPT supplies D."""
    G = graph()
    org(G, "Nvidia", "chips")
    org(G, "V100", "chips", kind="product")
    org(G, "OpenAI", "models")
    org(G, "ChatGPT", "models", kind="product")
    deal(G, "Nvidia", "V100", "develops")
    deal(G, "OpenAI", "ChatGPT", "develops")
    for customer in ("A", "B"):
        deal(G, "V100", customer, "supplies", input_layer="chips")
    deal(G, "Nvidia", "C", "supplies", input_layer="chips")
    deal(G, "A", "OpenAI", "supplies", input_layer="chips")
    deal(G, "ChatGPT", "D", "supplies", input_layer="models")
    return G


def test_dependents_of_a_group_count_its_products_supplies() -> None:
    """The issue's observation: dependents of OpenAI were empty while its product supplied others."""
    report = dependents(maker_and_product(), "OpenAI")
    assert [(d.entity, d.tier, d.via, d.sole_supplier) for d in report.dependents] == [("D", 1, "ChatGPT", True)]
    assert report.group == ("OpenAI", "ChatGPT")
    nvidia = dependents(maker_and_product(), "Nvidia")
    assert [(d.entity, d.tier) for d in nvidia.dependents] == [("A", 1), ("B", 1), ("C", 1), ("OpenAI", 2)]


def test_dependents_by_group_roll_the_customers_up() -> None:
    """By group, OpenAI stands for ChatGPT too, so ChatGPT's customer D depends on Nvidia at tier 3."""
    report = dependents(maker_and_product(), "V100", by="group")
    assert report.supplier == "Nvidia" and report.by == "group"
    assert [(d.entity, d.tier) for d in report.dependents] == [("A", 1), ("B", 1), ("C", 1), ("OpenAI", 2), ("D", 3)]


def test_an_empty_dependents_report_says_what_is_missing() -> None:
    report = dependents(maker_and_product(), "D")
    assert report.dependents == ()
    assert report.notes() == [
        "nobody depends on the D group in this view: no supply deal from D counts (see --status and --as-of)"
    ]


def test_chokepoints_name_what_they_dominate_and_roll_products_up() -> None:
    G = maker_and_product()
    by_entity = {c.entity: c for c in chokepoints(G).rows}
    # A dominates OpenAI too, so it is named first; ChatGPT's customer D is not reached at entity level
    assert by_entity["V100"].dominated == 3 and by_entity["V100"].dominates_labels == ("A", "B", "OpenAI")
    grouped = chokepoints(G, by="group")
    assert "V100" not in {c.entity for c in grouped.rows}
    nvidia = grouped.rows[0]
    assert (nvidia.entity, nvidia.members, nvidia.dominated) == ("Nvidia", 2, 5)
    assert grouped.table()[1][0][1] == "Nvidia (2 entities)"
    assert grouped.table()[1][0][3] == "A, OpenAI, B and 2 more"  # those that dominate most first


def test_chokepoints_of_a_group_are_the_suppliers_that_can_cut_it_off() -> None:
    G = maker_and_product()
    report = chokepoints(G, entity="OpenAI")
    assert [(c.entity, c.in_group, c.dominates) for c in report.rows] == [
        ("V100", 1, ("OpenAI",)),
        ("A", 1, ("OpenAI",)),
    ]
    assert report.group == "OpenAI" and report.group_size == 2
    assert [c.entity for c in chokepoints(G, entity="ChatGPT", by="group").rows] == ["Nvidia", "A"]
    lonely = chokepoints(G, entity="Nvidia")  # Nvidia and its V100 are origins of supply
    assert lonely.rows == () and "no outside supplier dominates" in lonely.notes()[0]
