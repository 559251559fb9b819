"""Target screening: rank every possible acquisition target of an acquirer by the effect of acquiring it.

An acquisition brings the target's own control group (its subsidiaries, products and facilities) into the
acquirer's group -- the group headed by the acquirer's ultimate parent. Screening evaluates that union
*incrementally*: it projects the graph once, computes the acquirer group's layers, outside suppliers and
neighbours once, precomputes each candidate's control closure, layers, supplier pairs and neighbours, and scores
the union deltas -- instead of replaying the acquisition and the whole analysis per candidate
(:func:`screen_naive` does that, for tests and the benchmark, and gives the same ranking).

Objectives (higher is better; ties broken by the secondary figure, then by label):

``coverage``      change of the group's coverage score (:func:`stackgraph.analysis.coverage.group_coverage`),
                  then of its integration depth
``dependencies``  net number of external dependencies removed -- (input layer, outside supplier) pairs of
                  :func:`stackgraph.analysis.dependencies.dependencies` -- then the number removed
``centrality``    change of the group's degree centrality (the share of the entities outside the group that a
                  deal ties to it; :func:`networkx.group_degree_centrality`), then of its number of neighbours

Candidates are the organisations outside the acquirer's group that do not control the acquirer. Each candidate
shown (:meth:`Screening.top`) also gets its merger-screen flags (``details["screens"]``,
:class:`stackgraph.analysis.mergers.TargetScreen`): in which markets concerned by the deal a 2023 US Merger
Guidelines presumption would be met, the EU non-horizontal safe harbour left, or the data cannot tell (a party
in the market without a known share, or no shares at all).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.analysis import graph_basis, label_of, node_for
from stackgraph.analysis.control import control_graph, control_group, ultimate_parents
from stackgraph.analysis.coverage import group_coverage
from stackgraph.analysis.dependencies import dependencies, supply_graph
from stackgraph.analysis.mergers import MergerContext, TargetScreen
from stackgraph.errors import InputError, ScenarioError, UnknownEntityError
from stackgraph.scenarios.overlay import is_control_claim

if TYPE_CHECKING:
    from stackgraph.store import KnowledgeStore

__all__ = ["OBJECTIVES", "Candidate", "Screening", "screen_graph", "screen_naive", "screen_targets"]

OBJECTIVES: tuple[str, ...] = ("coverage", "dependencies", "centrality")


@dataclass(frozen=True)
class Candidate:
    """One possible target, its score under the objective and what acquiring it would change.

    ``score`` and ``secondary`` rank candidates (see the module docstring); ``brings`` is the target's control
    closure (the target first); ``details`` holds the objective's before/after figures.
    """

    target: str
    label: str
    score: float
    secondary: float
    brings: tuple[str, ...]
    explanation: str
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def sort_key(self) -> tuple[float, float, str, str]:
        """Best first: highest score, then highest secondary figure, then label and IRI."""
        return (-self.score, -self.secondary, self.label.casefold(), self.target)

    def to_dict(self) -> dict[str, Any]:
        """``{"target", "label", "score", "secondary", "brings": [iri...], "explanation", "details"}``."""
        return {
            "target": self.target,
            "label": self.label,
            "score": round(self.score, 6),
            "secondary": round(self.secondary, 6),
            "brings": list(self.brings),
            "explanation": self.explanation,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Screening:
    """Every candidate target of ``acquirer``, ranked under ``objective``."""

    acquirer: str
    label: str
    group: str
    objective: str
    candidates: tuple[Candidate, ...]
    as_of: str | None = None
    method: str = "incremental"
    undated: Mapping[str, Any] | None = None
    basis: tuple[str, ...] = ()
    screens: Any = field(default=None, compare=False, repr=False)

    def top(self, n: int | None = None) -> tuple[Candidate, ...]:
        """The first ``n`` candidates (all when ``None``), each with its merger-screen flags in
        ``details["screens"]`` (computed for the candidates asked for, as they are shown)."""
        chosen = self.candidates if n is None else self.candidates[:n]
        if self.screens is not None:
            for candidate in chosen:
                if "screens" not in candidate.details:
                    candidate.details["screens"] = self.screens.flags(candidate.brings)  # type: ignore[index]
        return chosen

    def ranking(self) -> list[str]:
        """The candidates' IRIs, best first."""
        return [c.target for c in self.candidates]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """``{"acquirer": {"iri", "label"}, "group", "objective", "as_of", "undated", "basis", "method",
        "evaluated", "candidates": [candidate...]}`` (the first ``top`` candidates; ``undated``: what the view did
        with undated deals; ``basis``: the evidence kinds its ties rest on)."""
        return {
            "acquirer": {"iri": self.acquirer, "label": self.label},
            "group": self.group,
            "objective": self.objective,
            "as_of": self.as_of,
            "undated": dict(self.undated) if self.undated is not None else None,
            "basis": list(self.basis),
            "method": self.method,
            "evaluated": len(self.candidates),
            "candidates": [c.to_dict() for c in self.top(top)],
        }


def _check_objective(objective: str) -> None:
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective {objective!r}; use one of {', '.join(OBJECTIVES)}")


def _group_parent(G: nx.MultiDiGraph, acquirer: str, C: nx.DiGraph) -> str:
    return ultimate_parents(G, acquirer, control=C)[0]


def candidate_targets(G: nx.MultiDiGraph, acquirer: str, *, control: nx.DiGraph | None = None) -> list[str]:
    """Return the organisations ``acquirer`` could acquire: outside its group, not controlling it."""
    C = control if control is not None else control_graph(G)
    parent = _group_parent(G, acquirer, C)
    members = control_group(G, parent, control=C).member_ids()
    above = nx.ancestors(C, acquirer) if acquirer in C else set()
    return sorted(
        (n for n, kind in G.nodes(data="kind") if kind == "organization" and n not in members and n not in above),
        key=str,
    )


# ---------------------------------------------------------------------------------------------------------------
# incremental screening
# ---------------------------------------------------------------------------------------------------------------


def screen_targets(
    store: KnowledgeStore,
    acquirer: str,
    *,
    objective: str = "coverage",
    as_of: str | None = None,
    undated: str | None = None,
    evidence: Iterable[str] | None = None,
) -> Screening:
    """Project ``store`` once and rank every candidate target of ``acquirer`` (see :func:`screen_graph`).

    Undated deals count unless ``undated="exclude"`` (as in a what-if scenario: candidates are weighed on what is
    known now); ``evidence`` restricts the kinds of evidence that count (default: any).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> ranking = screen_targets(KnowledgeStore.with_shipped_graphs(), "SpaceX", as_of="2026-07-01")
    >>> ranking.candidates[0].label, ranking.candidates[0].details["gained"]
    ('Nvidia', ['accelerators'])
    """
    from stackgraph.projection import ProjectionPolicy, project

    _check_objective(objective)
    G = project(store, ProjectionPolicy(as_of=as_of, undated=undated or "include", evidence=evidence))
    return screen_graph(G, acquirer, objective=objective)


def screen_graph(G: nx.MultiDiGraph, acquirer: str, *, objective: str = "coverage") -> Screening:
    """Rank every candidate target of ``acquirer`` in the projected graph ``G`` by the effect of acquiring it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph (the "before" view).
    acquirer : str
        IRI, local name, label or alias of the acquirer.
    objective : {"coverage", "dependencies", "centrality"}
        What a good target improves (see the module docstring).

    Returns
    -------
    Screening
        Every candidate, best first, each with its score and an explanation.

    Examples
    --------
    >>> G = nx.MultiDiGraph(layers={"a": {"feeds": ["b"]}, "b": {"feeds": []}})
    >>> G.add_node("X", label="X", kind="organization", layers=("a",))
    >>> G.add_node("Y", label="Y", kind="organization", layers=("b",))
    >>> G.add_node("Z", label="Z", kind="organization", layers=("a",))
    >>> [(c.label, c.score) for c in screen_graph(G, "X").candidates]
    [('Y', 0.5), ('Z', 0.0)]
    """
    _check_objective(objective)
    try:
        node = node_for(G, acquirer)
    except UnknownEntityError as error:
        raise ScenarioError(f"acquirer: {error}") from None
    if G.nodes[node].get("kind") != "organization":
        raise ScenarioError(f"acquirer: {label_of(G, node)!r} is a {G.nodes[node].get('kind')}, not an organisation")
    C = control_graph(G)
    parent = _group_parent(G, node, C)
    members = control_group(G, parent, control=C).member_ids()
    candidates = candidate_targets(G, node, control=C)
    closures = _closures(C, candidates)
    scorer = {"coverage": _Coverage, "dependencies": _Dependencies, "centrality": _Centrality}[objective]
    score = scorer(G, C, node, parent, members)
    rows = [score(c, closures[c]) for c in candidates]
    rows.sort(key=Candidate.sort_key)
    screens = _Screens(G, C, members)
    return Screening(
        node,
        label_of(G, node),
        parent,
        objective,
        tuple(rows),
        G.graph.get("as_of"),
        undated=G.graph.get("undated"),
        basis=graph_basis(G),
        screens=screens,
    )


class _Screens:
    """The candidates' merger-screen flags (:class:`stackgraph.analysis.mergers.TargetScreen`): the markets
    concerned where a 2023 US presumption is met, where the EU non-horizontal safe harbour is left, and where the
    data cannot tell; the context is built on the first candidate asked for."""

    def __init__(self, G: nx.MultiDiGraph, C: nx.DiGraph, members: frozenset[str]) -> None:
        self.G, self.C, self.members = G, C, members
        self.screen: TargetScreen | None = None

    def flags(self, brings: Sequence[str]) -> dict[str, list[str]]:
        if self.screen is None:
            self.screen = TargetScreen(MergerContext(self.G, control=self.C), self.members)
        return self.screen.flags(brings)


def _closures(C: nx.DiGraph, candidates: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each candidate's control closure (itself first, then what it controls), sharing work along the DAG."""
    memo: dict[Hashable, frozenset[Hashable]] = {}

    def closure(start: Hashable) -> frozenset[Hashable]:
        if start in memo:
            return memo[start]
        if not C.out_degree(start):
            memo[start] = frozenset((start,))
            return memo[start]
        found = {start} | nx.descendants(C, start)
        memo[start] = frozenset(found)
        return memo[start]

    return {c: (c, *sorted(str(n) for n in closure(c) if n != c)) for c in candidates}


def _names(G: nx.Graph, nodes: Iterable[Hashable], limit: int = 4) -> str:
    labels = sorted(label_of(G, n) for n in nodes)
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


class _Coverage:
    """Union of held layers; the score of a held set comes from the analysis layer and is memoised."""

    def __init__(self, G: nx.MultiDiGraph, C: nx.DiGraph, acquirer: str, parent: str, members: frozenset[str]):
        self.G = G
        base = group_coverage(G, parent)
        self.base_held = frozenset(base.held)
        self.base_score = base.score
        self.base_depth = base.integration_depth
        self.layers_of = {n: frozenset(G.nodes[n].get("layers") or ()) for n in G.nodes}
        graph_attrs = dict(G.graph)
        self._evaluate = lru_cache(maxsize=None)(lambda held: _coverage_of(graph_attrs, held))

    def __call__(self, target: str, brings: tuple[str, ...]) -> Candidate:
        held = self.base_held.union(*(self.layers_of.get(n, frozenset()) for n in brings))
        score, depth = (self.base_score, self.base_depth) if held == self.base_held else self._evaluate(held)
        gained = sorted(held - self.base_held)
        delta, depth_change = score - self.base_score, depth - self.base_depth
        text = (
            f"gains {', '.join(gained)}; coverage {self.base_score:.3f} -> {score:.3f}, "
            f"depth {self.base_depth} -> {depth}"
            if gained
            else "adds no layer the group does not hold"
        )
        if len(brings) > 1:
            text = f"brings {_names(self.G, brings[1:])}; " + text
        details = {
            "gained": gained,
            "score_before": round(self.base_score, 6),
            "score_after": round(score, 6),
            "depth_before": self.base_depth,
            "depth_after": depth,
        }
        return Candidate(target, label_of(self.G, target), delta, float(depth_change), brings, text, details)


def _coverage_of(graph_attrs: Mapping[str, Any], held: frozenset[str]) -> tuple[float, int]:
    """Coverage score and integration depth of a group holding ``held``, computed by the analysis layer."""
    probe = nx.MultiDiGraph(**graph_attrs)
    probe.add_node("probe", label="probe", kind="organization", layers=tuple(sorted(held)))
    coverage = group_coverage(probe, "probe")
    return coverage.score, coverage.integration_depth


class _Dependencies:
    """External (layer, supplier) pairs of the union: the base set minus pairs whose supplier joins, plus the
    candidate closure's own outside pairs."""

    def __init__(self, G: nx.MultiDiGraph, C: nx.DiGraph, acquirer: str, parent: str, members: frozenset[str]):
        self.G = G
        self.members = members
        S = supply_graph(G)
        self.S = S
        self.base = {
            (layer.layer, supplier.entity) for layer in dependencies(G, parent).external for supplier in layer.suppliers
        }
        self.by_supplier: dict[str, list[tuple[str, str]]] = {}
        for pair in self.base:
            self.by_supplier.setdefault(pair[1], []).append(pair)

    def incoming(self, node: str) -> list[tuple[str, str]]:
        if node not in self.S:
            return []
        return [(layer, s) for s in self.S.predecessors(node) for layer in self.S.edges[s, node]["layers"]]

    def __call__(self, target: str, brings: tuple[str, ...]) -> Candidate:
        inside = set(brings)
        removed = sorted(p for n in brings for p in self.by_supplier.get(n, ()))
        added = sorted(
            {
                p
                for n in brings
                for p in self.incoming(n)
                if p[1] not in inside and p[1] not in self.members and p not in self.base
            }
        )
        net = len(removed) - len(added)
        parts = []
        if removed:
            parts.append("removes " + ", ".join(f"{layer} from {label_of(self.G, s)}" for layer, s in removed))
        if added:
            parts.append("adds " + ", ".join(f"{layer} from {label_of(self.G, s)}" for layer, s in added))
        text = "; ".join(parts) or "changes no outside dependency"
        if len(brings) > 1:
            text = f"brings {_names(self.G, brings[1:])}; " + text
        details = {
            "removed": [list(p) for p in removed],
            "added": [list(p) for p in added],
            "before": len(self.base),
            "after": len(self.base) - net,
        }
        return Candidate(target, label_of(self.G, target), float(net), float(len(removed)), brings, text, details)


class _Centrality:
    """Group degree centrality of the union: outside neighbours of the group plus those of the closure (minus the
    previous owner's control ties, which the acquisition ends)."""

    def __init__(self, G: nx.MultiDiGraph, C: nx.DiGraph, acquirer: str, parent: str, members: frozenset[str]):
        self.G = G
        self.acquirer = acquirer
        self.members = members
        self.n = G.number_of_nodes()
        self.base_neighbours = {v for m in members for v in nx.all_neighbors(G, m)} - members
        self.base = self.degree(len(self.base_neighbours), len(members))

    def degree(self, neighbours: int, size: int) -> float:
        return neighbours / (self.n - size) if self.n > size else 0.0

    def __call__(self, target: str, brings: tuple[str, ...]) -> Candidate:
        # O(|closure| + its ties): never copy the group's member or neighbour sets per candidate
        joining = [n for n in brings if n not in self.members]
        inside = set(brings)
        found: set[Hashable] = set()
        for node in brings:
            for u, _, data in self.G.in_edges(node, data=True):
                if node == target and u != self.acquirer and is_control_claim(data):
                    continue  # the seller's control ends with the acquisition
                found.add(u)
            found.update(self.G.successors(node))
        lost = sum(1 for n in inside if n in self.base_neighbours)  # neighbours that join the group
        new = sorted(
            (n for n in found if n not in self.members and n not in inside and n not in self.base_neighbours),
            key=lambda n: (label_of(self.G, n).casefold(), str(n)),
        )
        count = len(self.base_neighbours) - lost + len(new)
        value = self.degree(count, len(self.members) + len(joining))
        text = (
            f"tied to {count} outside entities ({len(new)} new"
            + (f": {_names(self.G, new)}" if new else "")
            + f"); group degree centrality {self.base:.4f} -> {value:.4f}"
        )
        if len(brings) > 1:
            text = f"brings {_names(self.G, brings[1:])}; " + text
        details = {
            "degree_before": round(self.base, 6),
            "degree_after": round(value, 6),
            "new_neighbours": [str(n) for n in new],
        }
        delta = value - self.base
        secondary = float(count - len(self.base_neighbours))
        return Candidate(target, label_of(self.G, target), delta, secondary, brings, text, details)


# ---------------------------------------------------------------------------------------------------------------
# naive screening: replay the acquisition and the whole analysis per candidate
# ---------------------------------------------------------------------------------------------------------------


def naive_score(before: nx.MultiDiGraph, after: nx.MultiDiGraph, parent: str, objective: str) -> tuple[float, float]:
    """Score an acquisition from the full analyses of the two views (what :func:`screen_naive` ranks by)."""
    if objective == "coverage":
        old, new = group_coverage(before, parent), group_coverage(after, parent)
        return new.score - old.score, float(new.integration_depth - old.integration_depth)
    if objective == "dependencies":

        def pairs(G: nx.MultiDiGraph) -> set[tuple[str, str]]:
            return {(d.layer, s.entity) for d in dependencies(G, parent).external for s in d.suppliers}

        old_pairs, new_pairs = pairs(before), pairs(after)
        return float(len(old_pairs) - len(new_pairs)), float(len(old_pairs - new_pairs))
    from stackgraph.scenarios.report import group_degree

    def neighbours(G: nx.MultiDiGraph) -> int:
        members = control_group(G, parent).member_ids()
        return len({v for m in members for v in nx.all_neighbors(G, m)} - members)

    return group_degree(after, parent) - group_degree(before, parent), float(neighbours(after) - neighbours(before))


def screen_naive(
    store: KnowledgeStore,
    acquirer: str,
    *,
    objective: str = "coverage",
    as_of: str | None = None,
    candidates: Sequence[str] | None = None,
    full_report: bool = True,
    undated: str | None = None,
    evidence: Iterable[str] | None = None,
) -> Screening:
    """Rank candidates the slow way: for each, run the real ``acquire`` scenario on an overlay of ``store`` and
    the analyses (the whole before/after report when ``full_report``), then score from the analysis results.

    Gives the same ranking as :func:`screen_targets`; it exists to prove that, and to measure the speed-up.
    """
    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.scenarios.model import parse_scenario
    from stackgraph.scenarios.overlay import apply_scenario
    from stackgraph.scenarios.report import run_scenario

    _check_objective(objective)
    undated = undated or "include"
    before = project(store, ProjectionPolicy(as_of=as_of, undated=undated, evidence=evidence))
    node = node_for(before, acquirer)
    C = control_graph(before)
    parent = _group_parent(before, node, C)
    chosen = list(candidates) if candidates is not None else candidate_targets(before, node, control=C)
    day = before.graph["as_of"]
    rows = []
    for i, target in enumerate(chosen):
        scenario = parse_scenario(
            {
                "name": f"screen {i}",
                "as_of": day,
                "steps": [{"kind": "acquire", "acquirer": node, "target": target}],
            }
        )
        if full_report:
            result = run_scenario(store, scenario, undated=undated, evidence=evidence)
            old, new = result.before, result.after
        else:
            overlay = apply_scenario(store, scenario, undated=undated, evidence=evidence)
            old, new = overlay.project(after=False), overlay.project(after=True)
        score, secondary = naive_score(old, new, parent, objective)
        closure = control_group(old, target).member_ids()
        brings = (target, *sorted(str(n) for n in closure if n != target))
        rows.append(Candidate(target, label_of(old, target), score, secondary, brings, "", {}))
    rows.sort(key=Candidate.sort_key)
    return Screening(node, label_of(before, node), parent, objective, tuple(rows), day, method="naive")
