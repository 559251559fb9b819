"""Export the knowledge graph: RDF (Turtle, N-Triples, N-Quads, JSON-LD) from the store, and the projected NetworkX
graph as GraphML and GEXF (Gephi, Cytoscape, yEd) or a CSV edge list (spreadsheets, pandas).

GraphML and GEXF carry only strings, numbers and booleans, so :func:`sanitise` turns tuples into ``;``-joined
strings, numbers into floats, drops ``None`` and writes the graph-level dictionaries (layers, market positions)
as JSON text. Nothing here modifies the graph it is given.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.results import csv_options

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "GRAPH_FORMATS",
    "RDF_FORMATS",
    "export_graph",
    "export_rdf",
    "sanitise",
    "to_csv_edges",
    "to_gexf",
    "to_graphml",
]

RDF_FORMATS: tuple[str, ...] = ("turtle", "ntriples", "nquads", "json-ld", "trig")
GRAPH_FORMATS: tuple[str, ...] = ("graphml", "gexf", "csv")
FORMATS: tuple[str, ...] = RDF_FORMATS + GRAPH_FORMATS

#: Columns of the CSV edge list, one row per edge (a deal between two entities).
CSV_COLUMNS: tuple[str, ...] = (
    "source",
    "source_label",
    "target",
    "target_label",
    "relation",
    "status",
    "announced",
    "effective",
    "ended",
    "amount",
    "currency",
    "stake",
    "deal",
    "sources",
)


def _scalar(value: Any) -> str | float | bool | None:
    if value is None:
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ";".join(str(v) for v in items if v is not None)
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def sanitise(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a copy of ``G`` whose node, edge and graph attributes GraphML and GEXF can hold.

    Tuples and lists become ``;``-joined strings, numbers floats, mappings JSON text; ``None`` values are dropped.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"ai-models": {"label": "AI models"}})
    >>> G.add_node("a", layers=("ai-models", "software"), kind=None)
    >>> G.add_edge("a", "b", key="deal", amount=5, quotes=())
    'deal'
    >>> H = sanitise(G)
    >>> H.nodes["a"], H.edges["a", "b", "deal"], H.graph["layers"]
    ({'layers': 'ai-models;software'}, {'amount': 5.0, 'quotes': ''}, '{"ai-models": {"label": "AI models"}}')
    >>> G.nodes["a"]["layers"]
    ('ai-models', 'software')
    """
    H = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in ((k, _scalar(v)) for k, v in G.graph.items()) if v is not None})
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None})
    for u, v, key, data in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=key, **{k: x for k, x in ((k, _scalar(x)) for k, x in data.items()) if x is not None})
    return H


def to_graphml(G: nx.MultiDiGraph) -> bytes:
    """Serialise ``G`` (sanitised) as GraphML.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="d1", relation="acquires", sources=("Crunchbase",))
    'd1'
    >>> b"<graphml" in to_graphml(G)
    True
    """
    out = io.BytesIO()
    nx.write_graphml(sanitise(G), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def to_gexf(G: nx.MultiDiGraph) -> bytes:
    """Serialise ``G`` (sanitised) as GEXF 1.2 for Gephi.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="A", layers=("ai-models",))
    >>> G.add_edge("a", "b", key="d1", relation="acquires")
    'd1'
    >>> b"<gexf" in to_gexf(G)
    True
    """
    H = sanitise(G)
    H.graph = {k: v for k, v in H.graph.items() if k == "mode"}  # GEXF has no graph-level attributes
    out = io.BytesIO()
    nx.write_gexf(H, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def to_csv_edges(G: nx.MultiDiGraph) -> str:
    """Return the edges of ``G`` as CSV with the columns :data:`CSV_COLUMNS`, sorted by source, target and deal.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label="A")
    >>> G.add_edge("urn:a", "urn:b", key="urn:d", relation="acquires", amount=2.7e9, sources=("X", "Y"))
    'urn:d'
    >>> print(to_csv_edges(G).splitlines()[1])
    urn:a,A,urn:b,,acquires,,,,,2700000000,,,urn:d,X;Y
    """
    out = io.StringIO()
    writer = csv.writer(out, **csv_options("csv"))
    writer.writerow(CSV_COLUMNS)
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    for u, v, key, data in edges:
        row = {
            "source": u,
            "source_label": G.nodes[u].get("label"),
            "target": v,
            "target_label": G.nodes[v].get("label"),
            "deal": data.get("deal", key),
            "sources": _scalar(tuple(data.get("sources") or ())),
        }
        for column in ("relation", "status", "announced", "effective", "ended", "currency"):
            row[column] = data.get(column)
        for column in ("amount", "stake"):
            value = data.get(column)
            row[column] = _number_text(value)
        writer.writerow(["" if row.get(c) is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def _number_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def export_graph(G: nx.MultiDiGraph, fmt: str) -> bytes:
    """Serialise a projected graph as ``graphml``, ``gexf`` or ``csv`` (bytes, UTF-8).

    Examples
    --------
    >>> export_graph(nx.MultiDiGraph(), "csv").decode().split(",")[:2]
    ['source', 'source_label']
    """
    if fmt == "graphml":
        return to_graphml(G)
    if fmt == "gexf":
        return to_gexf(G)
    if fmt == "csv":
        return to_csv_edges(G).encode("utf-8")
    raise InputError(f"unknown graph export format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")


def export_rdf(store: Any, fmt: str, *, graphs: list[str] | None = None, derived: bool = True) -> bytes:
    """Serialise the store's RDF as ``turtle``, ``ntriples``, ``nquads``, ``trig`` or ``json-ld``.

    ``store`` is a :class:`~stackgraph.store.KnowledgeStore` (or anything with its ``export`` method, such as a
    :class:`~stackgraph.endpoint.SparqlEndpoint`). Quad formats keep the named graphs apart; N-Quads is what a
    SPARQL server should be loaded with (see :mod:`stackgraph.endpoint`).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    >>> b"<urn:stackgraph:graph:ontology>" in export_rdf(store, "nquads")
    True
    """
    if fmt not in RDF_FORMATS:
        raise InputError(f"unknown RDF export format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    return store.export(fmt, graphs=graphs, derived=derived)
