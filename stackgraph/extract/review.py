"""Review extracted candidates: the review table, and the accepted graph a reviewed table gives.

The table has one row per candidate: ``id``, ``decision`` (empty until reviewed), ``kind``, ``actor``,
``counterparty``, ``matches`` (the parties not linked for certain, each with the loaded entities it may be and their
scores: ``Nvida: near match: Nvidia (sgid:Nvidia, organization, 91)``), ``status``, ``cue``, ``confidence``,
``amount``, ``currency``, ``stake``, ``date``, ``purpose``, ``flag`` (the candidate repeats a loaded deal, or may
update one), ``supersedes`` (pre-filled with the loaded deal a possible update would replace), ``sentence`` and
``deal`` (the candidate's IRI). It is written as CSV (to review in a spreadsheet), JSON or Markdown (to read).

A reviewer writes ``accept``, ``reject`` or ``correct`` in ``decision``; a corrected row's ``status``, ``amount``,
``currency``, ``stake``, ``date`` and ``purpose`` replace the candidate's, and a party written in ``actor`` or
``counterparty`` as a loaded entity (its label, alias, local name, ``sgid:`` name or IRI) replaces the party
proposed there: that is how a near match is linked. ``supersedes`` (a deal's IRI or local name, or empty) decides
whether the accepted deal ``sg:supersedes`` a loaded one. :func:`accepted_graph` copies the accepted deals, with
their evidence, proposed entities and source, from the candidates graph.
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

from stackgraph.entities import Resolver
from stackgraph.errors import InputError, UnknownEntityError
from stackgraph.extract.extractor import Extraction, parties_text, party_separator
from stackgraph.extract.lexicon import STATUS_TERMS
from stackgraph.extract.linking import Mention
from stackgraph.extract.output import DEAL_CLASSES, deal_iri, deal_label, partial_date
from stackgraph.resolution import EntityIndex
from stackgraph.results import compact, csv_options
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.names import local_name
from stackgraph.vocabulary.terms import ID_IRI, SG, SG_IRI

__all__ = ["COLUMNS", "DECISIONS", "LoadedNames", "accepted_graph", "read_review", "review_rows", "write_review"]

COLUMNS = (
    "id",
    "decision",
    "kind",
    "actor",
    "counterparty",
    "matches",
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
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_EXTRACTED = ID_IRI + "extracted/"
_KIND_OF_CLASS = {SG_IRI + cls: kind for kind, (cls, _a, _c) in DEAL_CLASSES.items()}
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
            separator = party_separator(c.kind)
            rows.append(
                {
                    "id": f"{len(rows) + 1}",
                    "decision": "",
                    "kind": c.kind,
                    "actor": separator.join(m.label for m in c.actors),
                    "counterparty": separator.join(m.label for m in c.counterparties),
                    "matches": _matches([*c.actors, *c.counterparties]),
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


def _matches(mentions: Iterable[Mention]) -> str:
    """The parties not linked for certain, each with the loaded entities it may be (``matches`` column).

    Examples
    --------
    >>> from stackgraph.resolution import Candidate
    >>> nvidia = Candidate("https://w3id.org/stackgraph/id/Nvidia", "Nvidia", "organization", 90.9)
    >>> _matches([Mention("Nvida", None, "organization", "Nvida", "near match", (nvidia,))])
    'Nvida: near match: Nvidia (sgid:Nvidia, organization, 91)'
    """
    notes = []
    for m in mentions:
        if m.iri is None and m.candidates:
            options = " or ".join(
                f"{c.label} ({compact(c.iri, {'sgid': ID_IRI})}, {c.kind}, {c.score:.0f})" for c in m.candidates
            )
            notes.append(f"{m.text}: {m.review}: {options}")
    return "; ".join(dict.fromkeys(notes))


def write_review(rows: Sequence[Mapping[str, str]], fmt: str) -> str:
    """The review table as ``csv``, ``json`` or ``markdown`` text."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, **csv_options("csv"))
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


class LoadedNames:
    """The loaded graph as a review reads it: deals and entities by the names a reviewer writes (label, alias, local
    name, ``sgid:`` name or IRI: :class:`stackgraph.entities.Resolver`) and the labels the extractor showed."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._resolver = Resolver(store)
        self._index: EntityIndex | None = None

    def find(self, what: str, name: str, where: str) -> ox.NamedNode:
        """The loaded ``deal`` or ``entity`` called ``name``; an unknown name is an error at ``where``."""
        try:
            return ox.NamedNode(self._resolver(what, name))
        except UnknownEntityError as error:
            raise InputError(f"{where}: {error}") from None

    def label(self, iri: str) -> str:
        """The label of a loaded entity, as the review table shows it."""
        if self._index is None:
            self._index = EntityIndex.from_store(self._store)
        return self._index.label_of(iri) or local_name(iri)


def accepted_graph(
    rows: Iterable[Mapping[str, str]], candidates: ox.Store, *, loaded: LoadedNames, label: str
) -> tuple[list[ox.Triple], dict[str, int]]:
    """The triples of the accepted (and corrected) deals, and how many rows had each decision.

    ``candidates`` holds the candidates graph; ``loaded`` finds the loaded deals a row supersedes and the loaded
    entities a corrected row names as parties; ``label`` names the review file in errors.
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
        kind, parties, changed = _parties(row, deal, candidates, loaded, where)
        replaced: dict[str, Any] = {}
        if row["decision"] == "accept":
            _same_as_candidate(row, deal, candidates, where)
            if changed:
                column = changed[0]
                raise InputError(
                    f"{where}: {column} changed to {row[column]!r} but the decision is 'accept'; write 'correct'"
                )
        else:
            replaced = _corrections(row, deal, candidates, where)
            names = {role: [_party_label(p, candidates, loaded) for p in nodes] for role, nodes in parties.items()}
            _cls, actor_role, other_role = DEAL_CLASSES[kind]
            text = parties_text(kind, names[SG_IRI + actor_role], names.get(SG_IRI + (other_role or ""), []))
            replaced[_RDFS_LABEL] = deal_label(text, kind, str(row.get("status") or "").strip())
            if changed:  # other parties: the loaded deal it repeated is not this one
                replaced[SG.sameAsLoaded] = None
        skip = {*replaced, *parties, SG.possibleUpdateOf}
        for quad in triples:
            if quad.predicate.value not in skip:
                _copy(out, candidates, ox.Triple(quad.subject, quad.predicate, quad.object))
        for role, nodes in parties.items():
            for node in nodes:
                _copy(out, candidates, ox.Triple(deal, ox.NamedNode(role), node))
        for predicate, value in replaced.items():
            if value is not None:
                out.setdefault(ox.Triple(deal, ox.NamedNode(predicate), value), None)
        older = str(row.get("supersedes") or "").strip()
        if older:
            superseded = loaded.find("deal", older, f"{where}, supersedes")
            out.setdefault(ox.Triple(deal, ox.NamedNode(SG.supersedes), superseded), None)
    return list(out), counts


def _copy(out: dict[ox.Triple, None], candidates: ox.Store, triple: ox.Triple) -> None:
    """Copy a triple of a deal, with the evidence, proposed entity or source it points to."""
    out.setdefault(triple, None)
    target = triple.object
    if (
        isinstance(target, ox.BlankNode)
        or (isinstance(target, ox.NamedNode) and target.value.startswith(_EXTRACTED))
        or triple.predicate.value == _PROV_DERIVED
    ):
        for inner in candidates.quads_for_pattern(target, None, None):
            out.setdefault(ox.Triple(inner.subject, inner.predicate, inner.object), None)
            if inner.predicate.value == _PROV_DERIVED:
                for source in candidates.quads_for_pattern(inner.object, None, None):
                    out.setdefault(ox.Triple(source.subject, source.predicate, source.object), None)


def _parties(
    row: Mapping[str, str], deal: ox.NamedNode, candidates: ox.Store, loaded: LoadedNames, where: str
) -> tuple[str, dict[str, list[ox.NamedNode]], list[str]]:
    """The deal's kind, its parties by role property as the row names them, and the columns whose parties changed.

    Each name in ``actor`` / ``counterparty`` is a party the candidate has (as the table showed it), or a loaded
    entity that takes the place of one; a side keeps its number of parties.
    """
    kinds = [_KIND_OF_CLASS[q.object.value] for q in candidates.quads_for_pattern(deal, ox.NamedNode(_RDF_TYPE), None)]
    if not kinds or kinds[0] not in DEAL_CLASSES:
        raise InputError(f"{where}: {deal.value} is not a deal of the candidates graph")
    kind = kinds[0]
    _cls, actor_role, other_role = DEAL_CLASSES[kind]
    separator = party_separator(kind)
    parties: dict[str, list[ox.NamedNode]] = {}
    changed: list[str] = []
    for column, role in (("actor", actor_role), ("counterparty", other_role)):
        if role is None:
            continue
        predicate = ox.NamedNode(SG_IRI + role)
        current = [q.object for q in candidates.quads_for_pattern(deal, predicate, None)]
        parties[predicate.value] = list(current)
        if column not in row:  # a table without the column: the parties stand
            continue
        names = [n.strip() for n in str(row[column] or "").split(separator) if n.strip()]
        shown = {_party_label(p, candidates, loaded).casefold(): p for p in current}
        chosen = [shown.get(n.casefold()) or loaded.find("entity", n, f"{where}, {column} {n!r}") for n in names]
        if len(chosen) != len(current) or len(set(chosen)) != len(chosen):
            raise InputError(
                f"{where}, {column}: write {len(current)} different name(s)"
                + (f" separated by {separator.strip()!r}" if len(current) > 1 else "")
                + f" (the candidate's: {row[column]!r} has {len(names)})"
            )
        if set(chosen) != set(current):
            parties[predicate.value] = chosen
            changed.append(column)
    sides = list(parties.values())
    if len(sides) == 2 and set(sides[0]) & set(sides[1]):
        raise InputError(f"{where}: one entity on both sides of the deal (actor and counterparty)")
    return kind, parties, changed


def _party_label(node: ox.NamedNode, candidates: ox.Store, loaded: LoadedNames) -> str:
    if node.value.startswith(_EXTRACTED):
        for quad in candidates.quads_for_pattern(node, ox.NamedNode(_RDFS_LABEL), None):
            return quad.object.value
    return loaded.label(node.value)


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
    replaced[SG.status] = ox.NamedNode(SG_IRI + STATUS_TERMS[status])
    amount = str(row.get("amount") or "").strip().replace(",", "")
    currency = str(row.get("currency") or "").strip().upper()
    if amount:
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise InputError(f"{where}, amount {amount!r}: not a number") from None
        if value < 0 or not re.fullmatch(r"[A-Z]{3}", currency):
            raise InputError(f"{where}: an amount needs a positive number and a three-letter currency such as USD")
        replaced[SG.amount] = ox.Literal(
            format(value, "f"), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        )
        replaced[SG.currency] = ox.Literal(currency)
    else:
        replaced[SG.amount] = None
    stake = str(row.get("stake") or "").strip().rstrip("%")
    if stake:
        try:
            share = Decimal(stake)
        except InvalidOperation:
            raise InputError(f"{where}, stake {stake!r}: not a number") from None
        if not 0 <= share <= 100:
            raise InputError(f"{where}, stake {stake!r}: a stake is a percentage from 0 to 100")
        replaced[SG.stakePercent] = ox.Literal(
            format(share, "f"), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        )
    else:
        replaced[SG.stakePercent] = None
    date = str(row.get("date") or "").strip()
    if date and not _DATE.match(date):
        raise InputError(f"{where}, date {date!r}: use YYYY-MM-DD, YYYY-MM or YYYY")
    for prop in rules.DATE_PROPERTIES.values():
        if _value(candidates, deal, local_name(prop)):
            replaced[prop] = partial_date(date) if date else None
            break
    else:
        if date:
            replaced[rules.DATE_PROPERTIES[rules.date_role(status)]] = partial_date(date)
    purpose = str(row.get("purpose") or "").strip()
    replaced[SG.purpose] = ox.Literal(purpose) if purpose else None
    replaced[SG.statusCue] = ox.Literal(f"corrected by review: {status}")
    return replaced
