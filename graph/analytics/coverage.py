"""Coverage: rules and techniques per tactic, vendor and event; techniques without rules; event gaps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..store import KnowledgeGraph


@dataclass(frozen=True, slots=True)
class CoverageRow:
    key: str  # tactic shortname, vendor, or event id
    techniques: int  # live techniques in scope (tactic) or covered (vendor, event)
    covered: int  # of those, techniques with at least one rule
    rules: int  # distinct active rules
    by_vendor: tuple[tuple[str, int], ...]  # rules per vendor


def coverage(kg: KnowledgeGraph, by: str) -> list[CoverageRow]:
    """Coverage rows by ``tactic``, ``vendor`` or ``event``.

    >>> from graph.testing import tiny_graph
    >>> kg = tiny_graph()
    >>> [(r.key, r.techniques, r.covered, r.rules) for r in coverage(kg, "tactic")]
    [('execution', 1, 1, 1), ('exfiltration', 3, 3, 3)]
    >>> [(r.key, r.covered, r.rules) for r in coverage(kg, "vendor")]
    [('sigma', 2, 2), ('elastic', 1, 1), ('splunk', 1, 1)]
    >>> [(r.key, r.covered, r.rules) for r in coverage(kg, "event")][:2]
    [('security:4688', 1, 1), ('sysmon:1', 2, 2)]
    """
    key = ("coverage", by)
    if key not in kg.memo:
        kg.memo[key] = {"tactic": _by_tactic, "vendor": _by_vendor, "event": _by_event}[by](kg)
    return kg.memo[key]


def _row(kg: KnowledgeGraph, key: str, techniques: set[str], rules: set[str]) -> CoverageRow:
    vendors: dict[str, int] = defaultdict(int)
    for uid in rules:
        vendors[kg.vendor_of(uid)] += 1
    covered = sum(1 for t in techniques if kg.rules_by_technique.get(t))
    return CoverageRow(key=key, techniques=len(techniques), covered=covered, rules=len(rules),
                       by_vendor=tuple(sorted(vendors.items())))


def _by_tactic(kg: KnowledgeGraph) -> list[CoverageRow]:
    rows = []
    for tactic in sorted(kg.tactics.values(), key=lambda t: (t.order, t.shortname)):
        techs = set(kg.techniques_by_tactic.get(tactic.shortname, ()))
        rules = {u for t in techs for u in kg.rules_by_technique.get(t, ())}
        rows.append(_row(kg, tactic.shortname, techs, rules))
    return rows


def _by_vendor(kg: KnowledgeGraph) -> list[CoverageRow]:
    rows = []
    for vendor in ("sigma", "elastic", "splunk"):
        rules = {u for u in kg.rule_order if kg.vendor_of(u) == vendor}
        if rules:
            techs = {t for u in rules for t in kg.techniques_by_rule.get(u, ())}
            rows.append(_row(kg, vendor, techs, rules))
    return rows


def _by_event(kg: KnowledgeGraph) -> list[CoverageRow]:
    rows = []
    for eid in sorted(kg.event_rules):
        rules = set(kg.event_rules[eid])
        techs = {t for u in rules for t in kg.techniques_by_rule.get(u, ())}
        rows.append(_row(kg, eid, techs, rules))
    return rows


def techniques_without_rules(kg: KnowledgeGraph) -> list[str]:
    """Live techniques no active rule is tagged with.

    >>> from graph.testing import tiny_graph
    >>> techniques_without_rules(tiny_graph())
    []
    """
    return [t for t in kg.technique_order if kg.techniques[t].live and not kg.rules_by_technique.get(t)]


def event_gaps(kg: KnowledgeGraph, technique: str) -> tuple[str, ...]:
    """Events ATT&CK recommends for the technique that none of its rules observes.

    >>> from graph.testing import tiny_graph
    >>> event_gaps(tiny_graph(), "T1")
    ('sysmon:22',)
    """
    observed = set(kg.technique_events.get(technique, ()))
    return tuple(e for e in kg.recommended_events.get(technique, ()) if e not in observed)
