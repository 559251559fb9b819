"""Entity resolution against what is loaded: identifiers, names, normalised names, kinds, products, review files."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.errors import InputError
from stackgraph.importers.csv_mapping import read_csv
from stackgraph.resolution import EntityIndex, load_decisions, name_key, normalise_name
from stackgraph.store import KnowledgeStore


@pytest.fixture(scope="module")
def shipped() -> EntityIndex:
    return EntityIndex.from_store(KnowledgeStore.with_shipped_graphs())


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("NVIDIA Corporation", "nvidia"),
        ("Anthropic PBC", "anthropic"),
        ("Nokia Oyj", "nokia"),
        ("Siemens AG", "siemens"),
        ("Airbus SE", "airbus"),
        ("ASML Holding N.V.", "asml holding"),
        ("Toyota Motor Co., Ltd.", "toyota motor"),
        ("The Coca-Cola Company", "coca cola"),
        ("Nestlé S.A.", "nestle"),
        ("Ltd", "ltd"),  # a name that is only a suffix stays a name
    ],
)
def test_normalised_names_drop_case_accents_punctuation_and_legal_suffixes(name: str, normal: str) -> None:
    assert normalise_name(name) == normal


def test_x_ai_and_xai_corp_share_a_key() -> None:
    assert name_key("X.AI") == name_key("xAI Corp.") == "xai"


def test_resolution_order_on_the_shipped_graph(shipped: EntityIndex) -> None:
    nvidia = "https://w3id.org/stackgraph/id/Nvidia"
    assert (shipped.resolve("Nvidia", "organization").iri, shipped.resolve("Nvidia", "organization").via) == (
        nvidia,
        "label",
    )
    assert shipped.resolve("NVIDIA Corporation", "organization").via == "alias"
    assert shipped.resolve("Nvidia Corp", "organization").via == "normalised"
    near = shipped.resolve("Nvidea", "organization")
    assert (near.iri, near.review, [c.iri for c in near.candidates]) == (None, "near match", [nvidia])
    assert 80 <= near.candidates[0].score < 100
    assert shipped.resolve("Completely Unknown Co", "organization") == shipped.resolve(
        "Completely Unknown Co", "organization"
    )
    assert not shipped.resolve("Completely Unknown Co", "organization").review


def test_things_of_different_kinds_are_never_merged(shipped: EntityIndex) -> None:
    as_org = shipped.resolve("Starlink", "organization")
    assert as_org.iri is None and as_org.review == "different kind"
    assert [c.kind for c in as_org.candidates] == ["product"]
    musk = shipped.resolve("Elon Musk", None)  # kind unknown (Wikidata): the loaded kind is taken
    assert (musk.iri, musk.kind) == ("https://w3id.org/stackgraph/id/ElonMusk", "person")


def test_identifiers_come_first_and_two_identifiers_mean_two_entities() -> None:
    index = EntityIndex()
    index.add("urn:a", "organization", "Acme", identifiers={"lei": "5493001KJTIIGC8Y1R12"})
    assert (
        index.resolve("Totally Other Name", "organization", identifiers={"lei": "5493001kjtiigc8y1r12"}).iri == "urn:a"
    )
    other = index.resolve("Acme", "organization", identifiers={"lei": "724500Y6DUVHQD6OXN27"})
    assert other.iri is None  # same name, another LEI: another firm
    assert index.resolve("Acme", "person", identifiers={"lei": "5493001KJTIIGC8Y1R12"}).review == (
        "identifier of another kind"
    )


def test_products_of_one_name_are_told_apart_by_developer() -> None:
    index = EntityIndex()
    index.add("urn:gemini-model", "product", "Gemini", developers=["urn:google"])
    index.add("urn:gemini-exchange", "product", "Gemini", developers=["urn:gemini-trust"])
    assert index.resolve("Gemini", "product", developer="urn:google").iri == "urn:gemini-model"
    assert index.resolve("Gemini", "product", developer="urn:someone-else").iri is None
    assert index.resolve("Gemini", "product").review == "ambiguous"


def test_a_near_match_is_listed_for_review_and_accepted_with_a_review_file(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nsubject = "Supplier"\nobject = "Customer"\n[defaults]\nrelation = "supply"\n')
    data = tmp_path / "d.csv"
    data.write_text("Supplier,Customer\nTSMC,Nvidea\nTSMC,SpaceX\n")
    shipped = KnowledgeStore.with_shipped_graphs()
    first = read_csv(data, mapping, against=shipped).report
    assert first.matched == {"label": 1} and first.created == 2  # TSMC and the uncertain "Nvidea"
    (item,) = first.review
    assert (item.name, item.reason, item.candidates[0].label) == ("Nvidea", "near match", "Nvidia")
    review = tmp_path / "matches.csv"
    first.write_review(review)
    lines = review.read_text().splitlines()
    assert lines[0] == "name,kind,decision,entity,label,entity_kind,score,reason,where"
    review.write_text(lines[0] + "\n" + lines[1].replace(",organization,,", ",organization,accept,", 1) + "\n")
    second = read_csv(data, mapping, against=shipped, matches=review)
    assert second.report.review == [] and second.report.matched == {"label": 1, "decision": 1}
    text = second.serialize("ntriples").decode()
    assert "<https://w3id.org/stackgraph/ns#customer> <https://w3id.org/stackgraph/id/Nvidia>" in text
    review.write_text(lines[0] + "\n" + lines[1].replace(",organization,,", ",organization,new,", 1) + "\n")
    apart = read_csv(data, mapping, against=shipped, matches=review).report
    assert apart.review == [] and apart.created == 2


def test_bad_review_files_name_the_line(tmp_path: Path) -> None:
    review = tmp_path / "matches.csv"
    review.write_text("name,kind,decision,entity\nNvidea,organization,yes,urn:x\n")
    with pytest.raises(InputError, match=r"matches\.csv line 2: unknown decision 'yes'"):
        load_decisions(review)
    review.write_text("name,kind,decision,entity\nNvidea,organization,accept,\n")
    with pytest.raises(InputError, match="line 2: 'accept' needs the entity"):
        load_decisions(review)
    review.write_text("name,kind\n")
    with pytest.raises(InputError, match="missing columns decision, entity"):
        load_decisions(review)
    review.write_text("name,kind,decision,entity\nNvidea,organization,accept,urn:not-loaded\n")
    index = EntityIndex(load_decisions(review))
    with pytest.raises(InputError, match="accepted as urn:not-loaded, which is not loaded"):
        index.resolve("Nvidea", "organization")


def test_a_name_with_a_legal_form_is_an_organisations_whatever_else_shares_it() -> None:
    index = EntityIndex()
    index.add("urn:gemini", "product", "Gemini", developers=["urn:google"])
    found = index.resolve("Gemini Corp.", None)  # kind unknown (a name in a sentence): the legal form says organisation
    assert (found.iri, found.kind, found.review) == (None, "organization", "different kind")
    assert [c.iri for c in found.candidates] == ["urn:gemini"]
    assert index.resolve("Gemini", None).iri == "urn:gemini"


STORE_TTL = """@prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sgid:Acme a sg:Organization ; rdfs:label "Acme" ; sg:lei "5493001KJTIIGC8Y1R12" .
sgid:Globex a sg:Organization ; rdfs:label "Globex" .
sgid:dev a sg:Development ; sg:developer sgid:Acme ; sg:product sgid:Rocket .
sgid:Rocket a sg:Product ; rdfs:label "Rocket" .
sgid:OtherRocket a sg:Product ; rdfs:label "Rocket" .
sgid:dev2 a sg:Development ; sg:developer sgid:Globex ; sg:product sgid:OtherRocket .
"""


def test_identifiers_and_developers_of_a_store_are_read_when_a_name_needs_them() -> None:
    store = KnowledgeStore()
    store.load_data(STORE_TTL, "urn:g")
    index = EntityIndex.from_store(store)
    assert index.resolve("Rocket", "product").review == "ambiguous"
    assert index.resolve("Rocket", "product", developer="https://w3id.org/stackgraph/id/Acme").iri == (
        "https://w3id.org/stackgraph/id/Rocket"
    )
    by_lei = index.resolve("ACME Holdings", "organization", identifiers={"lei": "5493001kjtiigc8y1r12"})
    assert (by_lei.iri, by_lei.via) == ("https://w3id.org/stackgraph/id/Acme", "identifier")
    assert index.resolve("Acme", "organization", identifiers={"lei": "724500Y6DUVHQD6OXN27"}).iri is None


@pytest.mark.parametrize(
    "name",
    ["ASML Holding N.V.", "Toyota Motor Co., Ltd.", "The Coca-Cola Company", "Nestlé S.A.", "AT&T Inc.", "Ltd"],
)
def test_a_store_of_many_names_is_normalised_as_one_name_is(name: str) -> None:
    index = EntityIndex()
    for i in range(150):  # enough names to be normalised all at once
        index.add(f"urn:filler-{i}", "organization", f"Filler {i} Corp")
    index.add("urn:it", "organization", name)
    spelling = normalise_name(name).upper() + " LLC"
    found = index.resolve(spelling, "organization")
    assert (found.iri, found.via) == ("urn:it", "normalised")
