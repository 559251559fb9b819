"""Link the names an article uses to the entities already loaded, or propose new ones with a kind.

:meth:`Gazetteer.link` is the one place where a name becomes an entity: today an exact match of a label, an alias
or a local name (any letter case), unique among the loaded entities. The entity resolution of the importers (fuzzy
names, legal suffixes) can replace it there without touching the rules. A name that links to nothing is proposed
as a new entity; :func:`guess_kind` reads its kind from its own words and the words around it.

Examples
--------
>>> gazetteer = Gazetteer({"urn:x:SpaceX": ("organization", ["SpaceX", "Space Exploration Technologies"])})
>>> gazetteer.link("spacex"), gazetteer.link("Nokia")
('urn:x:SpaceX', None)
>>> guess_kind("Keel", ([], ["operating", "system"])), guess_kind("Norvel Systems", ([], []))
('product', 'organization')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from stackgraph.extract.lexicon import FACILITY_WORDS, ORG_WORDS, PERSON_CUES, PRODUCT_WORDS
from stackgraph.naming import local_name

__all__ = ["Gazetteer", "Mention", "guess_kind", "new_entity_key"]


class _SelectStore(Protocol):
    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Mention:
    """A name in the text: what it says, the loaded entity it links to (None: a new entity), its kind and label."""

    text: str
    iri: str | None
    kind: str
    label: str


class Gazetteer:
    """The names of the loaded entities: ``{iri: (kind, [label, alias, ...])}``."""

    def __init__(self, entities: Mapping[str, tuple[str, Sequence[str]]]) -> None:
        self._entities = dict(entities)
        self._by_name: dict[str, set[str]] = {}
        for iri, (_kind, names) in self._entities.items():
            for name in (*names, local_name(iri)):
                if name.strip():
                    self._by_name.setdefault(name.strip().casefold(), set()).add(iri)
        self._labels = {iri: (names[0] if names else local_name(iri)) for iri, (_k, names) in self._entities.items()}

    @classmethod
    def from_store(cls, store: _SelectStore) -> Gazetteer:
        """Build the gazetteer of every entity in ``store`` (labels and aliases)."""
        from stackgraph.entities import entity_names, list_entities

        names = entity_names(store)
        entities: dict[str, tuple[str, Sequence[str]]] = {}
        for entity in list_entities(store):
            known = names.get(entity.iri, [])
            ordered = [entity.label, *(n for n in known if n != entity.label)]
            entities[entity.iri] = (entity.kind or "organization", ordered)
        return cls(entities)

    def names(self) -> list[str]:
        """Every label and alias (for the phrase matcher)."""
        return sorted({name for _kind, names in self._entities.values() for name in names if len(name) > 1})

    def link(self, name: str) -> str | None:
        """Return the IRI of the one loaded entity called ``name`` (label, alias or local name), else None."""
        found = self._by_name.get(name.strip().casefold(), set())
        return next(iter(found)) if len(found) == 1 else None

    def kind(self, iri: str) -> str:
        """The kind key of a loaded entity."""
        return self._entities[iri][0]

    def label(self, iri: str) -> str:
        """The label of a loaded entity."""
        return self._labels.get(iri, local_name(iri))

    def mention(self, text: str) -> Mention | None:
        """A :class:`Mention` of the loaded entity ``text`` names; None when none does or the case says no.

        A name with capitals is not matched by an all-lower-case word ("the cursor" is not Cursor).
        """
        iri = self.link(text)
        if iri is None:
            return None
        if text.islower() and any(n != n.lower() for n in self._entities[iri][1]):
            return None
        return Mention(text, iri, self.kind(iri), self.label(iri))


def guess_kind(name: str, around: tuple[Sequence[str], Sequence[str]] = ((), ())) -> str:
    """Guess the kind of a new entity from its last word and the words before and after it.

    Returns ``organization``, ``person``, ``product`` or ``facility``.
    """
    before, after = around
    last = name.split()[-1].lower() if name.split() else ""
    if last in FACILITY_WORDS:
        return "facility"
    if last in ORG_WORDS:
        return "organization"
    following = [w for w in after[:3] if w not in ("(", ")")]
    determined = bool(before) and before[-1] in ("the", "its", "their", "his", "her", "'s", "’s")
    for word in following[: 2 if determined else 1]:
        if word in FACILITY_WORDS:
            return "facility"
        if word in PRODUCT_WORDS:
            return "product"
    if (before and before[-1] in PERSON_CUES) or (len(before) > 1 and before[-2] in PERSON_CUES and before[-1] == ","):
        return "person"
    return "organization"


def new_entity_key(name: str) -> str:
    """A readable IRI-safe key for a proposed entity (``Harlow & Finch`` -> ``harlow-finch``).

    Examples
    --------
    >>> new_entity_key("Harlow & Finch"), new_entity_key("Keel & Co.")
    ('harlow-finch', 'keel-co')
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "entity"
