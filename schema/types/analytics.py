"""Types for the analytics answers: authoring guide, overlap, similarity, coverage."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from graph.analytics import coverage as cov
from graph.analytics import guide as gd
from graph.analytics import overlap as ov
from graph.store import KnowledgeGraph
from schema.context import kg_of
from schema.pagination import page_size

from .attack import Technique
from .catalog import Event, Indicator
from .rules import RuleGroup, group_rules_by_uid

GUIDE_PAGE = 1000  # a guide lists up to this many indicators or exclusions per request


@strawberry.type(description="How often one operator is used on a field.")
class OperatorCount:
    operator: str
    count: int


@strawberry.type(description="A row of 'Fields filtered most': each rule counts at most once.")
class FieldUsage:
    field: str
    rule_count: int
    operators: list[OperatorCount]
    sample_values: list[str]

    @classmethod
    def from_record(cls, row: gd.FieldRow) -> FieldUsage:
        return cls(field=row.field, rule_count=row.rules, sample_values=list(row.samples),
                   operators=[OperatorCount(operator=o, count=c) for o, c in row.operators])


@strawberry.type(description="An indicator used by rules under the technique, with its corpus reach.")
class IndicatorUsage:
    indicator: Indicator
    rule_count: int = strawberry.field(description="Rules under the technique (and filters) that use it.")
    corpus_reach: int = strawberry.field(description="Rules in the whole catalog (any technique) that use it.")
    specific: bool = strawberry.field(description="True when no rule outside this selection uses it.")
    rule_ids: list[str]

    @classmethod
    def from_record(cls, row: gd.IndicatorRow, kg: KnowledgeGraph) -> IndicatorUsage:
        return cls(indicator=Indicator.from_record(kg.indicators[row.indicator], kg), rule_count=len(row.rules),
                   corpus_reach=row.reach, specific=row.reach <= len(row.rules), rule_ids=list(row.rules))


@strawberry.type(description="The authoring guide of the reference technique page.")
class AuthoringGuide:
    technique: Technique
    technique_ids: list[str]
    vendors: list[str] | None
    rule_count: int
    events: list[Event]
    fields: list[FieldUsage]
    field_count: int
    indicator_count: int
    exclusion_fields: list[FieldUsage]
    selector_fields: list[FieldUsage] = strawberry.field(
        description="Event-selecting fields (event.category, host.os.type, EventID, index, ...), kept apart "
                    "unless `includeSelectors` is true.")
    _guide: strawberry.Private[gd.AuthoringGuide]

    @classmethod
    def from_record(cls, g: gd.AuthoringGuide, kg: KnowledgeGraph) -> AuthoringGuide:
        return cls(technique=Technique.from_record(kg.techniques[g.technique]), technique_ids=list(g.techniques),
                   vendors=list(g.vendors) if g.vendors else None, rule_count=len(g.rules),
                   events=[Event.from_record(kg.events[e], kg) for e in g.events if e in kg.events],
                   fields=[FieldUsage.from_record(r) for r in g.fields], field_count=len(g.fields),
                   indicator_count=len(g.indicators),
                   exclusion_fields=[FieldUsage.from_record(r) for r in g.exclusion_fields],
                   selector_fields=[FieldUsage.from_record(r) for r in g.selectors], _guide=g)

    @strawberry.field(description="Top indicator values, most used under the technique first.")
    def indicators(self, info: Info[Any, Any], first: int = 50) -> list[IndicatorUsage]:
        kg = kg_of(info)
        rows = self._guide.indicators[: page_size(first, maximum=GUIDE_PAGE)]
        return [IndicatorUsage.from_record(r, kg) for r in rows]

    @strawberry.field(description="What the rules exclude (predicates under NOT / filters), kept apart.")
    def exclusions(self, info: Info[Any, Any], first: int = 50) -> list[IndicatorUsage]:
        kg = kg_of(info)
        rows = self._guide.exclusions[: page_size(first, maximum=GUIDE_PAGE)]
        return [IndicatorUsage.from_record(r, kg) for r in rows]

    @strawberry.field(description="The rules the guide is computed over, grouped by vendor.")
    def rules(self, info: Info[Any, Any]) -> list[RuleGroup]:
        return group_rules_by_uid(kg_of(info), self._guide.rules)


@strawberry.type(description="An indicator shared by several of the asked techniques.")
class SharedIndicator:
    indicator: Indicator
    technique_ids: list[str]
    corpus_reach: int
    rules_by_technique: list[TechniqueRules]

    @classmethod
    def from_record(cls, s: ov.SharedIndicator, kg: KnowledgeGraph) -> SharedIndicator:
        return cls(indicator=Indicator.from_record(kg.indicators[s.indicator], kg), technique_ids=list(s.techniques),
                   corpus_reach=s.reach,
                   rules_by_technique=[TechniqueRules(technique_id=t, rule_ids=list(r)) for t, r in s.rules])


@strawberry.type
class TechniqueRules:
    technique_id: str
    rule_ids: list[str]


@strawberry.type(description="What two techniques share, with a Jaccard index per kind.")
class Overlap:
    a: Technique
    b: Technique
    shared_indicators: list[Indicator]
    shared_fields: list[str]
    shared_events: list[str]
    shared_rule_ids: list[str]
    indicator_jaccard: float
    field_jaccard: float
    event_jaccard: float
    rule_jaccard: float

    @classmethod
    def from_record(cls, o: ov.Overlap, kg: KnowledgeGraph) -> Overlap:
        return cls(a=Technique.from_record(kg.techniques[o.a]), b=Technique.from_record(kg.techniques[o.b]),
                   shared_indicators=[Indicator.from_record(kg.indicators[i], kg) for i in o.indicators],
                   shared_fields=list(o.fields), shared_events=list(o.events), shared_rule_ids=list(o.rules),
                   indicator_jaccard=o.indicator_jaccard, field_jaccard=o.field_jaccard,
                   event_jaccard=o.event_jaccard, rule_jaccard=o.rule_jaccard)


@strawberry.type(description="A technique similar to another by indicator overlap, with the evidence.")
class SimilarTechnique:
    technique: Technique
    shared_count: int
    jaccard: float
    evidence: list[Indicator]

    @classmethod
    def from_record(cls, s: ov.Similar, kg: KnowledgeGraph) -> SimilarTechnique:
        return cls(technique=Technique.from_record(kg.techniques[s.technique]), shared_count=s.shared,
                   jaccard=s.jaccard, evidence=[Indicator.from_record(kg.indicators[i], kg) for i in s.evidence])


@strawberry.type(description="One pair of an overlap matrix.")
class OverlapCell:
    a: str
    b: str
    shared_count: int
    jaccard: float


@strawberry.type(description="Rules of one vendor.")
class VendorCount:
    vendor: str
    count: int


@strawberry.type(description="Coverage of one tactic, vendor or event.")
class CoverageRow:
    key: str
    technique_count: int
    covered_technique_count: int
    rule_count: int
    rules_by_vendor: list[VendorCount]

    @classmethod
    def from_record(cls, r: cov.CoverageRow) -> CoverageRow:
        return cls(key=r.key, technique_count=r.techniques, covered_technique_count=r.covered, rule_count=r.rules,
                   rules_by_vendor=[VendorCount(vendor=v, count=c) for v, c in r.by_vendor])
