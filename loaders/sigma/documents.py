"""Sigma rule collections: turn a file's YAML documents into standalone rule dicts.

Implements the collection ``action`` keys of the Sigma specification (as pySigma's
``SigmaCollection.from_dicts`` does): ``global`` sets a template merged into every following
document, ``reset`` clears it, ``repeat`` re-uses the previous document with overrides.
Correlation and filter documents are never merged with the global template.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .yamlio import YamlDocument


@dataclass(frozen=True, slots=True)
class RuleDocument:
    data: dict[str, Any]
    line: int  # 1-based line where the document starts
    index: int  # 1-based position among the file's documents


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    message: str
    line: int


def _merge(dest: dict[str, Any], src: dict[str, Any]) -> dict[str, Any]:
    """Recursive update of ``dest`` with ``src`` (pySigma's ``deep_dict_update``)."""
    for key, value in src.items():
        if isinstance(value, dict):
            existing = dest.get(key)
            dest[key] = _merge(existing if isinstance(existing, dict) else {}, value)
        else:
            dest[key] = value
    return dest


def expand(documents: list[YamlDocument]) -> tuple[list[RuleDocument], list[DocumentProblem]]:
    """Resolve collection actions; return the rule documents and the problems found.

    >>> from loaders.sigma.yamlio import load_documents
    >>> docs, _ = expand(load_documents("action: global\\ntitle: T\\n---\\nid: a\\n---\\nid: b\\n"))
    >>> [(d.data["title"], d.data["id"], d.line) for d in docs]
    [('T', 'a', 4), ('T', 'b', 6)]
    """
    rules: list[RuleDocument] = []
    problems: list[DocumentProblem] = []
    global_rule: dict[str, Any] = {}
    previous: dict[str, Any] = {}
    for index, doc in enumerate(documents, start=1):
        data = doc.data
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(
                DocumentProblem(f"document {index} is a {type(data).__name__}, not a mapping", doc.line)
            )
            continue
        action = data.get("action")
        if action is None:
            if "correlation" in data or "filter" in data:
                rules.append(RuleDocument(data, doc.line, index))
            else:
                merged = _merge(data, copy.deepcopy(global_rule)) if global_rule else data
                rules.append(RuleDocument(merged, doc.line, index))
                previous = merged
        elif action == "global":
            global_rule = {k: v for k, v in data.items() if k != "action"}
            previous = global_rule
        elif action == "reset":
            global_rule = {}
        elif action == "repeat":
            body = {k: v for k, v in data.items() if k != "action"}
            previous = _merge(copy.deepcopy(previous), body)
            rules.append(RuleDocument(previous, doc.line, index))
        else:
            problems.append(
                DocumentProblem(f"unknown collection action {action!r} in document {index}", doc.line)
            )
    return rules, problems
