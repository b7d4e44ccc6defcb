from __future__ import annotations

import pytest

from loaders.elastic.kql import parse_kql
from loaders.errors import QueryParseError
from loaders.records import Operator


def _rows(query: str) -> list[tuple]:
    return [(p.field, p.operator, p.value, p.excluded) for p in parse_kql(query)]


def test_quoted_star_is_literal_and_unquoted_star_is_wildcard() -> None:
    assert _rows('a:"x*y" and b:x*y') == [
        ("a", Operator.EQ, "x*y", False),
        ("b", Operator.WILDCARD, "x*y", False),
    ]


def test_escaped_special_characters_in_unquoted_values() -> None:
    assert _rows(r"user.id: *\:i-* and c:\*lit\(x\)") == [
        ("user.id", Operator.WILDCARD, "*:i-*", False),
        ("c", Operator.EQ, "*lit(x)", False),
    ]


def test_escaped_star_inside_wildcard_becomes_glob_literal() -> None:
    assert _rows(r"a:*x\*y*") == [("a", Operator.WILDCARD, "*x[*]y*", False)]


def test_quoted_backslashes_and_quotes() -> None:
    rows = _rows(r'p:"C:\\Windows\\a.exe" and q:"C:\Program Files\x" and r:"say \"hi\""')
    assert [r[2] for r in rows] == ["C:\\Windows\\a.exe", "C:\\Program Files\\x", 'say "hi"']


def test_keywords_in_any_case_and_not_parity() -> None:
    assert _rows("a:1 AND NOT b:2 Or not (c:3 and not d:4)") == [
        ("a", Operator.EQ, "1", False),
        ("b", Operator.EQ, "2", True),
        ("c", Operator.EQ, "3", True),
        ("d", Operator.EQ, "4", False),
    ]


def test_value_lists_with_and_or_not() -> None:
    assert _rows("ip:(* and not (127.0.0.1 or 10.0.0.0/8))") == [
        ("ip", Operator.EXISTS, None, False),
        ("ip", Operator.EQ, "127.0.0.1", True),
        ("ip", Operator.CIDR, "10.0.0.0/8", True),
    ]


def test_ranges() -> None:
    assert _rows("x > 1 and y >= 2.5 and z < 3 and w <= 4") == [
        ("x", Operator.GT, "1", False),
        ("y", Operator.GTE, "2.5", False),
        ("z", Operator.LT, "3", False),
        ("w", Operator.LTE, "4", False),
    ]


def test_nested_query_prefixes_fields() -> None:
    preds = parse_kql("items:{ name:banana and stock > 10 }")
    assert [(p.field, p.context) for p in preds] == [("items.name", "nested"), ("items.stock", "nested")]


def test_bare_terms_are_keyword_predicates() -> None:
    preds = parse_kql("mimikatz and sekurlsa logonpasswords")
    assert [(p.field, p.operator, p.value) for p in preds] == [
        (None, Operator.KEYWORD, "mimikatz"),
        (None, Operator.KEYWORD, "sekurlsa logonpasswords"),
    ]


def test_unquoted_value_with_inner_spaces_and_keyword_prefix_words() -> None:
    assert _rows("a:(* curl* or order by) and android:1") == [
        ("a", Operator.WILDCARD, "* curl*", False),
        ("a", Operator.EQ, "order by", False),
        ("android", Operator.EQ, "1", False),
    ]


def test_case_sensitivity_is_recorded() -> None:
    assert all(p.case_sensitive for p in parse_kql("a:B and c:D*"))


@pytest.mark.parametrize("bad", ["a:(b or c", "a: and b", "a:{b:1", ")"])
def test_syntax_errors_raise_query_parse_error_with_line(bad: str) -> None:
    with pytest.raises(QueryParseError) as info:
        parse_kql(bad)
    assert info.value.line == 1
