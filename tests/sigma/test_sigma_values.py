from __future__ import annotations

import pytest
from sigma.types import SigmaString

from loaders.records import Operator
from loaders.sigma.values import classify, glob


@pytest.mark.parametrize(
    ("authored", "operator", "value"),
    [
        # Sigma specification, "Escaping": a backslash escapes *, ? and itself only.
        (r"C:\dir\*", Operator.EQ, "C:\\dir*"),  # \* is a literal star
        (r"C:\dir\\*", Operator.WILDCARD, "C:\\dir\\*"),  # \\* is a backslash, then a wildcard
        (r"C:\dir\\\*", Operator.EQ, "C:\\dir\\*"),  # \\\* is a backslash and a literal star
        (r"C:\\\\share", Operator.EQ, "C:\\\\share"),  # four backslashes are two
        (r"C:\plain\path", Operator.EQ, "C:\\plain\\path"),  # lone backslashes stay
        (r"what\?now?", Operator.WILDCARD, "what[?]now?"),
        ("[x]*", Operator.WILDCARD, "[[]x]*"),
        ("a*b?c", Operator.WILDCARD, "a*b?c"),
        ("trailing\\", Operator.EQ, "trailing\\"),
    ],
)
def test_escaping_follows_the_sigma_specification(authored: str, operator: Operator, value: str) -> None:
    op, text, cased, negate = classify(SigmaString(authored))
    assert (op, text, cased, negate) == (operator, value, False, False)


def test_glob_escapes_literal_glob_characters() -> None:
    assert glob(SigmaString(r"\*\?[a]*")) == "[*][?][[]a]*"


def test_keyword_keeps_its_glob() -> None:
    assert classify(SigmaString("sekurlsa::*"), keyword=True) == (
        Operator.KEYWORD,
        "sekurlsa::*",
        False,
        False,
    )
