"""``stackgraph query`` (SPARQL text, a file or a question of the library) and ``stackgraph entities``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

import click

from stackgraph.cli._common import (
    PolicyOptions,
    Progress,
    StoreOptions,
    UsageFailure,
    check_outputs,
    handle_errors,
    policy_options,
    store_options,
    write_output,
)
from stackgraph.outputs import Input

__all__ = ["entities", "query"]

_FORMATS = ("table", "csv", "tsv", "json")
_QUESTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def _parse_binds(binds: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for bind in binds:
        name, sep, value = bind.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise UsageFailure(f"--bind {bind!r}: expected NAME=VALUE, e.g. --bind entity=xAI")
        values[name] = value
    return values


def _list_questions() -> str:
    from stackgraph.queries import list_questions

    questions = list_questions()
    width = max(len(q.name) for q in questions)
    lines = []
    for question in questions:
        params = " ".join(f"{p.name}={p.kind}" + ("" if p.required else "?") for p in question.params)
        lines.append(f"{question.name.ljust(width)}  {question.summary}" + (f"  [{params}]" if params else ""))
    lines.append("")
    lines.append("Run one with: stackgraph query NAME [--bind PARAM=VALUE ...]; '?' marks an optional parameter.")
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("query_text", required=False, metavar="[QUERY | QUESTION]")
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the SPARQL query from a file.")
@click.option("--name", "question_name", metavar="QUESTION", help="Run a question of the library by name.")
@click.option("--list", "list_only", is_flag=True, help="List the questions of the library and exit.")
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a variable through the engine (repeatable). For a question, entities may be given by label, "
    "local name or IRI; for your own query, prefixed names and IRIs become IRIs, anything else a literal.",
)
@click.option(
    "--with-ontology",
    is_flag=True,
    help="Let your own query read the ontology too (classes, properties, the layer scheme); the shipped "
    "questions always do.",
)
@click.option(
    "--no-derived",
    is_flag=True,
    help="Your own query reads only the triples loaded, without the derived direct properties (sg:acquires, "
    "sg:controls, ...).",
)
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (atomically).")
@policy_options
@store_options
@handle_errors
def query(
    query_text: str | None,
    query_file: Path | None,
    question_name: str | None,
    list_only: bool,
    binds: tuple[str, ...],
    with_ontology: bool,
    no_derived: bool,
    fmt: str,
    output: Path | None,
    policy_opts: PolicyOptions,
    store_opts: StoreOptions,
) -> None:
    """Run a SPARQL query: inline text, -f FILE, or a question of the shipped library (see --list).

    The standard prefixes (sg, sgid, src, rdf, rdfs, owl, xsd, skos, prov, org, schema, dcterms, foaf) are
    predefined. SELECT prints a table (or W3C JSON/CSV/TSV), ASK true/false, CONSTRUCT Turtle.
    Your query reads the graphs loaded and the derived direct properties, not the ontology (see
    --with-ontology, --no-derived): with --no-shipped --no-derived it sees exactly the triples of your files.

    The direct properties (sg:controls, sg:supplies, ...) are derived from the deals that count: by default
    completed and active deals as of today. --as-of, --status, --undated and --evidence choose other deals, as
    for `stackgraph analyze`, for the questions that depend on them (who-controls, group, ...) and for your own
    queries; a question or query may also name the rulebook's rules, e.g. RULE(deal-counts ?deal).

    \b
    Examples:
      stackgraph query --list
      stackgraph query who-controls --bind entity=xAI
      stackgraph query group --bind entity=SpaceX --as-of 2020
      stackgraph query uncertain-deals --format json
      stackgraph query 'SELECT ?t WHERE { ?d a sg:Acquisition ; sg:target ?t }'
    """
    from stackgraph.queries import bind_parameters, load_question, run_question
    from stackgraph.results import Written, write_result

    check_outputs(
        {"-o": output}, store_opts, [Input(query_file, "the query file this command reads (-f)")] if query_file else []
    )
    if list_only:
        write_output(_list_questions(), output)
        return
    given = [x for x in (query_text, query_file, question_name) if x is not None]
    if len(given) != 1:
        raise UsageFailure(
            "give exactly one of: a SPARQL query, -f FILE, or a question name (see stackgraph query --list)"
        )
    values = _parse_binds(binds)
    question = None
    if question_name is not None:
        question = load_question(question_name)
    elif query_file is not None:
        if not query_file.is_file():
            raise UsageFailure(f"{query_file}: no such file")
        try:
            sparql = query_file.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the query
        except (OSError, UnicodeDecodeError) as error:
            raise UsageFailure(f"{query_file}: cannot read: {error}") from None
    elif query_text is not None and _QUESTION_NAME.match(query_text.strip()):
        question = load_question(query_text)
    else:
        sparql = query_text or ""
    from stackgraph.vocabulary.sparql import fill, uses_policy

    policy = policy_opts.policy()
    store = store_opts.open()
    if question is not None:
        from stackgraph.entities import Resolver

        if policy_opts.given and not question.depends_on_policy:
            raise UsageFailure(
                f"question {question.name!r} does not depend on which deals count; "
                "--as-of, --status, --undated and --evidence do not apply to it"
            )
        dated = question.depends_on_policy
    else:
        dated = policy_opts.given or uses_policy(sparql)
    if policy_opts.given and store_opts.endpoint is not None:
        raise UsageFailure(
            "--as-of, --status, --undated and --evidence derive the direct properties anew, which a remote "
            "endpoint cannot do: load the data into a local store (--graph or --store)"
        )
    derived_under = {"policy": policy} if policy_opts.given else {}
    if question is not None:
        bindings = bind_parameters(question, values, Resolver(store))
        result = run_question(store, question, bindings, policy=policy if policy_opts.given else None)
    else:
        sparql = fill(sparql, policy)
        result = store.query(
            sparql, dict(values) or None, derived=not no_derived, with_ontology=with_ontology, **derived_under
        )
    from stackgraph.store import PREFIXES

    written: list[Written] = []
    with Progress("Writing the results") as progress:

        def stream(handle: BinaryIO) -> None:
            size = lambda n: progress(n, None, "bytes")  # noqa: E731
            written.append(write_result(result, fmt, handle, prefixes=PREFIXES, progress=size))

        write_output(stream, output)
    if written and written[0].more and output is not None and str(output) != "-":  # on a terminal the table says so
        click.echo(
            f"warning: the table shows the first {written[0].rows:,} rows only; use --format csv, tsv or json to "
            "get them all",
            err=True,
        )
    if dated:  # a table on the terminal ends with the view it shows; otherwise the line goes to standard error
        on_terminal = fmt == "table" and (output is None or str(output) == "-")
        click.echo(_policy_note(store, policy), err=not on_terminal)


def _policy_note(store: object, policy: object) -> str:
    """The line a dated answer ends with: which deals counted and what was done with undated ones."""
    from stackgraph.queries import count_undated
    from stackgraph.vocabulary.rules import DealPolicy, undated_note

    assert isinstance(policy, DealPolicy)
    described = policy.describe()
    evidence = "" if policy.evidence is None else f", evidence {', '.join(described['evidence'])}"
    statuses = ", ".join(described["statuses"])
    return (
        f"(as of {described['as_of']}, counting {statuses} deals{evidence}: "
        f"{undated_note(policy.undated_rule, count_undated(store, policy))})"
    )


@click.command()
@click.option(
    "--type",
    "kind",
    type=click.Choice(["organization", "person", "product", "facility"]),
    help="Only entities of this kind.",
)
@click.option("--layer", help="Only entities in this stack layer or a layer below it (label, key or IRI).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (atomically).")
@store_options
@handle_errors
def entities(kind: str | None, layer: str | None, fmt: str, output: Path | None, store_opts: StoreOptions) -> None:
    """List the entities (organisations, people, products, facilities) with their kind and layers.

    JSON output is a list of objects {iri, label, kind, layers}; CSV/TSV have the same columns.
    """
    from stackgraph.entities import list_entities
    from stackgraph.results import compact, format_rows
    from stackgraph.store import PREFIXES

    check_outputs({"-o": output}, store_opts)
    found = list_entities(store_opts.open(), kind=kind, layer=layer)
    if fmt == "json":
        rows = [[e.iri, e.label, e.kind, list(e.layers)] for e in found]
        headers = ["iri", "label", "kind", "layers"]
    elif fmt == "table":
        rows = [[e.label, e.kind, ", ".join(e.layers), compact(e.iri, PREFIXES)] for e in found]
        headers = ["label", "kind", "layers", "iri"]
    else:
        rows = [[e.iri, e.label, e.kind, " ".join(e.layers)] for e in found]
        headers = ["iri", "label", "kind", "layers"]
    write_output(format_rows(headers, rows, fmt), output)
