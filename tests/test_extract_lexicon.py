"""The extractor names statuses only by the vocabulary's keys.

The extractor's lexicon is English data keyed by status (which words cue "in talks", which cue wins), and its
status rules pick a status by name ("a completed relationship is active"). A key that is misspelt, or that the
ontology no longer has, would make it write a status no other part knows; these tests hold every such name to
the vocabulary generated from the ontology.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import stackgraph.extract.status
from stackgraph.extract.lexicon import DEFAULT_STATUS, STATUS_CUES, STATUS_PRIORITY, STATUS_TERMS
from stackgraph.vocabulary import terms

KEYS = {status.key for status in terms.STATUSES}
WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def test_the_lexicon_tables_name_vocabulary_statuses() -> None:
    assert set(STATUS_TERMS) == KEYS
    assert len(set(STATUS_PRIORITY)) == len(STATUS_PRIORITY)
    assert set(STATUS_PRIORITY) <= KEYS
    assert set(STATUS_CUES.values()) <= set(STATUS_PRIORITY)  # every cue's status has a rank
    assert {status for by_kind in DEFAULT_STATUS.values() for status in by_kind.values()} <= KEYS


def status_literals(source: str) -> set[str]:
    """The strings a module compares a ``status`` with, assigns to or returns as one, or keeps in a frozenset of
    words (a set of punctuation is no set of statuses)."""
    found: set[str] = set()

    def strings(nodes: list[ast.expr]) -> set[str]:
        return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(n, ast.Name) and n.id == "status" for n in sides):
                found |= strings(sides)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "status" for t in node.targets):
            found |= strings([node.value])
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and node.value.elts:
            found |= strings(node.value.elts[:1])  # decide_status returns (status, cue)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "frozenset":
            elements = [e for arg in node.args if isinstance(arg, ast.Set) for e in arg.elts]
            words = strings(elements)
            if any(WORD.fullmatch(word) for word in words):
                found |= words
    return found


def test_the_status_rules_name_vocabulary_statuses() -> None:
    source = Path(stackgraph.extract.status.__file__).read_text(encoding="utf-8")
    found = status_literals(source)
    assert {"rumoured", "in-talks", "completed", "active", "announced", "hypothetical"} <= found  # the scan sees them
    assert found <= KEYS, found - KEYS


def test_the_scan_catches_a_misspelt_status() -> None:
    source = 'def f(status):\n    if status == "in_talks":\n        status = "actve"\n    return "anounced", ""\n'
    assert status_literals(source) == {"in_talks", "actve", "anounced"}
