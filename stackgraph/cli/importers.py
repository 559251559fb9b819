"""``stackgraph import``: bring real data in -- a Crunchbase export, mapped tables (CSV), Wikidata results.

Thin: every importer resolves the parties it reads against what is loaded (the shipped graphs, ``--graph`` files,
a ``--store``), writes an RDF file and its report, and the names it could not link with certainty to a review
file (``--review-file``) whose decisions the next run reads (``--matches``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from stackgraph.atomic import Payload
from stackgraph.cli._common import (
    Progress,
    StoreOptions,
    UsageFailure,
    check_outputs,
    cli_errors,
    handle_errors,
    local_store_options,
    write_outputs,
)
from stackgraph.outputs import Input, is_stdout

if TYPE_CHECKING:
    from stackgraph.importers import ImportResult
    from stackgraph.store import KnowledgeStore

__all__ = ["import_group"]

_OUTPUT_HELP = "RDF file to write (.ttl or .nt), atomically."


@dataclass(frozen=True)
class _Options:
    """What every import command shares: where to write, what is loaded, the review files, strictness."""

    output: Path
    report_file: Path | None
    review_file: Path | None
    matches: Path | None
    strict: bool
    loaded: StoreOptions

    def check(self, *sources: Path | None) -> None:
        """Before any work: the output's format, and no output over a source, the mapping, a loaded graph, the
        review decisions or into the store."""

        if is_stdout(self.output) and self.loaded.store_dir is not None:
            raise UsageFailure("--store loads the import from its file: give -o FILE (.ttl or .nt), not -o -")
        with cli_errors():
            self.rdf_format()
        inputs = [Input(path, "a source this import reads") for path in _files_of((*sources, self.matches))]
        outputs = {"-o": self.output, "--report": self.report_file, "--review-file": self.review_file}
        check_outputs(outputs, self.loaded, inputs)

    def rdf_format(self) -> str:
        """The RDF format of the output: by its suffix, Turtle on standard output (``-o -``)."""
        from stackgraph.importers import ImportResult

        return "turtle" if is_stdout(self.output) else ImportResult.output_format(self.output)

    def against(self) -> KnowledgeStore:
        """What is loaded: the store the parties are resolved against."""
        return self.loaded.open()

    def finish(self, result: ImportResult, store: KnowledgeStore) -> None:
        """Write the outputs (all or none; ``-`` is standard output), then the report and messages on standard
        error."""
        report = result.report
        files: list[tuple[Path | None, Payload]] = [(self.output, result.serialize(self.rdf_format()))]
        if self.report_file is not None:
            files.append((self.report_file, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"))
        if self.review_file is not None:
            files.append((self.review_file, report.review_csv()))
        write_outputs(files)  # the RDF, the report and the review file: all or none
        click.echo(report.summary(), err=True)
        if not is_stdout(self.output):
            click.echo(f"Wrote {self.output}", err=True)
        if self.report_file is not None and not is_stdout(self.report_file):
            click.echo(f"Wrote the full report ({len(report.issues)} issues) to {self.report_file}", err=True)
        if self.review_file is not None:
            where = "standard output" if is_stdout(self.review_file) else self.review_file
            click.echo(
                f"Wrote {len(report.review)} names to review to {where}: write accept (or new) in the "
                f"decision column and pass it with --matches on the next run",
                err=True,
            )
        if self.loaded.store_dir is not None:
            store.load_file(self.output)
            store.ensure_derived()
            store.flush()
            where = self.loaded.store_dir
            click.echo(
                f"Loaded into the store {where}: reopen it with --store {where} ({len(store):,} quads)", err=True
            )
        if self.strict and (report.skipped() or report.review):
            raise click.ClickException(
                f"{report.skipped()} rows skipped, {len(report.review)} names left for review (--strict)"
            )


def _files_of(sources: Iterable[Path | None]) -> list[Path]:
    files = []
    for source in sources:
        if source is None:
            continue
        files.extend(sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source])
    return files


def _common_options(function: Callable[..., object]) -> Callable[..., object]:
    """Add the options every import shares; the command receives ``options`` (an :class:`_Options`)."""

    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=_OUTPUT_HELP)
    @click.option(
        "--report",
        "report_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the whole report (every bad row, every name left for review) to this JSON file.",
    )
    @click.option(
        "--review-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the names that could not be linked with certainty, with their candidates, to this CSV file.",
    )
    @click.option(
        "--matches",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A review file with decisions (accept / new) from an earlier run.",
    )
    @click.option("--strict", is_flag=True, help="Exit with status 1 when any row was skipped or name left for review.")
    @local_store_options
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        output: Path,
        report_file: Path | None,
        review_file: Path | None,
        matches: Path | None,
        strict: bool,
        store_opts: StoreOptions,
        **kwargs: Any,
    ) -> Any:
        kwargs["options"] = _Options(output, report_file, review_file, matches, strict, store_opts)
        return function(*args, **kwargs)

    return wrapper


@click.group("import")
def import_group() -> None:
    """Import real data into stackgraph's ontology: a Crunchbase export, mapped tables (CSV), Wikidata results.

    Each importer links the companies, people and products it reads to what is loaded (the shipped graphs,
    --graph files, --store): by identifier, exact name or alias, then normalised name (Inc., Corp., Ltd ...);
    near matches are never merged but listed for review (--review-file, then --matches on the next run). It writes
    an RDF file and prints a report: rows imported and skipped by reason with examples, entities matched, created
    and left for review, the checks of market shares, and the source, licence and date written into the graph.

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
@click.option("--export-date", metavar="DATE", help="When the export was taken (default: its latest deal date).")
@click.option("--title", help="The dataset's title (default: its readme's first heading).")
@click.option("--license", "license_url", metavar="URL", help="The dataset's licence (default: what it states).")
@_common_options
@handle_errors
def crunchbase(
    directory: Path,
    mapping: Path | None,
    export_date: str | None,
    title: str | None,
    license_url: str | None,
    options: _Options,
) -> None:
    """Import a Crunchbase export folder: the 2013 layout (crunchbase-*.csv) or a later one (companies.csv,
    acquisitions.csv, rounds.csv, investments.csv).

    Companies become organisations (categories -> stack layers through the mapping file), acquisitions completed
    deals with dates and prices, funding rounds investments with their investors; dates after the export date
    are reported and dropped; the export is the source of every fact.

    \b
    Examples:
      stackgraph import crunchbase crunchbase-2013/ -o cb.ttl --report cb-report.json
      stackgraph import crunchbase crunchbase-2013/ -o cb.ttl --store cbstore
    """
    from stackgraph.importers import read_crunchbase

    options.check(directory, mapping)
    store = options.against()
    with Progress("Importing Crunchbase") as progress:
        result = read_crunchbase(
            directory,
            mapping=mapping,
            against=store,
            matches=options.matches,
            export_date_text=export_date,
            title=title,
            license_url=license_url,
            progress=progress,
        )
    options.finish(result, store)


@import_group.command("csv")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML mapping: the dataset, its tables (entities, relations, shares, layers) and how to read them.",
)
@_common_options
@handle_errors
def csv_command(file: Path | None, mapping: Path, options: _Options) -> None:
    """Import the tables of a dataset (CSV) through a mapping file: entities, relations (deals), market shares
    and the dataset's own stack layers. FILE is the table of a mapping that names no file.

    See the README, section "Importing data", for the mapping language (a worked example per feature) and
    stackgraph/importers/mapping.schema.json for its JSON Schema.

    \b
    Examples:
      stackgraph import csv supplies.csv --mapping supplies.toml -o supplies.ttl
      stackgraph import csv --mapping chips.toml -o chips.ttl --review-file matches.csv
    """
    from stackgraph.importers import read_csv

    options.check(file, mapping)
    store = options.against()
    with Progress(f"Importing {(file or mapping).name}") as progress:
        result = read_csv(file, mapping, against=store, matches=options.matches, progress=progress)
    options.finish(result, store)


@import_group.command("wikidata")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--endpoint",
    "wd_endpoint",
    metavar="URL",
    help="Run --query on this SPARQL endpoint (e.g. https://query.wikidata.org/sparql).",
)
@click.option("--query", "query_file", type=click.Path(dir_okay=False, path_type=Path), help="SPARQL query file.")
@click.option("--property", "prop", metavar="PID", help="The property of every row when the results have no ?property.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for the endpoint.")
@_common_options
@handle_errors
def wikidata(
    file: Path | None,
    wd_endpoint: str | None,
    query_file: Path | None,
    prop: str | None,
    timeout: float,
    options: _Options,
) -> None:
    """Import Wikidata SPARQL JSON results: owned by (P127), parent organization (P749), subsidiary (P355),
    owner of (P1830), investor (P1951), with start/end time qualifiers (P580/P582).

    Give a results FILE (offline), or --endpoint URL with --query FILE to fetch them. Items are linked
    to loaded entities by Q-id, then by label; an item typed human (?itemType/?valueType wd:Q5) is a person.

    \b
    Examples:
      stackgraph import wikidata results.json --property P127 -o owners.ttl
    """
    from stackgraph.importers.wikidata import fetch_wikidata, read_wikidata

    if (file is None) == (wd_endpoint is None):
        raise UsageFailure("give either a results FILE or --endpoint URL with --query FILE")
    options.check(file, query_file)
    store = options.against()
    if wd_endpoint is not None:
        if query_file is None:
            raise UsageFailure("--endpoint needs --query FILE (the SPARQL query to run)")
        if not query_file.is_file():
            raise UsageFailure(f"{query_file}: no such file")
        with cli_errors():
            data = fetch_wikidata(query_file.read_text(encoding="utf-8-sig"), wd_endpoint, timeout=timeout)
        result = read_wikidata(
            data,
            property=prop,
            label=f"{query_file.stem}.json",
            url=wd_endpoint,
            against=store,
            matches=options.matches,
        )
    else:
        assert file is not None
        with Progress(f"Importing {file.name}") as progress:
            result = read_wikidata(file, property=prop, against=store, matches=options.matches, progress=progress)
    options.finish(result, store)
