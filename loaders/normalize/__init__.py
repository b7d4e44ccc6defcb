"""Cross-vendor normalization: canonical fields, indicator identity and the event catalog.

Public API (data loads lazily, once per process, from ``loaders/data``)::

    FieldNormalizer().canonical(vendor, field, *, logsource=()) -> str
    FieldNormalizer().for_rule(rule, field) -> str
    FieldNormalizer().describe(canonical_field) -> Field; .documented() -> tuple[Field, ...]
    indicator_key(vendor, predicate, canonical_field) -> (canonical_field, operator, value)
    rule_indicators(rule, normalizer) -> ((predicate, canonical_field, key), ...)
    EventCatalog().events() / .get(id) / .events_for_rule(rule) / .events_for_attack_logsource(name, channel)
"""

from .events import EventCatalog
from .fields import FieldNormalizer, is_unmapped
from .indicators import IndicatorKey, indicator_key
from .rules import rule_indicators

__all__ = [
    "EventCatalog",
    "FieldNormalizer",
    "IndicatorKey",
    "indicator_key",
    "is_unmapped",
    "rule_indicators",
]
