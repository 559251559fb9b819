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

import re
from collections.abc import Sequence

from stackgraph.errors import QueryError

__all__ = ["insert_from_construct"]

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
      | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<open>\{) | (?P<close>\})
      | (?P<construct>\bCONSTRUCT\b)
    """,
    re.VERBOSE | re.IGNORECASE,
)


def insert_from_construct(construct: str, target: str, sources: Sequence[str]) -> str:
    """Return a SPARQL Update that inserts what ``construct`` builds into graph ``target``, reading ``sources``.

    Raises :class:`QueryError` when the text is not a ``CONSTRUCT { template } WHERE ...`` query.
    """
    start = template_start = None
    depth = 0
    for match in _TOKEN.finditer(construct):
        kind = match.lastgroup
        if kind == "construct" and start is None:
            start = match.start()
        elif kind == "open" and start is not None:
            if depth == 0 and template_start is None:
                template_start = match.start()
            depth += 1
        elif kind == "close" and template_start is not None:
            depth -= 1
            if depth == 0:
                prologue = _without_comments(construct[:start]).strip()
                template = construct[template_start : match.end()]
                where = construct[match.end() :].strip()
                using = "\n".join(f"USING <{graph}>" for graph in sources)
                parts = [prologue, f"INSERT {{ GRAPH <{target}> {template} }}", using, where]
                return "\n".join(part for part in parts if part)
    raise QueryError("the derivation must be a SPARQL 'CONSTRUCT { template } WHERE { ... }' query")


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
