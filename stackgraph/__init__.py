"""stackgraph: corporate vertical integration as a knowledge graph you can query, analyse, play forward and view.

The main entry points, importable from here (loaded on first use, so ``import stackgraph`` stays cheap):

- :class:`~stackgraph.store.KnowledgeStore` -- the ontology and graphs in a fast SPARQL store;
- :func:`~stackgraph.projection.project` and :class:`~stackgraph.projection.ProjectionPolicy` -- the store as a
  NetworkX graph for the analyses in :mod:`stackgraph.analysis`;
- :class:`~stackgraph.scenarios.ScenarioBuilder` and :func:`~stackgraph.scenarios.run_scenario` -- what-if
  scenarios on an overlay;
- :func:`~stackgraph.render.graph_view` -- standalone HTML views.

Examples
--------
>>> import stackgraph
>>> store = stackgraph.KnowledgeStore.with_shipped_graphs()
>>> G = stackgraph.project(store)
>>> G.nodes["https://w3id.org/stackgraph/id/SpaceX"]["label"]
'SpaceX'
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "KnowledgeStore",
    "ProjectionPolicy",
    "ScenarioBuilder",
    "__version__",
    "graph_view",
    "project",
    "run_scenario",
]

_LAZY = {
    "KnowledgeStore": "stackgraph.store",
    "ProjectionPolicy": "stackgraph.projection",
    "project": "stackgraph.projection",
    "ScenarioBuilder": "stackgraph.scenarios",
    "run_scenario": "stackgraph.scenarios",
    "graph_view": "stackgraph.render",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("stackgraph")
        except PackageNotFoundError:  # a source checkout that was never installed
            return "0+unknown"
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'stackgraph' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
