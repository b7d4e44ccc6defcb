"""Recursive-descent parser for the SPL *search language* and its predicate extraction.

Used for the base search, ``| search`` and the ``where`` clause of ``tstats``/``mstats``.
Grammar (Splunk precedence: parentheses, NOT, OR, then AND, explicit or implicit)::

    expr    := orexpr ( ["AND"] orexpr )*
    orexpr  := unary ( "OR" unary )*
    unary   := "NOT" unary | atom
    atom    := "(" expr ")" | "[" subsearch "]" | ("TERM"|"CASE") "(" term ")"
             | term OP value | term "IN" "(" value ([","] value)* ")" | term
    term, value := WORD | STRING

Boolean operators are upper case only; a lower-case ``or`` is a search term, as in Splunk.

>>> [(p.field, p.operator.value, p.value, p.excluded) for p in search_predicates(
...     parse_search('a=1 NOT (b=*x* OR c IN (d, "e*")) mimikatz'), "search")]
[('a', 'eq', '1', False), ('b', 'wildcard', '*x*', True), ('c', 'eq', 'd', True), \
('c', 'wildcard', 'e*', True), (None, 'keyword', 'mimikatz', False)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from loaders.records import Operator, Predicate

from .spl_lexer import SplSyntaxError, Token, TokenCursor, strip_quotes, tokenize, unquote
from .spl_values import compare_operator, search_value

# Search-time modifiers: not event fields.
TIME_MODIFIERS = frozenset(
    {
        "earliest",
        "latest",
        "index_earliest",
        "index_latest",
        "_index_earliest",
        "_index_latest",
        "starttime",
        "endtime",
        "timeformat",
        "savedsearch",
        "savedsplunk",
    }
)


_TERM_WORD = re.compile(r"^(TERM|CASE)\((.+)\)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Node:
    kind: str  # and | or | not | cmp | in | kw | sub
    children: tuple[Node, ...] = ()
    field: str | None = None
    op: str = ""
    values: tuple[Token, ...] = ()
    case_sensitive: bool = False


class _SearchParser(TokenCursor):
    def __init__(self, tokens: list[Token], stop_words: frozenset[str]) -> None:
        super().__init__(tokens)
        self.stop = stop_words

    def _at_end(self) -> bool:
        tok = self.cur
        return tok.kind in ("EOF", "RP") or (tok.kind == "WORD" and tok.text.lower() in self.stop)

    def expr(self) -> Node:
        parts = [self.orexpr()]
        while not self._at_end():
            if self.cur.kind == "WORD" and self.cur.text == "AND":
                self._next()
            parts.append(self.orexpr())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def orexpr(self) -> Node:
        parts = [self.unary()]
        while self.cur.kind == "WORD" and self.cur.text == "OR":
            self._next()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def unary(self) -> Node:
        if self.cur.kind == "WORD" and self.cur.text == "NOT":
            self._next()
            return Node("not", (self.unary(),))
        return self.atom()

    def atom(self) -> Node:
        tok = self.cur
        if tok.kind == "LP":
            self._next()
            inner = _SearchParser(self.toks, frozenset())
            inner.i = self.i
            node = inner.expr()
            self.i = inner.i
            if self.cur.kind != "RP":
                raise SplSyntaxError("missing ')'", self.cur.pos)
            self._next()
            return node
        if tok.kind == "LB":
            self._skip_subsearch()
            return Node("sub")
        if tok.kind in ("WORD", "STRING"):
            self._next()
            if tok.kind == "WORD" and tok.text.upper() in ("TERM", "CASE") and self.cur.kind == "LP":
                self._next()
                term = self._next()
                if term.kind not in ("WORD", "STRING") or self.cur.kind != "RP":
                    raise SplSyntaxError(f"bad {tok.text}() term", tok.pos)
                self._next()
                return Node("kw", values=(term,), case_sensitive=tok.text.upper() == "CASE")
            if tok.kind == "WORD" and (m := _TERM_WORD.match(tok.text)):  # TERM(x) lexed as one word
                inner_tok = Token("WORD", m.group(2), tok.pos + len(m.group(1)) + 1)
                return Node("kw", values=(inner_tok,), case_sensitive=m.group(1).upper() == "CASE")
            if self.cur.kind == "OP":
                op = self._next().text
                val = self.cur
                if val.kind not in ("WORD", "STRING"):
                    raise SplSyntaxError(f"missing value after {tok.text}{op}", val.pos)
                self._next()
                return Node("cmp", field=unquote(tok.text), op=op, values=(val,))
            if self.cur.is_word("IN") and self.toks[self.i + 1].kind == "LP":
                self._next()
                self._next()
                vals: list[Token] = []
                while self.cur.kind != "RP":
                    v = self._next()
                    if v.kind == "COMMA":
                        continue
                    if v.kind not in ("WORD", "STRING"):
                        raise SplSyntaxError("bad IN list", v.pos)
                    vals.append(v)
                self._next()
                return Node("in", field=unquote(tok.text), values=tuple(vals))
            return Node("kw", values=(tok,))
        if tok.kind == "COMMA":  # stray separators are ignored by Splunk's search parser
            self._next()
            return Node("and")
        raise SplSyntaxError(f"unexpected {tok.text or tok.kind!s}", tok.pos)

    def _skip_subsearch(self) -> None:
        depth = 0
        while True:
            tok = self._next()
            if tok.kind == "EOF":
                raise SplSyntaxError("unterminated subsearch '['", tok.pos)
            depth += tok.kind == "LB"
            depth -= tok.kind == "RB"
            if depth == 0:
                return


def parse_search(text: str, stop_words: frozenset[str] = frozenset()) -> Node:
    """Parse a search-language expression; raises :class:`SplSyntaxError`."""
    tokens = tokenize(text, "search")
    node, rest = parse_search_prefix(tokens, 0, stop_words)
    if tokens[rest].kind != "EOF" and not stop_words:
        raise SplSyntaxError(f"unexpected {tokens[rest].text!r} after expression", tokens[rest].pos)
    return node


def parse_search_prefix(tokens: list[Token], start: int, stop_words: frozenset[str]) -> tuple[Node, int]:
    """Parse from ``tokens[start]`` up to a stop word (e.g. ``by``) or the end; return (node, next index)."""
    p = _SearchParser(tokens, stop_words)
    p.i = start
    if p._at_end():
        return Node("and"), p.i
    node = p.expr()
    if p.cur.kind == "RP":
        raise SplSyntaxError("unbalanced ')'", p.cur.pos)
    return node, p.i


def search_predicates(
    node: Node, context: str, computed: frozenset[str] = frozenset(), negated: bool = False
) -> Iterator[Predicate]:
    """The leaves of a parsed search with their NOT parity; ``computed`` fields get context ``computed``."""
    if node.kind in ("and", "or"):
        for child in node.children:
            yield from search_predicates(child, context, computed, negated)
    elif node.kind == "not":
        yield from search_predicates(node.children[0], context, computed, not negated)
    elif node.kind == "kw":
        tok = node.values[0]
        if tok.text == "*":  # matches every event: not a filter
            return
        yield Predicate(
            None,
            Operator.KEYWORD,
            unquote(tok.text),
            raw=strip_quotes(tok.text),
            excluded=negated,
            case_sensitive=node.case_sensitive,
            context=context,
        )
    elif node.kind in ("cmp", "in"):
        assert node.field is not None
        if node.field.lower() in TIME_MODIFIERS:
            return
        ctx = "computed" if node.field in computed else context
        if node.kind == "in":
            for tok in node.values:
                op, value = search_value(unquote(tok.text))
                yield Predicate(
                    node.field,
                    op,
                    value,
                    raw=strip_quotes(tok.text),
                    excluded=negated,
                    modifiers=("in",),
                    context=ctx,
                )
            return
        tok = node.values[0]
        text = unquote(tok.text)
        cmp = compare_operator(node.op)
        if cmp is not None:
            yield Predicate(node.field, cmp, text, raw=strip_quotes(tok.text), excluded=negated, context=ctx)
            return
        excluded = negated != (node.op == "!=")
        mods = ("not_equal",) if node.op == "!=" else ()
        if text == "*":
            yield Predicate(
                node.field,
                Operator.EXISTS,
                None,
                raw=strip_quotes(tok.text),
                excluded=excluded,
                modifiers=mods,
                context=ctx,
            )
            return
        op, value = search_value(text)
        yield Predicate(
            node.field, op, value, raw=strip_quotes(tok.text), excluded=excluded, modifiers=mods, context=ctx
        )


def has_filter(node: Node, ignore: frozenset[str] = frozenset()) -> bool:
    """True when the expression holds a comparison, IN list or search term (time modifiers and
    fields in ``ignore`` do not count)."""
    if node.kind == "kw":
        return node.values[0].text != "*"
    if node.kind in ("cmp", "in"):
        name = (node.field or "").lower()
        return name not in TIME_MODIFIERS and name not in ignore
    return any(has_filter(c, ignore) for c in node.children)
