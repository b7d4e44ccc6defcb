"""One ``detections/**/*.yml`` document -> :class:`loaders.records.Rule` (+ diagnostics)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from loaders.records import Diagnostic, Rule, Severity, Vendor

from .macros import MacroError, expand_macros
from .models import SplunkMacro
from .spl_lexer import SplSyntaxError
from .spl_pipeline import SplAnalysis, analyze

# Tags copied to Rule.tags as "key:value" strings (mitre_attack_id goes to Rule.techniques).
TAG_KEYS = ("analytic_story", "asset_type", "security_domain", "product", "cve", "group", "atomic_guid")
# Tags kept in Rule.metadata as they are.
META_TAG_KEYS = (
    "confidence",
    "impact",
    "risk_score",
    "message",
    "observable",
    "required_fields",
    "context",
    "manual_test",
    "dataset",
    "supported_tas",
)


def risk_level(score: Any) -> str | None:
    """detgraph's severity band for a Splunk ``risk_score`` (0-100).

    >>> [risk_level(s) for s in (0, 20, 21, 56, 64, 81, None, "x")]
    ['informational', 'informational', 'low', 'medium', 'high', 'critical', None, None]
    """
    if isinstance(score, bool) or not isinstance(score, int | float):
        return None
    for limit, name in ((20, "informational"), (40, "low"), (60, "medium"), (80, "high")):
        if score <= limit:
            return name
    return "critical"


def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None and str(v).strip())
    return (str(value),) if str(value).strip() else ()


@dataclass(slots=True)
class DetectionOutcome:
    rule: Rule
    diagnostics: list[Diagnostic] = field(default_factory=list)
    analysis: SplAnalysis | None = None
    undefined_filters: tuple[str, ...] = ()
    undefined_macros: tuple[str, ...] = ()


def build_rule(doc: Mapping[str, Any], rel: str, macros: Mapping[str, SplunkMacro]) -> DetectionOutcome:
    """Build the rule; a search that cannot be expanded or parsed yields a rule without predicates."""
    native_id = str(doc["id"])
    tags: Mapping[str, Any] = doc.get("tags") or {}
    search = str(doc.get("search") or "")
    diags: list[Diagnostic] = []
    analysis: SplAnalysis | None = None
    expanded: str | None = None
    und_filters: tuple[str, ...] = ()
    und: tuple[str, ...] = ()
    used: tuple[str, ...] = ()
    try:
        exp = expand_macros(search, macros)
        expanded, und_filters, und, used = exp.text, exp.undefined_filters, exp.undefined, exp.used
        analysis = analyze(exp.text)
        diags.extend(
            Diagnostic("splunk", rel, w, Severity.WARNING, rule_id=native_id) for w in analysis.warnings
        )
    except (MacroError, SplSyntaxError) as exc:
        kind = "macro expansion" if isinstance(exc, MacroError) else "SPL parse"
        diags.append(Diagnostic("splunk", rel, f"{kind} error: {exc}", Severity.ERROR, rule_id=native_id))

    data_sources = _strs(doc.get("data_source")) + _strs(doc.get("data_sources"))
    logsource: list[tuple[str, str]] = [("data_source", d) for d in dict.fromkeys(data_sources)]
    if analysis is not None:
        logsource.extend(h for h in analysis.logsource if h not in logsource)
    tag_strings = tuple(f"{k}:{v}" for k in TAG_KEYS for v in _strs(tags.get(k)))
    techniques = tuple(dict.fromkeys(t.strip().upper() for t in _strs(tags.get("mitre_attack_id"))))
    fps = _strs(doc.get("known_false_positives"))
    metadata: dict[str, Any] = {
        "version": doc.get("version"),
        "how_to_implement": doc.get("how_to_implement") or "",
        "known_false_positives": doc.get("known_false_positives") or "",
        "analytic_stories": _strs(tags.get("analytic_story")),
        "asset_type": tags.get("asset_type"),
        "security_domain": tags.get("security_domain"),
        "product": _strs(tags.get("product")),
        "data_sources": data_sources,
        "expanded_search": expanded,
        "macros_used": used,
        "undefined_filter_macros": und_filters,
        "undefined_macros": und,
        "level_source": "tags.risk_score",
    }
    metadata.update({k: tags[k] for k in META_TAG_KEYS if k in tags})
    if doc.get("datamodel"):
        metadata["declared_datamodels"] = _strs(doc.get("datamodel"))
    if analysis is not None:
        metadata.update(
            datamodels=tuple(analysis.datamodels),
            commands=tuple(analysis.commands),
            stopped_at=analysis.stopped_at,
            unknown_commands=tuple(analysis.unknown_commands),
            has_filter_logic=analysis.filter_leaves > 0,
            dropped_post_stats_filters=analysis.dropped_post_stats,
        )
    rule = Rule(
        uid=f"{Vendor.SPLUNK.value}:{native_id}",
        vendor=Vendor.SPLUNK,
        native_id=native_id,
        title=str(doc.get("name") or native_id),
        path=rel,
        description=str(doc.get("description") or ""),
        rule_type=doc.get("type"),
        language="spl",
        query=search,
        status=doc.get("status"),
        level=risk_level(tags.get("risk_score")),
        authors=tuple(a.strip() for a in str(doc.get("author") or "").split(",") if a.strip()),
        date=None if doc.get("date") is None else str(doc.get("date")),
        references=_strs(doc.get("references")),
        falsepositives=fps,
        tags=tag_strings,
        techniques=techniques,
        logsource=tuple(logsource),
        predicates=() if analysis is None else tuple(analysis.predicates),
        depends_on_fields=() if analysis is None else tuple(analysis.by_fields),
        deprecated=doc.get("status") == "deprecated",
        metadata=MappingProxyType(metadata),
    )
    return DetectionOutcome(rule, diags, analysis, und_filters, und)
