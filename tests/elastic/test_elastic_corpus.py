"""Integration tests on the real corpus (skipped when it is absent). Values checked by hand."""

from __future__ import annotations

import pytest

from loaders.records import LoadResult, Operator

pytestmark = pytest.mark.corpus


def _by_title(result: LoadResult, title: str):
    (rule,) = [r for r in result.rules if r.title == title]
    return rule


def test_every_file_is_a_rule_or_diagnostic(elastic_corpus: LoadResult) -> None:
    stats = elastic_corpus.stats
    assert stats["files"] == 2192
    assert stats["rules"] + stats.get("files_failed", 0) == 2192
    assert len(elastic_corpus.rules) == 2192


def test_counts_by_type_and_language(elastic_corpus: LoadResult) -> None:
    stats = elastic_corpus.stats
    assert {k: v for k, v in stats.items() if k.startswith("type:")} == {
        "type:eql": 1081,
        "type:query": 508,
        "type:new_terms": 245,
        "type:esql": 212,
        "type:machine_learning": 106,
        "type:threshold": 31,
        "type:threat_match": 9,
    }
    assert {k: v for k, v in stats.items() if k.startswith("language:")} == {
        "language:eql": 1081,
        "language:kuery": 792,
        "language:esql": 212,
        "language:none": 106,
        "language:lucene": 1,
    }
    assert (stats["deprecated"], stats["active"], stats["building_block"]) == (124, 2068, 133)


def test_all_eql_queries_parse(elastic_corpus: LoadResult) -> None:
    eql_paths = {r.path for r in elastic_corpus.rules if r.language == "eql"}
    assert len(eql_paths) == 1081
    assert not [d for d in elastic_corpus.diagnostics if d.path in eql_paths]


def test_no_diagnostics_on_the_real_corpus(elastic_corpus: LoadResult) -> None:
    assert [str(d) for d in elastic_corpus.diagnostics] == []


def test_predicate_coverage_of_active_non_ml_rules(elastic_corpus: LoadResult) -> None:
    active = [r for r in elastic_corpus.rules if not r.deprecated and r.rule_type != "machine_learning"]
    covered = [r for r in active if any(p.context != "computed" for p in r.predicates)]
    assert len(active) == 1962
    assert len(covered) / len(active) >= 0.99
    assert len(covered) == 1961
    ml = [r for r in elastic_corpus.rules if r.rule_type == "machine_learning"]
    assert len(ml) == 106 and all(r.predicates == () for r in ml)


def test_t1567_002_active_rules(elastic_corpus: LoadResult) -> None:
    titles = sorted(r.title for r in elastic_corpus.rules if not r.deprecated and "T1567.002" in r.techniques)
    assert len(titles) == 14
    assert "Potential Data Exfiltration via Rclone" in titles


def test_rclone_rule_predicates(elastic_corpus: LoadResult) -> None:
    rule = _by_title(elastic_corpus, "Potential Data Exfiltration via Rclone")
    assert rule.native_id == "3f4c2b18-9d2e-4b7a-a3c1-8e6d9f2b5c7e"
    assert rule.path == "elastic/rules/windows/exfiltration_rclone_cloud_upload.toml"
    assert (rule.rule_type, rule.language, rule.level, rule.status) == ("eql", "eql", "medium", "production")
    assert rule.metadata["risk_score"] == 47
    assert rule.techniques == ("T1048", "T1567", "T1567.002", "T1036", "T1036.003")
    assert rule.tactics == ("exfiltration", "defense-evasion")
    assert ("index", "logs-endpoint.events.process-*") in rule.logsource
    assert ("data_source", "Elastic Defend") in rule.logsource
    assert ("event.category", "process") in rule.logsource
    rows = [(p.field, p.operator, p.value, p.excluded, p.case_sensitive) for p in rule.predicates]
    assert rows == [
        ("host.os.type", Operator.EQ, "windows", False, True),
        ("event.type", Operator.EQ, "start", False, True),
        ("process.name", Operator.WILDCARD, "rclone.exe", False, False),
        ("process.pe.original_file_name", Operator.EQ, "rclone.exe", False, True),
        ("process.args", Operator.WILDCARD, "copy", False, False),
        ("process.args", Operator.WILDCARD, "sync", False, False),
        (
            "process.args",
            Operator.WILDCARD,
            "--config=?:\\Program Files\\rclone\\config\\rclone\\rclone.conf",
            True,
            False,
        ),
        (
            "process.args",
            Operator.WILDCARD,
            "--config=?:\\Program Files (x86)\\rclone\\config\\rclone\\rclone.conf",
            True,
            False,
        ),
        ("process.executable", Operator.WILDCARD, "?:\\Program Files*", True, False),
        ("process.executable", Operator.WILDCARD, "\\Device\\HarddiskVolume*\\Program Files*", True, False),
    ]


def test_shadow_credentials_kql_predicates(elastic_corpus: LoadResult) -> None:
    rule = _by_title(elastic_corpus, "Potential Shadow Credentials added to AD Object")
    assert rule.native_id == "79f97b31-480e-4e63-a7f4-ede42bf2c6de"
    assert rule.techniques == ("T1556", "T1098")
    rows = [(p.field, p.operator, p.value, p.excluded) for p in rule.predicates]
    assert rows == [
        ("event.code", Operator.EQ, "5136", False),
        ("host.os.type", Operator.EQ, "windows", False),
        ("winlog.event_data.AttributeLDAPDisplayName", Operator.EQ, "msDS-KeyCredentialLink", False),
        ("winlog.event_data.AttributeValue", Operator.WILDCARD, "B:828*", False),
        ("winlog.event_data.SubjectUserName", Operator.WILDCARD, "MSOL_*", True),
        ("winlog.event_data.ObjectClass", Operator.EQ, "msDS-Device", True),
    ]


def test_deprecated_rules_are_flagged(elastic_corpus: LoadResult) -> None:
    deprecated = [r for r in elastic_corpus.rules if r.deprecated]
    assert len(deprecated) == 124
    assert all(r.path.startswith("elastic/rules/_deprecated/") for r in deprecated)
