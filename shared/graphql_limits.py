"""What a GraphQL document may ask before anything runs — one check for the read API's queries
(functions/graphql) and the subscriptions over the real-time WebSocket (functions/realtime): its size in
tokens (at parse), its depth and its aliases (before validation, so a bomb is refused before the validator
walks it), its cost (after validation, with the variables' values) and introspection (only for a caller
who may read every field).

Cost: each field is 1; a paged field multiplies what it selects by its `pageSize` (default 20), the roles
list by an estimate of 20 — so a page of 100 files with each owner's roles is ~800, and ten aliased copies
of it are refused. Fragments are walked once each (memoized): a fragment spread twice in a fragment spread
twice... costs what it expands to, without the walk itself expanding."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)

from shared.errors import InvalidRequest, PermissionDenied

MAX_TOKENS = 2_000
MAX_DEPTH = 8
MAX_ALIASES = 15
MAX_COST = 5_000
DEFAULT_PAGE_SIZE = 20
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class _Aliases(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.alias is not None:
            self.count += 1


def check_shape(document: DocumentNode) -> None:
    """Depth and aliases, on the document as sent (a fragment cycle counts as shallow here: the
    validator refuses it next)."""
    aliases = _Aliases()
    visit(document, aliases)
    if aliases.count > MAX_ALIASES:
        raise InvalidRequest(f"The query uses {aliases.count} aliases; at most {MAX_ALIASES} are allowed")
    fragments = _fragments(document)
    memo: dict[str, int] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            found = _depth(definition.selection_set, fragments, memo, frozenset())
            if found > MAX_DEPTH:
                raise InvalidRequest(f"The query is {found} levels deep; at most {MAX_DEPTH} are allowed")


def _depth(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    memo: dict[str, int],
    visiting: frozenset[str],
) -> int:
    deepest = 0
    for node in selections.selections:
        if isinstance(node, FieldNode):
            below = _depth(node.selection_set, fragments, memo, visiting) if node.selection_set else 0
            here = 1 + below
        elif isinstance(node, InlineFragmentNode):
            here = _depth(node.selection_set, fragments, memo, visiting)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in visiting or name not in fragments:
                here = 0
            elif name in memo:
                here = memo[name]
            else:
                here = memo[name] = _depth(fragments[name].selection_set, fragments, memo, visiting | {name})
        deepest = max(deepest, here)
        if deepest > MAX_DEPTH:
            break  # enough to refuse it
    return deepest


def check_cost(
    document: DocumentNode,
    variables: Mapping[str, Any],
    *,
    paged: frozenset[str] = frozenset(),
    estimates: Mapping[str, int] | None = None,
) -> int:
    """The document's cost (validated: no fragment cycles), refused over MAX_COST. `paged`, `estimates`:
    the schema's paged fields and unpaged lists (the read API's: functions/graphql/engine.list_sizes)."""
    fragments = _fragments(document)
    memo: dict[str, int] = {}
    sizes = _Sizes(variables, paged, estimates or {})
    total = sum(
        _cost(d.selection_set, fragments, sizes, memo)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )
    if total > MAX_COST:
        raise InvalidRequest(f"The query costs {total}; at most {MAX_COST} is allowed (pageSize multiplies)")
    return total


@dataclass(frozen=True)
class _Sizes:
    variables: Mapping[str, Any]
    paged: frozenset[str]
    estimates: Mapping[str, int]


def _cost(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    sizes: _Sizes,
    memo: dict[str, int],
) -> int:
    total = 0
    for node in selections.selections:
        if isinstance(node, FieldNode):
            if node.name.value.startswith("__"):
                continue
            below = _cost(node.selection_set, fragments, sizes, memo) if node.selection_set else 0
            total += 1 + _multiplier(node, sizes) * below
        elif isinstance(node, InlineFragmentNode):
            total += _cost(node.selection_set, fragments, sizes, memo)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name not in memo:
                memo[name] = _cost(fragments[name].selection_set, fragments, sizes, memo)
            total += memo[name]
    return total


def _multiplier(node: FieldNode, sizes: _Sizes) -> int:
    variables = sizes.variables
    for argument in node.arguments or ():
        if argument.name.value != "pageSize":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, int(value.value))
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return max(1, given) if isinstance(given, int) else DEFAULT_PAGE_SIZE
        return DEFAULT_PAGE_SIZE
    if node.name.value in sizes.estimates:
        return sizes.estimates[node.name.value]
    return DEFAULT_PAGE_SIZE if node.name.value in sizes.paged else 1


class _Introspection(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.found = True


def check_introspection(document: DocumentNode, *, sees_every_field: bool) -> None:
    """`__schema`/`__type` only for a caller who may read every field: the schema is not filtered per
    caller, so answering anyone else would show them fields they may not see (`__typename` is fine)."""
    if sees_every_field:
        return
    finder = _Introspection()
    visit(document, finder)
    if finder.found:
        raise PermissionDenied("Introspection needs every read permission of the schema")
