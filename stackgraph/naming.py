"""Name lookup, kept under its old module name: the rule lives in :mod:`stackgraph.vocabulary.names`."""

from __future__ import annotations

from stackgraph.vocabulary.names import concept_key, local_name, resolve_name, suggest_names

__all__ = ["concept_key", "local_name", "resolve_name", "suggest_names"]
