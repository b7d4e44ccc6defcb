"""Splunk security_content loader: detections (with SPL predicates), macros, data sources and stories.

``load(corpus_root)`` reads ``corpus_root/"splunk"`` and returns a :class:`LoadResult` with

* ``rules``: one :class:`Rule` per active detection (``deprecated/`` folders and ``status: deprecated``
  are skipped and counted);
* ``extras["macros"]`` (:class:`SplunkMacro`), ``extras["data_sources"]`` (:class:`SplunkDataSource`),
  ``extras["stories"]`` (:class:`SplunkStory`, with the uids of the detections tagged with the story);
* ``stats``: counts for the closing notes (see ``README.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from loaders.records import Diagnostic, LoadResult, Rule, Severity

from .catalog import data_source_from, macro_from, missing, read_yaml, story_from
from .detections import DetectionOutcome, build_rule
from .models import SplunkDataSource, SplunkMacro, SplunkStory

__all__ = ["SplunkDataSource", "SplunkMacro", "SplunkStory", "load", "load_macros"]

SOURCE = "splunk"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yml")) if folder.is_dir() else []


def _rel(path: Path, corpus_root: Path) -> str:
    return path.relative_to(corpus_root).as_posix()


def key_line(path: Path, key: str) -> int | None:
    """The 1-based line of a top-level ``key:`` in a YAML file (libyaml's loader keeps no lines).

    >>> from loaders.settings import SAMPLE_CORPUS
    >>> key_line(next((SAMPLE_CORPUS / "splunk" / "detections").rglob("*.yml")), "search") is not None
    True
    """
    prefix = f"{key}:"
    try:
        with path.open(encoding="utf-8") as fh:
            for number, text in enumerate(fh, start=1):
                if text.startswith(prefix):
                    return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _read_docs(corpus_root: Path, folder: str, what: str, required: tuple[str, ...], result: LoadResult,
               on_file: Callable[[str], None] | None) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (document, relpath) for each YAML file of ``splunk/<folder>`` that has the ``required`` keys;
    an unreadable file or a missing key becomes a diagnostic."""
    for path in _files(corpus_root / SOURCE / folder):
        rel = _rel(path, corpus_root)
        if on_file:
            on_file(rel)
        doc, diag = read_yaml(path, rel)
        if diag is None and doc is not None and (gone := missing(doc, *required)):
            diag = Diagnostic(SOURCE, rel, f"{what} without {', '.join(gone)}")
        if diag is not None or doc is None:
            result.diagnostics.append(diag)  # type: ignore[arg-type]
            continue
        yield doc, rel


def load_macros(
    corpus_root: Path, result: LoadResult, on_file: Callable[[str], None] | None = None
) -> dict[str, SplunkMacro]:
    """Read ``splunk/macros/*.yml`` into a dict keyed ``name`` or ``name(n)`` (Splunk's arity key)."""
    macros: dict[str, SplunkMacro] = {}
    for doc, rel in _read_docs(corpus_root, "macros", "macro", ("name", "definition"), result, on_file):
        macro = macro_from(doc, rel)
        if macro.key in macros:
            result.diagnostics.append(
                Diagnostic(
                    SOURCE,
                    rel,
                    f"duplicate macro {macro.key}; keeping {macros[macro.key].path}",
                    Severity.WARNING,
                )
            )
            continue
        macros[macro.key] = macro
    return macros


def load(corpus_root: Path, *, on_file: Callable[[str], None] | None = None) -> LoadResult:
    """Load the Splunk corpus under ``corpus_root/"splunk"``; never raises on bad content."""
    corpus_root = Path(corpus_root)
    result = LoadResult(source=SOURCE)
    stats: Counter[str] = Counter()
    root = corpus_root / SOURCE
    if not root.is_dir():
        result.diagnostics.append(Diagnostic(SOURCE, SOURCE, f"no splunk folder under {corpus_root}"))
        return result
    macros = load_macros(corpus_root, result, on_file)
    stats["macros"] = len(macros)
    _load_detections(corpus_root, result, macros, stats, on_file)
    result.extras["macros"] = list(macros.values())
    result.extras["data_sources"] = _load_data_sources(corpus_root, result, on_file)
    result.extras["stories"] = _load_stories(corpus_root, result, stats, on_file)
    stats["data_sources"] = len(result.extras["data_sources"])
    stats["stories"] = len(result.extras["stories"])
    stats["diagnostics"] = len(result.diagnostics)
    result.stats = dict(stats)
    return result


def _load_detections(
    corpus_root: Path,
    result: LoadResult,
    macros: dict[str, SplunkMacro],
    stats: Counter[str],
    on_file: Callable[[str], None] | None,
) -> None:
    folder = corpus_root / SOURCE / "detections"
    for path in _files(folder):
        rel = _rel(path, corpus_root)
        if on_file:
            on_file(rel)
        stats["detection_files"] += 1
        if "deprecated" in path.relative_to(folder).parts[:-1]:
            stats["detections_skipped_deprecated_folder"] += 1
            continue
        doc, diag = read_yaml(path, rel)
        if diag is None and doc is not None and (gone := missing(doc, "id", "name", "search")):
            diag = Diagnostic(SOURCE, rel, f"detection without {', '.join(gone)}")
        if diag is not None or doc is None:
            result.diagnostics.append(diag)  # type: ignore[arg-type]
            stats["detections_invalid"] += 1
            continue
        if doc.get("status") == "deprecated":
            stats["detections_skipped_deprecated_status"] += 1
            continue
        outcome = build_rule(doc, rel, macros)
        rule = outcome.rule
        result.rules.append(rule)
        if outcome.diagnostics:  # rare: find where the search is written, for the diagnostics' line
            line = key_line(path, "search")
            result.diagnostics.extend(d if d.line is not None else replace(d, line=line) for d in outcome.diagnostics)
        _count(stats, rule, outcome)


def _count(stats: Counter[str], rule: Rule, outcome: DetectionOutcome) -> None:
    stats["detections_loaded"] += 1
    stats[f"type:{rule.rule_type}"] += 1
    stats[f"status:{rule.status}"] += 1
    stats["macro_undefined_filter_refs"] += len(outcome.undefined_filters)
    stats["macro_undefined_other_refs"] += len(outcome.undefined_macros)
    for name in outcome.undefined_macros:
        stats[f"macro_undefined:{name}"] += 1
    stats["predicates"] += len(rule.predicates)
    stats["predicates_computed"] += sum(p.context == "computed" for p in rule.predicates)
    stats["predicates_excluded"] += sum(p.excluded for p in rule.predicates)
    stats["predicates_post_stats"] += sum(p.context == "post-stats" for p in rule.predicates)
    if rule.predicates:
        stats["rules_with_predicates"] += 1
    a = outcome.analysis
    if a is None:
        stats["spl_unparsed"] += 1
        stats["rules_with_filter_logic"] += 1  # unknown: counted against the coverage figure
        stats["rules_with_detection_logic"] += 1
        return
    if a.filter_leaves:
        stats["rules_with_filter_logic"] += 1
        stats["rules_with_filter_logic_and_predicates"] += bool(rule.predicates)
    if a.detection_leaves:
        stats["rules_with_detection_logic"] += 1
        stats["rules_with_detection_logic_and_predicates"] += any(
            p.field not in ("index", "source", "sourcetype", "eventtype") for p in rule.predicates
        )
    stats["post_stats_filter_leaves_dropped"] += a.dropped_post_stats
    if a.datamodels:
        stats["rules_tstats_datamodel"] += 1
    if a.stopped_at:
        stats[f"stopped_at:{a.stopped_at}"] += 1
    for name in a.unknown_commands:
        stats[f"unknown_command:{name}"] += 1


def _load_data_sources(
    corpus_root: Path, result: LoadResult, on_file: Callable[[str], None] | None
) -> list[SplunkDataSource]:
    out: list[SplunkDataSource] = []
    for doc, rel in _read_docs(corpus_root, "data_sources", "data source", ("name",), result, on_file):
        out.append(data_source_from(doc, rel))
    return with_separator_values(out)


def with_separator_values(sources: list[SplunkDataSource]) -> list[SplunkDataSource]:
    """Fill ``separator_value`` from the name: the text after the longest sibling name (same sourcetype)
    that prefixes it ("AWS CloudTrail CreateKey" -> "CreateKey"), else a trailing number
    ("Sysmon EventID 1" -> "1"); sources without a ``separator`` keep ``None``."""
    names: dict[str | None, list[str]] = {}
    for ds in sources:
        names.setdefault(ds.sourcetype, []).append(ds.name)
    out: list[SplunkDataSource] = []
    for ds in sources:
        value = ds.separator_value
        if ds.separator:
            prefixes = [n for n in names[ds.sourcetype] if n != ds.name and ds.name.startswith(n + " ")]
            if prefixes:
                value = ds.name[len(max(prefixes, key=len)) + 1 :].strip() or value
        out.append(replace(ds, separator_value=value) if value != ds.separator_value else ds)
    return out


def _load_stories(
    corpus_root: Path, result: LoadResult, stats: Counter[str], on_file: Callable[[str], None] | None
) -> list[SplunkStory]:
    by_story: dict[str, list[str]] = {}
    for rule in result.rules:
        for story in rule.metadata.get("analytic_stories", ()):
            by_story.setdefault(story, []).append(rule.uid)
    out: list[SplunkStory] = []
    for doc, rel in _read_docs(corpus_root, "stories", "story", ("name",), result, on_file):
        name = str(doc["name"])
        out.append(story_from(doc, rel, tuple(by_story.pop(name, ()))))
    stats["analytic_story_names_unresolved"] = len(by_story)
    stats["analytic_story_refs_unresolved"] = sum(len(v) for v in by_story.values())
    return out
