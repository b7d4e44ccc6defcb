"""Integration tests on the real corpus (skipped when it is absent). Values checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.records import LoadResult, Operator, Predicate, Rule
from loaders.splunk import load

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def splunk(corpus_root: Path) -> LoadResult:
    return load(corpus_root)


def by_path(res: LoadResult, name: str) -> Rule:
    (rule,) = [r for r in res.rules if r.path.endswith("/" + name)]
    return rule


def test_all_active_detections_load_without_diagnostics(splunk: LoadResult) -> None:
    s = splunk.stats
    assert s["detections_loaded"] == len(splunk.rules) == 1613
    assert s.get("detections_skipped_deprecated_folder", 0) == 0  # upstream deprecated/ is not in the corpus
    assert s.get("detections_skipped_deprecated_status", 0) == 0
    assert splunk.diagnostics == []
    assert (s["type:TTP"], s["type:Anomaly"], s["type:Hunting"], s["type:Correlation"]) == (957, 454, 189, 13)
    assert (s["status:production"], s["status:experimental"]) == (1472, 141)
    assert len({r.uid for r in splunk.rules}) == 1613


def test_macros_data_sources_stories(splunk: LoadResult) -> None:
    assert len(splunk.extras["macros"]) == 189
    assert len(splunk.extras["data_sources"]) == 205
    stories = splunk.extras["stories"]
    assert len(stories) == 261
    assert sum(s.deprecated for s in stories) == 14
    assert splunk.stats["analytic_story_names_unresolved"] == 0
    assert splunk.stats["macro_undefined_filter_refs"] == 1613
    assert splunk.stats["macro_undefined:drop_dm_object_name(1)"] == 874
    sysmon1 = next(d for d in splunk.extras["data_sources"] if d.name == "Sysmon EventID 1")
    assert (sysmon1.sourcetype, sysmon1.separator, sysmon1.separator_value) == (
        "xmlwineventlog",
        "EventID",
        "1",
    )
    assert sysmon1.field_mappings[0].target == "Endpoint.Processes"
    assert ("Image", "Processes.process_path") in sysmon1.field_mappings[0].mapping
    assert [c.target for c in sysmon1.convert_to_log_source] == [
        "Windows Event Log Security 4688",
        "Crowdstrike Process",
    ]


def test_predicate_coverage(splunk: LoadResult) -> None:
    s = splunk.stats
    with_logic = s["rules_with_filter_logic"]
    assert with_logic == 1572
    assert s["rules_with_filter_logic_and_predicates"] / with_logic >= 0.95
    assert s["rules_with_detection_logic_and_predicates"] / s["rules_with_detection_logic"] >= 0.95
    # parser-independent lower bound: share of ALL detections with at least one predicate
    assert s["rules_with_predicates"] == 1574
    assert sum(bool(r.predicates) for r in splunk.rules) / len(splunk.rules) >= 0.95


def test_t1567_002_gsuite(splunk: LoadResult) -> None:
    titles = sorted(r.title for r in splunk.rules if "T1567.002" in r.techniques)
    assert titles == ["Gsuite Drive Share In External Email"]
    rule = by_path(splunk, "gsuite_drive_share_in_external_email.yml")
    assert rule.uid == "splunk:f6ee02d6-fea0-11eb-b2c2-acde48001122"
    assert rule.techniques == ("T1567.002", "T1567")
    assert rule.level == "high"  # risk_score 72
    assert rule.logsource == (("data_source", "G Suite Drive"), ("sourcetype", "gsuite:drive:json"))
    got = [(p.field, p.operator, p.value, p.excluded, p.case_sensitive, p.context) for p in rule.predicates]
    assert got == [
        ("sourcetype", Operator.EQ, "gsuite:drive:json", False, False, "search"),
        ("email", Operator.EQ, "", True, False, "search"),
        ("email", Operator.EQ, "null", True, False, "search"),
        ("src_domain", Operator.EQ, "internal_test_email.com", False, True, "computed"),
        ("dest_domain", Operator.EQ, "internal_test_email.com", True, True, "computed"),
    ]
    story = next(s for s in splunk.extras["stories"] if s.name == "Dev Sec Ops")
    assert rule.uid in story.detections


def test_tstats_detection_predicates(splunk: LoadResult) -> None:
    rule = by_path(splunk, "account_discovery_with_net_app.yml")
    ctx = {"context": "tstats"}
    assert rule.predicates == (
        Predicate("Processes.process_name", Operator.EQ, "net.exe", "net.exe", **ctx),
        Predicate("Processes.original_file_name", Operator.EQ, "net.exe", "net.exe", **ctx),
        Predicate("Processes.process_name", Operator.EQ, "net1.exe", "net1.exe", **ctx),
        Predicate("Processes.original_file_name", Operator.EQ, "net1.exe", "net1.exe", **ctx),
        Predicate("Processes.process", Operator.WILDCARD, "* user *", "* user *", **ctx),
        Predicate("Processes.process", Operator.WILDCARD, "*config*", "*config*", **ctx),
        Predicate("Processes.process", Operator.WILDCARD, "*view /all*", "*view /all*", **ctx),
    )
    assert ("datamodel", "Endpoint.Processes") in rule.logsource
    assert rule.depends_on_fields == (
        "Processes.process_name",
        "Processes.dest",
        "Processes.user",
        "Processes.parent_process_name",
    )
    assert rule.metadata["stopped_at"] == "tstats"


def test_base_search_detection_predicates(splunk: LoadResult) -> None:
    rule = by_path(splunk, "access_lsass_memory_for_dump_creation.yml")
    sysmon = "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"
    ctx = {"context": "search"}
    assert rule.predicates == (
        Predicate("sourcetype", Operator.EQ, sysmon, sysmon, **ctx),
        Predicate("source", Operator.EQ, sysmon, sysmon, **ctx),
        Predicate(
            "source", Operator.EQ, "Syslog:Linux-Sysmon/Operational", "Syslog:Linux-Sysmon/Operational", **ctx
        ),
        Predicate("EventCode", Operator.EQ, "10", "10", **ctx),
        Predicate("TargetImage", Operator.WILDCARD, "*lsass.exe", "*lsass.exe", **ctx),
        Predicate("CallTrace", Operator.WILDCARD, "*dbgcore.dll*", "*dbgcore.dll*", **ctx),
        Predicate("CallTrace", Operator.WILDCARD, "*dbghelp.dll*", "*dbghelp.dll*", **ctx),
    )
    assert rule.logsource[0] == ("data_source", "Sysmon EventID 10")
    assert ("sourcetype", sysmon) in rule.logsource
