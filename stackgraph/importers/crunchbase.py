"""Import a Crunchbase export of any year: companies, acquisitions, funding rounds and (later exports) investments.

Two layouts are known and recognised by their file names:

- the **2013 export** (``crunchbase-companies.csv``, ``crunchbase-acquisitions.csv``, ``crunchbase-rounds.csv``;
  permalinks ``/company/x``, one ``category_code`` per company, rounds without investors);
- the **later exports** (2014 on: ``companies.csv``, ``acquisitions.csv``, ``rounds.csv``, ``investments.csv``;
  permalinks ``/organization/x`` and ``/person/y``, a ``category_list`` such as ``Software|Semiconductors``, one
  investments row per round and investor, linked to its round by ``funding_round_permalink``).

Every organisation (and person) named anywhere is resolved against what is loaded (its Crunchbase permalink first,
then its name; :mod:`stackgraph.resolution`): a match links the deals to the loaded entity (and gives it its
permalink), anything else becomes ``sgid:crunchbase/<permalink>`` with its label, country, Crunchbase page and
layers (its categories through the editable ``crunchbase_layers.toml``). Acquisitions become completed
``sg:Acquisition`` deals, rounds completed ``sg:FundingRound`` investments with their investors when known.

**Dates are judged against the export's own date**: the latest date its acquisitions and rounds reach (or
``export_date``). A deal dated after it is impossible (its date is dropped and reported); a founding date may lie
up to a year after it (planned). The **basis** -- title and licence -- comes from the arguments, else from the
export's readme and licence file; the source is ``src:crunchbase-<year of the export>``. Every deal's evidence
names its file and row (the header is row 1, as in a spreadsheet). Bad rows are reported, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stackgraph.errors import ImportFormatError
from stackgraph.importers._common import ImportResult, ProgressCallback, checked_rows, read_csv_rows
from stackgraph.importers._crunchbase import PARTY_COLUMNS, CrunchbaseRun
from stackgraph.importers._dataset import DatasetRun, SelectStore, open_index, open_layers
from stackgraph.importers._export_facts import export_date, readme_facts
from stackgraph.importers.layers import load_layer_mapping
from stackgraph.importers.report import ImportReport
from stackgraph.importers.values import parse_partial_date

__all__ = [
    "ACQUISITIONS_FILE",
    "COMPANIES_FILE",
    "LAYOUTS",
    "ROUNDS_FILE",
    "Layout",
    "default_mapping_path",
    "import_crunchbase",
    "read_crunchbase",
]

_CRUNCHBASE_URL = "http://www.crunchbase.com"


@dataclass(frozen=True)
class Layout:
    """The file names of one Crunchbase export layout (``investments`` is ``None`` where there is no such file)."""

    name: str
    companies: str
    acquisitions: str
    rounds: str
    investments: str | None = None

    def files(self) -> tuple[str, ...]:
        """The layout's file names, in the order they are read."""
        return tuple(f for f in (self.companies, self.acquisitions, self.rounds, self.investments) if f)


LAYOUTS = (
    Layout("2013 export", "crunchbase-companies.csv", "crunchbase-acquisitions.csv", "crunchbase-rounds.csv"),
    Layout("2014+ export", "companies.csv", "acquisitions.csv", "rounds.csv", "investments.csv"),
)
COMPANIES_FILE, ACQUISITIONS_FILE, ROUNDS_FILE = LAYOUTS[0].companies, LAYOUTS[0].acquisitions, LAYOUTS[0].rounds

_REQUIRED = {
    "companies": ("permalink", "name"),
    "acquisitions": ("company_permalink", "company_name", "acquirer_permalink", "acquirer_name", "acquired_at"),
    "rounds": ("company_permalink", "company_name", "funded_at", "raised_amount_usd"),
    "investments": ("company_permalink", "company_name", "investor_permalink", "investor_name", "funded_at"),
}
_DEAL_DATES = {"acquisitions": "acquired_at", "rounds": "funded_at", "investments": "funded_at"}


def default_mapping_path() -> Path:
    """Return the shipped category → layer mapping, ``stackgraph/importers/crunchbase_layers.toml``."""
    return Path(__file__).resolve().parent / "crunchbase_layers.toml"


def _layout(folder: Path) -> Layout:
    if not folder.is_dir():
        raise ImportFormatError(f"{folder}: no such folder (expected a Crunchbase export)")
    for layout in LAYOUTS:
        if any((folder / name).is_file() for name in layout.files()):
            return layout
    expected = "; ".join(f"{layout.name}: {', '.join(layout.files())}" for layout in LAYOUTS)
    raise ImportFormatError(f"{folder}: no Crunchbase export files ({expected})")


def _export_day(text: str) -> dt.date:
    literal, problem = parse_partial_date(text)
    if literal is None:
        raise ImportFormatError(f"export date {text!r}: {problem}; use YYYY-MM-DD, YYYY-MM or YYYY")
    year, _, rest = literal.value.partition("-")
    if not rest:
        return dt.date(int(year), 12, 31)
    month, _, day = rest.partition("-")
    if not day:
        following = dt.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date.fromisoformat(literal.value)


def read_crunchbase(
    directory: str | Path,
    *,
    mapping: str | Path | None = None,
    against: SelectStore | None = None,
    matches: str | Path | None = None,
    export_date_text: str | None = None,
    title: str | None = None,
    license_url: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Read a Crunchbase export folder (any layout of :data:`LAYOUTS`) and return its triples and report.

    Parameters
    ----------
    directory : path-like
        The export folder (latin-1 or UTF-8, any line ending). A missing or empty file is reported.
    mapping : path-like, optional
        A category → layer mapping file (TOML, see :func:`default_mapping_path`).
    against : KnowledgeStore, optional
        What is loaded: companies and people are resolved against its entities.
    matches : path-like, optional
        A review file of decisions from an earlier run (``matches.csv``).
    export_date_text : str, optional
        The export date (``YYYY[-MM[-DD]]``), instead of the one its records give.
    title, license_url : str, optional
        The dataset's title and licence URL, instead of those its readme and licence file state.
    progress : callable, optional
        ``progress(rows_done, rows_total)``, called every few thousand rows and at the end.

    Raises
    ------
    ImportFormatError
        No export file in ``directory``, a file lacks required columns, the mapping names an unknown layer.

    Examples
    --------
    >>> from stackgraph.resources import data_root
    >>> fixture = data_root() / "tests" / "fixtures" / "crunchbase"
    >>> report = read_crunchbase(fixture).report
    >>> report.counts["acquisitions"] == report.rows[ACQUISITIONS_FILE] - report.skipped(ACQUISITIONS_FILE)
    True
    """
    folder = Path(directory)
    layout = _layout(folder)
    layer_map = load_layer_mapping(mapping or default_mapping_path())
    report = ImportReport(str(folder))
    opened: list[tuple[str, str, list[str], list[tuple[int, list[str]]]]] = []
    kinds = dict(zip(("companies", "acquisitions", "rounds", "investments"), layout.files(), strict=False))
    for kind, name in kinds.items():
        path = folder / name
        if not path.is_file():
            report.add_issue(name, 0, f"missing file: {name} not found in {folder}", "skipped")
            continue
        try:
            header, rows, n = read_csv_rows(path, required=_REQUIRED[kind])
        except ImportFormatError as error:
            if "empty file" not in str(error):
                raise
            report.add_issue(name, 0, f"empty file: {name} has no rows", "skipped")
            report.rows[name] = 0
            continue
        report.rows[name] = n
        opened.append((kind, name, header, list(rows)))
    if export_date_text:
        latest: dt.date | None = _export_day(export_date_text)
    else:
        dates = [
            fields[header.index(_DEAL_DATES[kind])]
            for kind, _name, header, rows in opened
            if kind in _DEAL_DATES
            for _row, fields in rows
            if len(fields) == len(header)
        ]
        latest = export_date(dates)
    facts = readme_facts(folder)
    year = latest.year if latest else None
    dataset_title = title or facts.title or f"Crunchbase export{f' ({latest.isoformat()})' if latest else ''}"
    licence = license_url or facts.license
    run = DatasetRun(
        "crunchbase",
        report,
        open_index(against, matches),
        open_layers(against),
        source_key=f"crunchbase-{year}" if year else "crunchbase",
        source_title=dataset_title,
        source={
            "publisher": "Crunchbase",
            "date": latest.isoformat() if latest else None,
            "url": _CRUNCHBASE_URL,
            "license_url": licence or None,
            "description": f"Crunchbase {layout.name}: companies, acquisitions and funding rounds "
            "(attribution: Crunchbase, www.crunchbase.com).",
        },
    )
    if not licence:
        report.basis["license"] = "not stated by the export (pass one with --license URL)"
    elif facts.license_from and not license_url:
        report.basis["license"] = f"{licence} (from {facts.license_from})"
    if latest:
        report.basis["export date"] = latest.isoformat() + ("" if export_date_text else " (latest date of its deals)")
    cb = CrunchbaseRun(run, layer_map, latest)
    for kind, name, header, rows in opened:
        for row, fields in rows:
            if len(fields) != len(header):
                continue
            record = dict(zip(header, (f.strip() for f in fields), strict=True))
            for column, prefix in PARTY_COLUMNS[kind]:
                if record.get(column):
                    cb.collect(record, prefix, record[column], name, row)
    cb.resolve()
    total = sum(report.rows.values())
    done = 0
    for kind, name, header, rows in opened:
        handler = {"companies": cb.company, "acquisitions": cb.acquisition}.get(kind, cb.round)
        for row, record in checked_rows(report, name, header, _counting(rows, done, total, progress)):
            handler(name, row, record)
        done += len(rows)
    if progress is not None:
        progress(total, total)
    report.triples = len(run.b.triples)
    return ImportResult(run.b.triples, report)


def _counting(
    rows: list[tuple[int, list[str]]], done: int, total: int, progress: ProgressCallback | None
) -> Iterator[tuple[int, list[str]]]:
    for i, item in enumerate(rows, start=1):
        if progress is not None and (done + i) % 2000 == 0:
            progress(done + i, total)
        yield item


def import_crunchbase(directory: str | Path, output: str | Path, **options: object) -> ImportReport:
    """Import a Crunchbase export folder into the RDF file ``output`` (``.ttl`` or ``.nt``, written atomically).

    Takes the options of :func:`read_crunchbase`; returns the :class:`ImportReport`.

    Examples
    --------
    >>> import tempfile
    >>> from stackgraph.resources import data_root
    >>> out = Path(tempfile.mkdtemp()) / "cb.ttl"
    >>> report = import_crunchbase(data_root() / "tests" / "fixtures" / "crunchbase", out)
    >>> out.is_file() and report.counts["acquisitions"] > 0
    True
    """
    result = read_crunchbase(directory, **options)  # type: ignore[arg-type]
    result.write(output)
    return result.report
