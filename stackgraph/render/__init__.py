"""HTML views of the knowledge graph: standalone, offline pages drawn with pyvis / vis-network.

The only package that imports pyvis. Typical use::

    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.render import VIEW_STATUSES, graph_view, select

    G = project(store, ProjectionPolicy(statuses=VIEW_STATUSES))
    view = graph_view(select(G, focus="SpaceX", depth=2), title="SpaceX and its ties")
    view.write("spacex.html")          # atomic; view.network is the pyvis Network, view._repr_html_ for Jupyter

:func:`diff_view` (and :func:`scenario_diff_html`) draw a what-if scenario's before and after graphs in one view;
:func:`aggregate` turns a graph too large to draw into layers or control groups as nodes.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph(layers={})
>>> G.add_node("A", label="<b>A</b>", kind="organization", layers=())
>>> page = graph_view(G).html()
>>> "<b>A</b>" in page, "\\\\u003cb\\\\u003eA" in page
(False, True)
"""

from stackgraph.render._aggregate import AGGREGATES, aggregate, group_of
from stackgraph.render._diff import diff_figures, merge_diff
from stackgraph.render._select import EmptySelectionError, expand_layers, select
from stackgraph.render.view import (
    EDGE_LABEL_LIMIT,
    HUB_LABELS,
    HUB_NODE_LIMIT,
    LEAN_NODE_LIMIT,
    MAX_NODES,
    PHYSICS_NODE_LIMIT,
    SIZE_MEASURES,
    VIEW_STATUSES,
    GraphView,
    diff_view,
    graph_view,
    scenario_diff_html,
)

__all__ = [
    "AGGREGATES",
    "EDGE_LABEL_LIMIT",
    "HUB_LABELS",
    "HUB_NODE_LIMIT",
    "LEAN_NODE_LIMIT",
    "MAX_NODES",
    "PHYSICS_NODE_LIMIT",
    "SIZE_MEASURES",
    "VIEW_STATUSES",
    "EmptySelectionError",
    "GraphView",
    "aggregate",
    "diff_figures",
    "diff_view",
    "expand_layers",
    "graph_view",
    "group_of",
    "merge_diff",
    "scenario_diff_html",
    "select",
]
