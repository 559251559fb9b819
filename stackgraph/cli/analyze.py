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
    PolicyOptions,
    StoreOptions,
    check_outputs,
    format_table,
    handle_errors,
    policy_options,
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
    """Add the policy options (``--as-of``, ``--status``, ``--undated``, ``--evidence``), ``--top``, ``--format``
    and ``--output`` plus the store options."""

    @click.option("--top", type=click.IntRange(min=1), default=None, help="Show the first N rows only.")
    @click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True)
    @click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (atomically)."
    )
    @policy_options
    @store_options
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        top: int | None,
        fmt: str,
        output: Path | None,
        policy_opts: PolicyOptions,
        store_opts: StoreOptions,
        **kwargs: Any,
    ) -> Any:
        check_outputs({"-o": output}, store_opts)
        kwargs["view"] = _View(policy_opts, top, fmt, output, store_opts)
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclasses.dataclass(frozen=True)
class _View:
    """The options every analysis command shares: which deals count, how many rows, which format, where."""

    policy_opts: PolicyOptions
    top: int | None
    fmt: str
    output: Path | None
    store_opts: StoreOptions

    def graph(self, *needs: str) -> nx.MultiDiGraph:
        """Project the store under the policy the options give. When the data lacks what the command ``needs``
        (deals, layers, supplies), fail saying which; when the view leaves all of it out, :meth:`emit` says so."""
        from stackgraph.analysis import MAPPING_HINT, missing
        from stackgraph.analysis.shares import graph_share_problems
        from stackgraph.errors import NothingToAnalyseError
        from stackgraph.projection import project

        G = project(self.store_opts.open(), self.policy_opts.policy(), provenance=False)
        G.graph["needs"] = needs
        reasons = missing(G, needs)
        if reasons:
            raise NothingToAnalyseError(f"nothing to analyse: {'; '.join(reasons)}. {MAPPING_HINT}.")
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
    from stackgraph.analysis import left_out, view_of
    from stackgraph.vocabulary.rules import basis_label, undated_note

    view = view_of(G)
    evidence = "" if view["evidence"] is None else f"; evidence {', '.join(view['evidence'])}"
    lines = [f"{title} (as of {view['as_of']}; counting {', '.join(view['statuses'])} deals{evidence})", ""]
    lines.append(format_table(headers, rows) if rows else "(none)")
    notes = [*left_out(G, G.graph.get("needs", ())), *(notes or ())]
    if notes:
        lines += ["", *notes]
    undated = view["undated"]
    if undated is not None:
        lines += ["", undated_note(undated["rule"], undated["deals"])]
    if hasattr(result, "basis") and rows:
        lines.append(f"basis: {basis_label(result.basis)}")
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


def _by_option(function: F) -> F:
    """``--by entity|group``: count entities on their own, or rolled up into their control groups."""
    return click.option(
        "--by",
        "by",
        type=click.Choice(["entity", "group"]),
        default="entity",
        show_default=True,
        help="group: roll products and subsidiaries up into their control group (a product counts as its maker).",
    )(function)


@analyze.command()
@_view_options
@handle_errors
def groups(view: _View) -> None:
    """Control groups: each ultimate parent with everything it controls, largest first.

    Control comes from acquisitions that count (not of a minority stake), ownership above 50 % and development
    (products and facilities belong to their developer's group). Ownership cycles and entities claimed by two
    controllers are listed after the table. The last column lists what each group (and each holder that heads no
    group) owns part of without controlling it: its integrated stake through every chain (see `analyze
    ownership`).
    """
    from stackgraph.analysis import control_groups, group_stakes

    G = view.graph("deals")
    control = control_groups(G)
    result = group_stakes(G, control)
    if view.top is not None:
        control = dataclasses.replace(control, groups=control.groups[: view.top])
        result = dataclasses.replace(result, control=control, holders=result.holders[: view.top])
    notes = [f"ownership cycle: {' -> '.join(_label(G, n) for n in cycle)}" for cycle in control.cycles]
    notes += [
        f"conflicting control of {c.label}: claimed by {', '.join(_label(G, n) for n in c.controllers)}"
        for c in control.conflicts
    ]
    if result.partial:
        notes.append("partly owned: the integrated stake (multiplied along every chain), not enough for control")
    view.emit(result, G, "Control groups", notes)


def _label(G: nx.MultiDiGraph, node: str) -> str:
    from stackgraph.analysis import label_of

    return label_of(G, node)


@analyze.command()
@click.argument("entity", required=False)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100, min_open=True),
    default=50.0,
    show_default=True,
    help="Control threshold in percent: a majority chain needs every stake above it; the aggregate test, this "
    "much or more in total.",
)
@click.option(
    "--holders",
    metavar="NAME[,NAME]",
    multiple=True,
    help="Apply the aggregate test (as OFAC's 50 % rule) to these holders, e.g. designated persons: every entity "
    "they own THRESHOLD % or more of, directly or through entities so owned, added up.",
)
@_view_options
@handle_errors
def ownership(entity: str | None, threshold: float, holders: tuple[str, ...], view: _View) -> None:
    """Ownership through chains: who ultimately owns ENTITY and what it owns, or every top-level holder ranked.

    Stakes are multiplied along every chain of holdings and summed over chains, counting no chain that passes
    through the holder again (integrated ownership, (I - W)^-1 with the cycle correction). Each owner is tested
    for a majority chain (every stake above --threshold) and for aggregate ownership (--threshold or more held by
    it and entities it so owns). Without ENTITY, top-level holders are ranked by what they own.
    """
    from stackgraph.analysis import aggregate_owned, entity_ownership, ownership_analysis

    G = view.graph("deals")
    names = [name.strip() for value in holders for name in value.split(",") if name.strip()]
    if names:
        if entity is not None:
            from stackgraph.cli._common import UsageFailure

            raise UsageFailure("give either ENTITY or --holders, not both")
        aggregate = aggregate_owned(G, [_resolve(G, name) for name in names], threshold=threshold)
        title = f"Entities owned {threshold:g} % or more in the aggregate by {', '.join(aggregate.labels)}"
        notes = [
            "a holder's direct stakes plus those of every entity it so owns, added up; applied recursively "
            "(as OFAC's 50 % rule)"
        ]
        if not aggregate.owned:
            notes.append(f"nothing is owned {threshold:g} % or more in the aggregate by these holders in this view")
        view.emit(aggregate, G, title, notes)
        return
    if entity is not None:
        report = entity_ownership(G, _resolve(G, entity), threshold=threshold)
        view.emit(report, G, f"Ownership of {report.label}", report.notes(G))
        return
    result = ownership_analysis(G, threshold=threshold, top=view.top or _DEFAULT_TOP)
    view.emit(result, G, "Top-level holders ranked by what they own", result.notes(G))


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

    G = view.graph("deals", "layers")
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
@_by_option
@_view_options
@handle_errors
def dependencies(entity: str, by: str, view: _View) -> None:
    """Upstream supply chain of ENTITY's group: outside suppliers per input layer and single-source inputs."""
    from stackgraph.analysis import dependencies as find_dependencies

    G = view.graph("deals", "supplies")
    result = find_dependencies(G, _resolve(G, entity), by=by)
    if view.top is not None:
        result = dataclasses.replace(result, upstream=result.upstream[: view.top])
    notes = [
        f"external {d.label}: {', '.join(s.label for s in d.suppliers)}"
        + (" (single source)" if d.single_source else "")
        + (" (also in house)" if d.in_house else "")
        for d in result.external
    ]
    if not result.upstream and not result.internal:
        notes.append(f"no supply deal into the {result.label} group counts in this view (see --status, --as-of)")
    view.emit(result, G, f"Supply dependencies of the {result.label} group", notes)


@analyze.command()
@click.argument("entity")
@_by_option
@_view_options
@handle_errors
def dependents(entity: str, by: str, view: _View) -> None:
    """Who depends on ENTITY's group: the customers of its members (tier 1), their customers (tier 2), ...

    A company supplies through its products and subsidiaries: the whole group headed by ENTITY counts.
    """
    from stackgraph.analysis import dependents as find_dependents

    G = view.graph("deals", "supplies")
    result = find_dependents(G, _resolve(G, entity), by=by)
    if view.top is not None:
        result = dataclasses.replace(result, dependents=result.dependents[: view.top])
    view.emit(result, G, f"Dependents of the {result.label} group", result.notes())


@analyze.command()
@click.argument("entity", required=False)
@_by_option
@_view_options
@handle_errors
def chokepoints(entity: str | None, by: str, view: _View) -> None:
    """Suppliers whose removal cuts the most supply paths (dominators, articulation points), with market shares.

    "dominated" counts the entities every supply path to which passes through the supplier, and "dominates"
    names the first of them; "articulation" marks suppliers whose removal splits the supply network. With
    ENTITY, the outside suppliers that can cut its group off (they dominate a member). Markets with known
    shares get their HHI.
    """
    from stackgraph.analysis import chokepoints as find_chokepoints
    from stackgraph.analysis import left_out
    from stackgraph.vocabulary.rules import basis_label

    G = view.graph("deals", "supplies")
    result = find_chokepoints(
        G, top=view.top or _DEFAULT_TOP, entity=None if entity is None else _resolve(G, entity), by=by
    )
    notes = (
        left_out(G, ["market shares"])
        + result.notes()
        + [
            f"{m.label} ({m.year}): HHI {m.hhi:.0f}, {m.level}"
            + (f"; largest {m.shares[0].label} {m.shares[0].share:.1f}%" if m.shares else "")
            + f" -- {basis_label(m.basis)}"
            + (", not a finding: check before citing" if m.estimate else "")
            for m in result.markets
        ]
    )
    title = "Supply chokepoints" + (f" of the {result.group_label} group" if result.group_label else "")
    view.emit(result, G, title, notes)


_MEASURES = ("pagerank", "betweenness", "eigenvector", "degree")


@analyze.command()
@click.argument("entity", required=False)
@click.option(
    "--sort",
    type=click.Choice(_MEASURES),
    default=None,
    help="Rank by this measure (default pagerank).",
)
@click.option(
    "--by",
    "by",
    type=click.Choice(["entity", "group", *_MEASURES]),
    default="entity",
    show_default=True,
    help="group: roll products and subsidiaries up into their control group. (A measure name here is the older "
    "spelling of --sort.)",
)
@click.option("--samples", type=click.IntRange(min=2), default=None, help="Betweenness from K sampled sources.")
@click.option("--exact", is_flag=True, help="Exact betweenness whatever the work (slow on large graphs).")
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
    entity: str | None,
    sort: str | None,
    by: str,
    samples: int | None,
    exact: bool,
    backend: str,
    view: _View,
) -> None:
    """PageRank, betweenness, eigenvector and degree (per relation) of every entity, ranked (dense ranks).

    Rank flows to the party others depend on: from a customer to its supplier, a target to its acquirer, an
    investee to its investor, a product to its developer. Betweenness is exact while the work fits a time
    budget, else estimated from sampled sources with a standard error; the output states which. With ENTITY,
    the rows of its group's members (or of its group, with --by group), ranked among all.
    """
    from stackgraph.analysis import centrality as compute

    if exact and samples is not None:
        from stackgraph.cli._common import UsageFailure

        raise UsageFailure("give either --exact or --samples, not both")
    if by in _MEASURES:
        sort, by = sort or by, "entity"
    sort = sort or "pagerank"
    G = view.graph("deals")
    result = compute(
        G, backend=backend, samples=samples, exact=exact or None, top=view.top or _DEFAULT_TOP, sort=sort, by=by
    )
    title = f"Centrality, ranked by {sort}"
    if entity is not None:
        from stackgraph.analysis import control_group, group_map

        node = _resolve(G, entity)
        if by == "group":
            shown: list[str] = [str(group_map(G)[node])]
        else:
            shown = [m.entity for m in control_group(G, node).members]
        result = result.focused(shown)
        title += f" (the {_label(G, node)} group, ranked among all)"
    view.emit(result, G, title, result.notes())
