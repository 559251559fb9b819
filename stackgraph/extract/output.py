"""Candidates as stackgraph RDF, and how they stand against the deals already loaded.

Each candidate is a deal node of its class with its parties, ``sg:status``, dates, amount, stake, purpose and the
quoted sentences (``prov:qualifiedDerivation [ a sg:Evidence ; sg:quote ... ]``), derived from the article as a
``sg:Source`` with exactly the bibliographic facts given. The annotations ``sg:statusCue`` and
``sg:extractionConfidence`` say why and how surely; ``sg:possibleUpdateOf`` / ``sg:sameAsLoaded`` point to a loaded
deal between the same parties. Names that link to no loaded entity become new entities of their guessed kind under
``sgid:extracted/``. The graph conforms to the SHACL shapes and loads with ``--graph``; no loaded graph is changed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import pyoxigraph as ox

from stackgraph.extract.extractor import Candidate, Extraction, Source
from stackgraph.extract.linking import Mention, new_entity_key
from stackgraph.resources import queries_dir
from stackgraph.vocabulary import rules, terms
from stackgraph.vocabulary.names import local_name
from stackgraph.vocabulary.sparql import fill
from stackgraph.vocabulary.terms import ID_IRI, SG_IRI, SOURCE_IRI

__all__ = [
    "DEAL_CLASSES",
    "candidates_graph",
    "compare_with_loaded",
    "deal_iri",
    "deal_label",
    "loaded_deals",
    "serialize",
]

#: Deal kind -> (class local name, actor role, counterparty role); a partnership's parties are all partners. Read
#: from the vocabulary's deal-class table (the classes right below ``sg:Deal``), not written here.
DEAL_CLASSES: dict[str, tuple[str, str, str | None]] = {
    each.key: (
        local_name(each.iri),
        local_name((*each.actor_roles, *each.mutual_roles)[0]),
        local_name(each.counterparty_roles[0]) if each.counterparty_roles else None,
    )
    for each in terms.DEAL_CLASSES
    if each.parent is None
}
_KIND_CLASSES = {kind.key: local_name(kind.iri) for kind in terms.ENTITY_KINDS}
_STATUS_TERMS_FROM_KEY: dict[str, str] | None = None

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"


class _SelectStore(Protocol):
    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...


def _sg(name: str) -> ox.NamedNode:
    return ox.NamedNode(SG_IRI + name)


def source_iri(source: Source) -> ox.NamedNode:
    """The IRI of an article's source node: ``src:extracted/<title key>``."""
    return ox.NamedNode(f"{SOURCE_IRI}extracted/{new_entity_key(source.title)[:80]}")


def deal_iri(source: Source, number: int, candidate: Candidate) -> ox.NamedNode:
    """A readable deal IRI: ``sgid:extracted/<source key>/<n>-<kind>-<parties>``."""
    parties = "-".join(new_entity_key(m.label) for m in [*candidate.actors, *candidate.counterparties])[:60]
    return ox.NamedNode(f"{ID_IRI}extracted/{new_entity_key(source.title)[:40]}/{number}-{candidate.kind}-{parties}")


def entity_iri(mention: Mention) -> ox.NamedNode:
    """The loaded entity's IRI, or ``sgid:extracted/<name key>`` for a proposed one."""
    return ox.NamedNode(mention.iri or f"{ID_IRI}extracted/{new_entity_key(mention.label)}")


def deal_label(parties: str, kind: str, status: str) -> ox.Literal:
    """A candidate deal's ``rdfs:label``: ``SpaceX → xAI (acquisition, completed)``."""
    return ox.Literal(f"{parties} ({kind}, {status})")


def _status_term(status: str) -> ox.NamedNode:
    from stackgraph.extract.lexicon import STATUS_TERMS

    return _sg(STATUS_TERMS[status])


def candidates_graph(extractions: Sequence[Extraction]) -> list[ox.Triple]:
    """The triples of every candidate of ``extractions`` (deals, proposed entities, sources), deduplicated."""
    triples: dict[ox.Triple, None] = {}

    def add(s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: Any) -> None:
        triples.setdefault(ox.Triple(s, p, o), None)

    for extraction in extractions:
        source = _add_source(add, extraction.source)
        for number, candidate in enumerate(extraction.candidates, 1):
            _add_candidate(add, source, deal_iri(extraction.source, number, candidate), candidate)
    return list(triples)


def _add_source(add: Any, source: Source) -> ox.NamedNode:
    node = source_iri(source)
    add(node, RDF_TYPE, _sg("Source"))
    add(node, ox.NamedNode(DCTERMS + "title"), ox.Literal(source.title))
    add(node, ox.NamedNode(DCTERMS + "type"), ox.Literal("news article"))
    if source.publisher:
        add(node, ox.NamedNode(DCTERMS + "publisher"), ox.Literal(source.publisher))
    if source.date:
        add(node, ox.NamedNode(DCTERMS + "date"), partial_date(source.date))
    if source.url:
        add(node, ox.NamedNode(SCHEMA + "url"), ox.Literal(source.url, datatype=ox.NamedNode(XSD + "anyURI")))
    if source.identifier:
        add(node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(source.identifier))
    return node


def partial_date(iso: str) -> ox.Literal:
    """``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` as an ``xsd:date`` / ``xsd:gYearMonth`` / ``xsd:gYear`` literal."""
    datatype = {3: "date", 2: "gYearMonth", 1: "gYear"}[len(iso.split("-"))]
    return ox.Literal(iso, datatype=ox.NamedNode(XSD + datatype))


def _decimal(value: Decimal) -> ox.Literal:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def _add_candidate(add: Any, source: ox.NamedNode, deal: ox.NamedNode, c: Candidate) -> None:
    cls, actor_role, other_role = DEAL_CLASSES[c.kind]
    add(deal, RDF_TYPE, _sg(cls))
    add(deal, RDFS_LABEL, deal_label(c.parties(), c.kind, c.status))
    for mention in c.actors:
        add(deal, _sg(actor_role), _add_entity(add, source, mention))
    for mention in c.counterparties:
        add(deal, _sg(other_role or actor_role), _add_entity(add, source, mention))
    add(deal, _sg("status"), _status_term(c.status))
    if c.date:
        add(deal, ox.NamedNode(rules.DATE_PROPERTIES[c.date_role]), partial_date(c.date))
    if c.amount is not None and c.currency:
        add(deal, _sg("amount"), _decimal(c.amount))
    if c.currency and (c.amount is not None or (c.share_price is not None and c.kind == "public-offering")):
        add(deal, _sg("currency"), ox.Literal(c.currency))
    if c.share_price is not None and c.kind == "public-offering" and c.currency:
        add(deal, _sg("sharePrice"), _decimal(c.share_price))
    if c.stake is not None:
        add(deal, _sg("stakePercent"), _decimal(c.stake))
    if c.purpose:
        add(deal, _sg("purpose"), ox.Literal(c.purpose))
    if c.input_layer:
        add(deal, _sg("inputLayer"), _sg(c.input_layer))
    add(deal, ox.NamedNode(PROV + "wasDerivedFrom"), source)
    for quote in c.quotes:
        evidence = ox.BlankNode()
        add(deal, ox.NamedNode(PROV + "qualifiedDerivation"), evidence)
        add(evidence, RDF_TYPE, _sg("Evidence"))
        add(evidence, ox.NamedNode(PROV + "entity"), source)
        add(evidence, _sg("quote"), ox.Literal(quote))
    add(deal, _sg("statusCue"), ox.Literal(c.cue))
    add(deal, _sg("extractionConfidence"), _decimal(Decimal(str(c.confidence))))
    if c.update_of:
        add(deal, _sg("possibleUpdateOf"), ox.NamedNode(c.update_of))
    if c.same_as:
        add(deal, _sg("sameAsLoaded"), ox.NamedNode(c.same_as))


def _add_entity(add: Any, source: ox.NamedNode, mention: Mention) -> ox.NamedNode:
    node = entity_iri(mention)
    if mention.iri is None:
        add(node, RDF_TYPE, _sg(_KIND_CLASSES[mention.kind]))
        add(node, RDFS_LABEL, ox.Literal(mention.label))
        add(node, ox.NamedNode(PROV + "wasDerivedFrom"), source)
    return node


def serialize(triples: Iterable[ox.Triple]) -> bytes:
    """Turtle with stackgraph's prefixes (pyoxigraph's serializer)."""
    from stackgraph.store import PREFIXES

    out = io.BytesIO()
    ox.serialize(iter(triples), out, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return out.getvalue()


def compare_with_loaded(candidates: Iterable[Candidate], store: _SelectStore) -> None:
    """Mark each candidate that repeats a loaded deal (``same_as``) or contradicts one (``update_of``).

    A loaded deal is the same deal when it has the candidate's class and parties in the same roles; it is
    contradicted when its status or its amount differs. Only candidates whose parties all link to loaded
    entities can be compared.
    """
    loaded = loaded_deals(store)
    for candidate in candidates:
        if any(m.iri is None for m in [*candidate.actors, *candidate.counterparties]):
            continue
        cls, actor_role, other_role = DEAL_CLASSES[candidate.kind]
        wanted = _roles(candidate, actor_role, other_role)
        same = [d for d in loaded.values() if d["class"] == SG_IRI + cls and d["roles"] == wanted]
        for deal in same:
            differences = []
            if deal["status"] != str(_status_term(candidate.status).value):
                differences.append(f"status {_key(deal['status'])} → {candidate.status}")
            if (
                candidate.amount is not None
                and deal["amount"] is not None
                and Decimal(deal["amount"]) != candidate.amount
            ):
                differences.append(f"amount {Decimal(deal['amount']).normalize():f} → {candidate.amount}")
            if not differences:
                candidate.same_as, candidate.update_of, candidate.update_reason = deal["iri"], None, ""
                break
            if candidate.update_of is None:
                candidate.update_of = deal["iri"]
                candidate.update_reason = "; ".join(differences)


def _roles(candidate: Candidate, actor_role: str, other_role: str | None) -> frozenset[tuple[str, str]]:
    pairs = {(SG_IRI + actor_role, m.iri or "") for m in candidate.actors}
    pairs |= {(SG_IRI + (other_role or actor_role), m.iri or "") for m in candidate.counterparties}
    return frozenset(pairs)


def _key(iri: str) -> str:
    from stackgraph.vocabulary.names import concept_key

    return concept_key(iri)


def loaded_deals(store: _SelectStore) -> dict[str, dict[str, Any]]:
    """Every loaded deal: ``{iri: {"iri", "class", "status", "amount", "roles": {(role, party)}, "sources"}}``."""
    query = fill((queries_dir() / "internal-deal-parties.rq").read_text(encoding="utf-8"))
    deals: dict[str, dict[str, Any]] = {}
    for row in store.select(query):
        iri = str(row["deal"])
        deal = deals.setdefault(
            iri,
            {
                "iri": iri,
                "class": str(row["class"]),
                "status": str(row["status"]),
                "amount": row.get("amount"),
                "roles": set(),
            },
        )
        deal["roles"].add((str(row["role"]), str(row["party"])))
        deal.setdefault("sources", set()).add(str(row.get("source", "")))
    for deal in deals.values():
        deal["roles"] = frozenset(deal["roles"])
    return deals
