"""One Crunchbase import run (see :mod:`stackgraph.importers.crunchbase`): parties first, then deals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from stackgraph.importers._common import DCTERMS, RDF_TYPE, SCHEMA, XSD, row_excerpt, sg
from stackgraph.importers._dataset import DatasetRun
from stackgraph.importers.values import parse_amount, parse_partial_date, repair_text
from stackgraph.vocabulary.terms import SG

__all__ = ["PARTY_COLUMNS", "CrunchbaseRun", "permalink_key"]

_CRUNCHBASE_URL = "http://www.crunchbase.com"


def permalink_key(permalink: str) -> tuple[str, str]:
    """``(local key, kind)`` of a permalink: ``/company/x`` and ``/organization/x`` -> ``("x", "organization")``,
    ``/person/y`` -> ``("person/y", "person")``."""
    text = permalink.strip().strip("/")
    kind_path, _, rest = text.rpartition("/")
    if kind_path.endswith("person"):
        return f"person/{rest}", "person"
    return rest, "organization"


@dataclass
class _Party:
    key: str
    kind: str
    label: str
    categories: tuple[str, ...]
    country: str
    file: str
    row: int
    node: ox.NamedNode | None = None
    created: bool = False
    founded: ox.Literal | None = field(default=None)


class CrunchbaseRun:
    """One import run: parties are collected and resolved first, then the deals are built."""

    def __init__(self, run: DatasetRun, mapping: Mapping[str, tuple[str, ...]], latest: dt.date | None) -> None:
        self.run = run
        self.report = run.report
        self.mapping = {k.casefold(): v for k, v in mapping.items()} | dict(mapping)
        self.latest = latest
        self.parties: dict[str, _Party] = {}
        self.rounds: dict[str, ox.NamedNode] = {}
        self.unmapped: set[str] = set()

    def clean(self, value: str, file: str, row: int, column: str) -> str:
        text, suspect = repair_text(value)
        if suspect:
            example = value.encode("unicode_escape").decode()
            self.report.add_issue(
                file, row, f"wrong encoding: {column} {value!r} repaired to {text!r}", "kept", example
            )
        return text.strip()

    # -- parties ------------------------------------------------------------------------------------------

    def collect(self, r: Mapping[str, str], prefix: str, permalink: str, file: str, row: int) -> None:
        """Note the party a row names through its ``{prefix}name`` / category / country columns."""
        key, kind = permalink_key(permalink)
        if not key or (key in self.parties and self.parties[key].file.endswith("companies.csv")):
            return
        raw = r.get(f"{prefix}category_code") or r.get(f"{prefix}category_list") or ""
        categories = tuple(c.strip() for c in raw.split("|") if c.strip()) or ("",)
        name = self.clean(r.get(f"{prefix}name", ""), file, row, f"{prefix}name")
        if key in self.parties and not file.endswith("companies.csv"):
            return
        if not name or name.startswith("#NAME"):
            self.report.add_issue(
                file, row, f"mangled name: {name or '(empty)'!r}, label taken from the permalink {key!r}", "kept"
            )
            name = key.rsplit("/", 1)[-1].replace("-", " ")
        country = r.get(f"{prefix}country_code", "").strip()
        self.parties[key] = _Party(key, kind, name, categories, country, file, row)

    def resolve(self) -> None:
        """Link every party to a loaded entity or create it (``sgid:crunchbase/<key>``)."""
        run = self.run
        for party in self.parties.values():
            party.node, party.created = run.party_or_new(
                party.label,
                party.kind,
                f"{party.file} row {party.row}",
                identifiers={"crunchbase": party.key},
                local=party.key,
            )
            if party.created:
                self.describe(party)

    def describe(self, party: _Party) -> None:
        b, node = self.run.b, party.node
        assert node is not None
        if party.country:
            b.add(node, sg(SG.headquarters), ox.Literal(party.country))
        page = f"{_CRUNCHBASE_URL}/{'person/' + party.key[7:] if party.kind == 'person' else 'company/' + party.key}"
        b.add(node, ox.NamedNode(SCHEMA + "url"), ox.Literal(page, datatype=ox.NamedNode(XSD + "anyURI")))
        layers: set[str] = set()
        for category in party.categories:
            if category:
                b.add(node, ox.NamedNode(DCTERMS + "subject"), ox.Literal(category))
            mapped = self.mapping.get(category, self.mapping.get(category.casefold()))
            if mapped is None:
                if category not in self.unmapped:
                    self.unmapped.add(category)
                    self.report.add_issue(
                        party.file, party.row, f"unmapped category: {category!r} is not in the layer mapping", "kept"
                    )
                continue
            layers.update(mapped)
        for layer in sorted(layers):
            b.add(node, sg(SG.inLayer), ox.NamedNode(self.run.layers.iri(layer) or layer))
        if layers:
            self.report.count("organizations with a layer")

    def node(self, permalink: str) -> ox.NamedNode | None:
        party = self.parties.get(permalink_key(permalink)[0])
        return party.node if party is not None else None

    # -- deals --------------------------------------------------------------------------------------------

    def date(
        self, r: Mapping[str, str], column: str, file: str, row: int, fallbacks: tuple[str, ...] = ()
    ) -> ox.Literal | None:
        for candidate in (r.get(column, ""), *(r.get(f, "") for f in fallbacks)):
            if candidate.strip():
                literal, problem = parse_partial_date(candidate, latest=self.latest)
                if problem:
                    kind, _, detail = problem.partition(" date ")
                    self.report.add_issue(file, row, f"{kind} date: {detail}; date dropped", "kept")
                    return None
                return literal
        self.report.add_issue(file, row, "no date: the deal is imported without a date", "kept")
        return None

    def money(self, deal: ox.NamedNode, value: str, currency: str, file: str, row: int) -> None:
        literal, problem = parse_amount(value, scientific=False)  # the 2013 export's 2.6E+12 was rounded away
        if problem:
            self.report.add_issue(file, row, f"bad amount: {problem}, amount dropped", "kept", value)
        elif literal is not None:
            self.run.b.add(deal, sg(SG.amount), literal)
            self.run.b.add(deal, sg(SG.currency), ox.Literal((currency or "USD").strip().upper()))

    def acquisition(self, file: str, row: int, r: Mapping[str, str]) -> None:
        target_key, acquirer_key = permalink_key(r["company_permalink"])[0], permalink_key(r["acquirer_permalink"])[0]
        if not target_key or not acquirer_key:
            missing = "target" if not target_key else "acquirer"
            self.report.add_issue(
                file, row, f"missing party: no {missing} permalink", "skipped", row_excerpt(r.values())
            )
            return
        if target_key == acquirer_key:
            self.report.add_issue(
                file, row, f"self-acquisition: {target_key} acquires itself", "skipped", row_excerpt(r.values())
            )
            return
        target, acquirer = self.node(r["company_permalink"]), self.node(r["acquirer_permalink"])
        assert target is not None and acquirer is not None
        date = self.date(r, "acquired_at", file, row, ("acquired_month", "acquired_year"))
        key = f"{target_key}--by--{acquirer_key}" + (f"--{date.value}" if date is not None else "")
        deal = self.run.deal_node("acquisition", key.replace("person/", ""))
        b = self.run.b
        b.add(deal, RDF_TYPE, sg(SG.Acquisition))
        b.add(deal, sg(SG.acquirer), acquirer)
        b.add(deal, sg(SG.target), target)
        b.add(deal, sg(SG.status), sg(SG.Completed))
        if date is not None:
            b.add(deal, sg(SG.effectiveDate), date)
        self.money(deal, r.get("price_amount", ""), r.get("price_currency_code", ""), file, row)
        b.evidence(deal, self.run.source, record=f"{file} row {row}")
        self.report.count("acquisitions")

    def round(self, file: str, row: int, r: Mapping[str, str]) -> None:
        company_key = permalink_key(r["company_permalink"])[0]
        if not company_key:
            self.report.add_issue(file, row, "missing party: no company permalink", "skipped", row_excerpt(r.values()))
            return
        investor_key = permalink_key(r["investor_permalink"])[0] if r.get("investor_permalink", "").strip() else ""
        if investor_key and investor_key == company_key:
            self.report.add_issue(file, row, f"self-investment: {company_key} invests in itself", "skipped")
            return
        b = self.run.b
        round_id = r.get("funding_round_permalink", "").strip()
        deal = self.rounds.get(round_id) if round_id else None
        if deal is None:
            date = self.date(r, "funded_at", file, row, ("funded_month", "funded_year"))
            kind = r.get("funding_round_type", "").strip() or "round"
            key = (
                round_id.rsplit("/", 1)[-1]
                if round_id
                else f"{company_key}--{kind}" + (f"--{date.value}" if date is not None else "")
            )
            deal = self.run.deal_node("round", key)
            if round_id:
                self.rounds[round_id] = deal
            company = self.node(r["company_permalink"])
            assert company is not None
            # A round may name no investors; sg:FundingRound says so, sg:Investment keeps plain queries finding it.
            b.add(deal, RDF_TYPE, sg(SG.FundingRound))
            b.add(deal, RDF_TYPE, sg(SG.Investment))
            b.add(deal, sg(SG.investee), company)
            b.add(deal, sg(SG.status), sg(SG.Completed))
            b.add(deal, sg(SG.purpose), ox.Literal(f"{kind} funding round"))
            if date is not None:
                b.add(deal, sg(SG.effectiveDate), date)
            self.money(deal, r.get("raised_amount_usd", ""), "USD", file, row)
            self.report.count("investments")
        if investor_key:
            investor = self.node(r["investor_permalink"])
            assert investor is not None
            b.add(deal, sg(SG.investor), investor)
            self.report.count("investors named")
        b.evidence(deal, self.run.source, record=f"{file} row {row}")

    def company(self, file: str, row: int, r: Mapping[str, str]) -> None:
        key = permalink_key(r["permalink"])[0]
        if not key:
            self.report.add_issue(file, row, "missing party: no permalink", "skipped", row_excerpt(r.values()))
            return
        party = self.parties[key]
        if party.row != row:
            self.report.add_issue(file, row, f"duplicated row: company {key} already on row {party.row}", "skipped")
            return
        founded = r.get("founded_at", "").strip()
        if founded and party.created and party.node is not None:
            latest = self.latest + dt.timedelta(days=366) if self.latest else None  # founding dates may be planned
            literal, problem = parse_partial_date(founded, latest=latest)
            if problem:
                kind, _, detail = problem.partition(" date ")
                self.report.add_issue(file, row, f"{kind} date: {detail}; date dropped", "kept")
            else:
                self.run.b.add(party.node, ox.NamedNode(SCHEMA + "foundingDate"), literal)


PARTY_COLUMNS = {  # per file kind: (permalink column, column prefix) of each party it names
    "companies": (("permalink", ""),),
    "acquisitions": (("company_permalink", "company_"), ("acquirer_permalink", "acquirer_")),
    "rounds": (("company_permalink", "company_"), ("investor_permalink", "investor_")),
    "investments": (("company_permalink", "company_"), ("investor_permalink", "investor_")),
}
