"""Automatic persisted queries (Apollo's APQ protocol, version 1).

A client sends ``extensions.persistedQuery.sha256Hash`` without the query text; on a miss the server
answers ``PersistedQueryNotFound`` and the client retries with the full text, which is then stored.
Entries live in a bounded LRU, so unique hashes cannot grow memory without limit.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

NOT_FOUND = "PersistedQueryNotFound"
MAX_ENTRIES = 2_048
MAX_QUERY = 100_000


class PersistedQueryError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class PersistedQueries:
    """
    >>> store = PersistedQueries()
    >>> text = "{ tactics { id } }"
    >>> digest = hashlib.sha256(text.encode()).hexdigest()
    >>> store.resolve(None, {"persistedQuery": {"version": 1, "sha256Hash": digest}})
    Traceback (most recent call last):
    ...
    schema.persisted.PersistedQueryError: PersistedQueryNotFound
    >>> store.resolve(text, {"persistedQuery": {"version": 1, "sha256Hash": digest}}) == text
    True
    >>> store.resolve(None, {"persistedQuery": {"version": 1, "sha256Hash": digest}}) == text
    True
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._store: OrderedDict[str, str] = OrderedDict()

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The query text to run: the given text (stored under its hash), or the stored one."""
        persisted = (extensions or {}).get("persistedQuery")
        if not isinstance(persisted, dict):
            return query
        if persisted.get("version") != 1:
            raise PersistedQueryError("PersistedQueryNotSupported: only version 1", "PERSISTED_QUERY_NOT_SUPPORTED")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise PersistedQueryError("persistedQuery.sha256Hash must be a 64-character hex digest", "BAD_REQUEST")
        if query is None:
            found = self._store.get(digest)
            if found is None:
                raise PersistedQueryError(NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
            self._store.move_to_end(digest)
            return found
        if len(query) > MAX_QUERY:
            raise PersistedQueryError(f"size limit: a persisted query is at most {MAX_QUERY} characters", "BAD_REQUEST")
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            raise PersistedQueryError("provided sha256Hash does not match the query", "BAD_REQUEST")
        self._store[digest] = query
        self._store.move_to_end(digest)
        while len(self._store) > self.max_entries:
            self._store.popitem(last=False)
        return query
