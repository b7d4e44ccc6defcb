from __future__ import annotations

from pathlib import Path

import pytest

from loaders.settings import ENV_VAR, corpus_path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    """The real corpus; tests that use it skip with a reason when it is absent."""
    root = corpus_path()
    if not (root / "attack" / "enterprise-attack.json").is_file():
        pytest.skip(f"real corpus not found at {root.resolve()} (set {ENV_VAR} to a folder like ../shared/corpus)")
    return root


@pytest.fixture(scope="session")
def real_graph(corpus_root: Path):
    """The knowledge graph of the whole real corpus, built once per test session."""
    from graph.pipeline import build_from_corpus

    return build_from_corpus(corpus_root)


@pytest.fixture(scope="session")
def sample_graph():
    """The knowledge graph of the sample bundled in the package (always available)."""
    from graph.pipeline import build_from_corpus
    from loaders.settings import SAMPLE_CORPUS

    return build_from_corpus(SAMPLE_CORPUS, label="bundled sample")
