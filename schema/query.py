"""The root Query type and schema construction."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext, Info

from graph.ids import Kind, split_id

from .context import kg_of
from .errors import QueryError
from .pagination import Connection, paginate
from .query_analytics import AnalyticsQuery
from .query_explore import ExploreQuery
from .resolvers import filter_rules, filter_techniques, resolve_node
from .types.attack import Tactic, Technique
from .types.node import Node
from .types.rules import Rule, Vendor

log = logging.getLogger("detgraph.graphql")


@strawberry.input(description="Filters for `techniques`; all given filters must match.")
class TechniqueFilter:
    tactic: str | None = strawberry.field(default=None, description="Tactic shortname or id (TA0010).")
    platform: str | None = None
    text: str | None = strawberry.field(default=None, description="Case-insensitive text in id, name or description.")
    has_rules: bool | None = None
    include_subtechniques: bool = True


@strawberry.input(description="Filters for `rules`; all given filters must match.")
class RuleFilter:
    vendor: Vendor | None = None  # type: ignore[valid-type]
    technique: str | None = strawberry.field(default=None, description="ATT&CK id; revoked ids resolve.")
    level: str | None = None
    status: str | None = None
    text: str | None = None


@strawberry.type
class CoreQuery:
    @strawberry.field(description="A technique by ATT&CK id; a revoked id resolves to its replacement.")
    def technique(self, info: Info[Any, Any], id: str) -> Technique | None:
        tech = kg_of(info).technique(id)
        return Technique.from_record(tech) if tech else None

    @strawberry.field(description="Live techniques (and unresolved ids rules reference), by ATT&CK id.")
    def techniques(self, info: Info[Any, Any], filter: TechniqueFilter | None = None, first: int | None = None,
                   after: str | None = None, last: int | None = None,
                   before: str | None = None) -> Connection[Technique]:
        kg = kg_of(info)
        f = filter or TechniqueFilter()
        ids = filter_techniques(kg, tactic=f.tactic, platform=f.platform, text=f.text, has_rules=f.has_rules,
                                include_subtechniques=f.include_subtechniques)
        return paginate(ids, lambda t: Technique.from_record(kg.techniques[t]), first=first, after=after,
                        last=last, before=before)

    @strawberry.field(description="A tactic by shortname (exfiltration) or id (TA0010).")
    def tactic(self, info: Info[Any, Any], id: str) -> Tactic | None:
        tactic = kg_of(info).tactic(id)
        return Tactic.from_record(tactic) if tactic else None

    @strawberry.field(description="Tactics in matrix order.")
    def tactics(self, info: Info[Any, Any]) -> list[Tactic]:
        kg = kg_of(info)
        return [Tactic.from_record(t) for t in sorted(kg.tactics.values(), key=lambda t: (t.order, t.shortname))]

    @strawberry.field(description="A rule by uid (`sigma:<id>`), native id, or global id (`rule:sigma:<id>`).")
    def rule(self, info: Info[Any, Any], id: str) -> Rule | None:
        kg = kg_of(info)
        key = id[len("rule:"):] if id.startswith("rule:") else id
        rec = kg.rules.get(key) or next((kg.rules[f"{v}:{key}"] for v in ("sigma", "elastic", "splunk")
                                         if f"{v}:{key}" in kg.rules), None)
        return Rule.from_record(rec) if rec else None

    @strawberry.field(description="Active rules, by vendor then title.")
    def rules(self, info: Info[Any, Any], filter: RuleFilter | None = None, first: int | None = None,
              after: str | None = None, last: int | None = None, before: str | None = None) -> Connection[Rule]:
        kg = kg_of(info)
        f = filter or RuleFilter()
        uids = filter_rules(kg, vendor=f.vendor.value if f.vendor else None, technique=f.technique,
                            level=f.level, status=f.status, text=f.text)
        return paginate(uids, lambda u: Rule.from_record(kg.rules[u]), first=first, after=after,
                        last=last, before=before)

    @strawberry.field(description="Any graph object by global id `<kind>:<key>`.")
    def node(self, info: Info[Any, Any], id: strawberry.ID) -> Node | None:
        try:
            split_id(str(id))
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        return resolve_node(kg_of(info), str(id))


@strawberry.type(description="detgraph: ATT&CK techniques, detection rules, fields, events and indicators.")
class Query(CoreQuery, AnalyticsQuery, ExploreQuery):
    pass


class DetgraphSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client errors are answers, not server faults: internal errors are logged where they are masked."""
        for error in errors:
            log.debug("graphql error: %s", error.message)


def build_schema() -> strawberry.Schema:
    from .limits import extensions
    from .types.catalog import Event, Field, Indicator

    return DetgraphSchema(query=Query, types=[Technique, Tactic, Rule, Field, Event, Indicator],
                             extensions=extensions())


__all__ = ["Kind", "Query", "build_schema"]
