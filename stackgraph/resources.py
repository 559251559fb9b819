"""Where the ontology, shapes, shipped graphs, example scenarios and SPARQL questions live.

Installed wheels carry them under ``stackgraph/_data``; a source checkout (editable install, tests) reads
them from the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

from stackgraph.errors import StackgraphError

__all__ = [
    "data_root",
    "ontology_path",
    "package_dir",
    "queries_dir",
    "scenario_examples_dir",
    "shapes_path",
    "shipped_graph_paths",
]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_root() -> Path:
    """Return the folder holding ``ontology/`` and ``graphs/``."""
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent):
        if (candidate / "ontology" / "stackgraph.ttl").is_file():
            return candidate
    raise StackgraphError(
        f"stackgraph's data files (ontology/stackgraph.ttl) were not found beside {_PACKAGE_DIR}; reinstall the package"
    )


def ontology_path() -> Path:
    """Return the path of the OWL ontology ``stackgraph.ttl``."""
    return data_root() / "ontology" / "stackgraph.ttl"


def shapes_path() -> Path:
    """Return the path of the SHACL shapes ``shapes.ttl``."""
    return data_root() / "ontology" / "shapes.ttl"


def shipped_graph_paths() -> list[Path]:
    """Return the curated graphs shipped with stackgraph, in a stable order."""
    return sorted((data_root() / "graphs").glob("*.ttl"))


def scenario_examples_dir() -> Path:
    """Return the folder of example what-if scenarios."""
    return data_root() / "scenarios"


def package_dir() -> Path:
    """Return the folder of the installed ``stackgraph`` package itself."""
    return _PACKAGE_DIR


def queries_dir() -> Path:
    """Return the folder of the shipped SPARQL questions (``*.rq``, package data)."""
    return _PACKAGE_DIR / "queries"
