"""The resolvers of the apps' fields (app_types.py), bound to the composed schema by the engine.

A root field calls its app's read operation once, acting for the caller. A nested field (an order line's
product, a consultation's expert) reads through a batched loader per app operation: when an app's answer
comes back, `announce` walks it along its GraphQL type and tells each nested field's loader which keys
the items will ask for, so the first item's `load` fetches them all in one call (loaders.py) — a page of
orders with every line's product is two calls to the app, whatever the page's size."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLList, GraphQLObjectType, GraphQLOutputType, GraphQLResolveInfo, get_nullable_type

from functions.graphql.app_types import AppTypes, Binding
from functions.graphql.resolvers import Resolver
from functions.graphql.scope import Scope
from shared import permissions
from shared.app_graphql import AppRead

Info = GraphQLResolveInfo[Scope]
Nested = Mapping[tuple[str, str], Binding]


def root(app: AppTypes, binding: Binding, nested: Nested) -> Resolver:
    def resolve(_: None, info: Info, **arguments: Any) -> Any:
        scope = info.context
        if binding.permission:
            permissions.require(scope.user, binding.permission)
        answer = scope.platform.app_read(app, AppRead(operation=binding.operation, arguments=arguments))
        announce(scope, answer.value, info.return_type, nested)
        return answer.value

    return resolve


def by_key(binding: Binding, nested: Nested) -> Resolver:
    def resolve(parent: dict[str, Any], info: Info) -> Any:
        key = parent.get(binding.key or "")
        if key is None:
            return None
        scope = info.context
        if binding.permission:
            permissions.require(scope.user, binding.permission)
        found = scope.app_loader(binding).load(str(key))
        announce(scope, found, info.return_type, nested)
        return found

    return resolve


def announce(scope: Scope, value: Any, kind: GraphQLOutputType, nested: Nested) -> None:
    """Tell the nested fields' loaders the keys that `value` (of GraphQL type `kind`) holds."""
    if value is None or not nested:
        return
    bare = get_nullable_type(kind)
    if isinstance(bare, GraphQLList):
        for item in value if isinstance(value, list) else ():
            announce(scope, item, bare.of_type, nested)
        return
    if not isinstance(bare, GraphQLObjectType) or not isinstance(value, dict):
        return
    for name, field in bare.fields.items():
        binding = nested.get((bare.name, name))
        if binding is None:
            if name in value:
                announce(scope, value[name], field.type, nested)
        elif value.get(binding.key or "") is not None:
            scope.app_loader(binding).expect([str(value[binding.key or ""])])
