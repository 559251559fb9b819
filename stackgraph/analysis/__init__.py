"""The analysis layer: pure NetworkX functions ``f(G, ...)`` over a projected graph, returning frozen dataclasses.

Every function takes a ``networkx.MultiDiGraph`` built by :func:`stackgraph.projection.project` (or by hand, per
the projection contract in DEVELOPERS.md) and plain values; none mutates ``G``. Every result has ``to_dict()``
(the JSON shape documented in the README, section "Analysis") and, for tabular output, ``table()``.

Modules: :mod:`~stackgraph.analysis.control` (control groups), :mod:`~stackgraph.analysis.coverage` (stack
coverage), :mod:`~stackgraph.analysis.dependencies` (supply chains, dependents, chokepoints),
:mod:`~stackgraph.analysis.centrality` and :mod:`~stackgraph.analysis.concentration` (HHI).
"""

from __future__ import annotations

from stackgraph.analysis._common import View, basis_of, label_of, node_for, view_of
from stackgraph.analysis.centrality import CentralityReport, CentralityRow, centrality, deal_network
from stackgraph.analysis.concentration import (
    ConcentrationChange,
    MarketConcentration,
    MarketShare,
    compare_concentration,
    concentration_change,
    concentration_level,
    hhi,
    market_concentration,
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
    Chokepoint,
    ChokepointReport,
    DependencyReport,
    Dependent,
    DependentsReport,
    LayerDependency,
    SupplierRef,
    SupplyLink,
    chokepoints,
    dependencies,
    dependents,
    supply_graph,
)
from stackgraph.analysis.readiness import MAPPING_HINT, left_out, missing

__all__ = [
    "MAPPING_HINT",
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
    "LayerCredit",
    "LayerDependency",
    "MarketConcentration",
    "MarketShare",
    "SupplierRef",
    "SupplyLink",
    "View",
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
    "group_coverage",
    "hhi",
    "integration_chain",
    "label_of",
    "layer_scheme",
    "left_out",
    "market_concentration",
    "missing",
    "node_for",
    "supply_graph",
    "ultimate_parents",
    "view_of",
]
