"""``stackgraph analyze``: control groups, stack coverage, dependencies, chokepoints and centrality.

Thin: parse the options, project the store (:func:`stackgraph.projection.project`) under the policy the options
give, call :mod:`stackgraph.analysis` and print the result as a table, CSV or JSON (``to_dict()``, documented in
the README, section "Analysis").
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from stackgraph.cli._common import (
    StoreOptions,
    check_outputs,
    format_table,
    handle_errors,
    store_options,
    write_output,
)
from stackgraph.display import neutralise

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["analyze"]

F = TypeVar("F", bound=Callable[..., Any])

_FORMATS = ("table", "json", "csv")
_DEFAULT_TOP = 20


def _view_options(function: F) -> F:
    """Add ``--as-of``, ``--status``, ``--top``, ``--format`` and ``--output`` plus the store options."""

    @click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        default=None,
        help="Show the world as of this day (YYYY-MM-DD, YYYY-MM or YYYY; default: today).",
    )
    @click.option(
        "--status",
        "statuses",
        multiple=True,
        metavar="STATUS[,STATUS]",
        help="Deal statuses that count (repeatable or comma-separated; default: completed,active). One of: "
        "rumoured, in-talks, announced, pending, completed, active, terminated, hypothetical.",
    )
    @click.option("--top", type=click.IntRange(min=1), default=None, help="Show the first N rows only.")
    @click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True)
    @click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (atomically)."
    )
    @store_options
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        as_of: str | None,
        statuses: tuple[str, ...],
        top: int | None,
        fmt: str,
        output: Path | None,
        store_opts: StoreOptions,
        **kwargs: Any,
    ) -> Any:
        check_outputs({"-o": output}, store_opts)
        kwargs["view"] = _View(as_of, statuses, top, fmt, output, store_opts)
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclasses.dataclass(frozen=True)
class _View:
    """The options every analysis command shares: which deals count, how many rows, which format, where."""

    as_of: str | None
    statuses: tuple[str, ...]
    top: int | None
    fmt: str
    output: Path | None
    store_opts: StoreOptions

    def graph(self) -> nx.MultiDiGraph:
        """Project the store under the policy the options give."""
        from stackgraph.analysis.shares import graph_share_problems
        from stackgraph.projection import ProjectionPolicy, parse_statuses, project

        policy = ProjectionPolicy(as_of=self.as_of, statuses=parse_statuses(self.statuses or None))
        G = project(self.store_opts.open(), policy, provenance=False)
        for problem in graph_share_problems(G):  # sanity before answers: such a market gets no HHI
            click.echo(f"Warning: {problem.message}; no HHI for it ({', '.join(problem.records[:5])})", err=True)
        return G

    def emit(self, result: Any, G: nx.MultiDiGraph, title: str, notes: list[str] | None = None) -> None:
        _emit(result, self.fmt, self.output, title=title, G=G, notes=notes)


def _resolve(G: nx.MultiDiGraph, name: str) -> str:
    from stackgraph.projection import resolve_entity

    return resolve_entity(G, name)


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def _emit(
    result: Any,
    fmt: str,
    output: Path | None,
    *,
    title: str,
    G: nx.MultiDiGraph,
    notes: list[str] | None = None,
) -> None:
    """Print ``result`` as JSON (``to_dict()``), CSV or an aligned table with a heading and notes."""
    if fmt == "json":
        write_output(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", output)
        return
    headers, rows = result.table()
    if fmt == "csv":
        write_output(_csv(headers, rows), output)
        return
    statuses = ", ".join(G.graph.get("statuses", ()))
    lines = [f"{title} (as of {G.graph.get('as_of')}; counting {statuses} deals)", ""]
    lines.append(format_table(headers, rows) if rows else "(none)")
    if notes:
        lines += ["", *notes]
    write_output(neutralise("\n".join(lines)) + "\n", output)


@click.group()
def analyze() -> None:
    """Analyse the graph: control groups, stack coverage, dependencies, chokepoints and centrality.

    Each command projects the knowledge graph under a policy -- by default the world as of today with completed
    and active deals only; --as-of and --status change it (e.g. --status completed,active,in-talks also counts
    deals in talks) -- and prints a table, CSV or JSON (shapes in the README, section "Analysis").

    \b
    Examples:
      stackgraph analyze groups
      stackgraph analyze coverage SpaceX --status completed,active,in-talks
      stackgraph analyze dependencies SpaceX --format json
      stackgraph analyze centrality --top 10
    """


@analyze.command()
@_view_options
@handle_errors
def groups(view: _View) -> None:
    """Control groups: each ultimate parent with everything it controls, largest first.

    Control comes from acquisitions that count (not of a minority stake), ownership above 50 % and development
    (products and facilities belong to their developer's group). Ownership cycles and entities claimed by two
    controllers are listed after the table.
    """
    from stackgraph.analysis import control_groups

    G = view.graph()
    result = control_groups(G)
    if view.top is not None:
        result = dataclasses.replace(result, groups=result.groups[: view.top])
    notes = [f"ownership cycle: {' -> '.join(_label(G, n) for n in cycle)}" for cycle in result.cycles]
    notes += [
        f"conflicting control of {c.label}: claimed by {', '.join(_label(G, n) for n in c.controllers)}"
        for c in result.conflicts
    ]
    view.emit(result, G, "Control groups", notes)


def _label(G: nx.MultiDiGraph, node: str) -> str:
    from stackgraph.analysis._common import label_of

    return label_of(G, node)


@analyze.command()
@click.argument("entity", required=False)
@_view_options
@handle_errors
def coverage(
    entity: str | None,
    view: _View,
) -> None:
    """Stack coverage of ENTITY's group (layer by layer), or a ranking of all groups by integration.

    A group holds the layers of its members; holding a narrower layer covers its broader layer partially. The
    score is the mean credit over the whole layer scheme; the depth is the longest chain of held layers along
    the stack's "feeds" order. ENTITY may be a label, alias, local name or IRI.
    """
    from stackgraph.analysis import coverage_ranking, group_coverage

    G = view.graph()
    if entity is None:
        ranking = coverage_ranking(G, top=view.top or _DEFAULT_TOP)
        view.emit(ranking, G, "Groups ranked by stack integration")
        return
    result = group_coverage(G, _resolve(G, entity))
    if view.top is not None:
        result = dataclasses.replace(result, layers=result.layers[: view.top])
    notes = [
        f"score {result.score:.3f} over {sum(1 for c in result.layers)} layers; integration depth "
        f"{result.integration_depth}" + (f" ({' > '.join(result.chain)})" if result.chain else ""),
        "members: " + ", ".join(_label(G, m) for m in result.members),
    ]
    view.emit(result, G, f"Stack coverage of the {result.label} group", notes)


@analyze.command()
@click.argument("entity")
@_view_options
@handle_errors
def dependencies(
    entity: str,
    view: _View,
) -> None:
    """Upstream supply chain of ENTITY's group: outside suppliers per input layer and single-source inputs."""
    from stackgraph.analysis import dependencies as find_dependencies

    G = view.graph()
    result = find_dependencies(G, _resolve(G, entity))
    if view.top is not None:
        result = dataclasses.replace(result, upstream=result.upstream[: view.top])
    notes = [
        f"external {d.label}: {', '.join(s.label for s in d.suppliers)}"
        + (" (single source)" if d.single_source else "")
        + (" (also in house)" if d.in_house else "")
        for d in result.external
    ]
    view.emit(result, G, f"Supply dependencies of the {result.label} group", notes)


@analyze.command()
@click.argument("entity")
@_view_options
@handle_errors
def dependents(
    entity: str,
    view: _View,
) -> None:
    """Who depends on supplier ENTITY: its customers (tier 1), their customers (tier 2), and so on."""
    from stackgraph.analysis import dependents as find_dependents

    G = view.graph()
    result = find_dependents(G, _resolve(G, entity))
    if view.top is not None:
        result = dataclasses.replace(result, dependents=result.dependents[: view.top])
    view.emit(result, G, f"Dependents of {result.label}")


@analyze.command()
@_view_options
@handle_errors
def chokepoints(view: _View) -> None:
    """Suppliers whose removal cuts the most supply paths (dominators, articulation points), with market shares.

    "dominated" counts the entities every supply path to which passes through the supplier; "articulation"
    marks suppliers whose removal splits the supply network. Markets with known shares get their HHI.
    """
    from stackgraph.analysis import chokepoints as find_chokepoints

    G = view.graph()
    result = find_chokepoints(G, top=view.top or _DEFAULT_TOP)
    notes = [
        f"{m.label} ({m.year}): HHI {m.hhi:.0f}, {m.level}"
        + (f"; largest {m.shares[0].label} {m.shares[0].share:.1f}%" if m.shares else "")
        for m in result.markets
    ]
    view.emit(result, G, "Supply chokepoints", notes)


@analyze.command()
@click.option(
    "--by",
    "sort",
    type=click.Choice(["pagerank", "betweenness", "eigenvector", "degree"]),
    default="pagerank",
    show_default=True,
    help="Rank by this measure.",
)
@click.option("--samples", type=click.IntRange(min=2), default=None, help="Betweenness from K sampled sources.")
@click.option("--exact", is_flag=True, help="Exact betweenness even on large graphs (slow).")
@click.option(
    "--backend",
    type=click.Choice(["auto", "networkx", "igraph"]),
    default="auto",
    show_default=True,
    help="auto: NetworkX up to 1,000 nodes, igraph above.",
)
@_view_options
@handle_errors
def centrality(
    sort: str,
    samples: int | None,
    exact: bool,
    backend: str,
    view: _View,
) -> None:
    """PageRank, betweenness, eigenvector and degree (per relation) of every entity, ranked.

    Graphs above 1,000 nodes use igraph (same values); above 5,000 nodes betweenness is sampled from 100
    sources (or --samples K). The output states the method and the sample size.
    """
    from stackgraph.analysis import centrality as compute

    if exact and samples is not None:
        from stackgraph.cli._common import UsageFailure

        raise UsageFailure("give either --exact or --samples, not both")
    G = view.graph()
    result = compute(G, backend=backend, samples=samples, exact=exact or None, top=view.top or _DEFAULT_TOP, sort=sort)
    method = result.method
    approximation = (
        f"betweenness sampled from k={method['samples']} sources (seed {method['seed']})"
        if method["betweenness"] == "sampled"
        else "exact betweenness"
    )
    notes = [
        f"method: {method['backend']}, {approximation}; {method['nodes']} nodes, {method['edges']} linked pairs; "
        f"eigenvector on the largest connected component ({method['eigenvector_component']} nodes)"
    ]
    view.emit(result, G, f"Centrality, ranked by {sort}", notes)
