"""The HTTP face: GET queries with cache headers, persisted queries, CORS, limits, masking."""

from __future__ import annotations

import hashlib
import json

import pytest
from starlette.testclient import TestClient

from graph.testing import tiny_graph
from schema.app import create_app

QUERY = '{ technique(id: "T1") { name } }'


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(tiny_graph(), cors_origins=["https://ui.example"])) as c:
        yield c


def test_get_query_is_cacheable(client: TestClient) -> None:
    resp = client.get("/graphql", params={"query": QUERY})
    assert resp.status_code == 200
    assert resp.json() == {"data": {"technique": {"name": "One"}}}
    assert resp.headers["cache-control"] == "public, max-age=300"
    assert resp.content == b'{"data":{"technique":{"name":"One"}}}'  # compact JSON


def test_mutations_do_not_exist(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "mutation { x }"})
    assert "errors" in resp.json() or resp.status_code == 400


def test_automatic_persisted_query_round_trip(client: TestClient) -> None:
    digest = hashlib.sha256(QUERY.encode()).hexdigest()
    ext = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    miss = client.get("/graphql", params={"extensions": json.dumps(ext)}).json()
    assert miss["errors"][0]["message"] == "PersistedQueryNotFound"
    assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    stored = client.post("/graphql", json={"query": QUERY, "extensions": ext}).json()
    assert stored == {"data": {"technique": {"name": "One"}}}
    hit = client.get("/graphql", params={"extensions": json.dumps(ext)})
    assert hit.json() == {"data": {"technique": {"name": "One"}}}
    wrong = client.post("/graphql", json={"query": "{ tactics { id } }", "extensions": ext}).json()
    assert "does not match" in wrong["errors"][0]["message"]


def test_cors_allow_list(client: TestClient) -> None:
    pre = client.options("/graphql", headers={"Origin": "https://ui.example", "Access-Control-Request-Method": "POST"})
    assert pre.headers["access-control-allow-origin"] == "https://ui.example"
    other = client.options("/graphql", headers={"Origin": "https://evil.example",
                                                "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers


def test_cors_closed_by_default() -> None:
    with TestClient(create_app(tiny_graph())) as c:
        resp = c.get("/graphql", params={"query": QUERY}, headers={"Origin": "https://ui.example"})
        assert "access-control-allow-origin" not in resp.headers


def test_deep_query_refused_and_service_keeps_answering(client: TestClient) -> None:
    deep = '{ technique(id: "T1") { ' + "parent { " * 30 + "id" + " }" * 30 + " } }"
    refused = client.post("/graphql", json={"query": deep}).json()
    assert "exceeds maximum operation depth of 12" in refused["errors"][0]["message"]
    assert client.post("/graphql", json={"query": QUERY}).json() == {"data": {"technique": {"name": "One"}}}


def test_alias_flood_refused(client: TestClient) -> None:
    flood = "{ " + " ".join(f"a{i}: tactics {{ id }}" for i in range(1000)) + " }"
    refused = client.post("/graphql", json={"query": flood}).json()
    assert refused["errors"][0]["message"] == "1000 aliases found. Allowed: 30"
    assert client.get("/healthz").json()["status"] == "ok"


def test_cost_limit_named(client: TestClient) -> None:
    costly = ("{ techniques(first: 100) { nodes { rules { rules { techniques { subtechniques "
              "{ rules { rules { id } } } } } } } } }")
    refused = client.post("/graphql", json={"query": costly}).json()
    assert refused["errors"][0]["message"].startswith("cost limit: the query's estimated cost")


def test_token_limit_named(client: TestClient) -> None:
    huge = "{ " + "tactics { id } " * 4000 + "}"
    refused = client.post("/graphql", json={"query": huge}).json()
    assert "more than 10000 tokens" in refused["errors"][0]["message"]


def test_page_size_and_argument_errors_are_clear(client: TestClient) -> None:
    page = client.post("/graphql", json={"query": "{ techniques(first: 1000) { totalCount } }"}).json()
    assert "page size limit" in page["errors"][0]["message"]
    bad_id = client.post("/graphql", json={"query": '{ node(id: "nonsense") { id } }'}).json()
    assert "not a detgraph node id" in bad_id["errors"][0]["message"]
    unknown = client.post("/graphql", json={"query": '{ overlap(a: "T1", b: "T404") { ruleJaccard } }'}).json()
    assert unknown["errors"][0]["message"] == "unknown technique: 'T404'"


def test_internal_errors_are_masked(monkeypatch: pytest.MonkeyPatch, client: TestClient) -> None:
    import graph.analytics.coverage as cov

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(cov, "coverage", boom)
    resp = client.post("/graphql", json={"query": "{ coverage(by: VENDOR) { key } }"}).json()
    assert resp["errors"][0]["message"] == "Internal error"
    assert "secret" not in json.dumps(resp)


def test_response_cache_serves_repeats_and_never_caches_errors() -> None:
    app = create_app(tiny_graph())
    cache = app.state.response_cache
    with TestClient(app) as c:
        first = c.post("/graphql", json={"query": QUERY})
        again = c.post("/graphql", json={"query": QUERY})
        assert first.content == again.content == b'{"data":{"technique":{"name":"One"}}}'
        assert (cache.misses, cache.hits) == (1, 1)
        for _ in range(2):
            bad = c.post("/graphql", json={"query": "{ techniques(first: 500) { totalCount } }"})
            assert "page size limit" in bad.json()["errors"][0]["message"]
        assert (cache.misses, cache.hits) == (3, 1)
        c.get("/graphql", params={"query": QUERY})
        hit = c.get("/graphql", params={"query": QUERY})
        assert hit.headers["cache-control"] == "public, max-age=300" and cache.hits == 2
        page = c.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_bad_bodies_get_400_and_service_keeps_answering(client: TestClient) -> None:
    not_utf8 = client.post("/graphql", content=b'{"query": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert not_utf8.status_code == 400 and "not valid JSON" in not_utf8.text
    broken = client.post("/graphql", content=b'{"query": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400
    assert client.post("/graphql", json={"query": QUERY}).json() == {"data": {"technique": {"name": "One"}}}


def test_nested_list_sizes_are_checked(client: TestClient) -> None:
    too_many = client.post("/graphql", json={"query": '{ similarTechniques(technique: "T1", first: 1000) '
                                                      "{ jaccard } }"}).json()
    assert "page size limit: `first` must be between 0 and 100, got 1000" in too_many["errors"][0]["message"]
    nothing = client.post("/graphql", json={"query": "{ overlapMatrix { a } }"}).json()
    assert "give `techniques`" in nothing["errors"][0]["message"]


def test_cost_counts_large_pages_and_defaults(client: TestClient) -> None:
    abusive = ('{ authoringGuide(technique: "T1") { indicators(first: 1000) { ruleIds '
               "indicator { rules(first: 100) { id title query description } } } } }")
    refused = client.post("/graphql", json={"query": abusive}).json()
    assert refused["errors"][0]["message"].startswith("cost limit: the query's estimated cost 403002 exceeds 50000")


def test_response_cache_keeps_answers_with_an_alias_named_errors() -> None:
    app = create_app(tiny_graph())
    cache = app.state.response_cache
    with TestClient(app) as c:
        query = '{ errors: technique(id: "T1") { name } }'
        for _ in range(2):
            assert c.post("/graphql", json={"query": query}).json() == {"data": {"errors": {"name": "One"}}}
        assert (cache.misses, cache.hits) == (1, 1)


def test_field_and_event_techniques_from_indices(client: TestClient) -> None:
    query = '{ field(id: "f:proc") { techniques { attackId } } event(id: "sysmon:1") { techniques { attackId } } }'
    data = client.post("/graphql", json={"query": query}).json()["data"]
    assert [t["attackId"] for t in data["field"]["techniques"]] == ["T1", "T1.001", "T2", "T3"]
    assert [t["attackId"] for t in data["event"]["techniques"]] == ["T1", "T1.001"]  # rules a and b (tiny graph)


def test_indicator_filters(client: TestClient) -> None:
    query = ('{ a: indicators(filter: {minReach: 3}) { nodes { value reach } } '
             'b: indicators(filter: {operator: "wildcard", valueContains: "COPY"}) { nodes { value } } '
             'c: fields { nodes { name ruleCount } } }')
    data = client.post("/graphql", json={"query": query}).json()["data"]
    assert data["a"]["nodes"] == [{"value": "cmd.exe", "reach": 4}, {"value": "rclone.exe", "reach": 3}]
    assert data["b"]["nodes"] == [{"value": "*copy*"}]
    assert [(n["name"], n["ruleCount"]) for n in data["c"]["nodes"]] == [("f:proc", 4), ("f:cmd", 2), ("f:parent", 1)]
