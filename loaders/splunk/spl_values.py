"""Turn SPL literal values into the shared predicate value conventions (see ``loaders/records.py``)."""

from __future__ import annotations

from loaders.records import Operator

_GLOB_ESCAPES = {"?": "[?]", "[": "[[]"}
_LIKE_ESCAPES = {"*": "[*]", "?": "[?]", "[": "[[]", "%": "*", "_": "?"}


def search_value(text: str) -> tuple[Operator, str]:
    """A search-language value (escapes already resolved): ``*`` is SPL's only wildcard.

    >>> search_value("*\\\\cmd.exe")
    (<Operator.WILDCARD: 'wildcard'>, '*\\\\cmd.exe')
    >>> search_value("a?b")
    (<Operator.EQ: 'eq'>, 'a?b')
    >>> search_value("a?b*")
    (<Operator.WILDCARD: 'wildcard'>, 'a[?]b*')
    """
    if "*" not in text:
        return Operator.EQ, text
    return Operator.WILDCARD, "".join(_GLOB_ESCAPES.get(c, c) for c in text)


def like_to_glob(pattern: str) -> tuple[Operator, str]:
    """An eval ``like()`` pattern (``%`` any run, ``_`` one character) as a glob.

    >>> like_to_glob("%\\\\Temp\\\\%.exe")
    (<Operator.WILDCARD: 'wildcard'>, '*\\\\Temp\\\\*.exe')
    >>> like_to_glob("a*b")
    (<Operator.EQ: 'eq'>, 'a*b')
    """
    if "%" not in pattern and "_" not in pattern:
        return Operator.EQ, pattern
    return Operator.WILDCARD, "".join(_LIKE_ESCAPES.get(c, c) for c in pattern)


def compare_operator(op: str) -> Operator | None:
    return {"<": Operator.LT, "<=": Operator.LTE, ">": Operator.GT, ">=": Operator.GTE}.get(op)


def flip(op: str) -> str:
    """The operator with its operands swapped (``5 < x`` is ``x > 5``)."""
    return {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
