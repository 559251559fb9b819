"""Tiny hand-built graphs in the projection contract for the render tests (answers computed by hand)."""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx
from analysis_fixtures import deal as contract_deal

LAYERS = {
    "compute": {"label": "Compute", "broader": None, "feeds": []},
    "accelerators": {"label": "Accelerators", "broader": "compute", "feeds": ["ai-models"]},
    "ai-models": {"label": "AI models", "broader": None, "feeds": []},
    "launch-and-space": {"label": "Launch and space", "broader": None, "feeds": []},
}
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"quoted\" & 'single' </script><b>x",
)


def graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.graph.update({"layers": LAYERS, "statuses": ("completed", "active"), "as_of": "2026-01-01"})
    return G


def node(G: nx.MultiDiGraph, name: str, *layers: str, kind: str = "organization", label: str | None = None) -> str:
    G.add_node(name, label=label or name, kind=kind, layers=tuple(layers), iri=name, aliases=())
    return name


def deal(G: nx.MultiDiGraph, u: str, v: str, relation: str, status: str = "active", **attrs: Any) -> str:
    """A deal edge with every contract attribute (the analysis fixtures' helper, with the status first)."""
    return contract_deal(G, u, v, relation, key=attrs.pop("key", None), status=status, **attrs)


def stack() -> nx.MultiDiGraph:
    """Nvidia (accelerators) supplies OpenAI and xAI (models); SpaceX (launch) acquires xAI (rumoured) and
    partners with Nvidia; OpenAI develops ChatGPT (a product); Lonely has no ties."""
    G = graph()
    node(G, "nvidia", "accelerators", label="Nvidia")
    node(G, "openai", "ai-models", label="OpenAI")
    node(G, "xai", "ai-models", label="xAI")
    node(G, "spacex", "launch-and-space", label="SpaceX")
    node(G, "chatgpt", "ai-models", kind="product", label="ChatGPT")
    node(G, "lonely", label="Lonely")
    deal(
        G,
        "nvidia",
        "openai",
        "supplies",
        amount=6.5e9,
        currency="USD",
        announced="2024-03",
        quotes=("Nvidia will supply OpenAI.",),
        sources=("Chip News",),
    )
    deal(G, "nvidia", "xai", "supplies")
    deal(G, "spacex", "xai", "acquires", status="rumoured", announced="2026-05")
    deal(G, "spacex", "nvidia", "partners_with", key="p1")
    deal(G, "nvidia", "spacex", "partners_with", key="p1")
    deal(G, "openai", "chatgpt", "develops")
    return G


def scenario() -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    before = stack()
    after = stack()
    deal(after, "spacex", "openai", "acquires", status="hypothetical", stake=100.0, scenario=True, key="x1")
    after.remove_edge("nvidia", "xai", key="nvidia-supplies-xai")
    return before, after


def _column(spec: Any, ids: list[Any]) -> list[Any]:
    if isinstance(spec, list):
        return spec
    if "rows" in spec:
        return [ids[row] for row in spec["rows"]]
    if "lines" in spec:
        return [None if codes is None else "\n".join(spec["lines"][c] for c in codes) for codes in spec["codes"]]
    if "prefix" in spec:
        return [None if rest is None else spec["prefix"] + rest for rest in spec["list"]]
    return [None if code < 0 else spec["values"][code] for code in spec["codes"]]


def _records(table: dict[str, Any], ids: list[Any]) -> list[dict[str, Any]]:
    columns = {key: _column(spec, ids) for key, spec in table["columns"].items()}
    return [
        {key: values[row] for key, values in columns.items() if values[row] is not None}
        for row in range(table["length"])
    ]


def page_data(page: str) -> dict[str, Any]:
    """The data block of a view's page, its column tables decoded into one dict per node and per tie."""
    match = re.search(r'<script type="application/json" id="sg-data">(.*?)</script>', page, re.S)
    assert match is not None
    data = json.loads(match.group(1))
    ids = _column(data["nodes"]["columns"]["id"], []) if data["nodes"]["length"] else []
    return {**data, "nodes": _records(data["nodes"], ids), "edges": _records(data["edges"], ids)}


def rank_move(label: str, rank_before: int, rank_after: int) -> dict[str, Any]:
    """A centrality move of a what-if report (dense PageRank ranks), for the diff panel's tests."""
    entity = {"iri": label.lower(), "label": label}
    return {
        "entity": entity,
        "rank_before": rank_before,
        "rank_after": rank_after,
        "pagerank_before": 0.1,
        "pagerank_after": 0.1,
    }
