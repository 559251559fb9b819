"""``stackgraph export``: the graph as RDF, GraphML, GEXF or a CSV edge list."""

from __future__ import annotations

from pathlib import Path

import click

from stackgraph.cli._common import (
    PolicyOptions,
    StoreOptions,
    check_outputs,
    handle_errors,
    policy_options,
    store_options,
    write_output,
)

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
@click.option("--no-derived", is_flag=True, help="RDF formats: leave out the derived direct properties.")
@policy_options
@store_options
@handle_errors
def export(
    fmt: str,
    output: Path | None,
    no_derived: bool,
    policy_opts: PolicyOptions,
    store_opts: StoreOptions,
) -> None:
    """Export the knowledge graph.

    RDF formats (turtle, ntriples, nquads, trig, json-ld) write the store's triples; nquads and trig keep one
    named graph per source file, which is how a SPARQL server should be loaded (see --endpoint). GraphML and
    GEXF (Gephi, Cytoscape, yEd) and the CSV edge list write the projected graph: entities as nodes, the deals
    that count as edges (list-valued attributes are ';'-joined), under --as-of, --status, --undated and
    --evidence; the RDF formats hold every deal and the direct properties derived as of today.

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
        from stackgraph.projection import project

        G = project(store, policy_opts.policy())
        data = export_graph(G, fmt)
        if G.graph.get("undated") is not None:
            from stackgraph.vocabulary.rules import undated_note

            click.echo(f"note: {undated_note(G.graph['undated']['rule'], G.graph['undated']['deals'])}", err=True)
    write_output(data, output)
    if output is not None and str(output) != "-":
        click.echo(f"wrote {output} ({fmt}, {len(data):,} bytes)", err=True)
