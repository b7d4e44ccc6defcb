from __future__ import annotations

from loaders.elastic import load
from loaders.settings import SAMPLE_CORPUS


def test_bundled_sample_loads_cleanly() -> None:
    result = load(SAMPLE_CORPUS)
    assert result.diagnostics == []
    assert result.stats["files"] == len(result.rules) == 4
    techniques = {t for r in result.rules for t in r.techniques}
    assert {"T1567.002", "T1059.001"} <= techniques
    assert {r.language for r in result.rules} == {"kuery", "eql", "esql"}
    assert all(r.predicates for r in result.rules)
    esql = next(r for r in result.rules if r.language == "esql")
    assert esql.depends_on_fields == ("host.id", "user.name")
