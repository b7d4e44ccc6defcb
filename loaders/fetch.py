"""``detgraph fetch``: download the real upstream repositories into a corpus folder.

Needs git and internet. Pins the commits listed in the corpus SOURCES.md; pass ``latest=True`` for
the default branches instead. Never used by the tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import CorpusError

UPSTREAMS = {
    "sigma": ("https://github.com/SigmaHQ/sigma.git", "8eaafff1f2845a696050e05e72ba1140ee190698",
              ["rules", "rules-emerging-threats", "rules-threat-hunting", "rules-compliance", "rules-dfir",
               "LICENSE", "README.md"]),
    "elastic": ("https://github.com/elastic/detection-rules.git", "14cf530f0d2177023092449cd9d9348b4a8884c2",
                ["rules", "rules_building_block", "detection_rules/etc", "LICENSE.txt", "NOTICE.txt"]),
    "splunk": ("https://github.com/splunk/security_content.git", "b13b314aed0e1778335a55620474e7d27289a20a",
               ["detections", "data_sources", "macros", "stories", "lookups", "LICENSE", "README.md"]),
    "attack": ("https://github.com/mitre/cti.git", "421deacb77191b38bdd1bf63268954e93da91365",
               ["enterprise-attack", "LICENSE.txt"]),
}


def _git(*args: str, cwd: Path) -> None:
    try:
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise CorpusError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        raise CorpusError(f"git {' '.join(args)} failed: {exc.stderr.strip()}", str(cwd)) from None


def _checkout(url: str, commit: str | None, paths: list[str], into: Path) -> None:
    into.mkdir(parents=True)
    _git("init", "-q", cwd=into)
    _git("remote", "add", "origin", url, cwd=into)
    _git("sparse-checkout", "set", "--no-cone", *paths, cwd=into)
    _git("fetch", "-q", "--depth", "1", "--filter=blob:none", "origin", commit or "HEAD", cwd=into)
    _git("checkout", "-q", "FETCH_HEAD", cwd=into)


def build_attack_bundle(cti: Path, out: Path) -> int:
    """Merge mitre/cti ``enterprise-attack/<type>/*.json`` into one bundle (latest ``modified`` wins)."""
    objects: dict[str, dict] = {}
    for path in sorted((cti / "enterprise-attack").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for obj in data.get("objects", [data]) if data.get("type") == "bundle" else [data]:
            old = objects.get(obj["id"])
            if old is None or obj.get("modified", "") > old.get("modified", ""):
                objects[obj["id"]] = obj
    ordered = sorted(objects.values(), key=lambda o: (o["type"], o["id"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    bundle = {"type": "bundle", "id": "bundle--detgraph-fetch", "spec_version": "2.0", "objects": ordered}
    out.write_text(json.dumps(bundle, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(ordered)


def fetch_corpus(dest: Path, *, latest: bool = False) -> None:
    if dest.exists() and any(dest.iterdir()):
        raise CorpusError("destination exists and is not empty", str(dest))
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (url, commit, paths) in UPSTREAMS.items():
            work = Path(tmp) / name
            _checkout(url, None if latest else commit, paths, work)
            if name == "attack":
                build_attack_bundle(work, dest / "attack" / "enterprise-attack.json")
                shutil.copy(work / "LICENSE.txt", dest / "attack" / "LICENSE.txt")
                continue
            for rel in paths:
                src = work / rel
                target = dest / name / rel
                if src.is_dir():
                    shutil.copytree(src, target)
                elif src.is_file():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(src, target)
