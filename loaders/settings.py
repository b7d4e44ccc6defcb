"""The one corpus-location setting shared by the CLI, tests and benchmarks."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "DETGRAPH_CORPUS"
DEFAULT_CORPUS = Path("..") / "shared" / "corpus"
SAMPLE_CORPUS = Path(__file__).resolve().parent / "sample"


def corpus_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the corpus root: the explicit value, else ``$DETGRAPH_CORPUS``, else ``../shared/corpus``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return DEFAULT_CORPUS
