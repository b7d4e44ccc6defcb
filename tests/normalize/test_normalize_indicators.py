from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from loaders.normalize import FieldNormalizer, indicator_key
from loaders.records import Operator, Predicate, Rule, Vendor

WIN_PROC = (("product", "windows"), ("category", "process_creation"))


def _cases(fixtures: Path) -> list[dict]:
    return yaml.load((fixtures / "indicator_cases.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def test_rclone_meets_across_vendors(normalizer: FieldNormalizer) -> None:
    sigma = Rule("sigma:1", Vendor.SIGMA, "1", "rclone", "sigma/x.yml", logsource=WIN_PROC)
    elastic = Rule("elastic:2", Vendor.ELASTIC, "2", "rclone", "elastic/x.toml")
    splunk = Rule("splunk:3", Vendor.SPLUNK, "3", "rclone", "splunk/x.yml")
    preds = [
        (
            sigma,
            Predicate(
                "Image", Operator.WILDCARD, "*\\rclone.exe", raw="\\rclone.exe", modifiers=("endswith",)
            ),
        ),
        (elastic, Predicate("process.name", Operator.EQ, "rclone.exe", raw='"rclone.exe"')),
        (splunk, Predicate("Processes.process_name", Operator.EQ, "rclone.exe", raw="rclone.exe")),
    ]
    keys = {indicator_key(r.vendor, p, normalizer.for_rule(r, p.field)) for r, p in preds}
    assert keys == {("process.name", "eq", "rclone.exe")}
    # the authored spelling stays on the predicate for display
    assert preds[0][1].raw == "\\rclone.exe"


def test_fixture_groups_meet(normalizer: FieldNormalizer, normalize_fixtures: Path) -> None:
    cases = _cases(normalize_fixtures)
    assert len(cases) == 5
    for case in cases:
        for vendor, field, op, value, cs, mods, ls in case["predicates"]:
            p = Predicate(field, Operator(op), value, case_sensitive=cs, modifiers=tuple(mods))
            canon = normalizer.canonical(vendor, field, logsource=tuple(tuple(x) for x in ls))
            assert indicator_key(vendor, p, canon) == tuple(case["key"]), (case["name"], vendor, field)


@pytest.mark.parametrize(
    ("vendor", "pred", "field", "expected"),
    [
        # case-sensitive matches keep case (EQL ==, KQL on keyword), except in Splunk
        (
            "elastic",
            Predicate("process.name", Operator.EQ, "RClone.exe", case_sensitive=True),
            "process.name",
            ("process.name", "eq", "RClone.exe"),
        ),
        (
            "splunk",
            Predicate("process_name", Operator.EQ, "RClone.exe", case_sensitive=True),
            "process.name",
            ("process.name", "eq", "rclone.exe"),
        ),
        # regular expressions are never folded
        (
            "sigma",
            Predicate("CommandLine", Operator.REGEX_MATCH, r"\bIEX\b"),
            "process.command_line",
            ("process.command_line", "regex_match", r"\bIEX\b"),
        ),
        # a glob without wildcard is eq; escaped glob characters are literal
        (
            "elastic",
            Predicate("file.name", Operator.WILDCARD, "a[*]b.txt"),
            "file.name",
            ("file.name", "eq", "a*b.txt"),
        ),
        (
            "sigma",
            Predicate("CommandLine", Operator.WILDCARD, "**x**"),
            "process.command_line",
            ("process.command_line", "wildcard", "*x*"),
        ),
        # a loader that kept contains on an eq predicate
        (
            "sigma",
            Predicate("CommandLine", Operator.EQ, "a*b", modifiers=("contains",)),
            "process.command_line",
            ("process.command_line", "wildcard", "*a[*]b*"),
        ),
        (
            "sigma",
            Predicate("CommandLine", Operator.EQ, "cmd", modifiers=("startswith",)),
            "process.command_line",
            ("process.command_line", "wildcard", "cmd*"),
        ),
        # leftover quotes are resolved
        (
            "splunk",
            Predicate("Processes.process_name", Operator.EQ, '"cmd.exe"'),
            "process.name",
            ("process.name", "eq", "cmd.exe"),
        ),
        # a full path stays a path; only a pinned base name becomes the name
        (
            "sigma",
            Predicate("Image", Operator.EQ, "C:\\Windows\\System32\\cmd.exe"),
            "process.name",
            ("process.name", "eq", "c:\\windows\\system32\\cmd.exe"),
        ),
        (
            "sigma",
            Predicate("Image", Operator.WILDCARD, "*\\Temp\\*.exe"),
            "process.name",
            ("process.name", "wildcard", "*\\temp\\*.exe"),
        ),
        (
            "elastic",
            Predicate("process.executable", Operator.WILDCARD, "*/curl"),
            "process.name",
            ("process.name", "eq", "curl"),
        ),
        # the base-name rule applies only to path/name fields
        (
            "sigma",
            Predicate("CommandLine", Operator.WILDCARD, "*\\rclone.exe"),
            "process.command_line",
            ("process.command_line", "wildcard", "*\\rclone.exe"),
        ),
        # exists / null carry no value
        (
            "elastic",
            Predicate("process.parent.name", Operator.EXISTS, None),
            "process.parent.name",
            ("process.parent.name", "exists", None),
        ),
    ],
)
def test_indicator_key(vendor: str, pred: Predicate, field: str, expected: tuple) -> None:
    assert indicator_key(vendor, pred, field) == expected


def test_sigma_endswith_without_separator_stays_a_glob(normalizer: FieldNormalizer) -> None:
    p = Predicate("Image", Operator.WILDCARD, "*rclone.exe", modifiers=("endswith",))
    canon = normalizer.canonical("sigma", "Image", logsource=WIN_PROC)
    assert indicator_key("sigma", p, canon) == ("process.name", "wildcard", "*rclone.exe")


def test_rule_indicators_skips_keywords(normalizer: FieldNormalizer) -> None:
    from loaders.normalize import rule_indicators

    r = Rule(
        "sigma:k",
        Vendor.SIGMA,
        "k",
        "t",
        "p",
        logsource=WIN_PROC,
        predicates=(
            Predicate(None, Operator.KEYWORD, "mimikatz"),
            Predicate("Image", Operator.WILDCARD, "*\\rclone.exe", excluded=True),
        ),
    )
    out = rule_indicators(r, normalizer)
    assert [(c, k) for _, c, k in out] == [("process.name", ("process.name", "eq", "rclone.exe"))]
    assert out[0][0].excluded


def test_sysmon_initiated_meets_ecs_network_direction() -> None:
    pred = Predicate(field="Initiated", operator=Operator.EQ, value="true", raw="true")
    assert indicator_key("sigma", pred, "network.direction") == ("network.direction", "eq", "egress")
