"""Adding a deal status or a deal class touches the ontology and the generated vocabulary module, nothing else.

The recipe (DEVELOPERS.md, "Adding a status or a deal class"): state the new term and its annotations in
``ontology/stackgraph.ttl`` and run ``python -m stackgraph._codegen``. This test does both on a copy -- a status
that means *ended* and a deal class with roles, a relation and a direct property -- and checks, in a fresh
interpreter running the generated module, that the rules, the SPARQL templates, the derivation and the
projection all take them up.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from stackgraph._codegen import render_terms_module

ROOT = Path(__file__).resolve().parent.parent

NEW_TERMS = """
sg:Rescinded a skos:Concept ; skos:inScheme sg:DealStatusScheme ; skos:topConceptOf sg:DealStatusScheme ;
    sg:key "rescinded" ; sg:schemeOrder 9 ; sg:statusMeaning sg:Ended ; sg:countsByDefault false ;
    skos:prefLabel "rescinded"@en .
sg:Licence a owl:Class ; rdfs:subClassOf sg:Deal ; rdfs:label "Licence"@en ;
    sg:key "licence" ; sg:schemeOrder 9 ; sg:relationKey "licenses" ; sg:directProperty sg:licenses ;
    sg:controlRule sg:NeverControl .
sg:licensor a owl:ObjectProperty ; rdfs:subPropertyOf sg:actor ; rdfs:domain sg:Licence ; rdfs:label "licensor"@en .
sg:licensee a owl:ObjectProperty ; rdfs:subPropertyOf sg:counterparty ; rdfs:domain sg:Licence ;
    rdfs:label "licensee"@en .
sg:licenses a owl:ObjectProperty ; rdfs:label "licenses"@en .
"""

CHECK = """
import sys, types
terms = types.ModuleType("stackgraph.vocabulary.terms")
exec(open(sys.argv[1], encoding="utf-8").read(), terms.__dict__)
sys.modules["stackgraph.vocabulary.terms"] = terms
import stackgraph.vocabulary
stackgraph.vocabulary.terms = terms

from stackgraph.projection import ProjectionPolicy, project
from stackgraph.store import KnowledgeStore
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.sparql import fill

assert rules.status_key("Rescinded") == "rescinded" and "rescinded" in rules.ended_statuses()
assert not rules.gives_control("controls", "rescinded", None)
assert "licenses" in rules.relations() and rules.deal_class("licence").actor_roles == (terms.SG.licensor,)
assert "sg:licensor ?a ; sg:licensee ?b" in fill("RULE(deal-ties ?d ?a ?b ?p ?c)")

store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
store.load_data(open(sys.argv[2], encoding="utf-8").read(), "urn:stackgraph:graph:extension")
policy = ProjectionPolicy(statuses={"active", "rescinded"})
G = project(store, policy)
relations = {(u[-1], v[-1], d["relation"], d["status"]) for u, v, d in G.edges(data=True)}
assert relations == {("A", "B", "licenses", "active"), ("A", "C", "controls", "rescinded")}, relations
derived = {(r["p"].rsplit("#", 1)[1]) for r in store.select("SELECT ?p { ?a ?p ?b } ", policy=policy)
           if r["p"].startswith(str(terms.SG_IRI))}
assert "licenses" in derived and "controls" not in derived, derived
print("ok")
"""

DATA = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def test_a_new_status_and_a_new_deal_class_need_only_the_ontology_and_the_generated_module(tmp_path: Path) -> None:
    ontology = tmp_path / "stackgraph.ttl"
    ontology.write_text((ROOT / "ontology" / "stackgraph.ttl").read_text(encoding="utf-8") + NEW_TERMS, "utf-8")
    generated = tmp_path / "terms.py"
    generated.write_text(render_terms_module(ontology), encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(
        DATA
        + NEW_TERMS  # the store holds the extended ontology too (the role properties are read from it)
        + textwrap.dedent(
            """
            sgid:A a sg:Organization . sgid:B a sg:Organization . sgid:C a sg:Organization .
            sgid:lic a sg:Licence ; sg:licensor sgid:A ; sg:licensee sgid:B ; sg:status sg:Active .
            sgid:own a sg:Ownership ; sg:owner sgid:A ; sg:owned sgid:C ; sg:status sg:Rescinded .
            """
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(generated), str(data)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
