"""SPL tokenizer and pipeline splitter.

Two lexing modes share one scanner:

* ``search`` mode (base search, ``| search``, ``tstats … where``): a word is any run of characters
  other than whitespace and ``()[],"|=<>`` (``!`` only when it starts ``!=``); ``'`` is an ordinary
  character.
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


_SEARCH_SPECIAL = set('()[],"|=<> \t\r\n')
_SEARCH_OPS = ("!=", "==", "<=", ">=", "=", "<", ">")
_EVAL_OPS = ("!=", "==", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%")


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


def tokenize(text: str, mode: str = "search") -> list[Token]:
    """Tokenize ``text``; the list always ends with an ``EOF`` token."""
    out: list[Token] = []
    i = 0
    n = len(text)
    single = {"(": "LP", ")": "RP", "[": "LB", "]": "RB", ",": "COMMA"}
    ops = _SEARCH_OPS if mode == "search" else _EVAL_OPS
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
        if mode == "eval" and c == "'":
            j = _read_string(text, i, "'")
            out.append(Token("FIELD", text[i + 1 : j - 1], i))
            i = j
            continue
        op = next((o for o in ops if text.startswith(o, i)), None)
        if op is not None:
            if mode == "eval" and op in "+-" and i + 1 < n and text[i + 1].isdigit() and _unary_ok(out):
                m = _eval_word().match(text, i + 1)
                assert m is not None
                out.append(Token("WORD", text[i : m.end()], i))
                i = m.end()
                continue
            out.append(Token("OP", op, i))
            i += len(op)
            continue
        if mode == "search":
            j = i
            while j < n:
                ch = text[j]
                if ch == "\\":  # an escaped character belongs to the word
                    j += 2
                    continue
                if ch == "(" and j > i and (close := _inner_parens(text, j)) > 0:
                    j = close  # "*GetCurrent()*": parentheses inside a term belong to it
                    continue
                if ch in _SEARCH_SPECIAL or (ch == "!" and text.startswith("!=", j)):
                    break
                j += 1
            if j == i:  # a lone "!" not followed by "="
                j = i + 1
            out.append(Token("WORD", text[i:j], i))
            i = j
            continue
        m = _eval_word().match(text, i)
        if m is None or m.end() == i:
            raise SplSyntaxError(f"unexpected character {c!r} in expression", i)
        word = m.group(0)
        out.append(Token("OP" if word == "." else "WORD", word, i))
        i = m.end()
    out.append(Token("EOF", "", n))
    return out


def _inner_parens(text: str, j: int) -> int:
    """Index past the ``)`` closing ``text[j]``, or 0 when the group holds a blank, quote, ``=`` or comma."""
    k = j + 1
    while k < len(text):
        ch = text[k]
        if ch == ")":
            return k + 1
        if ch.isspace() or ch in '"=,()[]|':
            return 0
        k += 1
    return 0


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
