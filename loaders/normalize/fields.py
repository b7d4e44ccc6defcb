"""Vendor field spelling -> canonical (ECS-based) field name.

Canonical names are ECS names with one coarsening: a path and its base name are one field
(``process.executable`` and ``process.name`` -> ``process.name``), see ``field_overrides.yml``.
A field no table resolves stays vendor-qualified (``sigma:FooBar``), is never dropped, and is
counted in :attr:`FieldNormalizer.unmapped`.

>>> n = FieldNormalizer()
>>> n.canonical("sigma", "Image", logsource=(("product", "windows"), ("category", "process_creation")))
'process.name'
>>> n.canonical("elastic", "process.name")
'process.name'
>>> n.canonical("splunk", "Processes.process_name")
'process.name'
>>> n.canonical("sigma", "NoSuchThing", logsource=(("product", "acme"),))
'sigma:NoSuchThing'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from loaders.records import Field, Rule, Vendor

from ._data import taxonomy

Logsource = Iterable[tuple[str, str]]

# Splunk data-source name / sourcetype keywords -> the platform key of the "native" tables.
_SPLUNK_PLATFORM = (
    ("sysmon for linux", "linux"),
    ("sysmon", "windows"),
    ("windows", "windows"),
    ("wineventlog", "windows"),
    ("powershell", "windows"),
    ("cloudtrail", "aws"),
    ("aws", "aws"),
    ("azure", "azure"),
    ("o365", "m365"),
    ("office 365", "m365"),
    ("okta", "okta"),
    ("github", "github"),
    ("kubernetes", "kubernetes"),
    ("gcp", "gcp"),
    ("google", "gcp"),
    ("g suite", "gcp"),
    ("auditd", "linux"),
    ("linux", "linux"),
)
_EVENT_DATA_NAME = re.compile(r"^(?:[A-Z][A-Za-z0-9_]*|param\d+)$")  # Windows EventData names
_WEB_CATEGORIES = frozenset({"proxy", "webserver"})
_UNMAPPED_SEP = ":"


def _scope(logsource: Logsource) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in logsource:
        if k in ("product", "category", "service") and isinstance(v, str):
            out.setdefault(k, v.lower())
    return out


class FieldNormalizer:
    """Resolve vendor field spellings to canonical fields. Cheap to build; data loads once per process."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}
        self.unmapped: Counter[tuple[str, str]] = Counter()  # (vendor, field) -> occurrences
        self.resolved: Counter[str] = Counter()  # vendor -> occurrences resolved
        self._prepared = False

    # -- data preparation (lazy) -------------------------------------------------------
    def _prepare(self) -> None:
        if self._prepared:
            return
        t = taxonomy()
        self._coarsen: dict[str, str] = t["coarsen"]
        suffixes = "|".join(map(re.escape, t["elastic_multifield_suffixes"]))
        self._suffix = re.compile(rf"\.(?:{suffixes})$")
        self._tables: list[dict[str, Any]] = t["sigma_tables"]
        self._prefixes: list[dict[str, Any]] = t["sigma_prefixes"]
        self._native: dict[str, dict[str, str]] = t["native"]
        self._native_any: dict[str, str] = {}
        for table in self._native.values():
            for k, v in table.items():
                self._native_any.setdefault(k, v)
        self._cim: dict[str, str] = {k: v["ecs"] for k, v in t["cim"].items()}
        self._cim_sets = frozenset(k.split(".", 1)[0] for k in self._cim) | {
            "Endpoint",
            "Network_Traffic",
            "Network_Resolution",
            "Change",
            "Email",
            "Risk",
            "Certificates",
            "All_Certificates",
            "Intrusion_Detection",
            "Malware_Attacks",
            "Vulnerabilities",
            "Services",
            "Ports",
            "Data_Access",
            "Network_Sessions",
            "Updates",
        }
        # unprefixed CIM field (after drop_dm_object_name): first data set wins, Processes first
        self._cim_field: dict[str, str] = dict(t["cim_common"])
        for key in sorted(self._cim, key=lambda k: (not k.startswith("Processes."), k)):
            self._cim_field.setdefault(key.split(".", 1)[1], self._cim[key])
        # generic Sigma taxonomy (no/unknown scope): Windows/macOS tables, broadest scope first
        self._sigma_generic: dict[str, str] = {}
        self._sigma_web: dict[str, str] = {}
        for tbl in sorted(self._tables, key=lambda x: len(x["scope"])):
            src = tbl["source"]
            target = self._sigma_web if "zeek" in src else self._sigma_generic
            if "kubernetes" in src:
                continue
            for k, v in tbl["map"].items():
                target.setdefault(k, v)
        self._elastic_known = frozenset(t["elastic_known"])
        self._elastic_aliases: dict[str, str] = t["elastic_aliases"]
        self._elastic_ns = frozenset(t["elastic_namespaces"])
        self._canonical_doc: dict[str, Any] = t["canonical"]
        self._win_fields = frozenset(t["splunk_windows_event_fields"])
        self._prepared = True

    # -- public API ----------------------------------------------------------------------
    def canonical(self, vendor: str | Vendor, field: str, *, logsource: Logsource = ()) -> str:
        """Canonical field for ``field`` as spelled by ``vendor``; ``vendor:field`` when unmapped."""
        v = vendor.value if isinstance(vendor, Vendor) else str(vendor)
        ls = tuple(logsource)
        key = (v, field, ls)
        hit = self._cache.get(key)
        if hit is None:
            self._prepare()
            resolver = {"sigma": self._sigma, "elastic": self._elastic, "splunk": self._splunk}.get(v)
            resolved = resolver(field, ls) if resolver else None
            hit = self._coarse(resolved) if resolved else f"{v}{_UNMAPPED_SEP}{field}"
            self._cache[key] = hit
        if is_unmapped(hit):
            self.unmapped[(v, field)] += 1
        else:
            self.resolved[v] += 1
        return hit

    def for_rule(self, rule: Rule, field: str) -> str:
        """:meth:`canonical` with the rule's vendor and logsource."""
        return self.canonical(rule.vendor, field, logsource=rule.logsource)

    def documented(self) -> tuple[Field, ...]:
        """Every canonical field the taxonomy documents, with its vendor spellings."""
        self._prepare()
        return tuple(self.describe(name) for name in self._canonical_doc)

    def path_field(self, canonical_field: str) -> bool:
        """True when ``canonical_field`` merges a path with its base name (``process.name``...)."""
        self._prepare()
        return canonical_field in self._coarsen.values()

    def describe(self, canonical_field: str) -> Field:
        """The documented :class:`Field` (vendor spellings) of a canonical or unmapped field."""
        self._prepare()
        if is_unmapped(canonical_field):
            vendor, _, name = canonical_field.partition(_UNMAPPED_SEP)
            return Field(id=canonical_field, vendor_spellings=((vendor, name),), canonical=False)
        doc = self._canonical_doc.get(canonical_field, {})
        spellings = tuple(
            (vendor, s) for vendor, names in sorted(doc.get("spellings", {}).items()) for s in names
        )
        sources = ", ".join(doc.get("sources", []))
        return Field(id=canonical_field, vendor_spellings=spellings, description=sources)

    # -- per-vendor resolution -----------------------------------------------------------
    def _coarse(self, field: str) -> str:
        field = self._suffix.sub("", field)
        return self._coarsen.get(field, field)

    def _sigma(self, field: str, ls: tuple[tuple[str, str], ...]) -> str | None:
        scope = _scope(ls)
        for tbl in self._tables:
            if field in tbl["map"] and all(scope.get(k) == val for k, val in tbl["scope"].items()):
                return tbl["map"][field]
        product = scope.get("product", "")
        native = self._native.get(product, {})
        if field in native:
            return native[field]
        by_category = self._native.get(f"category:{scope.get('category', '')}", {})
        if field in by_category:
            return by_category[field]
        if scope.get("category") in _WEB_CATEGORIES and field in self._sigma_web:
            return self._sigma_web[field]
        for pre in self._prefixes:  # ecs_windows: unmapped Windows fields live under winlog.event_data.
            if pre["scope"] and all(scope.get(k) == val for k, val in pre["scope"].items()):
                return pre["prefix"] + field
        if field in self._sigma_generic:
            return self._sigma_generic[field]
        if field in self._elastic_known and "." in field:  # Sigma rules written with ECS names
            return field
        return None

    def _elastic(self, field: str, ls: tuple[tuple[str, str], ...]) -> str | None:
        base = self._suffix.sub("", field)
        if base in self._elastic_aliases:
            return self._elastic_aliases[base]
        if base in self._elastic_known or field in self._elastic_known:
            return base
        head = base.split(".", 1)[0]
        if "." in base and (head in self._elastic_ns or base.startswith("winlog.event_data.")):
            return base
        return None

    def _splunk(self, field: str, ls: tuple[tuple[str, str], ...]) -> str | None:
        if field in SPLUNK_DEFAULT_FIELDS:  # Splunk's own metadata fields, not CIM data-model fields
            return SPLUNK_DEFAULT_FIELDS[field]
        if field in self._cim:
            return self._cim[field]
        head, dot, rest = field.partition(".")
        if dot and head in self._cim_sets:
            return self._cim_field.get(rest)
        if field in self._cim_field:
            return self._cim_field[field]
        platform = _splunk_platform(ls)
        if platform and field in self._native.get(platform, {}):
            return self._native[platform][field]
        if field in self._sigma_generic:  # Sysmon / Windows event field names (Sigma taxonomy)
            return self._sigma_generic[field]
        if (platform == "windows" and _EVENT_DATA_NAME.match(field)) or (
            platform is None and field in self._win_fields
        ):
            return self._sigma(field, (("product", "windows"),))  # ecs_windows: winlog.event_data.<field>
        if field in self._native_any:
            return self._native_any[field]
        return None


# Splunk default fields: sourcetype names the log type (like event.dataset), source the input the event came
# from (`XmlWinEventLog:Microsoft-Windows-Sysmon/Operational`: ECS event.provider, "the source of the event")
# and host the host; index, eventtype and splunk_server are Splunk-specific and stay vendor-qualified.
SPLUNK_DEFAULT_FIELDS: dict[str, str | None] = {
    "sourcetype": "event.dataset", "source": "event.provider", "host": "host.name", "index": None,
    "eventtype": None, "splunk_server": None,
}


def is_unmapped(canonical_field: str) -> bool:
    """True for vendor-qualified fields (``sigma:Foo``), False for canonical ECS-based names."""
    head, sep, _ = canonical_field.partition(_UNMAPPED_SEP)
    return bool(sep) and head in ("sigma", "elastic", "splunk")


def _splunk_platform(ls: tuple[tuple[str, str], ...]) -> str | None:
    for k, v in ls:
        if k in ("data_source", "sourcetype", "source") and isinstance(v, str):
            low = v.lower()
            for needle, platform in _SPLUNK_PLATFORM:
                if needle in low:
                    return platform
    return None
