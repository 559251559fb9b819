"""The SPARQL question library and entity lookup: every shipped question runs on the shipped graph and answers
what the article says; parameters are declared, resolved by name and bound by the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stackgraph.entities import Resolver, entity_names, list_entities, resolve_entity
from stackgraph.errors import InputError, UnknownEntityError, UnknownQuestionError
from stackgraph.queries import (
    bind_parameters,
    list_questions,
    load_question,
    parse_question,
    question_names,
    run_question,
)
from stackgraph.store import KnowledgeStore, file_graph_iri, solution_rows

SG = "https://w3id.org/stackgraph/ns#"
ID = "https://w3id.org/stackgraph/id/"

# A value for every parameter kind, so that every question can be run with its required parameters.
SAMPLE_VALUES = {"entity": "SpaceX", "layer": "compute", "status": "completed", "deal": "deal-spacex-acquires-xai"}


@pytest.fixture(scope="module")
def shipped() -> KnowledgeStore:
    return KnowledgeStore.with_shipped_graphs()


def ask(store: KnowledgeStore, name: str, **values: str) -> list[dict[str, Any]]:
    """Run question ``name`` with ``values`` resolved and bound as the CLI does."""
    question = load_question(name)
    return solution_rows(run_question(store, question, bind_parameters(question, values, Resolver(store))))


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# -- the library ---------------------------------------------------------------------------------------------


def test_library_ships_at_least_twelve_described_questions() -> None:
    questions = list_questions()
    assert len(questions) >= 12
    for question in questions:
        assert question.title, question.name
        assert question.description, question.name
        for param in question.params:
            assert f"?{param.name}" in question.text.split("WHERE")[0], (question.name, param.name)


def test_internal_queries_are_not_listed_and_cannot_be_run() -> None:
    names = question_names()
    assert "derive_direct" not in names
    assert not any(name.startswith("internal-") for name in names)
    with pytest.raises(UnknownQuestionError):
        load_question("derive_direct")


def test_unknown_question_suggests_close_names() -> None:
    with pytest.raises(UnknownQuestionError) as caught:
        load_question("who-contrls")
    assert caught.value.suggestions == ["who-controls"]
    assert "did you mean 'who-controls'" in str(caught.value)


def test_parse_question_reads_the_header() -> None:
    question = parse_question(
        "demo",
        "# title: Demo question\n# description: First line\n# description: second line.\n"
        "# param who: entity — the party\n# param state: status? — optional status\n"
        "SELECT ?who ?state WHERE { ?d sg:status ?state ; sg:party ?who }\n# not a header any more: x\n",
    )
    assert question.title == "Demo question"
    assert question.description == "First line second line."
    assert [(p.name, p.kind, p.required, p.help) for p in question.params] == [
        ("who", "entity", True, "the party"),
        ("state", "status", False, "optional status"),
    ]
    assert not question.internal


def test_parse_question_rejects_an_unknown_parameter_kind() -> None:
    with pytest.raises(InputError, match="bad parameter line"):
        parse_question("demo", "# param who: company — nope\nSELECT ?who {}")


def test_bind_parameters_checks_names_and_required_values() -> None:
    question = parse_question("demo", "# param who: entity\n# param note: literal?\nSELECT ?who ?note {}")
    with pytest.raises(InputError, match="needs --bind who=<entity>"):
        bind_parameters(question, {}, lambda kind, text: text)
    with pytest.raises(InputError, match="has no parameter 'whom'"):
        bind_parameters(question, {"who": "urn:x", "whom": "y"}, lambda kind, text: text)
    seen: list[tuple[str, str]] = []
    bound = bind_parameters(
        question, {"who": "X", "note": "urn:not-an-iri"}, lambda k, t: seen.append((k, t)) or "urn:x"
    )
    assert seen == [("entity", "X")]
    assert bound["who"].value == "urn:x"
    assert type(bound["note"]).__name__ == "Literal" and bound["note"].value == "urn:not-an-iri"


@pytest.mark.parametrize("name", question_names())
def test_every_question_runs_on_the_shipped_graph(shipped: KnowledgeStore, name: str) -> None:
    question = load_question(name)
    values = {p.name: SAMPLE_VALUES[p.kind] for p in question.params if p.required}
    if name == "relation-sources":
        values = {"entity": "Nvidia", "other": "Nokia"}
    if name == "dependents":
        values = {"supplier": "Nvidia"}
    if name == "who-controls":
        values = {"entity": "xAI"}
    rows = ask(shipped, name, **values)
    assert rows, f"{name} returned no rows on the shipped graph"


# -- answers the article gives -------------------------------------------------------------------------------


def test_who_controls_xai_is_spacex(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "who-controls", entity="xAI")
    assert {local(r["controller"]) for r in rows} == {"SpaceX"}
    assert {local(r["deal"]) for r in rows} == {"deal-spacex-acquires-xai"}
    assert {local(r["status"]) for r in rows} == {"Completed"}


def test_who_controls_grok_follows_development_and_control(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "who-controls", entity="grok")
    links = {(local(r["controller"]), local(r["controls"]), local(r["dealType"])) for r in rows}
    assert links == {("xAI", "Grok", "Development"), ("SpaceX", "xAI", "Acquisition")}


def test_talks_and_hypotheses_give_no_control(shipped: KnowledgeStore) -> None:
    assert ask(shipped, "who-controls", entity="Cursor") == []
    assert ask(shipped, "who-controls", entity="Nokia") == []


def test_uncertain_deals_include_cursor_talks_and_nokia_hypothesis(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "uncertain-deals")
    by_target = {local(r.get("counterparty", "")): local(r["status"]) for r in rows if "counterparty" in r}
    assert by_target["Cursor"] == "InTalks"
    assert by_target["Nokia"] == "Hypothetical"
    assert "xAI" not in by_target  # a completed acquisition is not uncertain
    # every status that means the deal may not happen, and no other (the ontology's sg:statusMeaning)
    assert {local(r["status"]) for r in rows} <= {"Rumoured", "InTalks", "Announced", "Pending", "Hypothetical"}
    assert "Announced" in {local(r["status"]) for r in rows}  # SpaceX plans to buy more GPUs
    quotes = {r["quote"] for r in rows if local(r["deal"]) == "deal-spacex-cursor-talks"}
    assert any("reportedly in discussions to acquire Cursor" in q for q in quotes)


def test_group_of_xai_is_spacex_and_what_it_controls(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "group", entity="xAI")
    assert {local(r["top"]) for r in rows} == {"SpaceX"}
    members = {local(r["member"]) for r in rows}
    assert {"SpaceX", "xAI", "Terafab"} <= members
    assert "Cursor" not in members and "Nokia" not in members


def test_deals_by_status_binds_the_status_by_key(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "deals-by-status", status="in-talks")
    assert [(local(r["deal"]), local(r["counterparty"])) for r in rows] == [("deal-spacex-cursor-talks", "Cursor")]
    everything = ask(shipped, "deals-by-status")
    assert len({r["deal"] for r in everything}) == len(shipped.select("SELECT DISTINCT ?d WHERE { ?d sg:status ?s }"))


def test_suppliers_of_spacex_are_nvidia_accelerators(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "suppliers", entity="SpaceX")
    assert {(local(r["supplier"]), local(r["inputLayer"]), local(r["item"])) for r in rows} == {
        ("Nvidia", "Accelerators", "NvidiaGPUs")
    }
    assert "Active" in {local(r["status"]) for r in rows}


def test_dependents_of_nvidia_include_spacex(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "dependents", supplier="Nvidia")
    assert ("SpaceX", "direct") in {(local(r["customer"]), r["how"]) for r in rows}


def test_investments_carry_amount_currency_and_date(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "investments", entity="Nokia")
    assert len(rows) == 1
    row = rows[0]
    assert (local(row["investor"]), local(row["investee"])) == ("Nvidia", "Nokia")
    assert (row["amount"], row["currency"], row["effective"]) == (1_000_000_000, "USD", "2025-10")
    assert row["purpose"] == "co-develop AI-RAN solutions"
    assert ask(shipped, "investments", entity="Anthropic") == []
    assert len(ask(shipped, "investments")) == len(shipped.select("SELECT ?d WHERE { ?d a sg:Investment }"))


def test_entities_by_layer_respect_the_layer_hierarchy(shipped: KnowledgeStore) -> None:
    compute = {local(r["entity"]) for r in ask(shipped, "entities-by-layer", layer="Compute")}
    assert {"Nvidia", "Terafab"} <= compute  # accelerators and chip fabrication lie below compute
    assert "Nokia" not in compute
    connectivity = {local(r["entity"]) for r in ask(shipped, "entities-by-layer", layer="connectivity")}
    assert {"Nokia", "Starlink"} <= connectivity
    ran = {local(r["entity"]) for r in ask(shipped, "entities-by-layer", layer="terrestrial-ran")}
    assert "Nokia" in ran and "Starlink" not in ran


def test_relation_sources_quote_the_article(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "relation-sources", entity="Nvidia", other="Nokia")
    deals = {local(r["deal"]) for r in rows}
    assert {"deal-nvidia-invests-in-nokia-2025", "deal-nvidia-nokia-ai-ran"} <= deals
    assert all(r["title"].startswith("SpaceX's $75 Billion IPO") for r in rows)
    assert any("Nvidia invested $1 billion in Nokia" in r["quote"] for r in rows)


def test_deal_sources_give_title_and_quote(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "deal-sources", deal="SpaceX acquires xAI")
    assert len(rows) == 1
    assert rows[0]["quote"].startswith("SpaceX acquired xAI")
    assert "sourceKind" not in rows[0]  # the article, not editorial background


def test_deals_of_nokia(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "deals-of", entity="Nokia")
    roles = {(local(r["role"]), local(r["dealType"]), local(r["status"])) for r in rows}
    assert ("investee", "Investment", "Completed") in roles
    assert ("target", "Acquisition", "Hypothetical") in roles
    assert ("partner", "Partnership", "Active") in roles


def test_market_shares_of_connectivity_include_terrestrial_ran(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "market-shares", layer="connectivity")
    shares = {local(r["holder"]): r["share"] for r in rows}
    assert shares["Nokia"] == pytest.approx(19.0)
    assert all(local(r["market"]) == "TerrestrialRAN" for r in rows)
    assert ask(shipped, "market-shares", layer="ai-models") == []
    assert len(ask(shipped, "market-shares")) == len(shipped.select("SELECT ?p WHERE { ?p a sg:MarketPosition }"))


def test_financial_figures_of_spacex(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "financials", entity="SpaceX")
    figures = {local(r["metric"]): r["value"] for r in rows}
    assert figures["Revenue"] == pytest.approx(18.7e9)
    assert figures["NetIncome"] == pytest.approx(-4.9e9)
    assert figures["Valuation"] == pytest.approx(1.77e12)


def test_acquisitions_timeline_lists_every_acquisition(shipped: KnowledgeStore) -> None:
    rows = ask(shipped, "acquisitions-timeline")
    assert {local(r["target"]) for r in rows} == {"xAI", "Cursor", "Nokia"}


def test_public_offerings_include_the_spacex_ipo(shipped: KnowledgeStore) -> None:
    rows = {local(r["issuer"]): r for r in ask(shipped, "public-offerings")}
    assert rows["SpaceX"]["amount"] == pytest.approx(75e9)
    assert rows["SpaceX"]["sharePrice"] == pytest.approx(135.0)
    assert local(rows["Anthropic"]["status"]) == "Rumoured"


# -- questions on a tiny hand-computed graph -----------------------------------------------------------------

TINY = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sgid:Top a sg:Organization ; rdfs:label "Top" .
sgid:Mid a sg:Organization ; rdfs:label "Mid" .
sgid:Leaf a sg:Organization ; rdfs:label "Leaf" .
sgid:Chip a sg:Organization ; rdfs:label "Chip" .
sgid:o1 a sg:Ownership ; sg:owner sgid:Top ; sg:owned sgid:Mid ; sg:status sg:Active ; sg:stakePercent 60 .
sgid:o2 a sg:Ownership ; sg:owner sgid:Mid ; sg:owned sgid:Leaf ; sg:status sg:Active .
sgid:o3 a sg:Ownership ; sg:owner sgid:Top ; sg:owned sgid:Chip ; sg:status sg:Active ; sg:stakePercent 20 .
sgid:s1 a sg:Supply ; sg:supplier sgid:Chip ; sg:customer sgid:Leaf ; sg:status sg:Active .
sgid:s2 a sg:Supply ; sg:supplier sgid:Leaf ; sg:customer sgid:Mid ; sg:status sg:Active .
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    path: Path = tmp_path_factory.mktemp("tiny") / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    store = KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    assert file_graph_iri(path) in store.graph_names()
    return store


def test_who_controls_is_transitive_and_ignores_minority_stakes(tiny: KnowledgeStore) -> None:
    rows = ask(tiny, "who-controls", entity="Leaf")
    assert {(local(r["controller"]), local(r["controls"]), local(r["deal"])) for r in rows} == {
        ("Mid", "Leaf", "o2"),
        ("Top", "Mid", "o1"),
    }
    assert ask(tiny, "who-controls", entity="Chip") == []  # a 20 % stake is not control


def test_group_collects_everything_under_the_top(tiny: KnowledgeStore) -> None:
    rows = ask(tiny, "group", entity="leaf")
    assert {local(r["top"]) for r in rows} == {"Top"}
    assert {local(r["member"]) for r in rows} == {"Top", "Mid", "Leaf"}


def test_dependents_reach_downstream_customers(tiny: KnowledgeStore) -> None:
    rows = ask(tiny, "dependents", supplier="Chip")
    assert {(local(r["customer"]), r["how"]) for r in rows} == {("Leaf", "direct"), ("Mid", "indirect")}


# -- entities ------------------------------------------------------------------------------------------------


def test_resolve_entity_by_label_alias_local_name_and_iri(shipped: KnowledgeStore) -> None:
    spacex = ID + "SpaceX"
    assert resolve_entity(shipped, "spacex") == spacex
    assert resolve_entity(shipped, "Space Exploration Technologies") == spacex
    assert resolve_entity(shipped, spacex) == spacex
    assert resolve_entity(shipped, f"<{spacex}>") == spacex
    assert resolve_entity(shipped, "sgid:SpaceX") == spacex
    assert resolve_entity(shipped, "nokia ai-ran") == ID + "NokiaAIRAN"


def test_unknown_entity_suggests_the_closest_names(shipped: KnowledgeStore) -> None:
    with pytest.raises(UnknownEntityError) as caught:
        resolve_entity(shipped, "Nvdia")
    assert "Nvidia" in caught.value.suggestions
    assert str(caught.value).startswith("unknown entity 'Nvdia'; did you mean")


def test_resolver_finds_layers_statuses_and_deals(shipped: KnowledgeStore) -> None:
    resolver = Resolver(shipped)
    assert resolver("layer", "Terrestrial RAN") == SG + "TerrestrialRAN"
    assert resolver("layer", "terrestrial-ran") == SG + "TerrestrialRAN"
    assert resolver("status", "in talks") == SG + "InTalks"
    assert resolver("status", "InTalks") == SG + "InTalks"
    assert resolver("deal", "SpaceX acquires xAI") == ID + "deal-spacex-acquires-xai"
    with pytest.raises(UnknownEntityError, match="unknown deal status 'finished'"):
        resolver("status", "finished")


def test_entity_names_cover_labels_and_aliases(shipped: KnowledgeStore) -> None:
    names = entity_names(shipped)
    assert "Musk" in names[ID + "ElonMusk"]
    assert "Elon Musk" in names[ID + "ElonMusk"]


def test_list_entities_gives_kind_and_layers(shipped: KnowledgeStore) -> None:
    entities = {e.label: e for e in list_entities(shipped)}
    assert (entities["Terafab"].kind, entities["Terafab"].layers) == ("facility", ("chip-fabrication",))
    assert entities["Grok"].kind == "product"
    assert entities["Elon Musk"].kind == "person"
    labels = [e.label.casefold() for e in list_entities(shipped)]
    assert labels == sorted(labels)


def test_list_entities_filters_by_kind_and_layer(shipped: KnowledgeStore) -> None:
    assert {e.label for e in list_entities(shipped, kind="facility")} == {"Terafab"}
    compute = {e.label for e in list_entities(shipped, layer="compute")}
    assert {"Nvidia", "Nvidia GPUs", "Terafab"} <= compute
    assert "Nokia" not in compute
    with pytest.raises(InputError, match="unknown entity kind"):
        list_entities(shipped, kind="company")
    with pytest.raises(UnknownEntityError, match="unknown layer"):
        list_entities(shipped, layer="quantum")
