"""Money, stakes and dates as a news sentence writes them, read into plain values.

Amounts keep their currency (``$`` is USD, ``€2.3bn`` is EUR 2,300,000,000); an amount per share or a valuation is
marked as such, so that it is never taken for the deal's price. Dates are resolved against the article's date:
"in October 2025" is the month ``2025-10``, "on June 12" the day of the June nearest the article in the direction
the sentence's tense points, "last year" a year. A date the text gives partially stays partial (``2025-10``,
``2025``); without an article date, a date that needs one is not resolved (and says so).

Examples
--------
>>> import datetime as dt
>>> [(str(a.value), a.currency, a.role) for a in find_amounts("raised €2.3bn at $135 per share, a $4tn valuation")]
[('2300000000', 'EUR', 'amount'), ('135', 'USD', 'share-price'), ('4000000000000', 'USD', 'valuation')]
>>> [d.iso for d in find_dates("In October 2025 it said on June 12 ...", dt.date(2026, 3, 16), future=True)]
['2025-10', '2026-06-12']
>>> [s.value for s in find_stakes("took a 9.9% stake and owns 51 percent of it")]
[Decimal('9.9'), Decimal('51')]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from stackgraph.extract.lexicon import CURRENCY_CODES, CURRENCY_SYMBOLS, CURRENCY_WORDS, MONTHS, SCALES, WEEKDAYS

__all__ = ["Amount", "DateMention", "Stake", "find_amounts", "find_dates", "find_stakes"]


@dataclass(frozen=True)
class Amount:
    """Money in a sentence: ``role`` is ``amount`` (a price, a sum raised), ``share-price`` or ``valuation``."""

    start: int
    end: int
    value: Decimal
    currency: str
    role: str = "amount"


@dataclass(frozen=True)
class Stake:
    """A percentage written as a stake or share (``a 30% stake``, ``51 percent of``)."""

    start: int
    end: int
    value: Decimal


@dataclass(frozen=True)
class DateMention:
    """A date phrase: ``iso`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, or None when it cannot be resolved."""

    start: int
    end: int
    iso: str | None
    phrase: str
    note: str = ""


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|mln|mn|bln|bn|trn|tn|m|b|k|t)(?![a-z])"
_SYMBOLS = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_CODES = "|".join(sorted(CURRENCY_CODES))
_WORDS = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?:(?P<sym>{_SYMBOLS})\s?|(?P<code>\b(?:{_CODES}))\s?)(?P<num>{_NUMBER})(?:\s?(?P<scale>{_SCALE}))?"
    rf"|\b(?P<num2>{_NUMBER})(?:\s?(?P<scale2>{_SCALE}))?\s(?P<word>(?:{_WORDS})\b|(?:{_CODES})\b)",
    re.IGNORECASE,
)
_STAKE = re.compile(rf"\b(?P<num>{_NUMBER})\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_VALUATION_BEFORE = re.compile(
    r"(?:valuation of|valued at|valuing it at|worth)\s*"
    r"(?:about|approximately|around|up to|roughly|more than|nearly|almost)?\s*$",
    re.IGNORECASE,
)
_DEAL_VALUED = re.compile(
    r"(?:deal|transaction|takeover|acquisition|purchase|offer)\s+valued at\s*"
    r"(?:about|approximately|around|roughly|more than|nearly|almost)?\s*$",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(r"^\s*(?:per share|a share|each)\b", re.IGNORECASE)
_VALUATION_AFTER = re.compile(r"^\s*(?:[a-z-]+\s)?valuation\b|^\s*(?:in (?:revenue|sales))\b", re.IGNORECASE)


def find_amounts(text: str) -> list[Amount]:
    """Return the amounts of money in ``text``, in order, each with its currency and role."""
    out = []
    for match in _AMOUNT.finditer(text):
        number = match.group("num") or match.group("num2")
        scale = (match.group("scale") or match.group("scale2") or "").lower()
        symbol = match.group("sym")
        code = match.group("code") or match.group("word") or ""
        if symbol is not None:
            currency = CURRENCY_SYMBOLS[symbol if symbol in CURRENCY_SYMBOLS else symbol.upper()]
        elif code.upper() in CURRENCY_CODES:
            currency = code.upper()
        else:
            currency = CURRENCY_WORDS[code.lower()]
        if scale in ("m", "b", "k", "t") and symbol is None and match.group("code") is None and not match.group("word"):
            continue
        value = Decimal(number.replace(",", "")) * (Decimal(10) ** SCALES.get(scale, 0))
        role = "amount"
        before, after = text[: match.start()], text[match.end() :]
        if _SHARE_AFTER.match(after):
            role = "share-price"
        elif (_VALUATION_BEFORE.search(before) and not _DEAL_VALUED.search(before)) or _VALUATION_AFTER.match(after):
            role = "valuation"
        out.append(
            Amount(
                match.start(), match.end(), value.normalize() if value == value.to_integral() else value, currency, role
            )
        )
    return [_integral(a) for a in out]


def _integral(amount: Amount) -> Amount:
    value = amount.value
    if value == value.to_integral_value():
        value = Decimal(int(value))
    return Amount(amount.start, amount.end, value, amount.currency, amount.role)


def find_stakes(text: str) -> list[Stake]:
    """Return the percentages in ``text`` (stakes, shares), in order."""
    return [
        Stake(m.start(), m.end(), Decimal(m.group("num").replace(",", "")))
        for m in _STAKE.finditer(text)
        if Decimal(m.group("num").replace(",", "")) <= 100
    ]


_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("mdy", rf"\b(?P<month>{_MONTH})\s+{_DAY}(?:,\s*{_YEAR})?\b"),
        ("dmy", rf"\b{_DAY}\s+(?P<month>{_MONTH})(?:,?\s+{_YEAR})?\b"),
        ("my", rf"\b(?P<month>{_MONTH}),?\s+{_YEAR}\b"),
        ("quarter", rf"\b(?:the\s+)?(?:first|second|third|fourth|final|last)\s+(?:quarter|half)\s+of\s+{_YEAR}\b"),
        ("year", rf"\b(?:in|since|from|of|by|until|during|before|after|end of|early|late|mid-?)\s+{_YEAR}\b(?!\s*%)"),
        (
            "month",
            rf"\b(?:in|since|from|by|until|during|early|late|mid-?|last|this|next)\s+(?P<month>{_MONTH})\b(?!\s+\d)",
        ),
        (
            "weekday",
            r"\b(?:on|last|this|next)\s+(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        ),
        (
            "relative",
            r"\b(?P<rel>last year|this year|next year|earlier this year|later this year|before year's end|"
            r"before the end of the year|by the end of the year|by year's end|last month|this month|"
            r"next month|earlier this month|later this month|yesterday|today|as early as next year)\b",
        ),
    )
)


def find_dates(text: str, article_date: dt.date | None, *, future: bool = False) -> list[DateMention]:
    """Return the date phrases of ``text``, resolved against ``article_date`` (None: leave relative ones unresolved).

    ``future`` says the sentence speaks of what is to come ("will", "is scheduled to"): a month or weekday without a
    year then means the next one after the article's date, else the latest one on or before it.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if name in ("mdy", "dmy") and match.group("month").lower() == "may" and not text[match.start()].isupper():
                continue
            iso, note = _resolve(name, match, article_date, future)
            if name == "month" and match.group("month").lower() == "may" and not match.group("month")[0].isupper():
                continue
            taken.append((match.start(), match.end()))
            found.append(DateMention(match.start(), match.end(), iso, match.group(0), note))
    return sorted(found, key=lambda d: d.start)


def _resolve(name: str, match: re.Match[str], today: dt.date | None, future: bool) -> tuple[str | None, str]:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    month = MONTHS[groups["month"].lower()] if groups.get("month") else None
    if name in ("year", "quarter"):
        return f"{year:04d}", ""
    if name == "my":
        return f"{year:04d}-{month:02d}", ""
    if name in ("mdy", "dmy") and year is not None:
        return _day(year, month, int(groups["day"]))
    if today is None:
        return None, f"{match.group(0)!r} needs the article's date (--date) to be resolved"
    if name in ("mdy", "dmy"):
        day = int(groups["day"])
        year = today.year
        if future and (month, day) < (today.month, today.day):
            year += 1
        elif not future and (month, day) > (today.month, today.day):
            year -= 1
        return _day(year, month, day)
    if name == "month":
        word = match.group(0).split()[0].lower()
        year = today.year
        if word == "next" or (future and word not in ("last", "this") and month < today.month):
            year += 1 if month <= today.month or word == "next" else 0
        elif word == "last" or (not future and word != "this" and month > today.month):
            year -= 1
        return f"{year:04d}-{month:02d}", ""
    if name == "weekday":
        target = WEEKDAYS[groups["weekday"].lower()]
        word = match.group(0).split()[0].lower()
        if word == "next" or (future and word != "last"):
            delta = (target - today.weekday()) % 7 or 7
            return (today + dt.timedelta(days=delta)).isoformat(), ""
        delta = (today.weekday() - target) % 7
        if word == "last" and delta == 0:
            delta = 7
        return (today - dt.timedelta(days=delta)).isoformat(), ""
    rel = groups["rel"].lower()
    if rel in ("last year",):
        return f"{today.year - 1:04d}", ""
    if rel in ("next year", "as early as next year"):
        return f"{today.year + 1:04d}", ""
    if rel.endswith("year") or rel.endswith("year's end"):
        return f"{today.year:04d}", ""
    if rel == "yesterday":
        return (today - dt.timedelta(days=1)).isoformat(), ""
    if rel == "today":
        return today.isoformat(), ""
    first = today.replace(day=1)
    if rel == "last month":
        previous = first - dt.timedelta(days=1)
        return f"{previous.year:04d}-{previous.month:02d}", ""
    if rel == "next month":
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return f"{following.year:04d}-{following.month:02d}", ""
    return f"{today.year:04d}-{today.month:02d}", ""


def _day(year: int, month: int | None, day: int) -> tuple[str | None, str]:
    try:
        return dt.date(year, month or 1, day).isoformat(), ""
    except ValueError:
        return None, f"impossible date {year}-{month}-{day}"
