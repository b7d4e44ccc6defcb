"""Word search over an inverted index built once per graph."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from ..store import KnowledgeGraph

_WORD = re.compile(r"[a-z0-9_.\-]+")
_KIND_ORDER = {"technique": 0, "tactic": 1, "rule": 2, "event": 3, "field": 4, "indicator": 5}


def words(text: str) -> set[str]:
    """Lower-cased words of a text.

    >>> sorted(words("Exfiltration to Cloud-Storage (rclone.exe)"))
    ['cloud-storage', 'exfiltration', 'rclone.exe', 'to']
    """
    return set(_WORD.findall(text.lower()))


def _index(kg: KnowledgeGraph) -> dict[str, tuple[str, ...]]:
    cached = kg.memo.get(("search-index",))
    if cached is not None:
        return cached
    postings: dict[str, set[str]] = defaultdict(set)
    # only what the API lists: live techniques (and unresolved ids rules use), active rules
    listed = {f"technique:{t}" for t in kg.technique_order} | {f"rule:{u}" for u in kg.rule_order}
    texts = {nid: text for nid, text in kg.search_text.items() if nid in listed}
    for tactic in kg.tactics.values():
        texts[f"tactic:{tactic.shortname}"] = f"{tactic.id} {tactic.shortname} {tactic.name}".lower()
    for fid in kg.fields:
        texts[f"field:{fid}"] = fid.lower()
    for eid, ev in kg.events.items():
        texts[f"event:{eid}"] = f"{eid} {ev.name} {ev.provider}".lower()
    for iid, ind in kg.indicators.items():
        texts[f"indicator:{iid}"] = f"{ind.field} {ind.value or ''}".lower()
    for nid, text in texts.items():
        for word in words(text):
            postings[word].add(nid)
    index = {w: tuple(v) for w, v in postings.items()}  # tuples: a fraction of a set's memory
    kg.memo[("search-index",)] = index
    return index


def search(kg: KnowledgeGraph, text: str, *, kinds: Iterable[str] | None = None) -> list[str]:
    """Node ids whose text holds every word of ``text``; techniques first, then by id.

    >>> from graph.testing import tiny_graph
    >>> search(tiny_graph(), "rclone.exe")
    ['indicator:f:proc|eq|rclone.exe']
    >>> search(tiny_graph(), "rule", kinds=["rule"])
    ['rule:elastic:b', 'rule:sigma:a', 'rule:sigma:c', 'rule:splunk:d']
    """
    index = _index(kg)
    wanted = words(text)
    if not wanted:
        return []
    hits: set[str] | None = None
    for word in sorted(wanted, key=lambda w: len(index.get(w, ()))):
        found = index.get(word, ())
        if hits is None:
            hits = set(found)
        else:
            hits.intersection_update(found)
        if not hits:
            return []
    allowed = set(kinds) if kinds is not None else None
    out = [h for h in hits or () if allowed is None or h.split(":", 1)[0] in allowed]
    out.sort(key=lambda h: (_KIND_ORDER.get(h.split(":", 1)[0], 9), h))
    return out
