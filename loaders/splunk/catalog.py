"""YAML reading plus the non-detection content: macros, data sources and stories."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from loaders.records import Diagnostic, Severity

from .models import FieldMapping, SplunkDataSource, SplunkMacro, SplunkStory, SupportedTA

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pyyaml built without libyaml
    _Loader = yaml.SafeLoader


def read_yaml(path: Path, rel: str) -> tuple[dict[str, Any] | None, Diagnostic | None]:
    """Parse one YAML mapping with libyaml; a bad file becomes a diagnostic (with its line when known)."""
    try:
        with path.open("rb") as fh:
            doc = yaml.load(fh, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, Diagnostic("splunk", rel, f"malformed YAML: {reason}", Severity.ERROR, line=line)
    except (OSError, UnicodeDecodeError) as exc:
        return None, Diagnostic("splunk", rel, f"unreadable file: {exc}", Severity.ERROR)
    if not isinstance(doc, dict):
        return None, Diagnostic(
            "splunk", rel, f"expected a YAML mapping, got {type(doc).__name__}", Severity.ERROR
        )
    return doc, None


def missing(doc: Mapping[str, Any], *keys: str) -> list[str]:
    return [k for k in keys if doc.get(k) in (None, "")]


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def macro_from(doc: Mapping[str, Any], rel: str) -> SplunkMacro:
    return SplunkMacro(
        name=str(doc["name"]),
        definition=str(doc.get("definition") or ""),
        path=rel,
        arguments=tuple(str(a) for a in doc.get("arguments") or ()),
        description=str(doc.get("description") or ""),
    )


def _mappings(value: Any, target_key: str) -> tuple[FieldMapping, ...]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    out: list[FieldMapping] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        mapping = item.get("mapping") or {}
        pairs = tuple((str(k), str(v)) for k, v in mapping.items()) if isinstance(mapping, dict) else ()
        out.append(FieldMapping(str(item.get(target_key) or ""), pairs))
    return tuple(out)


def _tas(value: Any) -> tuple[SupportedTA, ...]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return tuple(
        SupportedTA(str(t.get("name") or ""), _str(t.get("url")), _str(t.get("version")))
        for t in items
        if isinstance(t, dict)
    )


_SEPARATOR_VALUE = re.compile(r"\s(\d+)$")


def data_source_from(doc: Mapping[str, Any], rel: str) -> SplunkDataSource:
    name = str(doc["name"])
    separator = _str(doc.get("separator"))
    m = _SEPARATOR_VALUE.search(name) if separator else None
    return SplunkDataSource(
        id=str(doc.get("id") or name),
        name=name,
        path=rel,
        description=str(doc.get("description") or ""),
        source=_str(doc.get("source")),
        sourcetype=_str(doc.get("sourcetype")),
        separator=separator,
        separator_value=m.group(1) if m else None,
        fields=tuple(str(f) for f in doc.get("fields") or ()),
        field_mappings=_mappings(doc.get("field_mappings"), "data_set"),
        convert_to_log_source=_mappings(doc.get("convert_to_log_source"), "data_source"),
        supported_ta=_tas(doc.get("supported_TA")),
        configuration=_str(doc.get("configuration")),
        version=_str(doc.get("version")),
        date=_str(doc.get("date")),
        author=_str(doc.get("author")),
    )


def story_from(doc: Mapping[str, Any], rel: str, detections: tuple[str, ...]) -> SplunkStory:
    tags = doc.get("tags") or {}
    tag_strings: list[str] = []
    if isinstance(tags, dict):
        for key, value in tags.items():
            values = value if isinstance(value, list) else [value]
            tag_strings.extend(f"{key}:{v}" for v in values if v is not None)
    return SplunkStory(
        id=str(doc.get("id") or doc["name"]),
        name=str(doc["name"]),
        path=rel,
        description=str(doc.get("description") or ""),
        narrative=str(doc.get("narrative") or ""),
        deprecated="/deprecated/" in f"/{rel}",
        detections=detections,
        references=tuple(str(r) for r in doc.get("references") or ()),
        tags=tuple(tag_strings),
        date=_str(doc.get("date")),
        version=_str(doc.get("version")),
    )
