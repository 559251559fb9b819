"""Name lookup, the one home of the rule: what the name a user typed designates (label in any case, alias, local
name or full IRI), and the short keys of concepts (``terrestrial-ran``, ``in-talks``).

Pure Python so that every layer, from the store to the analysis, resolves names the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from stackgraph.errors import UnknownEntityError

__all__ = ["concept_key", "local_name", "resolve_name", "suggest_names"]


def local_name(iri: str) -> str:
    """Return the part of an IRI after the last ``#``, ``/`` or ``:``.

    Examples
    --------
    >>> local_name("https://w3id.org/stackgraph/id/SpaceX"), local_name("urn:stackgraph:graph:derived")
    ('SpaceX', 'derived')
    """
    cut = max(iri.rfind("#"), iri.rfind("/"), iri.rfind(":"))
    return iri[cut + 1 :]


def concept_key(iri_or_name: str) -> str:
    """Return the short kebab-case key of a concept IRI or local name.

    Examples
    --------
    >>> concept_key("https://w3id.org/stackgraph/ns#TerrestrialRAN")
    'terrestrial-ran'
    >>> concept_key("AIModels"), concept_key("InTalks")
    ('ai-models', 'in-talks')
    """
    name = local_name(iri_or_name)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


def resolve_name(name: str, names: Mapping[str, Iterable[str]], *, what: str = "entity") -> str:
    """Return the key (an IRI) of ``names`` that ``name`` designates.

    Parameters
    ----------
    name : str
        What the user typed: an IRI (optionally in angle brackets), a local name, a label or an alias.
    names : mapping
        Each key (IRI) to the labels and aliases it is known by.

    Raises
    ------
    UnknownEntityError
        No key matches, or the name designates several keys (a label shared, or one key's local name and
        another's label); the error lists the closest names, or every key it designates.

    Examples
    --------
    >>> names = {"https://w3id.org/stackgraph/id/SpaceX": ["SpaceX", "Space Exploration Technologies"]}
    >>> resolve_name("spacex", names)
    'https://w3id.org/stackgraph/id/SpaceX'
    """
    wanted = name.strip()
    if wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    if wanted in names:
        return wanted
    folded = wanted.casefold()
    by_local = {iri for iri in names if local_name(iri).casefold() == folded}
    by_label = {iri for iri, labels in names.items() if any(str(lab).casefold() == folded for lab in labels)}
    matches = sorted(by_local | by_label)
    if len(matches) == 1:
        return matches[0]
    if matches:
        # one entity's local name and another's label (or two labels): say so, never pick one silently
        raise UnknownEntityError(name, matches[:5], what=f"(ambiguous) {what}")
    raise UnknownEntityError(name, suggest_names(name, names), what=what)


def suggest_names(name: str, names: Mapping[str, Iterable[str]], limit: int = 5) -> list[str]:
    """Return up to ``limit`` known labels closest to ``name`` (for "did you mean" messages)."""
    choices: dict[str, str] = {}
    for iri, labels in names.items():
        for label in (*labels, local_name(iri)):
            choices.setdefault(str(label).casefold(), str(label))
    folded = name.strip().casefold()
    close = difflib.get_close_matches(folded, list(choices), n=limit, cutoff=0.5)
    close += [key for key in choices if folded and folded in key and key not in close]
    return [choices[key] for key in close[:limit]]
