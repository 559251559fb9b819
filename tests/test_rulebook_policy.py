"""The deal policy on every dated command and in the store: options, their errors, and the derived graph's day."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from stackgraph.cli import main
from stackgraph.store import POLICY_GRAPH, KnowledgeStore
from stackgraph.vocabulary.rules import DealPolicy

ID = "https://w3id.org/stackgraph/id/"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_the_derived_graph_is_the_default_policy_as_of_the_day_it_was_derived(monkeypatch) -> None:
    import stackgraph.store as store_module

    store = KnowledgeStore.with_shipped_graphs()
    controls = "SELECT ?a ?b WHERE { ?a sg:controls ?b }"
    assert (ID + "SpaceX", ID + "xAI") in {(r["a"], r["b"]) for r in store.select(controls)}
    rule = store_module.derivation_query
    # the next day comes: here, a day in 2020, where the undated acquisition does not count
    monkeypatch.setattr(store_module, "derivation_query", lambda policy=None: rule(policy or DealPolicy("2020")))
    assert (ID + "SpaceX", ID + "xAI") not in {(r["a"], r["b"]) for r in store.select(controls)}
    assert date.today().isoformat() not in store_module.derivation_query()


def test_a_policy_query_derives_into_a_scratch_graph_it_drops_after() -> None:
    store = KnowledgeStore.with_shipped_graphs()
    rows = store.select("SELECT ?a ?b WHERE { ?a sg:controls ?b }", policy=DealPolicy(as_of="2020"))
    assert rows == []  # nothing dated controls anything in 2020
    assert POLICY_GRAPH not in {g.value for g in store.raw.named_graphs()}
    assert {(r["a"], r["b"]) for r in store.select("SELECT ?a ?b WHERE { ?a sg:controls ?b }")} >= {
        (ID + "SpaceX", ID + "xAI")
    }


def test_every_dated_command_takes_undated_and_evidence(tmp_path: Path) -> None:
    report = run("whatif", "spacex-acquires-nokia", "--evidence", "quoted", "--undated", "exclude", "--format", "json")
    assert report.exit_code == 0, report.output
    view = json.loads(report.stdout)["view"]
    assert view["evidence"] == ["quoted", "scenario"] and view["undated"]["rule"] == "exclude"
    screen = run("screen", "SpaceX", "--undated", "include", "--format", "json")
    assert screen.exit_code == 0 and json.loads(screen.stdout)["undated"]["rule"] == "include"
    page = tmp_path / "view.html"
    assert run("render", "-o", str(page), "--as-of", "2020", "--undated", "include").exit_code == 0
    exported = run("export", "--format", "csv", "--as-of", "2020")
    assert exported.exit_code == 0 and "undated deals left out" in exported.stderr


def test_bad_policy_values_exit_2_listing_the_valid_ones() -> None:
    result = run("analyze", "groups", "--evidence", "rumour")
    assert result.exit_code == 2
    assert "unknown evidence kind 'rumour'; use one or more of quoted, dataset, editorial, scenario, or all" in (
        result.output
    )
    result = run("whatif", "spacex-acquires-nokia", "--undated", "sometimes")
    assert result.exit_code == 2 and "'sometimes' is not one of 'include', 'exclude'" in result.output
    result = run("query", "financials", "--bind", "entity=SpaceX", "--evidence", "quoted")
    assert result.exit_code == 2 and "does not depend on which deals count" in result.output
