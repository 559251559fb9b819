"""The library of SPARQL questions shipped with stackgraph: one ``.rq`` file per question.

Each file starts with comment lines that describe it::

    # title: Who controls an entity
    # description: Every organisation that controls ENTITY directly or through a chain of control.
    # param entity: entity — the organisation, product or facility to look up

A parameter line reads ``# param NAME: KIND — help`` where ``KIND`` is ``entity``, ``layer``, ``status``,
``deal`` or ``literal``; a ``?`` after the kind (``status?``) makes it optional. Parameters are bound by the
SPARQL engine (pyoxigraph substitutions), never pasted into the query text, so the query projects every
parameter variable. ``derive_direct.rq`` (the CONSTRUCT the store runs) and any file with an ``# internal:``
line are not questions and are not listed.

A question that encodes a domain rule names it as ``RULE(...)`` (see :mod:`stackgraph.vocabulary.sparql`):
:meth:`Question.sparql` writes the rules in for a deal policy, so every question counts deals, control and
evidence as the analyses do. A question *depends on the deal policy* when it names such a rule or reads a direct
property derived from the deals that count (``sg:controls``, ``sg:supplies``, ...).

Examples
--------
>>> question = load_question("who-controls")
>>> question.title
'Who controls an entity'
>>> [(p.name, p.kind, p.required) for p in question.params]
[('entity', 'entity', True)]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from stackgraph.errors import InputError, UnknownQuestionError
from stackgraph.vocabulary import terms
from stackgraph.vocabulary.rules import DealPolicy
from stackgraph.vocabulary.sparql import fill, uses_policy

__all__ = [
    "PARAM_KINDS",
    "Param",
    "Question",
    "bind_parameters",
    "count_undated",
    "list_questions",
    "load_question",
    "parse_question",
    "question_names",
    "run_question",
]

PARAM_KINDS = ("entity", "layer", "status", "deal", "literal")

# Queries the library itself runs that are not questions (besides any file with an ``# internal:`` line).
_INTERNAL = frozenset({"derive_direct"})

# The direct properties derived from the deals that count (derive_direct.rq), as the questions write them.
_DERIVED = re.compile(
    r"\bsg:(controls|operatesIn|"
    + "|".join(sorted({each.direct[len(terms.SG_IRI) :] for each in terms.DEAL_CLASSES if each.direct}))
    + r")\b"
)
_HEADER = re.compile(r"^#\s*(?P<key>[A-Za-z_]+)(?:\s+(?P<arg>[A-Za-z_][A-Za-z0-9_]*))?\s*:\s*(?P<value>.*)$")
_PARAM_VALUE = re.compile(r"^(?P<kind>[a-z]+)(?P<optional>\?)?\s*(?:[—–-]+\s*(?P<help>.*))?$")


@dataclass(frozen=True)
class Param:
    """A parameter a question declares: the variable name, what kind of value it takes, and a help text."""

    name: str
    kind: str
    help: str = ""
    required: bool = True


@dataclass(frozen=True)
class Question:
    """A SPARQL question of the library: its name (the file stem), header fields and query text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    internal: bool = False

    @property
    def summary(self) -> str:
        """One line for ``stackgraph query --list``: the title, or the description's first sentence."""
        return self.title or self.description.split(". ")[0]

    @property
    def depends_on_policy(self) -> bool:
        """Whether the answer depends on which deals count (``--as-of``, ``--status``, ``--undated``,
        ``--evidence``): the question names a policy rule or reads a derived direct property.

        Examples
        --------
        >>> load_question("who-controls").depends_on_policy, load_question("financials").depends_on_policy
        (True, False)
        """
        return uses_policy(self.text) or _DERIVED.search(_without_comments(self.text)) is not None

    def sparql(self, policy: DealPolicy | None = None) -> str:
        """The question's SPARQL with its rules written in for ``policy`` (default: the default policy, today).

        Examples
        --------
        >>> "RULE(" in load_question("who-controls").sparql()
        False
        """
        return fill(self.text, policy if policy is not None else DealPolicy())

    def param(self, name: str) -> Param:
        """Return the declared parameter ``name`` or raise :class:`InputError` naming the declared ones."""
        for param in self.params:
            if param.name == name:
                return param
        declared = ", ".join(p.name for p in self.params) or "none"
        raise InputError(f"question {self.name!r} has no parameter {name!r} (its parameters: {declared})")


def parse_question(name: str, text: str) -> Question:
    """Read the header comments of a ``.rq`` text into a :class:`Question`.

    Examples
    --------
    >>> q = parse_question("demo", "# title: Demo\\n# param who: entity? — anyone\\nSELECT ?who WHERE { ?who ?p ?o }")
    >>> q.title, q.params[0].required, q.params[0].help
    ('Demo', False, 'anyone')
    """
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    internal = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match is None:
            continue
        key, arg, value = match.group("key").lower(), match.group("arg"), match.group("value").strip()
        if key == "param" and arg:
            spec = _PARAM_VALUE.match(value)
            if spec is None or spec.group("kind") not in PARAM_KINDS:
                raise InputError(f"question {name!r}: bad parameter line {stripped!r}; kinds: {', '.join(PARAM_KINDS)}")
            params.append(
                Param(arg, spec.group("kind"), (spec.group("help") or "").strip(), not spec.group("optional"))
            )
        elif key == "internal":
            internal = True
        elif arg is None:
            fields.setdefault(key, []).append(value)
    return Question(
        name=name,
        title=" ".join(fields.get("title", [])),
        description=" ".join(fields.get("description", [])),
        params=tuple(params),
        text=text,
        internal=internal or name in _INTERNAL,
    )


def _without_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] if line.lstrip().startswith("#") else line for line in text.split("\n"))


def _files() -> dict[str, Any]:
    folder = resources.files(__name__)
    return {entry.name[:-3]: entry for entry in folder.iterdir() if entry.name.endswith(".rq") and entry.is_file()}


def question_names() -> list[str]:
    """Return the names of the shipped questions (internal queries excluded), sorted.

    Examples
    --------
    >>> "who-controls" in question_names() and "derive_direct" not in question_names()
    True
    """
    return [q.name for q in list_questions()]


def list_questions() -> list[Question]:
    """Return every shipped question, sorted by name, without internal queries.

    Examples
    --------
    >>> questions = list_questions()
    >>> len(questions) >= 12 and all(q.title and not q.internal for q in questions)
    True
    """
    questions = [parse_question(name, entry.read_text(encoding="utf-8")) for name, entry in _files().items()]
    return sorted((q for q in questions if not q.internal), key=lambda q: q.name)


def load_question(name: str) -> Question:
    """Return the shipped question called ``name`` (the file stem; ``.rq`` and letter case are ignored).

    Raises
    ------
    UnknownQuestionError
        No question has that name; the error suggests the closest names.

    Examples
    --------
    >>> load_question("Deals-By-Status.rq").name
    'deals-by-status'
    >>> load_question("who-control")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stackgraph.errors.UnknownQuestionError: unknown question 'who-control'; did you mean 'who-controls'? (one of: ...)
    """
    wanted = name.strip().lower().removesuffix(".rq").replace("_", "-")
    files = _files()
    entry = files.get(wanted)
    question = parse_question(wanted, entry.read_text(encoding="utf-8")) if entry is not None else None
    if question is None or question.internal:
        names = question_names()
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
        close += [n for n in names if wanted and wanted in n and n not in close]
        raise UnknownQuestionError(name, close[:3], known=names)
    return question


def count_undated(store: Any, policy: DealPolicy) -> int:
    """How many undated deals with parties would count under ``policy`` if undated deals counted: the number a dated
    view says it counted or left out (``internal-undated.rq``; the projection's ``G.graph["undated"]`` says the same).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> count_undated(KnowledgeStore.with_shipped_graphs(), DealPolicy(as_of="2020")) > 0
    True
    """
    text = fill(_files()["internal-undated"].read_text(encoding="utf-8"), policy)
    rows = store.select(text)
    return int(rows[0].get("deals", 0)) if rows else 0


def bind_parameters(
    question: Question,
    values: Mapping[str, str],
    resolve: Callable[[str, str], str],
) -> dict[str, Any]:
    """Turn ``--bind`` values into engine bindings for ``question``.

    Parameters
    ----------
    question : Question
        The question whose declared parameters say how each value is read.
    values : mapping
        Parameter name to the text the user gave.
    resolve : callable
        ``resolve(kind, text) -> iri`` for the kinds ``entity``, ``layer``, ``status`` and ``deal``
        (see :class:`stackgraph.entities.Resolver`); it raises ``UnknownEntityError`` with suggestions.

    Returns
    -------
    dict
        Variable name to a pyoxigraph term: an IRI for resolved kinds, a plain literal for ``literal``.

    Raises
    ------
    InputError
        A value names an undeclared parameter, or a required parameter is missing.

    Examples
    --------
    >>> q = parse_question("demo", "# param who: entity\\n# param note: literal?\\nSELECT ?who ?note {}")
    >>> bound = bind_parameters(q, {"who": "SpaceX"}, lambda kind, text: "https://example.org/" + text)
    >>> bound["who"].value
    'https://example.org/SpaceX'
    """
    import pyoxigraph as ox

    bindings: dict[str, Any] = {}
    for name, text in values.items():
        param = question.param(name)
        if param.kind == "literal":
            bindings[name] = ox.Literal(text)
        else:
            bindings[name] = ox.NamedNode(resolve(param.kind, text))
    missing = [p for p in question.params if p.required and p.name not in values]
    if missing:
        needed = " ".join(f"--bind {p.name}=<{p.kind}>" for p in missing)
        raise InputError(f"question {question.name!r} needs {needed}")
    return bindings


def run_question(
    store: Any, question: Question, bindings: Mapping[str, Any] | None = None, *, policy: DealPolicy | None = None
) -> Any:
    """Run ``question`` on ``store`` (a knowledge store or a SPARQL endpoint) with engine ``bindings``, its rules
    written in for ``policy`` (default: the default deal policy as of today; another policy also derives the
    direct properties for it, which only a local store can do).

    The questions are written against the ontology -- its class and property hierarchies and the stack-layer
    scheme -- so they read it beside the data (a plain ``store.query`` of your own SPARQL does not).

    Examples
    --------
    >>> from stackgraph.store import KnowledgeStore
    >>> store = KnowledgeStore.with_shipped_graphs()
    >>> rows = run_question(store, load_question("entities-by-layer"), {"layer": "sg:Compute"})
    >>> len(list(rows)) > 0
    True
    """
    if policy is None:
        return store.query(question.sparql(), bindings or None, with_ontology=True)
    return store.query(question.sparql(policy), bindings or None, with_ontology=True, policy=policy)
