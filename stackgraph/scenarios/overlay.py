"""Play a scenario forward on an overlay: the store's graphs plus ONE named graph holding the scenario's deals.

The baseline store and its source files are never touched: :func:`apply_scenario` works on
:meth:`KnowledgeStore.branch` (the same engine, nothing copied; the scenario graph is the branch's own, which the
baseline does not see; a store on disk is copied into memory) and adds the graph
``urn:stackgraph:graph:scenario-<slug>``. In it, every step becomes
real deal nodes with status ``sg:Hypothetical``, derived from the scenario (a ``sg:ScenarioSource`` with a title
and description); the projection counts them in the "after" view whatever their status. Changes to existing
deals are new deals that ``sg:supersedes`` the old ones:

=============  ==========================================================================================
step           what is added to the scenario graph
=============  ==========================================================================================
acquire        an ``sg:Acquisition`` (acquirer, target, stake, price); it supersedes earlier acquisition
               deals between the two (talks, hypotheses) and, for a controlling stake, the control deals of
               the target's previous owners (their superseding copies end on the step's date)
divest         superseding copies, ending on the step's date, of the holder's deals over the target that
               count (acquisitions, ownerships, investments); after an acquire step of the same pair, only
               the acquisition that step created (the holder's earlier stakes and investments stay)
invest         an ``sg:Investment``
partner        an ``sg:Partnership``
add-supply     an ``sg:Supply`` (input layer, supplied item)
cut-supply     superseding copies, ending on the step's date, of the supply deals between the two
set-status     a superseding copy of the deal; a status that is not in effect (rumoured, in-talks,
               announced, pending, terminated) also ends the copy on the step's date, so it stops counting
sparql-update  the update's inserts (it reads the whole overlay; it may only write the scenario graph)
=============  ==========================================================================================

Each step is checked against the state left by the steps before it (names resolve with suggestions; no
self-acquisition; no acquisition of what the acquirer already controls; no divest of what is not held).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import pyoxigraph as ox

from stackgraph.errors import InputError, ScenarioError, StackgraphError, UnknownEntityError
from stackgraph.scenarios.model import DEAL_TYPES, Scenario, Step, parse_date
from stackgraph.vocabulary import rules, terms
from stackgraph.vocabulary.names import concept_key, local_name, resolve_name
from stackgraph.vocabulary.terms import ID_IRI, SG

if TYPE_CHECKING:
    from stackgraph.store import KnowledgeStore

__all__ = [
    "MAX_STEPS",
    "Overlay",
    "StepEffect",
    "StepProgress",
    "apply_scenario",
    "control_closure",
    "controlled_by",
    "is_control_claim",
]

#: The most steps a scenario plays (a what-if of a few deals to a few hundred; more is split into scenarios).
MAX_STEPS = 1_000

#: ``progress(done, total, summary)``, called after each step of a scenario.
StepProgress = Callable[[int, int, str], object]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_DCT = "http://purl.org/dc/terms/"

#: Predicates copied from an old deal onto its superseding copy: its parties (every role property of the deal
#: classes) and its terms.
_COPIED = frozenset(
    [
        *(role for each in terms.DEAL_CLASSES for role in (*each.actor_roles, *each.counterparty_roles)),
        *(role for each in terms.DEAL_CLASSES for role in each.mutual_roles),
        SG.stakePercent,
        SG.amount,
        SG.currency,
        SG.sharePrice,
        SG.inputLayer,
        SG.suppliedItem,
        SG.purpose,
        SG.announcedDate,
        SG.effectiveDate,
    ]
)
_DEAL_CLASSES = frozenset(DEAL_TYPES.values())
_SCENARIO_STATUS = next(status.iri for status in terms.STATUSES if status.key == terms.SCENARIO_STATUS)
_FORBIDDEN_UPDATE = re.compile(r"\b(GRAPH|WITH|USING|INTO|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", re.IGNORECASE)


@dataclass(frozen=True)
class StepEffect:
    """What one step did: the deals it added and the deals they supersede, with a one-line summary."""

    index: int
    kind: str
    summary: str
    added: tuple[str, ...] = ()
    superseded: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    #: the status the step gives its deals (set-status); ``None``: hypothetical, in effect in the "after" view
    status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the effect as plain data."""
        return {
            "index": self.index,
            "kind": self.kind,
            "summary": self.summary,
            "status": self.status,
            "added": list(self.added),
            "superseded": list(self.superseded),
            "parties": list(self.parties),
        }


@dataclass
class Overlay:
    """A scenario played forward: the overlay store (a branch of the baseline holding the scenario graph).

    Attributes
    ----------
    scenario : Scenario
    store : KnowledgeStore
        A branch of the baseline (:meth:`KnowledgeStore.branch`): its graphs and the scenario graph.
    baseline_graphs : tuple of str
        The baseline's named graphs (the "before" view reads these only).
    as_of : str
        The day both views show (ISO date).
    effects : list of StepEffect
        What each step did, in order.
    undated : {"include", "exclude"}
        Whether deals without a date count in both views (by default they do: a scenario is played on what is
        known now, and undated deals were reported as current).
    evidence : frozenset of str or None
        The evidence kinds deals and market positions must rest on (``None``: any); the "after" view always
        counts the scenario's own deals.
    """

    scenario: Scenario
    store: KnowledgeStore
    baseline_graphs: tuple[str, ...]
    as_of: str
    effects: list[StepEffect] = field(default_factory=list)
    undated: str = "include"
    evidence: frozenset[str] | None = None
    # the "before" view under the default statuses and its control graph: the baseline does not change, so they
    # are built once
    _before: nx.MultiDiGraph | None = field(default=None, repr=False, compare=False)
    _before_control: nx.DiGraph | None = field(default=None, repr=False, compare=False)

    @property
    def graph_iri(self) -> str:
        """The scenario's named graph."""
        return self.scenario.graph_iri

    @property
    def after_graphs(self) -> tuple[str, ...]:
        """The named graphs of the "after" view: the baseline's plus the scenario's."""
        return (*self.baseline_graphs, self.graph_iri)

    def policy(self, *, after: bool = True, statuses: Iterable[str] | None = None) -> rules.DealPolicy:
        """The deal policy of the "after" (default) or "before" view: the scenario's as-of date, ``statuses``
        (default: completed and active), the overlay's undated and evidence choices."""
        evidence = self.evidence
        if evidence is not None and after:
            evidence = evidence | {"scenario"}
        chosen = rules.parse_statuses(None if statuses is None else list(statuses))
        return rules.DealPolicy(self.as_of, chosen, undated=self.undated, evidence=evidence)

    def project(self, *, after: bool = True, statuses: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """Project the "after" (default) or "before" view at the scenario's as-of date. The "before" view under
        the default statuses is projected once and the same graph returned after (do not modify it)."""
        from stackgraph.projection import project

        if not after and statuses is None and self._before is not None:
            return self._before
        policy = self.policy(after=after, statuses=statuses)
        G = project(self.store, policy, graphs=list(self.after_graphs if after else self.baseline_graphs))
        if not after and statuses is None:
            self._before = G
        elif after and statuses is None and self._before is not None:
            _share_attributes(G, self._before)
        return G

    def before_control(self) -> nx.DiGraph:
        """The control graph (:func:`stackgraph.analysis.control.control_graph`) of the "before" view, built once."""
        from stackgraph.analysis.control import control_graph

        if self._before_control is None:
            self._before_control = control_graph(self.project(after=False))
        return self._before_control

    def turtle(self) -> bytes:
        """Return the scenario graph alone as Turtle (what ``--save`` writes)."""
        return self.store.export("turtle", graphs=[self.graph_iri], derived=False)

    def triples(self) -> int:
        """Return the number of triples in the scenario graph."""
        return sum(1 for _ in self.store.quads(self.graph_iri))


# ---------------------------------------------------------------------------------------------------------------
# control (used for the checks; mirrors the analysis layer's definition of control)
# ---------------------------------------------------------------------------------------------------------------


def controlled_by(G: nx.MultiDiGraph, holder: str, *, control: nx.DiGraph | None = None) -> dict[str, str]:
    """Return every entity ``holder`` controls, directly or through others, each with the member it is held by.

    Control is the analysis layer's (:func:`stackgraph.analysis.control.control_graph`): counting acquisitions
    and ownerships with no stake or a stake above 50 %, and developments (a product belongs to its developer).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d1", relation="acquires", status="completed", stake=None)
    'd1'
    >>> G.add_edge("B", "C", key="d2", relation="controls", stake=60.0)
    'd2'
    >>> controlled_by(G, "A")
    {'B': 'A', 'C': 'B'}
    """
    from stackgraph.analysis.control import control_graph

    C = control if control is not None else control_graph(G)
    found: dict[str, str] = {}
    if holder not in C:
        return found
    for parent, child in nx.bfs_edges(C, holder):
        if child != holder:
            found[child] = parent
    return found


def control_closure(G: nx.MultiDiGraph, node: str, *, control: nx.DiGraph | None = None) -> set[str]:
    """Return ``node`` and everything it controls (its own subtree of control)."""
    return {node, *controlled_by(G, node, control=control)}


# ---------------------------------------------------------------------------------------------------------------
# applying a scenario
# ---------------------------------------------------------------------------------------------------------------


def apply_scenario(
    store: KnowledgeStore,
    scenario: Scenario,
    *,
    as_of: str | None = None,
    progress: StepProgress | None = None,
    max_steps: int = MAX_STEPS,
    undated: str | None = None,
    evidence: Iterable[str] | None = None,
) -> Overlay:
    """Play ``scenario`` forward on a branch of ``store`` (:meth:`~stackgraph.store.KnowledgeStore.branch`) and
    return the :class:`Overlay`.

    Each step is checked against the state the steps before it leave. A step that adds a deal (invest, partner,
    add-supply) costs the same whatever its position; a step that needs the control structure (acquire, divest,
    cut-supply, set-status) re-reads the overlay's projection, some 50 ms on the shipped graphs. Hence a limit
    on the number of steps, and ``progress`` to show where a long scenario is.

    Parameters
    ----------
    store : KnowledgeStore
        The baseline. It is not modified.
    scenario : Scenario
        The steps to play.
    as_of : str, optional
        Override the scenario's as-of date (ISO, partial allowed).
    progress : callable, optional
        Called as ``progress(done, total, summary)`` after each step.
    max_steps : int
        The most steps played (:data:`MAX_STEPS`, 1,000, by default); a longer scenario is refused before any
        work with a :class:`ScenarioError`.
    undated : {"include", "exclude"}, optional
        Whether undated deals count (default ``include``: see :class:`Overlay`).
    evidence : iterable of str, optional
        The evidence kinds that count (default: any).

    Raises
    ------
    ScenarioError
        A step names an unknown entity (with suggestions) or cannot apply (self-acquisition, acquiring what the
        acquirer already controls, divesting what is not held, cutting a supply that does not exist, an update
        that writes outside the scenario graph, ...). The message names the step and the field.

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> from stackgraph.scenarios.model import parse_scenario
    >>> store = KnowledgeStore.with_shipped_graphs()
    >>> scenario = parse_scenario({"name": "SpaceX buys Nokia", "as_of": "2026-07-01",
    ...     "steps": [{"kind": "acquire", "acquirer": "SpaceX", "target": "Nokia"}]})
    >>> overlay = apply_scenario(store, scenario)
    >>> overlay.effects[0].summary
    'SpaceX acquires Nokia (100% stake)'
    >>> scenario.graph_iri in store.graph_names()
    False
    """
    if len(scenario.steps) > max_steps:
        raise ScenarioError(
            f"{scenario.origin}: {len(scenario.steps):,} steps; a scenario plays at most {max_steps:,} (each step is "
            "checked against the state the steps before it leave): split it into several scenarios"
        )
    if as_of is not None:
        try:
            as_of = parse_date(as_of)
        except ValueError as error:
            raise ScenarioError(f"as_of: {error}") from None
    day = scenario.effective_as_of() if as_of is None else _end_of(as_of)
    for step in scenario.steps:
        date = step.get("date")
        if date is not None and _start_of(date) > day:
            raise step.error("date", f"{date} is after the as-of date {day}; the deal would not be in effect yet")
    baseline_graphs = tuple(store.graph_names())
    if scenario.graph_iri in baseline_graphs:
        raise ScenarioError(
            f"{scenario.origin}: the store already holds a scenario graph {scenario.graph_iri}; "
            "give the scenario another name (or slug)"
        )
    choice = rules.DealPolicy(day, undated=undated or "include", evidence=evidence)  # checks both values
    overlay = Overlay(
        scenario,
        store.branch([scenario.graph_iri]),
        baseline_graphs,
        day,
        undated=choice.undated_rule,
        evidence=choice.evidence,
    )
    try:
        _Player(overlay).play(progress)
    except BaseException:
        overlay.store.close()  # the baseline's engine keeps nothing of a scenario that failed
        raise
    return overlay


def _share_attributes(G: nx.MultiDiGraph, base: nx.MultiDiGraph) -> None:
    """Let the new projection ``G`` hold ``base``'s attribute dicts wherever its own are equal (the entities and
    the deals a scenario leaves alone): the "after" view then costs little more memory than its adjacency. Both
    views are read-only to everything that takes them (analyses never modify their input)."""
    nodes, base_nodes = G._node, base._node
    for node, data in nodes.items():
        same = base_nodes.get(node)
        if same is not None and same == data:
            nodes[node] = same
    base_succ = base._succ
    for u, neighbours in G._succ.items():
        base_neighbours = base_succ.get(u)
        if not base_neighbours:
            continue
        for v, keys in neighbours.items():  # a key dict is shared by the successor and predecessor maps
            base_keys = base_neighbours.get(v)
            if base_keys:
                for key, data in keys.items():
                    same = base_keys.get(key)
                    if same is not None and same == data:
                        keys[key] = same


def _iri_term(iri: str) -> str:
    """``iri`` as a SPARQL IRI term (``<...>``), checked by pyoxigraph: text that is not an IRI (and so could not be
    written into a query safely) is refused with a :class:`ScenarioError`."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as error:
        raise ScenarioError(f"{iri!r} is not an IRI: {error}") from None


def _end_of(iso: str) -> str:
    return rules.parse_date(iso, end=True).isoformat()  # type: ignore[union-attr]  # checked when parsed


def _start_of(iso: str) -> str:
    return rules.parse_date(iso).isoformat()  # type: ignore[union-attr]  # checked when parsed


class _Player:
    """Applies the steps one by one, keeping the scenario graph's triples and the current projected state."""

    def __init__(self, overlay: Overlay) -> None:
        self.overlay = overlay
        self.scenario = overlay.scenario
        self.store = overlay.store
        # the scenario graph's triples, in order (a dict as an ordered set: membership in constant time)
        self.triples: dict[ox.Triple, None] = {}
        # what the store's scenario graph holds: the first _flushed_len triples (new ones are added at the end),
        # less _unflushed_removals
        self._flushed: set[ox.Triple] = set()
        self._flushed_len = 0
        self._unflushed_removals: list[ox.Triple] = []
        self._state: nx.MultiDiGraph | None = None
        self._control: nx.DiGraph | None = None
        # entity names, kinds, labels and layers: the same after every step (only a sparql-update may add some),
        # so steps that need no control check never wait for a new projection
        self._names: dict[str, tuple[str, ...]] | None = None
        self._kinds: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._layers: dict[str, tuple[str, str]] | None = None
        # (acquirer, target) -> the acquisition an acquire step of this scenario created: what a later divest ends
        self._acquired: dict[tuple[str, str], str] = {}
        source = ox.NamedNode(self.scenario.source_iri)
        self._add(source, _RDF_TYPE, ox.NamedNode(SG.ScenarioSource))
        self._add(source, _DCT + "title", ox.Literal(self.scenario.name))
        if self.scenario.description:
            self._add(source, _DCT + "description", ox.Literal(self.scenario.description))
        self._add(source, _DCT + "date", _date_literal(overlay.as_of))
        self._flush()
        self._pristine = True  # no step has written the scenario graph yet

    # -- bookkeeping --------------------------------------------------------------------------------------

    def _add(self, subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: Any) -> None:
        self.triples[ox.Triple(subject, ox.NamedNode(predicate), obj)] = None

    def _discard(self, triples: Iterable[ox.Triple]) -> None:
        """Remove triples from the scenario graph (at the next flush)."""
        for triple in list(triples):
            if triple not in self.triples:
                continue
            del self.triples[triple]
            if triple in self._flushed:
                self._unflushed_removals.append(triple)
                self._flushed_len -= 1

    def _since_flush(self) -> list[ox.Triple]:
        """The triples added since the last flush (the current step's)."""
        return list(itertools.islice(self.triples, self._flushed_len, None))

    def _flush(self) -> None:
        """Bring the store's scenario graph up to date: only the triples added or removed since the last flush
        are written, so a step costs the same whatever the number of steps before it."""
        added, removed = self._since_flush(), self._unflushed_removals
        self._pristine = False
        blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in added + removed)
        if not self._flushed or blank:  # the first time, or blank nodes (a DATA block cannot name them): reload
            out = io.BytesIO()
            ox.serialize(self.triples, out, ox.RdfFormat.N_TRIPLES)
            self.store.load_data(out.getvalue(), self.scenario.graph_iri, "ntriples", label=self.scenario.origin)
            self._flushed = set(self.triples)
        elif added or removed:
            graph = f"<{self.scenario.graph_iri}>"
            parts = [f"DELETE DATA {{ GRAPH {graph} {{ {_ntriples(removed)} }} }}"] if removed else []
            parts += [f"INSERT DATA {{ GRAPH {graph} {{ {_ntriples(added)} }} }}"] if added else []
            self.store.update(" ;\n".join(parts))
            self._flushed.difference_update(removed)
            self._flushed.update(added)
        self._flushed_len = len(self.triples)
        self._unflushed_removals = []
        self._state = None
        self._control = None

    def state(self) -> nx.MultiDiGraph:
        """The "after" view of the steps applied so far (before the first step's triples are written, the
        "before" view: the scenario graph holds only its source, which adds no entity, deal or position)."""
        if self._state is None:
            self._state = self.overlay.project(after=not self._pristine)
        return self._state

    def control(self) -> nx.DiGraph:
        """The control graph of :meth:`state`, built once per state (the "before" view's is the overlay's)."""
        if self._control is None:
            from stackgraph.analysis.control import control_graph

            state = self.state()
            self._control = self.overlay.before_control() if self._pristine else control_graph(state)
        return self._control

    def names(self) -> dict[str, tuple[str, ...]]:
        if self._names is None:
            from stackgraph.projection import entity_names

            state = self.state()
            self._names = {n: names for n, names in entity_names(state).items() if state.nodes[n].get("kind")}
            self._kinds = {n: state.nodes[n]["kind"] for n in self._names}
            self._labels = {n: str(d.get("label") or local_name(n)) for n, d in state.nodes(data=True)}
            layers = state.graph.get("layers", {})
            self._layers = {info["iri"]: (key, info.get("label") or key) for key, info in layers.items()}
        return self._names

    def forget_names(self) -> None:
        """Read names, labels and layers again at the next step (after a step that may have added some)."""
        self._names = None
        self._layers = None

    def label(self, iri: str) -> str:
        self.names()
        return self._labels.get(iri) or local_name(iri)

    def resolve(self, step: Step, field_name: str, value: str | None = None, *, organization: bool = False) -> str:
        name = step.get(field_name) if value is None else value
        try:
            iri = resolve_name(name, self.names())
        except UnknownEntityError as error:
            raise step.error(field_name, str(error)) from None
        if organization and self._kinds.get(iri) != "organization":
            raise step.error(field_name, f"{name!r} is a {self._kinds.get(iri)}, not an organisation")
        return iri

    def layer(self, step: Step, field_name: str) -> str:
        self.names()
        try:
            return resolve_name(step.get(field_name), self._layers or {}, what="layer")
        except UnknownEntityError as error:
            raise step.error(field_name, str(error)) from None

    def new_deal(self, step: Step, suffix: str = "") -> ox.NamedNode:
        base = f"{ID_IRI}scenario-{self.scenario.slug}-{step.index}-{step.kind}"
        return ox.NamedNode(base + (f"-{suffix}" if suffix else ""))

    def deal_header(self, deal: ox.NamedNode, cls: str, label: str) -> None:
        """Type a new scenario deal (``cls``: its class IRI), label it, give it the scenario status and source."""
        self._add(deal, _RDF_TYPE, ox.NamedNode(cls))
        self._add(deal, _RDFS_LABEL, ox.Literal(label))
        self._add(deal, SG.status, ox.NamedNode(_SCENARIO_STATUS))
        self._add(deal, _PROV_DERIVED, ox.NamedNode(self.scenario.source_iri))

    def date_of(self, step: Step) -> str:
        return step.get("date") or self.overlay.as_of

    # -- deals already in the store ------------------------------------------------------------------------

    def deals_between(self, actor: str, counterparty: str | None, classes: Iterable[str]) -> list[dict[str, Any]]:
        """Deals of the given classes (IRIs) where ``actor`` acts towards ``counterparty`` (or takes part, for
        partnerships), in the overlay so far, with whether each counts now."""
        state = self.state()
        counting = {key for _, _, key in state.edges(keys=True)}
        # The parties are written into the query as IRI constants (validated and serialised by pyoxigraph), so
        # that the engine starts from them through its indexes; as substituted variables it scanned every deal.
        one = _iri_term(actor)
        if counterparty is None:
            pattern = f"?deal ?role {one} . ?role rdfs:subPropertyOf* sg:party ."
        else:
            other = _iri_term(counterparty)
            partners = f"UNION {{ ?deal sg:partner {one}, {other} . }}" if actor != counterparty else ""
            pattern = f"""{{ ?deal ?ar {one} . ?ar rdfs:subPropertyOf* sg:actor .
                           ?deal ?cr {other} . ?cr rdfs:subPropertyOf* sg:counterparty . }} {partners}"""
        # deal nodes only: the derived direct properties are not read (nor derived for the overlay)
        rows = self.store.select(
            f"""SELECT DISTINCT ?deal ?type ?status ?ended WHERE {{
                  ?deal a ?type . {pattern}
                  OPTIONAL {{ ?deal sg:status ?status }}
                  OPTIONAL {{ ?deal sg:endDate ?ended }}
                }}""",
            graphs=list(self.overlay.after_graphs),
            derived=False,
        )
        wanted = set(classes)
        found_deals = " ".join(sorted({_iri_term(row["deal"]) for row in rows if row["type"] in wanted}))
        superseded = (
            {
                r["older"]
                for r in self.store.select(
                    f"SELECT ?older WHERE {{ VALUES ?older {{ {found_deals} }} ?newer sg:supersedes ?older }}",
                    derived=False,
                )
            }
            if found_deals
            else set()
        )
        found = []
        for row in rows:
            if row["type"] not in wanted:
                continue
            found.append(
                {
                    "deal": row["deal"],
                    "type": row["type"],
                    "status": rules.status_key(row["status"]) if "status" in row else None,
                    "ended": row.get("ended"),
                    "counts": row["deal"] in counting,
                    "superseded": row["deal"] in superseded,
                }
            )
        return sorted(found, key=lambda d: d["deal"])

    def copy_deal(self, step: Step, old: str, new: ox.NamedNode, label: str) -> None:
        """Add ``new`` as a superseding copy of ``old`` (its type, parties and terms; not its status/provenance)."""
        cls = None
        for quad in self.store.quads(subject=old):
            predicate = quad.predicate.value
            if predicate == _RDF_TYPE and quad.object.value in _DEAL_CLASSES:
                cls = quad.object.value
            elif predicate in _COPIED and not isinstance(quad.object, ox.BlankNode):
                self.triples[ox.Triple(new, quad.predicate, quad.object)] = None
        if cls is None:
            raise step.error(None, f"{old} is not a deal")
        self.deal_header(new, cls, label)
        self._add(new, SG.supersedes, ox.NamedNode(old))

    # -- the steps -----------------------------------------------------------------------------------------

    def play(self, progress: StepProgress | None = None) -> None:
        total = len(self.scenario.steps)
        for done, step in enumerate(self.scenario.steps, start=1):
            handler = getattr(self, "step_" + step.kind.replace("-", "_"))
            try:
                effect = handler(step)
            except ScenarioError:
                raise
            except StackgraphError as error:
                raise step.error(None, str(error)) from None
            self._flush()
            self.overlay.effects.append(effect)
            if progress is not None:
                progress(done, total, effect.summary)

    def step_acquire(self, step: Step) -> StepEffect:
        acquirer = self.resolve(step, "acquirer", organization=True)
        target = self.resolve(step, "target")
        a_label, t_label = self.label(acquirer), self.label(target)
        if acquirer == target:
            raise step.error("target", f"self-acquisition: {a_label} cannot acquire itself")
        state = self.state()
        held = controlled_by(state, acquirer, control=self.control())
        stake = step.get("stake", 100.0)
        if target in held:
            via = held[target]
            how = "directly" if via == acquirer else f"through {self.label(via)}"
            raise step.error("target", f"{a_label} already controls {t_label} ({how})")
        if acquirer in controlled_by(state, target, control=self.control()) and stake > 50:
            raise step.error("target", f"{t_label} controls {a_label}; acquiring it would make a control cycle")
        deal = self.new_deal(step)
        self.deal_header(deal, SG.Acquisition, f"Scenario: {a_label} acquires {t_label}")
        self._add(deal, SG.acquirer, ox.NamedNode(acquirer))
        self._add(deal, SG.target, ox.NamedNode(target))
        self._add(deal, SG.stakePercent, _decimal(stake))
        self._add(deal, SG.effectiveDate, _date_literal(self.date_of(step)))
        if step.get("price") is not None:
            self._add(deal, SG.amount, _decimal(step.get("price")))
            self._add(deal, SG.currency, ox.Literal(step.get("currency", "USD")))
        superseded = []
        for old in self.deals_between(acquirer, target, [SG.Acquisition]):
            if not old["superseded"]:
                self._add(deal, SG.supersedes, ox.NamedNode(old["deal"]))
                superseded.append(old["deal"])
        if stake > 50:
            # the target's previous owners lose control from the step's date
            for parent, _, key, data in state.in_edges(target, keys=True, data=True):
                if parent != acquirer and is_control_claim(data):
                    copy = self.new_deal(step, f"sold-by-{_slug(local_name(parent))}")
                    self.copy_deal(step, key, copy, f"Scenario: {self.label(parent)} sells {t_label} to {a_label}")
                    self._add(copy, SG.endDate, _date_literal(self.date_of(step)))
                    superseded.append(key)
        self._acquired[(acquirer, target)] = deal.value
        text = f"{a_label} acquires {t_label} ({_pct(stake)} stake)"
        return StepEffect(step.index, step.kind, text, (deal.value,), tuple(superseded), (acquirer, target))

    def step_divest(self, step: Step) -> StepEffect:
        holder = self.resolve(step, "holder", organization=True)
        target = self.resolve(step, "target")
        h_label, t_label = self.label(holder), self.label(target)
        deals = [
            d for d in self.deals_between(holder, target, [SG.Acquisition, SG.Ownership, SG.Investment]) if d["counts"]
        ]
        created = self._acquired.get((holder, target))
        if any(d["deal"] == created for d in deals):
            # divesting what this scenario acquired ends that acquisition only, not the holder's earlier stakes
            deals = [d for d in deals if d["deal"] == created]
        if not deals:
            held = controlled_by(self.state(), holder, control=self.control())
            if target in held:
                raise step.error(
                    "target",
                    f"{h_label} does not hold {t_label} directly (it is held through {self.label(held[target])}); "
                    f"divest it from {self.label(held[target])}",
                )
            raise step.error("target", f"divest of something not held: {h_label} holds no stake in {t_label}")
        added = []
        for n, old in enumerate(deals, start=1):
            new = self.new_deal(step, str(n) if len(deals) > 1 else "")
            self.copy_deal(step, old["deal"], new, f"Scenario: {h_label} divests {t_label}")
            self._add(new, SG.endDate, _date_literal(self.date_of(step)))
            added.append(new.value)
        text = f"{h_label} divests {t_label} ({len(deals)} deal{'s' * (len(deals) != 1)} ended)"
        return StepEffect(step.index, step.kind, text, tuple(added), tuple(d["deal"] for d in deals), (holder, target))

    def new_two_party_deal(
        self, step: Step, deal_class: str, verb: str, refusal: str
    ) -> tuple[ox.NamedNode, str, str, str]:
        """Start a scenario deal of ``deal_class`` (an IRI) between the entities the step names in the fields named
        after the class's role properties (``investor``/``investee``, ``supplier``/``customer``), effective at the
        step's date; returns the deal, both entities and the label "Scenario: <actor> <verb> <counterparty>". An
        entity facing itself is refused with "<actor> cannot <refusal> itself"."""
        cls = rules.deal_class(deal_class)
        actor_property, counterparty_property = cls.actor_roles[0], cls.counterparty_roles[0]
        actor_role, counterparty_role = local_name(actor_property), local_name(counterparty_property)
        actor = self.resolve(step, actor_role)
        counterparty = self.resolve(step, counterparty_role)
        if actor == counterparty:
            raise step.error(counterparty_role, f"{self.label(actor)} cannot {refusal} itself")
        deal = self.new_deal(step)
        label = f"Scenario: {self.label(actor)} {verb} {self.label(counterparty)}"
        self.deal_header(deal, deal_class, label)
        self._add(deal, actor_property, ox.NamedNode(actor))
        self._add(deal, counterparty_property, ox.NamedNode(counterparty))
        self._add(deal, SG.effectiveDate, _date_literal(self.date_of(step)))
        return deal, actor, counterparty, label

    def step_invest(self, step: Step) -> StepEffect:
        deal, investor, investee, label = self.new_two_party_deal(step, SG.Investment, "invests in", "invest in")
        if step.get("amount") is not None:
            self._add(deal, SG.amount, _decimal(step.get("amount")))
            self._add(deal, SG.currency, ox.Literal(step.get("currency", "USD")))
        if step.get("stake") is not None:
            self._add(deal, SG.stakePercent, _decimal(step.get("stake")))
        return StepEffect(
            step.index, step.kind, label.removeprefix("Scenario: "), (deal.value,), (), (investor, investee)
        )

    def step_partner(self, step: Step) -> StepEffect:
        partners = [self.resolve(step, "partners", name) for name in step.get("partners")]
        if len(set(partners)) != len(partners):
            raise step.error("partners", "names the same entity twice")
        deal = self.new_deal(step)
        labels = [self.label(p) for p in partners]
        label = f"Scenario: {' and '.join(labels)} partner"
        self.deal_header(deal, SG.Partnership, label)
        for partner in partners:
            self._add(deal, SG.partner, ox.NamedNode(partner))
        if step.get("purpose"):
            self._add(deal, SG.purpose, ox.Literal(step.get("purpose")))
        self._add(deal, SG.effectiveDate, _date_literal(self.date_of(step)))
        return StepEffect(step.index, step.kind, label.removeprefix("Scenario: "), (deal.value,), (), tuple(partners))

    def step_add_supply(self, step: Step) -> StepEffect:
        deal, supplier, customer, label = self.new_two_party_deal(step, SG.Supply, "supplies", "supply")
        layer = None
        if step.get("layer"):
            layer = self.layer(step, "layer")
            self._add(deal, SG.inputLayer, ox.NamedNode(layer))
        if step.get("item"):
            item = self.resolve(step, "item")
            if self._kinds.get(item) != "product":
                raise step.error("item", f"{step.get('item')!r} is a {self._kinds.get(item)}, not a product")
            self._add(deal, SG.suppliedItem, ox.NamedNode(item))
        text = label.removeprefix("Scenario: ") + (f" ({concept_key(layer)})" if layer else "")
        return StepEffect(step.index, step.kind, text, (deal.value,), (), (supplier, customer))

    def step_cut_supply(self, step: Step) -> StepEffect:
        supplier = self.resolve(step, "supplier")
        customer = self.resolve(step, "customer")
        s_label, c_label = self.label(supplier), self.label(customer)
        layer = self.layer(step, "layer") if step.get("layer") else None
        deals = [
            d
            for d in self.deals_between(supplier, customer, [SG.Supply])
            if not d["superseded"] and d["status"] not in rules.ended_statuses() and not d["ended"]
        ]
        if layer is not None:
            layered = []
            for d in deals:
                rows = self.store.select(
                    "SELECT ?deal ?layer WHERE { ?deal sg:inputLayer ?layer }", {"deal": d["deal"]}, graphs=None
                )
                if any(r["layer"] == layer for r in rows):
                    layered.append(d)
            deals = layered
        if not any(d["counts"] for d in deals):
            what = f" {concept_key(layer)}" if layer else ""
            raise step.error("supplier", f"{s_label} does not supply{what} to {c_label}; nothing to cut")
        added = []
        for n, old in enumerate(deals, start=1):
            new = self.new_deal(step, str(n) if len(deals) > 1 else "")
            self.copy_deal(step, old["deal"], new, f"Scenario: {s_label} stops supplying {c_label}")
            self._add(new, SG.endDate, _date_literal(self.date_of(step)))
            added.append(new.value)
        text = f"{s_label} stops supplying {c_label} ({len(deals)} supply deal{'s' * (len(deals) != 1)} ended)"
        return StepEffect(
            step.index, step.kind, text, tuple(added), tuple(d["deal"] for d in deals), (supplier, customer)
        )

    def step_set_status(self, step: Step) -> StepEffect:
        status = step.get("status")
        old = self._find_deal(step)
        new = self.new_deal(step)
        deal_label = self._deal_label(old)
        self.copy_deal(step, old, new, f"Scenario: {deal_label} becomes {status}")
        # the step's date replaces the old effective date: the deal takes effect (or stops) then
        self._discard(t for t in self._since_flush() if t.subject == new and t.predicate.value == SG.effectiveDate)
        self._add(new, SG.effectiveDate, _date_literal(self.date_of(step)))
        self._add(new, _RDFS_COMMENT, ox.Literal(f"set-status: {status} in this scenario"))
        if not rules.in_effect_in_scenario(status):
            self._add(new, SG.endDate, _date_literal(self.date_of(step)))
        parties = tuple(
            sorted(
                {
                    q.object.value
                    for q in self.store.quads(subject=old)
                    if q.predicate.value in _COPIED
                    and isinstance(q.object, ox.NamedNode)
                    and q.object.value in self.names()
                }
            )
        )
        summary = f"{deal_label} becomes {status}"
        return StepEffect(step.index, step.kind, summary, (new.value,), (old,), parties, status=status)

    def _deal_label(self, deal: str) -> str:
        rows = self.store.select("SELECT ?deal ?label WHERE { ?deal rdfs:label ?label }", {"deal": deal}, graphs=None)
        return rows[0]["label"] if rows else local_name(deal)

    def _find_deal(self, step: Step) -> str:
        if step.get("deal"):
            rows = self.store.select(
                """SELECT ?deal ?label WHERE { ?deal a ?type . ?type rdfs:subClassOf sg:Deal .
                   OPTIONAL { ?deal rdfs:label ?label } }""",
                graphs=list(self.overlay.after_graphs),
            )
            names: dict[str, list[str]] = {}
            for row in rows:
                names.setdefault(row["deal"], [])
                if "label" in row:
                    names[row["deal"]].append(row["label"])
            try:
                return resolve_name(step.get("deal"), names, what="deal")
            except UnknownEntityError as error:
                raise step.error("deal", str(error)) from None
        cls = DEAL_TYPES[step.get("type")]
        parties = [self.resolve(step, "parties", name) for name in step.get("parties")]
        candidates = None
        for party in parties:
            rows = self.store.select(
                """SELECT DISTINCT ?deal ?type ?party
                   WHERE { ?deal a ?type ; ?role ?party . ?role rdfs:subPropertyOf* sg:party }""",
                {"type": cls, "party": party},
                graphs=list(self.overlay.after_graphs),
            )
            found = {r["deal"] for r in rows}
            candidates = found if candidates is None else candidates & found
        superseded = {r["older"] for r in self.store.select("SELECT ?older WHERE { ?n sg:supersedes ?older }")}
        live = sorted((candidates or set()) - superseded)
        names_text = " and ".join(self.label(p) for p in parties)
        if not live:
            raise step.error("parties", f"no {step.get('type')} deal between {names_text}")
        if len(live) > 1:
            listed = ", ".join(local_name(d) for d in live[:5])
            raise step.error(
                "parties", f"several {step.get('type')} deals between {names_text} ({listed}); name one with 'deal'"
            )
        return live[0]

    def step_sparql_update(self, step: Step) -> StepEffect:
        from stackgraph.scenarios.sandbox import check_update
        from stackgraph.store import PREFIXES

        text = step.get("update")
        try:
            check_update(text, PREFIXES)  # parsed: only INSERT/DELETE of the scenario graph, nothing reaches out
        except InputError as error:
            raise step.error("update", str(error)) from None
        self.store.ensure_derived()
        graph_node = ox.NamedNode(self.scenario.graph_iri)
        before: set[ox.Triple] = set()
        scenario_triples: set[ox.Triple] = set()
        for quad in self.store.quads():
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            before.add(triple)
            if quad.graph_name == graph_node:
                scenario_triples.add(triple)
        scratch = ox.Store()
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in before)
        try:
            scratch.update(text, prefixes=PREFIXES)
        except SyntaxError as error:
            raise step.error("update", f"SPARQL syntax error: {error}") from None
        except (OSError, ValueError) as error:
            raise step.error("update", f"update failed: {error}") from None
        if any(True for _ in scratch.named_graphs()):
            raise step.error("update", "the update writes a named graph; it may only write the scenario graph")
        after = {ox.Triple(q.subject, q.predicate, q.object) for q in scratch.quads_for_pattern(None, None, None)}
        removed = before - after
        foreign = removed - scenario_triples
        if foreign:
            example = sorted(str(t) for t in foreign)[0]
            raise step.error(
                "update",
                f"the update deletes {len(foreign)} triple(s) of the baseline (e.g. {example}); "
                "scenarios never modify the baseline: add a superseding deal instead",
            )
        added = sorted(after - before, key=str)
        self._discard(removed)
        self.triples.update(dict.fromkeys(added))
        self.forget_names()  # the update may have added entities, labels or layers
        # new deal nodes without provenance or status come from the scenario and are hypothetical
        subjects = {t.subject for t in added if t.predicate.value == _RDF_TYPE and t.object.value in _DEAL_CLASSES}
        new_deals = []
        for subject in sorted(subjects, key=str):
            have = {t.predicate.value for t in self.triples if t.subject == subject}
            have |= {q.predicate.value for q in self.store.quads(subject=subject)}
            if _PROV_DERIVED not in have:
                self._add(subject, _PROV_DERIVED, ox.NamedNode(self.scenario.source_iri))
            if SG.status not in have:
                self._add(subject, SG.status, ox.NamedNode(_SCENARIO_STATUS))
            new_deals.append(subject.value)
        superseded = tuple(
            t.object.value for t in added if t.predicate.value == SG.supersedes and isinstance(t.object, ox.NamedNode)
        )
        summary = f"SPARQL update: {len(added)} triple(s) added, {len(removed)} removed"
        return StepEffect(step.index, step.kind, summary, tuple(new_deals), superseded, ())


def is_control_claim(data: Mapping[str, Any]) -> bool:
    """Return whether a projected edge is an acquisition or ownership that gives control (what a controlling
    acquisition ends for the target's previous owners): a claim by stake that gives control by the rulebook.

    Examples
    --------
    >>> is_control_claim({"relation": "controls", "stake": 60.0})
    True
    >>> is_control_claim({"relation": "acquires", "stake": 30.0}), is_control_claim({"relation": "develops"})
    (False, False)
    >>> is_control_claim({"relation": "controls", "status": "terminated", "stake": None})
    False
    """
    relation = data.get("relation")
    return relation in rules.claim_relations() and rules.gives_control(relation, data.get("status"), data.get("stake"))


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples text, which is also the syntax of a SPARQL ``INSERT DATA``/``DELETE DATA`` block."""
    out = io.BytesIO()
    ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES)
    return out.getvalue().decode("utf-8")


def _date_literal(iso: str) -> ox.Literal:
    return ox.Literal(iso, datatype=ox.NamedNode(rules.date_datatype(iso)))


def _decimal(value: float | int) -> ox.Literal:
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(int(value))
    if "." not in text:
        text += ".0"
    return ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))


def _pct(value: float) -> str:
    return f"{value:g}%"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"
