"""ATT&CK Navigator layers (layer format 4.5) with rule counts as scores."""

from __future__ import annotations

from collections import Counter
from statistics import median
from typing import Any

from ..store import KnowledgeGraph

LAYER_VERSION = "4.5"
NAVIGATOR_VERSION = "5.1.0"


def navigator_layer(kg: KnowledgeGraph, *, vendor: str | None = None, tactic: str | None = None) -> dict[str, Any]:
    """A Navigator layer: one entry per (technique, tactic) with active rules; score = rule count.

    >>> from graph.testing import tiny_graph
    >>> layer = navigator_layer(tiny_graph(), vendor="sigma")
    >>> layer["versions"]["layer"], [(t["techniqueID"], t["tactic"], t["score"]) for t in layer["techniques"]]
    ('4.5', [('T1', 'exfiltration', 1), ('T2', 'exfiltration', 1)])
    """
    found = kg.tactic(tactic) if tactic else None
    wanted_tactic = found.shortname if found else None
    entries = []
    top = 0
    for tid in sorted(kg.rules_by_technique):
        tech = kg.techniques[tid]
        uids = [u for u in kg.rules_by_technique[tid] if vendor is None or kg.vendor_of(u) == vendor]
        if not uids:
            continue
        vendors = Counter(kg.vendor_of(u) for u in uids)
        inds = {i for u in uids for i, excluded in kg.rule_indicators.get(u, ()) if not excluded}
        reaches = [kg.reach(i) for i in inds]
        metadata = [
            {"name": "vendors", "value": ", ".join(f"{v} {c}" for v, c in sorted(vendors.items()))},
            {"name": "indicators", "value": str(len(inds))},
            {"name": "median corpus reach", "value": str(median(reaches)) if reaches else "0"},
            {"name": "technique-specific indicators",
             "value": str(sum(1 for i in inds if set(kg.indicator_techniques.get(i, ())) <= {tid}))},
        ]
        for shortname in tech.tactics:
            if wanted_tactic is not None and shortname != wanted_tactic:
                continue
            top = max(top, len(uids))
            comment = f"{len(uids)} rule{'s' if len(uids) != 1 else ''}"
            entries.append({"techniqueID": tid, "tactic": shortname, "score": len(uids), "comment": comment,
                            "enabled": True, "metadata": metadata, "showSubtechniques": False})
    name = "detgraph rule coverage" + (f" ({vendor})" if vendor else "")
    name += f" [{wanted_tactic}]" if wanted_tactic else ""
    return {
        "name": name,
        "versions": {"attack": "18", "navigator": NAVIGATOR_VERSION, "layer": LAYER_VERSION},
        "domain": "enterprise-attack",
        "description": f"Active rules per technique from {kg.corpus}",
        "sorting": 3,
        "layout": {"layout": "side", "showID": True, "showName": True},
        "hideDisabled": False,
        "techniques": entries,
        "gradient": {"colors": ["#ffffff", "#66b1ff"], "minValue": 0, "maxValue": max(top, 1)},
        "legendItems": [],
        "metadata": [{"name": "corpus", "value": kg.corpus}, {"name": "vendor", "value": vendor or "all"}],
        "showTacticRowBackground": False,
        "selectTechniquesAcrossTactics": True,
    }
