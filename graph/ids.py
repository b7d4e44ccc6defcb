"""Typed node ids: ``<kind>:<key>``, e.g. ``technique:T1567.002`` or ``rule:sigma:e37db05d-...``.

>>> node_id("technique", "T1567.002")
'technique:T1567.002'
>>> split_id("rule:sigma:abc")
('rule', 'sigma:abc')
>>> split_id("nonsense")
Traceback (most recent call last):
...
ValueError: not a detgraph node id: 'nonsense' (expected <kind>:<key>)
"""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    TECHNIQUE = "technique"
    TACTIC = "tactic"
    RULE = "rule"
    EVENT = "event"
    FIELD = "field"
    INDICATOR = "indicator"
    VENDOR = "vendor"


KINDS = frozenset(k.value for k in Kind)
_PREFIX = {k.value: f"{k.value}:" for k in Kind}  # Kind members are str: they look up the same entries


def node_id(kind: str | Kind, key: str) -> str:
    prefix = _PREFIX.get(kind)
    if prefix is None:
        prefix = f"{Kind(kind).value}:"  # raises ValueError for an unknown kind
    return prefix + key


def split_id(value: str) -> tuple[str, str]:
    kind, sep, key = value.partition(":")
    if not sep or kind not in KINDS or not key:
        raise ValueError(f"not a detgraph node id: {value!r} (expected <kind>:<key>)")
    return kind, key


class NodeIds:
    """:func:`node_id` returning one string object per id within a build.

    Every edge, index and search entry that names a node then shares the node's own string instead of
    holding an equal copy (less memory, and a smaller snapshot: pickle shares objects, not equal values).

    >>> ids = NodeIds()
    >>> ids("rule", "sigma:a") is ids(Kind.RULE, "sigma:" + "a")
    True
    """

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def __call__(self, kind: str | Kind, key: str) -> str:
        nid = node_id(kind, key)
        return self._cache.setdefault(nid, nid)

    def same(self, text: str) -> str:
        """The shared copy of any other string (edge keys, indicator ids)."""
        return self._cache.setdefault(text, text)
