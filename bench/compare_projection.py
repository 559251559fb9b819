"""Paired benchmark: ``project()`` of this checkout against the code of a git revision, in turns, on one graph.

``python bench/compare_projection.py --before df94bf2 --orgs 100000 --rounds 12`` writes the synthetic graph of
``--orgs`` organisations and three times as many deals (``bench/synthetic_orgs.py``; or give a Turtle file), starts
one worker process per side -- the code of ``--before`` (exported with ``git archive``) and this checkout -- each
loading the graph once, then asks them for one projection each, in turns (the order alternating every round), so
that both sides meet the same machine at nearly the same moment. It prints, per side, the median and least wall
time, process CPU and the main thread's CPU (the folding thread, the projection's critical path), and the median
and range of this checkout's wall time over the other side's in each round.

``--provenance`` projects with the sources and quotes (what ``render`` and ``export`` use); without it, as
``analyze`` does. The machines these run on are shared: compare the paired ratios of one run, not figures of two.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def worker(path: str) -> None:
    """Load ``path``, then answer each line on stdin (``prov`` or ``plain``) with one projection's figures."""
    from stackgraph.projection import project
    from stackgraph.store import KnowledgeStore

    store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    store.load_file(path)
    project(store, provenance=False)  # the first projection warms the caches; not counted
    print("ready", flush=True)
    for line in sys.stdin:
        gc.collect()
        wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
        G = project(store, provenance=line.strip() == "prov")
        wall, cpu, main = time.perf_counter() - wall, time.process_time() - cpu, time.thread_time() - main
        print(f"{wall:.4f} {cpu:.4f} {main:.4f} {G.number_of_edges()}", flush=True)
        del G


def compare(path: Path, code: dict[str, Path], rounds: int, provenance: bool) -> dict[str, list[list[float]]]:
    """Run the two sides in turns; return each side's (wall, cpu, main-thread cpu, edges) per round."""
    workers = {}
    for side, tree in code.items():
        env = dict(os.environ, PYTHONPATH=str(tree))
        workers[side] = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env,
        )  # fmt: skip
    try:
        for side, process in workers.items():
            if process.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
                raise SystemExit(f"the {side} worker did not start")
        figures: dict[str, list[list[float]]] = {side: [] for side in workers}
        sides = list(workers)
        for number in range(rounds):
            for side in sides if number % 2 == 0 else sides[::-1]:
                process = workers[side]
                process.stdin.write("prov\n" if provenance else "plain\n")  # type: ignore[union-attr]
                process.stdin.flush()  # type: ignore[union-attr]
                figures[side].append([float(x) for x in process.stdout.readline().split()])  # type: ignore[union-attr]
        return figures
    finally:
        for process in workers.values():
            process.stdin.close()  # type: ignore[union-attr]
            process.wait()


def report(figures: dict[str, list[list[float]]], before: str) -> None:
    base = figures[before]
    for side, rows in figures.items():
        walls = [row[0] for row in rows]
        cpu, main = statistics.median(row[1] for row in rows), statistics.median(row[2] for row in rows)
        ratios = [row[0] / other[0] for row, other in zip(rows, base, strict=True)]
        print(
            f"{side:>14}: wall median {statistics.median(walls):.3f} s (least {min(walls):.3f}), "
            f"CPU {cpu:.3f} s, main thread {main:.3f} s, "
            f"{int(rows[0][3]):,} edges; wall / {before}: median {statistics.median(ratios):.3f} "
            f"(range {min(ratios):.2f}-{max(ratios):.2f})"
        )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="a Turtle file to project (default: a synthetic graph)")
    parser.add_argument("--before", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--orgs", type=int, default=100_000, help="synthetic organisations (deals: 3x)")
    parser.add_argument("--rounds", type=int, default=12, help="projections per side, in turns (default 12)")
    parser.add_argument("--provenance", action="store_true", help="with sources and quotes, as render does")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    from compare_whatif import export_revision
    from synthetic_orgs import write

    with tempfile.TemporaryDirectory(prefix="stackgraph-projection-") as tmp:
        folder = Path(tmp)
        path = Path(args.file) if args.file else write(folder / "orgs.ttl", args.orgs, 3 * args.orgs)
        code = {args.before: export_revision(args.before, folder / "code"), "this checkout": ROOT}
        figures = compare(path, code, args.rounds, args.provenance)
    print(f"project(provenance={args.provenance}) on {path.name if args.file else f'{args.orgs:,} synthetic orgs'}:")
    report(figures, args.before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
