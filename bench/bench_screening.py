"""Benchmark: target screening, incremental vs naive recompute, in one run.

For one acquirer on a synthetic graph of ``--size`` organisations and ``3 x --size`` deals (bench/synthetic_orgs.py;
or any Turtle file given with ``--graph``, e.g. a Crunchbase import), it prints:

* incremental screening of EVERY candidate (``stackgraph.scenarios.screen_targets``: one projection, then union
  deltas per candidate), for each objective;
* naive recompute -- for a sample of ``--naive-sample`` candidates, the real acquire scenario on an overlay and
  the whole before/after analysis (``run_scenario``: store copy, two projections, control groups, coverage,
  dependencies, chokepoints, centrality, exposure, HHI), then the objective's score from the analysis results;
  the mean time per candidate is extrapolated to all candidates (stated as such);
* the ratio naive / incremental (goal >= 100x);
* on a subgraph where naive is feasible (``--check-size`` organisations, same generator), the full naive ranking
  of every candidate vs the incremental one: same top 10 (and same full ranking) per objective;
* ``stackgraph screen`` as a user runs it (projection, every candidate scored, the first 10 shown with their
  merger-screen flags) against one ``analyze`` run (bench_analysis.whole_analyze), CPU seconds, as a ratio (goal
  <= 1.5x), and the cost of the flags of every candidate.

Usage::

    python bench/bench_screening.py --size 100000
    python bench/bench_screening.py --size 0 --check-size 300     # only the top-10 check
    python bench/bench_screening.py --graph /tmp/crunchbase.ttl --acquirer "Microsoft"
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

OBJECTIVES = ("coverage", "dependencies", "centrality")


def timed(label: str, function: Callable[[], Any], *, quiet: bool = False) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    if not quiet:
        print(f"  {label:<62} {elapsed:9.3f} s", flush=True)
    return elapsed, result


def synthetic(size: int, folder: Path) -> Path:
    from synthetic_orgs import write

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"synthetic_orgs_{size}.ttl"
    if not path.is_file():
        timed(f"generate {size:,} organisations / {3 * size:,} deals", lambda: write(path, size, 3 * size))
    return path


def open_store(path: Path) -> Any:
    from stackgraph.store import KnowledgeStore

    _, store = timed(
        f"load {path.name} (+ ontology)", lambda: KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    )
    timed("derive direct properties", store.ensure_derived)
    print(f"  {'triples':<62} {len(store):>11,}")
    return store


def naive_one(store: Any, acquirer: str, target: str, as_of: str) -> dict[str, tuple[float, float]]:
    """The acquire scenario and the whole analysis for one candidate; its score under every objective."""
    from stackgraph.analysis.control import control_graph, ultimate_parents
    from stackgraph.scenarios import parse_scenario, run_scenario
    from stackgraph.scenarios.screening import naive_score

    scenario = parse_scenario(
        {"name": "naive", "as_of": as_of, "steps": [{"kind": "acquire", "acquirer": acquirer, "target": target}]}
    )
    result = run_scenario(store, scenario)
    parent = ultimate_parents(result.before, acquirer, control=control_graph(result.before))[0]
    return {objective: naive_score(result.before, result.after, parent, objective) for objective in OBJECTIVES}


def bench_screening(store: Any, acquirer: str, *, naive_sample: int, as_of: str) -> list[dict[str, Any]]:
    from stackgraph.analysis._common import node_for
    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.scenarios.screening import screen_graph

    rows = []
    projection_s, G = timed("projection (once)", lambda: project(store, ProjectionPolicy(as_of=as_of)))
    node = node_for(G, acquirer)
    incremental: dict[str, float] = {}
    screenings = {}
    for objective in OBJECTIVES:
        seconds, screening = timed(
            f"incremental screening, {objective}, every candidate",
            lambda o=objective: screen_graph(G, node, objective=o),
        )
        incremental[objective] = projection_s + seconds
        screenings[objective] = screening
    screen_vs_analyze(store, node, as_of)
    candidates = screenings["coverage"].ranking()
    n = len(candidates)
    print(f"  {'candidates (organisations outside the acquirer group)':<62} {n:>11,}")
    for objective in OBJECTIVES:
        top = screenings[objective].candidates[0]
        print(f"  best by {objective:<12}: {top.label} ({top.explanation[:90]})")
    if not naive_sample:
        return rows
    # naive: a deterministic sample spread over the ranking
    step = max(1, n // max(1, naive_sample))
    sample = [candidates[i] for i in range(0, n, step)][:naive_sample]
    times = []
    mismatches = 0
    for target in sample:
        seconds, scores = timed(
            f"naive: acquire scenario + full analysis, {target.rsplit('/', 1)[-1]}",
            lambda t=target: naive_one(store, node, t, G.graph["as_of"]),
        )
        times.append(seconds)
        for objective in OBJECTIVES:
            fast = next(c for c in screenings[objective].candidates if c.target == target)
            if (round(fast.score, 12), fast.secondary) != (round(scores[objective][0], 12), scores[objective][1]):
                mismatches += 1
    per_candidate = statistics.mean(times)
    naive_total = per_candidate * n
    label = f"naive per candidate (mean of {len(times)})"
    print(f"  {label:<62} {per_candidate:9.3f} s")
    label = f"naive, all candidates (EXTRAPOLATED: mean x {n})"
    print(f"  {label:<62} {naive_total:9.1f} s")
    print(
        f"  sampled candidates whose naive score equals the incremental one: "
        f"{len(sample) * len(OBJECTIVES) - mismatches}/{len(sample) * len(OBJECTIVES)}"
    )
    for objective in OBJECTIVES:
        ratio = naive_total / incremental[objective]
        verdict = "met" if ratio >= 100 else "NOT met"
        print(f"  {'ratio naive / incremental, ' + objective:<62} {ratio:9.0f}x  (goal >= 100x: {verdict})")
        rows.append(
            {
                "step": f"screening ({objective})",
                "seconds": incremental[objective],
                "baseline": f"naive recompute (extrapolated from {len(times)} of {n})",
                "baseline_seconds": naive_total,
                "note": f"{n} candidates",
            }
        )
    return rows


def screen_vs_analyze(store: Any, acquirer: str, as_of: str) -> float:
    """CPU seconds of ``stackgraph screen`` as a user runs it (projection, every candidate scored, the first 10
    shown with their merger-screen flags) over one ``analyze`` run; prints both, the ratio, and what the flags of
    every candidate would cost."""
    from bench_analysis import whole_analyze

    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.scenarios.screening import screen_graph

    gc.collect()
    start = time.process_time()
    screening = screen_graph(project(store, ProjectionPolicy(as_of=as_of)), acquirer)
    shown = screening.top(10)
    screen_cpu = time.process_time() - start
    flagged = sum(1 for c in shown if any(c.details["screens"].values()))
    start = time.process_time()
    screening.top(None)
    every_cpu = time.process_time() - start
    gc.collect()
    _, analyze_cpu, _ = whole_analyze(store)
    print(f"  {'screen (projection + every candidate scored, 10 shown with flags)':<62} {screen_cpu:9.3f} s CPU")
    print(f"  {'  of the 10 shown, with a merger-screen flag':<62} {flagged:>11,}")
    print(f"  {'merger-screen flags of every candidate, if all are asked for':<62} {every_cpu:9.3f} s CPU")
    print(f"  {'one analyze run':<62} {analyze_cpu:9.3f} s CPU")
    ratio = screen_cpu / analyze_cpu if analyze_cpu else float("inf")
    print(f"  {'screen / analyze':<62} {ratio:9.2f}x  (goal <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")
    return ratio


def check_top10(size: int, folder: Path, acquirer: str, as_of: str) -> bool:
    """Full naive ranking vs incremental on a small synthetic graph: same top 10 (and same ranking)."""
    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.scenarios.screening import Candidate, screen_graph
    from stackgraph.store import KnowledgeStore

    path = synthetic(size, folder)
    store = KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    G = project(store, ProjectionPolicy(as_of=as_of))
    fast = {o: screen_graph(G, acquirer, objective=o) for o in OBJECTIVES}
    candidates = fast["coverage"].ranking()
    _, naive = timed(
        f"naive ranking of all {len(candidates)} candidates ({size} organisations)",
        lambda: {t: naive_one(store, fast["coverage"].acquirer, t, G.graph["as_of"]) for t in candidates},
    )
    all_same = True
    for objective in OBJECTIVES:
        labels = {c.target: c.label for c in fast[objective].candidates}
        rows = [Candidate(t, labels[t], *naive[t][objective], (t,), "") for t in candidates]
        rows.sort(key=Candidate.sort_key)
        slow = [c.target for c in rows]
        same_top = slow[:10] == fast[objective].ranking()[:10]
        same_all = slow == fast[objective].ranking()
        all_same &= same_top and same_all
        print(
            f"  {objective:<12} same top 10: {'yes' if same_top else 'NO'}; same full ranking: "
            f"{'yes' if same_all else 'NO'}"
        )
    return all_same


def bench(path: Path, *, repeat: int = 1) -> list[dict[str, Any]]:
    """Entry point for bench/run_all.py: screen for the acquirer with the most deals in ``path``."""
    from stackgraph.projection import ProjectionPolicy, project

    store = open_store(path)
    G = project(store, ProjectionPolicy())
    hub = max((n for n, k in G.nodes(data="kind") if k == "organization"), key=G.degree)
    return bench_screening(store, hub, naive_sample=2, as_of=G.graph["as_of"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic organisations (deals = 3x)")
    parser.add_argument("--graph", type=Path, default=None, help="screen on this Turtle file instead")
    parser.add_argument("--acquirer", default=None, help="default: org0 (synthetic) or the most connected org")
    parser.add_argument("--naive-sample", type=int, default=3, help="candidates replayed naively (0: none)")
    parser.add_argument("--check-size", type=int, default=300, help="organisations of the top-10 check graph")
    parser.add_argument("--as-of", default="2026-07-01")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    args = parser.parse_args(argv)

    import platform

    print(f"stackgraph screening benchmark -- Python {platform.python_version()}, {platform.machine()}")
    if args.graph is None and not args.size:
        return _check_only(args)
    path = args.graph or synthetic(args.size, args.data)
    print(f"\n[{path.name}]")
    store = open_store(path)
    acquirer = args.acquirer
    if acquirer is None:
        if args.graph is None:
            acquirer = "https://w3id.org/stackgraph/id/org0"
        else:
            from stackgraph.projection import ProjectionPolicy, project

            G = project(store, ProjectionPolicy(as_of=args.as_of))
            acquirer = max((n for n, k in G.nodes(data="kind") if k == "organization"), key=G.degree)
    print(f"  acquirer: {acquirer}")
    bench_screening(store, acquirer, naive_sample=args.naive_sample, as_of=args.as_of)
    del store
    gc.collect()
    if args.check_size:
        print(f"\n[top-10 check: synthetic {args.check_size} organisations, every candidate replayed naively]")
        ok = check_top10(args.check_size, args.data, "https://w3id.org/stackgraph/id/org0", args.as_of)
        print(f"  rankings agree: {'yes' if ok else 'NO'}")
    return 0


def _check_only(args: argparse.Namespace) -> int:
    print(f"\n[top-10 check: synthetic {args.check_size} organisations, every candidate replayed naively]")
    ok = check_top10(args.check_size, args.data, "https://w3id.org/stackgraph/id/org0", args.as_of)
    print(f"  rankings agree: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
