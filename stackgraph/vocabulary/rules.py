"""The domain rules, in one place: partial dates as periods, which deals count under a policy, and which ties give
control. The tables they read (statuses and their meaning, deal classes and their control rule, evidence kinds)
are generated from the ontology into :mod:`stackgraph.vocabulary.terms`; :mod:`stackgraph.vocabulary.sparql`
writes the same rules as SPARQL for the questions, so both answer alike.

Partial dates are periods (:mod:`stackgraph.vocabulary.dates`; what a figure rests on is
:mod:`stackgraph.vocabulary.evidence`; both re-exported here): ``2025-10`` begins on 2025-10-01 and ends on
2025-10-31, so a deal counts on every day it may have been in effect, and a partial ``as_of`` means the last day of
its period (``as_of="2025"`` is the state at the end of 2025).

A deal *counts* under a :class:`DealPolicy` when

* its status is one of the policy's statuses, or it comes from a what-if scenario (a ``sg:ScenarioSource``);
* it rests on an allowed kind of evidence (by default any, sourced or not);
* it took place by ``as_of``: its effective date, else its announced date, begins on or before ``as_of``. A deal
  without either date counts when the policy includes undated deals (by default: in present views, as of today
  or later, where they were reported as current; not in past views, where nothing says they held);
* it has not ended by ``as_of`` (the last day of its end date's period is not after ``as_of``);
* no deal that *hides* it supersedes it: a deal hides what it supersedes when it took place by ``as_of`` (same
  test) and it is in view -- status counted or from a scenario, evidence allowed -- or its status means *ended*
  (a termination ends what it supersedes even when terminated deals are not shown).

A tie that counts *gives control* when no status meaning *ended* is on it and the control rule of its deal class
says so: ``majority-stake`` (a stake above 50 % or none given), ``always`` (a product belongs to its developer) or
``never``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from stackgraph.errors import InputError
from stackgraph.vocabulary import terms
from stackgraph.vocabulary.dates import begun, checked_date, date_datatype, date_period, ended, parse_date
from stackgraph.vocabulary.evidence import EVIDENCE, basis_label, evidence_kind, is_estimate

__all__ = [
    "DATE_PROPERTIES",
    "DEFAULT_STATUSES",
    "EVIDENCE",
    "STATUS_KEYS",
    "UNDATED",
    "DealPolicy",
    "basis_label",
    "begun",
    "checked_date",
    "claim_relations",
    "control_relations",
    "date_datatype",
    "date_period",
    "date_role",
    "deal_class",
    "ended",
    "ended_statuses",
    "evidence_kind",
    "gives_control",
    "in_effect",
    "in_effect_in_scenario",
    "is_estimate",
    "parse_date",
    "parse_evidence",
    "parse_statuses",
    "relation_of",
    "relations",
    "status_key",
    "status_keys_meaning",
    "undated_note",
]

#: Every deal status key, in the order of the status scheme.
STATUS_KEYS: tuple[str, ...] = tuple(status.key for status in terms.STATUSES)

#: The statuses that count by default (``sg:countsByDefault``): deals that took place or are in effect.
DEFAULT_STATUSES: frozenset[str] = frozenset(status.key for status in terms.STATUSES if status.default)

#: What a policy does with deals that have neither an effective nor an announced date.
UNDATED: tuple[str, ...] = ("include", "exclude")

_STATUS_WORDS = {"intalks": "in-talks", "rumored": "rumoured"}


# -- the vocabulary's tables, by key ---------------------------------------------------------------------------


def status_key(word: str) -> str | None:
    """Return the status key ``word`` names (a key, a label, the concept's IRI or local name; any case; spaces,
    underscores or American spelling), or ``None``.

    Examples
    --------
    >>> status_key("In Talks"), status_key("rumored"), status_key("https://w3id.org/stackgraph/ns#Completed")
    ('in-talks', 'rumoured', 'completed')
    >>> status_key("agreed") is None
    True
    """
    text = str(word).strip()
    for status in terms.STATUSES:
        if text == status.iri:
            return status.key
    key = re.sub(r"[\s_]+", "-", re.sub(r"(?<=[a-z])(?=[A-Z])", "-", text.removeprefix(terms.SG_IRI))).lower()
    key = _STATUS_WORDS.get(key.replace("-", ""), key)
    return key if key in STATUS_KEYS else None


def status_keys_meaning(meaning: str) -> tuple[str, ...]:
    """Return the keys of the statuses whose ``sg:statusMeaning`` is ``meaning`` (``in-effect``, ``uncertain``,
    ``ended``), in scheme order.

    Examples
    --------
    >>> status_keys_meaning("ended")
    ('terminated',)
    """
    if meaning not in terms.STATUS_MEANINGS:
        raise InputError(f"unknown status meaning {meaning!r}; use one of {', '.join(terms.STATUS_MEANINGS)}")
    return tuple(status.key for status in terms.STATUSES if status.meaning == meaning)


@functools.lru_cache(maxsize=1)
def ended_statuses() -> frozenset[str]:
    """The status keys that mean the deal ended: such a deal never gives control."""
    return frozenset(status_keys_meaning("ended"))


def deal_class(key_or_iri: str) -> terms.DealClass:
    """Return the deal class with this key or IRI (``acquisition``, ``public-offering``, ``sg:Supply``'s IRI).

    Raises
    ------
    InputError
        No deal class has that key; the message lists them.

    Examples
    --------
    >>> deal_class("acquisition").relation, deal_class("ownership").control
    ('acquires', 'majority-stake')
    """
    wanted = str(key_or_iri).strip()
    for each in terms.DEAL_CLASSES:
        if wanted in (each.key, each.iri):
            return each
    keys = ", ".join(each.key for each in terms.DEAL_CLASSES)
    raise InputError(f"unknown deal type {key_or_iri!r}; use one of {keys}")


def relations() -> tuple[str, ...]:
    """The relations deals draw in a projected graph, one per deal class with parties on two sides, in order.

    Examples
    --------
    >>> relations()
    ('acquires', 'controls', 'invests_in', 'supplies', 'partners_with', 'develops')
    """
    return tuple(dict.fromkeys(each.relation for each in terms.DEAL_CLASSES if each.relation))


def relation_of(class_iri: str) -> str | None:
    """The relation a deal of the class ``class_iri`` draws, or ``None`` (no such class, or no edge)."""
    for each in terms.DEAL_CLASSES:
        if each.iri == class_iri:
            return each.relation
    return None


def control_relations() -> tuple[str, ...]:
    """The relations whose deal class may give control (its control rule is not ``never``).

    Examples
    --------
    >>> control_relations()
    ('acquires', 'controls', 'develops')
    """
    return tuple(dict.fromkeys(c.relation for c in terms.DEAL_CLASSES if c.relation and c.control != "never"))


def claim_relations() -> tuple[str, ...]:
    """The relations that claim control by a stake (control rule ``majority-stake``: acquisitions, ownership), as
    opposed to a product belonging to its developer; two such claims on one entity conflict.

    Examples
    --------
    >>> claim_relations()
    ('acquires', 'controls')
    """
    return tuple(dict.fromkeys(c.relation for c in terms.DEAL_CLASSES if c.relation and c.control == "majority-stake"))


def in_effect(status: str | None) -> bool:
    """Whether ``status`` means the deal took place or holds (``sg:InEffect``: completed, active).

    Examples
    --------
    >>> in_effect("active"), in_effect("pending"), in_effect(None)
    (True, False, False)
    """
    return status in _meaning_keys("in-effect")


#: The deal property that holds a date of each role: when the deal was announced, took effect, ended.
DATE_PROPERTIES: Mapping[str, str] = MappingProxyType(
    {"announced": terms.SG.announcedDate, "effective": terms.SG.effectiveDate, "end": terms.SG.endDate}
)


def date_role(status: str | None, *, future: bool = False) -> str:
    """Which of a deal's dates (:data:`DATE_PROPERTIES`) the one date given for it is, from its status.

    The end of a deal that ended; the start (effective date) of one in effect, or of one its source dates in its
    own future (when it is to take effect); else the date it was announced or reported (rumoured, in talks,
    pending, ...): such a deal has not taken place, so its date is no start.

    Examples
    --------
    >>> date_role("terminated"), date_role("completed"), date_role("in-talks"), date_role("announced", future=True)
    ('end', 'effective', 'announced', 'effective')
    """
    if status in ended_statuses():
        return "end"
    if in_effect(status) or future:
        return "effective"
    return "announced"


@functools.lru_cache(maxsize=8)
def _meaning_keys(meaning: str) -> frozenset[str]:
    return frozenset(status_keys_meaning(meaning))


def in_effect_in_scenario(status: str) -> bool:
    """Whether a what-if step that sets a deal to ``status`` keeps it in effect: the status means *in effect*, or it
    is the status scenario deals carry (``sg:scenarioStatus``); any other ends the deal on the step's date.

    Examples
    --------
    >>> in_effect_in_scenario("completed"), in_effect_in_scenario("hypothetical"), in_effect_in_scenario("pending")
    (True, True, False)
    """
    return status == terms.SCENARIO_STATUS or in_effect(status)


# -- option values -----------------------------------------------------------------------------------------------


def _words(values: Iterable[str] | str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def parse_statuses(values: Iterable[str] | str | None) -> frozenset[str]:
    """Return the status keys named in ``values`` (repeated and/or comma-separated); ``None`` gives the default.

    Raises
    ------
    InputError
        A value is not a status; the message lists the valid ones.

    Examples
    --------
    >>> sorted(parse_statuses(["completed,active", "in talks"]))
    ['active', 'completed', 'in-talks']
    """
    if values is None:
        return DEFAULT_STATUSES
    chosen = set()
    for word in _words(values):
        key = status_key(word)
        if key is None:
            raise InputError(f"unknown status {word!r}; use one of {', '.join(STATUS_KEYS)}")
        chosen.add(key)
    if not chosen:
        raise InputError(f"no status given; use one or more of {', '.join(STATUS_KEYS)}")
    return frozenset(chosen)


def parse_evidence(values: Iterable[str] | str | None) -> frozenset[str] | None:
    """Return the evidence kinds named in ``values`` (repeated and/or comma-separated; ``all`` for every kind);
    ``None`` (or ``all``) means every kind, sourced or not.

    Raises
    ------
    InputError
        A value is not an evidence kind; the message lists the valid ones.

    Examples
    --------
    >>> sorted(parse_evidence("quoted,dataset")), parse_evidence(["all"])
    (['dataset', 'quoted'], None)
    """
    if values is None:
        return None
    words = [word.lower() for word in _words(values)]
    if not words:
        raise InputError(f"no evidence kind given; use one or more of {', '.join(EVIDENCE)}, or all")
    if "all" in words:
        return None
    for word in words:
        if word not in EVIDENCE:
            raise InputError(f"unknown evidence kind {word!r}; use one or more of {', '.join(EVIDENCE)}, or all")
    return frozenset(words)


# -- control -------------------------------------------------------------------------------------------------------


def gives_control(relation: str | None, status: str | None, stake: float | None) -> bool:
    """Whether a tie that counts gives its acting party control of its counterparty: never under a status that
    means *ended*; otherwise by the control rule of its deal class (``stake`` in percent, ``None`` when unknown).

    Examples
    --------
    >>> gives_control("acquires", "completed", 30.0), gives_control("controls", "active", None)
    (False, True)
    >>> gives_control("develops", "active", None), gives_control("controls", "terminated", 100.0)
    (True, False)
    >>> gives_control("supplies", "active", None)
    False
    """
    rule = _control_rule(relation)
    if rule == "never" or status in ended_statuses():
        return False
    return rule == "always" or stake is None or stake > 50


@functools.lru_cache(maxsize=64)
def _control_rule(relation: str | None) -> str:
    for each in terms.DEAL_CLASSES:
        if each.relation == relation and relation is not None:
            return each.control
    return "never"


def undated_note(rule: str, count: int) -> str:
    """Say what a view did with undated deals (``rule``: ``include`` or ``exclude``; ``count``: how many).

    Examples
    --------
    >>> undated_note("exclude", 2)
    '2 undated deals left out (nothing dates them to this view; --undated include counts them)'
    >>> undated_note("include", 1)
    '1 undated deal counted (reported as current; --undated exclude leaves them out)'
    """
    deals = f"{count} undated deal{'' if count == 1 else 's'}"
    if rule == "include":
        return f"{deals} counted (reported as current; --undated exclude leaves them out)"
    return f"{deals} left out (nothing dates them to this view; --undated include counts them)"


# -- the policy ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealPolicy:
    """Which deals count: as of when, under which statuses, with or without undated deals, on which evidence.

    Parameters
    ----------
    as_of : str, datetime.date or None
        The day the view shows (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a partial date means the end of its
        period). ``None`` means today.
    statuses : iterable of str
        Status keys (see :data:`STATUS_KEYS`) of the deals that count; scenario deals count whatever their status.
    undated : {"include", "exclude"} or None
        Whether deals with neither an effective nor an announced date count. ``None``: included in present views
        (as of today or later) and left out of past views.
    evidence : iterable of str or None
        The evidence kinds (:data:`EVIDENCE`) a deal or market position must rest on to count; ``None``: any,
        sourced or not.

    Raises
    ------
    InputError
        A value is not valid; the message lists the valid ones.

    Examples
    --------
    >>> policy = DealPolicy(as_of="2025-10", statuses={"completed", "active", "in-talks"})
    >>> policy.as_of_date().isoformat(), sorted(policy.statuses), policy.undated_rule
    ('2025-10-31', ['active', 'completed', 'in-talks'], 'exclude')
    >>> DealPolicy(undated="sometimes")
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: unknown undated policy 'sometimes'; use include or exclude
    """

    as_of: str | date | None = None
    statuses: frozenset[str] = field(default=DEFAULT_STATUSES)
    undated: str | None = None
    evidence: frozenset[str] | None = None

    def __post_init__(self) -> None:
        statuses = self.statuses
        if isinstance(statuses, str) or not isinstance(statuses, frozenset):
            statuses = parse_statuses(statuses)
        unknown = sorted(set(statuses) - set(STATUS_KEYS))
        if unknown:
            raise InputError(f"unknown status {unknown[0]!r}; use one of {', '.join(STATUS_KEYS)}")
        object.__setattr__(self, "statuses", frozenset(statuses))
        if self.as_of is not None and not isinstance(self.as_of, date):
            object.__setattr__(self, "as_of", checked_date(str(self.as_of)))
        if self.undated is not None and self.undated not in UNDATED:
            raise InputError(f"unknown undated policy {self.undated!r}; use {' or '.join(UNDATED)}")
        if self.evidence is not None:
            given = self.evidence if isinstance(self.evidence, str) else sorted(self.evidence)
            object.__setattr__(self, "evidence", parse_evidence(given))

    def as_of_date(self) -> date:
        """The day the policy shows: the last day of ``as_of``'s period, or today."""
        if self.as_of is None:
            return date.today()
        period = date_period(self.as_of)
        assert period is not None  # checked in __post_init__
        return period[1]

    @property
    def undated_rule(self) -> str:
        """``include`` or ``exclude``: what this policy does with undated deals (the default resolved)."""
        if self.undated is not None:
            return self.undated
        return "include" if self.as_of_date() >= date.today() else "exclude"

    def key(self) -> tuple[Any, ...]:
        """What tells two policies apart once resolved (the day, statuses, undated rule and evidence)."""
        evidence = tuple(sorted(self.evidence)) if self.evidence is not None else None
        return (self.as_of_date().isoformat(), tuple(sorted(self.statuses)), self.undated_rule, evidence)

    def allows(self, basis: Iterable[str] | None) -> bool:
        """Whether a deal or market position resting on the evidence kinds ``basis`` may count."""
        return self.evidence is None or not self.evidence.isdisjoint(basis or ())

    def in_view(
        self, status: str | None, start: str | None, *, scenario: bool = False, basis: Iterable[str] | None = None
    ) -> bool:
        """Whether a deal is in view: its status counts (or it comes from a scenario), its evidence is allowed
        and it took place by ``as_of`` (``start``: effective, else announced date)."""
        if not (scenario or status in self.statuses) or not self.allows(basis):
            return False
        return begun(start, self.as_of_date(), undated=self.undated_rule == "include")

    def hides(
        self, status: str | None, start: str | None, *, scenario: bool = False, basis: Iterable[str] | None = None
    ) -> bool:
        """Whether a deal hides the deals it supersedes: it took place by ``as_of`` and is in view or has a status
        that means *ended* (a termination ends what it supersedes even when terminated deals are not shown)."""
        if not (scenario or status in self.statuses or status in ended_statuses()) or not self.allows(basis):
            return False
        return begun(start, self.as_of_date(), undated=self.undated_rule == "include")

    def counts(
        self,
        status: str | None,
        start: str | None,
        end: str | None,
        *,
        scenario: bool = False,
        basis: Iterable[str] | None = None,
    ) -> bool:
        """Whether a deal that nothing hides counts: it is in view and has not ended by ``as_of``."""
        return self.in_view(status, start, scenario=scenario, basis=basis) and not ended(end, self.as_of_date())

    def describe(self) -> dict[str, Any]:
        """The policy as plain data, for results: ``{"as_of", "statuses", "undated", "evidence"}`` (``evidence``
        ``None``: any kind, sourced or not)."""
        return {
            "as_of": self.as_of_date().isoformat(),
            "statuses": [key for key in STATUS_KEYS if key in self.statuses],
            "undated": self.undated_rule,
            "evidence": None if self.evidence is None else [kind for kind in EVIDENCE if kind in self.evidence],
        }
