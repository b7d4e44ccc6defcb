"""Access to the shared, read-only knowledge graph from resolvers."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from graph.store import KnowledgeGraph


def kg_of(info: Info[Any, Any]) -> KnowledgeGraph:
    context = info.context
    kg = context["kg"] if isinstance(context, dict) else context.kg
    assert isinstance(kg, KnowledgeGraph)
    return kg
