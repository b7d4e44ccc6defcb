"""The shipped data files: provenance, separation of hand-curated input, and (with the corpus)
that the committed generated files are what the generator scripts produce."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "loaders" / "data"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_detgraph_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pysigma_mappings_provenance() -> None:
    data = json.loads((DATA / "pysigma_field_mappings.json").read_text(encoding="utf-8"))
    prov = data["provenance"]
    assert prov["generated_by"] == "scripts/extract_pysigma_mappings.py"
    assert set(prov["packages"]) == {"pySigma", "pySigma-backend-elasticsearch", "pySigma-backend-splunk"}
    assert prov["packages"]["pySigma"].startswith("1.")
    assert set(data["pipelines"]) == {
        "ecs_windows",
        "ecs_zeek_beats",
        "ecs_macos_esf",
        "ecs_kubernetes",
        "splunk_cim",
    }
    # category scope is kept: OriginalFileName maps per category
    items = [
        i for i in data["pipelines"]["ecs_windows"]["items"] if "OriginalFileName" in i.get("mapping", {})
    ]
    scopes = {
        (c.get("category"), i["mapping"]["OriginalFileName"]) for i in items for c in i["rule_conditions"]
    }
    assert ("process_creation", "process.pe.original_file_name") in scopes
    assert ("image_load", "file.pe.original_file_name") in scopes


def test_taxonomy_documents_vendor_spellings() -> None:
    tax = json.loads((DATA / "field_taxonomy.json").read_text(encoding="utf-8"))
    assert tax["provenance"]["generated_by"] == "scripts/build_field_taxonomy.py"
    doc = tax["canonical"]["process.command_line"]
    assert "CommandLine" in doc["spellings"]["sigma"]
    assert "Processes.process" in doc["spellings"]["splunk"]
    assert "process.command_line" in doc["spellings"]["elastic"]
    assert doc["ecs"] is True


def test_event_catalog_ids_are_unique() -> None:
    events = json.loads((DATA / "events.json").read_text(encoding="utf-8"))["events"]
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))
    assert all(e["name"] and e["platform"] and e["sources"] for e in events)


@pytest.mark.corpus
def test_committed_taxonomy_matches_generator(corpus_root: Path) -> None:
    built = _script("build_field_taxonomy").build(corpus_root)
    committed = json.loads((DATA / "field_taxonomy.json").read_text(encoding="utf-8"))
    for key in ("sigma_tables", "cim", "elastic_known", "elastic_namespaces", "canonical", "native"):
        assert json.loads(json.dumps(built[key])) == committed[key], key
    assert committed["cim"]["Processes.process_name"] == {
        "ecs": "process.name",
        "source": "splunk:data_sources/sysmon_eventid_1.yml",
    }


@pytest.mark.corpus
def test_committed_catalog_matches_generator(corpus_root: Path) -> None:
    built = _script("build_event_catalog").build(corpus_root)
    committed = json.loads((DATA / "events.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(built["events"])) == committed["events"]
    assert len(built["splunk_data_sources"]) == 205
    assert len(built["attack_log_sources"]) == 2421
    assert built["splunk_data_sources"]["Sysmon EventID 22"] == ["sysmon:22"]
    assert built["attack_log_sources"]["WinEventLog:Sysmon|EventCode=3, 22"] == ["sysmon:3", "sysmon:22"]
