"""The technique authoring guide: events, fields filtered most, top indicators with corpus reach, exclusions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..normalization import SELECTOR_FIELDS
from ..store import KnowledgeGraph

SAMPLES_PER_FIELD = 5



@dataclass(frozen=True, slots=True)
class FieldRow:
    field: str
    rules: int  # rules under the technique that filter on the field (each rule once)
    operators: tuple[tuple[str, int], ...]  # (operator, rules using it on this field), most used first
    samples: tuple[str, ...]  # most used values


class IndicatorRow(NamedTuple):
    """A ranked indicator (a named tuple: guides build thousands of these)."""

    indicator: str  # indicator id, see KnowledgeGraph.indicators
    rules: list[str]  # rules under the technique that use it
    reach: int  # rules in the whole catalog that use it (same polarity)


@dataclass(frozen=True, slots=True)
class AuthoringGuide:
    technique: str
    techniques: tuple[str, ...]  # the technique, plus sub-techniques when asked
    vendors: tuple[str, ...] | None
    rules: tuple[str, ...]
    events: tuple[str, ...]
    fields: tuple[FieldRow, ...]
    indicators: tuple[IndicatorRow, ...]
    exclusion_fields: tuple[FieldRow, ...]
    exclusions: tuple[IndicatorRow, ...]
    selectors: tuple[FieldRow, ...] = ()  # event-selecting fields (SELECTOR_FIELDS), when kept apart


def guide_rules(kg: KnowledgeGraph, technique: str, *, include_subtechniques: bool = False,
                vendors: Iterable[str] | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(technique ids, active rule uids) the guide is computed over."""
    techs = (technique, *(kg.subtechniques.get(technique, ()) if include_subtechniques else ()))
    wanted = set(vendors) if vendors is not None else None
    uids = dict.fromkeys(uid for t in techs for uid in kg.rules_by_technique.get(t, ())
                         if wanted is None or kg.vendor_of(uid) in wanted)
    return techs, tuple(uids)


def authoring_guide(kg: KnowledgeGraph, technique: str, *, include_subtechniques: bool = False,
                    vendors: Sequence[str] | None = None, include_selectors: bool = False) -> AuthoringGuide:
    """The reference page's guide for one technique; the default one (the technique's own rules, every vendor)
    is memoized on the graph, variants are computed on each call.

    >>> from graph.testing import tiny_graph
    >>> g = authoring_guide(tiny_graph(), "T1", include_subtechniques=True)
    >>> g.rules, g.events
    (('sigma:a', 'elastic:b'), ('security:4688', 'sysmon:1'))
    >>> [(r.field, r.rules, r.operators) for r in g.fields]
    [('f:proc', 2, (('eq', 2),)), ('f:cmd', 1, (('wildcard', 1),))]
    >>> [(r.indicator, len(r.rules), r.reach) for r in g.indicators]
    [('f:proc|eq|cmd.exe', 2, 4), ('f:proc|eq|rclone.exe', 2, 3), ('f:cmd|wildcard|*copy*', 1, 1)]
    >>> [r.indicator for r in g.exclusions]
    ['f:parent|eq|explorer.exe']
    """
    if include_subtechniques or vendors is not None or include_selectors:  # variants: not kept (memory)
        return _compute(kg, technique, include_subtechniques, vendors, include_selectors)
    key = ("guide", technique)
    cached = kg.memo.get(key)
    if cached is None:
        cached = kg.memo[key] = _compute(kg, technique, False, None, False)
    return cached


def _compute(kg: KnowledgeGraph, technique: str, include_subtechniques: bool,
             vendors: Sequence[str] | None, include_selectors: bool) -> AuthoringGuide:
    techs, uids = guide_rules(kg, technique, include_subtechniques=include_subtechniques, vendors=vendors)
    events = sorted({e for uid in uids for e in kg.rule_events.get(uid, ())})
    rows: dict[bool, dict[str, list[str]]] = {False: defaultdict(list), True: defaultdict(list)}
    field_rules: dict[bool, dict[str, set[str]]] = {False: defaultdict(set), True: defaultdict(set)}
    field_ops: dict[bool, dict[str, Counter[str]]] = {False: defaultdict(Counter), True: defaultdict(Counter)}
    for uid in uids:
        for iid, excluded in kg.rule_indicators.get(uid, ()):
            rows[excluded][iid].append(uid)
        for fld, op, excluded in kg.rule_fields.get(uid, ()):
            field_rules[excluded][fld].add(uid)
            field_ops[excluded][fld][op] += 1
    indicators = {x: _indicator_rows(kg, rows[x], excluded=x) for x in (False, True)}
    fields = {x: _field_rows(field_rules[x], field_ops[x], indicators[x]) for x in (False, True)}
    selectors: tuple[FieldRow, ...] = ()
    if not include_selectors:
        selectors = tuple(r for r in fields[False] if r.field in SELECTOR_FIELDS)
        fields[False] = tuple(r for r in fields[False] if r.field not in SELECTOR_FIELDS)
        indicators[False] = tuple(r for r in indicators[False] if _field_of(r.indicator) not in SELECTOR_FIELDS)
    return AuthoringGuide(technique=technique, techniques=techs, vendors=tuple(vendors) if vendors else None,
                          rules=uids, events=tuple(events), fields=fields[False], indicators=indicators[False],
                          exclusion_fields=fields[True], exclusions=indicators[True], selectors=selectors)


def _field_of(indicator_id: str) -> str:
    return indicator_id.partition("|")[0]


def _indicator_rows(kg: KnowledgeGraph, rows: dict[str, list[str]], *, excluded: bool) -> tuple[IndicatorRow, ...]:
    index = kg.indicator_excluding_rules if excluded else kg.indicator_rules
    make = IndicatorRow._make
    ranked = [make((iid, r, len(index.get(iid, ())))) for iid, r in rows.items()]
    ranked.sort(key=lambda row: (-len(row[1]), -row[2], row[0]))
    return tuple(ranked)


def _field_rows(rules: dict[str, set[str]], ops: dict[str, Counter[str]],
                indicators: tuple[IndicatorRow, ...]) -> tuple[FieldRow, ...]:
    samples: dict[str, list[str]] = defaultdict(list)
    for row in indicators:  # already ranked by use under the technique
        fld, _, rest = row.indicator.partition("|")
        values = samples[fld]
        value = rest.partition("|")[2]
        if value and len(values) < SAMPLES_PER_FIELD:
            values.append(value)
    out = [FieldRow(field=f, rules=len(r), operators=tuple(sorted(ops[f].items(), key=lambda kv: (-kv[1], kv[0]))),
                    samples=tuple(samples.get(f, ()))) for f, r in rules.items()]
    out.sort(key=lambda row: (-row.rules, row.field))
    return tuple(out)
