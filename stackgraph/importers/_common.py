"""What every importer shares: the result (triples + report), an RDF triple builder and CSV reading.

Importers never crash on a bad row and never drop one silently: each problem becomes a
:class:`~stackgraph.importers.report.RowIssue` of the :class:`~stackgraph.importers.report.ImportReport`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from stackgraph.atomic import atomic_write
from stackgraph.errors import ImportFormatError, InputError
from stackgraph.importers.report import ImportReport, RowIssue
from stackgraph.importers.values import parse_partial_date
from stackgraph.store import PREFIXES
from stackgraph.vocabulary.terms import ID_IRI, SG, SG_IRI, SOURCE_IRI

__all__ = [
    "ImportReport",
    "ImportResult",
    "ProgressCallback",
    "RowIssue",
    "TripleBuilder",
    "entity_iri",
    "read_csv_rows",
]

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(rows_done, rows_total)`` while an importer works through its rows."""

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

_RDF_OUTPUT = {".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


def sg(term: str) -> ox.NamedNode:
    """Return an ``sg:`` term as a pyoxigraph IRI: ``SG.Acquisition``, or the local name of a term read from a data
    or mapping file (a layer, a deal class or status the mapping resolved against the ontology)."""
    return ox.NamedNode(term if term.startswith(SG_IRI) else SG_IRI + term)


@dataclass
class ImportResult:
    """The triples an importer produced and its report; :meth:`write` saves them atomically."""

    triples: list[ox.Triple]
    report: ImportReport

    def serialize(self, fmt: str = "turtle") -> bytes:
        """Serialise the triples (``turtle`` or ``ntriples``) with pyoxigraph's streaming serializer."""
        rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}.get(fmt)
        if rdf_format is None:
            raise InputError(f"unknown output format {fmt!r}; use turtle or ntriples")
        out = io.BytesIO()
        ox.serialize(iter(self.triples), out, rdf_format, prefixes=PREFIXES if fmt == "turtle" else None)
        return out.getvalue()

    @staticmethod
    def output_format(path: str | Path) -> str:
        """Return the format (``turtle`` or ``ntriples``) a path's suffix asks for, or raise :class:`InputError`.

        Examples
        --------
        >>> ImportResult.output_format("cb.nt")
        'ntriples'
        """
        fmt = _RDF_OUTPUT.get(Path(path).suffix.lower())
        if fmt is None:
            raise InputError(f"{path}: write the import as .ttl (Turtle) or .nt (N-Triples)")
        return "turtle" if fmt == ox.RdfFormat.TURTLE else "ntriples"

    def write(self, path: str | Path) -> Path:
        """Write the triples to ``path`` (``.ttl`` or ``.nt``) atomically and return the path."""
        return atomic_write(path, self.serialize(self.output_format(path)))


class TripleBuilder:
    """Collects triples for an import; deduplicates them and knows the provenance pattern of the ontology.

    Examples
    --------
    >>> b = TripleBuilder()
    >>> source = b.dataset_source("demo", "Demo dataset")
    >>> deal = b.node("demo/deal/1")
    >>> b.add(deal, RDF_TYPE, sg(SG.Acquisition))
    >>> b.evidence(deal, source, record="demo.csv row 2")
    >>> len(b.triples)
    9
    """

    def __init__(self) -> None:
        self._seen: set[ox.Triple] = set()
        self.triples: list[ox.Triple] = []

    def add(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, obj: Any) -> None:
        """Add one triple (a repeated triple is kept once)."""
        triple = ox.Triple(subject, predicate, obj)
        if triple not in self._seen:
            self._seen.add(triple)
            self.triples.append(triple)

    @staticmethod
    def node(local: str) -> ox.NamedNode:
        """Return the entity IRI ``sgid:<local>``."""
        return ox.NamedNode(ID_IRI + local)

    def dataset_source(
        self,
        key: str,
        title: str,
        *,
        publisher: str | None = None,
        date: str | None = None,
        url: str | None = None,
        license_url: str | None = None,
        description: str | None = None,
    ) -> ox.NamedNode:
        """Describe a ``sg:DatasetSource`` (``src:<key>``) and return its IRI."""
        source = ox.NamedNode(SOURCE_IRI + quote(key, safe="-._~/"))
        self.add(source, RDF_TYPE, sg(SG.DatasetSource))
        self.add(source, ox.NamedNode(DCTERMS + "title"), ox.Literal(title))
        if publisher:
            self.add(source, ox.NamedNode(DCTERMS + "publisher"), ox.Literal(publisher))
        if date:
            literal, _problem = parse_partial_date(date)
            if literal is not None:
                self.add(source, ox.NamedNode(DCTERMS + "date"), literal)
        if url:
            self.add(source, ox.NamedNode(SCHEMA + "url"), ox.Literal(url, datatype=ox.NamedNode(XSD + "anyURI")))
        if license_url:
            self.add(source, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(license_url))
        if description:
            self.add(source, ox.NamedNode(DCTERMS + "description"), ox.Literal(description))
        self.add(source, ox.NamedNode(DCTERMS + "type"), ox.Literal("dataset"))
        return source

    def document_source(self, key: str, title: str, url: str | None = None) -> ox.NamedNode:
        """Describe a plain ``sg:Source`` (a document whose sentences can be quoted) and return its IRI."""
        source = ox.NamedNode(SOURCE_IRI + quote(key, safe="-._~/"))
        self.add(source, RDF_TYPE, sg(SG.Source))
        self.add(source, ox.NamedNode(DCTERMS + "title"), ox.Literal(title))
        if url:
            self.add(source, ox.NamedNode(SCHEMA + "url"), ox.Literal(url, datatype=ox.NamedNode(XSD + "anyURI")))
        return source

    def evidence(
        self,
        fact: ox.NamedNode,
        source: ox.NamedNode,
        *,
        record: str | None = None,
        quote: str | None = None,
    ) -> None:
        """Derive ``fact`` from ``source`` with a ``sg:Evidence`` naming the record and/or quoting the sentence."""
        self.add(fact, ox.NamedNode(PROV + "wasDerivedFrom"), source)
        evidence = ox.BlankNode()
        self.add(fact, ox.NamedNode(PROV + "qualifiedDerivation"), evidence)
        self.add(evidence, RDF_TYPE, sg(SG.Evidence))
        self.add(evidence, ox.NamedNode(PROV + "entity"), source)
        if record:
            self.add(evidence, sg(SG.record), ox.Literal(record))
        if quote:
            self.add(evidence, sg(SG.quote), ox.Literal(quote))

    def label(self, subject: ox.NamedNode, text: str) -> None:
        """Give ``subject`` its ``rdfs:label``."""
        self.add(subject, RDFS_LABEL, ox.Literal(text))


def entity_iri(namespace: str, key: str) -> ox.NamedNode:
    """Return ``sgid:<namespace>/<key>`` with ``key`` percent-encoded where an IRI needs it.

    Examples
    --------
    >>> entity_iri("crunchbase", "hewlett-packard").value
    'https://w3id.org/stackgraph/id/crunchbase/hewlett-packard'
    """
    return ox.NamedNode(f"{ID_IRI}{namespace}/{quote(key.strip(), safe='-._~')}")


def decode_bytes(data: bytes, label: str) -> str:
    """Decode a CSV file: UTF-8 when the whole file is valid UTF-8, else latin-1; UTF-16 by its byte-order mark.

    Raises :class:`ImportFormatError` for binary data (NUL bytes without a UTF-16 mark).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFormatError(f"{label}: wrong encoding: not valid UTF-16 ({error.reason})") from None
    if b"\x00" in data[:65536]:
        raise ImportFormatError(
            f"{label}: wrong encoding: NUL bytes found; is it a binary file or UTF-16 without a mark?"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_csv_rows(
    path: Path,
    *,
    required: Iterable[str] = (),
    encoding: str | None = None,
    delimiter: str = ",",
) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    """Open a CSV file (any line ending) and return ``(header, rows, n_rows)``.

    ``rows`` yields ``(row_number, fields)`` where row 1 is the header, as in a spreadsheet. Raises
    :class:`ImportFormatError` for a missing or empty file, a file without a header, or missing ``required`` columns.
    """
    label = path.name
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    data = path.read_bytes()
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ImportFormatError(f"{label}: wrong encoding: cannot decode as {encoding} ({error})") from None
    else:
        text = decode_bytes(data, label)
    if not text.strip():
        raise ImportFormatError(f"{label}: empty file")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as error:
        raise ImportFormatError(f"{label}: not a readable CSV file ({error})") from None
    header = [h.strip() for h in records[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFormatError(
            f"{label}: missing columns {', '.join(missing)}; "
            f"the header has {', '.join(h for h in header if h) or 'nothing'}"
        )
    body = records[1:]
    return header, ((i + 2, fields) for i, fields in enumerate(body)), len(body)


def row_excerpt(fields: Iterable[str]) -> str:
    """A short one-line excerpt of a row for reports."""
    return ",".join(fields)[:160]


def as_dict(header: list[str], fields: list[str]) -> Mapping[str, str]:
    """Map header names to stripped field values."""
    return {name: value.strip() for name, value in zip(header, fields, strict=False)}


def checked_rows(
    report: ImportReport,
    file: str,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, {column: value})`` for the usable rows; report empty, ragged and duplicated rows.

    Examples
    --------
    >>> report = ImportReport("demo")
    >>> rows = [(2, ["a", "b"]), (3, ["a", "b"]), (4, ["", ""]), (5, ["x"])]
    >>> [n for n, _ in checked_rows(report, "f.csv", ["s", "o"], rows)]
    [2]
    >>> report.reasons()
    {'duplicated row': 1, 'empty row': 1, 'wrong number of fields': 1}
    """
    seen: dict[tuple[str, ...], int] = {}
    width = len(header)
    for row, fields in rows:
        if not any(f.strip() for f in fields):
            report.add_issue(file, row, "empty row", "skipped")
            continue
        if len(fields) != width:
            report.add_issue(
                file, row, f"wrong number of fields: {len(fields)} instead of {width}", "skipped", row_excerpt(fields)
            )
            continue
        signature = tuple(f.strip() for f in fields)
        if signature in seen:
            report.add_issue(
                file, row, f"duplicated row: same as row {seen[signature]}", "skipped", row_excerpt(fields)
            )
            continue
        seen[signature] = row
        yield row, dict(as_dict(header, fields))
