"""Relay cursor connections over precomputed, ordered lists."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

MAX_PAGE = 100
DEFAULT_PAGE = 20

T = TypeVar("T")
R = TypeVar("R")


class PaginationError(ValueError):
    """A bad ``first``/``last``/``after``/``before`` argument; its message is shown to the client."""


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    total_count: int
    page_info: PageInfo
    edges: list[Edge[T]]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def page_size(first: int, name: str = "first", maximum: int = MAX_PAGE) -> int:
    """Check a list argument's size; too large or negative is an error that names the limit.

    >>> page_size(10)
    10
    >>> page_size(500, maximum=100)
    Traceback (most recent call last):
    ...
    schema.pagination.PaginationError: page size limit: `first` must be between 0 and 100, got 500
    """
    if not 0 <= first <= maximum:
        raise PaginationError(f"page size limit: `{name}` must be between 0 and {maximum}, got {first}")
    return first


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if kind != "offset":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise PaginationError(f"invalid cursor: {cursor!r}") from None


def paginate(
    items: Sequence[R],
    wrap: Callable[[R], T],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[T]:
    """Slice ``items`` the Relay way; ``first``/``last`` are capped at :data:`MAX_PAGE`.

    >>> page = paginate(list("abcde"), str.upper, first=2)
    >>> [e.node for e in page.edges], page.page_info.has_next_page, page.total_count
    (['A', 'B'], True, 5)
    >>> page = paginate(list("abcde"), str.upper, first=2, after=page.page_info.end_cursor)
    >>> [e.node for e in page.edges]
    ['C', 'D']
    >>> [e.node for e in paginate(list("abcde"), str, last=2).edges]
    ['d', 'e']
    """
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE:
            raise PaginationError(f"page size limit: `{name}` must be between 0 and {MAX_PAGE}, got {value}")
    total = len(items)
    start = decode_cursor(after) + 1 if after else 0
    end = decode_cursor(before) if before else total
    start, end = max(0, min(start, total)), max(0, min(end, total))
    end = max(start, end)
    if first is None and last is None:
        first = DEFAULT_PAGE
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    edges = [Edge(cursor=encode_cursor(i), node=wrap(items[i])) for i in range(start, end)]
    return Connection(
        total_count=total,
        page_info=PageInfo(
            has_next_page=end < total,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
    )
