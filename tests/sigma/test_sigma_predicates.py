from __future__ import annotations

import textwrap

import pytest
from sigma.conditions import ConditionFieldEqualsValueExpression, ConditionItem, ConditionValueExpression
from sigma.exceptions import SigmaConditionError
from sigma.rule import SigmaRule
from sigma.types import SigmaExpansion

from loaders.records import Operator, Predicate
from loaders.sigma.predicates import selected, walk


def rule(detection: str) -> SigmaRule:
    text = "title: t\nlogsource:\n  product: windows\ndetection:\n" + textwrap.indent(
        textwrap.dedent(detection), "  "
    )
    return SigmaRule.from_yaml(text)


def summary(preds: list[Predicate]) -> list[tuple]:
    return [(p.field, p.operator.value, p.value, p.excluded) for p in preds]


def leaves(node: object) -> int:
    if isinstance(node, (ConditionFieldEqualsValueExpression, ConditionValueExpression)):
        return len(node.value.values) if isinstance(node.value, SigmaExpansion) else 1
    assert isinstance(node, ConditionItem)
    return sum(leaves(arg) for arg in node.args)


def test_not_parity_and_contexts() -> None:
    r = rule(
        """
        sel:
          A: a
        f1:
          B: b
        f2:
          C: c
        condition: sel and not (f1 and not f2)
        """
    )
    preds = walk(r.detection).predicates
    assert summary(preds) == [("A", "eq", "a", False), ("B", "eq", "b", True), ("C", "eq", "c", False)]
    assert [p.context for p in preds] == ["sel", "f1", "f2"]


def test_selectors_follow_pysigma_resolution() -> None:
    r = rule(
        """
        selection_a:
          A: a
        selection_b:
          B|startswith: b
        _hidden:
          H: h
        filter_x:
          X|endswith: x
        condition: all of selection_* and not 1 of filter_*
        """
    )
    assert summary(walk(r.detection).predicates) == [
        ("A", "eq", "a", False),
        ("B", "wildcard", "b*", False),
        ("X", "wildcard", "*x", True),
    ]
    assert selected("them", ["selection_a", "_hidden"]) == ["selection_a"]
    assert selected("_hid*", ["selection_a", "_hidden"]) == ["_hidden"]


def test_neq_and_exists_false_flip_exclusion() -> None:
    r = rule(
        """
        sel:
          User|neq: SYSTEM
          Opt|exists: false
          Req|exists: true
        condition: not sel
        """
    )
    preds = walk(r.detection).predicates
    assert [(p.field, p.operator, p.excluded) for p in preds] == [
        ("User", Operator.EQ, False),  # not (not eq)
        ("Opt", Operator.EXISTS, False),  # not (not exists)
        ("Req", Operator.EXISTS, True),
    ]


def test_expanding_modifiers_keep_the_authored_value_once() -> None:
    r = rule(
        r"""
        sel:
          CommandLine|windash|contains:
            - ' -enc '
            - ' -nop -w hidden '
          Payload|base64offset|contains: 'http://'
          Data|wide|base64: 'ping'
        condition: sel
        """
    )
    preds = walk(r.detection).predicates
    assert [(p.value, p.raw, p.modifiers) for p in preds] == [
        ("* -enc *", " -enc ", ("windash", "contains")),
        ("* -nop -w hidden *", " -nop -w hidden ", ("windash", "contains")),
        ("*http://*", "http://", ("base64offset", "contains")),
        ("ping", "ping", ("wide", "base64")),
    ]
    # pySigma's own condition tree expands the same 4 authored values into many more leaves
    assert (
        leaves(r.detection.parsed_condition[0].parsed) == 5 + 5 * 5 + 3 + 1
    )  # windash: 5 dash forms per dash


def test_expand_placeholder_is_reported() -> None:
    r = rule(
        """
        sel:
          User|expand: '%Admins%'
          Host|contains|expand: '%Servers%'
        condition: sel
        """
    )
    result = walk(r.detection)
    assert summary(result.predicates) == [
        ("User", "eq", "%Admins%", False),
        ("Host", "wildcard", "*%Servers%*", False),
    ]
    assert result.placeholders == [("User", "%Admins%"), ("Host", "%Servers%")]


def test_keywords_null_and_lists_of_maps() -> None:
    r = rule(
        """
        keywords:
          - 'evil'
          - 'bad*'
        sel:
          - A: null
          - B: []
          - C|re: '^x$'
        condition: keywords or sel
        """
    )
    preds = walk(r.detection).predicates
    assert [(p.field, p.operator, p.value, p.case_sensitive) for p in preds] == [
        (None, Operator.KEYWORD, "evil", False),
        (None, Operator.KEYWORD, "bad*", False),
        ("A", Operator.NULL, None, False),
        ("B", Operator.NULL, None, False),
        ("C", Operator.REGEX_MATCH, "^x$", True),  # regular expressions are case-sensitive by default
    ]


def test_undefined_detection_raises() -> None:
    r = rule("sel:\n  A: a\ncondition: sel and not missing\n")
    with pytest.raises(SigmaConditionError, match="missing"):
        walk(r.detection)


def test_selector_without_match_raises() -> None:
    r = rule("sel:\n  A: a\ncondition: sel and not 1 of filter_*\n")
    with pytest.raises(SigmaConditionError, match="matches no detection"):
        walk(r.detection)


def test_deprecated_pipe_aggregation_raises() -> None:
    r = rule("sel:\n  A: a\ncondition: sel | count() > 5\n")
    with pytest.raises(SigmaConditionError, match="pipe"):
        walk(r.detection)
