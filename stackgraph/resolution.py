"""Entity resolution: find the loaded entity an imported name designates, or say why it cannot be certain.

Used by every importer (and by anything else that brings new names in) so that a party is linked to what is
already loaded instead of becoming a silent duplicate. An :class:`EntityIndex` holds the loaded entities; its
:meth:`~EntityIndex.resolve` tries, in order:

1. **identifier** -- an external identifier (LEI, Wikidata Q-id, Crunchbase permalink) the entity carries;
2. **decision** -- a decision from a review file (:func:`load_decisions`): accept a candidate, or keep apart;
3. **label / alias** -- the exact name (any letter case, runs of spaces folded);
4. **normalised** -- the name without case, accents, punctuation, a leading "The" and legal suffixes
   (Inc., Corp., Ltd, LLC, AG, SE, S.A., N.V., GmbH, Oyj, PBC, ...): ``NVIDIA Corporation`` is ``Nvidia``.

Each step only merges with an entity of the same kind (an organisation never becomes a product), whose
identifiers do not contradict the name's (two LEIs, two entities) and, for a product or facility named with its
developer, one of that developer's (two products that share a name are two products). A step that finds several
such entities is *ambiguous*. Nothing certain found, the index looks for **near matches** (rapidfuzz
``token_sort_ratio`` of the normalised names, at least :data:`NEAR_SCORE`, among the entities sharing a
token prefix): those are never merged but returned as candidates with a score, for a person to review.

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

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from stackgraph.errors import InputError
from stackgraph.resources import queries_dir

__all__ = [
    "DECISIONS",
    "IDENTIFIER_SCHEMES",
    "LEGAL_SUFFIXES",
    "NEAR_SCORE",
    "Candidate",
    "Decisions",
    "EntityIndex",
    "Resolution",
    "load_decisions",
    "name_key",
    "normalise_name",
]

#: External identifier schemes an entity may carry (ontology: sub-properties of ``sg:externalId``).
IDENTIFIER_SCHEMES: dict[str, str] = {
    "lei": "https://w3id.org/stackgraph/ns#lei",
    "wikidata": "https://w3id.org/stackgraph/ns#wikidataId",
    "crunchbase": "https://w3id.org/stackgraph/ns#crunchbasePermalink",
}

#: Legal-form words dropped from the end of a name before comparing (lower case, punctuation removed).
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "cos",
        "ltd",
        "limited",
        "llc",
        "lp",
        "llp",
        "plc",
        "pbc",
        "ag",
        "se",
        "sa",
        "spa",
        "sas",
        "sarl",
        "nv",
        "bv",
        "gmbh",
        "mbh",
        "kg",
        "kgaa",
        "oy",
        "oyj",
        "ab",
        "asa",
        "aps",
        "pte",
        "pty",
        "bhd",
        "sdn",
        "kk",
        "srl",
        "sl",
        "sro",
        "spolka",
        "zao",
        "ooo",
        "pjsc",
        "jsc",
    ]
)

#: The lowest rapidfuzz score (0-100) at which a name is shown as a near match for review.
NEAR_SCORE = 80.0

#: Words of the review file's ``decision`` column.
DECISIONS = ("accept", "new")

_SG = "https://w3id.org/stackgraph/ns#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
_WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
_WORD = re.compile(r"[0-9a-z]+")
_PREFIX_CAP = 5000  # a token prefix shared by more entities than this does not narrow the search


class SelectStore(Protocol):
    """What the index needs from a store: SPARQL results as pyoxigraph solutions (a KnowledgeStore or endpoint)."""

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, derived: bool = True) -> Any: ...


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


@functools.lru_cache(maxsize=1 << 16)  # an import normalises each name when it resolves it and when it adds it
def normalise_name(name: str) -> str:
    """Return ``name`` lower-cased, without accents, punctuation, a leading "the" and trailing legal suffixes.

    Examples
    --------
    >>> normalise_name("NVIDIA Corporation"), normalise_name("Nokia Oyj"), normalise_name("The Walt Disney Co.")
    ('nvidia', 'nokia', 'walt disney')
    >>> normalise_name("Société Générale S.A."), normalise_name("AT&T Inc."), normalise_name("SE")
    ('societe generale', 'at and t', 'se')
    """
    text = name.casefold().replace("&", " and ")
    if not text.isascii():  # accents off: é -> e
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    tokens = _WORD.findall(text)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1:
        for width in (3, 2):  # spelt-out forms: S.A. -> s a, S.p.A. -> s p a, N.V. -> n v
            tail = tokens[-width:]
            if len(tokens) > width and all(len(t) <= 2 for t in tail) and "".join(tail) in LEGAL_SUFFIXES:
                tokens = tokens[:-width]
                break
        else:
            if tokens[-1] not in LEGAL_SUFFIXES:
                break
            tokens = tokens[:-1]
    return " ".join(tokens)


def name_key(name: str) -> str:
    """The key two names share when they are the same name normalised (``X.AI`` and ``xAI Corp.``: ``xai``)."""
    return normalise_name(name).replace(" ", "")


@dataclass(frozen=True)
class Candidate:
    """A loaded entity a name may designate: its IRI, label, kind and a score (100 for an exact match)."""

    iri: str
    label: str
    kind: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Return the candidate as plain data."""
        return {"entity": self.iri, "label": self.label, "kind": self.kind, "score": round(self.score, 1)}


@dataclass(frozen=True)
class Resolution:
    """What :meth:`EntityIndex.resolve` found for one name.

    ``iri`` is the entity the name designates (``None``: nothing certain, the caller creates a new entity);
    ``via`` says how (``identifier``, ``decision``, ``label``, ``alias``, ``normalised``); ``review`` says why a
    person should look (``near match``, ``ambiguous``, ``different kind``, ``identifier of another kind``) and
    ``candidates`` what they should look at.
    """

    name: str
    kind: str | None
    iri: str | None = None
    via: str = ""
    review: str = ""
    candidates: tuple[Candidate, ...] = ()

    @property
    def matched(self) -> bool:
        """Whether the name designates a loaded entity."""
        return self.iri is not None


@dataclass
class _Known:
    label: str
    kind: str
    names: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    developers: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Decisions:
    """Review decisions: ``accepted`` maps (folded name, kind) to the entity it is; ``apart`` holds the names to
    keep as new entities. Read them with :func:`load_decisions`."""

    accepted: Mapping[tuple[str, str], str] = field(default_factory=dict)
    apart: frozenset[tuple[str, str]] = frozenset()
    source: str = ""


class EntityIndex:
    """The loaded entities by identifier, exact name, normalised name and token prefix (see the module docs)."""

    def __init__(self, decisions: Decisions | None = None) -> None:
        self._known: dict[str, _Known] = {}
        self._by_id: dict[tuple[str, str], set[str]] = {}
        self._by_name: dict[str, set[str]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._by_prefix: dict[str, set[str]] = {}
        self._norm: dict[str, set[str]] = {}  # normalised spelling -> entities, for near matches
        self.decisions = decisions or Decisions()

    @classmethod
    def from_store(cls, store: SelectStore, decisions: Decisions | None = None) -> EntityIndex:
        """Index every entity of ``store``: its kind, names, identifiers and (products) developers.

        Read by plain index scans, one per property (the projection's ``entity_kinds.rq`` and
        ``property_values.rq``): on the Crunchbase import one SELECT joining them all took minutes.

        Examples
        --------
        >>> from stackgraph.store import KnowledgeStore
        >>> index = EntityIndex.from_store(KnowledgeStore.with_shipped_graphs())
        >>> index.resolve("Space Exploration Technologies Corp", "organization").iri
        'https://w3id.org/stackgraph/id/SpaceX'
        >>> index.resolve("Elon Musk", None).kind
        'person'
        """
        folder = queries_dir() / "projection"
        scan = (folder / "property_values.rq").read_text(encoding="utf-8")

        def pairs(sparql: str) -> Iterable[tuple[str, str]]:
            # entities, names and identifiers only: the derived properties need not be computed first
            return ((s[0].value, s[1].value) for s in store.query(sparql, derived=False))

        def values(prop: str) -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            for subject, value in pairs(scan.replace("#PROPERTY#", f"<{prop}>")):
                found.setdefault(subject, []).append(value)
            return found

        kinds = dict(pairs((folder / "entity_kinds.rq").read_text(encoding="utf-8")))
        labels, aliases = values(_RDFS_LABEL), values(_SG + "alias")
        identifiers = {scheme: values(prop) for scheme, prop in IDENTIFIER_SCHEMES.items()}
        for iri, same in values(_OWL_SAME_AS).items():
            qids = [s.rsplit("/", 1)[-1] for s in same if s.startswith(_WIKIDATA_ENTITY)]
            if qids and iri not in identifiers["wikidata"]:
                identifiers["wikidata"][iri] = qids
        product_of = values(_SG + "product")
        developers: dict[str, list[str]] = {}
        for deal, developer in values(_SG + "developer").items():
            for product in product_of.get(deal, ()):
                developers.setdefault(product, []).extend(developer)
        index = cls(decisions)
        for iri, kind in kinds.items():
            names = sorted(labels.get(iri, []))
            index.add(
                iri,
                kind,
                names[0] if names else iri.rsplit("/", 1)[-1],
                aliases=[*names[1:], *aliases.get(iri, [])],
                identifiers={scheme: ids[iri][0] for scheme, ids in identifiers.items() if iri in ids},
                developers=developers.get(iri, ()),
            )
        return index

    def __len__(self) -> int:
        return len(self._known)

    def __contains__(self, iri: object) -> bool:
        return iri in self._known

    def kind_of(self, iri: str) -> str | None:
        """The kind of an indexed entity (``None`` when it is not indexed)."""
        known = self._known.get(iri)
        return known.kind if known is not None else None

    def label_of(self, iri: str) -> str | None:
        """The label of an indexed entity (``None`` when it is not indexed)."""
        known = self._known.get(iri)
        return known.label if known is not None else None

    def add(
        self,
        iri: str,
        kind: str,
        label: str,
        *,
        aliases: Iterable[str] = (),
        identifiers: Mapping[str, str] | None = None,
        developers: Iterable[str] = (),
        loaded: bool = True,
    ) -> None:
        """Index an entity (again: its new names, identifiers and developers are added).

        ``loaded=False`` marks an entity an import is creating: names still find it, but it is never offered as a
        near match (a dataset's own entities are told apart by the dataset, not by spelling)."""
        known = self._known.get(iri)
        if known is None:
            known = self._known[iri] = _Known(label, kind)
        by_name, by_key, norm, by_prefix = self._by_name, self._by_key, self._norm, self._by_prefix
        for name in (label, *aliases):
            if not name or name in known.names:
                continue
            known.names.append(name)
            by_name.setdefault(_fold(name), set()).add(iri)
            normal = normalise_name(name)
            by_key.setdefault(normal.replace(" ", ""), set()).add(iri)
            if loaded:
                norm.setdefault(normal, set()).add(iri)
                for token in normal.split():
                    by_prefix.setdefault(token[:3], set()).add(iri)
        for scheme, value in (identifiers or {}).items():
            if value:
                known.identifiers.setdefault(scheme, value)
                self._by_id.setdefault((scheme, _identifier(scheme, value)), set()).add(iri)
        known.developers.update(developers)

    def add_developer(self, product: str, developer: str) -> None:
        """Record that ``developer`` develops the indexed ``product`` (products are told apart by developer)."""
        if product in self._known:
            self._known[product].developers.add(developer)

    def resolve(
        self,
        name: str,
        kind: str | None,
        *,
        identifiers: Mapping[str, str] | None = None,
        developer: str | None = None,
    ) -> Resolution:
        """Return what ``name`` (of ``kind``; ``None`` when unknown) designates; see the module documentation.

        ``identifiers`` are the name's own (scheme -> value, schemes of :data:`IDENTIFIER_SCHEMES`);
        ``developer`` is the IRI of the developer of a product or facility, when the data says it.
        """
        ids = {scheme: _identifier(scheme, value) for scheme, value in (identifiers or {}).items() if value}
        for scheme, value in ids.items():
            found = self._by_id.get((scheme, value), set())
            if found:
                same = [iri for iri in found if kind is None or self._known[iri].kind == kind]
                if len(same) == 1:
                    return Resolution(name, kind or self._known[same[0]].kind, same[0], "identifier")
                reason = "ambiguous" if same else "identifier of another kind"
                return Resolution(name, kind, review=reason, candidates=self._candidates(same or found, 100.0))
        decided = self._decided(name, kind)
        if decided is not None:
            return decided

        def fits(iri: str) -> bool:
            known = self._known[iri]
            if any(known.identifiers.get(s, v) != v for s, v in ids.items()):
                return False  # two different identifiers in one scheme: two entities
            return developer is None or not known.developers or developer in known.developers

        other_kind: set[str] = set()
        key = name_key(name)
        for via, found in (
            ("label", self._by_name.get(_fold(name), set())),
            ("normalised", self._by_key.get(key, set()) if key else set()),
        ):
            found = {iri for iri in found if fits(iri)}
            same = sorted(iri for iri in found if kind is None or self._known[iri].kind == kind)
            if len(same) == 1:
                iri = same[0]
                if via == "label" and _fold(self._known[iri].label) != _fold(name):
                    via = "alias"
                return Resolution(name, kind or self._known[iri].kind, iri, via)
            if len(same) > 1:
                return Resolution(name, kind, review="ambiguous", candidates=self._candidates(same, 100.0))
            other_kind |= found
        if other_kind:
            return Resolution(name, kind, review="different kind", candidates=self._candidates(other_kind, 100.0))
        near = self.near(name, kind, fits=fits)
        if near:
            return Resolution(name, kind, review="near match", candidates=near)
        return Resolution(name, kind)

    def near(
        self, name: str, kind: str | None, limit: int = 3, *, fits: Callable[[str], bool] | None = None
    ) -> tuple[Candidate, ...]:
        """Up to ``limit`` loaded entities of ``kind`` (that ``fits``) whose normalised names score at least
        :data:`NEAR_SCORE`, among those sharing the prefix of one of the name's two rarest tokens."""
        if not self._by_prefix:  # nothing loaded to be near to
            return ()
        from rapidfuzz import fuzz, process

        normal = normalise_name(name)
        postings = sorted((self._by_prefix.get(t[:3], set()) for t in set(normal.split())), key=len)
        if not any(postings):
            return ()
        pool: set[str] = set()
        for posting in postings[:2]:
            if pool and len(posting) > _PREFIX_CAP:
                break
            pool |= posting
        pool = {iri for iri in pool if (kind is None or self._known[iri].kind == kind) and (fits is None or fits(iri))}
        spellings = sorted({n for iri in pool for n in self._spellings(iri)})
        scored: dict[str, float] = {}
        for spelling, score, _ in process.extract(
            normal, spellings, scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_SCORE, limit=limit * 3
        ):
            for iri in self._norm.get(spelling, ()):
                if iri in pool:
                    scored[iri] = max(score, scored.get(iri, 0.0))
        best = sorted(scored.items(), key=lambda item: (-item[1], self._known[item[0]].label, item[0]))[:limit]
        return tuple(Candidate(iri, self._known[iri].label, self._known[iri].kind, score) for iri, score in best)

    def _spellings(self, iri: str) -> Iterable[str]:
        return (normalise_name(n) for n in self._known[iri].names)

    def _candidates(self, iris: Iterable[str], score: float) -> tuple[Candidate, ...]:
        return tuple(
            Candidate(iri, self._known[iri].label, self._known[iri].kind, score)
            for iri in sorted(iris, key=lambda i: (self._known[i].label, i))
        )

    def _decided(self, name: str, kind: str | None) -> Resolution | None:
        key = (_fold(name), kind or "")
        accepted = self.decisions.accepted.get(key)
        if accepted is None and kind is None:
            accepted = next((v for (n, _), v in self.decisions.accepted.items() if n == key[0]), None)
        if accepted is not None:
            if accepted not in self._known:
                raise InputError(f"{self.decisions.source}: {name!r} is accepted as {accepted}, which is not loaded")
            return Resolution(name, self._known[accepted].kind, accepted, "decision")
        if key in self.decisions.apart:
            return Resolution(name, kind, via="decision")
        return None


def _identifier(scheme: str, value: str) -> str:
    text = value.strip()
    if scheme == "crunchbase":
        return text.rstrip("/").rsplit("/", 1)[-1].casefold()
    if scheme == "wikidata":
        return text.rsplit("/", 1)[-1].upper()
    return text.upper()


def load_decisions(path: str | Path) -> Decisions:
    """Read a review file (``matches.csv``): one row per name and candidate, as an import report writes it.

    Columns ``name``, ``kind``, ``decision`` and ``entity``: a row whose decision is ``accept`` merges the name
    into ``entity``; ``new`` keeps the name apart (a new entity, not listed again); an empty decision is no
    decision. Other columns (label, score, reason, where) are for the reader.

    Raises
    ------
    InputError
        The file is missing or not CSV, a column is missing, a decision word is unknown, an ``accept`` row names no
        entity, or one name is accepted as two entities; the message names the file and line.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "matches.csv"
    >>> _ = path.write_text("name,kind,decision,entity\\nNvida,organization,accept,urn:x:nvidia\\n"
    ...                     "Nokla,organization,new,urn:x:nokia\\n")
    >>> decisions = load_decisions(path)
    >>> decisions.accepted, sorted(decisions.apart)
    ({('nvida', 'organization'): 'urn:x:nvidia'}, [('nokla', 'organization')])
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such review file")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{file}: wrong encoding: a review file must be UTF-8 ({error.reason})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("name", "kind", "decision", "entity") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{file}: missing columns {', '.join(missing)} (expected name,kind,decision,entity)")
    accepted: dict[tuple[str, str], str] = {}
    apart: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        decision = (row.get("decision") or "").strip().casefold()
        if not decision:
            continue
        key = (_fold(row.get("name") or ""), (row.get("kind") or "").strip())
        if decision not in DECISIONS:
            raise InputError(f"{file} line {line}: unknown decision {decision!r}; use {' or '.join(DECISIONS)}")
        if decision == "new":
            apart.add(key)
            continue
        entity = (row.get("entity") or "").strip()
        if not entity:
            raise InputError(f"{file} line {line}: 'accept' needs the entity to merge into (column entity)")
        if accepted.get(key, entity) != entity:
            raise InputError(f"{file} line {line}: {row.get('name')!r} is accepted twice, as two entities")
        accepted[key] = entity
    return Decisions(accepted, frozenset(apart - set(accepted)), str(file))
