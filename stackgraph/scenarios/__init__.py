"""What-if scenarios: play deals forward on an overlay of the knowledge graph and compare before and after.

Examples
--------
>>> from stackgraph.store import KnowledgeStore
>>> from stackgraph.scenarios import ScenarioBuilder
>>> store = KnowledgeStore.with_shipped_graphs()
>>> with ScenarioBuilder("SpaceX buys Nokia", as_of="2026-07-01") as plan:
...     _ = plan.acquire("SpaceX", "Nokia")
>>> result = plan.run(store)
>>> [c["gained"] for c in result.report["coverage"] if c["group"]["label"] == "SpaceX"]
[['terrestrial-ran']]
"""

from stackgraph.scenarios.builder import ScenarioBuilder
from stackgraph.scenarios.examples import example_names, find_scenario, scenario_path
from stackgraph.scenarios.model import STEP_FIELDS, STEP_KINDS, Scenario, Step, load_scenario, parse_scenario
from stackgraph.scenarios.overlay import MAX_STEPS, Overlay, StepEffect, apply_scenario
from stackgraph.scenarios.report import REPORT_SCHEMA, REPORT_SECTIONS, WhatIf, compare, run_scenario
from stackgraph.scenarios.screening import OBJECTIVES, Candidate, Screening, screen_naive, screen_targets
from stackgraph.scenarios.sections import Cell, Section, report_sections
from stackgraph.scenarios.text import format_report, format_screening

__all__ = [
    "MAX_STEPS",
    "OBJECTIVES",
    "REPORT_SCHEMA",
    "REPORT_SECTIONS",
    "STEP_FIELDS",
    "STEP_KINDS",
    "Candidate",
    "Cell",
    "Overlay",
    "Scenario",
    "ScenarioBuilder",
    "Screening",
    "Section",
    "Step",
    "StepEffect",
    "WhatIf",
    "apply_scenario",
    "compare",
    "example_names",
    "find_scenario",
    "format_report",
    "format_screening",
    "load_scenario",
    "parse_scenario",
    "report_sections",
    "run_scenario",
    "scenario_path",
    "screen_naive",
    "screen_targets",
]
