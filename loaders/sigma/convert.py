"""One rule document -> a :class:`~loaders.records.Rule` (detection, correlation or filter).

Metadata is read from the authored YAML mapping (so a rule whose detection pySigma rejects still
keeps its title, tags and techniques); the detection logic comes from pySigma's parsed objects.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.filters import EmptySigmaGlobalFilter, SigmaFilter
from sigma.rule import SigmaRule
from sigma.rule.detection import EmptySigmaDetections

from loaders.records import Diagnostic, Rule, Severity, Vendor

from .documents import RuleDocument
from .predicates import walk

SOURCE = "sigma"
_TECHNIQUE = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$", re.IGNORECASE)
_TACTIC = re.compile(r"^attack\.([a-z][a-z_-]*)$", re.IGNORECASE)
_LOGSOURCE_KEYS = ("product", "category", "service")


@dataclass(slots=True)
class Built:
    """What one document yields: the rule (None only when nothing usable was found)."""

    rule: Rule | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sigma_filter: SigmaFilter | None = None  # kept to apply it to the rules it targets
    expanding_items: int = 0


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v is not None)
    return (str(value),)


def split_tags(tags: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ATT&CK technique ids (upper case) and tactic shortnames (hyphenated) named by tags.

    >>> split_tags(["attack.t1567.002", "attack.command_and_control", "attack.g0007", "cve.2021-1"])
    (('T1567.002',), ('command-and-control',))
    """
    techniques: dict[str, None] = {}
    tactics: dict[str, None] = {}
    for tag in tags:
        if m := _TECHNIQUE.match(tag):
            techniques[m.group(1).upper()] = None
        elif m := _TACTIC.match(tag):
            tactics[m.group(1).lower().replace("_", "-")] = None
    return tuple(techniques), tuple(tactics)


def _authors(author: Any) -> tuple[str, ...]:
    if author is None:
        return ()
    if isinstance(author, list):
        return tuple(str(a).strip() for a in author if str(a).strip())
    return tuple(part.strip() for part in str(author).split(",") if part.strip())


def _logsource(data: dict[str, Any]) -> tuple[tuple[tuple[str, str], ...], dict[str, Any]]:
    raw = data.get("logsource")
    if not isinstance(raw, dict):
        return (), {}
    pairs = tuple((key, str(raw[key])) for key in _LOGSOURCE_KEYS if raw.get(key) is not None)
    return pairs, {str(k): _text(v) for k, v in raw.items()}


def line_of(text: str, needle: str, from_line: int = 1) -> int | None:
    """1-based line of the first occurrence of ``needle`` in ``text`` at or after ``from_line``.

    >>> line_of("a: 1\\nb: x\\nc: x\\n", "x", 3)
    3
    """
    start = 0
    for _ in range(from_line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    pos = text.find(needle, start)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def _error_message(error: SigmaError) -> str:
    message = error.args[0] if error.args else type(error).__name__
    return f"{type(error).__name__}: {message}"


def build(doc: RuleDocument, *, path: str, line: int, text: str, native_id: str) -> Built:
    """Build the record of one rule document (``native_id`` already made unique by the caller)."""
    data = doc.data
    if "correlation" in data:
        kind = "correlation"
    elif "filter" in data:
        kind = "filter"
    else:
        kind = "detection"
    diagnostics: list[Diagnostic] = []

    def diag(message: str, severity: Severity = Severity.ERROR, at: int | None = None) -> None:
        diagnostics.append(Diagnostic(SOURCE, path, message, severity, at or line, native_id))

    parsed: SigmaRule | SigmaCorrelationRule | SigmaFilter | None = None
    try:
        if kind == "correlation":
            parsed = SigmaCorrelationRule.from_dict(data, collect_errors=True)
        elif kind == "filter":
            parsed = SigmaFilter.from_dict(data, collect_errors=True)
        else:
            parsed = SigmaRule.from_dict(data, collect_errors=True)
    except SigmaError as exc:  # raised despite collect_errors (e.g. in a dataclass __post_init__)
        diag(_error_message(exc))
    except (TypeError, AttributeError, ValueError) as exc:
        diag(f"pySigma could not read the rule: {type(exc).__name__}: {exc}")
    if parsed is not None:
        for error in parsed.errors:
            diag(_error_message(error), at=_error_line(error, text, line))

    tags = _texts(data.get("tags"))
    techniques, tactics = split_tags(tags)
    logsource, logsource_raw = _logsource(data)
    metadata: dict[str, Any] = {
        "sigma_id": _text(data.get("id")),
        "name": _text(data.get("name")),
        "author": _text(data.get("author")),
        "license": _text(data.get("license")),
        "taxonomy": _text(data.get("taxonomy")),
        "related": data.get("related") if isinstance(data.get("related"), list) else [],
        "fields": list(_texts(data.get("fields"))),
        "scope": list(_texts(data.get("scope"))),
        "logsource": logsource_raw,
        "document": doc.index,
    }
    predicates: tuple = ()
    query: str | None = None
    depends: tuple[str, ...] = ()
    expanding = 0
    sigma_filter: SigmaFilter | None = None

    # metadata errors (bad id, date, status...) are reported but do not discard the detection logic
    if kind == "detection":
        detection = data.get("detection")
        if isinstance(detection, dict):
            query = _condition_text(detection.get("condition"))
            metadata["detections"] = [str(k) for k in detection if k != "condition"]
        if isinstance(parsed, SigmaRule) and not isinstance(parsed.detection, EmptySigmaDetections):
            predicates, expanding = _predicates(parsed.detection, diag, text, line)
    elif kind == "filter":
        body = data.get("filter")
        if isinstance(body, dict):
            query = _condition_text(body.get("condition"))
            targets = body.get("rules")
            metadata["filter_rules"] = targets if isinstance(targets, str) else list(_texts(targets))
        if isinstance(parsed, SigmaFilter) and not isinstance(parsed.filter, EmptySigmaGlobalFilter):
            predicates, expanding = _predicates(parsed.filter, diag, text, line)
            sigma_filter = parsed
    elif kind == "correlation" and isinstance(parsed, SigmaCorrelationRule) and not parsed.errors:
        body = data["correlation"]
        group_by = list(_texts(body.get("group-by")))
        condition = body.get("condition")
        metadata["correlation"] = {
            "type": _text(body.get("type")),
            "rules": list(_texts(body.get("rules"))),
            "group_by": group_by,
            "timespan": _text(body.get("timespan")),
            "condition": condition,
            "generate": bool(body.get("generate", False)),
            "aliases": body.get("aliases") if isinstance(body.get("aliases"), dict) else {},
        }
        metadata["references_rules"] = []  # filled with uids once every file is loaded
        fields = list(group_by)
        if isinstance(condition, dict) and condition.get("field") is not None:
            fields.extend(_texts(condition.get("field")))
        depends = tuple(dict.fromkeys(fields))
        query = condition if isinstance(condition, str) else None

    title = _text(data.get("title")) or ""
    if not title:
        diag("rule has no title", Severity.WARNING)
    status = _text(data.get("status"))
    rule = Rule(
        uid=f"{SOURCE}:{native_id}",
        vendor=Vendor.SIGMA,
        native_id=native_id,
        title=title,
        path=path,
        description=(_text(data.get("description")) or "").strip(),
        line=line,
        rule_type=kind,
        language="sigma",
        query=query,
        status=status,
        level=_text(data.get("level")),
        authors=_authors(data.get("author")),
        date=_text(data.get("date")),
        modified=_text(data.get("modified")),
        references=_texts(data.get("references")),
        falsepositives=_texts(data.get("falsepositives")),
        tags=tags,
        techniques=techniques,
        tactics=tactics,
        logsource=logsource,
        predicates=predicates,
        depends_on_fields=depends,
        deprecated=status == "deprecated",
        metadata=metadata,
    )
    return Built(rule, diagnostics, sigma_filter, expanding)


def _condition_text(conditions: Any) -> str | None:
    if conditions is None:
        return None
    if isinstance(conditions, list):
        return " or ".join(f"({c})" for c in conditions) if len(conditions) > 1 else str(conditions[0])
    return str(conditions)


def _predicates(detections: Any, diag: Any, text: str, line: int) -> tuple[tuple, int]:
    try:
        result = walk(detections)
    except SigmaError as exc:
        diag(_error_message(exc), at=line_of(text, "condition:", line))
        return (), 0
    except RecursionError:
        diag("condition nested too deeply")
        return (), 0
    for fld, placeholder in result.placeholders:
        at = line_of(text, placeholder, line)
        diag(
            f"unresolved |expand placeholder {placeholder} in field {fld or '(keyword)'}: "
            "kept as written; a processing pipeline must define it",
            Severity.WARNING,
            at,
        )
    return tuple(result.predicates), result.expanding_items


def _error_line(error: SigmaError, text: str, from_line: int) -> int | None:
    message = str(error.args[0]) if error.args else ""
    m = re.search(r"Unknown modifier '([^']+)'", message)
    if m:
        return line_of(text, f"|{m.group(1)}", from_line)
    return None
