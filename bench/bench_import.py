"""Benchmark: importing the Crunchbase 2013 export (read + clean + build triples, then write Turtle / N-Triples).

Prints the time of each phase, rows/s and triples/s (medians of ``--repeat`` runs). ``bench/run_all.py`` reports
the same import as its "import" row.

Usage::

    python bench/bench_import.py ../shared/data/crunchbase-2013 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(function: Any, repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the Crunchbase importer.")
    parser.add_argument("directory", nargs="?", default=str(ROOT.parent / "shared" / "data" / "crunchbase-2013"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = Path(args.directory)
    if not folder.is_dir():
        print(f"not available: no Crunchbase export at {folder}")
        return 0

    from stackgraph.importers import read_crunchbase

    read_s, result = _timed(lambda: read_crunchbase(folder), args.repeat)
    report = result.report
    rows = sum(report.rows.values())
    with tempfile.TemporaryDirectory() as tmp:
        turtle_s, _ = _timed(lambda: result.write(Path(tmp) / "cb.ttl"), args.repeat)
        nt_s, _ = _timed(lambda: result.write(Path(tmp) / "cb.nt"), args.repeat)
        size = (Path(tmp) / "cb.ttl").stat().st_size
    print(f"Crunchbase export {folder}: {rows:,} rows, {report.skipped():,} skipped, {report.triples:,} triples")
    total = read_s + turtle_s
    phases = [
        ("read + clean + build triples", read_s, rows),
        (f"write Turtle ({size / 1e6:.1f} MB)", turtle_s, None),
        ("write N-Triples", nt_s, None),
        ("import to Turtle, total", total, rows),
    ]
    for label, seconds, n in phases:
        per_row = f"{n / seconds:10,.0f} rows/s" if n else " " * 17
        print(f"{label:<30} {seconds:7.2f} s  {per_row}  {report.triples / seconds:10,.0f} triples/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
