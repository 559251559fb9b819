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
    assert len(data["issues"]) == 15 and data["reasons"]["empty row"] == 3
    assert data["basis"]["source"].endswith("/source/crunchbase-2013")
    assert data["entities"] == {"matched": {}, "created": 83, "review": 0}
    assert "Basis: source https://w3id.org/stackgraph/source/crunchbase-2013" in result.output
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
    assert query.stdout.splitlines() == ["_askResult", "true"]  # ASK in the W3C CSV form


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
    assert "Error: 10 rows skipped, 0 names left for review (--strict)" in result.output


def test_import_csv_links_to_the_shipped_graph_and_writes_a_review_file(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nsubject = "From"\nobject = "To"\n[defaults]\nrelation = "supply"\n')
    data = tmp_path / "s.csv"
    data.write_text("From,To\nTSMC,Nvidia\n,Nvidia\nTSMC,Nvidea\n")
    out, review = tmp_path / "s.ttl", tmp_path / "matches.csv"
    args = ["import", "csv", str(data), "--mapping", str(mapping), "-o", str(out)]
    result = _run(*args, "--review-file", str(review))
    assert result.exit_code == 0, result.output
    assert "Facts: organizations 2, supplies 2" in result.output
    assert "Entities: 1 matched to loaded entities (label 1), 2 created, 1 left for review" in result.output
    assert "review 'Nvidea' (organization, s.csv row 4): near match: Nvidia (organization, 83)" in result.output
    assert "missing party" in result.output and "s.csv row 3" in result.output
    lines = review.read_text().splitlines()
    review.write_text("\n".join([lines[0], lines[1].replace(",organization,,", ",organization,accept,")]) + "\n")
    strict = _run(*args, "--strict")
    assert strict.exit_code == 1 and "1 rows skipped, 1 names left for review (--strict)" in strict.output
    again = _run(*args, "--matches", str(review))
    assert again.exit_code == 0, again.output
    assert "(label 1, decision 1), 1 created, 0 left for review" in again.output
    alone = _run(*args, "--no-shipped")
    assert "Entities: 0 matched" in alone.output
    result = _run("import", "csv", str(data), "-o", str(out))
    assert result.exit_code == 2
    assert "Missing option '--mapping'" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\nsubject = "From"\nobjekt = "To"\n[defaults]\nrelation = "supply"\n')
    result = _run("import", "csv", str(data), "--mapping", str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert "unknown key 'objekt'; did you mean 'object'?" in result.output


def test_import_csv_into_a_store_then_analyze_warns_about_impossible_shares(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[dataset]\nid = "ran"\n[[tables]]\ntype = "shares"\nfile = "s.csv"\n'
        'columns = { holder = "firm", share = "share", year = "year" }\ndefaults = { market = "terrestrial-ran" }\n'
    )
    (tmp_path / "s.csv").write_text("firm,share,year\nNokia,80,2023\nEricsson,70,2023\n")
    store = tmp_path / "store"
    result = _run("import", "csv", "--mapping", str(mapping), "-o", str(tmp_path / "ran.ttl"), "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "Check: market terrestrial-ran (2023): shares sum to 150.0 %" in result.output
    analysed = CliRunner().invoke(main, ["analyze", "chokepoints", "--store", str(store)])
    assert analysed.exit_code == 0, analysed.output
    assert "Warning: market terrestrial-ran (2023): shares sum to" in analysed.output
    assert "60604" not in analysed.output and "terrestrial-ran  2023" not in analysed.output


def test_import_crunchbase_options(tmp_path: Path) -> None:
    later = Path(__file__).parent / "fixtures" / "datasets" / "crunchbase-2015"
    out = tmp_path / "cb.ttl"
    result = _run(
        "import",
        "crunchbase",
        str(later),
        "-o",
        str(out),
        "--export-date",
        "2013-10",
        "--license",
        "https://creativecommons.org/licenses/by-nc/4.0/",
        "--title",
        "Crunchbase export",
    )
    assert result.exit_code == 0, result.output
    assert "after the data's date 2013-10-31" in result.output
    assert "title Crunchbase export" in result.output
    result = _run("import", "crunchbase", str(later), "-o", str(out), "--export-date", "Dec 2015")
    assert result.exit_code == 2 and "export date 'Dec 2015'" in result.output


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
    assert "Entities:" in _run("import", "wikidata", str(results), "--property", "P127", "-o", str(out)).output


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
