"""Splunk loader benchmark: full load time next to the raw libyaml parse time of the same files.

Run: python bench/bench_splunk.py [--repeat N]   (corpus from $DETGRAPH_CORPUS, default ../shared/corpus)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from loaders.settings import corpus_path
from loaders.splunk import load

FOLDERS = ("macros", "detections", "data_sources", "stories")


def raw_parse(root: Path) -> int:
    count = 0
    for folder in FOLDERS:
        for path in sorted((root / "splunk" / folder).rglob("*.yml")):
            with path.open("rb") as fh, contextlib.suppress(yaml.YAMLError):
                yaml.load(fh, Loader=yaml.CSafeLoader)
            count += 1
    return count


def best_of(repeat: int, fn, *args):  # type: ignore[no-untyped-def]
    best = float("inf")
    value = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = corpus_path()
    if not (root / "splunk").is_dir():
        sys.exit(f"no splunk corpus under {root.resolve()} (set DETGRAPH_CORPUS)")
    t_yaml, files = best_of(args.repeat, raw_parse, root)
    t_load, result = best_of(args.repeat, load, root)
    s = result.stats
    print(f"corpus: {root.resolve()}  (best of {args.repeat})")
    print(f"raw libyaml parse : {t_yaml:7.3f} s  ({files} files)")
    print(
        f"splunk load()     : {t_load:7.3f} s  ({len(result.rules)} rules, "
        f"{s.get('predicates', 0)} predicates, "
        f"{len(result.diagnostics)} diagnostics)"
    )
    print(f"overhead          : {t_load - t_yaml:7.3f} s  (x{t_load / t_yaml:.2f} of the raw parse)")
    logic = s.get("rules_with_filter_logic", 0)
    hit = s.get("rules_with_filter_logic_and_predicates", 0)
    if logic:
        print(
            f"coverage          : {hit}/{logic} = {hit / logic:.2%} of detections with filtering logic "
            "yield >= 1 predicate"
        )


if __name__ == "__main__":
    main()
