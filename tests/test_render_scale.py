"""Views at scale: named hubs, entities without ties behind a counter, tie labels on hover, compact page tables,
the basis of ties, aggregated overviews and what their nodes open into."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from render_fixtures import deal, graph, node, page_data, stack

from stackgraph.errors import InputError
from stackgraph.render import (
    EDGE_LABEL_LIMIT,
    HUB_LABELS,
    HUB_NODE_LIMIT,
    LEAN_NODE_LIMIT,
    aggregate,
    graph_view,
    select,
)

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
