"""The Starlette application: GraphQL (+ playground) at /graphql, health at /healthz.

The lifespan holds the shared state: the knowledge graph is built (or given) once at start-up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graph.compact import warm
from graph.store import KnowledgeGraph

from .playground import static_mount
from .query import build_schema
from .response_cache import ResponseCache
from .view import DetgraphGraphQL

log = logging.getLogger("detgraph")


CORS_ENV = "DETGRAPH_CORS_ORIGINS"


def cors_origins_from_env() -> list[str]:
    """The CORS allow-list from ``$DETGRAPH_CORS_ORIGINS`` (comma-separated); empty means closed."""
    return [o.strip() for o in os.environ.get(CORS_ENV, "").split(",") if o.strip()]


def create_app(kg: KnowledgeGraph | None = None, *, loader: Callable[[], KnowledgeGraph] | None = None,
               cors_origins: Sequence[str] = ()) -> Starlette:
    """Serve ``kg``, or the graph that ``loader()`` builds at start-up.

    CORS is closed unless ``cors_origins`` lists the allowed origins.
    """
    if kg is None and loader is None:
        raise ValueError("create_app needs a knowledge graph or a loader")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        graph = kg if kg is not None else loader()  # type: ignore[misc]
        app.state.kg = graph
        # after a snapshot load, decode the lazy parts off the request path
        threading.Thread(target=warm, args=(graph,), name="detgraph-warm", daemon=True).start()
        log.info("serving corpus: %s (%d techniques, %d active rules)", graph.corpus, len(graph.technique_order),
                 len(graph.rule_order))
        yield

    async def healthz(request: Request) -> Response:
        graph: KnowledgeGraph | None = getattr(request.app.state, "kg", None)
        if graph is None:
            return JSONResponse({"status": "loading"}, status_code=503)
        return JSONResponse({"status": "ok", "corpus": graph.corpus, "techniques": len(graph.technique_order),
                             "rules": len(graph.rule_order)})

    graphql = DetgraphGraphQL(build_schema())
    middleware = []
    if cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                                     allow_headers=["content-type", "authorization"], max_age=600))
    cache = ResponseCache(graphql)
    routes = [Route("/graphql", cache, methods=["GET", "POST"]), Route("/healthz", healthz), static_mount()]
    app = Starlette(routes=routes,
                    middleware=middleware, lifespan=lifespan)
    app.state.response_cache = cache
    if kg is not None:
        app.state.kg = kg
    return app
