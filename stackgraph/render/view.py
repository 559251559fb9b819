"""Build pyvis networks from projected graphs and write them as standalone, offline HTML pages.

The page is stackgraph's own (``assets/page.html``): vis-network's JavaScript and CSS from the copy bundled in
pyvis are inlined, the graph travels as JSON in a ``<script type="application/json">`` block (``<``, ``>`` and
``&`` escaped), and a Content-Security-Policy forbids every network request. pyvis 0.3.2's own template is not used:
even with ``cdn_resources="in_line"`` it loads Bootstrap from cdn.jsdelivr.net.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.errors import InputError, StackgraphError
from stackgraph.projection import KINDS, RELATIONS, STATUS_KEYS
from stackgraph.render._aggregate import AGGREGATES, aggregate
from stackgraph.render._diff import diff_figures, merge_diff
from stackgraph.render._layout import positions
from stackgraph.render._select import select
from stackgraph.render._style import (
    KIND_SHAPES,
    KIND_SYMBOLS,
    NO_LAYER,
    RELATION_ARROWS,
    RELATION_COLORS,
    RELATION_LABELS,
    UNCERTAIN_STATUSES,
    counted,
    edge_label,
    edge_tooltip,
    layer_colors,
    neutral_text,
    node_tooltip,
)

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = [
    "EDGE_LABEL_NODE_LIMIT",
    "LEAN_NODE_LIMIT",
    "MAX_NODES",
    "PHYSICS_NODE_LIMIT",
    "SIZE_MEASURES",
    "VIEW_STATUSES",
    "GraphView",
    "diff_view",
    "graph_view",
    "scenario_diff_html",
]

#: Up to this many entities the browser tidies the precomputed layout with physics; above, physics is off.
PHYSICS_NODE_LIMIT = 300
#: Above this many entities nodes and ties get the leanest styling vis-network draws fastest (plain colours,
#: default arrow heads, no tie labels).
LEAN_NODE_LIMIT = 1000
#: Above this many entities, edge labels are left out (the tooltip still has amount and dates).
EDGE_LABEL_NODE_LIMIT = 1000
#: Above this many entities a view is aggregated (layers as nodes): more is not usable in a browser.
MAX_NODES = 25000
#: Centrality measures that can size nodes.
SIZE_MEASURES: tuple[str, ...] = ("degree", "pagerank", "betweenness", "eigenvector")
#: Deal statuses a view shows by default: everything but terminated deals (uncertain ones are drawn dashed).
VIEW_STATUSES: frozenset[str] = frozenset(STATUS_KEYS) - {"terminated"}

_ADDED = "#12a150"
_REMOVED = "#a9a9a9"
_GROUP_CHANGED = "#d6007e"
_FOCUS = "#111111"
_TOKEN = re.compile(r"@@(TITLE|SCRIPT_HASHES|VIS_CSS|PAGE_CSS|DATA|VIS_JS|PAGE_JS)@@")


# ---------------------------------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    import pyvis

    here = Path(__file__).resolve().parent / "assets"
    vis = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    try:
        assets = {
            "template": (here / "page.html").read_text(encoding="utf-8"),
            "PAGE_CSS": (here / "page.css").read_text(encoding="utf-8"),
            "PAGE_JS": (here / "page.js").read_text(encoding="utf-8"),
            "VIS_CSS": (vis / "vis-network.css").read_text(encoding="utf-8"),
            "VIS_JS": (vis / "vis-network.min.js").read_text(encoding="utf-8"),
        }
    except OSError as error:
        raise StackgraphError(
            f"cannot read the files an HTML view inlines ({error}); reinstall stackgraph and pyvis"
        ) from None
    # the Content-Security-Policy lets exactly these two scripts run (no 'unsafe-inline' for scripts)
    assets["SCRIPT_HASHES"] = " ".join(_script_hash(assets[name]) for name in ("VIS_JS", "PAGE_JS"))
    return assets


def _script_hash(script: str) -> str:
    """The CSP source expression that allows one inline script with exactly this text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _script_json(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element: ``<``, ``>``, ``&`` and line separators are escaped, and
    bidi controls are shown neutralised (:func:`~stackgraph.render._style.neutral_text`)."""
    text = neutral_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _options_of(network: Network) -> dict[str, Any]:
    options = network.options
    if isinstance(options, dict):
        return options
    return json.loads(options.to_json())


def _page(network: Network, meta: Mapping[str, Any]) -> str:
    assets = _assets()
    title = str(network.heading or meta.get("title") or "stackgraph")
    payload = {"nodes": network.nodes, "edges": network.edges, "options": _options_of(network), "meta": dict(meta)}
    values = {
        "TITLE": html.escape(neutral_text(title), quote=True),
        "SCRIPT_HASHES": assets["SCRIPT_HASHES"],
        "DATA": _script_json(payload),
        "VIS_CSS": assets["VIS_CSS"],
        "VIS_JS": assets["VIS_JS"],
        "PAGE_CSS": assets["PAGE_CSS"],
        "PAGE_JS": assets["PAGE_JS"],
    }
    # one pass: text put in (data included) is never scanned for tokens again
    return _TOKEN.sub(lambda match: values[match.group(1)], assets["template"])


class GraphView:
    """A drawn graph: the pyvis ``Network`` plus what the page around it shows (legend, filters, figures).

    Attributes
    ----------
    network : pyvis.network.Network
        The nodes, edges and vis-network options; restyle them freely before :meth:`html` or :meth:`write`.
    meta : dict
        Legend, filters, notes, statistics and (diff views) the before/after panel, as plain data.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={})
    >>> G.add_node("A", label="A", kind="organization", layers=())
    >>> view = graph_view(G, title="One node")
    >>> view.network.num_nodes(), "<title>One node</title>" in view.html()
    (1, True)
    """

    def __init__(self, network: Network, meta: Mapping[str, Any]) -> None:
        self.network = network
        self.meta = dict(meta)

    @property
    def title(self) -> str:
        """The page title."""
        return str(self.network.heading or self.meta.get("title") or "")

    @property
    def notes(self) -> list[str]:
        """What the view left out or changed (aggregation, physics off, edge labels hidden)."""
        return list(self.meta.get("notes") or [])

    def html(self) -> str:
        """Return the standalone HTML page (no network access needed to show it)."""
        return _page(self.network, self.meta)

    def _repr_html_(self) -> str:
        page = html.escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" sandbox="allow-scripts" '
            'style="width:100%;height:720px;border:1px solid #ddd" title="stackgraph view"></iframe>'
        )

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically and return the path.

        Raises
        ------
        InputError
            The folder does not exist or cannot be written.
        """
        from stackgraph.atomic import atomic_write

        return atomic_write(path, self.html())

    def __repr__(self) -> str:
        return f"<GraphView {self.title!r}: {self.network.num_nodes()} nodes, {self.network.num_edges()} edges>"


# ---------------------------------------------------------------------------------------------------------------
# encoding
# ---------------------------------------------------------------------------------------------------------------


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _scores(G: nx.MultiDiGraph, measure: str) -> dict[Hashable, float]:
    if measure not in SIZE_MEASURES:
        raise InputError(f"unknown size measure {measure!r}; use one of {', '.join(SIZE_MEASURES)}")
    n = G.number_of_nodes()
    if measure == "degree" or G.number_of_edges() == 0:
        scale = 1 / (n - 1) if n > 1 else 0.0
        return {node: G.degree(node) * scale for node in G.nodes}
    from stackgraph.analysis.centrality import centrality

    report = centrality(G)
    values = {row.entity: _finite(getattr(row, measure)) for row in report.rows}
    return {node: values.get(str(node), 0.0) for node in G.nodes}


def _size(value: float, top: float, low: float = 10.0, high: float = 42.0) -> float:
    if top <= 0:
        return low
    return round(low + (high - low) * math.sqrt(max(value, 0.0) / top), 1)


def _node_id(node: Hashable) -> Any:
    return node if isinstance(node, (str, int)) else str(node)


def _darker(color: str, factor: float = 0.7) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _layer_order(G: nx.Graph, present: Iterable[str]) -> list[str]:
    scheme = list((G.graph.get("layers") or {}).keys())
    present = set(present)
    ordered = [k for k in scheme if k in present]
    ordered += sorted(k for k in present if k not in scheme and k != NO_LAYER)
    return ordered + ([NO_LAYER] if NO_LAYER in present else [])


def _describe_selection(G: nx.Graph) -> str:
    selection = G.graph.get("selection") or {}
    parts = []
    if selection.get("focus"):
        parts.append(f"around {selection['focus']} (depth {selection.get('depth')})")
    for name in ("layers", "relations", "statuses"):
        if selection.get(name):
            parts.append(f"{name}: {', '.join(selection[name])}")
    return "; ".join(parts)


def _new_network(title: str) -> Network:
    from pyvis.network import Network

    return Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")


def _build(
    G: nx.MultiDiGraph,
    *,
    title: str,
    size_by: str,
    physics: bool | None,
    seed: int,
    diff: Mapping[str, Any] | None = None,
    notes: Iterable[str] = (),
) -> GraphView:
    aggregated = G.graph.get("aggregate")
    n = G.number_of_nodes()
    big = n > LEAN_NODE_LIMIT
    use_physics = (n <= PHYSICS_NODE_LIMIT and not aggregated) if physics is None else bool(physics)
    with_edge_labels = n <= EDGE_LABEL_NODE_LIMIT
    notes = list(notes)
    if big and not use_physics:
        notes.append(f"More than {LEAN_NODE_LIMIT:,} entities: positions are precomputed and physics is off.")
    if not with_edge_labels:
        notes.append("Tie labels are left out at this size and names appear when you zoom in; hover for details.")

    scheme = G.graph.get("layers") or {}
    layer_labels = {key: str(info.get("label") or key) for key, info in scheme.items()}
    layer_labels[NO_LAYER] = "No layer"
    if aggregated:
        members = {node: float(G.nodes[node].get("members") or 0) for node in G.nodes}
        scores, measure = members, "members"
    else:
        scores, measure = _scores(G, size_by), size_by
    top = max(scores.values(), default=0.0)
    layers_of = {node: (tuple(G.nodes[node].get("layers") or ()) or (NO_LAYER,)) for node in G.nodes}
    colors = layer_colors(_layer_order(G, {k for ls in layers_of.values() for k in ls}))
    if aggregated:  # layers or groups on a circle, in the scheme's (or size) order: few nodes, many links
        radius = max(320.0, 45.0 * n)
        order = {key: i for i, key in enumerate(G.nodes)}
        pos = {
            node: (
                round(radius * math.cos(2 * math.pi * order[node] / max(n, 1)), 1),
                round(radius * math.sin(2 * math.pi * order[node] / max(n, 1)), 1),
            )
            for node in G.nodes
        }
    else:
        pos = positions(G, seed=seed, spacing=150.0 if not big else 80.0)
    focus = G.graph.get("focus")
    outside = G.graph.get("outside_layers") or frozenset()

    nodes: list[dict[str, Any]] = []
    for node, data in G.nodes(data=True):
        label = str(data.get("label") or node)
        kind = data.get("kind")
        color = colors[layers_of[node][0]]
        extra: list[str] = []
        item: dict[str, Any] = {
            "id": _node_id(node),
            "label": _short(label),
            "shape": KIND_SHAPES.get(kind, "dot"),
            "size": _size(scores.get(node, 0.0), top) if not big else _size(scores.get(node, 0.0), top, 6.0, 24.0),
            "color": {
                "background": color,
                "border": _darker(color),
                "highlight": {"background": color, "border": "#000000"},
                "hover": {"background": color, "border": "#000000"},
            },
            "x": pos[node][0],
            "y": pos[node][1],
            "sg_name": label,
            "sg_aliases": [str(a) for a in data.get("aliases") or ()],
            "sg_kind": kind or "entity",
            "sg_layers": list(layers_of[node]),
        }
        if aggregated:
            item["shape"] = "hexagon" if aggregated == "layers" else "dot"
            extra_lines = [
                f"{data.get('members', 0)} entities · {data.get('internal', 0)} ties inside",
                "e.g. " + ", ".join(data.get("sample") or ()),
            ]
            item["title"] = "\n".join([label, *extra_lines])
        else:
            if diff is not None:
                change = data.get("change")
                if data.get("group_changed"):
                    item["borderWidth"] = 4
                    item["color"]["border"] = _GROUP_CHANGED
                    extra.append(f"control group: {data.get('group_before')} → {data.get('group_after')}")
                elif change == "added":
                    item["borderWidth"] = 4
                    item["color"]["border"] = _ADDED
                if change == "added":
                    extra.append("new in the scenario")
                elif change == "removed":
                    item["opacity"] = 0.35
                    extra.append("gone in the scenario")
                item["sg_change"] = change
            if node in outside:
                item["opacity"] = 0.5
                extra.append("outside the chosen layers: a counterparty of their ties")
            if focus is not None and node == focus:
                item["borderWidth"] = 4
                item["color"]["border"] = _FOCUS
                item["font"] = {"size": 16, "bold": True}
                extra.append("focus of this view")
            item["title"] = node_tooltip(
                data, layer_labels, measure=measure, score=scores.get(node), degree=G.degree(node), extra=extra
            )
        nodes.append(item)

    edges: list[dict[str, Any]] = []
    seen_partnerships: set[tuple[Any, frozenset[Any]]] = set()
    parallel: Counter[frozenset[Any]] = Counter()
    for u, v, key, data in G.edges(keys=True, data=True):
        relation = data.get("relation") or "related"
        if relation == "partners_with":
            mark = (key, frozenset((u, v)))
            if mark in seen_partnerships:
                continue
            seen_partnerships.add(mark)
        status = data.get("status")
        color = RELATION_COLORS.get(relation, "#888888")
        edge: dict[str, Any] = {
            "id": f"e{len(edges)}",
            "from": _node_id(u),
            "to": _node_id(v),
            "color": {"color": color, "highlight": color, "hover": color, "opacity": 0.85},
            "width": 1.6,
            "sg_deal": str(key),
            "sg_relation": relation,
            "sg_status": status or "none",
        }
        arrow = RELATION_ARROWS.get(relation, "arrow")
        edge["arrows"] = {"to": {"enabled": True, "type": arrow, "scaleFactor": 0.7}} if arrow else {"to": False}
        if aggregated:
            count = int(data.get("count") or 1)
            edge["width"] = round(1 + 1.2 * math.log2(count), 2)
            if arrow:
                edge["arrows"] = {"to": {"enabled": True, "type": arrow, "scaleFactor": 0.35}}
            edge["label"] = str(count) if with_edge_labels else ""
            breakdown = data.get("by_relation") or {relation: count}
            ends = f"from {G.nodes[u].get('label')} to {G.nodes[v].get('label')}"
            edge["title"] = "\n".join(
                [
                    f"{count} tie{'s' if count != 1 else ''} {ends}",
                    *(f"{RELATION_LABELS.get(r, r)}: {c}" for r, c in breakdown.items()),
                ]
            )
        else:
            if status in UNCERTAIN_STATUSES:
                edge["dashes"] = [8, 5]
            elif status == "terminated":
                edge["dashes"] = [2, 5]
                edge["color"]["opacity"] = 0.4
            extra = []
            if diff is not None:
                change = data.get("change")
                edge["sg_change"] = change
                if change == "added":
                    edge["width"] = 4
                    edge["color"] = {"color": _ADDED, "highlight": _ADDED, "hover": _ADDED}
                    edge["shadow"] = {"enabled": True, "color": "rgba(18,161,80,0.45)", "size": 8, "x": 0, "y": 0}
                    extra.append("added in the scenario")
                elif change == "removed":
                    edge["color"] = {"color": _REMOVED, "highlight": _REMOVED, "hover": _REMOVED, "opacity": 0.7}
                    edge["dashes"] = [4, 4]
                    extra.append("removed in the scenario")
            edge["label"] = edge_label(data) if with_edge_labels else ""
            edge["title"] = edge_tooltip(
                data, str(G.nodes[u].get("label") or u), str(G.nodes[v].get("label") or v), layer_labels, extra=extra
            )
        if not big:
            pair = frozenset((u, v))
            if parallel[pair]:
                edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * parallel[pair]}
            parallel[pair] += 1
        if not edge.get("label"):
            edge.pop("label", None)
        if big:
            _lean_edge(edge, color)
        edges.append(edge)

    if big:
        for item in nodes:
            _lean_node(item)

    network = _new_network(title)
    network.nodes = nodes
    network.node_ids = [item["id"] for item in nodes]
    network.node_map = {item["id"]: item for item in nodes}
    network.edges = edges
    network.options = _options(big=big, physics=use_physics, seed=seed)

    meta = {
        "title": title,
        "stats": _stats(G, nodes, edges),
        "notes": notes,
        "legend": _legend(G, nodes, edges, colors, layer_labels, measure, diff is not None),
        "filters": _filters(nodes, edges, colors, layer_labels, diff is not None, bool(aggregated)),
        "physics": use_physics,
        "lean": big,
        "focus": _node_id(focus) if focus is not None else None,
        "diff": dict(diff) if diff is not None else None,
        "size_by": measure,
        "units": [str(aggregated), "links"] if aggregated else ["entities", "ties"],
        "aggregate": aggregated,
    }
    return GraphView(network, meta)


def _lean_node(item: dict[str, Any]) -> None:
    """Leanest node vis-network builds fast: no label (the page draws labels itself when zoomed in), no title
    (the page shows ``sg_tip`` on hover), a plain colour unless the node is marked."""
    item.pop("label", None)
    item["sg_tip"] = item.pop("title", "")
    if "borderWidth" not in item:
        item["color"] = item["color"]["background"]
    if item.get("shape") == "dot":
        del item["shape"]
    if not item.get("sg_aliases"):
        item.pop("sg_aliases", None)


def _lean_edge(edge: dict[str, Any], color: str) -> None:
    """Leanest tie: plain colour, no arrow head (the page draws them when zoomed in), tooltip text in ``sg_tip``."""
    edge["sg_tip"] = edge.pop("title", "")
    if edge.get("sg_change") in (None, "same"):
        edge["color"] = color
        edge.pop("width", None)
        edge.pop("shadow", None)
    edge.pop("arrows", None)


def _options(*, big: bool, physics: bool, seed: int) -> dict[str, Any]:
    options: dict[str, Any] = {
        "autoResize": True,
        "nodes": {
            "shape": "dot",
            "borderWidth": 1.5,
            "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "width": 1.6,
            "arrowStrikethrough": False,
            "selectionWidth": 2,
            "hoverWidth": 1,
            "font": {"size": 10, "align": "horizontal", "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#333333"},
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.2},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "multiselect": True,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
        },
        "layout": {"improvedLayout": False, "randomSeed": seed},
    }
    if big:  # the page draws arrow heads itself once zoomed in: vis-network's cost every frame
        options["edges"]["arrows"] = {"to": {"enabled": False}}
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -5000,
                "centralGravity": 0.2,
                "springLength": 150,
                "springConstant": 0.03,
                "damping": 0.4,
                "avoidOverlap": 0.4,
            },
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 50, "fit": True},
        }
    else:
        options["physics"] = {"enabled": False}
    return options


def _stats(G: nx.MultiDiGraph, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> str:
    aggregated = G.graph.get("aggregate")
    if aggregated:
        total = sum(int(d.get("members") or 0) for _, d in G.nodes(data=True))
        parts = [f"{len(nodes):,} {aggregated} summarising {total:,} entities", counted(len(edges), "link", "links")]
    else:
        parts = [counted(len(nodes), "entity", "entities"), counted(len(edges), "tie", "ties")]
    if G.graph.get("as_of"):
        parts.append(f"as of {G.graph['as_of']}")
    selection = _describe_selection(G)
    if selection:
        parts.append(selection)
    return " · ".join(parts)


def _legend(
    G: nx.MultiDiGraph,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    colors: Mapping[str, str],
    layer_labels: Mapping[str, str],
    measure: str,
    is_diff: bool,
) -> list[dict[str, Any]]:
    sections = [
        {
            "title": "Stack layer (node colour)",
            "items": [{"label": layer_labels.get(k, k), "color": c} for k, c in colors.items()],
        }
    ]
    if not G.graph.get("aggregate"):
        kinds = [k for k in (*KINDS, "entity") if any(item["sg_kind"] == k for item in nodes)]
        sections.append(
            {
                "title": "Kind (node shape)",
                "items": [
                    {"label": k, "symbol": KIND_SYMBOLS[KIND_SHAPES.get(k, "dot")], "color": "#555555"} for k in kinds
                ],
            }
        )
    relations = [r for r in RELATIONS if any(e["sg_relation"] == r for e in edges)]
    sections.append(
        {
            "title": "Relation (tie colour and arrow)"
            if not G.graph.get("aggregate")
            else "Commonest relation (link colour)",
            "items": [
                {
                    "label": RELATION_LABELS[r] + ("" if RELATION_ARROWS[r] else " (both ways)"),
                    "line": {"color": RELATION_COLORS[r]},
                }
                for r in relations
            ],
        }
    )
    if not G.graph.get("aggregate"):
        statuses = {e["sg_status"] for e in edges}
        status_items = [{"label": "solid: completed or active", "line": {"color": "#555555"}}]
        if statuses & UNCERTAIN_STATUSES:
            uncertain = [s.replace("-", " ") for s in STATUS_KEYS if s in statuses & UNCERTAIN_STATUSES]
            status_items.append(
                {"label": "dashed: " + ", ".join(uncertain), "line": {"color": "#555555", "dashes": True}}
            )
        if "terminated" in statuses:
            status_items.append({"label": "faint dots: terminated", "line": {"color": "#bbbbbb", "dashes": True}})
        sections.append({"title": "Status (tie style)", "items": status_items})
    size_text = "entities in it" if G.graph.get("aggregate") else f"{measure} centrality"
    sections.append({"title": "Size", "items": [{"label": f"node size: {size_text}", "symbol": "●", "color": "#999"}]})
    if is_diff:
        sections.append(
            {
                "title": "Scenario changes",
                "items": [
                    {"label": "tie added", "line": {"color": _ADDED, "width": 4}},
                    {"label": "tie removed", "line": {"color": _REMOVED, "dashes": True}},
                    {"label": "entity changes control group", "color": "#ffffff", "border": _GROUP_CHANGED},
                    {"label": "entity new in the scenario", "color": "#ffffff", "border": _ADDED},
                ],
            }
        )
    if G.graph.get("focus") is not None:
        sections.append({"title": "Focus", "items": [{"label": "focus entity", "color": "#ffffff", "border": _FOCUS}]})
    if G.graph.get("outside_layers"):
        sections.append(
            {
                "title": "Layers",
                "items": [{"label": "faded: counterparty outside the chosen layers", "color": "#dddddd"}],
            }
        )
    return sections


def _filters(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    colors: Mapping[str, str],
    layer_labels: Mapping[str, str],
    is_diff: bool,
    aggregated: bool,
) -> list[dict[str, Any]]:
    relation_count = Counter(e["sg_relation"] for e in edges)
    status_count = Counter(e["sg_status"] for e in edges)
    layer_count = Counter(k for item in nodes for k in item["sg_layers"])
    filters = [
        {
            "field": "sg_relation",
            "target": "edges",
            "title": "Commonest relation" if aggregated else "Relation",
            "items": [
                {"key": r, "label": RELATION_LABELS.get(r, r), "count": relation_count[r], "line": {"color": c}}
                for r, c in [*RELATION_COLORS.items(), ("related", "#888888")]
                if relation_count[r]
            ],
        }
    ]
    if not aggregated:
        filters.append(
            {
                "field": "sg_status",
                "target": "edges",
                "title": "Status",
                "items": [
                    {
                        "key": s,
                        "label": s.replace("-", " "),
                        "count": status_count[s],
                        "line": {"color": "#555555", "dashes": s in UNCERTAIN_STATUSES},
                    }
                    for s in (*STATUS_KEYS, "none")
                    if status_count[s]
                ],
            }
        )
    filters.append(
        {
            "field": "sg_layers",
            "target": "nodes",
            "title": "Stack layer",
            "items": [
                {"key": k, "label": layer_labels.get(k, k), "count": layer_count[k], "color": c}
                for k, c in colors.items()
                if layer_count[k]
            ],
        }
    )
    if is_diff:
        change_count = Counter(e.get("sg_change") for e in edges)
        filters.append(
            {
                "field": "sg_change",
                "target": "edges",
                "title": "Change",
                "items": [
                    {"key": key, "label": label, "count": change_count[key], "line": line}
                    for key, label, line in (
                        ("added", "added", {"color": _ADDED, "width": 4}),
                        ("removed", "removed", {"color": _REMOVED, "dashes": True}),
                        ("same", "unchanged", {"color": "#555555"}),
                    )
                    if change_count[key]
                ],
            }
        )
    return filters


# ---------------------------------------------------------------------------------------------------------------
# public builders
# ---------------------------------------------------------------------------------------------------------------


def graph_view(
    G: nx.MultiDiGraph,
    *,
    title: str | None = None,
    size_by: str = "degree",
    aggregate_by: str | None = None,
    physics: bool | None = None,
    max_nodes: int = MAX_NODES,
    seed: int = 0,
) -> GraphView:
    """Draw a projected graph: colour by layer, shape by kind, size by centrality, ties by relation and status.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph (see DEVELOPERS.md, "Projection contract"), usually narrowed by :func:`select`.
        ``G`` is not modified.
    title : str, optional
        Page title (plain text; escaped).
    size_by : {"degree", "pagerank", "betweenness", "eigenvector"}
        Centrality measure for node size (degree counts deals; the others come from
        :func:`stackgraph.analysis.centrality`).
    aggregate_by : {"layers", "groups"}, optional
        Draw stack layers or control groups as nodes instead of entities. Graphs with more than ``max_nodes``
        entities are aggregated by layers whatever this says (see :attr:`GraphView.notes`).
    physics : bool, optional
        Let the browser tidy the precomputed layout; by default only up to :data:`PHYSICS_NODE_LIMIT` entities.
    seed : int
        Seed of the precomputed layout (same graph and seed, same picture).

    Returns
    -------
    GraphView

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"chips": {"label": "Chips"}})
    >>> G.add_node("N", label="Nvidia", kind="organization", layers=("chips",))
    >>> G.add_node("O", label="OpenAI", kind="organization", layers=())
    >>> _ = G.add_edge("N", "O", key="d1", relation="supplies", status="in-talks", amount=1e9, currency="USD")
    >>> view = graph_view(G)
    >>> edge = view.network.edges[0]
    >>> edge["label"], edge["dashes"], edge["sg_relation"]
    ('$1B', [8, 5], 'supplies')
    """
    notes: list[str] = []
    if aggregate_by is not None and aggregate_by not in AGGREGATES:
        raise InputError(f"unknown aggregate {aggregate_by!r}; use one of {', '.join(AGGREGATES)}")
    if aggregate_by is None and G.number_of_nodes() > max_nodes:
        aggregate_by = "layers"
        notes.append(
            f"{G.number_of_nodes():,} entities are more than a browser can draw ({max_nodes:,}): "
            "showing stack layers as nodes (use --aggregate groups for control groups, or filter)."
        )
    if aggregate_by is not None:
        G = aggregate(G, aggregate_by)
    default_title = f"stackgraph: {G.graph.get('selection', {}).get('focus') or 'AI stack'}"
    return _build(G, title=title or default_title, size_by=size_by, physics=physics, seed=seed, notes=notes)


def diff_view(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    report: Mapping[str, Any] | Any | None = None,
    *,
    title: str | None = None,
    size_by: str = "degree",
    physics: bool | None = None,
    seed: int = 0,
    focus: str | None = None,
    depth: int = 1,
    layers: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    within_layers: bool = False,
) -> GraphView:
    """Draw a scenario's before and after graphs in one view: what it adds, removes and regroups stands out.

    Ties only in ``after`` are thick and green, ties only in ``before`` grey and dashed; entities that change
    control group get a magenta border; a panel lists before/after figures (entities, ties per relation, group
    moves, and the report's sections when ``report`` is given).

    Parameters
    ----------
    before, after : networkx.MultiDiGraph
        Projections without and with the scenario (e.g. ``WhatIf.before`` and ``WhatIf.after``).
    report : dict, optional
        The what-if report (``WhatIf.report``) for the figures panel.
    focus, depth, layers, relations, statuses, within_layers
        Narrow the drawing as :func:`stackgraph.render.select` does (the panel's figures stay whole-graph).

    Examples
    --------
    >>> B = nx.MultiDiGraph(layers={})
    >>> B.add_node("S", label="SpaceX", kind="organization"); B.add_node("N", label="Nokia", kind="organization")
    >>> A = B.copy()
    >>> _ = A.add_edge("S", "N", key="x", relation="acquires", status="hypothetical", stake=None)
    >>> view = diff_view(B, A)
    >>> view.network.edges[0]["sg_change"], view.meta["diff"]["sections"][0]["rows"][1]["after"]
    ('added', 1)
    """
    D = merge_diff(before, after)
    figures = diff_figures(D, report)
    if focus is not None or layers or relations or statuses:
        D = select(
            D,
            focus=focus,
            depth=depth,
            layers=layers,
            relations=relations,
            statuses=statuses,
            within_layers=within_layers,
        )
    return _build(
        D,
        title=title or f"What if: {figures['title']}",
        size_by=size_by,
        physics=physics,
        seed=seed,
        diff=figures,
    )


def scenario_diff_html(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    report: Mapping[str, Any] | Any | None = None,
    *,
    title: str | None = None,
) -> str:
    """Return the standalone HTML page of :func:`diff_view` (what ``stackgraph whatif --html`` writes).

    Examples
    --------
    >>> B = nx.MultiDiGraph(layers={}); B.add_node("A", label="A")
    >>> scenario_diff_html(B, B.copy()).startswith("<!DOCTYPE html>")
    True
    """
    return diff_view(before, after, report, title=title).html()
