"""The index of loaded entities a name is resolved against (see :mod:`stackgraph.resolution`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from stackgraph.errors import InputError
from stackgraph.resolution._decisions import Decisions
from stackgraph.resolution._names import _fold, _normal_names, has_legal_form, name_key, normalise_name
from stackgraph.resources import queries_dir
from stackgraph.vocabulary.sparql import fill
from stackgraph.vocabulary.terms import SG

__all__ = ["IDENTIFIER_SCHEMES", "NEAR_SCORE", "Candidate", "EntityIndex", "Resolution", "SelectStore"]

#: External identifier schemes an entity may carry (ontology: sub-properties of ``sg:externalId``).
IDENTIFIER_SCHEMES: dict[str, str] = {
    "lei": SG.lei,
    "wikidata": SG.wikidataId,
    "crunchbase": SG.crunchbasePermalink,
}

#: The lowest rapidfuzz score (0-100) at which a name is shown as a near match for review.
NEAR_SCORE = 80.0

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
_WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
_PREFIX_CAP = 5000  # a token prefix shared by more entities than this does not narrow the search


class SelectStore(Protocol):
    """What the index needs from a store: SPARQL results as pyoxigraph solutions (a KnowledgeStore or endpoint)."""

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, derived: bool = True) -> Any: ...


#: The entities of one key of an index: one IRI (most keys), or a set of them; one string instead of 22k sets of
#: one halves the time to index a store.
_Iris = str | set[str]


def _put(index: dict[str, _Iris], key: str, iri: str) -> None:
    found = index.get(key)
    if found is None:
        index[key] = iri
    elif isinstance(found, str):
        if found != iri:
            index[key] = {found, iri}
    else:
        found.add(iri)


def _iris(found: _Iris | None) -> Collection[str]:
    return () if found is None else (found,) if isinstance(found, str) else found


def _sorted_tokens(normal: str) -> str:
    # what rapidfuzz's token_sort_ratio compares: the tokens in order; stored so that near() scores with ratio()
    return " ".join(sorted(normal.split()))


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
    ``kind`` is its kind (or the kind the name was resolved as); ``via`` says how (``identifier``, ``decision``,
    ``label``, ``alias``, ``normalised``); ``review`` says why a person should look (``near match``,
    ``ambiguous``, ``different kind``, ``identifier of another kind``) and ``candidates`` what they should look at.
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


class EntityIndex:
    """The loaded entities by identifier, exact name, normalised name and token prefix (see the module docs).

    The exact names are indexed as entities are added; the normalised names (and the token prefixes the near
    matches search) only when a name first needs them, so that an import whose names all match exactly never
    normalises the loaded names.
    """

    def __init__(self, decisions: Decisions | None = None) -> None:
        self._kind: dict[str, str] = {}
        self._label: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}  # names beyond the label (most entities have none)
        self._ids: dict[str, dict[str, str]] = {}  # only entities with identifiers
        self._developers: dict[str, set[str]] = {}  # only products (or facilities) with a known developer
        self._by_id: dict[tuple[str, str], set[str]] = {}
        self._by_name: dict[str, _Iris] = {}
        self._pending: list[str] = []  # names not yet in the normalised indexes, and their entities:
        self._pending_iris: list[str] = []  # two lists, not 22k (iri, name) tuples for the garbage collector
        self._not_offered: set[str] = set()  # entities an import creates: never near matches
        self._by_key: dict[str, _Iris] = {}
        self._near: dict[str, _Iris] = {}  # a loaded name's sorted tokens -> entities, for near matches
        self._by_prefix: dict[str, set[str]] = {}  # token prefix -> sorted tokens of the loaded names
        self._unread: dict[str, Callable[[EntityIndex], None]] = {}  # facts of the store not read yet, by need
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

        index = cls(decisions)
        kinds = dict(pairs(fill((folder / "entity_kinds.rq").read_text(encoding="utf-8"))))
        labels: dict[str, _Iris] = {}  # one string per entity (a set when it has several labels): no 22k lists
        for subject, label in pairs(scan.replace("#PROPERTY#", f"<{_RDFS_LABEL}>")):
            _put(labels, subject, label)
        index._load(kinds, labels, values(SG.alias))

        # functions of the index, not closures over it: a cycle would keep the store (and its lock) until a GC
        def identifiers(index: EntityIndex) -> None:
            found = {scheme: values(prop) for scheme, prop in IDENTIFIER_SCHEMES.items()}
            for iri, same in values(_OWL_SAME_AS).items():
                qids = [s.rsplit("/", 1)[-1] for s in same if s.startswith(_WIKIDATA_ENTITY)]
                if qids and iri not in found["wikidata"]:
                    found["wikidata"][iri] = qids
            for scheme, ids in found.items():
                for iri, values_ in ids.items():
                    if iri in index._kind:
                        index._identify(iri, {scheme: values_[0]})

        def developers(index: EntityIndex) -> None:
            product_of = values(SG.product)
            for deal, developer in values(SG.developer).items():
                for product in product_of.get(deal, ()):
                    if product in index._kind:
                        index._developers.setdefault(product, set()).update(developer)

        # read when a name first comes with identifiers or a developer (a names-only import never needs them): the
        # index keeps the store until then
        index._unread = {"identifiers": identifiers, "developers": developers}
        return index

    def __len__(self) -> int:
        return len(self._kind)

    def __contains__(self, iri: object) -> bool:
        return iri in self._kind

    def kind_of(self, iri: str) -> str | None:
        """The kind of an indexed entity (``None`` when it is not indexed)."""
        return self._kind.get(iri)

    def label_of(self, iri: str) -> str | None:
        """The label of an indexed entity (``None`` when it is not indexed)."""
        return self._label.get(iri)

    def names(self, iri: str | None = None) -> list[str]:
        """The names (label, then aliases) of the indexed entity ``iri``; without ``iri``, every indexed name.

        Examples
        --------
        >>> index = EntityIndex()
        >>> index.add("urn:x:nvidia", "organization", "Nvidia", aliases=["NVIDIA Corporation"])
        >>> index.names("urn:x:nvidia"), index.names()
        (['Nvidia', 'NVIDIA Corporation'], ['NVIDIA Corporation', 'Nvidia'])
        """
        if iri is not None:
            label = self._label.get(iri)
            return [] if label is None else [n for n in (label, *self._aliases.get(iri, ())) if n]
        return sorted({*filter(None, self._label.values()), *(n for more in self._aliases.values() for n in more)})

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
        known = iri in self._label
        if not known:
            self._kind[iri], self._label[iri] = kind, label
        names = self.names(iri) if known else []
        if not loaded:
            self._not_offered.add(iri)
        for name in (label, *aliases):
            if not name or name in names:
                continue
            names.append(name)
            if name != self._label[iri]:
                self._aliases.setdefault(iri, []).append(name)
            _put(self._by_name, _fold(name), iri)
            self._pending.append(name)
            self._pending_iris.append(iri)
        if identifiers:
            self._identify(iri, identifiers)
        if developers:
            self._developers.setdefault(iri, set()).update(developers)

    def _load(self, kinds: dict[str, str], labels: Mapping[str, _Iris], aliases: Mapping[str, list[str]]) -> None:
        """Index the entities of a store at once (as :meth:`add`, in one loop over the entities with one label and
        no alias: 22k entities in a few hundredths of a second); their names wait in ``_pending`` to be normalised.
        """
        label_of, kind_of, by_name = self._label, self._kind, self._by_name
        pending, pending_iris = self._pending, self._pending_iris
        for iri, kind in kinds.items():
            label = labels.get(iri)
            if isinstance(label, str) and label and iri not in aliases and iri not in label_of:
                kind_of[iri], label_of[iri] = kind, label
                _put(by_name, _fold(label), iri)
                pending.append(label)
                pending_iris.append(iri)
                continue
            names = sorted(n for n in _iris(label) if n)
            names += [n for n in dict.fromkeys(aliases.get(iri, ())) if n and n not in names]
            self.add(iri, kind, names[0] if names else iri.rsplit("/", 1)[-1], aliases=names[1:])

    def _identify(self, iri: str, identifiers: Mapping[str, str]) -> None:
        own = self._ids.setdefault(iri, {})
        for scheme, value in identifiers.items():
            if value:
                own.setdefault(scheme, value)
                self._by_id.setdefault((scheme, _identifier(scheme, value)), set()).add(iri)

    def _read(self, what: str) -> None:
        """Read the store's ``identifiers`` or ``developers`` now, if they have not been read yet."""
        unread = self._unread.pop(what, None)
        if unread is not None:
            unread(self)

    def add_developer(self, product: str, developer: str) -> None:
        """Record that ``developer`` develops the indexed ``product`` (products are told apart by developer)."""
        if product in self._kind:
            self._developers.setdefault(product, set()).add(developer)

    def _normalised(self) -> None:
        """Put the names added since the last call into the normalised-name and near-match indexes."""
        by_key, near, by_prefix, hidden = self._by_key, self._near, self._by_prefix, self._not_offered
        pending = self._pending
        normals = _normal_names(pending) if len(pending) > 100 else [normalise_name(name) for name in pending]
        for iri, normal in zip(self._pending_iris, normals, strict=True):
            words = normal.split()
            key = tokens = normal
            if len(words) > 1:
                key, tokens = "".join(words), _sorted_tokens(normal)
            _put(by_key, key, iri)
            if iri not in hidden:
                _put(near, tokens, iri)
                for word in words:
                    posting = by_prefix.get(word[:3])
                    if posting is None:
                        by_prefix[word[:3]] = {tokens}
                    else:
                        posting.add(tokens)
        self._pending, self._pending_iris = [], []

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
        ``developer`` is the IRI of the developer of a product or facility, when the data says it. A name of
        unknown kind that carries a legal-form suffix (``Gemini Corp.``) is resolved as an organisation's.
        """
        ids = {s: _identifier(s, v) for s, v in identifiers.items() if v} if identifiers else {}
        if ids:
            self._read("identifiers")
        for scheme, value in ids.items():
            found = self._by_id.get((scheme, value), set())
            if found:
                same = [iri for iri in found if kind is None or self._kind[iri] == kind]
                if len(same) == 1:
                    return Resolution(name, kind or self._kind[same[0]], same[0], "identifier")
                reason = "ambiguous" if same else "identifier of another kind"
                return Resolution(name, kind, review=reason, candidates=self._candidates(same or found, 100.0))
        if self.decisions.accepted or self.decisions.apart:
            decided = self._decided(name, kind)
            if decided is not None:
                return decided
        if kind is None and has_legal_form(name):
            kind = "organization"
        if developer is not None:
            self._read("developers")
        fits = self._fits(ids, developer) if ids or developer is not None else None
        other_kind: set[str] = set()
        for via in ("label", "normalised"):
            if via == "label":
                found = _iris(self._by_name.get(_fold(name)))
            else:
                if self._pending:
                    self._normalised()
                key = name_key(name)
                found = _iris(self._by_key.get(key)) if key else ()
            if not found:
                continue
            fitting = found if fits is None else {iri for iri in found if fits(iri)}
            same = sorted(iri for iri in fitting if kind is None or self._kind[iri] == kind)
            if len(same) == 1:
                iri = same[0]
                if via == "label" and _fold(self._label[iri]) != _fold(name):
                    via = "alias"
                return Resolution(name, kind or self._kind[iri], iri, via)
            if same:
                return Resolution(name, kind, review="ambiguous", candidates=self._candidates(same, 100.0))
            other_kind.update(fitting)
        if other_kind:
            return Resolution(name, kind, review="different kind", candidates=self._candidates(other_kind, 100.0))
        near = self.near(name, kind, fits=fits)
        if near:
            return Resolution(name, kind, review="near match", candidates=near)
        return Resolution(name, kind)

    def _fits(self, ids: Mapping[str, str], developer: str | None) -> Callable[[str], bool]:
        """Whether a loaded entity may be the one a name with these identifiers and this developer designates."""

        def fits(iri: str) -> bool:
            if ids:
                own = self._ids.get(iri, {})
                if any(own.get(s, v) != v for s, v in ids.items()):
                    return False  # two different identifiers in one scheme: two entities
            known = self._developers.get(iri) if developer is not None else None
            return not known or developer in known

        return fits

    def near(
        self, name: str, kind: str | None, limit: int = 3, *, fits: Callable[[str], bool] | None = None
    ) -> tuple[Candidate, ...]:
        """Up to ``limit`` loaded entities of ``kind`` (that ``fits``) whose normalised names score at least
        :data:`NEAR_SCORE` (rapidfuzz ``token_sort_ratio``), among those sharing the prefix of one of the name's
        two rarest tokens."""
        if self._pending:
            self._normalised()
        if not self._by_prefix:  # nothing loaded to be near to
            return ()
        from rapidfuzz import fuzz, process

        normal = normalise_name(name)
        postings = sorted((self._by_prefix.get(t[:3], ()) for t in set(normal.split())), key=len)
        pool: set[str] = set()
        for posting in postings[:2]:
            if pool and len(posting) > _PREFIX_CAP:
                break
            pool.update(posting)
        if not pool:
            return ()
        scored: dict[str, float] = {}
        for tokens, score, _ in process.extract(
            _sorted_tokens(normal), list(pool), scorer=fuzz.ratio, score_cutoff=NEAR_SCORE, limit=None
        ):
            for iri in _iris(self._near[tokens]):
                if (kind is None or self._kind[iri] == kind) and (fits is None or fits(iri)):
                    scored[iri] = max(score, scored.get(iri, 0.0))
        best = sorted(scored.items(), key=lambda item: (-item[1], self._label[item[0]], item[0]))[:limit]
        return tuple(Candidate(iri, self._label[iri], self._kind[iri], score) for iri, score in best)

    def _candidates(self, iris: Iterable[str], score: float) -> tuple[Candidate, ...]:
        return tuple(
            Candidate(iri, self._label[iri], self._kind[iri], score)
            for iri in sorted(iris, key=lambda i: (self._label[i], i))
        )

    def _decided(self, name: str, kind: str | None) -> Resolution | None:
        key = (_fold(name), kind or "")
        accepted = self.decisions.accepted.get(key)
        if accepted is None and kind is None:
            accepted = next((v for (n, _), v in self.decisions.accepted.items() if n == key[0]), None)
        if accepted is not None:
            if accepted not in self._kind:
                raise InputError(f"{self.decisions.source}: {name!r} is accepted as {accepted}, which is not loaded")
            return Resolution(name, self._kind[accepted], accepted, "decision")
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
