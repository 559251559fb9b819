"""SHACL validation (stackgraph.validation, ontology/shapes.ttl) on tiny hand-written graphs and broken fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.errors import InputError, ParseError
from stackgraph.store import DERIVED_GRAPH, KnowledgeStore, graph_iri
from stackgraph.validation import ValidationReport, Violation, load_shapes, validate, validate_files

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
VALID = FIXTURES / "valid" / "minimal.ttl"
DEAL = "https://example.org/fixture/acquisition"

PREAMBLE = """
@prefix sg:      <https://w3id.org/stackgraph/ns#> .
@prefix ex:      <https://example.org/fixture/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .

ex:Acme a sg:Organization ; rdfs:label "Acme" .
ex:Widgets a sg:Organization ; rdfs:label "Widgets Inc" .
ex:article a sg:Source ; dcterms:title "Acme buys Widgets" .
ex:editors a sg:EditorialSource ; dcterms:title "Editorial background" .
ex:whatif a sg:ScenarioSource ; dcterms:title "What if Acme bought Widgets" .
"""
QUOTED = """prov:wasDerivedFrom ex:article ;
    prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:article ; sg:quote "Acme acquired Widgets." ]"""


def check(turtle: str) -> ValidationReport:
    """Validate the preamble plus ``turtle`` alone (ontology, no shipped graphs)."""
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(PREAMBLE + turtle, graph_iri("case"))
    return validate(store)


def found(report: ValidationReport) -> set[tuple[str | None, str]]:
    return {(v.path, v.message) for v in report.violations}


# -- conforming graphs ------------------------------------------------------------------------------------------


def test_minimal_fixture_conforms_and_counts_what_it_checked():
    report = validate_files([VALID], include_shipped=False)
    assert report.conforms
    assert report.violations == []
    assert (report.deals_checked, report.entities_checked) == (2, 3)
    assert report.summary() == "conforms: 2 deals, 3 entities checked"


def test_editorial_and_scenario_facts_need_no_quote():
    report = check(
        """
        ex:d1 a sg:Ownership ; sg:owner ex:Acme ; sg:owned ex:Widgets ; sg:status sg:Active ;
            prov:wasDerivedFrom ex:editors .
        ex:d2 a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Hypothetical ;
            prov:wasDerivedFrom ex:whatif ;
            prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:whatif ] .
        """
    )
    assert report.conforms, report.violations


def test_integer_amounts_and_partial_dates_are_accepted():
    report = check(
        f"""
        ex:d a sg:Investment ; sg:investor ex:Acme ; sg:investee ex:Widgets ; sg:status sg:Completed ;
            sg:amount 5 ; sg:currency "EUR" ; sg:announcedDate "2025"^^xsd:gYear ;
            sg:effectiveDate "2025-10"^^xsd:gYearMonth ; sg:endDate "2026-01-31"^^xsd:date ;
            {QUOTED} .
        """
    )
    assert report.conforms, report.violations


# -- the broken fixtures ----------------------------------------------------------------------------------------

BROKEN_CASES = {
    "deal_without_status.ttl": ("sg:status", "needs exactly one sg:status", None),
    "two_statuses.ttl": ("sg:status", "needs exactly one sg:status", None),
    "missing_quote.ttl": (None, "needs evidence quoting its source", None),
    "stake_140.ttl": ("sg:stakePercent", "sg:stakePercent must be one number from 0 to 100", '"140"^^xsd:decimal'),
    "malformed_date.ttl": (
        "sg:effectiveDate",
        "sg:effectiveDate must be one well-formed xsd:date, xsd:gYearMonth or xsd:gYear",
        '"2025-13-45"^^xsd:date',
    ),
    "date_wrong_datatype.ttl": (
        "sg:announcedDate",
        "sg:announcedDate must be one well-formed xsd:date, xsd:gYearMonth or xsd:gYear",
        '"October 2025"',
    ),
    "amount_without_currency.ttl": ("sg:currency", "needs exactly one sg:currency", None),
    "acquisition_without_target.ttl": ("sg:target", "an acquisition needs at least one sg:target", None),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_each_broken_fixture_breaks_exactly_its_rule(name):
    path, message, value = BROKEN_CASES[name]
    report = validate_files([BROKEN / name], include_shipped=False)
    assert not report.conforms
    assert len(report.violations) == 1, report.violations
    (violation,) = report.violations
    assert violation.focus_iri == DEAL
    assert violation.path == path
    assert message in violation.message
    assert violation.value == value
    assert violation.severity == "Violation"


def test_unlabelled_deal_is_named_by_its_kind_and_parties():
    (violation,) = validate_files([BROKEN / "two_statuses.ttl"], include_shipped=False).violations
    assert violation.focus_label == "acquisition Acme → Widgets Inc"
    (missing,) = validate_files([BROKEN / "acquisition_without_target.ttl"], include_shipped=False).violations
    assert missing.focus_label == "acquisition Acme → ?"


def test_malformed_turtle_names_file_line_and_column():
    with pytest.raises(ParseError) as caught:
        validate_files([BROKEN / "malformed_turtle.ttl"], include_shipped=False)
    error = caught.value
    assert (error.line, error.column) == (7, 66)
    assert error.path.endswith("malformed_turtle.ttl")
    assert "layers:" in error.message
    assert str(error).startswith(f"{error.path}:7:66: ")


def test_missing_file_is_an_input_error():
    with pytest.raises(InputError, match="no such file"):
        validate_files([FIXTURES / "nope.ttl"], include_shipped=False)


def test_ill_typed_literal_prints_no_traceback(capsys):
    validate_files([BROKEN / "malformed_date.ttl"], include_shipped=False)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert "month must be in" not in captured.err


# -- other rules, one small graph each -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        pytest.param(
            """ex:d a sg:Partnership ; sg:partner ex:Acme ; sg:status sg:Active ; prov:wasDerivedFrom ex:editors .""",
            ("sg:partner", "a partnership needs at least two sg:partner"),
            id="partnership-one-partner",
        ),
        pytest.param(
            f"""ex:d a sg:Supply ; sg:customer ex:Widgets ; sg:status sg:Active ; {QUOTED} .""",
            ("sg:supplier", "a supply relationship needs an sg:supplier"),
            id="supply-without-supplier",
        ),
        pytest.param(
            f"""ex:d a sg:Investment ; sg:investor ex:Acme ; sg:status sg:Completed ; {QUOTED} .""",
            ("sg:investee", "an investment needs an sg:investee"),
            id="investment-without-investee",
        ),
        pytest.param(
            f"""ex:d a sg:Ownership ; sg:owner ex:Acme ; sg:status sg:Active ; {QUOTED} .""",
            ("sg:owned", "an ownership needs an sg:owned entity"),
            id="ownership-without-owned",
        ),
        pytest.param(
            f"""ex:d a sg:Development ; sg:developer ex:Acme ; sg:status sg:Active ; {QUOTED} .""",
            ("sg:product", "a development needs an sg:product (the product, service or facility developed)"),
            id="development-without-product",
        ),
        pytest.param(
            f"""ex:d a sg:PublicOffering ; sg:status sg:Announced ; {QUOTED} .""",
            ("sg:issuer", "a public offering needs exactly one sg:issuer"),
            id="offering-without-issuer",
        ),
        pytest.param(
            f"""ex:d a sg:Acquisition ; sg:acquirer ex:Acme, ex:Widgets ; sg:target ex:Widgets ;
                sg:status sg:Completed ; {QUOTED} .""",
            ("sg:acquirer", "an acquisition needs exactly one sg:acquirer"),
            id="two-acquirers",
        ),
        pytest.param(
            f"""ex:d a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Accelerators ;
                {QUOTED} .""",
            ("sg:status", "sg:status must be a concept of sg:DealStatusScheme"),
            id="status-outside-scheme",
        ),
        pytest.param(
            f"""ex:d a sg:Investment ; sg:investor ex:Acme ; sg:investee ex:Widgets ; sg:status sg:Completed ;
                sg:amount -1.0 ; sg:currency "USD" ; {QUOTED} .""",
            ("sg:amount", "sg:amount must be one xsd:decimal of at least 0"),
            id="negative-amount",
        ),
        pytest.param(
            f"""ex:d a sg:Investment ; sg:investor ex:Acme ; sg:investee ex:Widgets ; sg:status sg:Completed ;
                sg:amount "1 billion" ; sg:currency "USD" ; {QUOTED} .""",
            ("sg:amount", "sg:amount must be one xsd:decimal of at least 0"),
            id="amount-as-text",
        ),
        pytest.param(
            f"""ex:d a sg:Investment ; sg:investor ex:Acme ; sg:investee ex:Widgets ; sg:status sg:Completed ;
                sg:amount 1.0 ; sg:currency "dollars" ; {QUOTED} .""",
            ("sg:currency", 'sg:currency must be one three-letter ISO 4217 code such as "USD"'),
            id="currency-not-iso",
        ),
        pytest.param(
            f"""ex:d a sg:Ownership ; sg:owner ex:Acme ; sg:owned ex:Widgets ; sg:status sg:Active ;
                sg:stakePercent -5.0 ; {QUOTED} .""",
            ("sg:stakePercent", "sg:stakePercent must be one number from 0 to 100"),
            id="negative-stake",
        ),
        pytest.param(
            """ex:d a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
                prov:wasDerivedFrom ex:article ;
                prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:article ; sg:quote "   " ] .""",
            ("sg:quote", "sg:quote must be a non-empty plain string (the sentence quoted verbatim)"),
            id="blank-quote",
        ),
        pytest.param(
            """ex:d a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed .""",
            (
                "prov:wasDerivedFrom",
                "needs at least one prov:wasDerivedFrom that is a sg:Source (document, editorial or scenario)",
            ),
            id="no-source",
        ),
        pytest.param(
            """ex:d a sg:Ownership ; sg:owner ex:Acme ; sg:owned ex:Widgets ; sg:status sg:Active ;
                prov:wasDerivedFrom ex:editors ;
                prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:editors ; sg:quote "made up" ] .""",
            (None, "evidence from a sg:EditorialSource carries no sg:quote"),
            id="editorial-quote",
        ),
        pytest.param(
            """ex:d a sg:Deal ; sg:status sg:Active ; prov:wasDerivedFrom ex:editors .""",
            (None, "a deal must be an sg:Acquisition, sg:Investment, sg:Supply"),
            id="abstract-deal",
        ),
        pytest.param(
            """ex:x a sg:Organization ; rdfs:label "X" ; sg:inLayer sg:Completed .""",
            ("sg:inLayer", "sg:inLayer must be a concept of sg:StackLayerScheme"),
            id="layer-outside-scheme",
        ),
        pytest.param(
            """ex:x a sg:Organization ; rdfs:label "X", "Ex" .""",
            ("rdfs:label", "an entity needs exactly one rdfs:label"),
            id="two-labels",
        ),
        pytest.param(
            """ex:x a sg:Organization .""",
            ("rdfs:label", "an entity needs exactly one rdfs:label"),
            id="no-label",
        ),
        pytest.param(
            """ex:x rdfs:label "X" ; sg:inLayer sg:Accelerators .""",
            (None, "an entity must be typed sg:Organization, sg:Person, sg:Product or sg:Facility"),
            id="untyped-entity",
        ),
        pytest.param(
            """ex:s a sg:Source .""",
            ("dcterms:title", "a source needs exactly one non-empty dcterms:title"),
            id="source-without-title",
        ),
        pytest.param(
            """ex:editors schema:url <https://example.org/invented> .""",
            ("schema:url", "editorial background has no schema:url"),
            id="editorial-url",
        ),
        pytest.param(
            """ex:m a sg:MarketPosition ; sg:holder ex:Acme ; sg:market sg:Accelerators ;
                sg:year "2025"^^xsd:gYear ; sg:sharePercent 101.0 ; prov:wasDerivedFrom ex:editors .""",
            ("sg:sharePercent", "a market position needs exactly one sg:sharePercent, a number from 0 to 100"),
            id="share-above-100",
        ),
        pytest.param(
            """ex:m a sg:MarketPosition ; sg:market sg:Accelerators ;
                sg:year "2025"^^xsd:gYear ; sg:sharePercent 10.0 ; prov:wasDerivedFrom ex:editors .""",
            ("sg:holder", "a market position needs exactly one sg:holder, an sg:Organization"),
            id="position-without-holder",
        ),
        pytest.param(
            """ex:m a sg:MarketPosition ; sg:holder ex:Acme ; sg:market sg:Accelerators ;
                sg:year "2025" ; sg:sharePercent 10.0 ; prov:wasDerivedFrom ex:editors .""",
            ("sg:year", "a market position needs exactly one sg:year, an xsd:gYear"),
            id="year-as-text",
        ),
        pytest.param(
            """ex:f a sg:FinancialFigure ; sg:figureOf ex:Acme ; sg:value 3.0 ; prov:wasDerivedFrom ex:editors .""",
            ("sg:metric", "a financial figure needs exactly one sg:metric, a concept of sg:MetricScheme"),
            id="figure-without-metric",
        ),
        pytest.param(
            """ex:f a sg:FinancialFigure ; sg:figureOf ex:Acme ; sg:metric sg:Revenue ;
                prov:wasDerivedFrom ex:editors .""",
            ("sg:value", "a financial figure needs exactly one sg:value, an xsd:decimal"),
            id="figure-without-value",
        ),
        pytest.param(
            """ex:f a sg:FinancialFigure ; sg:figureOf ex:Acme ; sg:metric sg:Revenue ; sg:value 3.0 .""",
            (
                "prov:wasDerivedFrom",
                "needs at least one prov:wasDerivedFrom that is a sg:Source (document, editorial or scenario)",
            ),
            id="figure-without-provenance",
        ),
        pytest.param(
            f"""ex:d a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
                sg:supersedes ex:Widgets ; {QUOTED} .""",
            ("sg:supersedes", "sg:supersedes must point to a deal"),
            id="supersedes-non-deal",
        ),
        pytest.param(
            f"""ex:d a sg:Investment ; sg:investor ex:Acme ; sg:investee ex:Widgets ; sg:target ex:Widgets ;
                sg:status sg:Completed ; {QUOTED} .""",
            (None, "sg:acquirer and sg:target are only used on an sg:Acquisition"),
            id="role-on-wrong-kind",
        ),
    ],
)
def test_rule(turtle, expected):
    report = check(turtle)
    assert not report.conforms
    path, message = expected
    assert any(v.path == path and message in v.message for v in report.violations), found(report)


def test_evidence_must_cite_one_of_the_facts_sources():
    report = check(
        """
        ex:d a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
            prov:wasDerivedFrom ex:article ;
            prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:whatif ; sg:quote "Acme acquired Widgets." ] .
        """
    )
    messages = [v for v in report.violations if "not one of the fact's prov:wasDerivedFrom sources" in v.message]
    assert len(messages) == 1
    assert messages[0].value == "<https://example.org/fixture/whatif>"


def test_evidence_node_is_described_through_its_deal():
    report = check(
        """
        ex:d a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
            prov:wasDerivedFrom ex:article ;
            prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:article ; sg:quote "" ] .
        """
    )
    labels = {v.focus_label for v in report.violations if v.path == "sg:quote"}
    assert labels == {"evidence of acquisition Acme → Widgets Inc"}


def test_labelled_focus_node_uses_its_label():
    report = check(
        f"""ex:d a sg:Acquisition ; rdfs:label "Acme buys Widgets" ; sg:acquirer ex:Acme ; sg:target ex:Widgets ;
            {QUOTED} ."""
    )
    assert [(v.focus_label, v.path) for v in report.violations] == [("Acme buys Widgets", "sg:status")]


def test_subclass_targets_reach_every_kind_of_deal():
    # No sg:status anywhere: each of the seven kinds is a sg:Deal through the ontology's rdfs:subClassOf.
    kinds = ["Acquisition", "Investment", "Supply", "Ownership", "Partnership", "Development", "PublicOffering"]
    turtle = "\n".join(f"ex:{kind} a sg:{kind} ; prov:wasDerivedFrom ex:editors ." for kind in kinds)
    report = check(turtle)
    missing_status = {v.focus_iri.rsplit("/", 1)[1] for v in report.violations if v.path == "sg:status"}
    assert missing_status == set(kinds)
    assert report.deals_checked == len(kinds)


def test_graphs_argument_restricts_what_is_checked():
    store = KnowledgeStore.with_shipped_graphs([VALID, BROKEN / "two_statuses.ttl"], include_shipped=False)
    assert not validate(store).conforms
    only_valid = validate(store, graphs=[graph_iri("minimal")])
    assert only_valid.conforms
    assert only_valid.graphs == (graph_iri("minimal"),)


def test_validation_leaves_the_store_unchanged():
    store = KnowledgeStore.with_shipped_graphs([BROKEN / "stake_140.ttl"], include_shipped=False)

    def source_quads() -> list[str]:  # the derived direct properties are the store's own cache
        return sorted(str(q) for q in store.raw if q.graph_name.value != DERIVED_GRAPH)

    before = source_quads()
    validate(store)
    assert source_quads() == before


def test_report_as_plain_data_and_summary():
    report = validate_files([BROKEN / "stake_140.ttl"], include_shipped=False)
    data = report.to_dict()
    assert data["conforms"] is False
    assert data["violations"][0]["path"] == "sg:stakePercent"
    assert data["violations"][0]["focus_iri"] == DEAL
    assert report.summary() == "does not conform: 1 result on 1 node (1 deal, 2 entities checked)"


def test_violation_is_a_plain_value():
    a = Violation("urn:x", "X", "sg:status", "needs exactly one sg:status")
    assert a == Violation("urn:x", "X", "sg:status", "needs exactly one sg:status", "Violation", None)


def test_every_shape_carries_a_readable_message():
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = load_shapes()
    not_constraints = {sh.property, sh.message, sh.severity, sh.name, sh.description, sh.path, sh.deactivated}
    not_constraints |= {sh.targetClass, sh.targetSubjectsOf, sh.targetObjectsOf, sh.targetNode}
    targeted = {
        shape
        for target in (sh.targetClass, sh.targetSubjectsOf, sh.targetObjectsOf, sh.targetNode)
        for shape in shapes.subjects(target, None)
    }
    assert len(targeted) > 20
    silent = []
    for node_shape in targeted:
        constrained = any(
            str(p).startswith(str(sh)) and p not in not_constraints for p in shapes.predicates(node_shape)
        )
        if constrained and shapes.value(node_shape, sh.message) is None:
            silent.append(node_shape)
        silent += [prop for prop in shapes.objects(node_shape, sh.property) if shapes.value(prop, sh.message) is None]
        for sparql in shapes.objects(node_shape, sh.sparql):
            if shapes.value(sparql, sh.message) is None:
                silent.append(sparql)
    assert silent == []


def test_dataset_facts_name_their_record_instead_of_a_quote():
    dataset = 'ex:export a sg:DatasetSource ; dcterms:title "Deals export" .\n'
    with_record = check(
        dataset
        + """
        ex:d1 a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
            prov:wasDerivedFrom ex:export ;
            prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:export ; sg:record "deals.csv row 7" ] .
        """
    )
    assert with_record.conforms, with_record.violations
    without_record = check(
        dataset
        + """
        ex:d1 a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
            prov:wasDerivedFrom ex:export ;
            prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:export ] .
        """
    )
    messages = " ".join(v.message for v in without_record.violations)
    assert "sg:record" in messages
    # A record does not stand in for a quote when the source is a document.
    record_for_article = check(
        """
        ex:d1 a sg:Acquisition ; sg:acquirer ex:Acme ; sg:target ex:Widgets ; sg:status sg:Completed ;
            prov:wasDerivedFrom ex:article ;
            prov:qualifiedDerivation [ a sg:Evidence ; prov:entity ex:article ; sg:record "row 7" ] .
        """
    )
    assert not record_for_article.conforms
