"""Benchmark: memory of the projection (bytes per entity and per deal) and analyze/what-if at a million organisations.

Two parts:

* **bytes per entity and per deal** (default): on a synthetic graph of ``--orgs`` organisations and ``3 x --orgs``
  deals (``bench/synthetic_orgs.py``) it projects the store as ``stackgraph analyze`` does and counts the Python
  objects the graph holds, each object once (``sys.getsizeof``, shared objects counted where first met): the
  entities' part (``G._node``: the node map and every attribute dict with its values) per entity, the deals' part
  (``G._succ``/``G._pred``: adjacency maps, key dicts and every edge's attribute dict with its values) per deal
  edge, and ``G.graph``. Beside it the process's resident memory before and after the projection, and the Turtle
  file's size (issue #15: ``analyze`` at 100k <= 8x the file).
* **``--scale``** (e.g. ``--scale --orgs 1000000``): ``stackgraph analyze coverage`` and ``stackgraph whatif
  --acquire "Org 0:Org 5"`` run as child processes on that graph, each measured whole (``os.wait4``: CPU and wall
  seconds, peak resident memory), and the steps of an ``analyze`` (load, projection, control graph,
  groups, coverage ranking, centrality) and of a what-if (overlay, the two projections, the comparison) timed one
  by one in a child process with the resident memory after each. At 1M organisations / 3M deals this writes a
  ~0.8 GB Turtle file and runs for many minutes (tens on a 2-core machine) with up to several GB of memory: do not
  run it while other heavy jobs run.

Usage::

    python bench/bench_memory.py --orgs 100000
    python bench/bench_memory.py --scale --orgs 1000000 --keep /tmp/orgs-1m.ttl
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from goals import AS_OF, analyze_command, run_measured, whatif_command  # noqa: E402


def rss() -> int:
    """Resident memory of this process, bytes."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def deep_size(*roots: Any, seen: set[int]) -> int:
    """Bytes of ``roots`` and everything they hold (dicts, lists, tuples, sets, scalars), objects in ``seen`` not
    counted again (and added to it)."""
    total = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
    return total


def graph_bytes(G: Any) -> dict[str, int]:
    """The projection's Python objects, each counted once where first met: the entities' part (``G._node``), the
    deals' part split into the adjacency maps (successor and predecessor maps, key dicts), the edges' attribute
    dicts (containers alone), their values and the edge keys (deal IRIs), and ``G.graph``."""
    seen: set[int] = set()
    parts = {"entities": deep_size(G._node, seen=seen)}
    maps = [G._succ, G._pred, *G._succ.values(), *G._pred.values()]
    keydicts = [keys for side in (G._succ, G._pred) for nbrs in side.values() for keys in nbrs.values()]
    edge_dicts = [data for keys in keydicts for data in keys.values()]
    parts["adjacency"] = sum(sys.getsizeof(m) for m in {id(m): m for m in [*maps, *keydicts]}.values())
    seen.update(id(m) for m in [*maps, *keydicts])
    parts["edge dicts"] = sum(sys.getsizeof(d) for d in {id(d): d for d in edge_dicts}.values())
    seen.update(id(d) for d in edge_dicts)
    parts["edge values"] = deep_size(*(v for d in edge_dicts for v in d.values()), seen=seen)
    parts["edge keys"] = deep_size(*(k for keys in keydicts for k in keys), seen=seen)
    parts["deals"] = parts["adjacency"] + parts["edge dicts"] + parts["edge values"] + parts["edge keys"]
    parts["graph"] = deep_size(G.graph, seen=seen)
    return parts


def per_item(orgs: int, path: Path) -> None:
    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.store import KnowledgeStore

    store = KnowledgeStore.with_shipped_graphs([path], include_shipped=False)
    store.ensure_derived()
    gc.collect()
    before = rss()
    start = time.process_time()
    G = project(store, ProjectionPolicy(as_of=AS_OF), provenance=False)
    seconds = time.process_time() - start
    gc.collect()
    after = rss()
    parts = graph_bytes(G)
    nodes, edges = G.number_of_nodes(), G.number_of_edges()
    size = path.stat().st_size
    print(f"synthetic graph: {orgs:,} organisations, {path.stat().st_size / 2**20:,.1f} MiB Turtle")
    print(f"projection (as analyze runs it): {nodes:,} entities, {edges:,} deal edges, {seconds:.2f} s CPU")
    print(f"  entities' part   {parts['entities'] / 2**20:9.1f} MiB  {parts['entities'] / nodes:7.0f} bytes per entity")
    print(f"  deals' part      {parts['deals'] / 2**20:9.1f} MiB  {parts['deals'] / edges:7.0f} bytes per deal edge")
    for name in ("adjacency", "edge dicts", "edge values", "edge keys"):
        print(f"    {name:<14} {parts[name] / 2**20:9.1f} MiB  {parts[name] / edges:7.0f} bytes per deal edge")
    print(f"  G.graph          {parts['graph'] / 2**20:9.1f} MiB")
    total = parts["entities"] + parts["deals"] + parts["graph"]
    print(f"  Python objects   {total / 2**20:9.1f} MiB  ({total / size:.2f}x the Turtle file)")
    grown = (after - before) / 2**20
    print(f"  resident memory  {before / 2**20:9.1f} MiB before, {after / 2**20:.1f} MiB after (+{grown:.1f})")
    print(f"  process / file   {after / size:9.2f}x  (store and graph alive; goal for a whole analyze: <= 8x)")


# -- at scale -------------------------------------------------------------------------------------------------------


def _steps_child(path: str) -> None:
    """Child process: the steps of an analyze, then of a what-if, each timed with the resident memory after it."""
    from stackgraph.analysis import centrality, control_graph, control_groups, coverage_ranking
    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.scenarios import parse_scenario
    from stackgraph.scenarios.overlay import apply_scenario
    from stackgraph.scenarios.report import compare
    from stackgraph.store import KnowledgeStore

    def step(label: str, function: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        value = function()
        line = {
            "step": label,
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "rss": rss(),
        }
        print(json.dumps(line), flush=True)
        return value

    store = step("load (parse)", lambda: KnowledgeStore.with_shipped_graphs([Path(path)], include_shipped=False))
    # no derivation: neither analyze nor whatif reads the derived direct properties (the projection reads deals)
    policy = ProjectionPolicy(as_of=AS_OF)
    views: dict[str, Any] = {}
    views["G"] = step("analyze: projection", lambda: project(store, policy, provenance=False))
    views["C"] = step("analyze: control graph", lambda: control_graph(views["G"]))
    step("analyze: control groups", lambda: control_groups(views["G"], control=views["C"]))
    step("analyze: coverage ranking (top 20)", lambda: coverage_ranking(views["G"], top=20, control=views["C"]))
    step("analyze: centrality (top 20)", lambda: centrality(views["G"], top=20))
    views.clear()
    gc.collect()
    scenario = parse_scenario(
        {"name": "bench", "slug": "bench", "steps": [{"kind": "acquire", "acquirer": "Org 0", "target": "Org 5"}]}
    )
    overlay = step("what-if: overlay (apply the scenario)", lambda: apply_scenario(store, scenario, as_of=AS_OF))
    before = step("what-if: projection before", lambda: overlay.project(after=False))
    after = step("what-if: projection after", lambda: overlay.project(after=True))
    focus = [party for effect in overlay.effects for party in effect.parties]
    step("what-if: comparison (report sections)", lambda: compare(before, after, focus=focus))


def at_scale(orgs: int, path: Path, only: set[str]) -> None:
    size = path.stat().st_size
    print(f"synthetic graph: {orgs:,} organisations, {3 * orgs:,} deals, {size / 2**30:.2f} GiB Turtle")
    if "steps" in only:
        steps(path)
    print("\nwhole commands (child processes, os.wait4):")
    for label, command in (("analyze coverage", analyze_command(path)), ("whatif --acquire", whatif_command(path))):
        if label.split()[0] not in only:
            continue
        run = run_measured(command)
        verdict = "ok" if run.returncode == 0 else f"FAILED (exit {run.returncode}): {run.output[-300:]}"
        print(
            f"  stackgraph {label:<20} {run.wall:8.1f} s wall {run.cpu:8.1f} s CPU  peak {run.peak / 2**30:6.2f} GiB "
            f"({run.peak / size:.1f}x the file)  {verdict}",
            flush=True,
        )
    print(f"machine memory: {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.1f} GiB")


def steps(path: Path) -> None:
    print("\nsteps, one child process (seconds; resident memory after the step):")
    child = run_measured([sys.executable, __file__, "--steps-child", str(path)])
    for line in child.output.splitlines():
        if line.startswith("{"):
            s = json.loads(line)
            print(f"  {s['step']:<42} {s['wall']:8.1f} s wall {s['cpu']:8.1f} s CPU  {s['rss'] / 2**30:6.2f} GiB")
        elif line.strip():
            print(f"  {line}")
    print(f"  {'peak resident memory of the child':<42} {child.peak / 2**30:6.2f} GiB (exit {child.returncode})")


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--steps-child":
        _steps_child(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000, help="synthetic organisations (deals: 3x)")
    parser.add_argument(
        "--scale",
        action="store_true",
        help="run analyze and whatif on the graph as child processes, step by step; at --orgs 1000000 this takes "
        "many minutes and several GB: not while other heavy jobs run",
    )
    parser.add_argument(
        "--only",
        default="steps,analyze,whatif",
        help="with --scale: which runs, of steps (one process, step by step), analyze and whatif (the commands)",
    )
    parser.add_argument("--keep", type=Path, help="write the synthetic Turtle here (reused when it exists)")
    args = parser.parse_args(argv)
    from synthetic_orgs import write

    with tempfile.TemporaryDirectory(prefix="stackgraph-memory-") as tmp:
        path = args.keep or Path(tmp) / f"orgs-{args.orgs}.ttl"
        if not path.exists():
            start = time.perf_counter()
            write(path, args.orgs, 3 * args.orgs)
            print(f"generated {path} in {time.perf_counter() - start:.1f} s", flush=True)
        if args.scale:
            at_scale(args.orgs, path, {part.strip() for part in args.only.split(",")})
        else:
            per_item(args.orgs, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
