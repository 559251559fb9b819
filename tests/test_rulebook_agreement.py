"""The rulebook's agreement property: on random small deal graphs, under random policies, every part of stackgraph
that answers "who controls whom" answers alike.

The control relation is asked of: the SPARQL side (the direct properties derived under the policy, the
``who-controls`` and ``group`` questions written for it), the analysis side (``control_graph`` of the projection)
and the what-if overlay's control check (``controlled_by`` / ``is_control_claim``). Graphs mix acquisitions,
ownerships, developments and supplies with every status, stakes around 50 %, full and partial start and end dates,
undated deals, supersedes chains, scenario deals and sources of every evidence kind; policies draw an as-of date,
a set of statuses, the undated rule and the evidence kinds.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackgraph.analysis.control import control_graph
from stackgraph.projection import project
from stackgraph.queries import load_question
from stackgraph.scenarios.overlay import controlled_by, is_control_claim
from stackgraph.store import KnowledgeStore
from stackgraph.vocabulary.rules import EVIDENCE, STATUS_KEYS, DealPolicy
from stackgraph.vocabulary.terms import STATUSES

ID = "https://w3id.org/stackgraph/id/"
GRAPH = "urn:stackgraph:graph:random"
PREFIXES = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix src: <https://w3id.org/stackgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
src:article a sg:Source .
src:data a sg:DatasetSource .
src:editors a sg:EditorialSource .
src:whatif a sg:ScenarioSource .
"""
SOURCES = {"quoted": "src:article", "dataset": "src:data", "editorial": "src:editors", "scenario": "src:whatif"}
STATUS_NAMES = {status.key: status.iri.rsplit("#", 1)[1] for status in STATUSES}
# (deal class, actor role, counterparty role)
KINDS = (
    ("Acquisition", "acquirer", "target"),
    ("Ownership", "owner", "owned"),
    ("Development", "developer", "product"),
    ("Supply", "supplier", "customer"),
)

dates = st.one_of(
    st.none(),
    st.integers(2019, 2027).map(str),
    st.tuples(st.integers(2019, 2027), st.integers(1, 12)).map(lambda ym: f"{ym[0]}-{ym[1]:02d}"),
    st.tuples(st.integers(2019, 2027), st.integers(1, 12), st.integers(1, 28)).map(
        lambda ymd: f"{ymd[0]}-{ymd[1]:02d}-{ymd[2]:02d}"
    ),
)


def _literal(text: str) -> str:
    kind = {1: "gYear", 2: "gYearMonth", 3: "date"}[len(text.split("-"))]
    return f'"{text}"^^xsd:{kind}'


@st.composite
def deal_graphs(draw) -> tuple[str, list[str]]:
    n = draw(st.integers(2, 5))
    entities = [f"e{i}" for i in range(n)]
    lines = [PREFIXES]
    for name in entities:
        kind = draw(st.sampled_from(["Organization", "Organization", "Product", "Person"]))
        lines.append(f'sgid:{name} a sg:{kind} ; rdfs:label "{name}" .')
    deals = []
    for d in range(draw(st.integers(1, 8))):
        cls, actor_role, counterparty_role = draw(st.sampled_from(KINDS))
        actor, counterparty = draw(st.sampled_from(entities)), draw(st.sampled_from(entities))
        status = draw(st.sampled_from(STATUS_KEYS))
        parts = [
            f"sgid:d{d} a sg:{cls}",
            f"sg:{actor_role} sgid:{actor}",
            f"sg:{counterparty_role} sgid:{counterparty}",
            f"sg:status sg:{STATUS_NAMES[status]}",
        ]
        stake = draw(st.sampled_from([None, None, 30, 50, 51, 100]))
        if stake is not None:
            parts.append(f'sg:stakePercent "{stake}"^^xsd:decimal')
        for prop in ("effectiveDate", "announcedDate", "endDate"):
            value = draw(dates) if draw(st.booleans()) else None
            if value is not None:
                parts.append(f"sg:{prop} {_literal(value)}")
        for kind in draw(st.lists(st.sampled_from(EVIDENCE), max_size=2, unique=True)):
            parts.append(f"prov:wasDerivedFrom {SOURCES[kind]}")
        if deals and draw(st.integers(0, 3)) == 0:
            parts.append(f"sg:supersedes sgid:{draw(st.sampled_from(deals))}")
        lines.append(" ;\n    ".join(parts) + " .")
        deals.append(f"d{d}")
    return "\n".join(lines) + "\n", [ID + name for name in entities]


policies = st.builds(
    DealPolicy,
    as_of=st.one_of(st.none(), dates.filter(lambda value: value is not None)),
    statuses=st.sets(st.sampled_from(STATUS_KEYS), min_size=1).map(frozenset),
    undated=st.sampled_from([None, "include", "exclude"]),
    evidence=st.one_of(st.none(), st.sets(st.sampled_from(EVIDENCE), min_size=1).map(frozenset)),
)

_STORE: list[KnowledgeStore] = []


def _store(turtle: str) -> KnowledgeStore:
    if not _STORE:
        _STORE.append(KnowledgeStore.with_shipped_graphs(include_shipped=False))
    store = _STORE[0]
    store.load_data(turtle, GRAPH)
    return store


def _closure(pairs: set[tuple[str, str]], nodes: list[str]) -> dict[str, set[str]]:
    """Each node with every node that controls it through one or more ties (itself too, in a cycle)."""
    C = nx.DiGraph(list(pairs))
    C.add_nodes_from(nodes)
    return {node: nx.ancestors(C, node) | ({node} if _in_cycle(C, node) else set()) for node in nodes}


def _in_cycle(C: nx.DiGraph, node: str) -> bool:
    return any(nx.has_path(C, successor, node) for successor in C.successors(node))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=deal_graphs(), policy=policies)
def test_sparql_analysis_and_overlay_agree_on_control(graph, policy) -> None:
    turtle, entities = graph
    store = _store(turtle)

    # the analysis side: the projection under the policy, its control graph
    G = project(store, policy, provenance=False)
    analysis = {(u, v) for u, v in control_graph(G).edges if u in entities and v in entities}

    # the SPARQL side: the direct properties derived under the same policy
    rows = store.select("SELECT ?a ?b WHERE { ?a sg:controls ?b }", policy=policy)
    derived = {(r["a"], r["b"]) for r in rows}
    assert derived == analysis, (turtle, policy)

    # the overlay's check: what each holder controls, and which ties claim control
    closure = _closure(analysis, entities)
    for holder in entities:
        held = set(controlled_by(G, holder)) if holder in G else set()
        assert held == {e for e in entities if holder in closure[e]} - {holder}, (turtle, policy, holder)
    claims = {(u, v) for u, v, data in G.edges(data=True) if is_control_claim(data)}
    assert claims <= analysis

    # the questions, written for the policy
    who = store.select(load_question("who-controls").sparql(policy), policy=policy)
    controllers: dict[str, set[str]] = {entity: set() for entity in entities}
    for row in who:
        controllers.setdefault(row["entity"], set()).add(row["controller"])
    assert {e: c for e, c in controllers.items() if e in entities} == closure, (turtle, policy)
    for row in who:  # every link has the deal behind it, and the deal counts under the policy
        assert (row["controller"], row["controls"]) in analysis
        assert "deal" in row and any(k == row["deal"] for _, _, k in G.edges(keys=True)), (turtle, policy, row)

    # every entity at once: the question's parameter given as a VALUES block rather than one query each
    entity_values = "VALUES ?entity { " + " ".join(f"<{e}>" for e in entities) + " }"
    group_text = load_question("group").sparql(policy).replace("WHERE {", "WHERE {\n  " + entity_values, 1)
    group = store.select(group_text, policy=policy)
    members: dict[str, set[str]] = {}
    for row in group:
        members.setdefault(row["entity"], set()).add(row["member"])
    for entity in entities:
        # an ultimate parent: everything above it is also below it (nobody outside its own cycle controls it)
        tops = {e for e in closure[entity] | {entity} if closure[e] <= _descendants(closure, e)}
        expected = set().union(*(_descendants(closure, top) | {top} for top in tops))
        assert members.get(entity, {entity}) == expected, (turtle, policy, entity)


def _descendants(closure: dict[str, set[str]], node: str) -> set[str]:
    return {e for e, above in closure.items() if node in above}
