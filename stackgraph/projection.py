"""Project the knowledge store onto a NetworkX graph: the one place where RDF becomes ``networkx.MultiDiGraph``.

The projection follows the contract in DEVELOPERS.md ("Projection contract"): nodes are entities (id = IRI) with
``label``, ``kind``, ``layers``, ``iri`` (and ``aliases``); edges are deals (key = deal IRI) with ``relation``,
``status``, dates, money, ``stake``, ``input_layer``, ``purpose``, ``deal``, ``quotes``, ``sources`` and
``scenario``. A :class:`ProjectionPolicy` chooses which deals count.

It runs a handful of SPARQL SELECTs (``stackgraph/queries/projection/*.rq``) on the fast store and folds their rows
into the graph; it never walks triples in Python.

Which deals count
-----------------
A deal is *in view* under a policy when it has taken place by ``as_of`` (its effective date, or else its announced
date, is not after ``as_of``; undated deals are in view) and its status is one of ``statuses`` -- or it comes from
a ``sg:ScenarioSource``, whatever its status. It *counts* (becomes an edge) when it is in view, has not ended on or
before ``as_of``, and no deal supersedes it that is itself in view or terminated by ``as_of`` (a termination ends
what it supersedes even when terminated deals are not shown).

Partial dates compare as periods: a deal dated ``2025-10`` starts on 2025-10-01 and one that ended in ``2025``
ends on 2025-12-31, so a deal counts on every day it may have been in effect; a partial ``as_of`` means the last
day of its period (``as_of="2025"`` is the state at the end of 2025).
"""

from __future__ import annotations

import calendar
import functools
import gc
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx

from stackgraph.errors import InputError
from stackgraph.naming import concept_key, local_name, resolve_name
from stackgraph.resources import queries_dir

if TYPE_CHECKING:
    from stackgraph.store import KnowledgeStore

__all__ = [
    "DEFAULT_STATUSES",
    "KINDS",
    "RELATIONS",
    "STATUS_KEYS",
    "ProjectionPolicy",
    "entity_names",
    "parse_date",
    "parse_statuses",
    "project",
    "resolve_entity",
]

#: Every deal status key, in the order of the status scheme.
STATUS_KEYS: tuple[str, ...] = (
    "rumoured",
    "in-talks",
    "announced",
    "pending",
    "completed",
    "active",
    "terminated",
    "hypothetical",
)

#: The statuses that count by default: deals that took place or are in effect.
DEFAULT_STATUSES: frozenset[str] = frozenset({"completed", "active"})

#: Edge relations, one per deal class (ownership deals are ``controls``).
RELATIONS: tuple[str, ...] = ("acquires", "controls", "invests_in", "supplies", "partners_with", "develops")

#: Node kinds, one per entity class.
KINDS: tuple[str, ...] = ("organization", "person", "product", "facility")

SG_NS = "https://w3id.org/stackgraph/ns#"

_RELATION_OF_TYPE = {
    "Acquisition": "acquires",
    "Ownership": "controls",
    "Investment": "invests_in",
    "Supply": "supplies",
    "Partnership": "partners_with",
    "Development": "develops",
}

_DATE = re.compile(r"^\s*(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_date(text: str | date | None, *, end: bool = False) -> date | None:
    """Return the first (or, with ``end=True``, the last) day of a full or partial ISO date.

    Parameters
    ----------
    text : str, datetime.date or None
        ``YYYY-MM-DD`` (time and time-zone suffixes are ignored), ``YYYY-MM`` or ``YYYY``.
    end : bool
        Return the last day of the period instead of the first.

    Returns
    -------
    datetime.date or None
        ``None`` when ``text`` is ``None`` or not a date.

    Examples
    --------
    >>> parse_date("2025-10"), parse_date("2025-10", end=True), parse_date("2025", end=True)
    (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31), datetime.date(2025, 12, 31))
    """
    if text is None:
        return None
    if isinstance(text, date):
        return text
    match = _DATE.match(str(text))
    if not match:
        return None
    year = int(match.group(1))
    month_text, day_text = match.group(2), match.group(3)
    try:
        if day_text is not None:
            return date(year, int(month_text), int(day_text))
        if month_text is not None:
            month = int(month_text)
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError:
        return None


def parse_statuses(values: Iterable[str] | str | None) -> frozenset[str]:
    """Return the status keys named in ``values`` (repeated and/or comma-separated); ``None`` gives the default.

    Raises
    ------
    InputError
        A value is not a status key; the message lists the valid ones.

    Examples
    --------
    >>> sorted(parse_statuses(["completed,active", "in-talks"]))
    ['active', 'completed', 'in-talks']
    """
    if values is None:
        return DEFAULT_STATUSES
    if isinstance(values, str):
        values = [values]
    chosen: set[str] = set()
    for value in values:
        for part in str(value).split(","):
            key = part.strip().lower().replace("_", "-").replace(" ", "-")
            if not key:
                continue
            if key == "intalks":
                key = "in-talks"
            if key not in STATUS_KEYS:
                raise InputError(f"unknown status {part.strip()!r}; use one of {', '.join(STATUS_KEYS)}")
            chosen.add(key)
    if not chosen:
        raise InputError(f"no status given; use one or more of {', '.join(STATUS_KEYS)}")
    return frozenset(chosen)


@dataclass(frozen=True)
class ProjectionPolicy:
    """Which deals count in a projection.

    Parameters
    ----------
    as_of : str, datetime.date or None
        The day the graph shows (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a partial date means the end of its
        period). ``None`` means today.
    statuses : iterable of str
        Status keys (see :data:`STATUS_KEYS`) of the deals that count. Deals from a what-if scenario count
        whatever their status.

    Examples
    --------
    >>> policy = ProjectionPolicy(as_of="2025-10", statuses={"completed", "active", "in-talks"})
    >>> policy.as_of_date().isoformat(), sorted(policy.statuses)
    ('2025-10-31', ['active', 'completed', 'in-talks'])
    """

    as_of: str | date | None = None
    statuses: frozenset[str] = field(default=DEFAULT_STATUSES)

    def __post_init__(self) -> None:
        statuses = self.statuses
        if isinstance(statuses, str) or not isinstance(statuses, frozenset):
            statuses = parse_statuses(statuses)
        unknown = sorted(set(statuses) - set(STATUS_KEYS))
        if unknown:
            raise InputError(f"unknown status {unknown[0]!r}; use one of {', '.join(STATUS_KEYS)}")
        object.__setattr__(self, "statuses", frozenset(statuses))
        if self.as_of is not None and not isinstance(self.as_of, date):
            text = str(self.as_of).strip()
            if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) or parse_date(text) is None:
                raise InputError(f"invalid date {self.as_of!r}; use YYYY-MM-DD, YYYY-MM or YYYY")
            object.__setattr__(self, "as_of", text)

    def as_of_date(self) -> date:
        """Return the day the policy shows: the last day of ``as_of``'s period, or today."""
        if self.as_of is None:
            return date.today()
        resolved = parse_date(self.as_of, end=True)
        assert resolved is not None  # checked in __post_init__
        return resolved

    def in_view(self, status: str | None, start: str | None, *, scenario: bool = False) -> bool:
        """Return whether a deal with this status and start date (effective, else announced) is in view."""
        return _in_view(self, self.as_of_date(), status, start, scenario)

    def ended(self, end: str | None) -> bool:
        """Return whether a deal that ended at ``end`` (full or partial date) has ended by ``as_of``."""
        return _ended(end, self.as_of_date())


def _query_text(name: str) -> str:
    return (queries_dir() / "projection" / f"{name}.rq").read_text(encoding="utf-8")


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def _term(cell: str) -> str | None:
    """Decode one cell of a SPARQL TSV result: an IRI, a literal's lexical form, a bare number or a blank node."""
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        lexical = cell[1 : cell.rfind('"')]
        return _ESCAPE.sub(_unescape, lexical) if "\\" in lexical else lexical
    return cell


def _columns(
    store: KnowledgeStore, name: str, graphs: Sequence[str] | None, values: str = ""
) -> list[list[str | None]]:
    """Run a projection query and return its result column by column, as plain strings (``None`` when unbound).

    ``values`` replaces the query's ``#VALUES#`` line (a VALUES block built from IRIs the store returned).
    The engine serialises the whole result as SPARQL TSV in one call; splitting that text is several times
    faster than converting every solution to Python term objects. The text is split into cells in one go and
    sliced into columns; a column with few distinct cells (statuses, layers, dates, ...) decodes each once.
    """
    import pyoxigraph as ox

    # The projection reads deal nodes only, never the derived direct properties: no need to derive them first.
    result = store.query(_query_text(name).replace("#VALUES#", values), graphs=graphs, derived=False)
    text = result.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
    header, _, body = text.partition("\n")
    width = len(header.split("\t")) if header else 0
    if not width:
        return []
    cells = body.replace("\n", "\t").split("\t") if body else []
    if cells and cells[-1] == "" and len(cells) % width == 1:
        cells.pop()  # the last line's newline
    if len(cells) % width:  # TSV escapes tabs and newlines inside literals, so this never happens
        rows = [line.split("\t") for line in body.split("\n") if line]
        cells = [cell for row in rows if len(row) == width for cell in row]
    columns = []
    for i in range(width):
        raw = cells[i::width]
        distinct = set(raw)
        if 2 * len(distinct) < len(raw):
            decoded = {cell: _cell(cell) for cell in distinct}
            columns.append(list(map(decoded.__getitem__, raw)))
        else:
            columns.append([cell[1:-1] if cell[:1] == "<" else _term(cell) for cell in raw])
    return columns


def _cell(cell: str) -> str | None:
    return cell[1:-1] if cell[:1] == "<" else _term(cell)


def _rows(store: KnowledgeStore, name: str, graphs: Sequence[str] | None, values: str = "") -> list[list[str | None]]:
    """Run a projection query and return its rows as lists of plain strings (``None`` when unbound)."""
    return [list(row) for row in zip(*_columns(store, name, graphs, values), strict=True)]


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


class _Keys(dict):  # type: ignore[type-arg]
    """IRI -> concept key, memoised (a few dozen distinct layers and statuses, seen many times)."""

    def __missing__(self, iri: str) -> str:
        key = self[iri] = concept_key(iri)
        return key


def project(
    store: KnowledgeStore,
    policy: ProjectionPolicy | None = None,
    *,
    graphs: Sequence[str] | None = None,
    provenance: bool = True,
) -> nx.MultiDiGraph:
    """Project the store onto a ``networkx.MultiDiGraph`` of entities and the deals that count under ``policy``.

    Parameters
    ----------
    store : KnowledgeStore
        The knowledge store to read.
    policy : ProjectionPolicy, optional
        Which deals count; by default completed and active deals as of today.
    graphs : sequence of str, optional
        Named graphs to read (the ontology graph is always added, for the role properties and the layer
        scheme); by default the union of all.
    provenance : bool, default True
        Attach each deal's source titles and quoted sentences (``sources``, ``quotes``, ``source_iris``). The
        analyses never read them; leaving them out saves a query and a third of the time on large graphs.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges as in DEVELOPERS.md's projection contract (nodes also carry ``aliases``, edges
        ``source_iris``). ``G.graph`` holds ``layers`` (each also with its ``narrower`` layers), ``statuses``
        (the status keys that count, in scheme order), ``as_of`` (ISO date), ``market_positions`` (those dated
        no later than ``as_of``) and ``graphs`` (the named graphs read, or ``None`` for all).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore.with_shipped_graphs(include_shipped=False)
    >>> _ = store.load_data(
    ...     "@prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix sgid: <https://w3id.org/stackgraph/id/> ."
    ...     "sgid:A a sg:Organization ; sg:inLayer sg:AIModels . sgid:B a sg:Organization ."
    ...     "sgid:deal a sg:Acquisition ; sg:acquirer sgid:A ; sg:target sgid:B ; sg:status sg:Completed .",
    ...     "urn:stackgraph:graph:example",
    ... )
    >>> G = project(store)
    >>> [(local_name(u), local_name(v), d["relation"]) for u, v, d in G.edges(data=True)]
    [('A', 'B', 'acquires')]
    >>> G.nodes["https://w3id.org/stackgraph/id/A"]["layers"]
    ('ai-models',)
    """
    policy = policy or ProjectionPolicy()
    if graphs is not None:
        from stackgraph.store import ONTOLOGY_GRAPH

        graphs = list(dict.fromkeys([*graphs, ONTOLOGY_GRAPH]))
    # Building a graph allocates millions of small containers and no reference cycles: pausing the cyclic
    # garbage collector meanwhile saves its repeated full scans (a fifth of the time at 300k deals).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _project(store, policy, graphs, provenance)
    finally:
        if collecting:
            gc.enable()


def _project(
    store: KnowledgeStore, policy: ProjectionPolicy, graphs: Sequence[str] | None, with_provenance: bool
) -> nx.MultiDiGraph:
    as_of = policy.as_of_date()
    keys = _Keys()

    G = nx.MultiDiGraph()
    G.graph["as_of"] = as_of.isoformat()
    G.graph["statuses"] = tuple(s for s in STATUS_KEYS if s in policy.statuses)
    G.graph["graphs"] = None if graphs is None else tuple(graphs)
    G.graph["layers"] = _layers(store, graphs, keys)
    _add_entities(G, store, graphs, keys)

    deals, parties = _deals(store, graphs, keys)
    in_view = {deal: _in_view(policy, as_of, row[1], row[3] or row[2], row[10]) for deal, row in deals.items()}
    hidden = {
        older
        for newer, older in _rows(store, "supersedes", graphs)
        if older is not None and _supersedes_visibly(newer, deals, in_view, as_of)
    }
    provenance = _provenance(store, graphs) if with_provenance else {}
    no_provenance: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ())
    counted = {
        deal for deal, row in deals.items() if in_view[deal] and deal not in hidden and not _ended(row[4], as_of)
    }
    attributes = {}
    for deal in counted:
        row = deals[deal]
        sources, quotes, source_iris = provenance.get(deal, no_provenance)
        attributes[deal] = {
            "relation": row[0],
            "status": row[1],
            "announced": row[2],
            "effective": row[3],
            "ended": row[4],
            "amount": row[5],
            "currency": row[6],
            "stake": row[7],
            "input_layer": row[8],
            "purpose": row[9],
            "deal": deal,
            "quotes": quotes,
            "sources": sources,
            "source_iris": source_iris,
            "scenario": row[10],
        }
    edges = [(actor, counterparty, deal, attributes[deal]) for deal, actor, counterparty in parties if deal in counted]
    succ, pred = G._succ, G._pred
    for actor, counterparty, _, _ in edges:
        for node in (actor, counterparty):
            if node not in succ:
                G.add_node(node, label=local_name(node), kind=None, layers=(), iri=node, aliases=())
    # Bulk insertion into the adjacency dicts, as MultiDiGraph.add_edge does it (one key dict shared by successor
    # and predecessor maps) without its per-edge checks: every node exists by now and each (actor, counterparty,
    # deal) comes once. This is a third of the projection's Python time at 300k deals.
    shared: set[str] = set()
    for actor, counterparty, deal, data in edges:
        if deal in shared:  # several parties: each edge gets its own attribute dict
            data = dict(data)
        shared.add(deal)
        keydict = succ[actor].get(counterparty)
        if keydict is None:
            keydict = succ[actor][counterparty] = G.edge_key_dict_factory()
            pred[counterparty][actor] = keydict
        keydict[deal] = data
    nx._clear_cache(G)
    G.graph["market_positions"] = _market_positions(store, graphs, as_of, keys)
    return G


@functools.lru_cache(maxsize=4096)
def _start(text: str | None) -> date | None:
    return parse_date(text)


@functools.lru_cache(maxsize=4096)
def _finish(text: str | None) -> date | None:
    return parse_date(text, end=True)


def _in_view(policy: ProjectionPolicy, as_of: date, status: str | None, start: str | None, scenario: bool) -> bool:
    if not (scenario or (status is not None and status in policy.statuses)):
        return False
    begun = _start(start)
    return begun is None or begun <= as_of


def _ended(end: str | None, as_of: date) -> bool:
    if end is None:
        return False
    finished = _finish(end)
    return finished is not None and finished <= as_of


def _supersedes_visibly(
    newer: str | None, deals: Mapping[str, Sequence[Any]], in_view: Mapping[str, bool], as_of: date
) -> bool:
    """A superseding deal hides the older one when it is in view, or when it is a termination that took place."""
    if newer is None:
        return False
    if in_view.get(newer, False):
        return True
    row = deals.get(newer)
    if row is None or row[1] != "terminated":
        return False
    begun = _start(row[3] or row[2])
    return begun is None or begun <= as_of


def _layers(store: KnowledgeStore, graphs: Sequence[str] | None, keys: _Keys) -> dict[str, dict[str, Any]]:
    layers: dict[str, dict[str, Any]] = {}
    for iri, label, broader, feeds in _rows(store, "layers", graphs):
        assert iri is not None
        key = keys[iri]
        entry = layers.setdefault(key, {"iri": iri, "label": None, "broader": None, "feeds": [], "narrower": []})
        if label is not None and entry["label"] is None:
            entry["label"] = label
        if broader is not None and entry["broader"] is None:
            entry["broader"] = keys[broader]
        if feeds is not None and keys[feeds] not in entry["feeds"]:
            entry["feeds"].append(keys[feeds])
    for key, entry in layers.items():
        if entry["label"] is None:
            entry["label"] = key
        entry["feeds"].sort()
        parent = entry["broader"]
        if parent in layers:
            layers[parent]["narrower"].append(key)
    for entry in layers.values():
        entry["narrower"].sort()
    return dict(sorted(layers.items()))


def _add_entities(G: nx.MultiDiGraph, store: KnowledgeStore, graphs: Sequence[str] | None, keys: _Keys) -> None:
    label_iri = "http://www.w3.org/2000/01/rdf-schema#label"
    alias_iri = SG_NS + "alias"
    entities: dict[str, tuple[str, list[str], list[str], list[str]]] = {}
    for iri, kind, prop, value in zip(*_columns(store, "entities", graphs), strict=True):
        assert iri is not None and kind is not None
        entry = entities.get(iri)
        if entry is None:
            entry = entities[iri] = (kind, [], [], [])
        if prop is None or value is None:
            continue
        if prop == label_iri:
            entry[1].append(value)
        elif prop == alias_iri:
            entry[2].append(value)
        else:
            entry[3].append(keys[value])
    G.add_nodes_from(
        (
            iri,
            {
                "label": labels[0] if labels else local_name(iri),
                "kind": kind,
                "layers": tuple(sorted(set(layers))),
                "iri": iri,
                "aliases": tuple(dict.fromkeys([*labels[1:], *aliases])),
            },
        )
        for iri, (kind, labels, aliases, layers) in entities.items()
    )


def _role_pairs(store: KnowledgeStore, graphs: Sequence[str] | None) -> str:
    """Return the VALUES block of (deal class, actor role, counterparty role) for the deal query.

    Role properties are paired through their ``rdfs:domain``: the acquirer and target of an acquisition, the
    supplier and customer of a supply, each partner of a partnership with each other.
    """
    import pyoxigraph as ox

    side_roles: dict[str, dict[str, list[str]]] = {}
    for side, role, domain in _rows(store, "roles", graphs):
        if side is None or role is None or domain is None or not domain.startswith(SG_NS):
            continue
        if domain[len(SG_NS) :] in _RELATION_OF_TYPE:
            side_roles.setdefault(domain, {}).setdefault(local_name(side), []).append(role)
    pairs = []
    for domain, sides in sorted(side_roles.items()):
        for actor in sorted(sides.get("actor", ())):
            pairs.extend((domain, actor, counterparty) for counterparty in sorted(sides.get("counterparty", ())))
        pairs.extend((domain, partner, partner) for partner in sorted(sides.get("partner", ())))
    if not pairs:
        raise InputError("the store holds no deal role properties: is the stackgraph ontology loaded?")
    # Each IRI passes through the engine's own term type, so the block is well-formed whatever the store held.
    rows = " ".join("(" + " ".join(str(ox.NamedNode(iri)) for iri in pair) + ")" for pair in pairs)
    return f"VALUES (?type ?actorRole ?counterpartyRole) {{ {rows} }}"


def _deals(
    store: KnowledgeStore, graphs: Sequence[str] | None, keys: _Keys
) -> tuple[dict[str, tuple[Any, ...]], list[tuple[str, str, str]]]:
    """Each deal's (relation, status, announced, effective, ended, amount, currency, stake, input layer, purpose,
    scenario) (the first row of a deal wins when values repeat), and its (deal, actor, counterparty) pairs."""
    relation_of = {SG_NS + name: relation for name, relation in _RELATION_OF_TYPE.items()}
    columns = _columns(store, "deals", graphs, _role_pairs(store, graphs))
    if not columns or not columns[0]:
        return {}, []
    (
        deal,
        deal_type,
        actor,
        counterparty,
        status,
        announced,
        effective,
        ended,
        amount,
        currency,
        stake,
        layer,
        purpose,
    ) = columns
    assert None not in deal and None not in deal_type and None not in actor and None not in counterparty

    def mapped(column: list[Any], convert: Any) -> list[Any]:
        """``convert`` applied to each distinct value of ``column`` once."""
        table = {value: None if value is None else convert(value) for value in set(column)}
        return list(map(table.__getitem__, column))

    parties = dict.fromkeys(zip(deal, actor, counterparty, strict=True))
    values = zip(
        mapped(deal_type, relation_of.__getitem__),
        mapped(status, keys.__getitem__),
        announced,
        effective,
        ended,
        mapped(amount, _number),
        currency,
        mapped(stake, _number),
        mapped(layer, keys.__getitem__),
        purpose,
        [False] * len(deal),
        strict=True,
    )
    # the first row of each deal wins: building the dict from the last row back keeps the first value of each key
    deals: dict[str, Any] = dict(zip(reversed(deal), reversed(list(values)), strict=True))
    for (scenario_deal,) in _rows(store, "scenario_deals", graphs):
        row = deals.get(scenario_deal)  # type: ignore[arg-type]
        if row is not None:
            deals[scenario_deal] = (*row[:10], True)  # type: ignore[index]
    return deals, list(parties)


def _provenance(
    store: KnowledgeStore, graphs: Sequence[str] | None
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Return, per subject, its source titles, quoted sentences and source IRIs (equal tuples shared)."""
    sources: dict[str, dict[str, str]] = {}
    quotes: dict[str, list[str]] = {}
    for subject, source, title, quote in _rows(store, "provenance", graphs):
        assert subject is not None
        if quote is not None:
            quotes.setdefault(subject, []).append(quote)
        elif source is not None:
            by_subject = sources.get(subject)
            if by_subject is None:
                sources[subject] = {source: title or source}
            elif title is not None or source not in by_subject:
                by_subject[source] = title or source
    interned: dict[Any, Any] = {}
    result = {}
    for subject, by_subject in sources.items():
        entry = (tuple(by_subject.values()), tuple(dict.fromkeys(quotes.pop(subject, ()))), tuple(by_subject))
        result[subject] = interned.setdefault(entry, entry)
    for subject, said in quotes.items():
        result[subject] = ((), tuple(dict.fromkeys(said)), ())
    return result


def _market_positions(
    store: KnowledgeStore, graphs: Sequence[str] | None, as_of: date, keys: _Keys
) -> list[dict[str, Any]]:
    positions: dict[str, dict[str, Any]] = {}
    for position, holder, market, year_text, share_text, source, title in _rows(store, "market_positions", graphs):
        assert position is not None and holder is not None and market is not None
        year_start = parse_date(year_text)
        share = _number(share_text)
        if share is None or (year_start is not None and year_start > as_of):
            continue
        entry = positions.get(position)
        if entry is None:
            positions[position] = {
                "holder": holder,
                "market": keys[market],
                "year": year_start.year if year_start is not None else None,
                "share": share,
                "source": title or source,
                "position": position,
            }
        elif title is not None:
            entry["source"] = title
    return sorted(positions.values(), key=lambda p: (p["market"], -(p["year"] or 0), -p["share"], p["holder"]))


def entity_names(G: nx.Graph) -> dict[str, tuple[str, ...]]:
    """Return each node of ``G`` with the names it is known by (label and aliases), for name lookup."""
    return {
        node: tuple(n for n in (data.get("label"), *data.get("aliases", ())) if n) for node, data in G.nodes(data=True)
    }


def resolve_entity(G: nx.Graph, name: str, names: Mapping[str, Iterable[str]] | None = None) -> str:
    """Return the node of ``G`` that ``name`` designates: its IRI, local name, label or an alias (any case).

    Raises
    ------
    stackgraph.errors.UnknownEntityError
        Nothing matches (the message suggests the closest names) or the name is ambiguous.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("https://w3id.org/stackgraph/id/SpaceX", label="SpaceX", aliases=())
    >>> resolve_entity(G, "spacex")
    'https://w3id.org/stackgraph/id/SpaceX'
    """
    return resolve_name(name, names if names is not None else entity_names(G))
