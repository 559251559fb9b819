"""Benchmark: stackgraph's KnowledgeStore vs raw pyoxigraph vs plain rdflib on a synthetic graph, in one run.

Prints:

* **load**: parse+load alone, and parse+load with the derivation of the direct properties counted in, for
  stackgraph in memory (``KnowledgeStore().load_file(path)`` then ``ensure_derived()``: the derived graph is
  written inside the engine by one ``INSERT ... WHERE``), raw pyoxigraph (``Store().bulk_load(path=...)``) and
  rdflib (``Graph().parse(path)`` in a subprocess; rdflib derives nothing). Goals (issues #2, #15): counted in,
  stackgraph <= 1.3x raw pyoxigraph and >= 10x faster than rdflib.
* **persistent store** (on disk, in a temporary folder unless ``--store-dir``): the first load of the file
  (parse, derive, publish a generation), reopening it unchanged, and reloading it after the file changed
  (one triple appended: re-parsed into the next generation, which is published atomically). Goal (issue #16):
  a changed file reloads in <= 1.3x its first load.
* the **query suite** on the three engines (default graph = the loaded graph plus the derived properties).
* with ``--profile-derivation``, where the derivation's time goes (see :func:`profile_derivation`).

rdflib queries get ``--timeout`` seconds each (SIGALRM), after which the row says ``> T s (timed out)`` and the
ratio is a lower bound. So that the ``sg:supplies+`` query reads the same triples everywhere, the ``sg:supplies``
triples stackgraph derives are added to the raw pyoxigraph store and the rdflib graph outside the timings.
All times are CPU seconds of the measuring process (``time.process_time``; rdflib's are its worker's), medians of
``--repeat`` alternated runs: on a shared machine wall-clock time swings several-fold with other work, CPU time
hardly at all, and pyoxigraph's loads and queries use one thread at a time, so on a quiet machine the two agree.

Usage::

    python bench/bench_store.py --triples 1000000
    python bench/bench_store.py --triples 1000000 --no-rdflib --profile-derivation
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
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


# CPU seconds of this process, all its threads: on a shared machine a run may get a fifth of a core for a while,
# which makes wall-clock ratios between runs taken minutes apart meaningless (pyoxigraph's loads and queries here
# use one thread at a time, so on a quiet machine CPU and wall time agree).
CLOCK = time.process_time


def _timed(function: Any, repeat: int = 1) -> tuple[float, Any]:
    times = []
    value = None
    for _ in range(repeat):
        start = CLOCK()
        value = function()
        times.append(CLOCK() - start)
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


def rdflib_graph(path: str, derived_path: str, clock: Any = time.perf_counter) -> tuple[Any, dict[str, Any]]:
    """Parse a Turtle file with rdflib (timed by ``clock``) and add the derived triples (N-Triples, not timed)."""
    import rdflib

    sys.setrecursionlimit(1_000_000)  # rdflib recurses deeply on long chains (the stack is raised by the parent)
    start = clock()
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    out = {"load": clock() - start, "triples": len(graph)}
    graph.parse(derived_path, format="nt")
    return graph, out


def rdflib_queries(
    graph: Any, queries: dict[str, str], timeout: float, clock: Any = time.perf_counter
) -> dict[str, dict[str, Any]]:
    """Run each query on an rdflib graph with a (wall-clock) time limit: seconds by ``clock`` and rows, or how it
    stopped (a timed-out query reports the CPU it used by then, when ``clock`` counts CPU)."""
    results: dict[str, dict[str, Any]] = {}
    for name, text in queries.items():
        start = clock()
        try:
            with time_limit(timeout):
                rows = _consume(graph.query(text))
            results[name] = {"seconds": clock() - start, "rows": rows}
        except TimeoutError:
            results[name] = {"seconds": clock() - start, "timed_out": True}
        except (RecursionError, MemoryError) as error:
            results[name] = {"seconds": clock() - start, "failed": type(error).__name__}
    return results


def rdflib_worker(path: str, supplies_path: str, timeout: float) -> None:
    """Run inside the subprocess: parse, add the derived triples, run each query with a time limit; JSON out."""
    graph, out = rdflib_graph(path, supplies_path, CLOCK)
    out["queries"] = rdflib_queries(graph, QUERIES, timeout, CLOCK)
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
    """Time stackgraph (load, then derive) and raw pyoxigraph, alternating their runs so that background load hits
    both alike.

    Every timed load starts from the same heap: the stores of earlier runs are freed first (a load that reuses
    freed memory runs ~10 % faster than one that grows the heap, which favoured whichever engine loaded first
    while the other's store was still alive), an untimed load grows the heap before the first, and which engine
    loads first alternates. The stores the query suite reads are loaded again after the timings.
    """
    import gc

    import pyoxigraph as ox

    from stackgraph.store import DERIVED_GRAPH, KnowledgeStore

    sg_load: list[float] = []
    sg_derive: list[float] = []
    ox_times: list[float] = []

    def stackgraph_run() -> KnowledgeStore:
        store = KnowledgeStore()
        seconds, _ = _timed(partial(store.load_file, path))
        sg_load.append(seconds)
        seconds, _ = _timed(store.ensure_derived)
        sg_derive.append(seconds)
        return store

    def raw_run() -> ox.Store:
        store = ox.Store()
        seconds, _ = _timed(partial(store.bulk_load, path=str(path), format=ox.RdfFormat.TURTLE))
        ox_times.append(seconds)
        return store

    warm_up = ox.Store()  # the process's first load grows the heap: untimed, so that no engine pays for it
    warm_up.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    del warm_up
    runs: list[Callable[[], Any]] = [stackgraph_run, raw_run]
    for turn in range(repeat):
        for run in runs if turn % 2 == 0 else runs[::-1]:
            gc.collect()
            run()  # its store is freed before the next load
    gc.collect()
    sg_store = KnowledgeStore()
    sg_store.load_file(path)
    sg_store.ensure_derived()
    ox_store = ox.Store()
    ox_store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    sg: dict[str, Any] = {
        "load": statistics.median(sg_load),
        "derive": statistics.median(sg_derive),
        "counted_in": statistics.median(a + b for a, b in zip(sg_load, sg_derive, strict=True)),
        "triples": len(sg_store.raw),
        "queries": {},
    }
    raw: dict[str, Any] = {"load": statistics.median(ox_times), "triples": len(ox_store), "queries": {}}
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


def run_cli_store(path: Path, repeat: int) -> list[tuple[str, float, float]]:
    """The query suite on the store as the CLI opens it (ontology, shipped graphs, the file) and on raw pyoxigraph
    (the file and the derived ``sg:supplies`` in its default graph), runs paired and alternated so that background
    load hits both alike: (query, store's median, raw pyoxigraph's median). The ontology stays out of the store's
    default graph (in memory it is kept off the engine, so a plain query reads the engine's union of graphs).

    In one process a store built earlier answers a few per cent slower than the same store built later (measured
    up to 10% between the first and third of three identical raw stores), so raw pyoxigraph is built twice, before
    and after the store, and its runs alternate between the two."""
    import pyoxigraph as ox

    from stackgraph.store import DERIVED_GRAPH, KnowledgeStore

    def raw_store() -> ox.Store:
        raw = ox.Store()
        raw.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        return raw

    before = raw_store()
    store = KnowledgeStore.with_shipped_graphs([path])
    store.ensure_derived()
    after = raw_store()
    supplies = [q for q in store.quads(DERIVED_GRAPH) if q.predicate.value == SUPPLIES]
    for raw in (before, after):
        raw.extend(ox.Quad(q.subject, q.predicate, q.object) for q in supplies)
    found = []
    for name, text in QUERIES.items():
        ours, theirs = [], []
        for turn in range(repeat):
            pair = [(ours, store.query), (theirs, (before, after)[turn % 2].query)]
            for runs, query in pair if turn % 2 == 0 else pair[::-1]:
                runs.append(_timed(lambda text=text, query=query: _consume(query(text)))[0])
        found.append((name, statistics.median(ours), statistics.median(theirs)))
    return found


def default_graph_variants(path: Path, repeat: int) -> list[tuple[str, float]]:
    """The query suite (summed CPU seconds, medians of alternated runs) on the store as the CLI opens it, read
    through each way of choosing the default graph: raw pyoxigraph (the file in its default graph), the store's
    graphs in one engine read as a list that leaves the ontology out (what the store did before the ontology was
    kept off its engine; what a store on disk still does), the engine's union with the ontology inside (fast,
    but not what a user query may read), and ``KnowledgeStore.query`` now (the ontology kept off the engine,
    the union of the engine's graphs)."""
    import pyoxigraph as ox

    from stackgraph.store import DERIVED_GRAPH, ONTOLOGY_GRAPH, KnowledgeStore

    raw = ox.Store()  # built before the store, the one-engine copy after it (see run_cli_store)
    raw.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    store = KnowledgeStore.with_shipped_graphs([path])
    store.ensure_derived()
    supplies = ox.NamedNode(SUPPLIES)
    derived = ox.NamedNode(DERIVED_GRAPH)
    derived_supplies = store.quads(DERIVED_GRAPH)  # as run_pyoxigraph_engines does
    raw.extend(ox.Quad(q.subject, q.predicate, q.object) for q in derived_supplies if q.predicate == supplies)
    whole = ox.Store()  # every graph of the store, the ontology included, in one engine
    whole.extend(store.quads())
    listed = [g for g in whole.named_graphs() if g != ox.NamedNode(ONTOLOGY_GRAPH)]
    assert derived in listed
    variants: dict[str, Callable[[str], Any]] = {
        "raw pyoxigraph (one default graph)": raw.query,
        "list of graphs, ontology in the engine (before)": partial(whole.query, default_graph=listed),
        "union, ontology included (not allowed)": partial(whole.query, use_default_graph_as_union=True),
        "KnowledgeStore.query, ontology off the engine": store.query,
    }
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for turn in range(repeat):
        for name in variants if turn % 2 == 0 else list(variants)[::-1]:
            query = variants[name]
            runs[name].append(sum(_timed(lambda q=q, query=query: _consume(query(q)))[0] for q in QUERIES.values()))
    return [(name, statistics.median(times)) for name, times in runs.items()]


def run_persistent(path: Path, folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """First load into a store folder, reopening it unchanged, and reloading after the file changed.

    Returns each step's median (CPU seconds, wall seconds): a store on disk also waits for the disk. The file is
    copied to ``folder/data.ttl`` so that changing it leaves the original alone.
    """
    from stackgraph.store import KnowledgeStore

    data = folder / "data.ttl"
    steps: dict[str, list[tuple[float, float]]] = {"first": [], "reopen": [], "reload": []}

    def both(step: str, function: Any) -> Any:
        cpu, wall = CLOCK(), time.perf_counter()
        value = function()
        steps[step].append((CLOCK() - cpu, time.perf_counter() - wall))
        return value

    for run in range(repeat):
        store_dir = folder / f"store-{run}"
        shutil.rmtree(store_dir, ignore_errors=True)
        shutil.copyfile(path, data)
        both("first", lambda store_dir=store_dir: KnowledgeStore(store_dir).load_file(data))
        both("reopen", lambda store_dir=store_dir: KnowledgeStore(store_dir).close())
        with data.open("a", encoding="utf-8") as handle:
            handle.write('\n<https://w3id.org/stackgraph/id/changed> <urn:bench:note> "changed" .\n')
        store = both("reload", lambda store_dir=store_dir: KnowledgeStore(store_dir))
        assert store.notices and "reloaded" in store.notices[0], store.notices
        store.close()
        shutil.rmtree(store_dir, ignore_errors=True)
    return {
        step: (statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs))
        for step, runs in steps.items()
    }


def profile_derivation(path: Path, repeat: int) -> list[tuple[str, float, int]]:
    """Where the derivation's time goes, on the file loaded into one named graph in memory.

    Returns (step, seconds, rows or triples): the former CONSTRUCT whose triples went through Python into the
    store, the INSERT inside the engine that replaced it, and its two halves: the same update with a template that
    writes nothing (the WHERE evaluated inside the engine, no rows handed to Python as a SELECT would), and writing
    the same quads alone (an INSERT copying them from a graph derived beforehand, untimed: the engine's cost per
    quad written, a floor no cheaper WHERE can go below). Each run loads the file afresh and writes each step into
    a graph of its own (writing a graph that was just removed is slower in pyoxigraph's memory store).
    """
    import pyoxigraph as ox

    from stackgraph.storage.derivation import insert_from_construct
    from stackgraph.store import PREFIXES, derivation_query

    graph = ox.NamedNode("urn:bench:data")
    rule = derivation_query()  # the template written for the default policy as of today
    where = rule[re.search(r"\bWHERE\b", rule).start() :]  # type: ignore[union-attr]
    nothing = "CONSTRUCT { ?bench__unbound <urn:bench:nothing> ?bench__unbound }\n" + where

    def construct_through_python(store: ox.Store) -> int:
        target = ox.NamedNode("urn:bench:constructed")
        triples = list(store.query(rule, prefixes=PREFIXES, default_graph=[graph]))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        return len(triples)

    def insert(text: str, target: str) -> Callable[[ox.Store], int]:
        def run(store: ox.Store) -> int:
            store.update(insert_from_construct(text, target, [graph.value]), prefixes=PREFIXES)
            return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(target)))

        return run

    def write_alone(store: ox.Store) -> int:
        copy = "INSERT { GRAPH <urn:bench:copy> { ?s ?p ?o } } WHERE { GRAPH <urn:bench:reference> { ?s ?p ?o } }"
        store.update(copy)
        return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode("urn:bench:copy")))

    steps = [
        ("CONSTRUCT, triples through Python into the store (before)", construct_through_python),
        ("INSERT ... USING ... WHERE inside the engine (now)", insert(rule, "urn:bench:inserted")),
        ("  its WHERE alone, in the engine, writing nothing", insert(nothing, "urn:bench:nothing")),
        ("  writing its quads alone (copying them)", write_alone),
    ]
    times: dict[str, list[float]] = {label: [] for label, _ in steps}
    rows: dict[str, int] = {}
    for run in range(repeat):
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        insert(rule, "urn:bench:reference")(store)  # what write_alone copies
        for label, step in steps if run % 2 == 0 else steps[::-1]:
            seconds, rows[label] = _timed(partial(step, store))
            times[label].append(seconds)
    return [(label, statistics.median(times[label]), rows[label]) for label, _ in steps]


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


def report(
    triples: int,
    sg: dict[str, Any],
    ox_result: dict[str, Any],
    rdf: dict[str, Any],
    persistent: dict[str, tuple[float, float]] | None,
) -> str:
    rdf_load = {"seconds": rdf["load"]} if "load" in rdf else None
    rows: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any] | None]] = [
        ("parse+load", {"seconds": sg["load"]}, {"seconds": ox_result["load"]}, rdf_load),
        ("parse+load+derive (counted in)", {"seconds": sg["counted_in"]}, {"seconds": ox_result["load"]}, rdf_load),
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
        f"Synthetic graph: {sg['triples']:,} quads in stackgraph (asked for {triples:,} triples); rdflib: "
        + (f"{rdf['triples']:,} triples" if "triples" in rdf else rdf.get("error", "not run")),
        "  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in table]
    lines.append(
        f"stackgraph derive direct properties (in the engine, part of the counted-in row): {sg['derive']:.3f} s"
    )
    lines.append(
        "Goals: rdflib/stackgraph >= 10x and stackgraph/pyoxigraph <= 1.3x, derivation counted in. "
        "CPU seconds, medians of --repeat runs."
    )
    if persistent is not None:
        (first_cpu, first_wall), (reopen_cpu, reopen_wall), (reload_cpu, reload_wall) = (
            persistent["first"],
            persistent["reopen"],
            persistent["reload"],
        )
        lines += [
            "",
            "Persistent store (on disk)                         CPU s    wall s",
            f"  first load (parse, derive, publish)          {first_cpu:8.2f}  {first_wall:8.2f}",
            f"  reopen, nothing changed                      {reopen_cpu:8.3f}  {reopen_wall:8.3f}",
            f"  reload after the file changed                {reload_cpu:8.2f}  {reload_wall:8.2f}",
            f"  reload/first                                 {reload_cpu / first_cpu:7.2f}x  "
            f"{reload_wall / first_wall:7.2f}x   (goal <= 1.3x)",
        ]
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
    parser.add_argument("--repeat", type=int, default=3, help="runs of each in-memory load and query (median)")
    parser.add_argument("--store-repeat", type=int, default=1, help="first load/reload pairs on disk (median)")
    parser.add_argument("--store-dir", type=Path, help="folder for the persistent-store runs (default: temporary)")
    parser.add_argument("--no-store", action="store_true", help="skip the persistent store")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib")
    parser.add_argument("--profile-derivation", action="store_true", help="show where the derivation's time goes")
    parser.add_argument(
        "--default-graphs", action="store_true", help="the query suite under each way of choosing the default graph"
    )
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
        print(
            f"stackgraph and pyoxigraph done (loads {sg['counted_in']:.2f} s counted in, {ox_result['load']:.2f} s)",
            flush=True,
        )
        cli_store = run_cli_store(path, args.repeat)
        persistent = None
        if not args.no_store:
            folder = args.store_dir or Path(tmp) / "persistent"
            folder.mkdir(parents=True, exist_ok=True)
            persistent = run_persistent(path, folder, args.store_repeat)
            print(f"persistent store done (first load {persistent['first'][1]:.2f} s wall)", flush=True)
        rdf: dict[str, Any] = {"error": "skipped (--no-rdflib)"}
        if not args.no_rdflib:
            supplies_path = Path(tmp) / "supplies.nt"
            supplies_path.write_text("".join(f"{t} .\n" for t in supplies), encoding="utf-8")
            rdf = run_rdflib(path, supplies_path, args.timeout, args.rdflib_load_limit)
            print("rdflib done", flush=True)
        print()
        print(report(args.triples, sg, ox_result, rdf, persistent))
        print("\nThe query suite on the store as the CLI opens it (ontology, shipped graphs and the file; the default")
        print("graph is the loaded graphs and the derived one, the ontology left out, kept off the engine):")
        for name, seconds, raw_seconds in cli_store:
            print(f"  {name:<30} {seconds:.3f} s   {seconds / raw_seconds:.2f}x raw pyoxigraph")
        if args.default_graphs:
            print("\nThe query suite (summed) by default graph, on the store as the CLI opens it (medians):")
            found = default_graph_variants(path, args.repeat)
            for label, seconds in found:
                print(f"  {label:<45} {seconds:7.3f} s  {seconds / found[0][1]:5.2f}x raw")
        if args.profile_derivation:
            print("\nWhere the derivation's time goes (in memory, one named graph, medians):")
            for label, seconds, rows in profile_derivation(path, args.repeat):
                print(f"  {label:<60} {seconds:7.3f} s  {rows:>9,} rows/triples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
