"""``stackgraph analyze``: every subcommand, its formats, options, exit codes and messages (CliRunner)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackgraph.cli import main

ID = "https://w3id.org/stackgraph/id/"

FIXTURE = """
@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

sgid:Holdco a sg:Organization ; rdfs:label "Holdco" ; sg:inLayer sg:AIModels .
sgid:Chipco a sg:Organization ; rdfs:label "Chipco" ; sg:inLayer sg:Accelerators .
sgid:Fabco a sg:Organization ; rdfs:label "Fabco" ; sg:inLayer sg:ChipFabrication .
sgid:Toolco a sg:Organization ; rdfs:label "Toolco" ; sg:inLayer sg:DeveloperTooling .
sgid:Lonely a sg:Organization ; rdfs:label "Lonely" .

sgid:buy a sg:Acquisition ; sg:acquirer sgid:Holdco ; sg:target sgid:Chipco ; sg:status sg:Completed ;
    sg:effectiveDate "2024-05"^^xsd:gYearMonth .
sgid:talks a sg:Acquisition ; sg:acquirer sgid:Holdco ; sg:target sgid:Toolco ; sg:status sg:InTalks .
sgid:fab a sg:Supply ; sg:supplier sgid:Fabco ; sg:customer sgid:Chipco ; sg:status sg:Active ;
    sg:inputLayer sg:ChipFabrication .
sgid:loop1 a sg:Ownership ; sg:owner sgid:Fabco ; sg:owned sgid:Toolco ; sg:status sg:Active .
sgid:loop2 a sg:Ownership ; sg:owner sgid:Toolco ; sg:owned sgid:Fabco ; sg:status sg:Active .
"""


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analyze") / "fixture.ttl"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def run(*args: str, fixture: Path | None = None):
    extra = ["--no-shipped", "--graph", str(fixture)] if fixture is not None else []
    return CliRunner().invoke(main, ["analyze", *args, *extra])


def test_groups_table_lists_groups_and_reports_an_ownership_cycle(fixture_file: Path) -> None:
    result = run("groups", fixture=fixture_file)
    assert result.exit_code == 0, result.output
    assert "Control groups (as of " in result.output and "counting completed, active deals" in result.output
    assert "Holdco" in result.output and "Chipco" in result.output
    assert "ownership cycle: Fabco -> Toolco" in result.output


def test_groups_json_shape(fixture_file: Path) -> None:
    # the ownership cycle is undated: a past view counts it only when told to
    result = run("groups", "--format", "json", "--as-of", "2025-01-01", "--undated", "include", fixture=fixture_file)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == [
        "as_of",
        "statuses",
        "undated",
        "evidence",
        "basis",
        "groups",
        "cycles",
        "conflicts",
        "partial_stakes",
        "minority_holders",
    ]
    assert data["as_of"] == "2025-01-01" and data["statuses"] == ["completed", "active"]
    holdco = next(g for g in data["groups"] if g["parent"] == ID + "Holdco")
    assert [m["entity"] for m in holdco["members"]] == [ID + "Holdco", ID + "Chipco"]
    assert data["cycles"] == [[ID + "Fabco", ID + "Toolco"]]


def test_as_of_before_the_acquisition_leaves_holdco_alone(fixture_file: Path) -> None:
    data = json.loads(run("groups", "--format", "json", "--as-of", "2024-04", fixture=fixture_file).output)
    assert ID + "Holdco" not in {g["parent"] for g in data["groups"]}


def test_status_in_talks_brings_the_target_into_the_group(fixture_file: Path) -> None:
    baseline = json.loads(run("coverage", "Holdco", "--format", "json", fixture=fixture_file).output)
    assert "developer-tooling" not in baseline["held"]
    for status_args in (["--status", "completed,active,in-talks"], ["--status", "completed", "--status", "in-talks"]):
        widened = json.loads(run("coverage", "holdco", "--format", "json", *status_args, fixture=fixture_file).output)
        assert "developer-tooling" in widened["held"] and ID + "Toolco" in widened["members"]
        assert "in-talks" in widened["statuses"]


def test_coverage_ranking_table_and_csv(fixture_file: Path) -> None:
    table = run("coverage", fixture=fixture_file)
    assert table.exit_code == 0, table.output
    assert "Groups ranked by stack integration" in table.output
    rows = list(csv.reader(io.StringIO(run("coverage", "--format", "csv", "--top", "2", fixture=fixture_file).output)))
    assert rows[0] == ["rank", "group", "members", "depth", "score", "chain", "layers"]
    assert len(rows) == 3 and rows[1][1] == "Holdco" and rows[1][3] == "2"  # accelerators feed AI models


def test_dependencies_and_dependents(fixture_file: Path) -> None:
    result = run("dependencies", "Holdco", fixture=fixture_file)
    assert result.exit_code == 0, result.output
    assert "external Chip fabrication: Fabco (single source)" in result.output
    data = json.loads(run("dependents", "Fabco", "--format", "json", fixture=fixture_file).output)
    assert list(data) == [
        "supplier",
        "label",
        "as_of",
        "statuses",
        "undated",
        "evidence",
        "basis",
        "by",
        "group",
        "dependents",
    ]
    assert [(d["entity"], d["tier"], d["groups"]) for d in data["dependents"]] == [(ID + "Chipco", 1, [ID + "Holdco"])]


def test_chokepoints_and_centrality(fixture_file: Path) -> None:
    result = run("chokepoints", "--format", "json", fixture=fixture_file)
    assert result.exit_code == 0, result.output
    assert [c["entity"] for c in json.loads(result.output)["chokepoints"]] == [ID + "Fabco"]
    table = run("centrality", "--top", "3", "--by", "degree", fixture=fixture_file)
    assert table.exit_code == 0, table.output
    assert "Centrality, ranked by degree" in table.output and "exact betweenness" in table.output
    assert "rank flows to the party others depend on" in table.output
    assert run("centrality", "--sort", "degree", "--top", "3", fixture=fixture_file).output == table.output
    data = json.loads(run("centrality", "--format", "json", "--samples", "2", fixture=fixture_file).output)
    assert data["method"]["betweenness"] == "sampled" and data["method"]["samples"] == 2


def test_an_entity_without_relations_gives_an_empty_result(fixture_file: Path) -> None:
    result = run("dependents", "Lonely", fixture=fixture_file)
    assert result.exit_code == 0 and "(none)" in result.output
    assert "nobody depends on the Lonely group in this view" in result.output
    data = json.loads(run("dependencies", "Lonely", "--format", "json", fixture=fixture_file).output)
    assert data["group"] == [ID + "Lonely"] and data["upstream"] == []


def test_an_empty_graph_says_what_is_missing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    for command in ("groups", "coverage", "chokepoints", "centrality"):
        result = run(command, "--format", "json", fixture=empty)
        assert result.exit_code == 1, (command, result.output)  # a finding, not bad input
        assert "nothing to analyse: no deal" in result.output and "Mapping foreign data" in result.output


def test_an_unknown_entity_exits_2_with_suggestions(fixture_file: Path) -> None:
    result = run("coverage", "Holdc", fixture=fixture_file)
    assert result.exit_code == 2
    assert "unknown entity 'Holdc'; did you mean 'Holdco'" in result.output


def test_an_unknown_status_exits_2_with_the_valid_list(fixture_file: Path) -> None:
    result = run("groups", "--status", "completed,sold", fixture=fixture_file)
    assert result.exit_code == 2
    assert (
        "unknown status 'sold'; use one of rumoured, in-talks, announced, pending, completed, active" in result.output
    )


def test_a_bad_date_and_conflicting_options_exit_2(fixture_file: Path) -> None:
    result = run("groups", "--as-of", "last tuesday", fixture=fixture_file)
    assert result.exit_code == 2 and "invalid date 'last tuesday'" in result.output
    result = run("centrality", "--exact", "--samples", "5", fixture=fixture_file)
    assert result.exit_code == 2 and "either --exact or --samples" in result.output


def test_output_goes_to_a_file(fixture_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "groups.json"
    result = run("groups", "--format", "json", "-o", str(target), fixture=fixture_file)
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["groups"]


def test_the_shipped_graph_from_the_command_line() -> None:
    baseline = json.loads(run("coverage", "SpaceX", "--format", "json").output)
    assert {"satellite-broadband", "ai-models", "chip-fabrication"} <= set(baseline["held"])
    assert ID + "Cursor" not in baseline["members"] and ID + "Nokia" not in baseline["members"]
    widened = json.loads(run("coverage", "SpaceX", "--status", "completed,active,in-talks", "--format", "json").output)
    assert ID + "Cursor" in widened["members"] and "developer-tooling" in widened["held"]
    deps = run("dependencies", "SpaceX")
    assert deps.exit_code == 0 and "external Accelerators: Nvidia" in deps.output


OWNERSHIP = """
@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

sgid:Family a sg:Person ; rdfs:label "Family" .
sgid:Fund a sg:Organization ; rdfs:label "Fund" .
sgid:Holdco a sg:Organization ; rdfs:label "Holdco" .
sgid:Opco a sg:Organization ; rdfs:label "Opco" .
sgid:o1 a sg:Ownership ; sg:owner sgid:Family ; sg:owned sgid:Holdco ; sg:stakePercent 60.0 ; sg:status sg:Active .
sgid:o2 a sg:Ownership ; sg:owner sgid:Holdco ; sg:owned sgid:Opco ; sg:stakePercent 30.0 ; sg:status sg:Active .
sgid:o3 a sg:Ownership ; sg:owner sgid:Family ; sg:owned sgid:Opco ; sg:stakePercent 25.0 ; sg:status sg:Active .
sgid:o4 a sg:Ownership ; sg:owner sgid:Fund ; sg:owned sgid:Opco ; sg:stakePercent 10.0 ; sg:status sg:Active .
"""


@pytest.fixture(scope="module")
def ownership_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ownership") / "ownership.ttl"
    path.write_text(OWNERSHIP, encoding="utf-8")
    return path


def test_ownership_of_one_entity(ownership_file: Path) -> None:
    result = run("ownership", "Opco", fixture=ownership_file)
    assert result.exit_code == 0, result.output
    # Family: 25 % + 60 % x 30 % = 43 %; in the aggregate 55 % (its own 25 % and Holdco's 30 %)
    assert "ultimate owner of Opco: Family, 43 % integrated (Family -> Opco)" in result.output
    # Family 43 % + Fund 10 %; the 40 % of Holdco held by others (12 % of Opco through it) is not in the data
    assert "53 % of Opco traced to top-level holders, the rest is not in the data" in result.output
    data = json.loads(run("ownership", "Opco", "--format", "json", fixture=ownership_file).output)
    owners = {o["holder_label"]: (round(o["stake"], 4), o["majority"], o["aggregate"]) for o in data["owners"]}
    assert owners == {"Family": (0.43, False, True), "Holdco": (0.3, False, False), "Fund": (0.1, False, False)}
    assert data["aggregate_owners"] == [ID + "Family"] and data["majority_owner"] is None
    strict = run("ownership", "Opco", "--threshold", "60", "--format", "json", fixture=ownership_file)
    assert json.loads(strict.output)["aggregate_owners"] == []


def test_ownership_ranking_and_the_aggregate_test_for_given_holders(ownership_file: Path) -> None:
    table = run("ownership", fixture=ownership_file)
    assert table.exit_code == 0, table.output
    assert "Top-level holders ranked by what they own" in table.output
    rows = list(csv.reader(io.StringIO(run("ownership", "--format", "csv", fixture=ownership_file).output)))
    assert rows[1][:6] == ["1", "Family", "2", "1", "2", "2"]
    held = run("ownership", "--holders", "Family", fixture=ownership_file)
    assert "Entities owned 50 % or more in the aggregate by Family" in held.output
    assert "Holdco" in held.output and "Opco" in held.output
    both = run("ownership", "Opco", "--holders", "Family", fixture=ownership_file)
    assert both.exit_code == 2 and "either ENTITY or --holders" in both.output
    unknown = run("ownership", "--holders", "Famly", fixture=ownership_file)
    assert unknown.exit_code == 2 and "did you mean 'Family'" in unknown.output


def test_centrality_and_chokepoints_of_a_group(fixture_file: Path) -> None:
    result = run("centrality", "Holdco", fixture=fixture_file)
    assert result.exit_code == 0, result.output
    assert "(the Holdco group, ranked among all)" in result.output
    assert "Chipco" in result.output and "Fabco" not in result.output
    grouped = json.loads(run("centrality", "--by", "group", "--format", "json", fixture=fixture_file).output)
    assert grouped["method"]["by"] == "group"
    assert ID + "Chipco" not in {n["entity"] for n in grouped["nodes"]}  # rolled up into Holdco
    choke = json.loads(run("chokepoints", "Holdco", "--format", "json", fixture=fixture_file).output)
    assert [(c["entity"], c["in_group"]) for c in choke["chokepoints"]] == [(ID + "Fabco", 1)]
    assert choke["group"] == ID + "Holdco"
    deps = json.loads(run("dependents", "Fabco", "--by", "group", "--format", "json", fixture=fixture_file).output)
    assert [d["entity"] for d in deps["dependents"]] == [ID + "Holdco"]
