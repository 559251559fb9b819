"""The frames of :data:`~stackgraph.extract.lexicon.TRIGGERS`: how each construction places a deal's parties.

``svo`` reads the subject on the left and the object on the right ("SpaceX acquired xAI"; passive with "by");
``noun`` a possessor and a preposition ("Velocity Chips' proposed purchase of Arclight", "the takeover of Vantor by
Granite Peak", "an offer from Greyfield"); ``buy_from``, ``raise``, ``sell``, ``with``, ``between``, ``behind`` ...
the constructions their names say. :func:`possessive_products` reads products named with a possessive ("Starlink,
SpaceX's satellite internet service", "its AI-RAN platform") as developments of the possessor.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from stackgraph.extract.lexicon import FACILITY_WORDS, FOLD_WORDS, PRODUCT_WORDS, Trigger
from stackgraph.extract.linking import Mention
from stackgraph.extract.reader import (
    BE,
    BOUNDARY,
    POSSESSIVE,
    PRODUCT_KINDS,
    PartyReader,
    RawDeal,
    as_product,
    make_deal,
)
from stackgraph.extract.tokens import Match

__all__ = ["FRAMES", "possessive_products"]


def _svo(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    j = m.end
    while j < len(r.u) and j < m.end + 3 and (r.u[j].kind == "date" or r.u[j].low in ("last", "year", "earlier")):
        j += 1
    passive = (
        j < len(r.u)
        and r.u[j].low == "by"
        and (m.start > 0 and (r.u[m.start - 1].low in BE or r.u[m.start - 1].text == ","))
    )
    if passive:
        actors, hi = r.object(j + 1)
        others, lo = r.subject(m.start)
        if t.kind == "development":
            others = as_product(others)
        return [make_deal(t.kind, actors, others, m, t, lo, hi)]
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
        others = as_product(others)
        own = any(r.u[k].low == "own" and r.u[k - 1].low in ("its", "their") for k in range(m.end, max(m.end, hi)))
        deals = [make_deal(t.kind, actors, others, m, t, lo, hi, purpose_from=hi + 1)]
        if own:
            deals.append(make_deal("ownership", actors, others, m, t, lo, hi, cue="its own"))
        return deals
    stake = Decimal(100) if any(r.u[k].low == "wholly" for k in range(max(0, m.start - 2), m.start)) else None
    return [make_deal(t.kind, actors, others, m, t, lo, hi, stake=stake, purpose_from=hi + 1)]


def _noun(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    nxt = r.u[m.end].low if m.end < len(r.u) else ""
    owner = r.possessor(m.start)
    if nxt == "from":
        actors, hi = r.object(m.end + 1)
        others, lo = ([owner], m.start) if owner else r.subject(m.start)
        return [make_deal(t.kind, actors, others, m, t, lo, hi)]
    if nxt not in ("of", "for", "in", "with", "into"):
        return []
    others, hi = r.object(m.end + 1)
    by_actor, hi2 = r.after(hi + 1, ("by",), limit=4) if hi >= 0 else ([], -1)
    if by_actor:
        return [make_deal(t.kind, by_actor, others, m, t, m.start, hi2)]
    if owner is not None:
        return [make_deal(t.kind, [owner], others, m, t, m.start, hi, purpose_from=hi + 1)]
    actors, lo = r.subject(m.start)
    return [make_deal(t.kind, actors, others, m, t, lo, hi, purpose_from=hi + 1)]


def _merge(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, lo = r.subject(m.start)
    if len(actors) >= 2:
        return [make_deal(t.kind, actors[:1], actors[1:2], m, t, lo, m.end)]
    return _svo(r, m, t)


def _object_acts(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    """The name after the trigger acts on the subject: "X, backed by Y", "X could be a target for Y"."""
    actors, hi = r.object(m.end)
    others, lo = r.subject(m.start)
    return [make_deal(t.kind, actors, others, m, t, lo, hi)]


def _subject_acts(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    """The subject acts on the name after the trigger: "X, an early backer of Y", "X is a supplier to Y"."""
    actors, lo = r.subject(m.start)
    others, hi = r.object(m.end)
    return [make_deal(t.kind, actors, others, m, t, lo, hi)]


def _sell(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    seller, lo = r.subject(m.start)
    for j in range(m.end, min(len(r.u), m.end + 14)):
        if r.u[j].text in BOUNDARY:
            return []
        if r.u[j].low == "to" and j > m.end:
            buyers, hi = r.object(j + 1)
            between = range(m.end, j)
            names = [r.u[k].value for k in between if r.u[k].kind == "name"]
            words = {r.u[k].low for k in between}
            stake = next((r.u[k].value.value for k in between if r.u[k].kind == "stake"), None)
            if names:
                return [make_deal("acquisition", buyers, names[:1], m, t, lo, hi, stake=stake)]
            if words & {"itself", "business", "unit", "division", "arm", "operations", "stake", "shares"}:
                return [make_deal("acquisition", buyers, seller[:1], m, t, lo, hi, stake=stake)]
            return [make_deal("supply", seller, buyers, m, t, lo, hi)]
    return []


def _fold(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    targets, hi = r.object(m.end)
    if hi < 0 or hi + 3 >= len(r.u) or r.u[hi + 1].low != "into":
        return []
    if not any(r.u[k].low in FOLD_WORDS for k in range(hi + 2, min(len(r.u), hi + 5))):
        return []
    owner = r.ref(hi + 2) if r.u[hi + 2].low in ("its", "their") else r.d.subject
    return [make_deal(t.kind, [owner] if owner else [], targets, m, t, m.start, hi + 3)]


def _invest(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    actors, lo = r.subject(m.start)
    others, hi = r.after(m.end, ("in", "into"), limit=10)
    return [make_deal(t.kind, actors, others, m, t, lo, hi, purpose_from=hi + 1)]


def _raise(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    investees, lo = r.subject(m.start)
    investors, hi = r.after(m.end, ("from",), limit=14)
    if not investors:
        for j in range(m.end, min(len(r.u) - 1, m.end + 14)):
            if r.u[j].low == "led" and r.u[j + 1].low == "by":
                investors, hi = r.object(j + 2)
                break
    return [make_deal(t.kind, [a], investees[:1], m, t, lo, hi) for a in investors]


def _stake(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    if not (m.end + 2 < len(r.u) and r.u[m.end].kind == "stake" and r.u[m.end + 1].low in ("stake", "holding")):
        return []
    actors, lo = r.subject(m.start)
    others, hi = r.after(m.end + 1, ("in", "of"), limit=3)
    return [make_deal(t.kind, actors, others, m, t, lo, hi, stake=r.u[m.end].value.value)]


def _sold_shares(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    if not any(r.u[k].low in ("stake", "shares", "holding") for k in range(m.end, min(len(r.u), m.end + 4))):
        return []
    owners, lo = r.subject(m.start)
    owned, hi = r.after(m.end, ("in", "of"), limit=6)
    stake = next((r.u[k].value.value for k in range(m.end, max(m.end, hi)) if r.u[k].kind == "stake"), None)
    cue = " ".join(u.text for u in r.u[m.start : min(m.end + 3, len(r.u))])
    return [make_deal(t.kind, owners, owned, m, t, lo, hi, stake=stake, status="terminated", cue=cue)]


def _supply(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, lo = r.subject(m.start)
    customers, hi = r.object(m.end)
    if customers and hi >= 0 and r.u[hi].kind != "name":
        customers = [c for c in [r.ref(hi, exclude=suppliers)] if c is not None]
    if not customers:
        customers, hi = r.after(m.end, ("to",), limit=10)
    return [make_deal(t.kind, suppliers, customers, m, t, lo, hi, purpose_from=hi + 1)]


def _buy_from(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    customers, lo = r.subject(m.start)
    for j in range(m.end, min(len(r.u), m.end + 14)):
        unit = r.u[j]
        if unit.text in BOUNDARY or unit.kind == "name":
            return []
        if unit.low == "from":
            suppliers, hi = r.object(j + 1)
            return [make_deal(t.kind, suppliers, customers, m, t, lo, hi, purpose_from=hi + 1)]
    return []


def _customer_of(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    customers, lo = r.subject(m.start)
    suppliers, hi = r.object(m.end)
    return [make_deal(t.kind, suppliers, customers, m, t, lo, hi + 3 if hi >= 0 else hi)]


def _relies_on(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, hi = r.object(m.end)
    words = {u.low for u in r.u[m.end : m.end + 10]}
    if not words & {"supplier", "supplies", "provider", "vendor", "source"}:
        return []
    customers, lo = r.subject(m.start)
    return [make_deal(t.kind, suppliers, customers, m, t, lo, hi + 6)]


def _contract_with(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    suppliers, hi = r.object(m.end)
    owner = r.possessor(m.start)
    customers, lo = ([owner], m.start) if owner else r.subject(m.start)
    return [make_deal(t.kind, suppliers, customers, m, t, lo, hi)]


def _negotiating_with(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    partners, hi = r.object(m.end)
    subject, lo = r.subject(m.start)
    ahead = [u.low for u in r.u[max(hi, m.end) : max(hi, m.end) + 10]]
    if any(w in ahead for w in ("alliance", "partnership", "venture", "collaboration", "partner")):
        return [make_deal("partnership", subject + partners, [], m, t, lo, hi)]
    buys = hi >= 0 and hi + 3 < len(r.u) and r.u[hi + 1].low == "to"
    if buys and r.u[hi + 2].low in ("buy", "purchase", "source") and r.u[hi + 3].kind != "name":
        return [make_deal("supply", partners, subject, m, t, lo, hi + 3)]
    return []


def _owned_by(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    owners, hi = r.object(m.end, loose=False, preps=("investor", "family", "holding", "billionaire"))
    owned, lo = r.subject(m.start)
    stake = Decimal(100) if "wholly" in m.item.phrase else None
    return [make_deal(t.kind, owners, owned, m, t, lo, hi, stake=stake)]


def _subsidiary_of(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    owners, hi = r.object(m.end)
    owned, lo = r.subject(m.start)
    stake = Decimal(100) if "wholly" in m.item.phrase or (m.start > 1 and r.u[m.start - 2].low == "wholly") else None
    return [make_deal(t.kind, owners, owned, m, t, lo, hi, stake=stake, background=True)]


def _parent(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    owned = r.possessor(m.start)
    owners, hi = r.object(m.end + (1 if m.end < len(r.u) and r.u[m.end].low == "company" else 0))
    return [make_deal(t.kind, owners, [owned] if owned else [], m, t, m.start, hi, background=True)]


def _with(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    subject, lo = r.subject(m.start)
    owner = r.possessor(m.start)
    if owner is not None and owner not in subject:
        subject = [owner]
    others, hi = r.object(m.end)
    return [make_deal("partnership", subject + others, [], m, t, lo, hi, purpose_from=hi + 1)]


def _together(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    subject, lo = r.subject(m.start)
    others, hi = r.after(m.end, ("with",), limit=3)
    return [make_deal("partnership", subject + others, [], m, t, lo, max(hi, m.end), purpose_from=max(hi, m.end) + 1)]


def _between(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    partners, hi = r.object(m.end)
    return [make_deal("partnership", partners, [], m, t, m.start, hi)]


def _codevelop(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    names = [j for j in range(r.s.body, m.start) if r.u[j].kind == "name"]
    if len(names) < 2:
        return []
    subject, partner, lo = [r.u[names[0]].value], r.u[names[-1]].value, names[0]
    first = m.start + 1 if r.u[m.start].low == "to" else m.start
    return [make_deal("partnership", [subject[0], partner], [], m, t, lo, m.end, purpose_from=first, tense="past")]


def _made_by(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    developers, hi = r.object(m.end)
    products, lo = r.subject(m.start)
    return [make_deal(t.kind, developers, as_product(products), m, t, lo, hi)]


def _behind(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    developers, lo = r.subject(m.start, limit=8)
    products, hi = r.object(m.end, loose=True)
    return [
        make_deal(
            t.kind,
            developers[-1:],
            as_product(products[:1]),
            m,
            t,
            lo,
            hi,
            background=True,
            status="active",
            cue="the company behind",
        )
    ]


def _ipo(r: PartyReader, m: Match, t: Trigger) -> list[RawDeal]:
    owner = r.possessor(m.start)
    issuers, lo = ([owner], m.start) if owner else r.subject(m.start)
    if not owner and m.end < len(r.u) and r.u[m.end].low == "of":
        issuers, lo = r.object(m.end + 1)
    if not issuers and m.start > 0 and r.u[m.start - 1].low == "the" and r.d.issuer is not None:
        issuers = [r.d.issuer]
    return [make_deal(t.kind, [i], [], m, t, lo, m.end) for i in issuers]


def possessive_products(r: PartyReader) -> list[RawDeal]:
    deals = []
    u = r.u
    for j in r.s.names():
        product: Mention = u[j].value
        if product.kind not in PRODUCT_KINDS and product.iri is not None:
            continue
        owner: Mention | None = None
        if product.kind not in PRODUCT_KINDS:
            pass
        elif j >= 2 and u[j - 1].text in POSSESSIVE:
            owner = r.ref(j - 2)
        elif j >= 1 and u[j - 1].low in ("its", "their"):
            owner = r.ref(j - 1, exclude=[product])
        elif j + 3 < len(u) and u[j + 1].text == ",":
            nouns = {x.low for x in u[j + 2 : j + 9]}
            if nouns & (PRODUCT_WORDS | FACILITY_WORDS):
                if u[j + 2].kind == "name" and u[j + 3].text in POSSESSIVE:
                    owner = u[j + 2].value
                elif u[j + 2].low in ("its", "their"):
                    owner = r.ref(j + 2, exclude=[product])
        if owner is not None and owner.kind == "organization" and owner != product:
            product = as_product([product])[0]
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


FRAMES: dict[str, Callable[[PartyReader, Match, Trigger], list[RawDeal]]] = {
    "svo": _svo,
    "noun": _noun,
    "merge": _merge,
    "target_for": _object_acts,
    "sell": _sell,
    "fold": _fold,
    "invest": _invest,
    "raise": _raise,
    "backed_by": _object_acts,
    "backer_of": _subject_acts,
    "stake": _stake,
    "sold_shares": _sold_shares,
    "supply": _supply,
    "buy_from": _buy_from,
    "customer_of": _customer_of,
    "supplier_to": _subject_acts,
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
