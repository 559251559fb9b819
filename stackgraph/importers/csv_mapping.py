"""Turn a spreadsheet (CSV) of relations into deals, driven by a small TOML mapping file.

A mapping names the columns; only ``subject`` and ``object`` are required::

    [csv]
    title = "Our supplier list"        # the dataset's title (default: the file name)
    # encoding = "utf-8"               # default: UTF-8, falling back to latin-1
    # delimiter = ";"

    [columns]
    subject = "Supplier"               # who acts: supplier, acquirer, investor, owner, developer, partner
    object = "Customer"                # who is acted on: customer, target, investee, owned, product, partner
    relation = "Relation"              # the deal type per row (else [defaults] relation)
    date = "Since"                     # YYYY-MM-DD, YYYY-MM or YYYY
    end_date = "Until"
    amount = "Value"
    currency = "Currency"
    status = "Status"                  # rumoured, in talks, announced, pending, completed, active, terminated
    stake = "Stake %"
    layer = "Layer"                    # the input layer of a supply / the market of a market share
    market_share = "Share %"           # the subject's share of that layer's market, in the year of the date
    source = "Source"                  # title or URL of the document the row comes from
    quote = "Quote"                    # the sentence quoted from that document

    [defaults]
    relation = "supply"
    status = "active"
    currency = "USD"
    date_role = "effective"            # or "announced"

    [relations]                        # your words -> deal kinds
    "sells to" = "supply"

Deal kinds: ``acquisition``, ``investment``, ``supply``, ``ownership``, ``partnership``, ``development`` (also
the projection's relation names ``acquires``, ``invests_in``, ``supplies``, ``controls``, ``partners_with``,
``develops``). A subject or object written as an IRI (``https://...``) or as ``sgid:Name`` refers to an existing
entity, so a spreadsheet can extend the shipped graph; any other name becomes an organisation
``sgid:<dataset>/<name>`` labelled with it (a product, for the object of a development).

Provenance: the spreadsheet is a ``sg:DatasetSource`` and every deal's evidence names its row; a row with a
source and a quote also derives from that document with the quote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from stackgraph.errors import ImportFormatError
from stackgraph.importers._common import (
    RDF_TYPE,
    ImportResult,
    ProgressCallback,
    TripleBuilder,
    checked_rows,
    entity_iri,
    read_csv_rows,
    row_excerpt,
    sg,
)
from stackgraph.importers.layers import load_toml, resolve_layer
from stackgraph.importers.report import ImportReport
from stackgraph.importers.values import parse_amount, parse_partial_date
from stackgraph.namespace import ID_IRI
from stackgraph.naming import DEAL_STATUSES

__all__ = ["DEAL_KINDS", "CsvMapping", "import_csv", "load_csv_mapping", "read_csv"]

# kind -> (class, actor role, counterparty role)
DEAL_KINDS: dict[str, tuple[str, str, str]] = {
    "acquisition": ("Acquisition", "acquirer", "target"),
    "investment": ("Investment", "investor", "investee"),
    "supply": ("Supply", "supplier", "customer"),
    "ownership": ("Ownership", "owner", "owned"),
    "partnership": ("Partnership", "partner", "partner"),
    "development": ("Development", "developer", "product"),
}
_KIND_ALIASES = {
    "acquires": "acquisition",
    "acquired": "acquisition",
    "invests_in": "investment",
    "invests in": "investment",
    "supplies": "supply",
    "controls": "ownership",
    "owns": "ownership",
    "partners_with": "partnership",
    "partners with": "partnership",
    "develops": "development",
}
# Status words a spreadsheet may use: the scheme's keys, and the same with spaces or American spelling.
_STATUSES = {
    **DEAL_STATUSES,
    **{key.replace("-", " "): name for key, name in DEAL_STATUSES.items()},
    "rumored": "Rumoured",
}
_COLUMN_KEYS = (
    "subject",
    "object",
    "relation",
    "date",
    "end_date",
    "amount",
    "currency",
    "status",
    "stake",
    "layer",
    "market_share",
    "source",
    "quote",
)


@dataclass(frozen=True)
class CsvMapping:
    """A parsed mapping file: column names per role, defaults, relation words and CSV options."""

    columns: Mapping[str, str]
    relation: str | None = None
    status: str = "active"
    currency: str = "USD"
    date_role: str = "effective"
    relations: Mapping[str, str] = field(default_factory=dict)
    title: str | None = None
    key: str | None = None
    encoding: str | None = None
    delimiter: str = ","


def load_csv_mapping(path: str | Path) -> CsvMapping:
    """Read and check a CSV mapping file (see the module documentation for its format).

    Raises
    ------
    ImportFormatError
        The file is missing or malformed, ``subject``/``object`` are not mapped, an unknown key, deal kind or
        status is given.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "map.toml"
    >>> _ = path.write_text('[columns]\\nsubject = "A"\\nobject = "B"\\n[defaults]\\nrelation = "supplies"\\n')
    >>> load_csv_mapping(path).relation
    'supply'
    """
    data = load_toml(path, "CSV mapping")
    unknown_tables = set(data) - {"csv", "columns", "defaults", "relations"}
    if unknown_tables:
        raise ImportFormatError(f"{path}: unknown table(s) {', '.join(sorted(unknown_tables))}")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ImportFormatError(f'{path}: needs a [columns] table of role = "Column name"')
    unknown = set(columns) - set(_COLUMN_KEYS)
    if unknown:
        raise ImportFormatError(
            f"{path}: unknown column role(s) {', '.join(sorted(unknown))}; use {', '.join(_COLUMN_KEYS)}"
        )
    for required in ("subject", "object"):
        if required not in columns:
            raise ImportFormatError(f"{path}: [columns] must name the {required!r} column")
    defaults = data.get("defaults", {})
    relations = {str(k).strip().casefold(): _kind(str(v), path) for k, v in data.get("relations", {}).items()}
    relation = defaults.get("relation")
    if relation is None and "relation" not in columns:
        raise ImportFormatError(f"{path}: give a 'relation' column or a [defaults] relation")
    status = str(defaults.get("status", "active"))
    if _status(status) is None:
        raise ImportFormatError(f"{path}: unknown default status {status!r}; use {', '.join(sorted(set(_STATUSES)))}")
    date_role = str(defaults.get("date_role", "effective"))
    if date_role not in ("effective", "announced"):
        raise ImportFormatError(f"{path}: date_role must be 'effective' or 'announced', not {date_role!r}")
    options = data.get("csv", {})
    return CsvMapping(
        columns=dict(columns),
        relation=_kind(str(relation), path) if relation is not None else None,
        status=status,
        currency=str(defaults.get("currency", "USD")),
        date_role=date_role,
        relations=relations,
        title=options.get("title"),
        key=options.get("id"),
        encoding=options.get("encoding"),
        delimiter=str(options.get("delimiter", ",")),
    )


def _kind(word: str, path: str | Path) -> str:
    kind = _lookup_kind(word)
    if kind is None:
        raise ImportFormatError(f"{path}: unknown deal kind {word!r}; use {', '.join(DEAL_KINDS)}")
    return kind


def _lookup_kind(word: str) -> str | None:
    folded = word.strip().casefold()
    if folded in DEAL_KINDS:
        return folded
    return _KIND_ALIASES.get(folded)


def _status(word: str) -> str | None:
    return _STATUSES.get(re.sub(r"\s+", " ", word.strip().casefold().replace("_", " ")))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text.strip()).strip("-").lower() or "x"


class _Run:
    def __init__(self, mapping: CsvMapping, file: str, key: str, report: ImportReport) -> None:
        self.m = mapping
        self.file = file
        self.key = key
        self.report = report
        self.b = TripleBuilder()
        self.source = self.b.dataset_source(key, mapping.title or file)
        self.documents: dict[str, ox.NamedNode] = {}
        self.entities: dict[str, str] = {}
        self.deal_keys: dict[str, int] = {}

    def col(self, r: Mapping[str, str], role: str) -> str:
        name = self.m.columns.get(role)
        return r.get(name, "").strip() if name else ""

    def entity(self, text: str, cls: str) -> ox.NamedNode:
        if re.match(r"^https?://\S+$", text):
            return ox.NamedNode(text)
        if text.startswith("sgid:") and " " not in text:
            return ox.NamedNode(ID_IRI + text[5:])
        slug = _slug(text)
        node = entity_iri(self.key, slug)
        if slug not in self.entities:  # one label per entity: the first spelling met
            self.entities[slug] = text
            self.b.add(node, RDF_TYPE, sg(cls))
            self.b.label(node, text)
            self.b.add(node, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), self.source)
        return node

    def document(self, text: str) -> ox.NamedNode:
        if text not in self.documents:
            is_url = bool(re.match(r"^https?://\S+$", text))
            key = f"{self.key}/{_slug(text)[:80]}"
            self.documents[text] = self.b.document_source(key, text, url=text if is_url else None)
        return self.documents[text]

    def row(self, row: int, r: Mapping[str, str]) -> None:
        file = self.file
        subject, obj = self.col(r, "subject"), self.col(r, "object")
        if not subject or not obj:
            missing = "subject" if not subject else "object"
            self.report.add_issue(file, row, f"missing party: no {missing}", "skipped", row_excerpt(r.values()))
            return
        if subject.casefold() == obj.casefold():
            self.report.add_issue(
                file, row, f"self-relation: {subject} with itself", "skipped", row_excerpt(r.values())
            )
            return
        word = self.col(r, "relation")
        if word:
            kind = self.m.relations.get(word.casefold()) or _lookup_kind(word)
            if kind is None:
                self.report.add_issue(file, row, f"unknown relation: {word!r}", "skipped", row_excerpt(r.values()))
                return
        elif self.m.relation is not None:
            kind = self.m.relation
        else:
            self.report.add_issue(file, row, "missing relation: empty and no default", "skipped")
            return
        status_word = self.col(r, "status") or self.m.status
        status = _status(status_word)
        if status is None:
            self.report.add_issue(file, row, f"unknown status: {status_word!r}", "skipped", row_excerpt(r.values()))
            return
        cls, actor_role, counter_role = DEAL_KINDS[kind]
        actor = self.entity(subject, "Organization")
        counter = self.entity(obj, "Product" if kind == "development" else "Organization")
        date = self.date(self.col(r, "date"), row)
        key = f"{_slug(subject)}--{kind}--{_slug(obj)}" + (f"--{date.value}" if date is not None else "")
        n = self.deal_keys.get(key, 0) + 1
        self.deal_keys[key] = n
        deal = entity_iri(f"{self.key}/deal", key if n == 1 else f"{key}-{n}")
        self.b.add(deal, RDF_TYPE, sg(cls))
        self.b.add(deal, sg(actor_role), actor)
        self.b.add(deal, sg(counter_role), counter)
        self.b.add(deal, sg("status"), sg(status))
        if date is not None:
            self.b.add(deal, sg("announcedDate" if self.m.date_role == "announced" else "effectiveDate"), date)
        end = self.date(self.col(r, "end_date"), row)
        if end is not None:
            self.b.add(deal, sg("endDate"), end)
        amount_text = self.col(r, "amount")
        amount, problem = parse_amount(amount_text)
        if problem:
            self.report.add_issue(file, row, f"bad amount: {problem}; amount dropped", "kept", amount_text)
        elif amount is not None:
            self.b.add(deal, sg("amount"), amount)
            self.b.add(deal, sg("currency"), ox.Literal((self.col(r, "currency") or self.m.currency).upper()))
        stake_text = self.col(r, "stake")
        if stake_text:
            self.percent(deal, "stakePercent", stake_text, row, "stake")
        layer = None
        layer_text = self.col(r, "layer")
        if layer_text:
            layer = resolve_layer(layer_text)
            if layer is None:
                self.report.add_issue(file, row, f"unknown layer: {layer_text!r}; layer dropped", "kept")
            elif kind == "supply":
                self.b.add(deal, sg("inputLayer"), sg(layer))
        self.provenance(deal, r, row)
        self.report.count(f"{cls.lower()}s" if not cls.endswith("y") else f"{cls[:-1].lower()}ies")
        share_text = self.col(r, "market_share")
        if share_text:
            self.market_share(actor, subject, layer, share_text, date, r, row)

    def date(self, text: str, row: int) -> ox.Literal | None:
        if not text:
            return None
        literal, problem = parse_partial_date(text)
        if problem:
            kind, _, detail = problem.partition(" date ")
            self.report.add_issue(self.file, row, f"{kind} date: {detail}; date dropped", "kept", text)
        return literal

    def percent(self, node: ox.NamedNode, prop: str, text: str, row: int, what: str) -> bool:
        value, problem = parse_amount(text.rstrip("%"), maximum=Decimal(100))
        if problem or value is None:
            self.report.add_issue(self.file, row, f"bad {what}: {text!r} is not a percentage; dropped", "kept", text)
            return False
        self.b.add(node, sg(prop), value)
        return True

    def provenance(self, fact: ox.NamedNode, r: Mapping[str, str], row: int) -> None:
        self.b.evidence(fact, self.source, record=f"{self.file} row {row}")
        source_text, quote = self.col(r, "source"), self.col(r, "quote")
        if source_text:
            document = self.document(source_text)
            if quote:
                self.b.evidence(fact, document, quote=quote)
            else:
                self.b.add(fact, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), document)
        elif quote:
            self.report.add_issue(self.file, row, "quote without source: quote dropped", "kept", quote)

    def market_share(
        self,
        holder: ox.NamedNode,
        name: str,
        layer: str | None,
        text: str,
        date: ox.Literal | None,
        r: Mapping[str, str],
        row: int,
    ) -> None:
        if layer is None:
            self.report.add_issue(self.file, row, "market share without layer: share dropped", "kept", text)
            return
        year = date.value[:4] if date is not None else None
        position = entity_iri(f"{self.key}/share", f"{_slug(name)}--{_slug(layer)}--{year or 'undated'}")
        if not self.percent(position, "sharePercent", text, row, "market share"):
            return
        self.b.add(position, RDF_TYPE, sg("MarketPosition"))
        self.b.add(position, sg("holder"), holder)
        self.b.add(position, sg("market"), sg(layer))
        if year:
            self.b.add(
                position,
                sg("year"),
                ox.Literal(year, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
            )
        self.provenance(position, r, row)
        self.report.count("market positions")


def read_csv(
    path: str | Path, mapping: str | Path | CsvMapping, *, progress: ProgressCallback | None = None
) -> ImportResult:
    """Read a CSV of relations with a mapping and return the triples and :class:`ImportReport`.

    Raises
    ------
    ImportFormatError
        The CSV or the mapping cannot be used at all: missing or empty file, wrong encoding, missing columns.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "map.toml").write_text('[columns]\\nsubject = "Supplier"\\nobject = "Customer"\\n'
    ...                                      '[defaults]\\nrelation = "supply"\\n')
    >>> _ = (folder / "s.csv").write_text("Supplier,Customer\\nTSMC,Nvidia\\nTSMC,TSMC\\n")
    >>> result = read_csv(folder / "s.csv", folder / "map.toml")
    >>> result.report.counts, result.report.reasons()
    ({'supplies': 1}, {'self-relation': 1})
    """
    file = Path(path)
    spec = mapping if isinstance(mapping, CsvMapping) else load_csv_mapping(mapping)
    header, rows, n = read_csv_rows(file, encoding=spec.encoding, delimiter=spec.delimiter)
    missing = [f"{role} = {name!r}" for role, name in spec.columns.items() if name not in header]
    if missing:
        raise ImportFormatError(
            f"{file.name}: missing columns ({'; '.join(missing)}); the header has {', '.join(header)}"
        )
    report = ImportReport(str(file), rows={file.name: n})
    run = _Run(spec, file.name, spec.key or _slug(file.stem), report)
    for i, (row, record) in enumerate(checked_rows(report, file.name, header, rows), start=1):
        if progress is not None and i % 2000 == 0:
            progress(i, n)
        run.row(row, record)
    if progress is not None:
        progress(n, n)
    report.triples = len(run.b.triples)
    return ImportResult(run.b.triples, report)


def import_csv(
    path: str | Path,
    mapping: str | Path | CsvMapping,
    output: str | Path,
    *,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a CSV of relations into the RDF file ``output`` (``.ttl`` or ``.nt``, atomically); see :func:`read_csv`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "map.toml").write_text('[columns]\\nsubject = "A"\\nobject = "B"\\nrelation = "R"\\n')
    >>> _ = (folder / "d.csv").write_text("A,B,R\\nX Corp,Y Ltd,acquires\\n")
    >>> import_csv(folder / "d.csv", folder / "map.toml", folder / "out.ttl").counts
    {'acquisitions': 1}
    """
    result = read_csv(path, mapping, progress=progress)
    result.write(output)
    return result.report
