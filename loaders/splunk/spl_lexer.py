"""SPL tokenizer and pipeline splitter.

Two lexing modes:

* ``search`` mode (base search, ``| search``, ``tstats … where``), one compiled regex: a word is any
  run of characters other than whitespace and ``()[],"|=<>`` (``!`` only when it starts ``!=``; a
  backslash escapes the next character; ``(…)`` without blanks inside a word belongs to it, as in
  ``*GetCurrent()*``); ``'`` is an ordinary character.
* ``eval`` mode (``| where``): words are identifiers/numbers, ``'…'`` is a quoted field name and
  ``+ - * / %`` are operators.

>>> [t.text for t in tokenize('a=*x* OR b IN ("c", d)')][:-1]
['a', '=', '*x*', 'OR', 'b', 'IN', '(', '"c"', ',', 'd', ')']
>>> split_pipeline('x | rex "a|b" | eval y=[search z | head 1]')
['x ', ' rex "a|b" ', ' eval y=[search z | head 1]']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


class SplSyntaxError(ValueError):
    """A search the grammar cannot accept; ``pos`` is an offset into the text parsed."""

    def __init__(self, message: str, pos: int | None = None) -> None:
        self.pos = pos
        super().__init__(message if pos is None else f"{message} (at offset {pos})")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # WORD | STRING | FIELD (eval 'quoted') | OP | LP | RP | LB | RB | COMMA | EOF
    text: str
    pos: int

    def is_word(self, *words: str) -> bool:
        """Case-insensitive keyword test (``and`` for ``AND`` etc.)."""
        return self.kind == "WORD" and self.text.upper() in words


_EVAL_OPS = ("!=", "==", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%")


class TokenCursor:
    """A position in a token list, shared by the search and eval parsers."""

    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.i = 0

    @property
    def cur(self) -> Token:
        return self.toks[self.i]

    def _next(self) -> Token:
        tok = self.toks[self.i]
        if tok.kind != "EOF":
            self.i += 1
        return tok


@cache
def _eval_word() -> re.Pattern[str]:
    return re.compile(r"[A-Za-z0-9_.:@{}$#&\\]+")


def _read_string(text: str, i: int, quote: str) -> int:
    """Return the index just past the closing quote of the string starting at ``text[i]``."""
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\" and j + 1 < n:
            j += 2
            continue
        if c == quote:
            return j + 1
        j += 1
    raise SplSyntaxError(f"unterminated {quote}-quoted string", i)


_WORD_CHAR = r"""(?:\\.|[^\s()\[\],"|=<>!\\]|!(?!=))"""


@cache
def _search_re() -> re.Pattern[str]:
    return re.compile(
        r"""\s*(?:(?P<STRING>"(?:\\.|[^"\\])*")|(?P<SINGLE>[()\[\],])|(?P<OP>!=|==|<=|>=|=|<|>)"""
        rf"""|(?P<WORD>{_WORD_CHAR}(?:{_WORD_CHAR}|\([^\s"=,()\[\]|]*\))*|!|\\|\|))""",
        re.DOTALL,
    )


def _tokenize_search(text: str) -> list[Token]:
    single = {"(": "LP", ")": "RP", "[": "LB", "]": "RB", ",": "COMMA"}
    out: list[Token] = []
    pos = 0
    n = len(text)
    match = _search_re().match
    while pos < n:
        m = match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            if text[start] == '"':
                raise SplSyntaxError('unterminated "-quoted string', start)
            raise SplSyntaxError(f"unexpected character {text[start]!r}", start)
        kind = m.lastgroup
        assert kind is not None
        tok = m.group(kind)
        start = m.start(kind)
        out.append(Token(single[tok] if kind == "SINGLE" else kind, tok, start))
        pos = m.end()
    out.append(Token("EOF", "", n))
    return out


def tokenize(text: str, mode: str = "search") -> list[Token]:
    """Tokenize ``text``; the list always ends with an ``EOF`` token."""
    if mode == "search":
        return _tokenize_search(text)
    out: list[Token] = []
    i = 0
    n = len(text)
    single = {"(": "LP", ")": "RP", "[": "LB", "]": "RB", ",": "COMMA"}
    ops = _EVAL_OPS
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in single:
            out.append(Token(single[c], c, i))
            i += 1
            continue
        if c == '"':
            j = _read_string(text, i, '"')
            out.append(Token("STRING", text[i:j], i))
            i = j
            continue
        if c == "'":
            j = _read_string(text, i, "'")
            out.append(Token("FIELD", text[i + 1 : j - 1], i))
            i = j
            continue
        op = next((o for o in ops if text.startswith(o, i)), None)
        if op is not None:
            if op in "+-" and i + 1 < n and text[i + 1].isdigit() and _unary_ok(out):
                m = _eval_word().match(text, i + 1)
                assert m is not None
                out.append(Token("WORD", text[i : m.end()], i))
                i = m.end()
                continue
            out.append(Token("OP", op, i))
            i += len(op)
            continue
        m = _eval_word().match(text, i)
        if m is None or m.end() == i:
            raise SplSyntaxError(f"unexpected character {c!r} in expression", i)
        word = m.group(0)
        if word.startswith(".") and not word[1:2].isdigit():  # "a".b is the concatenation of "a" and b
            out.append(Token("OP", ".", i))
            word, i = word[1:], i + 1
            if not word:
                continue
        out.append(Token("WORD", word, i))
        i = m.end()
    out.append(Token("EOF", "", n))
    return out


def _unary_ok(out: list[Token]) -> bool:
    return not out or out[-1].kind in ("OP", "LP", "COMMA")


def split_pipeline(text: str) -> list[str]:
    """Split a search on top-level ``|`` (outside double quotes and ``[subsearch]`` brackets)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            try:
                i = _read_string(text, i, '"')
            except SplSyntaxError:
                raise SplSyntaxError("unterminated double-quoted string", i) from None
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth = max(depth - 1, 0)
        elif c == "|" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def unquote(token_text: str) -> str:
    """Strip the double quotes of a STRING token and resolve SPL escapes ``\\\\`` and ``\\"``.

    Any other backslash stays as written.

    >>> unquote(r'"C:\\\\Windows\\\\*"')
    'C:\\\\Windows\\\\*'
    >>> unquote('plain')
    'plain'
    """
    body = token_text[1:-1] if len(token_text) >= 2 and token_text[0] == token_text[-1] == '"' else token_text
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and body[i + 1] in '\\"':
            out.append(body[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def strip_quotes(token_text: str) -> str:
    """The authored value for display: outer double quotes removed, escapes kept as written."""
    if len(token_text) >= 2 and token_text[0] == token_text[-1] == '"':
        return token_text[1:-1]
    return token_text
