"""Scenario files: the TOML format, structural checks and error messages naming the step and field."""

from __future__ import annotations

import pytest

from stackgraph.errors import ScenarioError
from stackgraph.resources import scenario_examples_dir
from stackgraph.scenarios.builder import ScenarioBuilder
from stackgraph.scenarios.model import STEP_KINDS, load_scenario, parse_date, parse_scenario, slugify


def _scenario(*steps: dict, **top: object) -> dict:
    return {"name": "Test", **top, "steps": list(steps)}


def test_example_scenarios_parse() -> None:
    names = sorted(p.stem for p in scenario_examples_dir().glob("*.toml"))
    assert names == ["combined", "cursor-deal-completes", "nvidia-cuts-spacex-supply", "spacex-acquires-nokia"]
    combined = load_scenario(scenario_examples_dir() / "combined.toml")
    assert [s.kind for s in combined.steps] == ["acquire", "set-status", "cut-supply"]
    assert combined.slug == "combined"
    assert combined.as_of == "2026-07-01"
    assert combined.steps[0].fields == {"acquirer": "SpaceX", "target": "Nokia", "date": "2026-06-15"}


def test_every_kind_parses(tmp_path) -> None:
    text = """
name = "All kinds"
description = "one of each"
as_of = "2026-12"
[[steps]]
kind = "acquire"
acquirer = "A"
target = "B"
stake = 60
price = 1_000
currency = "eur"
date = 2026-01-02
[[steps]]
kind = "divest"
holder = "A"
target = "B"
[[steps]]
kind = "invest"
investor = "A"
investee = "C"
amount = 5.5
[[steps]]
kind = "partner"
partners = ["A", "C"]
purpose = "joint work"
[[steps]]
kind = "add-supply"
supplier = "C"
customer = "A"
layer = "accelerators"
[[steps]]
kind = "cut-supply"
supplier = "C"
customer = "A"
[[steps]]
kind = "set-status"
deal = "deal-x"
status = "in_talks"
[[steps]]
kind = "sparql-update"
update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
"""
    path = tmp_path / "all.toml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert [s.kind for s in scenario.steps] == list(STEP_KINDS)
    acquire = scenario.steps[0]
    assert acquire.fields["stake"] == 60.0 and acquire.fields["currency"] == "EUR"
    assert acquire.fields["date"] == "2026-01-02"
    assert scenario.steps[6].fields["status"] == "in-talks"
    assert scenario.effective_as_of() == "2026-12-31"
    assert scenario.graph_iri == "urn:stackgraph:graph:scenario-all"


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"kind": "acquire", "acquirer": "A"}], "step 1 (acquire), field 'target': missing"),
        ([{"kind": "acquire", "acquirer": "A", "target": ""}], "step 1 (acquire), field 'target': missing"),
        ([{"acquirer": "A"}], "step 1, field 'kind': missing"),
        ([{"kind": "merge"}], "step 1, field 'kind': unknown kind 'merge'"),
        (
            [{"kind": "divest", "holder": "A", "target": "B"}, {"kind": "acquire", "acquirer": "A", "targte": "B"}],
            "step 2 (acquire), field 'targte': unknown field",
        ),
        ([{"kind": "acquire", "acquirer": "A", "target": "B", "stake": 120}], "field 'stake': expected a percentage"),
        ([{"kind": "acquire", "acquirer": "A", "target": "B", "date": "2026-13-01"}], "date '2026-13-01': impossible"),
        ([{"kind": "acquire", "acquirer": "A", "target": "B", "date": "soon"}], "date 'soon': expected a"),
        ([{"kind": "invest", "investor": "A", "investee": "B", "amount": -1}], "field 'amount': expected a non-neg"),
        ([{"kind": "invest", "investor": "A", "investee": "B", "currency": "dollars"}], "field 'currency'"),
        ([{"kind": "partner", "partners": ["A"]}], "step 1 (partner), field 'partners': expected at least two"),
        ([{"kind": "partner", "partners": "A,B"}], "field 'partners': expected a list"),
        ([{"kind": "set-status", "status": "done", "deal": "x"}], "field 'status': unknown status 'done'"),
        ([{"kind": "set-status", "status": "completed"}], "field 'deal': give either 'deal'"),
        ([{"kind": "set-status", "status": "completed", "type": "acquisition"}], "field 'parties': missing"),
        ([{"kind": "set-status", "status": "completed", "type": "merger", "parties": ["A", "B"]}], "field 'type'"),
        ([{"kind": "acquire", "acquirer": 3, "target": "B"}], "field 'acquirer': expected text"),
        ("acquire", "field 'steps': missing or empty"),
        ([], "field 'steps': missing or empty"),
        (["acquire"], "step 1: expected a table"),
    ],
)
def test_structural_errors_name_step_and_field(steps, message) -> None:
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_scenario({"name": "Bad", "steps": steps})


def test_top_level_errors() -> None:
    with pytest.raises(ScenarioError, match="field 'name': missing"):
        parse_scenario({"steps": [{"kind": "divest", "holder": "A", "target": "B"}]})
    with pytest.raises(ScenarioError, match="unknown top-level field 'step'"):
        parse_scenario({"name": "x", "step": []})
    with pytest.raises(ScenarioError, match="field 'as_of'"):
        parse_scenario(_scenario({"kind": "divest", "holder": "A", "target": "B"}, as_of="yesterday"))
    with pytest.raises(ScenarioError, match=r"step 1 \(divest\), field 'date': 2027-01-01 is after the scenario's"):
        parse_scenario(_scenario({"kind": "divest", "holder": "A", "target": "B", "date": "2027-01-01"}, as_of="2026"))


def test_unreadable_and_malformed_files(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[steps]\nkind = "acquire"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad.toml: malformed TOML: .*line 2"):
        load_scenario(bad)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(binary)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path)


def test_dates_and_slugs() -> None:
    assert parse_date("2026") == "2026"
    assert parse_date("2026-02") == "2026-02"
    with pytest.raises(ValueError, match="impossible"):
        parse_date("2026-02-30")
    assert slugify("  SpaceX + Nokia (2026) ") == "spacex-nokia-2026"
    assert slugify("!!!") == "scenario"


def test_builder_matches_file_form() -> None:
    with ScenarioBuilder("SpaceX acquires Nokia", as_of="2026-07-01") as plan:
        plan.acquire("SpaceX", "Nokia", stake=100, date="2026-07-01")
    from_file = load_scenario(scenario_examples_dir() / "spacex-acquires-nokia.toml")
    assert plan.scenario.steps == from_file.steps
    assert plan.scenario.slug == from_file.slug


def test_builder_checks_on_exit() -> None:
    message = r"step 1 \(partner\), field 'partners': expected at least two"
    with pytest.raises(ScenarioError, match=message), ScenarioBuilder("bad") as plan:
        plan.partner("SpaceX")
