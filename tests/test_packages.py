"""The generic names ``graph``/``schema``/``loaders`` must resolve to this project, not PyPI look-alikes."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["graph", "schema", "loaders"])
def test_project_package_is_imported(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == ROOT / name
    assert "detgraph" in (module.__doc__ or "")
