"""What the graph builder needs from field normalization and the event catalog.

The real implementation lives in ``loaders.normalize`` (generated mappings, event catalog);
:class:`PassThrough` keeps vendor spellings as they are and is used for tiny test graphs.
"""

from __future__ import annotations

from typing import Protocol

from loaders.records import Event, Field, Predicate, Rule, Technique

KEYWORD_FIELD = "keyword"


class Normalizer(Protocol):
    def field(self, rule: Rule, predicate: Predicate) -> str:
        """Canonical field of a predicate (vendor-qualified when unmapped)."""

    def indicator(self, rule: Rule, predicate: Predicate, field: str) -> tuple[str, str, str | None]:
        """(canonical field, operator, normalized value) identifying the indicator."""

    def events(self, rule: Rule) -> tuple[str, ...]:
        """Catalog event ids the rule observes."""

    def recommended_events(self, technique: Technique) -> tuple[str, ...]:
        """Catalog event ids ATT&CK's analytics recommend for the technique."""

    def event_records(self) -> dict[str, Event]:
        """The event catalog."""

    def describe_field(self, field: str) -> Field:
        """The Field record (vendor spellings) of a canonical field."""


class PassThrough:
    """Identity normalization: ``<vendor>:<field>`` fields, values as given, no events.

    >>> from loaders.records import Operator, Vendor
    >>> rule = Rule(uid="sigma:r1", vendor=Vendor.SIGMA, native_id="r1", title="t", path="p")
    >>> pred = Predicate(field="Image", operator=Operator.WILDCARD, value="*\\\\X.exe")
    >>> n = PassThrough()
    >>> n.field(rule, pred), n.indicator(rule, pred, "sigma:Image")
    ('sigma:Image', ('sigma:Image', 'wildcard', '*\\\\x.exe'))
    """

    def field(self, rule: Rule, predicate: Predicate) -> str:
        if predicate.field is None:
            return KEYWORD_FIELD
        return f"{rule.vendor.value}:{predicate.field}"

    def indicator(self, rule: Rule, predicate: Predicate, field: str) -> tuple[str, str, str | None]:
        value = predicate.value
        if value is not None and not predicate.case_sensitive:
            value = value.lower()
        return field, predicate.operator.value, value

    def events(self, rule: Rule) -> tuple[str, ...]:
        return tuple(v for k, v in rule.logsource if k == "event")

    def recommended_events(self, technique: Technique) -> tuple[str, ...]:
        return ()

    def event_records(self) -> dict[str, Event]:
        return {}

    def describe_field(self, field: str) -> Field:
        return Field(id=field, canonical=False)
