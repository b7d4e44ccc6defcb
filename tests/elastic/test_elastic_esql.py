from __future__ import annotations

from loaders.elastic.esql import parse_esql, split_pipes
from loaders.records import Operator


def test_from_indices_and_metadata() -> None:
    result = parse_esql("FROM logs-a-*, logs-b.c* METADATA _id, _index | LIMIT 1")
    assert result.indices == ["logs-a-*", "logs-b.c*"]
    assert result.commands == ["from", "limit"]


def test_where_operators() -> None:
    result = parse_esql(
        'from x | where a == "A" and b != "B" and c like "c\\\\*d*" and d rlike "r.+" '
        'and e in ("1", "2") and f is null and g is not null and cidr_match(h, "10.0.0.0/8") '
        'and not i not in ("z")'
    )
    rows = [(p.field, p.operator, p.value, p.excluded) for p in result.predicates]
    assert rows == [
        ("a", Operator.EQ, "A", False),
        ("b", Operator.EQ, "B", True),
        ("c", Operator.WILDCARD, "c[*]d*", False),
        ("d", Operator.REGEX_MATCH, "r.+", False),
        ("e", Operator.EQ, "1", False),
        ("e", Operator.EQ, "2", False),
        ("f", Operator.NULL, None, False),
        ("g", Operator.EXISTS, None, False),
        ("h", Operator.CIDR, "10.0.0.0/8", False),
        ("i", Operator.EQ, "z", False),
    ]


def test_kql_function_goes_through_the_kql_grammar() -> None:
    result = parse_esql('from x | where KQL("""process.name:(a or b*)""")')
    assert [(p.field, p.operator, p.value, p.context) for p in result.predicates] == [
        ("process.name", Operator.EQ, "a", "kql"),
        ("process.name", Operator.WILDCARD, "b*", "kql"),
    ]


def test_computed_columns_are_marked_and_stats_ends_event_filters() -> None:
    result = parse_esql(
        'from x | eval n = mv_count(a), m = 2 | dissect msg "%{user} %{Esql.act}" '
        '| where n > 1 and user == "u" and Esql.act == "x" and b == "y" '
        '| stats c = count(*) by host.id | where c > 3 and host.id == "h"'
    )
    rows = [(p.field, p.context) for p in result.predicates]
    assert rows == [("n", "computed"), ("user", "computed"), ("Esql.act", "computed"), ("b", "")]
    assert set(result.computed) >= {"n", "m", "user", "Esql.act", "c"}


def test_eval_case_fold_alias_resolves_to_the_event_field() -> None:
    result = parse_esql('from x | eval low = to_lower(process.name) | where low like "cmd*"')
    (pred,) = result.predicates
    assert (pred.field, pred.context, pred.case_sensitive) == ("process.name", "", False)
    assert "eval:low" in pred.modifiers


def test_unsupported_where_syntax_is_an_error_not_a_crash() -> None:
    result = parse_esql('from x | where a == "1"\n| where b ~~ 3')
    assert [p.field for p in result.predicates] == ["a"]
    assert len(result.errors) == 1
    assert result.errors[0].line == 2


def test_split_pipes_ignores_pipes_in_strings_and_comments() -> None:
    assert [c for c, _ in split_pipes('from a // x | y\n| where b == "|" /* | */ | keep c')] == [
        "from a",
        'where b == "|"',
        "keep c",
    ]


def test_first_stats_by_fields_are_group_by_fields() -> None:
    result = parse_esql(
        "from x | eval k = to_lower(a) | stats n = count(*) by host.id, k, `user`.name "
        "| stats m = max(n) by host.id"
    )
    assert result.group_by == ["host.id", "user.name"]
