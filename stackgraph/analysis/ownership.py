"""Ownership through chains: integrated ownership, the ultimate owner of each entity, ownership control tests.

Direct stakes
-------------
``W[i, j]`` is the fraction of ``j`` that ``i`` holds directly, from the deals that count in the projected view
(:func:`direct_stake`): an ownership deal's stake (100 % when none is given -- an assumption the results list);
an acquisition's stake (100 % when none is given: the whole company); an investment's stake (investments
without one are left out and counted); a development is 100 % (a product or facility belongs to its developer).
Per holder and entity, stated holdings (ownership deals) win; otherwise the stakes bought are added up, capped
at 100 %.

Integrated ownership
--------------------
The stake of ``i`` in ``j`` multiplied along every chain ``i -> ... -> j`` and summed over all chains, counting
no chain that passes through ``i`` again (a company does not own itself through a cycle)::

    F = D^-1 ((I - W)^-1 - I),  D = diag((I - W)^-1),  diag(F) = 0

``(I - W)^-1 = I + W + W^2 + ...`` sums the products over all walks (the Leontief inverse; Brioschi,
Buzzacchi & Colombo 1989); row ``i`` divided by its diagonal -- the sum over closed walks at ``i`` -- keeps the
walks that never return to ``i`` (Vitali, Glattfelder & Battiston 2011, "The network of global corporate
control", PLoS ONE 6(10): e25995, Supporting Information, integrated ownership with the cycle correction).
It is computed with scipy.sparse level by level of the ownership network's condensation, each cycle solved as
one block; on the whole graph, integrated stakes below ``floor`` (default :data:`FLOOR`) are dropped as they go
(said in the result); for one entity nothing is dropped. A cycle whose stakes go round at 100 % or more (``A``
owns all of ``B`` which owns all of ``A``) has no finite integrated ownership: its internal stakes are left out
and the cycle reported.

Ultimate owner and control tests (threshold ``t``, default 50 %)
--------------------------------------------------------------
* **ultimate owner**: of the top-level holders (nobody holds a stake in them, or they sit in a cycle nobody
  outside holds) the one with the largest integrated stake, with the chain carrying the largest part of it;
* **majority chain**: ``h`` controls ``j`` when a chain of direct stakes each above ``t`` leads from ``h`` to
  ``j`` (at 50 %, the ownership side of :mod:`stackgraph.analysis.control`);
* **aggregate**: ``j`` is owned ``t`` or more *in the aggregate* by ``h`` when the direct stakes in ``j`` held by
  ``h`` and by entities so owned by ``h`` add up to ``t`` or more -- the rule US sanctions screening applies
  (OFAC's 50 % rule: an entity owned 50 % or more, directly or indirectly, individually or in the aggregate, by
  blocked persons is itself blocked); :func:`aggregate_owned` applies it to any list of holders.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from stackgraph.analysis._common import basis_of, paused_gc
from stackgraph.analysis.leontief import leontief_inverse
from stackgraph.vocabulary.rules import ended_statuses

__all__ = [
    "FLOOR",
    "THRESHOLD",
    "IntegratedOwnership",
    "direct_stake",
    "integrated_ownership",
    "stake_basis",
    "stake_graph",
]

#: Control threshold in percent (majority: above it; aggregate: at or above it).
THRESHOLD = 50.0
#: Integrated stakes below this fraction are dropped on whole-graph runs (0.0001 %).
FLOOR = 1e-6
_OWNERSHIP = frozenset({"acquires", "controls", "invests_in", "develops"})


def direct_stake(relation: str | None, data: Mapping[str, Any]) -> tuple[float | None, bool]:
    """Return the fraction of the counterparty a deal edge gives its actor, and whether it is assumed (an ownership
    deal without a stake, taken as 100 %); ``(None, False)`` when the deal gives no known stake.

    Examples
    --------
    >>> direct_stake("acquires", {"stake": None}), direct_stake("controls", {"stake": None})
    ((1.0, False), (1.0, True))
    >>> direct_stake("invests_in", {"stake": 2.5}), direct_stake("invests_in", {"stake": None})
    ((0.025, False), (None, False))
    """
    if relation not in _OWNERSHIP or data.get("status") in ended_statuses():  # an ended holding holds nothing
        return None, False
    if relation == "develops":
        return 1.0, False
    stake = data.get("stake")
    if stake is None:
        return (None, False) if relation == "invests_in" else (1.0, relation == "controls")
    return min(max(float(stake), 0.0), 100.0) / 100.0, False


def stake_basis(G: nx.MultiDiGraph, path: Iterable[Hashable] | None = None) -> tuple[str, ...]:
    """Return the evidence kinds of the deals that give stakes in ``G`` (every one, or those along ``path``, a chain
    of holders ``A, B, C`` read as A -> B -> C); a deal that gives no known stake (ended, or an investment of
    unknown size) is not something the figures rest on.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("A", "B", key="d1", relation="acquires", stake=60.0, basis=("quoted",))
    >>> _ = G.add_edge("B", "C", key="d2", relation="invests_in", stake=10.0, basis=("dataset",))
    >>> _ = G.add_edge("B", "C", key="d3", relation="supplies", basis=("editorial",))
    >>> stake_basis(G), stake_basis(G, ["A", "B"])
    (('quoted', 'dataset'), ('quoted',))
    """
    if path is None:
        edges: Iterable[Mapping[str, Any]] = (data for _, _, data in G.edges(data=True))
    else:
        nodes = list(path)
        edges = (data for u, v in itertools.pairwise(nodes) for data in (G.get_edge_data(u, v) or {}).values())
    return basis_of(
        *(data.get("basis", ()) for data in edges if direct_stake(data.get("relation"), data)[0] is not None)
    )


@dataclass
class _Stakes:
    """The direct stakes of a graph: pairs -> (fraction, deals, assumed), and the counts of what was left out."""

    pairs: dict[tuple[Hashable, Hashable], tuple[float, tuple[str, ...], bool]]
    unknown: int = 0


def _stakes(G: nx.MultiDiGraph) -> _Stakes:
    found: dict[tuple[Hashable, Hashable], list[tuple[bool, float, str, bool]]] = {}
    unknown = 0
    ownership = _OWNERSHIP
    for u, nbrs in G._adj.items():
        for v, deals in nbrs.items():
            if u == v:
                continue
            for key, data in deals.items():
                relation = data.get("relation")
                if relation not in ownership:
                    continue
                stake, assumed = direct_stake(relation, data)
                if stake is None:
                    unknown += relation == "invests_in"
                    continue
                entry = (relation == "controls", stake, str(key), assumed)
                listed = found.get((u, v))
                if listed is None:
                    found[(u, v)] = [entry]
                else:
                    listed.append(entry)
    pairs = {}
    for pair, entries in found.items():
        if len(entries) == 1:
            _, stake, deal, assumed = entries[0]
            deals: tuple[str, ...] = (deal,)
        elif any(e[0] for e in entries):  # stated holdings win
            stated = [e for e in entries if e[0]]
            _, stake, _, assumed = max(stated)
            deals = tuple(sorted(e[2] for e in stated))
        else:  # stakes bought add up
            stake, assumed = min(1.0, round(sum(e[1] for e in entries), 12)), False
            deals = tuple(sorted(e[2] for e in entries))
        if stake > 0:
            pairs[pair] = (stake, deals, assumed)
    return _Stakes(pairs, unknown)


def stake_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Return the direct stakes of ``G`` as a ``DiGraph`` holder -> held with ``stake`` (fraction), ``deals`` and
    ``assumed`` (an ownership deal without a stake, taken as 100 %).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d1", relation="invests_in", stake=10.0)
    'd1'
    >>> G.add_edge("A", "B", key="d2", relation="acquires", stake=20.0, status="completed")
    'd2'
    >>> stake_graph(G).edges["A", "B"]["stake"]
    0.3
    """
    S = nx.DiGraph()
    for (u, v), (stake, deals, assumed) in _stakes(G).pairs.items():
        S.add_edge(u, v, stake=stake, deals=deals, assumed=assumed)
    return S


@dataclass(frozen=True)
class IntegratedOwnership:
    """The integrated ownership of a graph's stake network (see the module docstring), with what it rests on.

    ``nodes`` are the entities in some stake; ``direct`` is ``W`` and ``walks`` is ``(I - W)^-1`` (scipy CSR, in
    ``nodes`` order). ``tops`` are the top-level holders; ``assumed`` the ownership deals without a stake, taken
    as 100 %; ``unknown`` the investments without a stake, left out; ``cycles`` the cycles at 100 % or more,
    whose internal stakes are left out; ``floor`` the integrated stake below which entries were dropped.
    """

    nodes: tuple[Hashable, ...]
    direct: Any = field(repr=False)
    walks: Any = field(repr=False)
    tops: frozenset[Hashable]
    deals: Mapping[tuple[Hashable, Hashable], tuple[str, ...]] = field(repr=False)
    assumed: tuple[str, ...] = ()
    unknown: int = 0
    cycles: tuple[tuple[Hashable, ...], ...] = ()
    floor: float = 0.0

    @cached_property
    def index(self) -> dict[Hashable, int]:
        """Node -> row/column of the matrices."""
        return {node: i for i, node in enumerate(self.nodes)}

    @cached_property
    def _columns(self) -> Any:
        return self.walks.tocsc()

    @cached_property
    def _direct_columns(self) -> Any:
        return self.direct.tocsc()

    @cached_property
    def diagonal(self) -> np.ndarray:
        """The diagonal of ``walks``: the sum over closed walks at each node (1 outside cycles)."""
        return self.walks.diagonal()

    def stake(self, holder: Hashable, entity: Hashable) -> float:
        """Integrated stake (fraction) of ``holder`` in ``entity``; 0 for itself or outside the stake network."""
        index = self.index
        if holder == entity or holder not in index or entity not in index:
            return 0.0
        h = index[holder]
        return float(self.walks[h, index[entity]] / self.diagonal[h])

    def _entries(self, matrix: Any, i: int, scale: np.ndarray | None) -> dict[Hashable, float]:
        """Row (CSR) or column (CSC) ``i`` of ``matrix`` as node -> value, without itself, divided by ``scale``
        (the diagonal, per holder) when given."""
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        indices, values = matrix.indices[lo:hi], matrix.data[lo:hi]
        if scale is not None:
            values = values / (scale[i] if matrix is self.walks else scale[indices])
        nodes = self.nodes
        return {nodes[k]: v for k, v in zip(indices.tolist(), values.tolist(), strict=True) if k != i and v}

    def owners(self, entity: Hashable) -> dict[Hashable, float]:
        """Every holder with an integrated stake in ``entity`` -> that stake (fraction)."""
        j = self.index.get(entity)
        return {} if j is None else self._entries(self._columns, j, self.diagonal)

    def holdings(self, holder: Hashable) -> dict[Hashable, float]:
        """Every entity ``holder`` has an integrated stake in -> that stake (fraction)."""
        h = self.index.get(holder)
        return {} if h is None else self._entries(self.walks, h, self.diagonal)

    def holding_count(self, holder: Hashable) -> int:
        """How many entities ``holder`` has an integrated stake in."""
        h = self.index.get(holder)
        if h is None:
            return 0
        lo, hi = self.walks.indptr[h], self.walks.indptr[h + 1]
        return int(hi - lo - np.count_nonzero(self.walks.indices[lo:hi] == h))

    def largest_holdings(self, holder: Hashable, k: int) -> dict[Hashable, float]:
        """The ``k`` largest integrated holdings of ``holder`` (and any tied with the last) -> stake."""
        h = self.index.get(holder)
        if h is None:
            return {}
        lo, hi = self.walks.indptr[h], self.walks.indptr[h + 1]
        indices, values = self.walks.indices[lo:hi], self.walks.data[lo:hi] / self.diagonal[h]
        values = np.where(indices == h, 0.0, values)
        if len(values) > k:
            cut = np.partition(values, len(values) - k)[len(values) - k]
            chosen = values >= cut
            indices, values = indices[chosen], values[chosen]
        return {self.nodes[j]: v for j, v in zip(indices.tolist(), values.tolist(), strict=True) if v > 0}

    def direct_holdings(self, holder: Hashable) -> dict[Hashable, float]:
        """The entities ``holder`` holds a direct stake in -> stake (fraction)."""
        h = self.index.get(holder)
        return {} if h is None else self._entries(self.direct, h, None)

    def direct_owners(self, entity: Hashable) -> dict[Hashable, float]:
        """The holders of direct stakes in ``entity`` -> stake (fraction)."""
        j = self.index.get(entity)
        return {} if j is None else self._entries(self._direct_columns, j, None)

    def path(self, holder: Hashable, entity: Hashable) -> tuple[Hashable, ...]:
        """The chain from ``holder`` to ``entity`` that carries the largest part of the integrated stake: from the
        entity back, each step takes the direct owner ``i`` maximising stake(holder, i) x W[i, step]."""
        if holder == entity or self.stake(holder, entity) <= 0:
            return ()
        through = self.holdings(holder)
        through[holder] = 1.0
        chain = [entity]
        while chain[-1] != holder:
            options = [
                (through.get(i, 0.0) * w, i)
                for i, w in self.direct_owners(chain[-1]).items()
                if i not in chain and through.get(i, 0.0) > 0
            ]
            if not options:
                return ()  # the chain ran below the floor
            chain.append(max(options, key=lambda item: (item[0], str(item[1])))[1])
        return tuple(reversed(chain))

    @cached_property
    def _majority(self) -> dict[float, dict[Hashable, Hashable]]:
        return {}

    def majority_parents(self, threshold: float = THRESHOLD) -> dict[Hashable, Hashable]:
        """Each entity with a direct holder above ``threshold`` % -> that holder (the largest, then by IRI)."""
        cache = self._majority
        if threshold not in cache:
            columns = self.direct.tocoo()
            above = columns.data * 100 > threshold
            found: dict[Hashable, tuple[float, str, Hashable]] = {}
            rows, cols, data = columns.row[above].tolist(), columns.col[above].tolist(), columns.data[above].tolist()
            for i, j, w in zip(rows, cols, data, strict=True):
                holder = self.nodes[i]
                candidate = (w, str(holder), holder)
                entity = self.nodes[j]
                if entity not in found or candidate > found[entity]:
                    found[entity] = candidate
            cache[threshold] = {entity: item[2] for entity, item in found.items()}
        return cache[threshold]  # type: ignore[no-any-return]

    def majority_chain(self, entity: Hashable, threshold: float = THRESHOLD) -> tuple[Hashable, ...]:
        """The chain of majority holders above ``entity``, its top first (``(entity,)`` when it has none)."""
        parents = self.majority_parents(threshold)
        chain = [entity]
        while (owner := parents.get(chain[-1])) is not None and owner not in chain:
            chain.append(owner)
        return tuple(reversed(chain))


@paused_gc
def integrated_ownership(
    G: nx.MultiDiGraph, *, floor: float = FLOOR, around: Iterable[Hashable] | None = None
) -> IntegratedOwnership:
    """Return the integrated ownership of ``G`` (see the module docstring).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projected graph.
    floor : float
        Drop integrated stakes below this fraction as they are computed (0: keep all).
    around : iterable of node, optional
        Compute only what concerns these entities: their holders up every chain and their holdings down every
        chain (exact, whatever ``floor``).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("X", "A", key="d1", relation="controls", stake=60.0)
    'd1'
    >>> G.add_edge("A", "B", key="d2", relation="controls", stake=50.0)
    'd2'
    >>> G.add_edge("B", "A", key="d3", relation="controls", stake=30.0)
    'd3'
    >>> F = integrated_ownership(G)
    >>> round(F.stake("X", "A"), 4), round(F.stake("X", "B"), 4), round(F.stake("A", "B"), 4)
    (0.7059, 0.3529, 0.5)
    """
    stakes = _stakes(G)
    pairs = stakes.pairs
    if around is not None:
        S = nx.DiGraph(list(pairs))
        focus = [n for n in around if n in S]
        keep = set(focus)
        for node in focus:
            keep |= nx.ancestors(S, node) | nx.descendants(S, node)
        pairs = {pair: value for pair, value in pairs.items() if pair[0] in keep and pair[1] in keep}
        floor = 0.0
    index: dict[Hashable, int] = {}
    src = np.fromiter((index.setdefault(u, len(index)) for u, _ in pairs), dtype=np.int64, count=len(pairs))
    dst = np.fromiter((index.setdefault(v, len(index)) for _, v in pairs), dtype=np.int64, count=len(pairs))
    w = np.fromiter((value[0] for value in pairs.values()), dtype=float, count=len(pairs))
    L, order, degenerate, membership = leontief_inverse(len(index), src, dst, w, floor)
    listed = list(index)
    nodes = tuple(listed[i] for i in order.tolist())  # the matrices' order: lower levels first
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    n = len(nodes)
    import scipy.sparse as sp

    direct = sp.csr_matrix((w, (position[src], position[dst])), shape=(n, n))
    entered = set(membership[dst[membership[src] != membership[dst]]].tolist())
    tops = frozenset(listed[i] for i, comp in enumerate(membership.tolist()) if comp not in entered)
    return IntegratedOwnership(
        nodes=nodes,
        direct=direct,
        walks=L,
        tops=tops,
        deals={pair: value[1] for pair, value in pairs.items()},
        assumed=tuple(sorted(d for value in pairs.values() if value[2] for d in value[1])),
        unknown=stakes.unknown,
        cycles=tuple(tuple(sorted((listed[i] for i in cycle), key=str)) for cycle in degenerate),
        floor=floor,
    )
