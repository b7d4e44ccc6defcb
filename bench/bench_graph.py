"""Whole-graph benchmark: cold build vs raw parse, snapshot load, authoring guide, all-pairs overlap, peak RSS.

Run: python bench/bench_graph.py [--repeat N]   (corpus from $DETGRAPH_CORPUS, default ../shared/corpus)

Each phase that reports peak RSS runs in its own subprocess, so the numbers don't include each other.
The cold build loads vendors in worker processes (``DETGRAPH_LOAD_WORKERS=1`` for a serial load): its wall
time, its CPU time (this process plus the workers) and the workers' peak RSS are printed apart.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
import yaml

from loaders.settings import corpus_path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_parse(root: Path) -> float:
    """Read and parse every file the loaders read, with the fastest plain parser for each format."""
    start = time.perf_counter()
    orjson.loads((root / "attack" / "enterprise-attack.json").read_bytes())
    for folder in ("rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-dfir"):
        for path in sorted((root / "sigma" / folder).rglob("*.yml")):
            list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))
    for folder in ("rules", "rules_building_block"):
        for path in sorted((root / "elastic" / folder).rglob("*.toml")):
            tomllib.loads(path.read_text(encoding="utf-8"))
    for folder in ("detections", "macros", "data_sources", "stories"):
        for path in sorted((root / "splunk" / folder).rglob("*.yml")):
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def phase_build(root: Path, snapshot_file: Path) -> dict[str, float]:
    from graph import snapshot
    from graph.compact import graph_of
    from graph.pipeline import build_from_corpus

    start = time.perf_counter()
    cpu0 = time.process_time()
    kg = build_from_corpus(root)
    build = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the load's worker processes, once they are done
    cpu = time.process_time() - cpu0 + children.ru_utime + children.ru_stime
    rss_build = peak_rss_mb()
    start = time.perf_counter()
    snapshot.save(kg, snapshot_file, "bench")
    save = time.perf_counter() - start
    start = time.perf_counter()
    g = graph_of(kg)  # what the warm-up thread does after start-up
    materialize = time.perf_counter() - start
    return {"build_s": build, "build_cpu_s": cpu, "save_s": save, "rss_build_mb": rss_build, "rss_mb": peak_rss_mb(),
            "materialize_s": materialize,
            "rss_workers_mb": children.ru_maxrss / 1024, "rules": len(kg.rule_order),
            "indicators": len(kg.indicators), "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "snapshot_mb": snapshot_file.stat().st_size / 1e6, **{f"t_{k}_ms": v for k, v in
                                                                  kg.stats["timings_ms"].items()}}


def phase_serve(snapshot_file: Path, repeat: int) -> dict[str, float]:
    from graph import snapshot
    from graph.analytics.guide import authoring_guide
    from graph.analytics.overlap import overlap_matrix
    from graph.compact import warm as warm_up

    start = time.perf_counter()
    kg = snapshot.load(snapshot_file, "bench")
    load = time.perf_counter() - start
    assert kg is not None
    biggest = max(kg.rules_by_technique, key=lambda t: len(kg.rules_by_technique[t]))
    cold = []
    for _ in range(repeat):
        kg.memo.clear()
        t0 = time.perf_counter()
        authoring_guide(kg, biggest)
        cold.append(time.perf_counter() - t0)
    warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        authoring_guide(kg, biggest)
        warm.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    warm_up(kg)
    warm_s = time.perf_counter() - t0
    named = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        authoring_guide(kg, "T1059.001")
        named.append(time.perf_counter() - t0)
    techniques = sorted(kg.technique_indicator_sets)
    t0 = time.perf_counter()
    cells = overlap_matrix(kg, techniques)
    pairs = time.perf_counter() - t0
    return {"load_s": load, "rss_mb": peak_rss_mb(), "biggest": biggest,  # type: ignore[dict-item]
            "biggest_rules": len(kg.rules_by_technique[biggest]),
            "guide_cold_p50_ms": statistics.median(cold) * 1000, "guide_memo_p50_ms": statistics.median(warm) * 1000,
            "overlap_techniques": len(techniques), "overlap_pairs": len(cells), "overlap_all_pairs_s": pairs,
            "warm_s": warm_s, "guide_t1059_001_served_p50_ms": statistics.median(named) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--phase", choices=["build", "serve"])
    parser.add_argument("--snapshot")
    args = parser.parse_args()
    root = corpus_path()
    if args.phase == "build":
        print(json.dumps(phase_build(root, Path(args.snapshot))))
        return
    if args.phase == "serve":
        print(json.dumps(phase_serve(Path(args.snapshot), args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "bench.snapshot"
        raw = raw_parse(root)
        run = [sys.executable, __file__, "--snapshot", str(snap), "--repeat", str(args.repeat)]
        build = json.loads(subprocess.run([*run, "--phase", "build"], check=True, capture_output=True,
                                          text=True).stdout)
        serve = json.loads(subprocess.run([*run, "--phase", "serve"], check=True, capture_output=True,
                                          text=True).stdout)
    print(f"corpus: {root.resolve()}")
    print(f"graph: {build['rules']} active rules, {build['indicators']} indicators, "
          f"{build['nodes']} nodes, {build['edges']} edges; snapshot {build['snapshot_mb']:.1f} MB")
    print(f"{'measure':<44}{'value':>12}  goal")
    print(f"{'raw parse of the same files (s)':<44}{raw:>12.2f}")
    print(f"{'cold build of the whole corpus, wall (s)':<44}{build['build_s']:>12.2f}")
    print(f"{'  ratio build / raw parse':<44}{build['build_s'] / raw:>12.2f}  <= 2.5")
    print(f"{'  CPU, this process + load workers (s)':<44}{build['build_cpu_s']:>12.2f}")
    for key in sorted(k for k in build if k.startswith("t_")):
        print(f"{'  ' + key[2:]:<44}{build[key]:>12.0f}")
    print(f"{'snapshot save (s)':<44}{build['save_s']:>12.2f}")
    print(f"{'networkx graph from the indices, first use (s)':<44}{build['materialize_s']:>12.2f}")
    print(f"{'snapshot load (s)':<44}{serve['load_s']:>12.3f}  <= 0.5")
    print(f"{'authoring guide ' + serve['biggest'] + ' (' + str(serve['biggest_rules']) + ' rules), cold p50 (ms)':<44}"
          f"{serve['guide_cold_p50_ms']:>12.2f}  <= 5")
    print(f"{'authoring guide, memoized p50 (ms)':<44}{serve['guide_memo_p50_ms']:>12.4f}")
    print(f"{'warm-up after load: graph, search, all guides (s)':<44}{serve['warm_s']:>12.2f}")
    print(f"{'authoring guide T1059.001 after warm-up, p50 (ms)':<44}"
          f"{serve['guide_t1059_001_served_p50_ms']:>12.4f}  <= 5")
    print(f"{'all-pairs overlap, ' + str(serve['overlap_techniques']) + ' techniques (s)':<44}"
          f"{serve['overlap_all_pairs_s']:>12.3f}  <= 1")
    print(f"{'peak RSS, cold build process (MB)':<44}{build['rss_mb']:>12.0f}  <= 400")
    print(f"{'  of which before the snapshot save (MB)':<44}{build['rss_build_mb']:>12.0f}")
    print(f"{'  largest load worker process (MB)':<44}{build['rss_workers_mb']:>12.0f}")
    print(f"{'peak RSS, snapshot-loaded process (MB)':<44}{serve['rss_mb']:>12.0f}  <= 400")


if __name__ == "__main__":
    main()
