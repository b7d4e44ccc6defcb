"""Errors whose message is an answer for the client (bad arguments); everything else is masked."""

from __future__ import annotations

from loaders.errors import DetgraphError


class QueryError(DetgraphError):
    """A bad argument (unknown id, missing argument, size limit); the message is shown to the client as is."""

    source = "query"
