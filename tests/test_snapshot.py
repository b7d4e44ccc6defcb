from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph import snapshot
from graph.analytics.guide import authoring_guide
from graph.compact import graph_of, materialize
from graph.testing import tiny_graph
from loaders.settings import SAMPLE_CORPUS


def test_round_trip_keeps_indices(tmp_path: Path) -> None:
    kg = tiny_graph()
    path = tmp_path / "g.snapshot"
    snapshot.save(kg, path, "fp-1")
    back = snapshot.load(path, "fp-1")
    assert back is not None
    assert back.indicator_rules == kg.indicator_rules and back.rule_order == kg.rule_order
    assert back.g is None  # derived from the indices on first use
    assert sorted(graph_of(back).edges(keys=True, data=True)) == sorted(graph_of(kg).edges(keys=True, data=True))
    assert dict(graph_of(back).nodes(data=True)) == dict(graph_of(kg).nodes(data=True))
    assert back.rules["sigma:a"] == kg.rules["sigma:a"]
    assert dict(back.indicators) == dict(kg.indicators)
    assert authoring_guide(back, "T1") == authoring_guide(kg, "T1")


def test_stale_or_broken_snapshot_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    snapshot.save(tiny_graph(), path, "fp-1")
    assert snapshot.load(path, "fp-2") is None
    assert snapshot.load(tmp_path / "absent", "fp-1") is None
    path.write_bytes(snapshot.MAGIC + b" fp-1\n" + b"garbage")
    assert snapshot.load(path, "fp-1") is None


def test_fingerprint_follows_inputs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    before = snapshot.input_fingerprint(corpus)
    assert snapshot.input_fingerprint(corpus) == before
    rule = next(p for p in sorted(corpus.rglob("*")) if p.suffix in (".yml", ".toml"))
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert snapshot.input_fingerprint(corpus) != before
    assert len(snapshot.code_fingerprint()) == 32


def test_load_or_build_builds_once(tmp_path: Path) -> None:
    calls: list[int] = []

    def build():  # type: ignore[no-untyped-def]
        calls.append(1)
        return tiny_graph()

    kg1, cached1 = snapshot.load_or_build(SAMPLE_CORPUS, build, cache_dir=tmp_path)
    kg2, cached2 = snapshot.load_or_build(SAMPLE_CORPUS, build, cache_dir=tmp_path, label="again")
    assert (cached1, cached2, len(calls)) == (False, True, 1)
    assert kg2.corpus == "again" and kg2.rule_order == kg1.rule_order


@pytest.mark.corpus
def test_real_snapshot_matches_fresh_build(real_graph, tmp_path: Path) -> None:
    path = tmp_path / "real.snapshot"
    snapshot.save(real_graph, path, "fp")
    back = snapshot.load(path, "fp")
    assert back is not None
    assert back.indicator_rules == real_graph.indicator_rules
    assert back.rules_by_technique == real_graph.rules_by_technique
    assert dict(back.indicators) == dict(real_graph.indicators)
    uid = real_graph.rule_order[0]
    assert back.rules[uid] == real_graph.rules[uid] and len(back.rules) == len(real_graph.rules)


def test_materialized_tiny_graph_edges() -> None:
    """The graph derived from the indices, checked edge by edge for one rule (see graph.testing)."""
    g = materialize(tiny_graph())
    assert sorted((v, k, d.get("operator"), d.get("excluded")) for _, v, k, d in
                  g.out_edges("rule:sigma:a", keys=True, data=True)) == [
        ("event:sysmon:1", "observes", None, None),
        ("field:f:cmd", "filters:wildcard:False", "wildcard", False),
        ("field:f:parent", "filters:eq:True", "eq", True),
        ("field:f:proc", "filters:eq:False", "eq", False),
        ("indicator:f:cmd|wildcard|*copy*", "matches", None, None),
        ("indicator:f:parent|eq|explorer.exe", "excludes", None, None),
        ("indicator:f:proc|eq|cmd.exe", "matches", None, None),
        ("indicator:f:proc|eq|rclone.exe", "matches", None, None),
        ("technique:T1", "tagged", None, None),
        ("vendor:sigma", "from-vendor", None, None),
    ]
    assert sorted(k for _, _, k in g.out_edges("technique:T1.001", keys=True)) == ["in-tactic", "subtechnique-of"]
    assert sorted(g.successors("technique:T1")) == ["event:sysmon:1", "event:sysmon:22", "tactic:exfiltration"]


@pytest.mark.corpus
def test_materialized_real_graph_matches_indices(real_graph) -> None:
    g = graph_of(real_graph)
    kinds: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        kinds[data["kind"]] = kinds.get(data["kind"], 0) + 1
    assert kinds == {"tactic": len(real_graph.tactics), "technique": len(real_graph.techniques),
                     "vendor": 3, "rule": len(real_graph.rules), "indicator": len(real_graph.indicators),
                     "field": len(real_graph.fields), "event": len(real_graph.events)}
    rclone = "rule:sigma:e37db05d-d1f9-49c8-b464-cee1a4b11638"
    assert g.has_edge(rclone, "indicator:process.name|eq|rclone.exe", key="matches")
    assert g.has_edge(rclone, "technique:T1567.002", key="tagged")
    assert g.has_edge("technique:T1567.002", "technique:T1567", key="subtechnique-of")
    assert g.has_edge("technique:T1066", "technique:T1027.005", key="revoked-by")


def test_lazy_records_decode_once_and_repickle() -> None:
    import pickle

    from graph.compact import LazyRecords

    table = LazyRecords.of({"a": ("x", 1), "b": ("y", 2)})
    assert table["a"] == ("x", 1) and table["a"] is table["a"]
    again = pickle.loads(pickle.dumps(table))
    assert dict(again) == {"a": ("x", 1), "b": ("y", 2)}
