"""Render a what-if report or a screening as plain-text tables, Markdown or JSON.

Text from the data (names, labels, the scenario's own name and description) is neutralised in tables (bidi and
terminal controls shown as ``[U+202E]``) and escaped in Markdown (HTML and Markdown syntax shown as text); see
:mod:`stackgraph.display`. JSON keeps it as it is.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from stackgraph.display import REPORT_FORMATS, TABLE_FORMATS, markdown, neutralise
from stackgraph.errors import InputError
from stackgraph.results import format_rows, markdown_table
from stackgraph.scenarios.sections import Cell, Section, report_sections
from stackgraph.vocabulary.rules import basis_label, undated_note


class _Ranking(Protocol):
    """What :func:`format_screening` reads of a :class:`~stackgraph.scenarios.screening.Screening` (a protocol, so
    that this module imports neither the screening nor the report it formats: no import cycle)."""

    objective: str
    label: str
    method: str
    as_of: str | None
    candidates: Sequence[Any]
    undated: Mapping[str, Any] | None
    basis: Sequence[str]

    def top(self, n: int | None = None) -> Sequence[Any]: ...

    def to_dict(self, top: int | None = None) -> dict[str, Any]: ...


__all__ = ["FORMATS", "SCREENING_FORMATS", "format_report", "format_screening"]

#: The formats of a what-if report: one document of several sections (CSV and TSV hold one table).
FORMATS: tuple[str, ...] = REPORT_FORMATS
#: The formats of a screening: one ranking, so every table format.
SCREENING_FORMATS: tuple[str, ...] = TABLE_FORMATS


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    from stackgraph.results import aligned_table

    return aligned_table(headers, [[("-" if v is None or v == "" else str(v)) for v in row] for row in rows])


def _wrapped(note: str) -> str:
    """A note wrapped to the terminal's width, as tables are fitted to it (whole where no width applies)."""
    from stackgraph.results import table_width

    width = table_width()
    return note if width is None else textwrap.fill(note, width, subsequent_indent="  ", break_on_hyphens=False)


def _render(sections: Sequence[Section], fmt: str) -> str:
    out: list[str] = []
    for i, section in enumerate(sections):
        rows = [[cell.text for cell in row] for row in section.rows]
        if fmt == "markdown":
            out.append(("# " if i == 0 else "## ") + markdown(section.title))
            out.append("")
            if not section.changed:
                out.extend([markdown(section.notes[0] if section.notes else "unchanged") + ".", ""])
                continue
            for note in section.notes:
                out.extend([f"_{markdown(note)}_", ""] if i == 0 else [f"- {markdown(note)}"])
            if section.notes and i != 0:
                out.append("")
            if rows or not section.notes:
                out.append(markdown_table(section.headers, rows) if rows else "No change.")
        else:
            title = neutralise(section.title)
            out.append(title)
            out.append("=" * len(title) if i == 0 else "-" * len(title))
            if not section.changed:
                out.extend([_wrapped(neutralise(section.notes[0] if section.notes else "unchanged")), ""])
                continue
            out.extend(_wrapped(neutralise(note)) for note in section.notes)
            if rows or not section.notes:
                out.append(_table(section.headers, rows) if rows else "(no change)")
        out.append("")
    return "\n".join(out)


def format_report(report: Mapping[str, Any], fmt: str = "table") -> str:
    """Return a what-if report (from :func:`stackgraph.scenarios.run_scenario`) as ``table``, ``markdown`` or
    ``json`` text.

    Examples
    --------
    >>> print(format_report({"scenario": {"name": "Nothing", "as_of": "2026-01-01"}, "steps": []}, "markdown"))
    ... # doctest: +ELLIPSIS
    # What if: Nothing
    ...
    """
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _render(report_sections(report), fmt)


def format_screening(screening: _Ranking, fmt: str = "table", *, top: int | None = 10) -> str:
    """Return a screening (from :func:`stackgraph.scenarios.screen_targets`) as ``table``, ``markdown``, ``csv``,
    ``tsv`` or ``json`` text, the first ``top`` candidates."""
    if fmt == "json":
        return json.dumps(screening.to_dict(top=top), indent=2, ensure_ascii=False) + "\n"
    if fmt not in SCREENING_FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(SCREENING_FORMATS)}")
    rows = [
        [
            i,
            c.label,
            f"{c.score:+.4f}" if screening.objective != "dependencies" else f"{c.score:+g}",
            c.explanation,
            _screen_flags(c.details.get("screens")),
        ]
        for i, c in enumerate(screening.top(top), start=1)
    ]
    headers = ("rank", "target", "score", "why", "merger screens")
    if fmt in ("csv", "tsv"):
        return format_rows(headers, rows, fmt).decode("utf-8")
    title = f"Acquisition targets for {screening.label} by {screening.objective}"
    notes = [
        f"{len(screening.candidates)} candidates evaluated ({screening.method}); as of {screening.as_of}",
        "merger screens, in the markets concerned (where acquirer and target meet, in one market or two that feed "
        "each other): US = a 2023 US Merger Guidelines presumption met; EU = outside the EU non-horizontal safe "
        "harbour; ? = cannot tell (a share is missing); run `stackgraph whatif --acquire` for the full screen",
    ]
    if screening.undated:
        notes.append(undated_note(screening.undated["rule"], screening.undated["deals"]))
    notes.append(f"ties rest on: {basis_label(screening.basis)}")
    cells = tuple(tuple(Cell(str(v)) for v in row) for row in rows)
    return _render([Section("screening", title, headers, cells, tuple(notes))], fmt)


def _screen_flags(flags: Mapping[str, Sequence[str]] | None) -> str:
    if flags is None:
        return "-"
    parts = [
        f"{tag} {', '.join(flags[key])}"
        for tag, key in (("US", "us_presumption"), ("EU", "eu_outside"), ("?", "cannot_tell"))
        if flags.get(key)
    ]
    return "; ".join(parts) or "clear"
