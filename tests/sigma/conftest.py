from __future__ import annotations

from pathlib import Path

import pytest

from loaders.records import LoadResult
from loaders.sigma import load

SIGMA_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def sigma_fixture_root() -> Path:
    """A miniature corpus root (``<root>/sigma/rules...``) of hand-written rules, good and bad."""
    return SIGMA_FIXTURES / "corpus"


@pytest.fixture(scope="session")
def sigma_fixture_result(sigma_fixture_root: Path) -> LoadResult:
    return load(sigma_fixture_root)
