"""The Crunchbase 2013 importer on the vendored excerpt, on hand-made dirty files and (when present) the full export."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.errors import ImportFormatError
from stackgraph.importers.crunchbase import (
    ACQUISITIONS_FILE,
    COMPANIES_FILE,
    ROUNDS_FILE,
    import_crunchbase,
    read_crunchbase,
)
from stackgraph.importers.layers import load_layer_mapping
from stackgraph.store import KnowledgeStore

FIXTURE = Path(__file__).parent / "fixtures" / "crunchbase"
FULL_EXPORT = Path(__file__).resolve().parents[2] / "shared" / "data" / "crunchbase-2013"

ACQ_HEADER = (
    "company_permalink,company_name,company_category_code,company_country_code,company_state_code,company_region,"
    "company_city,acquirer_permalink,acquirer_name,acquirer_category_code,acquirer_country_code,acquirer_state_code,"
    "acquirer_region,acquirer_city,acquired_at,acquired_month,acquired_quarter,acquired_year,price_amount,"
    "price_currency_code"
)


def _acq(target: str, acquirer: str, date: str, price: str = "", currency: str = "USD") -> str:
    return (
        f"/company/{target},{target.title()},web,USA,CA,SF Bay,SF,/company/{acquirer},{acquirer.title()},software,USA,"
        f"CA,SF Bay,SF,{date},{date[:7]},,{date[:4]},{price},{currency}"
    )


def _store(path: Path) -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_file(path)
    return store


@pytest.fixture(scope="module")
def fixture_import(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("cb") / "cb.ttl"
    report = import_crunchbase(FIXTURE, out)
    return report, _store(out)


def test_hp_acquired_3com_on_2009_11_11_for_usd_2_7_billion(fixture_import) -> None:
    _report, store = fixture_import
    rows = store.select(
        """SELECT ?date ?amount ?currency ?status ?record WHERE {
             ?deal a sg:Acquisition ; sg:acquirer ?a ; sg:target ?t ; sg:effectiveDate ?date ; sg:amount ?amount ;
                   sg:currency ?currency ; sg:status ?status ;
                   prov:qualifiedDerivation [ sg:record ?record ] .
             ?a rdfs:label "Hewlett-Packard" . ?t rdfs:label "3Com" }"""
    )
    assert rows == [
        {
            "date": "2009-11-11",
            "amount": 2.7e9,
            "currency": "USD",
            "status": "https://w3id.org/stackgraph/ns#Completed",
            "record": "crunchbase-acquisitions.csv row 18",
        }
    ]


def test_counts_equal_rows_minus_skipped_rows(fixture_import) -> None:
    report, store = fixture_import
    acquisitions = store.select("SELECT (COUNT(?d) AS ?n) WHERE { ?d a sg:Acquisition }")[0]["n"]
    investments = store.select("SELECT (COUNT(?d) AS ?n) WHERE { ?d a sg:Investment }")[0]["n"]
    assert (
        acquisitions
        == report.counts["acquisitions"]
        == report.rows[ACQUISITIONS_FILE] - report.skipped(ACQUISITIONS_FILE)
    )
    assert investments == report.counts["investments"] == report.rows[ROUNDS_FILE] - report.skipped(ROUNDS_FILE)
    # the excerpt: 36 acquisition rows of which 3 empty, 2 duplicated and 3 self-acquisitions
    assert report.rows[ACQUISITIONS_FILE] == 36 and acquisitions == 28


def test_dirty_rows_of_the_excerpt_are_reported_per_row(fixture_import) -> None:
    report, _store = fixture_import
    skipped = {(i.file, i.row): i.reason for i in report.issues if i.action == "skipped"}
    assert skipped[(ACQUISITIONS_FILE, 26)] == "self-acquisition: advertise-com acquires itself"
    assert skipped[(ACQUISITIONS_FILE, 31)] == "duplicated row: same as row 30"
    assert [row for (f, row), r in skipped.items() if r == "empty row"] == [35, 36, 37]
    kept = {(i.file, i.row): i.reason for i in report.issues if i.action == "kept"}
    assert "scientific notation" in kept[(ACQUISITIONS_FILE, 29)]  # General Motors - EDS, 2.6E+12
    assert kept[(COMPANIES_FILE, 3)].startswith("mangled name: '#NAME?'")


def test_mis_decoded_names_are_repaired_and_reported(fixture_import) -> None:
    report, store = fixture_import
    labels = {r["l"] for r in store.select("SELECT ?l WHERE { ?o a sg:Organization ; rdfs:label ?l }")}
    assert "Condé Nast" in labels
    assert not any("\x8e" in label for label in labels)
    assert report.reasons()["wrong encoding"] == 3  # once per company, where its name is first read


def test_every_deal_derives_from_the_export_with_a_row_record(fixture_import) -> None:
    _report, store = fixture_import
    unsourced = store.select(
        """SELECT ?d WHERE { ?d a ?type . VALUES ?type { sg:Acquisition sg:Investment }
             FILTER NOT EXISTS { ?d prov:wasDerivedFrom src:crunchbase-2013 ;
                                    prov:qualifiedDerivation [ prov:entity src:crunchbase-2013 ; sg:record ?r ] } }"""
    )
    assert unsourced == []
    source = store.select(
        "SELECT ?title ?publisher ?date WHERE { src:crunchbase-2013 a sg:DatasetSource ; dcterms:title ?title ; "
        "dcterms:publisher ?publisher ; dcterms:date ?date }"
    )
    # the title from the folder's README, the date from the data (its latest deal)
    assert source == [
        {"title": "Crunchbase 2013 excerpt (test fixture)", "publisher": "Crunchbase", "date": "2013-08-16"}
    ]


def test_categories_map_to_layers(fixture_import) -> None:
    _report, store = fixture_import
    rows = store.select(
        "SELECT ?layer WHERE { ?o rdfs:label 'MongoHQ' ; sg:inLayer ?layer }",
    )
    assert rows == [{"layer": "https://w3id.org/stackgraph/ns#DataCenters"}]  # category network_hosting


def test_impossible_dates_self_acquisitions_and_bad_amounts(tmp_path: Path) -> None:
    (tmp_path / ACQUISITIONS_FILE).write_bytes(
        "\r".join(
            [
                ACQ_HEADER,
                _acq("alpha", "beta", "1201-05-01", "1000"),
                _acq("gamma", "gamma", "2010-01-01"),
                _acq("delta", "beta", "2010-02-30", "lots"),
                _acq("eps", "beta", "2011-03-04", '"1,500,000"', "EUR"),
                _acq("eps", "beta", "2011-03-04", '"1,500,000"', "EUR"),
                "/company/x,X,web",
            ]
        ).encode("latin-1")
    )
    result = read_crunchbase(tmp_path)
    report = result.report
    reasons = {(i.row, i.reason.split(":")[0], i.action) for i in report.issues if i.file == ACQUISITIONS_FILE}
    assert reasons == {
        (2, "impossible date", "kept"),
        (3, "self-acquisition", "skipped"),
        (4, "impossible date", "kept"),
        (4, "bad amount", "kept"),
        (6, "duplicated row", "skipped"),
        (7, "wrong number of fields", "skipped"),
    }
    assert report.counts["acquisitions"] == 6 - 3
    assert {i.file for i in report.issues if i.row == 0} == {COMPANIES_FILE, ROUNDS_FILE}  # missing files
    ntriples = result.serialize("ntriples").decode()
    assert '"1500000"^^<http://www.w3.org/2001/XMLSchema#decimal>' in ntriples
    assert '"EUR"' in ntriples
    assert "1201" not in ntriples


def test_empty_file_is_reported_and_missing_columns_raise(tmp_path: Path) -> None:
    (tmp_path / ACQUISITIONS_FILE).write_bytes(b"")
    (tmp_path / ROUNDS_FILE).write_text("company_permalink,company_name\n/company/a,A\n")
    with pytest.raises(ImportFormatError, match=r"crunchbase-rounds.csv: missing columns funded_at, raised_amount"):
        read_crunchbase(tmp_path)
    (tmp_path / ROUNDS_FILE).unlink()
    report = read_crunchbase(tmp_path).report
    assert [(i.file, i.reason) for i in report.issues if i.reason.startswith("empty file")] == [
        (ACQUISITIONS_FILE, "empty file: crunchbase-acquisitions.csv has no rows")
    ]


def test_no_export_files_and_wrong_encoding_raise(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no Crunchbase export files"):
        read_crunchbase(tmp_path)
    (tmp_path / ACQUISITIONS_FILE).write_bytes(ACQ_HEADER.encode("utf-16-le"))
    with pytest.raises(ImportFormatError, match="wrong encoding: NUL bytes"):
        read_crunchbase(tmp_path)


def test_layer_mapping_is_checked_against_the_ontology(tmp_path: Path) -> None:
    mapping = tmp_path / "layers.toml"
    mapping.write_text('[layers]\nweb = "Software"\nhardware = ["Devices", "chip-fabrication"]\n')
    assert load_layer_mapping(mapping) == {"web": ("Software",), "hardware": ("Devices", "ChipFabrication")}
    mapping.write_text('[layers]\nweb = "Sofware"\n')
    with pytest.raises(ImportFormatError, match=r"'web' = 'Sofware' is not a stack layer"):
        load_layer_mapping(mapping)


def test_unmapped_category_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / ACQUISITIONS_FILE).write_text(
        "\n".join([ACQ_HEADER, _acq("a", "b", "2010-01-01"), _acq("c", "d", "2010-01-02")]) + "\n"
    )
    mapping = tmp_path / "layers.toml"
    mapping.write_text('[layers]\nweb = "ConsumerInternet"\n')
    report = read_crunchbase(tmp_path, mapping=mapping).report
    assert report.reasons("kept") == {"unmapped category": 1}
    assert report.counts["organizations with a layer"] == 2  # the two targets (web); acquirers are "software"


def test_progress_callback_reaches_the_total() -> None:
    calls: list[tuple[int, int]] = []
    read_crunchbase(FIXTURE, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (96, 96)


@pytest.mark.skipif(
    not (FULL_EXPORT / ACQUISITIONS_FILE).is_file(),
    reason=f"the full Crunchbase 2013 export is not at {FULL_EXPORT} (only the vendored excerpt is tested)",
)
def test_full_export(tmp_path: Path) -> None:
    out = tmp_path / "cb.ttl"
    report = import_crunchbase(FULL_EXPORT, out)
    store = _store(out)
    n_acq = store.select("SELECT (COUNT(?d) AS ?n) WHERE { ?d a sg:Acquisition }")[0]["n"]
    n_inv = store.select("SELECT (COUNT(?d) AS ?n) WHERE { ?d a sg:Investment }")[0]["n"]
    assert n_acq == report.rows[ACQUISITIONS_FILE] - report.skipped(ACQUISITIONS_FILE)
    assert n_inv == report.rows[ROUNDS_FILE] - report.skipped(ROUNDS_FILE)
    hp = store.select(
        "SELECT ?date ?amount WHERE { ?d sg:acquirer sgid:crunchbase\\/hewlett-packard ; "
        "sg:target sgid:crunchbase\\/3com ; sg:effectiveDate ?date ; sg:amount ?amount }"
    )
    assert hp == [{"date": "2009-11-11", "amount": 2.7e9}]
    assert report.reasons("skipped")["self-acquisition"] == 16


def test_rounds_with_investor_columns_link_the_investor(tmp_path: Path) -> None:
    (tmp_path / ROUNDS_FILE).write_text(
        "company_permalink,company_name,investor_permalink,investor_name,funding_round_type,funded_at,"
        "raised_amount_usd\n"
        "/company/facebook,Facebook,/financial-organization/accel-partners,Accel Partners,series-a,2005-05-01,"
        "12700000\n"
        "/company/facebook,Facebook,,,angel,2004-09-01,500000\n"
    )
    result = read_crunchbase(tmp_path)
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(result.serialize("ntriples"), "urn:stackgraph:graph:cb", "ntriples")
    rows = store.select(
        "SELECT ?investor ?amount ?purpose WHERE { ?d a sg:Investment ; sg:amount ?amount ; sg:purpose ?purpose "
        "OPTIONAL { ?d sg:investor/rdfs:label ?investor } } ORDER BY ?amount"
    )
    assert rows == [
        {"amount": 500000.0, "purpose": "angel funding round"},
        {"investor": "Accel Partners", "amount": 12700000.0, "purpose": "series-a funding round"},
    ]


def test_imported_excerpt_conforms_to_the_shapes(fixture_import) -> None:
    from stackgraph.validation import validate

    _, store = fixture_import
    report = validate(store)
    assert report.conforms, [v.message for v in report.violations][:5]
    assert report.deals_checked > 0
    rounds = store.select("SELECT (COUNT(?r) AS ?n) WHERE { ?r a sg:FundingRound, sg:Investment }")
    assert rounds[0]["n"] > 0


LATER = Path(__file__).parent / "fixtures" / "datasets" / "crunchbase-2015"


def test_a_later_export_is_recognised_and_dated_by_its_own_data() -> None:
    shipped = KnowledgeStore.with_shipped_graphs()
    result = read_crunchbase(LATER, against=shipped)
    report = result.report
    assert set(report.rows) == {"companies.csv", "acquisitions.csv", "rounds.csv", "investments.csv"}
    assert report.counts["acquisitions"] == 7 and report.counts["investments"] == 4  # one per round
    assert report.reasons("skipped") == {"self-acquisition": 1}
    assert not any(i.reason.startswith("impossible date") for i in report.issues)  # 2015 is not "after 2014"
    assert report.basis["source"].endswith("/source/crunchbase-2015")
    assert report.basis["export date"].startswith("2015-12-03")
    assert report.basis["license"] == "https://creativecommons.org/licenses/by-nc/4.0/ (from readme.md)"
    assert report.matched == {"label": 1}  # Nokia, the shipped one
    shipped.load_data(result.serialize("ntriples"), "urn:stackgraph:graph:cb", "ntriples")
    investors = shipped.select(
        "SELECT ?round (GROUP_CONCAT(?name; separator='|') AS ?names) WHERE { ?round a sg:FundingRound ; "
        "sg:investor/rdfs:label ?name } GROUP BY ?round ORDER BY ?names"
    )
    assert sorted(r["names"].split("|") for r in investors)[0] == ["Fabrice Grinda"]
    people = shipped.select("SELECT ?p WHERE { ?p a sg:Person ; sg:crunchbasePermalink ?k }")
    assert len(people) == 2
    alcatel = shipped.select("SELECT ?d WHERE { ?d sg:acquirer sgid:Nokia ; sg:effectiveDate '2015-04-15'^^xsd:date }")
    assert len(alcatel) == 1


def test_as_of_2010_counts_no_acquisition_dated_later() -> None:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(read_crunchbase(LATER).serialize("ntriples"), "urn:stackgraph:graph:cb", "ntriples")
    from stackgraph.projection import ProjectionPolicy, project

    G = project(store, ProjectionPolicy(as_of="2010-12-31"))
    acquired = sorted(G.nodes[v]["label"] for u, v, d in G.edges(data=True) if d["relation"] == "acquires")
    assert acquired == ["3Com"]
    later = project(store, ProjectionPolicy(as_of="2016-01-01"))
    assert sum(1 for *_, d in later.edges(data=True) if d["relation"] == "acquires") == 7


def test_dates_after_a_given_export_date_are_impossible() -> None:
    report = read_crunchbase(LATER, export_date_text="2013-10", title="Mislabelled export").report
    impossible = [i for i in report.issues if i.reason.startswith("impossible date")]
    assert len(impossible) == 7 and "after the data's date 2013-10-31" in impossible[0].reason
    assert report.basis["title"] == "Mislabelled export" and report.basis["source"].endswith("crunchbase-2013")
