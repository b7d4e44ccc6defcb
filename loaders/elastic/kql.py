"""KQL (Kibana "kuery") parser and predicate extractor.

The grammar lives in ``kql.lark`` and is compiled once, lazily (LALR).

Decisions recorded on the predicates:

* ``field:value`` with a quoted value is ``eq`` (a quoted ``*`` is literal);
  an unquoted value with an unescaped ``*`` is ``wildcard``; ``field:*`` is ``exists``;
  a value that looks like a CIDR network is ``cidr``; ranges give ``gt``/``gte``/``lt``/``lte``;
  a bare term is ``keyword`` with ``field=None``.
* KQL matches keyword fields case-sensitively, so every predicate is ``case_sensitive=True``
  (text fields are analyzed by Elasticsearch; the loader does not know field types).
* ``field:{ ... }`` (nested) prefixes inner fields with ``field.`` and sets ``context="nested"``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from ..errors import QueryParseError
from ..records import Operator, Predicate
from .values import glob_from_parts, is_cidr

_GRAMMAR = Path(__file__).with_name("kql.lark")
_RANGE_OPS = {">": Operator.GT, ">=": Operator.GTE, "<": Operator.LT, "<=": Operator.LTE}
_WS_ESCAPES = {"t": "\t", "r": "\r", "n": "\n"}
_UNICODE_RE = re.compile(r"[0-9A-Fa-f]{4}")


@functools.cache
def _parser() -> Lark:
    return Lark(_GRAMMAR.read_text(encoding="utf-8"), parser="lalr", maybe_placeholders=False)


def parse_tree(text: str) -> Tree:
    """Parse KQL text into a lark tree; raise :class:`QueryParseError` (with line) on bad input."""
    try:
        return _parser().parse(text)
    except UnexpectedInput as exc:
        snippet = (
            text.splitlines()[exc.line - 1][max(exc.column - 20, 0) : exc.column + 20] if exc.line > 0 else ""
        )
        raise QueryParseError(
            f"KQL syntax error at query line {exc.line} column {exc.column} near {snippet.strip()!r}",
            line=exc.line,
        ) from None
    except LarkError as exc:  # pragma: no cover - defensive
        raise QueryParseError(f"KQL parse error: {exc}") from None


def parse_kql(text: str, *, context: str = "") -> list[Predicate]:
    """Parse KQL and return its predicates in query order.

    >>> preds = parse_kql('a:"x*" and not b:(c* or 1.2.3.0/24)')
    >>> [(p.field, p.operator.value, p.value, p.excluded) for p in preds]
    [('a', 'eq', 'x*', False), ('b', 'wildcard', 'c*', True), ('b', 'cidr', '1.2.3.0/24', True)]
    """
    out: list[Predicate] = []
    _walk(parse_tree(text), out, negated=False, prefix="", context=context)
    return out


def _unquote(token: Any) -> tuple[str, list[tuple[str, bool]], bool]:
    """Return ``(literal, glob_parts, quoted)`` for a QUOTED or UNQUOTED token."""
    raw = str(token)
    if token.type == "QUOTED":
        body, quoted = raw[1:-1], True
    else:
        body, quoted = raw.strip(), False
    parts: list[tuple[str, bool]] = []
    literal: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in _WS_ESCAPES:
                text, i = _WS_ESCAPES[nxt], i + 2
            elif nxt == "u" and _UNICODE_RE.fullmatch(body[i + 2 : i + 6]):
                text, i = chr(int(body[i + 2 : i + 6], 16)), i + 6
            elif quoted and nxt not in '\\"':
                text, i = "\\", i + 1  # a quoted string keeps a backslash before other characters
            else:
                text, i = nxt, i + 2
            parts.append((text, False))
            literal.append(text)
        else:
            parts.append((ch, ch == "*" and not quoted))
            literal.append(ch)
            i += 1
    return "".join(literal), parts, quoted


def _field_name(tree: Tree, prefix: str) -> str:
    literal, _, _ = _unquote(tree.children[0])
    return f"{prefix}{literal}"


def _value_predicate(field: str | None, value: Tree, negated: bool, context: str) -> Predicate:
    token = value.children[0]
    literal, parts, quoted = _unquote(token)
    raw = str(token).strip()
    common: dict[str, Any] = {"raw": raw, "excluded": negated, "case_sensitive": True, "context": context}
    has_wild = any(wild for _, wild in parts)
    if field is not None and has_wild and literal == "*":
        return Predicate(field, Operator.EXISTS, None, **common)
    if field is None:
        return Predicate(None, Operator.KEYWORD, literal, **common)
    if has_wild:
        return Predicate(field, Operator.WILDCARD, glob_from_parts(parts), **common)
    if is_cidr(literal):
        return Predicate(field, Operator.CIDR, literal, **common)
    return Predicate(field, Operator.EQ, literal, modifiers=("quoted",) if quoted else (), **common)


def _walk(node: Tree | Token, out: list[Predicate], *, negated: bool, prefix: str, context: str) -> None:
    if not isinstance(node, Tree):
        return
    kind = node.data
    if kind == "not_":
        _walk(node.children[-1], out, negated=not negated, prefix=prefix, context=context)
    elif kind in ("or_", "and_", "start"):
        for child in node.children:
            _walk(child, out, negated=negated, prefix=prefix, context=context)
    elif kind == "nested":
        field = _field_name(node.children[0], prefix)
        _walk(node.children[1], out, negated=negated, prefix=f"{field}.", context=context or "nested")
    elif kind == "range":
        field_tree, op, value = node.children
        literal, _, _ = _unquote(value.children[0])
        out.append(
            Predicate(
                _field_name(field_tree, prefix),
                _RANGE_OPS[str(op)],
                literal,
                raw=f"{op}{str(value.children[0]).strip()}",
                excluded=negated,
                case_sensitive=True,
                context=context,
            )
        )
    elif kind == "field_value":
        field = _field_name(node.children[0], prefix)
        _walk_values(node.children[1], field, out, negated=negated, context=context)
    elif kind == "bare":
        out.append(_value_predicate(None, node.children[0], negated, context))


def _walk_values(node: Tree, field: str, out: list[Predicate], *, negated: bool, context: str) -> None:
    if node.data == "value":
        out.append(_value_predicate(field, node, negated, context))
    elif node.data == "not_":
        _walk_values(node.children[-1], field, out, negated=not negated, context=context)
    else:
        for child in node.children:
            if isinstance(child, Tree):
                _walk_values(child, field, out, negated=negated, context=context)
