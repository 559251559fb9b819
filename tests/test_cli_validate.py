"""``stackgraph validate`` through click's CliRunner: exit codes, messages and the readable report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackgraph.cli import main
from stackgraph.store import KnowledgeStore

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
VALID = FIXTURES / "valid" / "minimal.ttl"
DEAL = "https://example.org/fixture/acquisition"


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def count_in_shipped(kind: str) -> int:
    (row,) = KnowledgeStore.with_shipped_graphs().select(
        f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a/rdfs:subClassOf* sg:{kind} }}", with_ontology=True
    )
    return row["n"]


def test_shipped_graphs_conform_with_a_one_line_summary():
    result = run()
    assert result.exit_code == 0, result.output
    deals, entities = count_in_shipped("Deal"), count_in_shipped("Entity")
    assert deals > 0 and entities > 0
    assert result.output.strip() == f"conforms: {deals} deals, {entities} entities checked"


def test_a_conforming_file_alone():
    result = run("--no-shipped", str(VALID))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "conforms: 2 deals, 3 entities checked"


def test_violations_exit_1_with_label_path_and_message():
    result = run("--no-shipped", str(BROKEN / "deal_without_status.ttl"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"acquisition Acme → Widgets Inc  <{DEAL}>"
    assert lines[1].strip() == "sg:status  needs exactly one sg:status"
    assert lines[-1] == "does not conform: 1 result on 1 node (1 deal, 2 entities checked)"
    assert "Traceback" not in result.output


def test_offending_value_is_shown():
    result = run("--no-shipped", str(BROKEN / "stake_140.ttl"))
    assert result.exit_code == 1
    assert 'sg:stakePercent  sg:stakePercent must be one number from 0 to 100 (value: "140"^^xsd:decimal)' in (
        result.output
    )


def test_broken_file_on_top_of_the_shipped_graphs_reports_only_its_own_node():
    result = run(str(BROKEN / "acquisition_without_target.ttl"))
    assert result.exit_code == 1
    assert "an acquisition needs at least one sg:target" in result.output
    assert result.output.count("<https://") == 1  # one offending node: the fixture's acquisition
    assert f"({count_in_shipped('Deal') + 1} deals," in result.output.splitlines()[-1]


def test_graph_option_is_the_same_as_a_file_argument():
    by_argument = run("--no-shipped", str(BROKEN / "two_statuses.ttl"))
    by_option = run("--no-shipped", "--graph", str(BROKEN / "two_statuses.ttl"))
    assert by_option.exit_code == by_argument.exit_code == 1
    assert by_option.output == by_argument.output


def test_json_format():
    result = run("--no-shipped", "--format", "json", str(BROKEN / "malformed_date.ttl"))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["conforms"] is False
    assert data["deals_checked"] == 1
    (violation,) = data["violations"]
    assert violation == {
        "focus_iri": DEAL,
        "focus_label": "acquisition Acme → Widgets Inc",
        "path": "sg:effectiveDate",
        "message": "sg:effectiveDate must be one well-formed xsd:date, xsd:gYearMonth or xsd:gYear",
        "severity": "Violation",
        "value": '"2025-13-45"^^xsd:date',
    }


def test_json_format_when_conforming():
    result = run("--no-shipped", "--format", "json", str(VALID))
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["conforms"], data["violations"]) == (True, [])


def test_ill_typed_date_prints_no_traceback():
    result = run("--no-shipped", str(BROKEN / "malformed_date.ttl"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "month must be in" not in result.output


def test_malformed_turtle_exits_2_with_file_line_and_column():
    path = BROKEN / "malformed_turtle.ttl"
    result = run("--no-shipped", str(path))
    assert result.exit_code == 2
    assert f"{path}:7:66:" in result.output
    assert "The prefix layers: has not been declared" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_file_exits_2_with_one_line():
    result = run(str(FIXTURES / "nope.ttl"))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {FIXTURES / 'nope.ttl'}: no such file"


@pytest.mark.parametrize("fmt", ["yaml", "xml"])
def test_unknown_format_is_a_usage_error(fmt):
    result = run("--format", fmt)
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_help_describes_exit_codes():
    result = run("--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # help is re-wrapped to the terminal width
    assert "0 when the graphs conform, 1 on violations, 2 on unreadable input" in text
    assert "--no-shipped" in text


def test_remote_endpoint_is_refused_with_one_line():
    result = run("--endpoint", "http://localhost:1/sparql")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: validate checks local graphs; it cannot read a remote --endpoint")


def test_input_too_large_to_validate_is_refused_with_the_reason_and_a_way_around(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    big.write_text("".join(f'<urn:x:s{i}> <urn:x:p> "value {i}" .\n' for i in range(3000)))
    by_count = run("--no-shipped", str(big), "--max-triples", "2500")
    assert by_count.exit_code == 2, by_count.output
    assert "Error: 3,000 triples is too much to validate at once" in by_count.output
    assert "raise the limit with --max-triples N" in by_count.output
    by_size = run("--no-shipped", str(big), "--max-triples", "100")  # refused before parsing: 100 bytes a triple
    assert by_size.exit_code == 2
    size = big.stat().st_size
    assert f"Error: {size / 1e3:,.0f} kB of RDF is too much to validate at once" in by_size.output
    fine = run("--no-shipped", str(big), "--max-triples", "3000")
    assert fine.exit_code == 0, fine.output
    assert "note: checking 3,000 triples" not in fine.output  # small: no note


def test_a_long_check_says_how_long_it_takes(tmp_path: Path, monkeypatch) -> None:
    import stackgraph.validation as validation

    monkeypatch.setattr(validation, "NOTIFY_TRIPLES", 10)
    result = run("--no-shipped", str(VALID))
    assert result.exit_code == 0, result.output
    assert "note: checking 37 triples against the SHACL shapes takes about 0 seconds" in result.output


def test_csv_lists_one_row_per_broken_rule():
    result = run("--no-shipped", str(FIXTURES / "broken" / "stake_140.ttl"), "--format", "csv")
    assert result.exit_code == 1
    header, row = result.stdout_bytes.decode().split("\r\n")[:2]
    assert header == "focus,label,path,message,value,severity"
    assert row.startswith("https://example.org/fixture/acquisition,acquisition Acme → Widgets Inc,sg:stakePercent,")
    assert "does not conform: 1 result on 1 node" in result.stderr
