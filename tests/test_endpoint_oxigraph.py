"""The remote store against a second real SPARQL server: the Oxigraph server (PyPI ``oxigraph``), beside Virtuoso.

The fixture bulk-loads the shipped graphs as N-Quads (``stackgraph export --format nquads``) with ``oxigraph
load``, serves them with ``oxigraph serve --union-default-graph`` on a free loopback port, compares every shipped
question and the projection with the local store, and stops the server. Run with ``-m server``; it skips with the
reason when the ``oxigraph`` command is not installed (``pip install oxigraph``, part of the ``test`` extra).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from endpoint_fixtures import (
    QUESTIONS,
    assert_same_graphs,
    assert_same_projection,
    free_port,
    rows,
    stop_server,
    wait_until_up,
)

from stackgraph.cli import main
from stackgraph.endpoint import SparqlEndpoint
from stackgraph.entities import Resolver
from stackgraph.queries import bind_parameters, list_questions
from stackgraph.store import KnowledgeStore

pytestmark = pytest.mark.server


def _oxigraph() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.is_file() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def local_store() -> KnowledgeStore:
    store = KnowledgeStore.with_shipped_graphs()
    store.ensure_derived()
    return store


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, local_store: KnowledgeStore) -> Iterator[str]:
    command = _oxigraph()
    if command is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph gives the oxigraph command)")
    root = tmp_path_factory.mktemp("oxigraph")
    data, db = root / "stackgraph.nq", root / "db"
    data.write_bytes(local_store.export("nquads"))
    loaded = subprocess.run(
        [command, "load", "--location", str(db), "--file", str(data)], capture_output=True, text=True, timeout=300
    )
    if loaded.returncode != 0:
        pytest.fail(f"oxigraph load failed:\n{loaded.stdout}\n{loaded.stderr}")
    port = free_port()
    log = (root / "server.log").open("wb")
    process = subprocess.Popen(
        [command, "serve", "--location", str(db), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_up(process, url, root / "server.log", "oxigraph", 60)
        yield url
    finally:
        stop_server(process, log, 30)


def test_the_server_holds_the_same_graphs(oxigraph: str, local_store: KnowledgeStore) -> None:
    assert_same_graphs(SparqlEndpoint(oxigraph), local_store)


@pytest.mark.parametrize("method", ["form", "direct"])
@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_questions_give_the_same_answers(oxigraph: str, local_store: KnowledgeStore, name: str, method: str) -> None:
    question = next(q for q in list_questions() if q.name == name)
    bindings = bind_parameters(question, QUESTIONS[name], Resolver(local_store))
    remote = SparqlEndpoint(oxigraph, method=method)
    assert rows(remote, question, bindings) == rows(local_store, question, bindings)


def test_projection_is_the_same(oxigraph: str, local_store: KnowledgeStore) -> None:
    assert_same_projection(SparqlEndpoint(oxigraph), local_store)


def test_analyses_and_errors_through_the_cli(oxigraph: str) -> None:
    runner = CliRunner()
    asked = runner.invoke(main, ["query", "--endpoint", oxigraph, "ASK { sgid:SpaceX sg:acquires sgid:xAI }"])
    assert asked.exit_code == 0, asked.output
    assert asked.output.strip() == "true"
    groups = runner.invoke(main, ["analyze", "groups", "--endpoint", oxigraph, "--format", "json"])
    local = runner.invoke(main, ["analyze", "groups", "--format", "json"])
    assert groups.exit_code == 0, groups.output
    assert groups.output == local.output
    broken = runner.invoke(main, ["query", "--endpoint", oxigraph, "SELEC nonsense"])
    assert broken.exit_code == 1 and f"the SPARQL endpoint {oxigraph} answered HTTP 400" in broken.output
