"""Find the deals of a sentence: every trigger's frame, then the possessive products; implausible ones dropped.

A deal needs its parties (an issuer alone for a public offering, two partners or more for a partnership), never the
same entity on both sides; a development's product is a product or facility, its developer an organisation or
person; other parties are organisations or people.
"""

from __future__ import annotations

from stackgraph.extract.frames import FRAMES, possessive_products
from stackgraph.extract.reader import PARTY_KINDS, PRODUCT_KINDS, Discourse, PartyReader, RawDeal, identity
from stackgraph.extract.tokens import Sentence

__all__ = ["Discourse", "RawDeal", "find_deals"]


def find_deals(sentence: Sentence, discourse: Discourse) -> list[RawDeal]:
    """Every deal the frames find in ``sentence`` (before status, values and merging)."""
    reader = PartyReader(sentence, discourse)
    deals: list[RawDeal] = []
    for match in sentence.triggers:
        if match.start < sentence.body:
            continue
        frame = FRAMES.get(match.item.frame)
        if frame is not None:
            deals.extend(d for d in frame(reader, match, match.item) if _plausible(d))
    deals.extend(d for d in possessive_products(reader) if _plausible(d))
    return deals


def _plausible(deal: RawDeal) -> bool:
    if not deal.actors or (deal.kind not in ("public-offering", "partnership") and not deal.counterparties):
        return False
    parties = [*deal.actors, *deal.counterparties]
    if deal.kind == "partnership":
        return len({identity(m) for m in parties}) >= 2 and all(m.kind in PARTY_KINDS for m in parties)
    if any(identity(a) == identity(c) for a in deal.actors for c in deal.counterparties):
        return False
    if deal.kind == "development":
        return all(m.kind in PARTY_KINDS for m in deal.actors) and all(
            m.kind in PRODUCT_KINDS or m.iri is None for m in deal.counterparties
        )
    if deal.kind == "ownership":
        return all(m.kind in PARTY_KINDS for m in deal.actors)
    return all(m.kind in PARTY_KINDS for m in parties)
