"""Free exploration of the graph: neighbourhoods and shortest paths."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import networkx as nx

from ..compact import graph_of
from ..store import KnowledgeGraph

MAX_DEPTH = 3


def neighbors(kg: KnowledgeGraph, start: str, *, kinds: Iterable[str] | None = None, depth: int = 1,
              limit: int = 500) -> list[tuple[str, int]]:
    """Nodes within ``depth`` hops of ``start`` (edges in either direction), as (node id, distance).

    Only nodes of ``kinds`` are returned, but the walk goes through every kind.

    >>> from graph.testing import tiny_graph
    >>> neighbors(tiny_graph(), "technique:T2", kinds=["rule"])
    [('rule:sigma:c', 1)]
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth limit: depth must be between 1 and {MAX_DEPTH}, got {depth}")
    g = graph_of(kg)
    if start not in g:
        return []
    wanted = set(kinds) if kinds is not None else None
    seen = {start: 0}
    queue = deque([start])
    out: list[tuple[str, int]] = []
    while queue:
        node = queue.popleft()
        dist = seen[node]
        if dist == depth:
            continue
        for nxt in _adjacent(g, node):
            if nxt in seen:
                continue
            seen[nxt] = dist + 1
            queue.append(nxt)
            if wanted is None or g.nodes[nxt]["kind"] in wanted:
                out.append((nxt, dist + 1))
                if len(out) >= limit:
                    return out
    return out


def _adjacent(g: nx.MultiDiGraph, node: str) -> list[str]:
    return sorted(set(g.successors(node)) | set(g.predecessors(node)))


def shortest_path(kg: KnowledgeGraph, source: str, target: str, *,
                  avoid_kinds: Iterable[str] = ("vendor",)) -> list[str]:
    """A shortest undirected path between two nodes, not passing through hub kinds in ``avoid_kinds``.

    Breadth-first with neighbours in id order, so the answer is deterministic.

    >>> from graph.testing import tiny_graph
    >>> shortest_path(tiny_graph(), "technique:T2", "technique:T3")
    ['technique:T2', 'rule:sigma:c', 'field:f:proc', 'rule:splunk:d', 'technique:T3']
    """
    g = graph_of(kg)
    if source not in g or target not in g:
        return []
    avoid = set(avoid_kinds)
    parent: dict[str, str | None] = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            path = [node]
            while (prev := parent[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        for nxt in _adjacent(g, node):
            if nxt not in parent and (nxt == target or g.nodes[nxt]["kind"] not in avoid):
                parent[nxt] = node
                queue.append(nxt)
    return []
