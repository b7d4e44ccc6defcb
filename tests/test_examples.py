"""The example client runs its overlap query against a real uvicorn server."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from pathlib import Path

import uvicorn

from graph.testing import tiny_graph
from schema.app import create_app

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "overlap_client.py"


def test_overlap_client_against_running_server() -> None:
    spec = importlib.util.spec_from_file_location("overlap_client", EXAMPLE)
    assert spec and spec.loader
    client = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(client)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(tiny_graph()), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        answer = client.run(f"http://127.0.0.1:{port}/graphql", "T1", "T2")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    overlap = answer["data"]["overlap"]
    assert [i["value"] for i in overlap["sharedIndicators"]] == ["cmd.exe", "rclone.exe"]
    assert round(overlap["indicatorJaccard"], 3) == 0.667
    assert [s["technique"]["attackId"] for s in answer["data"]["similarTechniques"]] == ["T1.001", "T2", "T3"]
