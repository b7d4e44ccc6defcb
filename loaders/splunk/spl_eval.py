"""Recursive-descent parser for SPL eval expressions (``| where``) and their predicate extraction.

Grammar (usual precedence; boolean keywords are case-insensitive in eval)::

    expr  := and ( ("OR"|"XOR") and )*
    and   := not ( "AND" not )*
    not   := "NOT" not | cmp
    cmp   := sum [ ("="|"=="|"!="|"<"|"<="|">"|">=") sum | "LIKE" sum | "IN" "(" args ")" ]
    sum   := prod ( ("+"|"-"|".") prod )*
    prod  := unary ( ("*"|"/"|"%") unary )*
    unary := "-" unary | "(" expr ")" | NAME "(" args ")" | NAME | NUMBER | STRING | 'FIELD'

Strings compare case-sensitively in ``where``; ``like()`` becomes a glob, ``match()`` a regex.

>>> [(p.field, p.operator.value, p.value, p.excluded) for p in where_predicates(
...     parse_eval('x=="a" AND NOT like(y, "%b_") OR isnull(z) AND lower(u)="v"'), "where")]
[('x', 'eq', 'a', False), ('y', 'wildcard', '*b?', True), ('z', 'null', None, False), \
('u', 'eq', 'v', False)]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from loaders.records import Operator, Predicate

from .spl_lexer import SplSyntaxError, Token, TokenCursor, strip_quotes, tokenize, unquote
from .spl_values import compare_operator, flip, like_to_glob

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)$")
_CASE_FOLD = frozenset({"lower", "upper"})


@dataclass(frozen=True, slots=True)
class Expr:
    kind: str  # or | and | not | cmp | like | in | call | field | str | num | arith
    text: str = ""  # operator, function name, field name or literal token text
    args: tuple[Expr, ...] = ()


class _EvalParser(TokenCursor):

    def _expect(self, kind: str) -> Token:
        if self.cur.kind != kind:
            raise SplSyntaxError(f"expected {kind}, found {self.cur.text or self.cur.kind!r}", self.cur.pos)
        return self._next()

    def expr(self) -> Expr:
        parts = [self.and_()]
        while self.cur.is_word("OR", "XOR"):
            self._next()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Expr("or", args=tuple(parts))

    def and_(self) -> Expr:
        parts = [self.not_()]
        while self.cur.is_word("AND"):
            self._next()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else Expr("and", args=tuple(parts))

    def not_(self) -> Expr:
        if self.cur.is_word("NOT"):
            self._next()
            return Expr("not", args=(self.not_(),))
        return self.cmp()

    def cmp(self) -> Expr:
        left = self.sum_()
        tok = self.cur
        if tok.kind == "OP" and tok.text in ("=", "==", "!=", "<", "<=", ">", ">="):
            self._next()
            return Expr("cmp", tok.text, (left, self.sum_()))
        if tok.is_word("LIKE"):
            self._next()
            return Expr("like", "like", (left, self.sum_()))
        if tok.is_word("IN"):
            self._next()
            return Expr("in", "in", (left, *self._args()))
        return left

    def sum_(self) -> Expr:
        left = self.prod()
        while self.cur.kind == "OP" and self.cur.text in ("+", "-", "."):
            op = self._next().text
            left = Expr("arith", op, (left, self.prod()))
        return left

    def prod(self) -> Expr:
        left = self.unary()
        while self.cur.kind == "OP" and self.cur.text in ("*", "/", "%"):
            op = self._next().text
            left = Expr("arith", op, (left, self.unary()))
        return left

    def unary(self) -> Expr:
        tok = self.cur
        if tok.kind == "OP" and tok.text in ("-", "+"):
            self._next()
            return Expr("arith", "neg", (self.unary(),))
        if tok.kind == "LP":
            self._next()
            inner = self.expr()
            self._expect("RP")
            return inner
        if tok.kind == "STRING":
            self._next()
            return Expr("str", tok.text)
        if tok.kind == "FIELD":
            self._next()
            return Expr("field", tok.text)
        if tok.kind == "WORD":
            self._next()
            if self.cur.kind == "LP":
                return Expr("call", tok.text.lower(), self._args())
            return Expr("num" if _NUMBER.match(tok.text) else "field", tok.text)
        raise SplSyntaxError(f"unexpected {tok.text or tok.kind!r} in expression", tok.pos)

    def _args(self) -> tuple[Expr, ...]:
        self._expect("LP")
        args: list[Expr] = []
        if self.cur.kind == "RP":
            self._next()
            return ()
        while True:
            args.append(self.expr())
            if self.cur.kind == "COMMA":
                self._next()
                continue
            self._expect("RP")
            return tuple(args)


def parse_eval(text: str) -> Expr:
    """Parse one eval expression; raises :class:`SplSyntaxError`."""
    p = _EvalParser(tokenize(text, "eval"))
    node = p.expr()
    if p.cur.kind != "EOF":
        raise SplSyntaxError(f"unexpected {p.cur.text!r} after expression", p.cur.pos)
    return node


def _field_of(e: Expr) -> tuple[str, bool] | None:
    """(field name, case folded?) when ``e`` is a field or ``lower(field)``/``upper(field)``."""
    if e.kind == "field":
        return e.text, False
    if e.kind == "call" and e.text in _CASE_FOLD and len(e.args) == 1 and e.args[0].kind == "field":
        return e.args[0].text, True
    return None


def _literal(e: Expr) -> str | None:
    if e.kind == "str":
        return unquote(e.text)
    if e.kind == "num":
        return e.text
    return None


def where_predicates(
    e: Expr, context: str, computed: frozenset[str] = frozenset(), negated: bool = False
) -> Iterator[Predicate]:
    """The predicate leaves of a ``where`` expression with their NOT parity."""
    if e.kind in ("or", "and"):
        for a in e.args:
            yield from where_predicates(a, context, computed, negated)
        return
    if e.kind == "not":
        yield from where_predicates(e.args[0], context, computed, not negated)
        return

    def make(
        field: str,
        op: Operator,
        value: str | None,
        raw: str | None,
        *,
        excl: bool = negated,
        cs: bool = True,
        mods: tuple[str, ...] = (),
    ) -> Predicate:
        ctx = "computed" if field in computed else context
        return Predicate(
            field, op, value, raw=raw, excluded=excl, case_sensitive=cs, modifiers=mods, context=ctx
        )

    if e.kind == "cmp":
        left, right = e.args
        op = e.text
        lf, rf = _field_of(left), _field_of(right)
        if lf is None and rf is not None:
            left, right, lf, rf, op = right, left, rf, None, flip(op)
        if lf is None:
            return
        field, folded = lf
        cmp = compare_operator(op)
        if rf is not None:  # field compared with another field
            if cmp is None:
                yield make(
                    field,
                    Operator.FIELDREF,
                    rf[0],
                    rf[0],
                    excl=negated != (op == "!="),
                    mods=("not_equal",) if op == "!=" else (),
                )
            return
        value = _literal(right)
        if value is None:
            return
        if cmp is not None:
            yield make(field, cmp, value, strip_quotes(right.text))
            return
        yield make(
            field,
            Operator.EQ,
            value,
            right.text,
            excl=negated != (op == "!="),
            cs=not folded,
            mods=("not_equal",) if op == "!=" else (),
        )
        return
    if e.kind == "like" or (e.kind == "call" and e.text == "like" and len(e.args) == 2):
        lf, pat = _field_of(e.args[0]), _literal(e.args[1])
        if lf is not None and pat is not None:
            op, value = like_to_glob(pat)
            yield make(lf[0], op, value, strip_quotes(e.args[1].text), cs=not lf[1], mods=("like",))
        return
    if e.kind == "in" or (e.kind == "call" and e.text == "in" and e.args):
        lf = _field_of(e.args[0])
        if lf is None:
            return
        for item in e.args[1:]:
            value = _literal(item)
            if value is not None:
                yield make(lf[0], Operator.EQ, value, strip_quotes(item.text), cs=not lf[1], mods=("in",))
            elif (rf := _field_of(item)) is not None:
                yield make(lf[0], Operator.FIELDREF, rf[0], rf[0], mods=("in",))
        return
    if e.kind == "call":
        yield from _call_predicates(e, make)


def _call_predicates(e: Expr, make: Callable[..., Predicate]) -> Iterator[Predicate]:
    name, args = e.text, e.args
    if name == "match" and len(args) == 2:
        lf, regex = _field_of(args[0]), _literal(args[1])
        if lf is not None and regex is not None:
            cs = not (lf[1] or regex.startswith("(?i)"))
            yield make(lf[0], Operator.REGEX_MATCH, regex, strip_quotes(args[1].text), cs=cs)
    elif name in ("isnull", "isnotnull") and len(args) == 1:
        lf = _field_of(args[0])
        if lf is not None:
            yield make(lf[0], Operator.NULL if name == "isnull" else Operator.EXISTS, None, None)
    elif name == "cidrmatch" and len(args) == 2:
        cidr, lf = _literal(args[0]), _field_of(args[1])
        if lf is not None and cidr is not None:
            yield make(lf[0], Operator.CIDR, cidr, strip_quotes(args[0].text))


def expr_has_filter(e: Expr) -> bool:
    """True when the expression compares or tests at least one field."""
    if e.kind in ("cmp", "like", "in"):
        return True
    if e.kind == "call" and e.text in (
        "like",
        "match",
        "in",
        "isnull",
        "isnotnull",
        "cidrmatch",
        "searchmatch",
    ):
        return True
    return e.kind in ("or", "and", "not") and any(expr_has_filter(a) for a in e.args)
