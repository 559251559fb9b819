"""``stackgraph whatif`` and ``stackgraph screen``: play deals forward and rank acquisition targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from stackgraph.cli._common import (
    Progress,
    StoreOptions,
    UsageFailure,
    check_outputs,
    evidence_option,
    handle_errors,
    store_options,
    undated_option,
    write_output,
    write_outputs,
)
from stackgraph.outputs import Input

__all__ = ["screen", "whatif"]

_FORMATS = click.Choice(["table", "markdown", "json"])


def _pair(option: str, value: str) -> tuple[str, str]:
    left, sep, right = value.partition(":")
    if not sep or not left.strip() or not right.strip():
        raise UsageFailure(f"{option} {value!r}: expected two names separated by a colon, e.g. SpaceX:Nokia")
    return left.strip(), right.strip()


def _quick_steps(
    acquire: tuple[str, ...], divest: tuple[str, ...], cut_supply: tuple[str, ...], complete: tuple[str, ...]
) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for deal in complete:
        if ":" in deal and not deal.startswith(("http:", "https:", "urn:", "sgid:", "<")):
            acquirer, target = _pair("--complete", deal)
            steps.append(
                {"kind": "set-status", "type": "acquisition", "parties": [acquirer, target], "status": "completed"}
            )
        else:
            steps.append({"kind": "set-status", "deal": deal, "status": "completed"})
    for value in acquire:
        acquirer, target = _pair("--acquire", value)
        steps.append({"kind": "acquire", "acquirer": acquirer, "target": target})
    for value in divest:
        holder, target = _pair("--divest", value)
        steps.append({"kind": "divest", "holder": holder, "target": target})
    for value in cut_supply:
        supplier, customer = _pair("--cut-supply", value)
        steps.append({"kind": "cut-supply", "supplier": supplier, "customer": customer})
    return steps


def _scenario(scenario_file: str | None, steps: list[dict[str, Any]], name: str | None) -> Any:
    from stackgraph.scenarios import find_scenario, load_scenario, parse_scenario

    if scenario_file is None:
        if not steps:
            raise UsageFailure(
                "give a scenario file (or an example name such as spacex-acquires-nokia) or a quick step such as "
                "--acquire SpaceX:Nokia"
            )
        title = name or "; ".join(_describe(step) for step in steps)
        return parse_scenario({"name": title, "slug": "quick", "steps": steps}, origin="command line")
    scenario = load_scenario(find_scenario(scenario_file))
    if steps:
        data = scenario.to_dict()
        data["steps"] = [*data["steps"], *steps]
        if name:
            data["name"] = name
        scenario = parse_scenario(data, origin=scenario.origin)
    return scenario


def _describe(step: dict[str, Any]) -> str:
    kind = step["kind"]
    if kind == "acquire":
        return f"{step['acquirer']} acquires {step['target']}"
    if kind == "divest":
        return f"{step['holder']} divests {step['target']}"
    if kind == "cut-supply":
        return f"{step['supplier']} stops supplying {step['customer']}"
    return f"{step.get('deal') or ' and '.join(step.get('parties', []))} completes"


@click.command()
@click.argument("scenario_file", required=False, metavar="[SCENARIO_FILE]")
@click.option("--acquire", multiple=True, metavar="ACQUIRER:TARGET", help="Quick form: an acquisition (repeatable).")
@click.option("--divest", multiple=True, metavar="HOLDER:TARGET", help="Quick form: a divestment (repeatable).")
@click.option(
    "--cut-supply", "cut_supply", multiple=True, metavar="SUPPLIER:CUSTOMER", help="Quick form: end a supply."
)
@click.option(
    "--complete",
    multiple=True,
    metavar="DEAL",
    help="Quick form: a deal (IRI, local name or label, or ACQUIRER:TARGET of an acquisition) completes.",
)
@click.option("--name", default=None, help="Title of a quick-form scenario.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Day of the before/after views (YYYY[-MM[-DD]]).")
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True, help="Report format.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="Centrality ranks compared.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write the report to a file.")
@click.option("--save", type=click.Path(path_type=Path), default=None, help="Write the scenario graph (Turtle).")
@click.option("--html", type=click.Path(path_type=Path), default=None, help="Write an HTML before/after diff view.")
@undated_option
@evidence_option
@store_options
@handle_errors
def whatif(
    scenario_file: str | None,
    acquire: tuple[str, ...],
    divest: tuple[str, ...],
    cut_supply: tuple[str, ...],
    complete: tuple[str, ...],
    name: str | None,
    as_of: str | None,
    fmt: str,
    top: int,
    output: Path | None,
    save: Path | None,
    html: Path | None,
    undated: str | None,
    evidence: tuple[str, ...],
    store_opts: StoreOptions,
) -> None:
    """Play a what-if scenario forward and report what changes.

    SCENARIO_FILE is a TOML scenario (see the README's "What-if scenarios") or the name of a shipped example
    (spacex-acquires-nokia, cursor-deal-completes, nvidia-cuts-spacex-supply, combined). The quick form builds
    one from options, e.g. `stackgraph whatif --acquire SpaceX:Nokia`; quick steps run after a file's steps, in
    the order --complete, --acquire, --divest, --cut-supply.

    The report compares the graph before and after: control groups, layers gained and lost, integration
    depth, external dependencies, chokepoints, centrality ranks (dense: ties share a rank), vertical exposure,
    HHI per layer, and merger screens per market the deal touches (2023 US presumptions, EU non-horizontal safe
    harbour, ΔMHHI, foreclosure share, input dependence; each with its formula, evidence and what is missing).
    The baseline graphs are never modified; --save writes the scenario's own graph. Nothing is written when the
    scenario is invalid. Undated deals count in both views unless --undated exclude (a scenario is played on what
    is known now); --evidence leaves out deals and market shares resting on other kinds of evidence.
    """
    from stackgraph.scenarios import format_report, run_scenario

    steps = _quick_steps(acquire, divest, cut_supply, complete)
    scenario = _scenario(scenario_file, steps, name)
    check_outputs({"--save": save, "--html": html, "-o": output}, store_opts, _scenario_inputs(scenario))
    store = store_opts.open()
    with Progress("Playing the scenario") as progress:
        result = run_scenario(
            store, scenario, as_of=as_of, top=top, progress=progress, undated=undated, evidence=evidence or None
        )
    text = format_report(result.report, fmt)
    page = None
    if html is not None:
        page = _render_html(result)
    # everything is computed: only now write the files, all or none
    files: list[tuple[Path | None, Any]] = []
    if save is not None:
        files.append((save, result.overlay.turtle()))
    if page is not None and html is not None:
        files.append((html, page))
    write_outputs([*files, (output, text)])


def _scenario_inputs(scenario: Any) -> list[Input]:
    """The scenario file a command reads (a user's TOML file; shipped examples are protected anyway)."""
    origin = Path(str(scenario.origin))
    return [Input(origin, "the scenario file this command reads")] if origin.is_file() else []


def _render_html(result: Any) -> str:
    try:
        from stackgraph.render import scenario_diff_html
    except ImportError:
        raise click.ClickException("--html needs stackgraph's render package, which is not available") from None
    return scenario_diff_html(result.before, result.after, result.report)


@click.command()
@click.argument("acquirer")
@click.option(
    "--objective",
    type=click.Choice(["coverage", "dependencies", "centrality"]),
    default="coverage",
    show_default=True,
    help="What a good target improves: stack layers covered, outside dependencies removed, or ties gained.",
)
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="How many targets to list.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Day of the graph (YYYY[-MM[-DD]]).")
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write the ranking to a file.")
@undated_option
@evidence_option
@store_options
@handle_errors
def screen(
    acquirer: str,
    objective: str,
    top: int,
    as_of: str | None,
    fmt: str,
    output: Path | None,
    undated: str | None,
    evidence: tuple[str, ...],
    store_opts: StoreOptions,
) -> None:
    """Rank every possible acquisition target for ACQUIRER by the effect of acquiring it.

    Each candidate is scored incrementally from its own control group (it brings its subsidiaries along), without
    replaying the whole analysis per candidate; the explanation says what it would add, and the merger-screen
    column where a 2023 US presumption would be met (US), the EU safe harbour left (EU) or a share is missing (?).
    """
    from stackgraph.scenarios import format_screening, screen_targets

    check_outputs({"-o": output}, store_opts)
    store = store_opts.open()
    ranking = screen_targets(
        store, acquirer, objective=objective, as_of=as_of, undated=undated, evidence=evidence or None
    )
    if fmt == "json":
        text = json.dumps(ranking.to_dict(top=top), indent=2, ensure_ascii=False) + "\n"
    else:
        text = format_screening(ranking, fmt, top=top)
    write_output(text, output)
