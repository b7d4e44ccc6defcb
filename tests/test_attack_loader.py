from __future__ import annotations

from pathlib import Path

import pytest

from loaders.attack import load_attack, read_bundle
from loaders.errors import BundleError, DetgraphError
from loaders.records import Severity


@pytest.fixture(scope="module")
def mini(fixtures: Path):
    return load_attack(fixtures, bundle=fixtures / "attack" / "mini-bundle.json")


def test_techniques_parents_and_tactics(mini) -> None:
    sub = mini.techniques["T1567.002"]
    assert (sub.name, sub.parent, sub.is_subtechnique, sub.tactics) == (
        "Exfiltration to Cloud Storage", "T1567", True, ("exfiltration",))
    assert mini.techniques["T1567"].platforms == ("Windows", "Linux")


def test_tactics_follow_matrix_order(mini) -> None:
    assert [(t.shortname, t.id, t.order) for t in sorted(mini.tactics.values(), key=lambda t: t.order)] == [
        ("execution", "TA0002", 0), ("exfiltration", "TA0010", 1)]


def test_revoked_chain_resolves_to_replacement(mini) -> None:
    assert mini.techniques["T1999"].revoked_by == "T1567.002"
    assert mini.resolve("t1998") == "T1567.002"
    assert mini.resolve("T1567") == "T1567"


def test_deprecated_kept_and_flagged(mini) -> None:
    dep = mini.techniques["T1997"]
    assert dep.deprecated and not dep.live
    assert sorted(t.id for t in mini.live_techniques) == ["T1567", "T1567.002"]


def test_detection_model(mini) -> None:
    (strategy,) = mini.techniques["T1567.002"].detection_strategies
    assert strategy.id == "DET0001"
    (analytic,) = strategy.analytics
    assert analytic.id == "AN0001"
    assert [(ls.name, ls.channel, ls.data_component) for ls in analytic.log_sources] == [
        ("WinEventLog:Sysmon", "EventCode=22", "Network Traffic Content")]
    assert mini.techniques["T1567.002"].data_components == ("Network Traffic Content",)
    missing = [d.message for d in mini.diagnostics if "missing analytic" in d.message]
    assert missing == ["detection strategy DET0001 refers to missing analytic x-mitre-analytic--gone"]


def test_unknown_id_becomes_unresolved_technique_with_diagnostic(mini) -> None:
    tech = mini.ensure("t1686.003", "sigma/rules/x.yml")
    assert (tech.id, tech.unresolved, tech.parent, tech.source) == ("T1686.003", True, "T1686", "unresolved")
    diag = mini.diagnostics[-1]
    assert diag.severity is Severity.WARNING and diag.path == "sigma/rules/x.yml" and "T1686.003" in diag.message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a STIX bundle"),
        (b'{"type": "bundle"}', "no 'objects' list"),
        (b'{"type": "bundle", "objects": [{"type": "attack-pattern"}]}', "object #0 lacks the required"),
    ],
)
def test_bad_bundles_get_one_clear_message(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(content)
    with pytest.raises(BundleError) as err:
        read_bundle(path)
    assert problem in str(err.value)
    assert str(path) in str(err.value)
    assert isinstance(err.value, DetgraphError)


def test_bundle_without_techniques_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(b'{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "attack-pattern--x"}]}')
    with pytest.raises(BundleError, match="holds no ATT&CK techniques"):
        load_attack(tmp_path, bundle=path)


def test_missing_bundle_file(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot read ATT&CK bundle"):
        load_attack(tmp_path)


@pytest.mark.corpus
def test_real_bundle_counts(corpus_root: Path) -> None:
    import json

    data = load_attack(corpus_root)
    objects = json.loads((corpus_root / "attack" / "enterprise-attack.json").read_text(encoding="utf-8"))["objects"]
    patterns = [o for o in objects if o["type"] == "attack-pattern"]
    live = [o for o in patterns if not o.get("revoked") and not o.get("x_mitre_deprecated")]
    assert len(live) == 691  # counted independently above; SOURCES.md: 216 techniques + 475 sub-techniques
    assert len(data.live_techniques) == len(live)
    assert len(data.techniques) == len(patterns) == 835
    assert sum(t.revoked for t in data.techniques.values()) == 132
    assert sum(t.deprecated for t in data.techniques.values()) == 12
    assert len(data.tactics) == 14
    tech = data.techniques["T1567.002"]
    assert (tech.name, tech.parent, tech.tactics) == ("Exfiltration to Cloud Storage", "T1567", ("exfiltration",))
    assert [s.id for s in tech.detection_strategies] == ["DET0570"]
    assert data.resolve("T1066") == "T1027.005"  # revoked "Indicator Removal from Tools" -> its sub-technique


@pytest.mark.corpus
def test_real_supplement_names_v19_ids(corpus_root: Path) -> None:
    data = load_attack(corpus_root)
    assert "T1686.003" not in data.techniques
    tech = data.ensure("T1686.003", "sigma/rules/x.yml")
    assert (tech.unresolved, tech.source, tech.name, tech.tactics) == (
        True, "attack-v19-supplement", "Windows Host Firewall", ("defense-impairment",))
    assert "defense-impairment" in data.tactics
