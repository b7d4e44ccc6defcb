"""Normalization report and timings over the corpus.

    python bench/bench_normalize.py [--top 15]

Reads ``DETGRAPH_CORPUS`` (default ``../shared/corpus``). Runs every vendor loader that is
importable (``loaders.sigma``, ``loaders.elastic``, ``loaders.splunk``) and prints, per vendor:
the share of predicate occurrences whose field resolves to a canonical field, the top unmapped
fields, the share of rules linked to at least one catalog event, plus the T1567.002 events and
a cross-vendor rclone indicator check. Vendors whose loader is missing are reported as skipped.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.normalize import EventCatalog, FieldNormalizer, indicator_key, is_unmapped
from loaders.records import Rule
from loaders.settings import corpus_path

VENDORS = ("sigma", "elastic", "splunk")


def _load(vendor: str, root: Path) -> tuple[list[Rule], float] | None:
    try:
        mod = importlib.import_module(f"loaders.{vendor}")
    except ImportError as exc:
        print(f"[{vendor}] skipped: loader not importable ({exc})")
        return None
    t0 = time.perf_counter()
    result = mod.load(root)
    return list(result.rules), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description="normalization coverage report")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    root = corpus_path()
    if not (root / "attack").is_dir():
        print(f"corpus not found at {root.resolve()} (set DETGRAPH_CORPUS)")
        return 2
    norm, catalog = FieldNormalizer(), EventCatalog()
    t0 = time.perf_counter()
    print(f"catalog: {len(catalog)} events (load {time.perf_counter() - t0:.3f}s)")
    all_rules: list[Rule] = []
    rclone: dict[str, list[str]] = {}
    key_vendors: dict[tuple, set[str]] = {}
    for vendor in VENDORS:
        loaded = _load(vendor, root)
        if loaded is None:
            continue
        rules, load_s = loaded
        all_rules.extend(rules)
        t1 = time.perf_counter()
        total = mapped = 0
        unmapped: Counter[str] = Counter()
        linked = 0
        live = [r for r in rules if not r.deprecated]
        unlinked: Counter[str] = Counter()
        n_keys = 0
        computed = 0
        for rule in live:
            for p in rule.predicates:
                if not p.field:
                    continue
                if (
                    p.context == "computed"
                ):  # query-computed column (ES|QL EVAL/STATS, SPL eval): no log field
                    computed += 1
                    continue
                total += 1
                canon = norm.for_rule(rule, p.field)
                if is_unmapped(canon):
                    unmapped[p.field] += 1
                else:
                    mapped += 1
                key = indicator_key(rule.vendor, p, canon)
                n_keys += 1
                if not p.excluded:
                    key_vendors.setdefault(key, set()).add(vendor)
                if key == ("process.name", "eq", "rclone.exe") and not p.excluded:
                    rclone.setdefault(vendor, []).append(rule.uid)
            if catalog.events_for_rule(rule):
                linked += 1
            else:
                unlinked[" ".join(f"{k}={v}" for k, v in rule.logsource[:3]) or "(no logsource)"] += 1
        norm_s = time.perf_counter() - t1
        share = mapped / total if total else 0.0
        print(
            f"\n[{vendor}] {len(rules)} rules ({len(live)} not deprecated), load {load_s:.2f}s, "
            f"normalize+link {norm_s:.3f}s ({n_keys} indicator keys)"
        )
        print(
            f"  predicate occurrences with a log field: {total} (+{computed} on computed columns, excluded); "
            f"canonical: {mapped} ({share:.1%})"
        )
        print("  top unmapped: " + ", ".join(f"{f} ({n})" for f, n in unmapped.most_common(args.top)))
        print(f"  rules linked to >= 1 event: {linked}/{len(live)} ({linked / max(len(live), 1):.1%})")
        print("  top unlinked logsources: " + "; ".join(f"{k} ({n})" for k, n in unlinked.most_common(8)))
    t1567 = Counter(e for r in all_rules if "T1567.002" in r.techniques for e in catalog.events_for_rule(r))
    shared = Counter(len(v) for v in key_vendors.values())
    print(
        f"\ndistinct non-excluded indicator keys: {len(key_vendors)}; in 2 vendors: {shared[2]}, "
        f"in 3 vendors: {shared[3]}"
    )
    print(f"T1567.002 rules observe: {dict(t1567.most_common())}")
    print(
        "rclone indicator ('process.name', 'eq', 'rclone.exe'): "
        + "; ".join(f"{v}: {len(u)} rules" for v, u in rclone.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
