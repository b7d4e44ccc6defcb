"""The position-free EQL parse and the cached field re-parse give eql's own results; failures keep eql's errors."""

from __future__ import annotations

import pytest

from loaders.elastic import eql_query
from loaders.elastic.esql import split_pipes
from loaders.errors import QueryParseError

QUERIES = [
    'process where host.os.type == "windows" and process.name : ("rclone.exe", "RClone*") and '
    'not process.args like~ "*--config*"',
    'sequence by host.id with maxspan=1m [process where process.name in~ ("a.exe", "b.exe")] '
    '[network where destination.port == 443 and `user.name` != null and process.args[0] == "x"]',
    'file where startsWith~(file.path, "C:\\\\Temp") and length(process.args) > 3 and '
    'not cidrMatch(destination.ip, "10.0.0.0/8")',
]


@pytest.mark.parametrize("text", QUERIES)
def test_perf_fast_parse_equals_reference(text: str) -> None:
    fast_ast, fast_ops = eql_query._parse_eql(text, fast=True)
    ref_ast, ref_ops = eql_query._parse_eql(text, fast=False)
    assert fast_ast == ref_ast
    assert sorted(fast_ops.values()) == sorted(ref_ops.values())


@pytest.mark.parametrize("text", ['process where process.name == ',  # lark syntax error
                                  'process where\n  startsWith(1, 2)',  # eql type error, on line 2
                                  'process where 1 < "a"', 'process where $x == 1'])
def test_perf_failures_report_eqls_own_error(text: str) -> None:
    with pytest.raises(QueryParseError) as via_parse:
        eql_query.parse_eql(text)
    with pytest.raises(QueryParseError) as reference:
        eql_query._parse_eql(text, fast=False)
    assert str(via_parse.value) == str(reference.value)
    assert via_parse.value.line == reference.value.line
    if "\n" in text:
        assert via_parse.value.line == 2  # positions come from eql's own (position-keeping) parse


def test_perf_split_pipes_lines_and_unclosed_strings() -> None:
    text = 'from logs-*\n| where a == "x|y" /* | \n */\n\n| eval b = """un|\nclosed'
    assert split_pipes(text) == [("from logs-*", 1), ('where a == "x|y"', 2), ('eval b = """un|\nclosed', 5)]
