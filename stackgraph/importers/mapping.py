"""The mapping language (version 2, TOML): how the tables of one dataset become entities, deals, market positions
and stack layers. Its JSON Schema, ``mapping.schema.json`` beside this module, is the reference (editors can check
a mapping with it); :func:`load_mapping` checks a mapping against that schema, so an unknown key is an error that
suggests the closest valid key, then checks what a schema cannot (statuses, deal kinds, kinds, required roles).

A version 1 mapping (``[csv]``, ``[columns]``, ``[defaults]``, ``[relations]``: one relation table) is read as the
version 2 mapping it stands for. The README (section "Importing data") has a worked example of every feature.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from stackgraph.errors import ImportFormatError
from stackgraph.importers.layers import load_toml
from stackgraph.vocabulary import rules, terms
from stackgraph.vocabulary.names import local_name

__all__ = [
    "DEAL_KINDS",
    "ENTITY_KINDS",
    "DatasetMapping",
    "LayerSpec",
    "Table",
    "deal_kind",
    "load_mapping",
    "mapping_schema",
    "schema_path",
    "status_concept",
]

#: Deal kind -> (ontology class, actor role, counterparty role), local names: the ontology's deal classes that draw a
#: relation (stackgraph.vocabulary.terms.DEAL_CLASSES).
DEAL_KINDS: dict[str, tuple[str, str, str]] = {
    each.key: (
        local_name(each.iri),
        local_name((each.actor_roles or each.mutual_roles)[0]),
        local_name((each.counterparty_roles or each.mutual_roles)[0]),
    )
    for each in terms.DEAL_CLASSES
    if each.relation and each.parent is None
}
# the relation each kind draws (``invests_in``, ``invests in``) and a few words spreadsheets use for it
_KIND_WORDS = {
    **{
        word: each.key
        for each in terms.DEAL_CLASSES
        if each.relation and each.parent is None
        for word in (each.relation, each.relation.replace("_", " "))
    },
    "acquired": "acquisition",
    "owns": "ownership",
}
#: Entity kinds a mapping may give; ``country`` marks rows that are not entities (reported, left out).
ENTITY_KINDS = ("organization", "person", "product", "facility", "country")


def schema_path() -> Path:
    """The JSON Schema of the mapping language, shipped with the package."""
    return Path(__file__).resolve().parent / "mapping.schema.json"


@lru_cache(maxsize=1)
def mapping_schema() -> dict[str, Any]:
    """The JSON Schema of the mapping language (read once)."""
    return json.loads(schema_path().read_text(encoding="utf-8"))


def _fold(word: str) -> str:
    return re.sub(r"\s+", " ", str(word).strip().replace("_", " ")).casefold()


def status_concept(word: str, words: Mapping[str, str] | None = None) -> str | None:
    """Return the ontology concept (``Completed``) of a status word, through the mapping's ``values.status`` first.

    Examples
    --------
    >>> status_concept("in talks"), status_concept("Planned", {"planned": "announced"}), status_concept("maybe")
    ('InTalks', 'Announced', None)
    """
    folded = _fold(word)
    key = rules.status_key((words or {}).get(folded, folded))  # the rulebook's status words
    return local_name(terms.STATUSES[rules.STATUS_KEYS.index(key)].iri) if key is not None else None


def deal_kind(word: str, words: Mapping[str, str] | None = None) -> str | None:
    """Return the deal kind (``supply``) of a relation word, through the mapping's ``values.relation`` first.

    Examples
    --------
    >>> deal_kind("supplies"), deal_kind("sells to", {"sells to": "supply"}), deal_kind("marries")
    ('supply', 'supply', None)
    """
    folded = _fold(word)
    mapped = _fold((words or {}).get(folded, folded))
    return mapped if mapped in DEAL_KINDS else _KIND_WORDS.get(mapped)


@dataclass(frozen=True)
class LayerSpec:
    """A stack layer declared by the mapping: key, label, broader layer, the layers it feeds, aliases."""

    key: str
    label: str
    broader: str | None = None
    feeds: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of the mapping (see the schema): what its rows are, where they come from and how to read them."""

    type: str
    label: str
    file: Path | None = None
    encoding: str | None = None
    delimiter: str = ","
    columns: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lists: Mapping[str, str] = field(default_factory=dict)
    where: Mapping[str, frozenset[str]] = field(default_factory=dict)
    where_not: Mapping[str, frozenset[str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()

    def value(self, role: str, word: str) -> str:
        """``word`` through the table's value map for ``role`` (unchanged when the map has no entry)."""
        return self.values.get(role, {}).get(_fold(word), word)


@dataclass(frozen=True)
class DatasetMapping:
    """A checked mapping: the dataset (namespace, source), its declared layers and its tables."""

    id: str
    title: str
    tables: tuple[Table, ...]
    layers: Mapping[str, LayerSpec] = field(default_factory=dict)
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    license: str | None = None
    description: str | None = None
    layer_scheme: Path | None = None
    path: Path | None = None


def load_mapping(path: str | Path) -> DatasetMapping:
    """Read and check a mapping file (version 2, or version 1 read as version 2).

    Raises
    ------
    ImportFormatError
        The file is missing or malformed, a key is unknown (the message suggests the closest valid key), a
        value has the wrong type, a required role is not mapped, or a status, deal kind or entity kind is unknown.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "clusters.toml"
    >>> _ = path.write_text('''[dataset]
    ... title = "GPU clusters"
    ... [[tables]]
    ... type = "relations"
    ... file = "clusters.csv"
    ... columns = { subject = "Owner", object = "Name", status = "Status" }
    ... defaults = { relation = "development", object_kind = "facility" }
    ... values.status = { Planned = "announced", Existing = "active" }
    ... ''')
    >>> mapping = load_mapping(path)
    >>> mapping.id, mapping.tables[0].file.name, mapping.tables[0].value("status", "planned")
    ('clusters', 'clusters.csv', 'announced')
    >>> _ = path.write_text('[dataset]\\ntitel = "x"\\n[[tables]]\\ntype = "layers"\\ncolumns = {id = "a"}\\n')
    >>> load_mapping(path)
    Traceback (most recent call last):
    ...
    stackgraph.errors.ImportFormatError: ...clusters.toml: [dataset]: unknown key 'titel'; did you mean 'title'?
    """
    file = Path(path)
    data = load_toml(file, "mapping file")
    if "tables" not in data and ("columns" in data or "csv" in data):
        data = _from_version_1(data, file)
    _check(data, mapping_schema(), mapping_schema(), file, "")
    folder = file.parent
    dataset = data.get("dataset", {})
    key = str(dataset.get("id") or _slug(file.stem))
    layers = {
        str(k): LayerSpec(
            str(k),
            str(v.get("label") or k),
            v.get("broader"),
            tuple(v.get("feeds", ())),
            tuple(v.get("aliases", ())),
        )
        for k, v in data.get("layers", {}).items()
    }
    tables = tuple(_table(raw, n, folder, file) for n, raw in enumerate(data["tables"], start=1))
    named = [t.file for t in tables if t.file is not None]
    if len(tables) - len(named) > 1:
        raise ImportFormatError(f"{file}: only one table may leave out its file (the file given on the command line)")
    scheme = dataset.get("layer_scheme")
    return DatasetMapping(
        id=key,
        title=str(dataset.get("title") or file.stem),
        tables=tables,
        layers=layers,
        publisher=dataset.get("publisher"),
        date=dataset.get("date"),
        url=dataset.get("url"),
        license=dataset.get("license"),
        description=dataset.get("description"),
        layer_scheme=(folder / scheme) if scheme else None,
        path=file,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text.strip()).strip("-").lower() or "dataset"


def _words(raw: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    return {
        str(column): frozenset(str(v).strip() for v in (value if isinstance(value, list) else [value]))
        for column, value in raw.items()
    }


def _table(raw: Mapping[str, Any], n: int, folder: Path, file: Path) -> Table:
    kind = str(raw["type"])
    columns = {str(k): str(v) for k, v in raw.get("columns", {}).items()}
    defaults = dict(raw.get("defaults", {}))
    values = {role: {_fold(w): str(v) for w, v in words.items()} for role, words in raw.get("values", {}).items()}
    formats = raw.get("date_formats", ())
    table = Table(
        type=kind,
        label=str(raw.get("file") or f"table {n}"),
        file=(folder / raw["file"]) if raw.get("file") else None,
        encoding=raw.get("encoding"),
        delimiter=str(raw.get("delimiter", ",")),
        columns=columns,
        defaults=defaults,
        values=values,
        lists={str(k): str(v) for k, v in raw.get("lists", {}).items()},
        where=_words(raw.get("where", {})),
        where_not=_words(raw.get("where_not", {})),
        date_formats=(formats,) if isinstance(formats, str) else tuple(formats),
    )
    where = f"{file}: [[tables]] {n} ({table.label})"
    _check_table(table, where)
    return table


def _require(table: Table, where: str, *roles: str) -> None:
    if not any(role in table.columns for role in roles):
        raise ImportFormatError(f"{where}: columns must name the {' or '.join(repr(r) for r in roles)} column")


def _check_table(table: Table, where: str) -> None:
    unknown_lists = set(table.lists) - set(table.columns)
    if unknown_lists:
        raise ImportFormatError(
            f"{where}: lists names role(s) the columns do not map: {', '.join(sorted(unknown_lists))}"
        )
    for role, target in ((r, v) for r, words in table.values.items() for v in words.values()):
        if role == "status" and status_concept(target) is None:
            raise ImportFormatError(f"{where}: values.status maps to {target!r}; use {', '.join(rules.STATUS_KEYS)}")
        if role == "relation" and deal_kind(target) is None:
            raise ImportFormatError(f"{where}: unknown deal kind {target!r}; use {', '.join(DEAL_KINDS)}")
        if role == "kind" and target not in ENTITY_KINDS:
            raise ImportFormatError(f"{where}: values.kind maps to {target!r}; use {', '.join(ENTITY_KINDS)}")
    for role in ("kind", "subject_kind", "object_kind", "holder_kind"):
        if role in table.defaults and table.value("kind", table.defaults[role]) not in ENTITY_KINDS:
            raise ImportFormatError(f"{where}: unknown kind {table.defaults[role]!r}; use {', '.join(ENTITY_KINDS)}")
    if table.type == "entities":
        _require(table, where, "label")
    elif table.type == "layers":
        _require(table, where, "id", "label")
    elif table.type == "shares":
        _require(table, where, "holder", "holder_id")
        _require(table, where, "share")
        if "market" not in table.columns and "market" not in table.defaults:
            raise ImportFormatError(f"{where}: give a 'market' column or a defaults market")
    else:
        _require(table, where, "subject", "subject_id")
        _require(table, where, "object", "object_id")
        relation = table.defaults.get("relation")
        if relation is None and "relation" not in table.columns:
            raise ImportFormatError(f"{where}: give a 'relation' column or a defaults relation")
        if relation is not None and deal_kind(str(relation), table.values.get("relation")) is None:
            raise ImportFormatError(f"{where}: unknown deal kind {relation!r}; use {', '.join(DEAL_KINDS)}")
        status = str(table.defaults.get("status", "active"))
        if status_concept(status, table.values.get("status")) is None:
            raise ImportFormatError(f"{where}: unknown default status {status!r}; use {', '.join(rules.STATUS_KEYS)}")


def _from_version_1(data: Mapping[str, Any], file: Path) -> dict[str, Any]:
    """The version 2 mapping a version 1 mapping stands for (one relation table)."""
    allowed = {"csv": ("title", "id", "encoding", "delimiter"), "columns": None, "defaults": None, "relations": None}
    for key, value in data.items():
        if key not in allowed:
            raise ImportFormatError(f"{file}: unknown table [{key}]{_suggest(key, list(allowed))}")
        inner = allowed[key]
        if inner is not None and isinstance(value, dict):
            for name in value:
                if name not in inner:
                    raise ImportFormatError(f"{file}: [{key}]: unknown key {name!r}{_suggest(name, list(inner))}")
    options = data.get("csv", {})
    table: dict[str, Any] = {"type": "relations", "columns": data.get("columns", {})}
    table.update({k: options[k] for k in ("encoding", "delimiter") if k in options})
    if data.get("defaults"):
        table["defaults"] = data["defaults"]
    if data.get("relations"):
        table["values"] = {"relation": data["relations"]}
    dataset = {k: options[k] for k in ("title", "id") if k in options}
    return {"dataset": dataset, "tables": [table]}


def _suggest(key: str, choices: list[str]) -> str:
    from rapidfuzz import process

    best = process.extractOne(key, choices, score_cutoff=60)
    if best is not None:
        return f"; did you mean {best[0]!r}?"
    return f"; use {', '.join(choices)}" if choices else ""


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def _check(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], file: Path, where: str) -> None:
    """Check ``value`` against ``schema`` (the JSON Schema keywords the mapping schema uses); raise on the first
    problem, naming the place in the mapping."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        _check(value, target, root, file, where)
    for sub in schema.get("allOf", ()):
        condition = sub.get("if")
        if condition is None or _fits(value, condition, root):
            _check(value, sub.get("then", sub), root, file, where)
    if "anyOf" in schema and not any(_fits(value, option, root) for option in schema["anyOf"]):
        raise ImportFormatError(f"{file}: {where or 'top level'}: {value!r} is not {_expected(schema['anyOf'])}")
    here = where or "top level"
    if "const" in schema and value != schema["const"]:
        raise ImportFormatError(f"{file}: {here}: must be {schema['const']!r}, not {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise ImportFormatError(f"{file}: {here}: {value!r} is not one of {', '.join(map(str, schema['enum']))}")
    expected = schema.get("type")
    if expected is not None and not _is(value, expected):
        raise ImportFormatError(f"{file}: {here}: expected {_article(expected)}, not {value!r}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            raise ImportFormatError(f"{file}: {here}: {value!r} has the wrong length")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            raise ImportFormatError(f"{file}: {here}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            raise ImportFormatError(f"{file}: {here}: needs at least {schema['minItems']} entry")
        for n, item in enumerate(value, start=1):
            if "items" in schema:
                _check(item, schema["items"], root, file, _item_place(where, n, item))
    if isinstance(value, dict):
        for required in schema.get("required", ()):
            if required not in value:
                raise ImportFormatError(f"{file}: {here}: missing key {required!r}")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            place = _place(where, key)
            if key in properties:
                _check(item, properties[key], root, file, place)
            elif extra is False:
                raise ImportFormatError(f"{file}: {here}: unknown key {key!r}{_suggest(key, list(properties))}")
            elif isinstance(extra, dict):
                _check(item, extra, root, file, place)


def _fits(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    try:
        _check(value, schema, root, Path(""), "")
    except ImportFormatError:
        return False
    return True


def _is(value: Any, expected: str) -> bool:
    if isinstance(value, bool) and expected in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[expected])


def _article(expected: str) -> str:
    return {"object": "a table", "array": "a list"}.get(expected, f"a {expected}")


def _expected(options: list[Mapping[str, Any]]) -> str:
    return " or ".join(_article(o.get("type", "value")) for o in options)


def _place(where: str, key: str) -> str:
    return f"{where}.{key}" if where else f"[{key}]"


def _item_place(where: str, n: int, item: Any) -> str:
    label = f" ({item.get('file')})" if isinstance(item, dict) and item.get("file") else ""
    return f"[{where}] {n}{label}"
