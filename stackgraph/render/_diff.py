"""Merge a before and an after graph into one diff graph, and collect the before/after figures for its panel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import networkx as nx

from stackgraph.render._aggregate import group_of

__all__ = ["diff_figures", "merge_diff", "step_statuses"]


def merge_diff(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, statuses: Mapping[str, str] | None = None
) -> nx.MultiDiGraph:
    """Return the union of ``before`` and ``after`` with what changed marked on every node and edge.

    Edges (same endpoints and key) get ``change`` = ``"added"`` (only after), ``"removed"`` (only before) or
    ``"same"``. Nodes get ``change`` likewise, plus ``group_before`` / ``group_after`` (labels of their control
    groups) and ``group_changed``. Attributes come from ``after`` where an item is in both. ``statuses`` (deal ->
    status key, :func:`step_statuses`) gives scenario deals the status their step states: a deal a scenario
    completes is drawn and described as completed, not as hypothetical.

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
    statuses = statuses or {}
    for u, v, key, data in after.edges(keys=True, data=True):
        data = {**data, "change": "same" if before.has_edge(u, v, key) else "added"}
        if key in statuses:
            data["status"] = statuses[key]
        D.add_edge(u, v, key=key, **data)
    for u, v, key, data in before.edges(keys=True, data=True):
        if not after.has_edge(u, v, key):
            D.add_edge(u, v, key=key, **{**data, "change": "removed"})
    return D


def _cell(value: Any, tone: str | None = None) -> dict[str, Any]:
    return {
        "text": "–" if value is None or value == "" else f"{value:,}" if isinstance(value, int) else str(value),
        "tone": tone,
    }


def _graph_section(D: nx.MultiDiGraph) -> dict[str, Any]:
    """Entities, ties per relation and group moves before and after, as a section of the report model."""
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
    rows = [("entities", nodes_before, nodes_after), ("ties", count[("before", "")], count[("after", "")])]
    rows += [
        (f"ties: {r.replace('_', ' ')}", count[("before", r)], count[("after", r)])
        for r in sorted({r for _, r in count if r})
    ]
    rows.append(("entities changing control group", None, sum(1 for _, c in D.nodes(data="group_changed") if c)))
    return {
        "key": "graph",
        "title": "Graph",
        "headers": ["", "before", "after"],
        "rows": [[_cell(label), _cell(before), _cell(after)] for label, before, after in rows],
        "notes": [],
        "changed": True,
    }


def step_statuses(report: Mapping[str, Any] | None) -> dict[str, str]:
    """The status each step of a what-if report gives the deals it adds (``{deal IRI: status key}``; steps
    without one add hypothetical deals)."""
    found: dict[str, str] = {}
    for step in (report or {}).get("steps") or ():
        if isinstance(step, Mapping) and step.get("status"):
            found.update((str(deal), str(step["status"])) for deal in step.get("added") or ())
    return found


def diff_figures(D: nx.MultiDiGraph, report: Mapping[str, Any] | Any | None = None) -> dict[str, Any]:
    """Return the panel of a diff view: a title, the scenario's description, its steps and the report's sections.

    ``D`` is a graph from :func:`merge_diff`; ``report`` an optional what-if report (``WhatIf.report``), whose
    ``sections`` (the report model of :mod:`stackgraph.scenarios.sections`: the text and Markdown reports read the
    same) follow a first section of graph figures. Each section: ``title``, ``headers``, ``rows`` of
    ``{"text", "tone"}`` cells (``tone`` ``good`` or ``bad`` for a move), ``notes`` and ``changed``.

    Examples
    --------
    >>> B = nx.MultiDiGraph(); B.add_node("A", label="A"); B.add_node("N", label="N")
    >>> A = B.copy(); _ = A.add_edge("A", "N", key="d", relation="acquires", status="hypothetical", stake=None)
    >>> panel = diff_figures(merge_diff(B, A))
    >>> [cell["text"] for cell in panel["sections"][0]["rows"][1]]
    ['ties', '0', '1']
    """
    if report is not None and not isinstance(report, Mapping) and hasattr(report, "to_dict"):
        report = report.to_dict()  # a report object rather than its dict
    report = dict(report or {})
    scenario = report.get("scenario") if isinstance(report.get("scenario"), Mapping) else {}
    steps = [
        f"{s['summary']} (status: {s.get('status') or 'hypothetical, in effect in the scenario'})"
        for s in report.get("steps") or []
        if isinstance(s, Mapping) and s.get("summary")
    ]
    sections = [s for s in report.get("sections") or [] if isinstance(s, Mapping) and s.get("key") != "scenario"]
    return {
        "title": str(scenario.get("name") or "Before / after"),
        "description": str(scenario.get("description") or ""),
        "as_of": scenario.get("as_of"),
        "steps": steps,
        "changed": [str(c) for c in report.get("changed") or []],
        "sections": [_graph_section(D), *sections],
    }
