"""Review extracted candidates: the review table, and the accepted graph a reviewed table gives.

The table has one row per candidate: ``id``, ``decision`` (empty until reviewed), ``kind``, ``actor``,
``counterparty``, ``status``, ``cue``, ``confidence``, ``amount``, ``currency``, ``stake``, ``date``, ``purpose``,
``flag`` (the candidate repeats a loaded deal, or may update one), ``supersedes`` (pre-filled with the loaded deal a
possible update would replace), ``sentence`` and ``deal`` (the candidate's IRI). It is written as CSV (to review in
a spreadsheet), JSON or Markdown (to read).

A reviewer writes ``accept``, ``reject`` or ``correct`` in ``decision``; a corrected row's ``status``, ``amount``,
``currency``, ``stake``, ``date`` and ``purpose`` replace the candidate's; ``supersedes`` (a deal's IRI or local
name, or empty) decides whether the accepted deal ``sg:supersedes`` a loaded one. :func:`accepted_graph` copies the
accepted deals, with their evidence, proposed entities and source, from the candidates graph.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stackgraph.errors import InputError
from stackgraph.extract.extractor import Extraction
from stackgraph.extract.lexicon import STATUS_TERMS
from stackgraph.extract.output import deal_iri, partial_date
from stackgraph.namespace import ID_IRI, SG_IRI
from stackgraph.naming import local_name

__all__ = ["COLUMNS", "DECISIONS", "accepted_graph", "read_review", "review_rows", "write_review"]

COLUMNS = (
    "id",
    "decision",
    "kind",
    "actor",
    "counterparty",
    "status",
    "cue",
    "confidence",
    "amount",
    "currency",
    "stake",
    "date",
    "purpose",
    "flag",
    "supersedes",
    "sentence",
    "deal",
)
#: Decision words a reviewer may write (any case), and what they mean.
DECISIONS = {
    "accept": "accept",
    "accepted": "accept",
    "yes": "accept",
    "y": "accept",
    "reject": "reject",
    "rejected": "reject",
    "no": "reject",
    "n": "reject",
    "correct": "correct",
    "corrected": "correct",
    "": "undecided",
}
_NOT_SHOWN = frozenset({"decision", "stake", "purpose", "supersedes", "deal"})
_EDITABLE = ("status", "amount", "currency", "stake", "date", "purpose")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def review_rows(extractions: Sequence[Extraction]) -> list[dict[str, str]]:
    """One row per candidate of ``extractions`` (see the module docstring)."""
    rows = []
    for extraction in extractions:
        for number, c in enumerate(extraction.candidates, 1):
            flag = ""
            if c.same_as:
                flag = f"same as loaded deal {local_name(c.same_as)}"
            elif c.update_of:
                flag = f"possible update of {local_name(c.update_of)} ({c.update_reason})"
            partners = c.kind == "partnership"
            rows.append(
                {
                    "id": f"{len(rows) + 1}",
                    "decision": "",
                    "kind": c.kind,
                    "actor": " + ".join(m.label for m in c.actors)
                    if not partners
                    else " ↔ ".join(m.label for m in c.actors),
                    "counterparty": " + ".join(m.label for m in c.counterparties),
                    "status": c.status,
                    "cue": c.cue,
                    "confidence": f"{c.confidence:.2f}",
                    "amount": "" if c.amount is None else str(c.amount),
                    "currency": c.currency or "",
                    "stake": "" if c.stake is None else str(c.stake),
                    "date": c.date or "",
                    "purpose": c.purpose or "",
                    "flag": flag,
                    "supersedes": local_name(c.update_of) if c.update_of else "",
                    "sentence": c.quotes[0],
                    "deal": deal_iri(extraction.source, number, c).value,
                }
            )
    return rows


def write_review(rows: Sequence[Mapping[str, str]], fmt: str) -> str:
    """The review table as ``csv``, ``json`` or ``markdown`` text."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt == "json":
        return (
            json.dumps(
                {"schema": "stackgraph.extract.review/1", "candidates": list(rows)}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
    if fmt == "markdown":
        shown = [c for c in COLUMNS if c not in _NOT_SHOWN]
        lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
        for row in rows:
            lines.append("| " + " | ".join(str(row.get(k, "")).replace("|", "\\|") for k in shown) + " |")
        return "\n".join(lines) + "\n"
    raise InputError(f"unknown review table format {fmt!r}; use csv, json or markdown")


def read_review(path: str | Path) -> list[dict[str, str]]:
    """Read a review table (CSV or JSON) and check every decision; errors name the file, row and column."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such review file")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text; save the review table as UTF-8") from None
    if file.suffix.lower() == ".json":
        try:
            rows = json.loads(text)["candidates"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise InputError(f"{file}: not a review table in JSON ({error})") from None
    else:
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("decision", "deal") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{file}: missing columns {', '.join(missing)}; write the table with stackgraph extract")
        rows = list(reader)
    for number, row in enumerate(rows, 2):
        decision = str(row.get("decision") or "").strip().lower()
        if decision not in DECISIONS:
            raise InputError(f"{file}: row {number}, decision {row.get('decision')!r}: use accept, reject or correct")
        row["decision"] = DECISIONS[decision]
        row["row"] = str(number)
    return rows


def accepted_graph(
    rows: Iterable[Mapping[str, str]], candidates: ox.Store, *, deal_names: Mapping[str, Iterable[str]], label: str
) -> tuple[list[ox.Triple], dict[str, int]]:
    """The triples of the accepted (and corrected) deals, and how many rows had each decision.

    ``candidates`` holds the candidates graph; ``deal_names`` maps loaded deal IRIs to their names (for
    ``supersedes``); ``label`` names the review file in errors.
    """
    out: dict[ox.Triple, None] = {}
    counts = {"accept": 0, "reject": 0, "correct": 0, "undecided": 0}
    for row in rows:
        counts[row["decision"]] += 1
        if row["decision"] not in ("accept", "correct"):
            continue
        where = f"{label}: row {row.get('row', '?')}"
        deal = ox.NamedNode(str(row.get("deal", "")).strip())
        triples = list(candidates.quads_for_pattern(deal, None, None))
        if not triples:
            raise InputError(f"{where}: deal {deal.value} is not in the candidates graph")
        replaced = _corrections(row, deal, candidates, where) if row["decision"] == "correct" else {}
        if row["decision"] == "accept":
            _same_as_candidate(row, deal, candidates, where)
        for quad in triples:
            if quad.predicate.value in replaced or quad.predicate.value == SG_IRI + "possibleUpdateOf":
                continue
            out.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object), None)
            if (
                isinstance(quad.object, ox.BlankNode)
                or (isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(ID_IRI + "extracted/"))
                or quad.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"
            ):
                for inner in candidates.quads_for_pattern(quad.object, None, None):
                    out.setdefault(ox.Triple(inner.subject, inner.predicate, inner.object), None)
                    if inner.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom":
                        for source in candidates.quads_for_pattern(inner.object, None, None):
                            out.setdefault(ox.Triple(source.subject, source.predicate, source.object), None)
        for predicate, value in replaced.items():
            if value is not None:
                out.setdefault(ox.Triple(deal, ox.NamedNode(predicate), value), None)
        older = str(row.get("supersedes") or "").strip()
        if older:
            out.setdefault(
                ox.Triple(deal, ox.NamedNode(SG_IRI + "supersedes"), _loaded_deal(older, deal_names, where)), None
            )
    return list(out), counts


def _value(candidates: ox.Store, deal: ox.NamedNode, name: str) -> str:
    for quad in candidates.quads_for_pattern(deal, ox.NamedNode(SG_IRI + name), None):
        return quad.object.value
    return ""


def _same_as_candidate(row: Mapping[str, str], deal: ox.NamedNode, candidates: ox.Store, where: str) -> None:
    status = _value(candidates, deal, "status")
    if row.get("status") and SG_IRI + STATUS_TERMS.get(str(row["status"]).strip(), "?") != status:
        raise InputError(f"{where}: status changed to {row['status']!r} but the decision is 'accept'; write 'correct'")
    amount = _value(candidates, deal, "amount")
    if (row.get("amount") or "") and amount and Decimal(str(row["amount"])) != Decimal(amount):
        raise InputError(f"{where}: amount changed to {row['amount']!r} but the decision is 'accept'; write 'correct'")


def _corrections(row: Mapping[str, str], deal: ox.NamedNode, candidates: ox.Store, where: str) -> dict[str, Any]:
    replaced: dict[str, Any] = {}
    status = str(row.get("status") or "").strip()
    if status not in STATUS_TERMS:
        raise InputError(f"{where}, status {status!r}: use one of {', '.join(STATUS_TERMS)}")
    replaced[SG_IRI + "status"] = ox.NamedNode(SG_IRI + STATUS_TERMS[status])
    amount = str(row.get("amount") or "").strip().replace(",", "")
    currency = str(row.get("currency") or "").strip().upper()
    if amount:
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise InputError(f"{where}, amount {amount!r}: not a number") from None
        if value < 0 or not re.fullmatch(r"[A-Z]{3}", currency):
            raise InputError(f"{where}: an amount needs a positive number and a three-letter currency such as USD")
        replaced[SG_IRI + "amount"] = ox.Literal(
            format(value, "f"), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        )
        replaced[SG_IRI + "currency"] = ox.Literal(currency)
    else:
        replaced[SG_IRI + "amount"] = None
    stake = str(row.get("stake") or "").strip().rstrip("%")
    if stake:
        try:
            share = Decimal(stake)
        except InvalidOperation:
            raise InputError(f"{where}, stake {stake!r}: not a number") from None
        if not 0 <= share <= 100:
            raise InputError(f"{where}, stake {stake!r}: a stake is a percentage from 0 to 100")
        replaced[SG_IRI + "stakePercent"] = ox.Literal(
            format(share, "f"), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        )
    else:
        replaced[SG_IRI + "stakePercent"] = None
    date = str(row.get("date") or "").strip()
    if date and not _DATE.match(date):
        raise InputError(f"{where}, date {date!r}: use YYYY-MM-DD, YYYY-MM or YYYY")
    for name in ("announcedDate", "effectiveDate", "endDate"):
        if _value(candidates, deal, name):
            replaced[SG_IRI + name] = partial_date(date) if date else None
            break
    else:
        if date:
            key = "endDate" if status == "terminated" else "effectiveDate"
            replaced[SG_IRI + key] = partial_date(date)
    purpose = str(row.get("purpose") or "").strip()
    replaced[SG_IRI + "purpose"] = ox.Literal(purpose) if purpose else None
    replaced[SG_IRI + "statusCue"] = ox.Literal(f"corrected by review: {status}")
    return replaced


def _loaded_deal(name: str, deal_names: Mapping[str, Iterable[str]], where: str) -> ox.NamedNode:
    from stackgraph.errors import UnknownEntityError
    from stackgraph.naming import resolve_name

    try:
        return ox.NamedNode(resolve_name(name, deal_names, what="deal"))
    except UnknownEntityError as error:
        raise InputError(f"{where}, supersedes: {error}") from None
