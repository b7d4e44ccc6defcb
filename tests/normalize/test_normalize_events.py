from __future__ import annotations

import pytest

from loaders.normalize import EventCatalog
from loaders.records import Operator, Predicate, Rule, Vendor


def _rule(vendor: Vendor, logsource=(), predicates=()) -> Rule:
    return Rule(
        f"{vendor.value}:x", vendor, "x", "t", "p", logsource=tuple(logsource), predicates=tuple(predicates)
    )


def test_catalog_coverage(catalog: EventCatalog) -> None:
    for n in range(1, 30):
        assert f"sysmon:{n}" in catalog
    required = [
        "security:4624",
        "security:4625",
        "security:4688",
        "security:4663",
        "security:4698",
        "security:4720",
        "security:5145",
        "security:4768",
        "security:4769",
        "security:4776",
        "security:5136",
        "powershell:4103",
        "powershell:4104",
        "dns-client:3008",
        "system:7045",
        "auditd:execve",
        "auditd:connect",
        "auditd:open",
        "esf:ES_EVENT_TYPE_NOTIFY_EXEC",
        "aws-cloudtrail",
        "azure-activity",
        "azure-signin",
        "gcp-audit",
        "m365-audit",
        "okta-system",
        "github-audit",
        "k8s-audit",
        "proxy:http-request",
        "firewall:connection",
        "dns:query",
        "linux-sysmon:1",
    ]
    missing = [e for e in required if e not in catalog]
    assert missing == []
    ev = catalog.get("sysmon:1")
    assert ev is not None
    assert (ev.name, ev.platform, ev.provider, ev.channel, ev.event_code) == (
        "Process creation",
        "windows",
        "Microsoft-Windows-Sysmon",
        "Microsoft-Windows-Sysmon/Operational",
        "1",
    )
    assert catalog.get("dns-client:3008").channel == "Microsoft-Windows-DNS-Client/Operational"
    assert catalog.get("no-such-event") is None


@pytest.mark.parametrize(
    ("logsource", "expected"),
    [
        ((("product", "windows"), ("category", "process_creation")), ("sysmon:1", "security:4688")),
        ((("product", "windows"), ("category", "dns_query")), ("sysmon:22",)),
        ((("product", "windows"), ("service", "dns-client")), ("dns-client:3008",)),
        ((("product", "windows"), ("category", "network_connection")), ("sysmon:3",)),
        ((("product", "windows"), ("category", "file_event")), ("sysmon:11",)),
        ((("product", "linux"), ("category", "process_creation")), ("auditd:execve", "linux-sysmon:1")),
        ((("category", "proxy"),), ("proxy:http-request",)),
        ((("product", "aws"), ("service", "cloudtrail")), ("aws-cloudtrail",)),
        ((("product", "okta"), ("service", "okta")), ("okta-system",)),
        ((("product", "acme"),), ()),
    ],
)
def test_sigma_logsource(catalog: EventCatalog, logsource, expected) -> None:
    assert catalog.events_for_rule(_rule(Vendor.SIGMA, logsource)) == expected


def test_event_id_predicates_narrow_a_whole_log(catalog: EventCatalog) -> None:
    sec = (("product", "windows"), ("service", "security"))
    preds = [Predicate("EventID", Operator.EQ, "4624"), Predicate("EventID", Operator.EQ, "4625")]
    assert catalog.events_for_rule(_rule(Vendor.SIGMA, sec, preds)) == ("security:4624", "security:4625")
    # excluded codes do not select events
    excl = [Predicate("EventID", Operator.EQ, "4624", excluded=True)]
    assert catalog.events_for_rule(_rule(Vendor.SIGMA, sec, excl)) == ("security",)
    assert catalog.events_for_rule(_rule(Vendor.SIGMA, sec)) == ("security",)


def test_elastic_hints(catalog: EventCatalog) -> None:
    proc = [
        ("index", "winlogbeat-*"),
        ("index", "logs-windows.sysmon_operational-*"),
        ("os", "Windows"),
        ("event.category", "process"),
    ]
    assert catalog.events_for_rule(_rule(Vendor.ELASTIC, proc)) == ("sysmon:1", "security:4688")
    aws = [("index", "logs-aws.cloudtrail-*"), ("event.dataset", "aws.cloudtrail")]
    assert catalog.events_for_rule(_rule(Vendor.ELASTIC, aws)) == ("aws-cloudtrail",)
    okta = [("data_source", "Okta")]
    assert catalog.events_for_rule(_rule(Vendor.ELASTIC, okta)) == ("okta-system",)
    dns = [("index", "logs-endpoint.events.network-*"), ("os", "Windows"), ("event.category", "network")]
    dns_pred = [Predicate("dns.question.name", Operator.WILDCARD, "*.mega.nz")]
    assert catalog.events_for_rule(_rule(Vendor.ELASTIC, dns, dns_pred)) == (
        "elastic-defend",
        "sysmon:3",
        "sysmon:22",
    )


def test_splunk_hints(catalog: EventCatalog) -> None:
    both = [("data_source", "Sysmon EventID 1 AND Sysmon EventID 3")]
    assert catalog.events_for_rule(_rule(Vendor.SPLUNK, both)) == ("sysmon:1", "sysmon:3")
    ds = [
        ("data_source", "Sysmon EventID 1"),
        ("data_source", "Windows Event Log Security 4688"),
        ("data_source", "CrowdStrike ProcessRollup2"),
    ]
    assert catalog.events_for_rule(_rule(Vendor.SPLUNK, ds)) == (
        "sysmon:1",
        "security:4688",
        "splunk-ds:crowdstrike-processrollup2",
    )
    dm = [("datamodel", "Endpoint.Processes")]
    assert catalog.events_for_rule(_rule(Vendor.SPLUNK, dm)) == ("sysmon:1", "security:4688")
    st = [("sourcetype", "aws:cloudtrail:lake")]
    assert catalog.events_for_rule(_rule(Vendor.SPLUNK, st)) == ("aws-cloudtrail",)


@pytest.mark.parametrize(
    ("name", "channel", "expected"),
    [
        ("WinEventLog:Sysmon", "EventCode=3, 22", ("sysmon:3", "sysmon:22")),
        ("WinEventLog:Security", "EventCode=4688", ("security:4688",)),
        ("WinEventLog:PowerShell", "EventCode=4103, 4104", ("powershell:4103", "powershell:4104")),
        ("auditd:SYSCALL", "execve", ("auditd:execve",)),
        ("auditd:SYSCALL", "open, write: modifications under /etc/ssl", ("auditd:open", "auditd:write")),
        ("macos:endpointsecurity", "ES_EVENT_TYPE_NOTIFY_EXEC", ("esf:ES_EVENT_TYPE_NOTIFY_EXEC",)),
        (
            "AWS:CloudTrail",
            "GetObject, CopyObject",
            ("aws-cloudtrail:GetObject", "aws-cloudtrail:CopyObject"),
        ),
        ("azure:signinlogs", "None", ("azure-signin",)),
        ("NSM:Flow", "conn.log", ("netflow:connection",)),
    ],
)
def test_attack_logsource(catalog: EventCatalog, name: str, channel: str, expected: tuple) -> None:
    assert catalog.events_for_attack_logsource(name, channel) == expected


def test_windows_services_from_pysigma(catalog: EventCatalog) -> None:
    ls = (("product", "windows"), ("service", "appxdeployment-server"))
    assert catalog.events_for_rule(_rule(Vendor.SIGMA, ls)) == ("appxdeployment-server",)
    ev = catalog.get("appxdeployment-server")
    assert ev is not None
    assert ev.channel == "Microsoft-Windows-AppXDeploymentServer/Operational"
    assert ev.platform == "windows"


def test_splunk_eventtype_and_unknown(catalog: EventCatalog) -> None:
    assert catalog.events_for_rule(_rule(Vendor.SPLUNK, [("eventtype", "cisco_ios")])) == ("network-device",)
    assert catalog.events_for_rule(_rule(Vendor.SPLUNK, [("datamodel", "Risk.All_Risk")])) == ()


def test_event_fields_from_splunk_data_sources(catalog: EventCatalog) -> None:
    fields = catalog.get("sysmon:1").fields
    assert {
        "process.name",
        "process.command_line",
        "process.parent.name",
        "process.pe.original_file_name",
    } <= set(fields)
    assert not any(":" in f for f in fields)  # only canonical fields
