"""Read SPARQL 1.1 TSV results (W3C) into columns of plain strings, fast.

The projection reads hundreds of thousands of rows per query. Having the engine serialise them as TSV and splitting
that text is several times faster than turning every solution into Python term objects. Each cell becomes a plain
string: an IRI without its angle brackets, a literal's lexical form (escapes undone; language tag and datatype
dropped), a number or boolean as written, a blank node as ``_:id``, and an unbound cell ``None``.
"""

from __future__ import annotations

import re

from stackgraph.errors import QueryError

__all__ = ["tsv_columns", "tsv_rows"]

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def tsv_columns(data: bytes | str) -> list[list[str | None]]:
    """Return a SPARQL TSV result column by column, in the order of its header.

    Parameters
    ----------
    data : bytes or str
        A SPARQL 1.1 TSV document (UTF-8 when bytes), as ``QuerySolutions.serialize`` writes it.

    Returns
    -------
    list of list
        One list per variable, each with a cell per row (see the module docstring); no columns for an empty
        document.

    Examples
    --------
    >>> tsv_columns(b'?org\\t?name\\n<https://example.org/acme>\\t"Acme \\\\"A\\\\""@en\\n<https://example.org/b>\\t\\n')
    [['https://example.org/acme', 'https://example.org/b'], ['Acme "A"', None]]
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    header, _, body = text.partition("\n")
    width = len(header.split("\t")) if header else 0
    if not width:
        return []
    if not body:
        return [[] for _ in range(width)]
    body = body[:-1] if body.endswith("\n") else body
    # Tabs and newlines inside literals are escaped, so each one separates two cells: one split gives them all.
    cells = body.replace("\n", "\t").split("\t")
    if len(cells) % width:
        raise QueryError(f"malformed SPARQL TSV result: {len(cells)} cells do not fill rows of {width}")
    return [_decode_column(cells[i::width]) for i in range(width)]


def tsv_rows(data: bytes | str) -> list[list[str | None]]:
    """Return a SPARQL TSV result row by row (each a list of cells as :func:`tsv_columns` decodes them).

    Examples
    --------
    >>> tsv_rows(b'?a\\t?b\\n"1"^^<http://www.w3.org/2001/XMLSchema#integer>\\t_:b0\\n')
    [['1', '_:b0']]
    """
    return [list(row) for row in zip(*tsv_columns(data), strict=True)]


def _decode_column(raw: list[str]) -> list[str | None]:
    """Decode one column's cells, by the cheapest way that is exact for all of them."""
    if not raw:
        return []
    sample = raw[:1024]
    if 2 * len(set(sample)) < len(sample):  # few distinct cells (statuses, layers, dates, ...): decode each once
        decoded = {cell: _cell(cell) for cell in set(raw)}
        return list(map(decoded.__getitem__, raw))
    if raw[0][:1] == "<":
        # IRIs only when every cell starts with "<" (a tab always starts a cell); an IRI holds no ">", so one
        # split takes the brackets off every cell
        joined = "\t".join(raw)
        if joined.count("\t<") == len(raw) - 1:
            return joined[1:-1].split(">\t<")  # type: ignore[return-value]
    elif raw[0][:1] == '"':
        # literals only, none with an escape: the lexical form is what the last quote closes
        joined = "\t".join(raw)
        if joined.count('\t"') == len(raw) - 1 and "\\" not in joined:
            return [cell[1 : cell.rfind('"')] for cell in raw]
    return [_cell(cell) for cell in raw]


def _cell(cell: str) -> str | None:
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        lexical = cell[1 : cell.rfind('"')]
        return _ESCAPE.sub(_unescape, lexical) if "\\" in lexical else lexical
    return cell


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)
