"""Compact, lazily decoded forms of the big tables, used by snapshots so that a restart is fast.

* :class:`LazyRecords`: records pickled one by one, decoded on first access.
* :class:`IndicatorTable`: indicators stored as their ids only (``field|operator|value``), decoded on access.
* :func:`materialize`: the networkx graph rebuilt from the indices, when first needed.
"""

from __future__ import annotations

import copyreg
import pickle
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import networkx as nx

from .ids import Kind, NodeIds
from .store import Indicator, KnowledgeGraph

T = TypeVar("T")
_NO_VALUE_OPERATORS = frozenset({"exists", "null"})


def read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _mappingproxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(proxy),)


def allow_mappingproxy_pickling() -> None:
    """Records keep read-only metadata mappings (MappingProxyType), which pickle can't store by itself."""
    copyreg.pickle(MappingProxyType, _mappingproxy)


class LazyRecords(Mapping[str, T], Generic[T]):
    """A read-only mapping whose values are unpickled on first access.

    >>> table = LazyRecords.of({"a": (1, 2)})
    >>> table["a"], list(table), len(table)
    ((1, 2), ['a'], 1)
    """

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = blobs
        self._cache: dict[str, T] = {}

    @classmethod
    def of(cls, records: Mapping[str, T]) -> LazyRecords[T]:
        allow_mappingproxy_pickling()
        return cls({k: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for k, v in records.items()})

    def __getitem__(self, key: str) -> T:
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = pickle.loads(self._blobs[key])
            self._blobs[key] = b""  # decoded once: keep the record, not both
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __reduce__(self) -> tuple[Any, ...]:
        blobs = {k: pickle.dumps(self._cache[k], protocol=pickle.HIGHEST_PROTOCOL) if k in self._cache else v
                 for k, v in self._blobs.items()}
        return LazyRecords, (blobs,)


def parse_indicator(iid: str) -> Indicator:
    """The :class:`Indicator` behind an id.

    >>> parse_indicator("process.name|eq|rclone.exe")
    Indicator(id='process.name|eq|rclone.exe', field='process.name', operator='eq', value='rclone.exe')
    >>> parse_indicator("dns.question.name|exists|").value is None
    True
    """
    fld, _, rest = iid.partition("|")
    operator, _, value = rest.partition("|")
    return Indicator(id=iid, field=fld, operator=operator, value=None if operator in _NO_VALUE_OPERATORS else value)


class IndicatorTable(Mapping[str, Indicator]):
    """Indicators kept as ids; the few whose id does not decode back exactly are kept whole."""

    def __init__(self, ids: tuple[str, ...], exceptions: dict[str, Indicator]) -> None:
        self._ids = frozenset(ids)
        self._order = ids
        self._exceptions = exceptions

    @classmethod
    def of(cls, indicators: Mapping[str, Indicator]) -> IndicatorTable:
        exceptions = {k: v for k, v in indicators.items() if parse_indicator(k) != v}
        return cls(tuple(indicators), exceptions)

    def __getitem__(self, key: str) -> Indicator:
        if key not in self._ids:
            raise KeyError(key)
        return self._exceptions.get(key) or parse_indicator(key)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __reduce__(self) -> tuple[Any, ...]:
        return IndicatorTable, (self._order, self._exceptions)


def materialize(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx graph of the indices: the one way the graph's nodes and edges are made.

    Node ids are shared strings (one object per id), and so are the edge keys.
    """
    g = nx.MultiDiGraph()
    node_id = NodeIds()
    for tactic in kg.tactics.values():
        g.add_node(node_id(Kind.TACTIC, tactic.shortname), kind=Kind.TACTIC.value, key=tactic.shortname)
    for tech in kg.techniques.values():
        g.add_node(node_id(Kind.TECHNIQUE, tech.id), kind=Kind.TECHNIQUE.value, key=tech.id)
    for tech in kg.techniques.values():
        nid = node_id(Kind.TECHNIQUE, tech.id)
        if tech.revoked and tech.revoked_by:
            g.add_edge(nid, node_id(Kind.TECHNIQUE, tech.revoked_by), key="revoked-by", kind="revoked-by")
            continue
        if tech.parent and tech.parent in kg.techniques:
            g.add_edge(nid, node_id(Kind.TECHNIQUE, tech.parent), key="subtechnique-of", kind="subtechnique-of")
        for shortname in tech.tactics:
            if shortname in kg.tactics:
                g.add_edge(nid, node_id(Kind.TACTIC, shortname), key="in-tactic", kind="in-tactic")
    for uid in kg.rules:
        vendor = uid.partition(":")[0]
        vid = node_id(Kind.VENDOR, vendor)
        if vid not in g:
            g.add_node(vid, kind=Kind.VENDOR.value, key=vendor)
        rid = node_id(Kind.RULE, uid)
        g.add_node(rid, kind=Kind.RULE.value, key=uid)
        g.add_edge(rid, vid, key="from-vendor", kind="from-vendor")
        for tid in kg.techniques_by_rule.get(uid, ()):
            g.add_edge(rid, node_id(Kind.TECHNIQUE, tid), key="tagged", kind="tagged")
    for iid in kg.indicators:
        g.add_node(node_id(Kind.INDICATOR, iid), kind=Kind.INDICATOR.value, key=iid)
    for fld in kg.fields:
        g.add_node(node_id(Kind.FIELD, fld), kind=Kind.FIELD.value, key=fld)
    for eid in kg.events:
        g.add_node(node_id(Kind.EVENT, eid), kind=Kind.EVENT.value, key=eid)
    for uid, pairs in kg.rule_indicators.items():
        rid = node_id(Kind.RULE, uid)
        for iid, excluded in pairs:
            kind = "excludes" if excluded else "matches"
            g.add_edge(rid, node_id(Kind.INDICATOR, iid), key=kind, kind=kind)
    for uid, triples in kg.rule_fields.items():
        rid = node_id(Kind.RULE, uid)
        for fld, op, excluded in triples:
            g.add_edge(rid, node_id(Kind.FIELD, fld), key=node_id.same(f"filters:{op}:{excluded}"), kind="filters",
                       operator=op, excluded=excluded)
    for uid, events in kg.rule_events.items():
        for eid in events:
            g.add_edge(node_id(Kind.RULE, uid), node_id(Kind.EVENT, eid), key="observes", kind="observes")
    for eid, flds in kg.event_fields.items():
        for fld in flds:
            if fld in kg.fields:
                g.add_edge(node_id(Kind.EVENT, eid), node_id(Kind.FIELD, fld), key="has-field", kind="has-field")
    for tid, events in kg.recommended_events.items():
        for eid in events:
            g.add_edge(node_id(Kind.TECHNIQUE, tid), node_id(Kind.EVENT, eid), key="recommends", kind="recommends")
    return g


def graph_of(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx graph, materialized from the indices on first use after a snapshot load."""
    if kg.g is None:
        kg.g = materialize(kg)
    return kg.g


def warm(kg: KnowledgeGraph) -> None:
    """Prepare what is computed on first use, e.g. in a background thread after start-up: the networkx graph,
    the search index, the overlap bitsets, coverage, and the default authoring guide of every technique.

    Rules a snapshot left lazy stay lazy: no answer needs all of them at once, and each decodes in microseconds
    when a query shows it (decoding all would add about 80 MB)."""
    from .analytics.coverage import coverage
    from .analytics.guide import authoring_guide
    from .analytics.overlap import overlap_matrix
    from .analytics.search import search

    graph_of(kg)
    search(kg, "warm")
    overlap_matrix(kg, ())
    for by in ("tactic", "vendor", "event"):
        coverage(kg, by)
    for tid in kg.rules_by_technique:
        authoring_guide(kg, tid)
