"""What-if report sections about the network: chokepoints and centrality (see :mod:`stackgraph.scenarios.report`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from stackgraph.analysis.centrality import centrality
from stackgraph.analysis.chokepoints import chokepoints
from stackgraph.analysis.control import control_group
from stackgraph.scenarios._refs import GraphPair, entity_label, sorted_nodes

__all__ = ["compare_centrality", "compare_chokepoints", "group_degree"]


def compare_chokepoints(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    top: int = 20,
    control: GraphPair = (None, None),
    supply: GraphPair = (None, None),
) -> dict[str, Any]:
    """Suppliers that became or stopped being chokepoints (top ``top`` of the analysis), or whose scores moved."""

    def rows(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
        i = 0 if G is before else 1
        ranked = chokepoints(G, top=top, control=control[i], supply=supply[i]).rows
        return {
            r.entity: {"rank": i, "dominated": r.dominated, "articulation": r.articulation, "customers": r.customers}
            for i, r in enumerate(ranked, start=1)
            if r.dominated > 0 or r.articulation
        }

    old, new = rows(before), rows(after)

    def entry(node: str) -> dict[str, Any]:
        a, b = old.get(node), new.get(node)
        return {
            "supplier": entity_label(before, after, node),
            "rank_before": a and a["rank"],
            "rank_after": b and b["rank"],
            "dominated_before": a["dominated"] if a else 0,
            "dominated_after": b["dominated"] if b else 0,
            "articulation_before": bool(a and a["articulation"]),
            "articulation_after": bool(b and b["articulation"]),
        }

    nodes = sorted_nodes(after, old.keys() | new.keys())
    return {
        "top": top,
        "before": [entry(n) for n in sorted(old, key=lambda n: old[n]["rank"])],
        "after": [entry(n) for n in sorted(new, key=lambda n: new[n]["rank"])],
        "added": [entry(n) for n in nodes if n in new and n not in old],
        "removed": [entry(n) for n in nodes if n in old and n not in new],
        "changed": [
            entry(n)
            for n in nodes
            if n in old
            and n in new
            and (old[n]["dominated"], old[n]["articulation"]) != (new[n]["dominated"], new[n]["articulation"])
        ],
    }


def compare_centrality(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    top: int,
    parents: Sequence[str] = (),
    C_before: nx.DiGraph | None = None,
    C_after: nx.DiGraph | None = None,
) -> dict[str, Any]:
    """PageRank rank moves among the first ``top`` before or after, and each focus group's degree centrality."""
    groups = [
        {
            "group": entity_label(before, after, parent),
            "degree_before": round(group_degree(before, parent, control=C_before), 6),
            "degree_after": round(group_degree(after, parent, control=C_after), 6),
        }
        for parent in parents
    ]
    try:
        # the report ranks by PageRank only: betweenness and eigenvector centrality are not computed
        old = centrality(before, sort="pagerank", measures=("pagerank",))
        new = centrality(after, sort="pagerank", measures=("pagerank",))
    except (nx.NetworkXException, ArithmeticError, TypeError, ValueError) as error:
        # one failing measure must not sink the whole report: say so in the section
        message = f"centrality could not be computed: {type(error).__name__}: {error}"
        return {"measure": "pagerank", "top": top, "method": {}, "moves": [], "groups": groups, "error": message}
    # dense ranks: nodes with equal PageRank share a rank, so a what-if reports a move only beyond ties
    ranked_old, ranked_new = old.rank("pagerank", top), new.rank("pagerank", top)
    dense_old, dense_new = old.dense_rank("pagerank"), new.dense_rank("pagerank")
    value_old = dict(zip(old.nodes, old.scores["pagerank"].tolist(), strict=True))
    value_new = dict(zip(new.nodes, new.scores["pagerank"].tolist(), strict=True))
    rank_old = {n: (dense_old[n], value_old[n]) for n in old.nodes}
    rank_new = {n: (dense_new[n], value_new[n]) for n in new.nodes}
    shown = [r.entity for r in ranked_new] + [r.entity for r in ranked_old]
    moves = []
    for node in dict.fromkeys(shown):
        (rb, sb), (ra, sa) = rank_old.get(node, (None, 0.0)), rank_new.get(node, (None, 0.0))
        moves.append(
            {
                "entity": entity_label(before, after, node),
                "rank_before": rb,
                "rank_after": ra,
                "change": (rb - ra) if rb is not None and ra is not None else None,
                "pagerank_before": round(sb, 6),
                "pagerank_after": round(sa, 6),
            }
        )
    moves.sort(key=lambda m: (m["rank_after"] or 10**9, m["rank_before"] or 10**9))
    return {
        "measure": "pagerank",
        "top": top,
        "method": dict(new.method),
        "moves": moves,
        "groups": groups,
        "error": None,
    }


def group_degree(G: nx.MultiDiGraph, parent: str, *, control: nx.DiGraph | None = None) -> float:
    """Group degree centrality of the control group headed by ``parent``: the share of the entities outside it
    that a counting deal ties to a member (Everett and Borgatti; :func:`networkx.group_degree_centrality`)."""
    if parent not in G:
        return 0.0
    members = control_group(G, parent, control=control).member_ids()
    if len(members) >= G.number_of_nodes():
        return 0.0
    # as networkx.group_degree_centrality on the undirected graph, read from the adjacency without converting it
    tied: set[str] = set()
    for member in members:
        if member in G:
            tied.update(G.succ[member])
            tied.update(G.pred[member])
    return len(tied - members) / (G.number_of_nodes() - len(members))
