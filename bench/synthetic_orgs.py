"""Synthetic organisations and deals in the stackgraph ontology, as Turtle, for the analysis benchmark.

``python bench/synthetic_orgs.py --orgs 100000 --deals 300000 -o /tmp/synthetic.ttl`` writes a graph with
``orgs`` organisations spread over the stack layers, a product per 20 organisations, ``deals`` deal nodes
(supply, investment, acquisition, ownership, partnership, development) between them with a skewed (heavy-tailed)
choice of parties (acquisition and ownership targets uniform: a company is rarely bought twice), statuses mostly
completed/active, dates, amounts, stakes, provenance and market positions. The output is deterministic for a
given seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from synthetic_rdf import LAYERS as _LEAF_LAYERS

__all__ = ["generate", "write"]

# the leaf layers of the stack, as bench/synthetic_rdf.py uses them
LAYERS = tuple(_LEAF_LAYERS)

_PREFIXES = """@prefix sg: <https://w3id.org/stackgraph/ns#> .
@prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix src: <https://w3id.org/stackgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

src:synthetic a sg:EditorialSource ; dcterms:title "Synthetic benchmark data" .
"""

# (deal class, actor role, counterparty role, share of deals)
_KINDS = (
    ("Supply", "supplier", "customer", 0.40),
    ("Investment", "investor", "investee", 0.20),
    ("Acquisition", "acquirer", "target", 0.10),
    ("Ownership", "owner", "owned", 0.05),
    ("Partnership", "partner", "partner", 0.15),
    ("Development", "developer", "product", 0.10),
)
_STATUSES = ("Completed",) * 6 + ("Active",) * 6 + ("InTalks", "Announced", "Rumoured", "Terminated", "Pending")


def _skewed(rng: random.Random, n: int) -> int:
    """An index in [0, n) with a heavy head: a few organisations take part in many deals."""
    return min(n - 1, int(n * rng.random() ** 2.5))


def generate(orgs: int, deals: int, *, seed: int = 42) -> Iterator[str]:
    """Yield the Turtle text in chunks (prefixes, organisations, products, deals, market positions)."""
    rng = random.Random(seed)
    yield _PREFIXES
    org_layer = [LAYERS[_skewed(rng, len(LAYERS))] for _ in range(orgs)]
    products = max(1, orgs // 20)
    lines = []
    for i in range(orgs):
        lines.append(f'sgid:org{i} a sg:Organization ; rdfs:label "Org {i}" ; sg:inLayer sg:{org_layer[i]} .\n')
        if len(lines) >= 10000:
            yield "".join(lines)
            lines = []
    for j in range(products):
        layer = LAYERS[rng.randrange(len(LAYERS))]
        lines.append(f'sgid:product{j} a sg:Product ; rdfs:label "Product {j}" ; sg:inLayer sg:{layer} .\n')
    yield "".join(lines)
    lines = []
    cumulative = []
    total = 0.0
    for kind in _KINDS:
        total += kind[3]
        cumulative.append((total, kind))
    for d in range(deals):
        pick = rng.random() * total
        cls, actor_role, counter_role, _ = next(k for c, k in cumulative if pick <= c)
        actor = _skewed(rng, orgs)
        if cls == "Development":
            counter = f"sgid:product{rng.randrange(products)}"
        elif cls in ("Acquisition", "Ownership"):  # targets: mostly small companies, each rarely bought twice
            other = rng.randrange(orgs)
            if other == actor:
                other = (other + 1) % orgs
            counter = f"sgid:org{other}"
        else:
            other = _skewed(rng, orgs)
            if other == actor:
                other = (other + 1) % orgs
            counter = f"sgid:org{other}"
        status = _STATUSES[rng.randrange(len(_STATUSES))]
        year = 2000 + rng.randrange(26)
        month = 1 + rng.randrange(12)
        parts = [
            f"sgid:deal{d} a sg:{cls} ; sg:{actor_role} sgid:org{actor} ; sg:{counter_role} {counter} ;",
            f'  sg:status sg:{status} ; sg:effectiveDate "{year}-{month:02d}"^^xsd:gYearMonth ;',
        ]
        if cls == "Supply":
            parts.append(f"  sg:inputLayer sg:{org_layer[actor]} ;")
        elif cls in ("Investment", "Acquisition"):
            parts.append(f'  sg:amount "{rng.randrange(1, 5000) * 1_000_000}"^^xsd:decimal ; sg:currency "USD" ;')
        if cls in ("Ownership", "Acquisition") and rng.random() < 0.3:
            parts.append(f'  sg:stakePercent "{rng.randrange(1, 100)}"^^xsd:decimal ;')
        parts.append("  prov:wasDerivedFrom src:synthetic .\n")
        lines.append("\n".join(parts))
        if len(lines) >= 10000:
            yield "".join(lines)
            lines = []
    yield "".join(lines)
    lines = []
    # market positions: the ten biggest holders of each layer's market, 2024
    for k, layer in enumerate(LAYERS):
        shares = sorted((rng.random() for _ in range(10)), reverse=True)
        scale = 90.0 / sum(shares)
        for rank, share in enumerate(shares):
            holder = (k * 7919 + rank * 104729) % orgs
            lines.append(
                f"sgid:mp{k}_{rank} a sg:MarketPosition ; sg:holder sgid:org{holder} ; sg:market sg:{layer} ;\n"
                f'  sg:year "2024"^^xsd:gYear ; sg:sharePercent "{share * scale:.2f}"^^xsd:decimal ;\n'
                "  prov:wasDerivedFrom src:synthetic .\n"
            )
    yield "".join(lines)


def write(path: str | Path, orgs: int, deals: int, *, seed: int = 42) -> Path:
    """Write the synthetic graph to ``path`` and return it."""
    target = Path(path)
    with target.open("w", encoding="utf-8") as handle:
        for chunk in generate(orgs, deals, seed=seed):
            handle.write(chunk)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)
    if args.output == "-":
        for chunk in generate(args.orgs, args.deals, seed=args.seed):
            sys.stdout.write(chunk)
    else:
        write(args.output, args.orgs, args.deals, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
