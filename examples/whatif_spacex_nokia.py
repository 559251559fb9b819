"""What if SpaceX buys Nokia and Nvidia stops supplying it? A what-if scenario built and read in Python.

Run from a checkout or an installed stackgraph::

    python examples/whatif_spacex_nokia.py [--save scenario.ttl]

It opens the shipped AI-stack graph, builds a two-step scenario with ScenarioBuilder, plays it on an overlay
(the shipped graph is not touched), and reads the before/after report as plain data.
"""

from __future__ import annotations

import argparse

from stackgraph.scenarios import ScenarioBuilder
from stackgraph.store import KnowledgeStore


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", help="write the scenario graph (Turtle) to this file")
    args = parser.parse_args(argv)

    store = KnowledgeStore.with_shipped_graphs()

    with ScenarioBuilder("SpaceX buys Nokia, Nvidia cuts supply", as_of="2026-07-01") as plan:
        plan.acquire("SpaceX", "Nokia", stake=100, price=30e9, currency="USD")
        plan.cut_supply("Nvidia", "SpaceX", layer="accelerators")

    result = plan.run(store)
    report = result.report

    spacex = next(c for c in report["coverage"] if c["group"]["label"] == "SpaceX")
    print(f"SpaceX group gains: {', '.join(spacex['gained']) or 'nothing'}")
    print(f"coverage {spacex['score_before']:.3f} -> {spacex['score_after']:.3f}")
    for tie in report["ties"]:
        print(f"comes along: {tie['other']['label']} {tie['relation']} {tie['member']['label']}")
    for dep in report["dependencies"]:
        for removed in dep["removed"]:
            print(f"{dep['group']['label']} no longer depends on {removed['supplier']['label']} for {removed['layer']}")
    for market in report["concentration"]:
        print(f"{market['label']}: HHI {market['hhi_before']:.0f} -> {market['hhi_after']:.0f}")
    if args.save:
        result.save(args.save)
        print(f"scenario graph written to {args.save}")
    return report


if __name__ == "__main__":
    main()
