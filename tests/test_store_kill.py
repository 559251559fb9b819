"""A persistent store survives a killed load: SIGKILL a loader at random moments (and at chosen ones) while it
replaces a file's graph; the store then holds the old content or the new one -- as its manifest says -- with the
derived properties that go with it, never an empty or half-loaded graph marked current."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stackgraph.store import KnowledgeStore, file_graph_iri

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")

PREFIXES = "@prefix sg: <https://w3id.org/stackgraph/ns#> .\n@prefix sgid: <https://w3id.org/stackgraph/id/> .\n"


def version(deals: int) -> str:
    """A graph of ``deals`` completed acquisitions (4 triples each; each derives acquires + controls)."""
    lines = [PREFIXES]
    for i in range(deals):
        lines.append(f"sgid:d{i} a sg:Acquisition ; sg:acquirer sgid:a{i % 97} ; sg:target sgid:t{i} ;")
        lines.append(" sg:status sg:Completed .\n")
    return "".join(lines)


# Two versions of one file, different enough that a half-loaded graph would show.
OLD, NEW = version(2000), version(3000)
# by SHA-256: (which, text, triples, derived triples)
EXPECTED = {
    hashlib.sha256(OLD.encode()).hexdigest(): ("old", OLD, 2000 * 4, 2000 * 2),
    hashlib.sha256(NEW.encode()).hexdigest(): ("new", NEW, 3000 * 4, 3000 * 2),
}
OTHER = {"old": NEW, "new": OLD}

LOADER = """
import os, signal, sys
from stackgraph.store import KnowledgeStore
{patch}
print("ready", flush=True)
KnowledgeStore.with_shipped_graphs([sys.argv[1]], path=sys.argv[2], include_shipped=False)
print("done", flush=True)
"""

# Kill the loader at a chosen step: (module path, class, method, before or after the call).
CHOSEN = [
    ("stackgraph.storage.generations", "Generations", "begin", "after"),
    ("stackgraph.storage.generations", "Generations", "restart_without", "after"),
    ("stackgraph.storage.dataset", "Dataset", "_derive", "before"),
    ("stackgraph.storage.dataset", "Dataset", "_derive", "after"),
    ("stackgraph.storage.folder", "StoreFolder", "publish", "before"),
    ("stackgraph.storage.folder", "StoreFolder", "publish", "after"),
    ("stackgraph.storage.folder", "StoreFolder", "collect", "before"),
]


def _patch(module: str, cls: str, method: str, when: str) -> str:
    call = "result = original(*args, **kwargs)"
    kill = "os.kill(os.getpid(), signal.SIGKILL)"
    body = f"{kill}\n    {call}" if when == "before" else f"{call}\n    {kill}"
    return (
        f"import importlib\nowner = getattr(importlib.import_module({module!r}), {cls!r})\n"
        f"original = getattr(owner, {method!r})\n"
        f"def patched(*args, **kwargs):\n    {body}\n    return result\n"
        f"setattr(owner, {method!r}, patched)\n"
    )


def _start(data: Path, folder: Path, patch: str = "") -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", LOADER.format(patch=patch), str(data), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", process.stderr.read() if process.stderr else ""
    return process


def _check(data: Path, folder: Path) -> str:
    """The store answers exactly one of the two versions, the one its manifest records; return which."""
    manifest = json.loads((folder / "manifest.json").read_text())
    graph = file_graph_iri(data)
    recorded = manifest["graphs"][graph]["sha256"]
    assert recorded in EXPECTED, "the manifest records content that is neither version"
    which, text, triples, derived = EXPECTED[recorded]
    data.write_text(text, encoding="utf-8")  # "restore the file" to what the store says it holds: no reload
    with KnowledgeStore.with_shipped_graphs([data], path=folder, include_shipped=False) as store:
        assert store.notices == []
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert store.select(count) == [{"n": triples}]
        direct = store.select("SELECT (COUNT(*) AS ?n) WHERE { { ?a sg:acquires ?b } UNION { ?a sg:controls ?b } }")
        assert direct == [{"n": derived}]
    return which


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    data, folder = tmp_path / "deals.ttl", tmp_path / "store"
    data.write_text(OLD, encoding="utf-8")
    KnowledgeStore.with_shipped_graphs([data], path=folder, include_shipped=False).close()
    return data, folder


def test_a_load_killed_at_random_moments_leaves_the_old_or_the_new_graph(loaded: tuple[Path, Path]) -> None:
    data, folder = loaded
    # How long an uninterrupted reload takes here (after the loader's imports), to spread the kills over it.
    data.write_text(NEW, encoding="utf-8")
    start = time.perf_counter()
    process = _start(data, folder)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    span = time.perf_counter() - start
    assert _check(data, folder) == "new"

    rng = random.Random(20260)
    held = "new"
    for _ in range(10):
        data.write_text(OTHER[held], encoding="utf-8")  # always a real change for the loader to make
        process = _start(data, folder)
        time.sleep(rng.uniform(0, span))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        held = _check(data, folder)  # the old content or the new one, whichever the manifest records


@pytest.mark.parametrize(("module", "cls", "method", "when"), CHOSEN, ids=[f"{m[2]}-{m[3]}" for m in CHOSEN])
def test_a_load_killed_at_each_step_leaves_the_old_or_the_new_graph(
    loaded: tuple[Path, Path], module: str, cls: str, method: str, when: str
) -> None:
    data, folder = loaded
    data.write_text(NEW, encoding="utf-8")
    process = _start(data, folder, _patch(module, cls, method, when))
    assert process.wait(timeout=120) == -signal.SIGKILL
    published = (method == "publish" and when == "after") or method == "collect"
    assert _check(data, folder) == ("new" if published else "old")
    # The next writer removes what the killed one left behind.
    data.write_text(OLD if published else NEW, encoding="utf-8")
    KnowledgeStore.with_shipped_graphs([data], path=folder, include_shipped=False).close()
    generations = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert len(generations) == 1, generations
    assert any((folder / generations[0]).iterdir())
