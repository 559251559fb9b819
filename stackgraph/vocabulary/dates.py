"""Partial dates as periods: ``2025-10`` begins on 2025-10-01 and ends on 2025-10-31, ``2025`` spans the year.

A deal counts on every day it may have been in effect: it has begun by a day when its start's period begins on or
before it, and has ended by a day when its end's period ends on or before it. :mod:`stackgraph.vocabulary.rules`
applies these to deals (and re-exports them); this module holds the date rules alone.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date

from stackgraph.errors import InputError

__all__ = ["begun", "checked_date", "date_datatype", "date_period", "ended", "parse_date"]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@functools.lru_cache(maxsize=4096)
def date_period(text: str | date | None) -> tuple[date, date] | None:
    """Return the first and last day of a full or partial ISO date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``; a time
    or time-zone suffix is ignored), or ``None`` when it is not a date.

    Examples
    --------
    >>> [d.isoformat() for d in date_period("2025-10")], date_period("soon")
    (['2025-10-01', '2025-10-31'], None)
    """
    if text is None:
        return None
    if isinstance(text, date):
        return text, text
    match = _DATE.match(str(text))
    if not match:
        return None
    year, month, day = (int(part) if part is not None else None for part in match.groups())
    assert year is not None
    try:
        if day is not None and month is not None:
            return date(year, month, day), date(year, month, day)
        if month is not None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def checked_date(text: str) -> str:
    """Return ``text`` (stripped) when it is a full or partial ISO date, ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    Raises
    ------
    InputError
        It is not one: malformed, or a day or month that does not exist.

    Examples
    --------
    >>> checked_date(" 2026-06 ")
    '2026-06'
    >>> checked_date("2026-02-30")
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: invalid date '2026-02-30': impossible date (no such month or day)
    """
    value = str(text).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise InputError(f"invalid date {text!r}: expected a date YYYY-MM-DD, YYYY-MM or YYYY")
    if date_period(value) is None:
        raise InputError(f"invalid date {text!r}: impossible date (no such month or day)")
    return value


def date_datatype(text: str) -> str:
    """The XML Schema datatype IRI of a full or partial ISO date: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``.

    Examples
    --------
    >>> date_datatype("2026-06").rsplit("#", 1)[1]
    'gYearMonth'
    """
    kind = {1: "gYear", 2: "gYearMonth", 3: "date"}[len(checked_date(text).split("-"))]
    return "http://www.w3.org/2001/XMLSchema#" + kind


def parse_date(text: str | date | None, *, end: bool = False) -> date | None:
    """Return the first (or, with ``end=True``, the last) day of a full or partial ISO date; ``None`` when
    ``text`` is ``None`` or not a date.

    Examples
    --------
    >>> parse_date("2025-10"), parse_date("2025-10", end=True), parse_date("2025", end=True)
    (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31), datetime.date(2025, 12, 31))
    """
    period = date_period(text)
    return None if period is None else period[1 if end else 0]


def begun(start: str | None, as_of: date, *, undated: bool = True) -> bool:
    """Whether a deal that started at ``start`` (effective, else announced; full or partial) took place by
    ``as_of``; a deal without a start date (or with one that is not a date) has when ``undated`` is true.

    Examples
    --------
    >>> begun("2025-10", date(2025, 10, 1)), begun("2025-10", date(2025, 9, 30)), begun(None, date(2020, 1, 1))
    (True, False, True)
    """
    period = date_period(start) if start is not None else None
    return undated if period is None else period[0] <= as_of


def ended(end: str | None, as_of: date) -> bool:
    """Whether a deal that ended at ``end`` (full or partial) had ended by ``as_of``: the last day of ``end``'s
    period is not after ``as_of``.

    Examples
    --------
    >>> ended("2030", date(2026, 1, 1)), ended("2025-10", date(2025, 10, 31)), ended(None, date(2026, 1, 1))
    (False, True, False)
    """
    period = date_period(end) if end is not None else None
    return period is not None and period[1] <= as_of
