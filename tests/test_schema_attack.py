"""The GraphQL schema over ATT&CK: executed in-process and through the Starlette app."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from schema.app import create_app
from schema.query import build_schema

TECHNIQUE_QUERY = '{ technique(id: "T1567.002") { name parent { id } tactics { shortname } } }'


def run(kg: Any, query: str, **variables: Any) -> dict[str, Any]:
    result = build_schema().execute_sync(query, variable_values=variables or None, context_value={"kg": kg})
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_sample_technique(sample_graph) -> None:
    assert run(sample_graph, TECHNIQUE_QUERY) == {"technique": {
        "name": "Exfiltration to Cloud Storage", "parent": {"id": "technique:T1567"},
        "tactics": [{"shortname": "exfiltration"}]}}


def test_sample_pagination_walks_all_techniques(sample_graph) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = run(sample_graph, "query($after: String) { techniques(first: 5, after: $after) { totalCount "
                   "pageInfo { hasNextPage endCursor } nodes { attackId } } }", after=after)["techniques"]
        seen += [n["attackId"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and len(seen) == page["totalCount"] == len(set(seen))
    assert "T1066" not in seen  # revoked ids are not listed


def test_page_size_limit_is_named(sample_graph) -> None:
    result = build_schema().execute_sync("{ techniques(first: 101) { totalCount } }",
                                         context_value={"kg": sample_graph})
    assert result.errors and "page size limit" in result.errors[0].message


@pytest.mark.corpus
def test_real_technique_through_http(real_graph) -> None:
    with TestClient(create_app(real_graph)) as client:
        resp = client.post("/graphql", json={"query": TECHNIQUE_QUERY})
        assert resp.status_code == 200
        assert resp.json() == {"data": {"technique": {
            "name": "Exfiltration to Cloud Storage", "parent": {"id": "technique:T1567"},
            "tactics": [{"shortname": "exfiltration"}]}}}
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and health["techniques"] >= 691


@pytest.mark.corpus
def test_real_revoked_id_resolves(real_graph) -> None:
    data = run(real_graph, '{ technique(id: "T1066") { attackId name revoked } '
                           'node(id: "technique:T1066") { id } }')
    assert data == {"technique": {"attackId": "T1027.005", "name": "Indicator Removal from Tools", "revoked": False},
                    "node": {"id": "technique:T1027.005"}}


@pytest.mark.corpus
def test_real_filters(real_graph) -> None:
    data = run(real_graph, '{ exfil: techniques(filter: {tactic: "TA0010"}, first: 100) { totalCount } '
                           'cloud: techniques(filter: {text: "exfiltration to cloud storage"}, first: 5) '
                           '{ nodes { attackId } } '
                           'tactic(id: "exfiltration") { attackId order name } '
                           'tactics { shortname } }')
    assert data["tactic"] == {"attackId": "TA0010", "order": 12, "name": "Exfiltration"}
    assert [t["shortname"] for t in data["tactics"]][:3] == ["reconnaissance", "resource-development",
                                                              "initial-access"]
    assert [n["attackId"] for n in data["cloud"]["nodes"]] == ["T1567.002", "T1585.003", "T1586.003"]
    live_exfil = [t for t in real_graph.techniques.values() if t.live and "exfiltration" in t.tactics]
    assert data["exfil"]["totalCount"] == len(live_exfil) > 0


def test_sample_rule_filters(sample_graph) -> None:
    """Hand-counted in loaders/sample: `level: high` (1 Sigma), `severity = "high"` (1 Elastic), Splunk
    risk_score 64 (61-80 is high); production = 4 Elastic `maturity` + 3 Splunk `status`."""
    data = run(sample_graph, '{ high: rules(filter: {level: "HIGH"}) { nodes { vendor } } '
                             'prod: rules(filter: {status: "production"}) { totalCount } }')
    assert sorted(n["vendor"] for n in data["high"]["nodes"]) == ["ELASTIC", "SIGMA", "SPLUNK"]
    assert data["prod"]["totalCount"] == 7
