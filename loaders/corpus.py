"""Load a whole corpus folder (``attack/``, ``sigma/``, ``elastic/``, ``splunk/``) with progress.

Vendors load in parallel when the machine has more than one core: the vendors are spread over
*lanes* by estimated cost (longest first); lane 0 is this process (it also reads ATT&CK), the others
are forked worker processes whose :class:`LoadResult` comes back pickled. The result is the same as a
serial load (same records, same order). ``workers=1`` (or ``DETGRAPH_LOAD_WORKERS=1``) loads serially.
"""

from __future__ import annotations

import copyreg
import gc
import importlib
import importlib.util
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .attack import AttackData, load_attack
from .records import LoadResult

VENDORS: tuple[str, ...] = ("sigma", "elastic", "splunk")
WORKERS_ENV = "DETGRAPH_LOAD_WORKERS"
# Estimated load cost per file (seconds, measured on the shared corpus) and of ATT&CK: only used to
# spread the vendors over the lanes, never to decide results.
COST_PER_FILE: dict[str, float] = {"sigma": 0.0008, "elastic": 0.0026, "splunk": 0.0007}
ATTACK_COST = 0.4
MIN_PARALLEL_COST = 1.0  # below this estimate (small corpora, the bundled sample) a fork is not worth it


@dataclass(slots=True)
class Corpus:
    root: Path
    attack: AttackData
    loads: list[LoadResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per source, plus "load_wall"


ProgressFactory = Callable[[str, int], Callable[[str], None]]


# the folders each loader reads (and reports through ``on_file``), for progress totals
READ_FOLDERS = {
    "sigma": ("rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-dfir"),
    "elastic": ("rules", "rules_building_block"),
    "splunk": ("macros", "detections", "data_sources", "stories"),
}


def count_files(root: Path, vendor: str) -> int:
    """How many files the vendor's loader reads (the total of its progress bar).

    >>> from loaders.settings import SAMPLE_CORPUS
    >>> count_files(SAMPLE_CORPUS, "splunk")
    12
    """
    pattern = "*.toml" if vendor == "elastic" else "*.yml"
    return sum(1 for sub in READ_FOLDERS.get(vendor, ("",)) for _ in (root / vendor / sub).rglob(pattern))


def load_corpus(root: Path, *, vendors: Sequence[str] = VENDORS, progress: ProgressFactory | None = None,
                workers: int | None = None) -> Corpus:
    """Load ATT&CK, then every vendor whose folder exists under ``root``.

    ``progress(label, total)`` returns a per-file callback; pass ``None`` for no progress. In a parallel
    load, the callbacks of the vendors loaded by a worker run when that worker finishes (the bars of the
    vendors loaded here advance file by file).

    ``workers`` is the number of processes (this one included); ``None`` reads ``DETGRAPH_LOAD_WORKERS``,
    else uses the available cores, and loads serially when the corpus is small.
    """
    started = time.perf_counter()
    present = [v for v in vendors if (root / v).is_dir() and importlib.util.find_spec(f"loaders.{v}") is not None]
    totals = {v: count_files(root, v) for v in present}
    lanes = plan_lanes(totals, _worker_count(workers, totals))
    callbacks = {v: progress(v, totals[v]) for v in present} if progress else {}
    if len(lanes) <= 1:
        corpus = Corpus(root=root, attack=load_attack(root))
        corpus.timings["attack"] = time.perf_counter() - started
        for vendor in present:
            result, seconds = _load_vendor(root, vendor, callbacks.get(vendor))
            corpus.loads.append(result)
            corpus.timings[vendor] = seconds
    else:
        corpus = _load_parallel(root, present, lanes, callbacks, started)
    corpus.timings["load_wall"] = time.perf_counter() - started
    return corpus


def plan_lanes(totals: dict[str, int], workers: int) -> list[list[str]]:
    """Spread vendors over ``workers`` lanes, longest estimated load first; lane 0 also reads ATT&CK.

    >>> plan_lanes({"sigma": 3757, "elastic": 2192, "splunk": 2347}, 2)
    [['sigma', 'splunk'], ['elastic']]
    >>> plan_lanes({"sigma": 3757, "elastic": 2192, "splunk": 2347}, 1)
    [['sigma', 'elastic', 'splunk']]
    """
    if workers <= 1 or len(totals) <= 1:
        return [list(totals)]
    loads = [ATTACK_COST] + [0.0] * (min(workers, len(totals) + 1) - 1)
    lanes: list[list[str]] = [[] for _ in loads]
    for vendor in sorted(totals, key=lambda v: -_cost(v, totals[v])):
        lane = min(range(len(loads)), key=lambda i: (loads[i], i))
        lanes[lane].append(vendor)
        loads[lane] += _cost(vendor, totals[vendor])
    order = {v: i for i, v in enumerate(totals)}
    return [sorted(lane, key=order.__getitem__) for lane in lanes if lane or lane is lanes[0]]


def _cost(vendor: str, files: int) -> float:
    return COST_PER_FILE.get(vendor, 0.001) * files


def _worker_count(workers: int | None, totals: dict[str, int]) -> int:
    if workers is not None:
        return max(1, workers) if _can_fork() else 1
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env:
        try:
            return max(1, int(env)) if _can_fork() else 1
        except ValueError:
            return 1
    if not _can_fork() or ATTACK_COST + sum(_cost(v, n) for v, n in totals.items()) < MIN_PARALLEL_COST:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return cores


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _load_vendor(root: Path, vendor: str, on_file: Callable[[str], None] | None) -> tuple[LoadResult, float]:
    module = importlib.import_module(f"loaders.{vendor}")
    t0 = time.perf_counter()
    result = module.load(root, on_file=on_file)
    return result, time.perf_counter() - t0


def _load_parallel(root: Path, present: list[str], lanes: list[list[str]],
                   callbacks: dict[str, Callable[[str], None]], started: float) -> Corpus:
    _register_pickling()  # before the fork: workers inherit it
    # The results of the workers are unpickled here (in the executor's thread): ~1M objects, no cycles to find.
    # With the cyclic GC paused that takes about half the time (0.35 -> 0.19 s for Elastic). Restored after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_lanes(root, present, lanes, callbacks, started)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run_lanes(root: Path, present: list[str], lanes: list[list[str]],
               callbacks: dict[str, Callable[[str], None]], started: float) -> Corpus:
    results: dict[str, tuple[LoadResult, float]] = {}
    record = bool(callbacks)
    with ProcessPoolExecutor(max_workers=len(lanes) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        futures: list[tuple[list[str], Future[list[Any]]]] = [
            (lane, pool.submit(_load_lane, root, lane, record)) for lane in lanes[1:]
        ]
        corpus = Corpus(root=root, attack=load_attack(root))
        corpus.timings["attack"] = time.perf_counter() - started
        for vendor in lanes[0]:
            results[vendor] = _load_vendor(root, vendor, callbacks.get(vendor))
        for lane, future in futures:
            try:
                done = future.result()
            except BrokenProcessPool:  # a worker died (killed, out of memory): load its vendors here
                for vendor in lane:
                    results[vendor] = _load_vendor(root, vendor, callbacks.get(vendor))
                continue
            for vendor, result, seconds, visited in done:
                results[vendor] = (result, seconds)
                on_file = callbacks.get(vendor)
                if on_file is not None:
                    for relpath in visited:
                        on_file(relpath)
    for vendor in present:
        result, seconds = results[vendor]
        corpus.loads.append(result)
        corpus.timings[vendor] = seconds
    return corpus


def _load_lane(root: Path, lane: list[str], record: bool) -> list[tuple[str, LoadResult, float, list[str]]]:
    """Worker side: load the lane's vendors; return results, timings and the files seen (for progress)."""
    _register_pickling()
    out = []
    for vendor in lane:
        visited: list[str] = []
        result, seconds = _load_vendor(root, vendor, visited.append if record else None)
        out.append((vendor, result, seconds, visited))
    return out


def read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _reduce_mappingproxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(proxy),)


def _register_pickling() -> None:
    """Records keep read-only metadata (``MappingProxyType``), which pickle refuses by default."""
    if MappingProxyType not in copyreg.dispatch_table:  # graph.snapshot may have registered its own
        copyreg.pickle(MappingProxyType, _reduce_mappingproxy)
