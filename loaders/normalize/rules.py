"""Convenience for the graph builder: every field predicate of a rule with its canonical field and key."""

from __future__ import annotations

from loaders.records import Predicate, Rule

from .fields import FieldNormalizer
from .indicators import IndicatorKey, indicator_key


def rule_indicators(
    rule: Rule, normalizer: FieldNormalizer
) -> tuple[tuple[Predicate, str, IndicatorKey], ...]:
    """``(predicate, canonical field, indicator key)`` for each predicate of ``rule`` that names a field.

    Keyword predicates (no field) are skipped; excluded predicates are kept (check ``predicate.excluded``).

    >>> from loaders.records import Operator, Vendor
    >>> r = Rule("elastic:x", Vendor.ELASTIC, "x", "t", "p",
    ...          predicates=(Predicate("process.name", Operator.EQ, "RCLONE.exe"),))
    >>> rule_indicators(r, FieldNormalizer())[0][1:]
    ('process.name', ('process.name', 'eq', 'rclone.exe'))
    """
    out = []
    for p in rule.predicates:
        if p.field:
            canon = normalizer.for_rule(rule, p.field)
            out.append((p, canon, indicator_key(rule.vendor, p, canon)))
    return tuple(out)
