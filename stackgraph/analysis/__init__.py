"""The analysis layer: pure NetworkX functions ``f(G, ...)`` over a projected graph, returning frozen dataclasses.

Every function takes a ``networkx.MultiDiGraph`` built by :func:`stackgraph.projection.project` (or by hand, per
the projection contract in DEVELOPERS.md) and plain values; none mutates ``G``. Every result has ``to_dict()``
(the JSON shape documented in the README, section "Analysis") and, for tabular output, ``table()``.

Modules: :mod:`~stackgraph.analysis.control` (control groups), :mod:`~stackgraph.analysis.ownership` and
:mod:`~stackgraph.analysis.owners` (integrated ownership through chains, ultimate owners, ownership tests),
:mod:`~stackgraph.analysis.coverage` (stack coverage), :mod:`~stackgraph.analysis.dependencies` (supply chains,
dependents), :mod:`~stackgraph.analysis.chokepoints`, :mod:`~stackgraph.analysis.centrality`,
:mod:`~stackgraph.analysis.concentration` (HHI), :mod:`~stackgraph.analysis.mergers` with
:mod:`~stackgraph.analysis.markets` and :mod:`~stackgraph.analysis.vertical` (merger screens) and
:mod:`~stackgraph.analysis.rollup` (entities rolled up into their control groups).
"""

from __future__ import annotations

from stackgraph.analysis._common import View, basis_of, graph_basis, label_of, money, node_for, view_of
from stackgraph.analysis.aggregate import AggregateOwnership, aggregate_owned
from stackgraph.analysis.centrality import CentralityReport, CentralityRow, centrality, deal_network, rank_network
from stackgraph.analysis.chokepoints import Chokepoint, ChokepointReport, chokepoints
from stackgraph.analysis.concentration import (
    ConcentrationChange,
    MarketConcentration,
    MarketShare,
    compare_concentration,
    concentration_change,
    concentration_level,
    eu_safe_harbour,
    hhi,
    market_concentration,
    us_presumptions,
)
from stackgraph.analysis.control import (
    ControlAnalysis,
    ControlConflict,
    ControlGroup,
    GroupMember,
    control_graph,
    control_group,
    control_groups,
    ultimate_parents,
)
from stackgraph.analysis.coverage import (
    CoverageRanking,
    GroupCoverage,
    LayerCredit,
    coverage_of,
    coverage_ranking,
    group_coverage,
    integration_chain,
    layer_scheme,
)
from stackgraph.analysis.dependencies import (
    DependencyReport,
    Dependent,
    DependentsReport,
    LayerDependency,
    SupplierRef,
    SupplyLink,
    dependencies,
    dependents,
    supply_graph,
)
from stackgraph.analysis.group_stakes import GroupStakes, group_stakes
from stackgraph.analysis.mergers import (
    MarketScreen,
    MergerContext,
    MergerScreen,
    merger_screen,
    mhhi,
    screen_flags,
)
from stackgraph.analysis.owners import (
    Holding,
    OwnershipAnalysis,
    OwnershipReport,
    entity_ownership,
    ownership_analysis,
)
from stackgraph.analysis.ownership import IntegratedOwnership, integrated_ownership, stake_graph
from stackgraph.analysis.readiness import MAPPING_HINT, left_out, missing
from stackgraph.analysis.rollup import group_map, rolled_up

__all__ = [
    "MAPPING_HINT",
    "AggregateOwnership",
    "CentralityReport",
    "CentralityRow",
    "Chokepoint",
    "ChokepointReport",
    "ConcentrationChange",
    "ControlAnalysis",
    "ControlConflict",
    "ControlGroup",
    "CoverageRanking",
    "DependencyReport",
    "Dependent",
    "DependentsReport",
    "GroupCoverage",
    "GroupMember",
    "GroupStakes",
    "Holding",
    "IntegratedOwnership",
    "LayerCredit",
    "LayerDependency",
    "MarketConcentration",
    "MarketScreen",
    "MarketShare",
    "MergerContext",
    "MergerScreen",
    "OwnershipAnalysis",
    "OwnershipReport",
    "SupplierRef",
    "SupplyLink",
    "View",
    "aggregate_owned",
    "basis_of",
    "centrality",
    "chokepoints",
    "compare_concentration",
    "concentration_change",
    "concentration_level",
    "control_graph",
    "control_group",
    "control_groups",
    "coverage_of",
    "coverage_ranking",
    "deal_network",
    "dependencies",
    "dependents",
    "entity_ownership",
    "eu_safe_harbour",
    "graph_basis",
    "group_coverage",
    "group_map",
    "group_stakes",
    "hhi",
    "integrated_ownership",
    "integration_chain",
    "label_of",
    "layer_scheme",
    "left_out",
    "market_concentration",
    "merger_screen",
    "mhhi",
    "missing",
    "money",
    "node_for",
    "ownership_analysis",
    "rank_network",
    "rolled_up",
    "screen_flags",
    "stake_graph",
    "supply_graph",
    "ultimate_parents",
    "us_presumptions",
    "view_of",
]
