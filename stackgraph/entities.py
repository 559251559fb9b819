"""Entities of the knowledge graph: list them with kind and layers, and find one by the name a user typed.

An entity (organisation, person, product or facility) may be named by its label in any letter case, an alias
(``sg:alias``), its local name (``SpaceX``) or its full IRI. Stack layers and deal statuses are found the same way
and also by their kebab-case key (``terrestrial-ran``, ``in-talks``); deals by local name, label or IRI.
An unknown name raises :class:`~stackgraph.errors.UnknownEntityError` that suggests the closest names.

The functions take any store with a ``select(sparql, bindings=None)`` method returning rows of plain values,
such as :class:`stackgraph.store.KnowledgeStore`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.resources import queries_dir
from stackgraph.vocabulary import terms
from stackgraph.vocabulary.names import concept_key, resolve_name
from stackgraph.vocabulary.sparql import fill
from stackgraph.vocabulary.terms import ID_IRI, SG_IRI, SOURCE_IRI

__all__ = [
    "KINDS",
    "NAME_INDEXES",
    "Entity",
    "Resolver",
    "entity_names",
    "list_entities",
    "name_index",
    "resolve_entity",
]

#: Entity kind key -> class IRI (the ontology's entity kinds).
KINDS: dict[str, str] = {kind.key: kind.iri for kind in terms.ENTITY_KINDS}

#: The name indexes :func:`name_index` builds: what a parameter of that kind may name.
NAME_INDEXES = ("entity", "layer", "status", "deal")

_WHAT = {"entity": "entity", "layer": "layer", "status": "deal status", "deal": "deal"}
_CLOSED_LISTS = frozenset({"status", "layer"})
_PREFIXES = {"sg": SG_IRI, "sgid": ID_IRI, "src": SOURCE_IRI}


class SelectStore(Protocol):
    """What this module needs from a store: SELECT rows as dicts of plain values, the ontology included on demand
    (entity kinds and stack layers are read through the ontology's class and layer hierarchies)."""

    def select(
        self, sparql: str, bindings: Mapping[str, Any] | None = None, *, with_ontology: bool = False
    ) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Entity:
    """An entity as listed by :func:`list_entities`: IRI, label, kind key and the keys of its own layers."""

    iri: str
    label: str
    kind: str
    layers: tuple[str, ...]


def _internal_query(name: str) -> str:
    return fill((queries_dir() / f"{name}.rq").read_text(encoding="utf-8"))


def list_entities(store: SelectStore, *, kind: str | None = None, layer: str | None = None) -> list[Entity]:
    """Return the entities of ``store`` sorted by label, optionally only one kind or those in a layer.

    Parameters
    ----------
    store : KnowledgeStore
        The store to read (one SELECT).
    kind : {"organization", "person", "product", "facility"}, optional
        Keep only entities of this kind.
    layer : str, optional
        Keep only entities whose own layer is this layer or lies below it (``skos:broader``); a label, local
        name, key or IRI.

    Raises
    ------
    InputError
        ``kind`` is not one of :data:`KINDS`.
    UnknownEntityError
        ``layer`` names no stack layer.

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore()
    >>> _ = store.load_data('''@prefix sg: <https://w3id.org/stackgraph/ns#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... sg:Compute skos:inScheme sg:StackLayerScheme .
    ... sg:Accelerators skos:inScheme sg:StackLayerScheme ; skos:broader sg:Compute .
    ... <urn:x:Nvidia> a sg:Organization ; <http://www.w3.org/2000/01/rdf-schema#label> "Nvidia" ;
    ...     sg:inLayer sg:Accelerators .''', "urn:g")
    >>> [(e.label, e.kind, e.layers) for e in list_entities(store, layer="compute")]
    [('Nvidia', 'organization', ('accelerators',))]
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown entity kind {kind!r}; use one of {', '.join(KINDS)}")
    layer_iri = Resolver(store)("layer", layer) if layer is not None else None
    kind_of = {iri: key for key, iri in KINDS.items()}
    entities = []
    for row in store.select(_internal_query("internal-entities"), with_ontology=True):
        entity_kind = kind_of.get(str(row.get("kind", "")), "")
        if kind is not None and entity_kind != kind:
            continue
        if layer_iri is not None and layer_iri not in str(row.get("within", "")).split():
            continue
        layers = tuple(sorted({concept_key(iri) for iri in str(row.get("layers", "")).split()}))
        iri = str(row["entity"])
        entities.append(Entity(iri, str(row.get("label", "")) or iri, entity_kind, layers))
    return sorted(entities, key=lambda e: (e.label.casefold(), e.iri))


def name_index(store: SelectStore) -> dict[str, dict[str, list[str]]]:
    """Return, for each of :data:`NAME_INDEXES`, every IRI mapped to the names it is known by.

    Layers and statuses are also known by their kebab-case key (``terrestrial-ran``, ``in-talks``).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> index = name_index(KnowledgeStore.with_shipped_graphs(include_shipped=False))
    >>> sorted(index["status"]["https://w3id.org/stackgraph/ns#InTalks"])
    ['in talks', 'in-talks']
    """
    indexes: dict[str, dict[str, list[str]]] = {index: {} for index in NAME_INDEXES}
    for row in store.select(_internal_query("internal-names"), with_ontology=True):
        names = indexes[str(row["index"])].setdefault(str(row["entity"]), [])
        if "name" in row and str(row["name"]) not in names:
            names.append(str(row["name"]))
    for index in ("layer", "status"):
        for iri, names in indexes[index].items():
            names.append(concept_key(iri))
    return indexes


def entity_names(store: SelectStore) -> dict[str, list[str]]:
    """Return every entity IRI mapped to its labels and aliases (the index :func:`resolve_entity` uses).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore()
    >>> sg = "https://w3id.org/stackgraph/ns#"
    >>> turtle = f'<urn:x:N> a <{sg}Organization> ; <{sg}alias> "NV" .'
    >>> _ = store.load_data(turtle, "urn:g")
    >>> entity_names(store)
    {'urn:x:N': ['NV']}
    """
    return name_index(store)["entity"]


def resolve_entity(store: SelectStore, name: str) -> str:
    """Return the IRI of the entity ``name`` designates: label (any case), alias, local name or IRI.

    Raises
    ------
    UnknownEntityError
        No entity has that name (or a label is shared); the message suggests the closest names.

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore()
    >>> _ = store.load_data('''<https://w3id.org/stackgraph/id/xAI> a <https://w3id.org/stackgraph/ns#Organization> ;
    ...     <http://www.w3.org/2000/01/rdf-schema#label> "xAI" .''', "urn:g")
    >>> resolve_entity(store, "XAI")
    'https://w3id.org/stackgraph/id/xAI'
    >>> resolve_entity(store, "xA")
    Traceback (most recent call last):
    ...
    stackgraph.errors.UnknownEntityError: unknown entity 'xA'; did you mean 'xAI'?
    """
    return Resolver(store)("entity", name)


class Resolver:
    """Resolve names of entities, layers, statuses and deals in one store, reading its names once.

    Call it as ``resolver(kind, name) -> iri`` (the callback :func:`stackgraph.queries.bind_parameters` takes).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> resolver = Resolver(KnowledgeStore.with_shipped_graphs(include_shipped=False))
    >>> resolver("status", "in talks"), resolver("layer", "terrestrial-ran")
    ('https://w3id.org/stackgraph/ns#InTalks', 'https://w3id.org/stackgraph/ns#TerrestrialRAN')
    """

    def __init__(self, store: SelectStore) -> None:
        self._store = store
        self._indexes: dict[str, dict[str, list[str]]] | None = None

    def names(self, kind: str) -> dict[str, list[str]]:
        """Return the name index of ``kind`` (``entity``, ``layer``, ``status`` or ``deal``)."""
        if kind not in NAME_INDEXES:
            raise InputError(f"cannot resolve a name of kind {kind!r}; kinds: {', '.join(NAME_INDEXES)}")
        if self._indexes is None:
            self._indexes = name_index(self._store)
        return self._indexes[kind]

    def __call__(self, kind: str, name: str) -> str:
        names = self.names(kind)
        prefix, _, local = name.strip().partition(":")
        if local and prefix in _PREFIXES and _PREFIXES[prefix] + local in names:
            return _PREFIXES[prefix] + local
        try:
            return resolve_name(name, names, what=_WHAT[kind])
        except UnknownEntityError as error:
            if kind not in _CLOSED_LISTS or error.known:
                raise
            # a short closed list: name every valid choice (by its key, in the scheme's order of the index)
            keys = sorted({concept_key(iri) for iri in names})
            raise UnknownEntityError(error.name, error.suggestions, _WHAT[kind], known=keys) from None
