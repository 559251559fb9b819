"""The store's side of RDF and SPARQL with pyoxigraph: formats, standard prefixes, terms to and from Python, errors.

Examples
--------
>>> import pyoxigraph as ox
>>> to_python(ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
42
>>> as_term("sg:Acquisition").value
'https://w3id.org/stackgraph/ns#Acquisition'
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from stackgraph.display import visible
from stackgraph.errors import InputError, ParseError, QueryError
from stackgraph.namespace import ID_IRI, SG_IRI, SOURCE_IRI
from stackgraph.sparql_text import undeclared_prefix, update_operation

__all__ = [
    "FILE_FORMATS",
    "PREFIXES",
    "RDF_FORMATS",
    "as_term",
    "parse_error",
    "query_error",
    "solution_rows",
    "to_python",
]

PREFIXES: dict[str, str] = {
    "sg": SG_IRI,
    "sgid": ID_IRI,
    "src": SOURCE_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

#: RDF formats by file suffix.
FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}

#: RDF formats by the names the API and CLI use.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

_QUERY_POSITION = re.compile(r"error at (\d+):(\d+)")


def to_python(term: Any) -> Any:
    """Convert a pyoxigraph term to a plain Python value (IRIs and strings as ``str``, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        value = term.value
        if datatype.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            try:
                return int(value)
            except ValueError:
                return value
        if datatype.endswith(("#decimal", "#double", "#float")):
            try:
                return float(value)
            except ValueError:
                return value
        if datatype.endswith("#boolean"):
            return value == "true"
        return value
    return term.value


def solution_rows(result: Any) -> list[dict[str, Any]]:
    """Return a SELECT result's rows as dicts of plain Python values (unbound variables omitted)."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("select() needs a SELECT query")
    names = [v.value for v in result.variables]
    return [{name: to_python(solution[name]) for name in names if solution[name] is not None} for solution in result]


def as_term(value: Any) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """Turn a binding value into a term: IRIs (``<...>``, prefixed names, ``http(s):``/``urn:``) or a literal."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal(value)
    if isinstance(value, int | float):
        return ox.Literal(value)
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        try:
            return ox.NamedNode(text[1:-1])
        except ValueError as error:
            raise InputError(
                f'the value {text!r} is not a valid IRI ({error}); an IRI in <...> has no spaces or <>"{{}}|^`\\ '
                "(escape them as %20 ...); a prefixed name such as sgid:SpaceX or plain text for a literal also work"
            ) from None
    prefix, _, local = text.partition(":")
    if local and prefix in PREFIXES and not any(c.isspace() for c in local):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if re.match(r"^(https?|urn|file):[^\s<>\"{}|\\^`]+$", text):
        return ox.NamedNode(text)
    return ox.Literal(text)


def parse_error(label: str, error: SyntaxError | ValueError) -> ParseError:
    """A parser's error as a :class:`ParseError` naming the file (``label``), line and column."""
    if not isinstance(error, SyntaxError):
        return ParseError(label, visible(str(error)))
    message = str(error.msg) if error.msg else str(error)
    # ParseError shows the position as file:line:column already; drop pyoxigraph's own wording of it.
    message = re.sub(r"^Parser error (at|between) line [^:]*: ", "", message)
    if error.lineno in (0, 1) and (error.offset or 0) <= 1 and (message.startswith("\ufeff") or _has_bom(label)):
        message = "the file starts with a byte-order mark (U+FEFF), which RDF parsers refuse; save it as UTF-8 (no BOM)"
    return ParseError(label, visible(message), error.lineno, error.offset)


def _has_bom(label: str) -> bool:
    try:
        with open(label, "rb") as handle:
            return handle.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


def query_error(sparql: str, error: SyntaxError, *, update: bool = False) -> QueryError:
    """A SPARQL syntax error with the line, the column and a caret under the offending spot; an update sent as a
    query, and an undeclared prefix, are named as such."""
    text = str(error)
    operation = None if update else update_operation(sparql)
    if operation is not None:
        return QueryError(
            f"this is a SPARQL update ({operation} ...), not a query: queries here only read the graphs (SELECT, "
            "ASK, CONSTRUCT, DESCRIBE) and never change them; to play a change forward, write it as a what-if "
            "scenario (a sparql-update step)"
        )
    match = _QUERY_POSITION.search(text)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        lines = sparql.splitlines() or [""]
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        pointer = " " * max(column - 1, 0) + "^"
        message = " ".join(text[match.end() :].lstrip(": ").split())
        offset = sum(len(x) + 1 for x in sparql.splitlines(keepends=False)[: line - 1]) + column - 1
        prefix = undeclared_prefix(sparql, offset, PREFIXES) if "Prefix not found" in message else None
        if prefix is not None:
            message = (
                f"unknown prefix '{prefix}:'; declare it with PREFIX {prefix}: <...> "
                f"(predefined: {', '.join(PREFIXES)})"
            )
        if len(message) > 160:  # the parser may list every character class it expected
            message = message[:160].rstrip() + " …"
        message, source_line = visible(message), visible(source_line)
        where = f"SPARQL syntax error at line {line}, column {column}"
        return QueryError(f"{where}: {message}\n  {source_line}\n  {pointer}")
    return QueryError(f"SPARQL syntax error: {text}")
