"""The generic CSV importer: a spreadsheet of relations and a TOML mapping become deals."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.errors import ImportFormatError
from stackgraph.importers.csv_mapping import import_csv, load_csv_mapping, read_csv
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.store import KnowledgeStore

MAPPING = """
[csv]
title = "Supplier list"
[columns]
subject = "Supplier"
object = "Customer"
relation = "Type"
date = "Since"
amount = "Value (USD)"
status = "Status"
layer = "Layer"
market_share = "Share"
source = "Source"
quote = "Quote"
[defaults]
status = "active"
[relations]
"sells to" = "supply"
"""

ROWS = """Supplier,Customer,Type,Since,Value (USD),Status,Layer,Share,Source,Quote
TSMC,Nvidia,sells to,2020,"1,000,000",active,chip-fabrication,62,https://example.org/fab,TSMC makes Nvidia's GPUs.
Nvidia,xAI,supplies,2024-06,,active,Accelerators,,,
Big Co,Small Co,acquires,2023-05-02,2500000000,completed,,,,
Big Co,Small Co,acquires,2023-05-02,2500000000,completed,,,,
Foo,Foo,supplies,2020,,active,,,,
Foo,Bar,marries,2020,,active,,,,
Foo,Bar,supplies,1201-01-01,12abc,maybe,,,,
Foo,,supplies,2020,,active,,,,
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "suppliers.csv"
    data.write_text(ROWS, encoding="utf-8")
    return data, mapping


def test_rows_become_deals_and_bad_rows_are_reported(files: tuple[Path, Path], tmp_path: Path) -> None:
    data, mapping = files
    out = tmp_path / "out.ttl"
    report = import_csv(data, mapping, out)
    assert report.counts == {"supplies": 2, "market positions": 1, "acquisitions": 1}
    skipped = {i.row: i.reason for i in report.issues if i.action == "skipped"}
    assert skipped == {
        5: "duplicated row: same as row 4",
        6: "self-relation: Foo with itself",
        7: "unknown relation: 'marries'",
        8: "unknown status: 'maybe'",
        9: "missing party: no object",
    }
    assert report.rows["suppliers.csv"] - report.skipped() == 3

    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_file(out)
    G = project(store, ProjectionPolicy(as_of="2025-01-01"))
    edges = {(G.nodes[u]["label"], G.nodes[v]["label"], d["relation"]) for u, v, d in G.edges(data=True)}
    assert edges == {("TSMC", "Nvidia", "supplies"), ("Nvidia", "xAI", "supplies"), ("Big Co", "Small Co", "acquires")}
    tsmc = next(d for u, v, d in G.edges(data=True) if G.nodes[u]["label"] == "TSMC")
    assert tsmc["amount"] == 1_000_000 and tsmc["effective"] == "2020" and tsmc["input_layer"] == "chip-fabrication"
    assert tsmc["quotes"] == ("TSMC makes Nvidia's GPUs.",)
    shares = G.graph["market_positions"]
    assert [(s["market"], s["share"], s["year"]) for s in shares] == [("chip-fabrication", 62.0, 2020)]


def test_iri_cells_refer_to_existing_entities(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nsubject = "s"\nobject = "o"\n[defaults]\nrelation = "investment"\n')
    data = tmp_path / "d.csv"
    data.write_text("s,o\nsgid:Nvidia,https://w3id.org/stackgraph/id/Nokia\n")
    text = read_csv(data, mapping).serialize("ntriples").decode()
    assert "<https://w3id.org/stackgraph/ns#investor> <https://w3id.org/stackgraph/id/Nvidia>" in text
    assert "<https://w3id.org/stackgraph/id/Nokia> <http://www.w3.org/2000/01/rdf-schema#label>" not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[columns]\nsubject = "a"\n', "must name the 'object' column"),
        ('[columns]\nsubject = "a"\nobject = "b"\n', "give a 'relation' column or a \\[defaults\\] relation"),
        ('[columns]\nsubject = "a"\nobject = "b"\nwho = "c"\n', "unknown column role\\(s\\) who"),
        ('[columns]\nsubject = "a"\nobject = "b"\n[defaults]\nrelation = "merger"\n', "unknown deal kind 'merger'"),
        ("[columns\n", "malformed CSV mapping"),
    ],
)
def test_bad_mappings_raise(tmp_path: Path, text: str, message: str) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(text)
    with pytest.raises(ImportFormatError, match=message):
        load_csv_mapping(mapping)


def test_missing_columns_empty_file_and_wrong_encoding(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[csv]\nencoding = "utf-8"\n[columns]\nsubject = "s"\nobject = "o"\n[defaults]\nrelation = "supply"\n'
    )
    data = tmp_path / "d.csv"
    data.write_text("s,x\na,b\n")
    with pytest.raises(ImportFormatError, match=r"d.csv: missing columns \(object = 'o'\)"):
        read_csv(data, mapping)
    data.write_text("")
    with pytest.raises(ImportFormatError, match=r"d\.csv: empty file"):
        read_csv(data, mapping)
    data.write_bytes("s,o\nCondé,Nast\n".encode("latin-1"))
    with pytest.raises(ImportFormatError, match=r"d\.csv: wrong encoding: cannot decode as utf-8"):
        read_csv(data, mapping)
