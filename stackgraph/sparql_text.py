"""Read SPARQL text the way a parser's lexer does: comments, strings, IRIs and names, in one pass.

Used where stackgraph must say something about a query's text before or after the engine sees it: which
operation an update starts with (``stackgraph query`` given an ``INSERT``), which prefix a failed query did not
declare, and the scenario sandbox's second line of defence (no ``SERVICE`` or ``LOAD`` outside strings, IRIs and
comments; the first line is a real parse, :mod:`stackgraph.scenarios.sandbox`). Because the lexer reads a
``#`` inside a string or an IRI as part of it, and a ``\"\"\"`` inside a comment as part of the comment, neither
can hide a keyword from it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = ["UPDATE_OPERATIONS", "Token", "keywords", "tokens", "undeclared_prefix", "update_operation"]

#: The keywords an update request can start with (after its PREFIX/BASE prologue).
UPDATE_OPERATIONS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

_LEXEME = r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
             |'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)
             |"(?:[^"\\\n\r]|\\.)*"?
             |'(?:[^'\\\n\r]|\\.)*'?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<name>(?:[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:(?:[\w.\-%:\\\u00b7\u00c0-\uffff])*
            |[A-Za-z_\u00c0-\uffff][\w\-\u00b7\u00c0-\uffff]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """


@functools.cache
def _lexeme() -> re.Pattern[str]:
    """The lexer's pattern, compiled on first use (compiling it takes tens of milliseconds: not at import)."""
    return re.compile(_LEXEME, re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    """One lexeme: its kind (``comment``, ``string``, ``iri``, ``lang``, ``variable``, ``name``, ``other``), its
    text and its offset in the query."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        """The offset just after the token."""
        return self.start + len(self.text)


def tokens(text: str) -> Iterator[Token]:
    """Yield the lexemes of ``text`` (white space left out).

    Examples
    --------
    >>> [(t.kind, t.text) for t in tokens("# a ''' comment\\nLOAD <http://x/> '#'")]
    [('comment', "# a ''' comment"), ('name', 'LOAD'), ('iri', '<http://x/>'), ('string', "'#'")]
    """
    for match in _lexeme().finditer(text):
        kind = match.lastgroup or "other"
        if kind != "space":
            yield Token(kind, match.group(), match.start())


def keywords(text: str) -> list[str]:
    """Return the bare words of ``text`` (keywords and function names, upper-cased), never what is inside a
    comment, a string or an IRI, nor prefixed names and variables.

    Examples
    --------
    >>> keywords('INSERT { ?s sg:load "SERVICE" } WHERE { ?s ?p <urn:LOAD> } # LOAD')
    ['INSERT', 'WHERE']
    """
    return [t.text.upper() for t in tokens(text) if t.kind == "name" and ":" not in t.text]


def update_operation(text: str) -> str | None:
    """Return the update keyword ``text`` starts with after its prologue (``INSERT``, ``LOAD`` ...), else None.

    Examples
    --------
    >>> update_operation("PREFIX ex: <urn:ex:>\\n# add one\\ninsert data { ex:a ex:b ex:c }")
    'INSERT'
    >>> update_operation("SELECT * WHERE { ?s ?p ?o }") is None
    True
    """
    skip = 0
    for token in tokens(text):
        if token.kind == "comment" or skip:
            skip = max(skip - 1, 0) if token.kind != "comment" else skip
            continue
        word = token.text.upper()
        if token.kind == "name" and word in ("PREFIX", "BASE"):
            skip = 2 if word == "PREFIX" else 1  # the prefix name and its IRI, or the base IRI
            continue
        return word if token.kind == "name" and word in UPDATE_OPERATIONS else None
    return None


def undeclared_prefix(text: str, offset: int, known: Mapping[str, str]) -> str | None:
    """Return the prefix of the prefixed name that ends at or just before ``offset`` when neither ``known`` nor
    the query's own ``PREFIX`` lines declare it (what an engine's "prefix not found" refers to), else None.

    Examples
    --------
    >>> query = "SELECT * WHERE { ?s foo:bar ?o }"
    >>> undeclared_prefix(query, query.index(" ?o"), {"sg": "urn:sg#"})
    'foo'
    """
    declared = set(known)
    found = list(tokens(text))
    for i, token in enumerate(found[:-1]):
        if token.kind == "name" and token.text.upper() == "PREFIX" and found[i + 1].kind == "name":
            declared.add(found[i + 1].text.split(":", 1)[0])
    candidates = [t for t in found if t.kind == "name" and ":" in t.text and t.start <= offset]
    if not candidates:
        return None
    prefix = candidates[-1].text.split(":", 1)[0]
    return None if prefix in declared else prefix
