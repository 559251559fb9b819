"""The standalone page around a view: inlined assets, a strict Content-Security-Policy and compact data tables.

The page is stackgraph's own (``assets/page.html``): vis-network's JavaScript and CSS from the copy bundled in
pyvis are inlined, and so are the page's own scripts (``assets/*.js``, joined into one script in
:data:`_SCRIPTS` order). The Content-Security-Policy forbids every network request and lets exactly those two
scripts run (by their SHA-256 hashes: no ``'unsafe-inline'``). pyvis 0.3.2's own template is not used: even with
``cdn_resources="in_line"`` it loads Bootstrap from cdn.jsdelivr.net.

The graph travels as JSON in a ``<script type="application/json">`` block (``<``, ``>`` and ``&`` escaped, bidi
controls neutralised), as column tables rather than one object per node or tie: each key of the items is one
column: a plain list (positions, sizes, names); where few values repeat (colours, shapes, relations), a list of
distinct values and a code per item; tooltips as codes of their lines (most lines repeat: status, source);
IRIs as their common prefix and the rest; a tie's ends as node rows. ``assets/data.js`` decodes them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from stackgraph.display import neutralise
from stackgraph.errors import StackgraphError

__all__ = ["encode_table", "page_html", "script_json"]

#: The page's scripts, run in this order as one inline script.
_SCRIPTS = ("data.js", "canvas.js", "sidebar.js", "overview.js")
_TOKEN = re.compile(r"@@(TITLE|SCRIPT_HASHES|VIS_CSS|PAGE_CSS|DATA|VIS_JS|PAGE_JS)@@")


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    import pyvis

    here = Path(__file__).resolve().parent / "assets"
    vis = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    try:
        assets = {
            "template": (here / "page.html").read_text(encoding="utf-8"),
            "PAGE_CSS": (here / "page.css").read_text(encoding="utf-8"),
            "PAGE_JS": "\n".join((here / name).read_text(encoding="utf-8") for name in _SCRIPTS),
            "VIS_CSS": (vis / "vis-network.css").read_text(encoding="utf-8"),
            "VIS_JS": (vis / "vis-network.min.js").read_text(encoding="utf-8"),
        }
    except OSError as error:
        raise StackgraphError(
            f"cannot read the files an HTML view inlines ({error}); reinstall stackgraph and pyvis"
        ) from None
    assets["SCRIPT_HASHES"] = " ".join(_script_hash(assets[name]) for name in ("VIS_JS", "PAGE_JS"))
    return assets


def _script_hash(script: str) -> str:
    """The CSP source expression that allows one inline script with exactly this text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def script_json(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element, with bidi controls shown neutralised.

    ``<``, ``>``, ``&`` and the line separators are escaped; bidi and terminal controls are shown as ``[U+XXXX]``
    (:func:`stackgraph.display.neutralise`, as in every text output).

    Examples
    --------
    >>> script_json({"label": "</script>\\u202e"})
    '{"label":"\\\\u003c/script\\\\u003e[U+202E]"}'
    """
    text = neutralise(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _column(values: Sequence[Any]) -> Any:
    """One column: distinct values plus a code per item (-1: no value) where few values repeat, else
    :func:`_distinct_column`."""
    texts: dict[str, int] = {}
    distinct: list[Any] = []
    codes: list[int] = []
    for value in values:
        if value is None:
            codes.append(-1)
            continue
        key = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        code = texts.get(key)
        if code is None:
            if len(distinct) * 4 > len(values):  # mostly distinct
                return _distinct_column(values)
            code = texts[key] = len(distinct)
            distinct.append(value)
        codes.append(code)
    return {"values": distinct, "codes": codes}


def _distinct_column(values: Sequence[Any]) -> Any:
    """Mostly distinct values: multi-line texts (tooltips) as codes of their lines, strings that share a prefix
    (IRIs) as the prefix and the rest, anything else as it is."""
    strings = [v for v in values if v is not None]
    if not strings or not all(isinstance(v, str) for v in strings):
        return list(values)
    if any("\n" in v for v in strings[:100]):
        line_codes: dict[str, int] = {}
        coded = [
            None if v is None else [line_codes.setdefault(line, len(line_codes)) for line in v.split("\n")]
            for v in values
        ]
        if sum(map(len, line_codes)) + 4 * sum(len(c) for c in coded if c) < sum(map(len, strings)):
            return {"lines": list(line_codes), "codes": coded}
    low, high = min(strings), max(strings)  # the common prefix of all is that of the first and last in order
    prefix = low[: next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), len(low))]
    if len(prefix) >= 8:
        return {"prefix": prefix, "list": [None if v is None else v[len(prefix) :] for v in values]}
    return list(values)


def encode_table(items: Sequence[Mapping[str, Any]], rows: Mapping[Hashable, int] | None = None) -> dict[str, Any]:
    """Return items (dicts) as a column table; with ``rows``, the ``from`` and ``to`` columns become node rows.

    Examples
    --------
    >>> encode_table([{"id": "a", "shape": "dot"}, {"id": "b", "shape": "dot", "x": 1.5}])
    {'length': 2, 'columns': {'id': ['a', 'b'], 'shape': {'values': ['dot'], 'codes': [0, 0]}, 'x': [None, 1.5]}}
    >>> encode_table([{"from": "a", "to": "b"}], rows={"a": 0, "b": 1})["columns"]
    {'from': {'rows': [0]}, 'to': {'rows': [1]}}
    """
    keys: dict[str, None] = {}
    for item in items:
        keys.update(dict.fromkeys(item))
    columns: dict[str, Any] = {}
    for key in keys:
        values = [item.get(key) for item in items]
        if rows is not None and key in ("from", "to"):
            columns[key] = {"rows": [rows[value] for value in values]}
        elif key in ("x", "y", "size"):
            columns[key] = values
        elif key == "id":
            columns[key] = _distinct_column(values)
        else:
            columns[key] = _column(values)
    return {"length": len(items), "columns": columns}


def page_html(title: str, payload: Mapping[str, Any]) -> str:
    """Return the standalone page showing ``payload`` (nodes and edges tables, options, meta)."""
    assets = _assets()
    values = {
        "TITLE": html.escape(neutralise(title), quote=True),
        "SCRIPT_HASHES": assets["SCRIPT_HASHES"],
        "DATA": script_json(payload),
        "VIS_CSS": assets["VIS_CSS"],
        "VIS_JS": assets["VIS_JS"],
        "PAGE_CSS": assets["PAGE_CSS"],
        "PAGE_JS": assets["PAGE_JS"],
    }
    # one pass: text put in (data included) is never scanned for tokens again
    return _TOKEN.sub(lambda match: values[match.group(1)], assets["template"])
