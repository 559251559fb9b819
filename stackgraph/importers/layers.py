"""Stack layers for importers: the shipped scheme, layers already loaded, and layers a dataset brings.

A dataset may bring its own layers -- declared in its mapping (``[layers.<key>]``), read from a layer table, or
from a Turtle file of SKOS concepts (``skos:broader``, ``sg:feeds``). They join ``sg:StackLayerScheme`` (and a
scheme of their own, ``sgid:<dataset>/layers``), so that every analysis, query, view and the shapes treat them as
they treat the shipped layers. A declared layer ``lithography-tools`` is ``sgid:layer/LithographyTools``: the
same key in two datasets is one layer; a key that is already a stack layer of another IRI is refused.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stackgraph.errors import ImportFormatError
from stackgraph.resources import ontology_path
from stackgraph.vocabulary.names import concept_key, local_name
from stackgraph.vocabulary.terms import ID_IRI, SG, SG_IRI

__all__ = ["LayerCatalogue", "load_layer_mapping", "load_toml", "resolve_layer", "stack_layers"]

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABELS = (_SKOS + "prefLabel", _SKOS + "altLabel", "http://www.w3.org/2000/01/rdf-schema#label")


@lru_cache(maxsize=1)
def stack_layers() -> frozenset[str]:
    """Local names of the concepts of ``sg:StackLayerScheme`` in the ontology (``Software``, ``AIModels``, ...).

    Examples
    --------
    >>> {"Software", "ChipFabrication", "AIModels"} <= stack_layers()
    True
    """
    scheme = ox.NamedNode(SG.StackLayerScheme)
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


def _squash(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text.strip()).casefold()


def resolve_layer(name: str) -> str | None:
    """Return the ontology's local name for a shipped layer written as ``Software``, ``sg:Software`` or
    ``chip-fabrication``.

    Examples
    --------
    >>> resolve_layer("chip-fabrication"), resolve_layer("sg:AIModels"), resolve_layer("nope")
    ('ChipFabrication', 'AIModels', None)
    """
    text = name.strip().removeprefix("sg:").removeprefix(SG_IRI)
    layers = stack_layers()
    if text in layers:
        return text
    folded = _squash(text)
    return next((layer for layer in layers if layer.casefold() == folded), None)


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


@dataclass
class _Declared:
    iri: str
    label: str
    broader: str | None = None
    feeds: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    where: str = ""


class LayerCatalogue:
    """Every layer an import may name -- shipped, loaded, declared by the dataset -- and the ones it declares.

    ``catalogue.iri(word)`` returns the IRI of a layer written as its key, label, alias, local name or IRI
    (``None`` when there is none); :meth:`declare` adds a layer of the dataset, :meth:`finish` resolves their
    ``broader`` and ``feeds`` words.

    Examples
    --------
    >>> layers = LayerCatalogue()
    >>> layers.declare("wafer-fabrication", "Wafer fabrication", broader="chip-fabrication", feeds=["logic-chips"])
    >>> layers.declare("logic-chips", "Logic chips", broader="chip-fabrication")
    >>> layers.finish()
    []
    >>> layers.iri("Wafer fabrication")
    'https://w3id.org/stackgraph/id/layer/WaferFabrication'
    >>> layers.iri("Chip fabrication"), layers.key(layers.iri("logic chips"))
    ('https://w3id.org/stackgraph/ns#ChipFabrication', 'logic-chips')
    """

    def __init__(self, loaded: Mapping[str, Iterable[str]] | None = None) -> None:
        self._names: dict[str, str] = {}  # squashed name -> IRI
        self.declared: dict[str, _Declared] = {}
        self.scheme_layers: list[str] = []  # concepts read by load_scheme()
        self.extra_feeds: dict[str, list[str]] = {}  # loaded layer -> layers the dataset says it feeds
        known = loaded if loaded is not None else {SG_IRI + name: () for name in stack_layers()}
        for iri, names in known.items():
            self._know(iri, (*names, local_name(iri), concept_key(iri)))

    def _know(self, iri: str, names: Iterable[str]) -> None:
        for name in names:
            if name:
                self._names.setdefault(_squash(name), iri)

    def iri(self, word: str) -> str | None:
        """The IRI of the layer ``word`` names, or ``None``."""
        text = word.strip()
        if text.startswith(("http://", "https://")):
            return text if text in self.declared or _squash(local_name(text)) in self._names else None
        return self._names.get(_squash(text.removeprefix("sg:")))

    @staticmethod
    def key(iri: str) -> str:
        """The layer key of an IRI (``logic-chips``)."""
        return concept_key(iri)

    def declare(
        self,
        key: str,
        label: str | None = None,
        *,
        broader: str | None = None,
        feeds: Iterable[str] = (),
        aliases: Iterable[str] = (),
        where: str = "",
    ) -> None:
        """Declare (or add to) a layer of the dataset, known by ``key`` (an id or name), ``label`` and ``aliases``.

        A layer already declared under ``key`` or ``label`` gets the new names and feeds; a ``key`` or ``label``
        that names a layer already loaded (shipped, say) refers to that layer: only its feeds are added."""
        names = [n for n in (key, label or "", *aliases) if n.strip()]
        if not names:
            raise ImportFormatError(f"{where}: a layer needs a key or label")
        iri = next((self._names[_squash(n)] for n in names if _squash(n) in self._names), None)
        if iri is not None and iri not in self.declared:
            self._know(iri, names)
            self.extra_feeds.setdefault(iri, []).extend(feeds)
            return
        if iri is None:
            text = label or key
            local = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", text.strip()) if p)
            iri = f"{ID_IRI}layer/{local}"
            existing = self._names.get(_squash(concept_key(iri)))
            if existing is not None and existing != iri:
                raise ImportFormatError(f"{where}: layer {text!r} would have the key of the stack layer {existing}")
        entry = self.declared.setdefault(iri, _Declared(iri, label or key, where=where))
        if label and entry.label == key:
            entry.label = label
        entry.broader = broader or entry.broader
        entry.feeds.extend(f for f in feeds if f not in entry.feeds)
        entry.aliases.extend(a for a in (key, *aliases) if a not in entry.aliases and a != entry.label)
        self._know(iri, (*names, concept_key(iri)))

    def load_scheme(self, path: Path) -> list[ox.Triple]:
        """Read a Turtle file of SKOS concepts as layers; returns its triples (to copy into the import)."""
        if not path.is_file():
            raise ImportFormatError(f"{path}: no such layer scheme file")
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as error:
            raise ImportFormatError(f"{path}: malformed Turtle: {error}") from None
        concepts = {
            t.subject.value
            for t in triples
            if isinstance(t.subject, ox.NamedNode)
            and (
                t.predicate.value == _SKOS + "inScheme"
                or (t.predicate.value == _RDF_TYPE and t.object.value == _SKOS + "Concept")
            )
        }
        if not concepts:
            raise ImportFormatError(f"{path}: no SKOS concepts (skos:Concept or skos:inScheme) to use as layers")
        for iri in sorted(concepts):
            names = [t.object.value for t in triples if t.subject.value == iri and t.predicate.value in _LABELS]
            self._know(iri, (*names, local_name(iri), concept_key(iri)))
        self.scheme_layers = sorted(concepts)
        return triples

    def finish(self) -> list[str]:
        """Resolve the declared layers' ``broader`` and ``feeds`` words to IRIs; returns problems (unknown words)."""
        problems = []
        for entry in self.declared.values():
            if entry.broader is not None:
                target = self.iri(entry.broader)
                if target is None:
                    problems.append(f"{entry.where}: layer {entry.label!r}: unknown broader layer {entry.broader!r}")
                entry.broader = target
            resolved = []
            for word in entry.feeds:
                target = self.iri(word)
                if target is None:
                    problems.append(f"{entry.where}: layer {entry.label!r} feeds unknown layer {word!r}")
                else:
                    resolved.append(target)
            entry.feeds = resolved
        for iri, words in self.extra_feeds.items():
            resolved = [target for word in words if (target := self.iri(word)) is not None]
            problems += [f"layer {self.key(iri)!r} feeds unknown layer {w!r}" for w in words if self.iri(w) is None]
            self.extra_feeds[iri] = resolved
        return problems
