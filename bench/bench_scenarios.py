"""Benchmark: long what-if scenarios -- total time and whether a step's cost grows with the steps before it.

On the shipped graphs, two scenarios of ``--steps`` steps each (default 800):

* ``deals``: steps that add a deal (invest, partner, add-supply between organisations, in turn);
* ``control``: steps that need the control structure (acquire and divest of one pair, in turn), capped at
  ``--control-steps`` (default 200) since each re-reads the overlay's projection.

For each it prints the total time, the mean time per step over the first and the last tenth of the steps
(timed through the ``progress`` callback), and their ratio: about 1 when a step costs the same wherever it
stands, growing with the number of steps when the cost is quadratic. Compare runs as ratios within one sitting
(the machine is shared).

Usage::

    python bench/bench_scenarios.py --steps 800
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _deal_steps(n: int, organisations: list[str]) -> list[dict]:
    rng = random.Random(1)
    steps = []
    for i in range(n):
        a, b = rng.sample(organisations, 2)
        steps.append(
            [
                {"kind": "invest", "investor": a, "investee": b},
                {"kind": "partner", "partners": [a, b]},
                {"kind": "add-supply", "supplier": a, "customer": b},
            ][i % 3]
        )
    return steps


def _control_steps(n: int) -> list[dict]:
    return [
        {"kind": "acquire", "acquirer": "SpaceX", "target": "Nokia"}
        if i % 2 == 0
        else {"kind": "divest", "holder": "SpaceX", "target": "Nokia"}
        for i in range(n)
    ]


def run(name: str, steps: list[dict], store) -> None:
    from stackgraph.scenarios import apply_scenario, parse_scenario

    scenario = parse_scenario({"name": name, "as_of": "2026-07-01", "steps": steps})
    stamps: list[float] = []
    start = time.perf_counter()
    try:
        apply_scenario(store, scenario, progress=lambda done, total, summary: stamps.append(time.perf_counter()))
    except TypeError:  # a version without progress (before #16): total time only
        start = time.perf_counter()
        apply_scenario(store, scenario)
    total = time.perf_counter() - start
    line = f"{name:8s} {len(steps):5d} steps  {total:8.2f} s  {1000 * total / len(steps):7.1f} ms/step"
    if len(stamps) >= 20:
        tenth = len(stamps) // 10
        first = (stamps[tenth - 1] - start) / tenth
        last = (stamps[-1] - stamps[-tenth - 1]) / tenth
        line += f"  first tenth {1000 * first:6.1f} ms/step, last tenth {1000 * last:6.1f} ms/step"
        line += f", ratio {last / first:5.2f}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--control-steps", type=int, default=200)
    args = parser.parse_args()

    from stackgraph.entities import list_entities
    from stackgraph.store import KnowledgeStore

    store = KnowledgeStore.with_shipped_graphs()
    organisations = [e.label for e in list_entities(store, kind="organization")]
    run("deals", _deal_steps(args.steps, organisations), store)
    run("control", _control_steps(args.control_steps), store)


if __name__ == "__main__":
    main()
