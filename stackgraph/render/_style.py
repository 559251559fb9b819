"""Visual encoding of a projected graph: colours, shapes, dashes, labels and tooltips (plain text only).

Everything here returns plain strings and numbers; nothing is HTML. The page shows tooltips with ``innerText``
and draws labels on a canvas, so a label such as ``<script>`` is shown as those characters and never parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stackgraph.vocabulary import rules

__all__ = [
    "ADDED_COLOR",
    "BASIS_LABELS",
    "FOCUS_COLOR",
    "GROUP_CHANGED_COLOR",
    "KIND_SHAPES",
    "KIND_SYMBOLS",
    "NO_LAYER",
    "NO_LAYER_COLOR",
    "RELATION_ARROWS",
    "RELATION_COLORS",
    "RELATION_LABELS",
    "REMOVED_COLOR",
    "UNCERTAIN_STATUSES",
    "counted",
    "edge_label",
    "edge_tooltip",
    "format_money",
    "layer_colors",
    "node_tooltip",
]

#: Layer key given to entities without a layer (filters and legend).
NO_LAYER = "none"
NO_LAYER_COLOR = "#c8c8c8"

# One colour per layer of the shipped scheme: hues grouped by top concept (compute blues, connectivity greens,
# models purple, software reds/oranges). Unknown layers take the fallback palette in order.
_LAYER_COLORS: dict[str, str] = {
    "compute": "#1f4e79",
    "accelerators": "#4e79a7",
    "chip-fabrication": "#76b7b2",
    "data-centers": "#a0cbe8",
    "connectivity": "#2e7d32",
    "satellite-broadband": "#59a14f",
    "terrestrial-ran": "#8cd17d",
    "telecom-services": "#b6992d",
    "ai-models": "#b07aa1",
    "developer-tooling": "#ff9da7",
    "software": "#e15759",
    "enterprise-software": "#f28e2b",
    "consumer-internet": "#ffbe7d",
    "devices": "#9c755f",
    "launch-and-space": "#edc948",
}
_FALLBACK = ("#d37295", "#fabfd2", "#499894", "#86bcb6", "#d4a6c8", "#bab0ac", "#f1ce63", "#d7b5a6", "#79706e")

#: vis-network shape per entity kind (all draw their label below, so labels stay readable).
KIND_SHAPES: dict[str | None, str] = {
    "organization": "dot",
    "product": "square",
    "facility": "diamond",
    "person": "triangle",
    None: "dot",
}
#: The legend's symbol for each shape.
KIND_SYMBOLS: dict[str, str] = {"dot": "●", "square": "■", "diamond": "◆", "triangle": "▲", "hexagon": "⬢"}

RELATION_COLORS: dict[str, str] = {
    "acquires": "#c0392b",
    "controls": "#8e44ad",
    "invests_in": "#1e8449",
    "supplies": "#2471a3",
    "partners_with": "#d68910",
    "develops": "#6e7b7c",
}
RELATION_LABELS: dict[str, str] = {
    "acquires": "acquires",
    "controls": "controls",
    "invests_in": "invests in",
    "supplies": "supplies",
    "partners_with": "partners with",
    "develops": "develops",
}
#: Arrow head at the counterparty end; partnerships have none (they go both ways).
RELATION_ARROWS: dict[str, str | None] = {
    "acquires": "arrow",
    "controls": "diamond",
    "invests_in": "circle",
    "supplies": "arrow",
    "partners_with": None,
    "develops": "vee",
}
#: Statuses drawn dashed: the deal may not happen or has not taken effect (their ``sg:statusMeaning`` is uncertain).
UNCERTAIN_STATUSES: frozenset[str] = frozenset(rules.status_keys_meaning("uncertain"))
#: What each evidence kind of a tie's ``basis`` is called in tooltips, legend and filters (the ontology's
#: ``sg:basisLabel``).
BASIS_LABELS: dict[str, str] = {kind: rules.basis_label([kind]) for kind in rules.EVIDENCE}
#: Marks of a diff or ego view: tie or entity added, tie removed, entity changing group, the focus entity.
ADDED_COLOR = "#12a150"
REMOVED_COLOR = "#a9a9a9"
GROUP_CHANGED_COLOR = "#d6007e"
FOCUS_COLOR = "#111111"


def counted(n: int, one: str, many: str) -> str:
    """Return ``n`` with the noun in singular or plural: ``1 tie``, ``2,500 ties``.

    Examples
    --------
    >>> counted(1, "entity", "entities"), counted(2500, "tie", "ties")
    ('1 entity', '2,500 ties')
    """
    return f"{n:,} {one if n == 1 else many}"


def layer_colors(keys: Iterable[str]) -> dict[str, str]:
    """Return a colour for each layer key: the shipped scheme's own, then a fallback palette in the given order.

    Examples
    --------
    >>> layer_colors(["ai-models", "made-up", "none"])
    {'ai-models': '#b07aa1', 'made-up': '#d37295', 'none': '#c8c8c8'}
    """
    colors: dict[str, str] = {}
    spare = 0
    for key in keys:
        if key in colors:
            continue
        if key == NO_LAYER:
            colors[key] = NO_LAYER_COLOR
        elif key in _LAYER_COLORS:
            colors[key] = _LAYER_COLORS[key]
        else:
            colors[key] = _FALLBACK[spare % len(_FALLBACK)]
            spare += 1
    return colors


def format_money(amount: float | None, currency: str | None = None) -> str | None:
    """Return an amount in short form: ``$6.5B`` for US dollars, ``6.5B EUR`` otherwise.

    Examples
    --------
    >>> format_money(6.5e9, "USD"), format_money(250e6, "EUR"), format_money(1200, None), format_money(None)
    ('$6.5B', '250M EUR', '1.2K', None)
    """
    if amount is None:
        return None
    value = float(amount)
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"), (1.0, "")):
        if abs(value) >= factor or factor == 1.0:
            scaled = value / factor
            text = f"{scaled:.1f}".rstrip("0").rstrip(".") if abs(scaled) < 100 else f"{scaled:.0f}"
            text += suffix
            break
    if currency in (None, ""):
        return text
    if currency == "USD":
        return "$" + text
    return f"{text} {currency}"


def _date_of(data: Mapping[str, Any]) -> str | None:
    return data.get("effective") or data.get("announced")


def edge_label(data: Mapping[str, Any]) -> str:
    """Return the short label drawn on an edge: amount (or stake) and date where they exist.

    Examples
    --------
    >>> edge_label({"amount": 6.5e9, "currency": "USD", "announced": "2024-03"})
    '$6.5B · 2024-03'
    >>> edge_label({"stake": 49.0, "effective": "2025"}), edge_label({})
    ('49% · 2025', '')
    """
    parts = []
    money = format_money(data.get("amount"), data.get("currency"))
    if money:
        parts.append(money)
    elif data.get("stake") is not None:
        parts.append(f"{float(data['stake']):g}%")
    when = _date_of(data)
    if when:
        parts.append(str(when))
    return " · ".join(parts)


def node_tooltip(
    data: Mapping[str, Any],
    layer_labels: Mapping[str, str],
    *,
    measure: str,
    score: float | None,
    degree: int,
    extra: Iterable[str] = (),
) -> str:
    """Return the plain-text tooltip of an entity: name, kind, layers, aliases, ties and its centrality.

    Examples
    --------
    >>> print(node_tooltip({"label": "Nokia", "kind": "organization", "layers": ("terrestrial-ran",)},
    ...                    {"terrestrial-ran": "Terrestrial RAN"}, measure="degree", score=0.5, degree=3))
    Nokia
    organization · Terrestrial RAN
    ties: 3 · degree centrality 0.5
    """
    lines = [str(data.get("label") or data.get("iri") or "")]
    kind = data.get("kind") or "entity"
    layers = [layer_labels.get(k, k) for k in data.get("layers") or ()]
    lines.append(f"{kind} · {', '.join(layers)}" if layers else f"{kind} · no layer")
    aliases = [a for a in data.get("aliases") or () if a != data.get("label")]
    if aliases:
        lines.append("also known as: " + ", ".join(str(a) for a in aliases))
    tie_text = f"ties: {degree}"
    if score is not None:
        tie_text += f" · {measure} centrality {score:.3g}"
    lines.append(tie_text)
    lines.extend(extra)
    return "\n".join(lines)


def edge_tooltip(
    data: Mapping[str, Any],
    source_label: str,
    target_label: str,
    layer_labels: Mapping[str, str],
    *,
    extra: Iterable[str] = (),
) -> str:
    """Return the plain-text tooltip of a deal: parties, relation, status, dates, amount, quoted source, basis.

    Examples
    --------
    >>> print(edge_tooltip({"relation": "acquires", "status": "in-talks", "announced": "2026-05",
    ...                     "amount": 2e9, "currency": "USD", "quotes": ("A is in talks to buy B.",),
    ...                     "sources": ("Daily News",), "basis": ("quoted",)}, "A", "B", {}))
    A acquires B
    status: in talks
    announced: 2026-05
    amount: $2B (2,000,000,000 USD)
    “A is in talks to buy B.”
    — Daily News
    basis: quoted source
    >>> print(edge_tooltip({"relation": "supplies", "basis": ("dataset", "editorial")}, "A", "B", {}))
    A supplies B
    basis: dataset record, editorial estimate
    """
    relation = data.get("relation") or "related to"
    arrow = "↔" if relation == "partners_with" else RELATION_LABELS.get(relation, relation)
    lines = [f"{source_label} {arrow} {target_label}"]
    status = data.get("status")
    if status:
        lines.append("status: " + str(status).replace("-", " "))
    dates = [
        f"{name}: {data[field]}"
        for name, field in (("announced", "announced"), ("effective", "effective"), ("ended", "ended"))
        if data.get(field)
    ]
    if dates:
        lines.append(" · ".join(dates))
    if data.get("amount") is not None:
        full = f"{float(data['amount']):,.0f}" + (f" {data['currency']}" if data.get("currency") else "")
        lines.append(f"amount: {format_money(data['amount'], data.get('currency'))} ({full})")
    if data.get("stake") is not None:
        lines.append(f"stake: {float(data['stake']):g}%")
    if data.get("input_layer"):
        lines.append("input: " + layer_labels.get(data["input_layer"], str(data["input_layer"])))
    if data.get("purpose"):
        lines.append("purpose: " + str(data["purpose"]))
    for quote in data.get("quotes") or ():
        lines.append(f"“{quote}”")
    sources = [str(s) for s in data.get("sources") or ()]
    if sources:
        lines.append("— " + "; ".join(sources))
    basis = [str(kind) for kind in data.get("basis") or ()]
    if basis:
        lines.append("basis: " + rules.basis_label(basis))
    if data.get("scenario") and "scenario" not in basis:
        lines.append("what-if scenario deal")
    lines.extend(extra)
    return "\n".join(lines)
