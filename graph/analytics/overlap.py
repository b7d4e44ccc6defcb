"""Cross-technique analysis: shared indicators, pairwise overlap, similar techniques, overlap matrices.

All pair computations go through the inverted index indicator -> techniques.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..store import KnowledgeGraph


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Jaccard index of two sets.

    >>> jaccard({"x", "y"}, {"y", "z"})
    0.3333333333333333
    >>> jaccard(set(), set())
    0.0
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True, slots=True)
class SharedIndicator:
    indicator: str
    techniques: tuple[str, ...]  # the techniques of the asked set that use it
    rules: tuple[tuple[str, tuple[str, ...]], ...]  # (technique, its rules that use it)
    reach: int


def shared_indicators(kg: KnowledgeGraph, techniques: Sequence[str], *, min_techniques: int = 2,
                      first: int | None = None) -> list[SharedIndicator]:
    """Indicators used by at least ``min_techniques`` of ``techniques``, with the rules behind each side.

    Ranked by how many of the techniques share it, then by corpus reach, lowest (most specific) first.

    >>> from graph.testing import tiny_graph
    >>> [(s.indicator, s.techniques) for s in shared_indicators(tiny_graph(), ["T1", "T2", "T3"])]
    [('f:proc|eq|cmd.exe', ('T1', 'T2', 'T3')), ('f:proc|eq|rclone.exe', ('T1', 'T2'))]
    """
    counts: dict[str, list[str]] = defaultdict(list)
    for tid in dict.fromkeys(techniques):
        for iid in kg.technique_indicator_sets.get(tid, ()):
            counts[iid].append(tid)
    wanted = max(1, min_techniques)
    ranked = sorted(((-len(techs), kg.reach(iid), iid) for iid, techs in counts.items() if len(techs) >= wanted))
    out = []
    for _, reach, iid in ranked[:first]:
        users = frozenset(kg.indicator_rules.get(iid, ()))
        rules = tuple((t, tuple(u for u in kg.rules_by_technique.get(t, ()) if u in users)) for t in counts[iid])
        out.append(SharedIndicator(indicator=iid, techniques=tuple(counts[iid]), rules=rules, reach=reach))
    return out


@dataclass(frozen=True, slots=True)
class Overlap:
    a: str
    b: str
    indicators: tuple[str, ...]
    fields: tuple[str, ...]
    events: tuple[str, ...]
    rules: tuple[str, ...]
    indicator_jaccard: float
    field_jaccard: float
    event_jaccard: float
    rule_jaccard: float


def overlap(kg: KnowledgeGraph, a: str, b: str) -> Overlap:
    """What two techniques share, with a Jaccard index per kind.

    >>> from graph.testing import tiny_graph
    >>> o = overlap(tiny_graph(), "T1", "T2")
    >>> o.indicators, round(o.indicator_jaccard, 2), o.events
    (('f:proc|eq|cmd.exe', 'f:proc|eq|rclone.exe'), 0.67, ())
    """
    def pair(index: Mapping[str, Iterable[str]]) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(index.get(a, ())), frozenset(index.get(b, ()))

    inds, flds = pair(kg.technique_indicator_sets), pair(kg.technique_field_sets)
    evts, rules = pair(kg.technique_events), pair(kg.rules_by_technique)
    return Overlap(
        a=a, b=b, indicators=tuple(sorted(inds[0] & inds[1])), fields=tuple(sorted(flds[0] & flds[1])),
        events=tuple(sorted(evts[0] & evts[1])), rules=tuple(sorted(rules[0] & rules[1])),
        indicator_jaccard=jaccard(*inds), field_jaccard=jaccard(*flds), event_jaccard=jaccard(*evts),
        rule_jaccard=jaccard(*rules),
    )


@dataclass(frozen=True, slots=True)
class Similar:
    technique: str
    shared: int
    jaccard: float
    evidence: tuple[str, ...]  # shared indicators, least noisy first


def similar_techniques(kg: KnowledgeGraph, technique: str, *, first: int = 10,
                       max_evidence: int = 10) -> list[Similar]:
    """Top techniques by indicator Jaccard with ``technique``, counting only independent evidence.

    An indicator counts for a pair (A, B) when a rule of A that is not tagged B and a rule of B that is not
    tagged A both use it. One rule tagged with many techniques therefore can't make them look alike by
    itself: "similar" means different rules reach for the same indicators. The Jaccard denominator is the
    union of the two indicator sets, as in :func:`overlap`.

    >>> from graph.testing import tiny_graph
    >>> [(s.technique, s.shared, round(s.jaccard, 2)) for s in similar_techniques(tiny_graph(), "T2")]
    [('T1.001', 2, 1.0), ('T1', 2, 0.67), ('T3', 1, 0.33)]
    """
    mine = kg.technique_indicator_sets.get(technique, frozenset())
    scored = kg.memo.get(("similar", technique))
    if scored is None:
        scored = kg.memo[("similar", technique)] = _similarity(kg, technique, mine)
    out = []
    for score, shared, other in scored[:first]:
        evidence = sorted(shared, key=lambda i: (kg.reach(i), i))[:max_evidence]
        out.append(Similar(technique=other, shared=len(shared), jaccard=score, evidence=tuple(evidence)))
    return out


def _similarity(kg: KnowledgeGraph, technique: str,
                mine: frozenset[str]) -> list[tuple[float, list[str], str]]:
    own = frozenset(kg.rules_by_technique.get(technique, ()))
    tags = kg.techniques_by_rule
    inter: dict[str, list[str]] = defaultdict(list)
    for iid in mine:
        users = kg.indicator_rules.get(iid, ())
        mine_users = [u for u in users if u in own]
        others: set[str] = set()
        for u in users:
            if u not in own:
                others.update(tags.get(u, ()))
        others.discard(technique)
        for other in others:
            if any(other not in tags.get(u, ()) for u in mine_users):
                inter[other].append(iid)
    scored = []
    for other, shared in inter.items():
        union = len(mine | kg.technique_indicator_sets.get(other, frozenset()))
        scored.append((len(shared) / union if union else 0.0, shared, other))
    scored.sort(key=lambda s: (-s[0], -len(s[1]), s[2]))
    return scored


@dataclass(frozen=True, slots=True)
class MatrixCell:
    a: str
    b: str
    shared: int
    jaccard: float


def _bitsets(kg: KnowledgeGraph) -> dict[str, int]:
    """Each technique's shared indicators as one integer bitset (memoized): pair counts become popcounts.

    Only indicators used by two or more techniques get a bit; the others can't be shared by a pair.
    """
    cached = kg.memo.get(("indicator-bitsets",))
    if cached is None:
        shared = [iid for iid, techs in kg.indicator_techniques.items() if len(techs) > 1]
        position = {iid: i for i, iid in enumerate(shared)}
        cached = {tid: sum(1 << position[i] for i in inds if i in position)
                  for tid, inds in kg.technique_indicator_sets.items()}
        kg.memo[("indicator-bitsets",)] = cached
    return cached


def overlap_matrix(kg: KnowledgeGraph, techniques: Iterable[str], *, min_shared: int = 1) -> list[MatrixCell]:
    """All pairs among ``techniques`` that share at least ``min_shared`` indicators.

    >>> from graph.testing import tiny_graph
    >>> [(c.a, c.b, c.shared) for c in overlap_matrix(tiny_graph(), ["T1", "T2", "T3"])]
    [('T1', 'T2', 2), ('T1', 'T3', 1), ('T2', 'T3', 1)]
    """
    bits = _bitsets(kg)
    asked = [t for t in sorted(set(techniques)) if bits.get(t)]
    sizes = {t: len(kg.technique_indicator_sets[t]) for t in asked}
    threshold = max(1, min_shared)
    out = []
    for i, a in enumerate(asked):
        bits_a, size_a = bits[a], sizes[a]
        for b in asked[i + 1:]:
            shared = (bits_a & bits[b]).bit_count()
            if shared >= threshold:
                out.append(MatrixCell(a=a, b=b, shared=shared, jaccard=shared / (size_a + sizes[b] - shared)))
    return out
