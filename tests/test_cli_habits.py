"""One CLI habit, checked over every command of the click group (a new command is covered automatically: the test
that lists the commands fails until it has an invocation here).

- ``-o -`` writes the command's data to standard output, and never a file named ``-``;
- data goes to standard output, messages ("wrote X", notes, warnings) to standard error;
- every command's help shows an example;
- CSV is RFC 4180 everywhere: CRLF line endings (as the W3C SPARQL CSV results format, which pyoxigraph writes);
  TSV ends lines with LF (as the W3C SPARQL TSV results format);
- every shipped question orders its rows (ORDER BY), so two runs give the same output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from stackgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CRUNCHBASE = FIXTURES / "crunchbase"


def leaf_commands() -> Iterator[tuple[str, click.Command]]:
    """Every command a user can run, by its path (``analyze coverage``), from the click group itself."""

    def walk(command: click.Command, path: list[str]) -> Iterator[tuple[str, click.Command]]:
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), command

    yield from walk(main, [])


COMMANDS = dict(leaf_commands())


def _wikidata_results(folder: Path) -> Path:
    results = folder / "wd.json"
    results.write_text(
        json.dumps(
            {
                "head": {"vars": ["item", "itemLabel", "value", "valueLabel"]},
                "results": {
                    "bindings": [
                        {
                            "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q3"},
                            "itemLabel": {"type": "literal", "value": "Gamma Corp"},
                            "value": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
                            "valueLabel": {"type": "literal", "value": "Alpha Holdings"},
                        }
                    ]
                },
            }
        )
    )
    return results


def _csv_import(folder: Path) -> list[str]:
    mapping = folder / "m.toml"
    mapping.write_text('[columns]\nsubject = "From"\nobject = "To"\n[defaults]\nrelation = "supply"\n')
    data = folder / "s.csv"
    data.write_text("From,To\nTSMC,Nvidia\n")
    return [str(data), "--mapping", str(mapping)]


def invocation(path: str, folder: Path) -> list[str]:
    """The arguments that run ``path`` on small data with its data written to standard output (``-o -``)."""
    table = {
        "analyze centrality": ["--top", "3"],
        "analyze chokepoints": [],
        "analyze coverage": [],
        "analyze dependencies": ["SpaceX"],
        "analyze dependents": ["Nvidia"],
        "analyze groups": [],
        "analyze ownership": ["xAI"],
        "entities": ["--type", "organization"],
        "export": ["--format", "csv"],
        "extract": [
            str(FIXTURES / "extract" / "seed-excerpt.txt"),
            *("--title", "AI deals", "--date", "2026-01", "--table", str(folder / "review.csv")),
        ],
        "import crunchbase": [str(CRUNCHBASE)],
        "import csv": _csv_import(folder),
        "import wikidata": [str(_wikidata_results(folder)), "--property", "P127"],
        "query": ["who-controls", "--bind", "entity=xAI"],
        "render": ["--focus", "Nokia"],
        "screen": ["SpaceX", "--top", "3"],
        "validate": [],
        "whatif": ["cursor-deal-completes"],
    }
    if path not in table:
        pytest.fail(f"`stackgraph {path}` has no invocation in tests/test_cli_habits.py: add one")
    return [*path.split(), *table[path], "-o", "-"]


def test_every_command_has_an_invocation(tmp_path: Path) -> None:
    for path in COMMANDS:
        assert invocation(path, tmp_path)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_help_shows_an_example(path: str) -> None:
    result = CliRunner().invoke(main, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s*Examples?:", result.output, re.MULTILINE), f"`stackgraph {path} --help` has no example"
    assert f"stackgraph {path}" in result.output, f"the example of `stackgraph {path}` does not run it"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_dash_output_is_standard_output_and_messages_go_to_stderr(path: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, invocation(path, tmp_path))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists(), f"`stackgraph {path} -o -` wrote a file named '-'"
    assert result.stdout.strip(), f"`stackgraph {path} -o -` wrote nothing to standard output"
    for message in ("wrote ", "Wrote ", "note: ", "warning: ", "Warning: "):
        assert message not in result.stdout, f"`stackgraph {path}`: {message!r} on standard output"


def _format_choices(command: click.Command) -> tuple[str, ...]:
    for param in command.params:
        if isinstance(param, click.Option) and "--format" in param.opts and isinstance(param.type, click.Choice):
            return tuple(param.type.choices)
    return ()


#: Commands whose --format is not the table set, and why.
OWN_FORMATS = {
    "export": "RDF and graph-file formats (turtle, graphml, gexf, csv edge list, ...)",
    "extract": "the review table's formats (markdown, csv, json) or none",
    "whatif": "a report of several sections: table, markdown or json (one CSV holds one table)",
}


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_the_same_format_set_wherever_rows_are_printed(path: str) -> None:
    from stackgraph.display import TABLE_FORMATS

    choices = _format_choices(COMMANDS[path])
    if path in OWN_FORMATS:
        assert choices, path
    elif choices:
        assert choices == TABLE_FORMATS, f"`stackgraph {path} --format` offers {choices}"


@pytest.mark.parametrize("path", sorted(p for p, c in COMMANDS.items() if "csv" in _format_choices(c)))
def test_csv_lines_end_with_crlf(path: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = [a for a in invocation(path, tmp_path) if a not in ("-o", "-")]
    if path == "extract":  # its -o is the candidates graph; the listing (--format) goes to standard output
        args += ["-o", str(tmp_path / "candidates.ttl")]
    if "--format" in args:
        args[args.index("--format") + 1] = "csv"
    else:
        args += ["--format", "csv"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n"), f"{path}: {data[:200]!r}"


# -- stable row order: every shipped question orders its rows completely -------------------------------------------

_EXAMPLE_BINDS = {
    "deal": "deal-spacex-cursor-talks",
    "entity": "SpaceX",
    "supplier": "Nvidia",
    "other": "Nokia",
    "layer": "ai-models",
    "status": "completed",
}
#: questions that need other bindings to have an answer
_BINDS = {
    "relation-sources": {"entity": "Nvidia", "other": "Nokia"},
    "investments": {"entity": "Nokia"},
    "market-shares": {"layer": "terrestrial-ran"},
    "who-controls": {"entity": "xAI"},
}


def _questions() -> list[str]:
    from stackgraph.queries import list_questions

    return [q.name for q in list_questions()]


def _order_keys(text: str) -> list[str]:
    """The variables of a question's ORDER BY clause, in order."""
    from stackgraph.queries import load_question

    body = re.sub(r"#[^\n]*", "", load_question(text).text)
    match = re.search(r"ORDER\s+BY(.*?)(?:LIMIT|OFFSET|$)", body, re.S | re.I)
    return re.findall(r"\?(\w+)", match.group(1)) if match else []


@pytest.mark.parametrize("name", _questions())
def test_every_shipped_question_orders_its_rows_completely(name: str) -> None:
    """Run twice, the same rows in the same order; and no two different rows share their ORDER BY values (else
    their order is up to the engine, and changed between runs: `uncertain-deals` did)."""
    import csv
    import io

    from stackgraph.queries import load_question

    question = load_question(name)
    keys = _order_keys(name)
    assert keys, f"{name}.rq has no ORDER BY"
    binds = {**_EXAMPLE_BINDS, **_BINDS.get(name, {})}
    args = ["query", name, "--format", "csv"]
    for param in question.params:
        if param.required or param.name in _BINDS.get(name, {}):
            args += ["--bind", f"{param.name}={binds[param.name]}"]
    runs = [CliRunner().invoke(main, args) for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    assert runs[0].stdout == runs[1].stdout
    header, *rows = list(csv.reader(io.StringIO(runs[0].stdout)))
    assert rows, f"{name}: no rows to check the order on; give it bindings with an answer"
    columns = [header.index(k) for k in keys if k in header]
    seen: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        key = tuple(row[i] for i in columns)
        assert seen.setdefault(key, row) == row, f"{name}: rows {seen[key]} and {row} tie on ORDER BY {keys}"


# -- stdin, ASK results, outputs that meet on standard output -------------------------------------------------------


def test_query_file_dash_reads_standard_input() -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?d a sg:Acquisition }"
    from_stdin = CliRunner().invoke(main, ["query", "-f", "-", "--format", "csv"], input=query)
    inline = CliRunner().invoke(main, ["query", query, "--format", "csv"])
    assert from_stdin.exit_code == 0, from_stdin.output
    assert from_stdin.stdout_bytes == inline.stdout_bytes and from_stdin.stdout_bytes.startswith(b"n\r\n")


@pytest.mark.parametrize(("fmt", "expected"), [("csv", b"_askResult\r\ntrue\r\n"), ("tsv", b"?_askResult\ntrue\n")])
def test_ask_in_csv_and_tsv_reads_back_in_rdflib(fmt: str, expected: bytes) -> None:
    import io

    from rdflib import Literal, Variable
    from rdflib.query import Result

    result = CliRunner().invoke(main, ["query", "ASK { ?d a sg:Acquisition }", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == expected
    parsed = Result.parse(io.BytesIO(result.stdout_bytes), format=fmt)
    [row] = list(parsed.bindings)
    assert parsed.vars == [Variable("_askResult")]
    assert row[Variable("_askResult")] in (Literal("true"), Literal(True))


def test_whatif_page_and_graph_on_standard_output(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    page = CliRunner().invoke(main, ["whatif", "cursor-deal-completes", "--html", "-", "-o", str(report)])
    assert page.exit_code == 0, page.output
    assert page.stdout.startswith("<!DOCTYPE html>") and report.read_text().startswith("What if: The Cursor")
    graph = CliRunner().invoke(main, ["whatif", "cursor-deal-completes", "--save", "-", "-o", str(report)])
    assert graph.exit_code == 0 and graph.stdout.startswith("@prefix")
    # two outputs cannot both go to standard output (the report does when -o is not given)
    clash = CliRunner().invoke(main, ["whatif", "cursor-deal-completes", "--html", "-"])
    assert clash.exit_code == 2 and "--html and -o would all write to standard output" in clash.output
    assert not (tmp_path / "-").exists()


def test_import_report_on_standard_output(tmp_path: Path) -> None:
    out = tmp_path / "cb.ttl"
    result = CliRunner().invoke(main, ["import", "crunchbase", str(CRUNCHBASE), "-o", str(out), "--report", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["issues"] is not None and out.read_bytes().startswith(b"@prefix")
    assert "Wrote " in result.stderr


# -- tables fit the terminal ----------------------------------------------------------------------------------------


def test_tables_fit_the_terminal_and_csv_keeps_values_whole() -> None:
    narrow = CliRunner().invoke(main, ["query", "uncertain-deals"], env={"COLUMNS": "70"})
    assert narrow.exit_code == 0, narrow.output
    table = narrow.stdout.splitlines()
    rule = next(i for i, line in enumerate(table) if set(line) <= {"-", " "} and line)
    assert all(len(line) <= 70 for line in table[: rule + 5])
    assert "…" in narrow.stdout and "(… = cut to fit the terminal; --format csv or json: whole values)" in narrow.stdout
    whole = CliRunner().invoke(main, ["query", "uncertain-deals", "--format", "csv"], env={"COLUMNS": "70"})
    assert "…" not in whole.stdout and max(len(line) for line in whole.stdout.splitlines()) > 70
    # the what-if report's tables too, and its notes are wrapped
    report = CliRunner().invoke(main, ["whatif", "spacex-acquires-nokia"], env={"COLUMNS": "80"})
    ties = report.stdout.split("Ties that come along\n---")[1].split("\n\n")[0].splitlines()
    assert [line for line in ties if line.startswith("SpaceX")] and all(len(line) <= 80 for line in ties)
    assert any(line.startswith("  ") for line in ties)  # a quote wrapped onto the next line


@pytest.mark.parametrize("fmt", ["markdown", "tsv"])
@pytest.mark.parametrize("path", sorted(p for p, c in COMMANDS.items() if p not in OWN_FORMATS and _format_choices(c)))
def test_markdown_and_tsv_tables(path: str, fmt: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = [a for a in invocation(path, tmp_path) if a not in ("-o", "-")]
    result = CliRunner().invoke(main, [*args, "--format", fmt])
    assert result.exit_code == 0, result.output
    lines = result.stdout_bytes.decode().split("\n")
    if fmt == "markdown":
        head = next(i for i, line in enumerate(lines) if line.startswith("| "))
        assert lines[head + 1].startswith("|---"), lines[: head + 2]
    else:
        assert "\t" in lines[0] and b"\r" not in result.stdout_bytes


def test_a_table_written_to_a_file_keeps_values_whole(tmp_path: Path) -> None:
    out = tmp_path / "deals.txt"
    result = CliRunner().invoke(main, ["query", "uncertain-deals", "-o", str(out)], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    assert "…" not in out.read_text() and max(len(line) for line in out.read_text().splitlines()) > 60
    # and the next command on the terminal is fitted again
    again = CliRunner().invoke(main, ["query", "uncertain-deals"], env={"COLUMNS": "60"})
    assert "…" in again.stdout
