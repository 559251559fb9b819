"""Merge a before and an after graph into one diff graph, and collect the before/after figures for its panel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import networkx as nx

from stackgraph.render._aggregate import group_of
from stackgraph.vocabulary.rules import basis_label

__all__ = ["diff_figures", "merge_diff"]


def merge_diff(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return the union of ``before`` and ``after`` with what changed marked on every node and edge.

    Edges (same endpoints and key) get ``change`` = ``"added"`` (only after), ``"removed"`` (only before) or
    ``"same"``. Nodes get ``change`` likewise, plus ``group_before`` / ``group_after`` (labels of their control
    groups) and ``group_changed``. Attributes come from ``after`` where an item is in both.

    Examples
    --------
    >>> B = nx.MultiDiGraph()
    >>> B.add_node("A", label="A", kind="organization"); B.add_node("N", label="N", kind="organization")
    >>> A = B.copy()
    >>> _ = A.add_edge("A", "N", key="d", relation="acquires", status="hypothetical", stake=None, scenario=True)
    >>> D = merge_diff(B, A)
    >>> D.edges["A", "N", "d"]["change"], D.nodes["N"]["group_changed"], D.nodes["N"]["group_after"]
    ('added', True, 'A')
    """
    D = nx.MultiDiGraph()
    D.graph.update(after.graph)
    groups_before, groups_after = group_of(before), group_of(after)

    def group_label(G: nx.MultiDiGraph, group: Any) -> str:
        return str(G.nodes[group].get("label") or group)

    for node in [*after.nodes, *(n for n in before.nodes if n not in after)]:
        data = dict(after.nodes[node] if node in after else before.nodes[node])
        data["change"] = "same" if node in after and node in before else ("added" if node in after else "removed")
        was = groups_before.get(node)
        now = groups_after.get(node)
        data["group_before"] = group_label(before, was) if was is not None else None
        data["group_after"] = group_label(after, now) if now is not None else None
        data["group_changed"] = was is not None and now is not None and was != now
        D.add_node(node, **data)
    for u, v, key, data in after.edges(keys=True, data=True):
        D.add_edge(u, v, key=key, **{**data, "change": "same" if before.has_edge(u, v, key) else "added"})
    for u, v, key, data in before.edges(keys=True, data=True):
        if not after.has_edge(u, v, key):
            D.add_edge(u, v, key=key, **{**data, "change": "removed"})
    return D


def _entity(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("label") or value.get("iri") or "")
    return str(value)


def _row(label: str, before: Any, after: Any, note: str = "") -> dict[str, Any]:
    return {"label": label, "before": before, "after": after, "note": note}


def _graph_rows(D: nx.MultiDiGraph) -> list[dict[str, Any]]:
    count: Counter[tuple[str, str]] = Counter()
    partnerships: set[tuple[Any, frozenset[Any]]] = set()
    for u, v, key, data in D.edges(keys=True, data=True):
        change = data.get("change")
        relation = str(data.get("relation") or "related")
        if relation == "partners_with":  # one tie, drawn once, though projected both ways
            if (key, frozenset((u, v))) in partnerships:
                continue
            partnerships.add((key, frozenset((u, v))))
        for side in ("before", "after"):
            if (
                change == "same"
                or (change == "removed" and side == "before")
                or (change == "added" and side == "after")
            ):
                count[(side, relation)] += 1
                count[(side, "")] += 1
    nodes_before = sum(1 for _, c in D.nodes(data="change") if c != "added")
    nodes_after = sum(1 for _, c in D.nodes(data="change") if c != "removed")
    rows = [_row("entities", nodes_before, nodes_after), _row("ties", count[("before", "")], count[("after", "")])]
    relations = sorted({r for _, r in count if r})
    rows += [_row(f"ties: {r.replace('_', ' ')}", count[("before", r)], count[("after", r)]) for r in relations]
    moved = sum(1 for _, c in D.nodes(data="group_changed") if c)
    rows.append(_row("entities changing control group", "", moved))
    return rows


def _report_sections(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []

    def add(title: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            sections.append({"title": title, "rows": rows})

    add(
        "Control groups",
        [
            _row(
                _entity(g.get("parent")),
                g.get("size_before"),
                g.get("size_after"),
                "; ".join(
                    part
                    for part in (
                        str(g.get("status") or ""),
                        ("joined: " + ", ".join(_entity(m) for m in g.get("joined") or [])) if g.get("joined") else "",
                        ("left: " + ", ".join(_entity(m) for m in g.get("left") or [])) if g.get("left") else "",
                    )
                    if part
                ),
            )
            for g in report.get("groups") or []
            if isinstance(g, Mapping)
        ],
    )
    coverage_rows = []
    for c in report.get("coverage") or []:
        if not isinstance(c, Mapping):
            continue
        name = _entity(c.get("group"))
        gained, lost = c.get("gained") or [], c.get("lost") or []
        note = "; ".join(
            p for p in ("+" + ", ".join(gained) if gained else "", "−" + ", ".join(lost) if lost else "") if p
        )
        coverage_rows.append(
            _row(f"{name}: layers held", len(c.get("held_before") or []), len(c.get("held_after") or []), note)
        )
        coverage_rows.append(_row(f"{name}: coverage score", c.get("score_before"), c.get("score_after")))
        coverage_rows.append(_row(f"{name}: integration depth", c.get("depth_before"), c.get("depth_after")))
    add("Stack coverage", coverage_rows)
    add(
        "External dependencies",
        [
            _row(_entity(d.get("group")), d.get("before"), d.get("after"))
            for d in report.get("dependencies") or []
            if isinstance(d, Mapping)
        ],
    )
    centrality = report.get("centrality")
    if isinstance(centrality, Mapping):
        rows = [
            _row(f"{_entity(g.get('group'))}: group degree", g.get("degree_before"), g.get("degree_after"))
            for g in centrality.get("groups") or []
            if isinstance(g, Mapping)
        ]
        rows += [
            _row(f"{_entity(m.get('entity'))}: PageRank rank", m.get("rank_before"), m.get("rank_after"))
            for m in centrality.get("moves") or []
            if isinstance(m, Mapping) and m.get("rank_before") != m.get("rank_after")
        ]
        add("Centrality", rows)
    chokepoints = report.get("chokepoints")
    if isinstance(chokepoints, Mapping):
        rows = [
            _row(_entity(c.get("supplier")), c.get("rank_before"), c.get("rank_after"), "chokepoint rank")
            for name in ("added", "removed", "changed")
            for c in chokepoints.get(name) or []
            if isinstance(c, Mapping)
        ]
        add("Chokepoints", rows)
    add(
        "Concentration (HHI)",
        [
            _row(
                str(m.get("label") or m.get("market")),
                m.get("hhi_before"),
                m.get("hhi_after"),
                f"ΔHHI {m.get('delta_hhi')}"
                + (" · highly concentrated" if m.get("highly_concentrated") else "")
                + (f" · {basis_label(m['basis'])}" if m.get("basis") else ""),
            )
            for m in report.get("concentration") or []
            if isinstance(m, Mapping)
        ],
    )
    exposure = report.get("vertical_exposure")
    if isinstance(exposure, Mapping):
        new = [e for e in exposure.get("exposures") or [] if isinstance(e, Mapping) and e.get("new")]
        ended = exposure.get("ended") or []
        if new or ended:
            add("Vertical exposure", [_row("rivals buying from a focus group", len(ended), len(new), "new vs ended")])
    return sections


def diff_figures(D: nx.MultiDiGraph, report: Mapping[str, Any] | Any | None = None) -> dict[str, Any]:
    """Return the panel of a diff view: a title, the scenario's description and before/after rows by section.

    ``D`` is a graph from :func:`merge_diff`; ``report`` an optional what-if report (``WhatIf.report`` or
    ``to_dict()``), whose sections (groups, coverage, dependencies, centrality, chokepoints, concentration) add
    rows. Values are plain numbers or strings.

    Examples
    --------
    >>> B = nx.MultiDiGraph(); B.add_node("A", label="A"); B.add_node("N", label="N")
    >>> A = B.copy(); _ = A.add_edge("A", "N", key="d", relation="acquires", status="hypothetical", stake=None)
    >>> panel = diff_figures(merge_diff(B, A))
    >>> panel["sections"][0]["rows"][1]
    {'label': 'ties', 'before': 0, 'after': 1, 'note': ''}
    """
    if report is not None and not isinstance(report, Mapping) and hasattr(report, "to_dict"):
        report = report.to_dict()  # a report object rather than its dict
    report = dict(report or {})
    scenario = report.get("scenario") if isinstance(report.get("scenario"), Mapping) else {}
    steps = [str(s.get("summary")) for s in report.get("steps") or [] if isinstance(s, Mapping) and s.get("summary")]
    return {
        "title": str(scenario.get("name") or "Before / after"),
        "description": str(scenario.get("description") or ""),
        "as_of": scenario.get("as_of"),
        "steps": steps,
        "changed": [str(c) for c in report.get("changed") or []],
        "sections": [{"title": "Graph", "rows": _graph_rows(D)}, *_report_sections(report)],
    }
