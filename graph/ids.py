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
