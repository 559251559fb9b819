"""Generate :mod:`stackgraph.namespace` from ``ontology/stackgraph.ttl``.

The ontology is the source of truth; run ``python -m stackgraph._codegen`` after editing it.
``tests/test_namespace_drift.py`` fails when the committed module differs from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["main", "render_namespace_module"]

_HEADER = '''"""The stackgraph vocabulary as rdflib ``DefinedNamespace`` classes.

GENERATED from ontology/stackgraph.ttl by ``python -m stackgraph._codegen`` -- do not edit by hand.
Unknown terms raise ``AttributeError``, so typos fail loudly.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["SG", "SG_IRI", "ID_IRI", "SOURCE_IRI", "GRAPH_IRI", "ID", "SOURCE"]

SG_IRI = "{ns}"
ID_IRI = "https://w3id.org/stackgraph/id/"
SOURCE_IRI = "https://w3id.org/stackgraph/source/"
GRAPH_IRI = "urn:stackgraph:graph:"

ID = Namespace(ID_IRI)
SOURCE = Namespace(SOURCE_IRI)


class SG(DefinedNamespace):
    """Terms of the stackgraph ontology ({count} terms)."""

    _NS = Namespace(SG_IRI)
    _fail = True

'''


def render_namespace_module(ontology_path: Path) -> str:
    """Return the source of ``stackgraph/namespace.py`` for the ontology at ``ontology_path``."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS, SKOS

    graph = Graph().parse(ontology_path, format="turtle")
    ns = "https://w3id.org/stackgraph/ns#"
    terms: dict[str, str] = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef) and str(subject).startswith(ns) and str(subject) != ns:
            name = str(subject)[len(ns) :]
            label = graph.value(subject, RDFS.label) or graph.value(subject, SKOS.prefLabel) or name
            terms[name] = str(label)
    lines = [_HEADER.format(ns=ns, count=len(terms))]
    for name in sorted(terms, key=lambda n: (n[0].islower(), n)):
        lines.append(f"    {name}: URIRef  # {terms[name]}\n")
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    target = Path(__file__).resolve().parent / "namespace.py"
    source = render_namespace_module(root / "ontology" / "stackgraph.ttl")
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != source:
            print(f"{target} is out of date; run python -m stackgraph._codegen", file=sys.stderr)
            return 1
        return 0
    tmp = target.with_suffix(".py.tmp")
    tmp.write_text(source, encoding="utf-8")
    tmp.replace(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
