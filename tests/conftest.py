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
