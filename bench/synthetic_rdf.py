"""Generate a synthetic Turtle graph of about N triples in the stackgraph ontology, for benchmarks.

Organisations sit in the leaf layers of the stack; deals of every kind (acquisition, investment, supply,
ownership, partnership, development, public offering) link them with a status, dates (full and partial),
amounts, a source and a quoted sentence, like the curated graphs. Supply deals mostly run from a lower to a
higher organisation number, and a backbone of active supplies (each organisation supplies one a few numbers
further on) makes supply chains long, so ``sgid:org-0 sg:supplies+ ?x`` reaches most organisations.
The same ``--seed`` always gives the same file.

Usage::

    python bench/synthetic_rdf.py --triples 1000000 -o /tmp/synthetic-1m.ttl
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["generate", "main"]

LAYERS = [
    "Accelerators",
    "ChipFabrication",
    "DataCenters",
    "SatelliteBroadband",
    "TerrestrialRAN",
    "TelecomServices",
    "AIModels",
    "DeveloperTooling",
    "EnterpriseSoftware",
    "ConsumerInternet",
    "Devices",
    "LaunchAndSpace",
]
STATUSES = (
    ["Completed"] * 4 + ["Active"] * 6 + ["Announced", "Pending", "Rumoured", "InTalks", "Terminated", "Hypothetical"]
)
DEAL_KINDS = ["Supply"] * 5 + ["Acquisition"] * 2 + ["Investment"] * 2 + ["Ownership", "Partnership", "Development"]
ROLES = {
    "Acquisition": ("acquirer", "target"),
    "Investment": ("investor", "investee"),
    "Supply": ("supplier", "customer"),
    "Ownership": ("owner", "owned"),
    "Development": ("developer", "product"),
}
HEADER = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix src: <https://w3id.org/stackgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

"""

# Triples each kind of node contributes (used to size the graph).
_ORG_TRIPLES = 4  # type, label, layer, alias
_SOURCE_TRIPLES = 5  # type, title, publisher, date, url
_DEAL_TRIPLES = (
    13  # type, label, 2 parties, status, date, source, evidence link + evidence (type, entity, quote), ~2 extra
)


def _date(rng: random.Random) -> str:
    year = rng.randint(2015, 2026)
    shape = rng.random()
    if shape < 0.6:
        return f'"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date'
    if shape < 0.9:
        return f'"{year}-{rng.randint(1, 12):02d}"^^xsd:gYearMonth'
    return f'"{year}"^^xsd:gYear'


def generate(triples: int, seed: int = 42) -> Iterator[str]:
    """Yield the Turtle text of a synthetic graph of about ``triples`` triples, in chunks.

    Examples
    --------
    >>> text = "".join(generate(2000, seed=1))
    >>> text.count(" a sg:Organization") > 10 and "sg:Supply" in text
    True
    """
    rng = random.Random(seed)
    orgs = max(10, triples // 60)
    sources = max(1, triples // 2000)
    deals = max(1, (triples - orgs * _ORG_TRIPLES - sources * _SOURCE_TRIPLES) // _DEAL_TRIPLES)
    yield HEADER
    for i in range(sources):
        yield (
            f'src:s{i} a sg:Source ; dcterms:title "Synthetic report {i}" ; dcterms:publisher "Bench Wire" ;\n'
            f'    dcterms:date "20{rng.randint(15, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"^^xsd:date ;\n'
            f'    schema:url "https://example.org/report/{i}" .\n'
        )
    for i in range(orgs):
        yield (
            f'sgid:org-{i} a sg:Organization ; rdfs:label "Org {i}" ; sg:alias "O{i}" ; '
            f"sg:inLayer sg:{LAYERS[i % len(LAYERS)]} .\n"
        )
    for i in range(deals):
        kind = rng.choice(DEAL_KINDS)
        status = rng.choice(STATUSES)
        a = rng.randrange(orgs)
        if i < orgs - 1:  # a backbone: every organisation supplies one further down, so supply chains are long
            kind, status, a = "Supply", "Active", i
            b = min(orgs - 1, i + 1 + int(rng.expovariate(1 / 5)))
        elif kind == "Supply":
            b = min(orgs - 1, a + 1 + int(rng.expovariate(1 / 40)))  # mostly downstream: long supply chains
            if b == a:
                b = rng.randrange(orgs)
        else:
            b = rng.randrange(orgs)
        source = rng.randrange(sources)
        lines = [f'sgid:deal-{i} a sg:{kind} ; rdfs:label "Deal {i}" ; sg:status sg:{status} ;']
        if kind == "Partnership":
            lines.append(f"    sg:partner sgid:org-{a}, sgid:org-{b} ;")
        else:
            actor, counterparty = ROLES[kind]
            lines.append(f"    sg:{actor} sgid:org-{a} ; sg:{counterparty} sgid:org-{b} ;")
        lines.append(f"    sg:announcedDate {_date(rng)} ;")
        if status in ("Completed", "Active", "Terminated"):
            lines.append(f"    sg:effectiveDate {_date(rng)} ;")
        if status == "Terminated":
            lines.append(f"    sg:endDate {_date(rng)} ;")
        if kind in ("Acquisition", "Investment"):
            lines.append(f'    sg:amount {rng.randint(1, 50000)}000000.0 ; sg:currency "USD" ;')
        if kind in ("Acquisition", "Ownership") and rng.random() < 0.3:
            lines.append(f"    sg:stakePercent {rng.randint(1, 100)}.0 ;")
        if kind == "Supply":
            lines.append(f"    sg:inputLayer sg:{LAYERS[a % len(LAYERS)]} ;")
        lines.append(f"    prov:wasDerivedFrom src:s{source} ;")
        lines.append(
            f"    prov:qualifiedDerivation [ a sg:Evidence ; prov:entity src:s{source} ; "
            f'sg:quote "Org {a} and Org {b} reported deal {i}." ] .'
        )
        yield "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="about how many triples (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--output", type=Path, help="Turtle file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.output is None:
        for chunk in generate(args.triples, args.seed):
            sys.stdout.write(chunk)
        return 0
    tmp = args.output.with_name(f".{args.output.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for chunk in generate(args.triples, args.seed):
            handle.write(chunk)
    tmp.replace(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
