"""Which deals a policy shows: the rules of :mod:`stackgraph.vocabulary.rules` applied set-wise to the projection's
status, date, evidence and scenario columns."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from stackgraph.vocabulary import rules
from stackgraph.vocabulary.rules import DealPolicy

__all__ = ["View"]


class View:
    """Which deals a policy shows, from their status, dates, sources and scenario origin: the rules of
    :mod:`stackgraph.vocabulary.rules`, applied set-wise (dates are few, deals many)."""

    def __init__(
        self,
        policy: DealPolicy,
        as_of: date,
        *,
        status: dict[str, str],
        announced: dict[str, str],
        effective: dict[str, str],
        ended: dict[str, str],
        scenario: set[str],
    ) -> None:
        self.policy, self.as_of = policy, as_of
        self.status, self.announced, self.effective, self.ended = status, announced, effective, ended
        self.scenario = scenario
        self.undated_included = policy.undated_rule == "include"
        self.basis: Mapping[str, tuple[str, ...]] | None = None  # see set_basis
        self.allowed: set[str] | None = None

    def set_basis(self, basis: Mapping[str, tuple[str, ...]]) -> None:
        """Take each deal's evidence kinds (see :func:`basis_of`); needed before :meth:`candidates` when the policy
        chooses by evidence, and before :meth:`hides` and :meth:`undated` always."""
        self.basis = basis
        policy = self.policy
        self.allowed = None if policy.evidence is None else {d for d, kinds in basis.items() if policy.allows(kinds)}

    def start(self, deal: str) -> str | None:
        """The date the deal took place: its effective date, else its announced date."""
        return self.effective.get(deal) or self.announced.get(deal)

    def hides(self, newer: str) -> bool:
        """Whether a deal hides the deals it supersedes (see :meth:`DealPolicy.hides`)."""
        return self.policy.hides(
            self.status.get(newer),
            self.start(newer),
            scenario=newer in self.scenario,
            basis=self.basis.get(newer) if self.basis is not None else None,
        )

    def candidates(self) -> list[tuple[str, str | None]]:
        """The deals in view that have not ended by ``as_of``, with their status (whether they have parties is
        not known here). Set-wise rather than deal by deal: dates are few, deals many."""
        statuses, scenario, status = self.policy.statuses, self.scenario, self.status
        deals = [(deal, key) for deal, key in status.items() if key in statuses]
        deals += [(deal, status.get(deal)) for deal in scenario if status.get(deal) not in statuses]
        left_out = self._not_begun()
        gone = {text for text in set(self.ended.values()) if rules.ended(text, self.as_of)}
        left_out.update(deal for deal, text in self.ended.items() if text in gone)
        if self.allowed is not None:
            left_out.update(deal for deal, _ in deals if deal not in self.allowed)
        if not left_out:
            return deals
        return [(deal, key) for deal, key in deals if deal not in left_out]

    def _not_begun(self) -> set[str]:
        """The deals that had not taken place by ``as_of`` (by their effective date, else by their announced
        one), and those without either date when the policy leaves undated deals out."""
        as_of, effective, announced = self.as_of, self.effective, self.announced
        late_effective = {text for text in set(effective.values()) if not rules.begun(text, as_of)}
        late_announced = {text for text in set(announced.values()) if not rules.begun(text, as_of)}
        left_out = {deal for deal, text in effective.items() if text in late_effective} if late_effective else set()
        if late_announced:
            left_out.update(
                deal for deal, text in announced.items() if text in late_announced and not effective.get(deal)
            )
        if not self.undated_included:
            left_out.update(deal for deal in self.undated_deals())
        return left_out

    def undated_deals(self) -> set[str]:
        """The deals with a status or a scenario origin but no start date: neither an effective nor an announced
        date, or one that is not a date (the effective date, else the announced one). Set-wise: dates are few."""
        effective, announced = self.effective, self.announced
        deals = self.status.keys() | self.scenario if self.scenario else self.status.keys()
        if deals <= effective.keys():  # every deal has an effective date (no set built: a subset test)
            undated: set[str] = set()
        else:
            undated = deals - effective.keys() - announced.keys()
        bad = {text for text in {*effective.values(), *announced.values()} if rules.date_period(text) is None}
        if bad:  # a start that is not a date: the effective date's, else (none given) the announced date's
            starts = {**announced, **effective}
            undated.update(deal for deal in deals if starts.get(deal) in bad)
        return undated

    def undated(self, with_parties: Mapping[str, str], hidden: set[str]) -> dict[str, Any]:
        """What the policy did with undated deals: ``{"rule": "include"|"exclude", "default": bool, "deals": n}``
        where ``n`` counts the undated deals with parties that count (``include``) or would count if they were
        dated (``exclude``)."""
        policy, scenario = self.policy, self.scenario
        count = sum(
            1
            for deal in self.undated_deals()
            if deal in with_parties
            and deal not in hidden
            and (deal in scenario or self.status.get(deal) in policy.statuses)
            and (self.allowed is None or deal in self.allowed)
            and not rules.ended(self.ended.get(deal), self.as_of)
        )
        return {"rule": policy.undated_rule, "default": policy.undated is None, "deals": count}
