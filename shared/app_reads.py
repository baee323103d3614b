"""The app's side of its GraphQL read route (shared.app_graphql): `AppReadApp`, the route's `HttpApp`
(service token from a higher layer, then the app's gate on the acting user's tenant), and `AppReads`, the
contribution's operations as calls into the app's own domain. Apart from shared.app_graphql so that a
manifest (which declares the contribution) never loads the HTTP machinery."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from shared import permissions
from shared.app_access import AppAccess
from shared.app_graphql import READ_FUNCTION, AppRead, AppReadAnswer, GraphQLContribution
from shared.context import RequestContext, UserContext, require
from shared.declarations import Function
from shared.errors import InvalidRequest
from shared.http_app import HttpApp


class AppReadApp(HttpApp):
    """`HttpApp` for an app's GraphQL read route: a service token from a higher layer (GraphQL, at the
    edge) with the acting user's context — and then the app's gate, on that user's tenant."""

    def __init__(self, function: Function, *, access: AppAccess) -> None:
        if function.service != access.name or function.name != READ_FUNCTION:
            raise ValueError(f"{function.qualified_name}: not {access.name}'s GraphQL read function")
        super().__init__(function)
        self.access = access

    def _authenticate(
        self, ctx: RequestContext, event: APIGatewayProxyEventV2, headers: Mapping[str, str]
    ) -> RequestContext:
        ctx = super()._authenticate(ctx, event, headers)
        if ctx.user is not None:  # none: the operation's `require_user` refuses it
            self.access.require_enabled(ctx.user.tenant_id)
        return ctx


RootRead = Callable[..., Any]
BatchRead = Callable[[list[str]], Mapping[str, Any]]


class AppReads:
    """The operations of an app's contribution, each a call into the app's own domain (the code its public
    read routes run). Every declared operation must be registered (checked by `missing`)."""

    def __init__(self, contribution: GraphQLContribution) -> None:
        self.contribution = contribution
        self._roots: dict[str, RootRead] = {}
        self._batches: dict[str, BatchRead] = {}

    def root(self, operation: str) -> Callable[[RootRead], RootRead]:
        def register(func: RootRead) -> RootRead:
            self._roots[operation] = func
            return func

        return register

    def batch(self, operation: str) -> Callable[[BatchRead], BatchRead]:
        def register(func: BatchRead) -> BatchRead:
            self._batches[operation] = func
            return func

        return register

    def missing(self) -> set[str]:
        return {f.operation for f in self.contribution.fields} - set(self._roots) - set(self._batches)

    def answer(self, request: AppRead) -> AppReadAnswer:
        user: UserContext = require().require_user()
        declared = [f for f in self.contribution.fields if f.operation == request.operation]
        if not declared:
            raise InvalidRequest(f"No read operation {request.operation!r}", field="operation")
        for field in declared:
            if field.permission:
                permissions.require(user, field.permission)
        if request.operation in self._batches:
            if request.keys is None:
                raise InvalidRequest("A batched read takes `keys`", field="keys")
            return AppReadAnswer(found=dict(self._batches[request.operation](request.keys)))
        read = self._roots[request.operation]
        try:
            inspect.signature(read).bind(**request.arguments)
        except TypeError as exc:  # an argument the operation does not take
            raise InvalidRequest(f"{request.operation}: {exc}", field="arguments") from exc
        return AppReadAnswer(value=read(**request.arguments))
