"""HTML views (stackgraph.render, ``stackgraph render``): escaping, encoding, filters, diffs, offline pages, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from render_fixtures import PAYLOADS, deal, graph, node, page_data, scenario, stack

from stackgraph.cli import main
from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.render import (
    EDGE_LABEL_LIMIT,
    HUB_LABELS,
    HUB_NODE_LIMIT,
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
    # ChatGPT only receives (OpenAI develops it) and ends a chain nvidia -> openai -> chatgpt: highest PageRank
    assert nodes["chatgpt"]["size"] > nodes["spacex"]["size"]
    assert "pagerank centrality" in nodes["chatgpt"]["title"]
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
    groups = aggregate(G, "groups")
    assert {n: d["members"] for n, d in groups.nodes(data=True)} == {"spacex": 3, "nvidia": 1, "xai": 1}
    assert groups.nodes["spacex"]["top_members"] == ("spacex", "openai", "chatgpt")  # most ties first
    assert groups.graph["untied"] == 1 and groups.graph["entities"] == 6  # Lonely is counted, not drawn
    # with room for fewer nodes: the largest group, and the others pooled by their layer
    pooled = aggregate(G, "groups", max_nodes=2)
    assert {n: (d["label"], d["members"]) for n, d in pooled.nodes(data=True)} == {
        "spacex": ("SpaceX", 3),
        "urn:stackgraph:render:other-groups:accelerators": ("Others in Accelerators", 1),
        "urn:stackgraph:render:other-groups:ai-models": ("Others in AI models", 1),
    }
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
    assert not any("id" in e or "arrows" in e for e in view.network.edges)  # ties the page draws
    assert view.network.options["physics"] == {"enabled": False} and "edges" not in view.network.options
    assert view.notes == [
        "More than 1,000 entities: positions are precomputed and physics is off.",
        "Names shown for the 30 entities with the highest degree centrality; the others appear when you zoom in.",
        "Ties are unlabelled at this size: zoom in and point at one for its details.",
    ]
    small = graph_view(stack())
    assert small.network.options["physics"]["enabled"] is True
    aggregated = graph_view(G, max_nodes=100)  # the busiest 199 entities (groups of one) and a pool of the rest
    assert aggregated.meta["aggregate"] == "groups" and aggregated.network.num_nodes() == 200
    assert aggregated.network.nodes[-1]["sg_name"] == "Others in AI models"
    assert len(aggregated.network.edges) > EDGE_LABEL_LIMIT and aggregated.meta["edge_labels"] == "hover"
    assert all(e["sg_label"].isdigit() and "label" not in e for e in aggregated.network.edges)
    assert "more than a browser can draw" in aggregated.notes[0]
    layers = graph_view(G, max_nodes=100, aggregate_by="layers")
    assert layers.meta["aggregate"] == "layers" and layers.network.num_nodes() == 1


def _star(spokes: int, isolated: int = 0) -> nx.MultiDiGraph:
    """Hub "h" acquires ``spokes`` entities (each with an amount and date); ``isolated`` entities have no tie."""
    G = graph()
    node(G, "h", "compute", label="Hub")
    for i in range(spokes):
        node(G, f"s{i}", "ai-models", label=f"Spoke {i}")
        deal(G, "h", f"s{i}", "acquires", status="completed", amount=1e6 * (i + 1), currency="USD", effective="2020")
    for i in range(isolated):
        node(G, f"i{i}", "ai-models", label=f"Alone {i}")
    return G


def test_big_views_name_their_hubs() -> None:
    G = graph()  # a tree: n0 has 3 customers, each of those 3 more, ...; the top by degree are its inner entities
    for i in range(400):
        node(G, f"n{i}", "ai-models", label=f"Entity {i}")
    for i in range(1, 400):
        deal(G, f"n{(i - 1) // 3}", f"n{i}", "supplies")
    view = graph_view(G)
    hubs = view.meta["hubs"]
    assert len(hubs) == HUB_LABELS and hubs[0] == "n1"  # n1..n132 have 4 ties, n0 3; ties broken by name
    degree = dict(G.degree())
    assert min(degree[h] for h in hubs) >= max(degree[n] for n in G if n not in hubs)
    nodes = {n["id"]: n for n in view.network.nodes}
    assert "label" not in nodes["n1"] and nodes["n399"]["label"] == "Entity 399"  # the page names the hubs
    assert view.meta["deferred"] == 0 and not view.meta["lean"]
    by_pagerank = graph_view(G, size_by="pagerank").meta["hubs"]
    assert by_pagerank != hubs and "pagerank" in graph_view(G, size_by="pagerank").notes[0]
    assert graph_view(stack()).meta["hubs"] == []  # small views name every entity


def test_entities_without_ties_wait_behind_a_counter() -> None:
    view = graph_view(_star(HUB_NODE_LIMIT, isolated=30))
    assert view.meta["deferred"] == 30
    rows = [n["id"] for n in view.network.nodes]
    assert rows[-30:] == [f"i{i}" for i in range(30)] and "h" in rows[:-30]
    # in rows under the graph
    lowest = max(n["y"] for n in view.network.nodes[:-30])
    assert all(n["y"] > lowest for n in view.network.nodes[-30:])
    assert "151 ties" not in view.meta["stats"] and view.meta["stats"].startswith("181 entities · 150 ties")
    assert graph_view(_star(10, isolated=3)).meta["deferred"] == 0  # small views show them


def test_tie_labels_only_on_hover_beyond_the_limit() -> None:
    few = graph_view(_star(EDGE_LABEL_LIMIT))
    assert all(e["label"].startswith("$") for e in few.network.edges) and few.meta["edge_labels"] == "always"
    ego = graph_view(select(_star(90), focus="Hub"))  # the 90-tie ego view: no pile of labels on its centre
    assert ego.meta["edge_labels"] == "hover"
    assert not any("label" in e for e in ego.network.edges)
    assert {e["sg_label"] for e in ego.network.edges} >= {"$1M · 2020", "$90M · 2020"}
    assert any("point at it" in note for note in ego.notes)


def test_the_page_carries_compact_columns() -> None:
    G = _star(200)
    page = graph_view(G).html()
    data = re.search(r'<script type="application/json" id="sg-data">(.*?)</script>', page, re.S)
    assert data is not None
    tables = json.loads(data.group(1))
    nodes, edges = tables["nodes"]["columns"], tables["edges"]["columns"]
    assert isinstance(nodes["x"], list) and len(nodes["x"]) == 201
    assert nodes["color"]["codes"][1:] == [nodes["color"]["codes"][1]] * 200  # one colour object, 200 codes
    assert edges["from"] == {"rows": [0] * 200} and edges["to"]["rows"] == list(range(1, 201))
    assert '"highlight"' in page and page.count('"highlight"') < 10  # no option object per node or tie
    decoded = page_data(page)
    assert decoded["nodes"][1]["sg_name"] == "Spoke 0" and decoded["edges"][0]["to"] == "s0"


def test_the_basis_of_each_tie_is_shown() -> None:
    G = stack()
    for _, _, data in G.edges(data=True):
        data["basis"] = ("quoted",) if data.get("quotes") else ("dataset", "editorial")
    view = graph_view(G)
    supply = next(e for e in view.network.edges if "Nvidia will supply" in e["title"])
    assert "basis: quoted source" in supply["title"] and supply["sg_basis"] == ["quoted"]
    other = next(e for e in view.network.edges if e["sg_relation"] == "develops")
    assert "basis: dataset record, editorial estimate" in other["title"]
    legend = {s["title"]: [i["label"] for i in s["items"]] for s in view.meta["legend"]}
    assert legend["Basis (evidence of a tie, in its tooltip)"] == [
        "quoted source: 1 tie",
        "dataset record: 4 ties",
        "editorial estimate: 4 ties",
    ]
    basis = next(f for f in view.meta["filters"] if f["field"] == "sg_basis")
    assert {i["key"]: i["count"] for i in basis["items"]} == {"quoted": 1, "dataset": 4, "editorial": 4}
    # until the projection carries a basis, there is no such legend section or filter
    plain = graph_view(stack())
    assert not any(s["title"].startswith("Basis") for s in plain.meta["legend"])
    assert not any(f["field"] == "sg_basis" for f in plain.meta["filters"])
    assert not any("basis" in e["title"] for e in plain.network.edges)


def test_overview_nodes_open_into_their_busiest_members() -> None:
    G = stack()
    deal(G, "spacex", "openai", "acquires", status="completed")
    view = graph_view(G, aggregate_by="groups")
    assert view.members is not None
    members = {m["sg_entity"]: m for m in view.members["members"]}
    assert sorted(members) == ["chatgpt", "nvidia", "openai", "spacex", "xai"]  # Lonely has no tie
    assert members["openai"]["sg_group"] == "spacex" and members["openai"]["id"].startswith("m")
    assert "in SpaceX" in members["openai"]["title"]
    ties = {(t["from"], t["to"], t["sg_relation"]) for t in view.members["ties"]}
    by_id = {m["id"]: m["sg_entity"] for m in view.members["members"]}
    ends = {(*sorted((by_id[a], by_id[b])), r) if r == "partners_with" else (by_id[a], by_id[b], r) for a, b, r in ties}
    assert ends == {
        ("nvidia", "openai", "supplies"),
        ("nvidia", "xai", "supplies"),
        ("spacex", "xai", "acquires"),
        ("nvidia", "spacex", "partners_with"),
        ("openai", "chatgpt", "develops"),
        ("spacex", "openai", "acquires"),
    }
    assert any(note.startswith("Click a group") and "1 entity without ties not drawn." in note for note in view.notes)
    data = page_data(view.html())
    assert data["meta"]["aggregate"] == "groups" and data["members"]["length"] == 5
    assert graph_view(G).members is None


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


README = Path(__file__).resolve().parent.parent / "README.md"
README_RENDER_LINES = [
    line.split(" #", 1)[0].strip()
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    for line in block.splitlines()
    if line.startswith("stackgraph render ")
]


def test_the_readme_shows_render_examples() -> None:
    assert len(README_RENDER_LINES) >= 5


@pytest.mark.parametrize("line", README_RENDER_LINES)
def test_readme_render_example_draws_something(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    args = shlex.split(line)[1:]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    written = Path(args[args.index("-o") + 1])
    data = _data_block(written.read_text(encoding="utf-8"))
    assert data["nodes"] and "wrote " in result.output


def test_cli_scenario_diff(tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(main, ["render", "-o", str(out), "--scenario", "spacex-acquires-nokia"])
    assert result.exit_code == 0, result.output
    data = _data_block(out.read_text(encoding="utf-8"))
    added = [e for e in data["edges"] if e.get("sg_change") == "added"]
    assert added and all(e["sg_relation"] == "acquires" for e in added)
    assert data["meta"]["diff"]["title"] == "SpaceX acquires Nokia"
    assert any(n.get("borderWidth") == 4 and n["sg_name"] == "Nokia" for n in data["nodes"])
