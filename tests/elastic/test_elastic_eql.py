from __future__ import annotations

import pytest

from loaders.elastic.eql_query import eql_predicates
from loaders.errors import QueryParseError
from loaders.records import Operator


def _rows(query: str) -> list[tuple]:
    preds, _ = eql_predicates(query)
    return [(p.field, p.operator, p.value, p.excluded, p.case_sensitive) for p in preds]


def test_case_sensitivity_follows_the_operator_written() -> None:
    rows = _rows(
        'process where a == "X" and b : "y*" and c like "Z?" and d like~ "w" and '
        'e in ("1", "2") and f in~ ("3") and g regex "r.*" and h regex~ "s+"'
    )
    assert rows == [
        ("a", Operator.EQ, "X", False, True),
        ("b", Operator.WILDCARD, "y*", False, False),
        ("c", Operator.WILDCARD, "Z?", False, True),
        ("d", Operator.WILDCARD, "w", False, False),
        ("e", Operator.EQ, "1", False, True),
        ("e", Operator.EQ, "2", False, True),
        ("f", Operator.EQ, "3", False, False),
        ("g", Operator.REGEX_MATCH, "r.*", False, True),
        ("h", Operator.REGEX_MATCH, "s+", False, False),
    ]


def test_negations_not_in_and_not_equal() -> None:
    rows = _rows('process where a != "x" and b not in ("y") and not (c : "z" or not d == "w")')
    assert [(r[0], r[3]) for r in rows] == [("a", True), ("b", True), ("c", True), ("d", False)]


def test_null_checks_and_optional_fields() -> None:
    rows = _rows("file where ?a.b != null and c == null")
    assert rows == [("a.b", Operator.EXISTS, None, False, True), ("c", Operator.NULL, None, False, True)]


def test_functions_become_globs_and_cidrs() -> None:
    rows = _rows(
        'network where startsWith(a, "p*") and endsWith~(b, "x") and stringContains(c, "m") and '
        'cidrMatch(d, "10.0.0.0/8", "192.168.0.0/16") and not cidrMatch(e, "127.0.0.0/8")'
    )
    assert rows == [
        ("a", Operator.WILDCARD, "p[*]*", False, True),
        ("b", Operator.WILDCARD, "*x", False, False),
        ("c", Operator.WILDCARD, "*m*", False, True),
        ("d", Operator.CIDR, "10.0.0.0/8", False, True),
        ("d", Operator.CIDR, "192.168.0.0/16", False, True),
        ("e", Operator.CIDR, "127.0.0.0/8", True, True),
    ]


def test_sequence_contexts_until_and_missing_events() -> None:
    preds, facts = eql_predicates(
        "sequence by host.id with maxspan=1m "
        '[process where a == "1"] with runs=2 ![file where b == "2"] [network where c == "3"] '
        'until [process where d == "4"]'
    )
    assert [(p.field, p.context, p.excluded) for p in preds] == [
        ("a", "sequence[0]", False),
        ("b", "sequence[2]", True),
        ("c", "sequence[3]", False),
        ("d", "until", True),
    ]
    assert facts["kind"] == "sequence"
    assert facts["join_fields"][0] == "host.id"


def test_sample_contributes_every_subquery() -> None:
    preds, facts = eql_predicates('sample by host.id [process where a == "1"] [file where b == "2"]')
    assert facts["kind"] == "sample"
    assert [(p.field, p.context) for p in preds] == [("a", "sample[0]"), ("b", "sample[1]")]


def test_wildcard_glob_escapes_brackets() -> None:
    assert _rows('file where p : "C:\\\\x[1]*"')[0][2] == "C:\\x[[]1]*"


def test_bad_eql_raises_with_line() -> None:
    with pytest.raises(QueryParseError) as info:
        eql_predicates('process where\n  a == "x" and and b')
    assert info.value.line == 2
