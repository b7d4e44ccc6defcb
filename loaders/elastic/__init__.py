"""Elastic detection-rules loader: ``corpus_root/elastic/rules/**/*.toml`` and ``rules_building_block``.

Every ``.toml`` file becomes a :class:`~loaders.records.Rule` or a
:class:`~loaders.records.Diagnostic`; a query that does not parse still yields the rule (metadata,
techniques, logsource hints) plus a diagnostic.
"""

from __future__ import annotations

import gc
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..records import Diagnostic, LoadResult, Rule, Severity, Vendor
from .rule import build_rule

SOURCE = Vendor.ELASTIC.value
RULE_DIRS = ("rules", "rules_building_block")

__all__ = ["SOURCE", "iter_rule_files", "load", "load_file"]


def iter_rule_files(corpus_root: Path) -> Iterator[Path]:
    """All rule TOML files, sorted, under ``elastic/rules`` and ``elastic/rules_building_block``."""
    base = corpus_root / SOURCE
    for sub in RULE_DIRS:
        folder = base / sub
        if folder.is_dir():
            yield from sorted(folder.rglob("*.toml"))


def load_file(path: Path, corpus_root: Path) -> tuple[Rule | None, list[Diagnostic]]:
    """Load one TOML file: ``(rule or None, diagnostics)``."""
    relpath = path.relative_to(corpus_root).as_posix()
    try:
        doc: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        return None, [Diagnostic(SOURCE, relpath, f"TOML parse error: {exc}", line=line)]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Diagnostic(SOURCE, relpath, f"cannot read file: {exc}")]
    rule_section = doc.get("rule")
    if not isinstance(rule_section, dict) or not rule_section.get("rule_id"):
        return None, [Diagnostic(SOURCE, relpath, "not a rule: missing [rule] table or rule.rule_id")]
    deprecated_dir = "_deprecated" in path.relative_to(corpus_root / SOURCE).parts
    try:
        rule, errors = build_rule(doc, relpath, deprecated_dir=deprecated_dir)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return None, [
            Diagnostic(
                SOURCE,
                relpath,
                f"malformed rule: {type(exc).__name__}: {exc}",
                rule_id=str(rule_section.get("rule_id")),
            )
        ]
    diagnostics = []
    for err in errors:
        offset = _query_line_offset(path, err.line or 1)
        # the parser's line within the query, else the line where the query starts
        line = offset + err.line if err.line is not None else (offset + 1 if offset else None)
        diagnostics.append(
            Diagnostic(
                SOURCE, relpath, f"{rule.language} query: {err.message}", Severity.ERROR, line, rule.native_id
            )
        )
    return rule, diagnostics


def load(corpus_root: Path, *, on_file: Callable[[str], None] | None = None) -> LoadResult:
    """Load every Elastic rule under ``corpus_root/elastic``."""
    # Parsing builds many short-lived lark trees and eql nodes; the cyclic GC finds little to free in them
    # (peak RSS +14 MB on the shared corpus) and pausing it saves about a tenth of the load. Restored after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(Path(corpus_root), on_file)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(corpus_root: Path, on_file: Callable[[str], None] | None) -> LoadResult:
    result = LoadResult(source=SOURCE)
    base = corpus_root / SOURCE
    if not base.is_dir():
        result.diagnostics.append(Diagnostic(SOURCE, SOURCE, f"folder not found: {base}", Severity.WARNING))
        return result
    stats: Counter[str] = Counter()
    for path in iter_rule_files(corpus_root):
        relpath = path.relative_to(corpus_root).as_posix()
        if on_file is not None:
            on_file(relpath)
        stats["files"] += 1
        rule, diagnostics = load_file(path, corpus_root)
        result.diagnostics.extend(diagnostics)
        if rule is None:
            stats["files_failed"] += 1
            continue
        result.rules.append(rule)
        _count(stats, rule, bool(diagnostics))
    result.stats = dict(sorted(stats.items()))
    return result


def _count(stats: Counter[str], rule: Rule, had_problem: bool) -> None:
    stats["rules"] += 1
    stats[f"type:{rule.rule_type}"] += 1
    stats[f"language:{rule.language or 'none'}"] += 1
    stats["deprecated" if rule.deprecated else "active"] += 1
    if rule.metadata.get("building_block_type"):
        stats["building_block"] += 1
    if had_problem:
        stats["query_errors"] += 1
    if not rule.deprecated and rule.rule_type != "machine_learning":
        stats["active_non_ml"] += 1
        if any(p.context != "computed" for p in rule.predicates):
            stats["active_non_ml_with_predicates"] += 1


def _line_from_message(message: str) -> int | None:
    marker = "line "
    if marker in message:
        digits = "".join(ch for ch in message.split(marker, 1)[1] if ch.isdigit() or ch == ",").split(",")[0]
        return int(digits) if digits else None
    return None


def _query_line_offset(path: Path, query_line: int) -> int:
    """Line of the file where the query text starts, minus one (0 when it cannot be found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    for number, text in enumerate(lines):
        if text.lstrip().startswith("query") and "=" in text:
            stripped = text.split("=", 1)[1].strip()
            # query = '''\n...: a line-ending opening quote means the text starts on the next line
            return number + (1 if stripped in ("'''", '"""') else 0)
    return 0
