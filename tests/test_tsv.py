"""Reading SPARQL TSV results: every kind of cell, every decoding path, against pyoxigraph's own terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from stackgraph.errors import QueryError
from stackgraph.tsv import tsv_columns, tsv_rows

EX = "https://example.org/"


def plain(term: object) -> str | None:
    """What tsv_columns should give for a pyoxigraph term."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined,no-any-return]


def columns_of(store: ox.Store, query: str) -> tuple[list[list[str | None]], list[list[str | None]]]:
    """(what tsv_columns reads from the engine's TSV, what the engine's own terms say)."""
    solutions = store.query(query)
    variables = solutions.variables  # type: ignore[union-attr]
    rows = [[plain(solution[v]) for v in variables] for solution in solutions]  # type: ignore[union-attr]
    expected = [[row[i] for row in rows] for i in range(len(variables))]
    text = store.query(query).serialize(format=ox.QueryResultsFormat.TSV)  # type: ignore[union-attr]
    return tsv_columns(text), expected


def test_every_kind_of_term_reads_as_its_plain_value() -> None:
    store = ox.Store()
    odd = [
        ox.Literal('quote " and backslash \\ and tab \t and newline \n end'),
        ox.Literal("ünïcödé ☃ 𝄞"),
        ox.Literal("hello", language="en"),
        ox.Literal("2024-03", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
        ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        ox.Literal(""),
        ox.NamedNode(EX + "a,b;c"),
        ox.BlankNode("b1"),
    ]
    for i, value in enumerate(odd):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), value))
    got, expected = columns_of(
        store, f"SELECT ?s ?o ?missing WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}nothing> ?missing }} }}"
    )
    assert got == expected
    assert got[2] == [None] * len(odd)


@pytest.mark.parametrize(
    "values",
    [
        [f"{EX}n{i}" for i in range(3000)],  # IRIs only, all distinct: one split
        [f"name {i}" for i in range(3000)],  # plain literals, no escape
        [f"name\t{i}" for i in range(3000)],  # literals with escapes
        ["completed", "active", "in-talks"] * 1000,  # few distinct: each decoded once
        [f"{EX}n{i}" if i % 2 else f"text {i}" for i in range(3000)],  # mixed
    ],
)
def test_each_decoding_path_agrees_with_the_engine(values: list[str]) -> None:
    store = ox.Store()
    for i, value in enumerate(values):
        term = ox.NamedNode(value) if value.startswith(EX) else ox.Literal(value)
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), term))
    got, expected = columns_of(store, f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}")
    assert got == expected
    assert sorted(got[1]) == sorted(values)  # type: ignore[type-var]


def test_empty_results_and_unbound_single_cells() -> None:
    assert tsv_columns(b"?a\t?b\n") == [[], []]
    assert tsv_columns(b"") == []
    assert tsv_columns(b"?a\n\n<x>\n") == [[None, "x"]]  # an unbound cell alone on its line
    assert tsv_rows(b"?a\t?b\n\t<y>\n") == [[None, "y"]]


def test_a_ragged_result_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="3 cells do not fill rows of 2"):
        tsv_columns(b"?a\t?b\n<x>\t<y>\n<z>\n")
