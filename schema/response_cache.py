"""A response cache for GraphQL requests, in front of the GraphQL view (raw ASGI).

The graph is read-only for the life of the process, so the same request always gets the same answer:
successful responses (status 200, and flagged by the view as having no ``errors``) are kept in an LRU
bounded by entries and bytes, keyed by the request
(method, query string, JSON body). Requests with other content types or large bodies pass through.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_ENTRIES = 1_024
MAX_BYTES = 64 * 1024 * 1024  # total size of the cached responses
MAX_BODY = 64 * 1024
MAX_RESPONSE = 1024 * 1024
CACHEABLE = "detgraph.cacheable"  # set in the ASGI scope by the view when a result has no errors


class ResponseCache:
    def __init__(self, app: ASGIApp, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._store: OrderedDict[tuple[str, bytes, bytes], tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        accept = headers.get(b"accept", b"")
        if scope["method"] == "GET" and (b"text/html" in accept or (b"query" not in scope.get("query_string", b"")
                                         and b"extensions" not in scope.get("query_string", b""))):
            await self.app(scope, receive, send)  # the playground page, or nothing to cache
            return
        body = b""
        if scope["method"] == "POST":
            if not headers.get(b"content-type", b"").startswith(b"application/json"):
                await self.app(scope, receive, send)
                return
            body, complete = await _read_body(receive)
            if not complete or len(body) > MAX_BODY:
                await self.app(scope, _replay(body, complete, receive), send)
                return
        key = (scope["method"], scope.get("query_string", b""), body)
        cached = self._store.get(key)
        if cached is not None:
            self.hits += 1
            self._store.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": cached[0]})
            await send({"type": "http.response.body", "body": cached[1]})
            return
        self.misses += 1
        await self.app(scope, _replay(body, True, receive), _Recorder(send, key, self, scope))

    def store(self, key: tuple[str, bytes, bytes], headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        old = self._store.pop(key, None)
        if old is not None:
            self.size -= len(old[1])
        self._store[key] = (headers, body)
        self.size += len(body)
        while self._store and (len(self._store) > self.max_entries or self.size > self.max_bytes):
            _, (_, dropped) = self._store.popitem(last=False)
            self.size -= len(dropped)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay


class _Recorder:
    """Passes the response through while keeping a copy of a cacheable one."""

    def __init__(self, send: Send, key: tuple[str, bytes, bytes], cache: ResponseCache, scope: Scope) -> None:
        self.send, self.key, self.cache, self.scope = send, key, cache, scope
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers") or ())
        elif message["type"] == "http.response.body" and self.status == 200:
            chunk = message.get("body", b"")
            self.size += len(chunk)
            if self.size <= MAX_RESPONSE:
                self.chunks.append(chunk)
            if not message.get("more_body", False) and self.size <= MAX_RESPONSE and self.scope.get(CACHEABLE):
                self.cache.store(self.key, self.headers, b"".join(self.chunks))
        await self.send(message)
