"""The namespace module is generated from the ontology; this fails when they drift apart."""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from stackgraph._codegen import render_namespace_module
from stackgraph.namespace import SG, SG_IRI

ROOT = Path(__file__).resolve().parent.parent


def test_generated_module_matches_ontology():
    expected = render_namespace_module(ROOT / "ontology" / "stackgraph.ttl")
    current = (ROOT / "stackgraph" / "namespace.py").read_text(encoding="utf-8")
    assert current == expected, "stackgraph/namespace.py is stale: run python -m stackgraph._codegen"


def test_every_ontology_term_is_in_the_namespace():
    graph = Graph().parse(ROOT / "ontology" / "stackgraph.ttl")
    terms = {str(s)[len(SG_IRI) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(SG_IRI)}
    assert {"Acquisition", "InTalks", "supersedes", "quote", "TerrestrialRAN"} <= terms
    for term in terms - {""}:
        assert getattr(SG, term) == URIRef(SG_IRI + term)


def test_unknown_terms_fail_loudly():
    with pytest.raises(AttributeError):
        _ = SG.Acquistion  # the typo is the point


def test_codegen_check_mode_passes_on_the_committed_module():
    from stackgraph import _codegen

    assert _codegen.main(["--check"]) == 0
