"""Query limits (depth, aliases, tokens, page size, cost) and error masking.

Limit rules are created once and shared by every request, so that Strawberry's validation cache,
which is keyed by the rule classes, keeps hitting.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from .errors import QueryError
from .pagination import DEFAULT_PAGE, MAX_PAGE, PaginationError

log = logging.getLogger("detgraph.graphql")

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 10_000
MAX_COST = 50_000
LIST_SIZE = 10
CACHE_SIZE = 512
PAGE_ARGS = ("first", "last")


class CostLimitRule(ValidationRule):
    """Estimated cost: every selected field costs 1, times the sizes of the lists above it.

    A list field's size is its `first`/`last` argument (a variable counts as the maximum page size,
    so the estimate holds for any variables and can be cached with the document); a list without a
    page argument counts as :data:`LIST_SIZE` items.
    """

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        schema = self.context.schema
        root = schema.get_root_type(node.operation)
        fragments = {f.name.value: f for f in self.context.document.definitions
                     if isinstance(f, FragmentDefinitionNode)}
        cost = _cost(schema, root, node.selection_set, fragments, 1, frozenset())
        if cost > MAX_COST:
            self.report_error(GraphQLError(
                f"cost limit: the query's estimated cost {cost} exceeds {MAX_COST}; ask for smaller pages "
                "(`first`) or fewer nested lists", node))


# Lists whose size is known better than LIST_SIZE, and page arguments whose maximum is not MAX_PAGE.
LIST_SIZES = {("Technique", "rules"): 3, ("AuthoringGuide", "rules"): 3, ("RuleGroup", "rules"): 100,
              ("Tactic", "techniques"): 100, ("Query", "tactics"): 20}
PAGE_MAXIMUMS = {("AuthoringGuide", "indicators"): 1000, ("AuthoringGuide", "exclusions"): 1000,
                 ("Query", "sharedIndicators"): 500}


def _size(parent: str, field: FieldNode, definition: Any) -> int:
    """How many items a field returns at most: its page argument, its default page, or a list estimate."""
    name = field.name.value
    if parent.endswith("Connection") and name in ("edges", "nodes"):
        return 1  # the page size was counted on the connection field
    for arg in field.arguments or ():
        if arg.name.value in PAGE_ARGS:
            if isinstance(arg.value, IntValueNode):
                return max(1, int(arg.value.value))
            if isinstance(arg.value, VariableNode):
                return PAGE_MAXIMUMS.get((parent, name), MAX_PAGE)
    for arg_name in PAGE_ARGS:
        arg = definition.args.get(arg_name)
        if arg is not None:
            default = arg.default_value
            return default if isinstance(default, int) and default > 0 else DEFAULT_PAGE
    if is_list_type(get_nullable_type(definition.type)):
        return LIST_SIZES.get((parent, name), LIST_SIZE)
    return 1


def _cost(schema: GraphQLSchema, parent: Any, selection_set: SelectionSetNode | None, fragments: dict[str, Any],
          factor: int, seen: frozenset[str]) -> int:
    if selection_set is None or parent is None:
        return 0
    total = 0
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            total += factor
            fields = getattr(parent, "fields", None) or {}
            definition = fields.get(sel.name.value)
            if definition is not None and sel.selection_set is not None:
                child = get_named_type(definition.type)
                size = _size(parent.name, sel, definition)
                total += _cost(schema, child, sel.selection_set, fragments, factor * size, seen)
        elif isinstance(sel, InlineFragmentNode):
            cond = schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
            total += _cost(schema, cond, sel.selection_set, fragments, factor, seen)
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
            frag = fragments.get(sel.name.value)
            if frag is not None:
                cond = schema.get_type(frag.type_condition.name.value)
                total += _cost(schema, cond, frag.selection_set, fragments, factor, seen | {sel.name.value})
        if total > MAX_COST * 10:  # stop early on absurd documents
            return total
    return total


@functools.cache
def limit_rules() -> tuple[type[ValidationRule], ...]:
    """The shared validation rule classes (built once, on first use)."""
    depth = QueryDepthLimiter(max_depth=MAX_DEPTH)
    aliases = MaxAliasesLimiter(max_alias_count=MAX_ALIASES)
    return (*depth.validation_rules, *aliases.validation_rules, CostLimitRule)


class LimitRules(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(list(limit_rules()))


CLIENT_ERRORS: tuple[type[Exception], ...] = (QueryError, PaginationError)


def should_mask(error: GraphQLError) -> bool:
    """Mask internal errors only: syntax, validation, limit and argument errors reach the client as they are."""
    original = error.original_error
    if original is None or isinstance(original, (*CLIENT_ERRORS, GraphQLError)):
        return False
    log.error("internal error in %s", error.path, exc_info=original)
    return True


def extensions() -> list[Callable[[], SchemaExtension]]:
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        LimitRules,
        lambda: MaskErrors(should_mask_error=should_mask, error_message="Internal error"),
    ]


__all__ = ["DEFAULT_PAGE", "MAX_ALIASES", "MAX_COST", "MAX_DEPTH", "MAX_TOKENS", "extensions", "should_mask"]
