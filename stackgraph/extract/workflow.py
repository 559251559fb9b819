"""The extract-and-review workflow: articles -> candidates graph + review table; review table -> accepted graph.

Every input is read and checked before anything is written; the two outputs are written together, both or
neither (:func:`stackgraph.atomic.atomic_write_all`), so an error leaves nothing behind, and the CLI refuses an
output that is one of its inputs (:func:`stackgraph.outputs.check_outputs`). No loaded graph is written.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from stackgraph.atomic import atomic_write_all
from stackgraph.errors import InputError
from stackgraph.extract.document import DEFAULT_MAX_BYTES, HTML_SUFFIXES, read_article
from stackgraph.extract.extractor import Extraction, Extractor, Source
from stackgraph.extract.output import candidates_graph, compare_with_loaded, serialize
from stackgraph.extract.review import LoadedNames, accepted_graph, read_review, review_rows, write_review

__all__ = [
    "ReviewOutcome",
    "article_files",
    "candidate_files",
    "extract_files",
    "review_file",
    "table_format",
    "write_candidates",
]

_ARTICLE_SUFFIXES = (".txt", ".text", ".md", *HTML_SUFFIXES)
_TABLE_FORMATS = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown"}


class _Store(Protocol):
    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, derived: bool = True) -> Any: ...


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review gave: the accepted triples and how many rows had each decision."""

    triples: list[ox.Triple]
    counts: dict[str, int]


def article_files(paths: Sequence[str | Path]) -> list[Path]:
    """The article files among ``paths``: files as given, and each folder's ``.txt``/``.md``/``.html`` files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _ARTICLE_SUFFIXES)
            if not found:
                raise InputError(f"{path}: no article (.txt, .md, .html) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not files:
        raise InputError("no article given")
    return files


def _source_for(path: Path, defaults: Source, single: bool) -> Source:
    """The article's bibliographic facts: the flags, or a sidecar ``ARTICLE.toml`` (title, publisher, date, url)."""
    sidecar = path.with_suffix(".toml")
    facts: dict[str, Any] = {}
    if sidecar.is_file():
        try:
            facts = tomllib.loads(sidecar.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{sidecar}: not a readable TOML file ({error})") from None
        unknown = sorted(set(facts) - {"title", "publisher", "date", "url"})
        if unknown:
            raise InputError(f"{sidecar}: unknown keys {', '.join(unknown)}; use title, publisher, date, url")
    title = facts.get("title") or (defaults.title if single else None)
    if not title:
        raise InputError(
            f'{path}: no title; give --title for one article, or a sidecar {sidecar.name} with title = "..."'
        )
    source = replace(
        defaults,
        title=str(title),
        publisher=str(facts.get("publisher") or defaults.publisher or "") or None,
        date=str(facts.get("date") or defaults.date or "") or None,
        url=str(facts.get("url") or defaults.url or "") or None,
        identifier=path.name,
    )
    source.article_date()  # a malformed date is refused before anything is read
    return source


def extract_files(
    paths: Sequence[str | Path], defaults: Source, store: _Store, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Extraction]:
    """Extract candidates from every article of ``paths``, linked to and compared with the entities of ``store``."""
    files = article_files(paths)
    single = len(files) == 1
    sources = [_source_for(path, defaults, single) for path in files]
    articles = [read_article(path, max_bytes=max_bytes) for path in files]
    extractor = Extractor.from_store(store)
    extractions = [extractor.extract(article, source) for article, source in zip(articles, sources, strict=True)]
    for extraction in extractions:
        compare_with_loaded(extraction.candidates, store)
    return extractions


def table_format(path: str | Path) -> str:
    """The review table format a file name asks for (``.csv``, ``.json``, ``.md``)."""
    fmt = _TABLE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: write the review table as .csv, .json or .md")
    return fmt


def candidate_files(
    extractions: Sequence[Extraction], output: str | Path, table: str | Path
) -> tuple[list[tuple[str | Path, bytes | str]], int, int]:
    """The candidates graph (Turtle) and the review table as ``[(path, content), ...]`` to write all or none,
    with the numbers of candidates and triples. ``output`` ``-`` stands for standard output (the caller writes
    it there); the review table always needs a file.
    """
    table_path = Path(table)
    if str(output) != "-":
        target = Path(output)
        if target.suffix.lower() not in (".ttl", ".turtle"):
            raise InputError(f"{target}: write the candidates as Turtle (.ttl)")
        if target.resolve() == table_path.resolve():
            raise InputError(f"{target}: the candidates graph and the review table need two different files")
    fmt = table_format(table_path)
    triples = candidates_graph(extractions)
    rows = review_rows(extractions)
    return [(output, serialize(triples)), (table_path, write_review(rows, fmt))], len(rows), len(triples)


def write_candidates(extractions: Sequence[Extraction], output: str | Path, table: str | Path) -> tuple[int, int]:
    """Write the candidates graph (Turtle) and the review table; returns ``(candidates, triples)``."""
    files, count, triples = candidate_files(extractions, output, table)
    atomic_write_all(files)  # both or neither
    return count, triples


def default_candidates(review: str | Path) -> Path:
    """The candidates graph a review table belongs to: ``X.review.csv`` -> ``X.ttl``."""
    path = Path(review)
    name = path.name
    for suffix in (".review.csv", ".review.json", ".review.md"):
        if name.endswith(suffix):
            return path.with_name(name[: -len(suffix)] + ".ttl")
    return path.with_suffix(".ttl")


def review_file(review: str | Path, candidates: str | Path | None, store: _Store) -> ReviewOutcome:
    """Read a reviewed table and the candidates graph; return the accepted deals' triples."""
    graph_path = Path(candidates) if candidates is not None else default_candidates(review)
    if not graph_path.is_file():
        raise InputError(f"{graph_path}: candidates graph not found; give it with --candidates")
    rows = read_review(review)
    graph = ox.Store()
    try:
        graph.load(path=str(graph_path), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, ValueError, OSError) as error:
        raise InputError(f"{graph_path}: not a readable Turtle file ({error})") from None
    triples, counts = accepted_graph(rows, graph, loaded=LoadedNames(store), label=str(review))
    return ReviewOutcome(triples, counts)
