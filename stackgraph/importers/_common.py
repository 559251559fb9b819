"""What every importer shares: the import report, an RDF triple builder, and cleaning of dates, amounts and text.

Importers never crash on a bad row and never drop one silently: each problem becomes a :class:`RowIssue`
(``skipped`` when the row produced nothing, ``kept`` when the row was imported with a field dropped or repaired).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from stackgraph.atomic import atomic_write
from stackgraph.errors import ImportFormatError, InputError
from stackgraph.namespace import ID_IRI, SG_IRI, SOURCE_IRI
from stackgraph.store import PREFIXES

__all__ = [
    "ImportReport",
    "ImportResult",
    "ProgressCallback",
    "RowIssue",
    "TripleBuilder",
    "entity_iri",
    "parse_amount",
    "parse_partial_date",
    "read_csv_rows",
    "repair_text",
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
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_DATE = re.compile(r"^(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_AMOUNT_JUNK = re.compile(r"[\s,$€£_]")


def sg(name: str) -> ox.NamedNode:
    """Return the ``sg:`` term ``name`` as a pyoxigraph IRI."""
    return ox.NamedNode(SG_IRI + name)


@dataclass(frozen=True)
class RowIssue:
    """One problem with one row (or with a whole file when ``row`` is 0).

    ``action`` is ``"skipped"`` when the row produced no fact, ``"kept"`` when it was imported with the
    problematic field dropped or repaired (``reason`` says which).
    """

    file: str
    row: int
    reason: str
    action: str
    example: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the issue as a plain dict (for JSON reports)."""
        return {
            "file": self.file,
            "row": self.row,
            "reason": self.reason,
            "action": self.action,
            "example": self.example,
        }


@dataclass
class ImportReport:
    """What an import read, produced and could not use.

    Attributes
    ----------
    source : str
        What was imported (a folder, file or endpoint URL).
    rows : dict
        Data rows read per file (headers not counted).
    counts : dict
        Facts produced per kind (``organizations``, ``acquisitions``, ``investments``, ``ownerships``, ...).
    issues : list of RowIssue
        Every bad row, with its reason and an excerpt of the row.
    triples : int
        Triples written.

    Examples
    --------
    >>> report = ImportReport("demo", rows={"a.csv": 3}, counts={"acquisitions": 2})
    >>> report.add_issue("a.csv", 4, "self-acquisition", "skipped", "x,x")
    >>> report.skipped("a.csv"), report.reasons()
    (1, {'self-acquisition': 1})
    """

    source: str
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    issues: list[RowIssue] = field(default_factory=list)
    triples: int = 0

    def add_issue(self, file: str, row: int, reason: str, action: str, example: str = "") -> None:
        """Record a problem with ``row`` of ``file`` (``action``: ``skipped`` or ``kept``)."""
        if action not in ("skipped", "kept"):
            raise ValueError(f"action must be 'skipped' or 'kept', not {action!r}")
        self.issues.append(RowIssue(file, row, reason, action, example[:200]))

    def count(self, kind: str, n: int = 1) -> None:
        """Add ``n`` to the number of facts of ``kind`` produced."""
        self.counts[kind] = self.counts.get(kind, 0) + n

    def skipped(self, file: str | None = None) -> int:
        """Number of rows (of ``file``, or of every file) that produced nothing; file-level issues excluded."""
        return sum(1 for i in self.issues if i.action == "skipped" and i.row > 0 and (file is None or i.file == file))

    def reasons(self, action: str | None = None) -> dict[str, int]:
        """Number of issues per reason category (the reason's text before any ``:``), most frequent first."""
        counter = Counter(_category(i.reason) for i in self.issues if action is None or i.action == action)
        return dict(counter.most_common())

    def examples(self, reason_category: str, limit: int = 3) -> list[RowIssue]:
        """The first ``limit`` issues of a reason category."""
        return [i for i in self.issues if _category(i.reason) == reason_category][:limit]

    def summary(self, examples: int = 2) -> str:
        """A human-readable summary: rows per file, facts per kind, issues per reason with examples."""
        lines = [f"Imported {self.source}"]
        for file, n in self.rows.items():
            lines.append(f"  {file}: {n} rows, {self.skipped(file)} skipped")
        lines.append("Facts: " + ", ".join(f"{k} {v}" for k, v in self.counts.items()) + f"; {self.triples} triples")
        if not self.issues:
            lines.append("No bad rows.")
            return "\n".join(lines)
        lines.append(f"Issues: {len(self.issues)} ({sum(1 for i in self.issues if i.action == 'skipped')} skipped)")
        for category, n in self.reasons().items():
            sample = self.examples(category, examples)
            lines.append(f"  {n:>6}  {sample[0].action:<7} {category}")
            for issue in sample:
                where = f"{issue.file} row {issue.row}" if issue.row else issue.file
                detail = issue.reason[len(category) :].lstrip(": ")
                text = f"{where}: {detail}" if detail else where
                if issue.example:
                    text += f"  [{issue.example[:100]}]"
                lines.append(f"            e.g. {text}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole report, every issue included, as plain data (for ``--report FILE.json``)."""
        return {
            "source": self.source,
            "rows": dict(self.rows),
            "counts": dict(self.counts),
            "triples": self.triples,
            "reasons": self.reasons(),
            "issues": [i.to_dict() for i in self.issues],
        }


def _category(reason: str) -> str:
    return reason.split(":", 1)[0]


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
    >>> b.add(deal, RDF_TYPE, sg("Acquisition"))
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
        self.add(source, RDF_TYPE, sg("DatasetSource"))
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
        self.add(source, RDF_TYPE, sg("Source"))
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
        self.add(evidence, RDF_TYPE, sg("Evidence"))
        self.add(evidence, ox.NamedNode(PROV + "entity"), source)
        if record:
            self.add(evidence, sg("record"), ox.Literal(record))
        if quote:
            self.add(evidence, sg("quote"), ox.Literal(quote))

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


def parse_partial_date(
    text: str, *, earliest: int = 1800, latest: int | None = None
) -> tuple[ox.Literal | None, str | None]:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` into an ``xsd:date``/``gYearMonth``/``gYear`` literal.

    Returns ``(literal, None)``, or ``(None, problem)`` for an empty, malformed or impossible date (a year
    before ``earliest`` or after ``latest``, a 31st of February). A time part (``2009-11-11T00:00:00Z``) is cut.

    Examples
    --------
    >>> parse_partial_date("2009-11-11")[0].value
    '2009-11-11'
    >>> parse_partial_date("2009-11")[0].datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    >>> parse_partial_date("1201-05-01")
    (None, "impossible date '1201-05-01': year 1201 is before 1800")
    """
    raw = text.strip()
    if not raw:
        return None, "no date"
    value = raw.lstrip("+").split("T", 1)[0]
    match = _DATE.match(value)
    if not match:
        return None, f"malformed date {raw!r}"
    year, month, day = (int(g) if g is not None else None for g in match.groups())
    if year is None or year < earliest:
        return None, f"impossible date {raw!r}: year {year} is before {earliest}"
    if latest is not None and year > latest:
        return None, f"impossible date {raw!r}: year {year} is after {latest}"
    if month == 0:  # Wikidata writes year precision as YYYY-00-00
        month = day = None
    elif day == 0:
        day = None
    try:
        if day is not None and month is not None:
            iso = dt.date(year, month, day).isoformat()
            return ox.Literal(iso, datatype=ox.NamedNode(XSD + "date")), None
        if month is not None:
            if not 1 <= month <= 12:
                raise ValueError(f"month {month}")
            return ox.Literal(f"{year:04d}-{month:02d}", datatype=ox.NamedNode(XSD + "gYearMonth")), None
    except ValueError as error:
        return None, f"impossible date {raw!r}: {error}"
    return ox.Literal(f"{year:04d}", datatype=ox.NamedNode(XSD + "gYear")), None


def parse_amount(text: str, *, maximum: Decimal = Decimal("1e13")) -> tuple[ox.Literal | None, str | None]:
    """Parse a money amount into an ``xsd:decimal`` literal; returns ``(literal, None)`` or ``(None, problem)``.

    Thousands separators and currency signs are ignored. Negative, non-numeric and implausibly large amounts
    (above ``maximum``) are problems, and so is scientific notation (``2.6E+12``): spreadsheets write it when they
    have already rounded the number away.

    Examples
    --------
    >>> parse_amount("2,700,000,000")[0].value
    '2700000000'
    >>> parse_amount("2.6E+12")[1]
    "amount '2.6E+12' in scientific notation (rounded by a spreadsheet)"
    >>> parse_amount("")
    (None, None)
    """
    raw = text.strip()
    if not raw:
        return None, None
    cleaned = _AMOUNT_JUNK.sub("", raw)
    if re.search(r"[eE]", cleaned) and re.fullmatch(r"[0-9.]+[eE][+-]?[0-9]+", cleaned):
        return None, f"amount {raw!r} in scientific notation (rounded by a spreadsheet)"
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"unparseable amount {raw!r}"
    if not value.is_finite():
        return None, f"unparseable amount {raw!r}"
    if value < 0:
        return None, f"negative amount {raw!r}"
    if value > maximum:
        return None, f"implausible amount {raw!r}"
    normal = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if "." in normal:
        normal = normal.rstrip("0").rstrip(".")
    return ox.Literal(normal, datatype=ox.NamedNode(XSD + "decimal")), None


def repair_text(text: str) -> tuple[str, bool]:
    """Repair text whose bytes were decoded with the wrong code page; returns ``(text, was_suspect)``.

    A latin-1 decoding that leaves C1 control characters (U+0080–U+009F) means the bytes were Mac Roman (the
    2013 Crunchbase export's "Cond\\x8e Nast") or UTF-8 read as Mac Roman; both are undone where that gives clean text.

    Examples
    --------
    >>> repair_text("Cond\\x8e Nast")
    ('Condé Nast', True)
    >>> repair_text("Reader\\x89Ûªs Digest")
    ('Reader’s Digest', True)
    >>> repair_text("plain")
    ('plain', False)
    """
    if not _C1_CONTROLS.search(text):
        return text, False
    try:
        mac = text.encode("latin-1").decode("mac_roman")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, True
    try:
        twice = mac.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        twice = None
    return (twice if twice else mac), True


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
