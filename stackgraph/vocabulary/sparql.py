"""The rules of :mod:`stackgraph.vocabulary.rules` written as SPARQL, for the ``.rq`` templates.

A template names a rule where its SPARQL belongs, as ``RULE(name arguments)`` -- not SPARQL, so a template run
without being filled fails instead of answering without the rule. :func:`fill` writes each rule for a
:class:`~stackgraph.vocabulary.rules.DealPolicy` from the same tables and with the same meaning as the Python
rules (``tests/test_rulebook_agreement.py`` checks that both answer alike):

``RULE(deal-counts ?deal)``
    The patterns and FILTERs that keep ``?deal`` when it counts under the policy (``RULE(deal-counts ?deal
    undated)``: as if the policy included undated deals). Dates compare as periods on their lexical form: a deal
    has begun unless its start lies after the as-of day, ``start > asOf`` (for a start of at most ten characters
    the same as ``start > SUBSTR(asOf, 1, STRLEN(start))``), and has ended when
    ``SUBSTR(dayAfterAsOf, 1, STRLEN(end)) > STR(end)``. ``RULE(deal-counts ?deal all)`` is the same rule
    written for a pattern that reads every deal (the derivation): the date, end and supersedes tests become
    anti-joins (``MINUS``) the engine evaluates once over the data instead of a test per deal; a question about
    a few deals keeps the per-deal form, which looks up only the deals at hand.
``RULE(deal-ties ?deal ?actor ?counterparty ?direct ?control)``
    Each tie of a deal of a class with a relation: its parties, the direct property derived from it (unbound for
    an ownership) and whether it gives control (``true``/``false``, by the class's control rule).
``RULE(control-ties ?deal ?controller ?controlled)``
    The deals whose tie gives ``?controller`` control of ``?controlled`` (the same control rule, without a UNION).
``RULE(scenario ?deal)``
    A FILTER that keeps deals that come from a what-if scenario.
``RULE(evidence-kind ?source ?kind)``
    BINDs the evidence kind (``quoted``, ``dataset``, ``editorial``, ``scenario``) of a source.
``RULE(entity-kinds ?class ?kind)``, ``RULE(entity-classes ?class)``, ``RULE(deal-classes ?class)``,
``RULE(evidence-classes ?class)``, ``RULE(evidence-class KIND ?class)``, ``RULE(statuses MEANING ?status)``,
``RULE(party-role-values ?role)``
    VALUES blocks of the vocabulary's tables: the entity classes with (or without) their kind keys, the deal
    classes right below ``sg:Deal``, the source classes that give an evidence kind, the statuses of a meaning
    (``in-effect``, ``uncertain``, ``ended``), every role property.
``RULE(actor-roles)``, ``RULE(counterparty-roles)``, ``RULE(party-roles)``
    Property paths (inline) of the role properties of the acting side, the counterparty side, or any side.

Examples
--------
>>> text = fill("SELECT ?s WHERE { RULE(statuses ended ?s) }")
>>> text
'SELECT ?s WHERE { VALUES ?s { sg:Terminated } }'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from stackgraph.errors import InputError
from stackgraph.vocabulary import terms
from stackgraph.vocabulary.rules import DealPolicy
from stackgraph.vocabulary.terms import SG

__all__ = ["RULE_NAMES", "fill", "uses_policy"]

_RULE = re.compile(r"RULE\(\s*([a-z-]+)((?:\s+[?$]?[A-Za-z_][A-Za-z0-9_-]*)*)\s*\)")

# The lexical date of ?x cut to YYYY, YYYY-MM or YYYY-MM-DD (a time or time zone dropped), as rules.date_period
# reads it; REPLACE only where the form is not one of those already.
_DATE_PREFIX = '"^([0-9]{{4}}(-[0-9]{{2}}(-[0-9]{{2}})?)?).*$"'
_NORMAL = "IF(STRLEN(STR({x})) IN (4, 7, 10), STR({x}), REPLACE(STR({x}), " + _DATE_PREFIX + ', "$1"))'


def _sg(iri: str) -> str:
    return "sg:" + iri[len(terms.SG_IRI) :] if iri.startswith(terms.SG_IRI) else f"<{iri}>"


def _values(iris: Sequence[str]) -> str:
    return " ".join(_sg(iri) for iri in iris)


def _kind_test(source: str, iri: str) -> str:
    return f"EXISTS {{ {source} a/rdfs:subClassOf* {_sg(iri)} }}"


def _scenario(var: str) -> str:
    source = f"{var}__scenario"
    return f"EXISTS {{ {var} prov:wasDerivedFrom {source} . {source} a/rdfs:subClassOf* {_sg(_scenario_class())} }}"


def _ended_statuses() -> list[str]:
    return [status.iri for status in terms.STATUSES if status.meaning == "ended"]


def _evidence(var: str, allowed: frozenset[str]) -> list[str]:
    """A FILTER keeping ``var`` when one of its sources is of an allowed evidence kind (the most specific class
    of a source gives its kind; ``quoted`` when none of the others)."""
    source = f"{var}__source"
    specific = [kind for kind in terms.EVIDENCE_KINDS if kind.key != "quoted"]
    tests = []
    for index, kind in enumerate(specific):
        if kind.key in allowed:
            before = [f"!{_kind_test(source, other.iri)}" for other in specific[:index]]
            tests.append(" && ".join([*before, _kind_test(source, kind.iri)]))
    if "quoted" in allowed:
        tests.append(" && ".join(f"!{_kind_test(source, kind.iri)}" for kind in specific) or "true")
    condition = " || ".join(f"({test})" for test in tests) or "false"
    return [f"FILTER EXISTS {{ {var} prov:wasDerivedFrom {source} . FILTER({condition}) }}"]


def _late(date: str, as_of: str) -> str:
    """Whether the partial date ``date`` lies after the day ``as_of`` (``YYYY-MM-DD``), as a SPARQL boolean.

    The date's period starts after ``as_of`` when its lexical form cut to ``YYYY[-MM[-DD]]`` is greater than
    ``as_of`` cut to the same length; for a string of at most ten characters that is the same as being greater
    than ``as_of`` itself (and a longer one is compared with all of ``as_of`` either way). The cut form is a
    prefix of the lexical form, so the lexical form is greater too: that cheap test comes first and the ``IF``
    skips the cut for every date that is not late.
    """
    return f'IF(STR({date}) > "{as_of}", {_NORMAL.format(x=date)} > "{as_of}", false)'


def _begun(var: str, as_of: str, undated: bool, every: bool = False) -> list[str]:
    """FILTERs keeping ``var`` when it took place by ``as_of``: effective date, else announced date (``every``:
    as anti-joins, for a pattern that reads every deal)."""
    date, other = f"{var}__date", f"{var}__dated"
    late_effective = f"{var} sg:effectiveDate {date} FILTER({_late(date, as_of)})"
    late_announced = f"{var} sg:announcedDate {date} FILTER({_late(date, as_of)})"
    if every:
        lines = [
            f"MINUS {{ {late_effective} }}",
            f"MINUS {{ {late_announced} FILTER NOT EXISTS {{ {var} sg:effectiveDate {other} }} }}",
        ]
    else:
        lines = [
            f"FILTER NOT EXISTS {{ {late_effective} }}",
            f"FILTER(EXISTS {{ {var} sg:effectiveDate {date} }} || NOT EXISTS {{ {late_announced} }})",
        ]
    if not undated:
        lines.append(f"FILTER EXISTS {{ {var} sg:effectiveDate|sg:announcedDate {date} }}")
    return lines


def _shown(var: str, statuses: Sequence[str]) -> list[str]:
    """``var``'s status is one of ``statuses`` (IRIs), or it comes from a scenario: a join, not a FILTER EXISTS (the
    engine then starts from the statuses or from the few scenario sources instead of testing every deal)."""
    status, source = f"{var}__status", f"{var}__scenario"
    scenario = f"{{ {source} a/rdfs:subClassOf* {_sg(_scenario_class())} . {var} prov:wasDerivedFrom {source} ."
    if not statuses:
        return [scenario + " }"]
    values = f"VALUES {status} {{ {_values(statuses)} }}"
    return [
        f"{{ {values} {var} sg:status {status} . }}",
        f"UNION {scenario} FILTER NOT EXISTS {{ {values} {var} sg:status {status} }} }}",
    ]


def _scenario_class() -> str:
    return next(kind.iri for kind in terms.EVIDENCE_KINDS if kind.key == "scenario")


def _deal_counts(policy: DealPolicy | None, var: str, *flags: str) -> list[str]:
    if policy is None:
        raise InputError("RULE(deal-counts) needs a deal policy")
    unknown = set(flags) - {"undated", "all"}
    if unknown:
        raise InputError(f"RULE(deal-counts): unknown flag {sorted(unknown)[0]!r}; the flags are: undated, all")
    every = "all" in flags
    test = "MINUS" if every else "FILTER NOT EXISTS"
    as_of = policy.as_of_date()
    next_day = as_of.toordinal() + 1
    after = type(as_of).fromordinal(next_day).isoformat()
    undated = "undated" in flags or policy.undated_rule == "include"
    counted = [s.iri for s in terms.STATUSES if s.key in policy.statuses]
    hiding = list(dict.fromkeys([*counted, *_ended_statuses()]))
    newer = f"{var}__newer"
    end, normal = f"{var}__end", f"{var}__endday"
    lines = [
        f"# {var} counts: {', '.join(policy.describe()['statuses']) or 'no'} deals or from a scenario, "
        f"as of {as_of.isoformat()}, undated deals {'counted' if undated else 'left out'}, "
        + ("any evidence" if policy.evidence is None else "evidence " + ", ".join(sorted(policy.evidence))),
        *_shown(var, counted),
        *(_evidence(var, policy.evidence) if policy.evidence is not None else []),
        *_begun(var, as_of.isoformat(), undated, every),
        f"{test} {{ {var} sg:endDate {end} BIND({_NORMAL.format(x=end)} AS {normal}) "
        f'FILTER(SUBSTR("{after}", 1, STRLEN({normal})) > {normal}) }}',
        # the few superseded deals first; their newer deals are tested one by one
        f"{test} {{ {newer} sg:supersedes {var} .",
        *("  " + line for line in _shown(newer, hiding)),
        *("  " + line for line in (_evidence(newer, policy.evidence) if policy.evidence is not None else [])),
        *("  " + line for line in _begun(newer, as_of.isoformat(), undated)),
        "}",
    ]
    return lines


def _control(var: str, rule: str) -> str:
    """Whether a tie of a deal of a class with this control rule gives control (a SPARQL boolean expression)."""
    if rule == "never":
        return "false"
    ended = f"!EXISTS {{ VALUES {var}__ended {{ {_values(_ended_statuses())} }} {var} sg:status {var}__ended }}"
    if rule == "always":
        return ended
    stake = f"{var}__stake"
    minority = f"EXISTS {{ {var} sg:stakePercent {stake} FILTER(!COALESCE(xsd:double({stake}) > 50, true)) }}"
    return f"{ended} && !{minority}"


def _deal_ties(
    policy: DealPolicy | None, deal: str, actor: str, counterparty: str, direct: str, control: str
) -> list[str]:
    del policy
    branches, seen = [], set()
    for each in terms.DEAL_CLASSES:
        sides = (each.actor_roles, each.counterparty_roles, each.mutual_roles)
        if not each.relation or sides in seen:
            continue
        seen.add(sides)
        if each.mutual_roles:
            roles = "|".join(_sg(r) for r in each.mutual_roles)
            pattern = f"{deal} {roles} {actor}, {counterparty} ."
        else:
            actors = "|".join(_sg(r) for r in each.actor_roles)
            counterparties = "|".join(_sg(r) for r in each.counterparty_roles)
            pattern = f"{deal} {actors} {actor} ; {counterparties} {counterparty} ."
        binds = f"BIND({_sg(each.direct)} AS {direct}) " if each.direct else ""
        branches.append(f"{{ {pattern} {binds}BIND({_control(deal, each.control)} AS {control}) }}")
    return [("UNION " if i else "") + branch for i, branch in enumerate(branches)] + [
        f"FILTER({actor} != {counterparty})"
    ]


def _control_ties(policy: DealPolicy | None, deal: str, controller: str, controlled: str) -> list[str]:
    """The deals whose tie gives ``controller`` control of ``controlled`` (no UNION: one VALUES of the role pairs of
    the deal classes that may give control, as some servers mis-join a UNION inside an OPTIONAL)."""
    del policy
    rows, seen = [], set()
    for each in terms.DEAL_CLASSES:
        if not each.relation or each.control == "never" or each.mutual_roles:
            continue
        for actor in each.actor_roles:
            for counterparty in each.counterparty_roles:
                if (actor, counterparty) not in seen:
                    seen.add((actor, counterparty))
                    rows.append(f'({_sg(actor)} {_sg(counterparty)} "{each.control}")')
    role, other, rule = f"{deal}__role", f"{deal}__other", f"{deal}__rule"
    return [
        f"VALUES ({role} {other} {rule}) {{ {' '.join(rows)} }}",
        f"{deal} {role} {controller} ; {other} {controlled} .",
        f"FILTER({controller} != {controlled})",
        f'FILTER({_control(deal, "always")} && ({rule} = "always" || {_control(deal, "majority-stake")}))',
    ]


def _evidence_kind(policy: DealPolicy | None, source: str, kind: str) -> list[str]:
    del policy
    expression = '"quoted"'
    for each in reversed([k for k in terms.EVIDENCE_KINDS if k.key != "quoted"]):
        expression = f'IF({_kind_test(source, each.iri)}, "{each.key}", {expression})'
    return [f"BIND({expression} AS {kind})"]


def _roles(side: str) -> list[str]:
    roles: list[str] = []
    for each in terms.DEAL_CLASSES:
        if side in ("actor", "party"):
            roles += each.actor_roles
        if side in ("counterparty", "party"):
            roles += each.counterparty_roles
        if side == "party":
            roles += each.mutual_roles
    return list(dict.fromkeys(roles))


def _path(side: str) -> Callable[..., list[str]]:
    def render(policy: DealPolicy | None) -> list[str]:
        del policy
        abstract = {
            "actor": [SG.actor],
            "counterparty": [SG.counterparty],
            "party": [SG.party, SG.actor, SG.counterparty],
        }
        names = [_sg(iri) for iri in abstract[side]] + [_sg(role) for role in _roles(side)]
        return ["|".join(names)]

    return render


def _party_role_values(policy: DealPolicy | None, role: str) -> list[str]:
    del policy
    return [f"VALUES {role} {{ {_values(_roles('party'))} }}"]


def _entity_kinds(policy: DealPolicy | None, cls: str, kind: str) -> list[str]:
    del policy
    pairs = " ".join(f'({_sg(each.iri)} "{each.key}")' for each in terms.ENTITY_KINDS)
    return [f"VALUES ({cls} {kind}) {{ {pairs} }}"]


def _entity_classes(policy: DealPolicy | None, cls: str) -> list[str]:
    del policy
    return [f"VALUES {cls} {{ {_values([each.iri for each in terms.ENTITY_KINDS])} }}"]


def _statuses(policy: DealPolicy | None, meaning: str, status: str) -> list[str]:
    del policy
    if meaning not in terms.STATUS_MEANINGS:
        raise InputError(f"RULE(statuses): unknown meaning {meaning!r}; use one of {', '.join(terms.STATUS_MEANINGS)}")
    return [f"VALUES {status} {{ {_values([s.iri for s in terms.STATUSES if s.meaning == meaning])} }}"]


def _evidence_classes(policy: DealPolicy | None, cls: str) -> list[str]:
    del policy
    return [f"VALUES {cls} {{ {_values([kind.iri for kind in terms.EVIDENCE_KINDS])} }}"]


def _evidence_class(policy: DealPolicy | None, kind: str, cls: str) -> list[str]:
    del policy
    found = [each.iri for each in terms.EVIDENCE_KINDS if each.key == kind]
    if not found:
        raise InputError(f"RULE(evidence-class): unknown evidence kind {kind!r}")
    return [f"VALUES {cls} {{ {_values(found)} }}"]


def _deal_classes(policy: DealPolicy | None, cls: str) -> list[str]:
    del policy
    return [f"VALUES {cls} {{ {_values([each.iri for each in terms.DEAL_CLASSES if each.parent is None])} }}"]


def _scenario_rule(policy: DealPolicy | None, deal: str) -> list[str]:
    del policy
    return [f"FILTER({_scenario(deal)})"]


_RULES: dict[str, Callable[..., list[str]]] = {
    "deal-counts": _deal_counts,
    "deal-ties": _deal_ties,
    "control-ties": _control_ties,
    "scenario": _scenario_rule,
    "evidence-kind": _evidence_kind,
    "entity-kinds": _entity_kinds,
    "entity-classes": _entity_classes,
    "deal-classes": _deal_classes,
    "evidence-classes": _evidence_classes,
    "evidence-class": _evidence_class,
    "statuses": _statuses,
    "party-role-values": _party_role_values,
    "actor-roles": _path("actor"),
    "counterparty-roles": _path("counterparty"),
    "party-roles": _path("party"),
}

#: The rules a template may name.
RULE_NAMES: tuple[str, ...] = tuple(_RULES)

#: The rules whose SPARQL depends on the deal policy.
_POLICY_RULES = frozenset({"deal-counts"})


def uses_policy(text: str) -> bool:
    """Whether a template names a rule that depends on the deal policy.

    Examples
    --------
    >>> uses_policy("SELECT * { ?d a sg:Deal RULE(deal-counts ?d) }"), uses_policy("SELECT * { ?s ?p ?o }")
    (True, False)
    """
    return any(match.group(1) in _POLICY_RULES for match in _RULE.finditer(text))


def fill(text: str, policy: DealPolicy | None = None) -> str:
    """Write each ``RULE(...)`` of a template as SPARQL under ``policy`` (see the module docstring).

    A rule alone on its line is written as lines with that line's indentation; a rule within a line must be a
    one-line rule (a property path). Text without rules comes back unchanged.

    Raises
    ------
    InputError
        An unknown rule, wrong arguments, or a rule that needs a policy when none is given.

    Examples
    --------
    >>> fill("?deal RULE(actor-roles) ?who")[:41]
    '?deal sg:actor|sg:acquirer|sg:owner|sg:in'
    >>> fill("RULE(no-such-rule ?x)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: unknown rule 'no-such-rule' in a query template; rules: deal-counts, deal-ties, ...
    """
    if "RULE(" not in text:
        return text

    def render(match: re.Match[str], indent: str | None) -> str:
        name, args = match.group(1), match.group(2).split()
        rule = _RULES.get(name)
        if rule is None:
            raise InputError(f"unknown rule {name!r} in a query template; rules: {', '.join(RULE_NAMES)}")
        try:
            lines = rule(policy, *args)
        except TypeError:
            raise InputError(f"RULE({name}): wrong arguments {' '.join(args) or '(none)'}") from None
        if indent is None:
            if len(lines) != 1:
                raise InputError(f"RULE({name}) writes several lines; put it on a line of its own")
            return lines[0]
        return "\n".join(indent + line for line in lines)

    out = []
    for line in text.split("\n"):
        whole = _RULE.fullmatch(line.strip())
        if whole is not None:
            out.append(render(whole, line[: len(line) - len(line.lstrip())]))
        else:
            out.append(_RULE.sub(lambda m: render(m, None), line))
    return "\n".join(out)
