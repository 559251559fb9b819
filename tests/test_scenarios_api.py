"""The Python API for scripts: the example script runs, and the package's public names are there."""

from __future__ import annotations

import runpy
from pathlib import Path

import stackgraph.scenarios as scenarios
from stackgraph.store import KnowledgeStore, file_graph_iri

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "whatif_spacex_nokia.py"


def test_example_script_runs(tmp_path, capsys) -> None:
    saved = tmp_path / "scenario.ttl"
    namespace = runpy.run_path(str(EXAMPLE), run_name="example")
    report = namespace["main"](["--save", str(saved)])
    out = capsys.readouterr().out
    assert "SpaceX group gains: Terrestrial RAN" in out
    assert "comes along: Nvidia invests in Nokia (In October 2025, Nvidia invested $1 billion in Nokia" in out
    # cutting Nvidia's supply leaves SpaceX with no accelerator supplier at all: said so, not "no longer depends"
    assert "SpaceX loses Nvidia and has no supplier left for Accelerators" in out
    assert "no longer depends" not in out
    assert "Terrestrial RAN: HHI unchanged (2116)" in out
    assert report["schema"] == "stackgraph.whatif/1"
    assert saved.read_bytes().startswith(b"@prefix")


def test_public_names() -> None:
    for name in scenarios.__all__:
        assert getattr(scenarios, name) is not None, name


def test_whatif_result_helpers(tmp_path) -> None:
    store = KnowledgeStore.with_shipped_graphs()
    result = scenarios.run_scenario(store, scenarios.load_scenario(scenarios.scenario_path("cursor-deal-completes")))
    assert result.scenario.slug == "cursor-deal-completes"
    assert result.format("markdown").startswith("# What if: The Cursor deal completes")
    assert '"schema": "stackgraph.whatif/1"' in result.to_json()
    path = result.save(tmp_path / "out.ttl")
    reloaded = KnowledgeStore.with_shipped_graphs([path])
    assert file_graph_iri(path) in reloaded.graph_names()
    assert sorted(scenarios.example_names()) == [
        "combined",
        "cursor-deal-completes",
        "nvidia-cuts-spacex-supply",
        "spacex-acquires-nokia",
    ]
