"""MITRE ATT&CK loader: a STIX 2.0/2.1 bundle read with orjson.

Handles techniques and sub-techniques, tactics with matrix order, revoked objects
(``revoked-by`` chains resolve an old id to its replacement), deprecated objects
(kept and flagged) and the v18 detection model: detection strategies (``detects``)
-> analytics -> log source references and data components.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from .errors import BundleError
from .records import (
    Analytic,
    DetectionStrategy,
    Diagnostic,
    LogSourceRef,
    Severity,
    Tactic,
    Technique,
)

BUNDLE = Path("attack") / "enterprise-attack.json"
SUPPLEMENT = Path("attack") / "attack-v19-techniques.json"
_UNKNOWN_ORDER = 1_000


@dataclass(slots=True)
class AttackData:
    """Techniques and tactics of one bundle, with id resolution."""

    techniques: dict[str, Technique] = field(default_factory=dict)
    tactics: dict[str, Tactic] = field(default_factory=dict)  # by shortname
    diagnostics: list[Diagnostic] = field(default_factory=list)
    supplement: dict[str, dict[str, Any]] = field(default_factory=dict)
    supplement_tactics: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: str = str(BUNDLE)

    def resolve(self, technique_id: str) -> str:
        """Follow ``revoked-by`` until a technique that is not revoked (or a cycle) is reached."""
        seen: set[str] = set()
        current = technique_id.upper()
        while current not in seen:
            seen.add(current)
            tech = self.techniques.get(current)
            if tech is None or not tech.revoked or tech.revoked_by is None:
                return current
            current = tech.revoked_by
        return current

    def ensure(self, technique_id: str, referenced_by: str) -> Technique:
        """Return the technique for an id a rule references, creating an unresolved one if absent."""
        tid = technique_id.upper()
        tech = self.techniques.get(tid)
        if tech is not None:
            return tech
        extra = self.supplement.get(tid)
        parent = tid.split(".")[0] if "." in tid else None
        if extra is not None:
            tech = Technique(
                id=tid,
                name=str(extra.get("name", tid)),
                tactics=tuple(extra.get("tactics", ())),
                parent=parent,
                is_subtechnique=parent is not None,
                unresolved=True,
                source="attack-v19-supplement",
                url=extra.get("url"),
            )
            message = f"technique {tid} is not in the ATT&CK bundle; named from the v19 supplement"
        else:
            tech = Technique(
                id=tid, name=tid, parent=parent, is_subtechnique=parent is not None,
                unresolved=True, source="unresolved",
            )
            message = f"technique {tid} is not in the ATT&CK bundle and has no supplement entry"
        self.techniques[tid] = tech
        for shortname in tech.tactics:
            if shortname not in self.tactics and shortname in self.supplement_tactics:
                info = self.supplement_tactics[shortname]
                self.tactics[shortname] = Tactic(
                    id=str(info.get("id", shortname)), shortname=shortname,
                    name=str(info.get("name", shortname)), order=_UNKNOWN_ORDER + len(self.tactics),
                    url=info.get("url"),
                )
        self.diagnostics.append(
            Diagnostic(source="attack", path=referenced_by, message=message, severity=Severity.WARNING)
        )
        return tech

    @property
    def live_techniques(self) -> list[Technique]:
        return [t for t in self.techniques.values() if t.live]


def _external_id(obj: dict[str, Any]) -> str | None:
    for ref in obj.get("external_references") or ():
        if isinstance(ref, dict) and ref.get("source_name") in ("mitre-attack", "mitre-ics-attack"):
            ext = ref.get("external_id")
            return str(ext) if ext else None
    return None


def _url(obj: dict[str, Any]) -> str | None:
    for ref in obj.get("external_references") or ():
        if isinstance(ref, dict) and ref.get("source_name") == "mitre-attack":
            return ref.get("url")
    return None


def read_bundle(path: Path) -> list[dict[str, Any]]:
    """Read and shape-check a STIX bundle; raise :class:`BundleError` naming the file and the problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read ATT&CK bundle: {exc.strerror or exc}", str(path)) from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BundleError(f"not valid JSON: {exc}", str(path)) from None
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise BundleError("not a STIX bundle: top level must be an object with type 'bundle'", str(path))
    objects = data.get("objects")
    if not isinstance(objects, list):
        raise BundleError("STIX bundle has no 'objects' list", str(path))
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str) or not isinstance(obj.get("id"), str):
            raise BundleError(f"object #{index} lacks the required 'type' and 'id' strings", str(path))
    return objects


def load_attack(corpus_root: Path, *, bundle: Path | None = None) -> AttackData:
    """Load ``attack/enterprise-attack.json`` (and the optional v19 supplement) under ``corpus_root``."""
    path = bundle or corpus_root / BUNDLE
    rel = str(path.relative_to(corpus_root)) if path.is_relative_to(corpus_root) else str(path)
    objects = read_bundle(path)
    data = AttackData(path=rel)
    _build(objects, data, rel)
    if not data.techniques:
        raise BundleError("STIX bundle holds no ATT&CK techniques (attack-pattern with a mitre-attack id)", rel)
    supplement = corpus_root / SUPPLEMENT
    if bundle is None and supplement.is_file():
        _load_supplement(supplement, data)
    return data


def _load_supplement(path: Path, data: AttackData) -> None:
    try:
        raw = orjson.loads(path.read_bytes())
        techniques = raw["techniques"]
        tactics = raw.get("tactics", {})
        if not isinstance(techniques, dict) or not isinstance(tactics, dict):
            raise TypeError("'techniques' and 'tactics' must be objects")
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        data.diagnostics.append(
            Diagnostic(source="attack", path=str(SUPPLEMENT), message=f"supplement ignored: {exc}",
                       severity=Severity.WARNING)
        )
        return
    data.supplement = {str(k).upper(): v for k, v in techniques.items() if isinstance(v, dict)}
    data.supplement_tactics = {str(k): v for k, v in tactics.items() if isinstance(v, dict)}


def _build(objects: Iterable[dict[str, Any]], data: AttackData, rel: str) -> None:
    by_stix: dict[str, dict[str, Any]] = {}
    relationships: list[dict[str, Any]] = []
    matrix_order: list[str] = []
    for obj in objects:
        kind = obj["type"]
        if kind == "relationship":
            relationships.append(obj)
        else:
            by_stix[obj["id"]] = obj
            if kind == "x-mitre-matrix" and not matrix_order:
                matrix_order = list(obj.get("tactic_refs") or ())

    order = {stix_id: i for i, stix_id in enumerate(matrix_order)}
    for obj in by_stix.values():
        if obj["type"] != "x-mitre-tactic":
            continue
        shortname, ext = obj.get("x_mitre_shortname"), _external_id(obj)
        if not shortname or not ext or not obj.get("name"):
            data.diagnostics.append(Diagnostic(source="attack", path=rel,
                                               message=f"tactic {obj['id']} lacks shortname, id or name"))
            continue
        data.tactics[shortname] = Tactic(
            id=ext, shortname=shortname, name=obj["name"], order=order.get(obj["id"], _UNKNOWN_ORDER),
            description=obj.get("description", ""), stix_id=obj["id"], url=_url(obj),
        )

    attack_ids: dict[str, str] = {}  # stix id -> ATT&CK id
    for obj in by_stix.values():
        if obj["type"] != "attack-pattern":
            continue
        ext, name = _external_id(obj), obj.get("name")
        if not ext or not name:
            data.diagnostics.append(Diagnostic(source="attack", path=rel,
                                               message=f"attack-pattern {obj['id']} lacks an ATT&CK id or name"))
            continue
        attack_ids[obj["id"]] = ext
        tactics = tuple(
            p["phase_name"] for p in obj.get("kill_chain_phases") or ()
            if isinstance(p, dict) and p.get("kill_chain_name") == "mitre-attack" and p.get("phase_name")
        )
        is_sub = bool(obj.get("x_mitre_is_subtechnique"))
        data.techniques[ext] = Technique(
            id=ext, name=name, description=obj.get("description", ""),
            platforms=tuple(obj.get("x_mitre_platforms") or ()), tactics=tactics,
            parent=ext.split(".")[0] if is_sub else None, is_subtechnique=is_sub,
            revoked=bool(obj.get("revoked")), deprecated=bool(obj.get("x_mitre_deprecated")),
            stix_id=obj["id"], url=_url(obj),
        )

    strategies: dict[str, list[DetectionStrategy]] = {}
    for rel_obj in relationships:
        kind = rel_obj.get("relationship_type")
        src, dst = rel_obj.get("source_ref"), rel_obj.get("target_ref")
        if kind == "revoked-by" and src in attack_ids and dst in attack_ids:
            old = data.techniques[attack_ids[src]]
            data.techniques[old.id] = replace(old, revoked=True, revoked_by=attack_ids[dst])
        elif kind == "subtechnique-of" and src in attack_ids and dst in attack_ids:
            sub = data.techniques[attack_ids[src]]
            data.techniques[sub.id] = replace(sub, parent=attack_ids[dst], is_subtechnique=True)
        elif kind == "detects" and dst in attack_ids and src in by_stix:
            strategy = _strategy(by_stix[src], by_stix, data, rel)
            if strategy is not None:
                strategies.setdefault(attack_ids[dst], []).append(strategy)

    for tid, found in strategies.items():
        found.sort(key=lambda s: s.id)
        components = sorted({ls.data_component for s in found for a in s.analytics
                             for ls in a.log_sources if ls.data_component})
        data.techniques[tid] = replace(data.techniques[tid], detection_strategies=tuple(found),
                                       data_components=tuple(components))


def _strategy(obj: dict[str, Any], by_stix: dict[str, dict[str, Any]], data: AttackData,
              rel: str) -> DetectionStrategy | None:
    if obj.get("type") != "x-mitre-detection-strategy":
        return None
    analytics: list[Analytic] = []
    for ref in obj.get("x_mitre_analytic_refs") or ():
        analytic = by_stix.get(ref)
        if analytic is None:
            data.diagnostics.append(Diagnostic(
                source="attack", path=rel, severity=Severity.WARNING,
                message=f"detection strategy {_external_id(obj) or obj['id']} refers to missing analytic {ref}"))
            continue
        sources = []
        for ls in analytic.get("x_mitre_log_source_references") or ():
            component = by_stix.get(ls.get("x_mitre_data_component_ref", ""), {}).get("name")
            sources.append(LogSourceRef(name=str(ls.get("name", "")), channel=str(ls.get("channel", "")),
                                        data_component=component))
        analytics.append(Analytic(
            id=_external_id(analytic) or analytic["id"], name=analytic.get("name", ""),
            platforms=tuple(analytic.get("x_mitre_platforms") or ()), log_sources=tuple(sources),
            description=analytic.get("description", ""),
        ))
    return DetectionStrategy(id=_external_id(obj) or obj["id"], name=obj.get("name", ""),
                             analytics=tuple(analytics))
