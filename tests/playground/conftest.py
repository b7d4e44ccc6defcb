"""Fixtures for the playground tests: a tiny schema app, a live uvicorn server and headless Chromium.

Chromium is driven over the Chrome DevTools Protocol through ``--remote-debugging-pipe`` (fd 3 for
commands, fd 4 for replies and events, NUL-separated JSON), so no websocket or browser-automation
package is needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from schema.playground import OfflineGraphQL, static_mount

# DETGRAPH_CHROMIUM overrides the binary; DETGRAPH_REQUIRE_BROWSER=1 turns "missing" into a failure.
CHROMIUM = Path(os.environ.get("DETGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
    # Belt and braces for "offline": no host name except localhost resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
# Guard against hangs only; nothing asserts on durations.
WAIT_SECONDS = 30.0


@strawberry.type
class Technique:
    id: str
    name: str


def make_app(token: str) -> Starlette:
    """A tiny schema whose answers contain ``token`` (unique per test run, so nothing is cached)."""

    @strawberry.type
    class Query:
        @strawberry.field
        def ping(self) -> str:
            return token

        @strawberry.field
        def technique(self, id: str) -> Technique:
            return Technique(id=id, name=f"technique {id}")

    view = OfflineGraphQL(strawberry.Schema(query=Query))
    return Starlette(routes=[Route("/graphql", view), static_mount()])


class LiveServer:
    """uvicorn serving an app on a free 127.0.0.1 port in a background thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT_SECONDS)
        self.sock.close()


class CDPError(RuntimeError):
    pass


class Chromium:
    """Headless Chromium with one page, spoken to over the DevTools protocol pipe."""

    def __init__(self, binary: Path, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        argv = [str(binary), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
        # posix_spawn puts our pipe ends on fd 3/4, where --remote-debugging-pipe expects them
        # (dup2 also clears close-on-exec); no shell, no preexec_fn.
        actions = [
            (os.POSIX_SPAWN_DUP2, devnull, 0),
            (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, devnull, 2),
            (os.POSIX_SPAWN_DUP2, to_chrome_r, 3),
            (os.POSIX_SPAWN_DUP2, from_chrome_w, 4),
        ]
        self.pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions)
        for fd in (to_chrome_r, from_chrome_w, devnull):
            os.close(fd)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.session = self._attach_page()

    def _read_loop(self) -> None:
        buf = b""
        while True:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                break
            buf += chunk
            *messages, buf = buf.split(b"\0")
            with self._cond:
                for raw in messages:
                    msg = json.loads(raw)
                    if "id" in msg:
                        self._replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> Any:
        with self._cond:
            self._next_id += 1
            mid = self._next_id
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + WAIT_SECONDS
        with self._cond:
            while mid not in self._replies:
                if not self._reader.is_alive() or time.monotonic() > deadline:
                    raise CDPError(f"no reply to {method}")
                self._cond.wait(0.5)
            reply = self._replies.pop(mid)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _attach_page(self) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session: str = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        return session

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url}, session=self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise CDPError(f"JS error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str) -> Any:
        """Poll a JS expression until it is truthy; fail with ``what`` if it never is."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(
            f"timed out waiting for {what}; body text: {self.evaluate('document.body.innerText')!r}"
        )

    def events_named(self, method: str) -> list[dict[str, Any]]:
        with self._cond:
            return [e["params"] for e in self.events if e.get("method") == method]

    def _wait_exit(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        with contextlib.suppress(CDPError, OSError):
            self.send("Browser.close")
        if not self._wait_exit(10):
            os.kill(self.pid, signal.SIGKILL)
            self._wait_exit(10)
        os.close(self._to_chrome)
        self._reader.join(10)
        os.close(self._from_chrome)


@pytest.fixture
def chromium() -> Iterator[Chromium]:
    if not CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is None:
        if os.environ.get("DETGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DETGRAPH_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
        pytest.skip(
            f"headless browser test needs Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)"
        )
    with tempfile.TemporaryDirectory(prefix="detgraph-chromium-") as profile:
        browser = Chromium(CHROMIUM, Path(profile))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_app() -> Callable[[str], LiveServer]:
    return lambda token: LiveServer(make_app(token))
