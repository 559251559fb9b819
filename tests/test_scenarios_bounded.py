"""Long scenarios: a step limit, progress after each step, and steps that cost the same whatever their position
(issue #16, item 5). No timing assertions: what a step writes to the store is counted instead."""

from __future__ import annotations

import io

import pytest
from scenario_fixtures import tiny_store

from stackgraph.cli._common import Progress
from stackgraph.errors import ScenarioError
from stackgraph.scenarios import MAX_STEPS, apply_scenario, parse_scenario

NAMES = ["Alpha", "Beta", "Gamma", "Delta", "Sigma", "Rho", "Xi"]


def _steps(n: int) -> list[dict]:
    steps = []
    for i in range(n):
        a, b = NAMES[i % len(NAMES)], NAMES[(i + 1 + i // len(NAMES)) % len(NAMES)]
        if a == b:
            b = NAMES[(i + 2) % len(NAMES)]
        kind = i % 3
        if kind == 0:
            steps.append({"kind": "invest", "investor": a, "investee": b})
        elif kind == 1:
            steps.append({"kind": "partner", "partners": [a, b]})
        else:
            steps.append({"kind": "add-supply", "supplier": a, "customer": b})
    return steps


def _scenario(n: int):
    return parse_scenario({"name": "long", "as_of": "2026-07-01", "steps": _steps(n)})


def test_a_scenario_over_the_step_limit_is_refused_before_any_work() -> None:
    store = tiny_store()
    with pytest.raises(ScenarioError, match=f"1,001 steps; a scenario plays at most {MAX_STEPS:,}"):
        apply_scenario(store, _scenario(MAX_STEPS + 1))
    with pytest.raises(ScenarioError, match="5 steps; a scenario plays at most 4"):
        apply_scenario(store, _scenario(5), max_steps=4)


def test_progress_is_reported_after_each_step() -> None:
    seen: list[tuple[int, int, str]] = []
    apply_scenario(
        tiny_store(), _scenario(4), progress=lambda done, total, summary: seen.append((done, total, summary))
    )
    assert [(d, t) for d, t, _ in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert seen[0][2] == "Alpha invests in Beta"


def test_each_step_writes_only_its_own_triples(monkeypatch) -> None:
    """A step's cost does not grow with the steps before it: the store receives that step's triples only, and
    steps that need no control check do not re-project the overlay."""
    from stackgraph.projection import project as real_project
    from stackgraph.store import KnowledgeStore

    updates: list[str] = []
    projections: list[int] = []
    real_update = KnowledgeStore.update

    def update(self, sparql: str) -> None:
        updates.append(sparql)
        real_update(self, sparql)

    monkeypatch.setattr(KnowledgeStore, "update", update)
    monkeypatch.setattr("stackgraph.projection.project", lambda *a, **k: projections.append(1) or real_project(*a, **k))
    overlay = apply_scenario(tiny_store(), _scenario(60))
    assert len(updates) == 60 and all(u.startswith("INSERT DATA") for u in updates)
    sizes = [u.count("\n") for u in updates]
    assert max(sizes) <= 10  # one deal: type, label, status, source, two parties, date (and the layer)
    assert sizes[:3] == sizes[-3:]  # the 58th-60th steps write as much as the 1st-3rd
    assert len(projections) == 1  # names and labels read once; no control check needed
    assert overlay.triples() == 3 + sum(sizes)  # and the scenario source: type, title, date


def test_the_incremental_scenario_graph_equals_a_full_rewrite(monkeypatch) -> None:
    from stackgraph.scenarios.overlay import _Player

    steps = [
        *_steps(5),
        {"kind": "acquire", "acquirer": "Alpha", "target": "Delta"},
        {"kind": "set-status", "type": "acquisition", "parties": ["Alpha", "Delta"], "status": "terminated"},
        {
            "kind": "sparql-update",
            "update": "DELETE WHERE { sgid:scenario-mixed-2-partner rdfs:label ?l } ; "
            "INSERT DATA { sgid:A rdfs:comment 'x' }",
        },
        {"kind": "divest", "holder": "Beta", "target": "Beta Devices"},
    ]
    scenario = parse_scenario({"name": "mixed", "as_of": "2026-07-01", "steps": steps})

    def graph(overlay) -> list[str]:
        return sorted(
            str(q)
            for q in overlay.store.raw.quads_for_pattern(None, None, None, None)
            if q.graph_name.value == overlay.graph_iri
        )

    incremental = graph(apply_scenario(tiny_store(), scenario))
    original = _Player._flush

    def rewrite_everything(self) -> None:
        self._flushed = set()  # as if nothing had been written yet: the whole graph is loaded again
        original(self)

    monkeypatch.setattr(_Player, "_flush", rewrite_everything)
    assert incremental == graph(apply_scenario(tiny_store(), scenario))
    assert any("scenario-mixed-7-set-status" in q and "endDate" in q for q in incremental)


def test_the_progress_line_shows_on_a_terminal_only() -> None:
    stream = io.StringIO()
    with Progress("Playing", delay=0, interval=0, force=True, stream=stream) as progress:
        progress(1, 800, "Alpha invests in Beta")
        progress(2, 800, "Alpha\u202e partners")
    shown = stream.getvalue()
    assert "Playing" in shown and "2/800" in shown
    assert "Alpha[U+202E] partners" in shown and "\u202e" not in shown  # data never acts on the terminal
    quiet = io.StringIO()  # not a terminal
    with Progress("Playing", delay=0, interval=0, stream=quiet) as progress:
        progress(1, 2)
    assert quiet.getvalue() == ""
    late = io.StringIO()  # work done before the delay shows nothing
    with Progress("Playing", delay=30, force=True, stream=late) as progress:
        progress(1, 2)
    assert late.getvalue() == ""
