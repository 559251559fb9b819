"""What a view shows (ego views, layer, relation and status filters, empty selections) and ``stackgraph render``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from render_fixtures import node, page_data, stack

from stackgraph.cli import main
from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.render import (
    EmptySelectionError,
    graph_view,
    select,
)


def _data_block(page: str) -> dict[str, Any]:
    return page_data(page)


# ---------------------------------------------------------------------------------------------------------------
# selection
# ---------------------------------------------------------------------------------------------------------------


def test_ego_view_depths() -> None:
    G = stack()
    assert sorted(select(G, focus="xAI", depth=1).nodes) == ["nvidia", "spacex", "xai"]
    assert sorted(select(G, focus="xai", depth=2).nodes) == ["nvidia", "openai", "spacex", "xai"]
    H = select(G, focus="xAI")
    assert H.graph["focus"] == "xai"
    view = graph_view(H)
    focus = next(n for n in view.network.nodes if n["id"] == "xai")
    assert focus["borderWidth"] == 4 and view.meta["focus"] == "xai"


def test_layer_filter_includes_narrower_layers() -> None:
    G = stack()
    H = select(G, layers=["Compute"], within_layers=True)
    assert sorted(H.nodes) == ["nvidia"] and H.number_of_edges() == 0
    H = select(G, layers=["ai-models", "accelerators"], within_layers=True)
    assert sorted(H.nodes) == ["chatgpt", "nvidia", "openai", "xai"]
    assert sorted(d["relation"] for _, _, d in H.edges(data=True)) == ["develops", "supplies", "supplies"]


def test_layer_filter_keeps_the_ties_of_the_layer_and_their_counterparties() -> None:
    G = stack()
    # Nvidia (accelerators, under compute): its supplies to OpenAI and xAI and its partnership with SpaceX
    H = select(G, layers=["Compute"])
    assert sorted(H.nodes) == ["nvidia", "openai", "spacex", "xai"]
    assert H.graph["outside_layers"] == {"openai", "spacex", "xai"}
    # the README's example: AI-model makers with who supplies and invests in them
    H = select(G, layers=["ai-models"], relations=["supplies", "invests_in"], statuses=["completed", "active"])
    assert sorted(H.nodes) == ["nvidia", "openai", "xai"] and H.number_of_edges() == 2
    assert H.graph["outside_layers"] == {"nvidia"}
    nodes = {n["id"]: n for n in graph_view(H).network.nodes}
    assert nodes["nvidia"]["opacity"] == 0.5 and "outside the chosen layers" in nodes["nvidia"]["title"]
    assert "opacity" not in nodes["openai"]
    # without relation or status filters, entities of the layer without ties stay
    node(G, "quiet", "launch-and-space")
    assert sorted(select(G, layers=["Launch and space"]).nodes) == ["nvidia", "quiet", "spacex", "xai"]
    assert sorted(select(G, layers=["Launch and space"], relations=["acquires"]).nodes) == ["spacex", "xai"]


def test_relation_and_status_filters_drop_untied_entities() -> None:
    G = stack()
    H = select(G, relations=["supplies"])
    assert sorted(H.nodes) == ["nvidia", "openai", "xai"] and H.number_of_edges() == 2
    H = select(G, statuses=["rumoured"])
    assert sorted(H.nodes) == ["spacex", "xai"]
    assert H.graph["selection"]["statuses"] == ["rumoured"]


def test_empty_selection_says_which_filter_emptied_it() -> None:
    G = stack()
    with pytest.raises(EmptySelectionError) as caught:
        select(G, statuses=["terminated"])
    assert str(caught.value) == (
        "nothing to draw: the statuses filter (terminated) leaves no tie (of the 6 entities and 6 ties in the graph)"
    )
    with pytest.raises(EmptySelectionError) as caught:
        select(G, relations=["acquires"], statuses=["active"])
    assert str(caught.value) == (
        "nothing to draw: the statuses filter (active) leaves no tie "
        "(of the 2 entities and 1 tie left by relations acquires)"
    )
    with pytest.raises(EmptySelectionError) as caught:
        select(G, relations=["develops"], layers=["launch-and-space"])
    assert str(caught.value) == (
        "nothing to draw: the layers filter (launch-and-space) leaves no tie "
        "(of the 2 entities and 1 tie left by relations develops)"
    )
    with pytest.raises(EmptySelectionError, match=r"the layers filter \(accelerators, ties within them\) leaves no"):
        select(G, relations=["supplies"], layers=["accelerators"], within_layers=True)
    with pytest.raises(EmptySelectionError, match=r"the ego view around ChatGPT \(depth 1\) leaves no tie"):
        select(G, relations=["supplies"], focus="ChatGPT")


def test_bad_names_are_input_errors_with_suggestions() -> None:
    with pytest.raises(UnknownEntityError, match="did you mean 'SpaceX'"):
        select(stack(), focus="Spacex Corp")
    with pytest.raises(UnknownEntityError, match="unknown layer 'ai-model'; did you mean 'ai-models'"):
        select(stack(), layers=["ai-model"])
    with pytest.raises(InputError, match="unknown relation 'buys'"):
        select(stack(), relations=["buys"])
    with pytest.raises(InputError, match="unknown status 'maybe'"):
        select(stack(), statuses=["maybe"])
    with pytest.raises(InputError, match="depth"):
        select(stack(), focus="xAI", depth=0)


# ---------------------------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------------------------

FIXTURE = """
@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix src: <https://w3id.org/stackgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

sgid:Rocketco a sg:Organization ; rdfs:label "Rocketco" ; sg:inLayer sg:LaunchAndSpace .
sgid:Chipco a sg:Organization ; rdfs:label "Chipco" ; sg:inLayer sg:Accelerators .
sgid:Modelco a sg:Organization ; rdfs:label "<img src=x onerror=alert(1)>" ; sg:inLayer sg:AIModels .
src:wire a sg:Source ; dcterms:title "The Wire" .

sgid:sup a sg:Supply ; sg:supplier sgid:Chipco ; sg:customer sgid:Modelco ; sg:status sg:Active ;
    sg:amount 2000000000.0 ; sg:currency "USD" ; sg:effectiveDate "2025-02"^^xsd:gYearMonth ;
    prov:wasDerivedFrom src:wire ;
    prov:qualifiedDerivation [ a sg:Evidence ; prov:entity src:wire ; sg:quote "Chipco supplies Modelco." ] .
sgid:talks a sg:Acquisition ; sg:acquirer sgid:Rocketco ; sg:target sgid:Chipco ; sg:status sg:InTalks ;
    sg:announcedDate "2025-06"^^xsd:gYearMonth .
"""


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("render") / "fixture.ttl"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def _run(fixture: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["render", "--no-shipped", "--graph", str(fixture), *args])


def test_cli_writes_a_view(fixture_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    result = _run(fixture_file, "-o", str(out), "--title", "Fixture <stack>", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 3 entities · 2 ties · as of 2026-01-01" in result.output
    data = _data_block(out.read_text(encoding="utf-8"))
    assert sorted(n["sg_name"] for n in data["nodes"]) == ["<img src=x onerror=alert(1)>", "Chipco", "Rocketco"]
    statuses = sorted(e["sg_status"] for e in data["edges"])
    assert statuses == ["active", "in-talks"]  # uncertain deals are shown by default
    supply = next(e for e in data["edges"] if e["sg_relation"] == "supplies")
    assert supply["label"] == "$2B · 2025-02" and "“Chipco supplies Modelco.”" in supply["title"]
    assert data["meta"]["title"] == "Fixture <stack>"


def test_cli_filters_and_ego(fixture_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "ego.html"
    result = _run(fixture_file, "-o", str(out), "--focus", "rocketco", "--depth", "1")
    assert result.exit_code == 0, result.output
    assert "2 entities · 1 tie" in result.output and "around rocketco (depth 1)" in result.output
    result = _run(fixture_file, "-o", str(out), "--status", "active", "--relation", "supplies")
    assert result.exit_code == 0 and "2 entities · 1 tie" in result.output
    result = _run(fixture_file, "-o", str(out), "--layer", "Compute")  # Chipco, its customer and its acquirer
    assert result.exit_code == 0 and "3 entities · 2 ties" in result.output
    result = _run(fixture_file, "-o", str(out), "--layer", "Compute", "--within-layers")
    assert result.exit_code == 0 and "1 entity · 0 ties" in result.output
    # the README's example: AI-model makers with who supplies and invests in them
    args = ("--layer", "ai-models", "--relation", "supplies,invests_in", "--status", "completed,active")
    result = _run(fixture_file, "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    assert "2 entities · 1 tie" in result.output
    result = _run(fixture_file, "-o", str(out), "--aggregate", "layers")
    assert result.exit_code == 0 and "3 layers summarising 3 entities" in result.output


def test_cli_empty_selection_writes_nothing(fixture_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    result = _run(fixture_file, "-o", str(out), "--relation", "develops")
    assert result.exit_code == 1
    assert result.output == (
        "Error: nothing to draw: the relations filter (develops) leaves no tie "
        "(of the 3 entities and 2 ties in the graph)\n"
    )
    assert not out.exists()


def test_cli_bad_input(fixture_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "bad.html"
    result = _run(fixture_file, "-o", str(out), "--focus", "Rocketcoo")
    assert result.exit_code == 2 and "unknown entity 'Rocketcoo'; did you mean 'Rocketco'" in result.output
    result = _run(fixture_file, "-o", str(tmp_path / "missing" / "x.html"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: cannot write {tmp_path / 'missing' / 'x.html'}: folder {tmp_path / 'missing'} does not exist"
    ]
    result = _run(fixture_file, "-o", str(out), "--status", "sure")
    assert result.exit_code == 2 and "unknown status 'sure'" in result.output
    result = _run(fixture_file, "-o", str(out), "--as-of", "soon")
    assert result.exit_code == 2 and "invalid date 'soon'" in result.output
    result = _run(fixture_file, "-o", str(out), "--scenario", "combined", "--aggregate", "groups")
    assert result.exit_code == 2 and "--aggregate cannot be combined with --scenario" in result.output
    assert not out.exists()


def test_cli_scenario_diff(tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(main, ["render", "-o", str(out), "--scenario", "spacex-acquires-nokia"])
    assert result.exit_code == 0, result.output
    data = _data_block(out.read_text(encoding="utf-8"))
    added = [e for e in data["edges"] if e.get("sg_change") == "added"]
    assert added and all(e["sg_relation"] == "acquires" for e in added)
    assert data["meta"]["diff"]["title"] == "SpaceX acquires Nokia"
    assert any(n.get("borderWidth") == 4 and n["sg_name"] == "Nokia" for n in data["nodes"])
