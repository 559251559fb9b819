"""Large views and overviews in a real browser: search and navigation, named hubs, entities without ties, page-drawn
entities and ties, tie labels on hover, groups that open on click (Debian's chromium via Playwright)."""

from __future__ import annotations

from typing import Any

import networkx as nx
from render_browser_fixtures import BROWSER, Session, browser_fixture, open_view_fixture  # noqa: F401 (fixtures)
from render_fixtures import deal, graph, node

from stackgraph.render import diff_view, graph_view

pytestmark = BROWSER


def _many(n: int) -> nx.MultiDiGraph:
    """``n`` entities in a tree of supplies (three customers each), one of them named Google."""
    G = graph()
    for i in range(n):
        node(G, f"n{i}", "ai-models" if i % 2 else "accelerators", label="Google" if i == n - 7 else f"Entity {i}")
    for i in range(1, n):
        deal(G, f"n{(i - 1) // 3}", f"n{i}", "supplies")
    return G


def _camera(session: Session) -> dict[str, Any]:
    return session.js(
        """() => {
            const canvas = document.querySelector('#sg-network canvas');
            const ctx = canvas.getContext('2d');
            const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let inked = 0;
            for (let i = 0; i < pixels.length; i += 4 * 7) {
                const dark = pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235;
                if (pixels[i + 3] > 0 && dark) { inked += 1; }
            }
            const p = network.getViewPosition();
            return {x: p.x, y: p.y, scale: network.getScale(), inked: inked};
        }"""
    )


def _box(session: Session) -> dict[str, float]:
    return session.js(
        "(() => { const r = document.getElementById('sg-network').getBoundingClientRect(); "
        "return {x: r.left, y: r.top, w: r.width, h: r.height}; })()"
    )


def _settled_on(session: Session, node_id: str) -> dict[str, Any]:
    """Wait until the view has arrived at ``node_id`` and no animation runs; return the camera."""
    session.page.wait_for_function(
        """id => {
            const at = network.getPositions([id])[id];
            const p = network.getViewPosition();
            return Math.abs(p.x - at.x) < 1 && Math.abs(p.y - at.y) < 1 && network.view.easingTime === 0;
        }""",
        arg=node_id,
        timeout=10000,
    )
    session.page.wait_for_timeout(100)
    return _camera(session)


def _wander(session: Session) -> dict[str, Any]:
    """Move the mouse across the view like a person (no button held), over its centre, and return the camera."""
    box = _box(session)
    x, y = box["x"] + box["w"] * 0.25, box["y"] + box["h"] * 0.3
    session.page.mouse.move(x, y)
    for step in range(16):
        x += box["w"] * 0.03 + step % 3
        y += box["h"] * 0.0125 + step % 2
        session.page.mouse.move(x, y, steps=4)
        session.page.wait_for_timeout(40)
    session.page.wait_for_timeout(300)
    return _camera(session)


def _same_camera(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return abs(a["x"] - b["x"]) < 1 and abs(a["y"] - b["y"]) < 1 and a["scale"] == b["scale"]


def test_search_then_mouse_moves_keep_the_view(open_view: Any) -> None:
    """#13: each search ran find() twice (Enter and the input's change event); the two focus animations left a
    stale redraw, so the next mouse move threw the view back to where it was, with an empty canvas."""
    n = 4000
    s = open_view(graph_view(_many(n)))
    google, other = f"n{n - 7}", "n5"
    s.js(
        """() => {
            window.focusCalls = 0;
            const focus = network.focus.bind(network);
            network.focus = function () { window.focusCalls += 1; return focus.apply(null, arguments); };
        }"""
    )
    s.page.fill("#sg-search", "Google")
    s.page.press("#sg-search", "Enter")
    settled = _settled_on(s, google)
    assert s.js("window.focusCalls") == 1 and s.js("network.getSelectedNodes()") == [google]
    assert settled["inked"] > 50 and settled["scale"] >= 0.9
    moved = _wander(s)
    assert _same_camera(moved, settled) and moved["inked"] > 50

    s.page.fill("#sg-search", "Entity 5")  # the Find button: one search too (the input's change event is not one)
    s.page.click("#sg-search-go")
    settled = _settled_on(s, other)
    assert s.js("window.focusCalls") == 2
    moved = _wander(s)
    assert _same_camera(moved, settled) and moved["inked"] > 50

    # two searches at once (as a double Enter would): the second waits for the first to arrive
    s.js("() => { window.sgFind('Google'); window.sgFind('Entity 5'); }")
    settled = _settled_on(s, other)
    assert s.js("window.focusCalls") == 4
    moved = _wander(s)
    assert _same_camera(moved, settled) and moved["inked"] > 50
    assert s.errors == [] and s.outgoing == []


def _acquirers() -> nx.MultiDiGraph:
    """Crunchbase-like: most entities in no layer and without ties; three large acquirers and many small ones."""
    G = graph()
    big = {"Cisco": 88, "IBM": 68, "Google": 62}
    for name, bought in big.items():
        node(G, name, label=name)
        for i in range(bought):
            node(G, f"{name}-t{i}", label=f"{name} target {i}")
            deal(G, name, f"{name}-t{i}", "acquires", status="completed")
    for i in range(300):  # small acquirers with one or two targets each
        node(G, f"a{i}", label=f"Acquirer {i}")
        for j in range(1 + i % 2):
            node(G, f"a{i}-t{j}", label=f"Small target {i}.{j}")
            deal(G, f"a{i}", f"a{i}-t{j}", "acquires", status="completed")
    for i in range(2000):
        node(G, f"solo{i}", label=f"Standalone {i}")
    return G


def test_a_crunchbase_sized_graph_opens_on_its_largest_acquirers(open_view: Any) -> None:
    G = _acquirers()
    view = graph_view(G)
    assert view.meta["lean"] and view.meta["deferred"] == 2000
    s = open_view(view)
    assert s.js("network.body.data.nodes.length") == G.number_of_nodes() - 2000
    assert s.js("window.sgHubsDrawn.slice(0, 3)") == ["Cisco", "IBM", "Google"]  # named on the first screen
    assert s.js("window.sgTiesDrawn") == G.number_of_edges()
    assert s.page.inner_text("#sg-deferred").startswith("2,000 entities without ties hidden.")
    drawn = "() => sgView.nodes.col('id').filter((id, row) => sgView.isDrawn(row)).length"
    fitted = "() => { network.moveTo({position: {x: 0, y: 0}, scale: 0.001}); network.redraw(); }"
    s.page.click("#sg-deferred button")
    assert s.js(drawn) == G.number_of_nodes()
    s.js(fitted)  # the page draws them in rows under the graph (vis-network holds the others)
    assert s.js("window.sgNodesDrawn") == 2000
    assert "shown under the graph" in s.page.inner_text("#sg-deferred")
    s.page.click("#sg-deferred button")
    assert s.js(drawn) == G.number_of_nodes() - 2000
    s.js(fitted)
    assert s.js("window.sgNodesDrawn") == 0
    s.page.fill("#sg-search", "Standalone 17")  # a search that finds one of them shows them
    s.page.press("#sg-search", "Enter")
    assert s.js("network.getSelectedNodes()")[0] == "solo17"  # the exact match first, then 170-179, 1700-1799
    assert s.page.inner_text("#sg-search-status") == "Found 111 entities. Entities without ties are now shown."
    assert s.js(drawn) == G.number_of_nodes()
    assert s.js("network.body.data.nodes.length") == G.number_of_nodes() - 2000 + 111  # found: handed over
    assert s.errors == [] and s.outgoing == []


def test_page_drawn_ties_have_tooltips_and_follow_filters(open_view: Any) -> None:
    s = open_view(graph_view(_acquirers()))
    s.page.wait_for_timeout(100)
    # zoom onto the middle of one of Cisco's ties and point at it
    point = s.js(
        """() => {
            const p = network.getPositions(['Cisco', 'Cisco-t5']);
            const mid = {x: (p['Cisco'].x + p['Cisco-t5'].x) / 2, y: (p['Cisco'].y + p['Cisco-t5'].y) / 2};
            network.moveTo({position: mid, scale: 2, animation: false});
            const dom = network.canvasToDOM(mid);
            const box = document.getElementById('sg-network').getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y, tie: sgView.tieAt(dom)};
        }"""
    )
    tie = s.js("row => sgView.edges.record(row)", point["tie"])
    s.page.mouse.move(point["x"] - 30, point["y"] + 40)
    s.page.mouse.move(point["x"], point["y"], steps=6)
    s.page.wait_for_function("() => !document.getElementById('sg-tip').hidden", timeout=5000)
    text = s.page.inner_text("#sg-tip")
    assert text == tie["sg_tip"] and text.startswith("Cisco acquires ")
    s.page.uncheck('fieldset[data-field="sg_relation"] input[data-key="acquires"]')
    s.page.wait_for_timeout(100)
    assert s.js("window.sgTiesDrawn") == 0 and s.js("sgView.tieAt({x: 0, y: 0})") == -1
    assert s.errors == [] and s.outgoing == []


def test_tie_labels_appear_on_hover_in_a_busy_ego_view(open_view: Any) -> None:
    G = graph()
    node(G, "hub", "compute", label="Hub")
    for i in range(60):
        node(G, f"s{i}", "ai-models", label=f"Spoke {i}")
        deal(G, "hub", f"s{i}", "supplies", amount=1e6 * (i + 1), currency="USD")
    s = open_view(graph_view(G))
    assert s.js("network.body.data.edges.get().filter(e => e.label && e.label.trim()).length") == 0
    point = s.js(
        """() => {
            const p = network.getPositions(['hub', 's3']);
            const edge = network.getConnectedEdges('s3')[0];
            network.moveTo({position: p.s3, scale: 1.5, animation: false});
            network.redraw();
            const box = document.getElementById('sg-network').getBoundingClientRect();
            for (let f = 0.1; f < 0.6; f += 0.02) {  // a point on the (curved) tie, away from the nodes
                const at = {x: p.s3.x + (p.hub.x - p.s3.x) * f, y: p.s3.y + (p.hub.y - p.s3.y) * f};
                const dom = network.canvasToDOM(at);
                if (network.getEdgeAt(dom) === edge && network.getNodeAt(dom) === undefined) {
                    return {x: box.left + dom.x, y: box.top + dom.y};
                }
            }
            return null;
        }"""
    )
    assert point is not None
    s.page.mouse.move(point["x"] - 20, point["y"] - 20)
    s.page.mouse.move(point["x"], point["y"], steps=5)
    s.page.wait_for_function(
        "() => network.body.data.edges.get().filter(e => e.label && e.label.trim()).length === 1", timeout=5000
    )
    assert s.js("network.body.data.edges.get().filter(e => e.label && e.label.trim())[0].label") == "$4M"
    s.page.mouse.move(point["x"], 5, steps=5)  # up, over nodes and ties, and out of the view
    s.page.mouse.move(100, 5, steps=5)
    s.page.wait_for_function(
        "() => network.body.data.edges.get().filter(e => e.label && e.label.trim()).length === 0", timeout=5000
    )
    assert s.errors == [] and s.outgoing == []


def test_overview_groups_open_on_click(open_view: Any) -> None:
    G = _acquirers()
    view = graph_view(G, aggregate_by="groups")
    assert view.network.num_nodes() == 200 and view.network.nodes[-1]["sg_name"] == "Others, no layer"
    s = open_view(view)
    assert s.js("window.sgHubsDrawn.slice(0, 3)") == ["Cisco", "IBM", "Google"]
    before = s.js("[network.body.data.nodes.length, network.body.data.edges.length]")
    point = s.js(
        """() => {
            const dom = network.canvasToDOM(network.getPositions(['Cisco']).Cisco);
            const box = document.getElementById('sg-network').getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y};
        }"""
    )
    s.page.mouse.click(point["x"], point["y"])
    assert s.js("window.sgOpenGroups()") == ["Cisco"]
    opened = s.js("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert opened == [before[0] + 60, before[1] + 59]  # Cisco and its 59 busiest members; its 59 acquisitions
    assert "(open: 60 shown)" in s.js("network.body.data.nodes.get('Cisco').label")
    member = s.js("network.body.data.nodes.get({filter: n => n.label === 'Cisco target 10'})[0]")
    assert member["title"].startswith("Cisco target 10\norganization · no layer") and "in Cisco" in member["title"]
    s.page.mouse.click(point["x"], point["y"])
    assert s.js("window.sgOpenGroups()") == []
    assert s.js("[network.body.data.nodes.length, network.body.data.edges.length]") == before
    s.page.fill("#sg-search", "IBM target 3")  # a member: its group opens
    s.page.press("#sg-search", "Enter")
    assert s.js("window.sgOpenGroups()") == ["IBM"]
    selected = s.js("network.getSelectedNodes().map(id => network.body.data.nodes.get(id).label)")
    assert selected[0] == "IBM target 3"
    s.page.uncheck('fieldset[data-field="sg_layers"] input[data-key="none"]')  # filters hold for members too
    assert s.js("network.body.data.nodes.get({filter: n => !n.hidden}).length") == 0
    assert s.js("network.body.data.edges.get({filter: e => !e.hidden}).length") == 0
    assert s.errors == [] and s.outgoing == []


def test_a_large_diff_view_draws_its_changes(open_view: Any) -> None:
    before = graph()
    for i in range(1200):
        node(before, f"n{i}", "ai-models" if i % 2 else "accelerators", label=f"Entity {i}")
    for i in range(1, 1200):
        deal(before, f"n{(i - 1) // 3}", f"n{i}", "supplies")
    after = before.copy()
    deal(after, "n1", "n1100", "acquires", status="hypothetical", scenario=True, key="x1")
    after.remove_edge("n0", "n2", key="n0-supplies-n2")
    view = diff_view(before, after, {"scenario": {"name": "Big"}})
    assert view.meta["lean"]
    s = open_view(view)
    changes = s.js("sgView.records('edges').map(e => e.sg_change).filter(c => c !== 'same')")
    assert sorted(changes) == ["added", "removed"]
    assert s.js("window.sgTiesDrawn") == 1200  # 1,199 supplies and the acquisition, the removed one dashed
    assert s.page.text_content("#sg-diff").count("Big") == 1
    assert s.errors == [] and s.outgoing == []


def test_entities_the_page_draws_have_tooltips_and_can_be_selected(open_view: Any) -> None:
    view = graph_view(_many(4000))
    assert view.meta["vis_rows"] == 2000  # vis-network holds the 2,000 with the most ties, the page draws the rest
    s = open_view(view)
    assert s.js("network.body.data.nodes.length") == 2000
    assert s.js("window.sgNodesDrawn") == 2000 and s.js("window.sgTiesDrawn") == 3999
    row = s.js("sgView.nodes.col('id').findIndex((id, row) => !sgView.inVis[row] && id === 'n3999')")
    assert row >= 2000
    point = s.js(
        """row => {
            network.moveTo({position: {x: sgView.nodes.col('x')[row], y: sgView.nodes.col('y')[row]}, scale: 3,
                            animation: false});
            network.redraw();
            const dom = network.canvasToDOM({x: sgView.nodes.col('x')[row], y: sgView.nodes.col('y')[row]});
            const box = document.getElementById('sg-network').getBoundingClientRect();
            return {x: box.left + dom.x, y: box.top + dom.y, found: sgView.pageNodeAt(dom)};
        }""",
        row,
    )
    assert point["found"] == row
    s.page.mouse.move(point["x"] - 40, point["y"] - 40)
    s.page.mouse.move(point["x"], point["y"], steps=6)
    s.page.wait_for_function("() => !document.getElementById('sg-tip').hidden", timeout=5000)
    assert s.page.inner_text("#sg-tip").startswith("Entity 3999\norganization · AI models")
    s.page.mouse.click(point["x"], point["y"])
    assert s.js("network.getSelectedNodes()") == ["n3999"] and s.js("network.body.data.nodes.length") == 2001
    assert s.errors == [] and s.outgoing == []
