"""Build the :class:`~graph.store.KnowledgeGraph` from loader output, computing indices once."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

from loaders.attack import AttackData
from loaders.records import Diagnostic, LoadResult, Rule, Severity, Technique

from .ids import Kind, NodeIds
from .indexing import index_events, index_predicates
from .normalization import Normalizer, PassThrough
from .store import KnowledgeGraph


def build_graph(attack: AttackData, loads: Iterable[LoadResult] = (), *, corpus: str = "",
                normalizer: Normalizer | None = None) -> KnowledgeGraph:
    loads = list(loads)
    rules: dict[str, Rule] = {}
    diagnostics = list(attack.diagnostics)
    stats: dict[str, dict[str, int]] = {}
    for load in loads:
        diagnostics.extend(load.diagnostics)
        stats[load.source] = dict(load.stats)
        for rule in load.rules:
            if rule.uid in rules:  # keep both: the second under "<uid>#<n>", with a warning
                first, n = rules[rule.uid], 1
                while f"{rule.uid}#{n}" in rules:
                    n += 1
                rule = dataclasses.replace(rule, uid=f"{rule.uid}#{n}")
                diagnostics.append(rule_duplicate(rule, first))
            rules[rule.uid] = rule

    # Rules may reference ids the bundle lacks: keep them visible as unresolved techniques.
    known = len(attack.diagnostics)
    for rule in rules.values():
        for tid in rule.techniques:
            attack.ensure(tid, rule.path)
    diagnostics.extend(attack.diagnostics[known:])

    kg = KnowledgeGraph(g=None, corpus=corpus, techniques=dict(attack.techniques), tactics=dict(attack.tactics),
                        rules=rules, diagnostics=diagnostics, stats=stats)
    # The networkx graph is not built here: graph.compact.graph_of derives it from these indices on first use
    # (exploration queries, or the warm-up thread after start-up), the same way after a build or a snapshot.
    ids = NodeIds()  # one string per node id, shared by the indices
    kg.replaced_by = {t.id: attack.resolve(t.id) for t in attack.techniques.values() if t.revoked}
    _add_attack(kg)
    _add_rules(kg, attack)
    normalizer = normalizer or PassThrough()
    index_predicates(kg, normalizer)
    index_events(kg, normalizer)
    _index_search(kg, ids)
    return kg


def rule_duplicate(rule: Rule, first: Rule) -> Diagnostic:
    return Diagnostic(source=rule.vendor.value, path=rule.path, severity=Severity.WARNING, rule_id=rule.native_id,
                      message=f"duplicate rule id {rule.native_id} (first in {first.path}); kept as {rule.uid}")


def _add_attack(kg: KnowledgeGraph) -> None:
    for tactic in kg.tactics.values():
        kg.tactic_by_id[tactic.id.upper()] = tactic.shortname
    subs: dict[str, list[str]] = defaultdict(list)
    by_tactic: dict[str, list[str]] = defaultdict(list)
    for tech in kg.techniques.values():
        if tech.revoked and tech.revoked_by:
            continue
        if tech.deprecated:
            continue
        if tech.parent and tech.parent in kg.techniques:
            subs[tech.parent].append(tech.id)
        for shortname in tech.tactics:
            if shortname in kg.tactics:
                by_tactic[shortname].append(tech.id)
    kg.subtechniques = {k: tuple(sorted(v)) for k, v in subs.items()}
    kg.techniques_by_tactic = {k: tuple(sorted(v)) for k, v in by_tactic.items()}
    kg.technique_order = tuple(sorted(t.id for t in kg.techniques.values() if _listed(t)))


def _listed(tech: Technique) -> bool:
    """Techniques listed by ``techniques``: live ones, plus unresolved ids that rules reference."""
    return not (tech.revoked or tech.deprecated)


def _add_rules(kg: KnowledgeGraph, attack: AttackData) -> None:
    by_technique: dict[str, list[str]] = defaultdict(list)
    active = sorted((r for r in kg.rules.values() if not r.deprecated),
                    key=lambda r: (r.vendor.value, r.title.lower(), r.uid))
    kg.rule_order = tuple(r.uid for r in active)
    kg.rule_facets = {r.uid: ((r.level or "").lower(), (r.status or "").lower()) for r in active}
    for rule in kg.rules.values():
        resolved: list[str] = []
        for tagged in rule.techniques:
            tid = attack.resolve(tagged)
            if tid in resolved:
                continue
            resolved.append(tid)
            if not rule.deprecated:
                by_technique[tid].append(rule.uid)
        kg.techniques_by_rule[rule.uid] = tuple(resolved)
    order = {uid: i for i, uid in enumerate(kg.rule_order)}
    kg.rules_by_technique = {t: tuple(sorted(v, key=order.__getitem__)) for t, v in by_technique.items()}


def _index_search(kg: KnowledgeGraph, ids: NodeIds) -> None:
    for tech in kg.techniques.values():
        kg.search_text[ids(Kind.TECHNIQUE, tech.id)] = f"{tech.id} {tech.name} {tech.description}".lower()
    for rule in kg.rules.values():
        kg.search_text[ids(Kind.RULE, rule.uid)] = f"{rule.title} {rule.description}".lower()
