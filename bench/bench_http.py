"""HTTP throughput: a small GraphQL query through uvicorn, next to a bare Starlette JSON route, same server.

Run: python bench/bench_http.py [--seconds 10] [--connections 32]
Needs `wrk` (Debian package `wrk`). Serves the real corpus ($DETGRAPH_CORPUS) when present, else the
bundled sample. One uvicorn worker; wrk runs on the same 2-core machine, so absolute numbers are low,
but both routes are measured under the same conditions.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERY = '{ technique(id: "T1567.002") { name parent { attackId } tactics { shortname } } }'
# the same document every time (parser and validation caches hit) with a request counter in the
# variables, so the response cache never answers: the cost of executing the query itself
UNIQUE_LUA = r'''counter = 0
request = function()
  counter = counter + 1
  local body = '{"query": "query Q($id: String!) { technique(id: $id) { name parent { attackId } '
    .. 'tactics { shortname } } }", "variables": {"id": "T1567.002", "n": ' .. counter .. '}}'
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body)
end
'''


def serve(port: int) -> None:
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from schema.app import create_app
    from schema.cli import load_graph

    kg = load_graph(None, show_progress=False)

    async def bare(request: Request) -> JSONResponse:
        return JSONResponse({"data": {"technique": {"name": "Exfiltration to Cloud Storage"}}})

    app = create_app(kg)
    app.router.routes.append(Route("/bare", bare))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if script:
        cmd[1:1] = ["-s", str(script)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"non-2xx responses:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        get_url = f"{base}/graphql?query={urllib.parse.quote(QUERY)}"
        with urllib.request.urlopen(get_url) as resp:
            print("answer:", resp.read().decode())
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            body = '{"query": "' + QUERY.replace('"', '\\"') + '"}'
            lua.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f"wrk.body = [[{body}]]\n")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as unique:
            # every request differs (a numbered alias), so the response cache never answers
            unique.write(UNIQUE_LUA)
        wrk(f"{base}/bare", 2, args.connections)  # warm-up
        bare = wrk(f"{base}/bare", args.seconds, args.connections)
        get = wrk(get_url, args.seconds, args.connections)
        post = wrk(f"{base}/graphql", args.seconds, args.connections, Path(lua.name))
        uncached = wrk(f"{base}/graphql", args.seconds, args.connections, Path(unique.name))
    finally:
        server.terminate()
        server.wait()
    print(f"{'route':<36}{'req/s':>10}{'x bare':>10}")
    print(f"{'bare Starlette JSON route':<36}{bare:>10.0f}{1:>10.2f}")
    print(f"{'GraphQL small query, GET':<36}{get:>10.0f}{get / bare:>10.2f}   goal >= 0.6")
    print(f"{'GraphQL small query, POST':<36}{post:>10.0f}{post / bare:>10.2f}   goal >= 0.6")
    print(f"{'GraphQL POST, response cache missed':<36}{uncached:>10.0f}{uncached / bare:>10.2f}")


if __name__ == "__main__":
    main()
