"""Build a :class:`Rule` from one parsed Elastic TOML document (metadata, threat, query)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import QueryParseError
from ..records import Operator, Predicate, Rule, Vendor
from .eql_query import eql_predicates
from .esql import parse_esql
from .kql import parse_kql
from .lucene import parse_lucene
from .values import tactic_shortname

HINT_FIELDS = ("event.dataset", "event.module", "event.category", "data_stream.dataset")
_META_KEYS = (
    "risk_score",
    "building_block_type",
    "from",
    "interval",
    "timestamp_override",
    "max_signals",
    "anomaly_threshold",
    "machine_learning_job_id",
    "new_terms",
    "threshold",
    "threat_index",
    "threat_query",
    "threat_language",
    "threat_indicator_path",
    "threat_mapping",
    "event_category_override",
    "license",
    "rule_name_override",
    "alert_suppression",
    "investigation_fields",
)


def build_rule(
    doc: dict[str, Any], relpath: str, *, deprecated_dir: bool
) -> tuple[Rule, list[QueryParseError]]:
    """Return the rule and any query problems (the rule is always returned, with metadata and threat)."""
    meta: dict[str, Any] = doc.get("metadata") or {}
    rule: dict[str, Any] = doc["rule"]
    rule_id = str(rule["rule_id"])
    rule_type = rule.get("type")
    language = rule.get("language")
    query = rule.get("query")
    tags = tuple(str(t) for t in rule.get("tags") or ())
    indices = [str(i) for i in rule.get("index") or ()]
    techniques, tactics = _threat(rule.get("threat") or ())

    predicates: list[Predicate] = []
    errors: list[QueryParseError] = []
    extra: dict[str, Any] = {}
    if query and language:
        try:
            predicates, extra = _query_predicates(language, query)
        except QueryParseError as exc:
            errors.append(exc)
        errors.extend(extra.pop("errors", []))
        indices.extend(i for i in extra.get("esql_indices", ()) if i not in indices)

    logsource: list[tuple[str, str]] = [("index", i) for i in indices]
    for tag in tags:
        key, _, value = tag.partition(": ")
        if key == "Data Source" and value:
            logsource.append(("data_source", value))
        elif key == "OS" and value:
            logsource.append(("os", value))
    for p in predicates:
        if (
            p.field in HINT_FIELDS
            and not p.excluded
            and p.context != "computed"
            and p.value
            and _is_equality(p)
        ):
            # data_stream.dataset carries the same value as event.dataset in Fleet integrations
            key = "event.dataset" if p.field == "data_stream.dataset" else p.field
            logsource.append((key, p.value))
    for category in extra.get("event_categories", ()):
        if category not in ("any", "sequence"):
            logsource.append(("event.category", category))

    maturity = meta.get("maturity")
    metadata: dict[str, Any] = {k: rule[k] for k in _META_KEYS if k in rule}
    metadata.update(
        index=tuple(indices),
        integration=tuple(meta.get("integration") or ()),
        maturity=maturity,
        version=rule.get("version"),
        os=tuple(t.partition(": ")[2] for t in tags if t.startswith("OS: ")),
        data_sources=tuple(t.partition(": ")[2] for t in tags if t.startswith("Data Source: ")),
    )
    for key in ("min_stack_version", "deprecation_date", "deprecated_reason"):
        if key in meta:
            metadata[key] = meta[key]
    if "query_shape" in extra:
        metadata["query_shape"] = extra["query_shape"]
    if "esql_commands" in extra:
        metadata["esql_commands"] = tuple(extra["esql_commands"])
        metadata["esql_computed_columns"] = tuple(extra["esql_computed"])

    built = Rule(
        uid=f"{Vendor.ELASTIC.value}:{rule_id}",
        vendor=Vendor.ELASTIC,
        native_id=rule_id,
        title=str(rule.get("name", "")),
        path=relpath,
        description=str(rule.get("description", "")).strip(),
        rule_type=rule_type,
        language=language,
        query=query,
        status=maturity,
        level=rule.get("severity"),
        authors=tuple(rule.get("author") or ()),
        date=meta.get("creation_date"),
        modified=meta.get("updated_date"),
        references=tuple(rule.get("references") or ()),
        falsepositives=tuple(rule.get("false_positives") or ()),
        tags=tags,
        techniques=techniques,
        tactics=tactics,
        logsource=tuple(dict.fromkeys(logsource)),
        predicates=tuple(predicates),
        depends_on_fields=_depends_on(rule, extra),
        deprecated=deprecated_dir or maturity == "deprecated",
        metadata=metadata,
    )
    return built, errors


def _is_equality(p: Predicate) -> bool:
    if p.operator is Operator.EQ:
        return True
    return p.operator is Operator.WILDCARD and not any(ch in (p.value or "") for ch in "*?[")


def _query_predicates(language: str, query: str) -> tuple[list[Predicate], dict[str, Any]]:
    parsers: dict[str, Callable[[str], list[Predicate]]] = {"kuery": parse_kql, "lucene": parse_lucene}
    if language in parsers:
        return parsers[language](query), {}
    if language == "eql":
        predicates, facts = eql_predicates(query)
        return predicates, {
            "query_shape": facts["kind"],
            "event_categories": facts["event_categories"],
            "join_fields": facts["join_fields"],
        }
    if language == "esql":
        result = parse_esql(query)
        return result.predicates, {
            "esql_indices": result.indices,
            "esql_commands": result.commands,
            "esql_computed": result.computed,
            "join_fields": result.group_by,
            "errors": result.errors,
        }
    raise QueryParseError(f"unknown query language {language!r}")


def _threat(entries: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    techniques: list[str] = []
    tactics: list[str] = []
    for threat in entries:
        tactic = (threat.get("tactic") or {}).get("name")
        if tactic:
            tactics.append(tactic_shortname(tactic))
        for tech in threat.get("technique") or ():
            if tech.get("id"):
                techniques.append(str(tech["id"]).upper())
            for sub in tech.get("subtechnique") or ():
                if sub.get("id"):
                    techniques.append(str(sub["id"]).upper())
    return tuple(dict.fromkeys(techniques)), tuple(dict.fromkeys(tactics))


def _depends_on(rule: dict[str, Any], extra: dict[str, Any]) -> tuple[str, ...]:
    fields: list[str] = []
    threshold = rule.get("threshold") or {}
    threshold_fields = threshold.get("field") or ()
    fields.extend([threshold_fields] if isinstance(threshold_fields, str) else threshold_fields)
    for card in threshold.get("cardinality") or ():
        if card.get("field"):
            fields.append(card["field"])
    new_terms = rule.get("new_terms") or {}
    if new_terms.get("field") == "new_terms_fields":
        fields.extend(new_terms.get("value") or ())
    for mapping in rule.get("threat_mapping") or ():
        fields.extend(e["field"] for e in mapping.get("entries") or () if e.get("field"))
    fields.extend(extra.get("join_fields", ()))
    return tuple(dict.fromkeys(str(f) for f in fields))
