"""Before/after check: the whatif JSON of this checkout against the code of a git revision, on one synthetic graph.

``python bench/compare_whatif.py --before main --orgs 10000`` writes the synthetic graph of ``--orgs`` organisations
(``bench/synthetic_orgs.py``), runs ``stackgraph whatif --acquire "Org 0:Org 5" --as-of 2026-07-01 --format
json`` with the code of ``--before`` (exported with ``git archive`` into a temporary folder) and with this checkout,
both under ``PYTHONHASHSEED=0`` (a few report lists follow set order), and compares the two reports:

* ``identical``: byte for byte;
* ``same figures, other order``: equal once every list (and every ``"; "``-joined list inside a text) is sorted --
  what differs is only the order of items that tie, such as parallel deals between the same two parties, which
  follows the order the engine returns rows in;
* otherwise each path where they differ, and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from goals import ACQUIRE, AS_OF  # noqa: E402


def export_revision(revision: str, folder: Path) -> Path:
    """Write the package and the data files it reads, as they are at ``revision``, into ``folder``."""
    parts = ["stackgraph", "ontology", "graphs", "scenarios"]  # the package and the data files it reads
    archive = subprocess.run(["git", "archive", revision, *parts], cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def whatif(graph: Path, out: Path, code: Path | None) -> dict[str, Any]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    command = [sys.executable, "-m", "stackgraph", "whatif", "--acquire", ACQUIRE, "--graph", str(graph)]
    command += ["--no-shipped", "--as-of", AS_OF, "--format", "json", "-o", str(out)]
    subprocess.run(command, check=True, env=env, cwd=out.parent)
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def normalised(value: Any) -> Any:
    """``value`` with every list sorted and every ``"; "``-joined list in a text sorted (order left out)."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((normalised(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, str) and "; " in value:
        return "; ".join(sorted(value.split("; ")))
    return value


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} vs {type(b).__name__}"]
    if isinstance(a, dict):
        found = [f"{path}.{key}: only on one side" for key in a.keys() ^ b.keys()]
        for key in a.keys() & b.keys():
            found += differences(a[key], b[key], f"{path}.{key}")
        return found
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {str(a)[:80]!r} vs {str(b)[:80]!r}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--orgs", type=int, default=10_000, help="synthetic organisations (deals: 3x)")
    args = parser.parse_args(argv)
    from synthetic_orgs import write

    with tempfile.TemporaryDirectory(prefix="stackgraph-compare-") as tmp:
        folder = Path(tmp)
        graph = write(folder / "orgs.ttl", args.orgs, 3 * args.orgs)
        old = whatif(graph, folder / "before.json", export_revision(args.before, folder / "code"))
        new = whatif(graph, folder / "after.json", None)
        same_bytes = (folder / "before.json").read_bytes() == (folder / "after.json").read_bytes()
    print(f"whatif --acquire {ACQUIRE!r} on {args.orgs:,} synthetic organisations, {args.before} vs this checkout:")
    if same_bytes:
        print("identical")
        return 0
    found = differences(normalised(old), normalised(new))
    if not found:
        print("same figures, other order (only the order of items that tie differs)")
        return 0
    print(f"{len(found)} differences:")
    for line in found[:40]:
        print(f"  {line}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
