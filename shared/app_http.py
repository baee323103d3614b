"""`AppHttpApp`: `HttpApp` for the routes of an in-repo app (`/api/v1/apps/<name>/...`).

After `HttpApp` has checked the caller (on a `user` route the gateway's authorizer already verified the
bearer token or `X-API-Key` and applied the tenant's rate limit for this app), it places the request in its
tenant and lets it through only if that tenant enabled the app:

- `user` route: the verified caller's tenant;
- `public` route, or a `user` route made with `anonymous=True` that was called without a credential:
  `X-Tenant-ID`, else the host's first label (`shared.public_tenant`: 400 if neither, 404
  `TENANT_NOT_FOUND` unknown, 403 `TENANT_SUSPENDED`). `anonymous=True` is for "public for the tenant"
  reads that a signed-in caller makes too (its own tenant, as the authorizer verified it);
- then the tenant's enablement (`shared.app_access`): 403 `FORBIDDEN` if not enabled.

The handler reads the tenant from `shared.context.require().tenant_id` in both cases (and the caller from
`.user`, None on a public route): never from a body, a path or a header of its own choosing.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from shared.app_access import AppAccess
from shared.context import RequestContext
from shared.declarations import Auth, Function
from shared.http_app import HttpApp


class AppHttpApp(HttpApp):
    def __init__(self, function: Function, *, access: AppAccess, anonymous: bool = False) -> None:
        if function.service != access.name:
            raise ValueError(f"{function.qualified_name}: the gate is {access.name!r}'s, not its app's")
        prefix = f"/api/v1/apps/{access.name}/"
        if not function.route.path.startswith(prefix):
            raise ValueError(f"{function.qualified_name}: an app's routes live under {prefix}")
        if function.route.auth not in (Auth.USER, Auth.PUBLIC):
            raise ValueError(f"{function.qualified_name}: an app route is `user` or `public`")
        super().__init__(function, anonymous=anonymous)
        self.access = access

    def _authenticate(
        self, ctx: RequestContext, event: APIGatewayProxyEventV2, headers: Mapping[str, str]
    ) -> RequestContext:
        ctx = super()._authenticate(ctx, event, headers)
        if ctx.user is None:  # a public route, or an anonymous call of an `anonymous=True` user route
            tenant_id = self.access.public_tenant(headers)
            ctx = ctx.model_copy(update={"tenant_id": tenant_id})
        else:
            tenant_id = ctx.user.tenant_id
        self.access.require_enabled(tenant_id)
        return ctx
