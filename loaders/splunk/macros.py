"""Comment stripping and recursive backtick-macro expansion.

>>> m = {"sysmon": SplunkMacro("sysmon", "source=Sysmon", "m"),
...      "f(1)": SplunkMacro("f", "x=$a$ `sysmon`", "m", ("a",))}
>>> r = expand_macros("`f(1)` ```note``` | `g_filter` | `drop_dm_object_name(P)`", m)
>>> r.text, r.used, r.undefined_filters, r.undefined
('x=1 source=Sysmon  |  | ', ('f(1)', 'sysmon'), ('g_filter',), ('drop_dm_object_name(1)',))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .models import SplunkMacro

MAX_DEPTH = 25
MAX_LENGTH = 200_000

_COMMENT = re.compile(r"```.*?```", re.DOTALL)


class MacroError(ValueError):
    """A search whose macros cannot be expanded (unbalanced backticks, recursion, size)."""


def strip_comments(text: str) -> str:
    """Remove SPL ```` ```comments``` ````; an unterminated comment runs to the end of the text.

    >>> strip_comments("a ```b``` c ```d")
    'a  c '
    """
    text = _COMMENT.sub("", text)
    cut = text.find("```")
    return text if cut < 0 else text[:cut]


@dataclass(slots=True)
class Expansion:
    text: str
    used: tuple[str, ...] = ()  # keys of the defined macros expanded, first use order
    undefined_filters: tuple[str, ...] = ()  # undefined *_filter hooks, expanded to nothing
    undefined: tuple[str, ...] = ()  # other undefined macros, expanded to nothing


@dataclass(slots=True)
class _State:
    used: dict[str, None] = field(default_factory=dict)
    filters: dict[str, None] = field(default_factory=dict)
    undefined: dict[str, None] = field(default_factory=dict)


def split_args(text: str) -> list[str]:
    """Split macro call arguments on top-level commas (outside quotes and parentheses).

    >>> split_args('a, "b,c", f(d, e)')
    ['a', '"b,c"', 'f(d, e)']
    """
    args: list[str] = []
    depth = 0
    quote = False
    start = 0
    for i, c in enumerate(text):
        if c == '"' and (i == 0 or text[i - 1] != "\\"):
            quote = not quote
        elif not quote and c == "(":
            depth += 1
        elif not quote and c == ")":
            depth -= 1
        elif not quote and depth == 0 and c == ",":
            args.append(text[start:i].strip())
            start = i + 1
    args.append(text[start:].strip())
    return args


_CALL = re.compile(r"\s*([A-Za-z0-9_.:\-]+)\s*(?:\((.*)\))?\s*$", re.DOTALL)


def _call(body: str, macros: Mapping[str, SplunkMacro], state: _State, depth: int) -> str:
    m = _CALL.match(body)
    if m is None:
        raise MacroError(f"not a macro call: `{body[:60]}`")
    name, argtext = m.group(1), m.group(2)
    args = split_args(argtext) if argtext is not None and argtext.strip() else []
    key = f"{name}({len(args)})" if args else name
    macro = macros.get(key)
    if macro is None:
        if name.endswith("_filter"):
            state.filters[key] = None
        else:
            state.undefined[key] = None
        return ""
    state.used[key] = None
    definition = macro.definition
    named = dict(a.split("=", 1) for a in args if "=" in a.split("(")[0])
    if args and len(named) == len(args) and set(named) == set(macro.arguments):
        values = [named[a].strip() for a in macro.arguments]
    else:
        values = args
    for argname, value in zip(macro.arguments, values, strict=True):
        definition = definition.replace(f"${argname}$", value)
    return _expand(strip_comments(definition), macros, state, depth + 1)


def _expand(text: str, macros: Mapping[str, SplunkMacro], state: _State, depth: int) -> str:
    """Replace each `call` outside double-quoted strings (a quoted backtick is a literal character)."""
    if depth > MAX_DEPTH:
        raise MacroError(f"macro recursion deeper than {MAX_DEPTH}")
    if "`" not in text:
        return text
    out: list[str] = []
    size = 0
    i = start = 0
    n = len(text)
    in_quote = False
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            in_quote = not in_quote
        elif c == "`" and not in_quote:
            end = text.find("`", i + 1)
            if end < 0:
                raise MacroError(f"unbalanced backtick at offset {i}")
            out.append(text[start:i])
            part = _call(text[i + 1 : end], macros, state, depth)
            out.append(part)
            size += i - start + len(part)
            if size > MAX_LENGTH:
                raise MacroError(f"macro expansion longer than {MAX_LENGTH} characters")
            i = start = end + 1
            continue
        i += 1
    out.append(text[start:])
    return "".join(out)


def expand_macros(search: str, macros: Mapping[str, SplunkMacro]) -> Expansion:
    """Strip comments, then expand every backtick macro recursively; raises :class:`MacroError`."""
    state = _State()
    text = _expand(strip_comments(search), macros, state, 0)
    return Expansion(text, tuple(state.used), tuple(state.filters), tuple(state.undefined))
