"""pySigma value objects -> (operator, normalized value, case sensitivity).

Escaping is the one pySigma applies, which follows the Sigma specification: a backslash
escapes ``*``, ``?`` and itself; before any other character it is a plain backslash. So
``C:\\dir\\*`` is ``C:\\dir`` followed by a *literal* star, and ``C:\\dir\\\\*`` is
``C:\\dir\\`` followed by a wildcard. The glob form writes literal ``*``/``?``/``[`` as
``[*]``/``[?]``/``[[]``; a backslash is always literal.

>>> from sigma.types import SigmaString
>>> glob(SigmaString(r"C:\\dir\\\\*"))
'C:\\\\dir\\\\*'
>>> glob(SigmaString(r"a[1]\\*?"))
'a[[]1][*]?'
"""

from __future__ import annotations

from typing import cast

from sigma.types import (
    CompareOperators,
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaType,
    SpecialChars,
)

from loaders.records import Operator

_GLOB_ESCAPES = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})
_COMPARE = {
    CompareOperators.GT: Operator.GT,
    CompareOperators.GTE: Operator.GTE,
    CompareOperators.LT: Operator.LT,
    CompareOperators.LTE: Operator.LTE,
}


_MULTI = SpecialChars.WILDCARD_MULTI
_SINGLE = SpecialChars.WILDCARD_SINGLE


def _render(value: SigmaString, as_glob: bool) -> str:
    out: list[str] = []
    for part in value.s:
        if part.__class__ is str:
            out.append(part.translate(_GLOB_ESCAPES) if as_glob else part)
        elif part is _MULTI:
            out.append("*")
        elif part is _SINGLE:
            out.append("?")
        elif isinstance(part, Placeholder):
            out.append(f"%{part.name}%")
        elif isinstance(part, str):  # pragma: no cover - str subclass
            out.append(part.translate(_GLOB_ESCAPES) if as_glob else part)
        else:  # pragma: no cover
            raise TypeError(f"unexpected SigmaString part {part!r}")
    return "".join(out)


def glob(value: SigmaString) -> str:
    """The fnmatch-style glob of a Sigma string (see module docstring)."""
    return _render(value, True)


def literal(value: SigmaString) -> str:
    """The plain text of a Sigma string without wildcards (placeholders as ``%name%``)."""
    return _render(value, False)


def has_wildcard(value: SigmaString) -> bool:
    return any(part is _MULTI or part is _SINGLE for part in value.s)


def has_placeholder(value: SigmaType) -> bool:
    if isinstance(value, SigmaString):
        return any(isinstance(part, Placeholder) for part in value.s)
    if isinstance(value, SigmaRegularExpression):
        return has_placeholder(value.regexp)
    return False


def authored(value: SigmaType | None) -> str | None:
    """The value as the author wrote it (before modifiers), for ``Predicate.raw``."""
    if value is None:
        return None
    if value.__class__ is SigmaString or isinstance(value, SigmaString):
        return value.original if value.original is not None else literal(value)
    if isinstance(value, SigmaNull):
        return None
    if isinstance(value, SigmaBool):
        return "true" if value.boolean else "false"
    if isinstance(value, SigmaNumber):
        return str(value.number)
    return str(value)


def classify(value: SigmaType, *, keyword: bool = False) -> tuple[Operator, str | None, bool, bool]:
    """Return ``(operator, normalized value, case_sensitive, negate)`` for one modified value.

    ``negate`` is True for ``|exists: false``, which is represented as an excluded ``exists``.
    """
    cls = value.__class__
    if cls is SigmaString or isinstance(value, SigmaString):
        string = cast(SigmaString, value)  # the class test above is a fast path for isinstance
        cased = cls is SigmaCasedString or (cls is not SigmaString and isinstance(value, SigmaCasedString))
        parts = string.s
        if len(parts) == 1 and parts[0].__class__ is str:  # the common plain value
            wildcard, text = False, cast(str, parts[0])
        else:
            wildcard = has_wildcard(string)
            text = glob(string) if wildcard else literal(string)
        if keyword:
            return Operator.KEYWORD, text, cased, False
        return (Operator.WILDCARD if wildcard else Operator.EQ), text, cased, False
    if isinstance(value, SigmaRegularExpression):
        ignore_case = SigmaRegularExpressionFlag.IGNORECASE in value.flags
        return Operator.REGEX_MATCH, value.regexp.to_plain(regex=True), not ignore_case, False
    if isinstance(value, SigmaCIDRExpression):
        return Operator.CIDR, value.cidr, False, False
    if isinstance(value, SigmaCompareExpression):
        op = _COMPARE.get(value.op, Operator.EQ)
        return op, str(value.number.number), False, False
    if isinstance(value, SigmaFieldReference):
        return Operator.FIELDREF, value.field, False, False
    if isinstance(value, SigmaExists):
        return Operator.EXISTS, None, False, not value.exists
    if isinstance(value, SigmaNull):
        return Operator.NULL, None, False, False
    if isinstance(value, SigmaBool):
        text = "true" if value.boolean else "false"
        return (Operator.KEYWORD if keyword else Operator.EQ), text, False, False
    if isinstance(value, SigmaNumber):
        return (Operator.KEYWORD if keyword else Operator.EQ), str(value.number), False, False
    if isinstance(value, SigmaExpansion):  # pragma: no cover - expanding modifiers are undone upstream
        return classify(value.values[0], keyword=keyword)
    return (Operator.KEYWORD if keyword else Operator.EQ), str(value), False, False
