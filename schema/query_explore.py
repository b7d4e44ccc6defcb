"""Root fields for exploration: search, neighbours, shortest paths, Navigator layers, diagnostics."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graph.analytics import explore
from graph.analytics.navigator import navigator_layer
from graph.analytics.search import search as search_index
from graph.ids import Kind, split_id

from .context import kg_of
from .errors import QueryError
from .pagination import Connection, page_size, paginate
from .resolvers import resolve_node
from .types.node import Node
from .types.rules import Vendor

_NodeKind = Enum("_NodeKind", {k.name: k.value for k in Kind if k is not Kind.VENDOR})  # type: ignore[misc]
NodeKind = strawberry.enum(_NodeKind, name="NodeKind", description="Kinds of graph nodes that have a GraphQL type.")


@strawberry.type(description="A node reached from the start node, with its distance in hops.")
class Neighbor:
    node: Node
    distance: int


@strawberry.type(description="A loading problem: file, line when known, and the reason.")
class Diagnostic:
    source: str
    path: str
    line: int | None
    severity: str
    message: str
    rule_id: str | None


def _valid_id(value: str) -> str:
    try:
        kind, _ = split_id(value)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if kind == Kind.VENDOR.value:
        raise QueryError(f"{value!r}: vendor nodes are hubs, not queryable nodes; filter rules by vendor instead")
    return value


@strawberry.type
class ExploreQuery:
    @strawberry.field(description="Text search across technique and rule titles/descriptions, fields, events "
                                  "and indicator values. All words must match (case-insensitive).")
    def search(self, info: Info[Any, Any], text: str, kinds: list[NodeKind] | None = None,  # type: ignore[valid-type]
               first: int | None = None, after: str | None = None) -> Connection[Node]:
        kg = kg_of(info)
        if len(text) > 200:
            raise QueryError("size limit: search text is limited to 200 characters")
        ids = search_index(kg, text, kinds=[k.value for k in kinds] if kinds else None)  # type: ignore[attr-defined]
        return paginate(ids, lambda i: resolve_node(kg, i), first=first, after=after)  # type: ignore[arg-type,return-value]

    @strawberry.field(description="Nodes within `depth` (1-3) hops of a node, in either edge direction.")
    def neighbors(self, info: Info[Any, Any], id: strawberry.ID, kinds: list[NodeKind] | None = None,  # type: ignore[valid-type]
                  depth: int = 1, first: int = 50) -> list[Neighbor]:
        kg = kg_of(info)
        if not 1 <= depth <= explore.MAX_DEPTH:
            raise QueryError(f"depth limit: depth must be between 1 and {explore.MAX_DEPTH}, got {depth}")
        page_size(first)
        start = _valid_id(str(id))
        wanted = [k.value for k in kinds or NodeKind]
        found = explore.neighbors(kg, start, kinds=wanted, depth=depth, limit=first)
        out = []
        for nid, dist in found:
            node = resolve_node(kg, nid)
            if node is not None:
                out.append(Neighbor(node=node, distance=dist))
        return out

    @strawberry.field(description="A shortest path between two nodes (ignoring edge direction and vendor hubs).")
    def shortest_path(self, info: Info[Any, Any], from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
                      to: strawberry.ID) -> list[Node]:
        kg = kg_of(info)
        path = explore.shortest_path(kg, _valid_id(str(from_)), _valid_id(str(to)))
        return [n for n in (resolve_node(kg, p) for p in path) if n is not None]

    @strawberry.field(description="An ATT&CK Navigator layer (format 4.5): rule counts as scores; vendors, "
                                  "rule counts and indicator corpus reach in the metadata.")
    def navigator_layer(self, info: Info[Any, Any], vendor: Vendor | None = None,  # type: ignore[valid-type]
                        tactic: str | None = None) -> JSON:
        kg = kg_of(info)
        if tactic is not None and kg.tactic(tactic) is None:
            raise QueryError(f"unknown tactic: {tactic!r}")
        return navigator_layer(kg, vendor=vendor.value if vendor else None,  # type: ignore[attr-defined]
                               tactic=tactic)  # type: ignore[return-value]

    @strawberry.field(description="Loading diagnostics (parse failures, unresolved ids, ...).")
    def diagnostics(self, info: Info[Any, Any], vendor: str | None = None, file: str | None = None,
                    severity: str | None = None, first: int | None = None,
                    after: str | None = None) -> Connection[Diagnostic]:
        kg = kg_of(info)
        sel = [d for d in kg.diagnostics if (vendor is None or d.source == vendor)
               and (file is None or file in d.path) and (severity is None or d.severity.value == severity.lower())]
        return paginate(sel, lambda d: Diagnostic(source=d.source, path=d.path, line=d.line,
                                                  severity=d.severity.value, message=d.message, rule_id=d.rule_id),
                        first=first, after=after)
