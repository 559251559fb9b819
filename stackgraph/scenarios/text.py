"""Render a what-if report or a screening as plain-text tables, Markdown or JSON.

Text from the data (names, labels, the scenario's own name and description) is neutralised in tables (bidi and
terminal controls shown as ``[U+202E]``) and escaped in Markdown (HTML and Markdown syntax shown as text); see
:mod:`stackgraph.display`. JSON keeps it as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from stackgraph.analysis import money
from stackgraph.display import markdown, neutralise
from stackgraph.errors import InputError
from stackgraph.vocabulary.rules import basis_label, is_estimate, undated_note


class _Ranking(Protocol):
    """What :func:`format_screening` reads of a :class:`~stackgraph.scenarios.screening.Screening` (a protocol, so
    that this module imports neither the screening nor the report it formats: no import cycle)."""

    objective: str
    label: str
    method: str
    as_of: str | None
    candidates: Sequence[Any]
    undated: Mapping[str, Any] | None
    basis: Sequence[str]

    def top(self, n: int | None = None) -> Sequence[Any]: ...

    def to_dict(self, top: int | None = None) -> dict[str, Any]: ...


__all__ = ["FORMATS", "format_report", "format_screening"]

FORMATS: tuple[str, ...] = ("table", "markdown", "json")

# a block: (title, headers, rows, notes)
_Block = tuple[str, list[str], list[list[Any]], list[str]]


def _name(ref: Mapping[str, Any] | None) -> str:
    return "-" if not ref else str(ref.get("label") or ref.get("iri"))


def _blocks(report: Mapping[str, Any]) -> list[_Block]:
    blocks: list[_Block] = []
    scenario = report.get("scenario", {})
    steps = [[s["index"], s["kind"], s["summary"]] for s in report.get("steps", ())]
    notes = [scenario["description"]] if scenario.get("description") else []
    notes.append(
        f"as of {scenario.get('as_of')}; sections that changed: {', '.join(report.get('changed', ())) or 'none'}"
    )
    view = report.get("view") or {}
    undated = view.get("undated") or {}
    if undated.get("rule") is not None:
        notes.append(
            f"{undated_note(undated['rule'], undated.get('after') or 0)}; ties rest on: "
            f"{basis_label(view.get('basis_after') or ())}"
        )
    blocks.append((f"What if: {scenario.get('name', '')}", ["step", "kind", "what"], steps, notes))

    rows = []
    for g in report.get("groups", ()):
        if g["status"] == "absorbed":
            what = "absorbed by " + ", ".join(_name(p) for p in g["absorbed_by"]) if g["absorbed_by"] else "dissolved"
        else:
            what = "; ".join(
                part
                for part in (
                    "joined: " + ", ".join(_name(m) for m in g["joined"]) if g["joined"] else "",
                    "left: " + ", ".join(_name(m) for m in g["left"]) if g["left"] else "",
                )
                if part
            )
        rows.append([_name(g["parent"]), g["status"], g["size_before"], g["size_after"], what])
    blocks.append(("Control groups", ["group", "change", "size before", "size after", "members"], rows, []))

    rows = []
    for c in report.get("coverage", ()):
        rows.append(
            [
                _name(c["group"]),
                ", ".join(c["gained"]) or "-",
                ", ".join(c["lost"]) or "-",
                f"{c['score_before']:.3f} -> {c['score_after']:.3f}",
                f"{c['depth_before']} -> {c['depth_after']}",
                " > ".join(c["chain_after"]) or "-",
            ]
        )
    blocks.append(
        (
            "Stack coverage",
            ["group", "layers gained", "layers lost", "coverage", "integration depth", "chain"],
            rows,
            [],
        )
    )

    rows = []
    for t in report.get("ties", ()):
        arrow = "->" if t["direction"] == "out" else "<-"
        extra = ", ".join(
            x
            for x in (
                t.get("input_layer") or "",
                money(t.get("amount"), t.get("currency")) or "",
                f"{t['stake']:g}%" if t.get("stake") is not None else "",
                t.get("purpose") or "",
            )
            if x
        )
        rows.append(
            [_name(t["group"]), _name(t["member"]), f"{arrow} {t['relation']} {arrow}", _name(t["other"]), extra]
        )
    blocks.append(("Ties that come along", ["group", "member", "relation", "with", "details"], rows, []))

    rows = []
    for d in report.get("dependencies", ()):
        for dep in d["added"]:
            rows.append([_name(d["group"]), "added", dep["layer"], _name(dep["supplier"])])
        for dep in d["removed"]:
            rows.append([_name(d["group"]), "removed", dep["layer"], _name(dep["supplier"])])
    notes = [
        f"{_name(d['group'])}: {d['before']} -> {d['after']} external dependencies; single-source inputs "
        f"{', '.join(d['single_source_after']) or 'none'}"
        for d in report.get("dependencies", ())
    ]
    blocks.append(("External dependencies", ["group", "change", "input layer", "supplier"], rows, notes))

    chokepoints = report.get("chokepoints", {})
    rows = []
    for label, key in (("new", "added"), ("no longer", "removed"), ("changed", "changed")):
        for c in chokepoints.get(key, ()):
            rows.append(
                [
                    _name(c["supplier"]),
                    label,
                    f"{c['rank_before'] or '-'} -> {c['rank_after'] or '-'}",
                    f"{c['dominated_before']} -> {c['dominated_after']}",
                    f"{'yes' if c['articulation_before'] else 'no'} -> {'yes' if c['articulation_after'] else 'no'}",
                ]
            )
    blocks.append(("Chokepoints", ["supplier", "change", "rank", "dominated", "articulation point"], rows, []))

    centrality = report.get("centrality", {})
    rows = [
        [
            _name(m["entity"]),
            m["rank_before"] if m["rank_before"] is not None else "-",
            m["rank_after"] if m["rank_after"] is not None else "-",
            f"{m['change']:+d}" if m["change"] else "",
            f"{m['pagerank_before']:.3g} -> {m['pagerank_after']:.3g}",
        ]
        for m in centrality.get("moves", ())
    ]
    notes = [
        f"group degree centrality of {_name(g['group'])}: {g['degree_before']:.4f} -> {g['degree_after']:.4f}"
        for g in centrality.get("groups", ())
    ]
    if centrality.get("error"):
        notes.append(centrality["error"])
    title = f"Centrality (PageRank, top {centrality.get('top', '')})"
    blocks.append((title, ["entity", "rank before", "rank after", "move", "pagerank"], rows, notes))

    exposure = report.get("vertical_exposure", {})
    rows = [
        [
            _name(e["group"]),
            _name(e["rival"]),
            ", ".join(e["shared_layers"]),
            _name(e["supplier"]),
            e.get("input_layer") or "-",
            "new" if e["new"] else "",
        ]
        for e in exposure.get("exposures", ())
    ]
    rows += [
        [_name(e["group"]), _name(e["rival"]), ", ".join(e["shared_layers"]), _name(e["supplier"]), "-", "ended"]
        for e in exposure.get("ended", ())
    ]
    headers = ["group", "rival", "shared layers", "buys from", "input", "change"]
    blocks.append(("Vertical exposure (rivals buying from the group)", headers, rows, []))

    rows = []
    estimates = False
    for m in report.get("concentration", ()):
        basis = m.get("basis") or []
        estimate = is_estimate(basis)
        estimates = estimates or estimate
        flags = [basis_label(basis) + (" (not a finding)" if estimate else "")] if basis else []
        if m["highly_concentrated"]:
            flags.append("highly concentrated (HHI > 1,800)")
        if m["significant_change"]:
            flags.append("significant increase (ΔHHI > 100)")
        if m["presumed_to_enhance_market_power"]:
            flags.append("presumed to enhance market power")
        rows.append(
            [
                m["label"],
                m.get("year") or "-",
                f"{m['hhi_before']:.0f}",
                f"{m['hhi_after']:.0f}",
                f"{m['delta_hhi']:+.0f}",
                "; ".join(flags) or "-",
            ]
        )
    notes = ["thresholds: 2023 US Merger Guidelines; shares summed per control group"] if rows else []
    if estimates:
        notes.append(
            "shares marked editorial estimate are approximate: check them before citing a figure built on them"
        )
    blocks.append(
        ("Concentration (HHI per layer)", ["market", "year", "HHI before", "HHI after", "ΔHHI", "flags"], rows, notes)
    )
    blocks.append(_screens_block(report.get("merger_screens") or ()))
    return blocks


_TESTS = {
    "shares": "shares",
    "share": "merged share",
    "hhi": "HHI",
    "delta_hhi": "ΔHHI",
    "us_hhi_presumption": "US presumption (HHI)",
    "us_share_presumption": "US presumption (share)",
    "eu_safe_harbour": "EU safe harbour",
    "mhhi": "ΔMHHI",
    "foreclosure_share": "foreclosure share",
    "input_dependence": "rival's input dependence",
    "group_dependence": "group's input dependence",
}


def _screens_block(screens: Sequence[Mapping[str, Any]]) -> _Block:
    """Per focus group and market: each figure's result and formula; notes: outcome, evidence and what is missing."""
    rows = []
    notes = []
    for screen in screens:
        flags = {key: ", ".join(markets) or "no market" for key, markets in screen["flags"].items()}
        notes.append(
            f"{screen['label']} ({' + '.join(screen['parties'])}): US presumption in {flags['us_presumption']}; "
            f"outside the EU safe harbour in {flags['eu_outside']}; cannot tell in {flags['cannot_tell']} "
            "(markets concerned: where the parties meet, in one market or two that feed each other)"
        )
        for market in screen["markets"]:
            name = market["label"] + ("" if market["concerned"] else " (one party only)")
            for line in market["lines"]:
                rows.append(
                    [screen["label"], name, _TESTS.get(line["test"], line["test"]), line["result"], line["formula"]]
                )
            evidence = list(dict.fromkeys(_evidence(e) for line in market["lines"] for e in line["rests_on"]))
            missing = list(dict.fromkeys(m for line in market["lines"] for m in line["missing"]))
            if evidence:
                notes.append(f"{market['label']} rests on: " + "; ".join(evidence))
            if missing:
                notes.append(f"{market['label']} missing: " + "; ".join(missing))
    return (
        "Merger screens (per market the deal touches)",
        ["group", "market", "test", "result", "figure"],
        rows,
        notes,
    )


def _evidence(item: Mapping[str, Any]) -> str:
    return f"{item['text']} ({', '.join(item['basis']) or 'evidence kind not recorded'})"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    from stackgraph.results import aligned_table

    return aligned_table(headers, [[("-" if v is None or v == "" else str(v)) for v in row] for row in rows])


def _markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        return "-" if value is None or value == "" else markdown(str(value))

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)


def _render(blocks: Sequence[_Block], fmt: str) -> str:
    out: list[str] = []
    for i, (title, headers, rows, notes) in enumerate(blocks):
        if fmt == "markdown":
            out.append(("# " if i == 0 else "## ") + markdown(title))
            out.append("")
            for note in notes:
                out.extend([f"_{markdown(note)}_", ""] if i == 0 else [f"- {markdown(note)}"])
            if notes and i != 0:
                out.append("")
            out.append(_markdown_table(headers, rows) if rows else "No change.")
        else:
            title = neutralise(title)
            out.append(title)
            out.append("=" * len(title) if i == 0 else "-" * len(title))
            out.extend(neutralise(note) for note in notes)
            out.append(_table(headers, rows) if rows else "(no change)")
        out.append("")
    return "\n".join(out)


def format_report(report: Mapping[str, Any], fmt: str = "table") -> str:
    """Return a what-if report (from :func:`stackgraph.scenarios.run_scenario`) as ``table``, ``markdown`` or
    ``json`` text.

    Examples
    --------
    >>> print(format_report({"scenario": {"name": "Nothing", "as_of": "2026-01-01"}, "steps": []}, "markdown"))
    ... # doctest: +ELLIPSIS
    # What if: Nothing
    ...
    """
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _render(_blocks(report), fmt)


def format_screening(screening: _Ranking, fmt: str = "table", *, top: int | None = 10) -> str:
    """Return a screening (from :func:`stackgraph.scenarios.screen_targets`) as ``table``, ``markdown`` or
    ``json`` text, the first ``top`` candidates."""
    if fmt == "json":
        return json.dumps(screening.to_dict(top=top), indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    rows = [
        [
            i,
            c.label,
            f"{c.score:+.4f}" if screening.objective != "dependencies" else f"{c.score:+g}",
            c.explanation,
            _screen_flags(c.details.get("screens")),
        ]
        for i, c in enumerate(screening.top(top), start=1)
    ]
    title = f"Acquisition targets for {screening.label} by {screening.objective}"
    notes = [
        f"{len(screening.candidates)} candidates evaluated ({screening.method}); as of {screening.as_of}",
        "merger screens, in the markets concerned (where acquirer and target meet, in one market or two that feed "
        "each other): US = a 2023 US Merger Guidelines presumption met; EU = outside the EU non-horizontal safe "
        "harbour; ? = cannot tell (a share is missing); run `stackgraph whatif --acquire` for the full screen",
    ]
    if screening.undated:
        notes.append(undated_note(screening.undated["rule"], screening.undated["deals"]))
    notes.append(f"ties rest on: {basis_label(screening.basis)}")
    return _render([(title, ["rank", "target", "score", "why", "merger screens"], rows, notes)], fmt)


def _screen_flags(flags: Mapping[str, Sequence[str]] | None) -> str:
    if flags is None:
        return "-"
    parts = [
        f"{tag} {', '.join(flags[key])}"
        for tag, key in (("US", "us_presumption"), ("EU", "eu_outside"), ("?", "cannot_tell"))
        if flags.get(key)
    ]
    return "; ".join(parts) or "clear"
