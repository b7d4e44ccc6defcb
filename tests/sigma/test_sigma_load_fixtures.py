from __future__ import annotations

from pathlib import Path

import pytest

from loaders.records import Diagnostic, LoadResult, Operator, Rule, Severity, Vendor
from loaders.sigma import iter_rule_files, load

ENCODED = "sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1001"
FILTER = "sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1007"
CORRELATION = "sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1006"


def by_uid(result: LoadResult) -> dict[str, Rule]:
    return {r.uid: r for r in result.rules}


def diag(result: LoadResult, name: str) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.path.endswith(name)]


def test_every_file_is_a_rule_or_an_error(sigma_fixture_root: Path, sigma_fixture_result: LoadResult) -> None:
    files = {p.relative_to(sigma_fixture_root).as_posix() for p in iter_rule_files(sigma_fixture_root)}
    with_rule = {r.path for r in sigma_fixture_result.rules}
    with_error = {d.path for d in sigma_fixture_result.diagnostics if d.severity == Severity.ERROR}
    assert len(files) == 13
    assert files == with_rule | with_error
    assert files - with_rule == {
        "sigma/rules-emerging-threats/bad/fixture_alias_bomb.yml",
        "sigma/rules-emerging-threats/bad/fixture_deep_nesting.yml",
        "sigma/rules-threat-hunting/broken/fixture_duplicate_keys.yml",
        "sigma/rules-threat-hunting/broken/fixture_invalid_yaml.yml",
        "sigma/rules-threat-hunting/broken/fixture_not_a_mapping.yml",
    }
    s = sigma_fixture_result.stats
    assert (s["files"], s["files_without_rule"], s["rules"]) == (13, 5, 10)
    assert (s["detection_rules"], s["correlation_rules"], s["filter_rules"]) == (8, 1, 1)


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("fixture_invalid_yaml.yml", 7, "invalid YAML: while scanning a quoted scalar (line 5)"),
        ("fixture_duplicate_keys.yml", 9, "duplicate key 'Image|endswith' (first defined on line 8)"),
        ("fixture_alias_bomb.yml", 10, "document expands to more than 200000 nodes"),
        ("fixture_deep_nesting.yml", 6, "nesting deeper than 64 levels"),
        ("fixture_not_a_mapping.yml", 1, "document 1 is a list, not a mapping"),
        ("fixture_unknown_modifier.yml", 12, "SigmaModifierError: Unknown modifier 'containz'"),
        (
            "fixture_undefined_detection.yml",
            12,
            "SigmaConditionError: detection 'filter_missing' is not defined",
        ),
    ],
)
def test_bad_input_diagnostics(sigma_fixture_result: LoadResult, name: str, line: int, message: str) -> None:
    (d,) = diag(sigma_fixture_result, name)
    assert (d.source, d.severity, d.line) == ("sigma", Severity.ERROR, line)
    assert d.message.startswith(message)


def test_rejected_detection_keeps_metadata(sigma_fixture_result: LoadResult) -> None:
    rule = by_uid(sigma_fixture_result)["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1103"]
    assert (rule.title, rule.techniques, rule.predicates, rule.query) == (
        "Fixture Unknown Modifier",
        ("T1059",),
        (),
        "selection",
    )
    (d,) = diag(sigma_fixture_result, "fixture_unknown_modifier.yml")
    assert d.rule_id == "5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1103"


def test_unresolved_placeholder_is_a_warning_on_a_kept_rule(sigma_fixture_result: LoadResult) -> None:
    (d,) = diag(sigma_fixture_result, "fixture_expand_placeholder.yml")
    assert (d.severity, d.line) == (Severity.WARNING, 11)
    assert "%Administrators%" in d.message
    rule = by_uid(sigma_fixture_result)["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1104"]
    placeholder = rule.predicates[-1]
    assert (placeholder.field, placeholder.value, placeholder.excluded, placeholder.modifiers) == (
        "User",
        "%Administrators%",
        True,
        ("expand",),
    )


def test_metadata_of_a_detection_rule(sigma_fixture_result: LoadResult) -> None:
    rule = by_uid(sigma_fixture_result)[ENCODED]
    assert rule.vendor is Vendor.SIGMA
    assert rule.native_id == "5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1001"
    assert rule.path == "sigma/rules/windows/process_creation/proc_creation_win_fixture_encoded_ps.yml"
    assert (rule.line, rule.rule_type, rule.language) == (1, "detection", "sigma")
    assert (rule.status, rule.level, rule.date, rule.modified) == (
        "experimental",
        "high",
        "2025-01-15",
        "2025-03-02",
    )
    assert rule.authors == ("Fixture Author", "Second Author")
    assert (
        rule.description == "Fixture rule: an Office application starts PowerShell with an encoded command."
    )
    assert rule.references == ("https://example.org/fixture/encoded-powershell",)
    assert rule.falsepositives == ("Signed corporate macros",)
    assert rule.techniques == ("T1059.001",)
    assert rule.tactics == ("execution", "command-and-control")
    assert "attack.g0007" in rule.tags and "detection.threat-hunting" in rule.tags
    assert rule.logsource == (("product", "windows"), ("category", "process_creation"))
    assert rule.query == "all of selection_* and not 1 of filter_*"
    assert rule.metadata["detections"] == [
        "selection_parent",
        "selection_child",
        "filter_optional_signed",
        "filter_main_null",
    ]


def test_predicates_with_filter_applied(sigma_fixture_result: LoadResult) -> None:
    rule = by_uid(sigma_fixture_result)[ENCODED]
    got = [(p.field, p.operator, p.value, p.raw, p.excluded, p.modifiers, p.context) for p in rule.predicates]
    assert got == [
        (
            "ParentImage",
            Operator.WILDCARD,
            "*\\winword.exe",
            "\\winword.exe",
            False,
            ("endswith",),
            "selection_parent",
        ),
        (
            "ParentImage",
            Operator.WILDCARD,
            "*\\excel.exe",
            "\\excel.exe",
            False,
            ("endswith",),
            "selection_parent",
        ),
        (
            "Image",
            Operator.WILDCARD,
            "*\\powershell.exe",
            "\\powershell.exe",
            False,
            ("endswith",),
            "selection_child",
        ),
        (
            "CommandLine",
            Operator.WILDCARD,
            "* -enc *",
            " -enc ",
            False,
            ("contains", "windash"),
            "selection_child",
        ),
        (
            "CommandLine",
            Operator.WILDCARD,
            "*Signed*",
            "Signed",
            True,
            ("contains", "all"),
            "filter_optional_signed",
        ),
        (
            "CommandLine",
            Operator.WILDCARD,
            "*Corp*",
            "Corp",
            True,
            ("contains", "all"),
            "filter_optional_signed",
        ),
        ("CommandLine", Operator.NULL, None, None, True, (), "filter_main_null"),
        (
            "ComputerName",
            Operator.WILDCARD,
            "JUMP-*",
            "JUMP-",
            True,
            ("startswith",),
            "filter:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1007",
        ),
    ]
    assert len(rule.exclusions) == 4
    assert rule.metadata["filtered_by"] == [FILTER]


def test_filter_record_and_its_targets(sigma_fixture_result: LoadResult) -> None:
    rules = by_uid(sigma_fixture_result)
    flt = rules[FILTER]
    assert (flt.rule_type, flt.query, flt.title) == (
        "filter",
        "not selection",
        "Fixture Filter Admin Tooling",
    )
    assert [(p.field, p.value, p.excluded) for p in flt.predicates] == [("ComputerName", "JUMP-*", True)]
    # rule 1003 is named too, but its log source (dns_query) is not contained in the filter's
    assert flt.metadata["applies_to"] == [ENCODED]
    assert "filtered_by" not in rules["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1003"].metadata
    assert sigma_fixture_result.extras["filters"] == [flt]


def test_correlation_record(sigma_fixture_result: LoadResult) -> None:
    corr = by_uid(sigma_fixture_result)[CORRELATION]
    assert (corr.rule_type, corr.line, corr.techniques, corr.tactics) == (
        "correlation",
        18,
        ("T1110.001",),
        ("credential-access",),
    )
    meta = corr.metadata["correlation"]
    assert meta["type"] == "value_count"
    assert meta["group_by"] == ["IpAddress"]
    assert meta["timespan"] == "15m"
    assert meta["condition"] == {"gte": 10, "field": "TargetUserName"}
    assert corr.metadata["references_rules"] == ["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1005", ENCODED]
    assert corr.depends_on_fields == ("IpAddress", "TargetUserName")
    (warning,) = diag(sigma_fixture_result, "fixture_correlation.yml")
    assert (warning.severity, warning.message) == (
        Severity.WARNING,
        "correlation refers to unknown rule 'does_not_exist'",
    )
    assert sigma_fixture_result.extras["correlations"] == [corr]


def test_global_collection_documents(sigma_fixture_result: LoadResult) -> None:
    rules = by_uid(sigma_fixture_result)
    dns = rules["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1003"]
    net = rules["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1004"]
    for rule, line, category in ((dns, 16, "dns_query"), (net, 23, "network_connection")):
        assert rule.title == "Fixture Collection Rule"
        assert rule.line == line
        assert rule.techniques == ("T1567.002",)
        assert rule.logsource == (("product", "windows"), ("category", category))
        assert rule.query == "selection"
    assert [p.field for p in dns.predicates] == ["QueryName"]
    assert [p.field for p in net.predicates] == ["DestinationHostname"]


def test_escaping_and_types_fixture(sigma_fixture_result: LoadResult) -> None:
    rule = by_uid(sigma_fixture_result)["sigma:5d0c6a7e-1f43-4f55-9a51-0c1f7e0a1002"]
    got = {
        (p.field or "<keyword>") + ":" + (p.raw or ""): (
            p.operator.value,
            p.value,
            p.excluded,
            p.case_sensitive,
        )
        for p in rule.predicates
    }
    assert got == {
        "TargetA:C:\\dir\\*": ("eq", "C:\\dir*", False, False),
        "TargetB:C:\\dir\\\\*": ("wildcard", "C:\\dir\\*", False, False),
        "TargetC:C:\\dir\\\\\\*": ("eq", "C:\\dir\\*", False, False),
        "TargetD:what\\?now?": ("wildcard", "what[?]now?", False, False),
        "TargetE:[x]*": ("wildcard", "[[]x]*", False, False),
        "TargetF:C:\\plain\\path": ("eq", "C:\\plain\\path", False, False),
        "Hash:^[0-9a-f]{32}$": ("regex_match", "^[0-9a-f]{32}$", False, True),
        "Hash:^MD5=": ("regex_match", "^MD5=", False, False),
        "DestinationIp:10.0.0.0/8": ("cidr", "10.0.0.0/8", False, False),
        "Port:1024": ("gt", "1024", False, False),
        "Port:10": ("lte", "10", False, False),
        "ParentUser:User": ("fieldref", "User", False, False),
        "OptionalField:false": ("exists", None, True, False),
        "Token:AbC": ("eq", "AbC", False, True),
        "Count:4": ("eq", "4", False, False),
        "Flag:true": ("eq", "true", False, False),
        "Payload:http://": ("wildcard", "*http://*", False, False),
        "Wide:ping": ("wildcard", "*ping*", False, False),
        "User:SYSTEM": ("eq", "SYSTEM", True, False),
        "<keyword>:mimikatz": ("keyword", "mimikatz", False, False),
        "<keyword>:sekurlsa::*": ("keyword", "sekurlsa::*", False, False),
    }


def test_on_file_is_called_once_per_file(sigma_fixture_root: Path) -> None:
    seen: list[str] = []
    load(sigma_fixture_root, on_file=seen.append)
    assert len(seen) == len(set(seen)) == 13
    assert all(p.startswith("sigma/") for p in seen)


def write(root: Path, rel: str, text: str) -> None:
    path = root / "sigma" / "rules" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


RULE = "title: {title}\n{id}logsource:\n  product: linux\ndetection:\n  sel:\n    a: b\n  condition: sel\n"


def test_duplicate_and_missing_ids(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", RULE.format(title="A", id="id: same-id\n"))
    write(tmp_path, "b.yml", RULE.format(title="B", id="id: same-id\n"))
    write(tmp_path, "c.yml", RULE.format(title="C", id=""))
    result = load(tmp_path)
    assert [r.uid for r in result.rules] == ["sigma:same-id", "sigma:same-id#1", "sigma:sigma/rules/c.yml#1"]
    assert sorted((d.path, d.severity.value, d.message) for d in result.diagnostics) == [
        ("sigma/rules/a.yml", "error", "SigmaIdentifierError: Sigma rule identifier must be an UUID"),
        ("sigma/rules/b.yml", "error", "SigmaIdentifierError: Sigma rule identifier must be an UUID"),
        ("sigma/rules/b.yml", "warning", "duplicate rule id same-id; recorded as same-id#1"),
        ("sigma/rules/c.yml", "warning", "rule has no id; using its path"),
    ]
    # a metadata error does not discard the detection logic
    assert [len(r.predicates) for r in result.rules] == [1, 1, 1]


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    write(tmp_path, "latin1.yml", b"title: caf\xe9\n")
    write(tmp_path, "empty.yml", "# only a comment\n")
    result = load(tmp_path)
    assert result.rules == []
    assert sorted((d.path, d.message.split(":")[0]) for d in result.diagnostics) == [
        ("sigma/rules/empty.yml", "file holds no rule document"),
        ("sigma/rules/latin1.yml", "cannot read file"),
    ]


def test_missing_sigma_folder_gives_an_empty_result(tmp_path: Path) -> None:
    result = load(tmp_path)
    assert (result.rules, result.diagnostics, result.stats["files"]) == ([], [], 0)


def test_bundled_sample_loads_cleanly() -> None:
    from loaders.settings import SAMPLE_CORPUS

    result = load(SAMPLE_CORPUS)
    assert result.diagnostics == []
    assert result.stats["files"] >= 3
    techniques = {t for r in result.rules for t in r.techniques}
    assert {"T1567.002", "T1059.001"} <= techniques
    assert all(r.predicates for r in result.rules if r.rule_type == "detection")


HEAD = "title: a\nlogsource: {product: x}\n"
ODD_INPUTS = {
    "bad_date.yml": HEAD + "date: 2020-13-45\ndetection:\n  sel: {a: b}\n  condition: sel\n",
    "many_nots.yml": HEAD + "detection:\n  sel: {a: b}\n  condition: " + "not " * 2000 + "sel\n",
    "int_key.yml": HEAD + "detection:\n  sel: {5: b}\n  condition: sel\n",
    "dict_value.yml": HEAD + "detection:\n  sel:\n    a: {b: c}\n  condition: sel\n",
    "bad_regex.yml": HEAD + "detection:\n  sel: {a|re: '('}\n  condition: sel\n",
    "detection_list.yml": HEAD + "detection: [1, 2]\n",
    "scalar.yml": "just a string\n",
    "global_only.yml": "action: global\ntitle: g\n",
    "bad_correlation.yml": "title: c\ncorrelation: {type: nope, rules: 5, timespan: x}\n",
}


def test_odd_inputs_never_stop_the_load(tmp_path: Path) -> None:
    for name, text in ODD_INPUTS.items():
        write(tmp_path, name, text)
    result = load(tmp_path)
    errors = {d.path.rsplit("/", 1)[-1]: d for d in result.diagnostics if d.severity == Severity.ERROR}
    assert set(errors) == set(ODD_INPUTS)  # every one of them is reported
    assert {r.path.rsplit("/", 1)[-1] for r in result.rules} == set(ODD_INPUTS) - {
        "bad_date.yml",
        "scalar.yml",
        "global_only.yml",
    }
    assert errors["bad_date.yml"].line == 3
    assert errors["bad_date.yml"].message.startswith("invalid timestamp value '2020-13-45'")
    assert errors["many_nots.yml"].message == "SigmaConditionError: condition nested deeper than 100 levels"
    assert all(not r.predicates for r in result.rules)
