"""The event catalog and rule -> event linking (many-to-many).

>>> from loaders.records import Rule, Vendor
>>> cat = EventCatalog()
>>> ls = (("product", "windows"), ("category", "process_creation"))
>>> cat.events_for_rule(Rule("sigma:x", Vendor.SIGMA, "x", "t", "p", logsource=ls))
('sysmon:1', 'security:4688')
>>> cat.events_for_attack_logsource("WinEventLog:Sysmon", "EventCode=1")
('sysmon:1',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from loaders.records import Event, Operator, Predicate, Rule, Vendor

from ._data import event_catalog
from .eventids import attack_logsource_events, splunk_data_source_events

# event-selecting fields (as written by any vendor) whose eq values are event codes
_CODE_FIELDS = frozenset({"EventID", "EventCode", "event.code", "winlog.event_id", "event_id", "EventId"})
_OS_WORDS = (("windows", "windows"), ("linux", "linux"), ("macos", "macos"), ("darwin", "macos"))
_WINDOWS_INDEX = ("winlogbeat-", "logs-windows.", "logs-system.security", "logs-system.system")
_ECS_CATEGORY_FIELDS = frozenset({"event.category"})
_DATASET_FIELDS = frozenset({"event.dataset", "data_stream.dataset", "event.module"})


class EventCatalog:
    """Catalog of concrete log event types, loaded lazily from ``loaders/data/events.json``."""

    def __init__(self) -> None:
        self._data: dict[str, Any] | None = None
        self._events: dict[str, Event] = {}

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            data = event_catalog()
            self._events = {
                e["id"]: Event(
                    id=e["id"],
                    name=e["name"],
                    platform=e["platform"],
                    provider=e["provider"] or "",
                    channel=e.get("channel"),
                    event_code=e.get("event_code"),
                    fields=tuple(e.get("fields", ())),
                    source=",".join(e["sources"]),
                )
                for e in data["events"]
            }
            self._data = data
        return self._data

    # -- catalog access --------------------------------------------------------------------
    def events(self) -> tuple[Event, ...]:
        self._load()
        return tuple(self._events.values())

    def get(self, event_id: str) -> Event | None:
        self._load()
        return self._events.get(event_id)

    def __contains__(self, event_id: object) -> bool:
        self._load()
        return event_id in self._events

    def __len__(self) -> int:
        self._load()
        return len(self._events)

    # -- ATT&CK ----------------------------------------------------------------------------
    def events_for_attack_logsource(self, name: str, channel: str | None) -> tuple[str, ...]:
        """Events an ATT&CK v18 analytic log source reference recommends (technique -> event edge)."""
        data = self._load()
        hit = data["attack_log_sources"].get(f"{name}|{channel}")
        return tuple(hit) if hit is not None else attack_logsource_events(name, channel)

    # -- rules -----------------------------------------------------------------------------
    def events_for_rule(self, rule: Rule) -> tuple[str, ...]:
        """Catalog events a rule observes (empty when no hint resolves)."""
        data = self._load()
        if rule.vendor is Vendor.SIGMA:
            found = self._sigma(data, dict(_first(rule.logsource)))
        elif rule.vendor is Vendor.ELASTIC:
            found = self._elastic(data, rule)
        else:
            found = self._splunk(data, rule)
        refined = _refine_codes(found, rule.predicates, data, self._events)
        # a whole log ("sysmon") is redundant next to one of its specific events ("sysmon:1")
        specific = {e.partition(":")[0] for e in refined if ":" in e}
        return tuple(e for e in refined if e not in specific)

    def _sigma_lookup(self, data: dict[str, Any], product: str, category: str, service: str) -> list[str]:
        table: dict[str, list[str]] = data["sigma"]
        out: list[str] = []
        if category:
            out.extend(table.get(f"{product}/{category}") or table.get(f"*/{category}") or [])
        if service:
            out.extend(table.get(f"{product}//{service}") or table.get(f"*//{service}") or [])
        if not out:
            out.extend(table.get(f"{product}/", []))
        return list(dict.fromkeys(out))

    def _sigma(self, data: dict[str, Any], ls: dict[str, str]) -> list[str]:
        product = ls.get("product", "").lower()
        category = ls.get("category", "").lower()
        service = ls.get("service", "").lower()
        out = self._sigma_lookup(data, product, category, service)
        if not out and category == "dns" and product:
            out = list(data["sigma"].get("*/dns", []))
        return out

    def _elastic(self, data: dict[str, Any], rule: Rule) -> list[str]:
        hints = list(rule.logsource) + [
            (p.field, p.value)
            for p in rule.predicates
            if p.field
            and p.value
            and not p.excluded
            and p.operator is Operator.EQ
            and (p.field in _DATASET_FIELDS or p.field in _ECS_CATEGORY_FIELDS or p.field == "host.os.type")
        ]
        out: list[str] = []
        datasets = [v for k, v in hints if k in _DATASET_FIELDS]
        for ds in datasets:
            out.extend(_prefix_lookup(data["elastic_datasets"], ds.lower()))
        indices = [v for k, v in hints if k == "index"]
        if not out:
            for ix in indices:
                out.extend(_prefix_lookup(data["elastic_indices"], ix.lower()))
        platform = _elastic_platform(hints, indices)
        categories = [v.lower() for k, v in hints if k in _ECS_CATEGORY_FIELDS]
        for cat in categories:
            sigma_cat = data["elastic_categories"].get(cat)
            if platform == "windows" and cat in data["elastic_windows_extra"]:
                out.extend(data["elastic_windows_extra"][cat])
            elif sigma_cat and platform:
                out.extend(self._sigma_lookup(data, platform, sigma_cat, ""))
            elif sigma_cat and cat == "network" and not platform:
                out.extend(data["sigma"].get("*/network_connection", []))
        if platform and any(p.field and p.field.startswith("dns.question.") for p in rule.predicates):
            out.extend(self._sigma_lookup(data, platform, "dns_query", ""))
        if not out:
            for k, v in hints:
                if k == "data_source":
                    out.extend(_prefix_lookup(data["elastic_data_sources"], v.lower()))
        return list(dict.fromkeys(out))

    def _splunk(self, data: dict[str, Any], rule: Rule) -> list[str]:
        out: list[str] = []
        for k, v in rule.logsource:
            if k == "data_source":
                out.extend(splunk_data_source_events(v))
        for key, table in (
            ("datamodel", "splunk_datamodels"),
            ("sourcetype", "splunk_sourcetypes"),
            ("source", "splunk_sourcetypes"),
            ("index", "splunk_sourcetypes"),
            ("eventtype", "splunk_sourcetypes"),
        ):
            if out:
                break
            for k, v in rule.logsource:
                if k == key:
                    out.extend(_prefix_lookup(data[table], v.lower()))
        return list(dict.fromkeys(out))


def _first(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for k, v in pairs:
        seen.setdefault(k, v)
    return list(seen.items())


def _prefix_lookup(table: dict[str, list[str]], value: str) -> list[str]:
    best = ""
    for prefix in table:
        if value.startswith(prefix.lower()) and len(prefix) > len(best):
            best = prefix
    return list(table[best]) if best else []


def _elastic_platform(hints: list[tuple[str, str]], indices: list[str]) -> str | None:
    for k, v in hints:
        if k in ("os", "host.os.type", "host.os.platform"):
            low = v.lower()
            for word, platform in _OS_WORDS:
                if word in low:
                    return platform
    for ix in indices:
        if ix.lower().startswith(_WINDOWS_INDEX):
            return "windows"
        if ix.lower().startswith(("auditbeat-", "logs-auditd")):
            return "linux"
    return None


def _refine_codes(
    found: list[str], predicates: Iterable[Predicate], data: dict[str, Any], known: dict[str, Event]
) -> tuple[str, ...]:
    """Replace a whole-log event (``security``) by the specific codes the rule selects (EventID 4688)."""
    codes = [
        p.value
        for p in predicates
        if p.field in _CODE_FIELDS
        and not p.excluded
        and p.operator is Operator.EQ
        and p.value
        and re.fullmatch(r"\d+", p.value)
    ]
    if not codes:
        return tuple(found)
    channels = data["channels"]
    out: list[str] = []
    for eid in found:
        if eid in channels and channels[eid]["platform"] == "windows":
            specific = [f"{eid}:{c}" for c in codes if f"{eid}:{c}" in known]
            out.extend(specific or [eid])
        else:
            out.append(eid)
    return tuple(dict.fromkeys(out))
