"""``stackgraph import`` and ``stackgraph export`` through click's CliRunner: exit codes, messages, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from endpoint_fixtures import free_port

from stackgraph.cli import main
from stackgraph.storage.dataset import Dataset

FIXTURE = Path(__file__).parent / "fixtures" / "crunchbase"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_import_crunchbase_writes_rdf_and_prints_the_report(tmp_path: Path) -> None:
    out, report = tmp_path / "cb.ttl", tmp_path / "report.json"
    result = _run("import", "crunchbase", str(FIXTURE), "-o", str(out), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "crunchbase-acquisitions.csv: 36 rows, 8 skipped" in result.output
    assert "self-acquisition" in result.output and "e.g. crunchbase-acquisitions.csv row 26" in result.output
    assert f"Wrote {out}" in result.output
    data = json.loads(report.read_text())
    assert data["counts"]["acquisitions"] == 28
    assert len(data["issues"]) == 16 and data["reasons"]["empty row"] == 3
    assert out.read_text().startswith("@prefix")


def test_import_then_reopen_the_persistent_store_without_reparsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, store = tmp_path / "cb.ttl", tmp_path / "cbstore"
    assert _run("import", "crunchbase", str(FIXTURE), "-o", str(out)).exit_code == 0
    count = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a sg:Acquisition ; prov:wasDerivedFrom src:crunchbase-2013 }"
    first = _run("query", "--store", str(store), "--graph", str(out), "--format", "csv", count)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == ["n", "28"]

    parsed: list[str] = []
    original = Dataset.replace

    def spy(self, graph, data, fmt, *, label):
        parsed.append(label)
        return original(self, graph, data, fmt, label=label)

    monkeypatch.setattr(Dataset, "replace", spy)
    again = _run("query", "--store", str(store), "--graph", str(out), "--format", "csv", count)
    later = _run("query", "--store", str(store), "--format", "csv", count)
    assert again.output == later.output == first.output
    assert parsed == []  # nothing re-parsed: the ontology, shipped graphs and cb.ttl are unchanged


def test_import_into_a_store_directly(tmp_path: Path) -> None:
    out, store = tmp_path / "cb.ttl", tmp_path / "cbstore"
    result = _run("import", "crunchbase", str(FIXTURE), "-o", str(out), "--store", str(store))
    assert result.exit_code == 0, result.output
    assert f"Loaded into the store {store}" in result.output
    query = _run("query", "--store", str(store), "--format", "csv", "ASK { ?d sg:acquirer sgid:crunchbase\\/wpp }")
    assert query.output.strip() == "true"


def test_import_errors_exit_2_with_a_message(tmp_path: Path) -> None:
    result = _run("import", "crunchbase", str(tmp_path / "nope"), "-o", str(tmp_path / "x.ttl"))
    assert result.exit_code == 2
    assert "no such folder" in result.output
    result = _run("import", "crunchbase", str(FIXTURE), "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "write the import as .ttl (Turtle) or .nt (N-Triples)" in result.output
    bad_map = tmp_path / "layers.toml"
    bad_map.write_text('[layers]\nweb = "Webby"\n')
    result = _run("import", "crunchbase", str(FIXTURE), "--mapping", str(bad_map), "-o", str(tmp_path / "x.ttl"))
    assert result.exit_code == 2
    assert "'web' = 'Webby' is not a stack layer" in result.output
    assert not (tmp_path / "x.ttl").exists()


def test_strict_exits_1_when_rows_were_skipped(tmp_path: Path) -> None:
    result = _run("import", "crunchbase", str(FIXTURE), "-o", str(tmp_path / "x.ttl"), "--strict")
    assert result.exit_code == 1
    assert "Error: 10 rows skipped (--strict)" in result.output


def test_import_csv(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nsubject = "From"\nobject = "To"\n[defaults]\nrelation = "supply"\n')
    data = tmp_path / "s.csv"
    data.write_text("From,To\nTSMC,Nvidia\n,Nvidia\n")
    out = tmp_path / "s.ttl"
    result = _run("import", "csv", str(data), "--mapping", str(mapping), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Facts: supplies 1" in result.output
    assert "missing party" in result.output and "s.csv row 3" in result.output
    result = _run("import", "csv", str(data), "-o", str(out))
    assert result.exit_code == 2
    assert "Missing option '--mapping'" in result.output


def test_import_wikidata_file_and_unreachable_endpoint(tmp_path: Path) -> None:
    results = tmp_path / "r.json"
    results.write_text(
        json.dumps(
            {
                "head": {"vars": ["item", "value"]},
                "results": {
                    "bindings": [
                        {
                            "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q3"},
                            "value": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
                        }
                    ]
                },
            }
        )
    )
    out = tmp_path / "wd.ttl"
    result = _run("import", "wikidata", str(results), "--property", "P127", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "ownerships 1" in result.output
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?item wdt:P127 ?value }")
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = _run("import", "wikidata", "--endpoint", url, "--query", str(query), "--timeout", "5", "-o", str(out))
    assert result.exit_code == 1
    assert f"Error: cannot reach the SPARQL endpoint {url}" in result.output
    result = _run("import", "wikidata", "-o", str(out))
    assert result.exit_code == 2
    assert "give either a results FILE or --endpoint URL with --query FILE" in result.output


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("graphml", "<graphml"),
        ("gexf", "<gexf"),
        ("csv", "source,source_label,target,target_label,relation"),
        ("json-ld", "@id"),
        ("nquads", "<urn:stackgraph:graph:derived>"),
        ("turtle", "@prefix sg:"),
    ],
)
def test_export_formats(tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = _run("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out} ({fmt}," in result.output
    assert marker in out.read_text(encoding="utf-8")


def test_export_errors(tmp_path: Path) -> None:
    result = _run("export", "--format", "csv", "--status", "signed", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "signed" in result.output
    result = _run("export", "--format", "graphml", "-o", str(tmp_path / "missing" / "x.graphml"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
