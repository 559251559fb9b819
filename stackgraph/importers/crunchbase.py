"""Import the 2013 Crunchbase export (companies, acquisitions, funding rounds) into the stackgraph ontology.

The export (``crunchbase-companies.csv``, ``crunchbase-acquisitions.csv``, ``crunchbase-rounds.csv``; October 2013,
CC-BY, attribute Crunchbase) becomes:

- every company named anywhere → an ``sg:Organization`` (``sgid:crunchbase/<permalink>``) with its label, its
  country (``sg:headquarters``), its Crunchbase page (``schema:url``) and ``sg:inLayer`` from its category through
  the editable mapping ``crunchbase_layers.toml``;
- every acquisition row → an ``sg:Acquisition``, status completed, ``sg:effectiveDate``, and ``sg:amount`` +
  ``sg:currency`` when a price is given;
- every funding round → an ``sg:FundingRound`` (an ``sg:Investment``)
  into the company, status completed, with its date, amount (USD) and
  round type (``sg:purpose``). The 2013 rounds file names no investors; when a rounds file carries
  ``investor_permalink``/``investor_name`` columns (as the export's investments sheet does) the investor is linked.

The export is the provenance of every fact: one ``sg:DatasetSource`` (``src:crunchbase-2013``) and, for each deal,
an ``sg:Evidence`` whose ``sg:record`` names the file and row (``crunchbase-acquisitions.csv row 1234``; the header
is row 1, as in a spreadsheet).

Bad rows are never dropped silently: empty rows, rows with a wrong number of fields, duplicated rows,
self-acquisitions and rows without a party are skipped and reported; impossible dates (year 1201), malformed
or mangled amounts (``2.6E+12``) and mis-decoded text are reported and the row is kept without (or with a repaired)
field. So the number of acquisitions imported equals the acquisition rows minus the skipped ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from stackgraph.errors import ImportFormatError
from stackgraph.importers._common import (
    DCTERMS,
    RDF_TYPE,
    SCHEMA,
    XSD,
    ImportResult,
    ProgressCallback,
    TripleBuilder,
    checked_rows,
    entity_iri,
    read_csv_rows,
    row_excerpt,
    sg,
)
from stackgraph.importers.layers import load_layer_mapping
from stackgraph.importers.report import ImportReport
from stackgraph.importers.values import parse_amount, parse_partial_date, repair_text

__all__ = [
    "ACQUISITIONS_FILE",
    "COMPANIES_FILE",
    "ROUNDS_FILE",
    "SOURCE_KEY",
    "default_mapping_path",
    "import_crunchbase",
    "read_crunchbase",
]

COMPANIES_FILE = "crunchbase-companies.csv"
ACQUISITIONS_FILE = "crunchbase-acquisitions.csv"
ROUNDS_FILE = "crunchbase-rounds.csv"
SOURCE_KEY = "crunchbase-2013"
EXPORT_YEAR = 2013
_LATEST_YEAR = EXPORT_YEAR + 1  # founding dates a few weeks after the export exist ("planned")
_CRUNCHBASE_URL = "http://www.crunchbase.com"

_REQUIRED = {
    COMPANIES_FILE: ("permalink", "name"),
    ACQUISITIONS_FILE: ("company_permalink", "company_name", "acquirer_permalink", "acquirer_name", "acquired_at"),
    ROUNDS_FILE: ("company_permalink", "company_name", "funded_at", "raised_amount_usd"),
}


def _date_reason(problem: str) -> str:
    kind, _, detail = problem.partition(" date ")
    return f"{kind} date: {detail}; date dropped"


def default_mapping_path() -> Path:
    """Return the shipped category → layer mapping, ``stackgraph/importers/crunchbase_layers.toml``."""
    return Path(__file__).resolve().parent / "crunchbase_layers.toml"


@dataclass
class _Org:
    key: str
    label: str
    category: str
    country: str
    file: str
    row: int


class _Crunchbase:
    """One import run: collects organisations first (companies file wins), then deals."""

    def __init__(self, mapping: Mapping[str, tuple[str, ...]], report: ImportReport) -> None:
        self.mapping = mapping
        self.report = report
        self.b = TripleBuilder()
        self.orgs: dict[str, _Org] = {}
        self.unmapped: dict[str, int] = {}
        self.source = self.b.dataset_source(
            SOURCE_KEY,
            "Crunchbase 2013 export",
            publisher="Crunchbase",
            date="2013-10",
            url=_CRUNCHBASE_URL,
            license_url="https://creativecommons.org/licenses/by/3.0/",
            description="Companies, acquisitions and funding rounds exported from Crunchbase in October 2013 "
            "(CC-BY; attribution: Crunchbase, www.crunchbase.com).",
        )
        self.deal_keys: dict[str, int] = {}
        self.founded: dict[str, ox.Literal] = {}

    # -- text --------------------------------------------------------------------------------------------

    def clean(self, value: str, file: str, row: int, column: str) -> str:
        text, suspect = repair_text(value)
        if suspect:
            self.report.add_issue(
                file,
                row,
                f"wrong encoding: {column} {value!r} repaired to {text!r}",
                "kept",
                value.encode("unicode_escape").decode(),
            )
        return text.strip()

    # -- organisations -----------------------------------------------------------------------------------

    def party(self, r: Mapping[str, str], prefix: str, permalink: str, file: str, row: int) -> ox.NamedNode | None:
        """The organisation a row names through its ``{prefix}name``, ``{prefix}category_code`` and
        ``{prefix}country_code`` columns (the export repeats that trio for companies, acquirers and investors)."""
        name = self.clean(r.get(f"{prefix}name", ""), file, row, f"{prefix}name")
        category, country = r.get(f"{prefix}category_code", ""), r.get(f"{prefix}country_code", "")
        return self.org(permalink, name, category, country, file, row)

    def org(self, permalink: str, name: str, category: str, country: str, file: str, row: int) -> ox.NamedNode | None:
        key = permalink.strip().removeprefix("/company/").strip("/")
        if not key:
            return None
        if key not in self.orgs:
            label = name.strip()
            if not label or label.startswith("#NAME"):
                fallback = key.replace("-", " ")
                self.report.add_issue(
                    file, row, f"mangled name: {label or '(empty)'!r}, label taken from the permalink {key!r}", "kept"
                )
                label = fallback
            self.orgs[key] = _Org(key, label, category.strip(), country.strip(), file, row)
        return entity_iri("crunchbase", key)

    def emit_orgs(self) -> None:
        for org in self.orgs.values():
            node = entity_iri("crunchbase", org.key)
            self.b.add(node, RDF_TYPE, sg("Organization"))
            self.b.label(node, org.label)
            if org.country:
                self.b.add(node, sg("headquarters"), ox.Literal(org.country))
            url = f"{_CRUNCHBASE_URL}/company/{org.key}"
            self.b.add(node, ox.NamedNode(SCHEMA + "url"), ox.Literal(url, datatype=ox.NamedNode(XSD + "anyURI")))
            self.b.add(node, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), self.source)
            if org.category:
                self.b.add(node, ox.NamedNode(DCTERMS + "subject"), ox.Literal(org.category))
            layers = self.mapping.get(org.category)
            if layers is None:
                self.unmapped[org.category] = self.unmapped.get(org.category, 0) + 1
                if self.unmapped[org.category] == 1:
                    self.report.add_issue(
                        org.file, org.row, f"unmapped category: {org.category!r} is not in the layer mapping", "kept"
                    )
                layers = ()
            for layer in layers:
                self.b.add(node, sg("inLayer"), sg(layer))
            if layers:
                self.report.count("organizations with a layer")
            self.report.count("organizations")

    # -- deals --------------------------------------------------------------------------------------------

    def deal_iri(self, kind: str, key: str) -> ox.NamedNode:
        n = self.deal_keys.get(f"{kind}/{key}", 0) + 1
        self.deal_keys[f"{kind}/{key}"] = n
        return entity_iri(f"crunchbase/{kind}", key if n == 1 else f"{key}-{n}")

    def date(self, value: str, file: str, row: int, fallbacks: tuple[str, ...] = ()) -> ox.Literal | None:
        for candidate in (value, *fallbacks):
            if candidate.strip():
                literal, problem = parse_partial_date(candidate, latest=_LATEST_YEAR)
                if problem:
                    self.report.add_issue(file, row, _date_reason(problem), "kept")
                    return None
                return literal
        self.report.add_issue(file, row, "no date: the deal is imported without a date", "kept")
        return None

    def money(self, deal: ox.NamedNode, value: str, currency: str, file: str, row: int) -> None:
        literal, problem = parse_amount(value, scientific=False)
        if problem:
            self.report.add_issue(file, row, f"bad amount: {problem}, amount dropped", "kept", value)
            return
        if literal is None:
            return
        self.b.add(deal, sg("amount"), literal)
        self.b.add(deal, sg("currency"), ox.Literal((currency or "USD").strip().upper()))

    def acquisition(self, row: int, r: Mapping[str, str]) -> None:
        file = ACQUISITIONS_FILE
        target_key = r["company_permalink"].removeprefix("/company/").strip("/")
        acquirer_key = r["acquirer_permalink"].removeprefix("/company/").strip("/")
        if not target_key or not acquirer_key:
            missing = "target" if not target_key else "acquirer"
            self.report.add_issue(
                file, row, f"missing party: no {missing} permalink", "skipped", row_excerpt(r.values())
            )
            return
        if target_key == acquirer_key:
            self.report.add_issue(
                file, row, f"self-acquisition: {target_key} acquires itself", "skipped", row_excerpt(r.values())
            )
            return
        target = self.party(r, "company_", target_key, file, row)
        acquirer = self.party(r, "acquirer_", acquirer_key, file, row)
        date = self.date(r["acquired_at"], file, row, (r.get("acquired_month", ""), r.get("acquired_year", "")))
        key = f"{target_key}--by--{acquirer_key}" + (f"--{date.value}" if date is not None else "")
        deal = self.deal_iri("acquisition", key)
        self.b.add(deal, RDF_TYPE, sg("Acquisition"))
        self.b.add(deal, sg("acquirer"), acquirer)
        self.b.add(deal, sg("target"), target)
        self.b.add(deal, sg("status"), sg("Completed"))
        if date is not None:
            self.b.add(deal, sg("effectiveDate"), date)
        self.money(deal, r.get("price_amount", ""), r.get("price_currency_code", ""), file, row)
        self.b.evidence(deal, self.source, record=f"{file} row {row}")
        self.report.count("acquisitions")

    def round(self, row: int, r: Mapping[str, str]) -> None:
        file = ROUNDS_FILE
        company_key = r["company_permalink"].removeprefix("/company/").strip("/")
        if not company_key:
            self.report.add_issue(file, row, "missing party: no company permalink", "skipped", row_excerpt(r.values()))
            return
        investor_key = r.get("investor_permalink", "").split("/")[-1].strip() if r.get("investor_permalink") else ""
        if investor_key and investor_key == company_key:
            self.report.add_issue(file, row, f"self-investment: {company_key} invests in itself", "skipped")
            return
        company = self.party(r, "company_", company_key, file, row)
        date = self.date(r["funded_at"], file, row, (r.get("funded_month", ""), r.get("funded_year", "")))
        kind = r.get("funding_round_type", "").strip() or "round"
        key = f"{company_key}--{kind}" + (f"--{date.value}" if date is not None else "")
        deal = self.deal_iri("round", key)
        # A round may name no investors; sg:FundingRound says so, sg:Investment keeps plain queries finding it.
        self.b.add(deal, RDF_TYPE, sg("FundingRound"))
        self.b.add(deal, RDF_TYPE, sg("Investment"))
        self.b.add(deal, sg("investee"), company)
        if investor_key:
            investor = self.party(r, "investor_", investor_key, file, row)
            self.b.add(deal, sg("investor"), investor)
        self.b.add(deal, sg("status"), sg("Completed"))
        self.b.add(deal, sg("purpose"), ox.Literal(f"{kind} funding round"))
        if date is not None:
            self.b.add(deal, sg("effectiveDate"), date)
        self.money(deal, r.get("raised_amount_usd", ""), "USD", file, row)
        self.b.evidence(deal, self.source, record=f"{file} row {row}")
        self.report.count("investments")

    def company(self, row: int, r: Mapping[str, str]) -> None:
        file = COMPANIES_FILE
        key = r["permalink"].removeprefix("/company/").strip("/")
        if not key:
            self.report.add_issue(file, row, "missing party: no permalink", "skipped", row_excerpt(r.values()))
            return
        if key in self.orgs and self.orgs[key].file == COMPANIES_FILE:
            self.report.add_issue(
                file, row, f"duplicated row: company {key} already on row {self.orgs[key].row}", "skipped"
            )
            return
        self.party(r, "", key, file, row)
        founded = r.get("founded_at", "")
        if founded:
            literal, problem = parse_partial_date(founded, latest=_LATEST_YEAR)
            if problem:
                self.report.add_issue(file, row, _date_reason(problem), "kept")
            else:
                self.founded[key] = literal


def read_crunchbase(
    directory: str | Path,
    *,
    mapping: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Read a 2013 Crunchbase export folder and return its triples and an :class:`ImportReport`.

    Parameters
    ----------
    directory : path-like
        Folder with ``crunchbase-companies.csv``, ``crunchbase-acquisitions.csv`` and/or ``crunchbase-rounds.csv``
        (latin-1 or UTF-8, any line ending). A missing or empty file is reported; at least one must be there.
    mapping : path-like, optional
        A category → layer mapping file (TOML, see :func:`default_mapping_path`).
    progress : callable, optional
        ``progress(rows_done, rows_total)``, called every few thousand rows and at the end.

    Raises
    ------
    ImportFormatError
        No export file in ``directory``, a file lacks required columns, or the mapping names an unknown layer.

    Examples
    --------
    >>> from stackgraph.resources import data_root
    >>> fixture = data_root() / "tests" / "fixtures" / "crunchbase"
    >>> report = read_crunchbase(fixture).report
    >>> report.counts["acquisitions"] == report.rows[ACQUISITIONS_FILE] - report.skipped(ACQUISITIONS_FILE)
    True
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ImportFormatError(f"{folder}: no such folder (expected a Crunchbase 2013 export)")
    layer_map = load_layer_mapping(mapping or default_mapping_path())
    report = ImportReport(str(folder))
    run = _Crunchbase(layer_map, report)
    opened = []
    for name in (COMPANIES_FILE, ACQUISITIONS_FILE, ROUNDS_FILE):
        path = folder / name
        if not path.is_file():
            report.add_issue(name, 0, f"missing file: {name} not found in {folder}", "skipped")
            continue
        try:
            header, rows, n = read_csv_rows(path, required=_REQUIRED[name])
        except ImportFormatError as error:
            if "empty file" in str(error):
                report.add_issue(name, 0, f"empty file: {name} has no rows", "skipped")
                report.rows[name] = 0
                continue
            raise
        report.rows[name] = n
        opened.append((name, header, rows))
    if not opened and all(i.row == 0 for i in report.issues) and not report.rows:
        raise ImportFormatError(
            f"{folder}: no Crunchbase export files ({COMPANIES_FILE}, {ACQUISITIONS_FILE}, {ROUNDS_FILE})"
        )
    total = sum(report.rows.values())
    done = 0
    handlers = {COMPANIES_FILE: run.company, ACQUISITIONS_FILE: run.acquisition, ROUNDS_FILE: run.round}
    for name, header, rows in opened:
        handler = handlers[name]
        counted = _counting(rows, done, total, progress)
        for row, record in checked_rows(report, name, header, counted):
            handler(row, record)
        done += report.rows[name]
    run.emit_orgs()
    for key, literal in run.founded.items():
        run.b.add(entity_iri("crunchbase", key), ox.NamedNode(SCHEMA + "foundingDate"), literal)
    if progress is not None:
        progress(total, total)
    report.triples = len(run.b.triples)
    return ImportResult(run.b.triples, report)


def _counting(
    rows: Iterable[tuple[int, list[str]]], done: int, total: int, progress: ProgressCallback | None
) -> Iterator[tuple[int, list[str]]]:
    for i, item in enumerate(rows, start=1):
        if progress is not None and (done + i) % 2000 == 0:
            progress(done + i, total)
        yield item


def import_crunchbase(
    directory: str | Path,
    output: str | Path,
    *,
    mapping: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a Crunchbase 2013 export folder into the RDF file ``output`` (``.ttl`` or ``.nt``, written atomically).

    See :func:`read_crunchbase` for the parameters; returns the :class:`ImportReport`.

    Examples
    --------
    >>> import tempfile
    >>> from stackgraph.resources import data_root
    >>> out = Path(tempfile.mkdtemp()) / "cb.ttl"
    >>> report = import_crunchbase(data_root() / "tests" / "fixtures" / "crunchbase", out)
    >>> out.is_file() and report.counts["acquisitions"] > 0
    True
    """
    result = read_crunchbase(directory, mapping=mapping, progress=progress)
    result.write(output)
    return result.report
