"""Extract candidate deals from articles: the sentences, the rules, the status, the values, merged per article.

Examples
--------
>>> extractor = Extractor()  # nothing loaded: every party is proposed as a new entity
>>> result = extractor.extract_text("Norvel Systems acquired Quantica for $1.2 billion in January.",
...                                 Source("Demo news", date="2026-03-16"))
>>> [(c.kind, c.parties(), c.status, str(c.amount), c.currency, c.date) for c in result.candidates]
[('acquisition', 'Norvel Systems → Quantica', 'completed', '1200000000', 'USD', '2026-01')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stackgraph.errors import InputError
from stackgraph.extract.document import Article, article_from_text
from stackgraph.extract.lexicon import INPUT_LAYER_WORDS
from stackgraph.extract.linking import Linker, Mention
from stackgraph.extract.rules import Discourse, RawDeal, find_deals
from stackgraph.extract.status import decide_status
from stackgraph.extract.tokens import Sentence, SentenceReader
from stackgraph.resolution import Decisions, EntityIndex
from stackgraph.vocabulary import rules

__all__ = ["Candidate", "Extraction", "Extractor", "Source", "parties_text", "party_separator"]

_PURPOSE_STOP = frozenset({",", ";", ":", ".", "—", "(", "?"})
_NOT_PURPOSE_BEFORE = frozenset(
    {
        "according",
        "due",
        "up",
        "compared",
        "subject",
        "set",
        "plans",
        "plan",
        "agreed",
        "expected",
        "pursuant",
        "next",
        "close",
        "able",
        "from",
        "intends",
        "going",
        "is",
        "was",
        "begin",
        "how",
        "what",
        "are",
        "seeking",
        "likely",
        "want",
    }
)
_NOT_VERB = frozenset({"the", "a", "an", "its", "their", "his", "her", "be", "date", "market", "ground"})


def party_separator(kind: str) -> str:
    """How the names of one side of a deal are joined: ``" ↔ "`` between partners, else ``" + "``."""
    return " ↔ " if kind == "partnership" else " + "


def parties_text(kind: str, actors: Sequence[str], counterparties: Sequence[str]) -> str:
    """The parties of a deal of ``kind`` as a reader writes them: ``A → B``, ``A ↔ B``, ``A``.

    Examples
    --------
    >>> parties_text("partnership", ["Nvidia", "Nokia"], []), parties_text("acquisition", ["SpaceX"], ["xAI"])
    ('Nvidia ↔ Nokia', 'SpaceX → xAI')
    """
    left = party_separator(kind).join(actors)
    return f"{left} → {party_separator(kind).join(counterparties)}" if counterparties else left


@dataclass(frozen=True)
class Source:
    """The article's bibliographic facts, as the user gives them: title (required), publisher, date, URL."""

    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    identifier: str | None = None

    def article_date(self) -> dt.date | None:
        """The article's date as a day (the first day of a partial ``YYYY-MM`` or ``YYYY``), or None."""
        if not self.date:
            return None
        day = rules.parse_date(self.date.strip())
        if day is None or not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", self.date.strip()):
            raise InputError(f"malformed or impossible article date {self.date!r}; use YYYY-MM-DD, YYYY-MM or YYYY")
        return day


@dataclass
class Candidate:
    """A deal proposed for review, with everything the sentence says about it and why."""

    kind: str
    actors: list[Mention]
    counterparties: list[Mention]
    status: str
    cue: str
    confidence: float
    quotes: list[str]
    amount: Decimal | None = None
    currency: str | None = None
    share_price: Decimal | None = None
    stake: Decimal | None = None
    date: str | None = None
    date_role: str = "effective"
    purpose: str | None = None
    input_layer: str | None = None
    notes: list[str] = field(default_factory=list)
    update_of: str | None = None
    same_as: str | None = None
    update_reason: str = ""

    def parties(self) -> str:
        """The parties as a reader writes them: ``A → B``, ``A ↔ B`` for partners, ``A`` for an issuer."""
        return parties_text(self.kind, [m.label for m in self.actors], [m.label for m in self.counterparties])

    def key(self) -> tuple[object, ...]:
        """What makes two candidates of one article the same deal: kind, parties (with roles) and status."""
        ident = [_identity(m) for m in self.actors]
        others = [_identity(m) for m in self.counterparties]
        return (
            self.kind,
            tuple(sorted(ident)) if self.kind == "partnership" else tuple(ident),
            tuple(others),
            self.status,
        )


@dataclass
class Extraction:
    """What one article gave: its source, the candidates, the sentences read, and notes on what was left out."""

    source: Source
    candidates: list[Candidate]
    sentences: int
    notes: list[str] = field(default_factory=list)


def _identity(mention: Mention) -> str:
    return mention.iri or mention.label.casefold()


class Extractor:
    """Reads articles against the loaded entities (an :class:`~stackgraph.resolution.EntityIndex`, empty when not
    given) and proposes candidate deals; :meth:`from_store` indexes a store's entities."""

    def __init__(self, index: EntityIndex | None = None) -> None:
        self.linker = Linker(index)
        self.reader = SentenceReader(self.linker)

    @classmethod
    def from_store(cls, store: Any, decisions: Decisions | None = None) -> Extractor:
        """An extractor that links parties to the entities of ``store`` (a KnowledgeStore or SPARQL endpoint),
        with the decisions of a review file (:func:`stackgraph.resolution.load_decisions`), if any."""
        return cls(EntityIndex.from_store(store, decisions))

    def extract_text(self, text: str, source: Source) -> Extraction:
        """Extract from plain text (see :meth:`extract`)."""
        return self.extract(article_from_text(text, name=source.identifier or "<text>"), source)

    def extract(self, article: Article, source: Source) -> Extraction:
        """Return the candidate deals of ``article``; one candidate per deal, quoting every sentence it rests on."""
        today = source.article_date()
        sentences = self.reader.read(((p.text, p.start) for p in article.paragraphs), today)
        discourse = Discourse()
        merged: dict[tuple[object, ...], Candidate] = {}
        notes: list[str] = []
        for sentence in sentences:
            if not sentence.question:
                for candidate in self._sentence(sentence, discourse, today, notes):
                    _merge(merged, candidate)
            _update(discourse, sentence, list(merged.values()))
        return Extraction(source, list(merged.values()), len(sentences), notes)

    def _sentence(
        self, sentence: Sentence, discourse: Discourse, today: dt.date | None, notes: list[str]
    ) -> Iterable[Candidate]:
        quote = re.sub(r"\s+", " ", sentence.text).strip()
        chosen: dict[tuple[object, ...], Candidate] = {}
        for candidate in self._candidates(sentence, discourse, today, notes, quote):
            key = candidate.key()[:3]
            known = chosen.get(key)
            if known is None or _rank(candidate) > _rank(known):
                chosen[key] = candidate
        return chosen.values()

    def _candidates(
        self, sentence: Sentence, discourse: Discourse, today: dt.date | None, notes: list[str], quote: str
    ) -> Iterable[Candidate]:
        for deal in find_deals(sentence, discourse):
            date, note = _date(sentence, deal)
            future = None if (date is None or today is None) else _after(date, today)
            decided = decide_status(sentence, deal, future_date=future)
            if decided is None:
                notes.append(f"negated or denied, left out: {quote}")
                continue
            status, cue = decided
            amount, currency, price = _money(sentence, deal)
            pairs = (
                [(a, c) for a in deal.actors for c in (deal.counterparties or [None])]
                if deal.kind not in ("partnership",)
                else [(None, None)]
            )
            for actor, other in pairs:
                candidate = Candidate(
                    kind=deal.kind,
                    actors=deal.actors if actor is None else [actor],
                    counterparties=[] if other is None else [other],
                    status=status,
                    cue=cue,
                    confidence=0.0,
                    quotes=[quote],
                    amount=amount,
                    currency=currency,
                    share_price=price,
                    stake=deal.stake if deal.stake is not None else _stake(sentence, deal),
                    date=date,
                    date_role=rules.date_role(status, future=bool(future)),
                    purpose=_purpose(sentence, deal),
                    input_layer=_input_layer(sentence, deal) if deal.kind == "supply" else None,
                    notes=[note] if note else [],
                )
                candidate.confidence = _confidence(candidate, deal)
                yield candidate


def _rank(candidate: Candidate) -> tuple[int, float]:
    """Of two readings of one deal in one sentence, prefer the one a cue decided, then the surer one."""
    return (int(candidate.cue.startswith('"')), candidate.confidence)


def _merge(merged: dict[tuple[object, ...], Candidate], candidate: Candidate) -> None:
    key = candidate.key()
    known = merged.get(key)
    if known is None:
        merged[key] = candidate
        return
    for quote in candidate.quotes:
        if quote not in known.quotes:
            known.quotes.append(quote)
    for name in ("amount", "currency", "share_price", "stake", "purpose", "input_layer"):
        if getattr(known, name) is None and getattr(candidate, name) is not None:
            setattr(known, name, getattr(candidate, name))
    if candidate.date and (known.date is None or len(candidate.date) > len(known.date)):
        known.date, known.date_role = candidate.date, candidate.date_role
    known.confidence = max(known.confidence, candidate.confidence)
    known.notes.extend(n for n in candidate.notes if n not in known.notes)


def _update(discourse: Discourse, sentence: Sentence, candidates: Sequence[Candidate]) -> None:
    for i in sentence.names()[:1]:
        unit = sentence.units[i]
        if unit.value.kind == "organization" and i - sentence.body <= 8:
            before = sentence.units[i - 1].low if i > sentence.body else ""
            if before not in ("of", "from", "with", "by", "to", "for", "through", "into"):
                discourse.subject = unit.value
    offerings = [c for c in candidates if c.kind == "public-offering"]
    if offerings and discourse.issuer is None:
        discourse.issuer = offerings[0].actors[0]  # "the IPO" is the one the article is about: the first named


def _date(sentence: Sentence, deal: RawDeal) -> tuple[str | None, str]:
    if not sentence.dates:
        return None, ""
    units = sentence.units
    anchor = units[deal.trigger.start].start
    best = min(sentence.dates, key=lambda d: abs(d.start - anchor))
    return best.iso, best.note


def _after(iso: str, today: dt.date) -> bool:
    """Whether a (partial) date's period begins after the article's day (the projection's reading of dates)."""
    start = rules.parse_date(iso)
    return start is not None and start > today


def _money(sentence: Sentence, deal: RawDeal) -> tuple[Decimal | None, str | None, Decimal | None]:
    if deal.kind in ("partnership", "development", "ownership"):
        return None, None, None
    units = sentence.units
    lo, hi = deal.span
    amounts = [
        (abs(i - deal.trigger.start), u.value)
        for i, u in enumerate(units)
        if u.kind == "money" and lo - 6 <= i <= hi + (16 if deal.kind == "public-offering" else 8)
    ]
    price = next((a.value for _d, a in sorted(amounts, key=lambda x: x[0]) if a.role == "share-price"), None)
    money = [a for _d, a in sorted(amounts, key=lambda x: x[0]) if a.role == "amount"]
    if not money:
        currency = next((a.currency for _d, a in amounts if a.role == "share-price"), None)
        return None, currency, price
    return money[0].value, money[0].currency, price


def _stake(sentence: Sentence, deal: RawDeal) -> Decimal | None:
    if deal.kind not in ("acquisition", "investment", "ownership"):
        return None
    lo, hi = deal.span
    for i, unit in enumerate(sentence.units):
        if unit.kind == "stake" and lo - 2 <= i <= hi + 4:
            following = {u.low for u in sentence.units[i + 1 : i + 3]}
            if following & {"stake", "of", "holding", "interest"} or "," in following:
                return unit.value.value
    return None


def _purpose(sentence: Sentence, deal: RawDeal) -> str | None:
    units = sentence.units
    start = deal.purpose_from
    if start is None or start < 0:
        return None
    for i in range(start, min(len(units) - 1, start + 14)):
        unit = units[i]
        if unit.text in (";", ":", "—"):
            return None
        if deal.frame == "codevelop" and i == start:
            return _clause(sentence, i)
        if unit.low == "to" and units[i + 1].kind == "word" and units[i + 1].low.isalpha() is not False:
            word = units[i + 1].low
            if word in _NOT_VERB or (i > 0 and units[i - 1].low in _NOT_PURPOSE_BEFORE):
                continue
            if not units[i + 1].text[:1].islower():
                continue
            return _clause(sentence, i + 1)
    return None


def _clause(sentence: Sentence, start: int) -> str | None:
    units = sentence.units
    end = start
    while end < len(units) and units[end].text not in _PURPOSE_STOP:
        end += 1
    text = sentence.text[units[start].start : units[end - 1].end] if end > start else ""
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _input_layer(sentence: Sentence, deal: RawDeal) -> str | None:
    lo, hi = deal.span
    window = " ".join(u.low for u in sentence.units[max(0, lo) : hi + 6])
    window = f" {window} ".replace(" ( ", " ").replace(" ) ", " ")
    for words, layer in INPUT_LAYER_WORDS.items():
        if f" {words} " in window:
            return layer
    return None


def _confidence(candidate: Candidate, deal: RawDeal) -> float:
    parties = [*candidate.actors, *candidate.counterparties]
    score = 0.5 + 0.1 * sum(1 for m in parties[:2] if m.iri is not None)
    if candidate.cue.startswith('"') or deal.status is not None:
        score += 0.15
    if deal.background:
        score += 0.1
    if any(m.iri is None and m.kind == "organization" and candidate.kind == "development" for m in parties):
        score -= 0.1
    return round(min(0.95, max(0.1, score)), 2)
