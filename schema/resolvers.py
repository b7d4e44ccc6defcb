"""Resolver helpers: read precomputed indices only; never rescan the corpus."""

from __future__ import annotations

from graph.ids import Kind, split_id
from graph.store import KnowledgeGraph

from .errors import QueryError
from .types.attack import Tactic, Technique
from .types.catalog import Event, Field, Indicator
from .types.node import Node
from .types.rules import Rule


def filter_techniques(kg: KnowledgeGraph, *, tactic: str | None = None, platform: str | None = None,
                      text: str | None = None, has_rules: bool | None = None,
                      include_subtechniques: bool = True) -> list[str]:
    ids: list[str] | tuple[str, ...] = kg.technique_order
    if tactic is not None:
        found = kg.tactic(tactic)
        if found is None:
            raise QueryError(f"unknown tactic: {tactic!r}")
        allowed = set(kg.techniques_by_tactic.get(found.shortname, ()))
        ids = [t for t in ids if t in allowed]
    if platform is not None:
        wanted = platform.strip().lower()
        ids = [t for t in ids if any(p.lower() == wanted for p in kg.techniques[t].platforms)]
    if text:
        needle = text.strip().lower()
        ids = [t for t in ids if needle in kg.search_text.get(f"technique:{t}", "")]
    if has_rules is not None:
        ids = [t for t in ids if bool(kg.rules_by_technique.get(t)) == has_rules]
    if not include_subtechniques:
        ids = [t for t in ids if not kg.techniques[t].is_subtechnique]
    return list(ids)


def filter_rules(kg: KnowledgeGraph, *, vendor: str | None = None, technique: str | None = None,
                 level: str | None = None, status: str | None = None, text: str | None = None) -> list[str]:
    if technique is not None:
        tech = kg.technique(technique)
        uids: list[str] | tuple[str, ...] = kg.rules_by_technique.get(tech.id, ()) if tech else ()
    else:
        uids = kg.rule_order
    if vendor is not None:
        uids = [u for u in uids if kg.vendor_of(u) == vendor]
    if level is not None:
        uids = [u for u in uids if kg.rule_facets.get(u, ("", ""))[0] == level.lower()]
    if status is not None:
        uids = [u for u in uids if kg.rule_facets.get(u, ("", ""))[1] == status.lower()]
    if text:
        needle = text.strip().lower()
        uids = [u for u in uids if needle in kg.search_text.get(f"rule:{u}", "")]
    return list(uids)


def lookup(kg: KnowledgeGraph, kind: Kind, key: str) -> Node | None:
    """The object of one kind by key, or by its global id ``<kind>:<key>``."""
    prefix = f"{kind.value}:"
    return resolve_node(kg, key if key.startswith(prefix) else prefix + key)


def resolve_node(kg: KnowledgeGraph, global_id: str) -> Node | None:
    kind, key = split_id(global_id)
    if kind == Kind.TECHNIQUE.value:
        tech = kg.technique(key)
        return Technique.from_record(tech) if tech else None
    if kind == Kind.TACTIC.value:
        tactic = kg.tactic(key)
        return Tactic.from_record(tactic) if tactic else None
    if kind == Kind.RULE.value:
        rule = kg.rules.get(key)
        return Rule.from_record(rule) if rule else None
    if kind == Kind.FIELD.value:
        fld = kg.fields.get(key)
        return Field.from_record(fld, kg) if fld else None
    if kind == Kind.EVENT.value:
        event = kg.events.get(key)
        return Event.from_record(event, kg) if event else None
    if kind == Kind.INDICATOR.value:
        ind = kg.indicators.get(key)
        return Indicator.from_record(ind, kg) if ind else None
    return None
