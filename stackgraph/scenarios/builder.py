"""Build a scenario in code: a chainable builder that is also a context manager.

Examples
--------
>>> from stackgraph.scenarios import ScenarioBuilder
>>> with ScenarioBuilder("SpaceX buys Nokia", as_of="2026-07-01") as plan:
...     _ = plan.acquire("SpaceX", "Nokia", stake=100).cut_supply("Nvidia", "SpaceX")
>>> [step.kind for step in plan.scenario.steps]
['acquire', 'cut-supply']
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from stackgraph.scenarios.model import Scenario, parse_scenario

if TYPE_CHECKING:
    from stackgraph.scenarios.report import WhatIf
    from stackgraph.store import KnowledgeStore

__all__ = ["ScenarioBuilder"]


class ScenarioBuilder:
    """Collect steps, then :meth:`build` a checked :class:`Scenario` (or :meth:`run` it on a store).

    Each step method takes the fields of the scenario-file step of the same name (see
    :data:`stackgraph.scenarios.model.STEP_FIELDS`) and returns the builder, so calls chain. Used as a context
    manager, the scenario is built (and checked) when the ``with`` block ends and is then :attr:`scenario`.

    Parameters
    ----------
    name : str
        The scenario's title.
    description : str
        What it plays forward.
    as_of : str, optional
        ISO date of the "after" view.
    slug : str, optional
        Identifier used in IRIs (default: from the name).

    Examples
    --------
    >>> plan = ScenarioBuilder("Cursor completes").set_status(type="acquisition", parties=["SpaceX", "Cursor"],
    ...                                                        status="completed")
    >>> plan.build().steps[0].fields["status"]
    'completed'
    """

    def __init__(self, name: str, description: str = "", *, as_of: str | None = None, slug: str | None = None):
        self.name = name
        self.description = description
        self.as_of = as_of
        self.slug = slug
        self.steps: list[dict[str, Any]] = []
        self._scenario: Scenario | None = None

    # -- steps ---------------------------------------------------------------------------------------------

    def _step(self, kind: str, **fields: Any) -> ScenarioBuilder:
        self.steps.append({"kind": kind, **{k: v for k, v in fields.items() if v is not None}})
        self._scenario = None
        return self

    def acquire(
        self,
        acquirer: str,
        target: str,
        *,
        stake: float | None = None,
        price: float | None = None,
        currency: str | None = None,
        date: str | None = None,
    ) -> ScenarioBuilder:
        """Add an ``acquire`` step: ``acquirer`` takes ``stake`` % (default 100) of ``target``."""
        return self._step(
            "acquire", acquirer=acquirer, target=target, stake=stake, price=price, currency=currency, date=date
        )

    def divest(self, holder: str, target: str, *, date: str | None = None) -> ScenarioBuilder:
        """Add a ``divest`` step: ``holder`` gives up its holdings in ``target``."""
        return self._step("divest", holder=holder, target=target, date=date)

    def invest(
        self,
        investor: str,
        investee: str,
        *,
        amount: float | None = None,
        currency: str | None = None,
        stake: float | None = None,
        date: str | None = None,
    ) -> ScenarioBuilder:
        """Add an ``invest`` step."""
        return self._step(
            "invest", investor=investor, investee=investee, amount=amount, currency=currency, stake=stake, date=date
        )

    def partner(self, *partners: str, purpose: str | None = None, date: str | None = None) -> ScenarioBuilder:
        """Add a ``partner`` step between two or more ``partners``."""
        return self._step("partner", partners=list(partners), purpose=purpose, date=date)

    def add_supply(
        self,
        supplier: str,
        customer: str,
        *,
        layer: str | None = None,
        item: str | None = None,
        date: str | None = None,
    ) -> ScenarioBuilder:
        """Add an ``add-supply`` step (``layer``: the input's stack layer; ``item``: the product supplied)."""
        return self._step("add-supply", supplier=supplier, customer=customer, layer=layer, item=item, date=date)

    def cut_supply(
        self, supplier: str, customer: str, *, layer: str | None = None, date: str | None = None
    ) -> ScenarioBuilder:
        """Add a ``cut-supply`` step: the supply (of ``layer``, or all) from ``supplier`` to ``customer`` ends."""
        return self._step("cut-supply", supplier=supplier, customer=customer, layer=layer, date=date)

    def set_status(
        self,
        deal: str | None = None,
        *,
        status: str,
        type: str | None = None,
        parties: list[str] | None = None,
        date: str | None = None,
    ) -> ScenarioBuilder:
        """Add a ``set-status`` step for ``deal`` (IRI, local name or label) or the deal of ``type`` between
        ``parties``."""
        return self._step("set-status", deal=deal, status=status, type=type, parties=parties, date=date)

    def complete(self, deal: str, *, date: str | None = None) -> ScenarioBuilder:
        """Shorthand for ``set_status(deal, status="completed")``."""
        return self.set_status(deal, status="completed", date=date)

    def sparql_update(self, update: str) -> ScenarioBuilder:
        """Add a raw SPARQL Update step (it may only write the scenario graph)."""
        return self._step("sparql-update", update=update)

    # -- result --------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as plain data (the shape of a scenario file)."""
        data: dict[str, Any] = {"name": self.name, "description": self.description, "steps": list(self.steps)}
        if self.as_of is not None:
            data["as_of"] = self.as_of
        if self.slug is not None:
            data["slug"] = self.slug
        return data

    def build(self) -> Scenario:
        """Check the steps and return the :class:`Scenario` (raises ``ScenarioError`` naming a bad step)."""
        if self._scenario is None:
            self._scenario = parse_scenario(self.to_dict(), origin=f"scenario {self.name!r}")
        return self._scenario

    @property
    def scenario(self) -> Scenario:
        """The built scenario."""
        return self.build()

    def run(self, store: KnowledgeStore, *, top: int = 10) -> WhatIf:
        """Build the scenario and play it on ``store``; see :func:`stackgraph.scenarios.run_scenario`."""
        from stackgraph.scenarios.report import run_scenario

        return run_scenario(store, self.build(), top=top)

    def __enter__(self) -> ScenarioBuilder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.build()
