"""SHACL rules of issue #16 (item 6): no self-deal, dates in plausible years, no deal ending before it starts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validation import PREAMBLE

from stackgraph.projection import parse_date
from stackgraph.store import KnowledgeStore, graph_iri
from stackgraph.validation import load_shapes, validate

SHAPES = load_shapes()


def _results(turtle: str) -> set[tuple[str | None, str, str | None]]:
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(PREAMBLE + turtle, graph_iri("case"))
    report = validate(store, shapes=SHAPES)
    return {(v.path, v.message, v.value) for v in report.violations}


def _deal(kind: str, roles: str, extra: str = "") -> str:
    return f"ex:deal a sg:{kind} ; {roles} ; sg:status sg:Completed ; prov:wasDerivedFrom ex:editors {extra}.\n"


@pytest.mark.parametrize(
    ("kind", "actor", "counterparty", "verb"),
    [
        ("Acquisition", "acquirer", "target", "acquire"),
        ("Investment", "investor", "investee", "invest in"),
        ("Supply", "supplier", "customer", "supply"),
        ("Ownership", "owner", "owned", "own"),
    ],
)
def test_a_self_deal_does_not_conform(kind, actor, counterparty, verb) -> None:
    found = _results(_deal(kind, f"sg:{actor} ex:Acme ; sg:{counterparty} ex:Acme"))
    message = f"the same entity is the deal's sg:{actor} and its sg:{counterparty}: an entity cannot {verb} itself"
    assert found == {(f"sg:{actor}", message, "<https://example.org/fixture/Acme>")}
    assert _results(_deal(kind, f"sg:{actor} ex:Acme ; sg:{counterparty} ex:Widgets")) == set()


@pytest.mark.parametrize("year", ["1201", "3201", "1799", "2101", "0099"])
def test_implausible_years_do_not_conform(year) -> None:
    message = "not in a plausible year (1800 to 2100): a typo?"
    dated = _deal(
        "Acquisition", "sg:acquirer ex:Acme ; sg:target ex:Widgets", f'; sg:effectiveDate "{year}"^^xsd:gYear'
    )
    assert _results(dated) == {("sg:effectiveDate", message, f'"{year}"^^xsd:gYear')}
    source = f'ex:doc a sg:Source ; dcterms:title "Doc" ; dcterms:date "{year}-05-01"^^xsd:date .\n'
    assert _results(source) == {("dcterms:date", message, f'"{year}-05-01"^^xsd:date')}


@pytest.mark.parametrize("year", ["1800", "1901", "2026", "2100"])
def test_plausible_years_conform(year) -> None:
    dated = _deal(
        "Acquisition", "sg:acquirer ex:Acme ; sg:target ex:Widgets", f'; sg:announcedDate "{year}-10"^^xsd:gYearMonth'
    )
    assert _results(dated) == set()


def test_an_end_before_the_start_does_not_conform() -> None:
    roles = "sg:supplier ex:Acme ; sg:customer ex:Widgets"
    ended = _deal("Supply", roles, '; sg:effectiveDate "2024-05-02"^^xsd:date ; sg:endDate "2024-04"^^xsd:gYearMonth')
    message = "the deal ends before it starts: sg:endDate is before its sg:effectiveDate or sg:announcedDate"
    assert _results(ended) == {("sg:endDate", message, '"2024-04"^^xsd:gYearMonth')}
    announced = _deal("Supply", roles, '; sg:announcedDate "2023"^^xsd:gYear ; sg:endDate "2022-12-31"^^xsd:date')
    assert _results(announced) == {("sg:endDate", message, '"2022-12-31"^^xsd:date')}
    same_period = _deal("Supply", roles, '; sg:effectiveDate "2024-05-02"^^xsd:date ; sg:endDate "2024"^^xsd:gYear')
    assert _results(same_period) == set()


_PARTIAL = st.builds(
    lambda y, m, d, precision: [f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}"][precision],
    st.integers(2020, 2022),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 2),
)
_DATATYPE = {1: "gYear", 2: "gYearMonth", 3: "date"}


@settings(max_examples=6, deadline=None)
@given(pairs=st.lists(st.tuples(_PARTIAL, _PARTIAL), min_size=1, max_size=40))
def test_the_end_rule_agrees_with_partial_dates_as_periods(pairs: list[tuple[str, str]]) -> None:
    """The shape's string comparison at common precision is the period comparison of projection.parse_date."""

    def literal(date: str) -> str:
        return f'"{date}"^^xsd:{_DATATYPE[len(date.split("-"))]}'

    turtle = "".join(
        f"ex:deal{i} a sg:Supply ; sg:supplier ex:Acme ; sg:customer ex:Widgets ; sg:status sg:Completed ; "
        f"prov:wasDerivedFrom ex:editors ; sg:effectiveDate {literal(start)} ; sg:endDate {literal(end)} .\n"
        for i, (start, end) in enumerate(pairs)
    )
    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_data(PREAMBLE + turtle, graph_iri("case"))
    refused = {int(v.focus_iri.rsplit("deal", 1)[1]) for v in validate(store, shapes=SHAPES).violations}
    assert refused == {i for i, (start, end) in enumerate(pairs) if parse_date(end, end=True) < parse_date(start)}
