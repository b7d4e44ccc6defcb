"""Vendor-neutral records produced by every loader.

All records are frozen dataclasses. Loaders build them; ``graph`` links them;
``schema`` wraps them. Nothing here knows about a particular vendor's syntax.

Value conventions for :class:`Predicate`:

* ``raw`` is the value exactly as the author wrote it (for display).
* ``value`` is the *normalized pattern* for the operator:

  - ``eq``: the literal string (escapes resolved, quotes removed);
  - ``wildcard``: an fnmatch-style glob: ``*`` any run, ``?`` one character,
    a literal ``*``/``?``/``[`` is written ``[*]``/``[?]``/``[[]``; a backslash
    is always literal. Sigma ``contains: x`` becomes ``*x*``, ``endswith`` ``*x``;
  - ``regex_match``: the regular expression; ``cidr``: the CIDR;
  - ``gt``/``gte``/``lt``/``lte``: the number as text;
  - ``exists``/``null``: ``None``;
  - ``keyword``: the free-text term (``field`` is ``None``);
  - ``fieldref``: the name of the other field;
  - ``match``: a full-text/phrase match (KQL on text, SPL ``match()`` etc.).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})


class Vendor(str, Enum):
    SIGMA = "sigma"
    ELASTIC = "elastic"
    SPLUNK = "splunk"


class Operator(str, Enum):
    EQ = "eq"
    WILDCARD = "wildcard"
    REGEX_MATCH = "regex_match"
    CIDR = "cidr"
    EXISTS = "exists"
    NULL = "null"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    KEYWORD = "keyword"
    FIELDREF = "fieldref"
    MATCH = "match"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found while loading: never silently dropped."""

    source: str  # "attack" | "sigma" | "elastic" | "splunk" | "catalog"
    path: str  # relative to the corpus root when possible
    message: str
    severity: Severity = Severity.ERROR
    line: int | None = None
    rule_id: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{self.severity.value}: {where}: [{self.source}] {self.message}"


@dataclass(frozen=True, slots=True)
class Predicate:
    """One leaf of a rule's detection logic."""

    field: str | None  # vendor spelling as written; None for keyword predicates
    operator: Operator
    value: str | None  # normalized pattern, see module docstring
    raw: str | None = None  # authored value, for display
    excluded: bool = False  # under an odd number of NOTs / filter / until / missing event
    case_sensitive: bool = False
    modifiers: tuple[str, ...] = ()  # e.g. ("contains",), ("windash",), ("base64offset", "contains")
    context: str = ""  # free-form locator: "sequence[1]", "until", "where", "tstats", "computed", ...


@dataclass(frozen=True, slots=True)
class Rule:
    """A detection rule from any vendor."""

    uid: str  # globally unique: f"{vendor}:{native_id}"
    vendor: Vendor
    native_id: str
    title: str
    path: str  # relative to the corpus root
    description: str = ""
    line: int | None = None
    rule_type: str | None = None  # sigma: detection/correlation/filter; elastic: eql/query/...; splunk: TTP/...
    language: str | None = None  # sigma, kuery, eql, esql, lucene, spl
    query: str | None = None
    status: str | None = None  # sigma status / elastic maturity / splunk status
    level: str | None = None  # sigma level / elastic severity / splunk derived
    authors: tuple[str, ...] = ()
    date: str | None = None
    modified: str | None = None
    references: tuple[str, ...] = ()
    falsepositives: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()  # ATT&CK ids as tagged, upper case: T1567.002
    tactics: tuple[str, ...] = ()  # tactic shortnames or TA ids as tagged
    # Observation hints used to link the rule to catalog events, as (key, value) pairs:
    # sigma: product/category/service; elastic: index/event.dataset/event.category/data_source;
    # splunk: data_source/sourcetype.
    logsource: tuple[tuple[str, str], ...] = ()
    predicates: tuple[Predicate, ...] = ()
    depends_on_fields: tuple[str, ...] = ()  # threshold / new_terms / threat_match / group-by fields
    deprecated: bool = False
    metadata: Mapping[str, Any] = field(default_factory=lambda: EMPTY, compare=False, hash=False)

    @property
    def exclusions(self) -> tuple[Predicate, ...]:
        return tuple(p for p in self.predicates if p.excluded)


@dataclass(frozen=True, slots=True)
class Tactic:
    id: str  # TA0010
    shortname: str  # exfiltration
    name: str
    order: int  # position in the Enterprise matrix (0-based); large when unknown
    description: str = ""
    stix_id: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class LogSourceRef:
    """ATT&CK v18 analytic log source reference."""

    name: str  # e.g. "WinEventLog:Sysmon"
    channel: str  # e.g. "EventCode=1"
    data_component: str | None = None  # data component name


@dataclass(frozen=True, slots=True)
class Analytic:
    id: str  # AN0001
    name: str
    platforms: tuple[str, ...] = ()
    log_sources: tuple[LogSourceRef, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class DetectionStrategy:
    id: str  # DET0001
    name: str
    analytics: tuple[Analytic, ...] = ()


@dataclass(frozen=True, slots=True)
class Technique:
    id: str  # T1567.002
    name: str
    description: str = ""
    platforms: tuple[str, ...] = ()
    tactics: tuple[str, ...] = ()  # tactic shortnames
    parent: str | None = None  # T1567 for a sub-technique
    is_subtechnique: bool = False
    revoked: bool = False
    revoked_by: str | None = None  # ATT&CK id of the replacement
    deprecated: bool = False
    unresolved: bool = False  # referenced by a rule but absent from the bundle
    source: str = "attack"  # "attack" | "attack-v19-supplement" | "unresolved"
    stix_id: str | None = None
    url: str | None = None
    data_components: tuple[str, ...] = ()
    detection_strategies: tuple[DetectionStrategy, ...] = ()

    @property
    def live(self) -> bool:
        return not (self.revoked or self.deprecated or self.unresolved)


@dataclass(frozen=True, slots=True)
class Event:
    """A concrete log event type in the event catalog."""

    id: str  # stable id, e.g. "sysmon:1", "security:4688", "dns-client:3008"
    name: str
    platform: str  # windows, linux, macos, aws, azure, gcp, m365, okta, github, network, ...
    provider: str  # e.g. "Microsoft-Windows-Sysmon", "AWS CloudTrail"
    channel: str | None = None  # e.g. "Microsoft-Windows-Sysmon/Operational"
    event_code: str | None = None
    fields: tuple[str, ...] = ()  # canonical fields the event carries
    source: str = "catalog"


@dataclass(frozen=True, slots=True)
class Field:
    """A canonical field and its vendor spellings."""

    id: str  # canonical (ECS-based) name, or vendor-qualified "sigma:Foo" when unmapped
    vendor_spellings: tuple[tuple[str, str], ...] = ()  # (vendor, spelling)
    description: str = ""
    canonical: bool = True


@dataclass(slots=True)
class LoadResult:
    """What one vendor loader returns. ``stats`` holds the counts the closing notes report."""

    source: str
    rules: list[Rule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    # vendor extras: sigma "correlations"/"filters", splunk "data_sources"/"stories"/"macros", ...
    extras: dict[str, list[Any]] = field(default_factory=dict)
