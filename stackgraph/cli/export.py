"""``stackgraph export``: the graph as RDF, GraphML, GEXF or a CSV edge list."""

from __future__ import annotations

from pathlib import Path

import click

from stackgraph.cli._common import StoreOptions, check_outputs, handle_errors, store_options, write_output

__all__ = ["export"]

_FORMATS = ("turtle", "ntriples", "nquads", "trig", "json-ld", "graphml", "gexf", "csv")


@click.command()
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="turtle", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically); default: standard output.",
)
@click.option(
    "--as-of", "as_of", default=None, metavar="DATE", help="GraphML/GEXF/CSV: the day shown (YYYY[-MM[-DD]])."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS",
    help="GraphML/GEXF/CSV: deal statuses that count (repeatable or comma-separated; default completed,active).",
)
@click.option("--no-derived", is_flag=True, help="RDF formats: leave out the derived direct properties.")
@store_options
@handle_errors
def export(
    fmt: str,
    output: Path | None,
    as_of: str | None,
    statuses: tuple[str, ...],
    no_derived: bool,
    store_opts: StoreOptions,
) -> None:
    """Export the knowledge graph.

    RDF formats (turtle, ntriples, nquads, trig, json-ld) write the store's triples; nquads and trig keep one
    named graph per source file, which is how a SPARQL server should be loaded (see --endpoint). GraphML and
    GEXF (Gephi, Cytoscape, yEd) and the CSV edge list write the projected graph: entities as nodes, the deals
    that count as edges (list-valued attributes are ';'-joined).

    \b
    Examples:
      stackgraph export --format graphml -o stack.graphml
      stackgraph export --format csv --status completed,active,announced -o deals.csv
      stackgraph export --format nquads -o all.nq
    """
    from stackgraph.exports import RDF_FORMATS, export_graph, export_rdf

    check_outputs({"-o": output}, store_opts)
    store = store_opts.open()
    if fmt in RDF_FORMATS:
        data = export_rdf(store, fmt, derived=not no_derived)
    else:
        from stackgraph.projection import ProjectionPolicy, parse_statuses, project

        policy = ProjectionPolicy(as_of=as_of, statuses=parse_statuses(list(statuses) or None))
        data = export_graph(project(store, policy), fmt)
    write_output(data, output)
    if output is not None and str(output) != "-":
        click.echo(f"wrote {output} ({fmt}, {len(data):,} bytes)", err=True)
