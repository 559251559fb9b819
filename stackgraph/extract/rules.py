"""Find the parties of each deal a trigger introduces: the frames of :data:`~stackgraph.extract.lexicon.TRIGGERS`.

A frame says where the parties stand around the trigger: ``svo`` reads the subject on the left and the object on the
right ("SpaceX acquired xAI"; passive with "by"); ``noun`` a possessor and a preposition ("Velocity Chips' proposed
purchase of Arclight", "the takeover of Vantor by Granite Peak", "an offer from Greyfield"); ``buy_from``, ``raise``,
``sell``, ``with``, ``between``, ``behind`` ... the constructions their names say. The subject search skips
appositions (", the company behind ...,") and collects coordinated names ("Anthropic ... and OpenAI"); "it", "its"
and "the company" resolve to the nearest organisation before them, or to the organisation the text is about
(:class:`Discourse`). Products named with a possessive ("Starlink, SpaceX's satellite internet service", "its
AI-RAN platform") are developments of the possessor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from stackgraph.extract.lexicon import ALLOWED_BEFORE_OBJECT, FACILITY_WORDS, FOLD_WORDS, PRODUCT_WORDS, Trigger
from stackgraph.extract.linking import Mention
from stackgraph.extract.tokens import Match, Sentence, Unit

__all__ = ["Discourse", "RawDeal", "find_deals"]

_BOUNDARY = frozenset({";", ":", "—", "–"})
_CLAUSE_WORDS = frozenset(
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
_PREPOSITIONS = frozenset(
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
_BE = frozenset({"is", "was", "were", "are", "be", "been", "being", "has", "have", "had", "'s"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_ANAPHOR_NOUNS = frozenset({"company", "firm", "group", "startup", "business", "lender", "chipmaker", "carmaker"})
_PRODUCT_KINDS = frozenset({"product", "facility"})
_PARTY_KINDS = frozenset({"organization", "person"})


@dataclass
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


class _Reader:
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
        if low in _ANAPHOR_NOUNS and i > 0 and self.u[i - 1].low == "the":
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
            or (unit.low in _ANAPHOR_NOUNS and i > 0 and self.u[i - 1].low == "the")
        )

    # -- searches ----------------------------------------------------------------------------------------------
    def subject(self, i: int, limit: int = 30) -> tuple[list[Mention], int]:
        """Names left of ``i`` that act as its subject (coordinated ones too), and where the first one stands."""
        j = i - 1
        stop = max(self.s.body, i - limit)
        while j >= stop:
            unit = self.u[j]
            if unit.text in _BOUNDARY:
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
                    if "and" in links or ("," in links and len(found) > 1):
                        if self.u[k].kind == "name":
                            found.insert(0, self.ref(k))
                            first = k
                            k -= 1
                            continue
                    break
                return [m for m in found if m is not None], first
            if unit.low == "between":
                found, last = self.object(j + 1)
                return found, j + 1 if found else -1
            if unit.low in _CLAUSE_WORDS and unit.low not in ("that", "which"):
                break
            j -= 1
        return [], -1

    def _skip_apposition(self, comma: int) -> int:
        """From a comma, jump over ", the ... ," / ", a ... ," / ", which ... ," to before the opening comma."""
        for k in range(comma - 1, max(self.s.body, comma - 18) - 1, -1):
            if self.u[k].text in _BOUNDARY:
                break
            if self.u[k].text == ",":
                head = self.u[k + 1]
                if head.low in ("the", "a", "an", "which", "who", "its", "meanwhile", "however", "also") or (
                    k + 2 < comma and head.kind == "name" and self.u[k + 2].text in _POSSESSIVE
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
            if loose and unit.kind == "word" and unit.low not in _PREPOSITIONS and unit.low not in _CLAUSE_WORDS:
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
            if unit.text in _BOUNDARY:
                break
            if unit.low in words:
                return self.object(j + 1, preps=("investor", "investors", "family", "holding"))
        return [], -1

    def possessor(self, i: int) -> Mention | None:
        """The party that owns the noun at ``i``: "Velocity Chips' proposed purchase", "its planned IPO"."""
        for j in range(i - 1, max(self.s.body - 1, i - 6), -1):
            unit = self.u[j]
            if unit.text in _POSSESSIVE and j > 0:
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
            if unit.kind == "word" and unit.low.isalpha() and unit.low not in _PREPOSITIONS and j == i - 1:
                continue
            break
        return None


def find_deals(sentence: Sentence, discourse: Discourse) -> list[RawDeal]:
    """Every deal the frames find in ``sentence`` (before status, values and merging)."""
    reader = _Reader(sentence, discourse)
    deals: list[RawDeal] = []
    for match in sentence.triggers:
        if match.start < sentence.body:
            continue
        frame = _FRAMES.get(match.item.frame)
        if frame is not None:
            deals.extend(d for d in frame(reader, match, match.item) if _plausible(d))
    deals.extend(d for d in _possessive_products(reader) if _plausible(d))
    return deals


def _plausible(deal: RawDeal) -> bool:
    if not deal.actors or (deal.kind not in ("public-offering", "partnership") and not deal.counterparties):
        return False
    parties = [*deal.actors, *deal.counterparties]
    if deal.kind == "partnership":
        return len({_identity(m) for m in parties}) >= 2 and all(m.kind in _PARTY_KINDS for m in parties)
    if any(_identity(a) == _identity(c) for a in deal.actors for c in deal.counterparties):
        return False
    if deal.kind == "development":
        return all(m.kind in _PARTY_KINDS for m in deal.actors) and all(
            m.kind in _PRODUCT_KINDS or m.iri is None for m in deal.counterparties
        )
    if deal.kind == "ownership":
        return all(m.kind in _PARTY_KINDS for m in deal.actors)
    return all(m.kind in _PARTY_KINDS for m in parties)


def _identity(mention: Mention) -> str:
    return mention.iri or mention.label.casefold()


def _deal(
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


def _as_product(mentions: list[Mention]) -> list[Mention]:
    return [m if m.iri or m.kind in _PRODUCT_KINDS else Mention(m.text, None, "product", m.label) for m in mentions]


def _svo(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    j = m.end
    while j < len(r.u) and j < m.end + 3 and (r.u[j].kind == "date" or r.u[j].low in ("last", "year", "earlier")):
        j += 1
    passive = (
        j < len(r.u)
        and r.u[j].low == "by"
        and (m.start > 0 and (r.u[m.start - 1].low in _BE or r.u[m.start - 1].text == ","))
    )
    if passive:
        actors, hi = r.object(j + 1)
        others, lo = r.subject(m.start)
        if t.kind == "development":
            others = _as_product(others)
        return [_deal(t.kind, actors, others, m, t, lo, hi)]
    actors, lo = r.subject(m.start)
    loose = t.kind == "development"
    others, hi = r.object(m.end, loose=loose)
    if not actors and m.start == r.s.body and others:
        # "Buying Tesseract would give Oberon ...": the buyer is whom the deal would give or suit.
        actors, _ = r.after(hi + 1, ("give", "gives", "for", "allow", "let", "help"), limit=6)
        actors = actors[:1]
    if not others and lo > 1 and r.u[lo - 1].low in ("which", "that") and r.u[lo - 2].text == ",":
        others = [m2 for m2 in [r.ref(lo - 3)] if m2 is not None]
    if t.kind == "development":
        others = _as_product(others)
        own = any(r.u[k].low == "own" and r.u[k - 1].low in ("its", "their") for k in range(m.end, max(m.end, hi)))
        deals = [_deal(t.kind, actors, others, m, t, lo, hi, purpose_from=hi + 1)]
        if own:
            deals.append(_deal("ownership", actors, others, m, t, lo, hi, cue="its own"))
        return deals
    stake = Decimal(100) if any(r.u[k].low == "wholly" for k in range(max(0, m.start - 2), m.start)) else None
    return [_deal(t.kind, actors, others, m, t, lo, hi, stake=stake, purpose_from=hi + 1)]


def _noun(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    nxt = r.u[m.end].low if m.end < len(r.u) else ""
    owner = r.possessor(m.start)
    if nxt == "from":
        actors, hi = r.object(m.end + 1)
        others, lo = ([owner], m.start) if owner else r.subject(m.start)
        return [_deal(t.kind, actors, others, m, t, lo, hi)]
    if nxt not in ("of", "for", "in", "with", "into"):
        return []
    others, hi = r.object(m.end + 1)
    by_actor, hi2 = r.after(hi + 1, ("by",), limit=4) if hi >= 0 else ([], -1)
    if by_actor:
        return [_deal(t.kind, by_actor, others, m, t, m.start, hi2)]
    if owner is not None:
        return [_deal(t.kind, [owner], others, m, t, m.start, hi, purpose_from=hi + 1)]
    actors, lo = r.subject(m.start)
    return [_deal(t.kind, actors, others, m, t, lo, hi, purpose_from=hi + 1)]


def _merge(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, lo = r.subject(m.start)
    if len(actors) >= 2:
        return [_deal(t.kind, actors[:1], actors[1:2], m, t, lo, m.end)]
    return _svo(r, m, t)


def _target_for(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, hi = r.object(m.end)
    others, lo = r.subject(m.start)
    return [_deal(t.kind, actors, others, m, t, lo, hi)]


def _sell(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    seller, lo = r.subject(m.start)
    for j in range(m.end, min(len(r.u), m.end + 14)):
        if r.u[j].text in _BOUNDARY:
            return []
        if r.u[j].low == "to" and j > m.end:
            buyers, hi = r.object(j + 1)
            between = range(m.end, j)
            names = [r.u[k].value for k in between if r.u[k].kind == "name"]
            words = {r.u[k].low for k in between}
            stake = next((r.u[k].value.value for k in between if r.u[k].kind == "stake"), None)
            if names:
                return [_deal("acquisition", buyers, names[:1], m, t, lo, hi, stake=stake)]
            if words & {"itself", "business", "unit", "division", "arm", "operations", "stake", "shares"}:
                return [_deal("acquisition", buyers, seller[:1], m, t, lo, hi, stake=stake)]
            return [_deal("supply", seller, buyers, m, t, lo, hi)]
    return []


def _fold(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    targets, hi = r.object(m.end)
    if hi < 0 or hi + 3 >= len(r.u) or r.u[hi + 1].low != "into":
        return []
    if not any(r.u[k].low in FOLD_WORDS for k in range(hi + 2, min(len(r.u), hi + 5))):
        return []
    owner = r.ref(hi + 2) if r.u[hi + 2].low in ("its", "their") else r.d.subject
    return [_deal(t.kind, [owner] if owner else [], targets, m, t, m.start, hi + 3)]


def _invest(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, lo = r.subject(m.start)
    others, hi = r.after(m.end, ("in", "into"), limit=10)
    return [_deal(t.kind, actors, others, m, t, lo, hi, purpose_from=hi + 1)]


def _raise(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    investees, lo = r.subject(m.start)
    investors, hi = r.after(m.end, ("from",), limit=14)
    if not investors:
        for j in range(m.end, min(len(r.u) - 1, m.end + 14)):
            if r.u[j].low == "led" and r.u[j + 1].low == "by":
                investors, hi = r.object(j + 2)
                break
    return [_deal(t.kind, [a], investees[:1], m, t, lo, hi) for a in investors]


def _backed_by(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, hi = r.object(m.end)
    others, lo = r.subject(m.start)
    return [_deal(t.kind, actors, others, m, t, lo, hi)]


def _backer_of(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, lo = r.subject(m.start)
    others, hi = r.object(m.end)
    return [_deal(t.kind, actors, others, m, t, lo, hi)]


def _stake(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    if not (m.end + 2 < len(r.u) and r.u[m.end].kind == "stake" and r.u[m.end + 1].low in ("stake", "holding")):
        return []
    actors, lo = r.subject(m.start)
    others, hi = r.after(m.end + 1, ("in", "of"), limit=3)
    return [_deal(t.kind, actors, others, m, t, lo, hi, stake=r.u[m.end].value.value)]


def _sold_shares(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    if not any(r.u[k].low in ("stake", "shares", "holding") for k in range(m.end, min(len(r.u), m.end + 4))):
        return []
    owners, lo = r.subject(m.start)
    owned, hi = r.after(m.end, ("in", "of"), limit=6)
    stake = next((r.u[k].value.value for k in range(m.end, max(m.end, hi)) if r.u[k].kind == "stake"), None)
    cue = " ".join(u.text for u in r.u[m.start : min(m.end + 3, len(r.u))])
    return [_deal(t.kind, owners, owned, m, t, lo, hi, stake=stake, status="terminated", cue=cue)]


def _supply(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, lo = r.subject(m.start)
    customers, hi = r.object(m.end)
    if customers and hi >= 0 and r.u[hi].kind != "name":
        customers = [c for c in [r.ref(hi, exclude=suppliers)] if c is not None]
    if not customers:
        customers, hi = r.after(m.end, ("to",), limit=10)
    return [_deal(t.kind, suppliers, customers, m, t, lo, hi, purpose_from=hi + 1)]


def _buy_from(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    customers, lo = r.subject(m.start)
    for j in range(m.end, min(len(r.u), m.end + 14)):
        unit = r.u[j]
        if unit.text in _BOUNDARY or unit.kind == "name":
            return []
        if unit.low == "from":
            suppliers, hi = r.object(j + 1)
            return [_deal(t.kind, suppliers, customers, m, t, lo, hi, purpose_from=hi + 1)]
    return []


def _customer_of(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    customers, lo = r.subject(m.start)
    suppliers, hi = r.object(m.end)
    return [_deal(t.kind, suppliers, customers, m, t, lo, hi + 3 if hi >= 0 else hi)]


def _supplier_to(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, lo = r.subject(m.start)
    customers, hi = r.object(m.end)
    return [_deal(t.kind, suppliers, customers, m, t, lo, hi)]


def _relies_on(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, hi = r.object(m.end)
    words = {u.low for u in r.u[m.end : m.end + 10]}
    if not words & {"supplier", "supplies", "provider", "vendor", "source"}:
        return []
    customers, lo = r.subject(m.start)
    return [_deal(t.kind, suppliers, customers, m, t, lo, hi + 6)]


def _contract_with(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, hi = r.object(m.end)
    owner = r.possessor(m.start)
    customers, lo = ([owner], m.start) if owner else r.subject(m.start)
    return [_deal(t.kind, suppliers, customers, m, t, lo, hi)]


def _negotiating_with(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    partners, hi = r.object(m.end)
    subject, lo = r.subject(m.start)
    ahead = [u.low for u in r.u[max(hi, m.end) : max(hi, m.end) + 10]]
    if any(w in ahead for w in ("alliance", "partnership", "venture", "collaboration", "partner")):
        return [_deal("partnership", subject + partners, [], m, t, lo, hi)]
    if hi >= 0 and hi + 2 < len(r.u) and r.u[hi + 1].low == "to" and r.u[hi + 2].low in ("buy", "purchase", "source"):
        if hi + 3 < len(r.u) and r.u[hi + 3].kind != "name":
            return [_deal("supply", partners, subject, m, t, lo, hi + 3)]
    return []


def _owned_by(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    owners, hi = r.object(m.end, loose=False, preps=("investor", "family", "holding", "billionaire"))
    owned, lo = r.subject(m.start)
    stake = Decimal(100) if "wholly" in m.item.phrase else None
    return [_deal(t.kind, owners, owned, m, t, lo, hi, stake=stake)]


def _subsidiary_of(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    owners, hi = r.object(m.end)
    owned, lo = r.subject(m.start)
    stake = Decimal(100) if "wholly" in m.item.phrase or (m.start > 1 and r.u[m.start - 2].low == "wholly") else None
    return [_deal(t.kind, owners, owned, m, t, lo, hi, stake=stake, background=True)]


def _parent(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    owned = r.possessor(m.start)
    owners, hi = r.object(m.end + (1 if m.end < len(r.u) and r.u[m.end].low == "company" else 0))
    return [_deal(t.kind, owners, [owned] if owned else [], m, t, m.start, hi, background=True)]


def _with(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    subject, lo = r.subject(m.start)
    owner = r.possessor(m.start)
    if owner is not None and owner not in subject:
        subject = [owner]
    others, hi = r.object(m.end)
    return [_deal("partnership", subject + others, [], m, t, lo, hi, purpose_from=hi + 1)]


def _together(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    subject, lo = r.subject(m.start)
    others, hi = r.after(m.end, ("with",), limit=3)
    return [_deal("partnership", subject + others, [], m, t, lo, max(hi, m.end), purpose_from=max(hi, m.end) + 1)]


def _between(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    partners, hi = r.object(m.end)
    return [_deal("partnership", partners, [], m, t, m.start, hi)]


def _codevelop(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    names = [j for j in range(r.s.body, m.start) if r.u[j].kind == "name"]
    if len(names) < 2:
        return []
    subject, partner, lo = [r.u[names[0]].value], r.u[names[-1]].value, names[0]
    first = m.start + 1 if r.u[m.start].low == "to" else m.start
    return [_deal("partnership", [subject[0], partner], [], m, t, lo, m.end, purpose_from=first, tense="past")]


def _made_by(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    developers, hi = r.object(m.end)
    products, lo = r.subject(m.start)
    return [_deal(t.kind, developers, _as_product(products), m, t, lo, hi)]


def _behind(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    developers, lo = r.subject(m.start, limit=8)
    products, hi = r.object(m.end, loose=True)
    return [
        _deal(
            t.kind,
            developers[-1:],
            _as_product(products[:1]),
            m,
            t,
            lo,
            hi,
            background=True,
            status="active",
            cue="the company behind",
        )
    ]


def _ipo(r: _Reader, m: Match, t: Trigger) -> list[RawDeal]:
    owner = r.possessor(m.start)
    issuers, lo = ([owner], m.start) if owner else r.subject(m.start)
    if not owner and m.end < len(r.u) and r.u[m.end].low == "of":
        issuers, lo = r.object(m.end + 1)
    if not issuers and m.start > 0 and r.u[m.start - 1].low == "the" and r.d.issuer is not None:
        issuers = [r.d.issuer]
    return [_deal(t.kind, [i], [], m, t, lo, m.end) for i in issuers]


def _possessive_products(r: _Reader) -> list[RawDeal]:
    deals = []
    u = r.u
    for j in r.s.names():
        product: Mention = u[j].value
        if product.kind not in _PRODUCT_KINDS and product.iri is not None:
            continue
        owner: Mention | None = None
        if product.kind not in _PRODUCT_KINDS:
            pass
        elif j >= 2 and u[j - 1].text in _POSSESSIVE:
            owner = r.ref(j - 2)
        elif j >= 1 and u[j - 1].low in ("its", "their"):
            owner = r.ref(j - 1, exclude=[product])
        elif j + 3 < len(u) and u[j + 1].text == ",":
            nouns = {x.low for x in u[j + 2 : j + 9]}
            if nouns & (PRODUCT_WORDS | FACILITY_WORDS):
                if u[j + 2].kind == "name" and u[j + 3].text in _POSSESSIVE:
                    owner = u[j + 2].value
                elif u[j + 2].low in ("its", "their"):
                    owner = r.ref(j + 2, exclude=[product])
        if owner is not None and owner.kind == "organization" and owner != product:
            product = _as_product([product])[0]
            match = Match(j, j + 1, Trigger("'s", "development", "possessive", "none"))
            deals.append(
                RawDeal(
                    "development",
                    [owner],
                    [product],
                    match,
                    "none",
                    "possessive",
                    (max(0, j - 2), j),
                    status="active",
                    cue="possessive: a product of its owner",
                    background=True,
                )
            )
    return deals


_FRAMES = {
    "svo": _svo,
    "noun": _noun,
    "merge": _merge,
    "target_for": _target_for,
    "sell": _sell,
    "fold": _fold,
    "invest": _invest,
    "raise": _raise,
    "backed_by": _backed_by,
    "backer_of": _backer_of,
    "stake": _stake,
    "sold_shares": _sold_shares,
    "supply": _supply,
    "buy_from": _buy_from,
    "customer_of": _customer_of,
    "supplier_to": _supplier_to,
    "relies_on": _relies_on,
    "contract_with": _contract_with,
    "negotiating_with": _negotiating_with,
    "owned_by": _owned_by,
    "subsidiary_of": _subsidiary_of,
    "parent": _parent,
    "with": _with,
    "together": _together,
    "between": _between,
    "codevelop": _codevelop,
    "made_by": _made_by,
    "behind": _behind,
    "ipo": _ipo,
}
