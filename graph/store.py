"""The built knowledge graph: records, the networkx graph, and every index the queries need."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from loaders.records import Diagnostic, Event, Field, Rule, Tactic, Technique


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator: (canonical field, operator, normalized value)."""

    id: str  # "<field>|<operator>|<value>"
    field: str
    operator: str
    value: str | None


@dataclass(slots=True)
class KnowledgeGraph:
    g: nx.MultiDiGraph | None  # None after a snapshot load until first needed: use graph.compact.graph_of
    corpus: str  # what is being served: a path, or "bundled sample"
    techniques: dict[str, Technique]
    tactics: dict[str, Tactic]  # by shortname
    rules: Mapping[str, Rule]  # by uid, active and deprecated
    diagnostics: list[Diagnostic]
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    indicators: MutableMapping[str, Indicator] | Mapping[str, Indicator] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    # --- indices, computed once by the builder ---
    tactic_by_id: dict[str, str] = field(default_factory=dict)  # TA0010 -> exfiltration
    replaced_by: dict[str, str] = field(default_factory=dict)  # revoked id -> end of its revoked-by chain
    technique_order: tuple[str, ...] = ()
    rule_order: tuple[str, ...] = ()  # active rules, sorted by (vendor, title)
    subtechniques: dict[str, tuple[str, ...]] = field(default_factory=dict)
    techniques_by_tactic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules_by_technique: dict[str, tuple[str, ...]] = field(default_factory=dict)  # active, direct tags
    techniques_by_rule: dict[str, tuple[str, ...]] = field(default_factory=dict)  # resolved ids
    rule_facets: dict[str, tuple[str, str]] = field(default_factory=dict)  # uid -> (level, status), lower case
    search_text: dict[str, str] = field(default_factory=dict)  # node id -> lower-cased text
    # predicates: only active rules and event-field predicates (not "computed" ones)
    rule_indicators: dict[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)  # uid -> (ind, excl)
    rule_fields: dict[str, tuple[tuple[str, str, bool], ...]] = field(default_factory=dict)  # (field, op, excl)
    indicator_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rules that match on it
    indicator_excluding_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rules excluding it
    indicator_techniques: dict[str, tuple[str, ...]] = field(default_factory=dict)
    field_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    field_indicators: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by reach, descending
    field_techniques: dict[str, tuple[str, ...]] = field(default_factory=dict)
    field_order: tuple[str, ...] = ()  # most used first
    indicator_order: tuple[str, ...] = ()  # highest corpus reach first
    # events
    rule_events: dict[str, tuple[str, ...]] = field(default_factory=dict)
    event_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    event_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    event_techniques: dict[str, tuple[str, ...]] = field(default_factory=dict)  # techniques of its rules
    technique_events: dict[str, tuple[str, ...]] = field(default_factory=dict)  # observed by its rules
    recommended_events: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by ATT&CK analytics
    recommended_for: dict[str, tuple[str, ...]] = field(default_factory=dict)  # event -> techniques
    # per-technique sets for overlap (direct rules, positive indicators)
    technique_indicator_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    technique_field_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    # memo of computed answers (authoring guides, ...) keyed by their arguments
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def reach(self, indicator_id: str) -> int:
        """Corpus reach: active rules (any technique) that match on the indicator."""
        return len(self.indicator_rules.get(indicator_id, ()))

    def technique(self, technique_id: str) -> Technique | None:
        """Look up a technique by ATT&CK id; a revoked id resolves to its replacement."""
        tid = technique_id.strip().upper()
        return self.techniques.get(self.replaced_by.get(tid, tid))

    def tactic(self, key: str) -> Tactic | None:
        """Look up a tactic by shortname (``exfiltration``) or id (``TA0010``)."""
        key = key.strip()
        shortname = self.tactic_by_id.get(key.upper(), key.lower().replace("_", "-").replace(" ", "-"))
        return self.tactics.get(shortname)

    @staticmethod
    def vendor_of(uid: str) -> str:
        """The vendor of a rule uid (``sigma:<id>`` -> ``sigma``), without decoding the rule."""
        return uid.partition(":")[0]
