"""The example scenarios shipped with stackgraph (``scenarios/`` in a checkout, ``stackgraph/_data/scenarios``
when installed), found by bare name."""

from __future__ import annotations

from pathlib import Path

from stackgraph.errors import ScenarioError
from stackgraph.resources import scenario_examples_dir
from stackgraph.vocabulary.names import suggest_names

__all__ = ["example_names", "find_scenario", "scenario_path"]


def example_names() -> list[str]:
    """Return the names of the shipped example scenarios.

    Examples
    --------
    >>> "spacex-acquires-nokia" in example_names()
    True
    """
    folder = scenario_examples_dir()
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def scenario_path(name: str) -> Path:
    """Return the path of the shipped example scenario ``name`` (with or without ``.toml``).

    Raises
    ------
    ScenarioError
        No example has that name; the message suggests the closest.

    Examples
    --------
    >>> scenario_path("combined").name
    'combined.toml'
    """
    stem = name.removesuffix(".toml")
    path = scenario_examples_dir() / f"{stem}.toml"
    if path.is_file():
        return path
    names = example_names()
    close = suggest_names(stem, {n: (n,) for n in names})
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ScenarioError(f"{name}: no such scenario file or example{hint} (examples: {', '.join(names)})")


def find_scenario(name_or_path: str | Path) -> Path:
    """Return a scenario file's path: ``name_or_path`` itself when it exists, else the shipped example so named."""
    path = Path(name_or_path)
    if path.exists() or path.parent != Path("."):
        return path
    return scenario_path(str(name_or_path))
