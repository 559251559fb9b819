"""What one row of a mapped table becomes: a layer, an entity, deals between its parties, or market positions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from stackgraph.importers._common import RDF_TYPE, row_excerpt, sg
from stackgraph.importers._dataset import COUNTRY, DatasetRun, slug
from stackgraph.importers.mapping import DEAL_KINDS, ENTITY_KINDS, Table, deal_kind, status_concept
from stackgraph.importers.values import parse_amount, parse_partial_date, parse_percent, split_list
from stackgraph.vocabulary.terms import SG

__all__ = ["read_row"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_IDENTIFIERS = ("lei", "wikidata", "crunchbase")


class _Skip(Exception):
    """The row produces nothing; the message is the reason."""


class _Row:
    """The cells of one row as the table's roles see them."""

    def __init__(self, run: DatasetRun, table: Table, row: int, record: Mapping[str, str]) -> None:
        self.run, self.table, self.row, self.record = run, table, row, record
        self.where = f"{table.label} row {row}"

    def cell(self, role: str) -> str:
        column = self.table.columns.get(role)
        text = self.record.get(column, "").strip() if column else ""
        if text.startswith("[") and text.endswith("]") and role not in self.table.lists:
            raise _Skip(f"list cell: {column} holds a list {text[:60]!r}; declare it in lists to split it")
        return text

    def items(self, role: str) -> list[str]:
        how = self.table.lists.get(role)
        if how is None:
            text = self.cell(role)
            return [text] if text else []
        items, problem = split_list(self.record.get(self.table.columns[role], ""), how)
        if problem:
            raise _Skip(f"{problem} in {self.table.columns[role]}")
        return items

    def kind(self, role: str, fallback: str) -> str:
        word = self.cell(role) or str(self.table.defaults.get(role, fallback))
        kind = self.table.value("kind", word).strip().casefold()
        if kind not in ENTITY_KINDS:
            raise _Skip(f"unknown kind: {word!r}; map it in values.kind to one of {', '.join(ENTITY_KINDS)}")
        return kind

    def note(self, reason: str, example: str = "") -> None:
        self.run.report.add_issue(self.table.label, self.row, reason, "kept", example)

    def date(self, role: str) -> ox.Literal | None:
        text = self.cell(role)
        if not text:
            return None
        literal, problem = parse_partial_date(text, formats=self.table.date_formats)
        if problem:
            kind, _, detail = problem.partition(" date ")
            self.note(f"{kind} date: {detail}; date dropped", text)
        return literal

    def developer(self, role: str) -> ox.NamedNode | None:
        """The developer a ``*_developer`` column names (an organisation), which tells products apart."""
        name = self.cell(role)
        return self.run.party(name, "organization", self.where) if name else None

    def parties(self, role: str, kind: str, developer: ox.NamedNode | None = None) -> list[ox.NamedNode | None]:
        """The entities a role names (``None`` for a country), by dataset id (``<role>_id``) or by name."""
        run = self.run
        if f"{role}_id" in self.table.columns:
            found: list[ox.NamedNode | None] = []
            for key in self.items(f"{role}_id"):
                if key not in run.ids:
                    raise _Skip(f"unknown id: {role} {key!r} is in no entity table of the mapping")
                found.append(None if run.ids[key] == COUNTRY else ox.NamedNode(run.ids[key]))
            if found or role not in self.table.columns:
                return found
        if kind == COUNTRY:
            return [None for _ in self.items(role)]
        dev = developer.value if developer is not None else None
        return [run.party(name, kind, self.where, developer=dev) for name in self.items(role)]


def read_row(run: DatasetRun, table: Table, row: int, record: Mapping[str, str], shares: list[dict[str, Any]]) -> None:
    """Import one row of ``table`` (already past the row filters); a row that produces nothing is reported."""
    cells = _Row(run, table, row, record)
    try:
        if table.type == "layers":
            _layer(cells)
        elif table.type == "entities":
            _entity(cells)
        elif table.type == "shares":
            _shares(cells, shares)
        else:
            _relation(cells, shares)
    except _Skip as skip:
        run.report.add_issue(table.label, row, str(skip), "skipped", row_excerpt(record.values()))


def _layer(cells: _Row) -> None:
    key = cells.cell("id") or cells.cell("label")
    if not key:
        raise _Skip("missing layer: no id or label")
    broader = cells.cell("broader") or cells.table.defaults.get("broader")
    cells.run.layers.declare(
        key,
        cells.cell("label") or None,
        broader=cells.table.value("layer", broader) if broader else None,
        feeds=[cells.table.value("layer", w) for w in cells.items("feeds")],
        aliases=cells.items("aliases"),
        where=cells.where,
    )


def _entity(cells: _Row) -> None:
    run, table = cells.run, cells.table
    label = cells.cell("label")
    if not label:
        raise _Skip("missing label: the row names no entity")
    key = cells.cell("id") or label
    kind = cells.kind("kind", "organization")
    if kind == COUNTRY:
        run.ids[key] = COUNTRY
        run.report.add_issue(table.label, cells.row, f"country row: {label} is a country, not an entity", "filtered")
        return
    developer = None
    if "developer" in table.columns and cells.cell("developer"):
        (developer,) = cells.parties("developer", "organization")[:1] or (None,)
    identifiers = {scheme: cells.cell(scheme) for scheme in _IDENTIFIERS if cells.cell(scheme)}
    if "id" in table.columns:  # the dataset's own ids tell its entities apart (written nowhere)
        identifiers[f"{run.key} id"] = key
    node = run.party(
        label,
        kind,
        cells.where,
        identifiers=identifiers,
        developer=developer.value if developer is not None else None,
        aliases=cells.items("aliases"),
    )
    if run.ids.get(key, node.value) != node.value:
        raise _Skip(f"duplicated id: {key!r} is already {run.ids[key]}")
    run.ids[key] = node.value
    for word in cells.items("layers"):
        layer = run.layers.iri(table.value("layer", word))
        if layer is None:
            cells.note(f"unknown layer: {word!r}; declare it or map it in values.layer; layer dropped", word)
        else:
            run.b.add(node, sg(SG.inLayer), ox.NamedNode(layer))
    country = cells.cell("country") or str(table.defaults.get("country", ""))
    if country:
        run.b.add(node, sg(SG.headquarters), ox.Literal(country))
    if cells.cell("description"):
        run.b.add(node, sg(SG.description), ox.Literal(cells.cell("description")))
    if developer is not None:
        _deal(cells, "development", developer, node, status=SG.Active, date=None, shares=None)


def _relation(cells: _Row, shares: list[dict[str, Any]]) -> None:
    table = cells.table
    word = cells.cell("relation") or str(table.defaults.get("relation", ""))
    kind = deal_kind(word, table.values.get("relation")) if word else None
    if kind is None:
        raise _Skip(f"unknown relation: {word!r}" if word else "missing relation: empty and no default")
    status_word = cells.cell("status") or str(table.defaults.get("status", "active"))
    status = status_concept(status_word, table.values.get("status"))
    if status is None:
        raise _Skip(f"unknown status: {status_word!r}; map it in values.status")
    subject_kind = cells.kind("subject_kind", "organization")
    object_kind = cells.kind("object_kind", "product" if kind == "development" else "organization")
    if not (cells.items("subject") or cells.items("subject_id")):
        raise _Skip("missing party: no subject")
    if not (cells.items("object") or cells.items("object_id")):
        raise _Skip("missing party: no object")
    subjects = cells.parties("subject", subject_kind)
    date = cells.date("date")
    made = 0
    for subject in subjects:
        if subject is None:
            raise _Skip("country party: countries are not entities")
        developer = subject if kind == "development" else cells.developer("object_developer")
        objects = cells.parties("object", object_kind, developer=developer)
        for obj in objects:
            if obj is None:
                raise _Skip("country party: countries are not entities")
            if obj == subject and kind != "supply":  # an in-house supply is vertical integration: kept
                name = cells.run.index.label_of(subject.value) or subject.value
                raise _Skip(f"self-relation: {name} with itself")
            made += _deal(cells, kind, subject, obj, status=status, date=date, shares=shares)
    if not made:
        raise _Skip("missing party: no object")


def _deal(
    cells: _Row,
    kind: str,
    actor: ox.NamedNode,
    counter: ox.NamedNode,
    *,
    status: str,
    date: ox.Literal | None,
    shares: list[dict[str, Any]] | None,
) -> int:
    run, table = cells.run, cells.table
    cls, actor_role, counter_role = DEAL_KINDS[kind]
    if kind == "development":
        run.developed_by(counter, actor)
    key = f"{slug(actor.value.rsplit('/', 1)[-1])}--{kind}--{slug(counter.value.rsplit('/', 1)[-1])}"
    deal = run.deal_node("deal", key + (f"--{date.value}" if date is not None else ""))
    b = run.b
    b.add(deal, RDF_TYPE, sg(cls))
    b.add(deal, sg(actor_role), actor)
    b.add(deal, sg(counter_role), counter)
    b.add(deal, sg(SG.status), sg(status))
    if date is not None:
        date_role = "announcedDate" if table.defaults.get("date_role") == "announced" else "effectiveDate"
        b.add(deal, sg(date_role), date)
    for role, prop in (("announced", "announcedDate"), ("end_date", "endDate")):
        extra = cells.date(role)
        if extra is not None:
            b.add(deal, sg(prop), extra)
    _money(cells, deal)
    stake = cells.cell("stake")
    if stake:
        value, problem = parse_percent(stake)
        if problem or value is None:
            cells.note(f"bad stake: {problem}; dropped", stake)
        else:
            b.add(deal, sg(SG.stakePercent), value)
    layer_word = cells.cell("layer") or str(table.defaults.get("layer", ""))
    layer = run.layers.iri(table.value("layer", layer_word)) if layer_word else None
    if layer_word and layer is None:
        cells.note(f"unknown layer: {layer_word!r}; declare it or map it in values.layer; layer dropped", layer_word)
    elif layer is not None and kind == "supply":
        b.add(deal, sg(SG.inputLayer), ox.NamedNode(layer))
    if cells.cell("purpose"):
        b.add(deal, sg(SG.purpose), ox.Literal(cells.cell("purpose")))
    problem = run.provenance(deal, cells.where, cells.cell("source"), cells.cell("quote"))
    if problem:
        cells.note(problem, cells.cell("quote"))
    if actor == counter:
        run.report.count("in-house supplies")
    run.report.count(f"{cls[:-1].lower()}ies" if cls.endswith("y") else f"{cls.lower()}s")
    share = cells.cell("market_share")
    if share and shares is not None:
        if layer is None:
            cells.note("market share without layer: share dropped", share)
        else:
            _position(cells, actor, layer, date.value[:4] if date is not None else None, share, shares)
    return 1


def _money(cells: _Row, deal: ox.NamedNode) -> None:
    text = cells.cell("amount")
    amount, problem = parse_amount(text, scientific=bool(cells.table.defaults.get("scientific", True)))
    if problem:
        cells.note(f"bad amount: {problem}; amount dropped", text)
    elif amount is not None:
        currency = cells.cell("currency") or str(cells.table.defaults.get("currency", "USD"))
        cells.run.b.add(deal, sg(SG.amount), amount)
        cells.run.b.add(deal, sg(SG.currency), ox.Literal(currency.upper()))


def _shares(cells: _Row, shares: list[dict[str, Any]]) -> None:
    table = cells.table
    word = cells.cell("market") or str(table.defaults.get("market", ""))
    market = cells.run.layers.iri(table.value("layer", table.value("market", word))) if word else None
    if market is None:
        raise _Skip(f"unknown market: {word!r}; declare the layer or map it in values.market")
    year_text = cells.cell("year") or str(table.defaults.get("year", ""))
    year = _year(year_text, table)
    if year_text and year is None:
        raise _Skip(f"malformed year: {year_text!r}")
    text = cells.cell("share")
    if not text:
        raise _Skip("no share")
    kind = cells.kind("holder_kind", "organization")
    holders = cells.parties("holder", kind)
    if not holders:
        raise _Skip("missing party: no holder")
    for holder in holders:
        if holder is None:
            value, _problem = parse_percent(text, scale=str(table.defaults.get("share_scale", "percent")))
            if value is not None:
                shares.append(_share_record(cells, "country", market, year, float(value.value)))
            cells.run.report.add_issue(table.label, cells.row, "country row: a share held by a country", "filtered")
            continue
        _position(cells, holder, market, year, text, shares)


def _year(text: str, table: Table) -> str | None:
    if not text:
        return None
    if text.isdigit() and len(text) == 4:
        return text
    literal, problem = parse_partial_date(text, formats=table.date_formats)
    return literal.value[:4] if literal is not None and not problem else None


def _share_record(cells: _Row, kind: str, market: str, year: str | None, share: float) -> dict[str, Any]:
    return {
        "holder": cells.record.get(cells.table.columns.get("holder") or cells.table.columns.get("holder_id", ""), ""),
        "kind": kind,
        "market": cells.run.layers.key(market),
        "year": int(year) if year else None,
        "share": share,
        "record": cells.where,
    }


def _position(
    cells: _Row, holder: ox.NamedNode, market: str, year: str | None, text: str, shares: list[dict[str, Any]]
) -> None:
    run = cells.run
    value, problem = parse_percent(text, scale=str(cells.table.defaults.get("share_scale", "percent")))
    if problem or value is None:
        cells.note(f"bad market share: {problem}; dropped", text)
        return
    key = f"{slug(holder.value.rsplit('/', 1)[-1])}--{run.layers.key(market)}--{year or 'undated'}"
    position = run.deal_node("share", key)
    run.b.add(position, RDF_TYPE, sg(SG.MarketPosition))
    run.b.add(position, sg(SG.holder), holder)
    run.b.add(position, sg(SG.market), ox.NamedNode(market))
    if year:
        run.b.add(position, sg(SG.year), ox.Literal(year, datatype=ox.NamedNode(_XSD + "gYear")))
    run.b.add(position, sg(SG.sharePercent), value)
    problem = run.provenance(position, cells.where, cells.cell("source"), cells.cell("quote"))
    if problem:
        cells.note(problem, cells.cell("quote"))
    run.report.count("market positions")
    record = _share_record(cells, run.kinds.get(holder.value, "organization"), market, year, float(value.value))
    record["holder"] = holder.value
    shares.append(record)
