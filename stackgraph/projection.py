"""Project the knowledge store onto a NetworkX graph: the one place where RDF becomes ``networkx.MultiDiGraph``.

The projection follows the contract in DEVELOPERS.md ("Projection contract"): nodes are entities (id = IRI) with
``label``, ``kind``, ``layers``, ``iri`` (and ``aliases``); edges are deals (key = deal IRI) with ``relation``,
``status``, dates, money, ``stake``, ``input_layer``, ``purpose``, ``deal``, ``quotes``, ``sources`` and
``scenario``. A :class:`ProjectionPolicy` chooses which deals count.

It runs SPARQL SELECTs (``stackgraph/queries/projection/*.rq``: index scans, one per property and per side of each
deal class; a deal's values grouped by value) on the fast store, on worker threads, and folds their rows
into the graph as they arrive; it never walks triples in Python.

Which deals count
-----------------
The rules live in :mod:`stackgraph.vocabulary.rules` (one home for statuses, dates as periods, undated deals,
evidence, supersession and control): :class:`ProjectionPolicy` is its :class:`~stackgraph.vocabulary.rules.DealPolicy`.
The projection applies them set-wise -- dates are few, deals many -- and the agreement test checks it answers as
the SPARQL rendering of the same rules does.

Every edge carries ``basis``: the sorted evidence kinds (``dataset``, ``editorial``, ``quoted``, ``scenario``) of
its deal's sources (``()`` when it has none); every market position too. ``G.graph["undated"]`` says what the
policy did with deals that have no date and how many such deals it counted or left out.
"""

from __future__ import annotations

import functools
import gc
import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.resources import queries_dir
from stackgraph.tsv import tsv_columns, tsv_rows
from stackgraph.vocabulary import rules, terms
from stackgraph.vocabulary.names import concept_key, local_name, resolve_name
from stackgraph.vocabulary.rules import DEFAULT_STATUSES, STATUS_KEYS, DealPolicy, parse_date, parse_statuses
from stackgraph.vocabulary.sparql import fill
from stackgraph.vocabulary.terms import SG

if TYPE_CHECKING:
    from concurrent.futures import Future

    from stackgraph.store import KnowledgeStore

__all__ = [
    "DEFAULT_STATUSES",
    "EDGE_DEFAULTS",
    "KINDS",
    "RELATIONS",
    "STATUS_KEYS",
    "ProjectionPolicy",
    "entity_names",
    "parse_date",
    "parse_statuses",
    "project",
    "resolve_entity",
]

#: Edge relations, one per deal class (ownership deals are ``controls``).
RELATIONS: tuple[str, ...] = rules.relations()

#: Node kinds, one per entity class.
KINDS: tuple[str, ...] = tuple(kind.key for kind in terms.ENTITY_KINDS)

#: Which deals count in a projection: the rulebook's deal policy (as-of, statuses, undated, evidence).
ProjectionPolicy = DealPolicy

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_STATUS_KEY = {status.iri: status.key for status in terms.STATUSES}


@functools.lru_cache(maxsize=32)
def _query_text(name: str) -> str:
    """A projection query, its rules written in (they depend on the vocabulary only): read once per process."""
    return fill((queries_dir() / "projection" / f"{name}.rq").read_text(encoding="utf-8"))


class _Queries:
    """The projection's SELECTs, answered one after another on a worker thread, as SPARQL TSV.

    pyoxigraph lets go of the GIL while it evaluates and serialises a query, so the engine answers the next
    queries while the caller folds the rows of the earlier ones into the graph: with two cores, the engine's share
    of the projection (two fifths at 300k deals) mostly disappears behind the Python work. Submit queries in the
    order their results are needed; leaving the ``with`` block cancels what was not started.
    """

    def __init__(self, store: KnowledgeStore, graphs: Sequence[str] | None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._store = store
        self._graphs = graphs
        self._lanes = [ThreadPoolExecutor(max_workers=1, thread_name_prefix="stackgraph-projection") for _ in range(2)]

    def __enter__(self) -> _Queries:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for lane in self._lanes:
            lane.shutdown(wait=True, cancel_futures=True)

    def submit(self, name: str, values: str = "", *, property_iri: str = "", lane: int = 0) -> Future[bytes]:
        """Start ``queries/projection/{name}.rq``; the future holds its TSV result.

        ``values`` replaces the query's ``#VALUES#`` line (a VALUES block built from IRIs the store returned) and
        ``property_iri`` its ``#PROPERTY#`` (an IRI as the engine writes it). Queries on one ``lane`` (0 or 1) run
        one after another; the second lane lets a first batch run beside the main one while the caller has
        nothing to fold yet.
        """
        sparql = _query_text(name).replace("#VALUES#", values).replace("#PROPERTY#", property_iri)
        return self._lanes[lane].submit(self._tsv, sparql)

    def rows(self, name: str) -> list[list[str | None]]:
        """Run a query now and return its rows (see :func:`stackgraph.tsv.tsv_rows`)."""
        return tsv_rows(self.submit(name).result())

    def _tsv(self, sparql: str) -> bytes:
        import pyoxigraph as ox

        # The projection reads deal nodes only, never the derived direct properties: no need to derive them first.
        # It reads the role properties and the layer scheme from the ontology.
        result = self._store.query(sparql, graphs=self._graphs, derived=False, with_ontology=True)
        return bytes(result.serialize(format=ox.QueryResultsFormat.TSV))


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


class _Keys(dict):  # type: ignore[type-arg]
    """IRI -> concept key, memoised (a few dozen distinct layers and statuses, seen many times)."""

    def __missing__(self, iri: str) -> str:
        key = self[iri] = concept_key(iri)
        return key


def project(
    store: KnowledgeStore,
    policy: ProjectionPolicy | None = None,
    *,
    graphs: Sequence[str] | None = None,
    provenance: bool = True,
) -> nx.MultiDiGraph:
    """Project the store onto a ``networkx.MultiDiGraph`` of entities and the deals that count under ``policy``.

    Parameters
    ----------
    store : KnowledgeStore
        The knowledge store to read.
    policy : ProjectionPolicy, optional
        Which deals count; by default completed and active deals as of today.
    graphs : sequence of str, optional
        Named graphs to read (the ontology graph is always added, for the role properties and the layer
        scheme); by default the union of all.
    provenance : bool, default True
        Attach each deal's source titles and quoted sentences (``sources``, ``quotes``, ``source_iris``). The
        analyses never read them; leaving them out saves a query and a third of the time on large graphs.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges as in DEVELOPERS.md's projection contract (nodes also carry ``aliases``, edges
        ``source_iris``). ``G.graph`` holds ``layers`` (each also with its ``narrower`` layers), ``statuses``
        (the status keys that count, in scheme order), ``as_of`` (ISO date), ``market_positions`` (those dated
        no later than ``as_of``) and ``graphs`` (the named graphs read, or ``None`` for all).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    >>> _ = store.load_data(
    ...     "@prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix sgid: <https://w3id.org/stackgraph/id/> ."
    ...     "sgid:A a sg:Organization ; sg:inLayer sg:AIModels . sgid:B a sg:Organization ."
    ...     "sgid:deal a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Completed .",
    ...     "urn:stackgraph:graph:example",
    ... )
    >>> G = project(store)
    >>> [(local_name(u), local_name(v), d["relation"]) for u, v, d in G.edges(data=True)]
    [('A', 'B', 'acquires')]
    >>> G.nodes["https://w3id.org/stackgraph/id/A"]["layers"]
    ('ai-models',)
    """
    policy = policy or ProjectionPolicy()
    if graphs is not None:
        from stackgraph.store import ONTOLOGY_GRAPH

        graphs = list(dict.fromkeys([*graphs, ONTOLOGY_GRAPH]))
    # Building a graph allocates millions of small containers and no reference cycles: pausing the cyclic
    # garbage collector meanwhile saves its repeated full scans (a fifth of the time at 300k deals).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _project(store, policy, graphs, provenance)
    finally:
        if collecting:
            gc.enable()


def _project(
    store: KnowledgeStore, policy: ProjectionPolicy, graphs: Sequence[str] | None, with_provenance: bool
) -> nx.MultiDiGraph:
    as_of = policy.as_of_date()
    keys = _Keys()
    G = nx.MultiDiGraph()
    G.graph["as_of"] = as_of.isoformat()
    G.graph["statuses"] = tuple(s for s in STATUS_KEYS if s in policy.statuses)
    G.graph["graphs"] = None if graphs is None else tuple(graphs)
    G.graph["policy"] = policy.describe()
    with _Queries(store, graphs) as queries:
        role_sides = _role_sides(queries.rows("roles"))
        # Every other query is queued now, in the order its rows are read, so that the engine keeps ahead of the
        # folding: the entity scans and the sources on a second lane, beside the first deal scans, while there is
        # nothing to fold yet; then the values that decide which deals count, then the others, so that the
        # attribute dicts of the deals that count are complete when the parties arrive; the parties one relation
        # at a time, so that the edges of one go in while the engine reads the next.
        layers = queries.submit("layers")
        entities = [queries.submit("entity_kinds", lane=1)] + [
            queries.submit("property_values", property_iri=f"<{iri}>", lane=1)
            for iri in (_RDFS_LABEL, SG.alias, SG.inLayer)
        ]
        source_kinds = queries.submit("source_kinds", lane=1)
        # The sources of every deal, for its basis (and provenance). When the policy chooses by evidence they decide
        # which deals count: read beside the deal scans, on the second lane. Else they are read last, while the
        # edges go in: the engine is idle by then, and the basis reaches the edges after them.
        by_evidence = policy.evidence is not None
        derived_from = queries.submit("derived_from", lane=1) if by_evidence else None
        scenario = queries.submit("scenario_deals")
        # the effective dates (most deals have one) on the second lane too, after the entities: the first lane
        # runs ahead with the values and the parties meanwhile
        timing = {
            name: queries.submit("property_groups", property_iri=f"<{iri}>", lane=int(name == "effectiveDate"))
            for name, iri in _TIMING.items()
        }
        supersedes = queries.submit("supersedes")
        values = {name: queries.submit("property_groups", property_iri=f"<{iri}>") for name, iri in _VALUE_IRIS.items()}
        parties = {
            relation: {side: queries.submit("deal_roles", block) for side, block in sides.items()}
            for relation, sides in role_sides.items()
        }
        if derived_from is None:
            derived_from = queries.submit("derived_from")
        provenance = queries.submit("provenance") if with_provenance else None
        positions = queries.submit("market_positions")

        G.graph["layers"] = _layers(tsv_rows(layers.result()), keys)
        _add_entities(G, *(tsv_columns(future.result()) for future in entities), keys=keys)
        view = _View(
            policy,
            as_of,
            # a status outside the scheme keeps a key of its own (it counts only when a scenario brings the deal)
            status=_first_by_value(timing["status"].result(), lambda iri: _STATUS_KEY.get(iri) or keys[iri]),
            announced=_first_by_value(timing["announcedDate"].result()),
            effective=_first_by_value(timing["effectiveDate"].result()),
            ended=_first_by_value(timing["endDate"].result()),
            scenario={row[0] for row in tsv_rows(scenario.result()) if row[0] is not None},
        )
        kind_of = _source_kinds(tsv_rows(source_kinds.result()))
        derived: list[tuple[str, list[str]]] = []
        if by_evidence:
            derived = _derived(derived_from.result())
            view.set_basis(_basis(derived, kind_of))
        superseding = [(newer, older) for newer, older in tsv_rows(supersedes.result()) if newer and older]
        edges = _DealEdges(G, view.candidates(), view, deferred={older for _, older in superseding})
        converters = {"number": _number, "concept": keys.__getitem__, "text": None}
        for name, future in values.items():
            attribute, kind = _VALUES[name]
            edges.fill_in(attribute, _by_value(future.result(), converters[kind]))
        for relation, sides in parties.items():
            edges.add(relation, _pairs({side: tsv_columns(future.result()) for side, future in sides.items()}))
        if not by_evidence:
            derived = _derived(derived_from.result())
            view.set_basis(_basis(derived, kind_of))
        edges.fill_in_basis(view.basis)  # type: ignore[arg-type]
        hidden = {older for newer, older in superseding if view.hides(newer)}
        edges.hide(hidden)
        if provenance is not None:
            edges.fill_in_provenance(_provenance(derived, tsv_rows(provenance.result())))
        edges.add_deferred()
        G.graph["undated"] = view.undated(edges.relation, hidden)
        G.graph["deal_nodes"] = dict(edges.counts)
        G.graph["market_positions"] = _market_positions(tsv_rows(positions.result()), policy, keys, kind_of)
    return G


def _layers(rows: Iterable[Sequence[str | None]], keys: _Keys) -> dict[str, dict[str, Any]]:
    layers: dict[str, dict[str, Any]] = {}
    for iri, label, broader, feeds in rows:
        assert iri is not None
        key = keys[iri]
        entry = layers.setdefault(key, {"iri": iri, "label": None, "broader": None, "feeds": [], "narrower": []})
        if label is not None and entry["label"] is None:
            entry["label"] = label
        if broader is not None and entry["broader"] is None:
            entry["broader"] = keys[broader]
        if feeds is not None and keys[feeds] not in entry["feeds"]:
            entry["feeds"].append(keys[feeds])
    for key, entry in layers.items():
        if entry["label"] is None:
            entry["label"] = key
        entry["feeds"].sort()
        parent = entry["broader"]
        if parent in layers:
            layers[parent]["narrower"].append(key)
    for entry in layers.values():
        entry["narrower"].sort()
    return dict(sorted(layers.items()))


def _add_entities(
    G: nx.MultiDiGraph,
    kinds: Sequence[Sequence[str | None]],
    labels: Sequence[Sequence[str | None]],
    aliases: Sequence[Sequence[str | None]],
    layers: Sequence[Sequence[str | None]],
    *,
    keys: _Keys,
) -> None:
    """Add a node per typed entity from entity_kinds.rq's (entity, kind) and property_values.rq's (subject,
    value) columns of its labels, aliases and own layers. The first label is the node's; others join the aliases."""
    kind_of = _first_of(kinds)
    label_of, more_labels = _first_of(labels), _rest_of(labels)
    alias_of = _all_of(aliases)
    layer_columns = [layers[0], _converted(layers[1], keys.__getitem__)] if layers else []
    layer_of, more_layers = _first_of(layer_columns), _rest_of(layer_columns)
    # Straight into the node and adjacency maps, as add_nodes_from does it for new nodes without its per-node
    # checks (tests/test_projection.py pins the result equal to what add_nodes_from builds).
    nodes, succ, pred, new_adjacency = G._node, G._succ, G._pred, G.adjlist_inner_dict_factory
    for iri, kind in kind_of.items():
        label = label_of.get(iri)
        layer = layer_of.get(iri)
        if iri not in nodes:
            succ[iri], pred[iri] = new_adjacency(), new_adjacency()
        nodes[iri] = {
            "label": label if label is not None else local_name(iri),
            "kind": kind,
            "layers": ()
            if layer is None
            else (layer,)
            if iri not in more_layers
            else _sorted_set(layer, more_layers[iri]),
            "iri": iri,
            "aliases": tuple(dict.fromkeys([*more_labels.get(iri, ()), *alias_of.get(iri, ())]))
            if iri in more_labels or iri in alias_of
            else (),
        }
    nx._clear_cache(G)


def _first_of(columns: Sequence[Sequence[str | None]]) -> dict[str, str]:
    """The first value of each subject in (subject, value) columns."""
    if not columns:
        return {}
    subjects, values = columns
    # from the last row back, so that the first value of each subject is the one that stays
    return dict(zip(reversed(subjects), reversed(values), strict=True))  # type: ignore[arg-type]


def _rest_of(columns: Sequence[Sequence[str | None]]) -> dict[str, list[str]]:
    """The values after the first of each subject that has several, in the order read (repeats once)."""
    if not columns or len(set(columns[0])) == len(columns[0]):  # one value per subject, the common case
        return {}
    return {subject: values[1:] for subject, values in _grouped(*columns).items() if len(values) > 1}


def _all_of(columns: Sequence[Sequence[str | None]]) -> dict[str, list[str]]:
    """Every value of each subject, in the order read (repeats once)."""
    return _grouped(*columns) if columns else {}


def _sorted_set(first: str, rest: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({first, *rest}))


def _role_sides(rows: Iterable[Sequence[str | None]]) -> dict[str, dict[str, str]]:
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
    return dict(sorted(relations.items(), key=lambda item: RELATIONS.index(item[0])))


def _pairs(sides: Mapping[str, Sequence[Sequence[str | None]]]) -> Sequence[Sequence[str]]:
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
            actors_of = _grouped(actor_deals, actors)
            rows += [
                (deal, actor, counterparty)
                for deal, counterparty in zip(deals, counterparties, strict=True)
                for actor in actors_of.get(deal, ())
                if actor != counterparty
            ]
    if partner_columns:
        for deal, partners in _grouped(*partner_columns).items():
            rows += [(deal, a, b) for a in partners for b in partners if a != b]
    return list(zip(*rows, strict=True)) if rows else []  # type: ignore[arg-type]


def _grouped(keys: Sequence[str | None], values: Sequence[str | None]) -> dict[str, list[str]]:
    """Each key with its values in the order read (a value repeated for a key once)."""
    grouped: dict[str, list[str]] = {}
    for key, value in zip(keys, values, strict=True):
        values_of = grouped.get(key)  # type: ignore[arg-type]
        if values_of is None:
            grouped[key] = [value]  # type: ignore[index,list-item]
        elif value not in values_of:
            values_of.append(value)  # type: ignore[arg-type]
    return grouped


#: The values that decide whether a deal counts, read before the others.
_TIMING: dict[str, str] = {
    "status": SG.status,
    "announcedDate": SG.announcedDate,
    "effectiveDate": SG.effectiveDate,
    "endDate": SG.endDate,
}

#: The other values a deal's edges carry: ``sg:`` local name -> (edge attribute, kind of value): a number, a
#: concept (its key) or text.
_VALUES: dict[str, tuple[str, str]] = {
    "amount": ("amount", "number"),
    "currency": ("currency", "text"),
    "stakePercent": ("stake", "number"),
    "inputLayer": ("input_layer", "concept"),
    "purpose": ("purpose", "text"),
}
_VALUE_IRIS: dict[str, str] = {name: getattr(SG, name) for name in _VALUES}


def _by_value(data: bytes, convert: Any = None) -> list[tuple[Any, list[str]]]:
    """Return property_groups.rq's (value, blank node, space-separated IRI subjects) rows as (value, subjects),
    the value ``convert``-ed (once per value; a ``None`` it gives is no value, and the row is left out)."""
    groups: list[tuple[Any, list[str]]] = []
    for value, blank, subjects in tsv_rows(data):
        if value is None:
            continue
        converted = value if convert is None else convert(value)
        if converted is None:
            continue
        if blank:  # a blank node's row ("" in the rows of IRI subjects)
            groups.append((converted, [blank]))
        elif subjects:
            groups.append((converted, subjects.split(" ")))
    return groups


def _first_by_value(data: bytes, convert: Any = None) -> dict[str, Any]:
    """Return each subject's first value from property_groups.rq's rows (see :func:`_by_value`): the first row a
    subject is in wins."""
    found: dict[str, Any] = {}
    for value, subjects in reversed(_by_value(data, convert)):  # from the last row back: the first value stays
        found.update(dict.fromkeys(subjects, value))
    return found


def _converted(values: list[str | None], convert: Any) -> list[Any]:
    """``values`` through ``convert``, called once per distinct value (few: statuses, layers, dates, amounts);
    ``None`` stays ``None``. No ``convert``: ``values`` as they are."""
    if convert is None:
        return values
    table = {value: None if value is None else convert(value) for value in set(values)}
    return list(map(table.__getitem__, values))


class _View:
    """Which deals a policy shows, from their status, dates, sources and scenario origin: the rules of
    :mod:`stackgraph.vocabulary.rules`, applied set-wise (dates are few, deals many)."""

    def __init__(
        self,
        policy: ProjectionPolicy,
        as_of: date,
        *,
        status: dict[str, str],
        announced: dict[str, str],
        effective: dict[str, str],
        ended: dict[str, str],
        scenario: set[str],
    ) -> None:
        self.policy, self.as_of = policy, as_of
        self.status, self.announced, self.effective, self.ended = status, announced, effective, ended
        self.scenario = scenario
        self.undated_included = policy.undated_rule == "include"
        self.basis: Mapping[str, tuple[str, ...]] | None = None  # see set_basis
        self.allowed: set[str] | None = None

    def set_basis(self, basis: Mapping[str, tuple[str, ...]]) -> None:
        """Take each deal's evidence kinds (see :func:`_basis`); needed before :meth:`candidates` when the policy
        chooses by evidence, and before :meth:`hides` and :meth:`undated` always."""
        self.basis = basis
        policy = self.policy
        self.allowed = None if policy.evidence is None else {d for d, kinds in basis.items() if policy.allows(kinds)}

    def start(self, deal: str) -> str | None:
        """The date the deal took place: its effective date, else its announced date."""
        return self.effective.get(deal) or self.announced.get(deal)

    def hides(self, newer: str) -> bool:
        """Whether a deal hides the deals it supersedes (see :meth:`DealPolicy.hides`)."""
        return self.policy.hides(
            self.status.get(newer),
            self.start(newer),
            scenario=newer in self.scenario,
            basis=self.basis.get(newer) if self.basis is not None else None,
        )

    def candidates(self) -> list[tuple[str, str | None]]:
        """The deals in view that have not ended by ``as_of``, with their status (whether they have parties is
        not known here). Set-wise rather than deal by deal: dates are few, deals many."""
        statuses, scenario, status = self.policy.statuses, self.scenario, self.status
        deals = [(deal, key) for deal, key in status.items() if key in statuses]
        deals += [(deal, status.get(deal)) for deal in scenario if status.get(deal) not in statuses]
        left_out = self._not_begun()
        gone = {text for text in set(self.ended.values()) if rules.ended(text, self.as_of)}
        left_out.update(deal for deal, text in self.ended.items() if text in gone)
        if self.allowed is not None:
            left_out.update(deal for deal, _ in deals if deal not in self.allowed)
        if not left_out:
            return deals
        return [(deal, key) for deal, key in deals if deal not in left_out]

    def _not_begun(self) -> set[str]:
        """The deals that had not taken place by ``as_of`` (by their effective date, else by their announced
        one), and those without either date when the policy leaves undated deals out."""
        as_of, effective, announced = self.as_of, self.effective, self.announced
        late_effective = {text for text in set(effective.values()) if not rules.begun(text, as_of)}
        late_announced = {text for text in set(announced.values()) if not rules.begun(text, as_of)}
        left_out = {deal for deal, text in effective.items() if text in late_effective} if late_effective else set()
        if late_announced:
            left_out.update(
                deal for deal, text in announced.items() if text in late_announced and not effective.get(deal)
            )
        if not self.undated_included:
            left_out.update(deal for deal in self.undated_deals())
        return left_out

    def undated_deals(self) -> set[str]:
        """The deals with a status or a scenario origin but no start date: neither an effective nor an announced
        date, or one that is not a date (the effective date, else the announced one). Set-wise: dates are few."""
        effective, announced = self.effective, self.announced
        deals = self.status.keys() | self.scenario if self.scenario else self.status.keys()
        if deals <= effective.keys():  # every deal has an effective date (no set built: a subset test)
            undated: set[str] = set()
        else:
            undated = deals - effective.keys() - announced.keys()
        bad = {text for text in {*effective.values(), *announced.values()} if rules.date_period(text) is None}
        if bad:  # a start that is not a date: the effective date's, else (none given) the announced date's
            starts = {**announced, **effective}
            undated.update(deal for deal in deals if starts.get(deal) in bad)
        return undated

    def undated(self, with_parties: Mapping[str, str], hidden: set[str]) -> dict[str, Any]:
        """What the policy did with undated deals: ``{"rule": "include"|"exclude", "default": bool, "deals": n}``
        where ``n`` counts the undated deals with parties that count (``include``) or would count if they were
        dated (``exclude``)."""
        policy, scenario = self.policy, self.scenario
        count = sum(
            1
            for deal in self.undated_deals()
            if deal in with_parties
            and deal not in hidden
            and (deal in scenario or self.status.get(deal) in policy.statuses)
            and (self.allowed is None or deal in self.allowed)
            and not rules.ended(self.ended.get(deal), self.as_of)
        )
        return {"rule": policy.undated_rule, "default": policy.undated is None, "deals": count}


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


class _DealEdges:
    """Puts the edges of the deals that count into ``G``, one relation's parties at a time.

    Each candidate deal (in view, not ended) gets one attribute dict up front, with the values that decided it
    counts (and ``relation`` unset until its first edge takes the dict); each further edge (a deal with several
    pairs of parties) takes a copy of it. Values filled in later reach the copies too. The edges of deals that
    another deal may supersede wait for :meth:`add_deferred`, when it is known which are hidden.
    """

    def __init__(
        self, G: nx.MultiDiGraph, candidates: Sequence[tuple[str, str | None]], view: _View, deferred: set[str]
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
        """Set each counted deal's ``basis`` (see :func:`_basis`)."""
        self._fill("basis", basis)

    def add(self, relation: str, columns: Sequence[Sequence[str]]) -> None:
        """Add the edges of one relation's deals from their (deal, actor, counterparty) columns (see _pairs)."""
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
        """Set attribute ``name`` of each deal that counts from its (value, deals) groups (see :func:`_by_value`;
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


def _derived(data: bytes) -> list[tuple[str, list[str]]]:
    """derived_from.rq's rows as (source, subjects) (see :func:`_by_value`), read once for the basis and the
    provenance."""
    return _by_value(data)


def _provenance(
    derived: Sequence[tuple[str, Sequence[str]]], rows: Iterable[Sequence[str | None]]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Return, per subject, its source titles, quoted sentences and source IRIs (equal tuples shared), from the
    subjects of each source (:func:`_derived`) and provenance.rq's (source, title) and (subject, quote) rows: the
    sources are few, so the subjects are not read a second time."""
    titles: dict[str, str] = {}
    quotes: dict[str, list[str]] = {}
    for source, title, subject, quote in rows:
        if quote is not None and subject is not None:
            quotes.setdefault(subject, []).append(quote)
        elif source is not None and title is not None:
            titles.setdefault(source, title)
    interned: dict[Any, Any] = {}
    result: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    for source, subjects in derived:
        title = titles.get(source, source)
        single = ((title,), (), (source,))
        earlier = {subject: result[subject] for subject in result.keys() & subjects} if result else {}
        result.update(dict.fromkeys(subjects, interned.setdefault(single, single)))
        for subject, (named, _, iris) in earlier.items():  # also derived from an earlier source
            entry = (named, (), iris) if source in iris else ((*named, title), (), (*iris, source))
            result[subject] = interned.setdefault(entry, entry)
    for subject, said in quotes.items():
        named, _, iris = result.get(subject, ((), (), ()))
        result[subject] = (named, tuple(dict.fromkeys(said)), iris)
    return result


def _source_kinds(rows: Iterable[Sequence[str | None]]) -> dict[str, str]:
    """Each typed source with its evidence kind, from source_kinds.rq's (source, source class) rows."""
    classes: dict[str, set[str]] = {}
    for source, cls in rows:
        if source is not None and cls is not None:
            classes.setdefault(source, set()).add(cls)
    return {source: rules.evidence_kind(found) for source, found in classes.items()}


def _basis(derived: Sequence[tuple[str, Sequence[str]]], kind_of: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each subject with a ``prov:wasDerivedFrom`` and the sorted evidence kinds of its sources (an untyped source
    counts as a document: ``quoted``), from the subjects of each source (:func:`_derived`). Sources are few: one
    dict per source, merged where subjects have several."""
    basis: dict[str, tuple[str, ...]] = {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    untyped = rules.evidence_kind(())
    for source, subjects in derived:
        kind = kind_of.get(source, untyped)
        earlier = {subject: basis[subject] for subject in basis.keys() & subjects} if basis else {}
        basis.update(dict.fromkeys(subjects, shared.setdefault((kind,), (kind,))))
        for subject, before in earlier.items():  # also derived from an earlier source: every kind, once
            kinds = tuple(sorted({*before, kind}))
            basis[subject] = shared.setdefault(kinds, kinds)
    return basis


def _market_positions(
    rows: Iterable[Sequence[str | None]], policy: ProjectionPolicy, keys: _Keys, kind_of: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The market positions dated no later than ``as_of`` whose evidence the policy allows, each with its source
    title and ``basis`` (the evidence kinds of its sources)."""
    as_of = policy.as_of_date()
    positions: dict[tuple[str, float], dict[str, Any]] = {}
    for position, holder, market, year_text, share_text, source, title in rows:
        assert position is not None and holder is not None and market is not None
        year_start = parse_date(year_text)
        share = _number(share_text)
        if share is None or (year_start is not None and year_start > as_of):
            continue
        key = (position, share)  # two shares on one position are two entries: the share checks report them
        entry = positions.get(key)
        if entry is None:
            entry = positions[key] = {
                "holder": holder,
                "market": keys[market],
                "year": year_start.year if year_start is not None else None,
                "share": share,
                "source": title or source,
                "position": position,
                "basis": (),
            }
        elif title is not None:
            entry["source"] = title
        if source is not None:
            entry["basis"] = tuple(sorted({*entry["basis"], kind_of.get(source) or rules.evidence_kind(())}))
    found = [entry for entry in positions.values() if policy.allows(entry["basis"])]
    return sorted(found, key=lambda p: (p["market"], -(p["year"] or 0), -p["share"], p["holder"]))


def entity_names(G: nx.Graph) -> dict[str, tuple[str, ...]]:
    """Return each node of ``G`` with the names it is known by (label and aliases), for name lookup."""
    return {
        node: tuple(n for n in (data.get("label"), *data.get("aliases", ())) if n) for node, data in G.nodes(data=True)
    }


def resolve_entity(G: nx.Graph, name: str, names: Mapping[str, Iterable[str]] | None = None) -> str:
    """Return the node of ``G`` that ``name`` designates: its IRI, local name, label or an alias (any case).

    Raises
    ------
    stackgraph.errors.UnknownEntityError
        Nothing matches (the message suggests the closest names) or the name is ambiguous.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/stackgraph/id/SpaceX", label="SpaceX", aliases=())
    >>> resolve_entity(G, "spacex")
    'https://w3id.org/stackgraph/id/SpaceX'
    """
    return resolve_name(name, names if names is not None else entity_names(G))
