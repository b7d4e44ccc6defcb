"""The Starlette application: GraphQL (+ playground) at /graphql, health at /healthz.

The lifespan holds the shared state: the knowledge graph is built (or given) once at start-up.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from graph.store import KnowledgeGraph

from .query import build_schema

log = logging.getLogger("detgraph")


class DetgraphGraphQL(GraphQL[dict[str, Any], None]):
    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"request": request, "response": response, "kg": request.app.state.kg}


def create_app(kg: KnowledgeGraph | None = None, *, loader: Callable[[], KnowledgeGraph] | None = None) -> Starlette:
    """Serve ``kg``, or the graph that ``loader()`` builds at start-up."""
    if kg is None and loader is None:
        raise ValueError("create_app needs a knowledge graph or a loader")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        graph = kg if kg is not None else loader()  # type: ignore[misc]
        app.state.kg = graph
        log.info("serving corpus: %s (%d techniques, %d rules)", graph.corpus, len(graph.techniques),
                 len(graph.rule_order))
        yield

    async def healthz(request: Request) -> Response:
        graph: KnowledgeGraph | None = getattr(request.app.state, "kg", None)
        if graph is None:
            return JSONResponse({"status": "loading"}, status_code=503)
        return JSONResponse({"status": "ok", "corpus": graph.corpus, "techniques": len(graph.technique_order),
                             "rules": len(graph.rule_order)})

    graphql = DetgraphGraphQL(build_schema())
    app = Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"]), Route("/healthz", healthz)],
                    lifespan=lifespan)
    if kg is not None:
        app.state.kg = kg
    return app
