"""Offline GraphiQL playground: the page, the ``/static`` mount and a Strawberry view that serves it.

Strawberry's built-in GraphiQL page loads React and GraphiQL from unpkg.com, so it is blank without
internet. Here the same UI (GraphiQL 3 + the explorer plugin) is served from files shipped in
``schema/static`` (fetched from the npm registry by ``scripts/fetch_playground_assets.sh``; see
``schema/static/README.md``). The page references local paths only.

Wiring (what ``schema/app.py`` does)::

    from starlette.applications import Starlette
    from starlette.routing import Route
    from schema.playground import OfflineGraphQL, static_mount

    app = Starlette(routes=[Route("/graphql", OfflineGraphQL(schema)), static_mount()])

GET ``/graphql`` with ``Accept: text/html`` (a browser) then returns the offline page; GET with
``?query=`` and POST keep executing queries as usual.

>>> page = graphiql_html("/graphql", "/static")
>>> "/static/vendor/graphiql@3.9.0/graphiql.min.js" in page and "unpkg" not in page
True
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope
from strawberry.asgi import GraphQL

__all__ = [
    "ASSETS",
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_QUERY",
    "GRAPHIQL_HTML",
    "STATIC_DIR",
    "OfflineGraphQL",
    "OfflinePlaygroundMixin",
    "PlaygroundStaticFiles",
    "graphiql_html",
    "static_mount",
]

STATIC_DIR = Path(__file__).resolve().parent / "static"

REACT_VERSION = "18.3.1"
GRAPHIQL_VERSION = "3.9.0"
EXPLORER_VERSION = "3.2.6"

# Paths relative to the static mount, in load order. Versioned folders (``name@x.y.z``) never
# change content, so they are served with an immutable cache header.
STYLESHEETS: tuple[str, ...] = (
    f"vendor/graphiql@{GRAPHIQL_VERSION}/graphiql.min.css",
    f"vendor/graphiql-plugin-explorer@{EXPLORER_VERSION}/style.css",
    "detgraph/playground.css",
)
SCRIPTS: tuple[str, ...] = (
    f"vendor/react@{REACT_VERSION}/react.production.min.js",
    f"vendor/react-dom@{REACT_VERSION}/react-dom.production.min.js",
    f"vendor/graphiql@{GRAPHIQL_VERSION}/graphiql.min.js",
    f"vendor/graphiql-plugin-explorer@{EXPLORER_VERSION}/index.umd.js",
    "detgraph/playground.js",
)
ASSETS: tuple[str, ...] = STYLESHEETS + SCRIPTS

DEFAULT_QUERY = """\
# detgraph playground (offline GraphiQL)
#
# Open the GraphiQL Explorer (left sidebar) to build a query by clicking
# through the schema, or type one here. Run it with Ctrl-Enter or the play button.
#
{
  __typename
}
"""

# Everything from this origin; inline styles are needed by GraphiQL's UI components, data: URIs
# by its embedded fonts and icons. No other origin can be contacted by the page.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)

# A pink dot, inline (base64 so the page text holds no URL at all, not even an XML namespace).
_FAVICON = (
    "data:image/svg+xml;base64,"
    "PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHZpZXdCb3g9JzAgMCAxNiAxNic+"
    "PGNpcmNsZSBjeD0nOCcgY3k9JzgnIHI9JzcnIGZpbGw9JyNlNTM1YWInLz48L3N2Zz4="
)


def _local_path(value: str, what: str) -> str:
    """Accept only a same-origin absolute path, so the page can never point at another host.

    >>> _local_path("/static/", "static_prefix")
    '/static'
    >>> _local_path("https://unpkg.com", "static_prefix")
    Traceback (most recent call last):
    ...
    ValueError: static_prefix must be a same-origin path like '/static', got 'https://unpkg.com'
    """
    if not value.startswith("/") or value.startswith("//") or "\\" in value or ":" in value:
        raise ValueError(f"{what} must be a same-origin path like '/static', got {value!r}")
    return value.rstrip("/") or "/"


def graphiql_html(
    endpoint: str = "/graphql",
    static_prefix: str = "/static",
    *,
    title: str = "detgraph playground",
    default_query: str = DEFAULT_QUERY,
) -> str:
    """The playground page: GraphiQL + explorer plugin, POSTing JSON to ``endpoint``.

    Only same-origin paths are referenced (``static_prefix`` + :data:`ASSETS`); the page has no
    inline script (configuration travels in ``data-*`` attributes), so it works under
    :data:`CONTENT_SECURITY_POLICY`.
    """
    endpoint = _local_path(endpoint, "endpoint")
    prefix = _local_path(static_prefix, "static_prefix").rstrip("/")
    esc = html.escape
    links = "\n".join(f'    <link rel="stylesheet" href="{esc(f"{prefix}/{p}")}" />' for p in STYLESHEETS)
    scripts = "\n".join(f'    <script src="{esc(f"{prefix}/{p}")}"></script>' for p in SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{esc(title)}</title>
    <link rel="icon" href="{_FAVICON}" />
{links}
  </head>
  <body>
    <div id="graphiql" data-endpoint="{esc(endpoint)}" data-default-query="{esc(default_query)}">
      Loading the playground&hellip;
    </div>
{scripts}
  </body>
</html>
"""


GRAPHIQL_HTML: str = graphiql_html()
"""The page for the default layout (``/graphql`` endpoint, assets under ``/static``)."""

_VERSIONED = re.compile(r"(^|/)vendor/[^/]+@\d+\.\d+\.\d+[^/]*/")


class PlaygroundStaticFiles(StaticFiles):
    """StaticFiles with cache headers: versioned vendor assets are immutable for a year, the rest
    (our own small playground.js/css) is revalidated on each load via ETag/Last-Modified."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        relative = Path(full_path).as_posix()
        if _VERSIONED.search(relative):
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["cache-control"] = "no-cache"
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


def static_mount(path: str = "/static", *, name: str = "static") -> Mount:
    """A Starlette ``Mount`` serving ``schema/static`` (the playground's assets) at ``path``."""
    return Mount(path, app=PlaygroundStaticFiles(directory=STATIC_DIR, check_dir=True), name=name)


class OfflinePlaygroundMixin:
    """Mix into a Strawberry ASGI view (before ``strawberry.asgi.GraphQL``) to serve the offline page.

    ``playground_static_prefix`` must match where :func:`static_mount` is mounted in the app. The
    page's endpoint is the path the request came in on, like Strawberry's own page. Behind a proxy
    that serves the app under a path prefix (ASGI ``root_path``, e.g. ``uvicorn --root-path /api``)
    both the endpoint and the asset URLs carry that prefix.
    """

    playground_static_prefix: str = "/static"
    playground_default_query: str = DEFAULT_QUERY
    playground_csp: str | None = CONTENT_SECURITY_POLICY

    async def render_graphql_ide(self, request: Request) -> Response:
        app_prefix = request.base_url.path.rstrip("/")  # the app's root_path, "" when none
        page = graphiql_html(
            request.url.path,
            app_prefix + self.playground_static_prefix,
            default_query=self.playground_default_query,
        )
        headers = {"cache-control": "no-cache"}
        if self.playground_csp:
            headers["content-security-policy"] = self.playground_csp
        return HTMLResponse(page, headers=headers)


class OfflineGraphQL(OfflinePlaygroundMixin, GraphQL):
    """``strawberry.asgi.GraphQL`` whose GraphiQL page loads nothing from the internet.

    All ``GraphQL`` keyword arguments pass through; ``graphql_ide=None`` still disables the page, and
    any other ``graphql_ide`` value serves this GraphiQL page (Strawberry's Apollo Sandbox and
    Pathfinder pages load from CDNs, so they are not offered).
    """

    def __init__(
        self,
        *args: Any,
        static_prefix: str = "/static",
        default_query: str = DEFAULT_QUERY,
        csp: str | None = CONTENT_SECURITY_POLICY,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.playground_static_prefix = _local_path(static_prefix, "static_prefix")
        self.playground_default_query = default_query
        self.playground_csp = csp
