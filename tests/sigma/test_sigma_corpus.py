"""Integration tests on the real corpus; every expected value was checked by hand against the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.records import LoadResult, Operator, Predicate, Severity
from loaders.sigma import iter_rule_files, load

pytestmark = pytest.mark.corpus

T1567_002 = {
    "sigma/rules-emerging-threats/2019/TA/APT40/proxy_apt_apt40_dropbox_tool_ua.yml",
    "sigma/rules/web/proxy_generic/proxy_ua_rclone.yml",
    "sigma/rules/windows/builtin/dns_client/win_dns_client_anonymfiles_com.yml",
    "sigma/rules/windows/builtin/dns_client/win_dns_client_mega_nz.yml",
    "sigma/rules/windows/builtin/dns_client/win_dns_client_ufile_io.yml",
    "sigma/rules/windows/dns_query/dns_query_win_anonymfiles_com.yml",
    "sigma/rules/windows/dns_query/dns_query_win_mega_nz.yml",
    "sigma/rules/windows/dns_query/dns_query_win_ufile_io_query.yml",
    "sigma/rules/windows/file/file_event/file_event_win_rclone_config_files.yml",
    "sigma/rules/windows/network_connection/net_connection_win_domain_dropbox_api.yml",
    "sigma/rules/windows/network_connection/net_connection_win_domain_mega_nz.yml",
    "sigma/rules/windows/process_creation/proc_creation_win_curl_upload_file_sharing_websites.yml",
    "sigma/rules/windows/process_creation/proc_creation_win_pua_rclone_execution.yml",
    "sigma/rules/windows/process_creation/proc_creation_win_pua_restic.yml",
}


@pytest.fixture(scope="module")
def corpus_result(corpus_root: Path) -> LoadResult:
    return load(corpus_root)


def test_every_file_is_a_rule(corpus_root: Path, corpus_result: LoadResult) -> None:
    files = {p.relative_to(corpus_root).as_posix() for p in iter_rule_files(corpus_root)}
    assert len(files) == 3757
    assert {r.path for r in corpus_result.rules} == files
    s = corpus_result.stats
    assert (s["files"], s["rules"], s["detection_rules"], s["files_without_rule"], s["errors"]) == (
        3757,
        3757,
        3757,
        0,
        0,
    )
    assert len({r.uid for r in corpus_result.rules}) == 3757
    assert s["rules_with_techniques"] == 3286  # files with a "- attack.tNNNN" tag line (grep)


def test_only_warnings_are_the_two_expand_placeholders(corpus_result: LoadResult) -> None:
    got = [(d.severity, d.path, d.line) for d in corpus_result.diagnostics]
    base = "sigma/rules-emerging-threats/2026/Exploits/CVE-2026-54121/"
    assert got == [
        (Severity.WARNING, base + "win_security_adcs_certighost_cdc_chase_request.yml", 57),
        (Severity.WARNING, base + "win_security_adcs_certighost_cert_issued_via_chase.yml", 44),
    ]
    assert all("%known_cdcs%" in d.message for d in corpus_result.diagnostics)


def test_predicate_totals_match_the_reference_walk(corpus_result: LoadResult) -> None:
    # reference walk: about 47k predicates, 12% of them excluded
    s = corpus_result.stats
    assert 45_000 <= s["predicates"] <= 48_000
    assert 0.11 <= s["excluded_predicates"] / s["predicates"] <= 0.13


def test_t1567_002_rules(corpus_result: LoadResult) -> None:
    tagged = [r for r in corpus_result.rules if "T1567.002" in r.techniques]
    assert len(tagged) == 14
    assert {r.path for r in tagged} == T1567_002


def test_suspicious_dropbox_api_usage(corpus_result: LoadResult) -> None:
    (rule,) = [r for r in corpus_result.rules if r.title == "Suspicious Dropbox API Usage"]
    assert rule.uid == "sigma:25eabf56-22f0-4915-a1ed-056b8dae0a68"
    assert rule.path == "sigma/rules/windows/network_connection/net_connection_win_domain_dropbox_api.yml"
    assert (rule.status, rule.level, rule.date, rule.modified) == ("test", "high", "2022-04-20", None)
    assert rule.authors == ("Florian Roth (Nextron Systems)",)
    assert rule.techniques == ("T1105", "T1567.002")
    assert rule.tactics == ("command-and-control", "exfiltration")
    assert rule.logsource == (("product", "windows"), ("category", "network_connection"))
    assert rule.query == "selection and not 1 of filter_main_*"
    assert rule.predicates == (
        Predicate("Initiated", Operator.EQ, "true", "true", context="selection"),
        Predicate(
            "DestinationHostname",
            Operator.WILDCARD,
            "*api.dropboxapi.com",
            "api.dropboxapi.com",
            modifiers=("endswith",),
            context="selection",
        ),
        Predicate(
            "DestinationHostname",
            Operator.WILDCARD,
            "*content.dropboxapi.com",
            "content.dropboxapi.com",
            modifiers=("endswith",),
            context="selection",
        ),
        Predicate(
            "Image",
            Operator.WILDCARD,
            "*\\Dropbox*",
            "\\Dropbox",
            excluded=True,
            modifiers=("contains",),
            context="filter_main_legit_dropbox",
        ),
    )
    assert [(p.field, p.raw) for p in rule.exclusions] == [("Image", "\\Dropbox")]


def test_windash_value_is_kept_once(corpus_result: LoadResult) -> None:
    path = "sigma/rules-threat-hunting/windows/process_creation/proc_creation_win_diskshadow_script_mode.yml"
    (rule,) = [r for r in corpus_result.rules if r.path == path]
    assert [(p.field, p.value, p.modifiers) for p in rule.predicates] == [
        ("OriginalFileName", "diskshadow.exe", ()),
        ("Image", "*\\diskshadow.exe", ("endswith",)),
        ("CommandLine", "*-s *", ("contains", "windash")),
    ]


def test_base64offset_values_are_kept_once(corpus_result: LoadResult) -> None:
    path = "sigma/rules/windows/process_creation/proc_creation_win_powershell_base64_mppreference.yml"
    (rule,) = [r for r in corpus_result.rules if r.path == path]
    encoded = [p for p in rule.predicates if "base64offset" in p.modifiers]
    assert [p.raw for p in encoded] == [
        "Add-MpPreference ",
        "Set-MpPreference ",
        "add-mppreference ",
        "set-mppreference ",
    ]
    assert {p.value for p in encoded} == {f"*{p.raw}*" for p in encoded}
    assert len(rule.predicates) == 4 + 12  # plus the 12 pre-encoded UTF-16 strings


def test_yaml_reader_matches_pyyaml_on_every_file(corpus_root: Path) -> None:
    import yaml

    from loaders.sigma.yamlio import load_documents

    for path in iter_rule_files(corpus_root):
        text = path.read_text(encoding="utf-8")
        expected = [d for d in yaml.load_all(text, Loader=yaml.CSafeLoader) if d is not None]
        assert [d.data for d in load_documents(text)] == expected, path
