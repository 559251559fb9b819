"""The import report: rows read and skipped (by reason, with examples), facts produced, entities matched, created
and left for review, findings of the sanity checks, and the basis (source, licence, date) written into the graph.

Printed as a table by :meth:`ImportReport.summary`, saved as JSON from :meth:`ImportReport.to_dict`, and the names
left for review as a review file (``matches.csv``) by :meth:`ImportReport.write_review`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackgraph.atomic import atomic_write
from stackgraph.resolution import Candidate
from stackgraph.results import csv_options

__all__ = ["ACTIONS", "ImportReport", "ReviewItem", "RowIssue"]

#: What happened to a row with an issue: nothing imported, imported with a field dropped or repaired, or left out
#: on purpose by a row filter of the mapping.
ACTIONS = ("skipped", "kept", "filtered")


@dataclass(frozen=True)
class RowIssue:
    """One problem with one row (or with a whole file when ``row`` is 0).

    ``action`` is ``"skipped"`` when the row produced no fact, ``"kept"`` when it was imported with the
    problematic field dropped or repaired (``reason`` says which), ``"filtered"`` when a row filter left it out.
    """

    file: str
    row: int
    reason: str
    action: str
    example: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the issue as a plain dict (for JSON reports)."""
        return {
            "file": self.file,
            "row": self.row,
            "reason": self.reason,
            "action": self.action,
            "example": self.example,
        }


@dataclass(frozen=True)
class ReviewItem:
    """A name that could not be linked with certainty: imported as ``created`` and listed with its candidates."""

    name: str
    kind: str
    created: str
    reason: str
    candidates: tuple[Candidate, ...]
    where: str

    def to_dict(self) -> dict[str, Any]:
        """Return the item as plain data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "created": self.created,
            "reason": self.reason,
            "where": self.where,
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass
class ImportReport:
    """What an import read, produced, linked and could not use.

    Attributes
    ----------
    source : str
        What was imported (a folder, file, mapping or endpoint URL).
    rows : dict
        Data rows read per file (headers not counted).
    counts : dict
        Facts produced per kind (``organizations``, ``acquisitions``, ``investments``, ``ownerships``, ...).
    issues : list of RowIssue
        Every bad or filtered row, with its reason and an excerpt of the row.
    triples : int
        Triples written.
    matched : dict
        Names linked to loaded entities, per way of matching (``identifier``, ``label``, ``alias``, ...).
    created : int
        New entities the import created.
    review : list of ReviewItem
        Names left for review: imported as new entities, with the loaded entities they may be.
    findings : list of dict
        What the sanity checks found (shares above 100 %, two shares for one holder, mixed kinds in a market).
    basis : dict
        The source the facts derive from: ``source`` (IRI), ``title``, ``publisher``, ``license``, ``date``.

    Examples
    --------
    >>> report = ImportReport("demo", rows={"a.csv": 3}, counts={"acquisitions": 2})
    >>> report.add_issue("a.csv", 4, "self-acquisition", "skipped", "x,x")
    >>> report.skipped("a.csv"), report.reasons()
    (1, {'self-acquisition': 1})
    """

    source: str
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    issues: list[RowIssue] = field(default_factory=list)
    triples: int = 0
    matched: dict[str, int] = field(default_factory=dict)
    created: int = 0
    review: list[ReviewItem] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    basis: dict[str, str] = field(default_factory=dict)

    def add_issue(self, file: str, row: int, reason: str, action: str, example: str = "") -> None:
        """Record a problem with ``row`` of ``file`` (``action``: one of :data:`ACTIONS`)."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
        self.issues.append(RowIssue(file, row, reason, action, example[:200]))

    def count(self, kind: str, n: int = 1) -> None:
        """Add ``n`` to the number of facts of ``kind`` produced."""
        self.counts[kind] = self.counts.get(kind, 0) + n

    def skipped(self, file: str | None = None) -> int:
        """Number of rows (of ``file``, or of every file) that produced nothing; file-level issues excluded."""
        return sum(1 for i in self.issues if i.action == "skipped" and i.row > 0 and (file is None or i.file == file))

    def filtered(self, file: str | None = None) -> int:
        """Number of rows (of ``file``, or of every file) a row filter of the mapping left out."""
        return sum(1 for i in self.issues if i.action == "filtered" and (file is None or i.file == file))

    def reasons(self, action: str | None = None) -> dict[str, int]:
        """Number of issues per reason category (the reason's text before any ``:``), most frequent first."""
        counter = Counter(_category(i.reason) for i in self.issues if action is None or i.action == action)
        return dict(counter.most_common())

    def examples(self, reason_category: str, limit: int = 3) -> list[RowIssue]:
        """The first ``limit`` issues of a reason category."""
        return [i for i in self.issues if _category(i.reason) == reason_category][:limit]

    def summary(self, examples: int = 2) -> str:
        """A human-readable report: rows per file, facts, entities, basis, findings, issues with examples."""
        lines = [f"Imported {self.source}"]
        for file, n in self.rows.items():
            filtered = self.filtered(file)
            lines.append(
                f"  {file}: {n} rows, {self.skipped(file)} skipped" + (f", {filtered} filtered" if filtered else "")
            )
        lines.append("Facts: " + ", ".join(f"{k} {v}" for k, v in self.counts.items()) + f"; {self.triples} triples")
        if self.matched or self.created or self.review:
            how = ", ".join(f"{via} {n}" for via, n in sorted(self.matched.items(), key=lambda kv: -kv[1]))
            lines.append(
                f"Entities: {sum(self.matched.values())} matched to loaded entities"
                + (f" ({how})" if how else "")
                + f", {self.created} created, {len(self.review)} left for review"
            )
            for item in self.review[: max(examples, 5)]:
                options = "; ".join(f"{c.label} ({c.kind}, {c.score:.0f})" for c in item.candidates[:3])
                lines.append(f"  review {item.name!r} ({item.kind}, {item.where}): {item.reason}: {options}")
            if len(self.review) > max(examples, 5):
                lines.append(f"  ... {len(self.review) - max(examples, 5)} more (write them with --review-file)")
        if self.basis:
            lines.append("Basis: " + ", ".join(f"{k} {v}" for k, v in self.basis.items() if v))
        for finding in self.findings:
            lines.append(f"Check: {finding['message']}")
        if not self.issues:
            lines.append("No bad rows.")
            return "\n".join(lines)
        skipped = sum(1 for i in self.issues if i.action == "skipped")
        lines.append(f"Issues: {len(self.issues)} ({skipped} skipped)")
        for category, n in self.reasons().items():
            sample = self.examples(category, examples)
            lines.append(f"  {n:>6}  {sample[0].action:<8} {category}")
            for issue in sample:
                where = f"{issue.file} row {issue.row}" if issue.row else issue.file
                detail = issue.reason[len(category) :].lstrip(": ")
                text = f"{where}: {detail}" if detail else where
                if issue.example:
                    text += f"  [{issue.example[:100]}]"
                lines.append(f"            e.g. {text}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole report, every issue and review item included, as plain data (``--report FILE.json``)."""
        return {
            "source": self.source,
            "rows": dict(self.rows),
            "counts": dict(self.counts),
            "triples": self.triples,
            "skipped": self.skipped(),
            "filtered": self.filtered(),
            "reasons": self.reasons(),
            "entities": {"matched": dict(self.matched), "created": self.created, "review": len(self.review)},
            "review": [item.to_dict() for item in self.review],
            "findings": list(self.findings),
            "basis": dict(self.basis),
            "issues": [i.to_dict() for i in self.issues],
        }

    def review_csv(self) -> str:
        """The names left for review as a review file: one row per name and candidate, ``decision`` empty.

        Write ``accept`` in the row of the right candidate (or ``new`` in any row of a name to keep it apart) and
        pass the file with ``--matches`` on the next run (:func:`stackgraph.resolution.load_decisions`).
        """
        out = io.StringIO()
        writer = csv.writer(out, **csv_options("csv"))
        writer.writerow(["name", "kind", "decision", "entity", "label", "entity_kind", "score", "reason", "where"])
        for item in self.review:
            for candidate in item.candidates or (None,):
                writer.writerow([item.name, item.kind, "", *_candidate_columns(candidate), item.reason, item.where])
        return out.getvalue()

    def write_review(self, path: str | Path) -> Path:
        """Write :meth:`review_csv` to ``path`` atomically and return the path."""
        return atomic_write(Path(path), self.review_csv())


def _candidate_columns(candidate: Candidate | None) -> Sequence[Any]:
    if candidate is None:
        return ["", "", "", ""]
    return [candidate.iri, candidate.label, candidate.kind, round(candidate.score, 1)]


def _category(reason: str) -> str:
    return reason.split(":", 1)[0]
