"""Extract the field-mapping tables of pySigma backend pipelines into ``loaders/data``.

The Elasticsearch and Splunk backends pin ``pysigma<2`` while detgraph uses pySigma 2, so
this script runs ONCE in its own virtual environment and its output is committed::

    python3 -m venv /tmp/venv-ps1
    /tmp/venv-ps1/bin/pip install 'pysigma<2' pysigma-backend-elasticsearch pysigma-backend-splunk
    /tmp/venv-ps1/bin/python scripts/extract_pysigma_mappings.py

It writes ``loaders/data/pysigma_field_mappings.json``: for each pipeline, the processing items
that map field names (``FieldMappingTransformation``, ``AddFieldnamePrefixTransformation``) and the
items that add conditions (``AddConditionTransformation``, used as logsource -> event hints), each
with its logsource scope (the ``LogsourceCondition`` rule conditions, their linking and negation).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PIPELINES = {
    "elasticsearch": ["ecs_windows", "ecs_zeek_beats", "ecs_macos_esf", "ecs_kubernetes"],
    "splunk": ["splunk_cim"],
}
OUT = Path(__file__).resolve().parent.parent / "loaders" / "data" / "pysigma_field_mappings.json"


def _scope(item: Any) -> dict[str, Any]:
    from sigma.processing.conditions import LogsourceCondition

    conds: list[dict[str, Any]] = []
    raw = item.rule_conditions
    values = raw.values() if isinstance(raw, dict) else (raw or [])
    for cond in values:
        if isinstance(cond, LogsourceCondition):
            conds.append(
                {
                    "type": "logsource",
                    **{k: getattr(cond, k) for k in ("product", "category", "service") if getattr(cond, k)},
                }
            )
        else:
            conds.append({"type": type(cond).__name__, "repr": repr(cond)})
    linking = getattr(item, "rule_condition_linking", None)
    return {
        "rule_conditions": conds,
        "linking": getattr(linking, "__name__", None) if linking else ("all" if conds else None),
        "negated": bool(getattr(item, "rule_condition_negation", False)),
        "has_field_name_conditions": bool(getattr(item, "field_name_conditions", None)),
    }


def _item(item: Any) -> dict[str, Any] | None:
    from sigma.processing.transformations import (
        AddConditionTransformation,
        AddFieldnamePrefixTransformation,
        FieldMappingTransformation,
    )

    tr = item.transformation
    out: dict[str, Any] = {"identifier": item.identifier, "transformation": type(tr).__name__}
    if isinstance(tr, FieldMappingTransformation):
        out["mapping"] = {
            str(k): (list(v) if isinstance(v, (list, tuple)) else v) for k, v in sorted(tr.mapping.items())
        }
    elif isinstance(tr, AddFieldnamePrefixTransformation):
        out["prefix"] = tr.prefix
    elif isinstance(tr, AddConditionTransformation):
        out["conditions"] = {
            k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in tr.conditions.items()
        }
    else:
        return None
    out.update(_scope(item))
    return out


def main() -> int:
    from sigma.pipelines.elasticsearch import pipelines as es_pipelines
    from sigma.pipelines.splunk import pipelines as splunk_pipelines

    registry = {"elasticsearch": es_pipelines, "splunk": splunk_pipelines}
    result: dict[str, Any] = {
        "provenance": {
            "generated_by": "scripts/extract_pysigma_mappings.py",
            "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "python": sys.version.split()[0],
            "packages": {
                name: metadata.version(name)
                for name in ("pySigma", "pySigma-backend-elasticsearch", "pySigma-backend-splunk")
            },
        },
        "pipelines": {},
    }
    for backend, names in PIPELINES.items():
        for name in names:
            pipeline = registry[backend][name]()
            items = [x for x in (_item(it) for it in pipeline.items) if x is not None]
            result["pipelines"][name] = {
                "backend": backend,
                "name": pipeline.name,
                "items": items,
            }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    n = sum(len(i.get("mapping", {})) for p in result["pipelines"].values() for i in p["items"])
    print(f"wrote {OUT} ({n} field mappings)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
