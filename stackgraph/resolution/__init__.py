"""Entity resolution: find the loaded entity an imported name designates, or say why it cannot be certain.

Used by every importer (and by anything else that brings new names in) so that a party is linked to what is
already loaded instead of becoming a silent duplicate. An :class:`EntityIndex` holds the loaded entities; its
:meth:`~EntityIndex.resolve` tries, in order:

1. **identifier** -- an external identifier (LEI, Wikidata Q-id, Crunchbase permalink) the entity carries;
2. **decision** -- a decision from a review file (:func:`load_decisions`): accept a candidate, or keep apart;
3. **label / alias** -- the exact name (any letter case, runs of spaces folded);
4. **normalised** -- the name without case, accents, punctuation, a leading "The" and legal suffixes
   (Inc., Corp., Ltd, LLC, AG, SE, S.A., N.V., GmbH, Oyj, PBC, ...): ``NVIDIA Corporation`` is ``Nvidia``.

Each step only merges with an entity of the same kind (an organisation never becomes a product; a name of unknown
kind that ends with a legal form, ``Gemini Corp.``, is an organisation's), whose identifiers do not contradict the
name's (two LEIs, two entities) and, for a product or facility named with its developer, one of that developer's
(two products that share a name are two products). A step that finds several such entities is *ambiguous*.
Nothing certain found, the index looks for **near matches** (rapidfuzz ``token_sort_ratio`` of the normalised
names, at least :data:`NEAR_SCORE`, among the entities sharing a token prefix): those are never merged but returned
as candidates with a score, for a person to review.

The importers (:mod:`stackgraph.importers`) and the extractor (:mod:`stackgraph.extract`) resolve every name
here. Against a store, :meth:`EntityIndex.from_store` reads kinds, labels and aliases (three index scans); the
identifiers and developers are read when a name first comes with one, and the loaded names are normalised when a
name first misses its exact match (22k Crunchbase organisations: about 0.15 s, then 0.05 s).

Examples
--------
>>> index = EntityIndex()
>>> index.add("urn:x:nvidia", "organization", "Nvidia", aliases=["NVIDIA Corporation"])
>>> index.resolve("NVIDIA Corp.", "organization").iri
'urn:x:nvidia'
>>> index.resolve("NVIDIA Corp.", "organization").via
'normalised'
>>> index.resolve("Nvida", "organization").review
'near match'
>>> index.resolve("Nvidia", "product").review
'different kind'
"""

from __future__ import annotations

from stackgraph.resolution._decisions import DECISIONS, Decisions, load_decisions
from stackgraph.resolution._index import IDENTIFIER_SCHEMES, NEAR_SCORE, Candidate, EntityIndex, Resolution
from stackgraph.resolution._names import LEGAL_SUFFIXES, has_legal_form, name_key, normalise_name

__all__ = [
    "DECISIONS",
    "IDENTIFIER_SCHEMES",
    "LEGAL_SUFFIXES",
    "NEAR_SCORE",
    "Candidate",
    "Decisions",
    "EntityIndex",
    "Resolution",
    "has_legal_form",
    "load_decisions",
    "name_key",
    "normalise_name",
]
