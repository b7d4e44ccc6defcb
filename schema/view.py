"""The GraphQL ASGI view: context from the app state, persisted queries, cacheable GETs, orjson responses."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from .persisted import PersistedQueries, PersistedQueryError

GET_CACHE_CONTROL = "public, max-age=300"


class DetgraphGraphQL(GraphQL[dict[str, Any], None]):
    """Queries over GET (cacheable) or POST; there are no mutations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_queries_via_get", True)
        kwargs.setdefault("multipart_uploads_enabled", False)
        super().__init__(*args, **kwargs)
        self.persisted = PersistedQueries()

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"request": request, "response": response, "kg": request.app.state.kg}

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

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
        if request_adapter.method == "GET" and not result.errors:
            sub_response.headers["Cache-Control"] = GET_CACHE_CONTROL
        return result
