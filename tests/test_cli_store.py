"""The CLI on a persistent store and on what a query sees: ``--with-ontology``, ``--no-derived``, notices about
reloaded files on standard error, several commands on one store, and the exit codes of store errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from stackgraph.cli import main

PREFIXES = "@prefix sg: <https://w3id.org/stackgraph/ns#> .\n@prefix sgid: <https://w3id.org/stackgraph/id/> .\n"
DEAL = "sgid:{d} a sg:Acquisition ; sg:acquirer sgid:H ; sg:target sgid:{t} ; sg:status sg:Completed .\n"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def deals_file(path: Path, *targets: str) -> Path:
    path.write_text(PREFIXES + "".join(DEAL.format(d=f"d{t}", t=t) for t in targets), encoding="utf-8")
    return path


def test_your_query_sees_what_you_loaded(tmp_path: Path) -> None:
    data = deals_file(tmp_path / "data.ttl", "A", "B")
    raw = ox.Store()
    raw.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
    plain = next(iter(raw.query(COUNT)))["n"].value
    only_loaded = run("query", "--graph", str(data), "--no-shipped", "--no-derived", "--format", "csv", COUNT)
    assert only_loaded.exit_code == 0, only_loaded.output
    assert only_loaded.stdout.splitlines() == ["n", plain]
    with_derived = run("query", "--graph", str(data), "--no-shipped", "--format", "csv", COUNT)
    assert with_derived.stdout.splitlines() == ["n", str(int(plain) + 4)]  # acquires and controls, twice
    schema = "ASK { sg:acquirer rdfs:subPropertyOf sg:actor }"
    assert run("query", "--no-shipped", "--format", "csv", schema).stdout.splitlines()[-1] == "false"
    assert run("query", "--no-shipped", "--with-ontology", "--format", "csv", schema).stdout.splitlines()[-1] == "true"


def test_shipped_questions_read_the_ontology(tmp_path: Path) -> None:
    result = run("query", "entities-by-layer", "--bind", "layer=compute", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) > 1


def test_a_reloaded_file_is_noted_on_stderr(tmp_path: Path) -> None:
    data, store = deals_file(tmp_path / "data.ttl", "A"), tmp_path / "store"
    ask = "SELECT ?t WHERE { ?a sg:acquires ?t } ORDER BY ?t"
    assert run("query", "--store", str(store), "--graph", str(data), "--no-shipped", ask).exit_code == 0
    deals_file(data, "B")
    result = run("query", "--store", str(store), "--no-shipped", "--format", "csv", ask)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["t", "https://w3id.org/stackgraph/id/B"]
    assert result.stderr == f"note: reloaded {data.resolve()}: it changed since it was loaded into the store {store}\n"


def test_a_second_command_queries_while_a_writer_holds_the_store(tmp_path: Path) -> None:
    data, store = deals_file(tmp_path / "data.ttl", "A"), tmp_path / "store"
    assert run("query", "--store", str(store), "--graph", str(data), "--no-shipped", COUNT).exit_code == 0
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom stackgraph.storage.folder import StoreFolder\n"
        "lock = StoreFolder(Path(sys.argv[1])).lock_for_writing()\nprint('locked', flush=True)\ntime.sleep(120)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code, str(store)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
        ask = "ASK { sgid:H sg:acquires sgid:A }"
        reader = run("query", "--store", str(store), "--no-shipped", "--format", "csv", ask)
        assert reader.exit_code == 0, reader.output
        assert reader.stdout.splitlines() == ["_askResult", "true"]
        deals_file(data, "B")  # now this command must write, and cannot: it names the process that can
        blocked = run("query", "--store", str(store), "--no-shipped", COUNT)
        assert blocked.exit_code == 1
        assert f"Error: the store {store} is being written by process {writer.pid}" in blocked.output
    finally:
        writer.kill()
        writer.wait()


def test_store_errors_exit_1_without_a_traceback(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "CURRENT").write_text("MANIFEST-000005\n", encoding="utf-8")
    result = run("query", "--store", str(old), COUNT)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "earlier version of stackgraph" in result.output
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("query", "--store", str(foreign), COUNT)
    assert result.exit_code == 2 and "is not a stackgraph store" in result.output


def test_a_deleted_file_inside_a_store_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    data, store = deals_file(tmp_path / "data.ttl", "A"), tmp_path / "store"
    assert run("query", "--store", str(store), "--graph", str(data), "--no-shipped", COUNT).exit_code == 0
    (generation,) = [p for p in store.iterdir() if p.is_dir()]
    for table in generation.glob("*.sst"):
        table.unlink()
    for command in (["query", COUNT], ["export", "--format", "ntriples"], ["analyze", "groups"]):
        result = run(*command, "--store", str(store), "--no-shipped")
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output and f"delete the folder {store}" in result.output, result.output
