"""An in-repo app's gate (docs/apps.md, "Writing an in-repo app"): a tenant that has not enabled the app is
refused (403 `FORBIDDEN`), and a request without a credential is placed in its tenant seed 001's way.

Each app makes one, in `apps/<name>/access.py`, with the typed clients of the two services it asks:

    ACCESS = AppAccess(SERVICE, registry=RegistryClient(SERVICE), tenants=TenantsClient(SERVICE))

(the app's manifest declares `calls=("registry", "tenants")` on its HTTP functions), and hands it to each
HTTP function (`shared.app_http.AppHttpApp(SERVICE.function("x"), access=ACCESS)`); subscribers and jobs
ask `ACCESS.enabled(tenant_id)` themselves.

The answer is the registry's (one internal call), remembered per container for `STRATUS_APP_ACCESS_TTL`
seconds (10 by default): the gateway's authorizer makes no extra read for it. A change made through the
registry in the same process (the local runner, the monolith, tests) is seen at once (`forget`); other
containers see it within the TTL.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from typing import Any, Protocol

from shared import public_tenant
from shared.declarations import Layer, Service
from shared.errors import Forbidden
from shared.public_tenant import TenantValidator
from shared.ttl_cache import TTLCache

DEFAULT_TTL_SECONDS = 10.0


class Enablement(Protocol):
    enabled: bool
    config: dict[str, Any] | None


class EnablementSource(Protocol):
    """What the gate needs of the registry's typed client (`RegistryClient.app_access`)."""

    def app_access(self, name: str, tenant_id: str) -> Enablement: ...


_gates: weakref.WeakSet[AppAccess] = weakref.WeakSet()


class AppAccess:
    def __init__(
        self,
        service: Service,
        *,
        registry: EnablementSource,
        tenants: TenantValidator,
        ttl: float | None = None,
    ) -> None:
        if service.layer is not Layer.APPLICATION:
            raise ValueError(f"{service.name}: only an app (layer application) has an app gate")
        self.name = service.name
        self.registry = registry
        self.tenants = tenants
        seconds = (
            ttl if ttl is not None else float(os.environ.get("STRATUS_APP_ACCESS_TTL") or DEFAULT_TTL_SECONDS)
        )
        self._answers: TTLCache[str, Enablement] = TTLCache(maxsize=4096, ttl=seconds)
        _gates.add(self)

    def enablement(self, tenant_id: str) -> Enablement:
        """The tenant's choice for this app, with its configuration (cached)."""
        return self._answers.get_or_load(tenant_id, lambda: self.registry.app_access(self.name, tenant_id))

    def enabled(self, tenant_id: str) -> bool:
        return self.enablement(tenant_id).enabled

    def config(self, tenant_id: str) -> dict[str, Any]:
        """What the tenant's admin set in `PUT /tenants/{id}/services/<name>` `{config}` (`{}` if nothing)."""
        return dict(self.enablement(tenant_id).config or {})

    def require_enabled(self, tenant_id: str) -> None:
        """403 `FORBIDDEN` unless the tenant enabled this app."""
        if not self.enabled(tenant_id):
            raise Forbidden(
                f"The app {self.name!r} is not enabled for this tenant", details={"name": self.name}
            )

    def public_tenant(self, headers: Mapping[str, str]) -> str:
        """The tenant of a request without a credential (`shared.public_tenant.resolve`): `X-Tenant-ID`,
        else the host's first label; 400 if neither, 404 `TENANT_NOT_FOUND` if no such tenant."""
        return public_tenant.resolve(headers, self.tenants)

    def forget(self, tenant_id: str | None = None) -> None:
        if tenant_id is None:
            self._answers.clear()
        else:
            self._answers.invalidate(tenant_id)


def forget(name: str, tenant_id: str) -> None:
    """The registry changed `name`'s enablement for the tenant: this process's gates drop their answer."""
    for gate in list(_gates):
        if gate.name == name:
            gate.forget(tenant_id)
