"""EQL queries through the ``eql`` package (1.0.1), walked into predicates.

Parsed with ``elasticsearch_syntax``, ``ignore_missing_functions``, ``allow_runs``,
``allow_negation``, ``allow_sample`` and ``skip_optimizations`` (the tree keeps the query's shape).
The eql AST folds ``:``/``like``/``like~`` into one ``wildcard`` call and ``in``/``in~`` into one
``InSet``; a small walker subclass records the operator written in the query text so that
case sensitivity survives: ``==``/``!=``/``like``/``in``/``regex`` and functions without ``~`` are
case-sensitive; ``:``, ``like~``, ``in~``, ``regex~`` and ``func~`` are not.
"""

from __future__ import annotations

import functools
from typing import Any

from ..errors import QueryParseError
from ..records import Operator, Predicate
from .values import glob_literal

_CMP = {"<": Operator.LT, "<=": Operator.LTE, ">": Operator.GT, ">=": Operator.GTE}
_GLOB_FUNCS = {"startswith": "{}*", "endswith": "*{}", "stringcontains": "*{}*"}


@functools.cache
def _fast_lark() -> Any:
    """eql's grammar without ``propagate_positions``: the same trees, minus the node positions.

    Positions only serve eql's error messages, so a query that fails is parsed again with eql's own parser.
    """
    from eql import parser as eql_parser
    from eql.etc import get_etc_file
    from lark import Lark

    return Lark(get_etc_file("eql.g"), debug=False, propagate_positions=False, tree_class=eql_parser.KvTree,
                parser="lalr", start=["piped_query"])


@functools.lru_cache(maxsize=8192)
def _field_parts(text: str) -> tuple[tuple[str, Any], ...]:
    """eql's ``field_parts`` re-parse of a field token (``a.b[0]``), cached: fields repeat across queries."""
    from eql import parser as eql_parser

    parts: list[tuple[str, Any]] = []
    for part in eql_parser.lark_parser.parse(text, "field_parts").children:
        if part["NAME"]:
            parts.append(("NAME", part["NAME"]))
        elif part["ESCAPED_NAME"]:
            parts.append(("ESCAPED_NAME", part["ESCAPED_NAME"]))
        elif part["UNSIGNED_INTEGER"]:
            parts.append(("UNSIGNED_INTEGER", part["UNSIGNED_INTEGER"]))
        else:
            parts.append(("", None))
    return tuple(parts)


@functools.cache
def _walker_class() -> type:
    from eql import parser as eql_parser
    from eql.errors import EqlSyntaxError
    from eql.utils import to_unicode

    class CaseRecordingWalker(eql_parser.LarkToEQL):
        """eql's own walker, plus a note of the operator text behind each AST node."""

        def __init__(self, text: str) -> None:
            super().__init__(text)
            self.ops: dict[int, str] = {}

        def _field_path(self, node: Any, allow_optional: bool = False) -> tuple[bool, list[Any]]:
            # eql's LarkToEQL._field_path, with the field_parts parse cached
            full_path: list[Any] = []
            text = node.children[-1]
            optional_syntax = text.startswith("?")
            if optional_syntax:
                if not allow_optional:
                    raise self._error(node, "Optional fields are not supported.", cls=EqlSyntaxError, width=1)
                text = text[1:]
            for kind, value in _field_parts(str(text)):
                if kind == "NAME":
                    name = to_unicode(value)
                    full_path.append(name)
                    if name in eql_parser.keywords or (name == "as" and self._alias_enabled):
                        raise self._error(node, "Invalid use of keyword", cls=EqlSyntaxError)
                elif kind == "ESCAPED_NAME":
                    full_path.append(to_unicode(value).strip("`"))
                elif kind == "UNSIGNED_INTEGER":
                    full_path.append(int(value))
                else:
                    raise self._error(node, "Unable to parse field", cls=EqlSyntaxError)
            return optional_syntax, full_path

        def string_predicate(self, node: Any) -> Any:
            info = super().string_predicate(node)
            self.ops[id(info.node)] = str(node["STRING_PREDICATE"])
            return info

        def in_set(self, node: Any) -> Any:
            info = super().in_set(node)
            self.ops[id(info.node)] = str(node.get("IN") or "in")
            return info

        def function_call(self, node: Any, prev_node: Any = None, prev_arg: Any = None) -> Any:
            info = super().function_call(node, prev_node, prev_arg)
            name = (
                self.method_name(node["method_name"])
                if node.data == "method"
                else self.name(node.children[0])
            )
            self.ops[id(info.node)] = str(name)
            return info

    return CaseRecordingWalker


def parse_eql(text: str) -> tuple[Any, dict[int, str]]:
    """Parse EQL; return ``(ast, ops)`` where ``ops`` maps ``id(node)`` to the operator as written.

    A query is parsed without node positions first (about twice as fast); when that fails anywhere,
    it is parsed again with eql's own parser, so errors and their lines are exactly eql's.
    """
    try:
        return _parse_eql(text, fast=True)
    except Exception:  # any failure: redo it the reference way, which reports it
        return _parse_eql(text, fast=False)


def _parse_eql(text: str, *, fast: bool) -> tuple[Any, dict[int, str]]:
    from eql import parser as eql_parser
    from eql.errors import EqlError, EqlParseError
    from eql.utils import ParserConfig, load_extensions
    from lark.exceptions import LarkError

    source = text if text.endswith("\n") else text + "\n"
    flags = (
        eql_parser.elasticsearch_syntax,
        eql_parser.ignore_missing_functions,
        eql_parser.allow_runs,
        eql_parser.allow_negation,
        eql_parser.allow_sample,
        eql_parser.skip_optimizations,
    )
    with ParserConfig(
        *flags,
        implied_any=False,
        implied_base=False,
        allow_subqueries=True,
        preprocessor=None,
        allow_pipes=True,
    ):
        load_extensions(force=False)
        walker = _walker_class()(source)
        if fast:
            return _unwrap(walker.visit(_fast_lark().parse(source, start="piped_query"))), walker.ops
        try:
            tree = eql_parser.lark_parser.parse(source, start="piped_query")
        except LarkError as exc:
            line = getattr(exc, "line", None)
            raise QueryParseError(f"EQL syntax error: {str(exc).splitlines()[0]}", line=line) from None
        try:
            node = walker.visit(tree)
        except EqlParseError as exc:
            raise QueryParseError(f"EQL error: {exc.error_msg}", line=exc.line + 1) from None
        except EqlError as exc:
            raise QueryParseError(f"EQL error: {exc}") from None
    return _unwrap(node), walker.ops


def _unwrap(node: Any) -> Any:
    return getattr(node, "node", node)


def eql_predicates(text: str) -> tuple[list[Predicate], dict[str, Any]]:
    """Predicates of an EQL query, plus facts about its shape.

    The facts are ``kind`` (event/sequence/sample), ``event_categories`` and ``join_fields``.
    """
    from eql import ast

    root, ops = parse_eql(text)
    out: list[Predicate] = []
    facts: dict[str, Any] = {"kind": "event", "event_categories": [], "join_fields": []}
    query = root.first if isinstance(root, ast.PipedQuery) else root
    walker = _Walker(ops, out)
    if isinstance(query, (ast.Sequence, ast.Sample, ast.Join)):
        facts["kind"] = type(query).__name__.lower()
        seen: set[int] = set()
        for index, sub in enumerate(query.queries):
            if id(sub) in seen:  # "with runs=n" repeats the same subquery object
                continue
            seen.add(id(sub))
            negated = bool((sub.data or {}).get("is_negated"))
            _subquery(sub, walker, facts, f"{facts['kind']}[{index}]", negated)
        close = getattr(query, "close", None)
        if close is not None:
            _subquery(close, walker, facts, "until", True)
    elif isinstance(query, ast.EventQuery):
        facts["event_categories"].append(query.event_type)
        walker.walk(query.query, negated=False, context="")
    return out, facts


def _subquery(sub: Any, walker: _Walker, facts: dict[str, Any], context: str, excluded: bool) -> None:
    facts["event_categories"].append(sub.query.event_type)
    facts["join_fields"].extend(str(v) for v in sub.join_values)
    walker.walk(sub.query.query, negated=excluded, context=context)


def _field_name(node: Any) -> str | None:
    from eql import ast

    if isinstance(node, ast.Field):
        return ".".join(str(p) for p in node.full_path)
    if isinstance(node, ast.FunctionCall) and node.arguments:
        return _field_name(node.arguments[0])  # e.g. length(process.args) > 3, ~modifiers
    return None


class _Walker:
    def __init__(self, ops: dict[int, str], out: list[Predicate]) -> None:
        self.ops = ops
        self.out = out

    def add(
        self,
        field: str | None,
        op: Operator,
        value: str | None,
        raw: str | None,
        *,
        negated: bool,
        sensitive: bool,
        context: str,
        modifiers: tuple[str, ...] = (),
    ) -> None:
        self.out.append(
            Predicate(
                field,
                op,
                value,
                raw=raw,
                excluded=negated,
                case_sensitive=sensitive,
                modifiers=modifiers,
                context=context,
            )
        )

    def walk(self, node: Any, *, negated: bool, context: str) -> None:
        from eql import ast

        if isinstance(node, ast.Not):
            self.walk(node.term, negated=not negated, context=context)
        elif isinstance(node, (ast.And, ast.Or)):
            for term in node.terms:
                self.walk(term, negated=negated, context=context)
        elif isinstance(node, ast.IsNull):
            self.add(
                _field_name(node.expr),
                Operator.NULL,
                None,
                "null",
                negated=negated,
                sensitive=True,
                context=context,
            )
        elif isinstance(node, ast.IsNotNull):
            self.add(
                _field_name(node.expr),
                Operator.EXISTS,
                None,
                "!= null",
                negated=negated,
                sensitive=True,
                context=context,
            )
        elif isinstance(node, ast.Comparison):
            self.comparison(node, negated=negated, context=context)
        elif isinstance(node, ast.InSet):
            self.in_set(node, negated=negated, context=context)
        elif isinstance(node, ast.FunctionCall):
            self.function(node, negated=negated, context=context)

    def comparison(self, node: Any, *, negated: bool, context: str) -> None:
        from eql import ast

        left, right, op = node.left, node.right, node.comparator
        if isinstance(left, ast.Literal) and not isinstance(right, ast.Literal):
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if isinstance(left, ast.FunctionCall) and isinstance(right, ast.Boolean) and op in ("==", "!="):
            # cidrMatch(destination.ip, "10.0.0.0/8") == false
            self.function(left, negated=negated ^ (not right.value) ^ (op == "!="), context=context)
            return
        field = _field_name(left)
        if field is None or not isinstance(right, ast.Literal):
            return
        mods = (left.name,) if isinstance(left, ast.FunctionCall) else ()
        value = _literal(right)
        if op in ("==", "!="):
            self.add(
                field,
                Operator.EQ,
                value,
                f"{op} {right.render()}",
                negated=negated ^ (op == "!="),
                sensitive=True,
                context=context,
                modifiers=mods + ((op,) if op == "!=" else ()),
            )
        else:
            self.add(
                field,
                _CMP[op],
                value,
                f"{op} {right.render()}",
                negated=negated,
                sensitive=True,
                context=context,
                modifiers=mods,
            )

    def in_set(self, node: Any, *, negated: bool, context: str) -> None:
        from eql import ast

        field = _field_name(node.expression)
        if field is None:
            return
        written = self.ops.get(id(node), "in")
        sensitive = not written.endswith("~")
        for item in node.container:
            if isinstance(item, ast.Literal):
                self.add(
                    field,
                    Operator.EQ,
                    _literal(item),
                    item.render(),
                    negated=negated,
                    sensitive=sensitive,
                    context=context,
                    modifiers=(written,),
                )

    def function(self, node: Any, *, negated: bool, context: str) -> None:
        from eql import ast

        written = self.ops.get(id(node), node.name)
        name = node.name.lower()
        args = node.arguments
        field = _field_name(args[0]) if args else None
        if field is None:
            return
        literals = [a for a in args[1:] if isinstance(a, ast.String)]
        if name in ("wildcard", "match"):
            sensitive = written in ("like", "regex", "wildcard", "match")
            op = Operator.WILDCARD if name == "wildcard" else Operator.REGEX_MATCH
            for lit in literals:
                value = glob_eql(lit.value) if name == "wildcard" else lit.value
                self.add(
                    field,
                    op,
                    value,
                    lit.render(),
                    negated=negated,
                    sensitive=sensitive,
                    context=context,
                    modifiers=(written,),
                )
        elif name in _GLOB_FUNCS:
            for lit in literals:
                self.add(
                    field,
                    Operator.WILDCARD,
                    _GLOB_FUNCS[name].format(glob_literal(lit.value)),
                    lit.render(),
                    negated=negated,
                    sensitive=not written.endswith("~"),
                    context=context,
                    modifiers=(written,),
                )
        elif name == "cidrmatch":
            for lit in literals:
                self.add(
                    field,
                    Operator.CIDR,
                    lit.value,
                    lit.render(),
                    negated=negated,
                    sensitive=True,
                    context=context,
                    modifiers=(written,),
                )


def glob_eql(pattern: str) -> str:
    """EQL wildcard (``*`` and ``?`` are wildcards) as a glob: only ``[`` needs escaping.

    >>> glob_eql("C:\\\\Windows\\\\*.exe[1]")
    'C:\\\\Windows\\\\*.exe[[]1]'
    """
    return pattern.replace("[", "[[]")


def _literal(node: Any) -> str | None:
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)
