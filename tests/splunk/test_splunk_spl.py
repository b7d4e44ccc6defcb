"""Unit tests of the SPL grammar, macro expansion and pipeline walk (no corpus needed)."""

from __future__ import annotations

import pytest

from loaders.records import Operator
from loaders.splunk.macros import MacroError, expand_macros, strip_comments
from loaders.splunk.models import SplunkMacro
from loaders.splunk.spl_eval import parse_eval, where_predicates
from loaders.splunk.spl_lexer import SplSyntaxError, split_pipeline
from loaders.splunk.spl_pipeline import analyze
from loaders.splunk.spl_search import parse_search, search_predicates


def leaves(search: str) -> list[tuple[object, ...]]:
    return [
        (p.field, p.operator.value, p.value, p.excluded)
        for p in search_predicates(parse_search(search), "search")
    ]


def where(expr: str, computed: frozenset[str] = frozenset()) -> list[tuple[object, ...]]:
    return [
        (p.field, p.operator.value, p.value, p.excluded, p.case_sensitive, p.context)
        for p in where_predicates(parse_eval(expr), "where", computed)
    ]


class TestSearchLanguage:
    def test_or_binds_tighter_than_implicit_and(self) -> None:
        # Splunk: a b OR c == a AND (b OR c); both shapes give the same leaves and NOT parity.
        node = parse_search("a=1 b=2 OR c=3")
        assert node.kind == "and"
        assert [c.kind for c in node.children] == ["cmp", "or"]

    def test_not_applies_to_next_term_only(self) -> None:
        assert leaves("NOT a=1 b=2") == [("a", "eq", "1", True), ("b", "eq", "2", False)]

    def test_double_not_and_not_equal(self) -> None:
        assert leaves("NOT (NOT a=1) NOT b!=2") == [("a", "eq", "1", False), ("b", "eq", "2", False)]

    def test_wildcards_quotes_and_escapes(self) -> None:
        assert leaves(r'p="C:\\Users\\*\\a?.exe" q=*x\"y*') == [
            ("p", "wildcard", r"C:\Users\*\a[?].exe", False),
            ("q", "wildcard", '*x"y*', False),
        ]

    def test_in_list_with_and_without_commas(self) -> None:
        assert leaves('f IN ("a", b*) g IN (c d)') == [
            ("f", "eq", "a", False),
            ("f", "wildcard", "b*", False),
            ("g", "eq", "c", False),
            ("g", "eq", "d", False),
        ]

    def test_star_value_is_exists_and_bare_star_is_nothing(self) -> None:
        assert leaves("* f=* NOT g=*") == [("f", "exists", None, False), ("g", "exists", None, True)]

    def test_keywords_term_case_and_lowercase_or(self) -> None:
        assert leaves('mimikatz or "two words" TERM(x.y) CASE(Ab)') == [
            (None, "keyword", "mimikatz", False),
            (None, "keyword", "or", False),
            (None, "keyword", "two words", False),
            (None, "keyword", "x.y", False),
            (None, "keyword", "Ab", False),
        ]

    def test_numeric_comparisons_and_time_modifiers(self) -> None:
        assert leaves("earliest=-7d latest=now bytes>=100 5<x") == [
            ("bytes", "gte", "100", False),
            ("5", "lt", "x", False),
        ]

    def test_parentheses_inside_a_term(self) -> None:
        assert leaves("p=*GetCurrent()* (q=1)") == [
            ("p", "wildcard", "*GetCurrent()*", False),
            ("q", "eq", "1", False),
        ]

    def test_subsearch_is_skipped(self) -> None:
        assert leaves("a=1 [search b=2 | fields c] d=3") == [("a", "eq", "1", False), ("d", "eq", "3", False)]

    @pytest.mark.parametrize("bad", ["(a=1", "a=1)", "a=", 'a="x', "a IN (b"])
    def test_syntax_errors(self, bad: str) -> None:
        with pytest.raises(SplSyntaxError):
            parse_search(bad)

    def test_values_are_case_insensitive(self) -> None:
        (p,) = search_predicates(parse_search("a=B"), "search")
        assert p.case_sensitive is False


class TestWhere:
    def test_comparisons(self) -> None:
        assert where('a=="x" AND b!="y" OR "z"=c AND d=e') == [
            ("a", "eq", "x", False, True, "where"),
            ("b", "eq", "y", True, True, "where"),
            ("c", "eq", "z", False, True, "where"),
            ("d", "fieldref", "e", False, True, "where"),
        ]

    def test_functions(self) -> None:
        assert where(
            'like(a, "x_%") AND match(b, "(?i)^y") AND in(c, "1", "2") AND isnull(d) '
            'AND cidrmatch("10.0.0.0/8", e) AND f IN ("g") AND h LIKE "%.exe"'
        ) == [
            ("a", "wildcard", "x?*", False, True, "where"),
            ("b", "regex_match", "(?i)^y", False, False, "where"),
            ("c", "eq", "1", False, True, "where"),
            ("c", "eq", "2", False, True, "where"),
            ("d", "null", None, False, True, "where"),
            ("e", "cidr", "10.0.0.0/8", False, True, "where"),
            ("f", "eq", "g", False, True, "where"),
            ("h", "wildcard", "*.exe", False, True, "where"),
        ]

    def test_lowercase_boolean_words_not_and_lower(self) -> None:
        assert where('lower(a)="x" and not b>5', frozenset({"b"})) == [
            ("a", "eq", "x", False, False, "where"),
            ("b", "gt", "5", True, True, "computed"),
        ]

    def test_expressions_without_field_leaves(self) -> None:
        assert where("len(a) > 10 AND mvcount(b)=2 AND c*2 > 4") == []

    def test_like_escapes_glob_characters(self) -> None:
        assert where('like(a, "*%[")') == [("a", "wildcard", "[*]*[[]", False, True, "where")]


class TestMacros:
    MACROS = {
        "input": SplunkMacro("input", "sourcetype=x `inner`", "m"),
        "inner": SplunkMacro("inner", "index=main", "m"),
        "two(2)": SplunkMacro("two", "eval $a$=$b$", "m", ("a", "b")),
        "self": SplunkMacro("self", "`self`", "m"),
    }

    def test_recursive_expansion_arguments_and_arity(self) -> None:
        exp = expand_macros('`input` | `two(y, "q,r")` | `x_filter` | `missing(1)`', self.MACROS)
        assert exp.text == 'sourcetype=x index=main | eval y="q,r" |  | '
        assert exp.used == ("input", "inner", "two(2)")
        assert exp.undefined_filters == ("x_filter",)
        assert exp.undefined == ("missing(1)",)

    def test_named_arguments(self) -> None:
        assert expand_macros("`two(b=1, a=z)`", self.MACROS).text == "eval z=1"

    def test_wrong_arity_is_undefined(self) -> None:
        assert expand_macros("`two(1)`", self.MACROS).undefined == ("two(1)",)

    def test_quoted_backtick_is_literal(self) -> None:
        assert expand_macros('eval n=split(p, "`")', self.MACROS).text == 'eval n=split(p, "`")'

    def test_recursion_guard_and_unbalanced(self) -> None:
        with pytest.raises(MacroError, match="recursion"):
            expand_macros("`self`", self.MACROS)
        with pytest.raises(MacroError, match="unbalanced"):
            expand_macros("`input", self.MACROS)

    def test_comments_stripped_first(self) -> None:
        assert strip_comments("a ````input` b``` c") == "a  c"
        assert expand_macros("a ```x``` `inner`", self.MACROS).text == "a  index=main"


class TestPipeline:
    def test_split_respects_quotes_and_subsearches(self) -> None:
        assert split_pipeline('a "|" [b | c] | d') == ['a "|" [b | c] ', " d"]

    def test_tstats_datamodel_where_by(self) -> None:
        a = analyze(
            "| tstats summariesonly=t count values(P.x) as x from datamodel=Endpoint.Processes "
            "where P.name=cmd.exe NOT P.user IN (a, b) nodename=Endpoint.Processes.Child "
            "by P.dest _time span=1h "
            "| where count > 5"
        )
        assert [(p.field, p.value, p.excluded, p.context) for p in a.predicates] == [
            ("P.name", "cmd.exe", False, "tstats"),
            ("P.user", "a", True, "tstats"),
            ("P.user", "b", True, "tstats"),
        ]
        assert a.datamodels == ["Endpoint.Processes"]
        assert a.logsource == [
            ("datamodel", "Endpoint.Processes"),
            ("datamodel_node", "Endpoint.Processes.Child"),
        ]
        assert a.by_fields == ["P.dest", "_time"]
        assert a.stopped_at == "tstats"

    @pytest.mark.parametrize(
        "text", ['| tstats count from datamodel:"Web.Web" by x', "| tstats count FROM datamodel Web.Web"]
    )
    def test_datamodel_spellings(self, text: str) -> None:
        assert analyze(text).datamodels == ["Web.Web"]

    def test_filters_after_transforming_commands(self) -> None:
        a = analyze(
            "index=a x=1 | stats count by y | where count > 3 | search y=2 | transaction y | search y=3"
        )
        assert [(p.field, p.value, p.context) for p in a.predicates] == [
            ("index", "a", "search"),
            ("x", "1", "search"),
            ("y", "2", "post-stats"),
        ]
        assert (a.stopped_at, a.by_fields, a.dropped_post_stats) == ("stats", ["y"], 1)

    def test_post_stats_filters_on_data_model_fields(self) -> None:
        a = analyze(
            "| tstats count from datamodel=Endpoint.Registry by Registry.dest Registry.registry_value_data "
            '| rename Registry.dest as host | where isnotnull(registry_value_data) AND host="x" '
            "| eval registry_value_data=lower(registry_value_data) | search registry_value_data=y"
        )
        assert [(p.field, p.operator.value, p.context) for p in a.predicates] == [
            ("registry_value_data", "exists", "post-stats")
        ]
        assert a.dropped_post_stats == 2

    def test_join_and_append_stop_for_good(self) -> None:
        assert analyze("a=1 | join x [search b=2] | search x=1").predicates[-1].field == "a"

    def test_concatenation_after_string(self) -> None:
        # the regex is computed from a field: parsed, but no predicate
        assert [p.field for p in analyze('a=1 | where NOT match(b, "(?i)".c) AND d="e".f').predicates] == [
            "a"
        ]

    def test_created_fields_are_computed(self) -> None:
        a = analyze(
            'x=1 | rex field=x "(?<r>\\d+)" | eval e=1, f="a" | rename x as g | lookup t k OUTPUT v as w, u '
            "| spath output=s path=p | iplocation x | eventstats count by x "
            "| search r=1 e=2 f=3 g=4 w=5 u=6 s=7 "
            'City=8 count=9 x=10 | regex x!="^a" | where like(e, "%")'
        )
        assert [(p.field, p.context) for p in a.predicates] == [
            ("x", "search"),
            *[(f, "computed") for f in ("r", "e", "f", "g", "w", "u", "s", "City", "count")],
            ("x", "search"),
            ("x", "regex"),
            ("e", "computed"),
        ]
        assert a.predicates[-2].excluded and a.predicates[-2].operator is Operator.REGEX_MATCH

    def test_unknown_command_stops(self) -> None:
        a = analyze("a=1 | frobnicate | search b=2")
        assert a.unknown_commands == ["frobnicate"]
        assert [p.field for p in a.predicates] == ["a"]

    def test_selection_hints(self) -> None:
        a = analyze("index=main (sourcetype=s1 OR source=x*) NOT eventtype=e | search sourcetype=late")
        assert a.logsource == [
            ("index", "main"),
            ("sourcetype", "s1"),
            ("source", "x*"),
            ("sourcetype", "late"),
        ]

    def test_filter_logic_counters(self) -> None:
        assert analyze("| tstats count from datamodel=A by b | where count > 1").filter_leaves == 0
        a = analyze("index=a | where x=1")
        assert (a.filter_leaves, a.detection_leaves) == (2, 1)
