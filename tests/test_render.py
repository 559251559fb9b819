"""HTML views (stackgraph.render, ``stackgraph render``): escaping, encoding, filters, diffs, offline pages, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from render_fixtures import PAYLOADS, deal, graph, node, scenario, stack

from stackgraph.cli import main
from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.render import (
    LEAN_NODE_LIMIT,
    EmptySelectionError,
    GraphView,
    aggregate,
    diff_view,
    graph_view,
    merge_diff,
    scenario_diff_html,
    select,
)


def _data_block(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sg-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def _snapshot(G: nx.MultiDiGraph) -> Any:
    return (
        dict(G.graph),
        sorted((n, sorted(d.items())) for n, d in G.nodes(data=True)),
        sorted((u, v, k, sorted(d.items())) for u, v, k, d in G.edges(keys=True, data=True)),
    )


# ---------------------------------------------------------------------------------------------------------------
# escaping and offline pages
# ---------------------------------------------------------------------------------------------------------------


def test_data_strings_are_escaped_everywhere_and_survive_intact() -> None:
    G = graph()
    for i, payload in enumerate(PAYLOADS):
        node(G, f"n{i}", "ai-models", label=payload)
    deal(G, "n0", "n1", "supplies", quotes=(PAYLOADS[1],), sources=(PAYLOADS[2],), purpose=PAYLOADS[0])
    page = graph_view(G, title=PAYLOADS[2]).html()

    for payload in PAYLOADS:
        assert payload not in page
    assert "<img" not in page
    # only the page's own three script elements close
    assert page.count("</script>") == 3
    assert "<title>&quot;quoted&quot; &amp; &#x27;single&#x27; &lt;/script&gt;&lt;b&gt;x</title>" in page
    data = _data_block(page)
    assert {n["sg_name"] for n in data["nodes"]} == set(PAYLOADS)
    edge = data["edges"][0]
    assert PAYLOADS[1] in edge["title"] and PAYLOADS[2] in edge["title"] and PAYLOADS[0] in edge["title"]


def test_tooltips_are_plain_text_strings() -> None:
    view = graph_view(stack())
    for item in [*view.network.nodes, *view.network.edges]:
        assert isinstance(item["title"], str)
        assert "<br" not in item["title"] and "<b>" not in item["title"]


def test_page_needs_no_network() -> None:
    page = graph_view(stack()).html()
    remote = re.compile(
        r"""(?:\bsrc|\bhref)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I
    )
    assert remote.findall(page) == []
    assert "default-src 'none'" in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "vis.Network" in page  # vis-network itself is inlined


def test_write_is_atomic_and_matches_html(tmp_path: Path) -> None:
    view = graph_view(stack(), title="Stack")
    target = tmp_path / "view.html"
    target.write_text("old")
    assert view.write(target) == target
    assert target.read_text(encoding="utf-8") == view.html()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]
    with pytest.raises(InputError, match="does not exist"):
        view.write(tmp_path / "missing" / "view.html")
    assert not (tmp_path / "missing").exists()


def test_view_object_for_jupyter_and_pyvis() -> None:
    from pyvis.network import Network

    view = graph_view(stack(), title="Jupyter <view>")
    assert isinstance(view, GraphView) and isinstance(view.network, Network)
    assert view.network.num_nodes() == 6
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "<script" not in shown.split('srcdoc="', 1)[1]
    assert "Jupyter &amp;lt;view&amp;gt;" in shown
    # restyling the pyvis network changes the page
    view.network.nodes[0]["color"] = "#123456"
    assert "#123456" in view.html()


# ---------------------------------------------------------------------------------------------------------------
# encoding
# ---------------------------------------------------------------------------------------------------------------


def test_encoding_colour_shape_size() -> None:
    view = graph_view(stack())
    nodes = {n["id"]: n for n in view.network.nodes}
    assert nodes["openai"]["color"]["background"] == nodes["xai"]["color"]["background"]
    assert nodes["openai"]["color"]["background"] != nodes["nvidia"]["color"]["background"]
    assert nodes["chatgpt"]["shape"] == "square" and nodes["openai"]["shape"] == "dot"
    # nvidia has 4 deal ends (2 supplies, the partnership both ways), openai 2, lonely 0
    assert nodes["nvidia"]["size"] > nodes["openai"]["size"] > nodes["lonely"]["size"]
    assert nodes["lonely"]["sg_layers"] == ["none"]
    assert "degree centrality" in nodes["nvidia"]["title"]


def test_encoding_edges() -> None:
    view = graph_view(stack())
    edges = {(e["from"], e["to"], e["sg_relation"]): e for e in view.network.edges}
    assert len(view.network.edges) == 5  # the partnership is drawn once
    supply = edges[("nvidia", "openai", "supplies")]
    assert supply["label"] == "$6.5B · 2024-03"
    assert "dashes" not in supply
    for text in (
        "status: active",
        "announced: 2024-03",
        "amount: $6.5B (6,500,000,000 USD)",
        "“Nvidia will supply OpenAI.”",
        "— Chip News",
    ):
        assert text in supply["title"]
    rumour = edges[("spacex", "xai", "acquires")]
    assert rumour["dashes"] and "status: rumoured" in rumour["title"]
    assert rumour["color"]["color"] != supply["color"]["color"]
    partnership = next(e for e in view.network.edges if e["sg_relation"] == "partners_with")
    assert partnership["arrows"] == {"to": False}
    assert supply["arrows"]["to"]["enabled"] is True


def test_legend_and_filters_list_what_is_drawn() -> None:
    meta = graph_view(stack()).meta
    titles = [s["title"] for s in meta["legend"]]
    assert titles[:3] == ["Stack layer (node colour)", "Kind (node shape)", "Relation (tie colour and arrow)"]
    layer_items = [i["label"] for i in meta["legend"][0]["items"]]
    assert layer_items == ["Accelerators", "AI models", "Launch and space", "No layer"]
    filters = {f["field"]: f for f in meta["filters"]}
    assert {i["key"]: i["count"] for i in filters["sg_relation"]["items"]} == {
        "acquires": 1,
        "supplies": 2,
        "partners_with": 1,
        "develops": 1,
    }
    assert {i["key"]: i["count"] for i in filters["sg_status"]["items"]} == {"rumoured": 1, "active": 4}
    assert {i["key"]: i["count"] for i in filters["sg_layers"]["items"]} == {
        "accelerators": 1,
        "ai-models": 3,
        "launch-and-space": 1,
        "none": 1,
    }


def test_size_by_pagerank_uses_the_analysis_layer() -> None:
    view = graph_view(stack(), size_by="pagerank")
    nodes = {n["id"]: n for n in view.network.nodes}
    # rank flows to the party others depend on: Nvidia supplies OpenAI and xAI, OpenAI develops ChatGPT
    assert nodes["nvidia"]["size"] > nodes["openai"]["size"] > nodes["chatgpt"]["size"]
    assert "pagerank centrality" in nodes["nvidia"]["title"]
    with pytest.raises(InputError, match="size measure"):
        graph_view(stack(), size_by="fame")


def test_render_does_not_mutate_its_input() -> None:
    G = stack()
    before = _snapshot(G)
    graph_view(select(G, focus="xAI", depth=2))
    diff_view(G, stack())
    aggregate(G, "layers")
    assert _snapshot(G) == before


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
    assert sorted(select(G, layers=["Compute"]).nodes) == ["nvidia"]
    H = select(G, layers=["ai-models", "accelerators"])
    assert sorted(H.nodes) == ["chatgpt", "nvidia", "openai", "xai"]
    assert sorted(d["relation"] for _, _, d in H.edges(data=True)) == ["develops", "supplies", "supplies"]


def test_relation_and_status_filters_drop_untied_entities() -> None:
    G = stack()
    H = select(G, relations=["supplies"])
    assert sorted(H.nodes) == ["nvidia", "openai", "xai"] and H.number_of_edges() == 2
    H = select(G, statuses=["rumoured"])
    assert sorted(H.nodes) == ["spacex", "xai"]
    assert H.graph["selection"]["statuses"] == ["rumoured"]


def test_empty_selection_is_an_error() -> None:
    with pytest.raises(EmptySelectionError, match="nothing to draw"):
        select(stack(), statuses=["terminated"])
    with pytest.raises(EmptySelectionError, match="relations supplies"):
        select(stack(), relations=["supplies"], layers=["launch-and-space"])


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
# scenario diffs
# ---------------------------------------------------------------------------------------------------------------


def test_merge_diff_marks_changes() -> None:
    before, after = scenario()
    D = merge_diff(before, after)
    assert D.edges["spacex", "openai", "x1"]["change"] == "added"
    assert D.edges["nvidia", "xai", "nvidia-supplies-xai"]["change"] == "removed"
    assert D.edges["nvidia", "openai", "nvidia-supplies-openai"]["change"] == "same"
    # OpenAI and its product ChatGPT move into SpaceX's control group
    moved = sorted(n for n, d in D.nodes(data=True) if d["group_changed"])
    assert moved == ["chatgpt", "openai"]
    assert D.nodes["openai"]["group_before"] == "OpenAI" and D.nodes["openai"]["group_after"] == "SpaceX"


def test_diff_view_highlights_and_panel() -> None:
    before, after = scenario()
    report = {
        "scenario": {"name": "SpaceX buys <OpenAI>", "description": "A what-if.", "as_of": "2026-07-01"},
        "steps": [{"summary": "SpaceX acquires OpenAI"}],
        "changed": ["groups"],
        "groups": [
            {
                "parent": {"iri": "spacex", "label": "SpaceX"},
                "status": "changed",
                "size_before": 1,
                "size_after": 3,
                "joined": [{"iri": "openai", "label": "OpenAI"}],
                "left": [],
            }
        ],
        "concentration": [
            {
                "market": "ai-models",
                "label": "AI models",
                "hhi_before": 2000.0,
                "hhi_after": 2600.0,
                "delta_hhi": 600.0,
                "highly_concentrated": True,
            }
        ],
    }
    view = diff_view(before, after, report)
    edges = {e["sg_deal"]: e for e in view.network.edges}
    assert edges["x1"]["sg_change"] == "added" and edges["x1"]["width"] == 4
    assert edges["nvidia-supplies-xai"]["sg_change"] == "removed" and edges["nvidia-supplies-xai"]["dashes"]
    nodes = {n["id"]: n for n in view.network.nodes}
    assert nodes["openai"]["borderWidth"] == 4 and "control group: OpenAI → SpaceX" in nodes["openai"]["title"]
    panel = view.meta["diff"]
    assert view.title == "What if: SpaceX buys <OpenAI>" and panel["steps"] == ["SpaceX acquires OpenAI"]
    graph_rows = {r["label"]: (r["before"], r["after"]) for r in panel["sections"][0]["rows"]}
    assert graph_rows["ties"] == (5, 5)  # one supply removed, one acquisition added
    assert graph_rows["ties: acquires"] == (1, 2) and graph_rows["ties: supplies"] == (2, 1)
    assert graph_rows["entities changing control group"] == ("", 2)
    sections = {s["title"]: s["rows"] for s in panel["sections"]}
    assert sections["Control groups"][0]["before"] == 1 and sections["Control groups"][0]["after"] == 3
    assert sections["Concentration (HHI)"][0]["note"] == "ΔHHI 600.0 · highly concentrated"
    change = next(f for f in view.meta["filters"] if f["field"] == "sg_change")
    assert {i["key"]: i["count"] for i in change["items"]} == {"added": 1, "removed": 1, "same": 4}
    page = scenario_diff_html(before, after, report)
    assert "<OpenAI>" not in page and "SpaceX buys &lt;OpenAI&gt;" in page


def test_diff_view_can_focus() -> None:
    before, after = scenario()
    view = diff_view(before, after, focus="OpenAI", depth=1)
    assert sorted(n["id"] for n in view.network.nodes) == ["chatgpt", "nvidia", "openai", "spacex"]


# ---------------------------------------------------------------------------------------------------------------
# scale
# ---------------------------------------------------------------------------------------------------------------


def test_aggregate_by_layers_and_groups() -> None:
    A = aggregate(stack(), "layers")
    assert {n: d["members"] for n, d in A.nodes(data=True)} == {
        "accelerators": 1,
        "ai-models": 3,
        "launch-and-space": 1,
        "none": 1,
    }
    counts = {(u, v, d["relation"]): d["count"] for u, v, d in A.edges(data=True)}
    assert counts[("accelerators", "ai-models", "supplies")] == 2
    assert A.nodes["ai-models"]["internal"] == 1  # OpenAI develops ChatGPT
    G = stack()
    deal(G, "spacex", "openai", "acquires", status="completed")
    groups = aggregate(G, "groups", max_nodes=3)
    assert groups.nodes["spacex"]["members"] == 3  # SpaceX, OpenAI, ChatGPT
    assert groups.number_of_nodes() == 3 and groups.nodes["urn:stackgraph:render:other-groups"]["members"] == 2
    with pytest.raises(InputError, match="unknown aggregate"):
        aggregate(G, "continents")


def test_views_above_the_limits() -> None:
    G = graph()
    n = LEAN_NODE_LIMIT + 50
    for i in range(n):
        node(G, f"n{i}", "ai-models")
    for i in range(1, n):
        deal(G, f"n{i // 2}", f"n{i}", "supplies", amount=1e6, currency="USD")
    view = graph_view(G)
    assert view.network.options["physics"] == {"enabled": False}
    assert all("x" in node and "y" in node for node in view.network.nodes)
    assert not any("label" in e for e in view.network.edges)
    # lean styling: names and tooltips are drawn by the page, not by vis-network
    assert not any("label" in n or "title" in n for n in view.network.nodes)
    assert view.network.nodes[1]["sg_tip"].startswith("n1\norganization · AI models")
    assert view.meta["lean"] is True
    assert {e["color"] for e in view.network.edges} == {"#2471a3"}  # lean styling: plain supply blue
    assert len(view.notes) == 2
    small = graph_view(stack())
    assert small.network.options["physics"]["enabled"] is True
    aggregated = graph_view(G, max_nodes=100)
    assert aggregated.meta["aggregate"] == "layers" and aggregated.network.num_nodes() == 1
    assert "more than a browser can draw" in aggregated.notes[0]


def test_layout_is_reproducible() -> None:
    first = [(n["x"], n["y"]) for n in graph_view(stack()).network.nodes]
    assert first == [(n["x"], n["y"]) for n in graph_view(stack()).network.nodes]


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
    assert "2 entities · 1 ties" in result.output and "around rocketco (depth 1)" in result.output
    result = _run(fixture_file, "-o", str(out), "--status", "active", "--relation", "supplies")
    assert result.exit_code == 0 and "2 entities · 1 ties" in result.output
    result = _run(fixture_file, "-o", str(out), "--layer", "Compute")
    assert result.exit_code == 0 and "1 entities · 0 ties" in result.output
    result = _run(fixture_file, "-o", str(out), "--aggregate", "layers")
    assert result.exit_code == 0 and "3 layers summarising 3 entities" in result.output


def test_cli_empty_selection_writes_nothing(fixture_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    result = _run(fixture_file, "-o", str(out), "--relation", "develops")
    assert result.exit_code == 1
    assert "nothing to draw" in result.output and "relations develops" in result.output
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
