"""What a scenario's ``sparql-update`` step may do, decided by parsing the update, not by looking for keywords.

A scenario file may come from anyone, so its update must not reach the network (``SERVICE``, ``LOAD``) nor touch
any graph but the scenario's own (``GRAPH``, ``WITH``, ``USING``, ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``,
``MOVE``, ``COPY``). :func:`check_update` parses the text with rdflib's SPARQL 1.1 Update parser and translates it
to the algebra, then allows only these operations, with no ``SERVICE`` and no ``GRAPH`` anywhere in them
(``FILTER EXISTS`` and sub-queries included):

=======================  ===================================================================
``INSERT DATA``          triples, no ``GRAPH`` block
``DELETE DATA``          triples, no ``GRAPH`` block
``DELETE WHERE``         triple patterns, no ``GRAPH`` block
``DELETE/INSERT WHERE``  templates without ``GRAPH``, no ``WITH`` or ``USING``
=======================  ===================================================================

Because the parser reads comments and strings as the grammar says, a ``\"\"\"`` in a comment cannot hide a
``LOAD`` from it. As a second, independent line, the update's keywords are read by
:func:`stackgraph.sparql_text.keywords` (outside comments, strings and IRIs): a ``SERVICE`` or ``LOAD`` there is
refused even if the two parsers ever disagreed. The overlay then runs the update in a scratch in-memory store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackgraph.errors import InputError
from stackgraph.sparql_text import keywords

__all__ = ["check_update"]

_ALLOWED = {"InsertData", "DeleteData", "DeleteWhere", "Modify"}
_OPERATION_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
_NETWORK = ("SERVICE", "LOAD")
_ADVICE = "a sparql-update step may only INSERT or DELETE triples of the scenario graph, reading the overlay"


def check_update(text: str, prefixes: Mapping[str, str] | None = None) -> None:
    """Raise :class:`InputError` unless ``text`` is an update a scenario may run (see the module documentation).

    Parameters
    ----------
    text : str
        The SPARQL 1.1 Update.
    prefixes : mapping, optional
        Prefixes predefined for the update (``sg``, ``sgid``, ...).

    Examples
    --------
    >>> check_update('INSERT DATA { <urn:a> <urn:b> "c" }')
    >>> check_update('INSERT { ?s ?p ?o } WHERE { SERVICE ?endpoint { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: SERVICE ?endpoint would query another server; ...
    >>> check_update("# '''\\nLOAD <http://example.org/data.ttl>")
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: LOAD would fetch <http://example.org/data.ttl> from the network; ...
    """
    operations = _parse(text, prefixes or {})
    for operation in operations:
        name = operation.name
        if name in _OPERATION_NAMES:
            raise InputError(f"{_OPERATION_NAMES[name]} {_describe_operation(operation)}; {_ADVICE}")
        if name not in _ALLOWED:
            raise InputError(f"the update operation {name} is not allowed; {_ADVICE}")
        if _part(operation, "withClause") is not None:
            raise InputError(f"WITH <{_part(operation, 'withClause')}> names another graph to write; {_ADVICE}")
        if _part(operation, "using"):
            raise InputError(f"USING reads another graph; {_ADVICE} (the WHERE already reads the whole overlay)")
        for clause in (operation, _part(operation, "insert"), _part(operation, "delete")):
            quads = _part(clause, "quads") if clause is not None else None
            if quads:
                graph = next(iter(quads))
                raise InputError(f"GRAPH <{graph}> writes a named graph; {_ADVICE}")
        for node in _nodes(operation):
            node_name = getattr(node, "name", "")
            if node_name == "ServiceGraphPattern":
                term = _part(node, "term")
                where = f"?{term}" if type(term).__name__ == "Variable" else f"<{term}>"
                raise InputError(f"SERVICE {where} would query another server; {_ADVICE}")
            if node_name in ("Graph", "GraphGraphPattern"):
                raise InputError(
                    "GRAPH in the WHERE clause reads a named graph, but the update sees the overlay as one default "
                    f"graph; {_ADVICE}"
                )
    # second line: whatever the parser made of it, no network keyword outside comments, strings and IRIs
    for word in keywords(text):
        if word in _NETWORK:
            raise InputError(f"{word} would reach the network; {_ADVICE}")


def _parse(text: str, prefixes: Mapping[str, str]) -> list[Any]:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        return list(translateUpdate(parseUpdate(text), initNs=dict(prefixes)).algebra)
    except ParseBaseException as error:
        line = text.splitlines()[error.lineno - 1] if 0 < error.lineno <= len(text.splitlines()) else ""
        raise InputError(
            f"SPARQL syntax error at line {error.lineno}, column {error.column}: {error.msg}\n  {line}\n"
            f"  {' ' * max(error.column - 1, 0)}^"
        ) from None
    except Exception as error:  # rdflib raises a bare Exception for an unknown prefix
        message = str(error)
        if message.startswith("Unknown namespace prefix"):
            prefix = message.rsplit(":", 1)[-1].strip()
            known = ", ".join(sorted(prefixes)) or "none"
            raise InputError(
                f"unknown prefix {prefix!r}: declare it with PREFIX {prefix}: <...> (predefined: {known})"
            ) from None
        raise InputError(f"the update cannot be read: {message}") from None


def _describe_operation(operation: Any) -> str:
    if operation.name == "Load":
        return f"would fetch <{operation.iri}> from the network"
    return "manages whole graphs"


def _part(node: Any, key: str) -> Any:
    """A part of an algebra node, or None (rdflib's ``CompValue.get`` returns the key itself when it is absent)."""
    return dict.get(node, key)


def _nodes(value: Any) -> Iterator[Any]:
    """Every algebra node under ``value`` (rdflib's ``CompValue`` objects are dicts of their parts)."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if hasattr(current, "name"):
                yield current
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)
