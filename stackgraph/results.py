"""Format SPARQL results for people and programs.

``table`` is aligned text with IRIs shortened to prefixed names (``sgid:SpaceX``); ``json`` is the W3C SPARQL 1.1
Query Results JSON format and ``csv``/``tsv`` the W3C SPARQL 1.1 CSV/TSV formats, all three written by
pyoxigraph's own serializers. ASK answers ``true``/``false`` (JSON: the boolean results document); CONSTRUCT
and DESCRIBE give Turtle (``json``: JSON-LD).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from stackgraph.display import neutralise
from stackgraph.errors import InputError

__all__ = ["FORMATS", "aligned_table", "compact", "format_result", "format_rows", "term_text"]

FORMATS = ("table", "csv", "tsv", "json")

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """Shorten ``iri`` to ``prefix:local`` with the longest matching namespace, else ``<iri>``.

    Examples
    --------
    >>> compact("https://w3id.org/stackgraph/id/SpaceX", {"sgid": "https://w3id.org/stackgraph/id/"})
    'sgid:SpaceX'
    >>> compact("https://example.org/a/b", {"sgid": "https://w3id.org/stackgraph/id/"})
    '<https://example.org/a/b>'
    """
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "_-." for c in local):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else f"<{iri}>"


def term_text(term: Any, prefixes: Mapping[str, str]) -> str:
    """Return how a term reads in a table: a prefixed name, a literal's text, ``_:id`` for a blank node.

    Examples
    --------
    >>> term_text(ox.Literal("1000000000", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), {})
    '1000000000'
    >>> term_text(None, {})
    ''
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def aligned_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return text cells as a plain-text table: columns padded to their widest cell, a dashed rule under the
    header, no trailing spaces. Bidirectional and terminal control characters from the data are shown as
    ``[U+202E]`` (:func:`stackgraph.display.neutralise`), never acted on.

    Examples
    --------
    >>> print(aligned_table(["name", "layers"], [["Nvidia", "accelerators"], ["xAI", "ai-models"]]))
    name    layers
    ------  ------------
    Nvidia  accelerators
    xAI     ai-models
    """
    headers = [neutralise(h) for h in headers]
    rows = [[neutralise(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    count = len(rows)
    return f"{aligned_table(headers, rows)}\n({count} row{'s' if count != 1 else ''})\n"


def format_result(result: Any, fmt: str = "table", *, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Serialise a pyoxigraph query result (solutions, boolean or triples) in ``fmt``.

    Parameters
    ----------
    result : QuerySolutions, QueryBoolean, QueryTriples or an iterable of triples
        What :meth:`KnowledgeStore.query` (or a remote endpoint) returned; consumed by this call.
    fmt : {"table", "csv", "tsv", "json"}
        The output format.
    prefixes : mapping, optional
        Prefix -> namespace for compact names in tables and Turtle.

    Raises
    ------
    InputError
        Unknown format, or ``csv``/``tsv`` asked for triples.

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("v")))
    >>> print(format_result(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }"), "table").decode(), end="")
    s          o
    ---------  -
    <urn:x:a>  v
    (1 row)
    >>> format_result(store.query("ASK { ?s ?p ?o }"), "json")
    b'{"head":{},"boolean":true}\\n'
    """
    prefixes = prefixes or {}
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return result.serialize(format=ox.QueryResultsFormat.JSON) + b"\n"
        return b"true\n" if bool(result) else b"false\n"
    if not isinstance(result, ox.QuerySolutions):  # CONSTRUCT/DESCRIBE: QueryTriples, or triples from an endpoint
        if fmt in ("csv", "tsv"):
            raise InputError(
                f"a CONSTRUCT or DESCRIBE gives RDF triples, not a table: use --format table (Turtle) or json "
                f"(JSON-LD) instead of {fmt}"
            )
        triples = [ox.Triple(t.subject, t.predicate, t.object) if isinstance(t, ox.Quad) else t for t in result]
        out = io.BytesIO()
        if fmt == "json":
            ox.serialize(triples, out, ox.RdfFormat.JSON_LD)
            return out.getvalue() + b"\n"
        ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
        return out.getvalue()
    if fmt in _RESULT_FORMATS:
        data = result.serialize(format=_RESULT_FORMATS[fmt])
        return data + b"\n" if fmt == "json" else data
    names = [v.value for v in result.variables]
    rows = [[term_text(solution[name], prefixes) for name in names] for solution in result]
    return _table(names, rows).encode("utf-8")


def format_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table") -> bytes:
    """Format plain rows (e.g. the entity list) as an aligned table, CSV, TSV or JSON (a list of objects).

    Examples
    --------
    >>> format_rows(["name", "layers"], [["Nvidia", "accelerators"]], "csv")
    b'name,layers\\r\\nNvidia,accelerators\\r\\n'
    >>> format_rows(["name"], [["Nvidia"]], "json")
    b'[{"name": "Nvidia"}]\\n'
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return (json.dumps([dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False) + "\n").encode()
    text = [["" if cell is None else str(cell) for cell in row] for row in rows]
    if fmt == "table":
        return _table(headers, text).encode("utf-8")
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\r\n" if fmt == "csv" else "\n")
    writer.writerow(headers)
    writer.writerows(text)
    return out.getvalue().encode("utf-8")
