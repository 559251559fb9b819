"""Format SPARQL results for people and programs.

``table`` is aligned text with IRIs shortened to prefixed names (``sgid:SpaceX``); ``json`` is the W3C SPARQL 1.1
Query Results JSON format and ``csv``/``tsv`` the W3C SPARQL 1.1 CSV/TSV formats, all three written by
pyoxigraph's own serializers. ASK answers ``true``/``false`` (JSON: the boolean results document; CSV and TSV,
which the W3C defines for solutions only: one column ``_askResult`` and one row, as Apache Jena writes them, which
SPARQL clients such as rdflib read as a one-row result); CONSTRUCT
and DESCRIBE give Turtle (``json``: JSON-LD). :func:`write_result` streams every format but ``table`` to a file
in constant memory; a table shows at most :data:`TABLE_ROW_LIMIT` rows and says when there are more.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO

import pyoxigraph as ox

from stackgraph.display import TABLE_FORMATS, neutralise
from stackgraph.errors import InputError, QueryError

__all__ = [
    "FIT_TABLES",
    "FORMATS",
    "TABLE_FORMATS",
    "TABLE_ROW_LIMIT",
    "Written",
    "aligned_table",
    "compact",
    "csv_options",
    "format_result",
    "format_rows",
    "markdown_table",
    "table_width",
    "term_text",
    "write_result",
]

FORMATS = TABLE_FORMATS

#: The most rows the ``table`` format shows: a table needs every row in memory to size its columns (a 10-million
#: row result would take gigabytes); CSV, TSV and JSON stream any number of rows.
TABLE_ROW_LIMIT = 10_000

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def csv_options(fmt: str = "csv") -> dict[str, str]:
    r"""The one convention for delimited text stackgraph writes: ``csv`` is RFC 4180 with CRLF line endings (as
    the W3C SPARQL 1.1 CSV results format pyoxigraph writes), ``tsv`` is tab-separated with LF line endings (as the
    W3C SPARQL 1.1 TSV results format). Pass as ``csv.writer(out, **csv_options(fmt))``.

    Examples
    --------
    >>> csv_options("csv"), csv_options("tsv")
    ({'delimiter': ',', 'lineterminator': '\r\n'}, {'delimiter': '\t', 'lineterminator': '\n'})
    """
    if fmt not in ("csv", "tsv"):
        raise InputError(f"unknown delimited format {fmt!r}; use csv or tsv")
    return {"delimiter": ",", "lineterminator": "\r\n"} if fmt == "csv" else {"delimiter": "\t", "lineterminator": "\n"}


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


#: Whether tables are fitted to the terminal at all: the CLI sets it to ``False`` while a command writes its
#: table to a file (``-o FILE``), which keeps every value whole.
FIT_TABLES: ContextVar[bool] = ContextVar("stackgraph_fit_tables", default=True)


def table_width() -> int | None:
    """The width tables are fitted to: ``$COLUMNS`` when set, else the terminal's when standard output is one, else
    ``None`` (a pipe or a file gets whole values; so does any table while :data:`FIT_TABLES` is false)."""
    if not FIT_TABLES.get():
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


#: The narrowest a column is cut to (its header and shorter values stay whole).
_MIN_COLUMN = 8


def aligned_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = -1) -> str:
    """Return text cells as a plain-text table: columns padded to their widest cell, a dashed rule under the
    header, no trailing spaces. Bidirectional and terminal control characters from the data are shown as
    ``[U+202E]`` (:func:`stackgraph.display.neutralise`), never acted on.

    When the table is wider than ``width`` (default: :func:`table_width`, the terminal's; ``None``: no limit) the
    widest columns are cut, values ending in an ellipsis, and a last line says so; CSV, TSV and JSON keep every value
    whole. Widths are measured in terminal cells (a CJK character takes two), by rich.

    Examples
    --------
    >>> print(aligned_table(["name", "layers"], [["Nvidia", "accelerators"], ["xAI", "ai-models"]], width=None))
    name    layers
    ------  ------------
    Nvidia  accelerators
    xAI     ai-models
    >>> print(aligned_table(["name", "quote"], [["Nvidia", "Nvidia invested $1 billion in Nokia"]], width=30))
    name    quote
    ------  ----------------------
    Nvidia  Nvidia invested $1 bi…
    (… = cut to fit the terminal; --format csv or json: whole values)
    """
    from rich.cells import cell_len
    from rich.text import Text

    if width == -1:
        width = table_width()
    headers = [neutralise(h) for h in headers]
    rows = [[neutralise(c) for c in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_len(cell))
    cut = False
    budget = None if width is None else width - 2 * (len(widths) - 1)
    if budget is not None and sum(widths) > budget:
        floors = [min(w, max(cell_len(h), _MIN_COLUMN)) for w, h in zip(widths, headers, strict=True)]
        if sum(floors) > budget:  # too narrow to keep the headers whole: cut them too
            floors = [min(w, 3) for w in widths]
        # the largest cap for which the columns fit: each column at most the cap, at least its floor
        cap = max(widths)
        while cap > 0 and sum(min(w, max(cap, f)) for w, f in zip(widths, floors, strict=True)) > budget:
            cap -= 1
        widths = [min(w, max(cap, f)) for w, f in zip(widths, floors, strict=True)]

    def fit(cell: str, size: int) -> str:
        nonlocal cut
        if cell_len(cell) <= size:
            return cell + " " * (size - cell_len(cell))
        cut = True
        text = Text(cell)
        text.truncate(size, overflow="ellipsis", pad=True)
        return text.plain

    lines = ["  ".join(fit(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(fit(c, widths[i]) for i, c in enumerate(row)).rstrip() for row in rows]
    if cut:
        lines.append("(… = cut to fit the terminal; --format csv or json: whole values)")
    return "\n".join(lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return rows as a Markdown (GitHub) table, text from the data escaped (:func:`stackgraph.display.markdown`),
    ``-`` for a missing value.

    Examples
    --------
    >>> print(markdown_table(["name", "layers"], [["Nvidia", "accelerators"], ["<b>x</b>", None]]))
    | name | layers |
    |---|---|
    | Nvidia | accelerators |
    | &lt;b&gt;x&lt;/b&gt; | - |
    """
    from stackgraph.display import markdown

    def cell(value: Any) -> str:
        return "-" if value is None or value == "" else markdown(str(value))

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, more: bool = False) -> str:
    count = len(rows)
    if more:
        footer = (
            f"(the first {count:,} rows; the result has more -- a table shows at most {count:,}: use --format csv, "
            "tsv or json to stream every row, or add LIMIT/OFFSET to page)"
        )
    else:
        footer = f"({count:,} row{'s' if count != 1 else ''})"
    return f"{aligned_table(headers, rows)}\n{footer}\n"


@dataclass(frozen=True)
class Written:
    """What :func:`write_result` wrote: the rows of a table (``None`` for a stream), whether the table stopped at
    its row limit with more rows left, and the bytes written."""

    rows: int | None
    more: bool
    size: int


class _Counting:
    """A binary file wrapper that counts bytes and reports them to ``progress(size)``."""

    def __init__(self, out: BinaryIO, progress: Callable[[int], object] | None) -> None:
        self.out, self.progress, self.size = out, progress, 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.size += len(data)
        if self.progress is not None:
            self.progress(self.size)
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def write_result(
    result: Any,
    fmt: str,
    out: BinaryIO,
    *,
    prefixes: Mapping[str, str] | None = None,
    max_rows: int = TABLE_ROW_LIMIT,
    progress: Callable[[int], object] | None = None,
) -> Written:
    """Write a pyoxigraph query result to the binary file ``out`` in ``fmt``, streaming.

    CSV, TSV and JSON solutions and CONSTRUCT triples are serialised by pyoxigraph as the engine produces them,
    in constant memory whatever their number. A ``table`` needs every row to size its columns, so it shows at
    most ``max_rows`` (:data:`TABLE_ROW_LIMIT`, 10,000) and says so when the result has more. ``progress`` is
    called with the bytes written so far.

    Raises
    ------
    InputError
        Unknown format, or ``csv``/``tsv`` asked for triples.
    QueryError
        The engine failed while producing the rows (the output then ends early).

    Examples
    --------
    >>> import io
    >>> store = ox.Store()
    >>> store.extend(ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:x:p"), ox.Literal(i)) for i in range(5))
    >>> out = io.BytesIO()
    >>> write_result(store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"), "table", out, max_rows=2)
    Written(rows=2, more=True, size=...)
    >>> print(out.getvalue().decode().splitlines()[-1])  # doctest: +ELLIPSIS
    (the first 2 rows; the result has more -- a table shows at most 2: use --format csv, tsv or json to stream ...)
    """
    prefixes = prefixes or {}
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    sink = _Counting(out, progress)
    try:
        if isinstance(result, ox.QueryBoolean):
            answer = b"true" if bool(result) else b"false"
            if fmt == "json":
                sink.write(result.serialize(format=ox.QueryResultsFormat.JSON) + b"\n")
            elif fmt == "csv":  # the W3C CSV/TSV results formats have no boolean form: one column, one row
                sink.write(b"_askResult\r\n" + answer + b"\r\n")
            elif fmt == "tsv":
                sink.write(b"?_askResult\n" + answer + b"\n")
            else:
                sink.write(answer + b"\n")
            return Written(None, False, sink.size)
        if not isinstance(result, ox.QuerySolutions):  # CONSTRUCT/DESCRIBE: QueryTriples, or triples from an endpoint
            if fmt in ("csv", "tsv"):
                raise InputError(
                    f"a CONSTRUCT or DESCRIBE gives RDF triples, not a table: use --format table (Turtle) or json "
                    f"(JSON-LD) instead of {fmt}"
                )
            triples = (ox.Triple(t.subject, t.predicate, t.object) if isinstance(t, ox.Quad) else t for t in result)
            if fmt == "json":
                ox.serialize(triples, sink, ox.RdfFormat.JSON_LD)
                sink.write(b"\n")
            else:
                ox.serialize(triples, sink, ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
            return Written(None, False, sink.size)
        if fmt in _RESULT_FORMATS:
            result.serialize(sink, _RESULT_FORMATS[fmt])
            if fmt == "json":
                sink.write(b"\n")
            return Written(None, False, sink.size)
        names = [v.value for v in result.variables]
        rows = [[term_text(solution[name], prefixes) for name in names] for solution in islice(result, max_rows + 1)]
        more = len(rows) > max_rows
        if fmt == "markdown":
            sink.write((markdown_table(names, rows[:max_rows]) + "\n").encode("utf-8"))
        else:
            sink.write(_table(names, rows[:max_rows], more=more).encode("utf-8"))
        return Written(len(rows[:max_rows]), more, sink.size)
    except (SyntaxError, ValueError, RuntimeError) as error:
        raise QueryError(f"the query failed while its results were written: {error}") from None


def format_result(result: Any, fmt: str = "table", *, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Serialise a pyoxigraph query result (solutions, boolean or triples) in ``fmt`` and return the bytes.

    The in-memory form of :func:`write_result` (same formats and table limit); for large results write to a
    file with :func:`write_result` instead.

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
    out = io.BytesIO()
    write_result(result, fmt, out, prefixes=prefixes)
    return out.getvalue()


def format_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table") -> bytes:
    """Format plain rows (e.g. the entity list) as an aligned table, CSV, TSV, JSON (a list of objects) or Markdown.

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
    if fmt == "markdown":
        return (markdown_table(headers, text) + "\n").encode("utf-8")
    out = io.StringIO()
    writer = csv.writer(out, **csv_options(fmt))
    writer.writerow(headers)
    writer.writerows(text)
    return out.getvalue().encode("utf-8")
