"""Options and error handling shared by the CLI commands.

The library raises :class:`~stackgraph.errors.StackgraphError`; only here do errors become click exceptions:
bad input (missing file, unknown entity or question, malformed query or data) exits with 2, findings and other
failures with 1. No traceback reaches the user for any of them.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from stackgraph.errors import InputError, QueryError, StackgraphError, UnknownEntityError

if TYPE_CHECKING:
    from stackgraph.store import KnowledgeStore

__all__ = [
    "StoreOptions",
    "UsageFailure",
    "cli_errors",
    "echo_table",
    "format_table",
    "handle_errors",
    "store_options",
    "write_output",
]

F = TypeVar("F", bound=Callable[..., Any])


class UsageFailure(click.ClickException):
    """A user-input error: printed as one line, exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class StoreOptions:
    """Which data a command reads: shipped graphs, extra graph files, a persistent store folder."""

    graphs: tuple[Path, ...] = ()
    store_dir: Path | None = None
    include_shipped: bool = True
    endpoint: str | None = None

    def open(self) -> KnowledgeStore:
        if self.endpoint is not None:
            if self.graphs or self.store_dir is not None:
                raise InputError("--endpoint reads a remote server; it cannot be combined with --graph or --store")
            from stackgraph.endpoint import SparqlEndpoint

            return SparqlEndpoint(self.endpoint)  # type: ignore[return-value]  # same query interface
        from stackgraph.store import open_store

        store = open_store(self.graphs, path=self.store_dir, include_shipped=self.include_shipped)
        for notice in store.notices:
            click.echo(f"note: {notice}", err=True)
        return store


def store_options(function: F) -> F:
    """Add ``--graph``, ``--store``, ``--no-shipped`` and ``--endpoint``; the command receives ``store_opts``."""

    @click.option(
        "--graph",
        "graphs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra RDF file to load (repeatable); each becomes its own named graph.",
    )
    @click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Persistent store folder: created on first use, reopened later without re-parsing (files that "
        "changed are reloaded). Commands that change nothing open it read-only, so several can run at once.",
    )
    @click.option("--no-shipped", is_flag=True, help="Do not load the shipped AI-stack graphs.")
    @click.option(
        "--endpoint",
        metavar="URL",
        default=None,
        help="Query a remote SPARQL 1.1 endpoint instead of a local store (load it with `export --format nquads`).",
    )
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        graphs: tuple[Path, ...],
        store_dir: Path | None,
        no_shipped: bool,
        endpoint: str | None,
        **kwargs: Any,
    ) -> Any:
        kwargs["store_opts"] = StoreOptions(tuple(graphs), store_dir, not no_shipped, endpoint)
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn stackgraph's exceptions into one-line click errors with the right exit code."""
    try:
        yield
    except (InputError, QueryError, UnknownEntityError) as error:
        raise UsageFailure(str(error)) from None
    except StackgraphError as error:
        raise click.ClickException(str(error)) from None


def handle_errors(function: F) -> F:
    """Decorator form of :func:`cli_errors` for command callbacks."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with cli_errors():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def write_output(data: str | bytes, output: Path | None) -> None:
    """Write to ``output`` atomically, or to standard output when it is ``None`` or ``-``."""
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            click.echo(data, nl=not data.endswith("\n"))
        return
    from stackgraph.atomic import atomic_write

    atomic_write(output, data)


def echo_table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print rows as an aligned plain-text table."""
    click.echo(format_table(headers, rows))


def format_table(headers: list[str], rows: list[list[Any]]) -> str:
    """Return rows as an aligned plain-text table (``-`` for missing values)."""
    from stackgraph.results import aligned_table

    return aligned_table(headers, [[("-" if v is None else str(v)) for v in row] for row in rows])
