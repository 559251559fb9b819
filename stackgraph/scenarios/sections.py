"""The what-if report as readers see it: one model of titled sections that every format renders.

:func:`report_sections` turns a report (the plain data of :func:`~stackgraph.scenarios.run_scenario`) into
:class:`Section` objects -- a title, column headers, rows of :class:`Cell`, notes and whether anything changed --
worded once: layers and relations by their labels (``Terrestrial RAN``, "invested in by"), an input layer left
with no supplier at all said so, rank moves only beyond ties (dense ranks) with their direction (a rise to a better
rank is ``good``), each step's status, the quote behind each tie that comes along, the scale of the coverage score,
and a section without a change said "unchanged" once. The plain-text and Markdown tables
(:mod:`stackgraph.scenarios.text`), the JSON (``sections``) and the HTML diff panel
(:func:`stackgraph.render.diff_figures`) all read this model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stackgraph.analysis import money
from stackgraph.vocabulary.rules import basis_label, is_estimate, undated_note

__all__ = ["Cell", "Section", "report_sections"]

#: How a tie reads from the member's side: (member -> other, other -> member).
_RELATION_PHRASES: dict[str, tuple[str, str]] = {
    "supplies": ("supplies", "supplied by"),
    "invests_in": ("invests in", "invested in by"),
    "partners_with": ("partners with", "partners with"),
    "acquires": ("acquires", "acquired by"),
    "controls": ("holds a stake in", "partly owned by"),
    "develops": ("develops", "developed by"),
}
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


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and, for a change, whether it is ``good`` (a rise to a better rank) or ``bad``."""

    text: str
    tone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"text", "tone"}``."""
        return {"text": self.text, "tone": self.tone}


@dataclass(frozen=True)
class Section:
    """One section of a report: ``key`` (a name of :data:`~stackgraph.scenarios.REPORT_SECTIONS`, or
    ``scenario``), a title, headers, rows of cells, notes, and ``changed`` (``False``: the renderers print
    "unchanged" once, with no rows)."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[str, ...] = ()
    changed: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The section as plain data (``rows`` as lists of ``{"text", "tone"}``)."""
        return {
            "key": self.key,
            "title": self.title,
            "headers": list(self.headers),
            "rows": [[cell.to_dict() for cell in row] for row in self.rows],
            "notes": list(self.notes),
            "changed": self.changed,
        }


def _section(
    key: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    notes: Iterable[str] = (),
    changed: bool | None = None,
) -> Section:
    cells = tuple(
        tuple(v if isinstance(v, Cell) else Cell("-" if v is None or v == "" else str(v)) for v in r) for r in rows
    )
    notes = tuple(n for n in notes if n)
    return Section(key, title, tuple(headers), cells, notes, bool(cells) if changed is None else changed)


def _name(ref: Mapping[str, Any] | None) -> str:
    return "-" if not ref else str(ref.get("label") or ref.get("iri"))


def _names(refs: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(_name(r) for r in refs)


def report_sections(report: Mapping[str, Any]) -> list[Section]:
    """Return the sections of a what-if report, in order: the scenario and its steps, then one per name of
    :data:`~stackgraph.scenarios.REPORT_SECTIONS`.

    Examples
    --------
    >>> report = {"scenario": {"name": "Nothing", "as_of": "2026-01-01"}, "steps": [], "layers": {"a": "Layer A"},
    ...           "concentration": [{"market": "a", "label": "Layer A", "year": 2023, "hhi_before": 2000.0,
    ...                              "hhi_after": 2000.0, "delta_hhi": 0.0, "highly_concentrated": True}]}
    >>> sections = report_sections(report)
    >>> [s.title for s in sections][:2], sections[-2].changed, sections[-2].notes
    (['What if: Nothing', 'Control groups'], False, ('HHI unchanged in every market with known shares: Layer A',))
    """
    layers: Mapping[str, str] = report.get("layers") or {}

    def layer(key: str | None) -> str:
        return "-" if not key else str(layers.get(key, key))

    def layer_list(keys: Iterable[str]) -> str:
        return ", ".join(layer(k) for k in keys) or "-"

    return [
        _scenario(report),
        _groups(report),
        _coverage(report, layer, layer_list),
        _ties(report, layer),
        _dependencies(report, layer, layer_list),
        _chokepoints(report),
        _centrality(report),
        _exposure(report, layer, layer_list),
        _concentration(report),
        _screens(report, layer_list),
    ]


def _scenario(report: Mapping[str, Any]) -> Section:
    scenario = report.get("scenario", {})
    notes = [scenario.get("description") or ""]
    changed = [title for key, title in _TITLES.items() if key in (report.get("changed") or ())]
    notes.append(f"as of {scenario.get('as_of')}; what changed: {', '.join(changed) or 'nothing'}")
    view = report.get("view") or {}
    undated = view.get("undated") or {}
    if undated.get("rule") is not None:
        notes.append(
            f"{undated_note(undated['rule'], undated.get('after') or 0)}; ties rest on: "
            f"{basis_label(view.get('basis_after') or ())}"
        )
    rows = [
        [s.get("index"), s.get("kind"), s.get("summary"), s.get("status") or "hypothetical (in effect in the scenario)"]
        for s in report.get("steps", ())
    ]
    title = f"What if: {scenario.get('name', '')}"
    return _section("scenario", title, ["step", "kind", "what", "status"], rows, notes, changed=True)


_TITLES = {
    "groups": "Control groups",
    "coverage": "Stack coverage",
    "ties": "Ties that come along",
    "dependencies": "External dependencies",
    "chokepoints": "Chokepoints",
    "centrality": "Centrality",
    "vertical_exposure": "Vertical exposure",
    "concentration": "Concentration",
    "merger_screens": "Merger screens",
}


def _groups(report: Mapping[str, Any]) -> Section:
    rows = []
    for g in report.get("groups", ()):
        if g["status"] == "absorbed":
            what = f"absorbed by {_names(g['absorbed_by'])}" if g.get("absorbed_by") else "dissolved"
        else:
            parts = (
                f"joined: {_names(g['joined'])}" if g["joined"] else "",
                f"left: {_names(g['left'])}" if g["left"] else "",
            )
            what = "; ".join(p for p in parts if p)
        rows.append([_name(g["parent"]), g["status"], g["size_before"], g["size_after"], what])
    return _section("groups", _TITLES["groups"], ["group", "change", "size before", "size after", "members"], rows)


def _coverage(report: Mapping[str, Any], layer: Any, layer_list: Any) -> Section:
    rows, moved = [], False
    for c in report.get("coverage", ()):
        moved = moved or bool(c["gained"] or c["lost"] or c["score_change"] or c["depth_change"])
        rows.append(
            [
                _name(c["group"]),
                layer_list(c["gained"]),
                layer_list(c["lost"]),
                f"{c['score_before']:.3f} → {c['score_after']:.3f}",
                f"{c['depth_before']} → {c['depth_after']}",
                " > ".join(layer(k) for k in c["chain_after"]) or "-",
            ]
        )
    scheme = len(report.get("layers") or ()) or "the"
    notes = [
        f"coverage: the share of the stack's {scheme} layers a group holds, from 0 (none) to 1 (all); a broader "
        "layer counts in part through the narrower layers held; integration depth: the layers in the longest "
        "chain held where each feeds the next"
    ]
    headers = ["group", "layers gained", "layers lost", "coverage (0-1)", "integration depth", "chain"]
    return _section(
        "coverage", _TITLES["coverage"], headers, rows if moved else [], notes if moved else [], changed=moved
    )


def _ties(report: Mapping[str, Any], layer: Any) -> Section:
    rows, notes = [], []
    for t in report.get("ties", ()):
        active, passive = _RELATION_PHRASES.get(t["relation"], (t["relation"], t["relation"]))
        phrase = active if t["direction"] == "out" else passive
        details = ", ".join(
            x
            for x in (
                f"input: {layer(t['input_layer'])}" if t.get("input_layer") else "",
                money(t.get("amount"), t.get("currency")) or "",
                f"{t['stake']:g}% stake" if t.get("stake") is not None else "",
                t.get("purpose") or "",
            )
            if x
        )
        basis = t.get("basis") or []
        rows.append(
            [
                _name(t["group"]),
                _name(t["member"]),
                phrase,
                _name(t["other"]),
                t.get("status"),
                details,
                basis_label(basis) if basis else "not recorded",
            ]
        )
        quotes = t.get("quotes") or []
        sources = "; ".join(t.get("sources") or ())
        tie = f"{_name(t['member'])} {phrase} {_name(t['other'])}"
        if quotes:
            notes.extend(f'{tie}: "{q}"' + (f" ({sources})" if sources else "") for q in quotes)
        else:
            notes.append(
                f"{tie}: no quoted sentence" + (f" (source: {sources})" if sources else " (no source recorded)")
            )
    headers = ["group", "member", "relation", "with", "status", "details", "evidence"]
    return _section("ties", _TITLES["ties"], headers, rows, notes)


def _dependencies(report: Mapping[str, Any], layer: Any, layer_list: Any) -> Section:
    rows, notes = [], []
    for d in report.get("dependencies", ()):
        group = _name(d["group"])
        left = set(d.get("no_supplier_left") or ())
        for dep in d["added"]:
            rows.append([group, "new outside supplier", layer(dep["layer"]), _name(dep["supplier"])])
        for dep in d["removed"]:
            change = "no supplier left" if dep["layer"] in left else "supplier gone"
            rows.append([group, change, layer(dep["layer"]), _name(dep["supplier"])])
        for key in sorted(left):
            notes.append(f"{group}: no supplier left for {layer(key)}, inside the group or outside it")
        if d["added"] or d["removed"]:
            notes.append(
                f"{group}: {d['before']} → {d['after']} outside suppliers (per input layer); "
                f"single-source inputs: {layer_list(d['single_source_after']) if d['single_source_after'] else 'none'}"
            )
    headers = ["group", "change", "input layer", "supplier"]
    return _section("dependencies", _TITLES["dependencies"], headers, rows, notes)


def _chokepoints(report: Mapping[str, Any]) -> Section:
    chokepoints = report.get("chokepoints") or {}
    rows = []
    for label, key in (("became one", "added"), ("no longer one", "removed"), ("changed", "changed")):
        for c in chokepoints.get(key, ()):
            rows.append(
                [
                    _name(c["supplier"]),
                    label,
                    f"{c['rank_before'] or '-'} → {c['rank_after'] or '-'}",
                    f"{c['dominated_before']} → {c['dominated_after']}",
                    f"{'yes' if c['articulation_before'] else 'no'} → {'yes' if c['articulation_after'] else 'no'}",
                ]
            )
    headers = ["supplier", "chokepoint", "rank", "customers dominated", "articulation point"]
    return _section("chokepoints", _TITLES["chokepoints"], headers, rows)


def _move(before: int | None, after: int | None) -> Cell:
    if before is None:
        return Cell("new", "good")
    if after is None:
        return Cell("gone", "bad")
    if after < before:
        return Cell(f"up {before - after}", "good")
    return Cell(f"down {after - before}", "bad")


def _centrality(report: Mapping[str, Any]) -> Section:
    centrality = report.get("centrality") or {}
    moves = [m for m in centrality.get("moves", ()) if m["rank_before"] != m["rank_after"]]
    rows = [
        [
            _name(m["entity"]),
            m["rank_before"],
            m["rank_after"],
            _move(m["rank_before"], m["rank_after"]),
            f"{m['pagerank_before']:.3g} → {m['pagerank_after']:.3g}",
        ]
        for m in moves
    ]
    groups = [g for g in centrality.get("groups", ()) if g["degree_before"] != g["degree_after"]]
    notes = [
        f"group degree centrality of {_name(g['group'])}: {g['degree_before']:.4f} → {g['degree_after']:.4f}"
        for g in groups
    ]
    if centrality.get("error"):
        notes.append(centrality["error"])
    elif not rows:
        notes.append(f"no PageRank rank moves beyond ties among the top {centrality.get('top')}")
    else:
        still = len(centrality.get("moves", ())) - len(moves)
        notes.append(
            f"PageRank ranks among the top {centrality.get('top')} before or after; entities with equal PageRank "
            f"share a rank, so only moves beyond ties are listed ({still} others keep their rank)"
        )
    title = f"{_TITLES['centrality']} (PageRank, top {centrality.get('top', '')})"
    headers = ["entity", "rank before", "rank after", "move", "pagerank"]
    return _section("centrality", title, headers, rows, notes, changed=bool(rows or groups or centrality.get("error")))


def _exposure(report: Mapping[str, Any], layer: Any, layer_list: Any) -> Section:
    exposure = report.get("vertical_exposure") or {}
    changes = [(e, "new") for e in exposure.get("exposures", ()) if e["new"]]
    changes += [(e, "ended") for e in exposure.get("ended", ())]
    rows = [
        [
            _name(e["group"]),
            _name(e["rival"]),
            layer_list(e["shared_layers"]),
            _name(e["supplier"]),
            layer(e.get("input_layer")),
            change,
        ]
        for e, change in changes
    ]
    headers = ["group", "rival", "shared layers", "buys from", "input", "change"]
    return _section(
        "vertical_exposure", f"{_TITLES['vertical_exposure']} (rivals buying from the group)", headers, rows
    )


def _concentration(report: Mapping[str, Any]) -> Section:
    rows, estimates = [], False
    for m in report.get("concentration", ()):
        if not m["delta_hhi"]:
            continue
        basis = m.get("basis") or []
        estimate = is_estimate(basis)
        estimates = estimates or estimate
        flags = [basis_label(basis) + (" (not a finding)" if estimate else "")] if basis else []
        if m.get("highly_concentrated"):
            flags.append("highly concentrated (HHI > 1,800)")
        if m.get("significant_change"):
            flags.append("significant increase (ΔHHI > 100)")
        if m.get("presumed_to_enhance_market_power"):
            flags.append("presumed to enhance market power")
        rows.append(
            [
                m["label"],
                m.get("year"),
                f"{m['hhi_before']:,.0f}",
                f"{m['hhi_after']:,.0f}",
                f"{m['delta_hhi']:+,.0f}",
                "; ".join(flags),
            ]
        )
    notes = []
    if rows:
        notes.append("thresholds: 2023 US Merger Guidelines; shares summed per control group")
        if estimates:
            notes.append(
                "shares marked editorial estimate are approximate: check them before citing a figure built on them"
            )
    elif report.get("concentration"):
        markets = [
            m["label"] + (f" ({basis_label(m['basis'])})" if m.get("basis") else "") for m in report["concentration"]
        ]
        notes.append(f"HHI unchanged in every market with known shares: {', '.join(markets)}")
    else:
        notes.append("no market with known shares")
    headers = ["market", "year", "HHI before", "HHI after", "ΔHHI", "flags"]
    return _section("concentration", f"{_TITLES['concentration']} (HHI per layer)", headers, rows, notes)


def _screens(report: Mapping[str, Any], layer_list: Any) -> Section:
    rows, notes = [], []
    for screen in report.get("merger_screens") or ():
        flags = {key: layer_list(markets) if markets else "no market" for key, markets in screen["flags"].items()}
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
    changed = "merger_screens" in (report.get("changed") or ())
    headers = ["group", "market", "test", "result", "figure"]
    title = f"{_TITLES['merger_screens']} (per market the deal touches)"
    return _section(
        "merger_screens", title, headers, rows if changed else [], notes if changed else [], changed=changed
    )


def _evidence(item: Mapping[str, Any]) -> str:
    return f"{item['text']} ({', '.join(item['basis']) or 'evidence kind not recorded'})"
