"""Benchmark: stackgraph's KnowledgeStore vs raw pyoxigraph vs plain rdflib on a synthetic graph.

Prints parse+load time and a small query suite for the three engines in the same run, then the ratios.
Goals (issue #2): stackgraph >= 10x faster than rdflib, and within 1.3x of raw pyoxigraph.

* stackgraph: ``KnowledgeStore().load_file(path)`` (named graph per file, hash recorded, parse errors safe);
  queries through ``KnowledgeStore.query`` (default graph = union of the named graphs). Deriving the direct
  properties (``sg:supplies`` ...) is a separate, once-per-change step and is reported on its own line.
* raw pyoxigraph: ``Store().bulk_load(path=...)`` into the default graph; ``Store.query``.
* rdflib: ``rdflib.Graph().parse(path)`` and ``Graph.query`` in a subprocess; each query gets ``--timeout``
  seconds (SIGALRM), after which it prints ``> T s (timed out)`` and the ratio is a lower bound.

So that the ``sg:supplies+`` query reads the same triples everywhere, the ``sg:supplies`` triples stackgraph
derives are added to the raw pyoxigraph store and the rdflib graph outside the timings.

Usage::

    python bench/bench_store.py --triples 1000000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PREFIXES = """PREFIX sg: <https://w3id.org/stackgraph/ns#>
PREFIX sgid: <https://w3id.org/stackgraph/id/>
"""

QUERIES: dict[str, str] = {
    "2-hop join with filter": PREFIXES
    + """SELECT ?first ?last WHERE {
  ?d1 a sg:Supply ; sg:supplier ?first ; sg:customer ?middle ; sg:status sg:Active .
  ?d2 a sg:Supply ; sg:supplier ?middle ; sg:customer ?last ; sg:status sg:Active .
  ?middle sg:inLayer sg:Accelerators .
  FILTER(?first != ?last)
}""",
    "aggregate count": PREFIXES
    + """SELECT ?status (COUNT(?deal) AS ?deals) WHERE { ?deal sg:status ?status } GROUP BY ?status""",
    "property path sg:supplies+": PREFIXES
    + """SELECT DISTINCT ?downstream WHERE { sgid:org-0 sg:supplies+ ?downstream }""",
}

SUPPLIES = "https://w3id.org/stackgraph/ns#supplies"


def _consume(result: Any) -> int:
    """Iterate a result fully (pyoxigraph evaluates lazily) and return the number of rows."""
    return sum(1 for _ in result)


def _timed(function: Any, repeat: int = 1) -> tuple[float, Any]:
    times = []
    value = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


# -- rdflib, in a subprocess -------------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeoutError`` in the block when it runs longer than ``seconds`` (SIGALRM: main thread only)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise TimeoutError from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def rdflib_graph(path: str, derived_path: str) -> tuple[Any, dict[str, Any]]:
    """Parse a Turtle file with rdflib (timed) and add the derived triples (N-Triples, not timed)."""
    import rdflib

    sys.setrecursionlimit(1_000_000)  # rdflib recurses deeply on long chains (the stack is raised by the parent)
    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    out = {"load": time.perf_counter() - start, "triples": len(graph)}
    graph.parse(derived_path, format="nt")
    return graph, out


def rdflib_queries(graph: Any, queries: dict[str, str], timeout: float) -> dict[str, dict[str, Any]]:
    """Run each query on an rdflib graph with a time limit: seconds and rows, or how it stopped."""
    results: dict[str, dict[str, Any]] = {}
    for name, text in queries.items():
        start = time.perf_counter()
        try:
            with time_limit(timeout):
                rows = _consume(graph.query(text))
            results[name] = {"seconds": time.perf_counter() - start, "rows": rows}
        except TimeoutError:
            results[name] = {"seconds": timeout, "timed_out": True}
        except (RecursionError, MemoryError) as error:
            results[name] = {"seconds": time.perf_counter() - start, "failed": type(error).__name__}
    return results


def rdflib_worker(path: str, supplies_path: str, timeout: float) -> None:
    """Run inside the subprocess: parse, add the derived triples, run each query with a time limit; JSON out."""
    graph, out = rdflib_graph(path, supplies_path)
    out["queries"] = rdflib_queries(graph, QUERIES, timeout)
    print(json.dumps(out))


def raise_stack_limit() -> None:
    """Give an rdflib subprocess room for its recursion (parsing long chains, evaluating property paths)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    wanted = 4 << 30 if hard == resource.RLIM_INFINITY else min(hard, 4 << 30)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_STACK, (wanted, hard))


def run_rdflib(path: Path, supplies_path: Path, timeout: float, load_limit: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--rdflib-worker", str(path), str(supplies_path), str(timeout)]

    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=load_limit + 4 * timeout,
            check=False,
            preexec_fn=raise_stack_limit,  # safe: no threads run yet in this process
        )
    except subprocess.TimeoutExpired:
        return {"error": f"rdflib did not finish within {load_limit + 4 * timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- pyoxigraph and stackgraph -----------------------------------------------------------------------------------


def run_pyoxigraph_engines(path: Path, repeat: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Time stackgraph and raw pyoxigraph, alternating their runs so background load hits both alike."""
    import gc

    import pyoxigraph as ox

    from stackgraph.store import DERIVED_GRAPH, KnowledgeStore

    def load_stackgraph() -> KnowledgeStore:
        store = KnowledgeStore()
        store.load_file(path)
        return store

    def load_raw() -> ox.Store:
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        return store

    sg_times: list[float] = []
    ox_times: list[float] = []
    sg_store: KnowledgeStore | None = None
    ox_store: ox.Store | None = None
    for _ in range(repeat):
        sg_store = ox_store = None  # free the previous run's stores before loading again
        gc.collect()
        seconds, sg_store = _timed(load_stackgraph)
        sg_times.append(seconds)
        seconds, ox_store = _timed(load_raw)
        ox_times.append(seconds)
    assert sg_store is not None and ox_store is not None
    sg: dict[str, Any] = {"load": statistics.median(sg_times), "triples": len(sg_store.raw), "queries": {}}
    raw: dict[str, Any] = {"load": statistics.median(ox_times), "triples": len(ox_store), "queries": {}}
    sg["derive"], _ = _timed(sg_store.ensure_derived)
    # The raw store gets the sg:supplies triples stackgraph derived, outside the timings, so that the path query
    # reads the same triples in both.
    supplies = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in sg_store.raw.quads_for_pattern(None, ox.NamedNode(SUPPLIES), None, ox.NamedNode(DERIVED_GRAPH))
    ]
    ox_store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in supplies)
    sg["supplies"] = supplies
    for name, text in QUERIES.items():
        sg_runs, ox_runs = [], []
        for _ in range(repeat):
            seconds, sg_rows = _timed(lambda text=text: _consume(sg_store.query(text)))
            sg_runs.append(seconds)
            seconds, ox_rows = _timed(lambda text=text: _consume(ox_store.query(text)))
            ox_runs.append(seconds)
        sg["queries"][name] = {"seconds": statistics.median(sg_runs), "rows": sg_rows}
        raw["queries"][name] = {"seconds": statistics.median(ox_runs), "rows": ox_rows}
    return sg, raw


# -- report --------------------------------------------------------------------------------------------------------


def _cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "-"
    if entry.get("failed"):
        return f"failed ({entry['failed']}) after {entry['seconds']:.1f} s"
    if entry.get("timed_out"):
        return f"> {entry['seconds']:.0f} s (timed out)"
    return f"{entry['seconds']:.3f} s"


def _ratio(slow: dict[str, Any] | None, fast: dict[str, Any] | None) -> str:
    if not slow or not fast or fast["seconds"] <= 0 or slow.get("failed"):
        return "-"
    prefix = ">= " if slow.get("timed_out") else ""
    return f"{prefix}{slow['seconds'] / fast['seconds']:.1f}x"


def report(triples: int, sg: dict[str, Any], ox_result: dict[str, Any], rdf: dict[str, Any]) -> str:
    rows: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any] | None]] = [
        (
            "parse+load",
            {"seconds": sg["load"]},
            {"seconds": ox_result["load"]},
            {"seconds": rdf["load"]} if "load" in rdf else None,
        )
    ]
    for name in QUERIES:
        rows.append((name, sg["queries"][name], ox_result["queries"][name], rdf.get("queries", {}).get(name)))
    headers = ("step", "stackgraph", "pyoxigraph", "rdflib", "rdflib/stackgraph", "stackgraph/pyoxigraph", "rows")
    table = [
        (
            name,
            _cell(s),
            _cell(o),
            _cell(r),
            _ratio(r, s),
            f"{s['seconds'] / o['seconds']:.2f}x" if o["seconds"] > 0 else "-",
            str(s.get("rows", ""))
            + ("" if s.get("rows") == o.get("rows") or "rows" not in s else f" (ox {o['rows']})"),
        )
        for name, s, o, r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    lines = [
        f"Synthetic graph: {sg['triples']:,} triples (asked for {triples:,}); rdflib: "
        + (f"{rdf['triples']:,} triples" if "triples" in rdf else rdf.get("error", "not run")),
        "  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in table]
    lines.append(f"stackgraph derive direct properties (once per change, not in parse+load): {sg['derive']:.3f} s")
    lines.append("Goals: rdflib/stackgraph >= 10x; stackgraph/pyoxigraph <= 1.3x. Medians of --repeat runs.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--rdflib-worker":
        rdflib_worker(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description="Benchmark stackgraph's store against pyoxigraph and rdflib.")
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (default 1M)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=120.0, help="rdflib time limit per query, seconds")
    parser.add_argument("--rdflib-load-limit", type=float, default=600.0, help="rdflib time limit to parse, seconds")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each pyoxigraph load and query (median)")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib")
    parser.add_argument("--keep", type=Path, help="write the synthetic Turtle here and keep it")
    args = parser.parse_args(argv)

    from bench.synthetic_rdf import generate

    with tempfile.TemporaryDirectory(prefix="stackgraph-bench-") as tmp:
        path = args.keep or Path(tmp) / "synthetic.ttl"
        start = time.perf_counter()
        with path.open("w", encoding="utf-8") as handle:
            for chunk in generate(args.triples, args.seed):
                handle.write(chunk)
        print(
            f"generated {path} ({os.path.getsize(path) / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        sg, ox_result = run_pyoxigraph_engines(path, args.repeat)
        supplies = sg.pop("supplies")
        print(f"stackgraph and pyoxigraph done (loads {sg['load']:.2f} s, {ox_result['load']:.2f} s)", flush=True)
        rdf: dict[str, Any] = {"error": "skipped (--no-rdflib)"}
        if not args.no_rdflib:
            supplies_path = Path(tmp) / "supplies.nt"
            supplies_path.write_text("".join(f"{t} .\n" for t in supplies), encoding="utf-8")
            rdf = run_rdflib(path, supplies_path, args.timeout, args.rdflib_load_limit)
            print("rdflib done", flush=True)
        print()
        print(report(args.triples, sg, ox_result, rdf))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
