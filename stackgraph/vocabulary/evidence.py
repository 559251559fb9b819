"""What a figure rests on: the evidence kind of a source (from the ontology's source classes), the words that say it,
and when a figure is an estimate rather than a finding. :mod:`stackgraph.vocabulary.rules` re-exports these.
"""

from __future__ import annotations

from collections.abc import Iterable

from stackgraph.vocabulary import terms

__all__ = ["EVIDENCE", "basis_label", "evidence_kind", "is_estimate"]

#: The kinds of evidence a result may rest on, in the order results list them.
EVIDENCE: tuple[str, ...] = ("quoted", "dataset", "editorial", "scenario")


def evidence_kind(source_classes: Iterable[str]) -> str:
    """Return the evidence kind of a source typed with ``source_classes`` (IRIs; each with its superclasses among
    the source classes): the kind of its most specific class, ``quoted`` for a document or an untyped source.

    Examples
    --------
    >>> from stackgraph.vocabulary.terms import SG
    >>> evidence_kind([SG.Source, SG.EditorialSource]), evidence_kind([])
    ('editorial', 'quoted')
    """
    classes = set(source_classes)
    for kind in terms.EVIDENCE_KINDS:  # most specific first
        if kind.iri in classes:
            return kind.key
    return "quoted"


def basis_label(kinds: Iterable[str]) -> str:
    """Say in words what a figure rests on, from its evidence kinds.

    Examples
    --------
    >>> basis_label(["editorial"]), basis_label(["quoted", "dataset"]), basis_label([])
    ('editorial estimate', 'quoted source, dataset record', 'no recorded source')
    """
    labels = {kind.key: kind.label for kind in terms.EVIDENCE_KINDS}
    chosen = [labels.get(kind, kind) for kind in sorted(set(kinds), key=_evidence_order)]
    return ", ".join(chosen) if chosen else "no recorded source"


def is_estimate(kinds: Iterable[str]) -> bool:
    """Whether a figure resting on the evidence kinds ``kinds`` is an estimate, not a finding: it rests on editorial
    estimates and nothing else.

    Examples
    --------
    >>> is_estimate(["editorial"]), is_estimate(["editorial", "quoted"]), is_estimate([])
    (True, False, False)
    """
    found = set(kinds)
    return bool(found) and found <= {"editorial"}


def _evidence_order(kind: str) -> tuple[int, str]:
    return (EVIDENCE.index(kind) if kind in EVIDENCE else len(EVIDENCE), kind)
