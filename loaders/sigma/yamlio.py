"""Safe YAML reading for Sigma files: libyaml speed, with the checks PyYAML leaves out.

:func:`load_documents` composes each document with libyaml (``yaml.CSafeLoader``) and, before
any Python object is built, walks the node graph once to reject:

* duplicate mapping keys (PyYAML silently keeps the last one);
* nesting deeper than :data:`MAX_DEPTH` (libyaml itself stops at 1000 levels, which is
  still deep enough to overflow the recursion of downstream walkers);
* alias "bombs" (billion laughs): the walk follows aliases as if the document were a tree and
  gives up after :data:`MAX_NODES` nodes, so its cost is bounded whatever the input.

Problems are raised as :class:`YamlError` with the 1-based line of the offending node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_DEPTH = 64
MAX_NODES = 200_000  # nodes per document, counting aliased content every time it is used


class YamlError(Exception):
    """A file that is not acceptable YAML; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    line: int  # 1-based line of the document's first node


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def check_node(root: yaml.Node, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Raise :class:`YamlError` on duplicate keys, excessive depth or alias expansion.

    >>> check_node(yaml.compose("a: 1\\nb: [1, 2]", Loader=yaml.CSafeLoader))
    >>> check_node(yaml.compose("a: 1\\na: 2", Loader=yaml.CSafeLoader))
    Traceback (most recent call last):
    ...
    loaders.sigma.yamlio.YamlError: duplicate key 'a' (first defined on line 1)
    """
    budget = max_nodes  # every visit of a collection costs 1 + its number of entries
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    checked: set[int] = set()  # mapping nodes already checked for duplicates (shared via aliases)
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise YamlError(f"nesting deeper than {max_depth} levels (or a recursive alias)", _line(node))
        value = node.value
        if isinstance(node, yaml.ScalarNode):
            continue
        budget -= 1 + len(value)
        if budget < 0:
            raise YamlError(
                f"document expands to more than {max_nodes} nodes (YAML alias bomb?)", _line(node)
            )
        if isinstance(node, yaml.MappingNode):
            if id(node) not in checked:
                checked.add(id(node))
                _check_duplicate_keys(value)
            for key, item in value:
                if not isinstance(key, yaml.ScalarNode):
                    stack.append((key, depth + 1))
                if not isinstance(item, yaml.ScalarNode):
                    stack.append((item, depth + 1))
        else:
            for item in value:
                if not isinstance(item, yaml.ScalarNode):
                    stack.append((item, depth + 1))


def _check_duplicate_keys(pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
    seen: dict[tuple[str, Any], int] = {}
    for key, _ in pairs:
        if not isinstance(key, yaml.ScalarNode):
            continue
        ident = (key.tag, key.value)
        first = seen.get(ident)
        if first is not None:
            raise YamlError(f"duplicate key {key.value!r} (first defined on line {first})", _line(key))
        seen[ident] = _line(key)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_BUILDING = object()


class _Unsupported(Exception):
    """A construct the fast builder leaves to PyYAML (merge keys, !!set, !!omap, ...)."""


class _Builder:
    """Checks and builds one document in a single pass over the composed nodes.

    Same result as ``SafeConstructor.construct_document`` (plain str/map/seq directly, other
    scalars through the loader's constructor), with the checks of :func:`check_node`: the work is
    bounded by ``max_nodes`` (aliased content is charged every time it is used) and the recursion
    by ``max_depth``.
    """

    __slots__ = ("budget", "construct", "max_depth", "max_nodes", "memo")

    def __init__(self, loader: yaml.CSafeLoader, max_depth: int, max_nodes: int) -> None:
        self.construct = loader.construct_object
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.budget = max_nodes
        self.memo: dict[int, tuple[Any, int]] = {}

    def build(self, node: yaml.Node, depth: int = 1) -> Any:
        if node.__class__ is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
            try:
                return self.construct(node)
            except (ValueError, OverflowError) as exc:  # e.g. PyYAML on a date like 2020-13-45
                raise YamlError(
                    f"invalid {tag.rsplit(':', 1)[-1]} value {node.value!r}: {exc}", _line(node)
                ) from None
        hit = self.memo.get(id(node))
        if hit is not None:  # an alias to a collection built before
            if hit[0] is _BUILDING:
                raise YamlError("recursive alias", _line(node))
            self._charge(hit[1], node)
            return hit[0]
        if depth > self.max_depth:
            raise YamlError(f"nesting deeper than {self.max_depth} levels", _line(node))
        before = self.budget
        value = node.value
        self._charge(1 + len(value), node)
        self.memo[id(node)] = (_BUILDING, 0)
        result: Any
        if node.__class__ is yaml.MappingNode and node.tag == _MAP:
            result = {}
            lines: dict[Any, int] = {}
            for key_node, value_node in value:
                if key_node.tag == _MERGE:
                    raise _Unsupported
                key = self.build(key_node, depth + 1)
                try:
                    first = lines.get(key)
                except TypeError:
                    raise YamlError("unhashable mapping key", _line(key_node)) from None
                if first is not None:
                    raise YamlError(f"duplicate key {key!r} (first defined on line {first})", _line(key_node))
                lines[key] = _line(key_node)
                result[key] = self.build(value_node, depth + 1)
        elif node.__class__ is yaml.SequenceNode and node.tag == _SEQ:
            result = [self.build(item, depth + 1) for item in value]
        else:
            raise _Unsupported
        self.memo[id(node)] = (result, before - self.budget)
        return result

    def _charge(self, cost: int, node: yaml.Node) -> None:
        self.budget -= cost
        if self.budget < 0:
            raise YamlError(
                f"document expands to more than {self.max_nodes} nodes (YAML alias bomb?)", _line(node)
            )


def load_documents(text: str) -> list[YamlDocument]:
    """Parse every YAML document of ``text``; empty documents are skipped.

    >>> [d.line for d in load_documents("a: 1\\n---\\nb: 2\\n")]
    [1, 3]
    """
    loader = yaml.CSafeLoader(text)
    docs: list[YamlDocument] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node() said there is one
                continue
            try:
                data = _Builder(loader, MAX_DEPTH, MAX_NODES).build(node)
            except _Unsupported:
                check_node(node)
                data = loader.construct_document(node)
            loader.constructed_objects = {}
            if data is not None:
                docs.append(YamlDocument(data, _line(node)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context = exc.context
        if context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context = f"{context} (line {exc.context_mark.line + 1})"
        reason = " ".join(str(part) for part in (context, exc.problem) if part)
        raise YamlError(f"invalid YAML: {reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except (ValueError, OverflowError) as exc:  # PyYAML constructors (fallback path) on bad values
        raise YamlError(f"invalid YAML value: {exc}") from None
    except RecursionError:  # pragma: no cover - check_node() bounds the depth first
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return docs
