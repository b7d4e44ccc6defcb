"""Loader tests on the hand-written fixture corpus under tests/splunk/fixtures/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.records import LoadResult, Operator, Predicate, Rule, Severity, Vendor
from loaders.settings import SAMPLE_CORPUS
from loaders.splunk import SplunkDataSource, SplunkMacro, SplunkStory, load

FIXTURE_CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def result() -> LoadResult:
    return load(FIXTURE_CORPUS)


def rule(result: LoadResult, native_id_suffix: str) -> Rule:
    (found,) = [r for r in result.rules if r.native_id.endswith(native_id_suffix)]
    return found


def test_counts_and_skips(result: LoadResult) -> None:
    s = result.stats
    assert s["detection_files"] == 7
    assert s["detections_loaded"] == 4
    assert s["detections_skipped_deprecated_folder"] == 1
    assert s["detections_skipped_deprecated_status"] == 1
    assert s["detections_invalid"] == 1
    assert s["macros"] == 7
    assert s["spl_unparsed"] == 2
    assert s["macro_undefined_filter_refs"] == 2
    assert s["macro_undefined:drop_dm_object_name(1)"] == 1
    assert s["analytic_story_names_unresolved"] == 1  # "Other Story" has no file


def test_diagnostics(result: LoadResult) -> None:
    got = sorted((d.path, d.line, d.message.split(":")[0]) for d in result.diagnostics)
    assert got == [
        ("splunk/detections/cloud/malformed.yml", 5, "malformed YAML"),
        ("splunk/detections/cloud/recursive_macro.yml", 10, "macro expansion error"),  # the `search:` line
        ("splunk/detections/cloud/unparseable_search.yml", 10, "SPL parse error"),
        ("splunk/macros/broken.yml", 3, "malformed YAML"),
    ]
    assert all(d.source == "splunk" and d.severity is Severity.ERROR for d in result.diagnostics)


def test_unparseable_search_keeps_metadata_and_techniques(result: LoadResult) -> None:
    r = rule(result, "0003")
    assert r.predicates == ()
    assert r.techniques == ("T1567.002",)
    assert r.title == "Fixture Unparseable Search"
    assert r.metadata["analytic_stories"] == ("Fixture Story",)


def test_tstats_rule(result: LoadResult) -> None:
    r = rule(result, "0001")
    assert r.uid == "splunk:0a000000-0000-4000-8000-000000000001"
    assert r.vendor is Vendor.SPLUNK
    assert r.path == "splunk/detections/endpoint/certutil_download_tstats.yml"
    assert (r.rule_type, r.status, r.language, r.level) == ("TTP", "production", "spl", "high")
    assert r.techniques == ("T1105",)
    assert r.authors == ("Fixture Author", "Other Author", "Splunk")
    assert r.date == "2024-05-01"
    assert r.references == ("https://example.org/certutil",)
    assert r.falsepositives == ("Admin scripts.",)
    assert r.tags == (
        "analytic_story:Fixture Story",
        "asset_type:Endpoint",
        "security_domain:endpoint",
        "product:Splunk Enterprise",
    )
    assert r.logsource == (
        ("data_source", "Sysmon EventID 1"),
        ("data_source", "Windows Event Log Security 4688"),
        ("datamodel", "Endpoint.Processes"),
    )
    assert r.depends_on_fields == ("Processes.dest", "Processes.user", "Processes.process")
    ctx = {"context": "tstats"}
    assert r.predicates == (
        Predicate("Processes.process_name", Operator.EQ, "certutil.exe", "certutil.exe", **ctx),
        Predicate("Processes.original_file_name", Operator.EQ, "CertUtil.exe", "CertUtil.exe", **ctx),
        Predicate("Processes.process", Operator.WILDCARD, "*urlcache*", "*urlcache*", **ctx),
        Predicate("Processes.process", Operator.WILDCARD, "*-verifyctl *", "*-verifyctl *", **ctx),
        Predicate(
            "Processes.parent_process_name",
            Operator.EQ,
            "sccm.exe",
            "sccm.exe",
            True,
            modifiers=("in",),
            **ctx,
        ),
        Predicate(
            "Processes.parent_process_name",
            Operator.WILDCARD,
            "*\\Agent\\*",
            "*\\\\Agent\\\\*",
            True,
            modifiers=("in",),
            **ctx,
        ),
    )
    m = r.metadata
    assert m["datamodels"] == ("Endpoint.Processes",)
    assert m["macros_used"] == ("summaries", "summaries_config", "process_certutil", "fmt_time(1)")
    assert m["undefined_filter_macros"] == ("certutil_download_tstats_filter",)
    assert m["risk_score"] == 64 and m["version"] == 2
    assert m["has_filter_logic"] is True
    assert "where count > 2" in m["expanded_search"]


def test_base_search_rule(result: LoadResult) -> None:
    r = rule(result, "0002")
    assert r.level == "informational"
    assert r.logsource == (
        ("data_source", "Sysmon EventID 1"),
        ("sourcetype", "edr:process"),
        ("source", "EDR:Process Events"),
    )
    got = [
        (p.field, p.operator.value, p.value, p.excluded, p.case_sensitive, p.modifiers, p.context)
        for p in r.predicates
    ]
    assert got == [
        ("sourcetype", "eq", "edr:process", False, False, (), "search"),
        ("source", "eq", "EDR:Process Events", False, False, (), "search"),
        ("EventCode", "eq", "1", False, False, (), "search"),
        ("Image", "wildcard", "*\\powershell.exe", False, False, (), "search"),
        ("CommandLine", "wildcard", "* -enc *", False, False, ("in",), "search"),
        ("CommandLine", "wildcard", "* -EncodedCommand *", False, False, ("in",), "search"),
        ("User", "eq", "SYSTEM", True, False, (), "search"),
        ("ParentImage", "wildcard", "*\\explorer.exe", True, False, ("not_equal",), "search"),
        ("ServiceName", "exists", None, False, False, (), "search"),
        (None, "keyword", "invoke-expression", False, False, (), "search"),
        ("CommandLine", "wildcard", "*-w*hidden*", False, True, ("like",), "where"),
        ("User", "regex_match", "^svc_", True, True, (), "where"),
        ("payload", "exists", None, False, True, (), "computed"),
        ("len", "gt", "100", False, True, (), "computed"),
        ("payload", "wildcard", "JAB*", False, False, (), "computed"),
    ]
    assert r.depends_on_fields == ("dest", "User", "CommandLine")


def test_macros_extra(result: LoadResult) -> None:
    macros = result.extras["macros"]
    assert all(isinstance(m, SplunkMacro) for m in macros)
    assert sorted(m.key for m in macros) == [
        "edr_process",
        "fmt_time(1)",
        "loop_a",
        "loop_b",
        "process_certutil",
        "summaries",
        "summaries_config",
    ]


def test_data_sources_extra(result: LoadResult) -> None:
    by_name = {d.name: d for d in result.extras["data_sources"]}
    assert all(isinstance(d, SplunkDataSource) for d in by_name.values())
    sysmon = by_name["Sysmon EventID 1"]
    assert (sysmon.source, sysmon.sourcetype, sysmon.separator, sysmon.separator_value) == (
        "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational",
        "xmlwineventlog",
        "EventID",
        "1",
    )
    assert sysmon.fields == ("CommandLine", "Image")
    assert sysmon.field_mappings[0].target == "Endpoint.Processes"
    assert sysmon.field_mappings[0].mapping == (
        ("Image", "Processes.process_path"),
        ("CommandLine", "Processes.process"),
    )
    assert sysmon.convert_to_log_source[0].target == "Windows Event Log Security 4688"
    assert sysmon.supported_ta[0].version == "1.2.3"
    cloud = by_name["Cloud Audit"]
    assert cloud.separator is None and cloud.separator_value is None
    assert cloud.supported_ta[0].name == "Single TA"


def test_stories_extra(result: LoadResult) -> None:
    stories = {s.name: s for s in result.extras["stories"]}
    assert all(isinstance(s, SplunkStory) for s in stories.values())
    assert stories["Old Story"].deprecated is True and stories["Old Story"].detections == ()
    story = stories["Fixture Story"]
    assert story.deprecated is False
    assert sorted(story.detections) == [f"splunk:0a000000-0000-4000-8000-00000000000{i}" for i in (1, 2, 3)]
    assert "usecase:Advanced Threat Detection" in story.tags


def test_on_file_called_once_per_file() -> None:
    seen: list[str] = []
    load(FIXTURE_CORPUS, on_file=seen.append)
    files = sorted(p.relative_to(FIXTURE_CORPUS).as_posix() for p in FIXTURE_CORPUS.rglob("*.yml"))
    assert sorted(seen) == files


def test_missing_folder_is_a_diagnostic(tmp_path: Path) -> None:
    res = load(tmp_path)
    assert res.rules == [] and len(res.diagnostics) == 1


def test_bundled_sample_loads_cleanly() -> None:
    res = load(SAMPLE_CORPUS)
    assert res.diagnostics == []
    assert res.stats["detections_loaded"] == len(res.rules) >= 3
    assert all(r.predicates for r in res.rules)
    techniques = {t for r in res.rules for t in r.techniques}
    assert {"T1567.002", "T1059.001"} <= techniques
