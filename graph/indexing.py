"""Predicate, field, indicator and event nodes, edges and indices (computed once at build time)."""

from __future__ import annotations

from collections import defaultdict

from loaders.records import Rule

from .normalization import SELECTOR_FIELDS, Normalizer
from .store import Indicator, KnowledgeGraph

COMPUTED = "computed"  # predicates on columns a query computed (ES|QL EVAL, SPL eval/stats): not event fields


def indicator_id(field: str, operator: str, value: str | None) -> str:
    """The indicator's id: ``<field>|<operator>|<value>``.

    >>> indicator_id("process.name", "eq", "rclone.exe")
    'process.name|eq|rclone.exe'
    """
    return f"{field}|{operator}|{'' if value is None else value}"


def index_predicates(kg: KnowledgeGraph, normalizer: Normalizer) -> None:
    indicators = kg.indicators
    assert isinstance(indicators, dict), "indicators are only added while the graph is built"
    ind_rules: dict[str, list[str]] = defaultdict(list)
    ind_excl: dict[str, list[str]] = defaultdict(list)
    field_rules: dict[str, list[str]] = defaultdict(list)
    spellings: dict[str, set[tuple[str, str]]] = defaultdict(set)
    computed_prefix = COMPUTED + ":"
    for uid in kg.rule_order:
        rule = kg.rules[uid]
        vendor = rule.vendor.value
        seen_ind: dict[tuple[str, bool], None] = {}
        seen_field: dict[tuple[str, str, bool], None] = {}
        for pred in rule.predicates:
            context = pred.context
            if context and (context == COMPUTED or context.startswith(computed_prefix)):
                continue
            fld = normalizer.field(rule, pred)
            if pred.field is not None:
                spellings[fld].add((vendor, pred.field))
            key = normalizer.indicator(rule, pred, fld)
            iid = indicator_id(*key)
            known = kg.indicators.get(iid)
            if known is not None:
                iid = known.id  # the first copy: indices and edges share it
            else:
                indicators[iid] = Indicator(id=iid, field=key[0], operator=key[1], value=key[2])
            excluded = pred.excluded
            if (iid, excluded) not in seen_ind:
                seen_ind[(iid, excluded)] = None
                (ind_excl if excluded else ind_rules)[iid].append(uid)
            fkey = (fld, pred.operator.value, excluded)
            if fkey not in seen_field:
                seen_field[fkey] = None
        kg.rule_indicators[uid] = tuple(seen_ind)
        kg.rule_fields[uid] = tuple(seen_field)
        for fld in {f for f, _, _ in seen_field}:
            field_rules[fld].append(uid)
    kg.indicator_rules = {k: tuple(v) for k, v in ind_rules.items()}
    kg.indicator_excluding_rules = {k: tuple(v) for k, v in ind_excl.items()}
    kg.field_rules = {k: tuple(v) for k, v in field_rules.items()}
    for fld in field_rules:
        base = normalizer.describe_field(fld)
        extra = tuple(sorted(spellings.get(fld, ())))
        merged = tuple(sorted(set(base.vendor_spellings) | set(extra)))
        kg.fields[fld] = type(base)(id=fld, vendor_spellings=merged, description=base.description,
                                    canonical=base.canonical)
    by_field: dict[str, list[str]] = defaultdict(list)
    for iid, ind in kg.indicators.items():
        by_field[ind.field].append(iid)
    kg.field_indicators = {f: tuple(sorted(v, key=lambda i: (-kg.reach(i), i))) for f, v in by_field.items()}
    kg.indicator_order = tuple(sorted(kg.indicators, key=lambda i: (-kg.reach(i), i)))
    kg.field_order = tuple(sorted(kg.fields, key=lambda f: (-len(kg.field_rules.get(f, ())), f)))

    # positive indicators and fields of each rule, computed once (a rule counts under each of its techniques)
    positive = {uid: tuple(iid for iid, excluded in inds if not excluded) for uid, inds in kg.rule_indicators.items()}
    positive_fields = {uid: tuple(f for f, _, excluded in flds if not excluded)
                       for uid, flds in kg.rule_fields.items()}
    ind_techs: dict[str, set[str]] = defaultdict(set)
    tech_inds: dict[str, set[str]] = defaultdict(set)
    tech_fields: dict[str, set[str]] = defaultdict(set)
    for tid, uids in kg.rules_by_technique.items():
        inds = tech_inds[tid]
        flds = tech_fields[tid]
        for uid in uids:
            mine = positive.get(uid, ())
            inds.update(mine)
            for iid in mine:
                ind_techs[iid].add(tid)
            flds.update(positive_fields.get(uid, ()))
    kg.indicator_techniques = {k: tuple(sorted(v)) for k, v in ind_techs.items()}
    kg.field_techniques = {f: tuple(sorted({t for u in uids for t in kg.techniques_by_rule.get(u, ())}))
                           for f, uids in kg.field_rules.items()}
    # Overlap and similarity compare what rules detect: event-selecting fields (host.os.type, event.category,
    # EventID, index, ...) would make every Windows process rule look alike, so they are left out here.
    selectors = frozenset(iid for iid, ind in kg.indicators.items() if ind.field in SELECTOR_FIELDS)
    kg.technique_indicator_sets = {k: frozenset(v - selectors) for k, v in tech_inds.items() if v - selectors}
    kg.technique_field_sets = {k: frozenset(v - SELECTOR_FIELDS) for k, v in tech_fields.items()}


def index_events(kg: KnowledgeGraph, normalizer: Normalizer) -> None:
    kg.events = dict(normalizer.event_records())
    event_rules: dict[str, list[str]] = defaultdict(list)
    event_fields: dict[str, set[str]] = defaultdict(set)
    for uid in kg.rule_order:
        rule = kg.rules[uid]
        events = tuple(e for e in _events(normalizer, rule) if e in kg.events)
        kg.rule_events[uid] = events
        for eid in events:
            event_rules[eid].append(uid)
            event_fields[eid].update(f for f, _, _ in kg.rule_fields.get(uid, ()))
    for eid, ev in kg.events.items():
        event_fields[eid].update(ev.fields)
    kg.event_rules = {k: tuple(v) for k, v in event_rules.items()}
    kg.event_techniques = {e: tuple(sorted({t for u in uids for t in kg.techniques_by_rule.get(u, ())}))
                           for e, uids in kg.event_rules.items()}
    kg.event_fields = {k: tuple(sorted(v)) for k, v in event_fields.items() if v}
    tech_events: dict[str, set[str]] = defaultdict(set)
    for tid, uids in kg.rules_by_technique.items():
        for uid in uids:
            tech_events[tid].update(kg.rule_events.get(uid, ()))
    kg.technique_events = {k: tuple(sorted(v)) for k, v in tech_events.items()}
    rec_for: dict[str, set[str]] = defaultdict(set)
    for tech in kg.techniques.values():
        if not tech.live:
            continue
        recommended = tuple(sorted({e for e in normalizer.recommended_events(tech) if e in kg.events}))
        if recommended:
            kg.recommended_events[tech.id] = recommended
            for eid in recommended:
                rec_for[eid].add(tech.id)
    kg.recommended_for = {k: tuple(sorted(v)) for k, v in rec_for.items()}


def _events(normalizer: Normalizer, rule: Rule) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalizer.events(rule)))
