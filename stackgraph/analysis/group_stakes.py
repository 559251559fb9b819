"""Partial stakes of control groups: what each group (through its parent's integrated ownership) and each holder
that heads no group owns part of without controlling it -- "owned 20 % (not controlled)" in ``analyze groups``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from stackgraph.analysis._common import Table, by_value, label_of, paused_gc, percent, rounded
from stackgraph.analysis.control import ControlAnalysis
from stackgraph.analysis.ownership import FLOOR, integrated_ownership

__all__ = ["GroupStakes", "group_stakes"]


@dataclass(frozen=True)
class GroupStakes:
    """Control groups with the stakes they hold without control: per group parent (and per holder that heads no
    group) the entities it owns part of through every chain, "owned x % (not controlled)"."""

    control: ControlAnalysis
    partial: Mapping[str, tuple[tuple[str, str, float], ...]]
    holders: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """The control analysis (``analyze groups`` JSON) plus ``"partial_stakes": {parent: [{"entity", "label",
        "stake"}]}`` and ``"minority_holders": [{"holder", "label"}]`` (holders that head no group)."""
        data = self.control.to_dict()
        data["partial_stakes"] = {
            parent: [{"entity": e, "label": lab, "stake": rounded(s, 8)} for e, lab, s in items]
            for parent, items in self.partial.items()
        }
        data["minority_holders"] = [{"holder": h, "label": lab} for h, lab in self.holders]
        return data

    def table(self) -> Table:
        """The control groups' table with a column of partial stakes, then a row per holder of partial stakes only."""
        headers, rows = self.control.table()
        rows = [
            [*row, _partial_text(self.partial.get(group.parent, ()))]
            for row, group in zip(rows, self.control.groups, strict=True)
        ]
        rows += [[label, 1, 0, "", "", _partial_text(self.partial[holder])] for holder, label in self.holders]
        return [*headers, "partly owned (not controlled)"], rows


def _partial_text(items: Iterable[tuple[str, str, float]], limit: int = 3) -> str:
    listed = list(items)
    text = ", ".join(f"{lab} {percent(s)}" for _, lab, s in listed[:limit])
    return text + (f" and {len(listed) - limit} more" if len(listed) > limit else "")


@paused_gc
def group_stakes(G: nx.MultiDiGraph, control: ControlAnalysis, *, floor: float = FLOOR) -> GroupStakes:
    """Return ``control`` (from :func:`~stackgraph.analysis.control.control_groups`) with the partial stakes each
    group's parent holds, through every chain, in entities outside its group; and the holders of partial stakes
    that head no group.

    Examples
    --------
    >>> from stackgraph.analysis.control import control_groups
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("A", "B", key="d1", relation="acquires", status="completed", stake=None)
    'd1'
    >>> G.add_edge("B", "C", key="d2", relation="controls", stake=20.0)
    'd2'
    >>> result = group_stakes(G, control_groups(G))
    >>> result.partial
    {'A': (('C', 'C', 0.2),)}
    """
    F = integrated_ownership(G, floor=floor)
    members: dict[str, frozenset[str]] = {g.parent: g.member_ids() for g in control.groups}
    grouped = set().union(*members.values()) if members else set()
    partial: dict[str, tuple[tuple[str, str, float], ...]] = {}
    holders = []
    for holder in F.nodes:
        inside = members.get(str(holder))
        if inside is None and holder in grouped:
            continue  # a member: its stakes count for its group's parent
        held = sorted(
            ((e, s) for e, s in F.holdings(holder).items() if str(e) not in (inside or {str(holder)})),
            key=by_value(G),
        )
        if held:
            partial[str(holder)] = tuple((str(e), label_of(G, e), s) for e, s in held)
            if inside is None:
                holders.append((str(holder), label_of(G, holder)))
    holders.sort(key=lambda item: (item[1].casefold(), item[0]))
    return GroupStakes(control, partial, tuple(holders))
