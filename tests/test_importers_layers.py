"""A dataset's own stack layers: declared in a mapping, read from tables or a SKOS Turtle file, and used by the
analyses as the shipped layers are; and the share checks that run before any concentration figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.analysis import dependencies, group_coverage, market_concentration
from stackgraph.analysis.shares import graph_share_problems
from stackgraph.errors import ImportFormatError
from stackgraph.importers.csv_mapping import read_csv
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.store import KnowledgeStore

CHIPS = Path(__file__).parent / "fixtures" / "datasets" / "chips"


def _loaded(result, store: KnowledgeStore | None = None) -> KnowledgeStore:
    store = store or KnowledgeStore.with_shipped_graphs()
    store.load_data(result.serialize("ntriples"), "urn:stackgraph:graph:import", "ntriples")
    return store


@pytest.fixture(scope="module")
def chips():
    store = KnowledgeStore.with_shipped_graphs()
    result = read_csv(None, CHIPS / "chips.toml", against=store)
    return result, project(_loaded(result, store), ProjectionPolicy(as_of="2025-01-01", undated="include"))


def test_the_dataset_layers_join_the_scheme_with_their_order(chips) -> None:
    _, G = chips
    layers = G.graph["layers"]
    assert layers["photolithography-tools"]["feeds"] == ["wafer-fabrication"]
    assert layers["wafer-fabrication"]["feeds"] == ["logic-chips"]
    assert layers["logic-chips"]["feeds"] == ["accelerators"]
    assert layers["logic-chips"]["broader"] == "chip-fabrication"
    assert "logic-chips" in layers["chip-fabrication"]["narrower"]


def test_dependencies_and_single_source_inputs_per_dataset_layer(chips) -> None:
    _, G = chips
    spacex = dependencies(G, "SpaceX")
    chain = {(r.supplier_label, r.customer_label, r.layers) for r in spacex.upstream}
    assert ("TSMC", "Nvidia", ("logic-chips",)) in chain
    assert ("ASML Holding N.V.", "TSMC", ("photolithography-tools",)) in chain
    tsmc = dependencies(G, "TSMC")
    assert tsmc.single_source == ("photolithography-tools",)


def test_coverage_credits_dataset_layers(chips) -> None:
    _, G = chips
    G.nodes["https://w3id.org/stackgraph/id/Nvidia"]  # the shipped Nvidia, linked by its alias
    tsmc = next(n for n, d in G.nodes(data=True) if d["label"] == "TSMC")
    G = G.copy()
    G.nodes[tsmc]["layers"] = ("wafer-fabrication", "logic-chips")
    coverage = group_coverage(G, tsmc)
    assert coverage.chain == ("wafer-fabrication", "logic-chips")
    assert coverage.integration_depth == 2


def test_hhi_per_dataset_layer_from_firm_shares_only(chips) -> None:
    result, G = chips
    markets = {m.market: m for m in market_concentration(G, by_group=False)}
    assert markets["photolithography-tools"].hhi == pytest.approx(62**2 + 27**2 + 11**2)
    assert graph_share_problems(G) == []  # the country rows were left out at import...
    checks = [f["check"] for f in result.report.findings]
    assert checks == ["mixed kinds", "mixed kinds"]  # ... and reported with their rows
    assert result.report.findings[0]["records"] == ["provision.csv row 5", "provision.csv row 6"]


def test_country_rows_taken_for_firms_give_no_hhi_and_a_warning(tmp_path: Path) -> None:
    mapping = (CHIPS / "chips.toml").read_text().replace(', kind = "provider_type"', "")
    (tmp_path / "chips.toml").write_text(mapping)
    for name in ("inputs.csv", "sequence.csv", "providers.csv", "provision.csv", "supplies.csv"):
        (tmp_path / name).write_bytes((CHIPS / name).read_bytes())
    result = read_csv(None, tmp_path / "chips.toml")
    assert [f["check"] for f in result.report.findings] == ["over 100 %", "over 100 %"]
    assert "shares sum to 199.8 %" in result.report.findings[0]["message"]
    G = project(_loaded(result), ProjectionPolicy(as_of="2025-01-01"))
    assert {p.market for p in graph_share_problems(G)} == {"photolithography-tools", "wafer-fabrication"}
    assert all(m.hhi <= 10_000 for m in market_concentration(G))
    assert "photolithography-tools" not in {m.market for m in market_concentration(G)}


def test_two_shares_for_one_holder_market_and_year_are_reported(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(
        '[dataset]\nid = "s"\n[[tables]]\ntype = "shares"\nfile = "s.csv"\n'
        'columns = { holder = "firm", market = "market", year = "year", share = "share" }\n'
    )
    (tmp_path / "s.csv").write_text("firm,market,year,share\nA,accelerators,2023,80\nA,accelerators,2023,70\n")
    result = read_csv(None, tmp_path / "m.toml")
    assert [f["check"] for f in result.report.findings] == ["over 100 %", "two shares"]
    G = project(_loaded(result), ProjectionPolicy(as_of="2025-01-01"))
    assert "accelerators" not in {m.market for m in market_concentration(G)}


def test_layers_from_a_skos_turtle_file_and_declared_layers(tmp_path: Path) -> None:
    (tmp_path / "layers.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix sg: <https://w3id.org/stackgraph/ns#> .\n"
        "@prefix ex: <https://example.org/semis#> .\n"
        'ex:Lithography a skos:Concept ; skos:prefLabel "Lithography tools" ; sg:feeds ex:Fab .\n'
        'ex:Fab a skos:Concept ; skos:prefLabel "Wafer fab" ; skos:broader sg:ChipFabrication .\n'
    )
    (tmp_path / "m.toml").write_text(
        '[dataset]\nid = "semis"\nlayer_scheme = "layers.ttl"\n'
        '[layers.euv-masks]\nlabel = "EUV masks"\nfeeds = ["Lithography tools"]\n'
        '[[tables]]\ntype = "entities"\nfile = "e.csv"\ncolumns = { label = "name", layers = "layers" }\n'
        'lists = { layers = ";" }\n'
    )
    (tmp_path / "e.csv").write_text("name,layers\nASML,Lithography tools;EUV masks\nFabCo,Wafer fab;Nonsense\n")
    result = read_csv(None, tmp_path / "m.toml")
    assert result.report.reasons() == {"unknown layer": 1}
    G = project(_loaded(result), ProjectionPolicy(as_of="2025-01-01"))
    assert G.graph["layers"]["lithography"]["feeds"] == ["fab"]
    assert G.graph["layers"]["euv-masks"]["feeds"] == ["lithography"]
    asml = next(d for _, d in G.nodes(data=True) if d["label"] == "ASML")
    assert asml["layers"] == ("euv-masks", "lithography")
    from stackgraph.validation import validate

    assert validate(_loaded(result)).conforms


def test_a_declared_layer_feeding_an_unknown_layer_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(
        '[dataset]\nid = "x"\n[layers.wafer]\nlabel = "Wafer"\nfeeds = ["Nowhere"]\n'
        '[[tables]]\ntype = "layers"\nfile = "l.csv"\ncolumns = { id = "id" }\n'
    )
    (tmp_path / "l.csv").write_text("id\nwafer\n")
    with pytest.raises(ImportFormatError, match="feeds unknown layer 'Nowhere'"):
        read_csv(None, tmp_path / "m.toml")
