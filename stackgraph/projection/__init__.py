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

import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING

import networkx as nx

from stackgraph.projection._columns import Keys, by_value, first_by_value, to_number
from stackgraph.projection._edges import EDGE_DEFAULTS, DealEdges, pairs, role_sides
from stackgraph.projection._entities import add_entities, entity_names, layer_scheme, resolve_entity
from stackgraph.projection._evidence import basis_of, by_source, kinds_of_sources, market_positions, provenance_of
from stackgraph.projection._queries import Queries
from stackgraph.projection._view import View
from stackgraph.tsv import tsv_columns, tsv_rows
from stackgraph.vocabulary import rules, terms
from stackgraph.vocabulary.rules import DEFAULT_STATUSES, STATUS_KEYS, DealPolicy, parse_date, parse_statuses
from stackgraph.vocabulary.terms import SG

if TYPE_CHECKING:
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
_STATUS_KEY = {status.iri: status.key for status in terms.STATUSES}

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
    >>> from stackgraph.vocabulary.names import local_name
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
    keys = Keys()
    G = nx.MultiDiGraph()
    G.graph["as_of"] = as_of.isoformat()
    G.graph["statuses"] = tuple(s for s in STATUS_KEYS if s in policy.statuses)
    G.graph["graphs"] = None if graphs is None else tuple(graphs)
    G.graph["policy"] = policy.describe()
    with Queries(store, graphs) as queries:
        sides_of = role_sides(queries.rows("roles"))
        # Every other query is queued now, in the order its rows are read, so that the engine keeps ahead of the
        # folding: the entity scans and the sources on a second lane, beside the first deal scans, while there is
        # nothing to fold yet; then the values that decide which deals count, then the others, so that the
        # attribute dicts of the deals that count are complete when the parties arrive; the parties one relation
        # at a time, so that the edges of one go in while the engine reads the next.
        layers = queries.submit("layers")
        # the labels on the first lane, so that they are read while the second reads the kinds
        entities = [queries.submit("entity_kinds", lane=1)] + [
            queries.submit("property_values", property_iri=f"<{iri}>", lane=int(iri != _RDFS_LABEL))
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
            for relation, sides in sides_of.items()
        }
        if derived_from is None:
            derived_from = queries.submit("derived_from")
        provenance = queries.submit("provenance") if with_provenance else None
        positions = queries.submit("market_positions")

        G.graph["layers"] = layer_scheme(tsv_rows(layers.result()), keys)
        add_entities(G, *(tsv_columns(future.result()) for future in entities), keys=keys)
        view = View(
            policy,
            as_of,
            # a status outside the scheme keeps a key of its own (it counts only when a scenario brings the deal)
            status=first_by_value(timing["status"].result(), lambda iri: _STATUS_KEY.get(iri) or keys[iri]),
            announced=first_by_value(timing["announcedDate"].result()),
            effective=first_by_value(timing["effectiveDate"].result()),
            ended=first_by_value(timing["endDate"].result()),
            scenario={row[0] for row in tsv_rows(scenario.result()) if row[0] is not None},
        )
        kind_of = kinds_of_sources(tsv_rows(source_kinds.result()))
        derived: list[tuple[str, list[str]]] = []
        if by_evidence:
            derived = by_source(derived_from.result())
            view.set_basis(basis_of(derived, kind_of))
        superseding = [(newer, older) for newer, older in tsv_rows(supersedes.result()) if newer and older]
        edges = DealEdges(G, view.candidates(), view, deferred={older for _, older in superseding})
        converters = {"number": to_number, "concept": keys.__getitem__, "text": None}
        for name, future in values.items():
            attribute, kind = _VALUES[name]
            edges.fill_in(attribute, by_value(future.result(), converters[kind]))
        for relation, sides in parties.items():
            edges.add(relation, pairs({side: tsv_columns(future.result()) for side, future in sides.items()}))
        if not by_evidence:
            derived = by_source(derived_from.result())
            view.set_basis(basis_of(derived, kind_of))
        edges.fill_in_basis(view.basis)  # type: ignore[arg-type]
        hidden = {older for newer, older in superseding if view.hides(newer)}
        edges.hide(hidden)
        if provenance is not None:
            edges.fill_in_provenance(provenance_of(derived, tsv_rows(provenance.result())))
        edges.add_deferred()
        G.graph["undated"] = view.undated(edges.relation, hidden)
        G.graph["deal_nodes"] = dict(edges.counts)
        G.graph["market_positions"] = market_positions(tsv_rows(positions.result()), policy, keys, kind_of)
    return G
