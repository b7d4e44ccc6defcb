"""Save the built graph and its indices to one file, and load them back without reparsing the corpus.

The file starts with a header line holding a fingerprint of the inputs (every corpus file's path, size
and modification time) and of the code (every source and data file of ``loaders``/``graph``, plus
the versions of the parsing libraries). A snapshot whose fingerprint differs is ignored and rebuilt.
Snapshots are pickles: only load files this program wrote (the cache folder is the user's own).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .compact import IndicatorTable, LazyRecords, allow_mappingproxy_pickling
from .store import KnowledgeGraph

log = logging.getLogger("detgraph")

MAGIC = b"detgraph-snapshot-v1"
CACHE_ENV = "DETGRAPH_CACHE"
_CODE_PACKAGES = ("loaders", "graph")
_CODE_SUFFIXES = {".py", ".lark", ".json", ".yml", ".yaml"}
_LIBRARIES = ("pysigma", "eql", "lark", "networkx", "pyyaml", "luqum")
_CORPUS_SUFFIXES = {".json", ".yml", ".yaml", ".toml", ".gz"}


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "detgraph"


def code_fingerprint() -> str:
    """Hash of the loader/graph code and data, and of the parsing libraries' versions."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(__file__).resolve().parent.parent
    for package in _CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    for lib in _LIBRARIES:
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=absent".encode())
    return digest.hexdigest()


def input_fingerprint(corpus_root: Path) -> str:
    """Hash of every corpus file's relative path, size and modification time."""
    digest = hashlib.blake2b(digest_size=16)
    for dirpath, dirnames, filenames in os.walk(corpus_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix not in _CORPUS_SUFFIXES:
                continue
            stat = path.stat()
            digest.update(f"{path.relative_to(corpus_root)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def fingerprint(corpus_root: Path) -> str:
    return f"{input_fingerprint(corpus_root)}-{code_fingerprint()}"


def snapshot_path(corpus_root: Path, cache_dir: Path | None = None) -> Path:
    key = hashlib.blake2b(str(corpus_root.resolve()).encode(), digest_size=8).hexdigest()
    return (cache_dir or default_cache_dir()) / f"graph-{key}.snapshot"


def save(kg: KnowledgeGraph, path: Path, fp: str) -> None:
    """Write atomically: a reader never sees a half-written snapshot."""
    allow_mappingproxy_pickling()
    path.parent.mkdir(parents=True, exist_ok=True)
    # The networkx graph is rebuilt from the indices when first needed; rules and indicators are stored in
    # compact forms decoded on access. Loading then costs a fraction of unpickling everything.
    compact = dataclasses.replace(kg, g=None, rules=LazyRecords.of(kg.rules),
                                  indicators=IndicatorTable.of(kg.indicators),
                                  memo={})
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".tmp-") as tmp:
        try:
            tmp.write(MAGIC + b" " + fp.encode() + b"\n")
            pickle.dump(compact, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)


def load(path: Path, fp: str) -> KnowledgeGraph | None:
    """The snapshot at ``path`` if its fingerprint is ``fp``; ``None`` when absent, stale or unreadable."""
    try:
        with path.open("rb") as fh:
            header = fh.readline().rstrip(b"\n")
            if header != MAGIC + b" " + fp.encode():
                return None
            gc.disable()  # unpickling many small objects: the cyclic GC only slows it down
            try:
                kg = pickle.load(fh)
            finally:
                gc.enable()
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: any unpickling error means "rebuild"
        log.warning("ignoring unreadable snapshot %s: %s", path, exc)
        return None
    return kg if isinstance(kg, KnowledgeGraph) else None


def load_or_build(corpus_root: Path, build: Callable[[], KnowledgeGraph], *, cache_dir: Path | None = None,
                  label: str | None = None) -> tuple[KnowledgeGraph, bool]:
    """(graph, from_snapshot): the snapshot when it is current, else ``build()`` and save a new one."""
    path = snapshot_path(corpus_root, cache_dir)
    fp = fingerprint(corpus_root)
    kg = load(path, fp)
    if kg is not None:
        if label:
            kg.corpus = label
        log.info("loaded snapshot %s", path)
        return kg, True
    kg = build()
    try:
        save(kg, path, fp)
        log.info("saved snapshot %s", path)
    except (OSError, pickle.PicklingError, TypeError) as exc:
        log.warning("could not save snapshot %s: %s", path, exc)
    return kg, False
