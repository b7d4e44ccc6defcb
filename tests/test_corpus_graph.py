"""The whole real corpus as one graph: the reference page, cross-vendor indicators, corpus reach."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from schema.app import create_app

pytestmark = pytest.mark.corpus

PAGE_QUERY = (Path(__file__).resolve().parent.parent / "examples" / "technique_page.graphql").read_text()

SIGMA_T1567_002 = [
    "APT40 Dropbox Tool User Agent", "Curl File Upload To File Sharing Websites",
    "DNS Query for Anonfiles.com Domain - DNS Client", "DNS Query for Anonfiles.com Domain - Sysmon",
    "DNS Query To MEGA Hosting Website", "DNS Query To MEGA Hosting Website - DNS Client", "DNS Query To Ufile.io",
    "DNS Query To Ufile.io - DNS Client", "Network Connection Initiated To Mega.nz", "PUA - Rclone Execution",
    "PUA - Restic Backup Tool Execution", "Rclone Activity via Proxy", "Rclone Config File Creation",
    "Suspicious Dropbox API Usage",
]
ELASTIC_T1567_002 = [
    "AWS API Activity from Uncommon S3 Client by Rare User", "AWS DynamoDB Table Exported to S3",
    "AWS EC2 Export Task", "AWS RDS Snapshot Export", "AWS S3 Bucket Replicated to Another Account",
    "Azure Storage Blob Retrieval via AzCopy", "Connection to Commonly Abused Web Services",
    "DNS Request to Suspicious Top Level Domain", "DNS to Commonly Abused Web Services", "M365 Purview DLP Signal",
    "Potential Data Exfiltration via Rclone", "Potential PowerShell HackTool Script by Function Names",
    "Suspicious AWS S3 Connection via Script Interpreter", "Unusual Network Connection to Suspicious Web Service",
]


def test_reference_page_from_one_query(real_graph) -> None:
    with TestClient(create_app(real_graph)) as client:
        answer = client.post("/graphql", json={"query": PAGE_QUERY}).json()
    assert "errors" not in answer
    tech, guide = answer["data"]["technique"], answer["data"]["authoringGuide"]
    assert (tech["attackId"], tech["name"], tech["parent"]["attackId"]) == (
        "T1567.002", "Exfiltration to Cloud Storage", "T1567")
    assert tech["description"].startswith("Adversaries may exfiltrate data to a cloud storage service")
    groups = {g["vendor"]: [r["title"] for r in g["rules"]] for g in tech["rules"]}
    assert groups == {"SIGMA": SIGMA_T1567_002, "ELASTIC": ELASTIC_T1567_002,
                      "SPLUNK": ["Gsuite Drive Share In External Email"]}
    dropbox = next(r for g in tech["rules"] for r in g["rules"] if r["title"] == "Suspicious Dropbox API Usage")
    assert {"field": "Image", "operator": "WILDCARD", "value": "*\\Dropbox*", "raw": "\\Dropbox", "excluded": True} in \
        dropbox["predicates"]
    assert guide["ruleCount"] == 29
    events = {e["eventId"] for e in guide["events"]}
    assert {"sysmon:22", "dns-client:3008", "sysmon:3", "sysmon:1", "security:4688", "sysmon:11"} <= events
    fields = {f["field"]: f for f in guide["fields"]}
    assert fields["process.name"]["ruleCount"] == 7
    assert fields["dns.question.name"]["ruleCount"] == 9
    top = [(i["indicator"]["field"], i["indicator"]["value"], i["ruleCount"], i["corpusReach"])
           for i in guide["indicators"]]
    assert top[0] == ("event.outcome", "success", 5, 408)  # the noisy one: used all over the catalog
    assert ("process.name", "rclone.exe", 2, 3) in top
    assert (guide["fieldCount"], guide["indicatorCount"]) == (19, 835)


def test_rclone_is_one_indicator_across_vendors(real_graph) -> None:
    """Sigma `Image|endswith: '\\rclone.exe'`, Elastic `process.name : "rclone.exe"` and Splunk's
    `process_rclone` macro (`Processes.process_name=rclone.exe`) meet in one indicator."""
    iid = "process.name|eq|rclone.exe"
    assert sorted(real_graph.indicator_rules[iid]) == [
        "elastic:3f4c2b18-9d2e-4b7a-a3c1-8e6d9f2b5c7e",  # Potential Data Exfiltration via Rclone
        "sigma:e37db05d-d1f9-49c8-b464-cee1a4b11638",  # PUA - Rclone Execution
        "splunk:32e0baea-b3f1-11eb-a2ce-acde48001122",  # Detect RClone Command-Line Usage
    ]
    sigma = real_graph.rules["sigma:e37db05d-d1f9-49c8-b464-cee1a4b11638"]
    assert any(p.field == "Image" and p.raw == "\\rclone.exe" and p.modifiers == ("endswith",)
               for p in sigma.predicates)


def test_corpus_reach_checked_by_hand(real_graph) -> None:
    """grep -rli rclone.exe over the rule folders finds four files: the three rules above match on the process
    name, and Splunk's 'Detect Renamed RClone' has `Processes.process_name!=rclone.exe` (an exclusion)."""
    iid = "process.name|eq|rclone.exe"
    assert real_graph.reach(iid) == 3
    assert real_graph.indicator_excluding_rules[iid] == ("splunk:6dca1124-b3ec-11eb-9328-acde48001122",)
    # Splunk tags T1020; Elastic T1048, T1567, T1567.002, T1036, T1036.003; Sigma T1567.002
    assert sorted(real_graph.indicator_techniques[iid]) == ["T1020", "T1036", "T1036.003", "T1048", "T1567",
                                                            "T1567.002"]


def test_counts_per_vendor(real_graph) -> None:
    by_vendor: dict[str, int] = {}
    for uid in real_graph.rule_order:
        by_vendor[real_graph.vendor_of(uid)] = by_vendor.get(real_graph.vendor_of(uid), 0) + 1
    assert by_vendor == {"sigma": 3757, "elastic": 2068, "splunk": 1613}
    unresolved = sorted(t.id for t in real_graph.techniques.values() if t.unresolved)
    assert unresolved == ["T1685", "T1685.001", "T1685.002", "T1685.004", "T1685.005", "T1685.006", "T1686",
                          "T1686.001", "T1686.002", "T1686.003", "T1689", "T1690"]
