"""Run a derivation written as a SPARQL CONSTRUCT inside the engine, as an INSERT into a named graph.

The store's direct properties are stated as a CONSTRUCT (``derive_direct.rq``), the readable form of the rule.
:func:`insert_from_construct` rewrites it as ``INSERT { GRAPH <target> { template } } USING <g> ... WHERE``:
the engine writes the triples itself in one transaction, with no round trip of every triple through Python,
and the ``USING`` clauses confine the ``WHERE`` to the given source graphs (not the ontology, not the target).

Examples
--------
>>> print(insert_from_construct(
...     "PREFIX ex: <urn:ex:>\\n# comment { not a brace }\\nCONSTRUCT { ?a ex:p ?b } WHERE { ?a ex:q ?b }",
...     "urn:g:derived",
...     ["urn:g:data"],
... ))
PREFIX ex: <urn:ex:>
INSERT { GRAPH <urn:g:derived> { ?a ex:p ?b } }
USING <urn:g:data>
WHERE { ?a ex:q ?b }
"""

from __future__ import annotations

from collections.abc import Sequence

from stackgraph.errors import QueryError
from stackgraph.sparql_text import tokens

__all__ = ["insert_from_construct"]


def insert_from_construct(construct: str, target: str, sources: Sequence[str]) -> str:
    """Return a SPARQL Update that inserts what ``construct`` builds into graph ``target``, reading ``sources``.

    Raises :class:`QueryError` when the text is not a ``CONSTRUCT { template } WHERE ...`` query.
    """
    prologue: list[str] = []
    start = None
    depth = 0
    for token in tokens(construct):  # braces inside comments, strings and IRIs are not the template's
        if start is None:
            if token.kind == "name" and token.text.upper() == "CONSTRUCT":
                start = token.end
            elif token.kind != "comment":
                prologue.append(token.text)
            continue
        if token.kind == "other" and token.text == "{":
            depth += 1
        elif token.kind == "other" and token.text == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                template = construct[start : token.end].strip()
                where = construct[token.end :].strip()
                using = "\n".join(f"USING <{graph}>" for graph in sources)
                parts = [" ".join(prologue), f"INSERT {{ GRAPH <{target}> {template} }}", using, where]
                return "\n".join(part for part in parts if part)
        elif depth == 0 and token.kind != "comment":
            break  # CONSTRUCT WHERE { ... } (no template) or not a CONSTRUCT at all
    raise QueryError("the derivation must be a SPARQL 'CONSTRUCT { template } WHERE { ... }' query")
