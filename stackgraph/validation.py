"""Check graphs against stackgraph's SHACL shapes (``ontology/shapes.ttl``) with pyshacl.

pyshacl runs on a *plain* rdflib ``Graph`` built from the store's N-Triples export. (oxrdflib, rdflib's API over
Oxigraph, types plain strings as ``xsd:string`` and silently breaks ``sh:in`` and ``sh:datatype`` checks.)

The whole ontology is mixed into that graph, so the shapes' ``sh:targetClass sg:Deal`` reaches every subclass
of ``sg:Deal`` through the ontology's ``rdfs:subClassOf`` triples (SHACL's own instance semantics) without
running RDFS inference, and concept checks such as ``skos:inScheme sg:StackLayerScheme`` see the concept
schemes. (pyshacl's own ``ont_graph=`` only "inoculates" class and property axioms, not the SKOS concepts, so
every status and layer check would fail with it; ``inference="rdfs"`` adds nothing the shapes need and costs
about half as much again on the shipped graphs.)

pyshacl holds the whole graph in rdflib's memory (about 2.5 KB a triple) and checks some 1,000 triples a second,
so a check is bounded: more than :data:`MAX_TRIPLES` triples (500,000: about 1.2 GB and ten minutes) is refused
before any work -- files are measured before they are parsed -- with the reason and what to do instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from stackgraph.errors import InputError, ValidationError
from stackgraph.resources import ontology_path, shapes_path
from stackgraph.vocabulary.names import local_name
from stackgraph.vocabulary.terms import GRAPH_IRI, ID_IRI, SG_IRI, SOURCE_IRI

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "BYTES_PER_TRIPLE",
    "MAX_TRIPLES",
    "NOTIFY_TRIPLES",
    "ValidatableStore",
    "ValidationReport",
    "Violation",
    "check_file_sizes",
    "load_shapes",
    "validate",
    "validate_files",
]

#: The most triples :func:`validate` checks at once (about 1.2 GB of memory and ten minutes).
MAX_TRIPLES = 500_000
#: Above this many triples, :func:`validate` first says how long the check takes.
NOTIFY_TRIPLES = 20_000
#: File bytes allowed per triple of :data:`MAX_TRIPLES` before a file is parsed at all.
BYTES_PER_TRIPLE = 100
#: Memory pyshacl and rdflib take per triple checked (measured: about 2.3 KB).
BYTES_IN_MEMORY = 2_500

_ONTOLOGY_GRAPH = GRAPH_IRI + "ontology"  # the named graph KnowledgeStore keeps the ontology in
_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
_SG = SG_IRI
_PROV = "http://www.w3.org/ns/prov#"

# prefixes for printing paths and values (the store's standard prefixes, and sh:)
_PREFIXES: dict[str, str] = {
    "sg": SG_IRI,
    "sgid": ID_IRI,
    "src": SOURCE_IRI,
    "rdf": _RDF,
    "rdfs": _RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": _SKOS,
    "prov": _PROV,
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "dcterms": _DCTERMS,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": _SH,
}

# deal kind -> (actor roles, counterparty roles), for describing deals that carry no label of their own
_DEAL_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Acquisition": (("acquirer",), ("target",)),
    "Investment": (("investor",), ("investee",)),
    "Supply": (("supplier",), ("customer",)),
    "Ownership": (("owner",), ("owned",)),
    "Partnership": (("partner",), ()),
    "Development": (("developer",), ("product",)),
    "PublicOffering": (("issuer",), ()),
}
_DEAL_NAMES = {
    "Acquisition": "acquisition",
    "Investment": "investment",
    "Supply": "supply",
    "Ownership": "ownership",
    "Partnership": "partnership",
    "Development": "development",
    "PublicOffering": "public offering",
}


class ValidatableStore(Protocol):
    """What :func:`validate` needs from a store, such as :class:`stackgraph.store.KnowledgeStore`."""

    def graph_names(self) -> list[str]: ...

    def to_rdflib(self, *, graphs: Sequence[str] | None = None, derived: bool = False) -> rdflib.Graph: ...

    def select(
        self, sparql: str, bindings: Mapping[str, Any] | None = None, *, graphs: Sequence[str] | None = None
    ) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Violation:
    """One SHACL result, ready to print.

    Attributes
    ----------
    focus_iri : str
        The node that breaks a rule (an IRI, or ``_:id`` for a blank node).
    focus_label : str
        A readable name for it: its label, or a description such as ``acquisition SpaceX → xAI``.
    path : str or None
        The property path concerned, as prefixed names (``sg:status``, ``prov:qualifiedDerivation/sg:quote``).
    message : str
        What is wrong, from the shape's ``sh:message``.
    severity : str
        ``Violation``, ``Warning`` or ``Info``.
    value : str or None
        The offending value, if the rule names one (prefixed IRI or literal text).
    """

    focus_iri: str
    focus_label: str
    path: str | None
    message: str
    severity: str = "Violation"
    value: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    Attributes
    ----------
    conforms : bool
        True when no rule of severity ``Violation`` is broken.
    violations : list of Violation
        Every result, sorted by focus label, path and message.
    deals_checked, entities_checked : int
        How many deals and entities the checked graphs hold.
    graphs : tuple of str
        The named graphs that were checked.
    """

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    deals_checked: int = 0
    entities_checked: int = 0
    graphs: tuple[str, ...] = ()

    def summary(self) -> str:
        """Return a one-line summary.

        Examples
        --------
        >>> ValidationReport(True, [], deals_checked=3, entities_checked=5).summary()
        'conforms: 3 deals, 5 entities checked'
        """
        checked = (
            f"{_plural(self.deals_checked, 'deal')}, {_plural(self.entities_checked, 'entity', 'entities')} checked"
        )
        if self.conforms and not self.violations:
            return f"conforms: {checked}"
        nodes = len({v.focus_iri for v in self.violations})
        verdict = "conforms with warnings" if self.conforms else "does not conform"
        return f"{verdict}: {_plural(len(self.violations), 'result')} on {_plural(nodes, 'node')} ({checked})"

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data (for JSON output)."""
        return {
            "conforms": self.conforms,
            "deals_checked": self.deals_checked,
            "entities_checked": self.entities_checked,
            "graphs": list(self.graphs),
            "violations": [asdict(v) for v in self.violations],
        }


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def load_shapes() -> rdflib.Graph:
    """Parse and return the shipped SHACL shapes (``ontology/shapes.ttl``) as an rdflib ``Graph``.

    Examples
    --------
    >>> len(load_shapes()) > 100
    True
    """
    import rdflib

    path = shapes_path()
    if not path.is_file():
        raise ValidationError(f"the SHACL shapes were not found at {path}; reinstall the package")
    return rdflib.Graph().parse(path, format="turtle")


def validate(
    store: ValidatableStore,
    *,
    graphs: Sequence[str] | None = None,
    shapes: rdflib.Graph | None = None,
    max_triples: int = MAX_TRIPLES,
    notify: Callable[[str], object] | None = None,
) -> ValidationReport:
    """Validate the store's graphs against the SHACL shapes.

    Parameters
    ----------
    store : KnowledgeStore or another ValidatableStore
        The store to check; its graphs are not changed.
    graphs : sequence of str, optional
        IRIs of the named graphs to check; by default every graph except the ontology. The ontology is always
        added as context (class hierarchy, concept schemes) but never checked itself.
    shapes : rdflib.Graph, optional
        Other shapes to use instead of the shipped ones.
    max_triples : int
        The most triples checked (:data:`MAX_TRIPLES`): pyshacl holds the whole graph in rdflib's memory, about
        2.5 KB a triple, and checks some 1,000 triples a second; more is refused before any work.
    notify : callable, optional
        Told, as one sentence, how much is checked and about how long it takes, before a check of more than
        :data:`NOTIFY_TRIPLES` triples starts.

    Returns
    -------
    ValidationReport

    Raises
    ------
    InputError
        More than ``max_triples`` triples to check; the message says why and what to do instead.

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> report = validate(KnowledgeStore.with_shipped_graphs())
    >>> report.conforms, report.violations
    (True, [])
    """
    import pyshacl

    names = list(graphs) if graphs is not None else [g for g in store.graph_names() if g != _ONTOLOGY_GRAPH]
    size = _triples(store, names)
    if size > max_triples:
        raise InputError(_too_large(f"{size:,} triples", max_triples))
    if notify is not None and size > NOTIFY_TRIPLES:
        notify(f"checking {size:,} triples against the SHACL shapes takes about {_duration(size)}")
    with _quiet_rdflib():
        data = store.to_rdflib(graphs=names, derived=False)
        if _ONTOLOGY_GRAPH in store.graph_names():
            ontology = store.to_rdflib(graphs=[_ONTOLOGY_GRAPH], derived=False)
        else:
            import rdflib

            ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
        # Mix the ontology in ourselves (pyshacl would copy the data graph to do the same); the mixed graph
        # also serves to look up readable labels of focus nodes and values.
        for triple in ontology:
            data.add(triple)
        conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes if shapes is not None else load_shapes(),
            inference="none",
            advanced=True,  # SHACL-AF SPARQL targets: one query finds the deals ending before they start
            allow_warnings=True,
            inplace=True,
        )
    if not hasattr(results, "subjects"):  # pyshacl reports unusable shapes as a failure object, not a graph
        raise ValidationError(f"the SHACL shapes cannot be used: {results}")
    violations = _read_results(results, data)
    deals, entities = _count(store, names)
    return ValidationReport(bool(conforms), violations, deals, entities, tuple(names))


def validate_files(
    paths: Iterable[str | Path],
    *,
    include_shipped: bool = True,
    shapes: rdflib.Graph | None = None,
    max_triples: int = MAX_TRIPLES,
    notify: Callable[[str], object] | None = None,
) -> ValidationReport:
    """Load RDF files (on top of the shipped graphs unless ``include_shipped`` is false) and validate them all.

    A malformed file raises :class:`~stackgraph.errors.ParseError` naming the file, line and column; a missing
    one :class:`~stackgraph.errors.InputError`; files too large to validate (see :func:`validate`) an
    :class:`~stackgraph.errors.InputError` before they are parsed.

    Examples
    --------
    >>> validate_files([], include_shipped=True).conforms
    True
    """
    # The one place this module builds a store (see ignore_imports in pyproject.toml's layers contract).
    from stackgraph.store import KnowledgeStore

    paths = list(paths)
    check_file_sizes(paths, max_triples)
    store = KnowledgeStore.with_shipped_graphs(paths, include_shipped=include_shipped)
    return validate(store, shapes=shapes, max_triples=max_triples, notify=notify)


def check_file_sizes(paths: Iterable[str | Path], max_triples: int = MAX_TRIPLES) -> None:
    """Refuse, before parsing them, files too large to validate: more than :data:`BYTES_PER_TRIPLE` bytes per
    allowed triple (a generous bound: Turtle takes 30 to 60 bytes a triple).

    Examples
    --------
    >>> check_file_sizes([], max_triples=10)
    """
    total = 0
    for path in paths:
        try:
            total += Path(path).stat().st_size
        except OSError:
            continue  # a missing file is reported by the loader, naming it
    if total > max_triples * BYTES_PER_TRIPLE:
        size = f"{total / 1e6:,.1f} MB" if total >= 1e6 else f"{total / 1e3:,.0f} kB"
        raise InputError(_too_large(f"{size} of RDF", max_triples))


def _too_large(what: str, max_triples: int) -> str:
    return (
        f"{what} is too much to validate at once: the SHACL check holds the whole graph in memory (about "
        f"{BYTES_IN_MEMORY * max_triples / 1e9:.1f} GB for {max_triples:,} triples) and checks some 1,000 triples "
        f"a second, so it stops at {max_triples:,} triples. Validate a sample or a part of the data (the deals of "
        "one source, say), or raise the limit with --max-triples N if the machine has the memory and the time"
    )


def _duration(triples: int) -> str:
    seconds = triples / 1000
    return f"{seconds / 60:.0f} minutes" if seconds >= 90 else f"{seconds:.0f} seconds"


def _triples(store: ValidatableStore, names: Sequence[str]) -> int:
    if not names:
        return 0
    values = " ".join(f"<{name}>" for name in names)
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return int(rows[0].get("n", 0)) if rows else 0


# -- reading pyshacl's results ----------------------------------------------------------------------------------


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Keep rdflib from printing a traceback for an ill-typed literal such as "2025-13-45"^^xsd:date.

    The literal is kept as ill-typed and reported by the shapes; rdflib's own warning would only add noise.
    """
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_results(results: rdflib.Graph, data: rdflib.Graph) -> list[Violation]:
    from rdflib import RDF, URIRef

    sh = _SH
    found: set[Violation] = set()
    # Only the report's top-level results: nested ones (sh:detail of sh:node / sh:or) repeat them less readably.
    top_level = [
        result
        for report in results.subjects(RDF.type, URIRef(sh + "ValidationReport"))
        for result in results.objects(report, URIRef(sh + "result"))
    ]
    for result in top_level:
        focus = results.value(result, URIRef(sh + "focusNode"))
        path = results.value(result, URIRef(sh + "resultPath"))
        message = results.value(result, URIRef(sh + "resultMessage"))
        severity = results.value(result, URIRef(sh + "resultSeverity"))
        value = results.value(result, URIRef(sh + "value"))
        found.add(
            Violation(
                focus_iri=_node_id(focus),
                focus_label=_describe(data, focus),
                path=_render_path(results, path) if path is not None else None,
                message=str(message) if message is not None else "breaks a SHACL rule",
                severity=local_name(str(severity)) if severity is not None else "Violation",
                value=_render_value(data, value) if value is not None and value != focus else None,
            )
        )
    return sorted(found, key=lambda v: (v.focus_label.casefold(), v.focus_iri, v.path or "", v.message))


def _node_id(node: Any) -> str:
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _prefixed(iri: str) -> str:
    matches = [(len(ns), prefix, ns) for prefix, ns in _PREFIXES.items() if iri.startswith(ns)]
    if matches:
        _, prefix, namespace = max(matches)
        local = iri[len(namespace) :]
        if local and all(c.isalnum() or c in "_-." for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _render_path(graph: rdflib.Graph, path: Any) -> str:
    """Render a SHACL property path (IRI, sequence, inverse, alternative, ...) with prefixed names."""
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    if isinstance(path, URIRef):
        return _prefixed(str(path))
    if isinstance(path, BNode):
        if graph.value(path, URIRef(_RDF + "first")) is not None:
            return "/".join(_render_path(graph, p) for p in Collection(graph, path))
        for key, template in (
            ("inversePath", "^{}"),
            ("zeroOrMorePath", "{}*"),
            ("oneOrMorePath", "{}+"),
            ("zeroOrOnePath", "{}?"),
        ):
            inner = graph.value(path, URIRef(_SH + key))
            if inner is not None:
                return template.format(_render_path(graph, inner))
        alternatives = graph.value(path, URIRef(_SH + "alternativePath"))
        if alternatives is not None:
            return "|".join(_render_path(graph, p) for p in Collection(graph, alternatives))
    return str(path)


def _render_value(graph: rdflib.Graph, value: Any) -> str:
    from rdflib import BNode, Literal

    if isinstance(value, Literal):
        if value.datatype is not None:
            return f'"{value}"^^{_prefixed(str(value.datatype))}'
        if value.language:
            return f'"{value}"@{value.language}'
        return f'"{value}"'
    if isinstance(value, BNode):
        return _describe(graph, value)
    return _prefixed(str(value))


def _label(graph: rdflib.Graph, node: Any) -> str | None:
    from rdflib import URIRef

    for predicate in (_RDFS + "label", _SKOS + "prefLabel", _DCTERMS + "title"):
        labels = sorted(str(v) for v in graph.objects(node, URIRef(predicate)))
        if labels:
            return labels[0]
    return None


def _describe(graph: rdflib.Graph, node: Any, depth: int = 0) -> str:
    """A readable name for ``node``: its label, a description built from its parts, or its local name."""
    from rdflib import RDF, BNode, URIRef

    label = _label(graph, node)
    if label:
        return label
    if depth > 2:
        return _node_id(node)

    def names(role: str) -> str:
        values = sorted(_label(graph, v) or local_name(str(v)) for v in graph.objects(node, URIRef(_SG + role)))
        return ", ".join(values) if values else "?"

    kinds = sorted(local_name(str(t)) for t in graph.objects(node, RDF.type) if str(t).startswith(_SG))
    for kind in kinds:
        if kind in _DEAL_ROLES:
            actors, counterparts = _DEAL_ROLES[kind]
            if kind == "Partnership":
                return f"partnership {names('partner').replace(', ', ' – ')}"
            text = f"{_DEAL_NAMES[kind]} {names(actors[0])}"
            return f"{text} → {names(counterparts[0])}" if counterparts else text
        if kind == "MarketPosition":
            return f"market position of {names('holder')} in {names('market')}"
        if kind == "FinancialFigure":
            return f"{names('metric')} of {names('figureOf')}"
    if isinstance(node, BNode):
        for subject, predicate in sorted(graph.subject_predicates(node)):
            role = "evidence" if str(predicate) == _PROV + "qualifiedDerivation" else local_name(str(predicate))
            return f"{role} of {_describe(graph, subject, depth + 1)}"
        return _node_id(node)
    return local_name(str(node)) or str(node)


def _count(store: ValidatableStore, names: Sequence[str]) -> tuple[int, int]:
    rows = store.select(
        """
        SELECT (COUNT(DISTINCT ?deal) AS ?deals) (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
          { ?deal a/rdfs:subClassOf* sg:Deal } UNION { ?entity a/rdfs:subClassOf* sg:Entity }
        }
        """,
        graphs=[*names, _ONTOLOGY_GRAPH],
    )
    row = rows[0] if rows else {}
    return int(row.get("deals", 0)), int(row.get("entities", 0))
