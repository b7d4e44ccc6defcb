"""From a corpus folder to a built knowledge graph."""

from __future__ import annotations

import time
from pathlib import Path

from loaders.corpus import ProgressFactory, load_corpus

from .builder import build_graph
from .normalization import CorpusNormalizer
from .store import KnowledgeGraph


def build_from_corpus(root: Path, *, label: str | None = None,
                      progress: ProgressFactory | None = None) -> KnowledgeGraph:
    """Load every source under ``root`` and build the graph; timings land in ``kg.stats['timings_ms']``."""
    corpus = load_corpus(root, progress=progress)
    t0 = time.perf_counter()
    kg = build_graph(corpus.attack, corpus.loads, corpus=label or str(root), normalizer=CorpusNormalizer())
    timings = {k: round(v * 1000) for k, v in corpus.timings.items()}
    timings["graph"] = round((time.perf_counter() - t0) * 1000)
    kg.stats["timings_ms"] = timings
    return kg
