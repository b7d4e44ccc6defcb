"""Root fields for the catalog (fields, events, indicators) and the analytics answers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from graph.analytics import coverage as cov
from graph.analytics import guide as gd
from graph.analytics import overlap as ov
from graph.ids import Kind

from .context import kg_of
from .errors import QueryError
from .pagination import Connection, page_size, paginate
from .resolvers import lookup
from .types.analytics import AuthoringGuide, CoverageRow, Overlap, OverlapCell, SharedIndicator, SimilarTechnique
from .types.catalog import Event, Field, Indicator
from .types.rules import Vendor

MAX_TECHNIQUES = 1_000  # every technique fits: an all-pairs matrix takes well under a second


def _technique_id(info: Info[Any, Any], technique: str) -> str:
    tech = kg_of(info).technique(technique)
    if tech is None:
        raise QueryError(f"unknown technique: {technique!r}")
    return tech.id


def _technique_ids(info: Info[Any, Any], techniques: list[str] | None, tactic: str | None) -> list[str]:
    kg = kg_of(info)
    if tactic is not None:
        found = kg.tactic(tactic)
        if found is None:
            raise QueryError(f"unknown tactic: {tactic!r}")
        ids = list(kg.techniques_by_tactic.get(found.shortname, ()))
    elif techniques:
        if len(techniques) > MAX_TECHNIQUES:  # checked before any work on the list
            raise QueryError(f"size limit: at most {MAX_TECHNIQUES} techniques per request, got {len(techniques)}")
        ids = [_technique_id(info, t) for t in techniques]
    else:
        raise QueryError("give `techniques` (a list of ATT&CK ids) or a `tactic`")
    return list(dict.fromkeys(ids))


@strawberry.enum(description="What to break coverage down by.")
class CoverageBy(Enum):
    TACTIC = "tactic"
    VENDOR = "vendor"
    EVENT = "event"


@strawberry.input(description="Filters for `fields`.")
class FieldFilter:
    text: str | None = None
    canonical: bool | None = None
    vendor: Vendor | None = None  # type: ignore[valid-type]


@strawberry.input(description="Filters for `events`.")
class EventFilter:
    platform: str | None = None
    text: str | None = None
    observed: bool | None = strawberry.field(default=None, description="Only events some rule observes.")


@strawberry.input(description="Filters for `indicators`.")
class IndicatorFilter:
    field: str | None = None
    operator: str | None = None
    value_contains: str | None = None
    min_reach: int | None = None


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(description="A canonical (or vendor-qualified) field by name.")
    def field(self, info: Info[Any, Any], id: str) -> Field | None:
        return lookup(kg_of(info), Kind.FIELD, id)  # type: ignore[return-value]

    @strawberry.field(description="Fields, most used first.")
    def fields(self, info: Info[Any, Any], filter: FieldFilter | None = None, first: int | None = None,
               after: str | None = None) -> Connection[Field]:
        kg = kg_of(info)
        f = filter or FieldFilter()
        ids = kg.field_order
        needle = (f.text or "").lower()
        vendor = f.vendor.value if f.vendor else None
        sel = [i for i in ids if (not needle or needle in i.lower())
               and (f.canonical is None or kg.fields[i].canonical == f.canonical)
               and (vendor is None or any(v == vendor for v, _ in kg.fields[i].vendor_spellings))]
        return paginate(sel, lambda i: Field.from_record(kg.fields[i], kg), first=first, after=after)

    @strawberry.field(description="A catalog event by id (e.g. `sysmon:22`).")
    def event(self, info: Info[Any, Any], id: str) -> Event | None:
        return lookup(kg_of(info), Kind.EVENT, id)  # type: ignore[return-value]

    @strawberry.field(description="Catalog events, by id.")
    def events(self, info: Info[Any, Any], filter: EventFilter | None = None, first: int | None = None,
               after: str | None = None) -> Connection[Event]:
        kg = kg_of(info)
        f = filter or EventFilter()
        needle = (f.text or "").lower()
        sel = [e for e in sorted(kg.events) if (f.platform is None or kg.events[e].platform == f.platform.lower())
               and (not needle or needle in f"{e} {kg.events[e].name}".lower())
               and (f.observed is None or bool(kg.event_rules.get(e)) == f.observed)]
        return paginate(sel, lambda e: Event.from_record(kg.events[e], kg), first=first, after=after)

    @strawberry.field(description="An indicator by id `<field>|<operator>|<value>`.")
    def indicator(self, info: Info[Any, Any], id: str) -> Indicator | None:
        return lookup(kg_of(info), Kind.INDICATOR, id)  # type: ignore[return-value]

    @strawberry.field(description="Indicators, highest corpus reach first.")
    def indicators(self, info: Info[Any, Any], filter: IndicatorFilter | None = None, first: int | None = None,
                   after: str | None = None) -> Connection[Indicator]:
        kg = kg_of(info)
        f = filter or IndicatorFilter()
        ids: Sequence[str] = kg.field_indicators.get(f.field, ()) if f.field is not None else kg.indicator_order
        if f.min_reach is not None:  # both orders are by reach, highest first
            ids = list(itertools.takewhile(lambda i: kg.reach(i) >= f.min_reach, ids))  # type: ignore[operator]
        needle = (f.value_contains or "").lower()
        sel = [i for i in ids if (f.operator is None or i.split("|", 2)[1] == f.operator)
               and (not needle or needle in i.split("|", 2)[2].lower())]
        return paginate(sel, lambda i: Indicator.from_record(kg.indicators[i], kg), first=first, after=after)

    @strawberry.field(description="The technique's authoring guide, as on the reference page.")
    def authoring_guide(self, info: Info[Any, Any], technique: str, include_subtechniques: bool = False,
                        vendors: list[Vendor] | None = None,  # type: ignore[valid-type]
                        include_selectors: bool = False) -> AuthoringGuide:
        kg = kg_of(info)
        tid = _technique_id(info, technique)
        wanted = [v.value for v in vendors] if vendors else None  # type: ignore[attr-defined]
        guide = gd.authoring_guide(kg, tid, include_subtechniques=include_subtechniques, vendors=wanted,
                                   include_selectors=include_selectors)
        return AuthoringGuide.from_record(guide, kg)

    @strawberry.field(description="Indicators used by at least `minTechniques` of the techniques.")
    def shared_indicators(self, info: Info[Any, Any], techniques: list[str], min_techniques: int = 2,
                          first: int = 50) -> list[SharedIndicator]:
        kg = kg_of(info)
        ids = _technique_ids(info, techniques, None)
        found = ov.shared_indicators(kg, ids, min_techniques=min_techniques, first=page_size(first, maximum=500))
        return [SharedIndicator.from_record(s, kg) for s in found]

    @strawberry.field(description="What two techniques share: indicators, fields, events and rules, with Jaccard.")
    def overlap(self, info: Info[Any, Any], a: str, b: str) -> Overlap:
        kg = kg_of(info)
        return Overlap.from_record(ov.overlap(kg, _technique_id(info, a), _technique_id(info, b)), kg)

    @strawberry.field(description="The techniques most similar to one, by indicator Jaccard, with evidence.")
    def similar_techniques(self, info: Info[Any, Any], technique: str, first: int = 10) -> list[SimilarTechnique]:
        kg = kg_of(info)
        found = ov.similar_techniques(kg, _technique_id(info, technique), first=page_size(first))
        return [SimilarTechnique.from_record(s, kg) for s in found]

    @strawberry.field(description="Pairwise indicator overlap over a list of techniques or a tactic.")
    def overlap_matrix(self, info: Info[Any, Any], techniques: list[str] | None = None, tactic: str | None = None,
                       min_shared: int = 1) -> list[OverlapCell]:
        kg = kg_of(info)
        ids = _technique_ids(info, techniques, tactic)
        return [OverlapCell(a=c.a, b=c.b, shared_count=c.shared, jaccard=c.jaccard)
                for c in ov.overlap_matrix(kg, ids, min_shared=min_shared)]

    @strawberry.field(description="Rules and techniques per tactic, vendor or event.")
    def coverage(self, info: Info[Any, Any], by: CoverageBy) -> list[CoverageRow]:
        return [CoverageRow.from_record(r) for r in cov.coverage(kg_of(info), by.value)]

    @strawberry.field(description="Live techniques that no active rule is tagged with.")
    def techniques_without_rules(self, info: Info[Any, Any]) -> list[str]:
        return cov.techniques_without_rules(kg_of(info))

    @strawberry.field(description="Events ATT&CK recommends for the technique that none of its rules observes.")
    def event_gaps(self, info: Info[Any, Any], technique: str) -> list[Event]:
        kg = kg_of(info)
        return [Event.from_record(kg.events[e], kg) for e in cov.event_gaps(kg, _technique_id(info, technique))]
