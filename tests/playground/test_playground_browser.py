"""GraphiQL works offline: headless Chromium loads the page, runs queries and reads the results.

Chromium runs with every host name except localhost/127.0.0.1 unresolvable, and the test checks the
DevTools network log: each request the page made went to the local server (or was a data: URI).
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from schema.playground import ASSETS

if TYPE_CHECKING:  # fixtures' types; conftest is not importable as a module under importlib mode
    from tests.playground.conftest import Chromium, LiveServer

pytestmark = pytest.mark.browser

EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
RESPONSE = "document.querySelector('.graphiql-response .CodeMirror')"
EXECUTE = "document.querySelector('.graphiql-execute-button')"


@pytest.fixture
def server(live_app: Callable[[str], LiveServer]) -> Iterator[tuple[LiveServer, str]]:
    token = f"offline-{secrets.token_hex(6)}"
    with live_app(token) as srv:
        yield srv, token


def open_playground(browser: Chromium, base: str, query: str) -> None:
    browser.navigate(f"{base}/graphql?q={urllib.parse.quote(query)}")
    browser.wait_for(f"!!{EXECUTE}", "GraphiQL to render its execute button")


def run_and_read(browser: Chromium) -> dict[str, object]:
    browser.evaluate(f"{EXECUTE}.click()")
    text = browser.wait_for(
        f"{RESPONSE} && {RESPONSE}.CodeMirror.getValue()", "a result in the response pane"
    )
    result: dict[str, object] = json.loads(text)
    return result


def assert_only_local_traffic(browser: Chromium, port: int) -> list[str]:
    urls = [e["request"]["url"] for e in browser.events_named("Network.requestWillBeSent")]
    remote = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "data":
            continue
        local = parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1"
        if not local or parts.port != port:
            remote.append(url)
    assert remote == [], f"the page contacted something other than the local server: {remote}"
    failed = browser.events_named("Network.loadingFailed")
    assert failed == [], f"requests failed: {failed}"
    return urls


def assert_no_page_errors(browser: Chromium) -> None:
    exceptions = browser.events_named("Runtime.exceptionThrown")
    assert exceptions == [], f"uncaught JS exceptions: {exceptions}"
    errors = [e for e in browser.events_named("Runtime.consoleAPICalled") if e.get("type") == "error"]
    errors += [e for e in browser.events_named("Log.entryAdded") if e["entry"].get("level") == "error"]
    assert errors == [], f"console/CSP errors: {errors}"


def test_query_runs_from_the_page_offline(chromium: Chromium, server: tuple[LiveServer, str]) -> None:
    srv, token = server
    open_playground(chromium, srv.url, "{ ping }")
    assert chromium.evaluate(f"{EDITOR}.getValue()") == "{ ping }"

    assert run_and_read(chromium) == {"data": {"ping": token}}

    urls = assert_only_local_traffic(chromium, srv.port)
    for asset in ASSETS:
        assert f"{srv.url}/static/{asset}" in urls, f"{asset} was not loaded"
    statuses = {
        e["response"]["url"]: e["response"]["status"]
        for e in chromium.events_named("Network.responseReceived")
    }
    assert {a: statuses.get(f"{srv.url}/static/{a}") for a in ASSETS} == dict.fromkeys(ASSETS, 200)
    posts = [
        e["request"]
        for e in chromium.events_named("Network.requestWillBeSent")
        if e["request"]["method"] == "POST"
    ]
    assert any(json.loads(p["postData"])["query"] == "{ ping }" for p in posts)
    assert_no_page_errors(chromium)


def test_explorer_builds_a_query_by_clicking(chromium: Chromium, server: tuple[LiveServer, str]) -> None:
    srv, _ = server
    open_playground(chromium, srv.url, "query {\n}")
    chromium.evaluate(
        "document.querySelector('.graphiql-sidebar button[aria-label=\"Show GraphiQL Explorer\"]').click()"
    )
    field = '.graphiql-explorer-root [data-field-name="technique"]'
    chromium.wait_for(f"!!document.querySelector('{field}')", "the explorer to list the schema's fields")

    chromium.evaluate(f"document.querySelector('{field}').click()")
    name = '.graphiql-explorer-technique [data-field-name="name"]'
    chromium.wait_for(f"!!document.querySelector('{name}')", "the explorer to expand Technique")
    chromium.evaluate(f"document.querySelector('{name}').click()")
    # Type the required argument into the explorer's input, as a user would.
    arg_input = ".graphiql-explorer-technique input[type=text]"
    chromium.evaluate(f"document.querySelector('{arg_input}').focus()")
    chromium.send("Input.insertText", {"text": "T1059.001"}, session=chromium.session)
    built = chromium.wait_for(
        f"(v => v.includes('T1059.001') && v.includes('name') && v)({EDITOR}.getValue())",
        "the explorer to write the query into the editor",
    )
    assert 'technique(id: "T1059.001")' in built

    assert run_and_read(chromium) == {"data": {"technique": {"name": "technique T1059.001"}}}
    assert_only_local_traffic(chromium, srv.port)
    assert_no_page_errors(chromium)
