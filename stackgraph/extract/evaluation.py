"""Score extracted candidates against labelled deals: precision, recall, status accuracy, per kind and per status.

A candidate *finds* a labelled deal when both have the same kind and the same parties in the same roles (partners
as a set); names compare by the text or the label of the mention, in any letter case. Status is scored on the
deals found: per status, a candidate counts for its status and a labelled deal for its own.

Examples
--------
>>> from stackgraph.extract.extractor import Extractor
>>> corpus = [{"text": "Acme Labs acquired Widget Systems.", "deals": [
...     {"kind": "acquisition", "actor": "Acme Labs", "counterparty": "Widget Systems", "status": "completed"}]}]
>>> score = score_corpus(Extractor(), corpus, article_date="2026-03-16")
>>> score.precision, score.recall, score.status_accuracy
(1.0, 1.0, 1.0)
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from stackgraph.extract.extractor import Candidate, Extractor, Source

__all__ = ["Score", "load_corpus", "score_against_loaded", "score_corpus"]


@dataclass
class Score:
    """Counts behind the figures, and the mistakes (for reading, not for tuning)."""

    found: int = 0
    proposed: int = 0
    labelled: int = 0
    status_right: int = 0
    sentences: int = 0
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    by_status: dict[str, Counter[str]] = field(default_factory=dict)
    values: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong_status: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return round(self.found / self.proposed, 3) if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return round(self.found / self.labelled, 3) if self.labelled else 1.0

    @property
    def status_accuracy(self) -> float:
        return round(self.status_right / self.found, 3) if self.found else 1.0

    def table(self, what: str) -> list[tuple[str, int, int, int, float, float]]:
        """Rows ``(name, found, proposed, labelled, precision, recall)`` per ``kind`` or ``status``."""
        counts = self.by_kind if what == "kind" else self.by_status
        rows = []
        for name in sorted(counts):
            c = counts[name]
            p = c["found"] / c["proposed"] if c["proposed"] else 1.0
            r = c["found"] / c["labelled"] if c["labelled"] else 1.0
            rows.append((name, c["found"], c["proposed"], c["labelled"], round(p, 3), round(r, 3)))
        return rows


def load_corpus(path: str | Path) -> tuple[list[dict[str, Any]], str | None]:
    """Read a labelled corpus (TOML, see ``tests/extract_corpus/README.md``): its items and article date."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    return list(data.get("item", [])), data.get("article_date")


def score_corpus(extractor: Extractor, items: Iterable[Mapping[str, Any]], *, article_date: str | None = None) -> Score:
    """Extract each item's text and compare with its labelled deals."""
    score = Score()
    for number, item in enumerate(items, 1):
        source = Source(f"corpus item {number}", date=item.get("date", article_date))
        extraction = extractor.extract_text(item["text"], source)
        score.sentences += extraction.sentences
        _compare(score, extraction.candidates, item.get("deals", []), item["text"])
    return score


def _names(candidate: Candidate, side: str) -> list[set[str]]:
    mentions = candidate.actors if side == "actor" else candidate.counterparties
    return [{m.text.casefold(), m.label.casefold()} for m in mentions]


def _matches(candidate: Candidate, gold: Mapping[str, Any]) -> bool:
    if candidate.kind != gold["kind"]:
        return False
    if gold["kind"] == "partnership":
        wanted = {p.casefold() for p in gold["partners"]}
        names = _names(candidate, "actor")
        return len(names) == len(wanted) and all(any(n & {w} for n in names) for w in wanted)
    actors, others = _names(candidate, "actor"), _names(candidate, "counterparty")
    if len(actors) != 1 or gold["actor"].casefold() not in actors[0]:
        return False
    if "counterparty" not in gold:
        return not others
    return len(others) == 1 and gold["counterparty"].casefold() in others[0]


def _compare(score: Score, candidates: Sequence[Candidate], golds: Sequence[Mapping[str, Any]], text: str) -> None:
    used: set[int] = set()
    score.proposed += len(candidates)
    score.labelled += len(golds)
    for candidate in candidates:
        score.by_kind.setdefault(candidate.kind, Counter())["proposed"] += 1
        score.by_status.setdefault(candidate.status, Counter())["proposed"] += 1
    for gold in golds:
        score.by_kind.setdefault(gold["kind"], Counter())["labelled"] += 1
        score.by_status.setdefault(gold["status"], Counter())["labelled"] += 1
        hit = next((i for i, c in enumerate(candidates) if i not in used and _matches(c, gold)), None)
        if hit is None:
            score.misses.append(f"{gold['kind']} {gold.get('actor') or gold.get('partners')}: {text}")
            continue
        used.add(hit)
        candidate = candidates[hit]
        score.found += 1
        score.by_kind[gold["kind"]]["found"] += 1
        if candidate.status == gold["status"]:
            score.status_right += 1
            score.by_status[gold["status"]]["found"] += 1
        else:
            score.wrong_status.append(f"{candidate.status} (cue {candidate.cue}) for {gold['status']}: {text}")
        _values(score, candidate, gold)
    for i, candidate in enumerate(candidates):
        if i not in used:
            score.extras.append(f"{candidate.kind} {candidate.parties()} [{candidate.status}]: {text}")


def _values(score: Score, candidate: Candidate, gold: Mapping[str, Any]) -> None:
    checks = {
        "amount": (candidate.amount, Decimal(gold["amount"]) if "amount" in gold else None),
        "currency": (candidate.currency, gold.get("currency")),
        "stake": (candidate.stake, Decimal(str(gold["stake"])) if "stake" in gold else None),
        "date": (candidate.date, gold.get("date")),
    }
    for name, (got, wanted) in checks.items():
        if wanted is not None:
            score.values[f"{name} labelled"] += 1
            score.values[f"{name} right"] += int(got == wanted)


def score_against_loaded(candidates: Sequence[Candidate], store: Any, *, source: str) -> Score:
    """Compare candidates with the loaded deals derived from ``source`` (a source IRI or its local name).

    A candidate finds a loaded deal when it has its class, the same parties (linked entities) in the same roles
    and the same status.
    """
    from stackgraph.extract.lexicon import STATUS_TERMS
    from stackgraph.extract.output import DEAL_CLASSES, loaded_deals
    from stackgraph.vocabulary.terms import SG_IRI, SOURCE_IRI

    wanted = source if ":" in source else SOURCE_IRI + source
    deals = {iri: d for iri, d in loaded_deals(store).items() if wanted in d["sources"]}
    score = Score(proposed=len(candidates), labelled=len(deals))
    matched: set[str] = set()
    for candidate in candidates:
        cls, actor_role, other_role = DEAL_CLASSES[candidate.kind]
        roles = frozenset(
            [(SG_IRI + actor_role, m.iri or "") for m in candidate.actors]
            + [(SG_IRI + (other_role or actor_role), m.iri or "") for m in candidate.counterparties]
        )
        status = SG_IRI + STATUS_TERMS[candidate.status]
        hit = next(
            (
                iri
                for iri, d in deals.items()
                if iri not in matched and d["class"] == SG_IRI + cls and d["roles"] == roles and d["status"] == status
            ),
            None,
        )
        if hit is None:
            score.extras.append(f"{candidate.kind} {candidate.parties()} [{candidate.status}]")
            continue
        matched.add(hit)
        score.found += 1
        score.status_right += 1
    score.misses = sorted(set(deals) - matched)
    return score
