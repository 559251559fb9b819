"""Show text from the data safely: in messages, in plain-text tables and in Markdown.

Labels, names and quotes come from files anyone may have written. Three rules, each in one place:

- :func:`visible` -- in an error message, an invisible character is named, not printed: a file starting with a
  byte-order mark is reported as ``byte-order mark (U+FEFF)``, not as an empty-looking character.
- :func:`neutralise` -- in text output (tables, reports), bidirectional controls such as U+202E RIGHT-TO-LEFT
  OVERRIDE, which would make ``Nvidia`` read as something else or reorder a whole line, and terminal control
  characters (escape sequences) are shown as ``[U+202E]`` instead of acting.
- :func:`markdown` -- in Markdown output, data is also escaped: HTML (``<script>``) and Markdown syntax (``|``,
  ``*``, ``[...](...)``) are shown as text, never interpreted.

Machine formats (JSON, CSV, TSV, RDF) keep the data exactly as it is.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["BIDI_CONTROLS", "REPORT_FORMATS", "TABLE_FORMATS", "markdown", "neutralise", "visible"]

#: The formats of every command that prints rows (``--format``): the same set everywhere. CSV is RFC 4180 with
#: CRLF line endings, TSV ends lines with LF (:func:`stackgraph.results.csv_options`).
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "markdown")
#: The formats of a report of several sections (a what-if report): one table per section does not fit one CSV.
REPORT_FORMATS: tuple[str, ...] = ("table", "markdown", "json")

#: Unicode's bidirectional formatting characters (embeddings, overrides, isolates and marks).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_NAMES = {"\ufeff": "byte-order mark"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")  # inline syntax; data never starts a line of its own


def _name(char: str) -> str:
    name = _NAMES.get(char) or unicodedata.name(char, "").lower() or "control character"
    return f"{name} (U+{ord(char):04X})"


def visible(text: str) -> str:
    """Return ``text`` with every invisible or control character replaced by its name, for error messages.

    Examples
    --------
    >>> visible("\\ufeff is not a valid subject")
    'byte-order mark (U+FEFF) is not a valid subject'
    >>> visible("Nvidia\\u202e")
    'Nvidia[right-to-left override (U+202E)]'
    """
    return _INVISIBLE.sub(
        lambda m: _name(m.group()) if m.start() == 0 and m.group() == "\ufeff" else f"[{_name(m.group())}]", text
    )


def neutralise(text: str) -> str:
    """Return ``text`` with bidirectional and terminal control characters shown as ``[U+XXXX]``.

    Line breaks and tabs are kept; everything else prints as it is.

    Examples
    --------
    >>> neutralise("Acme\\u202eaidivN")
    'Acme[U+202E]aidivN'
    >>> neutralise("clear \\x1b[2J screen")
    'clear [U+001B][2J screen'
    """
    return _CONTROL.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def markdown(text: str) -> str:
    """Return data ``text`` for a Markdown document: neutralised, HTML-escaped, Markdown syntax escaped.

    Examples
    --------
    >>> markdown("<img src=x onerror=alert(1)> | *Acme*")
    '&lt;img src=x onerror=alert(1)&gt; \\\\| \\\\*Acme\\\\*'
    """
    escaped = neutralise(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", escaped).replace("\n", " ")
