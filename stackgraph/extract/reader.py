"""Where the parties of a deal stand in a sentence: the searches the frames use, and what they return.

:class:`PartyReader` searches a sentence's units left and right of a trigger: the subject (skipping appositions
such as ", the company behind ...," and collecting coordinated names, "Anthropic ... and OpenAI"), the object, the
name after a preposition, the possessor of a noun. "it", "its" and "the company" resolve to the nearest
organisation before them, or to the organisation the text is about (:class:`Discourse`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from stackgraph.extract.lexicon import ALLOWED_BEFORE_OBJECT, Trigger
from stackgraph.extract.linking import PRODUCT_KINDS, Mention
from stackgraph.extract.tokens import Match, Sentence, Unit

__all__ = [
    "ANAPHOR_NOUNS",
    "BE",
    "BOUNDARY",
    "CLAUSE_WORDS",
    "PARTY_KINDS",
    "POSSESSIVE",
    "PREPOSITIONS",
    "PRODUCT_KINDS",
    "Discourse",
    "PartyReader",
    "RawDeal",
    "as_product",
    "identity",
    "make_deal",
]

BOUNDARY = frozenset({";", ":", "—", "–"})
CLAUSE_WORDS = frozenset(
    {
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "because",
        "while",
        "whereas",
        "but",
        "although",
        "though",
        "when",
        "where",
    }
)
PREPOSITIONS = frozenset(
    {
        "by",
        "from",
        "to",
        "with",
        "for",
        "through",
        "into",
        "in",
        "on",
        "at",
        "of",
        "via",
        "over",
        "about",
        "than",
        "against",
        "under",
        "beyond",
        "toward",
        "towards",
        "near",
    }
)
BE = frozenset({"is", "was", "were", "are", "be", "been", "being", "has", "have", "had", "'s"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
ANAPHOR_NOUNS = frozenset({"company", "firm", "group", "startup", "business", "lender", "chipmaker", "carmaker"})
PARTY_KINDS = frozenset({"organization", "person"})


class Discourse:
    """What an article is about so far: the organisation "the company" refers to, the last issuer of an IPO."""

    subject: Mention | None = None
    issuer: Mention | None = None


@dataclass
class RawDeal:
    """A deal as the rules found it: kind, the two sides, the trigger and how its status is to be read."""

    kind: str
    actors: list[Mention]
    counterparties: list[Mention]
    trigger: Match
    tense: str
    frame: str
    span: tuple[int, int]
    stake: Decimal | None = None
    status: str | None = None
    cue: str = ""
    background: bool = False
    purpose_from: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


class PartyReader:
    """Searches one sentence for the parties around a trigger."""

    def __init__(self, sentence: Sentence, discourse: Discourse) -> None:
        self.s = sentence
        self.u: list[Unit] = sentence.units
        self.d = discourse

    # -- resolving a unit to a party ---------------------------------------------------------------------------
    def ref(self, i: int, exclude: Sequence[Mention] = ()) -> Mention | None:
        """The party unit ``i`` names: a name, or an anaphor ("it", "its", "the company") resolved."""
        if not 0 <= i < len(self.u):
            return None
        unit = self.u[i]
        if unit.kind == "name":
            return unit.value
        low = unit.low
        if low in ("it", "its", "itself", "their", "they", "them"):
            return self._antecedent(i, exclude)
        if low in ANAPHOR_NOUNS and i > 0 and self.u[i - 1].low == "the":
            return self._antecedent(i - 1, exclude, sentence_first=i - 1 == self.s.body)
        return None

    def _antecedent(self, i: int, exclude: Sequence[Mention], sentence_first: bool = False) -> Mention | None:
        if not sentence_first:
            for j in range(i - 1, self.s.body - 1, -1):
                unit = self.u[j]
                if unit.kind == "name" and unit.value.kind == "organization" and unit.value not in exclude:
                    return unit.value
        subject = self.d.subject
        return subject if subject is not None and subject not in exclude else None

    def is_ref(self, i: int) -> bool:
        if not 0 <= i < len(self.u):
            return False
        unit = self.u[i]
        return (
            unit.kind == "name"
            or unit.low in ("it", "itself", "they")
            or (unit.low in ANAPHOR_NOUNS and i > 0 and self.u[i - 1].low == "the")
        )

    # -- searches ----------------------------------------------------------------------------------------------
    def subject(self, i: int, limit: int = 30) -> tuple[list[Mention], int]:
        """Names left of ``i`` that act as its subject (coordinated ones too), and where the first one stands."""
        j = i - 1
        stop = max(self.s.body, i - limit)
        while j >= stop:
            unit = self.u[j]
            if unit.text in BOUNDARY:
                break
            if unit.text == ",":
                j = self._skip_apposition(j)
                continue
            if unit.text == ")":
                while j > stop and self.u[j].text != "(":
                    j -= 1
                j -= 1
                continue
            if self.is_ref(j):
                found = [self.ref(j)]
                first = j
                k = j - 1
                while k > stop:
                    links: set[str] = set()
                    while k > stop and (self.u[k].low in ("and", "both") or self.u[k].text == ","):
                        links.add(self.u[k].low)
                        k = self._skip_apposition(k) if self.u[k].text == "," else k - 1
                    if ("and" in links or ("," in links and len(found) > 1)) and self.u[k].kind == "name":
                        found.insert(0, self.ref(k))
                        first = k
                        k -= 1
                        continue
                    break
                return [m for m in found if m is not None], first
            if unit.low == "between":
                found, _last = self.object(j + 1)
                return found, j + 1 if found else -1
            if unit.low in CLAUSE_WORDS and unit.low not in ("that", "which"):
                break
            j -= 1
        return [], -1

    def _skip_apposition(self, comma: int) -> int:
        """From a comma, jump over ", the ... ," / ", a ... ," / ", which ... ," to before the opening comma."""
        for k in range(comma - 1, max(self.s.body, comma - 18) - 1, -1):
            if self.u[k].text in BOUNDARY:
                break
            if self.u[k].text == ",":
                head = self.u[k + 1]
                if head.low in ("the", "a", "an", "which", "who", "its", "meanwhile", "however", "also") or (
                    k + 2 < comma and head.kind == "name" and self.u[k + 2].text in POSSESSIVE
                ):
                    return k - 1
                break
        return comma - 1

    def object(self, i: int, *, loose: bool = False, preps: Sequence[str] = ()) -> tuple[list[Mention], int]:
        """Names right of ``i`` (from unit ``i`` on) that are its object; coordinated ones too."""
        j = i
        limit = min(len(self.u), i + (14 if loose else 8))
        while j < limit:
            unit = self.u[j]
            if self.is_ref(j) and not (unit.low == "it" and loose):
                found = [self.ref(j)]
                last = j
                while last + 2 < len(self.u) and self.u[last + 1].low == "and" and self.u[last + 2].kind == "name":
                    found.append(self.u[last + 2].value)
                    last += 2
                return [m for m in found if m is not None], last
            if unit.low in ("stake", "stakes", "shares") and j + 1 < len(self.u) and self.u[j + 1].low in ("in", "of"):
                j += 2
                continue
            if unit.low == "of" and j > i and self.u[j - 1].kind == "stake":
                j += 1
                continue
            if unit.kind in ("money", "stake", "date") or unit.low in ALLOWED_BEFORE_OBJECT or unit.low in preps:
                j += 1
                continue
            if unit.low == "for" and j > i and self.u[j - 1].kind == "money":
                j += 1
                continue
            if loose and unit.kind == "word" and unit.low not in PREPOSITIONS and unit.low not in CLAUSE_WORDS:
                j += 1
                continue
            if (
                loose
                and unit.text == ","
                and j + 1 < len(self.u)
                and (
                    self.u[j + 1].low in ("called", "named", "dubbed", "the", "a", "known")
                    or self.u[j + 1].kind == "name"
                )
            ):
                j += 1
                continue
            break
        return [], -1

    def after(self, i: int, words: Sequence[str], limit: int = 12) -> tuple[list[Mention], int]:
        """The names after the first of ``words`` right of ``i`` (same clause)."""
        for j in range(i, min(len(self.u), i + limit)):
            unit = self.u[j]
            if unit.text in BOUNDARY:
                break
            if unit.low in words:
                return self.object(j + 1, preps=("investor", "investors", "family", "holding"))
        return [], -1

    def possessor(self, i: int) -> Mention | None:
        """The party that owns the noun at ``i``: "Velocity Chips' proposed purchase", "its planned IPO"."""
        for j in range(i - 1, max(self.s.body - 1, i - 6), -1):
            unit = self.u[j]
            if unit.text in POSSESSIVE and j > 0:
                return self.ref(j - 1)
            if unit.low in ("its", "their"):
                return self.ref(j)
            if unit.kind in ("money", "stake", "date") or unit.low in (
                "proposed",
                "planned",
                "upcoming",
                "initial",
                "all-stock",
                "cash",
                "hostile",
                "possible",
                "latest",
                "-",
                "$",
                "takeover",
                "firm",
                "company",
            ):
                continue
            if unit.kind == "word" and unit.low.isalpha() and unit.low not in PREPOSITIONS and j == i - 1:
                continue
            break
        return None


def identity(mention: Mention) -> str:
    return mention.iri or mention.label.casefold()


def make_deal(
    kind: str,
    actors: list[Mention],
    others: list[Mention],
    match: Match,
    trigger: Trigger,
    lo: int,
    hi: int,
    *,
    tense: str | None = None,
    **extra: object,
) -> RawDeal:
    span = (min(x for x in (lo, match.start) if x >= 0), max(hi, match.end - 1))
    return RawDeal(kind, actors, others, match, tense or trigger.tense, trigger.frame, span, **extra)  # type: ignore[arg-type]


def as_product(mentions: list[Mention]) -> list[Mention]:
    """The mentions where products must stand: a new entity becomes a product; a loaded one keeps its kind."""
    return [m if m.iri or m.kind in PRODUCT_KINDS else replace(m, kind="product") for m in mentions]
