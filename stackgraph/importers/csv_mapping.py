"""Import the tables of a dataset (CSV) through a mapping (TOML, :mod:`stackgraph.importers.mapping`).

Tables are read in this order: layer tables (the dataset's own stack layers), entity tables (ids, kinds, aliases,
layers, identifiers), then relation tables (one deal per row and pair of parties) and share tables (market
positions). Every party is resolved against what is loaded (:class:`~stackgraph.resolution.EntityIndex`): a name
that designates a loaded entity links to it, an uncertain one becomes a new entity listed for review. All tables of
one mapping share one namespace (``sgid:<dataset>/...``) and one source (``src:<dataset>``). Finally the share
checks of :mod:`stackgraph.analysis.shares` run on the shares read, and their findings join the report.

A subject or object written as an IRI (``https://...``) or as ``sgid:Name`` refers to that entity as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from stackgraph.analysis.shares import share_problems
from stackgraph.errors import ImportFormatError
from stackgraph.importers._common import ImportResult, ProgressCallback, checked_rows, read_csv_rows
from stackgraph.importers._dataset import COUNTRY, DatasetRun, SelectStore, open_index, open_layers
from stackgraph.importers._rows import read_row
from stackgraph.importers.layers import LayerCatalogue
from stackgraph.importers.mapping import DatasetMapping, Table, load_mapping
from stackgraph.importers.report import ImportReport

__all__ = ["import_csv", "load_csv_mapping", "read_csv"]

_ORDER = {"layers": 0, "entities": 1, "relations": 2, "shares": 2}


def load_csv_mapping(path: str | Path) -> DatasetMapping:
    """Read and check a mapping file; see :func:`stackgraph.importers.mapping.load_mapping`."""
    return load_mapping(path)


def read_csv(
    path: str | Path | None,
    mapping: str | Path | DatasetMapping,
    *,
    against: SelectStore | None = None,
    matches: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Read the tables of a mapping and return the triples and the :class:`ImportReport`.

    Parameters
    ----------
    path : path-like or None
        The CSV file of the mapping's table that names no file (a version 1 mapping's only table); ``None``
        when every table names its file.
    mapping : path-like or DatasetMapping
        The mapping file (or a mapping loaded with :func:`load_csv_mapping`).
    against : KnowledgeStore, optional
        What is loaded: parties and layers are resolved against its entities (and its layers); without it only
        the shipped stack layers are known and every party is new (or one of this import's).
    matches : path-like, optional
        A review file of decisions from an earlier run (``matches.csv``; :func:`stackgraph.resolution.load_decisions`).

    Raises
    ------
    ImportFormatError
        A file or the mapping cannot be used at all: missing or empty file, wrong encoding, missing columns,
        unknown keys, a declared layer that is another layer, a dataset id that is another dataset's source.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "map.toml").write_text('[columns]\\nsubject = "Supplier"\\nobject = "Customer"\\n'
    ...                                      '[defaults]\\nrelation = "supply"\\n')
    >>> _ = (folder / "s.csv").write_text("Supplier,Customer\\nTSMC,Nvidia\\nAcme,[]\\n")
    >>> result = read_csv(folder / "s.csv", folder / "map.toml")
    >>> result.report.counts, result.report.reasons()
    ({'organizations': 2, 'supplies': 1}, {'list cell': 1})
    """
    spec = mapping if isinstance(mapping, DatasetMapping) else load_mapping(mapping)
    given = Path(path) if path is not None else None
    if given is not None and all(t.file is not None for t in spec.tables):
        raise ImportFormatError(f"{spec.path}: every table names its file; {given.name} would not be read")
    tables = [replace(t, file=given, label=given.name) if t.file is None and given else t for t in spec.tables]
    missing = [t.label for t in tables if t.file is None]
    if missing:
        raise ImportFormatError(f"{spec.path}: {missing[0]} names no file; give the CSV file to import")
    index, layers = open_index(against, matches), open_layers(against)
    if against is not None:
        _check_source(against, spec)
    report = ImportReport(str(spec.path if spec.path and not given else given or spec.path))
    run = DatasetRun(
        spec.id,
        report,
        index,
        layers,
        source_title=spec.title,
        source={
            "publisher": spec.publisher,
            "date": spec.date,
            "url": spec.url,
            "license_url": spec.license,
            "description": spec.description,
        },
    )
    if spec.layer_scheme is not None:
        for triple in layers.load_scheme(spec.layer_scheme):
            run.b.add(triple.subject, triple.predicate, triple.object)
    for key, layer in spec.layers.items():
        layers.declare(
            key,
            layer.label,
            broader=layer.broader,
            feeds=layer.feeds,
            aliases=layer.aliases,
            where=f"{spec.path}: [layers.{key}]",
        )
    opened = [
        (table, *read_csv_rows(table.file, encoding=table.encoding, delimiter=table.delimiter))
        for table in sorted(tables, key=lambda t: _ORDER[t.type])
        if table.file is not None
    ]
    for table, header, _rows, n in opened:
        _check_columns(table, header)
        report.rows[table.label] = n  # two tables of one file read the same rows
    total, done = sum(n for *_, n in opened), 0
    shares: list[dict[str, Any]] = []
    finished = False
    for table, header, rows, n in opened:
        if table.type != "layers" and not finished:
            _finish_layers(layers)
            finished = True
        for i, (row, record) in enumerate(checked_rows(report, table.label, header, rows), start=1):
            if progress is not None and (done + i) % 2000 == 0:
                progress(done + i, total)
            if _kept(table, record, row, report):
                read_row(run, table, row, record, shares)
        done += n
    if not finished:
        _finish_layers(layers)
    run.emit_layers(spec.title)
    # shares above 100 % and two shares of one holder among the shares imported; mixed kinds among all read
    imported = [s for s in shares if s["kind"] != COUNTRY]
    problems = share_problems(imported) + [p for p in share_problems(shares) if p.kind == "mixed kinds"]
    report.findings = [p.to_dict() for p in problems]
    if progress is not None:
        progress(total, total)
    report.triples = len(run.b.triples)
    return ImportResult(run.b.triples, report)


def _finish_layers(layers: LayerCatalogue) -> None:
    problems = layers.finish()
    if problems:
        raise ImportFormatError(problems[0])


def _check_columns(table: Table, header: list[str]) -> None:
    missing = [f"{role} = {name!r}" for role, name in table.columns.items() if name not in header]
    where = [f"{column!r}" for column in (*table.where, *table.where_not) if column not in header]
    if missing or where:
        problem = f"missing columns ({'; '.join(missing)})" if missing else f"row filter on missing column {where[0]}"
        raise ImportFormatError(f"{table.label}: {problem}; the header has {', '.join(h for h in header if h)}")


def _kept(table: Table, record: Mapping[str, str], row: int, report: ImportReport) -> bool:
    for column, words in table.where.items():
        if record.get(column, "") not in words:
            report.add_issue(table.label, row, f"filtered: {column} is {record.get(column, '')!r}", "filtered")
            return False
    for column, words in table.where_not.items():
        if record.get(column, "") in words:
            report.add_issue(table.label, row, f"filtered: {column} is {record.get(column, '')!r}", "filtered")
            return False
    return True


def _check_source(store: SelectStore, spec: DatasetMapping) -> None:
    """One source, one title: a dataset id already loaded under another title is refused."""
    from stackgraph.vocabulary.terms import SOURCE_IRI

    rows = store.select(f"SELECT ?title WHERE {{ <{SOURCE_IRI}{spec.id}> dcterms:title ?title }}")
    titles = {str(r["title"]) for r in rows if "title" in r}
    if titles and spec.title not in titles:
        raise ImportFormatError(
            f"{spec.path}: dataset id {spec.id!r} is already the source {sorted(titles)[0]!r} in the loaded graphs; "
            "give the same title, or another id"
        )


def import_csv(
    path: str | Path | None,
    mapping: str | Path | DatasetMapping,
    output: str | Path,
    *,
    against: SelectStore | None = None,
    matches: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import the tables of a mapping into the RDF file ``output`` (``.ttl`` or ``.nt``, atomically); see
    :func:`read_csv`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "map.toml").write_text('[columns]\\nsubject = "A"\\nobject = "B"\\nrelation = "R"\\n')
    >>> _ = (folder / "d.csv").write_text("A,B,R\\nX Corp,Y Ltd,acquires\\n")
    >>> import_csv(folder / "d.csv", folder / "map.toml", folder / "out.ttl").counts
    {'organizations': 2, 'acquisitions': 1}
    """
    result = read_csv(path, mapping, against=against, matches=matches, progress=progress)
    result.write(output)
    return result.report
