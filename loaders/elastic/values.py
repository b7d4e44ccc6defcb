"""Small value helpers shared by the KQL, EQL and ES|QL walkers."""

from __future__ import annotations

import re

_GLOB_LITERALS = {"*": "[*]", "?": "[?]", "[": "[[]"}
_CIDR_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)/\d{1,3}$")


def glob_literal(text: str) -> str:
    """Escape ``text`` so that it matches itself as an fnmatch-style glob.

    >>> glob_literal("a*b?[c]")
    'a[*]b[?][[]c]'
    """
    return "".join(_GLOB_LITERALS.get(ch, ch) for ch in text)


def glob_from_parts(parts: list[tuple[str, bool]]) -> str:
    """Build a glob from ``(text, is_wildcard)`` pieces; wildcard pieces are kept, others escaped.

    >>> glob_from_parts([("*", True), ("a*", False), ("?", True)])
    '*a[*]?'
    """
    return "".join(text if wild else glob_literal(text) for text, wild in parts)


def is_cidr(text: str) -> bool:
    """True when ``text`` looks like an IPv4/IPv6 network in CIDR notation.

    >>> is_cidr("10.0.0.0/8"), is_cidr("FE80::/10"), is_cidr("a/b")
    (True, True, False)
    """
    return bool(_CIDR_RE.match(text))


def tactic_shortname(name: str) -> str:
    """ATT&CK tactic shortname from its display name.

    >>> tactic_shortname("Command and Control")
    'command-and-control'
    """
    return "-".join(name.strip().lower().split())
