"""What-if scenarios as data: a name, a description, an as-of date and ordered steps, read from TOML.

A scenario file (TOML, read with the standard library's ``tomllib``)::

    name = "SpaceX acquires Nokia"
    description = "Play forward the acquisition analysts have floated."
    as_of = 2026-06-30                      # optional; default: today or the latest step date

    [[steps]]
    kind = "acquire"
    acquirer = "SpaceX"
    target = "Nokia"
    stake = 100                             # optional, percent (default 100)
    price = 30_000_000_000                  # optional
    currency = "USD"                        # optional (default USD when a price is given)
    date = 2026-06-01                       # optional (default as_of)

Every step has a ``kind`` and the fields listed in :data:`STEP_FIELDS` (required fields first). Entities are
named as everywhere in stackgraph: label (any case), alias, local name or IRI. Parsing checks the structure only
(kinds, fields, types, dates); names are resolved against a graph by :mod:`stackgraph.scenarios.overlay`.
Every error is a :class:`~stackgraph.errors.ScenarioError` naming the step (index and kind) and the field.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackgraph.errors import InputError, ScenarioError
from stackgraph.vocabulary import rules, terms

__all__ = [
    "DEAL_TYPES",
    "STATUSES",
    "STEP_FIELDS",
    "STEP_KINDS",
    "Scenario",
    "Step",
    "load_scenario",
    "parse_date",
    "parse_scenario",
    "slugify",
]

#: Step kinds and their fields: ``(required, optional)``.
STEP_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "acquire": (("acquirer", "target"), ("stake", "price", "currency", "date")),
    "divest": (("holder", "target"), ("date",)),
    "invest": (("investor", "investee"), ("amount", "currency", "stake", "date")),
    "partner": (("partners",), ("purpose", "date")),
    "add-supply": (("supplier", "customer"), ("layer", "item", "date")),
    "cut-supply": (("supplier", "customer"), ("layer", "date")),
    "set-status": (("status",), ("deal", "type", "parties", "date")),
    "sparql-update": (("update",), ()),
}
STEP_KINDS: tuple[str, ...] = tuple(STEP_FIELDS)

#: Deal types a ``set-status`` step may name with ``type`` (deal class key -> class IRI), from the ontology.
DEAL_TYPES: dict[str, str] = {each.key: each.iri for each in terms.DEAL_CLASSES}

#: Status keys a ``set-status`` step may name, in the order of the status scheme.
STATUSES: tuple[str, ...] = rules.STATUS_KEYS

_TOP_FIELDS = ("name", "description", "as_of", "slug", "steps")


@dataclass(frozen=True)
class Step:
    """One step of a scenario: its position (1-based), its kind and its fields as given.

    Examples
    --------
    >>> step = Step(1, "acquire", {"acquirer": "SpaceX", "target": "Nokia"})
    >>> step.where
    'step 1 (acquire)'
    """

    index: int
    kind: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """How error messages name this step."""
        return f"step {self.index} ({self.kind})"

    def get(self, name: str, default: Any = None) -> Any:
        """Return the field ``name`` or ``default``."""
        return self.fields.get(name, default)

    def error(self, field_name: str | None, message: str) -> ScenarioError:
        """Return a :class:`ScenarioError` naming this step and ``field_name``."""
        where = self.where if field_name is None else f"{self.where}, field {field_name!r}"
        return ScenarioError(f"{where}: {message}")

    def to_dict(self) -> dict[str, Any]:
        """Return the step as a plain dict (``kind`` plus fields), as in a scenario file."""
        return {"kind": self.kind, **dict(self.fields)}


@dataclass(frozen=True)
class Scenario:
    """A what-if scenario: ordered steps played forward over a baseline graph.

    Parameters
    ----------
    name : str
        Short title (also the source title of the hypothetical deals).
    steps : tuple of Step
        The steps, in order.
    description : str
        What the scenario plays forward.
    as_of : str or None
        ISO date of the "after" view; ``None`` means today or the latest step date, whichever is later.
    slug : str
        Identifier used in IRIs: the scenario graph is ``urn:stackgraph:graph:scenario-<slug>``.

    Examples
    --------
    >>> s = parse_scenario({"name": "SpaceX buys Nokia",
    ...                     "steps": [{"kind": "acquire", "acquirer": "SpaceX", "target": "Nokia"}]})
    >>> s.slug, s.graph_iri
    ('spacex-buys-nokia', 'urn:stackgraph:graph:scenario-spacex-buys-nokia')
    """

    name: str
    steps: tuple[Step, ...]
    description: str = ""
    as_of: str | None = None
    slug: str = ""
    origin: str = "<scenario>"

    def __post_init__(self) -> None:
        if not self.slug:
            object.__setattr__(self, "slug", slugify(self.name))

    @property
    def graph_iri(self) -> str:
        """IRI of the named graph holding the scenario's triples."""
        return f"{terms.GRAPH_IRI}scenario-{self.slug}"

    @property
    def source_iri(self) -> str:
        """IRI of the scenario's ``sg:ScenarioSource`` node."""
        return f"{terms.SOURCE_IRI}scenario-{self.slug}"

    def effective_as_of(self, today: _dt.date | None = None) -> str:
        """Return the as-of date of the "after" view (ISO ``YYYY-MM-DD``)."""
        if self.as_of is not None:
            return _full_date(self.as_of, end=True)
        latest = (today or _dt.datetime.now(_dt.UTC).date()).isoformat()
        for step in self.steps:
            date = step.get("date")
            if date is not None and _full_date(date, end=True) > latest:
                latest = _full_date(date, end=True)
        return latest

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as plain data (the shape of a scenario file)."""
        data: dict[str, Any] = {"name": self.name, "slug": self.slug, "description": self.description}
        if self.as_of is not None:
            data["as_of"] = self.as_of
        data["steps"] = [step.to_dict() for step in self.steps]
        return data


def slugify(text: str) -> str:
    """Return a lower-case, hyphenated identifier for ``text``.

    Examples
    --------
    >>> slugify("SpaceX acquires Nokia!")
    'spacex-acquires-nokia'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug or "scenario"


def parse_date(value: Any) -> str:
    """Return ``value`` (a TOML date, or a string ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) as an ISO string.

    Raises :class:`ValueError` with a short reason when it is not a date.

    Examples
    --------
    >>> parse_date("2026-06"), parse_date(__import__("datetime").date(2026, 6, 1))
    ('2026-06', '2026-06-01')
    """
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected a date such as 2026-06-01, got {type(value).__name__} {value!r}")
    try:
        return rules.checked_date(value)
    except InputError as error:
        raise ValueError(str(error)) from None


def _full_date(iso: str, *, end: bool) -> str:
    """The first (or, with ``end``, the last) day of a full or partial ISO date, as ``YYYY-MM-DD``."""
    day = rules.parse_date(iso, end=end)
    if day is None:
        raise ValueError(f"invalid date {iso!r}")
    return day.isoformat()


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file (TOML).

    Raises
    ------
    ScenarioError
        The file is missing, unreadable, not TOML (with line and column), or a step is malformed.

    Examples
    --------
    >>> from stackgraph.resources import scenario_examples_dir
    >>> load_scenario(scenario_examples_dir() / "spacex-acquires-nokia.toml").steps[0].kind
    'acquire'
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{file}: no such scenario file") from None
    except OSError as error:
        raise ScenarioError(f"{file}: cannot read the scenario file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (U+FEFF) is not part of the TOML
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{file}: not UTF-8 text (byte {error.start}); scenario files are TOML") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{file}: malformed TOML: {error}") from None
    return parse_scenario(data, origin=str(file), default_slug=file.stem)


def parse_scenario(data: Mapping[str, Any], *, origin: str = "<scenario>", default_slug: str = "") -> Scenario:
    """Check a scenario given as plain data (the shape of a scenario file) and return a :class:`Scenario`.

    Examples
    --------
    >>> parse_scenario({"name": "x", "steps": [{"kind": "divest", "holder": "SpaceX"}]})
    Traceback (most recent call last):
    ...
    stackgraph.errors.ScenarioError: <scenario>: step 1 (divest), field 'target': missing (required: holder, target)
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{origin}: a scenario is a table of name, description, as_of and steps")
    unknown = sorted(set(data) - set(_TOP_FIELDS))
    if unknown:
        raise ScenarioError(f"{origin}: unknown top-level field {unknown[0]!r}; expected {', '.join(_TOP_FIELDS)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{origin}: field 'name': missing or empty (a scenario needs a name)")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{origin}: field 'description': expected text")
    as_of = None
    if data.get("as_of") is not None:
        try:
            as_of = parse_date(data["as_of"])
        except ValueError as error:
            raise ScenarioError(f"{origin}: field 'as_of': {error}") from None
    slug = data.get("slug") or default_slug or name
    if not isinstance(slug, str):
        raise ScenarioError(f"{origin}: field 'slug': expected text")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, Sequence) or isinstance(raw_steps, str) or not raw_steps:
        raise ScenarioError(f"{origin}: field 'steps': missing or empty (write one [[steps]] table per step)")
    steps = []
    for index, raw in enumerate(raw_steps, start=1):
        try:
            steps.append(_parse_step(index, raw))
        except ScenarioError as error:
            raise ScenarioError(f"{origin}: {error}") from None
    scenario = Scenario(name.strip(), tuple(steps), description.strip(), as_of, slugify(slug), origin)
    if as_of is not None:
        for step in scenario.steps:
            date = step.get("date")
            if date is not None and _full_date(date, end=False) > _full_date(as_of, end=True):
                raise ScenarioError(
                    f"{origin}: {step.where}, field 'date': {date} is after the scenario's as_of {as_of}"
                )
    return scenario


def _parse_step(index: int, raw: Any) -> Step:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"step {index}: expected a table with a 'kind' and its fields")
    kind = raw.get("kind")
    if kind is None:
        raise ScenarioError(f"step {index}, field 'kind': missing; one of {', '.join(STEP_KINDS)}")
    if not isinstance(kind, str) or kind.strip().lower().replace("_", "-") not in STEP_FIELDS:
        raise ScenarioError(f"step {index}, field 'kind': unknown kind {kind!r}; one of {', '.join(STEP_KINDS)}")
    kind = kind.strip().lower().replace("_", "-")
    step = Step(index, kind, {})
    required, optional = STEP_FIELDS[kind]
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "kind":
            continue
        name = key.replace("-", "_")
        if name not in required and name not in optional:
            raise step.error(key, f"unknown field; {kind} takes {', '.join((*required, *optional))}")
        fields[name] = value
    for name in required:
        if name not in fields or fields[name] is None or fields[name] == "":
            raise step.error(name, f"missing (required: {', '.join(required)})")
    for name, value in list(fields.items()):
        fields[name] = _check_field(step, kind, name, value)
    if kind == "set-status":
        has_deal = "deal" in fields
        has_parties = "type" in fields or "parties" in fields
        if has_deal == has_parties:
            raise step.error("deal", "give either 'deal' (an IRI or local name) or 'type' and 'parties'")
        if has_parties and ("type" not in fields or "parties" not in fields):
            missing = "type" if "type" not in fields else "parties"
            raise step.error(missing, "missing ('type' and 'parties' go together)")
    return Step(index, kind, fields)


def _check_field(step: Step, kind: str, name: str, value: Any) -> Any:
    if name == "date":
        try:
            return parse_date(value)
        except ValueError as error:
            raise step.error(name, str(error)) from None
    if name in ("stake",):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
            raise step.error(name, f"expected a percentage above 0 and at most 100, got {value!r}")
        return float(value)
    if name in ("price", "amount"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise step.error(name, f"expected a non-negative number, got {value!r}")
        return value
    if name == "currency":
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
            raise step.error(name, f"expected a three-letter ISO 4217 code such as 'USD', got {value!r}")
        return value.upper()
    if name in ("partners", "parties"):
        if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            raise step.error(name, "expected a list of entity names")
        if len(value) < 2:
            raise step.error(name, f"expected at least two entities, got {len(value)}")
        if len({v.casefold() for v in value}) != len(value):
            raise step.error(name, "names an entity twice")
        return tuple(value)
    if name == "status":
        key = rules.status_key(value) if isinstance(value, str) else None
        if key is None:
            raise step.error(name, f"unknown status {value!r}; one of {', '.join(STATUSES)}")
        return key
    if name == "type":
        key = value.strip().lower().replace("_", "-") if isinstance(value, str) else None
        if key not in DEAL_TYPES:
            raise step.error(name, f"unknown deal type {value!r}; one of {', '.join(DEAL_TYPES)}")
        return key
    if not isinstance(value, str) or not value.strip():
        raise step.error(name, f"expected text, got {value!r}")
    return value.strip()
