"""``stackgraph render``: write a standalone, offline HTML view of the graph (or of a what-if scenario's diff).

Thin: project the store, narrow it with :func:`stackgraph.render.select`, draw it with
:func:`stackgraph.render.graph_view` (or :func:`stackgraph.render.diff_view` for ``--scenario``) and write the page
atomically. Exit codes: 2 for bad input (unknown entity, layer, relation or status, bad date, missing output
folder), 1 when the selection leaves nothing to draw; no file is written in either case.
"""

from __future__ import annotations

from pathlib import Path

import click

from stackgraph.cli._common import (
    Progress,
    StoreOptions,
    UsageFailure,
    as_of_option,
    check_outputs,
    evidence_option,
    handle_errors,
    store_options,
    undated_option,
    write_output,
)
from stackgraph.outputs import Input

__all__ = ["render"]

_SIZE_MEASURES = ("degree", "pagerank", "betweenness", "eigenvector")


def _split(values: tuple[str, ...]) -> list[str] | None:
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return parts or None


@click.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write (atomically).",
)
@click.option("--focus", metavar="ENTITY", default=None, help="Ego view around this entity (name, alias or IRI).")
@click.option(
    "--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Ties away from --focus to show."
)
@click.option(
    "--layer",
    "layers",
    multiple=True,
    metavar="LAYER[,LAYER]",
    help="Only entities in these stack layers or layers below them (key or label, e.g. ai-models), with their "
    "ties and the counterparties at the other end.",
)
@click.option(
    "--within-layers",
    is_flag=True,
    help="With --layer: only ties with both ends in those layers (default: the layers' ties and counterparties).",
)
@click.option(
    "--relation",
    "relations",
    multiple=True,
    metavar="RELATION[,RELATION]",
    help="Only these ties: acquires, controls, invests_in, supplies, partners_with, develops.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS[,STATUS]",
    help="Only deals with these statuses (default: all but terminated; uncertain ones are drawn dashed). One of: "
    "rumoured, in-talks, announced, pending, completed, active, terminated, hypothetical.",
)
@as_of_option
@undated_option
@evidence_option
@click.option(
    "--scenario",
    "scenario_file",
    metavar="FILE",
    default=None,
    help="Draw the before/after diff of a what-if scenario (TOML file or shipped example name).",
)
@click.option("--title", default=None, help="Page title.")
@click.option(
    "--aggregate",
    "aggregate_by",
    type=click.Choice(["layers", "groups"]),
    default=None,
    help="Draw stack layers or control groups as nodes; a click on one opens its busiest members (automatic, "
    "by groups, above 25,000 entities).",
)
@click.option(
    "--size-by",
    type=click.Choice(_SIZE_MEASURES),
    default="degree",
    show_default=True,
    help="Centrality measure for node size.",
)
@store_options
@handle_errors
def render(
    output: Path,
    focus: str | None,
    depth: int,
    layers: tuple[str, ...],
    within_layers: bool,
    relations: tuple[str, ...],
    statuses: tuple[str, ...],
    as_of: str | None,
    undated: str | None,
    evidence: tuple[str, ...],
    scenario_file: str | None,
    title: str | None,
    aggregate_by: str | None,
    size_by: str,
    store_opts: StoreOptions,
) -> None:
    """Write an interactive HTML view that works offline (one file, no CDN).

    Nodes are coloured by stack layer, shaped by kind and sized by centrality; ties are coloured by relation,
    dashed when uncertain (rumoured, in talks, announced, pending, hypothetical) and labelled with amount and
    date (on hover above 40 ties). Large views name their 30 biggest entities and keep entities without ties
    behind a counter. The page has a legend, a search box and filters for relation, status and layer; hover
    for the deal's status, dates, amount, quoted source and basis. Exits with 1 and writes nothing when the
    selection is empty, naming the filter that emptied it.

    Examples: `stackgraph render -o stack.html`, `stackgraph render -o spacex.html --focus SpaceX --depth 2`,
    `stackgraph render -o nokia.html --scenario spacex-acquires-nokia`.
    """
    if scenario_file is not None and aggregate_by is not None:
        raise UsageFailure("--aggregate cannot be combined with --scenario (a diff view shows entities)")
    scenario_inputs: list[Input] = []
    if scenario_file is not None:
        from stackgraph.scenarios import find_scenario

        scenario_path = find_scenario(scenario_file)
        scenario_inputs.append(Input(scenario_path, "the scenario file this command reads"))
    check_outputs({"-o": output}, store_opts, scenario_inputs)
    layer_names, relation_names = _split(layers), _split(relations)
    status_names = _split(statuses)

    from stackgraph.projection import ProjectionPolicy, parse_statuses, project
    from stackgraph.render import VIEW_STATUSES, diff_view, graph_view, select

    chosen_statuses = parse_statuses(status_names) if status_names else None
    selection = {
        "focus": focus,
        "depth": depth,
        "layers": layer_names,
        "relations": relation_names,
        "statuses": chosen_statuses,
        "within_layers": within_layers,
    }
    store = store_opts.open()
    if scenario_file is not None:
        from stackgraph.scenarios import load_scenario, run_scenario

        scenario = load_scenario(scenario_path)
        with Progress("Playing the scenario") as progress:
            result = run_scenario(
                store, scenario, as_of=as_of, progress=progress, undated=undated, evidence=evidence or None
            )
        view = diff_view(result.before, result.after, result.report, title=title, size_by=size_by, **selection)
    else:
        policy = ProjectionPolicy(as_of, chosen_statuses or VIEW_STATUSES, undated=undated, evidence=evidence or None)
        G = project(store, policy)
        view = graph_view(select(G, **selection), title=title, size_by=size_by, aggregate_by=aggregate_by)
    write_output(view.html(), output)
    for note in view.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {output}: {view.meta['stats']}")
