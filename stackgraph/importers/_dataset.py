"""One import run of a dataset: its source, its namespace, the parties it links or creates, its layers and shares.

Shared by the mapped-table importer (and usable by any importer that brings names in): every party goes through
:meth:`DatasetRun.party`, which resolves it against what is loaded (:mod:`stackgraph.resolution`), creates a new
entity only when nothing certain is found, lists uncertain names for review and counts it all in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import pyoxigraph as ox

from stackgraph.entities import KINDS
from stackgraph.importers._common import RDF_TYPE, TripleBuilder, entity_iri, sg
from stackgraph.importers.layers import LayerCatalogue
from stackgraph.importers.report import ImportReport, ReviewItem
from stackgraph.resolution import IDENTIFIER_SCHEMES, EntityIndex, load_decisions
from stackgraph.resources import queries_dir
from stackgraph.tsv import tsv_rows
from stackgraph.vocabulary.terms import ID_IRI, SG

__all__ = ["COUNTRY", "DatasetRun", "SelectStore", "open_index", "open_layers", "slug"]

#: The kind of rows that name a country: not an entity of the ontology; such rows are reported and left out.
COUNTRY = "country"

_PROV = "http://www.w3.org/ns/prov#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_IRI_CELL = re.compile(r"^https?://\S+$")


class SelectStore(Protocol):
    """What importers need from what is loaded (a KnowledgeStore or a SPARQL endpoint)."""

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        derived: bool = True,
        with_ontology: bool = False,
    ) -> Any: ...

    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...


def open_index(against: SelectStore | None, matches: str | Path | None = None) -> EntityIndex:
    """The resolution index of what is loaded (empty without a store), with the review file's decisions."""
    decisions = load_decisions(matches) if matches is not None else None
    return EntityIndex.from_store(against, decisions) if against is not None else EntityIndex(decisions)


def open_layers(against: SelectStore | None) -> LayerCatalogue:
    """The layers an import may name: those loaded, by label, local name and key (or, without a store, the
    shipped ones). One scan of the layer scheme (the projection's ``layers.rq``)."""
    if against is None:
        return LayerCatalogue()
    sparql = (queries_dir() / "projection" / "layers.rq").read_text(encoding="utf-8")
    result = against.query(sparql, derived=False, with_ontology=True)  # the layer scheme is in the ontology
    names: dict[str, list[str]] = {}
    for layer, label, *_ in tsv_rows(bytes(result.serialize(format=ox.QueryResultsFormat.TSV))):
        if layer is not None:
            names.setdefault(layer, []).extend([label] if label else [])
    return LayerCatalogue(names)


def slug(text: str) -> str:
    """A readable IRI segment for a name (``Big Co`` -> ``big-co``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text.strip()).strip("-").lower() or "x"


class DatasetRun:
    """Triples, report, resolution index and layer catalogue of one import of one dataset."""

    def __init__(
        self,
        key: str,
        report: ImportReport,
        index: EntityIndex,
        layers: LayerCatalogue,
        *,
        source_title: str,
        source: Mapping[str, Any] | None = None,
        source_key: str | None = None,
    ) -> None:
        self.key = key
        self.report = report
        self.index = index
        self.layers = layers
        self.b = TripleBuilder()
        details = dict(source or {})
        self.source = self.b.dataset_source(source_key or key, source_title, **details)
        report.basis = {
            "source": self.source.value,
            "title": source_title,
            **{
                k: str(v)
                for k, v in (
                    ("publisher", details.get("publisher")),
                    ("license", details.get("license_url")),
                    ("date", details.get("date")),
                )
                if v
            },
        }
        self.ids: dict[str, str] = {}  # the dataset's own entity ids -> IRI (or COUNTRY)
        self.kinds: dict[str, str] = {}  # IRI -> kind of the entities this run names
        self._created: set[str] = set()
        self._seen: set[tuple[str, str, str]] = set()
        self._documents: dict[str, ox.NamedNode] = {}
        self._deal_keys: dict[str, int] = {}

    # -- parties ------------------------------------------------------------------------------------------

    def party(
        self,
        name: str,
        kind: str,
        where: str,
        *,
        identifiers: Mapping[str, str] | None = None,
        developer: str | None = None,
        aliases: Iterable[str] = (),
    ) -> ox.NamedNode:
        """The entity ``name`` (of ``kind``) designates: a loaded one, one this run created, or a new one."""
        text = name.strip()
        if _IRI_CELL.match(text):
            return ox.NamedNode(text)
        if text.startswith("sgid:") and " " not in text:
            return ox.NamedNode(ID_IRI + text[5:])
        return self.party_or_new(text, kind, where, identifiers=identifiers, developer=developer, aliases=aliases)[0]

    def party_or_new(
        self,
        name: str,
        kind: str | None,
        where: str,
        *,
        identifiers: Mapping[str, str] | None = None,
        developer: str | None = None,
        aliases: Iterable[str] = (),
        local: str | None = None,
    ) -> tuple[ox.NamedNode, bool]:
        """:meth:`party`, also saying whether the entity is new (``local``: the new entity's IRI segment); a
        ``kind`` of ``None`` (unknown) takes the kind of the loaded entity it matches, or else is an organisation."""
        text = name.strip()
        found = self.index.resolve(text, kind, identifiers=identifiers, developer=developer)
        first = (text.casefold(), kind or "", developer or "") not in self._seen
        self._seen.add((text.casefold(), kind or "", developer or ""))
        if found.iri is not None:
            node = ox.NamedNode(found.iri)
            if found.iri not in self._created:
                if first:
                    self.report.matched[found.via] = self.report.matched.get(found.via, 0) + 1
                self.identify(node, identifiers)
            self.kinds.setdefault(found.iri, found.kind or kind or "organization")
            return node, False
        new_kind = kind or "organization"
        node = self._new_entity(text, new_kind, identifiers, developer, aliases, local)
        if found.review:
            self.report.review.append(ReviewItem(text, new_kind, node.value, found.review, found.candidates, where))
        return node, True

    def _new_entity(
        self,
        name: str,
        kind: str,
        identifiers: Mapping[str, str] | None,
        developer: str | None,
        aliases: Iterable[str],
        local: str | None = None,
    ) -> ox.NamedNode:
        base = local or slug(name)
        node = (
            entity_iri(self.key, base)
            if local is None
            else ox.NamedNode(f"{ID_IRI}{self.key}/{quote(local, safe='-._~/')}")
        )
        n = 1
        while node.value in self.kinds:  # another entity of this name (another kind or developer)
            n += 1
            node = entity_iri(self.key, f"{base}-{n}")
        self._created.add(node.value)
        self.kinds[node.value] = kind
        self.report.created += 1
        self.report.count({"person": "people", "facility": "facilities"}.get(kind, f"{kind}s"))
        self.b.add(node, RDF_TYPE, ox.NamedNode(KINDS[kind]))
        self.b.label(node, name)
        for alias in aliases:
            if alias and alias != name:
                self.b.add(node, sg(SG.alias), ox.Literal(alias))
        self.b.add(node, ox.NamedNode(_PROV + "wasDerivedFrom"), self.source)
        self.identify(node, identifiers)
        self.index.add(
            node.value,
            kind,
            name,
            aliases=aliases,
            identifiers=identifiers,
            developers=[developer] if developer else (),
            loaded=False,
        )
        return node

    def identify(self, node: ox.NamedNode, identifiers: Mapping[str, str] | None) -> None:
        """Give ``node`` the external identifiers the data carries."""
        for scheme, value in (identifiers or {}).items():
            if value and scheme in IDENTIFIER_SCHEMES:  # other schemes are the dataset's own ids: not written
                self.b.add(node, ox.NamedNode(IDENTIFIER_SCHEMES[scheme]), ox.Literal(value.strip()))

    def developed_by(self, product: ox.NamedNode, developer: ox.NamedNode) -> None:
        """Record in the index that ``developer`` develops ``product`` (products are told apart by developer)."""
        self.index.add_developer(product.value, developer.value)

    # -- deals and provenance -------------------------------------------------------------------------------

    def deal_node(self, kind: str, key: str) -> ox.NamedNode:
        """A new deal IRI ``sgid:<dataset>/<kind>/<key>`` (numbered when the key repeats)."""
        n = self._deal_keys.get(f"{kind}/{key}", 0) + 1
        self._deal_keys[f"{kind}/{key}"] = n
        return entity_iri(f"{self.key}/{kind}", key if n == 1 else f"{key}-{n}")

    def document(self, text: str) -> ox.NamedNode:
        """The document source a row cites (a title or URL)."""
        if text not in self._documents:
            url = text if _IRI_CELL.match(text) else None
            self._documents[text] = self.b.document_source(f"{self.key}/{slug(text)[:80]}", text, url=url)
        return self._documents[text]

    def provenance(self, fact: ox.NamedNode, record: str, source_text: str = "", quote: str = "") -> str | None:
        """Derive ``fact`` from the dataset (naming the record) and, when the row cites one, from its document with
        the quote; returns a problem when a quote has no source."""
        self.b.evidence(fact, self.source, record=record)
        if source_text:
            document = self.document(source_text)
            if quote:
                self.b.evidence(fact, document, quote=quote)
            else:
                self.b.add(fact, ox.NamedNode(_PROV + "wasDerivedFrom"), document)
        elif quote:
            return "quote without source: quote dropped"
        return None

    # -- layers -------------------------------------------------------------------------------------------

    def emit_layers(self, title: str) -> None:
        """Write the dataset's declared layers: concepts of ``sg:StackLayerScheme`` and of the dataset's scheme."""
        for iri, targets in self.layers.extra_feeds.items():
            for target in targets:
                self.b.add(ox.NamedNode(iri), sg(SG.feeds), ox.NamedNode(target))
        if not self.layers.declared and not self.layers.scheme_layers:
            return
        scheme = entity_iri(self.key, "layers")
        self.b.add(scheme, RDF_TYPE, ox.NamedNode(_SKOS + "ConceptScheme"))
        self.b.add(scheme, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(f"Layers of {title}"))
        self.b.add(scheme, ox.NamedNode(_PROV + "wasDerivedFrom"), self.source)
        stack = ox.NamedNode(SG.StackLayerScheme)
        for iri in self.layers.scheme_layers:
            self.b.add(ox.NamedNode(iri), ox.NamedNode(_SKOS + "inScheme"), stack)
        for entry in self.layers.declared.values():
            node = ox.NamedNode(entry.iri)
            self.b.add(node, RDF_TYPE, ox.NamedNode(_SKOS + "Concept"))
            self.b.add(node, ox.NamedNode(_SKOS + "inScheme"), stack)
            self.b.add(node, ox.NamedNode(_SKOS + "inScheme"), scheme)
            self.b.add(node, ox.NamedNode(_SKOS + "prefLabel"), ox.Literal(entry.label))
            for alias in entry.aliases:
                self.b.add(node, ox.NamedNode(_SKOS + "altLabel"), ox.Literal(alias))
            if entry.broader:
                self.b.add(node, ox.NamedNode(_SKOS + "broader"), ox.NamedNode(entry.broader))
            for target in entry.feeds:
                self.b.add(node, sg(SG.feeds), ox.NamedNode(target))
            self.b.add(node, ox.NamedNode(_PROV + "wasDerivedFrom"), self.source)
            self.report.count("layers")
