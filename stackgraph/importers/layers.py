"""Read mapping files (TOML) and check the stack layers they name against the ontology."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stackgraph.errors import ImportFormatError
from stackgraph.namespace import SG_IRI
from stackgraph.resources import ontology_path

__all__ = ["load_layer_mapping", "load_toml", "resolve_layer", "stack_layers"]

_SKOS = "http://www.w3.org/2004/02/skos/core#"


@lru_cache(maxsize=1)
def stack_layers() -> frozenset[str]:
    """Local names of the concepts of ``sg:StackLayerScheme`` in the ontology (``Software``, ``AIModels``, ...).

    Examples
    --------
    >>> {"Software", "ChipFabrication", "AIModels"} <= stack_layers()
    True
    """
    scheme = ox.NamedNode(SG_IRI + "StackLayerScheme")
    in_scheme = ox.NamedNode(_SKOS + "inScheme")
    names = set()
    for triple in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE):
        if triple.predicate == in_scheme and triple.object == scheme and triple.subject.value.startswith(SG_IRI):
            names.add(triple.subject.value[len(SG_IRI) :])
    return frozenset(names)


def load_toml(path: str | Path, what: str = "mapping file") -> dict[str, Any]:
    """Read a TOML file; a missing or malformed file raises :class:`ImportFormatError` naming it."""
    file = Path(path)
    if not file.is_file():
        raise ImportFormatError(f"{file}: no such {what}")
    try:
        return tomllib.loads(file.read_text(encoding="utf-8-sig"))  # a byte-order mark is not part of the TOML
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ImportFormatError(f"{file}: malformed {what}: {error}") from None


def resolve_layer(name: str) -> str | None:
    """Return the ontology's local name for a layer written as ``Software``, ``sg:Software`` or ``chip-fabrication``.

    Examples
    --------
    >>> resolve_layer("chip-fabrication"), resolve_layer("sg:AIModels"), resolve_layer("nope")
    ('ChipFabrication', 'AIModels', None)
    """
    text = name.strip().removeprefix("sg:").removeprefix(SG_IRI)
    layers = stack_layers()
    if text in layers:
        return text
    folded = text.replace("-", "").replace("_", "").replace(" ", "").casefold()
    for layer in layers:
        if layer.casefold() == folded:
            return layer
    return None


def load_layer_mapping(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Read a category → layer mapping file: a ``[layers]`` table of category → layer name, list of names or ``""``.

    Raises :class:`ImportFormatError` when the file is malformed or names a layer the ontology does not have.

    Examples
    --------
    >>> from stackgraph.importers.crunchbase import default_mapping_path
    >>> mapping = load_layer_mapping(default_mapping_path())
    >>> mapping["semiconductor"], mapping["biotech"]
    (('ChipFabrication',), ())
    """
    data = load_toml(path, "layer mapping")
    table = data.get("layers")
    if not isinstance(table, dict):
        raise ImportFormatError(f'{path}: the layer mapping needs a [layers] table of category = "Layer"')
    mapping: dict[str, tuple[str, ...]] = {}
    for category, value in table.items():
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ImportFormatError(f'{path}: [layers] {category!r} must be a layer name, a list of them or ""')
        resolved = []
        for name in names:
            if not name.strip():
                continue
            layer = resolve_layer(name)
            if layer is None:
                known = ", ".join(sorted(stack_layers()))
                raise ImportFormatError(
                    f"{path}: [layers] {category!r} = {name!r} is not a stack layer; use one of {known}"
                )
            resolved.append(layer)
        mapping[category] = tuple(resolved)
    return mapping
