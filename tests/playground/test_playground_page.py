"""The offline playground without a browser: page, static assets, cache headers, shipped files."""

from __future__ import annotations

import asyncio
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from schema.playground import (
    ASSETS,
    CONTENT_SECURITY_POLICY,
    EXPLORER_VERSION,
    GRAPHIQL_HTML,
    GRAPHIQL_VERSION,
    REACT_VERSION,
    STATIC_DIR,
    OfflineGraphQL,
    graphiql_html,
    static_mount,
)

ROOT = Path(__file__).resolve().parents[2]
HTML = {"accept": "text/html,application/xhtml+xml"}


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


class Client:
    """Synchronous calls into the ASGI app through httpx's ASGITransport.

    (Not ``starlette.testclient.TestClient``: Starlette 1.x warns on import that using it with httpx
    is deprecated, and warnings are errors here.)
    """

    def __init__(self, app: Starlette, root_path: str = "") -> None:
        self.app = app
        self.root_path = root_path

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, root_path=self.root_path)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, url, **kwargs)  # type: ignore[arg-type]

        return asyncio.run(go())

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def make_client(root_path: str = "", **view_kwargs: object) -> Client:
    view = OfflineGraphQL(strawberry.Schema(query=Query), **view_kwargs)  # type: ignore[arg-type]
    return Client(Starlette(routes=[Route("/graphql", view), static_mount()]), root_path)


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.refs.append(value)


def references(page: str) -> list[str]:
    parser = _Refs()
    parser.feed(page)
    return parser.refs


def test_get_with_accept_html_serves_the_offline_page() -> None:
    response = make_client().get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page = response.text
    assert page == GRAPHIQL_HTML
    assert 'data-endpoint="/graphql"' in page
    assert "unpkg" not in page and "<script>" not in page
    assert re.findall(r"(?i)\b(?:https?|wss?):|//[a-z0-9]", page) == []


def test_every_referenced_asset_is_served() -> None:
    client = make_client()
    refs = references(client.get("/graphql", headers=HTML).text)
    local = [r for r in refs if not r.startswith("data:")]
    assert local == [f"/static/{a}" for a in ASSETS]
    for ref in local:
        response = client.get(ref)
        assert response.status_code == 200, ref
        assert len(response.content) > 0, ref
        expected = "text/css" if ref.endswith(".css") else "javascript"
        assert expected in response.headers["content-type"], ref


def test_queries_still_execute_over_get_and_post() -> None:
    client = make_client()
    assert client.get("/graphql", params={"query": "{ ping }"}).json() == {"data": {"ping": "pong"}}
    assert client.post("/graphql", json={"query": "{ ping }"}).json() == {"data": {"ping": "pong"}}


def test_ide_can_be_turned_off_and_prefix_moved() -> None:
    assert make_client(graphql_ide=None).get("/graphql", headers=HTML).status_code == 404
    page = make_client(static_prefix="/assets/").get("/graphql", headers=HTML).text
    assert f'src="/assets/vendor/graphiql@{GRAPHIQL_VERSION}/graphiql.min.js"' in page
    assert "content-security-policy" not in make_client(csp=None).get("/graphql", headers=HTML).headers


def test_behind_a_path_prefix_the_page_points_under_it() -> None:
    client = make_client(root_path="/api")
    page = client.get("/api/graphql", headers=HTML).text
    assert 'data-endpoint="/api/graphql"' in page
    refs = [r for r in references(page) if not r.startswith("data:")]
    assert refs == [f"/api/static/{a}" for a in ASSETS]
    assert all(client.get(ref).status_code == 200 for ref in refs)
    assert client.post("/api/graphql", json={"query": "{ ping }"}).json() == {"data": {"ping": "pong"}}


@pytest.mark.parametrize("bad", ["https://unpkg.com", "//cdn.example.org/x", "static", "javascript:alert(1)"])
def test_non_local_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="same-origin path"):
        graphiql_html(static_prefix=bad)
    with pytest.raises(ValueError, match="same-origin path"):
        graphiql_html(endpoint=bad)


def test_page_escapes_its_configuration() -> None:
    page = graphiql_html("/graphql", default_query='{ a(x: "<\'&>") }')
    assert 'data-default-query="{ a(x: &quot;&lt;&#x27;&amp;&gt;&quot;) }"' in page


def test_cache_headers_and_revalidation() -> None:
    client = make_client()
    vendor = client.get(f"/static/vendor/react@{REACT_VERSION}/react.production.min.js")
    assert vendor.headers["cache-control"] == "public, max-age=31536000, immutable"
    own = client.get("/static/detgraph/playground.js")
    assert own.headers["cache-control"] == "no-cache"
    again = client.get("/static/detgraph/playground.js", headers={"if-none-match": own.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/static/vendor/nope.js").status_code == 404


def test_shipped_vendor_files_match_their_checksums() -> None:
    vendor = STATIC_DIR / "vendor"
    listed = {}
    for line in (vendor / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    on_disk = {p.relative_to(vendor).as_posix() for p in vendor.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
    assert {a.removeprefix("vendor/") for a in ASSETS if a.startswith("vendor/")} <= on_disk
    for folder in {Path(a).parent for a in ASSETS if a.startswith("vendor/")}:
        assert (STATIC_DIR / folder / "LICENSE").is_file(), folder


def test_fetch_script_pins_the_versions_the_page_uses() -> None:
    script = (ROOT / "scripts" / "fetch_playground_assets.sh").read_text()
    pins = dict(re.findall(r"^(\w+_VERSION)=(\S+)", script, flags=re.M))
    assert pins == {
        "REACT_VERSION": REACT_VERSION,
        "GRAPHIQL_VERSION": GRAPHIQL_VERSION,
        "EXPLORER_VERSION": EXPLORER_VERSION,
        "GRAPHIQL_EXPLORER_VERSION": "0.9.0",
    }
