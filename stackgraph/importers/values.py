"""Reading the values of a cell: dates in the formats datasets use, amounts, percentages, lists and mis-decoded text.

Each parser returns ``(value, None)`` or ``(None, problem)``, so that an importer can report the problem with the
row and decide whether to keep the row; none of them raises on bad data.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

__all__ = [
    "DATE_TOKENS",
    "date_pattern",
    "parse_amount",
    "parse_partial_date",
    "parse_percent",
    "repair_text",
    "split_list",
]

XSD = "http://www.w3.org/2001/XMLSchema#"

#: Friendly date-format tokens and the ``strptime`` directives they stand for (``M/D/YYYY`` is ``%m/%d/%Y``).
DATE_TOKENS: dict[str, str] = {
    "YYYY": "%Y",
    "MMMM": "%B",
    "MMM": "%b",
    "MM": "%m",
    "M": "%m",
    "DD": "%d",
    "D": "%d",
}
_TOKEN = re.compile("|".join(sorted(DATE_TOKENS, key=len, reverse=True)))
_ISO = re.compile(r"^(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_AMOUNT_JUNK = re.compile(r"[\s,$€£_]")
_SCIENTIFIC = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")


def date_pattern(fmt: str) -> str:
    """Return the ``strptime`` pattern of a date format written with :data:`DATE_TOKENS` (or already with ``%``).

    Examples
    --------
    >>> date_pattern("M/D/YYYY"), date_pattern("DD.MM.YYYY"), date_pattern("%d %B %Y")
    ('%m/%d/%Y', '%d.%m.%Y', '%d %B %Y')
    """
    if "%" in fmt:
        return fmt
    return _TOKEN.sub(lambda m: DATE_TOKENS[m.group(0)], fmt)


def _precision(pattern: str) -> str:
    if "%d" in pattern:
        return "date"
    return "gYearMonth" if any(d in pattern for d in ("%m", "%b", "%B")) else "gYear"


def _literal(day: dt.date, precision: str) -> ox.Literal:
    if precision == "date":
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if precision == "gYearMonth":
        return ox.Literal(f"{day.year:04d}-{day.month:02d}", datatype=ox.NamedNode(XSD + "gYearMonth"))
    return ox.Literal(f"{day.year:04d}", datatype=ox.NamedNode(XSD + "gYear"))


def parse_partial_date(
    text: str,
    *,
    formats: Sequence[str] = (),
    earliest: int = 1800,
    latest: int | dt.date | None = None,
) -> tuple[ox.Literal | None, str | None]:
    """Parse a date cell into an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal.

    Without ``formats``: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a time part such as ``T00:00:00Z`` is cut, and
    Wikidata's ``YYYY-00-00`` means a year). With ``formats`` (tried in order; :func:`date_pattern` tokens or
    ``strptime`` patterns): the first that reads the cell, a trailing time (``3/5/2021 0:00``) ignored; the
    literal is as precise as the format (``M/YYYY`` gives a year and month).

    Returns ``(literal, None)``, or ``(None, problem)`` for an empty, malformed or impossible date: a year before
    ``earliest``, after ``latest`` (a year) or a period starting after ``latest`` (a date: the data's export date).

    Examples
    --------
    >>> parse_partial_date("2009-11-11")[0].value
    '2009-11-11'
    >>> parse_partial_date("3/15/2021", formats=["M/D/YYYY"])[0].value
    '2021-03-15'
    >>> parse_partial_date("2009-11")[0].datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    >>> parse_partial_date("1201-05-01")
    (None, "impossible date '1201-05-01': year 1201 is before 1800")
    >>> parse_partial_date("2015-11-23", latest=dt.date(2013, 10, 1))[1]
    "impossible date '2015-11-23': after the data's date 2013-10-01"
    """
    raw = text.strip()
    if not raw:
        return None, "no date"
    if formats:
        parsed = _with_formats(raw, formats)
        if parsed is None:
            return None, f"malformed date {raw!r}: not {' or '.join(formats)}"
        day, precision = parsed
    else:
        parsed_iso = _iso(raw)
        if isinstance(parsed_iso, str):
            return None, parsed_iso
        day, precision = parsed_iso
    if day.year < earliest:
        return None, f"impossible date {raw!r}: year {day.year} is before {earliest}"
    if isinstance(latest, int) and day.year > latest:
        return None, f"impossible date {raw!r}: year {day.year} is after {latest}"
    if isinstance(latest, dt.date) and day > latest:
        return None, f"impossible date {raw!r}: after the data's date {latest.isoformat()}"
    return _literal(day, precision), None


def _with_formats(raw: str, formats: Sequence[str]) -> tuple[dt.date, str] | None:
    candidates = [raw]
    if " " in raw or "T" in raw:
        candidates.append(re.split(r"[ T]", raw, maxsplit=1)[0])
    for fmt in formats:
        pattern = date_pattern(fmt)
        for candidate in candidates:
            try:
                return dt.datetime.strptime(candidate, pattern).date(), _precision(pattern)
            except ValueError:
                continue
    return None


def _iso(raw: str) -> tuple[dt.date, str] | str:
    value = raw.lstrip("+").split("T", 1)[0]
    match = _ISO.match(value)
    if not match:
        return f"malformed date {raw!r}"
    year, month, day = (int(g) if g is not None else None for g in match.groups())
    assert year is not None
    if month == 0:  # Wikidata writes year precision as YYYY-00-00
        month = day = None
    elif day == 0:
        day = None
    if year < 1:
        return f"impossible date {raw!r}: year {year} is before 1"
    try:
        if month is None:
            return dt.date(year, 1, 1), "gYear"
        if day is None:
            return dt.date(year, month, 1), "gYearMonth"
        return dt.date(year, month, day), "date"
    except ValueError as error:
        return f"impossible date {raw!r}: {error}"


def parse_amount(
    text: str, *, maximum: Decimal = Decimal("1e13"), scientific: bool = True
) -> tuple[ox.Literal | None, str | None]:
    """Parse a money amount or other number into an ``xsd:decimal`` literal; ``(literal, None)`` or ``(None, problem)``.

    Thousands separators and currency signs are ignored; scientific notation (``1E+11``) is read, unless
    ``scientific=False`` for an export known to have been through a spreadsheet that rounded numbers into it
    (Crunchbase 2013's ``2.6E+12``). Negative, non-numeric and implausibly large amounts (above ``maximum``) are
    problems.

    Examples
    --------
    >>> parse_amount("2,700,000,000")[0].value, parse_amount("1E+11")[0].value
    ('2700000000', '100000000000')
    >>> parse_amount("2.6E+12", scientific=False)[1]
    "amount '2.6E+12' in scientific notation (rounded by a spreadsheet)"
    >>> parse_amount("")
    (None, None)
    """
    raw = text.strip()
    if not raw:
        return None, None
    cleaned = _AMOUNT_JUNK.sub("", raw)
    if not scientific and _SCIENTIFIC.fullmatch(cleaned):
        return None, f"amount {raw!r} in scientific notation (rounded by a spreadsheet)"
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"unparseable amount {raw!r}"
    if not value.is_finite():
        return None, f"unparseable amount {raw!r}"
    if value < 0:
        return None, f"negative amount {raw!r}"
    if value > maximum:
        return None, f"implausible amount {raw!r}"
    normal = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if "." in normal:
        normal = normal.rstrip("0").rstrip(".")
    return ox.Literal(normal, datatype=ox.NamedNode(XSD + "decimal")), None


def parse_percent(text: str, *, scale: str = "percent") -> tuple[ox.Literal | None, str | None]:
    """Parse a percentage (``62``, ``62 %``; with ``scale="fraction"``, ``0.62``) into a 0-100 ``xsd:decimal``.

    Examples
    --------
    >>> parse_percent("62 %")[0].value, parse_percent("0.625", scale="fraction")[0].value
    ('62', '62.5')
    >>> parse_percent("140")[1]
    "'140' is not a percentage from 0 to 100"
    """
    raw = text.strip().rstrip("%").strip()
    value, problem = parse_amount(raw, maximum=Decimal("1e13"))
    if problem or value is None:
        return None, f"{text.strip()!r} is not a percentage"
    number = Decimal(value.value) * (100 if scale == "fraction" else 1)
    if number > 100:
        return None, f"{text.strip()!r} is not a percentage from 0 to 100"
    return parse_amount(format(number, "f"))


def split_list(text: str, how: str) -> tuple[list[str], str | None]:
    """Split a list-valued cell into its items: ``how="json"`` for ``['YFCC100M', 'Image-Chat']`` (JSON or a
    Python-style list with single quotes), else ``how`` is the delimiter (``";"``, ``"|"``). ``[]`` and an empty
    cell have no item; empty items are dropped. Returns ``(items, None)`` or ``([], problem)``.

    Examples
    --------
    >>> split_list("['YFCC100M', 'Image-Chat']", "json")
    (['YFCC100M', 'Image-Chat'], None)
    >>> split_list("[]", "json"), split_list("a; b;", ";"), split_list("Nvidia", "json")
    (([], None), (['a', 'b'], None), (['Nvidia'], None))
    >>> split_list("['a', 'b'", "json")[1].startswith("malformed list")
    True
    """
    raw = text.strip()
    if not raw:
        return [], None
    if how != "json":
        return [item.strip() for item in raw.split(how) if item.strip()], None
    if not raw.startswith("["):
        return [raw], None
    try:
        value = json.loads(raw)
    except ValueError:
        try:
            value = ast.literal_eval(raw)  # literals only: a Python-style list of strings
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return [], f"malformed list: {raw[:80]!r}"
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int | float) for v in value):
        return [], f"not a list of names: {raw[:80]!r}"
    return [str(v).strip() for v in value if str(v).strip()], None


def repair_text(text: str) -> tuple[str, bool]:
    """Repair text whose bytes were decoded with the wrong code page; returns ``(text, was_suspect)``.

    A latin-1 decoding that leaves C1 control characters (U+0080–U+009F) means the bytes were Mac Roman (the
    2013 Crunchbase export's "Cond\\x8e Nast") or UTF-8 read as Mac Roman; both are undone where that gives clean text.

    Examples
    --------
    >>> repair_text("Cond\\x8e Nast")
    ('Condé Nast', True)
    >>> repair_text("Reader\\x89Ûªs Digest")
    ('Reader’s Digest', True)
    >>> repair_text("plain")
    ('plain', False)
    """
    if not _C1_CONTROLS.search(text):
        return text, False
    try:
        mac = text.encode("latin-1").decode("mac_roman")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, True
    try:
        twice = mac.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        twice = None
    return (twice if twice else mac), True
