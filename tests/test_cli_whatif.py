"""``stackgraph whatif`` and ``stackgraph screen`` through click's CliRunner: exit codes, messages, files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from stackgraph.cli import main
from stackgraph.resources import scenario_examples_dir


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_example_by_bare_name_table(runner) -> None:
    result = runner.invoke(main, ["whatif", "spacex-acquires-nokia"])
    assert result.exit_code == 0, result.output
    assert "What if: SpaceX acquires Nokia" in result.output
    assert "joined: Nokia, Nokia AI-RAN" in result.output
    assert "Terrestrial RAN" in result.output
    assert "invested in by  Nvidia" in result.output and "<- invests_in <-" not in result.output


def test_scenario_file_path_markdown(runner) -> None:
    path = scenario_examples_dir() / "cursor-deal-completes.toml"
    result = runner.invoke(main, ["whatif", str(path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# What if: The Cursor deal completes")
    assert "| SpaceX | Developer tooling |" in result.output


def test_quick_form_json(runner) -> None:
    result = runner.invoke(main, ["whatif", "--acquire", "SpaceX:Nokia", "--as-of", "2026-07-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["schema"] == "stackgraph.whatif/1"
    assert report["scenario"]["name"] == "SpaceX acquires Nokia"
    assert report["scenario"]["as_of"] == "2026-07-01"
    spacex = next(c for c in report["coverage"] if c["group"]["label"] == "SpaceX")
    assert spacex["gained"] == ["terrestrial-ran"]


def test_quick_form_cut_supply_and_complete(runner) -> None:
    result = runner.invoke(
        main, ["whatif", "--complete", "SpaceX:Cursor", "--cut-supply", "Nvidia:SpaceX", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [s["kind"] for s in report["steps"]] == ["set-status", "cut-supply"]
    spacex = next(d for d in report["dependencies"] if d["group"]["label"] == "SpaceX")
    assert [d["supplier"]["label"] for d in spacex["removed"]] == ["Nvidia"]


def test_complete_by_deal_name(runner) -> None:
    result = runner.invoke(main, ["whatif", "--complete", "deal-spacex-cursor-talks", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["steps"][0]["superseded"] == [
        "https://w3id.org/stackgraph/id/deal-spacex-cursor-talks"
    ]


def test_save_html_output_written(runner, tmp_path) -> None:
    saved, out, html = tmp_path / "scenario.ttl", tmp_path / "report.json", tmp_path / "diff.html"
    args = ["whatif", "combined", "--save", str(saved), "--format", "json", "-o", str(out), "--html", str(html)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["scenario"]["slug"] == "combined"
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "SpaceX builds the full stack" in page
    check = runner.invoke(main, ["validate", str(saved)])
    assert check.exit_code == 0, check.output
    assert "conforms" in check.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["whatif"], "give a scenario file"),
        (["whatif", "no-such-example"], "no such scenario file or example"),
        (["whatif", "spacex-acquire-nokia"], "did you mean 'spacex-acquires-nokia'"),
        (["whatif", "--acquire", "SpaceX"], "--acquire 'SpaceX': expected two names separated by a colon"),
        (
            ["whatif", "--acquire", "SpaceX:Nokai"],
            "step 1 (acquire), field 'target': unknown entity 'Nokai'; did you mean",
        ),
        (["whatif", "--acquire", "SpaceX:SpaceX"], "step 1 (acquire), field 'target': self-acquisition"),
        (["whatif", "--acquire", "SpaceX:xAI"], "step 1 (acquire), field 'target': SpaceX already controls xAI"),
        (["whatif", "--divest", "SpaceX:Nokia"], "step 1 (divest), field 'target': divest of something not held"),
        (["whatif", "--cut-supply", "Nvidia:Nokia"], "step 1 (cut-supply), field 'supplier': Nvidia does not supply"),
        (["whatif", "--complete", "no-such-deal"], "step 1 (set-status), field 'deal': unknown deal"),
        (["whatif", "--acquire", "SpaceX:Nokia", "--as-of", "soon"], "as_of"),
        (["whatif", "combined", "--as-of", "2026-06-16"], "step 2 (set-status), field 'date': 2026-06-20 is after"),
        (["screen", "Nobody"], "unknown entity 'Nobody'"),
    ],
)
def test_bad_input_exit_2_and_nothing_written(runner, tmp_path, args, message) -> None:
    saved, html, out = tmp_path / "s.ttl", tmp_path / "v.html", tmp_path / "r.txt"
    extra = ["--save", str(saved), "--html", str(html), "-o", str(out)] if args[0] == "whatif" else []
    result = runner.invoke(main, [*args, *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_malformed_and_unreadable_files(runner, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[steps]]\nkind = "acquire"\nacquirer = "SpaceX"\n', encoding="utf-8")
    result = runner.invoke(main, ["whatif", str(bad), "--save", str(tmp_path / "out.ttl")])
    assert result.exit_code == 2
    assert "step 1 (acquire), field 'target': missing" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n", encoding="utf-8")
    result = runner.invoke(main, ["whatif", str(broken)])
    assert result.exit_code == 2
    assert "broken.toml: malformed TOML" in result.output
    result = runner.invoke(main, ["whatif", str(tmp_path / "missing" / "x.toml")])
    assert result.exit_code == 2
    assert "no such scenario file" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "broken.toml"]


def test_output_folder_missing(runner, tmp_path) -> None:
    result = runner.invoke(main, ["whatif", "combined", "--save", str(tmp_path / "nope" / "x.ttl")])
    assert result.exit_code == 2
    assert "folder" in result.output and "does not exist" in result.output


def test_screen_table_and_json(runner) -> None:
    result = runner.invoke(main, ["screen", "SpaceX", "--top", "3", "--as-of", "2026-07-01"])
    assert result.exit_code == 0, result.output
    assert "Acquisition targets for SpaceX by coverage" in result.output
    assert "Nvidia" in result.output and "gains accelerators" in result.output
    assert "merger screens" in result.output and "? accelerators, ai-models, chip-fabrication" in result.output
    result = runner.invoke(main, ["screen", "SpaceX", "--top", "10", "--as-of", "2026-07-01"])
    assert "EU terrestrial-ran" in result.output  # Nokia, Ericsson, ...: an HHI of 2,116 is above 2,000
    result = runner.invoke(main, ["screen", "SpaceX", "--objective", "dependencies", "--format", "json", "--top", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["objective"] == "dependencies"
    assert data["candidates"][0]["label"] == "Nvidia"
    assert data["candidates"][0]["explanation"] == "removes accelerators from Nvidia"
    assert len(data["candidates"]) == 2 and data["evaluated"] >= 2
    assert set(data["candidates"][0]["details"]["screens"]) == {"us_presumption", "eu_outside", "cannot_tell"}


def test_screen_bad_objective(runner) -> None:
    result = runner.invoke(main, ["screen", "SpaceX", "--objective", "size"])
    assert result.exit_code == 2
    assert "Invalid value for '--objective'" in result.output
