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
    assert back.g is None  # rebuilt from the indices on first use
    assert sorted(graph_of(back).edges(keys=True, data=True)) == sorted(kg.g.edges(keys=True, data=True))
    assert dict(graph_of(back).nodes(data=True)) == dict(kg.g.nodes(data=True))
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


@pytest.mark.corpus
def test_materialized_graph_equals_built_graph(real_graph) -> None:
    """The graph rebuilt from the indices after a snapshot load is the graph the builder made."""
    rebuilt = materialize(real_graph)
    key = lambda e: (e[0], e[1], e[2])  # noqa: E731
    assert sorted(rebuilt.edges(keys=True, data=True), key=key) == sorted(real_graph.g.edges(keys=True, data=True),
                                                                           key=key)
    assert dict(rebuilt.nodes(data=True)) == dict(real_graph.g.nodes(data=True))
