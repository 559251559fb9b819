"""Import ownership and investment relations from Wikidata SPARQL results (JSON), offline or from an endpoint.

The results must bind, per row, a subject item, a property and an object item -- variables ``?item ?property
?value`` (or ``?subject ?property ?object``) -- and may bind labels (``?itemLabel``/``?subjectLabel``,
``?valueLabel``/``?objectLabel``) and the qualifiers start time (P580, ``?start``) and end time (P582, ``?end``).
A query that asks for one property only may leave ``?property`` out and pass ``property="P127"``. Example query::

    SELECT ?item ?itemLabel ?property ?value ?valueLabel ?start ?end WHERE {
      VALUES ?property { wdt:P127 wdt:P749 wdt:P355 wdt:P1830 wdt:P1951 }
      ?item ?property ?value ; wdt:P452 wd:Q880371 .         # e.g. companies in the semiconductor industry
      BIND(IRI(REPLACE(STR(?property), "prop/direct", "prop")) AS ?p)
      OPTIONAL { ?item ?p ?st . ?st ?ps ?value .
                 OPTIONAL { ?st pq:P580 ?start } OPTIONAL { ?st pq:P582 ?end } }
      SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }
    }

Properties and the deals they become (the owner side is the deal's actor):

===========  ===================  ==============================================
P127         owned by             ``sg:Ownership``: value owns item
P749         parent organization  ``sg:Ownership``: value owns item
P355         subsidiary           ``sg:Ownership``: item owns value
P1830        owner of             ``sg:Ownership``: item owns value
P1951        investor             ``sg:Investment``: value invests in item
===========  ===================  ==============================================

A relation stated from both ends (A P1830 B and B P127 A) becomes one deal; the second row is reported as a
duplicate. A deal with an end time is ``sg:Terminated`` with ``sg:endDate``, else ``sg:Active``; the start time is
its ``sg:effectiveDate``. Entities are ``sgid:wikidata/Q…`` organisations with ``owl:sameAs`` the Wikidata item.
The results are a ``sg:DatasetSource`` ("Wikidata", CC0) and each deal's evidence names its row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stackgraph.endpoint import post_query
from stackgraph.errors import ImportFormatError
from stackgraph.importers._common import RDF_TYPE, ImportResult, ProgressCallback, entity_iri, sg
from stackgraph.importers._dataset import DatasetRun, SelectStore, open_index, open_layers
from stackgraph.importers.report import ImportReport
from stackgraph.importers.values import parse_partial_date
from stackgraph.vocabulary.terms import SG

__all__ = ["PROPERTIES", "fetch_wikidata", "import_wikidata", "read_wikidata"]

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"

# property -> (deal class, actor role, counterparty role, actor is the item (True) or the value (False), label)
PROPERTIES: dict[str, tuple[str, str, str, bool, str]] = {
    "P127": ("Ownership", "owner", "owned", False, "owned by"),
    "P749": ("Ownership", "owner", "owned", False, "parent organization"),
    "P355": ("Ownership", "owner", "owned", True, "subsidiary"),
    "P1830": ("Ownership", "owner", "owned", True, "owner of"),
    "P1951": ("Investment", "investor", "investee", False, "investor"),
}
_PID = re.compile(r"(?:^|[/#:])(P\d+)$")
_QID = re.compile(r"(?:^|/)(Q\d+)$")
_OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
_HUMAN = "Q5"  # instance of (P31) human: a person
_ALIASES = {
    "subject": ("item", "subject", "s"),
    "object": ("value", "object", "o"),
    "property": ("property", "prop", "p"),
    "subjectLabel": ("itemLabel", "subjectLabel"),
    "objectLabel": ("valueLabel", "objectLabel"),
    "subjectType": ("itemType", "subjectType"),
    "objectType": ("valueType", "objectType"),
    "start": ("start", "startTime"),
    "end": ("end", "endTime"),
}


def _pick(binding: Mapping[str, Any], role: str) -> str:
    for name in _ALIASES[role]:
        term = binding.get(name)
        if isinstance(term, dict) and "value" in term:
            return str(term["value"]).strip()
    return ""


def _qid(value: str) -> str | None:
    match = _QID.search(value)
    return match.group(1) if match else None


def fetch_wikidata(query: str, endpoint: str = WIKIDATA_ENDPOINT, *, timeout: float = 60.0) -> bytes:
    """Run ``query`` on a Wikidata-style SPARQL endpoint and return the SPARQL JSON results (bytes).

    Raises :class:`~stackgraph.errors.EndpointError` naming the URL when it is unreachable, times out after
    ``timeout`` seconds or answers with an error.
    """
    _content_type, body = post_query(endpoint, query, timeout=timeout, accept="application/sparql-results+json")
    return body


def read_wikidata(
    results: str | Path | bytes,
    *,
    property: str | None = None,
    label: str | None = None,
    retrieved: str | None = None,
    url: str | None = None,
    against: SelectStore | None = None,
    matches: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Turn Wikidata SPARQL JSON results (a file path or the bytes) into deals; returns triples and report.

    Parameters
    ----------
    results : path or bytes
        SPARQL 1.1 Query Results JSON.
    property : str, optional
        The property of every row (``"P127"``) when the results have no ``?property`` column.
    label : str, optional
        What the report calls the input (default: the file name).
    retrieved : str, optional
        When the results were retrieved (``YYYY-MM-DD``; default: the file's date, or today).
    url : str, optional
        The endpoint the results came from (the source's ``schema:url``).
    against : KnowledgeStore, optional
        What is loaded: items are resolved against its entities (Q-id, then label; see
        :mod:`stackgraph.resolution`), so that an item already loaded is not created twice.
    matches : path-like, optional
        A review file of decisions from an earlier run.

    Raises
    ------
    ImportFormatError
        Not JSON, not SPARQL SELECT results, or no subject/object/property variables.

    Examples
    --------
    >>> data = b'''{"head": {"vars": ["item", "property", "value"]}, "results": {"bindings": [
    ...   {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
    ...    "property": {"type": "uri", "value": "http://www.wikidata.org/prop/direct/P127"},
    ...    "value": {"type": "uri", "value": "http://www.wikidata.org/entity/Q2"}}]}}'''
    >>> read_wikidata(data, retrieved="2025-01-01").report.counts
    {'organizations': 2, 'ownerships': 1}
    """
    if isinstance(results, bytes):
        data, name = results, label or "wikidata-results.json"
        day = retrieved or dt.date.today().isoformat()
    else:
        path = Path(results)
        if not path.is_file():
            raise ImportFormatError(f"{path}: no such file")
        data, name = path.read_bytes(), label or path.name
        day = retrieved or dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    if not data.strip():
        raise ImportFormatError(f"{name}: empty file")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportFormatError(f"{name}: wrong encoding: SPARQL JSON results must be UTF-8 ({error.reason})") from None
    except ValueError as error:
        raise ImportFormatError(f"{name}: not JSON ({error})") from None
    bindings = document.get("results", {}).get("bindings") if isinstance(document, dict) else None
    variables = document.get("head", {}).get("vars", []) if isinstance(document, dict) else []
    if not isinstance(bindings, list):
        raise ImportFormatError(f"{name}: not SPARQL SELECT results (no results.bindings)")
    have = set(variables) or {k for b in bindings if isinstance(b, dict) for k in b}
    for role in ("subject", "object") + (() if property else ("property",)):
        if not have & set(_ALIASES[role]):
            wanted = " or ".join("?" + n for n in _ALIASES[role])
            raise ImportFormatError(f"{name}: missing columns: the results need {wanted}; they have {sorted(have)}")
    fixed_pid = None
    if property:
        match = _PID.search(property.strip())
        fixed_pid = match.group(1) if match else None
        if fixed_pid not in PROPERTIES:
            raise ImportFormatError(f"unsupported property {property!r}; use one of {', '.join(PROPERTIES)}")

    report = ImportReport(name, rows={name: len(bindings)})
    run = DatasetRun(
        "wikidata",
        report,
        open_index(against, matches),
        open_layers(against),
        source_key="wikidata/" + re.sub(r"[^A-Za-z0-9._-]+", "-", name),
        source_title=f"Wikidata query results ({name})",
        source={
            "publisher": "Wikimedia Foundation",
            "date": day,
            "url": url or "https://www.wikidata.org",
            "license_url": "https://creativecommons.org/publicdomain/zero/1.0/",
        },
    )
    b = run.b
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for binding in bindings:  # first the names and kinds of the items, to resolve each once
        if not isinstance(binding, dict):
            continue
        for side in ("subject", "object"):
            qid = _qid(_pick(binding, side))
            if qid is None:
                continue
            text = _pick(binding, f"{side}Label")
            if text and not _QID.fullmatch(text):
                labels.setdefault(qid, text)
            if _qid(_pick(binding, f"{side}Type")) == _HUMAN:
                kinds[qid] = "person"
    nodes: dict[str, ox.NamedNode] = {}

    def entity(qid: str, row: int) -> ox.NamedNode:
        if qid not in nodes:
            node, created = run.party_or_new(
                labels.get(qid, qid), kinds.get(qid), f"{name} row {row}", identifiers={"wikidata": qid}, local=qid
            )
            if created:
                b.add(node, _OWL_SAME_AS, ox.NamedNode(WIKIDATA_ENTITY + qid))
            nodes[qid] = node
        return nodes[qid]

    seen_rows: dict[tuple[str, ...], int] = {}
    seen_deals: dict[tuple[str, ...], int] = {}
    for index, binding in enumerate(bindings, start=1):
        if progress is not None and index % 2000 == 0:
            progress(index, len(bindings))
        if not isinstance(binding, dict) or not binding:
            report.add_issue(name, index, "empty row", "skipped")
            continue
        subject, obj = _pick(binding, "subject"), _pick(binding, "object")
        prop_text = fixed_pid or _pick(binding, "property")
        excerpt = f"{subject} {prop_text} {obj}"
        match = _PID.search(prop_text)
        pid = match.group(1) if match else None
        if pid not in PROPERTIES:
            report.add_issue(name, index, f"unsupported property: {prop_text!r}", "skipped", excerpt)
            continue
        s_qid, o_qid = _qid(subject), _qid(obj)
        if s_qid is None or o_qid is None:
            bad = subject if s_qid is None else obj
            report.add_issue(name, index, f"not a Wikidata item: {bad!r}", "skipped", excerpt)
            continue
        if s_qid == o_qid:
            report.add_issue(name, index, f"self-relation: {s_qid} {pid} itself", "skipped", excerpt)
            continue
        start_text, end_text = _pick(binding, "start"), _pick(binding, "end")
        signature = (s_qid, pid, o_qid, start_text, end_text)
        if signature in seen_rows:
            report.add_issue(name, index, f"duplicated row: same as row {seen_rows[signature]}", "skipped", excerpt)
            continue
        seen_rows[signature] = index
        cls, actor_role, counter_role, item_acts, _label = PROPERTIES[pid]
        actor_qid, counter_qid = (s_qid, o_qid) if item_acts else (o_qid, s_qid)
        deal_key = (cls, actor_qid, counter_qid, start_text, end_text)
        if deal_key in seen_deals:
            report.add_issue(
                name,
                index,
                f"duplicated relation: same as row {seen_deals[deal_key]} stated from the other side",
                "skipped",
                excerpt,
            )
            continue
        seen_deals[deal_key] = index
        actor, counter = entity(actor_qid, index), entity(counter_qid, index)
        start = _date(report, name, index, start_text, "start")
        end = _date(report, name, index, end_text, "end")
        key = f"{actor_qid}-{cls.lower()}-{counter_qid}" + (f"-{start.value}" if start is not None else "")
        deal = entity_iri("wikidata/deal", key)
        b.add(deal, RDF_TYPE, sg(cls))
        b.add(deal, sg(actor_role), actor)
        b.add(deal, sg(counter_role), counter)
        b.add(deal, sg(SG.status), sg(SG.Terminated if end_text else SG.Active))
        if start is not None:
            b.add(deal, sg(SG.effectiveDate), start)
        if end is not None:
            b.add(deal, sg(SG.endDate), end)
        b.evidence(deal, run.source, record=f"{name} row {index} ({s_qid} {pid} {o_qid})")
        report.count(f"{cls.lower()}s")
    if progress is not None:
        progress(len(bindings), len(bindings))
    report.triples = len(b.triples)
    return ImportResult(b.triples, report)


def _date(report: ImportReport, name: str, row: int, text: str, what: str) -> ox.Literal | None:
    if not text:
        return None
    literal, problem = parse_partial_date(text)
    if problem:
        kind, _, detail = problem.partition(" date ")
        report.add_issue(name, row, f"{kind} date: {what} {detail}; date dropped", "kept", text)
    return literal


def import_wikidata(
    results: str | Path | bytes,
    output: str | Path,
    *,
    property: str | None = None,
    label: str | None = None,
    retrieved: str | None = None,
    url: str | None = None,
    against: SelectStore | None = None,
    matches: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import Wikidata SPARQL JSON results into the RDF file ``output`` atomically; see :func:`read_wikidata`.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "wd.ttl"
    >>> data = b'{"head": {"vars": ["item", "value"]}, "results": {"bindings": []}}'
    >>> import_wikidata(data, out, property="P127").rows
    {'wikidata-results.json': 0}
    """
    result = read_wikidata(
        results,
        property=property,
        label=label,
        retrieved=retrieved,
        url=url,
        against=against,
        matches=matches,
        progress=progress,
    )
    result.write(output)
    return result.report
