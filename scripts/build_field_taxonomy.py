"""Generate ``loaders/data/field_taxonomy.json``: the canonical (ECS-based) field taxonomy.

Run from the repository root (needs the real corpus for the Splunk/Elastic sources)::

    python scripts/build_field_taxonomy.py [--corpus ../shared/corpus]

Sources, in order of precedence (all generated except the labelled hand-curated file):

1. ``loaders/data/pysigma_field_mappings.json`` (scripts/extract_pysigma_mappings.py): Sigma
   field -> ECS tables of ecs_windows, ecs_macos_esf, ecs_zeek_beats, ecs_kubernetes, with their
   logsource scopes; Sigma -> CIM of splunk_cim.
2. ``splunk/data_sources/*.yml`` ``field_mappings`` (vendor field, possibly ``|endswith``, -> CIM).
   CIM -> ECS is the composition of (1)/(2) with the ECS tables of (1).
3. Elastic schemas in ``elastic/detection_rules/etc``: ECS flat (every ECS field maps to itself),
   non-ECS schema, endgame, Elastic Defend endpoint, beats (fields and their aliases).
4. ``loaders/data/field_overrides.yml`` (HAND-CURATED): path/name coarsening, CIM fields the
   generated tables lack, cloud/SaaS native fields.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.settings import corpus_path  # noqa: E402

DATA = ROOT / "loaders" / "data"
ETC = Path("elastic") / "detection_rules" / "etc"
ECS_VERSIONS = ("8.17.0", "9.3.0", "9.4.0", "9.5.0")
BEATS_VERSION = "v9.5.0"
FIELD_RE = re.compile(r"^[A-Za-z_@][\w@.\-]*$")
MULTIFIELD_RE = re.compile(r"\.(caseless|text|keyword|wildcard)$")


def _clean_target(target: Any) -> str | None:
    """First usable ECS target of a pySigma mapping value (drops globbed/commented targets)."""
    if isinstance(target, list):
        target = target[0] if target else None
    if not isinstance(target, str):
        return None
    target = target.split("#")[0].strip()
    if not target or "*" in target or not FIELD_RE.match(target):
        return None
    return MULTIFIELD_RE.sub("", target)


def _scopes(item: dict[str, Any]) -> list[dict[str, str]]:
    conds = [c for c in item["rule_conditions"] if c["type"] == "logsource"]
    if item.get("negated") or item.get("has_field_name_conditions"):
        return []
    if not conds:
        return [{}]
    if item.get("linking") == "any" or len(conds) == 1:
        return [{k: v for k, v in c.items() if k != "type"} for c in conds]
    merged: dict[str, str] = {}
    for c in conds:
        merged.update({k: v for k, v in c.items() if k != "type"})
    return [merged]


def sigma_tables(pysigma: dict[str, Any]) -> list[dict[str, Any]]:
    """Scoped Sigma -> ECS tables, most specific scope first."""
    out: list[dict[str, Any]] = []
    for pname, pipe in pysigma["pipelines"].items():
        if pipe["backend"] != "elasticsearch":
            continue
        for item in pipe["items"]:
            if "mapping" not in item:
                continue
            mapping = {k: t for k, v in item["mapping"].items() if (t := _clean_target(v))}
            for scope in _scopes(item):
                out.append(
                    {"scope": scope, "map": mapping, "source": f"pysigma:{pname}/{item['identifier']}"}
                )
    out.sort(key=lambda t: -len(t["scope"]))
    return out


def sigma_prefixes(pysigma: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for pname, pipe in pysigma["pipelines"].items():
        for item in pipe["items"]:
            if "prefix" in item:
                scopes = [{k: v for k, v in c.items() if k != "type"} for c in item["rule_conditions"]]
                for scope in scopes or [{}]:
                    # ecs_windows prefixes "winlog.event_data." to fields its field map left alone
                    out.append(
                        {
                            "scope": scope,
                            "prefix": item["prefix"],
                            "source": f"pysigma:{pname}/{item['identifier']}",
                        }
                    )
    return out


def _sigma_lookup(tables: list[dict[str, Any]], scope: dict[str, str], field: str) -> str | None:
    for t in tables:
        if all(scope.get(k) == v for k, v in t["scope"].items()) and field in t["map"]:
            return t["map"][field]
    return None


def _windows_fallback(field: str, overrides: dict[str, Any]) -> str:
    """How a Windows Sigma field outside the ecs_windows field map is resolved at runtime:
    the hand-curated ``native.windows`` table, else ecs_windows' ``winlog.event_data.`` prefix."""
    return overrides["native"]["windows"].get(field) or f"winlog.event_data.{field}"


def cim_tables(
    pysigma: dict[str, Any], tables: list[dict[str, Any]], corpus: Path | None, overrides: dict[str, Any]
) -> dict[str, dict]:
    """CIM Dataset.field -> ECS, composing Sigma->CIM with Sigma->ECS under the same scope."""
    cim: dict[str, dict[str, str]] = {}

    def add(cim_field: str, ecs: str | None, source: str, name_only: bool = False) -> None:
        if not ecs:
            return
        if name_only:
            ecs = {
                "process.executable": "process.name",
                "process.parent.executable": "process.parent.name",
                "file.path": "file.name",
            }.get(ecs, ecs)
        cim.setdefault(cim_field, {"ecs": ecs, "source": source})

    for item in pysigma["pipelines"]["splunk_cim"]["items"]:
        if "mapping" not in item:
            continue
        for scope in _scopes(item) or [{}]:
            for sig, target in item["mapping"].items():
                tgt = _clean_target(target)
                if not tgt:
                    continue
                ecs = _sigma_lookup(tables, scope, sig)
                if ecs is None and scope.get("product") == "windows":
                    ecs = _windows_fallback(sig, overrides)
                if ecs is None and "." in sig and sig.split(".")[0] in ("dns", "source", "destination"):
                    ecs = sig  # splunk_cim's DNS table is keyed by ECS names already
                if ecs is None:  # proxy fields: use the zeek/web table regardless of product
                    ecs = _sigma_lookup(tables, {"product": "zeek"}, sig)
                add(tgt, ecs, f"pysigma:splunk_cim/{item['identifier']}+ecs")
    if corpus is not None:
        for path in sorted(glob.glob(str(corpus / "splunk" / "data_sources" / "*.yml"))):
            doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
            windows_log = "wineventlog" in str(doc.get("source", "")).lower()
            for fm in doc.get("field_mappings") or []:
                if fm.get("data_model") != "cim":
                    continue
                for src, tgt in (fm.get("mapping") or {}).items():
                    base, _, mod = str(src).partition("|")
                    ecs = _sigma_lookup(tables, {"product": "windows"}, base)
                    if ecs is None and windows_log:  # Windows event-log field names are Sigma's names
                        ecs = _windows_fallback(base, overrides)
                    add(str(tgt), ecs, f"splunk:data_sources/{Path(path).name}", name_only=mod == "endswith")
    return cim


def _flatten_beats(node: Any, prefix: str, out: dict[str, str | None]) -> None:
    if isinstance(node, list):
        for f in node:
            if not isinstance(f, dict):
                continue
            name = f.get("name")
            if name is not None and not isinstance(name, str):
                continue
            full = f"{prefix}.{name}" if (prefix and name) else (name or prefix)
            if f.get("fields"):
                _flatten_beats(f["fields"], full if name else prefix, out)
            elif name:
                out[full] = f.get("path") if f.get("type") == "alias" else None
    elif isinstance(node, dict):
        for k, v in node.items():
            if k == "files":
                for content in v.values():
                    _flatten_beats(content, "", out)
            else:
                _flatten_beats(v, "", out)


def _gz(path: str | Path) -> Any:
    with gzip.open(path) as fh:
        return json.load(fh)


def elastic_fields(corpus: Path | None) -> tuple[set[str], dict[str, str], set[str]]:
    """(known field names, beats alias -> target, ECS field names)."""
    known: set[str] = set()
    ecs: set[str] = set()
    aliases: dict[str, str] = {}
    if corpus is None:
        return known, aliases, ecs
    etc = corpus / ETC
    for ver in ECS_VERSIONS:
        p = etc / "ecs_schemas" / ver / "ecs_flat.json.gz"
        if p.is_file():
            flat = _gz(p)
            ecs.update(flat)
            for name, spec in flat.items():
                for mf in spec.get("multi_fields") or []:
                    known.add(mf.get("flat_name", f"{name}.{mf.get('name')}"))
    known |= ecs
    nonecs = json.loads((etc / "non-ecs-schema.json").read_text(encoding="utf-8"))
    for fields in nonecs.values():
        known.update(fields)
    for p in glob.glob(str(etc / "endgame_schemas" / "*" / "endgame_ecs_mapping.json.gz")):
        known.update(_gz(p))
    known.update(_gz(etc / "endpoint_schemas" / "endpoint_process.json.gz"))
    beats: dict[str, str | None] = {}
    _flatten_beats(_gz(etc / "beats_schemas" / f"{BEATS_VERSION}.json.gz"), "", beats)
    for name, target in beats.items():
        if not FIELD_RE.match(name):
            continue
        known.add(name)
        if target:
            aliases[name] = target
    return known, aliases, ecs


def elastic_namespaces(corpus: Path | None) -> list[str]:
    """Top-level field namespaces owned by Fleet integrations (``aws.*``, ``okta.*``, ...).

    integration-schemas.json.gz (the per-integration field lists) is not in the corpus, so a
    field under an integration's own namespace is accepted as that integration's schema field.
    """
    if corpus is None:
        return []
    manifests = _gz(corpus / ETC / "integration-manifests.json.gz")
    return sorted(set(manifests))


def splunk_windows_event_fields(corpus: Path | None) -> list[str]:
    """Event fields of Splunk's Windows data sources (Sysmon, Security, System, PowerShell...)."""
    out: set[str] = set()
    if corpus is None:
        return []
    for path in sorted(glob.glob(str(corpus / "splunk" / "data_sources" / "*.yml"))):
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        if (
            "wineventlog" in str(doc.get("source", "")).lower()
            or "wineventlog" in str(doc.get("sourcetype", "")).lower()
        ):
            # CamelCase event-data names only; Splunk's own lower-case CIM/extracted fields are not event data
            out.update(
                f
                for f in doc.get("fields") or []
                if isinstance(f, str) and re.match(r"^[A-Z][A-Za-z0-9_]*$", f)
            )
    return sorted(out)


def build(corpus: Path | None) -> dict[str, Any]:
    pysigma = json.loads((DATA / "pysigma_field_mappings.json").read_text(encoding="utf-8"))
    overrides = yaml.load((DATA / "field_overrides.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    tables = sigma_tables(pysigma)
    prefixes = sigma_prefixes(pysigma)
    cim = cim_tables(pysigma, tables, corpus, overrides)
    for k, v in overrides["cim"].items():
        cim.setdefault(k, {"ecs": v, "source": "field_overrides.yml"})
    known, aliases, ecs = elastic_fields(corpus)
    coarsen = overrides["coarsen"]

    spellings: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    sources: dict[str, set[str]] = defaultdict(set)

    def canon(f: str) -> str:
        return coarsen.get(f, f)

    for t in tables:
        for sig, tgt in t["map"].items():
            c = canon(tgt)
            spellings[c]["sigma"].add(sig)
            sources[c].add(t["source"].split("/")[0])
    for cf, spec in cim.items():
        c = canon(spec["ecs"])
        spellings[c]["splunk"].add(cf)
        spellings[c]["splunk"].add(cf.split(".", 1)[-1])
        sources[c].add(spec["source"].split("/")[0])
    for product, table in overrides["native"].items():
        for nat, tgt in table.items():
            c = canon(tgt)
            spellings[c]["sigma"].add(nat)
            spellings[c]["splunk"].add(nat)
            sources[c].add(f"field_overrides.yml:native.{product}")
    for path_f, name_f in coarsen.items():
        for f in (path_f, name_f):
            if f in known:
                spellings[name_f]["elastic"].add(f)
    for c in list(spellings):
        if c in known:
            spellings[c]["elastic"].add(c)
    canonical = {
        c: {
            "ecs": c in ecs,
            "spellings": {v: sorted(s) for v, s in sorted(d.items())},
            "sources": sorted(sources[c]),
        }
        for c, d in sorted(spellings.items())
    }
    return {
        "provenance": {
            "generated_by": "scripts/build_field_taxonomy.py",
            "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "inputs": [
                "loaders/data/pysigma_field_mappings.json",
                "loaders/data/field_overrides.yml (hand-curated)",
                "corpus splunk/data_sources/*.yml field_mappings" if corpus else "(corpus absent)",
                f"corpus {ETC}/ecs_schemas {ECS_VERSIONS}, non-ecs-schema.json, endgame, endpoint, "
                f"beats {BEATS_VERSION}"
                if corpus
                else "(corpus absent)",
            ],
            "pysigma": pysigma["provenance"],
        },
        "coarsen": coarsen,
        "elastic_multifield_suffixes": overrides["elastic_multifield_suffixes"],
        "sigma_tables": tables,
        "sigma_prefixes": prefixes,
        "native": overrides["native"],
        "cim": dict(sorted(cim.items())),
        "cim_common": overrides["cim_common"],
        "splunk_windows_event_fields": splunk_windows_event_fields(corpus),
        "elastic_aliases": dict(sorted(aliases.items())),
        "elastic_known": sorted(known),
        "elastic_namespaces": elastic_namespaces(corpus),
        "canonical": canonical,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(corpus_path()), help="default: $DETGRAPH_CORPUS or ../shared/corpus")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    data = build(corpus if (corpus / "splunk").is_dir() else None)
    out = DATA / "field_taxonomy.json"
    out.write_text(json.dumps(data, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(
        f"wrote {out}: {len(data['canonical'])} documented canonical fields, "
        f"{len(data['elastic_known'])} known Elastic fields, {len(data['cim'])} CIM fields, "
        f"{sum(len(t['map']) for t in data['sigma_tables'])} scoped Sigma mappings"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
