"""The projection's edges: the role properties on each side of each deal class, the pairs of parties of each deal, and
the edges of the deals that count, with the attributes of the projection contract."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.projection._columns import grouped
from stackgraph.projection._view import View
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.names import local_name

__all__ = ["EDGE_DEFAULTS", "DealEdges", "pairs", "role_sides"]


def role_sides(rows: Iterable[Sequence[str | None]]) -> dict[str, dict[str, str]]:
    """Return, per relation, the VALUES block of the role properties on each side of its deals (deal_roles.rq).

    ``rows`` are roles.rq's (side, role, deal class). Role properties belong to a deal class through their
    ``rdfs:domain``; the sides are ``actor`` and ``counterparty`` (the acquirer and target of an acquisition, the
    supplier and customer of a supply, ...) or ``partner`` (each partner of a partnership with each other).
    """
    import pyoxigraph as ox

    side_roles: dict[str, dict[str, set[str]]] = {}
    for side, role, domain in rows:
        if side is None or role is None or domain is None:
            continue
        if rules.relation_of(domain) is not None:
            side_roles.setdefault(domain, {}).setdefault(local_name(side), set()).add(role)
    relations: dict[str, dict[str, str]] = {}
    for domain, sides in side_roles.items():
        if not ("partner" in sides or ("actor" in sides and "counterparty" in sides)):
            continue  # no pair of parties to draw an edge between
        # Each IRI passes through the engine's own term type, so the block is well-formed whatever the store held.
        relations[rules.relation_of(domain)] = {  # type: ignore[index]
            side: "VALUES ?role { " + " ".join(str(ox.NamedNode(role)) for role in sorted(roles)) + " }"
            for side, roles in sorted(sides.items())
        }
    if not relations:
        raise InputError("the store holds no deal role properties: is the stackgraph ontology loaded?")
    order = rules.relations()
    return dict(sorted(relations.items(), key=lambda item: order.index(item[0])))


def pairs(sides: Mapping[str, Sequence[Sequence[str | None]]]) -> Sequence[Sequence[str]]:
    """Pair the parties of each deal: each actor with each counterparty, each partner with each other (never a
    party with itself). ``sides`` holds deal_roles.rq's (deal, party) columns per side; returns the (deal, actor,
    counterparty) columns, in the order of the counterparty (or partner) rows.

    Pairing here rather than by a join in the engine halves the engine's time: the engine looked the second role up
    deal by deal, where a dict does it from one scan of each side.
    """
    rows: list[tuple[str, str, str]] = []
    actor_columns, counterparty_columns = sides.get("actor"), sides.get("counterparty")
    partner_columns = sides.get("partner")
    if actor_columns and counterparty_columns:
        actor_deals, actors = actor_columns
        deals, counterparties = counterparty_columns
        actor_of = dict(zip(actor_deals, actors, strict=True))
        if len(actor_of) == len(actor_deals) and not partner_columns:  # one actor per deal, the common case
            paired = list(map(actor_of.get, deals))
            if None not in paired and not any(map(operator.eq, paired, counterparties)):
                # every deal has its actor, never on both sides: the columns as they are (C loops, no row tuples)
                return [deals, paired, counterparties] if deals else []  # type: ignore[list-item]
            rows += [
                (deal, actor, counterparty)
                for deal, actor, counterparty in zip(deals, paired, counterparties, strict=True)
                if actor is not None and actor != counterparty
            ]
        elif len(actor_of) == len(actor_deals):
            rows += [
                (deal, actor, counterparty)
                for deal, actor, counterparty in zip(deals, map(actor_of.get, deals), counterparties, strict=True)
                if actor is not None and actor != counterparty
            ]
        else:
            actors_of = grouped(actor_deals, actors)
            rows += [
                (deal, actor, counterparty)
                for deal, counterparty in zip(deals, counterparties, strict=True)
                for actor in actors_of.get(deal, ())
                if actor != counterparty
            ]
    if partner_columns:
        for deal, partners in grouped(*partner_columns).items():
            rows += [(deal, a, b) for a in partners for b in partners if a != b]
    return list(zip(*rows, strict=True)) if rows else []  # type: ignore[arg-type]


_MISSING = object()

#: A deal edge's attributes with no value filled in, in the order of the projection contract (DEVELOPERS.md).
EDGE_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "relation": None,
        "status": None,
        "announced": None,
        "effective": None,
        "ended": None,
        "amount": None,
        "currency": None,
        "stake": None,
        "input_layer": None,
        "purpose": None,
        "deal": None,
        "quotes": (),
        "sources": (),
        "source_iris": (),
        "scenario": False,
        "basis": (),
    }
)


_EDGE_TEMPLATE = dict(EDGE_DEFAULTS)


class DealEdges:
    """Puts the edges of the deals that count into ``G``, one relation's parties at a time.

    Each candidate deal (in view, not ended) gets one attribute dict up front, with the values that decided it
    counts (and ``relation`` unset until its first edge takes the dict); each further edge (a deal with several
    pairs of parties) takes a copy of it. Values filled in later reach the copies too. The edges of deals that
    another deal may supersede wait for :meth:`add_deferred`, when it is known which are hidden.
    """

    def __init__(
        self, G: nx.MultiDiGraph, candidates: Sequence[tuple[str, str | None]], view: View, deferred: set[str]
    ) -> None:
        self.G = G
        self.relation: dict[str, str] = {}  # every deal with parties, counted or not -> its (first) relation
        self.counts: dict[str, int] = {}  # relation -> how many deals with parties draw it, counted or not
        self._deferred_deals = deferred
        self._deferred: list[tuple[str, str, str]] = []
        self._hidden: set[str] = set()
        self._copies: dict[str, list[dict[str, Any]]] = {}  # the dicts of deals' further edges
        # One dict per deal, copied from a template with the keys in the order of the projection contract (a copy
        # costs half of building the dict from its items), then the values the view holds, walked where they are.
        copy = _EDGE_TEMPLATE.copy
        self.attributes: dict[str, dict[str, Any]] = {deal: copy() for deal, _ in candidates}
        attributes = self.attributes
        for (deal, status), data in zip(candidates, attributes.values(), strict=True):
            data["status"], data["deal"] = status, deal
        for name, values in (("announced", view.announced), ("effective", view.effective), ("ended", view.ended)):
            self._fill(name, values)
        self._fill("scenario", dict.fromkeys(view.scenario, True))

    def _fill(self, name: str, values: Mapping[str, Any]) -> None:
        """Set attribute ``name`` of the deals that count and have a value in ``values`` (and of their edges'
        copies), walking the smaller of the two."""
        attributes, copies = self.attributes, self._copies
        if len(values) <= len(attributes):
            for deal, value in values.items():
                data = attributes.get(deal)
                if data is not None:
                    data[name] = value
        else:
            value_of, missing = values.get, _MISSING
            for deal, data in attributes.items():
                value = value_of(deal, missing)
                if value is not missing:
                    data[name] = value
        for deal, further in copies.items():
            if deal in values:
                for data in further:
                    data[name] = values[deal]

    def fill_in_basis(self, basis: Mapping[str, tuple[str, ...]]) -> None:
        """Set each counted deal's ``basis`` (see :func:`basis_of`)."""
        self._fill("basis", basis)

    def add(self, relation: str, columns: Sequence[Sequence[str]]) -> None:
        """Add the edges of one relation's deals from their (deal, actor, counterparty) columns (see pairs)."""
        if not columns:
            return
        deals, actors, counterparties = columns
        known = self.relation
        in_chunk = set(deals)
        earlier = in_chunk.intersection(known)  # also under an earlier relation: an error in the data
        new = in_chunk.difference(known)
        known.update(dict.fromkeys(new, relation))
        self.counts[relation] = self.counts.get(relation, 0) + len(new)
        deferred_deals, deferred = self._deferred_deals, self._deferred
        attributes, copies = self.attributes, self._copies
        succ, pred, new_key_dict = self.G._succ, self.G._pred, self.G.edge_key_dict_factory
        # Bulk insertion into the adjacency dicts, as MultiDiGraph.add_edge does it (one key dict shared by
        # successor and predecessor maps) without its per-edge checks. This is a third of the projection's Python
        # time at 300k deals; tests/test_projection.py pins the result equal to what add_edge builds.
        for deal, actor, counterparty in zip(deals, actors, counterparties, strict=True):
            data = attributes.get(deal)
            if data is None:
                continue
            if deal in deferred_deals:
                deferred.append((deal, actor, counterparty))
                continue
            if data["relation"] is None:  # the deal's first edge
                data["relation"] = relation
            else:  # a further pair of the deal: an edge with a dict of its own
                data = data.copy()
                copies.setdefault(deal, []).append(data)
            adjacent = succ.get(actor)
            if adjacent is None:
                adjacent = self._add_party(actor)
            if counterparty not in succ:
                self._add_party(counterparty)
            keydict = adjacent.get(counterparty)
            if keydict is None:
                keydict = adjacent[counterparty] = pred[counterparty][actor] = new_key_dict()
            keydict[deal] = data
        for deal in earlier:  # the first relation stays
            data = attributes.get(deal)
            if data is not None:
                for each in (data, *copies.get(deal, ())):
                    each["relation"] = known[deal]
        nx._clear_cache(self.G)

    def _add_party(self, node: str) -> dict[str, Any]:
        """Add a party that is not a typed entity (no kind, no layers) and return its successor map."""
        self.G.add_node(node, label=local_name(node), kind=None, layers=(), iri=node, aliases=())
        return self.G._succ[node]  # type: ignore[no-any-return]

    def hide(self, deals: Iterable[str]) -> None:
        """Leave out the deals superseded by a visible deal (all their edges were deferred)."""
        self._hidden.update(deals)

    def fill_in(self, name: str, groups: Sequence[tuple[Any, Sequence[str]]]) -> None:
        """Set attribute ``name`` of each deal that counts from its (value, deals) groups (see :func:`by_value`;
        the first group of a deal wins). Values are sparse and deals many, so this walks the values rather than the
        deals."""
        attributes, copies = self.attributes, self._copies
        for value, deals in reversed(groups):  # from the last group back, so that a deal's first value stays
            for deal in deals:
                data = attributes.get(deal)
                if data is not None:
                    data[name] = value
                    for copy in copies.get(deal, ()) if copies else ():
                        copy[name] = value

    def fill_in_provenance(
        self, evidence: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
    ) -> None:
        """Set each counted deal's ``sources``, ``quotes`` and ``source_iris``."""
        attributes, copies = self.attributes, self._copies
        for deal, (sources, quotes, source_iris) in evidence.items():
            data = attributes.get(deal)
            if data is not None:
                for each in (data, *copies.get(deal, ())):
                    each["sources"], each["quotes"], each["source_iris"] = sources, quotes, source_iris

    def add_deferred(self) -> None:
        """Add the deferred edges whose deal is not hidden."""
        hidden, deferred = self._hidden, self._deferred
        self._deferred_deals, self._deferred = set(), []
        for relation in dict.fromkeys(self.relation[deal] for deal, _, _ in deferred):
            rows = [row for row in deferred if row[0] not in hidden and self.relation[row[0]] == relation]
            self.add(relation, list(zip(*rows, strict=True)) if rows else [])
