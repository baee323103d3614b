"""The internal routes of registry as typed calls (`RegistryClient`), with their request and response models.

Other services call registry only through this module. It imports nothing of registry but its manifest and
models (no handler, no store), so a caller's cold start does not load registry's code."""

from __future__ import annotations

from functions.registry.manifest import SERVICE
from functions.registry.models import AppAccess
from functions.registry.oauth_client_models import CLIENT_ID_PATTERN, ClientQuery, OAuthClient
from shared.typed_client import TypedClient

__all__ = ["CLIENT_ID_PATTERN", "AppAccess", "ClientQuery", "OAuthClient", "RegistryClient"]


class RegistryClient(TypedClient):
    """One method per internal route of functions/registry/manifest.py, named after its function."""

    callee = SERVICE

    def oauth_clients(self, body: ClientQuery) -> OAuthClient:
        """`POST /internal/registry/oauth-clients/resolve`: a registered app as an OAuth client:
        redirect URIs, its secret checked, enablement.

        Handled by functions/registry/oauth_clients.py."""
        return self._send("oauth-clients", OAuthClient, body)

    def app_access(self, name: str, tenant_id: str) -> AppAccess:
        """`GET /internal/registry/apps/{name}/tenants/{tenantId}`: whether the tenant enabled the
        in-repo app `name` (only the app itself may ask; its gate, shared.app_access).

        Handled by functions/registry/app_access.py."""
        return self._send("app-access", AppAccess, path={"name": name, "tenantId": tenant_id})
