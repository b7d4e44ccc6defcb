"""Splunk-only records that go into ``LoadResult.extras`` (``macros``, ``data_sources``, ``stories``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SplunkMacro:
    name: str
    definition: str
    path: str
    arguments: tuple[str, ...] = ()
    description: str = ""

    @property
    def key(self) -> str:
        """Splunk's lookup key: ``name`` or ``name(n)`` for a macro with ``n`` arguments."""
        return f"{self.name}({len(self.arguments)})" if self.arguments else self.name


@dataclass(frozen=True, slots=True)
class SupportedTA:
    name: str
    url: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """``field_mappings``/``convert_to_log_source`` entry: a target plus (from, to) field pairs."""

    target: str  # data_set (e.g. "Endpoint.Processes") or data_source name (e.g. "Sysmon EventID 1")
    mapping: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SplunkDataSource:
    """A ``data_sources/*.yml`` entry: a concrete log event type in Splunk's own catalog."""

    id: str
    name: str
    path: str
    description: str = ""
    source: str | None = None
    sourcetype: str | None = None
    separator: str | None = None  # the field that separates event types (e.g. "EventID")
    separator_value: str | None = None  # parsed from the name ("Sysmon EventID 1" -> "1") when it ends so
    fields: tuple[str, ...] = ()
    field_mappings: tuple[FieldMapping, ...] = ()
    convert_to_log_source: tuple[FieldMapping, ...] = ()
    supported_ta: tuple[SupportedTA, ...] = ()
    configuration: str | None = None
    version: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class SplunkStory:
    id: str
    name: str
    path: str
    description: str = ""
    narrative: str = ""
    deprecated: bool = False  # under stories/deprecated/
    detections: tuple[str, ...] = ()  # rule uids whose analytic_story tag names this story
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # "key:value" strings from the story's tags
    date: str | None = None
    version: str | None = None
