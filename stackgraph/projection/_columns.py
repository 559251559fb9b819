"""Reading the projection's SPARQL TSV results: (subject, value) columns and (value, subjects) groups, folded into
dicts with C loops where it can (the projection's rows number in the millions on large graphs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from stackgraph.tsv import tsv_rows
from stackgraph.vocabulary.names import concept_key

__all__ = [
    "Keys",
    "all_of",
    "by_value",
    "converted",
    "first_by_value",
    "first_of",
    "grouped",
    "rest_of",
    "sorted_set",
    "to_number",
]


def to_number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


class Keys(dict):  # type: ignore[type-arg]
    """IRI -> concept key, memoised (a few dozen distinct layers and statuses, seen many times)."""

    def __missing__(self, iri: str) -> str:
        key = self[iri] = concept_key(iri)
        return key


def first_of(columns: Sequence[Sequence[str | None]]) -> dict[str, str]:
    """The first value of each subject in (subject, value) columns."""
    if not columns:
        return {}
    subjects, values = columns
    # from the last row back, so that the first value of each subject is the one that stays
    return dict(zip(reversed(subjects), reversed(values), strict=True))  # type: ignore[arg-type]


def rest_of(columns: Sequence[Sequence[str | None]]) -> dict[str, list[str]]:
    """The values after the first of each subject that has several, in the order read (repeats once)."""
    if not columns or len(set(columns[0])) == len(columns[0]):  # one value per subject, the common case
        return {}
    return {subject: values[1:] for subject, values in grouped(*columns).items() if len(values) > 1}


def all_of(columns: Sequence[Sequence[str | None]]) -> dict[str, list[str]]:
    """Every value of each subject, in the order read (repeats once)."""
    return grouped(*columns) if columns else {}


def sorted_set(first: str, rest: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({first, *rest}))


def grouped(keys: Sequence[str | None], values: Sequence[str | None]) -> dict[str, list[str]]:
    """Each key with its values in the order read (a value repeated for a key once)."""
    grouped: dict[str, list[str]] = {}
    for key, value in zip(keys, values, strict=True):
        values_of = grouped.get(key)  # type: ignore[arg-type]
        if values_of is None:
            grouped[key] = [value]  # type: ignore[index,list-item]
        elif value not in values_of:
            values_of.append(value)  # type: ignore[arg-type]
    return grouped


def by_value(data: bytes, convert: Any = None) -> list[tuple[Any, list[str]]]:
    """Return property_groups.rq's (value, blank node, space-separated IRI subjects) rows as (value, subjects),
    the value ``convert``-ed (once per value; a ``None`` it gives is no value, and the row is left out)."""
    groups: list[tuple[Any, list[str]]] = []
    for value, blank, subjects in tsv_rows(data):
        if value is None:
            continue
        converted = value if convert is None else convert(value)
        if converted is None:
            continue
        if blank:  # a blank node's row ("" in the rows of IRI subjects)
            groups.append((converted, [blank]))
        elif subjects:
            groups.append((converted, subjects.split(" ")))
    return groups


def first_by_value(data: bytes, convert: Any = None) -> dict[str, Any]:
    """Return each subject's first value from property_groups.rq's rows (see :func:`by_value`): the first row a
    subject is in wins."""
    found: dict[str, Any] = {}
    for value, subjects in reversed(by_value(data, convert)):  # from the last row back: the first value stays
        found.update(dict.fromkeys(subjects, value))
    return found


def converted(values: list[str | None], convert: Any) -> list[Any]:
    """``values`` through ``convert``, called once per distinct value (few: statuses, layers, dates, amounts);
    ``None`` stays ``None``. No ``convert``: ``values`` as they are."""
    if convert is None:
        return values
    table = {value: None if value is None else convert(value) for value in set(values)}
    return list(map(table.__getitem__, values))
