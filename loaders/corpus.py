"""Load a whole corpus folder (``attack/``, ``sigma/``, ``elastic/``, ``splunk/``) with progress."""

from __future__ import annotations

import importlib
import importlib.util
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .attack import AttackData, load_attack
from .records import LoadResult

VENDORS: tuple[str, ...] = ("sigma", "elastic", "splunk")


@dataclass(slots=True)
class Corpus:
    root: Path
    attack: AttackData
    loads: list[LoadResult] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


ProgressFactory = Callable[[str, int], Callable[[str], None]]


def count_files(root: Path, vendor: str) -> int:
    folder = root / vendor
    pattern = "*.toml" if vendor == "elastic" else "*.yml"
    return sum(1 for _ in folder.rglob(pattern)) if folder.is_dir() else 0


def load_corpus(root: Path, *, vendors: Sequence[str] = VENDORS,
                progress: ProgressFactory | None = None) -> Corpus:
    """Load ATT&CK, then every vendor whose folder exists under ``root``.

    ``progress(label, total)`` returns a per-file callback; pass ``None`` for no progress.
    """
    started = time.perf_counter()
    corpus = Corpus(root=root, attack=load_attack(root))
    corpus.timings["attack"] = time.perf_counter() - started
    for vendor in vendors:
        if not (root / vendor).is_dir() or importlib.util.find_spec(f"loaders.{vendor}") is None:
            continue
        module = importlib.import_module(f"loaders.{vendor}")
        on_file = progress(vendor, count_files(root, vendor)) if progress else None
        t0 = time.perf_counter()
        corpus.loads.append(module.load(root, on_file=on_file))
        corpus.timings[vendor] = time.perf_counter() - t0
    return corpus
