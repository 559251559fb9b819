"""Link the names an article uses to the loaded entities, or propose new ones with a kind.

Which entity a name designates is decided in one place for the whole project, :mod:`stackgraph.resolution`
(identifier, review decision, label or alias in any letter case, normalised name without legal suffixes; a near
match is never merged but kept with its score for the reviewer). What stays here is what only prose needs:

- the names of the loaded entities, for spaCy's ``PhraseMatcher`` (:meth:`Linker.names`);
- a lower-case word never stands for a name written with capitals ("the cursor" is not Cursor);
- the kind of a name the text does not say: the loaded entity's; when entities of several kinds share the name,
  the kind its own words and neighbours suggest (:func:`guess_kind`) chooses among them, and a new entity takes
  that kind (an organisation when the name ends with a legal form such as "Corp.": a product called Gemini is never
  the "Gemini Corp." of a sentence).

Examples
--------
>>> from stackgraph.resolution import EntityIndex
>>> index = EntityIndex()
>>> index.add("urn:x:SpaceX", "organization", "SpaceX", aliases=["Space Exploration Technologies Corp."])
>>> linker = Linker(index)
>>> linker.mention("Space Exploration Technologies Corp").iri, linker.mention("spacex").iri
('urn:x:SpaceX', None)
>>> near = linker.mention("SpaceEx")
>>> near.iri, near.review, [(c.label, round(c.score)) for c in near.candidates]
(None, 'near match', [('SpaceX', 92)])
>>> guess_kind("Keel", ([], ["operating", "system"])), guess_kind("Norvel Systems", ([], []))
('product', 'organization')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from stackgraph.extract.lexicon import FACILITY_WORDS, ORG_WORDS, PERSON_CUES, PRODUCT_WORDS
from stackgraph.resolution import Candidate, EntityIndex, Resolution

__all__ = ["PRODUCT_KINDS", "Linker", "Mention", "guess_kind", "new_entity_key"]

#: Kinds that stand where a product must (a development's product).
PRODUCT_KINDS = frozenset({"product", "facility"})
_CACHE_LIMIT = 100_000  # resolutions kept per extractor (an article repeats its names)

Around = tuple[Sequence[str], Sequence[str]]


@dataclass(frozen=True)
class Mention:
    """A name in the text: what it says, the loaded entity it links to (None: a new entity), its kind and label.

    A new entity keeps what the resolution found for the reviewer: ``review`` says why it was not linked
    (``near match``, ``ambiguous``, ``different kind``) and ``candidates`` the loaded entities it may be, with
    their scores.
    """

    text: str
    iri: str | None
    kind: str
    label: str
    review: str = ""
    candidates: tuple[Candidate, ...] = ()


class Linker:
    """Turns the names of an article into :class:`Mention` objects through an :class:`EntityIndex`."""

    def __init__(self, index: EntityIndex | None = None) -> None:
        self.index = index if index is not None else EntityIndex()
        self._resolved: dict[tuple[str, str | None], Resolution] = {}

    def names(self) -> list[str]:
        """Every label and alias of the loaded entities longer than one character (for the phrase matcher)."""
        return [name for name in self.index.names() if len(name) > 1]

    def link(self, text: str, around: Around = ((), ())) -> Mention | None:
        """The :class:`Mention` of the loaded entity ``text`` names; None when no entity is certain."""
        mention = self.mention(text, around)
        return mention if mention.iri is not None else None

    def mention(self, text: str, around: Around = ((), ())) -> Mention:
        """The :class:`Mention` of ``text``: a loaded entity, or a new one of the kind its words suggest.

        ``around`` holds the (lower-case) words before and after the name, for its kind.
        """
        found = self._resolve(text, None)
        if found.iri is None and found.review == "ambiguous":  # several kinds share the name: the text chooses
            chosen = self._resolve(text, guess_kind(text, around))
            if chosen.iri is not None:
                found = chosen
        if found.iri is not None and not (text.islower() and text not in self.index.names(found.iri)):
            return Mention(text, found.iri, found.kind or "organization", self.index.label_of(found.iri) or text)
        if found.iri is not None:  # "the cursor" is not Cursor: a word, never linked (link() gives None)
            return Mention(text, None, guess_kind(text, around), text)
        return Mention(text, None, found.kind or guess_kind(text, around), text, found.review, found.candidates)

    def _resolve(self, text: str, kind: str | None) -> Resolution:
        key = (text, kind)
        found = self._resolved.get(key)
        if found is None:
            if len(self._resolved) >= _CACHE_LIMIT:
                self._resolved.clear()
            found = self._resolved[key] = self.index.resolve(text, kind)
        return found


def guess_kind(name: str, around: Around = ((), ())) -> str:
    """Guess the kind of a name from its last word and the words before and after it.

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
