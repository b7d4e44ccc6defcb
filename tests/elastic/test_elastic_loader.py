from __future__ import annotations

from pathlib import Path

from loaders.elastic import load
from loaders.records import LoadResult, Operator, Severity, Vendor


def _rule(result: LoadResult, native_id_suffix: str):
    (rule,) = [r for r in result.rules if r.native_id.endswith(native_id_suffix)]
    return rule


def test_every_file_is_a_rule_or_a_diagnostic(elastic_fixture_result: LoadResult) -> None:
    assert elastic_fixture_result.stats["files"] == 8
    assert len(elastic_fixture_result.rules) == 7
    assert elastic_fixture_result.stats["files_failed"] == 1
    paths = {r.path for r in elastic_fixture_result.rules} | {
        d.path for d in elastic_fixture_result.diagnostics
    }
    assert len(paths) == 8


def test_on_file_is_called_once_per_file(elastic_fixture_root: Path) -> None:
    seen: list[str] = []
    load(elastic_fixture_root, on_file=seen.append)
    assert len(seen) == len(set(seen)) == 8
    assert "elastic/rules/linux/broken_toml.toml" in seen


def test_bad_toml_becomes_a_diagnostic_with_line(elastic_fixture_result: LoadResult) -> None:
    (diag,) = [d for d in elastic_fixture_result.diagnostics if d.path.endswith("broken_toml.toml")]
    assert diag.source == "elastic"
    assert diag.severity is Severity.ERROR
    assert "TOML parse error" in diag.message
    assert diag.line == 7


def test_bad_query_keeps_the_rule_and_adds_a_diagnostic(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0004")
    assert rule.predicates == ()
    assert rule.techniques == ("T1485",)
    assert rule.depends_on_fields == ("host.id", "user.name", "file.path")
    (diag,) = [d for d in elastic_fixture_result.diagnostics if d.rule_id == rule.native_id]
    assert diag.path == "elastic/rules/linux/impact_test_threshold.toml"
    assert diag.line == 21  # the query starts on line 20 and the error is on its 2nd line
    assert "KQL syntax error" in diag.message


def test_kuery_rule_metadata_threat_and_logsource(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0001")
    assert rule.uid == "elastic:00000000-0000-4000-8000-000000000001"
    assert rule.vendor is Vendor.ELASTIC
    assert (rule.rule_type, rule.language, rule.level, rule.status) == (
        "query",
        "kuery",
        "medium",
        "production",
    )
    assert (rule.date, rule.modified) == ("2025/01/02", "2025/03/04")
    assert rule.techniques == ("T1059", "T1059.001")
    assert rule.tactics == ("execution",)
    assert rule.metadata["risk_score"] == 47
    assert rule.metadata["version"] == 3
    assert rule.metadata["os"] == ("Windows",)
    assert rule.logsource == (
        ("index", "logs-endpoint.events.process-*"),
        ("index", "winlogbeat-*"),
        ("os", "Windows"),
        ("data_source", "Elastic Defend"),
        ("event.category", "process"),
        ("event.dataset", "endpoint.events.process"),
    )
    rows = [(p.field, p.operator, p.value, p.excluded) for p in rule.predicates]
    assert rows == [
        ("event.category", Operator.EQ, "process", False),
        ("event.dataset", Operator.EQ, "endpoint.events.process", False),
        ("process.name", Operator.EQ, "powershell.exe", False),
        ("process.name", Operator.EQ, "pwsh*.exe", False),
        ("process.args", Operator.WILDCARD, "-enc*", False),
        ("process.args", Operator.EQ, "-EncodedCommand", False),
        ("process.parent.executable", Operator.EQ, "C:\\Program Files\\Tool\\*", True),
        ("process.pid", Operator.GTE, "4", False),
        ("user.name", Operator.EXISTS, None, True),
        ("process.Ext.token.integrity_level_name", Operator.EQ, "high", False),
        (None, Operator.KEYWORD, "mimikatz", False),
    ]


def test_eql_sequence_rule(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0002")
    assert rule.tactics == ("command-and-control",)
    assert rule.metadata["query_shape"] == "sequence"
    assert rule.depends_on_fields == ("host.id", "process.entity_id")
    by_field = {p.field: p for p in rule.predicates}
    assert by_field["destination.ip"].operator is Operator.CIDR
    assert by_field["destination.ip"].excluded is True  # cidrMatch(...) == false
    assert by_field["process.name"].case_sensitive is False  # like~
    assert by_field["process.parent.name"].case_sensitive is True  # in
    assert (by_field["file.extension"].context, by_field["file.extension"].excluded) == ("sequence[2]", True)
    assert (by_field["event.type"].context, by_field["event.type"].excluded) == ("until", True)
    assert ("event.category", "network") in rule.logsource


def test_esql_rule(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0003")
    assert ("index", "logs-auditd_manager.auditd-*") in rule.logsource
    assert rule.metadata["index"] == ("logs-auditd_manager.auditd-*", "logs-endpoint.events.process-*")
    event_fields = [p.field for p in rule.predicates if p.context != "computed"]
    assert event_fields == [
        "event.action",
        "process.name",
        "process.name",
        "user.name",
        "process.args",
        "process.command_line",
    ]
    assert [p.field for p in rule.predicates if p.context == "computed"] == ["Esql.n"]
    assert "host.id" not in event_fields  # the WHERE after STATS is not read


def test_machine_learning_rule_has_no_predicates(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0006")
    assert rule.predicates == ()
    assert rule.language is None
    assert rule.techniques == ("T1204",)
    assert rule.metadata["machine_learning_job_id"] == ["v3_fixture_rare_process"]


def test_deprecated_rule_is_loaded_and_flagged(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0007")
    assert rule.deprecated is True
    assert rule.depends_on_fields == ("source.ip", "destination.ip")
    assert rule.techniques == ("T1567", "T1567.002")
    assert elastic_fixture_result.stats["deprecated"] == 1


def test_threat_match_building_block(elastic_fixture_result: LoadResult) -> None:
    rule = _rule(elastic_fixture_result, "0008")
    assert rule.path.startswith("elastic/rules_building_block/")
    assert rule.metadata["building_block_type"] == "default"
    assert rule.depends_on_fields == ("file.hash.sha256", "source.ip")
    assert [p.operator for p in rule.predicates] == [Operator.EXISTS, Operator.EXISTS]


def test_missing_folder_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    result = load(tmp_path)
    assert result.rules == []
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]
