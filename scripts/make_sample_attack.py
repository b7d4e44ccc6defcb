"""Generate the bundled ATT&CK sample (loaders/sample/attack/enterprise-attack.json) from the real bundle.

Keeps a subset of techniques with ids, names, platforms, tactics and relationships (subtechnique-of,
revoked-by, detects), their detection strategies, analytics and data components, and all tactics and the
matrix. Descriptions are dropped.

    python scripts/make_sample_attack.py ../shared/corpus/attack/enterprise-attack.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEEP = {
    "T1567", "T1567.001", "T1567.002", "T1059", "T1059.001", "T1059.003", "T1566", "T1566.001",
    "T1053", "T1053.005", "T1105", "T1071", "T1071.004", "T1048", "T1027", "T1027.005", "T1066",
    "T1003", "T1003.001", "T1218", "T1218.011", "T1048.003", "T1110", "T1110.003", "T1087", "T1087.001",
    "T1020",
}
OUT = Path(__file__).resolve().parent.parent / "loaders" / "sample" / "attack" / "enterprise-attack.json"
DROP_KEYS = {"description", "x_mitre_detection", "external_references_extra"}


def ext_id(obj: dict) -> str | None:
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "mitre-attack":
            return ref.get("external_id")
    return None


def slim(obj: dict) -> dict:
    out = {k: v for k, v in obj.items() if k not in DROP_KEYS}
    if "external_references" in out:
        out["external_references"] = [r for r in out["external_references"] if r.get("source_name") == "mitre-attack"]
    return out


def main(src: str) -> None:
    objects = json.loads(Path(src).read_text(encoding="utf-8"))["objects"]
    by_id = {o["id"]: o for o in objects}
    techniques = {o["id"] for o in objects if o["type"] == "attack-pattern" and ext_id(o) in KEEP}
    keep = set(techniques) | {o["id"] for o in objects if o["type"] in ("x-mitre-tactic", "x-mitre-matrix")}
    rels = []
    for o in objects:
        if o["type"] != "relationship":
            continue
        kind, src_ref, dst = o["relationship_type"], o["source_ref"], o["target_ref"]
        if kind in ("subtechnique-of", "revoked-by") and src_ref in techniques and dst in techniques:
            rels.append(o)
        elif kind == "detects" and dst in techniques:
            rels.append(o)
            keep.add(src_ref)
            for an in by_id[src_ref].get("x_mitre_analytic_refs", []):
                keep.add(an)
                for ls in by_id[an].get("x_mitre_log_source_references", []):
                    keep.add(ls["x_mitre_data_component_ref"])
    out = [slim(by_id[i]) for i in sorted(keep)] + [slim(r) for r in rels]
    bundle = {"type": "bundle", "id": "bundle--detgraph-sample", "spec_version": "2.0", "objects": out}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(bundle, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({len(out)} objects, {len(techniques)} techniques)")


if __name__ == "__main__":
    main(sys.argv[1])
