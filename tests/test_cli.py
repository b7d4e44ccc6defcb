from __future__ import annotations

import os
from pathlib import Path

import pytest

from loaders.fetch import build_attack_bundle
from schema.cli import main
from schema.query import build_schema

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "schema.graphql"


def test_sdl_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    """`detgraph schema` prints the SDL; an API change must update the snapshot on purpose.

    Regenerate with: DETGRAPH_UPDATE_SNAPSHOT=1 python -m pytest tests/test_cli.py
    """
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == build_schema().as_str() + "\n"
    if os.environ.get("DETGRAPH_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(printed, encoding="utf-8")
    assert printed == SNAPSHOT.read_text(encoding="utf-8")


def test_check_on_bundled_sample(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    monkeypatch.setenv("DETGRAPH_CORPUS", str(tmp_path / "absent"))
    assert main(["check", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "corpus: bundled sample" in out and "0 errors, 0 warnings" in out
    assert main(["check", "--sample", "--quiet"]) == 0  # asked for explicitly


def test_check_reports_missing_corpus(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", "--corpus", str(tmp_path), "--quiet"]) == 2
    assert "corpus not found" in capsys.readouterr().err


def test_check_fails_on_bad_bundle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "attack").mkdir()
    (tmp_path / "attack" / "enterprise-attack.json").write_text("{oops", encoding="utf-8")
    assert main(["check", "--corpus", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "enterprise-attack.json" in err and "not valid JSON" in err and "Traceback" not in err


def test_fetch_builds_bundle_from_per_object_files(tmp_path: Path) -> None:
    folder = tmp_path / "cti" / "enterprise-attack" / "attack-pattern"
    folder.mkdir(parents=True)
    for name, modified in (("a", "2020"), ("b", "2021")):
        (folder / f"{name}.json").write_text(
            '{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "attack-pattern--1", '
            f'"modified": "{modified}", "name": "{name}"}}]}}', encoding="utf-8")
    out = tmp_path / "attack" / "enterprise-attack.json"
    assert build_attack_bundle(tmp_path / "cti", out) == 1
    assert '"name":"b"' in out.read_text(encoding="utf-8")
