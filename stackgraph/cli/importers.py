"""``stackgraph import``: bring real data in -- a Crunchbase 2013 export, a CSV of relations, Wikidata results."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stackgraph.atomic import Payload
from stackgraph.cli._common import UsageFailure, check_outputs, cli_errors, handle_errors, write_outputs
from stackgraph.outputs import Input

if TYPE_CHECKING:
    from stackgraph.importers import ImportResult

__all__ = ["import_group"]

_OUTPUT_HELP = "RDF file to write (.ttl or .nt), atomically."
_STORE_HELP = "Also load the result into this persistent store folder (reopen it later with --store DIR)."


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A click progress bar (on standard error) driven by the importers' ``progress(done, total)`` callback."""
    state: dict[str, object] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"], state["done"] = bar, 0
        bar.update(done - int(state["done"]))  # type: ignore[attr-defined]
        state["done"] = done

    try:
        yield update
    finally:
        bar = state.get("bar")
        if bar is not None:
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]


def _check(output: Path, report_file: Path | None, store_dir: Path | None, *sources: Path | None) -> None:
    """Before any work: the output's format, and no output over a source, the mapping or into the store."""
    from stackgraph.importers import ImportResult

    with cli_errors():
        ImportResult.output_format(output)
    inputs = [Input(path, "a source this import reads") for path in _files_of(sources)]
    if store_dir is not None:
        inputs.append(Input(store_dir, "the store folder given with --store", folder=True))
    check_outputs({"-o": output, "--report": report_file}, None, inputs)


def _files_of(sources: Iterable[Path | None]) -> list[Path]:
    files = []
    for source in sources:
        if source is None:
            continue
        files.extend(sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source])
    return files


def _finish(result: ImportResult, output: Path, report_file: Path | None, store_dir: Path | None, strict: bool) -> None:
    from stackgraph.importers import ImportResult

    report = result.report
    files: list[tuple[Path | None, Payload]] = [(output, result.serialize(ImportResult.output_format(output)))]
    if report_file is not None:
        files.append((report_file, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"))
    write_outputs(files)  # the RDF and the report: both or neither
    click.echo(report.summary())
    click.echo(f"Wrote {output}")
    if report_file is not None:
        click.echo(f"Wrote the full report ({len(report.issues)} issues) to {report_file}")
    if store_dir is not None:
        from stackgraph.store import open_store

        store = open_store([output], path=store_dir)
        store.ensure_derived()
        store.flush()
        click.echo(f"Loaded into the store {store_dir}: reopen it with --store {store_dir} ({len(store):,} quads)")
    if strict and report.skipped():
        raise click.ClickException(f"{report.skipped()} rows skipped (--strict)")


def _common_options(function: Callable[..., object]) -> Callable[..., object]:
    function = click.option("--strict", is_flag=True, help="Exit with status 1 when any row was skipped.")(function)
    function = click.option(
        "--report",
        "report_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write every bad row (file, row, reason, excerpt) to this JSON file.",
    )(function)
    function = click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), help=_STORE_HELP)(
        function
    )
    return click.option(
        "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=_OUTPUT_HELP
    )(function)


@click.group("import")
def import_group() -> None:
    """Import real data into stackgraph's ontology: a Crunchbase export, a CSV of relations, Wikidata results.

    Each importer writes an RDF file and prints a report: facts per kind, and every bad row (empty, duplicated,
    self-acquisition, impossible date, unparseable amount, mis-decoded text ...) counted by reason with examples.
    Bad rows are never dropped silently; --report FILE.json lists all of them.

    \b
    Import once into a persistent store, then reopen it instantly:
      stackgraph import crunchbase crunchbase-2013/ -o cb.ttl --store cbstore
      stackgraph query --store cbstore 'SELECT (COUNT(*) AS ?n) WHERE { ?d a sg:Acquisition }'
    """


@import_group.command("crunchbase")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Category -> stack layer mapping (TOML); default: the shipped crunchbase_layers.toml.",
)
@_common_options
@handle_errors
def crunchbase(
    directory: Path,
    mapping: Path | None,
    output: Path,
    store_dir: Path | None,
    report_file: Path | None,
    strict: bool,
) -> None:
    """Import a Crunchbase 2013 export folder (companies, acquisitions, funding rounds CSV).

    Companies become organisations (category -> stack layer through the mapping file), acquisitions completed
    deals with dates and prices, funding rounds investments with amounts; the export is the source of every fact.
    """
    from stackgraph.importers import read_crunchbase

    _check(output, report_file, store_dir, directory, mapping)
    with _progress("Importing Crunchbase") as progress:
        result = read_crunchbase(directory, mapping=mapping, progress=progress)
    _finish(result, output, report_file, store_dir, strict)


@import_group.command("csv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file naming the columns: subject, object, relation, date, amount, status, source, quote ...",
)
@_common_options
@handle_errors
def csv_command(
    file: Path,
    mapping: Path,
    output: Path,
    store_dir: Path | None,
    report_file: Path | None,
    strict: bool,
) -> None:
    """Import a CSV of relations (a spreadsheet of supply relations, say) as deals, driven by a mapping file.

    See `python -c "import stackgraph.importers.csv_mapping as m; help(m)"` or the README for the mapping format.
    """
    from stackgraph.importers import read_csv

    _check(output, report_file, store_dir, file, mapping)
    with _progress(f"Importing {file.name}") as progress:
        result = read_csv(file, mapping, progress=progress)
    _finish(result, output, report_file, store_dir, strict)


@import_group.command("wikidata")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--endpoint", metavar="URL", help="Run --query on this SPARQL endpoint (e.g. https://query.wikidata.org/sparql)."
)
@click.option("--query", "query_file", type=click.Path(dir_okay=False, path_type=Path), help="SPARQL query file.")
@click.option("--property", "prop", metavar="PID", help="The property of every row when the results have no ?property.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for the endpoint.")
@_common_options
@handle_errors
def wikidata(
    file: Path | None,
    endpoint: str | None,
    query_file: Path | None,
    prop: str | None,
    timeout: float,
    output: Path,
    store_dir: Path | None,
    report_file: Path | None,
    strict: bool,
) -> None:
    """Import Wikidata SPARQL JSON results: owned by (P127), parent organization (P749), subsidiary (P355),
    owner of (P1830), investor (P1951), with start/end time qualifiers (P580/P582).

    Give a results FILE (offline), or --endpoint URL with --query FILE to fetch them.
    """
    from stackgraph.importers.wikidata import fetch_wikidata, read_wikidata

    if (file is None) == (endpoint is None):
        raise UsageFailure("give either a results FILE or --endpoint URL with --query FILE")
    _check(output, report_file, store_dir, file, query_file)
    if endpoint is not None:
        if query_file is None:
            raise UsageFailure("--endpoint needs --query FILE (the SPARQL query to run)")
        if not query_file.is_file():
            raise UsageFailure(f"{query_file}: no such file")
        with cli_errors():
            data = fetch_wikidata(query_file.read_text(encoding="utf-8-sig"), endpoint, timeout=timeout)
        result = read_wikidata(data, property=prop, label=f"{query_file.stem}.json", url=endpoint)
    else:
        assert file is not None
        with _progress(f"Importing {file.name}") as progress:
            result = read_wikidata(file, property=prop, progress=progress)
    _finish(result, output, report_file, store_dir, strict)
