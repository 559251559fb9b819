"""``stackgraph query`` and ``stackgraph entities`` through click's CliRunner: exit codes and messages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner, Result

from stackgraph.cli import main
from stackgraph.queries import question_names

ID = "https://w3id.org/stackgraph/id/"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_usage_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


# -- the question library -----------------------------------------------------------------------------------


def test_list_shows_every_question_with_its_description() -> None:
    result = run("query", "--list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in question_names():
        line = next(line for line in lines if line.startswith(name + " "))
        assert len(line.split(None, 1)[1]) > 5  # a one-line description follows the name
    assert "derive_direct" not in result.output
    assert "who-controls" in result.output and "[entity=entity]" in result.output


def test_question_by_positional_name_with_bind() -> None:
    result = run("query", "who-controls", "--bind", "entity=xai")
    assert result.exit_code == 0, result.output
    assert "sgid:SpaceX" in result.output
    assert "sgid:deal-spacex-acquires-xai" in result.output
    assert "(1 row)\n(as of " in result.output  # a dated answer says which deals counted
    assert "undated deals counted" in result.output.splitlines()[-1]


def test_question_by_name_option() -> None:
    result = run("query", "--name", "deals-by-status", "--bind", "status=in talks")
    assert result.exit_code == 0, result.output
    assert "sgid:deal-spacex-cursor-talks" in result.output
    assert "sgid:deal-spacex-acquires-xai" not in result.output


def test_unknown_question_suggests_a_name() -> None:
    assert_usage_error(run("query", "who-contrls"), "unknown question 'who-contrls'", "did you mean 'who-controls'")
    assert_usage_error(run("query", "--name", "nothing-like-it"), "unknown question 'nothing-like-it'")


def test_unknown_entity_suggests_a_name() -> None:
    assert_usage_error(run("query", "who-controls", "--bind", "entity=Nokai"), "unknown entity 'Nokai'", "'Nokia'")


def test_missing_required_parameter_and_undeclared_parameter() -> None:
    assert_usage_error(run("query", "who-controls"), "needs --bind entity=<entity>")
    assert_usage_error(run("query", "who-controls", "--bind", "entity=xAI", "--bind", "who=x"), "no parameter 'who'")
    assert_usage_error(run("query", "who-controls", "--bind", "entity"), "expected NAME=VALUE")


# -- inline text and files -------------------------------------------------------------------------------------

SELECT_TARGETS = "SELECT ?target WHERE { ?deal a sg:Acquisition ; sg:target ?target } ORDER BY ?target"


def test_inline_select_as_table() -> None:
    result = run("query", SELECT_TARGETS)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].strip() == "target"
    assert set(lines[1]) == {"-"}
    assert [line.strip() for line in lines[2:-1]] == ["sgid:Cursor", "sgid:Nokia", "sgid:xAI"]
    assert lines[-1] == "(3 rows)"


def test_query_from_file_and_output_file(tmp_path: Path) -> None:
    query_file = tmp_path / "targets.rq"
    query_file.write_text(SELECT_TARGETS, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("query", "-f", str(query_file), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == ""
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [["target"], [ID + "Cursor"], [ID + "Nokia"], [ID + "xAI"]]


def test_missing_query_file() -> None:
    assert_usage_error(run("query", "-f", "no/such/file.rq"), "no/such/file.rq: no such file")


def test_nothing_or_two_queries_is_a_usage_error() -> None:
    assert_usage_error(run("query"), "give exactly one of")
    assert_usage_error(run("query", SELECT_TARGETS, "--name", "who-controls"), "give exactly one of")


def test_sparql_syntax_error_shows_the_position() -> None:
    query = "SELECT ?s WHERE {\n  ?s a sg:Organization ,, sg:Product\n}"
    result = run("query", query)
    assert_usage_error(result, "SPARQL syntax error at line 2, column")
    lines = result.output.splitlines()
    match = re.search(r"at line 2, column (\d+): \S", lines[0])
    assert match is not None, lines[0]
    assert lines[1] == "  " + query.splitlines()[1]  # the offending line is echoed ...
    assert lines[2] == "  " + " " * (int(match.group(1)) - 1) + "^"  # ... with a caret under the column


def test_bind_in_inline_query_goes_through_the_engine() -> None:
    query = "SELECT ?deal ?target WHERE { ?deal sg:target ?target }"
    result = run("query", query, "--bind", "target=sgid:Cursor", "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    assert [b["deal"]["value"] for b in bindings] == [ID + "deal-spacex-cursor-talks"]
    hostile = run("query", query, "--bind", 'target=x" } ; DROP ALL ; {', "--format", "json")
    assert hostile.exit_code == 0, hostile.output
    assert json.loads(hostile.output)["results"]["bindings"] == []


def test_binding_an_unprojected_variable_is_a_usage_error() -> None:
    result = run("query", "SELECT ?deal WHERE { ?deal sg:target ?target }", "--bind", "target=sgid:Cursor")
    assert_usage_error(result, "SELECT clause")


# -- output formats --------------------------------------------------------------------------------------------


def test_json_is_the_w3c_results_format() -> None:
    result = run("query", "financials", "--bind", "entity=SpaceX", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert "metric" in document["head"]["vars"]
    revenue = next(b for b in document["results"]["bindings"] if b["metric"]["value"].endswith("#Revenue"))
    assert revenue["metric"]["type"] == "uri"
    assert revenue["value"]["type"] == "literal"
    assert revenue["value"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert float(revenue["value"]["value"]) == pytest.approx(18.7e9)


def test_csv_and_tsv_are_the_w3c_formats() -> None:
    csv_result = run("query", SELECT_TARGETS, "--format", "csv")
    assert csv_result.exit_code == 0
    assert csv_result.output.replace("\r\n", "\n") == f"target\n{ID}Cursor\n{ID}Nokia\n{ID}xAI\n"
    tsv_result = run("query", SELECT_TARGETS, "--format", "tsv")
    assert tsv_result.exit_code == 0
    assert tsv_result.output == f"?target\n<{ID}Cursor>\n<{ID}Nokia>\n<{ID}xAI>\n"


def test_ask_answers_true_or_false() -> None:
    yes = run("query", "ASK { sgid:SpaceX sg:controls sgid:xAI }")
    no = run("query", "ASK { sgid:SpaceX sg:controls sgid:Cursor }")
    assert (yes.exit_code, yes.output, no.exit_code, no.output) == (0, "true\n", 0, "false\n")
    as_json = run("query", "ASK { sgid:SpaceX sg:controls sgid:xAI }", "--format", "json")
    assert json.loads(as_json.output) == {"head": {}, "boolean": True}


def test_construct_gives_turtle() -> None:
    result = run("query", "CONSTRUCT { ?a sg:controls ?b } WHERE { ?a sg:controls ?b }")
    assert result.exit_code == 0, result.output
    assert "@prefix sg:" in result.output
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    control = rdflib.URIRef("https://w3id.org/stackgraph/ns#controls")
    assert (rdflib.URIRef(ID + "SpaceX"), control, rdflib.URIRef(ID + "xAI")) in graph
    assert_usage_error(
        run("query", "CONSTRUCT { ?a sg:controls ?b } WHERE { ?a sg:controls ?b }", "--format", "csv"),
        "use --format table (Turtle) or json (JSON-LD)",
    )


def test_unknown_format_is_rejected_by_click() -> None:
    assert_usage_error(run("query", SELECT_TARGETS, "--format", "xml"), "Invalid value for '--format'")


# -- store options ---------------------------------------------------------------------------------------------


def test_extra_graph_and_no_shipped(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix sg: <https://w3id.org/stackgraph/ns#> .\n@prefix sgid: <https://w3id.org/stackgraph/id/> .\n"
        'sgid:A a sg:Organization ; <http://www.w3.org/2000/01/rdf-schema#label> "Alpha" .\n'
        "sgid:d a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Completed .\n",
        encoding="utf-8",
    )
    result = run("query", SELECT_TARGETS, "--graph", str(extra), "--no-shipped")
    assert result.exit_code == 0, result.output
    assert "sgid:B" in result.output and "sgid:xAI" not in result.output


def test_malformed_graph_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sg: <https://w3id.org/stackgraph/ns#> .\nsg:A sg:b .\n", encoding="utf-8")
    assert_usage_error(run("query", SELECT_TARGETS, "--graph", str(bad)), f"{bad}:2:")


def test_persistent_store_answers_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    first = run("query", SELECT_TARGETS, "--store", str(folder))
    second = run("query", SELECT_TARGETS, "--store", str(folder))
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output == run("query", SELECT_TARGETS).output
    assert folder.is_dir()


# -- entities --------------------------------------------------------------------------------------------------


def test_entities_table_lists_kind_and_layers() -> None:
    result = run("entities")
    assert result.exit_code == 0, result.output
    terafab = next(line for line in result.output.splitlines() if line.startswith("Terafab "))
    assert terafab.split() == ["Terafab", "facility", "chip-fabrication", "sgid:Terafab"]


def test_entities_filters_and_formats() -> None:
    result = run("entities", "--layer", "compute", "--format", "json")
    assert result.exit_code == 0, result.output
    found = {e["label"]: e for e in json.loads(result.output)}
    assert {"Nvidia", "Terafab"} <= set(found) and "Nokia" not in found
    assert found["Nvidia"] == {
        "iri": ID + "Nvidia",
        "label": "Nvidia",
        "kind": "organization",
        "layers": ["accelerators"],
    }
    people = run("entities", "--type", "person", "--format", "csv")
    assert people.exit_code == 0
    assert list(csv.reader(io.StringIO(people.output))) == [
        ["iri", "label", "kind", "layers"],
        [ID + "ElonMusk", "Elon Musk", "person", ""],
    ]
    tsv = run("entities", "--type", "facility", "--format", "tsv")
    assert tsv.output == f"iri\tlabel\tkind\tlayers\n{ID}Terafab\tTerafab\tfacility\tchip-fabrication\n"


def test_entities_unknown_layer_suggests() -> None:
    assert_usage_error(run("entities", "--layer", "computee"), "unknown layer 'computee'", "Compute")


def test_format_result_accepts_plain_triples_from_an_endpoint() -> None:
    import pyoxigraph as ox

    from stackgraph.results import format_result
    from stackgraph.store import PREFIXES

    triple = ox.Triple(
        ox.NamedNode(ID + "A"), ox.NamedNode("https://w3id.org/stackgraph/ns#controls"), ox.NamedNode(ID + "B")
    )
    quad = ox.Quad(triple.subject, triple.predicate, ox.NamedNode(ID + "C"), ox.NamedNode("urn:g"))
    turtle = format_result(iter([triple, quad]), "table", prefixes=PREFIXES).decode()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 2
    assert "@prefix sgid:" in turtle
    control = rdflib.URIRef("https://w3id.org/stackgraph/ns#controls")
    assert (rdflib.URIRef(ID + "A"), control, rdflib.URIRef(ID + "C")) in graph  # the quad lost its graph name


def test_a_large_result_streams_as_csv_and_a_table_stops_at_its_limit(tmp_path) -> None:
    from stackgraph.results import TABLE_ROW_LIMIT

    many = "SELECT ?s WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 10005"
    table = run("query", many)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert len(lines) == 2 + TABLE_ROW_LIMIT + 1
    assert lines[-1].startswith(f"(the first {TABLE_ROW_LIMIT:,} rows; the result has more")
    out = tmp_path / "rows.txt"
    to_file = run("query", many, "-o", str(out))
    assert "warning: the table shows the first 10,000 rows only" in to_file.output
    streamed = run("query", many, "--format", "csv", "-o", str(tmp_path / "rows.csv"))
    assert streamed.exit_code == 0 and streamed.output == ""
    assert len((tmp_path / "rows.csv").read_text().splitlines()) == 1 + 10005
    assert len(run("query", many, "--format", "tsv").output.splitlines()) == 1 + 10005
    assert run("query", many, "--format", "json").output.count('"s":') == 10005
