"""The mapped-table importer: a spreadsheet (or a dataset of several) and a TOML mapping become entities and deals."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.errors import ImportFormatError
from stackgraph.importers.csv_mapping import import_csv, load_csv_mapping, read_csv
from stackgraph.projection import ProjectionPolicy, project
from stackgraph.store import KnowledgeStore

DATASETS = Path(__file__).parent / "fixtures" / "datasets"

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
Foo,Foo,acquires,2020,,completed,,,,
Foo,Bar,marries,2020,,active,,,,
Foo,Bar,supplies,1201-01-01,12abc,maybe,,,,
Foo,,supplies,2020,,active,,,,
Foo,Foo,supplies,2020,1E+11,active,,,,
"""


def _store(*paths: Path, shipped: bool = False) -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=shipped)
    for path in paths:
        store.load_file(path)
    return store


def _edges(G) -> set[tuple[str, str, str]]:
    return {(G.nodes[u]["label"], G.nodes[v]["label"], d["relation"]) for u, v, d in G.edges(data=True)}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "suppliers.csv"
    data.write_text(ROWS, encoding="utf-8")
    return data, mapping


def test_version_1_mapping_rows_become_deals_and_bad_rows_are_reported(files, tmp_path: Path) -> None:
    data, mapping = files
    out = tmp_path / "out.ttl"
    report = import_csv(data, mapping, out)
    assert report.counts == {
        "organizations": 6,
        "supplies": 3,
        "market positions": 1,
        "acquisitions": 1,
        "in-house supplies": 1,
    }
    skipped = {i.row: i.reason for i in report.issues if i.action == "skipped"}
    assert skipped == {
        5: "duplicated row: same as row 4",
        6: "self-relation: Foo with itself",
        7: "unknown relation: 'marries'",
        8: "unknown status: 'maybe'; map it in values.status",
        9: "missing party: no object",
    }
    G = project(_store(out), ProjectionPolicy(as_of="2025-01-01"))
    assert _edges(G) == {
        ("TSMC", "Nvidia", "supplies"),
        ("Nvidia", "xAI", "supplies"),
        ("Big Co", "Small Co", "acquires"),
    }
    # Foo supplying Foo is kept as a deal (the projection draws no edge from a party to itself)
    in_house = _store(out).select("SELECT ?d WHERE { ?d sg:supplier ?x ; sg:customer ?x }")
    assert len(in_house) == 1
    tsmc = next(d for u, v, d in G.edges(data=True) if G.nodes[u]["label"] == "TSMC")
    assert tsmc["amount"] == 1_000_000 and tsmc["effective"] == "2020" and tsmc["input_layer"] == "chip-fabrication"
    assert tsmc["quotes"] == ("TSMC makes Nvidia's GPUs.",)
    assert [(s["market"], s["share"], s["year"]) for s in G.graph["market_positions"]] == [
        ("chip-fabrication", 62.0, 2020)
    ]
    amounts = _store(out).select("SELECT ?a WHERE { ?d sg:supplier ?x ; sg:customer ?x ; sg:amount ?a }")
    assert amounts == [{"a": 1e11}]  # 1E+11 is read, not dropped as spreadsheet rounding
    assert report.basis["title"] == "Supplier list"


def test_a_row_naming_a_shipped_entity_links_to_it_and_no_duplicate_appears(files, tmp_path: Path) -> None:
    data, mapping = files
    shipped = KnowledgeStore.with_shipped_graphs()
    out = tmp_path / "out.ttl"
    report = import_csv(data, mapping, out, against=shipped)
    assert report.matched == {"label": 2}  # Nvidia and xAI
    shipped.load_file(out)
    G = project(shipped, ProjectionPolicy(as_of="2026-06-01", undated="include"))  # the shipped supply is undated
    nvidia = [n for n, d in G.nodes(data=True) if d["label"].casefold() == "nvidia"]
    assert nvidia == ["https://w3id.org/stackgraph/id/Nvidia"]
    from stackgraph.analysis import dependencies

    upstream = {row.supplier_label for row in dependencies(G, "SpaceX").upstream}
    assert {"Nvidia", "TSMC"} <= upstream  # TSMC -> Nvidia -> SpaceX


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
        ('[columns]\nsubject = "a"\n', "columns must name the 'object' or 'object_id' column"),
        ('[columns]\nsubject = "a"\nobject = "b"\n', "give a 'relation' column or a defaults relation"),
        ('[columns]\nsubject = "a"\nobject = "b"\nwho = "c"\n', "unknown key 'who'"),
        ('[columns]\nsubject = "a"\nobject = "b"\n[defaults]\nrelation = "merger"\n', "unknown deal kind 'merger'"),
        ("[columns\n", "malformed mapping file"),
        (
            '[defaults]\nrelation = "supply"\nlayr = "x"\n[columns]\nsubject = "a"\nobject = "b"\n',
            "unknown key 'layr'; did you mean 'layer'",
        ),
        (
            '[dataset]\ntitle = "t"\n[[tables]]\ntype = "relations"\ncolumns = {subjekt = "a", object = "b"}\n',
            r"\[\[tables\]\] 1\.columns: unknown key 'subjekt'; did you mean 'subject'\?",
        ),
        ('[dataset]\ntitel = "t"\n[[tables]]\ntype = "layers"\ncolumns = {id = "a"}\n', "did you mean 'title'"),
        ('[dataset]\n[[tables]]\ntype = "nodes"\ncolumns = {id = "a"}\n', "'nodes' is not one of entities"),
        (
            '[dataset]\n[[tables]]\ntype = "relations"\ncolumns = {subject = "a", object = "b", status = "s"}\n'
            'defaults = {relation = "supply"}\nvalues.status = {Planned = "soon"}\n',
            "values.status maps to 'soon'",
        ),
    ],
)
def test_bad_mappings_raise_with_the_place_and_the_closest_key(tmp_path: Path, text: str, message: str) -> None:
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


def test_a_list_cell_in_a_single_valued_column_is_refused_not_made_an_entity(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nsubject = "Dataset"\nobject = "Model"\n[defaults]\nrelation = "supply"\n')
    data = tmp_path / "d.csv"
    data.write_text("Dataset,Model\n\"['YFCC100M', 'Image-Chat']\",BlenderBot 3\n[],Claude 2\n")
    report = read_csv(data, mapping).report
    assert report.counts == {}
    assert [i.reason.split(";")[0] for i in report.issues] == [
        "list cell: Dataset holds a list \"['YFCC100M', 'Image-Chat']\"",
        "list cell: Dataset holds a list '[]'",
    ]


def test_cluster_table_status_words_dates_and_in_house_supply() -> None:
    result = read_csv(None, DATASETS / "clusters" / "clusters.toml", against=KnowledgeStore.with_shipped_graphs())
    report = result.report
    assert report.counts["developments"] == 4 and report.counts["supplies"] == 4
    assert "in-house supplies" not in report.counts  # Google supplies its own cluster, not itself
    assert report.reasons("skipped") == {"unknown status": 2}  # "Rumoured maybe": the row of each table
    store = KnowledgeStore.with_shipped_graphs()
    store.load_data(result.serialize("ntriples"), "urn:stackgraph:graph:clusters", "ntriples")
    rows = store.select(
        "SELECT ?name ?status ?date ?amount WHERE { ?d a sg:Development ; sg:product/rdfs:label ?name ; "
        "sg:status ?s ; sg:effectiveDate ?date . BIND(STRAFTER(STR(?s), '#') AS ?status) "
        "OPTIONAL { ?d sg:amount ?amount } } ORDER BY ?name"
    )
    assert rows == [
        {"name": "Colossus", "status": "Active", "date": "2024-09-02", "amount": 4e9},
        {"name": "Frontier cluster X", "status": "Announced", "date": "2027-01-15", "amount": 1e11},
        {"name": "Old Cluster", "status": "Terminated", "date": "2019-03-01"},
        {"name": "TPU v5p pod", "status": "Active", "date": "2023-12-06"},
    ]
    owner = store.select("SELECT ?d WHERE { ?d sg:developer sgid:xAI ; sg:product/rdfs:label 'Colossus' }")
    assert len(owner) == 1  # the shipped xAI, not a second one
    from stackgraph.analysis import dependencies

    G = project(store, ProjectionPolicy(as_of="2025-01-01"))
    google = dependencies(G, "Google")
    assert [(r.supplier_label, r.customer_label) for r in google.internal] == [("Google", "TPU v5p pod")]
    assert google.single_source == ()  # its accelerators are in-house
    xai = dependencies(G, "xAI")
    assert ("Nvidia", "Colossus") in {(r.supplier_label, r.customer_label) for r in xai.upstream}


def test_catalogue_with_list_cells_gives_one_tie_per_item_and_keeps_two_products_of_one_name_apart() -> None:
    shipped = KnowledgeStore.with_shipped_graphs()
    result = read_csv(None, DATASETS / "ai-models" / "models.toml", against=shipped)
    report = result.report
    assert report.counts["supplies"] == 5  # 2 + 2 + 1 datasets; the [] cells give no tie
    assert report.reasons("skipped") == {"missing party": 2}
    # "Claude 2" may be the shipped "Claude": not merged, listed for review with its score
    assert [(i.name, i.reason, [c.label for c in i.candidates]) for i in report.review] == [
        ("Claude 2", "near match", ["Claude"])
    ]
    shipped.load_data(result.serialize("ntriples"), "urn:stackgraph:graph:models", "ntriples")
    G = project(shipped, ProjectionPolicy(as_of="2025-01-01"))
    gemini = sorted(
        (G.nodes[u]["label"], G.nodes[v]["label"]) for u, v, d in G.edges(data=True) if G.nodes[v]["label"] == "Gemini"
    )
    assert gemini == [("Gemini Trust Company", "Gemini"), ("Google DeepMind", "Gemini"), ("MassiveText", "Gemini")]
    developers = {
        u for u, v, d in G.edges(data=True) if G.nodes[v]["label"] == "Gemini" and d["relation"] == "develops"
    }
    products = {v for u, v, d in G.edges(data=True) if G.nodes[v]["label"] == "Gemini"}
    assert len(developers) == 2 and len(products) == 2
    assert ("Anthropic", "Claude 2", "develops") in _edges(G)
    assert "https://w3id.org/stackgraph/id/Anthropic" in G  # the shipped Anthropic, not a second one
    assert G.graph["layers"]["training-data"]["feeds"] == ["ai-models"]


def test_row_filters_and_date_formats(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[dataset]\nid = "f"\n[[tables]]\ntype = "relations"\nfile = "d.csv"\n'
        'columns = { subject = "a", object = "b", date = "when" }\ndefaults = { relation = "supply" }\n'
        'where = { kind = ["firm", "lab"] }\nwhere_not = { note = "ignore" }\ndate_formats = ["D.M.YYYY", "MMM YYYY"]\n'
    )
    (tmp_path / "d.csv").write_text(
        "a,b,when,kind,note\nX,Y,3.2.2021,firm,\nX,Z,Mar 2020,lab,\nX,W,2020,country,\n"
        "X,V,,firm,ignore\nX,U,32.1.2021,lab,\n"
    )
    report = read_csv(None, mapping).report
    assert report.counts["supplies"] == 3
    assert report.filtered() == 2 and report.skipped() == 0
    assert [i.reason for i in report.issues if i.action == "kept"] == [
        "malformed date: '32.1.2021': not D.M.YYYY or MMM YYYY; date dropped"
    ]
    text = read_csv(None, mapping).serialize("ntriples").decode()
    assert '"2021-02-03"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert '"2020-03"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in text


def test_several_files_of_one_dataset_share_one_namespace_and_one_source(tmp_path: Path) -> None:
    shipped = KnowledgeStore.with_shipped_graphs()
    result = read_csv(None, DATASETS / "chips" / "chips.toml", against=shipped)
    text = result.serialize("ntriples").decode()
    titles = [line for line in text.splitlines() if "purl.org/dc/terms/title" in line and "/source/chips>" in line]
    assert len(titles) == 1
    out = tmp_path / "chips.ttl"
    result.write(out)
    shipped.load_file(out)
    from stackgraph.validation import validate

    assert validate(shipped).conforms
    other = tmp_path / "other.toml"
    other.write_text(
        '[dataset]\nid = "chips"\ntitle = "Another title"\n[[tables]]\ntype = "layers"\n'
        'file = "x.csv"\ncolumns = { id = "a" }\n'
    )
    (tmp_path / "x.csv").write_text("a\nb\n")
    with pytest.raises(ImportFormatError, match="dataset id 'chips' is already the source"):
        read_csv(None, other, against=shipped)
