from __future__ import annotations

from pathlib import Path

import pytest

from loaders.normalize import EventCatalog, FieldNormalizer

NORMALIZE_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def normalizer() -> FieldNormalizer:
    return FieldNormalizer()


@pytest.fixture(scope="module")
def catalog() -> EventCatalog:
    return EventCatalog()


@pytest.fixture(scope="session")
def normalize_fixtures() -> Path:
    return NORMALIZE_FIXTURES
