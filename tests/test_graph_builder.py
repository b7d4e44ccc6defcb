"""The graph builder: duplicate rule ids keep both rules, with a warning."""

from __future__ import annotations

from graph.builder import build_graph
from loaders.attack import AttackData
from loaders.records import LoadResult, Rule, Severity, Technique, Vendor


def test_duplicate_rule_ids_keep_both() -> None:
    attack = AttackData(techniques={"T1": Technique(id="T1", name="One")})
    first = Rule(uid="elastic:x", vendor=Vendor.ELASTIC, native_id="x", title="First", path="a.toml",
                 techniques=("T1",))
    second = Rule(uid="elastic:x", vendor=Vendor.ELASTIC, native_id="x", title="Second", path="b.toml",
                  techniques=("T1",))
    kg = build_graph(attack, [LoadResult(source="elastic", rules=[first, second])])
    assert [kg.rules[u].title for u in kg.rules_by_technique["T1"]] == ["First", "Second"]
    assert set(kg.rules) == {"elastic:x", "elastic:x#1"}
    (diag,) = [d for d in kg.diagnostics if "duplicate" in d.message]
    assert diag.severity is Severity.WARNING and diag.path == "b.toml" and "first in a.toml" in diag.message
