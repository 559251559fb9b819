"""``stackgraph extract``: propose candidate deals from articles for review; write the accepted graph after review."""

from __future__ import annotations

from pathlib import Path

import click

from stackgraph.cli._common import (
    StoreOptions,
    UsageFailure,
    check_outputs,
    handle_errors,
    store_options,
    write_output,
    write_outputs,
)
from stackgraph.outputs import Input, is_stdout

__all__ = ["extract"]


@click.command()
@click.argument("articles", nargs=-1, type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The article's title (one article; else a sidecar ARTICLE.toml).")
@click.option("--publisher", default=None, help="Who published the article.")
@click.option("--date", "date", default=None, metavar="DATE", help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--url", default=None, help="Where the article is published.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Candidates graph to write (.ttl); with --review, the accepted graph.",
)
@click.option(
    "--table",
    "table",
    type=click.Path(path_type=Path),
    default=None,
    help="Review table to write (.csv, .json or .md); default: OUTPUT with .review.csv.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "csv", "json", "none"]),
    default="markdown",
    show_default=True,
    help="How to print the candidates on standard output.",
)
@click.option(
    "--review",
    "review",
    type=click.Path(path_type=Path),
    default=None,
    help="A reviewed table (CSV or JSON): write the accepted deals to --output.",
)
@click.option(
    "--candidates",
    type=click.Path(path_type=Path),
    default=None,
    help="With --review: the candidates graph (default: the table's name with .ttl).",
)
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=5_000_000, show_default=True, help="Largest article read."
)
@store_options
@handle_errors
def extract(
    articles: tuple[Path, ...],
    title: str | None,
    publisher: str | None,
    date: str | None,
    url: str | None,
    output: Path | None,
    table: Path | None,
    fmt: str,
    review: Path | None,
    candidates: Path | None,
    max_bytes: int,
    store_opts: StoreOptions,
) -> None:
    """Read ARTICLES (plain-text or HTML files, or folders of them) and propose the deals they state.

    Each candidate carries its parties (linked to the loaded entities, or proposed as new ones), the status the
    wording supports and the cue that decided it, amount, stake, date, purpose and the quoted sentence, derived
    from the article as a source with exactly the facts given (--title, --publisher, --date, --url). Writes the
    candidates graph (-o, Turtle; load it with --graph) and a review table; mark each row accept, reject or
    correct, then run `stackgraph extract --review TABLE -o accepted.ttl`. Nothing is written on an error.

    \b
    Examples:
      stackgraph extract article.html --title 'AI deals' --date 2026-01 -o candidates.ttl
      stackgraph extract --review candidates.review.csv -o accepted.ttl
    """
    from stackgraph.extract.workflow import (
        article_files,
        candidate_files,
        default_candidates,
        extract_files,
        review_file,
        table_format,
    )

    if review is not None:
        if articles:
            raise UsageFailure("--review reads a reviewed table; give no articles with it")
        if output is None:
            raise UsageFailure("--review needs -o/--output: the accepted graph to write (.ttl)")
        reads = [
            Input(review, "the review table this command reads"),
            Input(candidates or default_candidates(review), "the candidates graph this command reads"),
        ]
        check_outputs({"-o": output}, store_opts, reads)
        outcome = review_file(review, candidates, store_opts.open())
        from stackgraph.extract.output import serialize

        if output.suffix.lower() not in (".ttl", ".turtle"):
            raise UsageFailure(f"{output}: write the accepted graph as Turtle (.ttl)")
        write_output(serialize(outcome.triples), output)
        c = outcome.counts
        click.echo(
            f"accepted {c['accept']}, corrected {c['correct']}, rejected {c['reject']}, "
            f"undecided {c['undecided']} (left out); wrote {len(outcome.triples)} triples to {output}",
            err=True,
        )
        return
    if not articles:
        raise UsageFailure("give one or more articles (files or folders), or --review TABLE")
    if output is None:
        raise UsageFailure("give -o/--output: the candidates graph to write (.ttl)")
    from stackgraph.extract.extractor import Source

    if is_stdout(output) and table is None:
        raise UsageFailure(
            "-o - writes the candidates graph to standard output: give the review table a file (--table)"
        )
    table_path = table or output.with_name(output.stem + ".review.csv")
    table_format(table_path)
    files = article_files(articles)
    reads = [Input(path, "an article this command reads") for path in files]
    reads += [Input(path.with_suffix(".toml"), "an article's facts (sidecar)") for path in files]
    check_outputs({"-o": output, "--table": table_path}, store_opts, reads)
    defaults = Source(title or "", publisher=publisher, date=date, url=url)
    extractions = extract_files(articles, defaults, store_opts.open(), max_bytes=max_bytes)
    sentences = sum(e.sentences for e in extractions)
    if not any(e.candidates for e in extractions):
        left_out = sum(len(e.notes) for e in extractions)
        click.echo(
            f"no deal found in {sentences} sentences of {len(extractions)} article(s)"
            + (f" ({left_out} negated or denied)" if left_out else "")
            + f"; nothing written to {output}",
            err=True,
        )
        return
    files, count, triples = candidate_files(extractions, output, table_path)
    write_outputs(files)  # both or neither; the graph on standard output with -o -
    if fmt != "none" and not is_stdout(output):
        from stackgraph.extract.review import review_rows, write_review

        click.echo(write_review(review_rows(extractions), fmt), nl=False)
    left_out = sum(len(e.notes) for e in extractions)
    message = f"{count} candidate deals from {sentences} sentences in {len(extractions)} article(s)"
    if left_out:
        message += f"; {left_out} negated or denied left out"
    where = "standard output" if is_stdout(output) else output
    click.echo(f"{message}; wrote {where} ({triples} triples) and the review table {table_path}", err=True)
