"""What the projection's answers rest on: the sources of each deal (its basis of evidence kinds, its titles and
quoted sentences) and the market positions with theirs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackgraph.projection._columns import Keys, by_value, to_number
from stackgraph.vocabulary import rules
from stackgraph.vocabulary.rules import DealPolicy, parse_date

__all__ = ["basis_of", "by_source", "kinds_of_sources", "market_positions", "provenance_of"]


def by_source(data: bytes) -> list[tuple[str, list[str]]]:
    """derived_from.rq's rows as (source, subjects) (see :func:`by_value`), read once for the basis and the
    provenance."""
    return by_value(data)


def provenance_of(
    derived: Sequence[tuple[str, Sequence[str]]], rows: Iterable[Sequence[str | None]]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Return, per subject, its source titles, quoted sentences and source IRIs (equal tuples shared), from the
    subjects of each source (:func:`by_source`) and provenance.rq's (source, title) and (subject, quote) rows: the
    sources are few, so the subjects are not read a second time."""
    titles: dict[str, str] = {}
    quotes: dict[str, list[str]] = {}
    for source, title, subject, quote in rows:
        if quote is not None and subject is not None:
            quotes.setdefault(subject, []).append(quote)
        elif source is not None and title is not None:
            titles.setdefault(source, title)
    interned: dict[Any, Any] = {}
    result: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    for source, subjects in derived:
        title = titles.get(source, source)
        single = ((title,), (), (source,))
        earlier = {subject: result[subject] for subject in result.keys() & subjects} if result else {}
        result.update(dict.fromkeys(subjects, interned.setdefault(single, single)))
        for subject, (named, _, iris) in earlier.items():  # also derived from an earlier source
            entry = (named, (), iris) if source in iris else ((*named, title), (), (*iris, source))
            result[subject] = interned.setdefault(entry, entry)
    for subject, said in quotes.items():
        named, _, iris = result.get(subject, ((), (), ()))
        result[subject] = (named, tuple(dict.fromkeys(said)), iris)
    return result


def kinds_of_sources(rows: Iterable[Sequence[str | None]]) -> dict[str, str]:
    """Each typed source with its evidence kind, from source_kinds.rq's (source, source class) rows."""
    classes: dict[str, set[str]] = {}
    for source, cls in rows:
        if source is not None and cls is not None:
            classes.setdefault(source, set()).add(cls)
    return {source: rules.evidence_kind(found) for source, found in classes.items()}


def basis_of(derived: Sequence[tuple[str, Sequence[str]]], kind_of: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each subject with a ``prov:wasDerivedFrom`` and the sorted evidence kinds of its sources (an untyped source
    counts as a document: ``quoted``), from the subjects of each source (:func:`by_source`). Sources are few: one
    dict per source, merged where subjects have several."""
    basis: dict[str, tuple[str, ...]] = {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    untyped = rules.evidence_kind(())
    for source, subjects in derived:
        kind = kind_of.get(source, untyped)
        earlier = {subject: basis[subject] for subject in basis.keys() & subjects} if basis else {}
        basis.update(dict.fromkeys(subjects, shared.setdefault((kind,), (kind,))))
        for subject, before in earlier.items():  # also derived from an earlier source: every kind, once
            kinds = tuple(sorted({*before, kind}))
            basis[subject] = shared.setdefault(kinds, kinds)
    return basis


def market_positions(
    rows: Iterable[Sequence[str | None]], policy: DealPolicy, keys: Keys, kind_of: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The market positions dated no later than ``as_of`` whose evidence the policy allows, each with its source
    title and ``basis`` (the evidence kinds of its sources)."""
    as_of = policy.as_of_date()
    positions: dict[tuple[str, float], dict[str, Any]] = {}
    for position, holder, market, year_text, share_text, source, title in rows:
        assert position is not None and holder is not None and market is not None
        year_start = parse_date(year_text)
        share = to_number(share_text)
        if share is None or (year_start is not None and year_start > as_of):
            continue
        key = (position, share)  # two shares on one position are two entries: the share checks report them
        entry = positions.get(key)
        if entry is None:
            entry = positions[key] = {
                "holder": holder,
                "market": keys[market],
                "year": year_start.year if year_start is not None else None,
                "share": share,
                "source": title or source,
                "position": position,
                "basis": (),
            }
        elif title is not None:
            entry["source"] = title
        if source is not None:
            entry["basis"] = tuple(sorted({*entry["basis"], kind_of.get(source) or rules.evidence_kind(())}))
    found = [entry for entry in positions.values() if policy.allows(entry["basis"])]
    return sorted(found, key=lambda p: (p["market"], -(p["year"] or 0), -p["share"], p["holder"]))
