"""Rule types: Rule, Predicate, rules grouped by vendor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from graph.ids import Kind, node_id
from graph.store import KnowledgeGraph
from loaders import records
from schema.context import kg_of

from .node import Node

if TYPE_CHECKING:
    from .attack import Technique

Vendor = strawberry.enum(records.Vendor, description="Source of detection content.")
Operator = strawberry.enum(records.Operator, description="Shared predicate operator vocabulary.")


@strawberry.type(description="One leaf of a rule's detection logic.")
class Predicate:
    field: str | None = strawberry.field(description="Field as the vendor spells it; null for keywords.")
    operator: Operator  # type: ignore[valid-type]
    value: str | None = strawberry.field(description="Normalized value (glob for wildcard).")
    raw: str | None = strawberry.field(description="Value exactly as authored.")
    excluded: bool
    case_sensitive: bool
    modifiers: list[str]
    context: str

    @classmethod
    def from_record(cls, rec: records.Predicate) -> Predicate:
        return cls(field=rec.field, operator=rec.operator, value=rec.value, raw=rec.raw, excluded=rec.excluded,
                   case_sensitive=rec.case_sensitive, modifiers=list(rec.modifiers), context=rec.context)


@strawberry.type(description="A detection rule from Sigma, Elastic or Splunk.")
class Rule(Node):
    uid: str
    vendor: Vendor  # type: ignore[valid-type]
    native_id: str
    title: str
    description: str
    path: str
    line: int | None
    rule_type: str | None
    language: str | None
    query: str | None
    status: str | None
    level: str | None
    authors: list[str]
    date: str | None
    modified: str | None
    references: list[str]
    falsepositives: list[str]
    tags: list[str]
    tagged_techniques: list[str] = strawberry.field(description="ATT&CK ids exactly as the rule tags them.")
    depends_on_fields: list[str]
    deprecated: bool
    _rec: strawberry.Private[records.Rule]

    @classmethod
    def from_record(cls, rec: records.Rule) -> Rule:
        return cls(
            id=strawberry.ID(node_id(Kind.RULE, rec.uid)), uid=rec.uid, vendor=rec.vendor, native_id=rec.native_id,
            title=rec.title, description=rec.description, path=rec.path, line=rec.line, rule_type=rec.rule_type,
            language=rec.language, query=rec.query, status=rec.status, level=rec.level,
            authors=list(rec.authors), date=rec.date, modified=rec.modified, references=list(rec.references),
            falsepositives=list(rec.falsepositives), tags=list(rec.tags), tagged_techniques=list(rec.techniques),
            depends_on_fields=list(rec.depends_on_fields), deprecated=rec.deprecated, _rec=rec,
        )

    @strawberry.field(description="Observation hints (logsource) as key/value pairs.")
    def logsource(self) -> list[list[str]]:
        return [[k, v] for k, v in self._rec.logsource]

    @strawberry.field(description="All predicates: what the rule looks for and what it excludes.")
    def predicates(self, excluded: bool | None = None) -> list[Predicate]:
        return [Predicate.from_record(p) for p in self._rec.predicates if excluded is None or p.excluded == excluded]

    @strawberry.field(description="Predicates inside NOT / filter branches.")
    def exclusions(self) -> list[Predicate]:
        return [Predicate.from_record(p) for p in self._rec.predicates if p.excluded]

    @strawberry.field(description="Techniques the rule is tagged with (revoked ids resolved).")
    def techniques(self, info: Info[Any, Any]) -> list[Annotated[Technique, strawberry.lazy("schema.types.attack")]]:
        from .attack import Technique

        kg = kg_of(info)
        return [Technique.from_record(kg.techniques[t]) for t in kg.techniques_by_rule.get(self.uid, ())]


@strawberry.type(description="The rules of one vendor.")
class RuleGroup:
    vendor: Vendor  # type: ignore[valid-type]
    count: int
    rules: list[Rule]


def group_rules(kg: KnowledgeGraph, technique_ids: Iterable[str]) -> list[RuleGroup]:
    """Active rules tagged with any of ``technique_ids``, grouped by vendor in vendor order."""
    return group_rules_by_uid(kg, (uid for tid in technique_ids for uid in kg.rules_by_technique.get(tid, ())))


def group_rules_by_uid(kg: KnowledgeGraph, uids: Iterable[str]) -> list[RuleGroup]:
    """Rules grouped by vendor (Sigma, Elastic, Splunk), each group by title."""
    by_vendor: dict[records.Vendor, list[Rule]] = {v: [] for v in records.Vendor}
    for uid in dict.fromkeys(uids):
        rec = kg.rules[uid]
        by_vendor[rec.vendor].append(Rule.from_record(rec))
    return [RuleGroup(vendor=v, count=len(rs), rules=sorted(rs, key=lambda r: r.title.lower()))
            for v, rs in by_vendor.items() if rs]
