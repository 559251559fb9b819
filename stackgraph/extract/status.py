"""Decide a deal's status from the wording of its sentence, and say which words decided it.

1. **Negation and denial** remove the deal: a negation in the trigger's clause just before it ("is not a merger
   with", "did not invest") unless it reads "not the only" / "not just"; a denial before it ("denied reports that",
   "has no plans to") or "unlikely" anywhere.
2. **Cues** (:data:`~stackgraph.extract.lexicon.STATUS_CUES`): the highest in
   :data:`~stackgraph.extract.lexicon.STATUS_PRIORITY` wins. Modal verbs and "if" count only in the trigger's own
   clause (before it, or just after a deal named by a noun: "a deal bringing Nokia ... would"); announcements and
   completions only near the deal; hedges, talks, closing conditions and terminations anywhere in the sentence.
3. **Tense** when no cue speaks: a past transaction is completed, a relationship active
   (:data:`~stackgraph.extract.lexicon.DEFAULT_STATUS`).
4. **The article's date**: a deal dated after the article cannot be completed or active yet (announced); an
   uncued deal dated before it has taken place.

A fact stated in apposition ("xAI, the company behind Grok", "Starlink, SpaceX's satellite internet service") is
background: active whatever the main clause's modality.
"""

from __future__ import annotations

from collections.abc import Sequence

from stackgraph.extract.lexicon import (
    DEFAULT_STATUS,
    DENIALS,
    KIND_TERMS,
    NEGATIONS,
    NOT_NEGATED_AFTER,
    STATUS_CUES,
    STATUS_PRIORITY,
)
from stackgraph.extract.rules import RawDeal
from stackgraph.extract.tokens import Match, Sentence
from stackgraph.vocabulary import rules

__all__ = ["decide_status"]

_CLAUSE_SCOPED = frozenset({"hypothetical"})
_NEAR = frozenset({"announced", "completed"})
_NEAR_DISTANCE = 10
_STOP = frozenset({";", ":", "—"})


def decide_status(sentence: Sentence, deal: RawDeal, *, future_date: bool | None) -> tuple[str, str] | None:
    """Return ``(status key, cue)`` for ``deal``, or None when the sentence negates or denies it.

    ``future_date`` says whether the deal's date lies after the article's date (None: no date, or no article date).
    """
    units = sentence.units
    start, end = deal.trigger.start, deal.trigger.end
    if not deal.background and _negated(sentence, deal):
        return None
    if deal.status is not None:
        return deal.status, deal.cue or deal.status
    cues = _longest(sentence.cues)
    best: tuple[int, str, Match] | None = None
    hedges = []
    for cue in cues:
        status = STATUS_CUES[cue.item]
        if deal.background or not _in_scope(sentence, deal, cue, status):
            continue
        if status == "rumoured":
            hedges.append(cue)
        rank = STATUS_PRIORITY.index(status)
        if best is None or rank < best[0] or (rank == best[0] and _distance(deal, cue) < _distance(deal, best[2])):
            best = (rank, status, cue)
    kind = KIND_TERMS[deal.kind]
    if best is not None:
        status, cue = best[1], f'"{_text(units, best[2].start, best[2].end)}"'
        if status == "in-talks" and hedges:
            cue += " (hedged: " + ", ".join(f'"{_text(units, h.start, h.end)}"' for h in hedges) + ")"
        if status == "completed" and kind == "relationship":
            status = "active"
    else:
        tense = deal.tense if deal.tense != "none" else ("past" if future_date is False else "none")
        status = DEFAULT_STATUS[tense][kind]
        word = _text(units, start, end)
        cue = {"past": f'past tense: "{word}"', "present": f'present tense: "{word}"'}.get(
            tense, f'no cue: "{word}" read as {status}'
        )
        if deal.tense == "none" and future_date is False:
            cue = f'"{word}", dated before the article'
    if future_date and rules.in_effect(status):
        return "announced", f"{cue}; dated after the article"
    return status, cue


def _negated(sentence: Sentence, deal: RawDeal) -> bool:
    units = sentence.units
    start = deal.trigger.start
    low = [u.low for u in units]
    if "unlikely" in low:
        return True
    before = " ".join(low[sentence.body : start])
    if any(f" {d} " in f" {before} " for d in DENIALS):
        return True
    for j in range(start - 1, max(sentence.body, start - 7) - 1, -1):
        if units[j].text in _STOP or units[j].text == ",":
            break
        word = low[j]
        two = " ".join(low[j : j + 2])
        if word in NEGATIONS or two in NEGATIONS:
            after = " ".join(low[j + 1 : j + 3])
            if word == "no" or any(after == n or after.startswith(n + " ") for n in NOT_NEGATED_AFTER):
                continue
            return True
    return False


def _in_scope(sentence: Sentence, deal: RawDeal, cue: Match, status: str) -> bool:
    units = sentence.units
    if cue.start < sentence.body:
        return False
    lo, hi = deal.span
    if status in _CLAUSE_SCOPED:
        if cue.item == "if":
            return cue.start < deal.trigger.start
        if cue.end <= deal.trigger.start:
            return not any(units[k].text in _STOP for k in range(cue.end, deal.trigger.start)) and (
                deal.trigger.start - cue.end <= 8 or cue.start >= lo
            )
        after_noun = (
            deal.tense == "none" or deal.frame in ("fold", "between") or units[deal.trigger.start].low.endswith("ing")
        )
        gap = range(hi + 1, cue.start)
        return after_noun and cue.start > hi and len(gap) <= 6 and not any(units[k].text in ",;:" for k in gap)
    if status in _NEAR:
        return _distance(deal, cue) <= _NEAR_DISTANCE
    return True


def _distance(deal: RawDeal, cue: Match) -> int:
    lo, hi = deal.span
    if cue.end <= lo:
        return lo - cue.end
    if cue.start > hi:
        return cue.start - hi
    return 0


def _longest(cues: Sequence[Match]) -> list[Match]:
    return [
        c
        for c in cues
        if not any(
            o is not c and o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start) for o in cues
        )
    ]


def _text(units: Sequence[object], start: int, end: int) -> str:
    out = ""
    for unit in units[start:end]:
        out += unit.text + (" " if unit.space else "")  # type: ignore[attr-defined]
    return out.strip()
