"""Cross-file steps once every Sigma file is read: correlation references and filters."""

from __future__ import annotations

import dataclasses
from typing import Any

from sigma.exceptions import SigmaError
from sigma.filters import SigmaFilter

from loaders.records import Diagnostic, Rule, Severity

from .predicates import walk

SOURCE = "sigma"


def _index(rules: list[Rule]) -> dict[str, Rule]:
    """Rules by Sigma id and by ``name`` (the two ways Sigma refers to a rule)."""
    index: dict[str, Rule] = {}
    for rule in rules:
        for key in (rule.metadata.get("sigma_id"), rule.metadata.get("name")):
            if key and key not in index:
                index[key] = rule
    return index


def link_correlations(rules: list[Rule]) -> list[Diagnostic]:
    """Fill ``metadata["references_rules"]`` of each correlation with the uids it names."""
    index = _index(rules)
    diagnostics: list[Diagnostic] = []
    for rule in rules:
        if rule.rule_type != "correlation" or "correlation" not in rule.metadata:
            continue
        refs: list[str] = rule.metadata["correlation"]["rules"]
        condition = rule.metadata["correlation"].get("condition")
        if not refs and isinstance(condition, str):  # temporal rule naming its rules in the condition
            refs = [
                tok
                for tok in condition.replace("(", " ").replace(")", " ").split()
                if tok.lower() not in ("and", "or", "not")
            ]
        resolved: list[str] = []
        for ref in refs:
            target = index.get(ref)
            if target is None:
                diagnostics.append(
                    Diagnostic(
                        SOURCE,
                        rule.path,
                        f"correlation refers to unknown rule {ref!r}",
                        Severity.WARNING,
                        rule.line,
                        rule.native_id,
                    )
                )
            else:
                resolved.append(target.uid)
        rule.metadata["references_rules"] = resolved  # type: ignore[index]
    return diagnostics


def _logsource_contains(filter_logsource: dict[str, Any], rule: Rule) -> bool:
    have = dict(rule.logsource)
    return all(
        filter_logsource.get(key) is None or have.get(key) == str(filter_logsource[key])
        for key in ("category", "product", "service")
    )


def apply_filters(
    rules: list[Rule], filters: list[tuple[Rule, SigmaFilter]]
) -> tuple[list[Rule], list[Diagnostic]]:
    """Add each filter's predicates to the rules it targets, with context ``filter:<filter id>``.

    A filter targets the rules it names (by id or name), or every rule when ``rules: any``,
    restricted to rules whose log source it contains. Exclusion follows the filter's condition
    (``not filter_x`` makes the added predicates excluded).
    """
    if not filters:
        return rules, []
    diagnostics: list[Diagnostic] = []
    index = _index([r for r in rules if r.rule_type == "detection"])
    additions: dict[str, list[tuple[Rule, tuple]]] = {}
    for filter_rule, sigma_filter in filters:
        logsource = filter_rule.metadata.get("logsource") or {}
        targets_spec = sigma_filter.filter.rules
        if isinstance(targets_spec, str):  # "any"
            candidates = [r for r in rules if r.rule_type == "detection"]
        else:
            candidates = []
            for ref in targets_spec:
                target = index.get(ref.reference)
                if target is None:
                    diagnostics.append(
                        Diagnostic(
                            SOURCE,
                            filter_rule.path,
                            f"filter refers to unknown rule {ref.reference!r}",
                            Severity.WARNING,
                            filter_rule.line,
                            filter_rule.native_id,
                        )
                    )
                else:
                    candidates.append(target)
        targets = [r for r in candidates if _logsource_contains(logsource, r)]
        if not targets:
            continue
        try:
            predicates = tuple(
                walk(sigma_filter.filter, context=f"filter:{filter_rule.native_id}").predicates
            )
        except SigmaError as exc:  # pragma: no cover - the filter's own walk already reported it
            diagnostics.append(
                Diagnostic(
                    SOURCE,
                    filter_rule.path,
                    str(exc),
                    Severity.ERROR,
                    filter_rule.line,
                    filter_rule.native_id,
                )
            )
            continue
        filter_rule.metadata["applies_to"] = [r.uid for r in targets]  # type: ignore[index]
        for target in targets:
            additions.setdefault(target.uid, []).append((filter_rule, predicates))
    out: list[Rule] = []
    for rule in rules:
        extra = additions.get(rule.uid)
        if extra:
            rule.metadata["filtered_by"] = [f.uid for f, _ in extra]  # type: ignore[index]
            added = tuple(p for _, preds in extra for p in preds)
            rule = dataclasses.replace(rule, predicates=rule.predicates + added)
        out.append(rule)
    return out, diagnostics
