"""Generate ``loaders/data/events.json``, the catalog of concrete log event types.

Run from the repository root (the corpus is needed for the generated parts)::

    python scripts/build_event_catalog.py [--corpus ../shared/corpus]

Inputs: ``loaders/data/event_seeds.yml`` (HAND-CURATED: channels, well-known event names, the
Sigma logsource taxonomy, Elastic dataset/index hints), Splunk's ``data_sources/*.yml`` (205
definitions: name, source, sourcetype, description) and the ``x_mitre_log_source_references`` of
ATT&CK v18 ``x-mitre-analytic`` objects. Event ids come from :mod:`loaders.normalize.eventids`.
An event's ``fields`` are its Splunk data source's field list resolved to canonical fields, so run
``scripts/build_field_taxonomy.py`` first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.normalize.eventids import attack_logsource_events, splunk_data_source_events  # noqa: E402
from loaders.normalize.fields import FieldNormalizer, is_unmapped  # noqa: E402
from loaders.settings import corpus_path  # noqa: E402

DATA = ROOT / "loaders" / "data"
_PLATFORM_BY_PREFIX = (
    ("splunk-ds:aws", "aws"),
    ("splunk-ds:azure", "azure"),
    ("splunk-ds:crowdstrike", "windows"),
    ("splunk-ds:windows", "windows"),
    ("splunk-ds:powershell", "windows"),
    ("splunk-ds:linux", "linux"),
    ("splunk-ds:kubernetes", "kubernetes"),
    ("splunk-ds:", "other"),
    ("macos", "macos"),
    ("fs-", "macos"),
    ("linux", "linux"),
    ("ebpf", "linux"),
    ("esxi", "esxi"),
    ("docker", "containers"),
    ("containerd", "containers"),
    ("saas", "saas"),
    ("m365", "m365"),
    ("azure", "azure"),
    ("aws", "aws"),
    ("gcp", "gcp"),
    ("networkdevice", "network"),
    ("nsm", "network"),
    ("etw", "windows"),
    ("windows", "windows"),
)


def _platform(eid: str) -> str:
    for prefix, platform in _PLATFORM_BY_PREFIX:
        if eid.startswith(prefix):
            return platform
    return "other"


class Catalog:
    def __init__(self, seeds: dict[str, Any]) -> None:
        self.channels: dict[str, dict[str, str]] = seeds["channels"]
        self.names: dict[str, str] = seeds["names"]
        self.events: dict[str, dict[str, Any]] = {}

    def add(
        self,
        eid: str,
        source: str,
        *,
        name: str | None = None,
        provider: str | None = None,
        channel: str | None = None,
    ) -> None:
        if eid in self.events:
            ev = self.events[eid]
            if source not in ev["sources"]:
                ev["sources"].append(source)
            return
        key, _, code = eid.partition(":")
        ch = self.channels.get(key)
        label = ch["label"] if ch else key
        default_name = f"{label} event {code}" if code else f"{label} (any event)"
        self.events[eid] = {
            "id": eid,
            "name": self.names.get(eid) or name or default_name,
            "platform": ch["platform"] if ch else _platform(eid),
            "provider": ch["provider"] if ch else (provider or key),
            "channel": ch["channel"] if ch else channel,
            "event_code": code or None,
            "sources": [source],
        }


def build(corpus: Path | None) -> dict[str, Any]:
    seeds = yaml.load((DATA / "event_seeds.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    cat = Catalog(seeds)
    for key in seeds["channels"]:
        cat.add(key, "seed:channels")
    for eid in seeds["names"]:
        cat.add(eid, "seed:names")
    for ids in seeds["sigma"].values():
        for eid in ids:
            cat.add(eid, "seed:sigma-taxonomy")
    for table in (
        "elastic_datasets",
        "elastic_indices",
        "elastic_windows_extra",
        "elastic_data_sources",
        "splunk_datamodels",
        "splunk_sourcetypes",
    ):
        for ids in seeds[table].values():
            for eid in ids:
                cat.add(eid, f"seed:{table}")
    sigma_table = dict(seeds["sigma"])
    # Windows services of Sigma's taxonomy -> event log channel, from pySigma ecs_windows (generated)
    pysigma = json.loads((DATA / "pysigma_field_mappings.json").read_text(encoding="utf-8"))
    for item in pysigma["pipelines"]["ecs_windows"]["items"]:
        chan = (item.get("conditions") or {}).get("winlog.channel")
        conds = item["rule_conditions"]
        if not chan or len(conds) != 1 or conds[0].get("product") != "windows" or "service" not in conds[0]:
            continue
        service = conds[0]["service"]
        key = f"windows//{service}"
        if key in sigma_table:
            continue
        channels = chan if isinstance(chan, list) else [chan]
        cat.channels.setdefault(
            service,
            {
                "platform": "windows",
                "provider": channels[0].split("/")[0],
                "channel": ", ".join(channels),
                "label": channels[0],
            },
        )
        cat.add(service, f"pysigma:ecs_windows/{item['identifier']}")
        sigma_table[key] = [service]
    splunk_ds: dict[str, list[str]] = {}
    norm = FieldNormalizer()  # reads loaders/data/field_taxonomy.json: run build_field_taxonomy.py first
    attack: dict[str, list[str]] = {}
    if corpus is not None:
        for path in sorted(glob.glob(str(corpus / "splunk" / "data_sources" / "*.yml"))):
            doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
            name = str(doc.get("name", Path(path).stem))
            ids = splunk_data_source_events(name)
            splunk_ds[name] = list(ids)
            for eid in ids:
                cat.add(
                    eid,
                    "splunk:data_sources",
                    name=str(doc.get("description") or name),
                    provider=str(doc.get("sourcetype") or ""),
                    channel=str(doc.get("source") or ""),
                )
            if len(ids) == 1:  # the data source's field list, as canonical fields, documents the event
                ls = (("data_source", name), ("sourcetype", str(doc.get("sourcetype") or "")))
                canon = {norm.canonical("splunk", str(f), logsource=ls) for f in doc.get("fields") or []}
                ev = cat.events[ids[0]]
                ev["fields"] = sorted(set(ev.get("fields", [])) | {c for c in canon if not is_unmapped(c)})
        bundle = json.loads((corpus / "attack" / "enterprise-attack.json").read_text(encoding="utf-8"))
        for obj in bundle["objects"]:
            if obj.get("type") != "x-mitre-analytic" or obj.get("revoked") or obj.get("x_mitre_deprecated"):
                continue
            for ref in obj.get("x_mitre_log_source_references") or []:
                name, channel = str(ref.get("name", "")), str(ref.get("channel", ""))
                ids = attack_logsource_events(name, channel)
                attack[f"{name}|{channel}"] = list(ids)
                for eid in ids:
                    cat.add(
                        eid,
                        "attack:analytics",
                        name=f"{name} {channel}".strip(),
                        provider=name,
                        channel=channel if channel.lower() != "none" else None,
                    )
    return {
        "provenance": {
            "generated_by": "scripts/build_event_catalog.py",
            "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "inputs": [
                "loaders/data/event_seeds.yml (hand-curated)",
                "corpus splunk/data_sources/*.yml" if corpus else "(corpus absent)",
                "corpus attack/enterprise-attack.json x-mitre-analytic log sources" if corpus else "",
            ],
        },
        "sigma": sigma_table,
        "elastic_datasets": seeds["elastic_datasets"],
        "elastic_indices": seeds["elastic_indices"],
        "elastic_categories": seeds["elastic_categories"],
        "elastic_windows_extra": seeds["elastic_windows_extra"],
        "elastic_data_sources": seeds["elastic_data_sources"],
        "splunk_datamodels": seeds["splunk_datamodels"],
        "splunk_sourcetypes": seeds["splunk_sourcetypes"],
        "channels": cat.channels,
        "splunk_data_sources": splunk_ds,
        "attack_log_sources": attack,
        "events": sorted(cat.events.values(), key=lambda e: e["id"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(corpus_path()), help="default: $DETGRAPH_CORPUS or ../shared/corpus")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    data = build(corpus if (corpus / "attack").is_dir() else None)
    out = DATA / "events.json"
    out.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(
        f"wrote {out}: {len(data['events'])} events, {len(data['splunk_data_sources'])} Splunk data sources, "
        f"{len(data['attack_log_sources'])} ATT&CK log source refs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
