"""What the graph builder needs from field normalization and the event catalog.

The real implementation lives in ``loaders.normalize`` (generated mappings, event catalog);
:class:`PassThrough` keeps vendor spellings as they are and is used for tiny test graphs.
"""

from __future__ import annotations

from typing import Protocol

from loaders.records import Event, Field, Predicate, Rule, Technique

KEYWORD_FIELD = "keyword"

# Fields that select which events a rule looks at (log type, OS, event code) rather than what it detects.
# The guide lists them apart, like Sigma's logsource, so they don't crowd out the detection logic.
SELECTOR_FIELDS = frozenset({
    "event.category", "event.type", "event.kind", "event.module", "event.dataset", "event.code",
    "data_stream.dataset", "data_stream.namespace", "data_stream.type", "host.os.type", "host.os.family",
    "host.os.platform", "host.os.name", "winlog.channel", "winlog.provider_name", "splunk:index",
    "splunk:source", "splunk:eventtype", "splunk:sourcetype",
})


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


class CorpusNormalizer:
    """The real normalization: generated field mappings and the event catalog of ``loaders.normalize``."""

    def __init__(self) -> None:
        from loaders.normalize import EventCatalog, FieldNormalizer, indicator_key

        self.fields = FieldNormalizer()
        self.catalog = EventCatalog()
        self._indicator_key = indicator_key

    def field(self, rule: Rule, predicate: Predicate) -> str:
        if predicate.field is None:
            return KEYWORD_FIELD
        return self.fields.for_rule(rule, predicate.field)

    def indicator(self, rule: Rule, predicate: Predicate, field: str) -> tuple[str, str, str | None]:
        return self._indicator_key(rule.vendor, predicate, field)

    def events(self, rule: Rule) -> tuple[str, ...]:
        return self.catalog.events_for_rule(rule)

    def recommended_events(self, technique: Technique) -> tuple[str, ...]:
        refs = {(ls.name, ls.channel) for s in technique.detection_strategies for a in s.analytics
                for ls in a.log_sources}
        return tuple(dict.fromkeys(e for name, channel in sorted(refs)
                                   for e in self.catalog.events_for_attack_logsource(name, channel)))

    def event_records(self) -> dict[str, Event]:
        return {e.id: e for e in self.catalog.events()}

    def describe_field(self, field: str) -> Field:
        if field == KEYWORD_FIELD:
            return Field(id=field, description="free-text keyword search (no field)", canonical=False)
        return self.fields.describe(field)
