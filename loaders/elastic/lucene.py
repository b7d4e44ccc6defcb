"""Lucene query_string rules: the KQL grammar first, luqum when KQL syntax does not fit.

Lucene ``query_string`` is case-sensitive on keyword fields like KQL; lowercase ``or``/``and``
are plain terms in Lucene, but under the default OR operator they behave like ``or`` here.
"""

from __future__ import annotations

from typing import Any

from ..errors import QueryParseError
from ..records import Operator, Predicate
from .kql import parse_kql
from .values import glob_literal, is_cidr


def parse_lucene(text: str) -> list[Predicate]:
    """Predicates of a Lucene query: KQL grammar when it parses, else luqum."""
    try:
        return parse_kql(text)
    except QueryParseError as kql_error:
        try:
            from luqum.exceptions import ParseError
            from luqum.parser import parser
        except ImportError:  # pragma: no cover - luqum is a declared dependency
            raise kql_error from None
        try:
            tree = parser.parse(text)
        except (ParseError, Exception) as exc:  # luqum raises several exception types
            raise QueryParseError(f"Lucene syntax error: {exc}") from None
        out: list[Predicate] = []
        _walk(tree, None, False, out)
        return out


def _term(field: str | None, node: Any, negated: bool) -> Predicate:
    from luqum.tree import Phrase, Regex

    raw = str(node)
    common: dict[str, Any] = {"raw": raw, "excluded": negated, "case_sensitive": True, "context": "lucene"}
    if isinstance(node, Regex):
        return Predicate(field, Operator.REGEX_MATCH, raw.strip("/"), **common)
    if isinstance(node, Phrase):
        value = raw[1:-1].replace('\\"', '"')
        return Predicate(field, Operator.EQ if field else Operator.KEYWORD, value, **common)
    if field is None:
        return Predicate(None, Operator.KEYWORD, raw, **common)
    if raw == "*":
        return Predicate(field, Operator.EXISTS, None, **common)
    if "*" in raw or "?" in raw:
        glob = "".join(glob_literal(ch) if ch == "[" else ch for ch in raw)
        return Predicate(field, Operator.WILDCARD, glob, **common)
    if is_cidr(raw):
        return Predicate(field, Operator.CIDR, raw, **common)
    return Predicate(field, Operator.EQ, raw, **common)


def _walk(node: Any, field: str | None, negated: bool, out: list[Predicate]) -> None:
    from luqum.tree import Not, Phrase, Prohibit, Regex, SearchField, Term, Word

    if isinstance(node, SearchField):
        name = node.name if field is None else f"{field}.{node.name}"
        _walk(node.expr, name, negated, out)
    elif isinstance(node, (Not, Prohibit)):
        _walk(node.a, field, not negated, out)
    elif isinstance(node, Word) and str(node).lower() in ("or", "and"):
        return  # lowercase operators written KQL-style
    elif isinstance(node, (Word, Phrase, Regex, Term)):
        out.append(_term(field, node, negated))
    else:
        for child in node.children:
            _walk(child, field, negated, out)
