"""Say what is missing when an analysis has nothing to work on, instead of printing an empty or alphabetical ranking.

An analysis needs deals (control groups, centrality), entities with stack layers (coverage), supply ties
(dependencies, chokepoints) or market shares (concentration). On data in another vocabulary, or without layers,
the data lacks them: :func:`missing` names what. When the data has them but none counts in the view (its as-of
date, statuses, undated or evidence choices), :func:`left_out` says so.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

__all__ = ["MAPPING_HINT", "NEEDS", "left_out", "missing"]

#: What an analysis may need from the projected graph.
NEEDS: tuple[str, ...] = ("deals", "layers", "supplies", "market shares")

#: Where to read how to bring other data into stackgraph's vocabulary.
MAPPING_HINT = (
    'stackgraph reads its own vocabulary: see the README section "Mapping foreign data" (a SPARQL CONSTRUCT '
    "from another vocabulary, or stackgraph import csv with a mapping file)"
)


def _check(needs: Iterable[str]) -> list[str]:
    needs = list(needs)
    for need in needs:
        if need not in NEEDS:
            raise ValueError(f"unknown need {need!r}; use one of {', '.join(NEEDS)}")
    return needs


def missing(G: nx.MultiDiGraph, needs: Iterable[str]) -> list[str]:
    """Return a sentence for each of ``needs`` (see :data:`NEEDS`) that the data behind ``G`` lacks altogether.

    ``G.graph["deal_nodes"]`` (relation -> number of deals with parties in the data, whether they count or not)
    tells deals missing from the data from deals the view leaves out.

    Examples
    --------
    >>> G = nx.MultiDiGraph(deal_nodes={})
    >>> G.add_node("x", label="x", layers=())
    >>> missing(G, ["deals", "layers"])  # doctest: +NORMALIZE_WHITESPACE
    ['no deal nodes: the data has no deals (sg:Acquisition, sg:Ownership, sg:Supply, ... with their parties)',
     'no layers: no entity has a stack layer (sg:inLayer)']
    """
    in_data = G.graph.get("deal_nodes")
    reasons = []
    for need in _check(needs):
        if need == "deals" and not G.number_of_edges() and not (in_data and sum(in_data.values())):
            reasons.append(
                "no deal nodes: the data has no deals (sg:Acquisition, sg:Ownership, sg:Supply, ... with their parties)"
            )
        elif need == "layers" and not any(layers for _, layers in G.nodes(data="layers")):
            reasons.append("no layers: no entity has a stack layer (sg:inLayer)")
        elif need == "supplies" and not (in_data or {}).get("supplies") and not _supplies(G):
            reasons.append("no supply ties: the data has no supply deals (sg:Supply with a supplier and a customer)")
    return reasons


def left_out(G: nx.MultiDiGraph, needs: Iterable[str]) -> list[str]:
    """Return a sentence for each of ``needs`` that the data has but none of which counts in ``G``'s view.

    Examples
    --------
    >>> left_out(nx.MultiDiGraph(deal_nodes={"supplies": 3}), ["supplies"])[0].split(" (")[0]
    'none of the 3 supply deals in the data counts in this view'

    """
    in_data = G.graph.get("deal_nodes") or {}
    reasons = []
    for need in _check(needs):
        if need == "deals" and not G.number_of_edges() and sum(in_data.values()):
            reasons.append(f"none of the {sum(in_data.values())} deals in the data counts in this view {_WHY}")
        elif need == "supplies" and in_data.get("supplies") and not _supplies(G):
            reasons.append(f"none of the {in_data['supplies']} supply deals in the data counts in this view {_WHY}")
        elif need == "market shares" and not G.graph.get("market_positions"):
            reasons.append("no market shares count in this view: no HHI")
    return reasons


_WHY = "(its as-of date, statuses, undated or evidence choices)"


def _supplies(G: nx.MultiDiGraph) -> bool:
    return any(relation == "supplies" for _, _, relation in G.edges(data="relation"))
