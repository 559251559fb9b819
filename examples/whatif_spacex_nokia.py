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

    layer = report["layers"]  # layer key -> label
    spacex = next(c for c in report["coverage"] if c["group"]["label"] == "SpaceX")
    print(f"SpaceX group gains: {', '.join(layer[k] for k in spacex['gained']) or 'nothing'}")
    scale = "0 = no layer of the stack held, 1 = all"
    print(f"coverage ({scale}): {spacex['score_before']:.3f} -> {spacex['score_after']:.3f}")
    for tie in report["ties"]:
        ends = (tie["member"], tie["other"]) if tie["direction"] == "out" else (tie["other"], tie["member"])
        quote = tie["quotes"][0] if tie["quotes"] else "no quoted sentence"
        print(f"comes along: {ends[0]['label']} {tie['relation'].replace('_', ' ')} {ends[1]['label']} ({quote})")
    for dep in report["dependencies"]:
        left = set(dep["no_supplier_left"])
        for removed in dep["removed"]:
            group, supplier, key = dep["group"]["label"], removed["supplier"]["label"], removed["layer"]
            if key in left:
                print(f"{group} loses {supplier} and has no supplier left for {layer[key]}")
            else:
                print(f"{group} no longer buys {layer[key]} from {supplier} (other suppliers remain)")
    for market in report["concentration"]:
        if market["delta_hhi"]:
            print(f"{market['label']}: HHI {market['hhi_before']:.0f} -> {market['hhi_after']:.0f}")
        else:
            print(f"{market['label']}: HHI unchanged ({market['hhi_after']:.0f})")
    if args.save:
        result.save(args.save)
        print(f"scenario graph written to {args.save}")
    return report


if __name__ == "__main__":
    main()
