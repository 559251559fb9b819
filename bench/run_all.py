"""Run every benchmark of ``bench/`` in one go and print one table: each step of stackgraph against its baseline.

Datasets: the Crunchbase 2013 import (``--crunchbase DIR``; skipped when the folder is absent) and synthetic
graphs of ``--sizes`` triples (default 10k, 100k and 1M, from ``bench/synthetic_rdf.py``), so the growth of every
cost with size is visible. Steps and baselines:

==================  ===============================================  =====================================
step                stackgraph                                       baseline
==================  ===============================================  =====================================
import              ``read_crunchbase`` + Turtle write (triples/s)   --
load                ``KnowledgeStore.load_file`` (+ derive)          plain rdflib ``Graph.parse``
SPARQL suite        the queries of ``bench_store.py``, summed        plain rdflib ``Graph.query``
projection          ``project(store)``                               rdflib extras ``rdflib_to_networkx_multidigraph``
analysis            ``bench_analysis.py``                            plain NetworkX (its own choice)
screening           ``bench_screening.py``                           naive recompute (its own choice)
view building       ``bench_render.py``                              its own baseline
==================  ===============================================  =====================================

Sibling benchmarks plug in with a function ``bench(path: Path, *, repeat: int = 1) -> list[dict]`` that measures
one dataset (a Turtle file) and returns rows ``{"step", "seconds", "baseline", "baseline_seconds", "note"}``
(``baseline_seconds`` may be ``None``; ``note`` is optional). A sibling without ``bench()`` is run as a script
on each dataset file (``--graph FILE``, or ``--size 0 FILE`` for ``bench_analysis.py``) and its own output is
printed after the table; a missing sibling shows as "not available". rdflib baselines run in a subprocess with a
time limit (``--rdflib-timeout``) and are skipped above ``--rdflib-max`` triples; a timed-out baseline gives a
ratio ">= x".

First of all it prints the goals of issue #15 beside their measured ratios (``bench/goals.py``: what-if over its
in-process floor and over one analyze in memory, analyze memory over the file, user queries and the derivation
over raw pyoxigraph, PageRank and ``centrality()`` at 100k, the 20k view in Chromium, start-up), measured in this
run. With the defaults the whole run takes tens of minutes on a 2-core machine (the what-if at 100k organisations
alone several minutes per repeat); ``--goals-only`` stops after the goals table.

Usage::

    python bench/run_all.py                                   # goals, then Crunchbase (if present) + 10k, 100k, 1M
    python bench/run_all.py --goals-only                      # the goals table of #15 only
    python bench/run_all.py --goals-only --whatif-sizes 10000 --store-triples 100000 --centrality-orgs 0 \
        --view-entities 0                                     # quick goals run
    python bench/run_all.py --no-goals --sizes 10000 --crunchbase ''     # quick run of the step table
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CRUNCHBASE = ROOT.parent / "shared" / "data" / "crunchbase-2013"
SIBLINGS = {"analysis": "bench_analysis", "screening": "bench_screening", "view building": "bench_render"}


@dataclass
class Row:
    dataset: str
    step: str
    seconds: float | None
    baseline: str = ""
    baseline_seconds: float | None = None
    note: str = ""
    lower_bound: bool = False

    def ratio(self) -> str:
        if self.seconds is None or self.baseline_seconds is None or self.seconds <= 0:
            return "-"
        return f"{'>= ' if self.lower_bound else ''}{self.baseline_seconds / self.seconds:.1f}x"


def _timed(function: Any, repeat: int = 1) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _queries() -> dict[str, str] | None:
    try:
        return dict(importlib.import_module("bench.bench_store").QUERIES)
    except (ImportError, AttributeError):
        return None


# -- rdflib baselines, in a subprocess with a time limit ------------------------------------------------------------


def rdflib_worker(path: str, derived_path: str, timeout: float) -> None:
    """Subprocess: parse with rdflib, run the SPARQL suite and the rdflib-extras projection; print JSON."""
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from bench.bench_store import rdflib_graph, rdflib_queries, time_limit

    graph, out = rdflib_graph(path, derived_path)
    out["queries"] = rdflib_queries(graph, _queries() or {}, timeout)
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            G = rdflib_to_networkx_multidigraph(graph)
        out["projection"] = {"seconds": time.perf_counter() - start, "edges": G.number_of_edges()}
    except TimeoutError:
        out["projection"] = {"seconds": timeout, "timed_out": True}
    print(json.dumps(out))


def run_rdflib(path: Path, derived: Path, timeout: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--rdflib-worker", str(path), str(derived), str(timeout)]
    limit = 10 * timeout
    try:
        from bench.bench_store import raise_stack_limit

        done = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, check=False, preexec_fn=raise_stack_limit
        )
    except subprocess.TimeoutExpired:
        return {"error": f"rdflib did not finish within {limit:.0f} s"}
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- stackgraph ------------------------------------------------------------------------------------------------------


def measure_stackgraph(name: str, path: Path, args: argparse.Namespace) -> tuple[list[Row], int]:
    """Load, SPARQL suite and projection for one dataset, with the rdflib baselines."""
    import pyoxigraph as ox

    from stackgraph.projection import ProjectionPolicy, project
    from stackgraph.store import DERIVED_GRAPH, KnowledgeStore

    stores: list[KnowledgeStore] = []

    def load() -> None:
        stores.clear()
        stores.append(KnowledgeStore.with_shipped_graphs([path], include_shipped=False))
        stores[0].ensure_derived()

    load_s, _ = _timed(load, args.repeat)
    store = stores[0]
    triples = len(store.raw)
    queries = _queries()
    suite_s = None
    if queries is not None:
        suite_s = sum(_timed(lambda q=q: sum(1 for _ in store.query(q)), args.repeat)[0] for q in queries.values())
    policy = ProjectionPolicy(statuses=frozenset({"completed", "active", "announced", "pending", "in-talks"}))
    try:
        projection_s, G = _timed(lambda: project(store, policy), args.repeat)
        projection_step = f"projection ({G.number_of_edges():,} edges)"
    except Exception as error:  # report, do not stop the other measurements
        projection_s, projection_step = None, f"projection (failed: {type(error).__name__}: {error})"

    rdf: dict[str, Any] = {"error": f"skipped (more than --rdflib-max {args.rdflib_max:,} triples)"}
    if args.no_rdflib:
        rdf = {"error": "skipped (--no-rdflib)"}
    elif triples <= args.rdflib_max:
        with tempfile.TemporaryDirectory() as tmp:
            derived = Path(tmp) / "derived.nt"
            quads = store.raw.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED_GRAPH))
            derived.write_text("".join(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in quads))
            rdf = run_rdflib(path, derived, args.rdflib_timeout)
    note = "" if "error" not in rdf else f"rdflib: {rdf['error']}"
    rows = [Row(name, "load (parse + derive)", load_s, "rdflib parse", rdf.get("load"), note)]
    if queries is None:
        rows.append(Row(name, "SPARQL suite", None, note="not available (bench/bench_store.py missing)"))
    else:
        baseline = rdf.get("queries", {})
        done = [baseline[q] for q in queries if q in baseline]
        total = sum(d["seconds"] for d in done) if len(done) == len(queries) else None
        rows.append(
            Row(
                name,
                f"SPARQL suite ({len(queries)} queries)",
                suite_s,
                "rdflib query",
                total,
                lower_bound=any(d.get("timed_out") for d in done),
            )
        )
    proj = rdf.get("projection", {})
    rows.append(
        Row(
            name,
            projection_step,
            projection_s,
            "rdflib extras to networkx",
            proj.get("seconds"),
            lower_bound=bool(proj.get("timed_out")),
        )
    )
    return rows, triples


def measure_siblings(name: str, path: Path, args: argparse.Namespace) -> list[Row]:
    rows = []
    for step, module_name in SIBLINGS.items():
        if not (ROOT / "bench" / f"{module_name}.py").is_file():
            rows.append(Row(name, step, None, note=f"not available (bench/{module_name}.py missing)"))
            continue
        try:
            module = importlib.import_module(f"bench.{module_name}")
        except Exception as error:  # a broken sibling must not stop the others
            rows.append(Row(name, step, None, note=f"not available ({module_name}: {error})"))
            continue
        bench = getattr(module, "bench", None)
        if bench is None:
            rows.append(Row(name, step, None, note=f"see the output of bench/{module_name}.py below"))
            continue
        try:
            with contextlib.redirect_stdout(sys.stderr):  # a sibling's progress lines must not break the table
                results = list(bench(path, repeat=args.repeat))
            for result in results:
                rows.append(
                    Row(
                        name,
                        str(result.get("step", step)),
                        result.get("seconds"),
                        str(result.get("baseline", "")),
                        result.get("baseline_seconds"),
                        str(result.get("note", "")),
                        bool(result.get("lower_bound", False)),
                    )
                )
        except Exception as error:
            rows.append(Row(name, step, None, note=f"failed: {type(error).__name__}: {error}"))
    return rows


def _script_command(script: Path, path: Path) -> list[str] | None:
    """How to run a sibling script on one dataset file, judged from its ``--help``; ``None``: it takes no file."""
    try:
        usage = subprocess.run(
            [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except subprocess.TimeoutExpired:
        usage = ""
    if "--graph" in usage:
        return [sys.executable, str(script), "--graph", str(path)]
    if "--size" in usage and "extra" in usage:  # bench_analysis.py: --size 0 FILE benchmarks FILE only
        return [sys.executable, str(script), "--size", "0", str(path)]
    return None


def run_sibling_scripts(datasets: list[tuple[str, Path]]) -> list[str]:
    """Run the siblings that have no ``bench()`` function as scripts on each dataset; return their outputs."""
    outputs = []
    for module_name in SIBLINGS.values():
        script = ROOT / "bench" / f"{module_name}.py"
        if not script.is_file():
            continue
        try:
            if hasattr(importlib.import_module(f"bench.{module_name}"), "bench"):
                continue
        except Exception:
            continue
        runs = [(name, path, _script_command(script, path)) for name, path in datasets]
        if any(command is None for _name, _path, command in runs):  # takes no graph file: run once, its defaults
            runs = [("its own synthetic data", Path("-"), [sys.executable, str(script)])]
        for name, path, command in runs:
            assert command is not None
            print(f"running bench/{module_name}.py on {name} ...", file=sys.stderr, flush=True)
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False, cwd=ROOT)
                text = done.stdout.strip() or done.stderr.strip()
            except subprocess.TimeoutExpired:
                text = "did not finish within 3600 s"
            shown = " ".join(["python", *command[1:]])
            if str(path) != "-":
                shown = shown.replace(str(path), f"<{name}.ttl>")
            outputs.append(f"$ {shown}\n{text}")
    return outputs


# -- datasets ----------------------------------------------------------------------------------------------------------


def crunchbase_dataset(folder: Path, out: Path, repeat: int) -> tuple[Row, Path]:
    from stackgraph.importers import read_crunchbase

    def run() -> Any:
        result = read_crunchbase(folder)
        result.write(out)
        return result

    seconds, result = _timed(run, repeat)
    rate = result.report.triples / seconds if seconds else 0
    note = f"{result.report.triples:,} triples, {rate:,.0f} triples/s; {result.report.skipped()} rows skipped"
    return Row("crunchbase", "import (read + write Turtle)", seconds, note=note), out


def synthetic_dataset(size: int, folder: Path) -> Path:
    from bench.synthetic_rdf import generate

    path = folder / f"synthetic-{size}.ttl"
    with path.open("w", encoding="utf-8") as handle:
        for chunk in generate(size, 42):
            handle.write(chunk)
    return path


def machine() -> str:
    import networkx
    import pyoxigraph
    import rdflib

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, networkx {networkx.__version__}"
    )


def table(rows: list[Row], sizes: dict[str, int]) -> str:
    headers = ["dataset", "step", "stackgraph", "baseline", "baseline time", "ratio", "note"]
    cells = [
        [
            f"{r.dataset} ({sizes.get(r.dataset, 0):,} triples)",
            r.step,
            _seconds(r.seconds) if r.seconds is not None else "-",
            r.baseline or "-",
            ((">= " if r.lower_bound else "") + _seconds(r.baseline_seconds))
            if r.baseline_seconds is not None
            else "-",
            r.ratio(),
            r.note,
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)] if cells else []
    lines = ["| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(headers)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(row)) + " |" for row in cells]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--rdflib-worker":
        rdflib_worker(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description="Run all stackgraph benchmarks and print one table of ratios.")
    parser.add_argument(
        "--crunchbase",
        default=str(DEFAULT_CRUNCHBASE),
        help="Crunchbase 2013 export folder ('' to skip; default ../shared/data/crunchbase-2013)",
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic graph sizes in triples")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="rdflib time limit per step, seconds")
    parser.add_argument("--rdflib-max", type=int, default=1_500_000, help="skip rdflib above this many triples")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baselines")
    goals = parser.add_argument_group("goals of #15 (bench/goals.py)")
    goals.add_argument("--no-goals", action="store_true", help="skip the goals table")
    goals.add_argument("--goals-only", action="store_true", help="print the goals table only")
    goals.add_argument("--whatif-sizes", default="10000,100000", help="organisations of the what-if graphs")
    goals.add_argument("--store-triples", type=int, default=1_000_000, help="triples of the store goals' graph")
    goals.add_argument("--centrality-orgs", type=int, default=100_000, help="organisations for PageRank (0 skips)")
    goals.add_argument("--view-entities", type=int, default=20_000, help="entities of the view goal (0 skips)")
    args = parser.parse_args(argv)
    if not args.no_goals:
        from bench.goals import measure_goals
        from bench.goals import table as goals_table

        measured_goals = measure_goals(
            whatif_sizes=[int(s) for s in args.whatif_sizes.split(",") if s.strip()],
            store_triples=args.store_triples,
            centrality_orgs=args.centrality_orgs,
            view_entities=args.view_entities,
            repeat=args.repeat,
            with_rdflib=not args.no_rdflib,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
        print(f"Machine: {machine()}")
        print(f"Goals of #15, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; repeat {args.repeat} (median)")
        print(goals_table(measured_goals))
        print("CPU seconds of whole processes (os.wait4), the two sides of a ratio run in turns.")
        print()
        if args.goals_only:
            return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    rows: list[Row] = []
    triples: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="stackgraph-bench-") as tmp:
        datasets: list[tuple[str, Path]] = []
        if args.crunchbase and Path(args.crunchbase).is_dir():
            import_row, path = crunchbase_dataset(Path(args.crunchbase), Path(tmp) / "crunchbase.ttl", args.repeat)
            rows.append(import_row)
            datasets.append(("crunchbase", path))
        elif args.crunchbase:
            rows.append(Row("crunchbase", "import", None, note=f"not available ({args.crunchbase} not found)"))
        for size in sizes:
            datasets.append((f"synthetic-{size // 1000}k", synthetic_dataset(size, Path(tmp))))
        for name, path in datasets:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            try:
                measured, n = measure_stackgraph(name, path, args)
            except Exception as error:  # one broken dataset must not hide the others
                measured, n = [Row(name, "load", None, note=f"failed: {type(error).__name__}: {error}")], 0
            triples[name] = n
            rows += measured
            rows += measure_siblings(name, path, args)
        extra = run_sibling_scripts(datasets)
    print(f"Machine: {machine()}")
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; repeat {args.repeat} (median)")
    print()
    print(table(rows, triples))
    print()
    print("ratio = baseline time / stackgraph time (higher is better); '>=' when the baseline hit its time limit.")
    for text in extra:
        print()
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
