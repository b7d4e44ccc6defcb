from __future__ import annotations

from pathlib import Path

import pytest

from loaders.elastic import load
from loaders.records import LoadResult

ELASTIC_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def elastic_fixture_root() -> Path:
    return ELASTIC_FIXTURES / "corpus"


@pytest.fixture(scope="session")
def elastic_fixture_result(elastic_fixture_root: Path) -> LoadResult:
    return load(elastic_fixture_root)


@pytest.fixture(scope="session")
def elastic_corpus(corpus_root: Path) -> LoadResult:
    """The real Elastic corpus, loaded once per session."""
    return load(corpus_root)
