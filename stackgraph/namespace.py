"""The stackgraph vocabulary, kept under its old module name: it is generated into :mod:`stackgraph.vocabulary.terms`
(``SG`` terms as plain IRI strings, the IRI bases and the ontology's tables)."""

from __future__ import annotations

from stackgraph.vocabulary.terms import GRAPH_IRI, ID_IRI, SG, SG_IRI, SOURCE_IRI

__all__ = ["GRAPH_IRI", "ID_IRI", "SG", "SG_IRI", "SOURCE_IRI"]
