"""A synthetic ownership network in the projection contract, for the ownership benchmark.

``ownership_graph(entities, stakes)`` returns a ``networkx.MultiDiGraph`` shaped as stackgraph's projection gives
it: ``entities`` nodes, ``stakes`` ownership deals (``relation="controls"`` with a ``stake`` in percent). It mimics
the structure of real ownership data (business groups as pyramids, dispersed owners at the top, minority
cross-holdings, a few cycles):

* a tenth of the entities are top-level holders (families, funds, states: nobody holds a stake in them);
* the other entities form business groups of heavy-tailed size (mean about 10): each member held 50-95 % by
  an earlier member of its group (a pyramid), each group head held by one to three top-level holders;
* the remaining stakes are minority stakes (0.5-5 %) of top-level holders in companies, the holders chosen with
  a heavy head (a few funds hold thousands); cross-holdings of 1-20 % between companies of different groups,
  mostly from an older group into a younger one (one in twenty the other way, so that a core of cross-held
  companies forms, as in real ownership networks' bow-tie); and one in two hundred a subsidiary holding 1-10 %
  of its own group's head (a cycle);
* no entity is ever more than 100 % held. The output is deterministic for a given seed.
"""

from __future__ import annotations

import random

import networkx as nx

__all__ = ["ownership_graph"]


def ownership_graph(entities: int, stakes: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """Return a synthetic ownership network of ``entities`` nodes and about ``stakes`` stakes."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(statuses=("completed", "active"), as_of="2026-01-01", layers={}, market_positions=[])
    holders = max(1, entities // 10)
    for i in range(entities):
        kind = "person" if i < holders // 2 else "organization"
        G.add_node(f"e{i}", label=f"Entity {i}", kind=kind, layers=(), iri=f"e{i}", aliases=())
    left = {i: 100.0 for i in range(holders, entities)}  # what is still unheld of each company
    head_of: dict[int, int] = {}
    count = 0

    def stake(u: int, v: int, percent: float) -> None:
        nonlocal count
        percent = round(min(percent, left[v]), 2)
        if percent <= 0 or u == v:
            return
        left[v] -= percent
        G.add_edge(f"e{u}", f"e{v}", key=f"s{count}", relation="controls", status="active", stake=percent)
        count += 1

    i = holders
    while i < entities:
        size = min(entities - i, max(1, int(rng.paretovariate(1.3))))
        members = list(range(i, i + size))
        for position, member in enumerate(members):
            head_of[member] = members[0]
            if position:
                stake(members[rng.randrange(position)], member, rng.uniform(50, 95))
        for _ in range(rng.randint(1, 3)):
            stake(rng.randrange(holders), members[0], rng.uniform(10, 60))
        i += size
    companies = entities - holders
    while count < stakes:
        roll = rng.random()
        target = holders + rng.randrange(companies)
        if roll < 0.005:
            stake(target, head_of[target], rng.uniform(1, 10))
        elif roll < 0.75:
            stake(min(holders - 1, int(holders * rng.random() ** 3)), target, rng.uniform(0.5, 5))
        else:
            source = holders + rng.randrange(companies)
            if head_of[source] != head_of[target] and (source < target or rng.random() < 0.05):
                stake(source, target, rng.uniform(1, 20))
    return G
