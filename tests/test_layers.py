"""The import-linter contracts place every module of stackgraph in a layer: none sits outside them."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [name.strip() for layer in contract["layers"] for name in layer.replace(":", "|").split("|")]


def test_every_module_sits_in_a_layer() -> None:
    layers = _layers()
    modules = []
    for path in sorted((ROOT / "stackgraph").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    outside = [
        module
        for module in modules
        if module != "stackgraph" and not any(module == layer or module.startswith(layer + ".") for layer in layers)
    ]
    assert outside == [], f"modules in no layer of pyproject.toml's import-linter contract: {outside}"


def test_the_vocabulary_is_the_bottom_layer_above_the_errors() -> None:
    assert _layers()[-2:] == ["stackgraph.vocabulary", "stackgraph.errors"]
