"""Walk a Sigma rule's condition and detections into :class:`~loaders.records.Predicate` leaves.

The condition is parsed once per distinct condition string (``parse(postprocess=False)``, cached
here, never mutated), then walked top-down: ``not`` flips the exclusion parity, identifiers and
``1 of x*`` / ``all of them`` selectors are resolved to their detections, and every value of every
detection item becomes one predicate.

Value-expanding modifiers (windash, base64, base64offset, wide, utf16*, expand) are not expanded:
the authored value is kept once, with the remaining modifiers applied (``contains`` still makes
``*x*``) and the expanding modifier recorded in ``Predicate.modifiers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pyparsing import ParseResults
from sigma.conditions import (
    ConditionAND,
    ConditionIdentifier,
    ConditionItem,
    ConditionNOT,
    ConditionOR,
    ConditionSelector,
    SigmaCondition,
)
from sigma.exceptions import SigmaConditionError, SigmaValueError
from sigma.modifiers import modifier_mapping
from sigma.rule.detection import EmptySigmaDetections, SigmaDetection, SigmaDetectionItem, SigmaDetections
from sigma.types import Placeholder, SigmaRegularExpression, SigmaString, SigmaType

from loaders.records import Operator, Predicate

from .values import authored, classify

EXPANDING_MODIFIERS = frozenset({"windash", "base64", "base64offset", "wide", "utf16", "utf16be", "expand"})

# modifier class -> the first (shortest) identifier that names it: "i" rather than "ignorecase"
_MODIFIER_NAMES: dict[type, str] = {}
for _name, _cls in modifier_mapping.items():
    _MODIFIER_NAMES.setdefault(_cls, _name)


@dataclass(slots=True)
class WalkResult:
    predicates: list[Predicate] = field(default_factory=list)
    placeholders: list[tuple[str, str]] = field(default_factory=list)  # (field, %name%) left unresolved
    expanding_items: int = 0  # detection items whose values were kept unexpanded


MAX_CONDITION_NESTING = 100
_NESTING_TOKENS = re.compile(r"[()]|\bnot\b", re.IGNORECASE)


def condition_nesting(condition: str) -> int:
    """An upper bound of the parse depth: deepest parenthesis plus the number of ``not``.

    >>> condition_nesting("sel and not (a or not (b))")
    4
    """
    depth = deepest = nots = 0
    for token in _NESTING_TOKENS.findall(condition):
        if token == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif token == ")":
            depth -= 1
        else:
            nots += 1
    return deepest + nots


@lru_cache(maxsize=4096)
def parse_condition(condition: str) -> Any:
    """The unprocessed parse tree of a condition string (shared: callers must not mutate it).

    Conditions nested deeper than :data:`MAX_CONDITION_NESTING` are refused before pyparsing
    recurses into them.
    """
    if condition_nesting(condition) > MAX_CONDITION_NESTING:
        raise SigmaConditionError(f"condition nested deeper than {MAX_CONDITION_NESTING} levels")
    return SigmaCondition(condition, EmptySigmaDetections()).parse(postprocess=False)


_NAMES_CACHE: dict[tuple[type, ...], tuple[str, ...]] = {}


def modifier_names(item: SigmaDetectionItem) -> tuple[str, ...]:
    key = tuple(item.modifiers)
    names = _NAMES_CACHE.get(key)
    if names is None:
        names = _NAMES_CACHE[key] = tuple(_MODIFIER_NAMES.get(m, m.__name__) for m in key)
    return names


def walk(detections: SigmaDetections, *, context: str | None = None) -> WalkResult:
    """Predicates of every condition of ``detections``.

    ``context`` overrides the per-predicate context (by default the detection identifier).
    Raises :class:`sigma.exceptions.SigmaError` on a condition that does not parse or resolve.
    """
    result = WalkResult()
    for condition in detections.condition:
        if not isinstance(condition, str):
            raise SigmaConditionError(f"condition must be a string, not {type(condition).__name__}")
        tree = parse_condition(condition)
        _walk_condition(tree, detections, False, context, result)
    return result


@lru_cache(maxsize=1024)
def _selector_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*" if pattern == "them" else pattern.replace("*", ".*"))


def selected(pattern: str, names: Iterable[str]) -> list[str]:
    """Detection names a ``1 of <pattern>`` / ``all of them`` selector picks, as pySigma resolves them.

    Names starting with ``_`` are only picked by patterns that start with ``_``.

    >>> selected("filter_*", ["selection", "filter_a", "filter_b", "_filter_x"])
    ['filter_a', 'filter_b']
    >>> selected("them", ["selection", "_hidden"])
    ['selection']
    """
    regex = _selector_regex(pattern)
    underscore = pattern.startswith("_")
    return [n for n in names if regex.fullmatch(n) and (underscore or not n.startswith("_"))]


def _unwrap(node: Any) -> Any:
    while isinstance(node, ParseResults):
        if len(node) != 1:
            raise SigmaConditionError("invalid condition operand")
        node = node[0]
    return node


def _walk_condition(
    node: Any, detections: SigmaDetections, negated: bool, context: str | None, out: WalkResult
) -> None:
    node = _unwrap(node)
    if isinstance(node, ConditionNOT):
        for arg in node.args:
            _walk_condition(arg, detections, not negated, context, out)
    elif isinstance(node, (ConditionAND, ConditionOR)):
        for arg in node.args:
            _walk_condition(arg, detections, negated, context, out)
    elif isinstance(node, ConditionSelector):
        names = selected(node.pattern, detections.detections)
        if not names:
            raise SigmaConditionError(f"selector '{node.args[0]} of {node.pattern}' matches no detection")
        for name in names:
            _walk_detection(detections.detections[name], negated, context or name, out)
    elif isinstance(node, ConditionIdentifier):
        detection = detections.detections.get(node.identifier)
        if detection is None:
            raise SigmaConditionError(f"detection '{node.identifier}' is not defined")
        _walk_detection(detection, negated, context or node.identifier, out)
    elif isinstance(node, ConditionItem):  # pragma: no cover - no other node kinds before postprocessing
        raise SigmaConditionError(f"unsupported condition element {type(node).__name__}")
    else:
        raise SigmaConditionError(f"unsupported condition element {node!r}")


def _walk_detection(detection: SigmaDetection, negated: bool, context: str, out: WalkResult) -> None:
    stack: list[SigmaDetection | SigmaDetectionItem] = [detection]
    items: list[SigmaDetectionItem] = []
    while stack:  # depth-first, keeping the authored order
        current = stack.pop()
        if isinstance(current, SigmaDetection):
            stack.extend(reversed(current.detection_items))
        else:
            items.append(current)
    for item in items:
        _emit_item(item, negated, context, out)


def _emit_item(item: SigmaDetectionItem, negated: bool, context: str, out: WalkResult) -> None:
    mods = modifier_names(item)
    excluded = negated != item.negated
    fld = item.field
    if not item.value:  # "Field: []" means null in pySigma
        if fld is None:
            raise SigmaConditionError("null value must be bound to a field")
        out.predicates.append(
            Predicate(fld, Operator.NULL, None, None, excluded, modifiers=mods, context=context)
        )
        return
    originals: list[SigmaType] = item.original_value if item.original_value is not None else item.value
    values: list[SigmaType]
    if mods and EXPANDING_MODIFIERS.intersection(mods):
        out.expanding_items += 1
        if "expand" in mods:
            for value in item.value:
                out.placeholders.extend((fld or "", f"%{name}%") for name in _placeholder_names(value))
        values = _without_expansion(item, mods, originals)
    else:
        values = item.value
    if len(values) != len(originals):  # pragma: no cover - only expanding modifiers change the count
        originals = values
    keyword = fld is None
    for value, original in zip(values, originals, strict=True):
        operator, text, cased, flip = classify(value, keyword=keyword)
        out.predicates.append(
            Predicate(
                fld,
                operator,
                text,
                authored(original),
                excluded != flip,
                cased,
                mods,
                context,
            )
        )


def _placeholder_names(value: SigmaType) -> list[str]:
    if isinstance(value, SigmaRegularExpression):
        value = value.regexp
    if isinstance(value, SigmaString):
        return [part.name for part in value.s if isinstance(part, Placeholder)]
    return []


def _without_expansion(
    item: SigmaDetectionItem, mods: tuple[str, ...], originals: list[SigmaType]
) -> list[SigmaType]:
    """The authored values with only the non-expanding modifiers applied."""
    kept = [m for m, name in zip(item.modifiers, mods, strict=True) if name not in EXPANDING_MODIFIERS]
    # pySigma accepted the item with all its modifiers, so without the expanding ones it accepts it too; if it
    # ever doesn't, the SigmaError reaches the rule's diagnostics instead of silently dropping modifiers.
    shadow = SigmaDetectionItem(item.field, kept, list(originals), source=item.source)
    if len(shadow.value) != len(originals):
        raise SigmaValueError(f"field {item.field!r}: values changed count when kept unexpanded",
                              source=item.source)
    return shadow.value
