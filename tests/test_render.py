"""HTML views (stackgraph.render): escaping, the page and its CSP, encoding, legend and filters, scenario diffs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from render_fixtures import PAYLOADS, deal, graph, node, page_data, rank_move, scenario, stack

from stackgraph.errors import InputError
from stackgraph.render import (
    GraphView,
    aggregate,
    diff_view,
    graph_view,
    merge_diff,
    scenario_diff_html,
    select,
)
from stackgraph.scenarios.sections import report_sections


def _data_block(page: str) -> dict[str, Any]:
    return page_data(page)


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


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_controls_are_shown_neutralised() -> None:
    G = graph()
    node(G, "evil", "ai-models", label="invoice\u202egnp.exe")
    node(G, "fine", "ai-models", label="Fine")
    deal(G, "evil", "fine", "supplies", quotes=("said \u2067quietly\u2069",), purpose="x\u202ay")
    page = graph_view(G, title="Title \u202e1").html()
    assert not any(char in page for char in BIDI)
    data = _data_block(page)
    assert "invoice[U+202E]gnp.exe" in {n["sg_name"] for n in data["nodes"]}
    assert "said [U+2067]quietly[U+2069]" in data["edges"][0]["title"]
    assert "<title>Title [U+202E]1</title>" in page


def test_page_allows_only_its_own_scripts() -> None:
    import base64
    import hashlib

    page = graph_view(stack()).html()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy is not None
    directives = dict(part.strip().split(" ", 1) for part in policy.group(1).split(";"))
    assert directives["default-src"] == "'none'"
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)  # the executable ones (not the JSON block)
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts}
    assert len(scripts) == 2 and set(directives["script-src"].split()) == expected
    assert "unsafe" not in directives["script-src"]


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
        "steps": [{"summary": "SpaceX acquires OpenAI", "status": None, "added": ["x1"]}],
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
    report["sections"] = [section.to_dict() for section in report_sections(report)]
    view = diff_view(before, after, report)
    edges = {e["sg_deal"]: e for e in view.network.edges}
    assert edges["x1"]["sg_change"] == "added" and edges["x1"]["width"] == 4
    assert edges["nvidia-supplies-xai"]["sg_change"] == "removed" and edges["nvidia-supplies-xai"]["dashes"]
    nodes = {n["id"]: n for n in view.network.nodes}
    assert nodes["openai"]["borderWidth"] == 4 and "control group: OpenAI → SpaceX" in nodes["openai"]["title"]
    panel = view.meta["diff"]
    assert view.title == "What if: SpaceX buys <OpenAI>"
    assert panel["steps"] == ["SpaceX acquires OpenAI (status: hypothetical, in effect in the scenario)"]
    graph_rows = {r[0]["text"]: (r[1]["text"], r[2]["text"]) for r in panel["sections"][0]["rows"]}
    assert graph_rows["ties"] == ("5", "5")  # one supply removed, one acquisition added
    assert graph_rows["ties: acquires"] == ("1", "2") and graph_rows["ties: supplies"] == ("2", "1")
    assert graph_rows["entities changing control group"] == ("–", "2")
    # the report's own sections follow, as the text report words them (one model)
    assert panel["sections"][1:] == report["sections"][1:]
    sections = {s["key"]: s for s in panel["sections"]}
    assert [c["text"] for c in sections["groups"]["rows"][0]] == ["SpaceX", "changed", "1", "3", "joined: OpenAI"]
    assert [c["text"] for c in sections["concentration"]["rows"][0]][:5] == ["AI models", "-", "2,000", "2,600", "+600"]
    change = next(f for f in view.meta["filters"] if f["field"] == "sg_change")
    assert {i["key"]: i["count"] for i in change["items"]} == {"added": 1, "removed": 1, "same": 4}
    page = scenario_diff_html(before, after, report)
    assert "<OpenAI>" not in page and "SpaceX buys &lt;OpenAI&gt;" in page


def test_diff_panel_rank_moves_and_step_status() -> None:
    """A rise to a better rank is good (green), a fall bad (red); ties are no move; a completed step is drawn and
    described as completed, not as a dashed hypothetical deal."""
    before, after = scenario()

    report = {
        "scenario": {"name": "Ranks"},
        "steps": [{"summary": "SpaceX buys OpenAI", "status": "completed", "added": ["x1"]}],
        "centrality": {
            "top": 10,
            "moves": [rank_move("Nokia", 2, 1), rank_move("SpaceX", 7, 17), rank_move("xAI", 3, 3)],
            "groups": [],
        },
    }
    report["sections"] = [section.to_dict() for section in report_sections(report)]
    view = diff_view(before, after, report)
    centrality = next(s for s in view.meta["diff"]["sections"] if s["key"] == "centrality")
    moves = {row[0]["text"]: row[3] for row in centrality["rows"]}
    assert moves == {"Nokia": {"text": "up 1", "tone": "good"}, "SpaceX": {"text": "down 10", "tone": "bad"}}
    edge = next(e for e in view.network.edges if e["sg_deal"] == "x1")
    assert "dashes" not in edge and "status: completed" in edge["title"]
    assert view.meta["diff"]["steps"] == ["SpaceX buys OpenAI (status: completed)"]


def test_diff_view_can_focus() -> None:
    before, after = scenario()
    view = diff_view(before, after, focus="OpenAI", depth=1)
    assert sorted(n["id"] for n in view.network.nodes) == ["chatgpt", "nvidia", "openai", "spacex"]
