"""Sigma load time next to the raw libyaml parse time of the same files.

Usage: ``python bench/bench_sigma.py [--repeat N]``; the corpus comes from ``$DETGRAPH_CORPUS``
(default ``../shared/corpus``). Both measurements read the files from disk; each is repeated and
the best run is kept (the machine may be shared). Goal: Sigma load <= 3x the raw parse.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.settings import corpus_path
from loaders.sigma import iter_rule_files, load


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (wall, cpu) seconds over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    root = corpus_path()
    files = list(iter_rule_files(root))
    if not files:
        print(f"no Sigma rule files under {root.resolve()}/sigma", file=sys.stderr)
        return 1

    def raw() -> None:
        for path in files:
            list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))

    result = load(root)  # warm-up (imports, pySigma's lazy setup) and the counts
    raw_wall, raw_cpu = _best(raw, args.repeat)
    gc.disable()  # load() pauses the cyclic GC itself; this is the raw parse under the same condition
    try:
        raw_nogc_wall, raw_nogc_cpu = _best(raw, args.repeat)
    finally:
        gc.enable()
    load_wall, load_cpu = _best(lambda: load(root), args.repeat)
    s = result.stats
    rows = [
        ("corpus", str(root.resolve())),
        ("files", f"{s['files']}  rules: {s['rules']}  files without rule: {s['files_without_rule']}"),
        ("predicates", f"{s['predicates']}  excluded: {s['excluded_predicates']}"),
        ("diagnostics", f"{s['errors']} errors, {s['warnings']} warnings"),
        ("raw libyaml parse", f"{raw_wall:6.3f} s wall  {raw_cpu:6.3f} s cpu"),
        ("  same, GC paused", f"{raw_nogc_wall:6.3f} s wall  {raw_nogc_cpu:6.3f} s cpu"),
        ("sigma load", f"{load_wall:6.3f} s wall  {load_cpu:6.3f} s cpu   (best of {args.repeat})"),
        ("ratio", f"{load_wall / raw_wall:6.2f} x wall  {load_cpu / raw_cpu:6.2f} x cpu   (goal <= 3x)"),
        ("  vs GC paused", f"{load_wall / raw_nogc_wall:6.2f} x wall  {load_cpu / raw_nogc_cpu:6.2f} x cpu"),
    ]
    for label, value in rows:
        print(f"{label + ':':19} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
