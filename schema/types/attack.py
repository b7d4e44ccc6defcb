"""ATT&CK types: Technique, Tactic, detection strategies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from graph.ids import Kind, node_id
from loaders import records
from schema.context import kg_of

from .node import Node

if TYPE_CHECKING:
    from .rules import RuleGroup


@strawberry.type(description="An ATT&CK tactic (a column of the Enterprise matrix).")
class Tactic(Node):
    attack_id: str
    shortname: str
    name: str
    order: int
    description: str
    url: str | None

    @classmethod
    def from_record(cls, rec: records.Tactic) -> Tactic:
        return cls(id=strawberry.ID(node_id(Kind.TACTIC, rec.shortname)), attack_id=rec.id,
                   shortname=rec.shortname, name=rec.name, order=rec.order,
                   description=rec.description, url=rec.url)

    @strawberry.field(description="Live techniques and sub-techniques in this tactic.")
    def techniques(self, info: Info[Any, Any]) -> list[Technique]:
        kg = kg_of(info)
        return [Technique.from_record(kg.techniques[t]) for t in kg.techniques_by_tactic.get(self.shortname, ())]


@strawberry.type(description="An ATT&CK v18 analytic log source reference (name and channel).")
class LogSourceRef:
    name: str
    channel: str
    data_component: str | None


@strawberry.type
class Analytic:
    attack_id: str
    name: str
    platforms: list[str]
    log_sources: list[LogSourceRef]


@strawberry.type(description="An ATT&CK detection strategy that `detects` the technique.")
class DetectionStrategy:
    attack_id: str
    name: str
    analytics: list[Analytic]

    @classmethod
    def from_record(cls, rec: records.DetectionStrategy) -> DetectionStrategy:
        return cls(attack_id=rec.id, name=rec.name, analytics=[
            Analytic(attack_id=a.id, name=a.name, platforms=list(a.platforms),
                     log_sources=[LogSourceRef(name=ls.name, channel=ls.channel, data_component=ls.data_component)
                                  for ls in a.log_sources])
            for a in rec.analytics])


@strawberry.type(description="An ATT&CK technique or sub-technique.")
class Technique(Node):
    attack_id: str = strawberry.field(description="ATT&CK id, e.g. T1567.002.")
    name: str
    description: str
    platforms: list[str]
    is_subtechnique: bool
    revoked: bool
    deprecated: bool
    unresolved: bool = strawberry.field(description="Referenced by rules but absent from the ATT&CK bundle.")
    source: str = strawberry.field(description="attack, attack-v19-supplement or unresolved.")
    url: str | None
    data_components: list[str]
    _rec: strawberry.Private[records.Technique]

    @classmethod
    def from_record(cls, rec: records.Technique) -> Technique:
        return cls(id=strawberry.ID(node_id(Kind.TECHNIQUE, rec.id)), attack_id=rec.id, name=rec.name,
                   description=rec.description, platforms=list(rec.platforms),
                   is_subtechnique=rec.is_subtechnique, revoked=rec.revoked, deprecated=rec.deprecated,
                   unresolved=rec.unresolved, source=rec.source, url=rec.url,
                   data_components=list(rec.data_components), _rec=rec)

    @strawberry.field(description="The parent technique of a sub-technique.")
    def parent(self, info: Info[Any, Any]) -> Technique | None:
        parent = self._rec.parent and kg_of(info).techniques.get(self._rec.parent)
        return Technique.from_record(parent) if parent else None

    @strawberry.field
    def subtechniques(self, info: Info[Any, Any]) -> list[Technique]:
        kg = kg_of(info)
        return [Technique.from_record(kg.techniques[t]) for t in kg.subtechniques.get(self._rec.id, ())]

    @strawberry.field
    def tactics(self, info: Info[Any, Any]) -> list[Tactic]:
        kg = kg_of(info)
        return [Tactic.from_record(kg.tactics[s]) for s in self._rec.tactics if s in kg.tactics]

    @strawberry.field(description="The technique that replaced this one, when revoked.")
    def revoked_by(self, info: Info[Any, Any]) -> Technique | None:
        repl = self._rec.revoked_by and kg_of(info).technique(self._rec.revoked_by)
        return Technique.from_record(repl) if repl else None

    @strawberry.field
    def detection_strategies(self) -> list[DetectionStrategy]:
        return [DetectionStrategy.from_record(s) for s in self._rec.detection_strategies]

    @strawberry.field(description="Active rules tagged with this technique, grouped by vendor.")
    def rules(
        self, info: Info[Any, Any], include_subtechniques: bool = False
    ) -> list[Annotated[RuleGroup, strawberry.lazy("schema.types.rules")]]:
        from .rules import group_rules

        kg = kg_of(info)
        ids = [self._rec.id, *(kg.subtechniques.get(self._rec.id, ()) if include_subtechniques else ())]
        return group_rules(kg, ids)
