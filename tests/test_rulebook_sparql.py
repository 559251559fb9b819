"""The deal-counts rule written two ways -- per deal (``RULE(deal-counts ?deal)``, for questions about a few deals)
and over every deal (``RULE(deal-counts ?deal all)``, anti-joins for the derivation) -- keeps the same deals, and
both read dates as the Python rules do, also for lexical forms the agreement test does not draw (times, time
zones, several dates on one deal, malformed strings).
"""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
import pytest

from stackgraph.store import PREFIXES
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.rules import DealPolicy
from stackgraph.vocabulary.sparql import fill

ID = "https://w3id.org/stackgraph/id/"
SG = "https://w3id.org/stackgraph/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Lexical forms a dataset may hold: partial dates, a time, a time zone, both.
VALID = [
    ("2026", "gYear"),
    ("2026-12", "gYearMonth"),
    ("2026-12-04", "date"),
    ("2026-12-05", "date"),
    ("2026-12-03", "date"),
    ("2027-01", "gYearMonth"),
    ("2025", "gYear"),
    ("2026-12-04T23:59:00", "dateTime"),
    ("2026-12-05T00:00:00Z", "dateTime"),
    ("2026-12-04Z", "date"),
    ("2026-12-04+05:00", "date"),
    ("2026-11Z", "gYearMonth"),
    ("2027Z", "gYear"),
]
# Strings that are no date (SPARQL compares them as text; both forms of the rule must still agree).
MALFORMED = ["soon", "2026-1", "20261204", "", "1999-99-99", "2026-12-04-extra", "Q4 2026"]
LONG_AGO = ox.Literal("2000", datatype=ox.NamedNode(XSD + "gYear"))
AS_OF = ["2026-12-04", "2026-12-31", "2026-01-01", "2027-01-01", "2025-06-15"]


def _literal(text: str, datatype: str | None) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype)) if datatype else ox.Literal(text)


def _store(deals: dict[str, list[tuple[str, ox.Term]]]) -> ox.Store:
    store = ox.Store()
    for name, statements in deals.items():
        deal = ox.NamedNode(ID + name)
        store.add(ox.Quad(deal, ox.NamedNode(SG + "status"), ox.NamedNode(SG + "Active")))
        for prop, value in statements:
            store.add(ox.Quad(deal, ox.NamedNode(SG + prop), value))
    return store


def _counted(store: ox.Store, policy: DealPolicy, flags: str = "") -> set[str]:
    text = fill(f"SELECT DISTINCT ?deal WHERE {{\n  RULE(deal-counts ?deal{flags})\n}}", policy)
    return {row["deal"].value[len(ID) :] for row in store.query(text, prefixes=PREFIXES)}


def _both(store: ox.Store, policy: DealPolicy) -> set[str]:
    per_deal, every = _counted(store, policy), _counted(store, policy, " all")
    assert per_deal == every
    return per_deal


@pytest.mark.parametrize("as_of", AS_OF)
def test_start_and_end_dates_of_every_lexical_form_read_as_the_python_rules_read_them(as_of: str) -> None:
    deals: dict[str, list[tuple[str, ox.Term]]] = {}
    for i, (text, datatype) in enumerate(VALID):
        deals[f"effective{i}"] = [("effectiveDate", _literal(text, datatype))]
        deals[f"announced{i}"] = [("announcedDate", _literal(text, datatype))]
        deals[f"end{i}"] = [("effectiveDate", LONG_AGO), ("endDate", _literal(text, datatype))]
    store = _store(deals)
    day = date.fromisoformat(as_of)
    expected = set()
    for i, (text, _) in enumerate(VALID):
        expected |= {f"effective{i}", f"announced{i}"} if rules.begun(text, day) else set()
        expected |= set() if rules.ended(text, day) else {f"end{i}"}
    assert _both(store, DealPolicy(as_of=as_of)) == expected


@pytest.mark.parametrize("as_of", AS_OF)
def test_both_forms_agree_on_malformed_dates_several_dates_and_supersedes_chains(as_of: str) -> None:
    forms = [*((text, datatype) for text, datatype in VALID), *((text, None) for text in MALFORMED)]
    values = [_literal(text, datatype) for text, datatype in forms]
    deals: dict[str, list[tuple[str, ox.Term]]] = {}
    for i, value in enumerate(values):
        other = values[(i * 7 + 3) % len(values)]
        deals[f"effective{i}"] = [("effectiveDate", value)]
        deals[f"announced{i}"] = [("announcedDate", value)]
        deals[f"both{i}"] = [("effectiveDate", other), ("announcedDate", value)]
        deals[f"two{i}"] = [("effectiveDate", value), ("effectiveDate", other)]
        deals[f"end{i}"] = [("effectiveDate", LONG_AGO), ("endDate", value)]
        # a newer deal that hides the older one only once it has begun
        deals[f"newer{i}"] = [("effectiveDate", value), ("supersedes", ox.NamedNode(f"{ID}older{i}"))]
        deals[f"older{i}"] = [("announcedDate", other)]
    deals["undated"] = []
    store = _store(deals)
    for undated in ("include", "exclude"):
        counted = _both(store, DealPolicy(as_of=as_of, undated=undated))
        assert ("undated" in counted) == (undated == "include")
        for i in range(len(values)):
            if f"newer{i}" in counted:
                assert f"older{i}" not in counted


def test_an_unknown_flag_names_the_flags() -> None:
    with pytest.raises(Exception, match="the flags are: undated, all"):
        fill("SELECT * { RULE(deal-counts ?d everything) }", DealPolicy())
