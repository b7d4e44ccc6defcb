"""Elastic loader benchmark: full load time next to the raw ``tomllib`` parse time of the same files.

Run: ``python bench/bench_elastic.py`` (reads ``DETGRAPH_CORPUS``, default ``../shared/corpus``).
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.elastic import iter_rule_files, load
from loaders.elastic.eql_query import eql_predicates
from loaders.elastic.esql import parse_esql
from loaders.elastic.kql import parse_kql
from loaders.settings import corpus_path


def main() -> int:
    root = corpus_path()
    files = list(iter_rule_files(root))
    if not files:
        print(f"no Elastic rules under {root.resolve()}/elastic (set DETGRAPH_CORPUS)")
        return 1

    start = time.perf_counter()
    docs = [tomllib.loads(f.read_text(encoding="utf-8")) for f in files]
    toml_s = time.perf_counter() - start

    start = time.perf_counter()
    result = load(root)
    load_s = time.perf_counter() - start

    by_lang: dict[str, list[str]] = {}
    for doc in docs:
        rule = doc.get("rule", {})
        if rule.get("query") and rule.get("language"):
            by_lang.setdefault(rule["language"], []).append(rule["query"])
    parsers = {"kuery": parse_kql, "eql": eql_predicates, "esql": parse_esql}
    lang_times: dict[str, float] = {}
    for lang, fn in parsers.items():
        start = time.perf_counter()
        for query in by_lang.get(lang, []):
            fn(query)
        lang_times[lang] = time.perf_counter() - start

    reasons = Counter(d.message.split(":")[0] for d in result.diagnostics)
    stats = result.stats
    print(f"corpus: {root.resolve()}")
    print(f"files: {len(files)}  rules: {len(result.rules)}  diagnostics: {len(result.diagnostics)}")
    print(f"raw tomllib parse (read + loads): {toml_s:8.3f} s")
    print(f"elastic load (all):               {load_s:8.3f} s  ({load_s / toml_s:.1f}x tomllib)")
    for lang, seconds in lang_times.items():
        print(f"  {lang:<6} queries {len(by_lang.get(lang, [])):>5}: {seconds:8.3f} s")
    active, covered = stats.get("active_non_ml", 0), stats.get("active_non_ml_with_predicates", 0)
    if active:
        print(f"active non-ML rules with >=1 event predicate: {covered}/{active} = {covered / active:.2%}")
    for reason, count in reasons.most_common(5):
        print(f"  diagnostic: {count} x {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
