"""Generate :mod:`stackgraph.vocabulary.terms` from ``ontology/stackgraph.ttl``, and the rule blocks of the ``.rq``
files from :mod:`stackgraph.vocabulary.rules`.

The ontology is the source of truth; run ``python -m stackgraph._codegen`` after editing it (or the rules).
``tests/test_namespace_drift.py`` fails when a committed file differs from what this produces;
``python -m stackgraph._codegen --check`` says the same on the command line.

This module is a developer tool: it imports rdflib, and nothing imports it at run time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["main", "render_terms_module"]

_NS = "https://w3id.org/stackgraph/ns#"

_HEADER = '''"""The stackgraph vocabulary and the rules the ontology states on it, as plain Python data.

GENERATED from ontology/stackgraph.ttl by ``python -m stackgraph._codegen`` -- do not edit by hand: edit the
ontology and run the generator (tests/test_namespace_drift.py fails when this file is stale).

``SG`` holds every term of the ontology as a plain ``str`` IRI; an unknown term raises ``AttributeError``, so a
typo fails loudly. Code that needs rdflib terms wraps them (``URIRef(SG.Acquisition)``); this module imports
nothing. The tables restate the ontology's annotations (``sg:key``, ``sg:statusMeaning``, ``sg:countsByDefault``,
``sg:relationKey``, ``sg:directProperty``, ``sg:controlRule``, ``sg:evidenceKind``, ``sg:basisLabel`` and the role
properties' ``rdfs:domain``); :mod:`stackgraph.vocabulary.rules` applies them.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CONTROL_RULES",
    "DEAL_CLASSES",
    "ENTITY_KINDS",
    "EVIDENCE_KINDS",
    "GRAPH_IRI",
    "ID_IRI",
    "SCENARIO_STATUS",
    "SG",
    "SG_IRI",
    "SOURCE_IRI",
    "STATUSES",
    "STATUS_MEANINGS",
    "DealClass",
    "EntityKind",
    "EvidenceKind",
    "Status",
]

SG_IRI = "{ns}"
ID_IRI = "https://w3id.org/stackgraph/id/"
SOURCE_IRI = "https://w3id.org/stackgraph/source/"
GRAPH_IRI = "urn:stackgraph:graph:"


class SG:
    """Terms of the stackgraph ontology ({count} terms), as plain IRI strings."""

    __slots__ = ()

'''

_TYPES = '''

class Status(NamedTuple):
    """A deal status (a concept of ``sg:DealStatusScheme``): its key, IRI, label, meaning and whether it counts by
    default."""

    key: str
    iri: str
    label: str
    meaning: str
    default: bool


class DealClass(NamedTuple):
    """A deal class: its key, IRI, label, the relation its deals draw (``None``: no edge), the role properties of
    its acting side, its counterparty side and its mutual side (partners), the direct property derived from it, its
    control rule (a key of :data:`CONTROL_RULES`) and the deal class it refines (``None`` below ``sg:Deal``)."""

    key: str
    iri: str
    label: str
    relation: str | None
    actor_roles: tuple[str, ...]
    counterparty_roles: tuple[str, ...]
    mutual_roles: tuple[str, ...]
    direct: str | None
    control: str
    parent: str | None


class EntityKind(NamedTuple):
    """An entity class: its kind key, IRI and label."""

    key: str
    iri: str
    label: str


class EvidenceKind(NamedTuple):
    """A kind of evidence: its key, the source class whose sources give it, and how results name it."""

    key: str
    iri: str
    label: str

'''


def _key(graph: Any, term: Any) -> str:
    from rdflib import URIRef

    value = graph.value(term, URIRef(_NS + "key"))
    if value is None:
        raise ValueError(f"{term} has no sg:key in the ontology")
    return str(value)


def _q(text: Any) -> str:
    """A Python string literal in double quotes, as ruff formats it."""
    return json.dumps(str(text), ensure_ascii=False)


def _sg(iri: Any) -> str:
    text = str(iri)
    if not text.startswith(_NS):
        raise ValueError(f"{text} is not a term of the stackgraph ontology")
    return "SG." + text[len(_NS) :]


def _tuple(items: Iterable[str]) -> str:
    items = list(items)
    if not items:
        return "()"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _call(name: str, args: list[str]) -> str:
    line = f"    {name}({', '.join(args)}),\n"
    if len(line) <= 121:
        return line
    return f"    {name}(\n" + "".join(f"        {arg},\n" for arg in args) + "    ),\n"


def _table(name: str, kind: str, comment: str, rows: list[list[str]]) -> str:
    return f"\n#: {comment}\n{name}: tuple[{kind}, ...] = (\n" + "".join(_call(kind, row) for row in rows) + ")\n"


def _superclasses(graph: Any, cls: Any) -> list[Any]:
    """``cls`` and its superclasses, nearest first."""
    from rdflib.namespace import RDFS

    order, seen, queue = [], set(), [cls]
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        queue.extend(sorted(graph.objects(current, RDFS.subClassOf), key=str))
    return order


def _inherited(graph: Any, cls: Any, prop: str) -> Any:
    from rdflib import URIRef

    for each in _superclasses(graph, cls):
        value = graph.value(each, URIRef(_NS + prop))
        if value is not None:
            return value
    return None


def _roles(graph: Any, cls: Any, side: str) -> list[str]:
    """The role properties of ``side`` (sg:actor, sg:counterparty or sg:party for mutual roles) whose domain is
    ``cls`` or a superclass of it."""
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    domains = set(_superclasses(graph, cls))
    side_iri = URIRef(_NS + side)
    found = []
    for role in graph.subjects(RDFS.subPropertyOf, side_iri):
        if str(role) in (_NS + "actor", _NS + "counterparty"):
            continue
        if any(domain in domains for domain in graph.objects(role, RDFS.domain)):
            found.append(role)
    return sorted(found, key=str)


def render_terms_module(ontology_path: Path) -> str:
    """Return the source of ``stackgraph/vocabulary/terms.py`` for the ontology at ``ontology_path``."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS, SKOS

    graph = Graph().parse(ontology_path, format="turtle")
    sg = {name: URIRef(_NS + name) for name in ("Deal", "Entity", "Source", "DealStatusScheme", "StatusMeaningScheme")}
    terms: dict[str, str] = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef) and str(subject).startswith(_NS) and str(subject) != _NS:
            name = str(subject)[len(_NS) :]
            label = graph.value(subject, RDFS.label) or graph.value(subject, SKOS.prefLabel) or name
            terms[name] = " ".join(str(label).split())
    out = [_HEADER.replace("{ns}", _NS).replace("{count}", str(len(terms)))]
    for name in sorted(terms, key=lambda n: (n[0].islower(), n)):
        out.append(f'    {name} = "{_NS}{name}"  # {terms[name]}\n')
    out.append(_TYPES)

    def label(term: Any) -> str:
        value = graph.value(term, SKOS.prefLabel) or graph.value(term, RDFS.label) or term
        return _q(" ".join(str(value).split()))

    def order(term: Any) -> int:
        value = graph.value(term, URIRef(_NS + "schemeOrder"))
        return int(value) if value is not None else 1_000_000

    meanings = sorted(graph.subjects(SKOS.inScheme, sg["StatusMeaningScheme"]), key=str)
    meaning_keys = sorted((_key(graph, m) for m in meanings), key=["in-effect", "uncertain", "ended"].index)
    out.append("\n#: What a status may mean (``sg:StatusMeaningScheme``).\nSTATUS_MEANINGS: tuple[str, ...] = ")
    out.append(_tuple(_q(k) for k in meaning_keys) + "\n")
    rules = sorted(graph.objects(None, URIRef(_NS + "controlRule")), key=str)
    rule_scheme = sorted({r for r in graph.subjects(SKOS.inScheme, URIRef(_NS + "ControlRuleScheme"))} | set(rules))
    rule_keys = sorted(_key(graph, r) for r in rule_scheme)
    out.append("\n#: The control rules of deal classes (``sg:ControlRuleScheme``).\nCONTROL_RULES: tuple[str, ...] = ")
    out.append(_tuple(_q(k) for k in rule_keys) + "\n")

    statuses = sorted(graph.subjects(SKOS.inScheme, sg["DealStatusScheme"]), key=lambda s: (order(s), str(s)))
    rows = []
    for status in statuses:
        meaning = graph.value(status, URIRef(_NS + "statusMeaning"))
        default = graph.value(status, URIRef(_NS + "countsByDefault"))
        if meaning is None:
            raise ValueError(f"{status} has no sg:statusMeaning in the ontology")
        is_default = isinstance(default, Literal) and bool(default.toPython())
        key, meaning_key = _q(_key(graph, status)), _q(_key(graph, meaning))
        rows.append([key, _sg(status), label(status), meaning_key, str(is_default)])
    out.append(_table("STATUSES", "Status", "Deal statuses in the order of the status scheme.", rows))
    scenario = [s for s in statuses if (s, URIRef(_NS + "scenarioStatus"), Literal(True)) in graph]
    if len(scenario) != 1:
        raise ValueError("exactly one deal status must be the sg:scenarioStatus")
    out.append("\n#: The status of the deals a what-if scenario adds (``sg:scenarioStatus``).\n")
    out.append(f"SCENARIO_STATUS = {_q(_key(graph, scenario[0]))}\n")

    deal_classes = [c for c in graph.subjects(RDFS.subClassOf * "+", sg["Deal"]) if str(c).startswith(_NS)]  # type: ignore[operator]
    rows = []
    for cls in sorted(set(deal_classes), key=lambda c: (order(c), _key(graph, c))):
        relation = _inherited(graph, cls, "relationKey")
        direct = _inherited(graph, cls, "directProperty")
        rule = _inherited(graph, cls, "controlRule")
        rows.append(
            [
                _q(_key(graph, cls)),
                _sg(cls),
                _q(str(graph.value(cls, RDFS.label))),
                _q(str(relation)) if relation is not None else "None",
                _tuple(_sg(r) for r in _roles(graph, cls, "actor")),
                _tuple(_sg(r) for r in _roles(graph, cls, "counterparty")),
                _tuple(_sg(r) for r in _roles(graph, cls, "party")),
                _sg(direct) if direct is not None else "None",
                _q(_key(graph, rule)) if rule is not None else _q("never"),
                next((_sg(p) for p in graph.objects(cls, RDFS.subClassOf) if p in deal_classes), "None"),
            ]
        )
    out.append(_table("DEAL_CLASSES", "DealClass", "Deal classes (subclasses of ``sg:Deal``) in their order.", rows))

    kinds = [c for c in graph.subjects(RDFS.subClassOf, sg["Entity"]) if (c, URIRef(_NS + "key"), None) in graph]
    kinds.sort(key=lambda c: (order(c), _key(graph, c)))
    rows = [[_q(_key(graph, c)), _sg(c), _q(str(graph.value(c, RDFS.label)))] for c in kinds]
    out.append(
        _table("ENTITY_KINDS", "EntityKind", "Entity kinds (direct subclasses of ``sg:Entity``) in their order.", rows)
    )

    sources = [
        c
        for c in {sg["Source"], *graph.subjects(RDFS.subClassOf * "+", sg["Source"])}  # type: ignore[operator]
        if (c, URIRef(_NS + "evidenceKind"), None) in graph
    ]
    # most specific first (a source of a subclass takes the subclass's kind), then by key
    depth = {c: len(_superclasses(graph, c)) for c in sources}
    sources.sort(key=lambda c: (-depth[c], str(graph.value(c, URIRef(_NS + "evidenceKind")))))
    rows = [
        [
            _q(str(graph.value(c, URIRef(_NS + "evidenceKind")))),
            _sg(c),
            _q(str(graph.value(c, URIRef(_NS + "basisLabel")))),
        ]
        for c in sources
    ]
    comment = "Evidence kinds by the source classes that give them, most specific class first."
    out.append(_table("EVIDENCE_KINDS", "EvidenceKind", comment, rows))
    return "".join(out)


def _targets(root: Path) -> dict[Path, str]:
    """Each generated file with the text it should hold."""
    package = Path(__file__).resolve().parent
    targets = {package / "vocabulary" / "terms.py": render_terms_module(root / "ontology" / "stackgraph.ttl")}
    return targets


def main(argv: list[str] | None = None) -> int:
    """Write the generated files, or with ``--check`` report those that are stale (exit status 1)."""
    root = Path(__file__).resolve().parent.parent
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for target, source in _targets(root).items():
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current == source:
            continue
        if check:
            stale.append(target)
            continue
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(source, encoding="utf-8")
        tmp.replace(target)
        print(f"wrote {target}")
    for target in stale:
        print(f"{target} is out of date; run python -m stackgraph._codegen", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
