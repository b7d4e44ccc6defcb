"""The GraphQL ASGI view: context from the app state, persisted queries, cacheable GETs, orjson responses."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.http.base import HTTPException
from strawberry.types import ExecutionResult

from .persisted import PersistedQueries, PersistedQueryError
from .playground import OfflineGraphQL
from .response_cache import CACHEABLE

GET_CACHE_CONTROL = "public, max-age=300"
PLAYGROUND_QUERY = """\
# detgraph playground: open the Explorer (left sidebar) to build a query by clicking through the graph.
{
  technique(id: "T1567.002") {
    attackId
    name
    parent { attackId name }
    tactics { shortname }
    rules { vendor count rules { title } }
  }
}
"""


class DetgraphGraphQL(OfflineGraphQL):
    """Queries over GET (cacheable) or POST; there are no mutations. GET with a browser's Accept header
    and no query (nor persisted-query extensions) serves the offline GraphiQL playground."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_queries_via_get", True)
        kwargs.setdefault("multipart_uploads_enabled", False)
        kwargs.setdefault("default_query", PLAYGROUND_QUERY)
        super().__init__(*args, **kwargs)
        self.persisted = PersistedQueries()

    def should_render_graphql_ide(self, request: Any) -> bool:
        return "extensions" not in request.query_params and super().should_render_graphql_ide(request)

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:  # type: ignore[override]
        return {"request": request, "response": response, "kg": request.app.state.kg}

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:  # also invalid UTF-8
            raise HTTPException(400, f"request is not valid JSON (UTF-8): {exc}") from None

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: GraphQLRequestData) -> ExecutionResult:
        try:
            query = self.persisted.resolve(request_data.query, request_data.extensions)
        except PersistedQueryError as exc:
            return ExecutionResult(data=None, errors=[GraphQLError(str(exc), extensions={"code": exc.code})])
        if query is not request_data.query:
            request_data = dataclasses.replace(request_data, query=query)
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value,
                                              request_data)
        if not result.errors:
            request.scope[CACHEABLE] = True  # read by schema.response_cache
            if request_adapter.method == "GET":
                sub_response.headers["Cache-Control"] = GET_CACHE_CONTROL
        return result
