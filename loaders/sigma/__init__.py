"""Sigma loader: every SigmaHQ rule file under ``<corpus>/sigma`` as :class:`~loaders.records.Rule` records.

Entry point: :func:`load`. Detection rules, correlation rules and filters are all Rule records,
told apart by ``rule_type`` ("detection" / "correlation" / "filter"); ``LoadResult.extras`` also
lists the correlation and filter records under "correlations" and "filters".
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

from loaders.records import Diagnostic, LoadResult, Rule, Severity

from .convert import Built, build
from .documents import expand
from .linking import apply_filters, link_correlations
from .predicates import EXPANDING_MODIFIERS
from .yamlio import YamlError, load_documents

__all__ = ["RULE_FOLDERS", "SOURCE", "iter_rule_files", "load", "load_file"]

SOURCE = "sigma"
RULE_FOLDERS = ("rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-dfir")


def iter_rule_files(corpus_root: Path) -> Iterator[Path]:
    """Every ``.yml``/``.yaml`` file of the Sigma rule folders, in a stable order."""
    base = Path(corpus_root) / SOURCE
    for folder in RULE_FOLDERS:
        root = base / folder
        if root.is_dir():
            yield from sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_file(path: Path, relpath: str, seen: set[str] | None = None) -> tuple[list[Built], list[Diagnostic]]:
    """Parse one file into built records (possibly several: multi-document files) and diagnostics.

    ``seen`` holds the uids already used; a repeated rule id gets a ``#<document>`` suffix.
    """
    seen = set() if seen is None else seen

    def fail(message: str, line: int | None = None) -> tuple[list[Built], list[Diagnostic]]:
        return [], [Diagnostic(SOURCE, relpath, message, Severity.ERROR, line)]

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read file: {exc}")
    try:
        documents = load_documents(text)
    except YamlError as exc:
        return fail(exc.message, exc.line)
    rule_docs, problems = expand(documents)
    diagnostics = [Diagnostic(SOURCE, relpath, p.message, Severity.ERROR, p.line) for p in problems]
    if not rule_docs and not problems:
        diagnostics.append(Diagnostic(SOURCE, relpath, "file holds no rule document", Severity.ERROR, 1))
    single = len(documents) == 1
    built: list[Built] = []
    for doc in rule_docs:
        line = 1 if single else doc.line
        native_id = str(doc.data.get("id") or "").strip()
        if not native_id:
            native_id = f"{relpath}#{doc.index}"
            diagnostics.append(
                Diagnostic(SOURCE, relpath, "rule has no id; using its path", Severity.WARNING, line)
            )
        if f"{SOURCE}:{native_id}" in seen:
            unique = f"{native_id}#{doc.index}"
            n = 1
            while f"{SOURCE}:{unique}" in seen:
                n += 1
                unique = f"{native_id}#{doc.index}.{n}"
            diagnostics.append(
                Diagnostic(
                    SOURCE,
                    relpath,
                    f"duplicate rule id {native_id}; recorded as {unique}",
                    Severity.WARNING,
                    line,
                )
            )
            native_id = unique
        seen.add(f"{SOURCE}:{native_id}")
        try:
            item = build(doc, path=relpath, line=line, text=text, native_id=native_id)
        except RecursionError:
            diagnostics.append(Diagnostic(SOURCE, relpath, "rule nested too deeply", Severity.ERROR, line))
            continue
        except Exception as exc:  # a bad file must never stop the load: report it and go on
            message = f"unexpected error while reading the rule: {type(exc).__name__}: {exc}"
            diagnostics.append(Diagnostic(SOURCE, relpath, message, Severity.ERROR, line))
            continue
        built.append(item)
    return built, diagnostics


def load(corpus_root: Path, *, on_file: Callable[[str], None] | None = None) -> LoadResult:
    """Load every Sigma rule file under ``corpus_root/sigma``.

    Every file yields at least one Rule or an error Diagnostic; a rule whose detection pySigma
    rejects is still returned (metadata, tags, techniques; no predicates) with an error diagnostic.
    """
    corpus_root = Path(corpus_root)
    # Loading allocates ~1M short-lived objects and no reference cycles worth collecting
    # mid-way: pausing the cyclic GC saves about a fifth of the load time on the SigmaHQ corpus.
    # The previous state is restored.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(corpus_root, on_file)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(corpus_root: Path, on_file: Callable[[str], None] | None) -> LoadResult:
    result = LoadResult(source=SOURCE)
    seen: set[str] = set()
    filters = []
    files = failed = expanding = 0
    for path in iter_rule_files(corpus_root):
        relpath = path.relative_to(corpus_root).as_posix()
        if on_file is not None:
            on_file(relpath)
        files += 1
        built, diagnostics = load_file(path, relpath, seen)
        result.diagnostics.extend(diagnostics)
        if not built:
            failed += 1
        for item in built:
            assert item.rule is not None
            result.rules.append(item.rule)
            result.diagnostics.extend(item.diagnostics)
            expanding += item.expanding_items
            if item.sigma_filter is not None:
                filters.append((item.rule, item.sigma_filter))
    result.rules, filter_diags = apply_filters(result.rules, filters)
    result.diagnostics.extend(filter_diags)
    result.diagnostics.extend(link_correlations(result.rules))
    result.extras["correlations"] = [r for r in result.rules if r.rule_type == "correlation"]
    result.extras["filters"] = [r for r in result.rules if r.rule_type == "filter"]
    result.stats.update(_stats(result.rules, result.diagnostics, files, failed, expanding))
    return result


def _stats(
    rules: list[Rule], diagnostics: list[Diagnostic], files: int, failed: int, expanding: int
) -> dict[str, int]:
    detection = [r for r in rules if r.rule_type == "detection"]
    predicates = [p for r in rules for p in r.predicates]
    return {
        "files": files,
        "files_without_rule": failed,
        "rules": len(rules),
        "detection_rules": len(detection),
        "correlation_rules": sum(r.rule_type == "correlation" for r in rules),
        "filter_rules": sum(r.rule_type == "filter" for r in rules),
        "rules_with_techniques": sum(bool(r.techniques) for r in rules),
        "rules_without_predicates": sum(not r.predicates for r in detection),
        "predicates": len(predicates),
        "excluded_predicates": sum(p.excluded for p in predicates),
        "unexpanded_items": expanding,  # detection items with windash/base64*/wide/utf16*/expand
        "unexpanded_values": sum(1 for p in predicates if EXPANDING_MODIFIERS.intersection(p.modifiers)),
        "errors": sum(d.severity == Severity.ERROR for d in diagnostics),
        "warnings": sum(d.severity == Severity.WARNING for d in diagnostics),
    }
