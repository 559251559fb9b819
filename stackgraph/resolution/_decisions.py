"""Review decisions: the file a person writes after an import's review (``matches.csv``), read once."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stackgraph.errors import InputError
from stackgraph.resolution._names import _fold

__all__ = ["DECISIONS", "Decisions", "load_decisions"]

#: Words of the review file's ``decision`` column.
DECISIONS = ("accept", "new")


@dataclass(frozen=True)
class Decisions:
    """Review decisions: ``accepted`` maps (folded name, kind) to the entity it is; ``apart`` holds the names to
    keep as new entities. Read them with :func:`load_decisions`."""

    accepted: Mapping[tuple[str, str], str] = field(default_factory=dict)
    apart: frozenset[tuple[str, str]] = frozenset()
    source: str = ""


def load_decisions(path: str | Path) -> Decisions:
    """Read a review file (``matches.csv``): one row per name and candidate, as an import report writes it.

    Columns ``name``, ``kind``, ``decision`` and ``entity``: a row whose decision is ``accept`` merges the name
    into ``entity``; ``new`` keeps the name apart (a new entity, not listed again); an empty decision is no
    decision. Other columns (label, score, reason, where) are for the reader.

    Raises
    ------
    InputError
        The file is missing or not CSV, a column is missing, a decision word is unknown, an ``accept`` row names no
        entity, or one name is accepted as two entities; the message names the file and line.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "matches.csv"
    >>> _ = path.write_text("name,kind,decision,entity\\nNvida,organization,accept,urn:x:nvidia\\n"
    ...                     "Nokla,organization,new,urn:x:nokia\\n")
    >>> decisions = load_decisions(path)
    >>> decisions.accepted, sorted(decisions.apart)
    ({('nvida', 'organization'): 'urn:x:nvidia'}, [('nokla', 'organization')])
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such review file")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{file}: wrong encoding: a review file must be UTF-8 ({error.reason})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("name", "kind", "decision", "entity") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{file}: missing columns {', '.join(missing)} (expected name,kind,decision,entity)")
    accepted: dict[tuple[str, str], str] = {}
    apart: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        decision = (row.get("decision") or "").strip().casefold()
        if not decision:
            continue
        key = (_fold(row.get("name") or ""), (row.get("kind") or "").strip())
        if decision not in DECISIONS:
            raise InputError(f"{file} line {line}: unknown decision {decision!r}; use {' or '.join(DECISIONS)}")
        if decision == "new":
            apart.add(key)
            continue
        entity = (row.get("entity") or "").strip()
        if not entity:
            raise InputError(f"{file} line {line}: 'accept' needs the entity to merge into (column entity)")
        if accepted.get(key, entity) != entity:
            raise InputError(f"{file} line {line}: {row.get('name')!r} is accepted twice, as two entities")
        accepted[key] = entity
    return Decisions(accepted, frozenset(apart - set(accepted)), str(file))
