"""HTML views in a real browser: Debian's chromium driven by Playwright, every non-file request blocked.

Run alone with ``python -m pytest -m browser``. Skips only where /usr/bin/chromium (or Playwright) is missing.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from render_browser_fixtures import BROWSER, browser_fixture, hover_node, open_view_fixture  # noqa: F401 (fixtures)
from render_fixtures import deal, graph, node, rank_move, scenario, stack

from stackgraph.render import diff_view, graph_view
from stackgraph.scenarios.sections import report_sections

pytestmark = BROWSER


def test_view_shows_the_graph_offline(open_view: Any) -> None:
    s = open_view(graph_view(stack(), title="Stack"))
    nodes = s.js("network.body.data.nodes.get().map(n => n.id).sort()")
    assert nodes == ["chatgpt", "lonely", "nvidia", "openai", "spacex", "xai"]
    edges = s.js(
        "sgView.records('edges').map(e => (e.sg_relation === 'partners_with' ? [e.from, e.to].sort() : "
        "[e.from, e.to]).concat([e.sg_relation]).join(' '))"
    )
    assert s.js("network.body.data.edges.length") == 5
    assert sorted(edges) == [
        "nvidia openai supplies",
        "nvidia spacex partners_with",
        "nvidia xai supplies",
        "openai chatgpt develops",
        "spacex xai acquires",
    ]
    legend = s.page.inner_text("#sg-legend")
    for text in (
        "Stack layer (node colour)",
        "Accelerators",
        "Kind (node shape)",
        "product",
        "supplies",
        "dashed: rumoured",
        "node size: degree centrality",
    ):
        assert text in legend
    assert s.page.inner_text("#sg-title") == "Stack"
    assert s.page.title() == "Stack"
    tooltip = hover_node(s, "nvidia")
    assert tooltip.startswith("Nvidia\norganization · Accelerators")
    assert s.outgoing == [] and s.errors == [] and s.dialogs == []


def test_search_finds_and_selects(open_view: Any) -> None:
    s = open_view(graph_view(stack()))
    s.page.fill("#sg-search", "openai")
    s.page.press("#sg-search", "Enter")
    assert s.js("network.getSelectedNodes()") == ["openai"]
    assert s.page.inner_text("#sg-search-status") == "Found 1 entity."
    s.page.fill("#sg-search", "x")  # xAI and SpaceX; the exact match would come first
    s.page.click("#sg-search-go")
    assert sorted(s.js("network.getSelectedNodes()")) == ["spacex", "xai"]
    s.page.fill("#sg-search", "nobody")
    s.page.press("#sg-search", "Enter")
    assert s.js("network.getSelectedNodes()") == []
    assert "No visible entity matches" in s.page.inner_text("#sg-search-status")
    assert s.errors == [] and s.outgoing == []


def test_filters_hide_what_they_should(open_view: Any) -> None:
    s = open_view(graph_view(stack()))
    hidden_edges = (
        "network.body.data.edges.get({filter: e => e.hidden})"
        ".map(e => sgView.edges.col('sg_relation')[Number(e.id.slice(1))]).sort()"
    )
    hidden_nodes = "network.body.data.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"
    s.page.uncheck('fieldset[data-field="sg_relation"] input[data-key="supplies"]')
    assert s.js(hidden_edges) == ["supplies", "supplies"]
    assert s.js(hidden_nodes) == []
    s.page.uncheck('fieldset[data-field="sg_layers"] input[data-key="ai-models"]')
    assert s.js(hidden_nodes) == ["chatgpt", "openai", "xai"]
    assert s.js(hidden_edges) == ["acquires", "develops", "supplies", "supplies"]
    assert s.page.inner_text("#sg-visible") == "Showing 3 of 6 entities and 1 of 5 ties."
    s.page.uncheck('fieldset[data-field="sg_status"] input[data-key="active"]')
    assert s.js(hidden_edges) == ["acquires", "develops", "partners_with", "supplies", "supplies"]
    for field_name in ("sg_relation", "sg_layers", "sg_status"):
        s.page.click(f'fieldset[data-field="{field_name}"] button:text("all")')
    assert s.js(hidden_edges) == [] and s.js(hidden_nodes) == []
    s.page.click('fieldset[data-field="sg_status"] button:text("none")')
    assert len(s.js(hidden_edges)) == 5
    assert s.errors == [] and s.outgoing == []


def _hostile() -> nx.MultiDiGraph:
    G = graph()
    names = {
        "a": "<script>window.__pwned = 1; alert(1)</script>",
        "b": '<img src=x onerror="window.__pwned = 2; alert(2)">',
        "c": '"\'><svg onload="window.__pwned = 3"></svg>',
        "d": "</script><script>window.__pwned = 4</script>",
    }
    for key, name in names.items():
        node(G, key, "ai-models", label=name)
    deal(G, "a", "b", "supplies", quotes=(names["b"],), sources=(names["a"],), purpose=names["c"])
    deal(G, "c", "d", "acquires", status="rumoured", purpose=names["d"])
    return G


def test_hostile_names_never_execute(open_view: Any) -> None:
    G = _hostile()
    report = {"scenario": {"name": '<img src=y onerror="window.__pwned = 5">'}, "steps": [{"summary": "<b>x</b>"}]}
    for view in (graph_view(G, title="<script>window.__pwned = 6</script>"), diff_view(G, G.copy(), report)):
        s = open_view(view, name=f"hostile-{len(view.meta)}-{bool(view.meta['diff'])}.html")
        names = s.js("sgView.records('nodes').map(n => n.sg_name).sort()")
        assert names == sorted(G.nodes[n]["label"] for n in G)
        tooltip = hover_node(s, "b")
        assert tooltip.startswith(G.nodes["b"]["label"])
        assert s.js("document.querySelectorAll('div.vis-tooltip :not(br)').length") == 0
        s.page.fill("#sg-search", "<img")
        s.page.press("#sg-search", "Enter")
        s.page.fill("#sg-search", G.nodes["c"]["label"][:6])
        s.page.press("#sg-search", "Enter")
        s.page.wait_for_timeout(300)
        assert s.js("typeof window.__pwned") == "undefined"
        assert s.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert s.js("document.scripts.length") == 3
        assert s.dialogs == [] and s.outgoing == [] and s.errors == []
        if view.meta["diff"]:
            panel = s.page.text_content("#sg-diff")
            assert report["scenario"]["name"] in panel and "<b>x</b>" in panel
        else:
            assert s.page.title() == "<script>window.__pwned = 6</script>"


def test_bidi_overrides_are_neutralised_in_the_page(open_view: Any) -> None:
    G = graph()
    node(G, "evil", "ai-models", label="invoice\u202egnp.exe")
    node(G, "fine", "ai-models", label="Fine \u2067isolated\u2069")
    deal(G, "evil", "fine", "supplies", quotes=("evil\u202dquote",))
    s = open_view(graph_view(G, title="Stack \u202eweiv"))
    bidi = "[\\u202a-\\u202e\\u2066-\\u2069]"
    names = s.js("sgView.records('nodes').map(n => n.sg_name).sort()")
    assert names == ["Fine [U+2067]isolated[U+2069]", "invoice[U+202E]gnp.exe"]
    tooltip = hover_node(s, "evil")
    assert tooltip.startswith("invoice[U+202E]gnp.exe\n")
    assert s.page.title() == "Stack [U+202E]weiv" and s.page.inner_text("#sg-title") == "Stack [U+202E]weiv"
    shown = s.js(
        "(pattern) => [document.title, document.body.innerText, JSON.stringify(sgView.records('nodes')), "
        "JSON.stringify(sgView.records('edges'))].filter(t => new RegExp(pattern).test(t)).length",
        bidi,
    )
    assert shown == 0
    s.page.fill("#sg-search", "invoice[U+202E]")
    s.page.press("#sg-search", "Enter")
    assert s.js("network.getSelectedNodes()") == ["evil"]
    assert s.errors == [] and s.outgoing == [] and s.dialogs == []


def test_diff_view_in_the_browser(open_view: Any) -> None:
    before, after = scenario()
    s = open_view(diff_view(before, after, {"scenario": {"name": "SpaceX buys OpenAI"}}))
    changes = s.js("sgView.records('edges').map(e => e.sg_deal + ':' + e.sg_change).sort()")
    assert "x1:added" in changes and "nvidia-supplies-xai:removed" in changes
    panel = s.page.text_content("#sg-diff")
    assert "Before / after" in panel and "SpaceX buys OpenAI" in panel and "ties: acquires" in panel
    s.page.uncheck('fieldset[data-field="sg_change"] input[data-key="same"]')
    visible = s.js(
        "network.body.data.edges.get({filter: e => !e.hidden})"
        ".map(e => sgView.edges.col('sg_change')[Number(e.id.slice(1))]).sort()"
    )
    assert visible == ["added", "removed"]
    assert s.errors == [] and s.outgoing == []


def test_diff_panel_colours_rank_moves_the_right_way(open_view: Any) -> None:
    """Nokia rising 2 -> 1 is green, SpaceX falling 7 -> 17 red; an unchanged section says "unchanged" once."""
    before, after = scenario()

    report: dict[str, Any] = {
        "scenario": {"name": "Ranks"},
        "steps": [],
        "centrality": {"top": 10, "moves": [rank_move("Nokia", 2, 1), rank_move("SpaceX", 7, 17)], "groups": []},
    }
    report["sections"] = [section.to_dict() for section in report_sections(report)]
    s = open_view(diff_view(before, after, report))
    assert s.js("[...document.querySelectorAll('#sg-diff td.sg-up')].map(td => td.textContent)") == ["up 1"]
    assert s.js("[...document.querySelectorAll('#sg-diff td.sg-down')].map(td => td.textContent)") == ["down 10"]
    unchanged = [x["title"] for x in report["sections"][1:] if not x["changed"] and not x["notes"]]
    assert "Control groups" in unchanged and "Chokepoints" in unchanged
    assert s.page.text_content("#sg-diff").count("unchanged") == len(unchanged)  # once per section, no rows
    assert s.errors == []


def test_large_view_is_drawn_without_physics(open_view: Any) -> None:
    G = graph()
    for i in range(1500):
        node(G, f"n{i}", "ai-models" if i % 2 else "accelerators")
    for i in range(1, 1500):
        deal(G, f"n{(i - 1) // 3}", f"n{i}", "supplies")
    s = open_view(graph_view(G))
    assert s.js("network.body.data.nodes.length") == 1500
    assert s.js("network.physics.physicsEnabled") is False
    # positions are the precomputed ones
    expected = next(n for n in graph_view(G).network.nodes if n["id"] == "n7")
    shown = s.js("network.getPositions(['n7']).n7")  # vis-network reports whole pixels
    assert abs(shown["x"] - expected["x"]) < 1 and abs(shown["y"] - expected["y"]) < 1
    # names are drawn by the page once zoomed in; tooltips come from the page's own (text-only) box
    assert s.js("window.sgLabelsDrawn") == 0
    s.page.fill("#sg-search", "n7")
    s.page.press("#sg-search", "Enter")
    s.page.wait_for_function("() => window.sgLabelsDrawn > 0", timeout=5000)
    s.js("() => network.moveTo({position: network.getPositions(['n7']).n7, scale: 4})")  # nodes well apart
    s.page.wait_for_function("() => window.sgArrowsDrawn > 0 && window.sgLabelsDrawn > 0", timeout=5000)
    point = s.js(
        """() => {
            const p = network.canvasToDOM(network.getPositions(['n7']).n7);
            const box = document.getElementById('sg-network').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y, node: network.getNodeAt(p)};
        }"""
    )  # n7, or a node drawn over it
    s.page.mouse.move(point["x"] - 40, point["y"] - 40)
    s.page.mouse.move(point["x"], point["y"], steps=5)
    s.page.mouse.move(point["x"] + 1, point["y"] + 1)
    s.page.wait_for_function(
        "node => !document.getElementById('sg-tip').hidden && "
        "document.getElementById('sg-tip').textContent.startsWith(node + '\\n')",
        arg=point["node"],
        timeout=5000,
    )
    assert s.errors == [] and s.outgoing == []


def test_aggregated_view_in_the_browser(open_view: Any) -> None:
    s = open_view(graph_view(stack(), aggregate_by="layers"))
    nodes = s.js("network.body.data.nodes.get().map(n => n.id + ':' + n.shape).sort()")
    assert nodes == ["accelerators:hexagon", "ai-models:hexagon", "launch-and-space:hexagon", "none:hexagon"]
    labels = s.js("network.body.data.edges.get().map(e => e.from + '>' + e.to + ' ' + e.label).sort()")
    assert labels == ["accelerators>ai-models 2", "accelerators>launch-and-space 1", "launch-and-space>ai-models 1"]
    assert "3 layers" not in s.page.inner_text("#sg-stats")
    assert s.page.inner_text("#sg-stats").startswith("4 layers summarising 6 entities")
    assert s.errors == [] and s.outgoing == []
