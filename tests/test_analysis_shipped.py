"""The analysis on the shipped AI-stack graph: the facts issue #3 pins ("Correct on the shipped graph")."""

from __future__ import annotations

import pytest

from stackgraph.analysis import chokepoints, control_groups, dependencies, dependents, group_coverage
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.store import KnowledgeStore

ID = "https://w3id.org/stackgraph/id/"


@pytest.fixture(scope="module")
def store() -> KnowledgeStore:
    return KnowledgeStore.with_shipped_graphs()


def names(iris) -> set[str]:
    return {iri.removeprefix(ID) for iri in iris}


def test_the_baseline_spacex_group(store: KnowledgeStore) -> None:
    G = project(store)
    (group,) = [g for g in control_groups(G).groups if g.parent == ID + "SpaceX"]
    assert names(group.member_ids()) == {"SpaceX", "Starlink", "xAI", "Grok", "Terafab"}  # not Cursor, not Nokia
    assert {m.entity: m.depth for m in group.members}[ID + "Grok"] == 2  # through xAI


def test_the_baseline_spacex_coverage(store: KnowledgeStore) -> None:
    coverage = group_coverage(project(store), "SpaceX")
    held = set(coverage.held)
    assert {"satellite-broadband", "ai-models", "chip-fabrication"} <= held
    assert not {"terrestrial-ran", "developer-tooling"} & held


def test_nvidia_is_an_external_dependency_for_accelerators(store: KnowledgeStore) -> None:
    report = dependencies(project(store), "SpaceX")
    by_layer = {d.layer: names(s.entity for s in d.suppliers) for d in report.external}
    assert "Nvidia" in by_layer["accelerators"]
    assert ID + "SpaceX" in {d.entity for d in dependents(project(store), "Nvidia").dependents}
    assert ID + "Nvidia" in {c.entity for c in chokepoints(project(store)).rows}


def test_with_in_talks_deals_cursor_joins_and_developer_tooling_is_covered(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(statuses={"completed", "active", "in-talks"}))
    coverage = group_coverage(G, "SpaceX")
    assert "Cursor" in names(coverage.members)
    assert "developer-tooling" in coverage.held
    assert "Nokia" not in names(coverage.members)  # hypothetical, still not counted


def test_with_hypothetical_deals_nokia_and_terrestrial_ran_join(store: KnowledgeStore) -> None:
    G = project(store, ProjectionPolicy(statuses={"completed", "active", "hypothetical"}))
    coverage = group_coverage(G, "SpaceX")
    assert "Nokia" in names(coverage.members) and "terrestrial-ran" in coverage.held
