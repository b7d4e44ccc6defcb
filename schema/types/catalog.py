"""Catalog types: Field, Event, Indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from graph.ids import Kind, node_id
from graph.store import Indicator as IndicatorRecord
from loaders import records
from schema.context import kg_of
from schema.pagination import page_size

from .node import Node

if TYPE_CHECKING:
    from .attack import Technique
    from .rules import Rule

TechniqueRef = Annotated["Technique", strawberry.lazy("schema.types.attack")]
RuleRef = Annotated["Rule", strawberry.lazy("schema.types.rules")]


def _techniques(info: Info[Any, Any], ids: Any) -> list[Technique]:
    from .attack import Technique

    kg = kg_of(info)
    return [Technique.from_record(kg.techniques[t]) for t in ids if t in kg.techniques]


def _rules(info: Info[Any, Any], uids: Any, first: int) -> list[Rule]:
    from .rules import Rule

    kg = kg_of(info)
    return [Rule.from_record(kg.rules[u]) for u in list(uids)[: page_size(first)]]


@strawberry.type(description="A vendor's spelling of a canonical field.")
class VendorSpelling:
    vendor: str
    spelling: str


@strawberry.type(description="An indicator: (canonical field, operator, normalized value).")
class Indicator(Node):
    field: str
    operator: str
    value: str | None
    reach: int = strawberry.field(description="Active rules in the whole catalog that match on it.")
    exclusion_reach: int = strawberry.field(description="Active rules that exclude it.")

    @classmethod
    def from_record(cls, rec: IndicatorRecord, kg: Any) -> Indicator:
        return cls(id=strawberry.ID(node_id(Kind.INDICATOR, rec.id)), field=rec.field, operator=rec.operator,
                   value=rec.value, reach=kg.reach(rec.id),
                   exclusion_reach=len(kg.indicator_excluding_rules.get(rec.id, ())))

    @strawberry.field(description="Rules that match on it (at most `first`, ≤ 100).")
    def rules(self, info: Info[Any, Any], first: int = 20) -> list[RuleRef]:
        return _rules(info, kg_of(info).indicator_rules.get(str(self.id)[len("indicator:"):], ()), first)

    @strawberry.field(description="Techniques whose rules match on it.")
    def techniques(self, info: Info[Any, Any]) -> list[TechniqueRef]:
        return _techniques(info, kg_of(info).indicator_techniques.get(str(self.id)[len("indicator:"):], ()))


@strawberry.type(description="A canonical field (ECS-based), or a vendor-qualified field when unmapped.")
class Field(Node):
    name: str
    canonical: bool
    description: str
    vendor_spellings: list[VendorSpelling]
    rule_count: int

    @classmethod
    def from_record(cls, rec: records.Field, kg: Any) -> Field:
        return cls(id=strawberry.ID(node_id(Kind.FIELD, rec.id)), name=rec.id, canonical=rec.canonical,
                   description=rec.description,
                   vendor_spellings=[VendorSpelling(vendor=v, spelling=s) for v, s in rec.vendor_spellings],
                   rule_count=len(kg.field_rules.get(rec.id, ())))

    @strawberry.field(description="Rules that filter on it (at most `first`, ≤ 100).")
    def rules(self, info: Info[Any, Any], first: int = 20) -> list[RuleRef]:
        return _rules(info, kg_of(info).field_rules.get(self.name, ()), first)

    @strawberry.field(description="Techniques whose rules filter on it.")
    def techniques(self, info: Info[Any, Any]) -> list[TechniqueRef]:
        return _techniques(info, kg_of(info).field_techniques.get(self.name, ()))

    @strawberry.field(description="Most used indicator values on this field, by corpus reach.")
    def top_values(self, info: Info[Any, Any], first: int = 10) -> list[Indicator]:
        kg = kg_of(info)
        ids = kg.field_indicators.get(self.name, ())[: page_size(first)]
        return [Indicator.from_record(kg.indicators[i], kg) for i in ids]


@strawberry.type(description="A concrete log event type of the event catalog (e.g. Sysmon 22).")
class Event(Node):
    event_id: str
    name: str
    platform: str
    provider: str
    channel: str | None
    event_code: str | None
    rule_count: int

    @classmethod
    def from_record(cls, rec: records.Event, kg: Any) -> Event:
        return cls(id=strawberry.ID(node_id(Kind.EVENT, rec.id)), event_id=rec.id, name=rec.name,
                   platform=rec.platform, provider=rec.provider, channel=rec.channel, event_code=rec.event_code,
                   rule_count=len(kg.event_rules.get(rec.id, ())))

    @strawberry.field(description="Rules that observe it (at most `first`, ≤ 100).")
    def rules(self, info: Info[Any, Any], first: int = 20) -> list[RuleRef]:
        return _rules(info, kg_of(info).event_rules.get(self.event_id, ()), first)

    @strawberry.field(description="Techniques whose rules observe it.")
    def techniques(self, info: Info[Any, Any]) -> list[TechniqueRef]:
        return _techniques(info, kg_of(info).event_techniques.get(self.event_id, ()))

    @strawberry.field(description="Techniques ATT&CK's analytics recommend this event for.")
    def recommended_for(self, info: Info[Any, Any]) -> list[TechniqueRef]:
        return _techniques(info, kg_of(info).recommended_for.get(self.event_id, ()))

    @strawberry.field(description="Canonical fields seen on it (catalog fields and fields its rules filter on).")
    def fields(self, info: Info[Any, Any]) -> list[str]:
        return list(kg_of(info).event_fields.get(self.event_id, ()))
