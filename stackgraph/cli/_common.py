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
    from stackgraph.vocabulary.rules import DealPolicy

__all__ = [
    "PolicyOptions",
    "StoreOptions",
    "UsageFailure",
    "as_of_option",
    "cli_errors",
    "echo_table",
    "evidence_option",
    "format_table",
    "handle_errors",
    "policy_options",
    "status_option",
    "store_options",
    "undated_option",
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

        return open_store(self.graphs, path=self.store_dir, include_shipped=self.include_shipped)


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
        help="Persistent store folder: created on first use, reopened later without re-parsing.",
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


@dataclass(frozen=True)
class PolicyOptions:
    """The options that say which deals count: ``--as-of``, ``--status``, ``--undated``, ``--evidence``."""

    as_of: str | None = None
    statuses: tuple[str, ...] = ()
    undated: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        """Whether the user gave any of them."""
        return bool(self.as_of is not None or self.statuses or self.undated is not None or self.evidence)

    def policy(self, *, undated: str | None = None) -> DealPolicy:
        """The deal policy the options give; ``undated`` is the command's default when ``--undated`` is not given
        (``None``: undated deals count in present views and not in past ones)."""
        from stackgraph.vocabulary.rules import DealPolicy, parse_evidence, parse_statuses

        return DealPolicy(
            as_of=self.as_of,
            statuses=parse_statuses(self.statuses or None),
            undated=self.undated if self.undated is not None else undated,
            evidence=parse_evidence(self.evidence or None),
        )


#: ``--as-of DATE``: the day a view shows.
as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    default=None,
    help="Show the world as of this day (YYYY-MM-DD, YYYY-MM or YYYY; default: today).",
)
#: ``--status``: the deal statuses that count.
status_option = click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="STATUS[,STATUS]",
    help="Deal statuses that count (repeatable or comma-separated; default: completed,active). One of: "
    "rumoured, in-talks, announced, pending, completed, active, terminated, hypothetical.",
)
#: ``--undated include|exclude``: whether deals without a date count.
undated_option = click.option(
    "--undated",
    type=click.Choice(["include", "exclude"]),
    default=None,
    help="Whether deals with no date count (default: they do as of today or later, where they were reported "
    "as current, and not in past views, where nothing says they held).",
)
#: ``--evidence KIND[,KIND]``: the kinds of evidence that count.
evidence_option = click.option(
    "--evidence",
    "evidence",
    multiple=True,
    metavar="KIND[,KIND]",
    help="Count only deals and market shares resting on these kinds of evidence: quoted, dataset, editorial, "
    "scenario (repeatable or comma-separated; default: all, unsourced deals included).",
)


def policy_options(function: F) -> F:
    """Add ``--as-of``, ``--status``, ``--undated`` and ``--evidence``; the command receives ``policy_opts``."""

    @as_of_option
    @status_option
    @undated_option
    @evidence_option
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        as_of: str | None,
        statuses: tuple[str, ...],
        undated: str | None,
        evidence: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        kwargs["policy_opts"] = PolicyOptions(as_of, tuple(statuses), undated, tuple(evidence))
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
