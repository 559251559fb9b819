"""Options and error handling shared by the CLI commands.

The library raises :class:`~stackgraph.errors.StackgraphError`; only here do errors become click exceptions:
bad input (missing file, unknown entity or question, malformed query or data) exits with 2, findings and other
failures with 1. No traceback reaches the user for any of them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from stackgraph.atomic import Payload
from stackgraph.display import neutralise
from stackgraph.errors import InputError, QueryError, StackgraphError, UnknownEntityError

if TYPE_CHECKING:
    from stackgraph.outputs import Input
    from stackgraph.store import KnowledgeStore
    from stackgraph.vocabulary.rules import DealPolicy

__all__ = [
    "PolicyOptions",
    "Progress",
    "StoreOptions",
    "UsageFailure",
    "as_of_option",
    "check_outputs",
    "cli_errors",
    "echo_table",
    "evidence_option",
    "format_table",
    "handle_errors",
    "local_store_options",
    "policy_options",
    "status_option",
    "store_options",
    "undated_option",
    "write_output",
    "write_outputs",
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

    def inputs(self) -> list[Input]:
        """What these options read, which no output of the command may replace: the --graph files, the store."""
        from stackgraph.outputs import Input

        found = [Input(path, "an input of this command (--graph)") for path in self.graphs]
        if self.store_dir is not None:
            found.append(Input(self.store_dir, "the store folder given with --store", folder=True))
        return found


def store_options(function: F) -> F:
    """Add ``--graph``, ``--store``, ``--no-shipped`` and ``--endpoint``; the command receives ``store_opts``."""
    return _store_options(function, remote=True)


def local_store_options(function: F) -> F:
    """Add ``--graph``, ``--store`` and ``--no-shipped`` (a local store only); the command receives ``store_opts``."""
    return _store_options(function, remote=False)


def _store_options(function: F, *, remote: bool) -> F:
    @functools.wraps(function)
    def wrapper(
        *args: Any,
        graphs: tuple[Path, ...],
        store_dir: Path | None,
        no_shipped: bool,
        endpoint: str | None = None,
        **kwargs: Any,
    ) -> Any:
        kwargs["store_opts"] = StoreOptions(tuple(graphs), store_dir, not no_shipped, endpoint)
        return function(*args, **kwargs)

    options = [
        click.option(
            "--graph",
            "graphs",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Extra RDF file to load (repeatable); each becomes its own named graph.",
        ),
        click.option(
            "--store",
            "store_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Persistent store folder: created on first use, reopened later without re-parsing (files that "
            "changed are reloaded). Commands that change nothing open it read-only, so several can run at once.",
        ),
        click.option("--no-shipped", is_flag=True, help="Do not load the shipped AI-stack graphs."),
    ]
    if remote:
        options.append(
            click.option(
                "--endpoint",
                metavar="URL",
                default=None,
                help="Query a remote SPARQL 1.1 endpoint instead of a local store "
                "(load it with `export --format nquads`).",
            )
        )
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn stackgraph's exceptions into one-line click errors with the right exit code (names from the data in
    the message neutralised: a bidi override or an escape sequence is shown as ``[U+202E]``, never acts)."""
    try:
        yield
    except (InputError, QueryError, UnknownEntityError) as error:
        raise UsageFailure(neutralise(str(error))) from None
    except StackgraphError as error:
        raise click.ClickException(neutralise(str(error))) from None


def handle_errors(function: F) -> F:
    """Decorator form of :func:`cli_errors` for command callbacks."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with cli_errors():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def check_outputs(
    outputs: dict[str, Path | None], store_opts: StoreOptions | None = None, inputs: Iterable[Input] = ()
) -> None:
    """Refuse, before any work, outputs that would replace an input of the command or stackgraph's own data.

    ``outputs`` maps each output option (``"-o"``, ``"--save"``, ...) to the path given; the inputs are the
    store options' files and folder plus ``inputs`` (a scenario file, a query file, import sources ...). One
    helper for every command: :func:`stackgraph.outputs.check_outputs`.
    """
    from stackgraph.outputs import check_outputs as check

    with cli_errors():
        check(outputs, [*(store_opts.inputs() if store_opts is not None else ()), *inputs])


def write_output(data: Payload, output: Path | None) -> None:
    """Write to ``output`` atomically, or to standard output when it is ``None`` or ``-``.

    ``data`` may be a function writing into a binary handle, so large results stream to the file or the terminal.
    """
    write_outputs([(output, data)])


def write_outputs(files: Sequence[tuple[Path | None, Payload]]) -> None:
    """Write several outputs of one command all or none (files staged, then renamed together), then print the
    ones meant for standard output (``None`` or ``-``) in order."""
    from stackgraph.atomic import atomic_write_all
    from stackgraph.outputs import is_stdout

    with cli_errors():
        atomic_write_all([(path, data) for path, data in files if not is_stdout(path)])
    try:
        for path, data in files:
            if not is_stdout(path):
                continue
            if callable(data):
                with cli_errors():
                    data(sys.stdout.buffer)
                sys.stdout.buffer.flush()
            elif isinstance(data, bytes):
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                click.echo(data, nl=not data.endswith("\n"))
    except BrokenPipeError:
        # the reader stopped early (`stackgraph query ... | head`): end quietly, as other command-line tools do
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(1) from None


class Progress:
    """Progress of long work on standard error, one updating line: ``label: 120/800 what happened last``.

    Silent unless standard error is a terminal (so logs and pipes stay clean) and the work has run for
    ``delay`` seconds; redrawn at most ``interval`` times a second. Call it as ``progress(done, total, note)``
    (``total`` may be None); :meth:`close` ends the line. ``force`` shows it anyway (for tests).
    """

    def __init__(
        self, label: str, *, delay: float = 1.0, interval: float = 0.2, force: bool = False, stream: Any = None
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay, self.interval = delay, interval
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int | None = None, note: str = "") -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < self.delay or now - self.last < self.interval:
            return
        self.last = now
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        line = neutralise(f"{self.label}: {count} {note}".rstrip())[:100]
        self.stream.write("\r" + line.ljust(100))
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the progress line (if one was shown)."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
