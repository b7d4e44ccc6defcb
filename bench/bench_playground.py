"""Playground serving costs, in process (no network): page render, page GET, asset GET, 304 revalidation.

Run: python bench/bench_playground.py   (does not need the corpus)
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from schema.playground import GRAPHIQL_VERSION, OfflineGraphQL, graphiql_html, static_mount


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


def per_second(n: int, seconds: float) -> str:
    return f"{n / seconds:10.0f}/s  ({seconds / n * 1e6:8.1f} us each)"


async def run(n: int) -> None:
    app = Starlette(routes=[Route("/graphql", OfflineGraphQL(strawberry.Schema(Query))), static_mount()])
    transport = httpx.ASGITransport(app=app)
    big = f"/static/vendor/graphiql@{GRAPHIQL_VERSION}/graphiql.min.js"
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        etag = (await client.get(big)).headers["etag"]
        cases = {
            "GET /graphql (page, Accept: text/html)": ("/graphql", {"accept": "text/html"}),
            f"GET {big} (978 KB)": (big, {}),
            "GET same asset, If-None-Match -> 304": (big, {"if-none-match": etag}),
        }
        for label, (url, headers) in cases.items():
            start = time.perf_counter()
            for _ in range(n):
                response = await client.get(url, headers=headers)
            elapsed = time.perf_counter() - start
            print(f"{label:58s} {per_second(n, elapsed)}  status={response.status_code}")


def main() -> None:
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        graphiql_html("/graphql", "/static")
    print(f"{'graphiql_html() render':58s} {per_second(n, time.perf_counter() - start)}")
    asyncio.run(run(500))


if __name__ == "__main__":
    main()
