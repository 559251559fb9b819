"""``stackgraph validate``: check graphs against the SHACL shapes and print a readable report."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import groupby
from pathlib import Path

import click

from stackgraph.cli._common import (
    Progress,
    StoreOptions,
    UsageFailure,
    check_outputs,
    handle_errors,
    store_options,
    write_output,
)
from stackgraph.display import TABLE_FORMATS, neutralise
from stackgraph.validation import MAX_TRIPLES, ValidationReport, check_file_sizes
from stackgraph.validation import validate as run_validation

__all__ = ["format_report", "validate"]


def format_report(report: ValidationReport) -> str:
    """Return a :class:`~stackgraph.validation.ValidationReport` as text, grouped by focus node.

    Each node that breaks a rule is named by its label (and IRI), then one line per broken rule: the property
    path as a prefixed name, the message, and the offending value when there is one. The last line sums up.
    """
    lines: list[str] = []
    for (label, iri), group in groupby(report.violations, key=lambda v: (v.focus_label, v.focus_iri)):
        results = list(group)
        lines.append(f"{label}  <{iri}>" if not iri.startswith("_:") else label)
        width = max(len(v.path or "-") for v in results)
        for v in results:
            text = v.message
            if v.value is not None:
                text += f" (value: {v.value})"
            if v.severity != "Violation":
                text = f"[{v.severity.lower()}] {text}"
            lines.append(f"  {(v.path or '-').ljust(width)}  {text}")
        lines.append("")
    lines.append(report.summary())
    return neutralise("\n".join(lines))


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TABLE_FORMATS),
    default="table",
    show_default=True,
    help="Report as readable text grouped by node, JSON, or one row per broken rule (csv, tsv, markdown).",
)
@click.option(
    "--max-triples",
    type=click.IntRange(min=1),
    default=MAX_TRIPLES,
    show_default=True,
    help="Refuse to check more triples than this (the check holds them in memory, about 2.5 KB each, and "
    "takes about a second per 1,000).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to a file (atomically); default or -: standard output.",
)
@store_options
@handle_errors
def validate(
    files: tuple[Path, ...], fmt: str, max_triples: int, output: Path | None, store_opts: StoreOptions
) -> None:
    """Check the graphs against stackgraph's SHACL shapes (ontology/shapes.ttl).

    FILES are RDF files to check together with the shipped graphs (add --no-shipped to check them alone).
    Prints each offending node's label, the property path and what is wrong. Exit status: 0 when the graphs
    conform, 1 on violations, 2 on unreadable input (the file, line and column of a Turtle syntax error) or
    input too large to check (more than --max-triples; files are measured before they are parsed).

    \b
    Examples:
      stackgraph validate
      stackgraph validate my-deals.ttl
      stackgraph validate my-deals.ttl --no-shipped --format json
    """
    if store_opts.endpoint is not None:
        raise UsageFailure("validate checks local graphs; it cannot read a remote --endpoint")
    options = replace(store_opts, graphs=(*store_opts.graphs, *files))
    check_outputs({"-o": output}, options)
    check_file_sizes(options.graphs, max_triples)
    store = options.open()
    with Progress("Checking the shapes"):
        report = run_validation(
            store, max_triples=max_triples, notify=lambda text: click.echo(f"note: {text}", err=True)
        )
    if fmt == "json":
        write_output(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", output)
    elif fmt == "table":
        write_output(format_report(report) + "\n", output)
    else:
        from stackgraph.results import format_rows

        headers = ["focus", "label", "path", "message", "value", "severity"]
        rows = [[v.focus_iri, v.focus_label, v.path, v.message, v.value, v.severity] for v in report.violations]
        write_output(format_rows(headers, rows, fmt), output)
        click.echo(report.summary(), err=True)
    if not report.conforms:
        raise click.exceptions.Exit(1)
