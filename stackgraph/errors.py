"""The exceptions stackgraph raises.

Every error the library raises on purpose derives from :class:`StackgraphError`, so callers can catch one
type. Only the CLI turns them into ``click.ClickException``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "EndpointError",
    "ImportFormatError",
    "InputError",
    "NothingToAnalyseError",
    "ParseError",
    "QueryError",
    "ScenarioError",
    "StackgraphError",
    "StoreBusyError",
    "StoreError",
    "UnknownEntityError",
    "UnknownQuestionError",
    "ValidationError",
]


class StackgraphError(Exception):
    """Base class of every error stackgraph raises on purpose."""


class InputError(StackgraphError):
    """A file or value given by the user cannot be used (missing file, wrong option value, ...)."""


class ParseError(InputError):
    """An RDF or data file is malformed; names the file, line and column when the parser reports them."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class QueryError(StackgraphError):
    """A SPARQL query is malformed or cannot be evaluated; the message carries the parser's position."""


class UnknownEntityError(StackgraphError):
    """A name matches no entity in the graph; ``suggestions`` holds the closest known names.

    ``known``, for a short closed list (deal statuses, questions), names every valid choice in the message.
    """

    def __init__(
        self, name: str, suggestions: Sequence[str] = (), what: str = "entity", known: Sequence[str] = ()
    ) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        self.known = list(known)
        message = f"unknown {what} {name!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        if self.known:
            message += f" (one of: {', '.join(self.known)})"
        super().__init__(message)


class UnknownQuestionError(UnknownEntityError):
    """A name matches no question in the SPARQL question library; the message lists the known questions."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), known: Sequence[str] = ()) -> None:
        super().__init__(name, suggestions, what="question", known=known)


class NothingToAnalyseError(StackgraphError):
    """The loaded data lacks what an analysis needs (deals, layers, supply ties); the message says which and where
    to read how to map other data into stackgraph's vocabulary. A finding, not bad input: the CLI exits with 1."""


class ValidationError(StackgraphError):
    """Data breaks the SHACL shapes or another structural rule."""


class ScenarioError(InputError):
    """A what-if scenario file or step is invalid; names the step and field."""


class ImportFormatError(InputError):
    """An import source (CSV, JSON results) cannot be read at all: wrong encoding, missing columns, empty."""


class EndpointError(StackgraphError):
    """A remote SPARQL endpoint cannot be reached or answered with an error."""


class StoreError(StackgraphError):
    """A persistent store folder cannot be used as asked: damaged, of another version, or not writable."""


class StoreBusyError(StoreError):
    """Another process is writing the store; ``pid`` and ``command`` name it when it recorded them."""

    def __init__(self, message: str, pid: int | None = None, command: str | None = None) -> None:
        self.pid = pid
        self.command = command
        super().__init__(message)
