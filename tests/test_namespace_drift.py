"""The vocabulary module is generated from the ontology; this fails when they drift apart."""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from stackgraph._codegen import render_terms_module
from stackgraph.vocabulary import terms
from stackgraph.vocabulary.terms import SG, SG_IRI

ROOT = Path(__file__).resolve().parent.parent


def test_generated_module_matches_ontology():
    expected = render_terms_module(ROOT / "ontology" / "stackgraph.ttl")
    current = (ROOT / "stackgraph" / "vocabulary" / "terms.py").read_text(encoding="utf-8")
    assert current == expected, "stackgraph/vocabulary/terms.py is stale: run python -m stackgraph._codegen"


def test_every_ontology_term_is_in_the_vocabulary_as_a_plain_string():
    graph = Graph().parse(ROOT / "ontology" / "stackgraph.ttl")
    names = {str(s)[len(SG_IRI) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(SG_IRI)}
    assert {"Acquisition", "InTalks", "supersedes", "quote", "TerrestrialRAN", "statusMeaning"} <= names
    for name in names - {""}:
        value = getattr(SG, name)
        assert value == SG_IRI + name and type(value) is str


def test_unknown_terms_fail_loudly():
    with pytest.raises(AttributeError):
        _ = SG.Acquistion  # the typo is the point


def test_the_tables_restate_the_ontology():
    assert [s.key for s in terms.STATUSES][:2] == ["rumoured", "in-talks"]
    assert {s.key: s.meaning for s in terms.STATUSES}["terminated"] == "ended"
    assert {s.key for s in terms.STATUSES if s.default} == {"completed", "active"}
    acquisition = next(c for c in terms.DEAL_CLASSES if c.key == "acquisition")
    assert (acquisition.actor_roles, acquisition.counterparty_roles) == ((SG.acquirer,), (SG.target,))
    assert (acquisition.relation, acquisition.direct) == ("acquires", SG.acquires)
    assert acquisition.control == "majority-stake"
    partnership = next(c for c in terms.DEAL_CLASSES if c.key == "partnership")
    assert partnership.mutual_roles == (SG.partner,) and partnership.control == "never"
    assert [k.key for k in terms.ENTITY_KINDS] == ["organization", "person", "product", "facility"]
    assert [k.key for k in terms.EVIDENCE_KINDS][-1] == "quoted"  # the most general source class last


def test_starting_up_does_not_import_rdflib():
    import subprocess
    import sys

    code = "import sys, stackgraph.vocabulary.rules, stackgraph.projection; print('rdflib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_codegen_check_mode_passes_on_the_committed_files():
    from stackgraph import _codegen

    assert _codegen.main(["--check"]) == 0
