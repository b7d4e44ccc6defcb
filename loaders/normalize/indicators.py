r"""Indicator identity: (canonical field, operator, normalized value).

Two predicates from different vendors express the same intent when their keys are equal:

* case is folded where the match is case-insensitive (``Predicate.case_sensitive`` is False;
  Splunk matching is always case-insensitive); regular expressions are never folded;
* contains / startswith / endswith are globs (``*x*``, ``x*``, ``*x``); a glob without any
  wildcard is an ``eq``;
* path vs name: on a field that merges a path with its base name (``process.name``,
  ``file.name``...), a glob that pins the base name (``*\x.exe``, ``*/x``) is ``eq x.exe``;
* surrounding quotes left in a value are removed and glob escapes (``[*]``) resolved for ``eq``.

>>> from loaders.records import Operator, Predicate
>>> p = Predicate("Image", Operator.WILDCARD, "*\\rclone.exe", raw="\\rclone.exe", modifiers=("endswith",))
>>> indicator_key("sigma", p, "process.name")
('process.name', 'eq', 'rclone.exe')
>>> indicator_key("elastic", Predicate("process.name", Operator.EQ, "rclone.exe"), "process.name")
('process.name', 'eq', 'rclone.exe')
>>> p = Predicate("CommandLine", Operator.WILDCARD, "*-EncodedCommand*")
>>> indicator_key("sigma", p, "process.command_line")
('process.command_line', 'wildcard', '*-encodedcommand*')
"""

from __future__ import annotations

import functools
import re

from loaders.records import Operator, Predicate, Vendor

IndicatorKey = tuple[str, str, str | None]

# fields whose canonical form merges a full path and its base name (see field_overrides.yml "coarsen")
_NAME_FIELDS_FALLBACK = frozenset({"process.name", "process.parent.name", "file.name", "dll.name"})
_FOLDABLE = frozenset({Operator.EQ, Operator.WILDCARD, Operator.KEYWORD, Operator.MATCH})
_GLOB_META = re.compile(r"\[[*?\[]\]|[*?]")
_BASENAME_GLOB = re.compile(r"^\*[\\/]((?:[^*?\\/\[]|\[[*?\[]\])+)$")


@functools.cache
def _name_fields() -> frozenset[str]:
    try:
        from ._data import taxonomy

        return frozenset(taxonomy()["coarsen"].values())
    except (OSError, KeyError, ValueError):  # pragma: no cover - data file missing
        return _NAME_FIELDS_FALLBACK


def _has_wildcard(glob: str) -> bool:
    """True when ``glob`` has an unescaped ``*`` or ``?``."""
    if "*" not in glob and "?" not in glob:
        return False
    return any(m.group(0) in ("*", "?") for m in _GLOB_META.finditer(glob))


def _unescape_glob(glob: str) -> str:
    return re.sub(r"\[([*?\[])\]", r"\1", glob)


def _escape_glob(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


# Sysmon event 3 `Initiated` is mapped to ECS network.direction by pySigma's ecs_windows pipeline; its values
# are booleans, ECS's are directions (what Elastic rules test: "egress", "outgoing").
_SYSMON_INITIATED = {"true": "egress", "false": "ingress"}


def indicator_key(vendor: str | Vendor, predicate: Predicate, canonical_field: str) -> IndicatorKey:
    """Identity of ``predicate`` as an indicator on ``canonical_field`` (see module docstring)."""
    v = vendor.value if isinstance(vendor, Vendor) else str(vendor)
    op = predicate.operator
    value = predicate.value
    if value is None:
        return (canonical_field, op.value, None)
    if op in (Operator.EQ, Operator.WILDCARD):
        value = _strip_quotes(value)
    # a loader that kept contains/startswith/endswith on an eq: express it as a glob
    mods = set(predicate.modifiers) if op is Operator.EQ and predicate.modifiers else set()
    if mods & {"contains", "startswith", "endswith"}:
        lit = _escape_glob(value)
        if "contains" in mods:
            lit = f"*{lit}*"
        elif "startswith" in mods:
            lit = f"{lit}*"
        else:
            lit = f"*{lit}"
        op, value = Operator.WILDCARD, lit
    if op is Operator.WILDCARD:
        if "**" in value:
            value = re.sub(r"\*{2,}", "*", value)
        if not _has_wildcard(value):
            op, value = Operator.EQ, _unescape_glob(value)
    if op is Operator.WILDCARD and canonical_field in _name_fields():
        m = _BASENAME_GLOB.match(value)
        if m:
            op, value = Operator.EQ, _unescape_glob(m.group(1))
    if canonical_field == "network.direction" and op is Operator.EQ and value.lower() in _SYSMON_INITIATED:
        value = _SYSMON_INITIATED[value.lower()]  # Sysmon's Initiated 'true'/'false' mapped onto ECS values
    fold = (not predicate.case_sensitive) or v == Vendor.SPLUNK.value
    if fold and op in _FOLDABLE:
        value = value.casefold()
    return (canonical_field, op.value, value)
