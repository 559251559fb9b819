"""KnowledgeStore: loading, parse errors, the persistent store, engine bindings, graph narrowing, derived
properties, export round-trips and the SPARQL query shapes the project relies on."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from stackgraph.errors import InputError, ParseError, QueryError
from stackgraph.storage.dataset import Dataset
from stackgraph.storage.derivation import insert_from_construct
from stackgraph.store import (
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    KnowledgeStore,
    derivation_query,
    file_graph_iri,
    graph_iri,
)

PREFIXES = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# A tiny hand-made supply chain: Fab -> ChipCo -> Cloud -> ModelLab (active supplies), plus a terminated supply
# Fab -> Rival that must not count, a completed acquisition (Holding buys ChipCo) and an acquisition in talks.
CHAIN = (
    PREFIXES
    + """
sgid:Fab a sg:Organization ; rdfs:label "Fab" ; sg:inLayer sg:ChipFabrication .
sgid:ChipCo a sg:Organization ; rdfs:label "ChipCo" ; sg:inLayer sg:Accelerators .
sgid:Cloud a sg:Organization ; rdfs:label "Cloud" ; sg:inLayer sg:DataCenters .
sgid:ModelLab a sg:Organization ; rdfs:label "ModelLab" ; sg:inLayer sg:AIModels .
sgid:Rival a sg:Organization ; rdfs:label "Rival" .
sgid:Holding a sg:Organization ; rdfs:label "Holding" .
sgid:s1 a sg:Supply ; sg:supplier sgid:Fab ; sg:customer sgid:ChipCo ; sg:status sg:Active ;
    sg:inputLayer sg:ChipFabrication .
sgid:s2 a sg:Supply ; sg:supplier sgid:ChipCo ; sg:customer sgid:Cloud ; sg:status sg:Active ;
    sg:inputLayer sg:Accelerators .
sgid:s3 a sg:Supply ; sg:supplier sgid:Cloud ; sg:customer sgid:ModelLab ; sg:status sg:Completed ;
    sg:inputLayer sg:DataCenters .
sgid:s4 a sg:Supply ; sg:supplier sgid:Fab ; sg:customer sgid:Rival ; sg:status sg:Terminated .
sgid:a1 a sg:Acquisition ; sg:acquirer sgid:Holding ; sg:target sgid:ChipCo ; sg:status sg:Completed ;
    sg:amount 120.5 ; sg:currency "USD" .
sgid:a2 a sg:Acquisition ; sg:acquirer sgid:Holding ; sg:target sgid:Cloud ; sg:status sg:InTalks .
"""
)

SG = "https://w3id.org/stackgraph/ns#"
ID = "https://w3id.org/stackgraph/id/"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def chain_store(tmp_path: Path) -> KnowledgeStore:
    store = KnowledgeStore()
    store.load_file(_write(tmp_path, "chain.ttl", CHAIN))
    return store


def _quads(store: KnowledgeStore) -> set[ox.Quad]:
    return set(store.raw.quads_for_pattern(None, None, None))


# -- parse errors --------------------------------------------------------------------------------------------


def test_parse_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.ttl", PREFIXES + 'sgid:A a sg:Organization ;\n    rdfs:label "A" \n sgid:B .\n')
    store = KnowledgeStore()
    with pytest.raises(ParseError) as caught:
        store.load_file(bad)
    error = caught.value
    assert error.path == str(bad)
    assert error.line == 7  # the four prefix lines, then line 5-6 of the statement, the error on line 7
    assert error.column is not None and error.column >= 1
    assert str(error).startswith(f"{bad}:7:{error.column}: ")


def test_parse_error_leaves_the_store_unchanged(tmp_path: Path) -> None:
    store = KnowledgeStore()
    good = _write(tmp_path, "data.ttl", CHAIN)
    store.load_file(good)
    store.ensure_derived()
    before = _quads(store)
    # Same file name, so the same named graph: a failed reload must keep the previous content, not half of it.
    good.write_text(CHAIN + "\nsgid:Extra a sg:Organization .\nsgid:Broken sg:status ", encoding="utf-8")
    with pytest.raises(ParseError):
        store.load_file(good)
    assert _quads(store) == before
    other = _write(tmp_path, "other.ttl", PREFIXES + 'sgid:X rdfs:label "x" .\nsgid:Y rdfs:label "unterminated .\n')
    with pytest.raises(ParseError):
        store.load_file(other)
    assert _quads(store) == before
    assert file_graph_iri(other) not in store.graph_names()


def test_quad_format_parse_error_leaves_the_store_unchanged(tmp_path: Path) -> None:
    store = KnowledgeStore()
    quads = _write(tmp_path, "quads.nq", f"<{ID}A> <{SG}status> <{SG}Active> <urn:g:a> .\n")
    store.load_file(quads)
    before = _quads(store)
    assert store.select("SELECT ?s WHERE { ?s sg:status sg:Active }") == [{"s": ID + "A"}]
    quads.write_text(f"<{ID}B> <{SG}status> <{SG}Active> <urn:g:a> .\n<{ID}C> <{SG}status> .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        store.load_file(quads)
    assert caught.value.line == 2
    assert _quads(store) == before


def test_missing_and_unknown_format_files_are_input_errors(tmp_path: Path) -> None:
    store = KnowledgeStore()
    with pytest.raises(InputError, match="no such file"):
        store.load_file(tmp_path / "absent.ttl")
    with pytest.raises(InputError, match="unknown RDF format"):
        store.load_file(_write(tmp_path, "data.csv", "a,b\n"))


# -- persistent store ----------------------------------------------------------------------------------------


def test_persistent_store_reopens_without_reparsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _write(tmp_path, "chain.ttl", CHAIN)
    folder = tmp_path / "cache" / "db"  # missing parents are created
    first = KnowledgeStore(folder)
    first.load_file(data)
    expected = first.select("SELECT ?t WHERE { ?d a sg:Acquisition ; sg:target ?t } ORDER BY ?t")
    first.flush()
    del first
    gc.collect()

    parsed: list[str] = []
    original = Dataset.replace

    def counting(self: Dataset, graph: str, payload: object, fmt: ox.RdfFormat, *, label: str) -> None:
        parsed.append(label)
        original(self, graph, payload, fmt, label=label)

    monkeypatch.setattr(Dataset, "replace", counting)
    reopened = KnowledgeStore(folder)
    assert reopened.load_file(data) == file_graph_iri(data)
    assert parsed == []  # the recorded hash matched: the file was not parsed again
    assert reopened.select("SELECT ?t WHERE { ?d a sg:Acquisition ; sg:target ?t } ORDER BY ?t") == expected
    assert expected == [{"t": ID + "ChipCo"}, {"t": ID + "Cloud"}]

    data.write_text(CHAIN + '\nsgid:New a sg:Organization ; rdfs:label "New" .\n', encoding="utf-8")
    reopened.load_file(data)
    assert parsed == [str(data)]  # a changed file is parsed again
    assert reopened.select('SELECT ?e WHERE { ?e rdfs:label "New" }') == [{"e": ID + "New"}]


# -- bindings go through the engine --------------------------------------------------------------------------


def test_bindings_are_substituted_by_the_engine_not_pasted(chain_store: KnowledgeStore) -> None:
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    chain_store.load_data(PREFIXES + 'sgid:Odd rdfs:label "a {b} \\"c\\"" .', graph_iri("odd"))
    chain_store.ensure_derived()
    before = _quads(chain_store)
    assert chain_store.select("SELECT ?e ?name WHERE { ?e rdfs:label ?name }", {"name": hostile}) == []
    assert _quads(chain_store) == before
    odd = chain_store.select("SELECT ?e ?name WHERE { ?e rdfs:label ?name }", {"name": 'a {b} "c"'})
    assert odd == [{"e": ID + "Odd", "name": 'a {b} "c"'}]
    # an IRI-looking value becomes an IRI
    rows = chain_store.select(
        "SELECT ?who ?t WHERE { ?d sg:acquirer ?who ; sg:target ?t } ORDER BY ?t", {"who": "sgid:Holding"}
    )
    assert [r["t"] for r in rows] == [ID + "ChipCo", ID + "Cloud"]


def test_binding_a_variable_the_select_does_not_project_is_a_query_error(chain_store: KnowledgeStore) -> None:
    with pytest.raises(QueryError, match="SELECT clause"):
        chain_store.select("SELECT ?t WHERE { ?d sg:acquirer ?who ; sg:target ?t }", {"who": "sgid:Holding"})


def test_sparql_syntax_error_reports_line_column_and_caret(chain_store: KnowledgeStore) -> None:
    with pytest.raises(QueryError) as caught:
        chain_store.query("SELECT ?s\nWHERE { ?s ?p }")
    lines = str(caught.value).splitlines()
    match = re.match(r"SPARQL syntax error at line 2, column (\d+): \S", lines[0])
    assert match is not None, lines[0]
    assert lines[1] == "  WHERE { ?s ?p }"
    assert lines[2] == "  " + " " * (int(match.group(1)) - 1) + "^"  # the caret sits under the reported column


# -- named graphs ----------------------------------------------------------------------------------------------


def test_graphs_narrow_the_default_graph(tmp_path: Path) -> None:
    store = KnowledgeStore()
    base = store.load_file(_write(tmp_path, "base.ttl", PREFIXES + 'sgid:A rdfs:label "A" .'))
    overlay = store.load_file(_write(tmp_path, "overlay.ttl", PREFIXES + 'sgid:B rdfs:label "B" .'))
    ask = "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l"
    assert [r["l"] for r in store.select(ask)] == ["A", "B"]
    assert [r["l"] for r in store.select(ask, graphs=[base])] == ["A"]
    assert [r["l"] for r in store.select(ask, graphs=[overlay])] == ["B"]
    assert store.graph_names() == sorted([base, overlay])


def test_remove_graph_drops_an_overlay(tmp_path: Path) -> None:
    store = KnowledgeStore()
    store.load_file(_write(tmp_path, "base.ttl", PREFIXES + 'sgid:A rdfs:label "A" .'))
    overlay = store.load_file(_write(tmp_path, "overlay.ttl", PREFIXES + 'sgid:B rdfs:label "B" .'))
    store.remove_graph(overlay)
    assert [r["l"] for r in store.select("SELECT ?l WHERE { ?e rdfs:label ?l }")] == ["A"]


# -- derived direct properties -------------------------------------------------------------------------------


def test_derived_direct_properties_follow_deal_status(chain_store: KnowledgeStore) -> None:
    supplies = chain_store.select("SELECT ?a ?b WHERE { ?a sg:supplies ?b } ORDER BY ?a ?b")
    assert {(r["a"][len(ID) :], r["b"][len(ID) :]) for r in supplies} == {
        ("ChipCo", "Cloud"),
        ("Cloud", "ModelLab"),
        ("Fab", "ChipCo"),
    }  # the terminated Fab -> Rival supply does not count
    controls = chain_store.select("SELECT ?a ?b WHERE { ?a sg:controls ?b }")
    assert controls == [{"a": ID + "Holding", "b": ID + "ChipCo"}]  # the talks about Cloud do not count
    in_graphs = chain_store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a sg:controls ?b } }")
    assert in_graphs == [{"g": DERIVED_GRAPH}]  # derived facts live in their own graph, never in a source graph


def test_derived_properties_are_recomputed_after_a_change(chain_store: KnowledgeStore) -> None:
    ask = "ASK { sgid:Holding sg:controls sgid:Cloud }"
    assert not bool(chain_store.query(ask))
    chain_store.load_data(
        PREFIXES
        + "sgid:a3 a sg:Acquisition ; sg:acquirer sgid:Holding ; sg:target sgid:Cloud ; sg:status sg:Completed .",
        graph_iri("closing"),
    )
    assert bool(chain_store.query(ask))
    chain_store.remove_graph(graph_iri("closing"))
    assert not bool(chain_store.query(ask))


# -- export round-trips --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("ntriples", "nt"), ("json-ld", "json-ld")])
def test_export_round_trips(chain_store: KnowledgeStore, fmt: str, rdflib_format: str) -> None:
    reference = chain_store.to_rdflib(derived=True)
    exported = rdflib.Graph().parse(data=chain_store.export(fmt), format=rdflib_format)
    assert len(exported) == len(reference) > 0
    assert isomorphic(exported, reference)
    again = KnowledgeStore()
    again.load_data(chain_store.export(fmt), graph_iri("again"), fmt=fmt)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?d a sg:Supply }"
    assert again.select(count) == chain_store.select(count) == [{"n": 4}]


def test_unknown_export_format_is_an_input_error(chain_store: KnowledgeStore) -> None:
    with pytest.raises(InputError, match="unknown export format"):
        chain_store.export("yaml")


# -- the query shapes the project relies on ------------------------------------------------------------------


def test_two_hop_join_with_filter(chain_store: KnowledgeStore) -> None:
    rows = chain_store.select(
        """SELECT ?first ?last WHERE {
             ?d1 a sg:Supply ; sg:supplier ?first ; sg:customer ?middle ; sg:status ?s1 .
             ?d2 a sg:Supply ; sg:supplier ?middle ; sg:customer ?last ; sg:status ?s2 .
             FILTER(?s1 != sg:Terminated && ?s2 != sg:Terminated)
           } ORDER BY ?first"""
    )
    assert rows == [{"first": ID + "ChipCo", "last": ID + "ModelLab"}, {"first": ID + "Fab", "last": ID + "Cloud"}]


def test_aggregate_count(chain_store: KnowledgeStore) -> None:
    rows = chain_store.select(
        "SELECT ?supplier (COUNT(?d) AS ?n) WHERE { ?d a sg:Supply ; sg:supplier ?supplier } "
        "GROUP BY ?supplier ORDER BY DESC(?n) ?supplier"
    )
    assert rows == [
        {"supplier": ID + "Fab", "n": 2},
        {"supplier": ID + "ChipCo", "n": 1},
        {"supplier": ID + "Cloud", "n": 1},
    ]


def test_property_path_supplies_plus(chain_store: KnowledgeStore) -> None:
    rows = chain_store.select("SELECT ?downstream WHERE { sgid:Fab sg:supplies+ ?downstream } ORDER BY ?downstream")
    assert [r["downstream"][len(ID) :] for r in rows] == ["ChipCo", "Cloud", "ModelLab"]


def test_optional_leaves_missing_values_unbound(chain_store: KnowledgeStore) -> None:
    rows = chain_store.select(
        "SELECT ?d ?amount WHERE { ?d a sg:Acquisition OPTIONAL { ?d sg:amount ?amount } } ORDER BY ?d"
    )
    assert rows == [{"d": ID + "a1", "amount": 120.5}, {"d": ID + "a2"}]


def test_graph_clause_names_the_source_file(chain_store: KnowledgeStore, tmp_path: Path) -> None:
    rows = chain_store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a sg:Acquisition } }")
    assert rows == [{"g": file_graph_iri(tmp_path / "chain.ttl")}]


def test_derivation_counts_deals_in_effect_and_scenario_deals_only():
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(
        """
        @prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix ex: <https://example.org/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        ex:whatif a sg:ScenarioSource .
        ex:talks a sg:Acquisition ; sg:acquirer ex:A ; sg:target ex:B ; sg:status sg:InTalks .
        ex:done a sg:Acquisition ; sg:acquirer ex:A ; sg:target ex:C ; sg:status sg:Completed .
        ex:minority a sg:Acquisition ; sg:acquirer ex:A ; sg:target ex:D ; sg:status sg:Completed ;
            sg:stakePercent 20 .
        ex:played a sg:Acquisition ; sg:acquirer ex:A ; sg:target ex:E ; sg:status sg:Hypothetical ;
            prov:wasDerivedFrom ex:whatif .
        ex:old a sg:Supply ; sg:supplier ex:S ; sg:customer ex:A ; sg:status sg:Active .
        ex:cut a sg:Supply ; sg:supplier ex:S ; sg:customer ex:A ; sg:status sg:Hypothetical ;
            sg:supersedes ex:old ; sg:endDate "2026-01-01" ; prov:wasDerivedFrom ex:whatif .
        ex:ended a sg:Investment ; sg:investor ex:S ; sg:investee ex:B ; sg:status sg:Completed ;
            sg:endDate "2020" .
        """,
        "urn:stackgraph:graph:case",
    )
    rows = store.select("SELECT ?a ?p ?b WHERE { GRAPH <urn:stackgraph:graph:derived> { ?a ?p ?b } }")
    found = {(r["a"].rsplit("/", 1)[1], r["p"].rsplit("#", 1)[1], r["b"].rsplit("/", 1)[1]) for r in rows}
    assert found == {
        ("A", "acquires", "C"),
        ("A", "controls", "C"),
        ("A", "acquires", "D"),  # a minority stake is acquired, not controlled
        ("A", "acquires", "E"),  # a scenario deal counts whatever its status
        ("A", "controls", "E"),
    }


def test_in_engine_derivation_writes_what_the_construct_builds() -> None:
    store = KnowledgeStore.with_shipped_graphs()
    store.ensure_derived()
    construct = derivation_query()  # the template written for the default policy as of today
    sources = [g for g in store.graph_names() if g != ONTOLOGY_GRAPH]
    built = set(store.query(construct, graphs=sources, derived=False))
    written = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED_GRAPH))
    }
    assert written == built and len(built) > 20


def test_insert_from_construct_skips_braces_in_comments_strings_and_iris() -> None:
    construct = (
        '# a { comment\nPREFIX ex: <urn:ex#>\nCONSTRUCT { ?a ex:p "}{" . ?a ex:q """x } y""" }\n'
        "WHERE { ?a ex:r ?b # } not the end\n}"
    )
    update = insert_from_construct(construct, "urn:g:out", ["urn:g:a", "urn:g:b"])
    template = '{ ?a ex:p "}{" . ?a ex:q """x } y""" }'
    assert update.startswith(f"PREFIX ex: <urn:ex#>\nINSERT {{ GRAPH <urn:g:out> {template} }}")
    assert "USING <urn:g:a>\nUSING <urn:g:b>\nWHERE { ?a ex:r ?b # } not the end\n}" in update
    store = ox.Store()
    store.update('INSERT DATA { GRAPH <urn:g:a> { <urn:x> <urn:ex#r> "v" } }')
    store.update(update)
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode("urn:g:out")))) == 2
    with pytest.raises(QueryError, match="CONSTRUCT"):
        insert_from_construct("SELECT * WHERE { ?s ?p ?o }", "urn:g:out", [])


def test_load_file_reports_its_progress_in_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "chain.ttl", CHAIN + "".join(f'sgid:X{i} rdfs:label "x{i}" .\n' for i in range(5000)))
    seen: list[tuple[int, int]] = []
    KnowledgeStore().load_file(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert len(seen) > 1 and seen[-1] == (size, size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and {total for _, total in seen} == {size}


def test_open_store_reports_progress_per_file(tmp_path: Path) -> None:
    first, second = _write(tmp_path, "a.ttl", CHAIN), _write(tmp_path, "b.ttl", PREFIXES + 'sgid:B rdfs:label "B" .')
    seen: dict[Path, tuple[int, int]] = {}
    KnowledgeStore.with_shipped_graphs(
        [first, second], include_shipped=False, progress=lambda file, done, total: seen.update({file: (done, total)})
    )
    assert seen == {first: (len(CHAIN.encode()),) * 2, second: (second.stat().st_size,) * 2}
